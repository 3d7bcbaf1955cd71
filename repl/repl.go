// Package repl is gopad's terminal read-eval-print loop (`gopad repl`) on a kernel
// process, the same kernel the notebook uses.
//
// Input is read line by line in the terminal's normal (cooked) mode, so the
// terminal does the line editing. A line that leaves a bracket, brace,
// parenthesis, raw string or block comment open continues on the next line.
// Results and rich outputs print as their text/plain form. Ctrl-C interrupts the
// running cell, or discards the input being typed; Ctrl-D (end of input) exits.
package repl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"go/scanner"
	"go/token"
	"io"
	"os"
	"os/signal"
	"strings"

	"gopad.dev/gopad/kernel/client"
	"gopad.dev/gopad/runner"
)

// Prompts.
const (
	Prompt         = "go> "
	ContinuePrompt = "... "
)

// Options configures Run.
type Options struct {
	In       io.Reader
	Out, Err io.Writer
	// Kernel configures the kernel process; the zero value runs this executable.
	Kernel client.Options
	// Interrupts delivers Ctrl-C presses; nil means the process's SIGINT.
	Interrupts <-chan os.Signal
}

// Run reads cells from opts.In and executes them until end of input.
func Run(ctx context.Context, opts Options) error {
	if opts.In == nil || opts.Out == nil {
		return errors.New("repl: input and output are required")
	}
	if opts.Err == nil {
		opts.Err = opts.Out
	}
	interrupts := opts.Interrupts
	if interrupts == nil {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt)
		defer signal.Stop(sig)
		interrupts = sig
	}
	kopts := opts.Kernel
	k, err := client.Start(ctx, kopts)
	if err != nil {
		return err
	}
	defer k.Shutdown(context.Background())

	r := &session{k: k, err: opts.Err, printer: runner.NewPrinter(opts.Out, opts.Err)}
	fmt.Fprintf(opts.Out, "gopad %s (Go %s). Ctrl-C interrupts, Ctrl-D exits.\n",
		k.Info().ImplementationVersion, k.Info().LanguageInfo.Version)

	lines := make(chan string)
	readErr := make(chan error, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		br := bufio.NewReader(opts.In)
		for {
			line, err := br.ReadString('\n')
			if line != "" {
				select {
				case lines <- strings.TrimSuffix(line, "\n"):
				case <-stop:
					return
				}
			}
			if err != nil {
				readErr <- err
				return
			}
		}
	}()

	var pending []string
	for {
		if len(pending) == 0 {
			io.WriteString(opts.Out, Prompt)
		} else {
			io.WriteString(opts.Out, ContinuePrompt)
		}
		var line string
		select {
		case line = <-lines:
		case err := <-readErr:
			io.WriteString(opts.Out, "\n")
			if !errors.Is(err, io.EOF) {
				return fmt.Errorf("repl: read input: %w", err)
			}
			if src := strings.Join(pending, "\n"); strings.TrimSpace(src) != "" {
				r.execute(ctx, src, interrupts)
			}
			return nil
		case <-interrupts:
			// The terminal has dropped the line being typed; drop the rest of the cell too.
			pending = nil
			io.WriteString(opts.Out, "^C\n")
			continue
		case <-ctx.Done():
			return nil
		}
		pending = append(pending, line)
		src := strings.Join(pending, "\n")
		if Incomplete(src) {
			continue
		}
		pending = nil
		if strings.TrimSpace(src) == "" {
			continue
		}
		r.execute(ctx, src, interrupts)
	}
}

// session runs cells on a kernel and prints what they produce.
type session struct {
	k       *client.Kernel
	err     io.Writer
	printer *runner.Printer
}

// execute runs one cell, forwarding Ctrl-C presses as interrupts.
func (s *session) execute(ctx context.Context, code string, interrupts <-chan os.Signal) {
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-interrupts:
				_ = s.k.Interrupt()
			case <-done:
				return
			}
		}
	}()
	_, err := s.k.Execute(ctx, code, s.printer.Show)
	close(done)
	s.printer.Flush()
	if err != nil {
		fmt.Fprintln(s.err, err)
		var died *client.DiedError
		if errors.As(err, &died) && !died.Restarted {
			fmt.Fprintln(s.err, "restarting the kernel; variables and functions defined so far are gone")
			if err := s.k.Restart(ctx); err != nil {
				fmt.Fprintln(s.err, "restart failed:", err)
			}
		}
	}
}

// Incomplete reports whether src leaves a bracket, brace, parenthesis, raw
// string or block comment open, so that the REPL should read another line.
func Incomplete(src string) bool {
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	open := false
	var s scanner.Scanner
	s.Init(file, []byte(src), func(_ token.Position, msg string) {
		if strings.HasPrefix(msg, "raw string literal not terminated") || strings.HasPrefix(msg, "comment not terminated") {
			open = true
		}
	}, scanner.ScanComments)
	depth := 0
	for {
		_, tok, _ := s.Scan()
		switch tok {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			depth--
		case token.EOF:
			return open || depth > 0
		}
	}
}
