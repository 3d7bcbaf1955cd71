// Package serving serves models over HTTP: the Open Inference Protocol v2
// REST routes (KServe "V2", Triton), KServe's V1 :predict, health probes and
// Prometheus metrics, for the models of a registry (serving/registry) or one
// directory saved by ml.Save. The notebook server mounts its Handler;
// `gopad serve-model` runs it alone.
//
// Requests run in parallel: each loaded version has a model replica per
// worker and a queue that the workers take dynamic batches from (no lock
// shared by requests). Each model has a cap on requests in flight (429 with
// Retry-After beyond it), each request a timeout (504), each body a size
// limit (413). Publishing a new version loads it beside the old one and then
// switches the default: requests already on the old version finish there.
//
// A model takes raw inputs when it carries its preprocessing as metadata
// (see MetaClasses, MetaVocabulary, MetaSequence, MetaScaler): a text
// classifier takes strings and answers with class names and probabilities.
package serving

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"gopad.dev/gopad/ml"
	"gopad.dev/gopad/serving/keys"
	"gopad.dev/gopad/serving/oip"
	"gopad.dev/gopad/serving/registry"
)

// Options configure a Server. Zero values take the defaults noted.
type Options struct {
	// Batch is the dynamic batching of every model. Defaults: MaxBatch 32,
	// MaxWait 0 (batch what is queued, never wait), Workers GOMAXPROCS.
	Batch BatchConfig
	// MaxConcurrent caps the requests in flight per model; more get 429 with
	// Retry-After. Default 256.
	MaxConcurrent int
	// Timeout bounds a request from arrival to answer (504 beyond). Default 30 s.
	Timeout time.Duration
	// MaxBodyBytes limits a request body (413 beyond). Default 16 MiB.
	MaxBodyBytes int64
	// Keys, when set, protects the models: a request needs a bearer key
	// allowed to call the model, unless the model is public. Nil serves
	// without keys (inside a cluster, access is the mesh's job).
	Keys *keys.Store
	// Allow, when set, lets a request through without a key when it returns
	// true (the notebook's own session calling its endpoints).
	Allow func(*http.Request) bool
	// Logger receives load and switch events; nil logs nothing.
	Logger *slog.Logger
	// Version is reported in server metadata.
	Version string
}

func (o *Options) defaults() {
	if o.Batch.MaxBatch <= 0 {
		o.Batch.MaxBatch = 32
	}
	if o.Batch.Workers <= 0 {
		o.Batch.Workers = runtime.GOMAXPROCS(0)
	}
	if o.MaxConcurrent <= 0 {
		o.MaxConcurrent = 256
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 16 << 20
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Version == "" {
		o.Version = "dev"
	}
}

// Server serves the models of one source. Create it with NewFromRegistry or
// NewFromDir; it is an http.Handler.
type Server struct {
	opts    Options
	src     source
	reg     *registry.Registry // nil for a single directory
	metrics *serverMetrics
	mux     *http.ServeMux

	models   atomic.Pointer[map[string]*modelState]
	refresh  sync.Mutex // serialises loading and switching
	draining atomic.Bool
	closed   atomic.Bool
	loadErrs sync.Map // model name -> error of its last load
	// canaryErrs holds, per model name, why its canary is not served.
	canaryErrs sync.Map
	hooks      *testHooks
}

// modelState is one served name.
type modelState struct {
	name     string
	def      atomic.Pointer[endpoint]
	canary   atomic.Pointer[canaryRoute] // nil: every request without a version goes to def
	routed   atomic.Uint64               // requests without a version, for the canary's split
	loaded   atomic.Pointer[map[int]*endpoint]
	info     atomic.Pointer[registry.Info]
	inflight atomic.Int64
	// inflightGauge is the model's gopad_inflight child, resolved once.
	inflightGauge atomic.Pointer[prometheus.Gauge]
	loadMu        sync.Mutex // loading a version on demand
}

// canaryRoute is a loaded canary: percent of the requests that give no
// version go to ep.
type canaryRoute struct {
	ep      *endpoint
	percent uint64
}

// route picks the endpoint of a request that gives no version: the canary's
// for percent of every hundred such requests, spread evenly (request n goes
// to the canary when n*percent/100 steps up), else the default.
func (m *modelState) route(def *endpoint) *endpoint {
	c := m.canary.Load()
	if c == nil {
		return def
	}
	n := m.routed.Add(1)
	if n*c.percent/100 != (n-1)*c.percent/100 {
		return c.ep
	}
	return def
}

// NewFromRegistry serves every model of reg, each at its default version
// (other versions load when first requested). It loads the defaults before
// returning and follows reg's changes made through reg; call Refresh to see
// changes made by other processes.
func NewFromRegistry(reg *registry.Registry, opts Options) (*Server, error) {
	return newFromRegistry(reg, opts, nil)
}

func newFromRegistry(reg *registry.Registry, opts Options, hooks *testHooks) (*Server, error) {
	s := newServer(registrySource{reg}, opts)
	s.reg, s.hooks = reg, hooks
	reg.Watch(func(name string) { s.RefreshModel(name) })
	if err := s.Refresh(); err != nil {
		return nil, err
	}
	return s, nil
}

// NewFromDir serves the model saved by ml.Save in dir under name, as version 1.
func NewFromDir(dir, name string, opts Options) (*Server, error) {
	if err := registry.CheckName(name); err != nil {
		return nil, fmt.Errorf("serving: %w", err)
	}
	s := newServer(dirSource{name: name, dir: dir}, opts)
	if err := s.Refresh(); err != nil {
		return nil, err
	}
	if s.modelsMap()[name].def.Load() == nil {
		err, _ := s.loadErrs.Load(name)
		return nil, fmt.Errorf("serving: %s: %v", dir, err)
	}
	return s, nil
}

func newServer(src source, opts Options) *Server {
	opts.defaults()
	s := &Server{opts: opts, src: src, metrics: newServerMetrics()}
	empty := map[string]*modelState{}
	s.models.Store(&empty)
	s.routes()
	return s
}

func (s *Server) modelsMap() map[string]*modelState { return *s.models.Load() }

// Refresh brings every model up to date with the source: new models and new
// default versions are loaded (the old version keeps serving until the new
// one is ready), removed ones unloaded. Models that fail to load are logged
// and reported by their ready route; Refresh returns an error only when the
// source itself cannot be read.
func (s *Server) Refresh() error {
	names, err := s.src.names()
	if err != nil {
		return fmt.Errorf("serving: list models: %w", err)
	}
	for _, n := range names {
		s.RefreshModel(n)
	}
	for n := range s.modelsMap() {
		if !slices.Contains(names, n) {
			s.RefreshModel(n)
		}
	}
	return nil
}

// RefreshModel brings one model up to date with the source.
func (s *Server) RefreshModel(name string) {
	if s.closed.Load() {
		return
	}
	s.refresh.Lock()
	defer s.refresh.Unlock()
	inf, err := s.src.info(name)
	if errors.Is(err, registry.ErrNotFound) {
		s.removeModel(name)
		return
	}
	if err != nil {
		s.loadErrs.Store(name, err)
		s.opts.Logger.Error("read model", "model", name, "err", err)
		return
	}
	m := s.modelsMap()[name]
	if m == nil {
		m = &modelState{name: name}
		empty := map[int]*endpoint{}
		m.loaded.Store(&empty)
		next := cloneMap(s.modelsMap())
		next[name] = m
		s.models.Store(&next)
	}
	m.info.Store(&inf)
	ep, err := s.loadVersion(m, inf.Default)
	if err != nil {
		s.loadErrs.Store(name, err)
		s.opts.Logger.Error("load model", "model", name, "version", inf.Default, "err", err)
	} else {
		s.loadErrs.Delete(name)
		if old := m.def.Swap(ep); old != ep {
			s.opts.Logger.Info("serving", "model", name, "version", inf.Default)
		}
		s.metrics.loaded.WithLabelValues(name).Set(float64(inf.Default))
	}
	s.loadCanary(m, inf)
	// Unload versions the source no longer has.
	m.loadMu.Lock()
	loaded := *m.loaded.Load()
	next := map[int]*endpoint{}
	for v, ep := range loaded {
		if _, err := inf.Version(v); err == nil {
			next[v] = ep
			continue
		}
		ep.close()
		s.metrics.forget(name, ep.vlabel)
	}
	m.loaded.Store(&next)
	m.loadMu.Unlock()
}

// loadCanary loads the canary version inf names, or ends the model's canary.
// A canary that cannot be loaded is left out, logged and kept for
// CanaryError: every request then goes to the default, which is what the
// model's ready route vouches for, and the metadata names no canary.
func (s *Server) loadCanary(m *modelState, inf registry.Info) {
	c := inf.Canary
	s.canaryErrs.Delete(m.name)
	if c == nil || m.def.Load() == nil {
		if m.canary.Swap(nil) != nil {
			s.opts.Logger.Info("canary ended", "model", m.name)
		}
		return
	}
	ep, err := s.loadVersion(m, c.Version)
	if err != nil {
		m.canary.Store(nil)
		s.canaryErrs.Store(m.name, fmt.Errorf("canary version %d is not served (every request goes to version %d): %w", c.Version, inf.Default, err))
		s.opts.Logger.Error("load canary", "model", m.name, "version", c.Version, "err", err)
		return
	}
	old := m.canary.Swap(&canaryRoute{ep: ep, percent: uint64(c.Percent)})
	if old == nil || old.ep != ep || old.percent != uint64(c.Percent) {
		s.opts.Logger.Info("canary", "model", m.name, "version", c.Version, "percent", c.Percent)
	}
}

func (s *Server) removeModel(name string) {
	m := s.modelsMap()[name]
	if m == nil {
		return
	}
	next := cloneMap(s.modelsMap())
	delete(next, name)
	s.models.Store(&next)
	m.loadMu.Lock()
	for _, ep := range *m.loaded.Load() {
		ep.close()
		s.metrics.forget(name, ep.vlabel)
	}
	m.loadMu.Unlock()
	s.metrics.loaded.DeleteLabelValues(name)
	s.metrics.stats.forgetModel(name)
	s.loadErrs.Delete(name)
	s.canaryErrs.Delete(name)
	s.opts.Logger.Info("removed", "model", name)
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// loadVersion returns the loaded endpoint of version v, loading it if needed.
func (s *Server) loadVersion(m *modelState, v int) (*endpoint, error) {
	if ep := (*m.loaded.Load())[v]; ep != nil {
		return ep, nil
	}
	m.loadMu.Lock()
	defer m.loadMu.Unlock()
	if ep := (*m.loaded.Load())[v]; ep != nil {
		return ep, nil
	}
	dir, err := s.src.path(m.name, v)
	if err != nil {
		return nil, err
	}
	model, err := ml.Load(dir)
	if err != nil {
		return nil, err
	}
	sig, err := readSignature(dir, model)
	if err != nil {
		return nil, fmt.Errorf("model %q version %d: %w", m.name, v, err)
	}
	ep, err := newEndpoint(m.name, v, model, sig, s.opts.Batch, s.opts.MaxConcurrent, s.metrics, s.hooks)
	if err != nil {
		return nil, fmt.Errorf("model %q version %d: %w", m.name, v, err)
	}
	next := cloneMap(*m.loaded.Load())
	next[v] = ep
	m.loaded.Store(&next)
	return ep, nil
}

// Ready reports whether every model serves its default version and the
// server is not draining.
func (s *Server) Ready() bool {
	if s.draining.Load() {
		return false
	}
	for _, m := range s.modelsMap() {
		if m.def.Load() == nil {
			return false
		}
	}
	return true
}

// Drain makes the ready probe answer 503 so that a load balancer stops
// sending requests; requests keep being answered until Close.
func (s *Server) Drain() { s.draining.Store(true) }

// Close unloads every model once the requests holding it have finished.
// Call it after http.Server.Shutdown.
func (s *Server) Close() {
	s.closed.Store(true)
	s.refresh.Lock()
	defer s.refresh.Unlock()
	for _, m := range s.modelsMap() {
		m.loadMu.Lock()
		for _, ep := range *m.loaded.Load() {
			ep.close()
		}
		m.loadMu.Unlock()
	}
	for _, m := range s.modelsMap() {
		for _, ep := range *m.loaded.Load() {
			ep.wait()
		}
	}
}

// Handler returns the server as an http.Handler (the server is one too).
func (s *Server) Handler() http.Handler { return s }

// ServeHTTP answers the protocol's routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) routes() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v2/health/live", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]bool{"live": true})
	})
	mux.HandleFunc("GET /v2/health/ready", func(w http.ResponseWriter, r *http.Request) {
		if !s.Ready() {
			writeJSON(w, http.StatusServiceUnavailable, map[string]bool{"ready": false})
			return
		}
		writeJSON(w, http.StatusOK, map[string]bool{"ready": true})
	})
	mux.HandleFunc("GET /v2", s.serverMetadata)
	mux.HandleFunc("GET /v2/{$}", s.serverMetadata)
	mux.HandleFunc("GET /v2/models/{name}", s.modelMetadata)
	mux.HandleFunc("GET /v2/models/{name}/versions/{version}", s.modelMetadata)
	mux.HandleFunc("GET /v2/models/{name}/ready", s.modelReady)
	mux.HandleFunc("GET /v2/models/{name}/versions/{version}/ready", s.modelReady)
	mux.HandleFunc("POST /v2/models/{name}/infer", s.inferV2)
	mux.HandleFunc("POST /v2/models/{name}/versions/{version}/infer", s.inferV2)
	mux.HandleFunc("POST /v2/repository/index", s.repositoryIndex)
	mux.HandleFunc("GET /v1/models/{name}", s.v1Status)
	mux.HandleFunc("POST /v1/models/{call}", s.v1Predict)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no route %s %s; the Open Inference Protocol routes are under /v2 (e.g. POST /v2/models/NAME/infer)", r.Method, r.URL.Path))
	})
	s.mux = mux
}

func (s *Server) serverMetadata(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, oip.ServerMetadata{Name: "gopad", Version: s.opts.Version,
		Extensions: []string{"binary_tensor_data", "classification", "model_repository"}})
}

// httpError is an error with its HTTP status.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func errorf(status int, format string, args ...any) *httpError {
	return &httpError{status, fmt.Sprintf(format, args...)}
}

// authorize checks the request's key for the model.
func (s *Server) authorize(r *http.Request, model string) *httpError {
	if s.opts.Keys == nil || (s.opts.Allow != nil && s.opts.Allow(r)) {
		return nil
	}
	token := ""
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, rest, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") {
			return errorf(http.StatusUnauthorized, "the Authorization header must be \"Bearer <key>\"")
		}
		token = strings.TrimSpace(rest)
	}
	switch err := s.opts.Keys.Check(token, model); err {
	case nil:
		return nil
	case keys.ErrForbidden:
		return errorf(http.StatusForbidden, "%v %q", err, model)
	default:
		return errorf(http.StatusUnauthorized, "%v", err)
	}
}

// lookup finds the model and version a request names (version "" = the
// default), checking the key first so that unknown and forbidden models
// look alike to a caller without a key.
func (s *Server) lookup(r *http.Request, name, version string) (*modelState, *endpoint, *httpError) {
	if herr := s.authorize(r, name); herr != nil {
		return nil, nil, herr
	}
	m := s.modelsMap()[name]
	if m == nil {
		return nil, nil, errorf(http.StatusNotFound, "model %q not found (served models: %s)", name, s.modelList())
	}
	if version == "" {
		ep := m.def.Load()
		if ep == nil {
			return m, nil, errorf(http.StatusServiceUnavailable, "model %q is not ready: %v", name, s.loadError(name))
		}
		return m, ep, nil
	}
	v, err := strconv.Atoi(version)
	if err != nil || v <= 0 {
		return nil, nil, errorf(http.StatusBadRequest, "version %q of model %q: versions are positive integers", version, name)
	}
	inf := m.info.Load()
	if _, err := inf.Version(v); err != nil {
		return nil, nil, errorf(http.StatusNotFound, "%v", err)
	}
	ep, err := s.loadVersion(m, v)
	if err != nil {
		return m, nil, errorf(http.StatusServiceUnavailable, "model %q version %d is not ready: %v", name, v, err)
	}
	return m, ep, nil
}

func (s *Server) loadError(name string) any {
	if err, ok := s.loadErrs.Load(name); ok {
		return err
	}
	return "loading"
}

func (s *Server) modelList() string {
	var names []string
	for n := range s.modelsMap() {
		names = append(names, strconv.Quote(n))
	}
	if len(names) == 0 {
		return "none"
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

func (s *Server) modelMetadata(w http.ResponseWriter, r *http.Request) {
	m, ep, herr := s.lookup(r, r.PathValue("name"), r.PathValue("version"))
	if herr != nil {
		s.fail(w, nil, "", herr)
		return
	}
	inf := m.info.Load()
	md := oip.ModelMetadata{Name: m.name, Platform: "gopad", Inputs: ep.sig.inputs, Outputs: ep.sig.outputs,
		Parameters: map[string]any{"version": ep.vlabel, "default_version": strconv.Itoa(inf.Default)}}
	if c := m.canary.Load(); c != nil && r.PathValue("version") == "" {
		md.Parameters["canary_version"] = c.ep.vlabel
		md.Parameters["canary_percent"] = c.percent
	}
	for _, vi := range inf.Versions {
		md.Versions = append(md.Versions, strconv.Itoa(vi.Version))
	}
	writeJSON(w, http.StatusOK, md)
}

func (s *Server) modelReady(w http.ResponseWriter, r *http.Request) {
	m, ep, herr := s.lookup(r, r.PathValue("name"), r.PathValue("version"))
	if herr != nil {
		if herr.status == http.StatusServiceUnavailable {
			writeJSON(w, herr.status, map[string]any{"name": r.PathValue("name"), "ready": false, "error": herr.msg})
			return
		}
		s.fail(w, nil, "", herr)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"name": m.name, "version": ep.vlabel, "ready": true})
}

func (s *Server) repositoryIndex(w http.ResponseWriter, r *http.Request) {
	type entry struct {
		Name    string `json:"name"`
		Version string `json:"version,omitempty"`
		State   string `json:"state"`
		Reason  string `json:"reason,omitempty"`
	}
	out := []entry{}
	for _, m := range s.modelsMap() {
		if s.authorize(r, m.name) != nil {
			continue
		}
		e := entry{Name: m.name, State: "READY"}
		if ep := m.def.Load(); ep != nil {
			e.Version = ep.vlabel
		} else {
			e.State, e.Reason = "UNAVAILABLE", fmt.Sprint(s.loadError(m.name))
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b entry) int { return strings.Compare(a.Name, b.Name) })
	writeJSON(w, http.StatusOK, out)
}

// Header values shared by every response (net/http only reads them).
var (
	contentTypeJSON   = []string{"application/json"}
	contentTypeBinary = []string{"application/octet-stream"}
)

// bodyPool recycles request and response buffers.
var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// readBody reads the body within the size limit.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, buf []byte) ([]byte, *httpError) {
	if r.ContentLength > s.opts.MaxBodyBytes {
		return nil, errorf(http.StatusRequestEntityTooLarge, "the body is %d bytes; the limit is %d", r.ContentLength, s.opts.MaxBodyBytes)
	}
	if r.ContentLength > 0 && int64(cap(buf)) < r.ContentLength {
		buf = make([]byte, 0, r.ContentLength)
	}
	body := http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, errorf(http.StatusRequestEntityTooLarge, "the body is larger than the limit of %d bytes", s.opts.MaxBodyBytes)
			}
			return nil, errorf(http.StatusBadRequest, "reading the body: %v", err)
		}
	}
}

// admit applies the model's concurrency cap; leave ends the request's turn.
func (s *Server) admit(m *modelState) *httpError {
	if m.inflight.Add(1) > int64(s.opts.MaxConcurrent) {
		m.inflight.Add(-1)
		return errorf(http.StatusTooManyRequests, "model %q has %d requests in flight, its limit; retry shortly", m.name, s.opts.MaxConcurrent)
	}
	m.gauge(s.metrics).Inc()
	if s.hooks != nil && s.hooks.admitted != nil {
		s.hooks.admitted()
	}
	return nil
}

func (s *Server) leave(m *modelState) {
	m.inflight.Add(-1)
	m.gauge(s.metrics).Dec()
}

// gauge is the model's gopad_inflight child, resolved once.
func (m *modelState) gauge(metrics *serverMetrics) prometheus.Gauge {
	if g := m.inflightGauge.Load(); g != nil {
		return *g
	}
	g := metrics.inflight.WithLabelValues(m.name)
	m.inflightGauge.Store(&g)
	return g
}

func (s *Server) inferV2(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	name, version := r.PathValue("name"), r.PathValue("version")
	m, ep, herr := s.lookup(r, name, version)
	if herr != nil {
		s.fail(w, nil, "v2", herr)
		return
	}
	if version == "" {
		ep = m.route(ep)
	}
	if herr := s.admit(m); herr != nil {
		s.fail(w, ep, "v2", herr)
		return
	}
	defer s.leave(m)
	// The endpoint may have been switched away from since lookup; a closing
	// endpoint takes no new requests, so look again.
	if ep, herr = s.acquire(r, ep, name, version); herr != nil {
		s.fail(w, nil, "v2", herr)
		return
	}
	defer ep.release()

	bufp := bodyPool.Get().(*[]byte)
	defer func() { *bufp = (*bufp)[:0]; bodyPool.Put(bufp) }()
	body, herr := s.readBody(w, r, (*bufp)[:0])
	if herr != nil {
		s.fail(w, ep, "v2", herr)
		return
	}
	*bufp = body
	headerLen := -1
	if h := r.Header.Get(oip.HeaderLength); h != "" {
		n, err := strconv.Atoi(h)
		if err != nil || n < 0 {
			s.fail(w, ep, "v2", errorf(http.StatusBadRequest, "%s %q is not a length", oip.HeaderLength, h))
			return
		}
		headerLen = n
	}
	req, err := oip.DecodeRequest(body, headerLen)
	if err != nil {
		s.fail(w, ep, "v2", errorf(http.StatusBadRequest, "%v", strings.TrimPrefix(err.Error(), "bad request: ")))
		return
	}
	in, err := ep.sig.prepare(req.Inputs)
	if err != nil {
		s.fail(w, ep, "v2", errorf(http.StatusBadRequest, "%v", err))
		return
	}
	plan, herr := ep.sig.planOutputs(req)
	if herr != nil {
		s.fail(w, ep, "v2", herr)
		return
	}
	var j job
	if herr := s.compute(r.Context(), start, ep, in, &j); herr != nil {
		s.fail(w, ep, "v2", herr)
		return
	}
	resp := oip.Response{ModelName: m.name, ModelVersion: ep.vlabel, ID: req.ID, Outputs: ep.sig.outputsFor(plan, &j)}
	out := bodyPool.Get().(*[]byte)
	defer func() { *out = (*out)[:0]; bodyPool.Put(out) }()
	data, headerLength := oip.AppendResponse((*out)[:0], &resp)
	*out = data
	// The keys are canonical already: assigning spares Set's canonicalising.
	h := w.Header()
	if headerLength >= 0 {
		h["Content-Type"] = contentTypeBinary
		h[oip.HeaderLength] = []string{strconv.Itoa(headerLength)}
	} else {
		h["Content-Type"] = contentTypeJSON
	}
	h["Content-Length"] = []string{strconv.Itoa(len(data))}
	w.WriteHeader(http.StatusOK)
	w.Write(data)
	ep.metrics.count("v2", http.StatusOK)
	ep.metrics.observe(time.Since(start).Seconds())
}

// acquire registers the request on ep. The endpoint may have been switched
// away from since lookup and be closing (it takes no new requests then), so
// look again, a few times.
func (s *Server) acquire(r *http.Request, ep *endpoint, name, version string) (*endpoint, *httpError) {
	for range 5 {
		if ep.acquire() {
			return ep, nil
		}
		var herr *httpError
		if _, ep, herr = s.lookup(r, name, version); herr != nil {
			return nil, herr
		}
	}
	return nil, errorf(http.StatusServiceUnavailable, "model %q is shutting down", name)
}

// compute runs the prepared input within the request's timeout, counted
// from start (its arrival), into j.
func (s *Server) compute(ctx context.Context, start time.Time, ep *endpoint, in prepared, j *job) *httpError {
	j.in = in
	err := ep.run(ctx, start.Add(s.opts.Timeout), j)
	if err == nil {
		return nil
	}
	var me *modelError
	switch {
	case errors.As(err, &me):
		return errorf(http.StatusInternalServerError, "model %q version %d: %v", ep.name, ep.version, err)
	case errors.Is(err, context.DeadlineExceeded):
		return errorf(http.StatusGatewayTimeout, "model %q version %d did not answer within the %v timeout", ep.name, ep.version, s.opts.Timeout)
	default:
		return errorf(499, "the client went away: %v", err)
	}
}

func (s *Server) fail(w http.ResponseWriter, ep *endpoint, protocol string, herr *httpError) {
	if herr.status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "1")
	}
	if herr.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="gopad models"`)
	}
	writeError(w, herr.status, herr.msg)
	if ep != nil {
		ep.metrics.count(protocol, herr.status)
	}
}

func writeError(w http.ResponseWriter, status int, msg string) {
	body := oip.ErrorBody(msg)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}
