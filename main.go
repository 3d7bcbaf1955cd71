// Command gopad is a notebook for machine learning in Go.
//
//	gopad [serve] [flags] [DIR]     serve the notebooks in DIR (default: current directory)
//	gopad run NOTEBOOK [-o OUT]     execute every cell of a notebook headless
//	gopad repl                      a terminal read-eval-print loop on a kernel
//	gopad version                   print the version
//	gopad kernel                    internal: a kernel process, started by gopad itself
//
// Each subcommand accepts -h.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"gopad.dev/gopad/kernel"
	"gopad.dev/gopad/repl"
	"gopad.dev/gopad/runner"
	"gopad.dev/gopad/server"
)

const usage = `gopad is a notebook for machine learning in Go.

Usage:
  gopad [serve] [flags] [DIR]        serve the notebooks in DIR or -root DIR (default: the current directory)
  gopad run NOTEBOOK [-o OUT] [--inplace]
                                     execute every code cell of NOTEBOOK in a fresh kernel
  gopad repl                         a terminal read-eval-print loop on a kernel
  gopad version                      print gopad's version
  gopad kernel                       internal: a kernel process, started by gopad itself

Run "gopad COMMAND -h" for the flags of a command.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// errUsage marks errors already explained by a usage message.
var errUsage = errors.New("usage")

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && (len(args[0]) == 0 || args[0][0] != '-') {
		cmd, args = args[0], args[1:]
	} else if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		fmt.Fprint(stdout, usage)
		return 0
	}
	var err error
	switch cmd {
	case "serve":
		err = serveCmd(args, stdout, stderr)
	case "run":
		err = runCmd(args, stdout, stderr)
	case "repl":
		err = replCmd(args, stdin, stdout, stderr)
	case "kernel":
		err = kernelCmd(args, stderr)
	case "version":
		err = versionCmd(args, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "gopad: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	default:
		fmt.Fprintf(stderr, "gopad %s: %v\n", cmd, err)
		return 1
	}
}

// newFlagSet returns a flag set that prints usage text to stderr on bad flags.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseInterspersed parses flags that may come before or after positional
// arguments ("gopad run nb.gonb -o out.gonb") and returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, errUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// interruptContext is cancelled by the first Ctrl-C or SIGTERM; a second Ctrl-C
// kills the command the usual way.
func interruptContext() (context.Context, context.CancelFunc) {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		signal.Reset(os.Interrupt, syscall.SIGTERM)
	}()
	return ctx, cancel
}

func serveCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", "gopad [serve] [-addr HOST:PORT] [-root DIR | DIR] [-token T | -no-token] [-idle-timeout D]", stderr)
	addr := fs.String("addr", server.DefaultAddr, "address to listen on (port 0 picks a free port)")
	root := fs.String("root", "", "directory whose notebooks are served (default: the current directory)")
	token := fs.String("token", "", "access token (default: a fresh random token)")
	noToken := fs.Bool("no-token", false, "disable the access token (only on a loopback address)")
	idle := fs.Duration("idle-timeout", server.DefaultIdleTimeout, "shut a notebook's kernel down this long after its last tab closed (negative: never)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 || (len(pos) == 1 && *root != "") {
		fs.Usage()
		return fmt.Errorf("%w: give the directory once, with -root or as an argument: %q", errUsage, pos)
	}
	cfg := server.Config{Addr: *addr, Root: *root, Token: *token, NoToken: *noToken, IdleTimeout: *idle, KernelStderr: stderr}
	// Which notebooks' outputs this user trusts is remembered outside every notebook
	// folder; without a configuration directory it lasts as long as the server.
	if dir, err := os.UserConfigDir(); err == nil {
		cfg.TrustFile = filepath.Join(dir, "gopad", "trusted-notebooks")
	}
	if len(pos) == 1 {
		cfg.Root = pos[0]
	}
	ctx, cancel := interruptContext()
	defer cancel()
	return server.ListenAndServe(ctx, cfg, stdout)
}

func runCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("run", "gopad run NOTEBOOK [-o OUT] [--inplace] [-timeout D]\n\nNOTEBOOK is a .gonb or .ipynb file, or example:NAME for a bundled example\n(example:welcome). Without -o or --inplace, output only goes to the terminal.", stderr)
	out := fs.String("o", "", "write the executed notebook to `OUT`")
	inplace := fs.Bool("inplace", false, "write the outputs back into NOTEBOOK")
	timeout := fs.Duration("timeout", 0, "interrupt and fail a cell that runs longer than this (e.g. 10m); 0 means no limit")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		fmt.Fprintln(stderr, "gopad run: give exactly one notebook")
		return errUsage
	}
	if *out != "" && *inplace {
		fmt.Fprintln(stderr, "gopad run: -o and --inplace exclude each other")
		return errUsage
	}
	ctx, cancel := interruptContext()
	defer cancel()
	return runner.Run(ctx, runner.Options{
		Notebook:    pos[0],
		Output:      *out,
		InPlace:     *inplace,
		CellTimeout: *timeout,
		Stdout:      stdout,
		Stderr:      stderr,
	})
}

func replCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("repl", "gopad repl", stderr)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		fs.Usage()
		fmt.Fprintf(stderr, "gopad repl: unexpected arguments %q\n", pos)
		return errUsage
	}
	return repl.Run(context.Background(), repl.Options{In: stdin, Out: stdout, Err: stderr})
}

func kernelCmd(args []string, stderr io.Writer) error {
	fs := newFlagSet("kernel", "gopad kernel (internal: started by gopad with its request and message pipes on fds 3 and 4)", stderr)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		fs.Usage()
		return errUsage
	}
	return kernel.Main()
}

func versionCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", "gopad version", stderr)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		fs.Usage()
		return errUsage
	}
	fmt.Fprintf(stdout, "gopad %s\n", kernel.Version())
	return nil
}
