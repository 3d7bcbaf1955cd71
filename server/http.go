package server

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"path"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"gopad.dev/gopad/frontend"
)

// Request limits.
const (
	maxJSONBody   = 1 << 20  // small API requests
	maxUploadBody = 64 << 20 // notebook uploads
)

// cookiePrefix names the auth cookie; the port is appended because browsers share
// cookies between ports of one host, and two gopad servers must not overwrite each
// other's token.
const cookiePrefix = "gopad_token"

func (s *Server) routes() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.handleIndex)
	mux.HandleFunc("GET /nb/{path...}", s.handleIndex)
	mux.HandleFunc("GET /static/{file...}", s.handleStatic)
	mux.HandleFunc("GET /api/contents", s.handleList)
	mux.HandleFunc("POST /api/contents/new", s.handleNew)
	mux.HandleFunc("POST /api/contents/rename", s.handleRename)
	mux.HandleFunc("POST /api/contents/duplicate", s.handleDuplicate)
	mux.HandleFunc("POST /api/contents/delete", s.handleDelete)
	mux.HandleFunc(routeUpload, s.handleUpload)
	mux.HandleFunc(routeDownload, s.handleDownload)
	mux.HandleFunc("POST /api/examples/open", s.handleOpenExample)
	mux.HandleFunc("GET /api/kernels", s.handleKernels)
	mux.HandleFunc("POST /api/kernels/shutdown", s.handleKernelShutdown)
	mux.HandleFunc(routeWebsocket, s.handleWebsocket)
	mux.HandleFunc("GET /help/{$}", s.handleHelpIndex)
	mux.HandleFunc("GET /help/doc.css", s.handleHelpCSS)
	mux.HandleFunc("GET /help/{path...}", s.handleHelpPackage)
	// Prometheus metrics of the endpoints, behind the notebook token.
	mux.Handle("GET /metrics", s.models.server)
	s.modelRoutes(mux) // the Models pages and their API (models_api.go)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no API route %s %s", r.Method, r.URL.Path))
	})
	s.mux = mux
}

// ServeHTTP authenticates the request, protects state-changing requests against
// cross-site use, and dispatches it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.logf("gopad server: panic serving %s %s: %v\n%s", r.Method, r.URL.Path, v, debug.Stack())
			writeError(w, http.StatusInternalServerError, "internal server error (logged on the server)")
		}
	}()
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer") // the token must not leak through Referer
	h.Set("Content-Security-Policy", appCSP)
	if strings.HasPrefix(r.URL.Path, "/api/") {
		// API answers are data, never pages: even a download opened in the browser
		// gets an opaque origin and runs nothing.
		h.Set("Content-Security-Policy", apiCSP)
	}

	// With the server bound to loopback, a Host that is not a loopback name means a
	// DNS-rebinding page is talking to us under its own name.
	if isLoopbackAddr(s.cfg.Addr) && !isLoopbackHost(hostOnly(r.Host)) {
		writeError(w, http.StatusForbidden, fmt.Sprintf("host %q is not allowed: this server only answers to 127.0.0.1, localhost or [::1]", r.Host))
		return
	}
	if isPublicAsset(r) {
		s.mux.ServeHTTP(w, r)
		return
	}
	if isEndpointPath(r.URL.Path) {
		// Endpoints check API keys themselves (or the notebook's token, see
		// notebookSessionRequest) and answer in the protocol's error format.
		h.Del("Content-Security-Policy")
		if msg := s.endpointCookieProblem(r); msg != "" {
			writeError(w, http.StatusForbidden, msg)
			return
		}
		s.models.server.ServeHTTP(w, r)
		return
	}
	byHeader, ok := s.authenticate(w, r)
	if !ok {
		s.refuse(w, r)
		return
	}
	if msg := crossSiteProblem(r, byHeader); msg != "" {
		writeError(w, http.StatusForbidden, msg)
		return
	}
	s.mux.ServeHTTP(w, r)
}

func hostOnly(hostport string) string {
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		return host
	}
	return hostport
}

func cookieName(r *http.Request) string {
	if _, port, err := net.SplitHostPort(r.Host); err == nil && port != "" {
		return cookiePrefix + "_" + port
	}
	return cookiePrefix
}

// authenticate checks the token in the Authorization header, the query or the
// cookie. A valid query token sets the cookie. byHeader reports that the token came
// in the Authorization header (a browser never adds it on its own, so such a
// request cannot be a cross-site forgery).
//
// Only the schemes "token" and "bearer" carry gopad's token. Any other scheme is
// someone else's credential (Basic from an authenticating proxy in front of gopad,
// which the browser then repeats on every request) and is ignored: the request is
// judged by its query or cookie, and counts as a cookie request for the CSRF checks.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (byHeader, ok bool) {
	if s.token == "" {
		return false, true
	}
	if a := r.Header.Get("Authorization"); a != "" {
		scheme, tok, _ := strings.Cut(a, " ")
		if strings.EqualFold(scheme, "token") || strings.EqualFold(scheme, "bearer") {
			return true, s.tokenOK(strings.TrimSpace(tok))
		}
	}
	if q := r.URL.Query(); q.Has("token") {
		if !s.tokenOK(q.Get("token")) {
			return false, false
		}
		http.SetCookie(w, &http.Cookie{
			Name:     cookieName(r),
			Value:    s.token,
			Path:     "/",
			HttpOnly: true,
			SameSite: http.SameSiteStrictMode,
		})
		return false, true
	}
	if c, err := r.Cookie(cookieName(r)); err == nil {
		return false, s.tokenOK(c.Value)
	}
	return false, false
}

func (s *Server) tokenOK(got string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(s.token)) == 1
}

// refuse answers an unauthenticated request: JSON for the API, a short page otherwise.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request) {
	const msg = "missing or wrong token: open the URL that gopad printed when it started (it ends in ?token=...), or send the header \"Authorization: token <token>\""
	if strings.HasPrefix(r.URL.Path, "/api/") || r.Header.Get("Upgrade") != "" {
		writeError(w, http.StatusUnauthorized, msg)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusUnauthorized)
	fmt.Fprintf(w, "<!doctype html><meta charset=utf-8><title>gopad: token needed</title><h1>gopad: token needed</h1><p>%s</p>\n", html.EscapeString(msg))
}

// crossOrigin refuses what a browser marks as coming from another origin: a
// Sec-Fetch-Site other than same-origin or none, or, from browsers without Fetch
// Metadata, an Origin that is not the Host (exactly, so "null" from a sandboxed
// frame too). No origin is trusted and no route exempt.
var crossOrigin = http.NewCrossOriginProtection()

// crossSiteProblem returns why a request that changes state may be a cross-site
// forgery, or "" if it is not (or changes nothing).
//
// GET and HEAD change nothing, except the websocket handshake: a GET that opens a
// channel that runs code. CrossOriginProtection lets GET, HEAD and OPTIONS through
// as safe methods, so the handshake and OPTIONS (which gopad has no use for) are
// checked as if they were POSTs.
//
// A cookie request must also carry "X-Gopad-CSRF: 1". CrossOriginProtection lets a
// request without Sec-Fetch-Site and Origin through, and browsers from before Fetch
// Metadata send a form POST from another port of this host (same site, so the
// SameSite=Strict cookie goes along) without either; a custom header cannot be
// added to a cross-origin request without a CORS preflight, which gopad never
// grants. Requests that carry the token in the Authorization header need no such
// header: a browser never adds it by itself. Websocket handshakes cannot carry
// custom headers; for them the origin check decides.
func crossSiteProblem(r *http.Request, byHeader bool) string {
	upgrade := r.Header.Get("Upgrade") != ""
	if (r.Method == http.MethodGet || r.Method == http.MethodHead) && !upgrade {
		return ""
	}
	probe := r
	if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions {
		probe = r.WithContext(r.Context()) // a shallow copy
		probe.Method = http.MethodPost
	}
	if err := crossOrigin.Check(probe); err != nil {
		return fmt.Sprintf("cross-origin request refused: Origin %q, Sec-Fetch-Site %q, Host %q (%v)",
			r.Header.Get("Origin"), r.Header.Get("Sec-Fetch-Site"), r.Host, err)
	}
	if byHeader || upgrade {
		return ""
	}
	if r.Header.Get("X-Gopad-CSRF") != "1" {
		return "request refused: state-changing requests must carry the header \"X-Gopad-CSRF: 1\" (protection against cross-site requests)"
	}
	return ""
}

// writeJSON writes v as a JSON response.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError writes {"error": msg}.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// httpError carries an HTTP status with a message for the client.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func errorf(status int, format string, args ...any) error {
	return &httpError{status: status, msg: fmt.Sprintf(format, args...)}
}

// writeErr writes err with its status (500 for errors without one).
func (s *Server) writeErr(w http.ResponseWriter, err error) {
	var he *httpError
	if errors.As(err, &he) {
		writeError(w, he.status, he.msg)
		return
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body too large: the limit is %d bytes", mbe.Limit))
		return
	}
	var bte *bodyTimeoutError
	if errors.As(err, &bte) {
		writeError(w, http.StatusRequestTimeout, bte.Error())
		return
	}
	writeError(w, http.StatusInternalServerError, err.Error())
}

// decodeBody decodes a small JSON request body into v, refusing unknown fields.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxJSONBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		var bte *bodyTimeoutError
		if errors.As(err, &mbe) || errors.As(err, &bte) {
			return err
		}
		return errorf(http.StatusBadRequest, "bad request body: %v", err)
	}
	if dec.More() {
		return errorf(http.StatusBadRequest, "bad request body: more than one JSON value")
	}
	return nil
}

// decodeOptionalBody is decodeBody for requests whose body may be empty
// (POST actions without arguments): an empty body leaves v as it is.
func decodeOptionalBody(w http.ResponseWriter, r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return decodeBody(w, r, v)
}

func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	data, err := fs.ReadFile(frontend.Dist, "dist/index.html")
	if err != nil {
		writeError(w, http.StatusInternalServerError, "the browser app is missing from this build (frontend/dist/index.html)")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(data)
}

// Content-Security-Policies. The app's own pages run only gopad's scripts; nothing a
// notebook contains is ever interpreted in them (rich outputs are drawn in sandboxed
// output frames, Markdown is sanitised), and the policy is the second line of defence
// should a bug let some through. Styles may be inline: CodeMirror and ECharts set them.
const (
	appCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
		"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-src 'self'; " +
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	apiCSP = "default-src 'none'; sandbox; frame-ancestors 'none'"
	// outputFrameCSP is for the output frames (frontend/src/frame.ts), which draw what a
	// notebook author wrote. The sandbox directive gives them an opaque origin even
	// when opened directly (the app's <iframe sandbox> does too), so no script in them
	// can use gopad's cookie or reach its API; connect-src 'none' and images and media
	// from data: and blob: only stop any request to it from script. Charts and untrusted HTML run only gopad's frame script: no inline
	// script, no javascript: URLs, no event-handler attributes.
	outputFrameCSP = "sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox; " +
		"default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
		"img-src data: blob:; font-src data:; media-src data: blob:; " +
		"connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
	// scriptedOutputFrameCSP is for HTML outputs of this user's own runs (Jupyter's
	// trusted outputs): their inline script runs, still in the sandbox.
	scriptedOutputFrameCSP = "sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox; " +
		"default-src 'none'; script-src 'self' 'unsafe-inline' 'unsafe-eval' blob: data:; style-src 'self' 'unsafe-inline'; " +
		"img-src data: blob:; font-src data:; media-src data: blob:; " +
		"connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)

// isPublicAsset reports whether r asks for one of the app's static files, which hold
// nothing secret and are served without the token: the sandboxed output frames load
// theirs from an opaque origin, which never carries gopad's cookie.
func isPublicAsset(r *http.Request) bool {
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) && strings.HasPrefix(r.URL.Path, "/static/")
}

// staticAsset is one file of frontend/dist as served.
type staticAsset struct {
	data []byte
	etag string
}

var (
	staticMu     sync.Mutex
	staticAssets = map[string]*staticAsset{}
)

// assetNamed reads a dist file once and remembers it with its ETag.
func assetNamed(name string) (*staticAsset, error) {
	staticMu.Lock()
	defer staticMu.Unlock()
	if a, ok := staticAssets[name]; ok {
		return a, nil
	}
	data, err := fs.ReadFile(frontend.Dist, path.Join("dist", name))
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	a := &staticAsset{data: data, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
	staticAssets[name] = a
	return a, nil
}

func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	file := name
	switch name {
	case "output.html":
		w.Header().Set("Content-Security-Policy", outputFrameCSP)
	case "output-scripted.html":
		// The same document as output.html; only its policy differs.
		file = "output.html"
		w.Header().Set("Content-Security-Policy", scriptedOutputFrameCSP)
	}
	if name == "" || !fs.ValidPath(name) {
		writeError(w, http.StatusNotFound, "no such asset")
		return
	}
	asset, err := assetNamed(file)
	if err != nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no asset %q", name))
		return
	}
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	// Revalidated each time (the build changes under the same names), answered with
	// 304 when unchanged: the output frames load echarts.min.js once each.
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("ETag", asset.etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(asset.data))
}
