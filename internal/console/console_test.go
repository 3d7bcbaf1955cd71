package console

import (
	"bytes"
	"strings"
	"testing"

	"gopad.dev/gopad/internal/progress"
	"gopad.dev/gopad/kernel/protocol"
)

func message(t *testing.T, msgType string, content any) protocol.Message {
	t.Helper()
	m, err := protocol.NewMessage(msgType, "", content)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func displayMsg(t *testing.T, msgType, id, text string) protocol.Message {
	t.Helper()
	return message(t, msgType, protocol.DisplayDataContent{
		Data:      protocol.MIMEBundle{"text/plain": text, "text/html": "<p>" + text + "</p>"},
		Transient: protocol.Transient{DisplayID: id},
	})
}

func streamMsg(t *testing.T, text string) protocol.Message {
	t.Helper()
	return message(t, protocol.Stream, protocol.StreamContent{Name: "stdout", Text: text})
}

// barMsg is a progress display's message as display and the training view send it.
func barMsg(t *testing.T, msgType, id string, s progress.State) protocol.Message {
	t.Helper()
	return message(t, msgType, protocol.DisplayDataContent{
		Data:      protocol.MIMEBundle{"text/plain": s.Text(), "text/html": s.HTML(), progress.MIMEType: s.JSON()},
		Transient: protocol.Transient{DisplayID: id},
	})
}

func TestPrinterPrintsUpdatedDisplaysInOrderOnANonTerminal(t *testing.T) {
	var out bytes.Buffer
	p := &Printer{Stdout: &out, Stderr: &out}
	p.Show(displayMsg(t, protocol.DisplayData, "bar", "0%"))
	p.Show(displayMsg(t, protocol.UpdateDisplayData, "bar", "50%"))
	p.Show(displayMsg(t, protocol.UpdateDisplayData, "bar", "100%"))
	p.Show(streamMsg(t, "printed after the update\n"))
	p.Show(displayMsg(t, protocol.UpdateDisplayData, "bar", "again"))
	// A display whose text is empty prints nothing, until it has text.
	p.Show(displayMsg(t, protocol.DisplayData, "chart", ""))
	p.Show(displayMsg(t, protocol.UpdateDisplayData, "chart", ""))
	p.Show(streamMsg(t, "more\n"))
	p.Show(displayMsg(t, protocol.UpdateDisplayData, "chart", "chart summary"))
	p.Flush()
	if got, want := out.String(), "0%\n100%\nprinted after the update\nagain\nmore\nchart summary\n"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
}

func TestPrinterRedrawsInPlaceOnATerminal(t *testing.T) {
	var out bytes.Buffer
	p := &Printer{Stdout: &out, Stderr: &out, Terminal: true}
	p.Show(displayMsg(t, protocol.DisplayData, "bar", "line one\nline two"))
	p.Show(displayMsg(t, protocol.UpdateDisplayData, "bar", "done"))
	p.Flush()
	if got, want := out.String(), "line one\nline two\n\x1b[2A\x1b[Jdone\n"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
}

// training sends what the training view sends for two epochs of two
// batches, with the cell printing between them.
func training(t *testing.T, p *Printer) {
	bar := func(msgType string, s progress.State) { p.Show(barMsg(t, msgType, "train", s)) }
	bar(protocol.DisplayData, progress.State{Total: 4, Status: "starting"})
	bar(protocol.UpdateDisplayData, progress.State{Done: 1, Total: 4, Status: "epoch 1/2 batch 1/2"})
	bar(protocol.UpdateDisplayData, progress.State{Done: 2, Total: 4, Status: "epoch 1/2 batch 2/2", Log: []string{"epoch 1/2 loss 0.5"}, Logged: 1, LastLog: "epoch 1/2 loss 0.5"})
	p.Show(streamMsg(t, "callback says hi\n"))
	bar(protocol.UpdateDisplayData, progress.State{Done: 3, Total: 4, Status: "epoch 2/2 batch 1/2", Logged: 1, LastLog: "epoch 1/2 loss 0.5"})
	bar(protocol.UpdateDisplayData, progress.State{Done: 4, Total: 4, Status: "done: 2 epochs", Log: []string{"epoch 2/2 loss 0.25"}, Logged: 2, LastLog: "epoch 2/2 loss 0.25", Finished: true})
	p.Show(streamMsg(t, "after training\n"))
	p.Flush()
}

// TestTrainingBarOnANonTerminal checks issue 8 part 2: in a log, one line per
// epoch and the final line, in order with what the cell prints, and no bar
// redraws or escape sequences.
func TestTrainingBarOnANonTerminal(t *testing.T) {
	var out bytes.Buffer
	training(t, &Printer{Stdout: &out, Stderr: &out})
	want := "epoch 1/2 loss 0.5\n" +
		"callback says hi\n" +
		"epoch 2/2 loss 0.25\n" +
		"[##############################] done: 2 epochs\n" +
		"after training\n"
	if got := out.String(); got != want {
		t.Errorf("printed\n%q\nwant\n%q", got, want)
	}
}

// TestTrainingBarOnATerminal checks that on a terminal the bar is one line
// redrawn in place, cleared before anything else is printed and drawn again
// under it, and left as a permanent line when finished.
func TestTrainingBarOnATerminal(t *testing.T) {
	var out bytes.Buffer
	training(t, &Printer{Stdout: &out, Stderr: &out, Terminal: true, Width: func() int { return 40 }})
	const clear = "\r\x1b[K"
	// Bars shortened to fit 40 columns, below 30 cells where the status is long.
	bar := func(done, width int) string { return progress.Bar(done, 4, width) }
	want := "\r" + bar(0, 28) + " starting\x1b[K" +
		"\r" + bar(1, 17) + " epoch 1/2 batch 1/2\x1b[K" +
		clear + "epoch 1/2 loss 0.5\n" + "\r" + bar(2, 17) + " epoch 1/2 batch 2/2\x1b[K" +
		clear + "callback says hi\n" + "\r" + bar(2, 17) + " epoch 1/2 batch 2/2\x1b[K" +
		"\r" + bar(3, 17) + " epoch 2/2 batch 1/2\x1b[K" +
		clear + "epoch 2/2 loss 0.25\n[##############################] done: 2 epochs\n" +
		"after training\n"
	if got := out.String(); got != want {
		t.Errorf("printed\n%q\nwant\n%q", got, want)
	}
	for _, line := range strings.Split(out.String(), "\r") {
		if n := len([]rune(strings.TrimSuffix(line, "\x1b[K"))); strings.HasPrefix(line, "[") && !strings.Contains(line, "\n") && n >= 40 {
			t.Errorf("bar line %q is %d columns on a 40-column terminal", line, n)
		}
	}
}

// TestUnfinishedBar checks that a bar the cell never finishes is not lost:
// its last state is printed when the cell ends (non-terminal), or its line
// is ended (terminal), and a line the cell left open is ended before the bar.
func TestUnfinishedBar(t *testing.T) {
	var out bytes.Buffer
	p := &Printer{Stdout: &out, Stderr: &out}
	p.Show(barMsg(t, protocol.DisplayData, "b", progress.State{Label: "cells", Done: 1, Total: 2, Status: "1/2"}))
	p.Show(barMsg(t, protocol.UpdateDisplayData, "b", progress.State{Label: "cells", Done: 2, Total: 2, Status: "2/2"}))
	p.Flush()
	if got, want := out.String(), "cells [##############################] 2/2\n"; got != want {
		t.Errorf("non-terminal printed %q, want %q", got, want)
	}

	out.Reset()
	p = &Printer{Stdout: &out, Stderr: &out, Terminal: true}
	p.Show(barMsg(t, protocol.DisplayData, "b", progress.State{Done: 1, Total: 2, Status: "1/2"}))
	p.Show(streamMsg(t, "loading..."))
	p.Show(barMsg(t, protocol.UpdateDisplayData, "b", progress.State{Done: 2, Total: 2, Status: "2/2"}))
	p.Flush()
	want := "\r" + progress.Bar(1, 2, progress.BarWidth) + " 1/2\x1b[K" +
		"\r\x1b[Kloading..." +
		"\n\r" + progress.Bar(2, 2, progress.BarWidth) + " 2/2\x1b[K\n"
	if got := out.String(); got != want {
		t.Errorf("terminal printed\n%q\nwant\n%q", got, want)
	}
}

func TestPlainTextFallback(t *testing.T) {
	if got := PlainText(protocol.MIMEBundle{"text/plain": []any{"a\n", "b"}}); got != "a\nb" {
		t.Errorf("list of lines: %q", got)
	}
	if got := PlainText(protocol.MIMEBundle{"image/png": "xx", "text/html": "<b>"}); got != "<output of type image/png, text/html; open the notebook in gopad to see it>" {
		t.Errorf("no text/plain: %q", got)
	}
	tbl := map[string]any{"columns": []any{"name", "score"}, "rows": []any{[]any{"ada", 97.0}}, "total_rows": 1.0}
	if got, want := PlainText(protocol.MIMEBundle{protocol.MIMETable: tbl, "text/html": "<table>"}), "name  score\n----  -----\nada      97"; got != want {
		t.Errorf("table without text/plain: %q, want %q", got, want)
	}
}
