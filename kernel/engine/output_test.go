package engine

import (
	"strings"
	"testing"
)

func TestOutputGoesToOptionsWriters(t *testing.T) {
	h := newHarness(t)
	h.run("import (\n\t\"fmt\"\n\t\"log\"\n\t\"os\"\n)\nfmt.Println(\"to stdout\")\nfmt.Printf(\"%d\\n\", 42)\nlog.Println(\"to stderr\")\nfmt.Fprintln(os.Stderr, \"direct\")")
	if got := h.out.String(); got != "to stdout\n42\n" {
		t.Errorf("stdout = %q", got)
	}
	if got := h.err.String(); !strings.Contains(got, "to stderr") {
		t.Errorf("stderr = %q, want the log line", got)
	}
	// Panic frame lines are kept for tracebacks, not shown.
	h.fail("panic(\"x\")")
	if strings.Contains(h.err.String(), "panic: main") {
		t.Errorf("yaegi's panic frames leaked to stderr: %q", h.err.String())
	}
}
