package runner

import (
	"bytes"
	"testing"

	"gopad.dev/gopad/kernel/protocol"
)

func displayMsg(t *testing.T, msgType, id, text string) protocol.Message {
	t.Helper()
	m, err := protocol.NewMessage(msgType, "", protocol.DisplayDataContent{
		Data:      protocol.MIMEBundle{"text/plain": text, "text/html": "<p>" + text + "</p>"},
		Transient: protocol.Transient{DisplayID: id},
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestPrinterShowsFinalStateOfUpdatedDisplaysOnANonTerminal(t *testing.T) {
	var out bytes.Buffer
	p := &Printer{Stdout: &out, Stderr: &out}
	p.Show(displayMsg(t, protocol.DisplayData, "bar", "0%"))
	p.Show(displayMsg(t, protocol.UpdateDisplayData, "bar", "50%"))
	p.Show(displayMsg(t, protocol.UpdateDisplayData, "bar", "100%"))
	p.Flush()
	if got, want := out.String(), "0%\n100%\n"; got != want {
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

func TestPlainTextFallback(t *testing.T) {
	if got := PlainText(protocol.MIMEBundle{"text/plain": []any{"a\n", "b"}}); got != "a\nb" {
		t.Errorf("list of lines: %q", got)
	}
	if got := PlainText(protocol.MIMEBundle{"image/png": "xx", "text/html": "<b>"}); got != "<output of type image/png, text/html; open the notebook in gopad to see it>" {
		t.Errorf("no text/plain: %q", got)
	}
}
