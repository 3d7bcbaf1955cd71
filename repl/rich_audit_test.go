package repl_test

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"gopad.dev/gopad/kernel/kerneltest"
	"gopad.dev/gopad/repl"
)

// TestReplPrintsRichOutputsAsText checks issue 2 item 11: results and rich
// outputs (HTML, tables, in-place updates) print as their text fallback, never as
// markup, in a REPL on a real kernel.
func TestReplPrintsRichOutputsAsText(t *testing.T) {
	inR, inW := io.Pipe()
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- repl.Run(context.Background(), repl.Options{In: inR, Out: &out, Err: &out, Kernel: kerneltest.Options(), Interrupts: make(chan os.Signal)})
	}()
	send := func(s string) { io.WriteString(inW, s) }
	out.waitFor(t, repl.Prompt)
	send(`import "gopad/display"` + "\n")
	send(`display.Show(display.HTML("<p>shown <b>bold</b> words</p>"))` + "\n")
	out.waitFor(t, "shown bold words")
	send(`display.Table([]string{"name", "score"}, [][]any{{"ada", 97}, {"bob", 85}})` + "\n")
	out.waitFor(t, "name")
	out.waitFor(t, "ada")
	out.waitFor(t, "97")
	out.waitFor(t, "bob")
	send("h := display.Show(display.Markdown(\"first *draft*\"))\n")
	out.waitFor(t, "first")
	send(`h.Update(display.Markdown("final *version*"))` + "\n")
	out.waitFor(t, "final")
	inW.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("REPL did not exit at end of input")
	}
	t.Logf("REPL output:\n%s", out.String())
	for _, markup := range []string{"<b>", "<p>", "<table", "<td"} {
		if strings.Contains(out.String(), markup) {
			t.Errorf("REPL printed markup %q instead of the text fallback:\n%s", markup, out.String())
		}
	}
}
