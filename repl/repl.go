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

	"gopad.dev/gopad/internal/console"
	"gopad.dev/gopad/kernel/client"
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

// Run reads cells from opts.In and executes them until end of input. When In and
// Out are both a terminal, lines are edited with history (up and down arrows) and
// Tab completion; otherwise they are read as plain lines.
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
	k, err := client.Start(ctx, opts.Kernel)
	if err != nil {
		return err
	}
	defer k.Shutdown(context.Background())

	r := &session{k: k, err: opts.Err, printer: console.New(opts.Out, opts.Err)}
	fmt.Fprintf(opts.Out, "gopad %s (Go %s). Ctrl-C interrupts, Ctrl-D exits.\n",
		k.Info().ImplementationVersion, k.Info().LanguageInfo.Version)

	var in lineReader
	if tr, ok := newTermReader(opts.In, opts.Out); ok {
		defer tr.close()
		var pending *[]string
		tr.complete = func(line string, pos int) (string, int, bool) {
			return r.completeLine(ctx, *pending, line, pos)
		}
		in = tr
		return r.loop(ctx, in, interrupts, func(p *[]string) { pending = p })
	}
	in = newPlainReader(opts.In, opts.Out, interrupts)
	defer in.close()
	return r.loop(ctx, in, interrupts, nil)
}

// errInterrupted is returned by a lineReader when Ctrl-C is pressed while typing.
var errInterrupted = errors.New("interrupted")

// lineReader reads one line of input after showing a prompt.
type lineReader interface {
	readLine(prompt string) (string, error)
	// beforeExecute and afterExecute bracket a running cell.
	beforeExecute()
	afterExecute()
	close()
}

// loop reads cells and executes them. share, if set, is given the lines of the
// cell being typed (for completion).
func (s *session) loop(ctx context.Context, in lineReader, interrupts <-chan os.Signal, share func(*[]string)) error {
	var pending []string
	if share != nil {
		share(&pending)
	}
	for {
		if ctx.Err() != nil {
			return nil
		}
		prompt := Prompt
		if len(pending) > 0 {
			prompt = ContinuePrompt
		}
		line, err := in.readLine(prompt)
		switch {
		case errors.Is(err, errInterrupted):
			pending = pending[:0]
			continue
		case errors.Is(err, io.EOF):
			if src := strings.Join(pending, "\n"); strings.TrimSpace(src) != "" {
				in.beforeExecute()
				s.execute(ctx, src, interrupts)
				in.afterExecute()
			}
			return nil
		case err != nil:
			return fmt.Errorf("repl: read input: %w", err)
		}
		pending = append(pending, line)
		src := strings.Join(pending, "\n")
		if Incomplete(src) {
			continue
		}
		pending = pending[:0]
		if strings.TrimSpace(src) == "" {
			continue
		}
		in.beforeExecute()
		s.execute(ctx, src, interrupts)
		in.afterExecute()
	}
}

// plainReader reads lines from a pipe or a terminal in its normal mode, where the
// terminal itself edits the line and turns Ctrl-C into SIGINT.
type plainReader struct {
	out        io.Writer
	interrupts <-chan os.Signal
	lines      chan string
	readErr    chan error
	stop       chan struct{}
}

func newPlainReader(in io.Reader, out io.Writer, interrupts <-chan os.Signal) *plainReader {
	p := &plainReader{out: out, interrupts: interrupts, lines: make(chan string), readErr: make(chan error, 1), stop: make(chan struct{})}
	go func() {
		br := bufio.NewReader(in)
		for {
			line, err := br.ReadString('\n')
			if line != "" {
				select {
				case p.lines <- strings.TrimSuffix(line, "\n"):
				case <-p.stop:
					return
				}
			}
			if err != nil {
				p.readErr <- err
				return
			}
		}
	}()
	return p
}

func (p *plainReader) readLine(prompt string) (string, error) {
	io.WriteString(p.out, prompt)
	select {
	case line := <-p.lines:
		return line, nil
	case err := <-p.readErr:
		io.WriteString(p.out, "\n")
		return "", err
	case <-p.interrupts:
		// The terminal has dropped the line being typed.
		io.WriteString(p.out, "^C\n")
		return "", errInterrupted
	}
}

func (p *plainReader) beforeExecute() {}
func (p *plainReader) afterExecute()  {}
func (p *plainReader) close()         { close(p.stop) }

// session runs cells on a kernel and prints what they produce.
type session struct {
	k       *client.Kernel
	err     io.Writer
	printer *console.Printer
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
