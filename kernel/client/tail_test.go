package client

import (
	"strings"
	"testing"

	"gopad.dev/gopad/kernel/protocol"
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

func TestStackOverflowReasonSaysOnlyWhatIsKnown(t *testing.T) {
	at := protocol.Position{Cell: 3, Line: 2, Goroutine: 40}
	for _, tc := range []struct {
		pos       protocol.Position
		known     bool
		goroutine int64
		want      string
	}{
		{at, true, 40, "stack overflow in cell 3, line 2: "},
		{at, true, 41, "stack overflow in a goroutine started by a cell, while cell 3 ran, line 2: "},
		{protocol.Position{Cell: 3}, true, 0, "stack overflow while cell 3 ran: "},
		{protocol.Position{}, true, 41, "stack overflow in a goroutine, while no cell was running: "},
		{protocol.Position{}, false, 41, "stack overflow: "},
	} {
		got := stackOverflowReason(tc.pos, tc.known, tc.goroutine)
		if !strings.HasPrefix(got, tc.want) || !strings.HasSuffix(got, "calls nested deeper than the 64 MiB of stack a goroutine may use (a recursion that never ends?)") {
			t.Errorf("stackOverflowReason(%+v, %v, %d) = %q, want it to start %q", tc.pos, tc.known, tc.goroutine, got, tc.want)
		}
	}
}

func TestStackOverflowIsToldFromOtherCrashes(t *testing.T) {
	overflow := "runtime stack:\nruntime.throw({0xff5a96?, 0x0?})\n\t/usr/local/go/src/runtime/panic.go:1229 +0x48\n" +
		"runtime.newstack()\n\t/usr/local/go/src/runtime/stack.go:1207 +0x5fd\nruntime.morestack()\n\t/usr/local/go/src/runtime/asm_amd64.s:681 +0x7d\n\n" +
		"goroutine 9 gp=0x1ae36a214960 m=5 mp=0x1ae36a134008 [running]:\nsync.(*RWMutex).Lock(0x1ae36c678b38?)\n"
	if g, ok := stackOverflow(overflow); !ok || g != 9 {
		t.Errorf("runtime's overflow report: goroutine %d, %v; want 9, true", g, ok)
	}
	otherThrow := "runtime stack:\nruntime.throw({0x1?, 0x0?})\n\t/x/panic.go:1 +0x48\nruntime.mapassign()\n\t/x/map.go:1\n\ngoroutine 7 gp=0x1 m=1 [running]:\n"
	if _, ok := stackOverflow(otherThrow); ok {
		t.Error("another throw was taken for a stack overflow")
	}
	if _, ok := stackOverflow("panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n"); ok {
		t.Error("a panic was taken for a stack overflow")
	}
}
