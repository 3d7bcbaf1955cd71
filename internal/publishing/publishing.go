// Package publishing carries out a kernel's publish_request (ml.Publish in a
// cell, the notebook's Publish button) against a model registry: the notebook
// server and `gopad run` both answer it with Publish, so that a model
// published either way gets the same checks, lineage and reply.
package publishing

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"gopad.dev/gopad/kernel/protocol"
	"gopad.dev/gopad/serving/registry"
)

// Target is where models are published.
type Target struct {
	Registry *registry.Registry
	// Endpoints serves the registry's models (a serving.Server that follows
	// the registry); nil when nothing serves them.
	Endpoints http.Handler
	// BaseURL is the address Endpoints answers at, without a trailing slash
	// ("http://127.0.0.1:8888"); empty when not served.
	BaseURL string
	// Authorization is the header value that lets a request through to
	// Endpoints (to read the model's metadata for the example request).
	Authorization string
	// NotServed says how to serve the registry when Endpoints is nil, or adds
	// what the user should know about how it is served (e.g. only while
	// `gopad run` runs).
	NotServed string
}

// Origin is what the client knows of where a publish comes from.
type Origin struct {
	Notebook string // path relative to the notebook root
	Cell     string // cell id
	Content  []byte // the notebook's content at that moment, for its hash
}

// Publish publishes the artifact req.Dir under req.Name into t.Registry with
// the lineage origin and req.Record give, and says where it is served.
func Publish(t Target, req protocol.PublishRequestContent, origin Origin) protocol.PublishReplyContent {
	reply, err := publish(t, req, origin)
	if err != nil {
		return protocol.PublishReplyContent{Status: protocol.ReplyError, EValue: err.Error()}
	}
	return reply
}

func publish(t Target, req protocol.PublishRequestContent, origin Origin) (protocol.PublishReplyContent, error) {
	var reply protocol.PublishReplyContent
	if t.Registry == nil {
		return reply, errors.New("this notebook has no model registry (it failed to open: see the server's log)")
	}
	if err := registry.CheckName(req.Name); err != nil {
		return reply, err
	}
	if !filepath.IsAbs(req.Dir) {
		return reply, fmt.Errorf("the kernel's saved model is not at an absolute path (%q)", req.Dir)
	}
	if err := checkCollision(t.Registry, req.Name); err != nil {
		return reply, err
	}
	var lin registry.Lineage
	if len(req.Record) > 0 {
		raw, err := json.Marshal(req.Record)
		if err == nil {
			err = json.Unmarshal(raw, &lin)
		}
		if err != nil {
			return reply, fmt.Errorf("the model's record (metrics, history, compression) is unreadable: %w", err)
		}
	}
	lin.Notebook, lin.Cell, lin.Source = origin.Notebook, origin.Cell, req.Source
	if origin.Content != nil {
		lin.ContentHash = registry.ContentHash(origin.Content)
	}
	vi, err := t.Registry.PublishDir(req.Name, req.Dir, lin)
	if err != nil {
		return reply, err
	}
	info, err := t.Registry.Get(req.Name)
	if err != nil {
		return reply, err
	}
	reply = protocol.PublishReplyContent{Status: protocol.ReplyOK, Name: req.Name, Version: vi.Version,
		Default: info.Default == vi.Version, DefaultVersion: info.Default, Registry: t.Registry.Dir()}
	var notes []string
	if !reply.Default {
		notes = append(notes, fmt.Sprintf("version %d is pinned as the default (a rollback): requests that name no version still get version %d; unpin it on the model's page or call version %d by its URL", info.Default, info.Default, vi.Version))
	}
	if t.Endpoints != nil && t.BaseURL != "" {
		reply.Served = true
		reply.URL = strings.TrimSuffix(t.BaseURL, "/") + "/v2/models/" + req.Name
		example, err := exampleRequest(t, req.Name, vi.Version)
		if err != nil {
			notes = append(notes, "the endpoint did not answer its metadata: "+err.Error())
		}
		reply.Example = example
	}
	if t.NotServed != "" {
		notes = append(notes, t.NotServed)
	}
	reply.Note = strings.Join(notes, "; ")
	return reply, nil
}

// checkCollision refuses a name that differs only in case from a model the
// registry has: on a case-insensitive file system they would share a
// directory, and everywhere people would mistake one for the other.
func checkCollision(reg *registry.Registry, name string) error {
	all, err := reg.List()
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("read the registry: %w", err)
	}
	for _, inf := range all {
		if inf.Name != name && strings.EqualFold(inf.Name, name) {
			return fmt.Errorf("model name %q is too close to the published model %q (they differ only in case); publish under %q to add a version to it, or choose another name", name, inf.Name, inf.Name)
		}
	}
	return nil
}

// metadata is the part of OIP model metadata the example needs.
type metadata struct {
	Inputs []struct {
		Name     string  `json:"name"`
		Datatype string  `json:"datatype"`
		Shape    []int64 `json:"shape"`
	} `json:"inputs"`
}

// exampleRequest builds a request body version v of the model accepts, from
// its metadata: a string for a text model, zeros for a tensor.
func exampleRequest(t Target, name string, v int) (string, error) {
	r := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/v2/models/%s/versions/%d", name, v), nil)
	if t.Authorization != "" {
		r.Header.Set("Authorization", t.Authorization)
	}
	w := httptest.NewRecorder()
	t.Endpoints.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		return "", fmt.Errorf("%d %s", w.Code, strings.TrimSpace(w.Body.String()))
	}
	var md metadata
	if err := json.Unmarshal(w.Body.Bytes(), &md); err != nil || len(md.Inputs) == 0 {
		return "", fmt.Errorf("unreadable metadata %s", w.Body.String())
	}
	in := md.Inputs[0]
	n := int64(1)
	shape := make([]int64, len(in.Shape))
	for i, d := range in.Shape {
		if d < 0 {
			d = 1
		}
		shape[i] = d
		n *= d
	}
	var data any
	switch in.Datatype {
	case "BYTES":
		words := make([]string, n)
		for i := range words {
			words[i] = "hello"
		}
		data = words
	default:
		data = make([]int, n)
	}
	body := map[string]any{"inputs": []map[string]any{{"name": in.Name, "shape": shape, "datatype": in.Datatype, "data": data}}}
	b, err := json.Marshal(body)
	return string(b), err
}
