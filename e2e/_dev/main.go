// Command _dev runs gopad's server with the script kernel of the server tests, for
// looking at the UI while the real kernel is in progress. Untracked, local only.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"gopad.dev/gopad/kernel/protocol"
	"gopad.dev/gopad/server"
)

func main() {
	if os.Getenv("DEV_ROLE") == "scriptkernel" {
		runScriptKernel()
		os.Exit(0)
	}
	exe, _ := os.Executable()
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:8899", "")
	root := fs.String("root", ".", "")
	token := fs.String("token", "dev", "")
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "serve" {
		args = args[1:]
	}
	fs.Parse(args)
	if fs.NArg() > 0 {
		*root = fs.Arg(0)
	}
	err := server.ListenAndServe(context.Background(), server.Config{Addr: *addr, Root: *root, Token: *token,
		KernelCommand: []string{exe}, KernelEnv: []string{"DEV_ROLE=scriptkernel"}}, os.Stdout)
	fmt.Println(err)
}

func runScriptKernel() {
	in := os.NewFile(3, "requests")
	out := protocol.NewWriter(os.NewFile(4, "messages"))
	send := func(typ, parent string, content any) {
		m, err := protocol.NewMessage(typ, parent, content)
		if err == nil {
			_ = out.Send(m)
		}
	}
	send(protocol.KernelInfoReply, "", protocol.KernelInfoReplyContent{Status: "ok", Implementation: "scriptkernel", LanguageInfo: protocol.LanguageInfo{Name: "script", FileExtension: ".txt"}})
	requests := make(chan protocol.Message, 16)
	interrupts := make(chan struct{}, 1)
	go func() {
		r := protocol.NewReader(in)
		for {
			m, err := r.Read()
			if err != nil {
				os.Exit(0)
			}
			switch m.Type {
			case protocol.InterruptRequest:
				select {
				case interrupts <- struct{}{}:
				default:
				}
				send(protocol.InterruptReply, m.ID, map[string]string{"status": "ok"})
			case protocol.ShutdownRequest:
				send(protocol.ShutdownReply, m.ID, protocol.ShutdownRequestContent{})
				os.Exit(0)
			default:
				requests <- m
			}
		}
	}()
	count := 0
	for m := range requests {
		switch m.Type {
		case protocol.CompleteRequest:
			var c protocol.CompleteRequestContent
			_ = m.Decode(&c)
			start := strings.LastIndexAny(c.Code[:c.CursorPos], " .\n") + 1
			send(protocol.CompleteReply, m.ID, protocol.CompleteReplyContent{Status: "ok", Matches: []string{"Println", "Printf"}, CursorStart: start, CursorEnd: c.CursorPos})
		case protocol.ExecuteRequest:
			var c protocol.ExecuteRequestContent
			_ = m.Decode(&c)
			select { // a stale interrupt must not hit this cell
			case <-interrupts:
			default:
			}
			count++
			send(protocol.Status, m.ID, protocol.StatusContent{ExecutionState: protocol.StateBusy})
			reply := protocol.ExecuteReplyContent{Status: protocol.ReplyOK, ExecutionCount: count}
			fail := func(ename, evalue string) {
				send(protocol.Error, m.ID, protocol.ErrorContent{EName: ename, EValue: evalue, Traceback: []string{ename + ": " + evalue}})
				reply = protocol.ExecuteReplyContent{Status: protocol.ReplyError, ExecutionCount: count, EName: ename, EValue: evalue}
			}
			sc := bufio.NewScanner(strings.NewReader(c.Code))
		lines:
			for sc.Scan() {
				cmd, arg, _ := strings.Cut(strings.TrimSpace(sc.Text()), " ")
				switch cmd {
				case "":
				case "print":
					send(protocol.Stream, m.ID, protocol.StreamContent{Name: "stdout", Text: arg + "\n"})
				case "eprint":
					send(protocol.Stream, m.ID, protocol.StreamContent{Name: "stderr", Text: arg + "\n"})
				case "result":
					send(protocol.ExecuteResult, m.ID, protocol.ExecuteResultContent{ExecutionCount: count, Data: protocol.MIMEBundle{"text/plain": arg}, Metadata: map[string]any{}})
				case "display", "update":
					id, text, _ := strings.Cut(arg, " ")
					typ := protocol.DisplayData
					if cmd == "update" {
						typ = protocol.UpdateDisplayData
					}
					send(typ, m.ID, protocol.DisplayDataContent{Data: protocol.MIMEBundle{"text/plain": text}, Metadata: map[string]any{}, Transient: protocol.Transient{DisplayID: id}})
				case "chart":
					send(protocol.DisplayData, m.ID, protocol.DisplayDataContent{Data: protocol.MIMEBundle{
						protocol.MIMEECharts: map[string]any{"xAxis": map[string]any{"type": "category", "data": []string{"a", "b"}}, "yAxis": map[string]any{}, "series": []any{map[string]any{"type": "line", "data": []int{1, 2}}}},
						"text/plain":         "a line chart",
					}, Metadata: map[string]any{}})
				case "sleep", "hang":
					d, _ := time.ParseDuration(arg)
					if cmd == "hang" {
						time.Sleep(d)
						continue
					}
					select {
					case <-time.After(d):
					case <-interrupts:
						fail("Interrupted", "the cell was interrupted")
						break lines
					}
				case "fail":
					fail("Failure", arg)
					break lines
				case "exit":
					var n int
					fmt.Sscan(arg, &n)
					fmt.Fprintln(os.Stderr, "scriptkernel: exiting on request")
					os.Exit(n)
				default:
					fail("UnknownCommand", cmd)
					break lines
				}
			}
			send(protocol.ExecuteReply, m.ID, reply)
			send(protocol.Status, m.ID, protocol.StatusContent{ExecutionState: protocol.StateIdle})
		}
	}
}
