package kernel

import (
	"strings"
	"testing"
	"unicode/utf8"

	"gopad.dev/gopad/kernel/protocol"
)

func TestBoundErrorContentCutsValueAndTraceback(t *testing.T) {
	// "é" is two bytes and the "a" shifts them: the cut at maxErrorValue falls
	// inside one and must move before it.
	value := "a" + strings.Repeat("é", maxErrorValue)
	line := strings.Repeat("x", 100<<10)
	orig := []string{"first", line, line, line, line}
	c := boundErrorContent(protocol.ErrorContent{EName: "Panic", EValue: value, Traceback: append([]string{}, orig...)})
	if !utf8.ValidString(c.EValue) || !strings.HasSuffix(c.EValue, "é [gopad: 64.0 KiB more not shown]") || len(c.EValue) > maxErrorValue+64 {
		t.Errorf("value of %d bytes ends %q; want it cut to %d bytes at a rune boundary with a note", len(c.EValue), c.EValue[len(c.EValue)-40:], maxErrorValue)
	}
	// 64 KiB per line after the cut: "first" and three cut lines fit in 256 KiB, the fourth not.
	total := 0
	for _, l := range c.Traceback {
		total += len(l)
	}
	if len(c.Traceback) != 5 || c.Traceback[0] != "first" || !strings.HasSuffix(c.Traceback[1], "36 KiB more not shown]") ||
		c.Traceback[4] != "[gopad: 1 more traceback lines not shown]" || total > maxTracebackBytes+100 {
		t.Errorf("traceback: %d lines, %d bytes, last %q", len(c.Traceback), total, c.Traceback[len(c.Traceback)-1])
	}
	small := boundErrorContent(protocol.ErrorContent{EValue: "boom", Traceback: []string{"cell line 1: boom"}})
	if small.EValue != "boom" || len(small.Traceback) != 1 || small.Traceback[0] != "cell line 1: boom" {
		t.Errorf("a small error was changed: %+v", small)
	}
}
