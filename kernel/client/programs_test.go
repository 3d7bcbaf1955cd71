package client_test

import (
	"context"
	"strings"
	"testing"
)

// TestNotebookPrograms runs gopad's own corpus of notebook-style programs
// (testdata/programs): the standard library's examples rarely define types
// with methods, interfaces or errors of their own, which is where yaegi
// went silently wrong (errors collected in a loop, Stringers returned by
// calls, method values). Each program is built and run compiled, where it
// must print its stated output, then run as two cells in a real kernel,
// where it must print the same: a refusal fails too, as these are ordinary
// programs a notebook user writes.
func TestNotebookPrograms(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a corpus of programs")
	}
	examples := collectExamples(t, "testdata/programs")
	if len(examples) < 15 {
		t.Fatalf("found %d programs in testdata/programs, want the whole corpus", len(examples))
	}
	compiled := runCompiled(t, examples)
	k := start(t)
	for _, ex := range examples {
		out, ok := compiled[ex.name]
		if !ok || strings.TrimSpace(out) != strings.TrimSpace(ex.output) {
			t.Errorf("%s: compiled, it printed %q, not its stated output %q", ex.name, out, ex.output)
			continue
		}
		if err := k.Restart(context.Background()); err != nil {
			t.Fatalf("restart kernel: %v", err)
		}
		got, cellErr := runCells(t, k, ex)
		switch {
		case cellErr != "":
			t.Errorf("%s: refused: %s", ex.name, cellErr)
		case strings.TrimSpace(got) != strings.TrimSpace(out):
			t.Errorf("%s: silently wrong\n--- program:\n%s\n--- compiled printed:\n%s\n--- cells printed:\n%s", ex.name, ex.src, out, got)
		}
	}
}
