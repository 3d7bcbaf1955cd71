package server

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"gopad.dev/gopad/kernel"
	"gopad.dev/gopad/serving"
	"gopad.dev/gopad/serving/keys"
	"gopad.dev/gopad/serving/registry"
)

// keysFile is where a notebook root keeps the hashed API keys of its
// endpoints, beside the registry (serving.RegistrySubdir).
const keysFile = ".gopad/keys.json"

// endpoints are the models published from the root's notebooks, served on the
// notebook server's own address: the Open Inference Protocol v2 under /v2/,
// KServe's V1 under /v1/models/, Prometheus metrics at /metrics.
type endpoints struct {
	registry *registry.Registry
	keys     *keys.Store
	server   *serving.Server
	// baseURL is where browsers reach this server ("http://127.0.0.1:8888"),
	// for the URLs publishing answers with; see publish.go.
	baseURL atomic.Pointer[string]
	// kernelToken lets the kernels' cells call the endpoints (and nothing
	// else); see publish.go.
	kernelToken string

	// stamp is the registry's Stamp when server last refreshed from it (see
	// syncModels): other processes publish too.
	stampMu sync.Mutex
	stamp   string
}

// openEndpoints opens the root's registry and keys and starts serving the
// published models. A request to an endpoint needs an API key allowed to
// call the model, or the notebook's own token (a cell or the endpoint page's
// try-it box), unless the model was made public.
func (s *Server) openEndpoints() (*endpoints, error) {
	reg, err := registry.Open(filepath.Join(s.root, filepath.FromSlash(serving.RegistrySubdir)))
	if err != nil {
		return nil, fmt.Errorf("server: published models: %w", err)
	}
	store, err := keys.Open(filepath.Join(s.root, filepath.FromSlash(keysFile)))
	if err != nil {
		reg.Close()
		return nil, fmt.Errorf("server: API keys: %w", err)
	}
	kernelToken, err := newKernelToken()
	if err != nil {
		reg.Close()
		return nil, err
	}
	srv, err := serving.NewFromRegistry(reg, serving.Options{
		Keys: store,
		Allow: func(r *http.Request) bool {
			return s.notebookSessionRequest(r) || s.kernelEndpointRequest(r)
		},
		Version: kernel.Version(),
	})
	if err != nil {
		reg.Close()
		return nil, fmt.Errorf("server: serve published models: %w", err)
	}
	return &endpoints{registry: reg, keys: store, server: srv, kernelToken: kernelToken, stamp: reg.Stamp()}, nil
}

func (e *endpoints) close() {
	e.server.Close()
	e.registry.Close()
}

// isEndpointPath reports whether a request is for the model endpoints, which
// authenticate with API keys rather than the notebook token.
func isEndpointPath(p string) bool {
	return strings.HasPrefix(p, "/v2/") || p == "/v2" || strings.HasPrefix(p, "/v1/models/") || p == "/v1/models"
}

// endpointCookieProblem returns why an endpoint request that would be
// authenticated by the notebook's cookie may be a cross-site forgery, or "".
// The cookie is SameSite=Strict, but a page on another port of this host is
// the same site and its POST carries it: such a request is held to the same
// checks as the notebook's own API (origin, and the X-Gopad-CSRF header that
// the endpoint page's try-it box sends). Requests with an Authorization header
// (API keys, the token) are not concerned: a browser never adds one by itself.
func (s *Server) endpointCookieProblem(r *http.Request) string {
	if s.token == "" || r.Header.Get("Authorization") != "" {
		return ""
	}
	c, err := r.Cookie(cookieName(r))
	if err != nil || !s.tokenOK(c.Value) {
		return ""
	}
	return crossSiteProblem(r, false)
}

// notebookSessionRequest reports whether a request carries the notebook
// server's token (header or cookie; a query token is not accepted here, so
// that a URL with it cannot be replayed against an endpoint by a third party).
func (s *Server) notebookSessionRequest(r *http.Request) bool {
	if s.token == "" {
		return true
	}
	if a := r.Header.Get("Authorization"); a != "" {
		scheme, tok, _ := strings.Cut(a, " ")
		if strings.EqualFold(scheme, "token") || strings.EqualFold(scheme, "bearer") {
			return s.tokenOK(strings.TrimSpace(tok))
		}
	}
	if c, err := r.Cookie(cookieName(r)); err == nil {
		return s.tokenOK(c.Value)
	}
	return false
}
