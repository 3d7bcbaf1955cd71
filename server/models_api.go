package server

import (
	"errors"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopad.dev/gopad/serving"
	"gopad.dev/gopad/serving/keys"
	"gopad.dev/gopad/serving/registry"
)

// The JSON API of the Models pages: the published models with their versions
// and lineage, the default version (pin = rollback, unpin), deleting, the
// API keys, making a model public, and the live statistics of the charts.
// Like every /api route it needs the notebook token, and the CSRF checks of
// ServeHTTP apply to its POSTs.

func (s *Server) modelRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /models", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/models/", http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /models/{$}", s.handleIndex)
	mux.HandleFunc("GET /models/{name}", s.handleIndex)
	mux.HandleFunc("GET /api/models", s.handleModelList)
	mux.HandleFunc("GET /api/models/{name}", s.handleModel)
	mux.HandleFunc("GET /api/models/{name}/stats", s.handleModelStats)
	mux.HandleFunc("POST /api/models/{name}/pin", s.handleModelPin)
	mux.HandleFunc("POST /api/models/{name}/unpin", s.handleModelUnpin)
	mux.HandleFunc("POST /api/models/{name}/canary", s.handleModelCanary)
	mux.HandleFunc("POST /api/models/{name}/canary/clear", s.handleModelCanaryClear)
	mux.HandleFunc("POST /api/models/{name}/versions/{version}/delete", s.handleModelVersionDelete)
	mux.HandleFunc("POST /api/models/{name}/delete", s.handleModelDelete)
	mux.HandleFunc("POST /api/models/{name}/public", s.handleModelPublic)
	s.exportRoutes(mux) // models_export.go
	mux.HandleFunc("GET /api/keys", s.handleKeyList)
	mux.HandleFunc("POST /api/keys", s.handleKeyCreate)
	mux.HandleFunc("POST /api/keys/{id}/revoke", s.handleKeyRevoke)
}

// modelSummary is one model of the Models list.
type modelSummary struct {
	Name    string `json:"name"`
	Default int    `json:"default"`
	Pinned  bool   `json:"pinned"`
	Latest  int    `json:"latest"`
	// Canary is the version taking a share of the requests that name none;
	// CanaryError says why the server does not route to it, if it does not.
	Canary      *registry.Canary `json:"canary,omitempty"`
	CanaryError string           `json:"canary_error,omitempty"`
	Versions    int              `json:"versions"`
	Public      bool             `json:"public"`
	Ready       bool             `json:"ready"`
	Error       string           `json:"error,omitempty"`
	// Input is the default version's kind of input (serving.Description).
	Input    string    `json:"input,omitempty"`
	Classes  int       `json:"classes,omitempty"`
	Updated  time.Time `json:"updated"`
	Notebook string    `json:"notebook,omitempty"` // of the default version
	URL      string    `json:"url"`                // the OIP infer route
}

// versionDetail is one version on the endpoint page.
type versionDetail struct {
	registry.VersionInfo
	IsDefault bool `json:"is_default"`
	// NotebookExists says whether the lineage's notebook is still in the
	// root; NotebookUnchanged whether its content still hashes as it did
	// when the version was published.
	NotebookExists    bool `json:"notebook_exists"`
	NotebookUnchanged bool `json:"notebook_unchanged"`
}

// modelDetail is the endpoint page's model.
type modelDetail struct {
	modelSummary
	VersionList []versionDetail `json:"version_list"`
	// Schema is what the default version takes and gives; nil when it is not
	// ready (Error says why).
	Schema *serving.Description `json:"schema"`
	V1URL  string               `json:"v1_url"`
}

// syncModels brings the served models up to date with the registry when
// another process (a kernel's ml.Publish, `gopad serve-model`) changed it,
// and re-reads the keys file.
func (s *Server) syncModels() {
	if err := s.models.keys.Refresh(); err != nil {
		s.logf("gopad server: API keys: %v", err)
	}
	stamp := s.models.registry.Stamp()
	s.models.stampMu.Lock()
	defer s.models.stampMu.Unlock()
	if stamp == s.models.stamp {
		return
	}
	if err := s.models.server.Refresh(); err != nil {
		s.logf("gopad server: published models: %v", err)
		return
	}
	s.models.stamp = stamp
}

// modelError maps registry errors to HTTP statuses.
func modelError(err error) error {
	switch {
	case errors.Is(err, registry.ErrNotFound):
		return errorf(http.StatusNotFound, "%s", trimRegistry(err))
	case errors.Is(err, registry.ErrInvalid):
		return errorf(http.StatusBadRequest, "%s", trimRegistry(err))
	}
	return err
}

func trimRegistry(err error) string {
	msg := strings.TrimPrefix(err.Error(), "registry: ")
	msg = strings.ReplaceAll(msg, ": not found", "")
	return strings.ReplaceAll(msg, "invalid model name", "bad model name")
}

func (s *Server) summary(inf registry.Info) modelSummary {
	sum := modelSummary{Name: inf.Name, Default: inf.Default, Pinned: inf.Pinned, Latest: inf.Latest, Canary: inf.Canary,
		Versions: len(inf.Versions), Public: s.models.keys.Public(inf.Name),
		URL: "/v2/models/" + inf.Name + "/infer"}
	for _, vi := range inf.Versions {
		if vi.Created.After(sum.Updated) {
			sum.Updated = vi.Created
		}
		if vi.Version == inf.Default {
			sum.Notebook = vi.Lineage.Notebook
		}
	}
	if err := s.models.server.CanaryError(inf.Name); err != nil && inf.Canary != nil {
		sum.CanaryError = err.Error()
	}
	if d, err := s.models.server.Describe(inf.Name, 0); err == nil {
		sum.Ready, sum.Input, sum.Classes = true, d.Input, len(d.Classes)
	} else if lerr := s.models.server.LoadError(inf.Name); lerr != nil {
		sum.Error = lerr.Error()
	} else {
		sum.Error = err.Error()
	}
	return sum
}

func (s *Server) handleModelList(w http.ResponseWriter, r *http.Request) {
	s.syncModels()
	infos, err := s.models.registry.List()
	if err != nil {
		s.writeErr(w, err)
		return
	}
	out := []modelSummary{}
	for _, inf := range infos {
		out = append(out, s.summary(inf))
	}
	writeJSON(w, http.StatusOK, map[string]any{"models": out, "registry": serving.RegistrySubdir, "keys": len(s.models.keys.List())})
}

func (s *Server) handleModel(w http.ResponseWriter, r *http.Request) {
	s.syncModels()
	inf, err := s.models.registry.Get(r.PathValue("name"))
	if err != nil {
		s.writeErr(w, modelError(err))
		return
	}
	d := modelDetail{modelSummary: s.summary(inf), V1URL: "/v1/models/" + inf.Name + ":predict", VersionList: []versionDetail{}}
	if desc, err := s.models.server.Describe(inf.Name, 0); err == nil {
		d.Schema = &desc
	}
	hashes := map[string]string{} // notebook -> its current content hash ("" = gone)
	for _, vi := range slices.Backward(inf.Versions) {
		vd := versionDetail{VersionInfo: vi, IsDefault: vi.Version == inf.Default}
		if nb := vi.Lineage.Notebook; nb != "" {
			h, seen := hashes[nb]
			if !seen {
				h = s.notebookHash(nb)
				hashes[nb] = h
			}
			vd.NotebookExists = h != ""
			vd.NotebookUnchanged = h != "" && h == vi.Lineage.ContentHash
		}
		d.VersionList = append(d.VersionList, vd)
	}
	writeJSON(w, http.StatusOK, d)
}

// notebookHash returns the content hash of the notebook at rel in the root,
// "" when it cannot be read (moved, deleted, or a path outside the root).
func (s *Server) notebookHash(rel string) string {
	if rel == "" || path.IsAbs(rel) || strings.Contains(rel, "\\") {
		return ""
	}
	data, err := s.rootFS.ReadFile(path.Clean(rel))
	if err != nil {
		return ""
	}
	return registry.ContentHash(data)
}

func (s *Server) handleModelStats(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	seconds := 60
	if q := r.URL.Query().Get("seconds"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n <= 0 || n > serving.StatsSeconds {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("seconds=%q: give a whole number of seconds from 1 to %d", q, serving.StatsSeconds))
			return
		}
		seconds = n
	}
	st, ok := s.models.server.Stats(name, seconds)
	if !ok {
		if err := registry.CheckName(name); err != nil {
			s.writeErr(w, modelError(err))
			return
		}
		writeError(w, http.StatusNotFound, fmt.Sprintf("model %q is not served", name))
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// modelInfo answers the model's page data after a change.
func (s *Server) modelChanged(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		s.writeErr(w, modelError(err))
		return
	}
	s.handleModel(w, r)
}

func (s *Server) handleModelPin(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Version *int `json:"version"`
	}
	if err := decodeBody(w, r, &req); err != nil {
		s.writeErr(w, err)
		return
	}
	if req.Version == nil || *req.Version <= 0 {
		writeError(w, http.StatusBadRequest, `pin needs {"version": N}, N a version of the model (1, 2, ...)`)
		return
	}
	s.modelChanged(w, r, s.models.registry.Pin(r.PathValue("name"), *req.Version))
}

func (s *Server) handleModelCanary(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Version *int `json:"version"`
		Percent *int `json:"percent"`
	}
	if err := decodeBody(w, r, &req); err != nil {
		s.writeErr(w, err)
		return
	}
	if req.Version == nil || *req.Version <= 0 || req.Percent == nil {
		writeError(w, http.StatusBadRequest, `a canary needs {"version": N, "percent": P}: N a version other than the default, P from 1 to 99`)
		return
	}
	s.modelChanged(w, r, s.models.registry.SetCanary(r.PathValue("name"), *req.Version, *req.Percent))
}

func (s *Server) handleModelCanaryClear(w http.ResponseWriter, r *http.Request) {
	var req struct{}
	if err := decodeOptionalBody(w, r, &req); err != nil {
		s.writeErr(w, err)
		return
	}
	s.modelChanged(w, r, s.models.registry.ClearCanary(r.PathValue("name")))
}

func (s *Server) handleModelUnpin(w http.ResponseWriter, r *http.Request) {
	var req struct{}
	if err := decodeOptionalBody(w, r, &req); err != nil {
		s.writeErr(w, err)
		return
	}
	s.modelChanged(w, r, s.models.registry.Unpin(r.PathValue("name")))
}

func (s *Server) handleModelVersionDelete(w http.ResponseWriter, r *http.Request) {
	name, vs := r.PathValue("name"), r.PathValue("version")
	v, err := strconv.Atoi(vs)
	if err != nil || v <= 0 {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("version %q of model %q: versions are whole numbers from 1", vs, name))
		return
	}
	if err := s.models.registry.DeleteVersion(name, v); err != nil {
		s.writeErr(w, modelError(err))
		return
	}
	if _, err := s.models.registry.Get(name); errors.Is(err, registry.ErrNotFound) {
		writeJSON(w, http.StatusOK, map[string]any{"deleted": name})
		return
	}
	s.handleModel(w, r)
}

func (s *Server) handleModelDelete(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if err := s.models.registry.Delete(name); err != nil {
		s.writeErr(w, modelError(err))
		return
	}
	// A model published again under this name starts private.
	if s.models.keys.Public(name) {
		if err := s.models.keys.SetPublic(name, false); err != nil {
			s.writeErr(w, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"deleted": name})
}

// handleModelPublic makes a model callable without a key, or not. Making it
// public must be confirmed by naming the model in "confirm": a request that
// merely flips a flag cannot open an endpoint to anyone who can reach it.
func (s *Server) handleModelPublic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	var req struct {
		Public  *bool  `json:"public"`
		Confirm string `json:"confirm"`
	}
	if err := decodeBody(w, r, &req); err != nil {
		s.writeErr(w, err)
		return
	}
	if req.Public == nil {
		writeError(w, http.StatusBadRequest, `give {"public": true, "confirm": "<model name>"} or {"public": false}`)
		return
	}
	if _, err := s.models.registry.Get(name); err != nil {
		s.writeErr(w, modelError(err))
		return
	}
	if *req.Public && req.Confirm != name {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("making %q public lets anyone who can reach this server call it without a key: confirm with {\"confirm\": %q}", name, name))
		return
	}
	if err := s.models.keys.SetPublic(name, *req.Public); err != nil {
		s.writeErr(w, err)
		return
	}
	s.handleModel(w, r)
}

// keyView is a key as listed: never its secret or hash.
type keyView struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Models  []string  `json:"models"`
	Created time.Time `json:"created"`
}

func viewKey(k keys.Key) keyView {
	return keyView{ID: k.ID, Name: k.Name, Models: k.Models, Created: k.Created}
}

func (s *Server) handleKeyList(w http.ResponseWriter, r *http.Request) {
	if err := s.models.keys.Refresh(); err != nil {
		s.writeErr(w, err)
		return
	}
	out := []keyView{}
	for _, k := range s.models.keys.List() {
		out = append(out, viewKey(k))
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": out, "public_models": s.models.keys.PublicModels()})
}

// handleKeyCreate makes a key and answers its token, the only time it is shown.
func (s *Server) handleKeyCreate(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name   string   `json:"name"`
		Models []string `json:"models"`
	}
	if err := decodeBody(w, r, &req); err != nil {
		s.writeErr(w, err)
		return
	}
	req.Name = strings.TrimSpace(req.Name)
	if req.Name == "" || len(req.Name) > 100 || strings.ContainsFunc(req.Name, func(c rune) bool { return c < ' ' }) {
		writeError(w, http.StatusBadRequest, "a key needs a name of 1 to 100 printable characters (who or what uses it)")
		return
	}
	if len(req.Models) == 0 {
		writeError(w, http.StatusBadRequest, `a key needs the models it may call: "models": ["digits", ...], or ["*"] for every model`)
		return
	}
	seen := map[string]bool{}
	for _, m := range req.Models {
		if seen[m] {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("model %q is named twice", m))
			return
		}
		seen[m] = true
		if m == keys.AllModels {
			continue
		}
		if err := registry.CheckName(m); err != nil {
			s.writeErr(w, modelError(err))
			return
		}
	}
	if seen[keys.AllModels] && len(req.Models) > 1 {
		writeError(w, http.StatusBadRequest, `"*" already means every model; give it alone`)
		return
	}
	token, key, err := s.models.keys.Create(req.Name, req.Models)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"key": viewKey(key), "token": token})
}

func (s *Server) handleKeyRevoke(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.models.keys.Revoke(id); err != nil {
		if errors.Is(err, keys.ErrNotFound) {
			writeError(w, http.StatusNotFound, fmt.Sprintf("no API key with id %q (it may have been revoked already)", id))
			return
		}
		s.writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"revoked": id})
}
