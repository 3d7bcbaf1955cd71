// Command gopad is a notebook for machine learning in Go.
//
//	gopad [serve] [flags] [DIR]     serve the notebooks in DIR (default: the workspace
//	                                ~/gopad, made on first start); the token can come
//	                                from $GOPAD_TOKEN or -token-file
//	gopad run NOTEBOOK [-o OUT]     execute every cell of a notebook headless
//	gopad repl                      a terminal read-eval-print loop on a kernel
//	gopad serve-model [flags]       serve saved models over the Open Inference Protocol
//	                                (KServe's custom-runtime flags; see -h)
//	gopad export NAME[:VERSION] -o DIR
//	                                a published model as an OCI image, Kubernetes and KServe manifests
//	gopad version                   print the version
//	gopad kernel                    internal: a kernel process, started by gopad itself
//	gopad kernel --jupyter -f FILE  a kernel for a Jupyter front end (from the kernelspec)
//	gopad jupyter install|uninstall the kernelspec that lets Jupyter run gopad
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
	"slices"
	"strings"
	"syscall"

	"gopad.dev/gopad/kernel"
	"gopad.dev/gopad/kernel/jupyter"
	"gopad.dev/gopad/repl"
	"gopad.dev/gopad/runner"
	"gopad.dev/gopad/server"
)

const usage = `gopad is a notebook for machine learning in Go.

Usage:
  gopad [serve] [flags] [DIR]        serve the notebooks in DIR or -root DIR; without one, the
                                     workspace ~/gopad (made on first start). "gopad DIR" works
                                     when DIR is a folder or a path (./notes, /data/nb)
  gopad run NOTEBOOK [-o OUT] [--inplace]
                                     execute every code cell of NOTEBOOK in a fresh kernel
  gopad repl                         a terminal read-eval-print loop on a kernel
  gopad serve-model [--model_dir DIR] [--model_name NAME] [--http_port PORT] [--keys_file FILE]
                                     serve a model saved by ml.Save, or a registry of published
                                     models, over the Open Inference Protocol (KServe, Triton)
  gopad serve-model keys create|list|revoke|public --keys_file FILE ...
                                     manage the API keys of serve-model
  gopad export NAME[:VERSION] -o DIR [--root DIR] [--push REF]
                                     write a published model as an OCI image tarball (no Docker
                                     needed), a Dockerfile, Kubernetes and KServe manifests, a README
  gopad version                      print gopad's version
  gopad kernel                       internal: a kernel process, started by gopad itself
  gopad jupyter install [--user|--sys-prefix|--prefix DIR]
                                     let JupyterLab, Notebook, VS Code, nbconvert and papermill
                                     run gopad: writes the "Go (gopad)" kernelspec
  gopad jupyter uninstall [--user|--sys-prefix|--prefix DIR]
                                     remove it

Run "gopad COMMAND -h" for the flags of a command.

Environment:
  GOPAD_TOKEN                        the access token of gopad serve when neither -token nor
                                     -token-file is given; unlike -token it does not show in ps.
                                     gopad removes it from its environment, so kernels and the
                                     notebooks' code do not see it.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// errUsage marks errors already explained by a usage message.
var errUsage = errors.New("usage")

// usageError is a usage error (exit status 2) that says what was wrong.
type usageError struct{ msg string }

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

func (e *usageError) Error() string        { return e.msg }
func (e *usageError) Is(target error) bool { return target == errUsage }

// commands are gopad's subcommands; "help" prints the usage.
var commands = []string{"serve", "run", "repl", "kernel", "serve-model", "export", "jupyter", "version", "help"}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	switch {
	case len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help"):
		fmt.Fprint(stdout, usage)
		return 0
	case len(args) > 0 && strings.HasPrefix(args[0], "-"):
		// serve's flags: gopad -root DIR, gopad -addr :9000
	case len(args) > 0 && slices.Contains(commands, args[0]):
		cmd, args = args[0], args[1:]
	case len(args) > 0 && namesFolder(args[0]):
		// gopad DIR: serve DIR, which serve takes as its argument.
	case len(args) > 0:
		fmt.Fprintf(stderr, "gopad: unknown command %q: %s\n\n%s", args[0], unknownCommandHint(args[0]), usage)
		return 2
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
	case "serve-model":
		err = serveModelCmd(args, stdout, stderr)
	case "export":
		err = exportCmd(args, stdout, stderr)
	case "jupyter":
		err = jupyterCmd(args, stdout, stderr)
	case "version":
		err = versionCmd(args, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		if err != errUsage { // it says what was wrong beyond the usage text
			fmt.Fprintf(stderr, "gopad %s: %v\n", cmd, err)
		}
		return 2
	default:
		fmt.Fprintf(stderr, "gopad %s: %v\n", cmd, err)
		return 1
	}
}

// namesFolder reports whether arg, which is not a command, means the folder to
// serve: an existing folder, or something written as a path (it has a slash, or is
// "." or ".."), which serve then reports if it does not exist.
func namesFolder(arg string) bool {
	if info, err := os.Stat(arg); err == nil {
		return info.IsDir()
	}
	return arg == "." || arg == ".." || strings.ContainsRune(arg, '/') || strings.ContainsRune(arg, filepath.Separator)
}

// unknownCommandHint says what to type instead of arg, which is neither a command
// nor a folder.
func unknownCommandHint(arg string) string {
	if info, err := os.Stat(arg); err == nil && !info.IsDir() {
		if strings.HasSuffix(arg, ".gonb") || strings.HasSuffix(arg, ".ipynb") {
			return fmt.Sprintf("%s is a notebook file; run it with \"gopad run %s\", or serve its folder (gopad .) to open it in the browser", arg, arg)
		}
		return fmt.Sprintf("%s is a file, not a folder to serve", arg)
	}
	for _, c := range commands {
		if c != "kernel" && editDistance(arg, c) <= 2 {
			return fmt.Sprintf("did you mean \"gopad %s\"?", c)
		}
	}
	return fmt.Sprintf("it is not a command, and there is no folder %q here; to serve a folder give its path (gopad ./%s)", arg, arg)
}

// editDistance is the Levenshtein distance between a and b (bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
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

// tokenEnv names the environment variable that can carry serve's token.
const tokenEnv = "GOPAD_TOKEN"

func serveCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", "gopad [serve] [-addr HOST:PORT] [-root DIR | DIR] [-token T | -token-file FILE | -no-token] [-idle-timeout D]\n\n"+
		"The token is, in order: -token, the first line of -token-file, $"+tokenEnv+", or a fresh random one.\n"+
		"-token shows in ps to every user of this machine; -token-file and $"+tokenEnv+" do not.", stderr)
	addr := fs.String("addr", server.DefaultAddr, "address to listen on (port 0 picks a free port)")
	root := fs.String("root", "", "directory whose notebooks are served (default: ~/"+server.WorkspaceName+", made on first start)")
	token := fs.String("token", "", "access token (default: $"+tokenEnv+" or a fresh random token)")
	tokenFile := fs.String("token-file", "", "read the access token from the first line of `FILE`")
	noToken := fs.Bool("no-token", false, "disable the access token (only on a loopback address)")
	idle := fs.Duration("idle-timeout", server.DefaultIdleTimeout, "shut a notebook's kernel down this long after its last tab closed (negative: never)")
	exportBinary := fs.String("export-binary", "", "a static linux/amd64 gopad for the images of the Models pages' Export\n(default: this gopad if it is one, else one built with go from the source around the working directory)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 || (len(pos) == 1 && *root != "") {
		fs.Usage()
		return usageErrorf("give the directory once, with -root or as an argument: %q", pos)
	}
	tok, err := serveToken(*token, *tokenFile, *noToken)
	if errors.Is(err, errUsage) {
		fs.Usage()
	}
	if err != nil {
		return err
	}
	cfg := server.Config{Addr: *addr, Root: *root, Token: tok, NoToken: *noToken, IdleTimeout: *idle, KernelStderr: stderr, ExportBinary: *exportBinary}
	// Which notebooks' outputs this user trusts is remembered outside every notebook
	// folder; without a configuration directory it lasts as long as the server.
	if dir, err := os.UserConfigDir(); err == nil {
		cfg.TrustFile = filepath.Join(dir, "gopad", "trusted-notebooks")
	}
	if len(pos) == 1 {
		cfg.Root = pos[0]
	}
	if cfg.Root == "" {
		dir, created, err := server.DefaultWorkspace()
		if err != nil {
			return err
		}
		cfg.Root = dir
		if created {
			fmt.Fprintf(stdout, "gopad: created the workspace %s: gopad serves it when given no folder (gopad DIR serves another)\n", dir)
		} else {
			fmt.Fprintf(stdout, "gopad: no folder given: serving the workspace %s (gopad DIR serves another)\n", dir)
		}
	}
	ctx, cancel := interruptContext()
	defer cancel()
	return server.ListenAndServe(ctx, cfg, stdout)
}

// serveToken returns the token that serve's flags and environment choose ("" for
// a fresh random one, or with noToken). It takes $GOPAD_TOKEN out of the
// environment: kernels inherit it, and a cell printing os.Environ() in a shared
// notebook would publish the token.
func serveToken(flagToken, tokenFile string, noToken bool) (string, error) {
	envToken := os.Getenv(tokenEnv)
	if err := os.Unsetenv(tokenEnv); err != nil {
		return "", fmt.Errorf("remove $%s from the environment that kernels inherit: %w", tokenEnv, err)
	}
	switch {
	case flagToken != "" && tokenFile != "":
		return "", usageErrorf("give the token once, with -token or -token-file")
	case noToken && (flagToken != "" || tokenFile != ""):
		return "", usageErrorf("-no-token excludes -token and -token-file")
	case noToken && envToken != "":
		return "", usageErrorf("-no-token was given but $%s is set; unset one of them", tokenEnv)
	}
	tok, source := flagToken, "-token"
	switch {
	case tokenFile != "":
		data, err := os.ReadFile(tokenFile)
		if err != nil {
			return "", fmt.Errorf("read the token file: %w", err)
		}
		line, _, _ := strings.Cut(string(data), "\n")
		if tok = strings.TrimSpace(line); tok == "" {
			return "", fmt.Errorf("the token file %s is empty: its first line must hold the token", tokenFile)
		}
		source = "the token file " + tokenFile
	case flagToken == "" && envToken != "":
		tok, source = envToken, "$"+tokenEnv
	}
	if tok == "" {
		return "", nil
	}
	// The token travels in a URL query, a cookie and a header: characters that
	// need escaping there would make the printed URL or the cookie fail to match.
	if i := strings.IndexFunc(tok, func(r rune) bool { return !isTokenChar(r) }); i >= 0 {
		return "", fmt.Errorf("the token from %s contains %q: use only letters, digits and - . _ ~", source, tok[i:i+1])
	}
	return tok, nil
}

func isTokenChar(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("-._~", r)
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
	fs := newFlagSet("kernel", "gopad kernel (internal: started by gopad with its request and message pipes on fds 3 and 4)\n       gopad kernel --jupyter -f CONNECTION_FILE (started by a Jupyter front end, from the kernelspec)", stderr)
	viaJupyter := fs.Bool("jupyter", false, "speak Jupyter's wire protocol on the sockets of the connection file given with -f")
	connFile := fs.String("f", "", "the Jupyter connection file (with --jupyter)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		fs.Usage()
		return errUsage
	}
	switch {
	case *viaJupyter && *connFile == "":
		return usageErrorf("--jupyter needs the connection file: -f FILE")
	case !*viaJupyter && *connFile != "":
		return usageErrorf("-f %s is a Jupyter connection file: add --jupyter", *connFile)
	case !*viaJupyter:
		return kernel.Main()
	}
	conn, err := jupyter.ReadConnectionFile(*connFile)
	if err != nil {
		return err
	}
	t, err := jupyter.Open(conn)
	if err != nil {
		return err
	}
	defer t.Close()
	return kernel.Serve(t, t)
}

// jupyterCmd installs or removes the kernelspec.
func jupyterCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "install" && args[0] != "uninstall") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fmt.Fprint(stderr, jupyterUsage)
			return flag.ErrHelp
		}
		fmt.Fprint(stderr, jupyterUsage)
		if len(args) == 0 {
			return usageErrorf("say install or uninstall")
		}
		return usageErrorf("unknown jupyter command %q: say install or uninstall", args[0])
	}
	action := args[0]
	fs := newFlagSet("jupyter "+action, "gopad jupyter "+action+" [--user|--sys-prefix|--prefix DIR]", stderr)
	user := fs.Bool("user", false, "the user's Jupyter data directory (the default)")
	sysPrefix := fs.Bool("sys-prefix", false, "the active virtualenv or conda environment, else python3's sys.prefix")
	prefix := fs.String("prefix", "", "PREFIX/share/jupyter/kernels (add PREFIX/share/jupyter to $JUPYTER_PATH if Jupyter does not look there)")
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageErrorf("unexpected argument %q", pos[0])
	}
	where, chosen := jupyter.User, 0
	if *user {
		chosen++
	}
	if *sysPrefix {
		where, chosen = jupyter.SysPrefix, chosen+1
	}
	if *prefix != "" {
		where, chosen = jupyter.Prefix, chosen+1
	}
	if chosen > 1 {
		return usageErrorf("give one of --user, --sys-prefix and --prefix")
	}
	dir, err := jupyter.KernelsDir(where, *prefix)
	if err != nil {
		return err
	}
	if action == "uninstall" {
		removed, err := jupyter.Uninstall(dir)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "removed the %s kernelspec %s\n", jupyter.DisplayName, removed)
		return nil
	}
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		return fmt.Errorf("find gopad's own path for the kernelspec: %w", err)
	}
	written, err := jupyter.Install(dir, exe)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "installed the %s kernelspec in %s (it runs %s)\n", jupyter.DisplayName, written, exe)
	return nil
}

const jupyterUsage = `Usage: gopad jupyter install [--user|--sys-prefix|--prefix DIR]
       gopad jupyter uninstall [--user|--sys-prefix|--prefix DIR]

install writes the "Go (gopad)" kernelspec (kernel.json and logos), so that
JupyterLab, Notebook, VS Code, nbconvert, nbclient and papermill can run gopad's
Go cells; the kernelspec runs this gopad executable by its absolute path.
Without a flag it goes to the user's Jupyter data directory.
`

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
