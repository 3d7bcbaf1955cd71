package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

// Connection limits, the defaults of the Config fields of the same meaning. They
// bound how long one connection can hold a server goroutine and a file descriptor
// without making progress (a client dribbling headers or a body, or reading its
// answer very slowly).
const (
	DefaultHeaderTimeout    = 10 * time.Second
	DefaultBodyTimeout      = 30 * time.Second // API bodies are at most maxJSONBody (1 MiB)
	DefaultTransferTimeout  = time.Duration(maxUploadBody/minTransferRate) * time.Second
	DefaultWriteTimeout     = time.Minute // the largest ordinary answer is echarts.min.js (~1 MB)
	DefaultKeepAliveTimeout = 2 * time.Minute
	// DefaultMaxConnsPerClient leaves room for a browser with many notebooks open
	// (one websocket per tab plus the browser's six HTTP connections per host).
	DefaultMaxConnsPerClient = 128

	// minTransferRate is the slowest upload or download (bytes per second) that
	// still finishes a transfer of maxUploadBody within DefaultTransferTimeout.
	minTransferRate = 128 << 10
)

// Route patterns whose deadlines differ from the ordinary ones.
const (
	routeWebsocket = "GET /api/ws"
	routeUpload    = "POST /api/contents/upload"
	routeDownload  = "GET /api/contents/download"
	// routeExportDownload is an export's folder as .tar.gz (models_export.go).
	routeExportDownload = "GET /api/models/{name}/exports/{id}/download"
)

// connLimits are the effective connection limits of a Server: Config's values with
// defaults applied; a zero duration or count means none.
type connLimits struct {
	header, body, transfer, write, keepAlive time.Duration
	maxConnsPerClient                        int
}

func (s *Server) connLimits() connLimits {
	orDefault := func(v, def time.Duration) time.Duration {
		switch {
		case v == 0:
			return def
		case v < 0:
			return 0
		}
		return v
	}
	maxConns := s.cfg.MaxConnsPerClient
	switch {
	case maxConns == 0:
		maxConns = DefaultMaxConnsPerClient
	case maxConns < 0:
		maxConns = 0
	}
	return connLimits{
		header:            orDefault(s.cfg.HeaderTimeout, DefaultHeaderTimeout),
		body:              orDefault(s.cfg.BodyTimeout, DefaultBodyTimeout),
		transfer:          orDefault(s.cfg.TransferTimeout, DefaultTransferTimeout),
		write:             orDefault(s.cfg.WriteTimeout, DefaultWriteTimeout),
		keepAlive:         orDefault(s.cfg.KeepAliveTimeout, DefaultKeepAliveTimeout),
		maxConnsPerClient: maxConns,
	}
}

// httpServer returns the http.Server that serves s on a listener: header and
// keep-alive timeouts for every connection, read and write deadlines per route (see
// withDeadlines). Serve it on s.limitConns(listener).
func (s *Server) httpServer() *http.Server {
	lim := s.connLimits()
	return &http.Server{
		Handler:           s.withDeadlines(s, lim),
		ReadHeaderTimeout: lim.header,
		// Set explicitly: zero would fall back to ReadTimeout, which is zero (the
		// body deadline is per route), and keep idle connections forever.
		IdleTimeout: lim.keepAlive,
		BaseContext: func(net.Listener) context.Context { return s.baseCtx },
	}
}

// withDeadlines gives each request read and write deadlines that fit its route
// before next serves it: a small API body must arrive within lim.body, an upload
// within lim.transfer (it may be 64 MiB); answers must be written within lim.write,
// downloads within lim.transfer. The websocket route gets none: once upgraded, the
// connection lives as long as its tab, and ws.go keeps it honest with pings and its
// own read and write deadlines.
func (s *Server) withDeadlines(next http.Handler, lim connLimits) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		read, write := lim.body, lim.write
		switch _, pattern := s.mux.Handler(r); pattern {
		case routeWebsocket:
			read, write = 0, 0
		case routeUpload:
			read = lim.transfer
		case routeDownload, routeExportDownload:
			write = lim.transfer
		}
		now := time.Now()
		rc := http.NewResponseController(w)
		// These deadlines replace what the previous request on a keep-alive
		// connection set.
		if err := rc.SetReadDeadline(deadlineAfter(now, read)); err != nil {
			s.logf("gopad server: cannot set the read deadline of %s %s: %v", r.Method, r.URL.Path, err)
		}
		if err := rc.SetWriteDeadline(deadlineAfter(now, write)); err != nil {
			s.logf("gopad server: cannot set the write deadline of %s %s: %v", r.Method, r.URL.Path, err)
		}
		if read > 0 && r.Body != nil && r.Body != http.NoBody {
			r.Body = &timedBody{ReadCloser: r.Body, limit: read}
		}
		next.ServeHTTP(w, r)
	})
}

// timedBody makes a body read cut off by the read deadline fail with an error that
// says so (a *bodyTimeoutError) instead of "i/o timeout".
type timedBody struct {
	io.ReadCloser
	limit time.Duration
}

func (b *timedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		err = &bodyTimeoutError{limit: b.limit, err: err}
	}
	return n, err
}

// bodyTimeoutError reports a request body that did not arrive within its deadline.
type bodyTimeoutError struct {
	limit time.Duration
	err   error
}

func (e *bodyTimeoutError) Error() string {
	return fmt.Sprintf("request body timed out: it did not arrive within %v", e.limit)
}

func (e *bodyTimeoutError) Unwrap() error { return e.err }

// deadlineAfter returns now+d, or no deadline (the zero time) for d == 0.
func deadlineAfter(now time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return time.Time{}
	}
	return now.Add(d)
}

// limitConns wraps ln so that one client address holds at most
// lim.maxConnsPerClient connections at a time (websockets included); further ones
// are answered 503 and closed at once.
func (s *Server) limitConns(ln net.Listener) *connLimitListener {
	return &connLimitListener{
		Listener: ln,
		max:      s.connLimits().maxConnsPerClient,
		logf:     s.logf,
		open:     map[string]int{},
	}
}

// connLimitListener counts the open connections of each client address.
type connLimitListener struct {
	net.Listener
	max  int // 0: no cap
	logf func(string, ...any)

	mu       sync.Mutex
	open     map[string]int // by client IP
	lastLog  time.Time      // of the last refusal logged (at most one a minute)
	unlogged int            // refusals since lastLog
}

// Accept returns the next connection whose client is under the cap, refusing the
// others.
func (l *connLimitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := clientIP(c)
		if l.acquire(ip) {
			return &limitedConn{Conn: c, release: func() { l.release(ip) }}, nil
		}
		l.refuse(c, ip)
	}
}

func (l *connLimitListener) acquire(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.max > 0 && l.open[ip] >= l.max {
		return false
	}
	l.open[ip]++
	return true
}

func (l *connLimitListener) release(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[ip]--; l.open[ip] <= 0 {
		delete(l.open, ip)
	}
}

// openConns returns how many connections ip holds.
func (l *connLimitListener) openConns(ip string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open[ip]
}

// refuse answers a connection over the cap with a 503 that says why, and closes it.
// The write goes into the empty send buffer of a fresh connection, so it does not
// hold up Accept; the deadline covers a peer that is already gone.
func (l *connLimitListener) refuse(c net.Conn, ip string) {
	msg := fmt.Sprintf("too many connections from %s: gopad allows %d at a time from one client; close some tabs or connections and retry\n", ip, l.max)
	_ = c.SetWriteDeadline(time.Now().Add(time.Second))
	_, _ = fmt.Fprintf(c, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(msg), msg)
	_ = c.Close()

	l.mu.Lock()
	logNow := time.Since(l.lastLog) >= time.Minute
	unlogged := l.unlogged
	if logNow {
		l.lastLog, l.unlogged = time.Now(), 0
	} else {
		l.unlogged++
	}
	l.mu.Unlock()
	if logNow {
		l.logf("gopad server: refused a connection from %s, which already holds %d (the limit per client); %d more refused since the last such message", ip, l.max, unlogged)
	}
}

// clientIP is the address that the per-client cap counts by.
func clientIP(c net.Conn) string {
	addr := c.RemoteAddr().String()
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}

// limitedConn gives its slot back when closed (once, however often Close is called:
// by the HTTP server, or by the websocket that hijacked it).
type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	c.once.Do(c.release)
	return c.Conn.Close()
}
