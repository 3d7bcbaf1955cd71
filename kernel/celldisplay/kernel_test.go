package celldisplay_test

import (
	"context"
	"testing"
	"time"

	"gopad.dev/gopad/kernel/client"
	"gopad.dev/gopad/kernel/kerneltest"
	"gopad.dev/gopad/kernel/protocol"
)

func TestMain(m *testing.M) { kerneltest.Main(m) }

// TestKernelKeepsCellTypesMethods runs cells in a real kernel process: a
// result of a cell type renders by its RenderMIME (or as a table by its Table
// method), and display.Update, which the kernel adds for cells, updates an
// output with such a value.
func TestKernelKeepsCellTypesMethods(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	k, err := client.Start(ctx, kerneltest.Options())
	if err != nil {
		t.Fatal(err)
	}
	defer k.Shutdown(context.Background())
	run := func(code string) []protocol.Message {
		t.Helper()
		var msgs []protocol.Message
		reply, err := k.Execute(ctx, code, func(m protocol.Message) { msgs = append(msgs, m) })
		if err != nil || reply.Status != protocol.ReplyOK {
			t.Fatalf("%s: %v %s: %s", code, err, reply.EName, reply.EValue)
		}
		return msgs
	}
	data := func(msgs []protocol.Message, msgType string) protocol.MIMEBundle {
		t.Helper()
		for _, m := range msgs {
			if m.Type == msgType {
				var c protocol.DisplayDataContent
				if err := m.Decode(&c); err != nil {
					t.Fatal(err)
				}
				return c.Data
			}
		}
		t.Fatalf("no %s among %d messages", msgType, len(msgs))
		return nil
	}
	run(`import "gopad/display"
type Card struct{ Title string }
func (c Card) RenderMIME() display.Bundle { return display.Bundle{"text/html": "<h1>" + c.Title + "</h1>", "text/plain": c.Title} }
type Scores struct{}
func (Scores) Table() ([]string, [][]any) { return []string{"name", "score"}, [][]any{{"ada", 97}} }`)

	if got := data(run(`Card{"result"}`), protocol.ExecuteResult)["text/html"]; got != "<h1>result</h1>" {
		t.Errorf("a Card result renders text/html %v, want its RenderMIME's", got)
	}
	if tbl := data(run(`Scores{}`), protocol.ExecuteResult)[protocol.MIMETable]; tbl == nil {
		t.Error("a cell type with a Table method does not render as a table")
	}
	run(`h := display.Show(display.Text("first"))`)
	if got := data(run(`display.Update(h, Card{"updated"})`), protocol.UpdateDisplayData)["text/html"]; got != "<h1>updated</h1>" {
		t.Errorf("display.Update with a Card sent text/html %v", got)
	}
}
