package progress

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestForms(t *testing.T) {
	s := &State{Label: "train <x>", Done: 5, Total: 10, Status: "epoch 1/2 · loss 0.5", Log: []string{"epoch 1/2 · loss 0.5"}, Logged: 1, LastLog: "epoch 1/2 · loss 0.5"}
	if got, want := s.Line(10), "train <x> [#####.....] epoch 1/2 · loss 0.5"; got != want {
		t.Errorf("Line = %q, want %q", got, want)
	}
	if got, want := s.Text(), "train <x> [###############...............] epoch 1/2 · loss 0.5\nepoch 1/2 · loss 0.5"; got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
	h := s.HTML()
	for _, want := range []string{"<span>train &lt;x&gt;</span>", `<progress value="5" max="10"`, `<div style="opacity:0.75">epoch 1/2`} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q: %s", want, h)
		}
	}
	s.Finished = true
	if strings.Contains(s.Text(), "\n") || strings.Contains(s.HTML(), "opacity") {
		t.Errorf("a finished display still shows its last log line: %q", s.Text())
	}
	count := &State{Done: 7, Status: "7 steps"}
	if got := count.Line(10); got != "7 steps" {
		t.Errorf("a count without a total = %q", got)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	s := &State{Label: "l", Done: 3, Total: 4, Status: "s", Log: []string{"a", "b"}, Logged: 5, LastLog: "b", Finished: true}
	raw, err := json.Marshal(s.JSON())
	if err != nil {
		t.Fatal(err)
	}
	var decoded any
	if err := json.Unmarshal(raw, &decoded); err != nil {
		t.Fatal(err)
	}
	back, err := FromJSON(decoded)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, s) {
		t.Errorf("round trip gave %+v, want %+v", back, s)
	}
	if _, err := FromJSON("text"); err == nil || !strings.Contains(err.Error(), "is a string") {
		t.Errorf("FromJSON(string) = %v", err)
	}
	if _, err := FromJSON(map[string]any{"done": "three"}); err == nil || !strings.Contains(err.Error(), "done") {
		t.Errorf("FromJSON with a text count = %v", err)
	}
}
