package client

import (
	"strings"
	"testing"
)

func TestCrashReportKeepsThePanicLineOfALongTrace(t *testing.T) {
	tb := &tailBuffer{max: 1024}
	tb.Write([]byte("starting up\n"))
	tb.Write([]byte("pan")) // the marker split across writes
	tb.Write([]byte("ic: boom\n\ngoroutine 7 [running]:\n"))
	for range 500 {
		tb.Write([]byte("main.deep()\n\t/src/deep.go:12 +0x1d\n"))
	}
	got := tb.crashReport(10)
	lines := strings.Split(got, "\n")
	if lines[0] != "panic: boom" || len(lines) != 11 || lines[10] != "..." {
		t.Errorf("crash report = %q, want 10 lines from the panic line and an ellipsis", got)
	}
	if len(tb.buf) > 1024 {
		t.Errorf("tail holds %d bytes, want at most 1024", len(tb.buf))
	}

	plain := &tailBuffer{max: 1024}
	plain.Write([]byte("a\nb\nc\nd\n"))
	if got := plain.crashReport(2); got != "c\nd" {
		t.Errorf("no crash: report = %q, want the last 2 lines", got)
	}
	notAtLineStart := &tailBuffer{max: 1024}
	notAtLineStart.Write([]byte("said panic: no\nlast\n"))
	if got := notAtLineStart.crashReport(5); got != "said panic: no\nlast" {
		t.Errorf("marker inside a line taken as a crash: %q", got)
	}
}
