// Package server is gopad's notebook server: HTTP routes for the browser app and the
// contents API, token authentication, and one websocket session per open notebook
// that owns the live document and the notebook's kernel process.
//
// The browser <-> server protocol (HTTP routes and websocket messages) is the
// package gopad.dev/gopad/server/browserproto.
//
// # Layout
//
// The server and its HTTP side:
//
//	server.go      Config, Server, the table of open sessions, ListenAndServe, Close
//	listen.go      per-route deadlines and the per-client connection cap
//	http.go        routes, token authentication, cross-origin protection, JSON answers
//	paths.go       client paths to files under the root (os.Root), name checks
//	contents.go    the contents, examples and kernels API
//	examples.go    the bundled examples: their titles, and the user's copies in examples/
//	workspace.go   the folder served when none is given (~/gopad)
//	export.go      the HTML export
//	models_export.go  the Models pages' Export action (gopad export as a background job)
//
// One open notebook (a session) and its parts, each with one job:
//
//	ws.go          a tab's websocket: handshake, send queue, writer, read loop
//	dispatch.go    a frame -> a browser message -> a document operation or a session call
//	session.go     the session: tabs, broadcasting, applying edits, idle timeout, close
//	document.go    the live document and its operations (document + operation -> events)
//	outputs.go     kernel output -> cell outputs: streams, display updates, run timing
//	wire.go        the document's JSON for the browser, and the copy that is saved
//	kernelslot.go  the kernel process: start, restart, interrupt, shutdown, death, completion
//	executor.go    the run queue: one cell at a time, kernel output filed under its cell
//	saving.go      the file: autosave, disk stamps, conflicts, reload, trust records
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"gopad.dev/gopad/kernel/client"
	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/server/browserproto"
)

// Defaults for Config.
const (
	DefaultAddr          = "127.0.0.1:8888"
	DefaultIdleTimeout   = 30 * time.Minute
	DefaultAutosaveDelay = 2 * time.Second
)

// Config configures a Server.
type Config struct {
	// Addr is the address to listen on; empty means DefaultAddr. Port 0 picks a free port.
	Addr string
	// Root is the directory whose notebooks are served; empty means the working
	// directory. The gopad command serves DefaultWorkspace when given none.
	Root string
	// Token authenticates every request; empty means a fresh random token unless NoToken.
	Token string
	// NoToken disables authentication. It is refused for a non-loopback Addr.
	NoToken bool
	// IdleTimeout is how long a notebook's session (and kernel) outlives its last
	// browser tab while no cell runs; zero means DefaultIdleTimeout, negative never.
	IdleTimeout time.Duration
	// AutosaveDelay is how long after a change the notebook is saved; zero means
	// DefaultAutosaveDelay.
	AutosaveDelay time.Duration
	// KernelCommand is the command that starts a kernel process (executable and
	// arguments); empty means this executable with the argument "kernel".
	KernelCommand []string
	// KernelEnv, if set, is added to the environment of kernel processes.
	KernelEnv []string
	// KernelStderr, if set, receives what kernel processes write to their own
	// stdout/stderr (start-up messages, crash reports).
	KernelStderr io.Writer
	// TrustFile is where the digests of notebook files whose outputs this user
	// trusts are kept (see notebooks.TrustStore); it must lie outside every notebook
	// folder. Empty keeps them in memory for the server's lifetime only.
	TrustFile string
	// ExportBinary is the static linux/amd64 gopad that the endpoint page's
	// Export puts into images; empty means this executable if it is one, else
	// one built from gopad's source around the working directory (once per
	// server). See models_export.go.
	ExportBinary string
	// Logf logs server-side problems (failed saves, recovered panics); nil means log.Printf.
	Logf func(format string, args ...any)

	// Connection limits, applied by ListenAndServe (they belong to connections, not
	// to the handler). For the durations zero means the default, negative none.

	// HeaderTimeout bounds reading a request's headers (DefaultHeaderTimeout).
	HeaderTimeout time.Duration
	// BodyTimeout bounds reading a request's body, counted from the end of its
	// headers (DefaultBodyTimeout); uploads get TransferTimeout.
	BodyTimeout time.Duration
	// TransferTimeout bounds reading an upload and writing a download
	// (DefaultTransferTimeout, which lets a maximal upload arrive at 128 KiB/s).
	TransferTimeout time.Duration
	// WriteTimeout bounds writing an answer (DefaultWriteTimeout); downloads get
	// TransferTimeout. Websockets have none of these deadlines: they keep their own.
	WriteTimeout time.Duration
	// KeepAliveTimeout is how long an idle keep-alive connection is kept open for
	// its next request (DefaultKeepAliveTimeout).
	KeepAliveTimeout time.Duration
	// MaxConnsPerClient caps the connections one client address holds open at a
	// time, websockets included; zero means DefaultMaxConnsPerClient, negative no cap.
	// Behind a reverse proxy every connection comes from the proxy's address.
	MaxConnsPerClient int
}

// Server serves notebooks from Config.Root. It is an http.Handler.
type Server struct {
	cfg     Config
	root    string        // absolute, symlinks resolved
	rootFS  *os.Root      // every file access under root goes through it
	swept   chan struct{} // closed when the start-up sweep of stale temporary files ends
	token   string
	trust   *notebooks.TrustStore
	logf    func(string, ...any)
	mux     *http.ServeMux
	models  *endpoints // published models and their API keys
	exports *exporter  // the endpoint page's Export jobs
	baseCtx context.Context
	cancel  context.CancelFunc

	mu       sync.Mutex
	sessions map[string]*session // by notebook path relative to root
	closed   bool

	contentsMu sync.Mutex // serialises name picking + creation of new files
	connSeq    uint64
}

// New checks cfg and returns a Server. It does not listen; use ListenAndServe or
// mount the Server as an http.Handler.
func New(cfg Config) (*Server, error) {
	if cfg.Root == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, fmt.Errorf("server: find working directory: %w", err)
		}
		cfg.Root = wd
	}
	abs, err := filepath.Abs(cfg.Root)
	if err != nil {
		return nil, fmt.Errorf("server: root %q: %w", cfg.Root, err)
	}
	root, err := filepath.EvalSymlinks(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("server: the notebook root %q does not exist", cfg.Root)
	}
	if err != nil {
		return nil, fmt.Errorf("server: root %q: %w", cfg.Root, err)
	}
	if info, err := os.Stat(root); err != nil {
		return nil, fmt.Errorf("server: root %q: %w", cfg.Root, err)
	} else if !info.IsDir() {
		return nil, fmt.Errorf("server: root %q is not a directory", cfg.Root)
	}
	if cfg.NoToken && cfg.Token != "" {
		return nil, errors.New("server: both a token and no-token were given; choose one")
	}
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		return nil, fmt.Errorf("server: address %q: %w (want host:port, e.g. 127.0.0.1:8888)", cfg.Addr, err)
	}
	if cfg.NoToken && !isLoopbackAddr(cfg.Addr) {
		return nil, fmt.Errorf("server: refusing to serve on %s without a token: anyone who can reach that address could run code on this machine; use a loopback address (127.0.0.1) or a token", cfg.Addr)
	}
	token := cfg.Token
	if !cfg.NoToken && token == "" {
		var b [24]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, fmt.Errorf("server: generate token: %w", err)
		}
		token = hex.EncodeToString(b[:])
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.AutosaveDelay <= 0 {
		cfg.AutosaveDelay = DefaultAutosaveDelay
	}
	if len(cfg.KernelCommand) == 0 {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("server: find own executable to start kernels: %w", err)
		}
		cfg.KernelCommand = []string{exe, "kernel"}
	}
	logf := cfg.Logf
	if logf == nil {
		logf = log.Printf
	}
	trust, err := notebooks.OpenTrustStore(cfg.TrustFile)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	rootFS, err := os.OpenRoot(root)
	if err != nil {
		return nil, fmt.Errorf("server: root %q: %w", cfg.Root, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		trust:    trust,
		cfg:      cfg,
		root:     root,
		rootFS:   rootFS,
		token:    token,
		logf:     logf,
		baseCtx:  ctx,
		cancel:   cancel,
		sessions: map[string]*session{},
		swept:    make(chan struct{}),
		exports:  newExporter(),
	}
	// In the background: a large root must not delay serving.
	go func() {
		defer close(s.swept)
		s.sweepStaleTemps(ctx)
	}()
	if s.models, err = s.openEndpoints(); err != nil {
		cancel()
		<-s.swept
		rootFS.Close()
		return nil, err
	}
	s.routes()
	return s, nil
}

// Token returns the token clients must present ("" with NoToken).
func (s *Server) Token() string { return s.token }

// Root returns the absolute, symlink-free directory the server serves.
func (s *Server) Root() string { return s.root }

// isLoopbackAddr reports whether addr's host is a loopback name or address.
func isLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	return isLoopbackHost(host)
}

func isLoopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ListenAndServe listens on cfg.Addr, prints the URL to open on out, and serves
// until ctx ends; then it saves open notebooks, stops their kernels and returns nil.
func ListenAndServe(ctx context.Context, cfg Config, out io.Writer) error {
	s, err := New(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("server: listen on %s: %w", s.cfg.Addr, err)
	}
	fmt.Fprintf(out, "gopad serving notebooks in %s at %s\n", s.root, s.URL(ln.Addr()))
	s.setBaseURL(ln.Addr())
	hs := s.httpServer()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(s.limitConns(ln)) }()
	select {
	case err := <-errc:
		s.Close()
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.Close() // closes websockets and kernels first, so Shutdown need not wait for them
	_ = hs.Shutdown(shutCtx)
	return nil
}

// URL returns the address to open in a browser for a listener at addr, token included.
func (s *Server) URL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		host, port = addr.String(), ""
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	u := "http://" + net.JoinHostPort(host, port) + "/"
	if s.token != "" {
		u += "?token=" + s.token
	}
	return u
}

// Close saves every open notebook that has unsaved changes, shuts down all kernels
// and closes all websocket connections. The Server answers 503 afterwards.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	all := slices.Collect(maps.Values(s.sessions))
	s.sessions = map[string]*session{}
	s.mu.Unlock()
	var wg sync.WaitGroup
	for _, sess := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sess.close(true)
		}()
	}
	wg.Wait()
	s.exports.close() // before the registry it reads closes
	s.models.close()
	s.cancel()
	<-s.swept // it stops at the cancel; it uses the root
	s.rootFS.Close()
}

// sessionFor returns the open session of the notebook at rel, opening it (loading
// the file) if needed.
func (s *Server) sessionFor(rel, abs string) (*session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errors.New("the server is shutting down")
	}
	if sess := s.sessions[rel]; sess != nil {
		return sess, nil
	}
	sess, err := openSession(s, rel, abs)
	if err != nil {
		return nil, err
	}
	s.sessions[rel] = sess
	return sess, nil
}

// lookupSession returns the open session of rel, or nil.
func (s *Server) lookupSession(rel string) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions[rel]
}

// dropSession forgets sess if it is still registered.
func (s *Server) dropSession(sess *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for rel, other := range s.sessions {
		if other == sess {
			delete(s.sessions, rel)
		}
	}
}

// sessionsUnder returns the open sessions whose path is rel or lies inside the directory rel.
func (s *Server) sessionsUnder(rel string) map[string]*session {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]*session{}
	for p, sess := range s.sessions {
		if relWithin(rel, p) {
			out[p] = sess
		}
	}
	return out
}

// renameSessions moves open sessions from oldRel (a file or a directory) to newRel.
func (s *Server) renameSessions(oldRel, newRel string) {
	s.mu.Lock()
	moved := map[string]*session{}
	for p, sess := range s.sessions {
		if relWithin(oldRel, p) {
			np := newRel + strings.TrimPrefix(p, oldRel)
			moved[np] = sess
			delete(s.sessions, p)
		}
	}
	for np, sess := range moved {
		s.sessions[np] = sess
	}
	s.mu.Unlock()
	for np, sess := range moved {
		sess.setPath(np, filepath.Join(s.root, filepath.FromSlash(np)))
	}
}

// kernelInfos lists the sessions that have a kernel.
func (s *Server) kernelInfos() []browserproto.KernelInfo {
	s.mu.Lock()
	all := slices.Collect(maps.Values(s.sessions))
	s.mu.Unlock()
	infos := []browserproto.KernelInfo{}
	for _, sess := range all {
		if info, ok := sess.kernelInfo(); ok {
			infos = append(infos, info)
		}
	}
	sort.Slice(infos, func(i, j int) bool { return infos[i].Path < infos[j].Path })
	return infos
}

// kernelOptions returns how to start a kernel whose working directory is dir.
func (s *Server) kernelOptions(dir string) client.Options {
	opts := client.Options{
		Command: s.cfg.KernelCommand[0],
		Args:    append([]string{}, s.cfg.KernelCommand[1:]...),
		Dir:     dir,
		Stderr:  s.cfg.KernelStderr,
	}
	if len(s.cfg.KernelEnv) > 0 {
		opts.Env = append(os.Environ(), s.cfg.KernelEnv...)
	}
	return opts
}
