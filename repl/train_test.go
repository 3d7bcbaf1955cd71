package repl_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gopad.dev/gopad/repl"
)

// TestTrainingBarOnATerminal checks issue 8 part 2 on a real pseudo-terminal
// and a real kernel: while a model trains in the REPL the progress bar is one
// line redrawn in place, cleared for each epoch's line and for what the cell
// prints (in order), and never wider than the terminal; the final line and the
// chart's summary stay when training is done.
func TestTrainingBarOnATerminal(t *testing.T) {
	cmd, out, send, typeAtPrompt := startTerminalREPL(t)
	// Printed strings are built so that the echo of the typed source differs
	// from the output.
	typeAtPrompt(`import ("fmt"; "gopad/ml")` + "\n")
	typeAtPrompt(`fmt.Println("before " + "training")` + "\n")
	out.waitFor(t, "before training\r\n")
	start := len(out.String())
	typeAtPrompt(`model := ml.Sequential(ml.Linear(4, 3))` + "\n")
	typeAtPrompt(`hist := model.Fit(ml.Iris(), ml.FitConfig{Epochs: 3, BatchSize: 50, Loss: ml.CrossEntropy(), Metrics: []string{"accuracy"},` + "\n")
	out.waitFor(t, repl.ContinuePrompt)
	send(`Callbacks: []ml.Callback{func(s ml.EpochStats) (bool, string) { fmt.Println("callback after" + " epoch", s.Epoch); return false, "" }}})` + "\n")
	out.waitFor(t, "done: 3 epochs")
	typeAtPrompt(`fmt.Println("after " + "training:", len(hist.Epochs))` + "\n")
	out.waitFor(t, "after training: 3\r\n")
	all := out.String()
	text := all[start:strings.Index(all, "after training: 3")]
	t.Logf("terminal output while training: %q", text)

	// The bar is redrawn in place: a carriage return, the bar, and erase to the
	// end of the line.
	redraw := regexp.MustCompile(`\r(\[[#.]+\] [^\r\n\x1b]*)\x1b\[K`)
	draws := redraw.FindAllStringSubmatch(text, -1)
	if len(draws) < 3 {
		t.Fatalf("the bar was drawn %d times, want it redrawn in place at least 3 times", len(draws))
	}
	for _, d := range draws {
		if n := utf8.RuneCountInString(d[1]); n >= 80 {
			t.Errorf("bar line %q is %d columns on an 80-column terminal", d[1], n)
		}
	}
	if !strings.Contains(text, " · batch ") {
		t.Errorf("no bar line shows the batch being trained")
	}
	// Permanent lines, each once and in order, each printed over the cleared bar.
	var want []string
	for e := 1; e <= 3; e++ {
		want = append(want, fmt.Sprintf("\r\x1b[Kepoch %d/3 · loss ", e), fmt.Sprintf("callback after epoch %d\r\n", e))
	}
	want = append(want, "] done: 3 epochs in ", `line chart "loss and accuracy per epoch"`)
	at := 0
	for _, w := range want {
		if n := strings.Count(text, w); n != 1 {
			t.Errorf("%q printed %d times, want once", w, n)
			continue
		}
		i := strings.Index(text, w)
		if i < at {
			t.Errorf("%q printed before what precedes it", w)
		}
		at = i
	}

	typeAtPrompt("\x04") // Ctrl-D at an empty prompt
	waitErr := make(chan error, 1)
	go func() { waitErr <- cmd.Wait() }()
	select {
	case err := <-waitErr:
		if err != nil {
			t.Fatalf("repl exited with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("repl did not exit on Ctrl-D")
	}
}
