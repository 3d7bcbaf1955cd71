package publishing

import (
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"gopad.dev/gopad/kernel/protocol"
	"gopad.dev/gopad/ml"
	"gopad.dev/gopad/serving"
	"gopad.dev/gopad/serving/registry"
)

// target opens a registry in a temporary directory, served by a real
// serving.Server behind a real HTTP listener.
func target(t *testing.T) Target {
	t.Helper()
	reg, err := registry.Open(filepath.Join(t.TempDir(), "models"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	srv, err := serving.NewFromRegistry(reg, serving.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return Target{Registry: reg, Endpoints: srv.Handler(), BaseURL: ts.URL}
}

// saved saves m into a fresh directory.
func saved(t *testing.T, m *ml.Model) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "m")
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestTextModelExampleIsAStringAndPinnedDefaultIsSaid(t *testing.T) {
	tg := target(t)
	words := []string{"hello", "bonjour", "hallo"}
	vocab := ml.BuildVocabulary(words, ml.CharTokenizer(), ml.VocabOptions{})
	m := ml.Sequential(ml.Embedding(vocab.Size(), 4), ml.LSTM(4, 8), ml.LastStep(), ml.Linear(8, 3))
	for k, v := range map[string]any{"vocabulary": vocab, "sequence": ml.SeqOptions{MaxLen: 8}, "classes": []string{"English", "French", "German"}} {
		if err := m.SetMeta(k, v); err != nil {
			t.Fatal(err)
		}
	}
	dir := saved(t, m)
	reply := Publish(tg, protocol.PublishRequestContent{Name: "lang", Dir: dir, Source: "cell"}, Origin{Notebook: "a.gonb", Cell: "c1", Content: []byte("{}")})
	if reply.Status != protocol.ReplyOK || reply.Version != 1 || !reply.Default || !reply.Served || reply.URL != tg.BaseURL+"/v2/models/lang" {
		t.Fatalf("reply %+v", reply)
	}
	var ex struct {
		Inputs []struct {
			Name     string   `json:"name"`
			Datatype string   `json:"datatype"`
			Data     []string `json:"data"`
		} `json:"inputs"`
	}
	if err := json.Unmarshal([]byte(reply.Example), &ex); err != nil || len(ex.Inputs) != 1 || ex.Inputs[0].Datatype != "BYTES" || ex.Inputs[0].Name != serving.InputText || len(ex.Inputs[0].Data) != 1 {
		t.Errorf("example request for a text model: %s (%v)", reply.Example, err)
	}
	info, _ := tg.Registry.Get("lang")
	if lin := info.Versions[0].Lineage; lin.Notebook != "a.gonb" || lin.Cell != "c1" || lin.ContentHash != registry.ContentHash([]byte("{}")) || lin.Source != "cell" {
		t.Errorf("lineage %+v", lin)
	}
	// A rollback pins version 1: a new version does not take over, and says so.
	if err := tg.Registry.Pin("lang", 1); err != nil {
		t.Fatal(err)
	}
	reply = Publish(tg, protocol.PublishRequestContent{Name: "lang", Dir: dir, Source: "button"}, Origin{})
	if reply.Status != protocol.ReplyOK || reply.Version != 2 || reply.Default || reply.DefaultVersion != 1 || !strings.Contains(reply.Note, "version 1 is pinned") {
		t.Errorf("publish over a pinned default: %+v", reply)
	}
}

func TestBadRequestsAreRefusedAndNothingIsWritten(t *testing.T) {
	tg := target(t)
	m := ml.Sequential(ml.Linear(2, 2))
	dir := saved(t, m)
	if r := Publish(tg, protocol.PublishRequestContent{Name: "Model", Dir: dir}, Origin{}); r.Status != protocol.ReplyOK {
		t.Fatalf("first publish: %+v", r)
	}
	for _, tc := range []struct {
		req  protocol.PublishRequestContent
		want string
	}{
		{protocol.PublishRequestContent{Name: "model", Dir: dir}, `differ only in case`},
		{protocol.PublishRequestContent{Name: "../up", Dir: dir}, `model name "../up"`},
		{protocol.PublishRequestContent{Name: "rel", Dir: "m"}, "absolute path"},
		{protocol.PublishRequestContent{Name: "gone", Dir: filepath.Join(t.TempDir(), "none")}, "no such file"},
		{protocol.PublishRequestContent{Name: "record", Dir: dir, Record: map[string]any{"metrics": "not a map"}}, "record"},
	} {
		r := Publish(tg, tc.req, Origin{})
		if r.Status != protocol.ReplyError || !strings.Contains(r.EValue, tc.want) {
			t.Errorf("%+v: %+v, want an error saying %q", tc.req, r, tc.want)
		}
	}
	all, _ := tg.Registry.List()
	if len(all) != 1 || len(all[0].Versions) != 1 {
		t.Errorf("refused publishes wrote something: %+v", all)
	}
	// Without a server, the version is written and the reply says it is not served.
	tg.Endpoints, tg.BaseURL, tg.NotServed = nil, "", "not served: run gopad serve-model"
	if r := Publish(tg, protocol.PublishRequestContent{Name: "Model", Dir: dir}, Origin{}); r.Status != protocol.ReplyOK || r.Served || r.URL != "" || r.Note != "not served: run gopad serve-model" {
		t.Errorf("publish without a server: %+v", r)
	}
}
