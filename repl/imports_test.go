package repl_test

import (
	"go/build"
	"slices"
	"testing"
)

// TestReplDoesNotImportRunner: the REPL and gopad run share their printer
// through internal/console, not one through the other.
func TestReplDoesNotImportRunner(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(pkg.Imports, "gopad.dev/gopad/runner") {
		t.Error("repl imports gopad.dev/gopad/runner")
	}
}
