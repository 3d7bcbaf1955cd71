package ml

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
)

// Publishing a model turns it into an inference endpoint. ml itself knows no
// notebook and no server: the gopad kernel installs the function that carries
// a publish to its notebook server (or to `gopad run`) with SetPublisher, as it
// installs the live training view with SetDefaultProgress.

// Published is an endpoint that Publish made: a version of a named model in
// the notebook root's model registry. As a cell's result it shows its URL, a
// curl line that works as pasted and the version.
type Published struct {
	Name    string
	Version int
	// Default is true when this version now answers requests that name no
	// version; false when an earlier version is pinned (a rollback).
	Default bool
	// DefaultVersion is the version that answers by default.
	DefaultVersion int
	// Served is true when the endpoint answers at URL now. It is false when
	// the model was written to the registry only; Note then says how to serve it.
	Served bool
	// URL is the model's endpoint of the Open Inference Protocol v2, e.g.
	// http://127.0.0.1:8888/v2/models/digits; requests go to InferURL.
	URL string
	// Registry is the directory of the registry the version was written to.
	Registry string
	// Example is a request body the model accepts, as used by Curl.
	Example string
	// Note says what else to know (not served, pinned, ...).
	Note string
}

// InferURL is where inference requests go: URL + "/infer".
func (p *Published) InferURL() string {
	if p == nil || p.URL == "" {
		return ""
	}
	return p.URL + "/infer"
}

// VersionURL is the endpoint of this very version, which keeps answering
// after later versions are published.
func (p *Published) VersionURL() string {
	if p == nil || p.URL == "" {
		return ""
	}
	return fmt.Sprintf("%s/versions/%d", p.URL, p.Version)
}

// TokenEnv is the environment variable that curl lines name for the
// credential of a notebook's endpoints (in a shell: an API key, or the
// notebook server's token). Curl lines name it rather than contain it, so that
// a saved notebook holds no secret.
const TokenEnv = "GOPAD_TOKEN"

// EndpointTokenEnv is the environment variable in which the notebook server
// (or `gopad run`) gives its kernels a credential that calls the notebook's
// endpoints and nothing else (not the notebook's own API). NewRequest uses it,
// else $GOPAD_TOKEN.
const EndpointTokenEnv = "GOPAD_ENDPOINT_TOKEN"

// Curl returns a curl command that calls the endpoint with the example request
// as pasted into a shell where $GOPAD_TOKEN holds an API key or the notebook
// server's token.
func (p *Published) Curl() string {
	if p == nil || p.URL == "" {
		return ""
	}
	body := p.Example
	if body == "" {
		body = `{"inputs":[]}`
	}
	return fmt.Sprintf(`curl -s -H "Authorization: Bearer $%s" -H 'Content-Type: application/json' -d '%s' %s`,
		TokenEnv, strings.ReplaceAll(body, "'", `'\''`), p.InferURL())
}

// NewRequest returns a ready POST of body (an Open Inference Protocol v2
// request in JSON) to the endpoint, carrying the credential the kernel was
// given ($GOPAD_ENDPOINT_TOKEN, else $GOPAD_TOKEN), for net/http:
//
//	req, err := pub.NewRequest(`{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["bonjour"]}]}`)
//	resp, err := http.DefaultClient.Do(req)
func (p *Published) NewRequest(body string) (*http.Request, error) {
	if p == nil {
		return nil, errors.New("ml: Published.NewRequest: nil endpoint (did Publish fail?)")
	}
	if !p.Served || p.URL == "" {
		return nil, fmt.Errorf("ml: Published.NewRequest: %q version %d is not being served: %s", p.Name, p.Version, p.Note)
	}
	req, err := http.NewRequest(http.MethodPost, p.InferURL(), strings.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("ml: Published.NewRequest: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	tok := os.Getenv(EndpointTokenEnv)
	if tok == "" {
		tok = os.Getenv(TokenEnv)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	return req, nil
}

// String is the endpoint in one line, e.g.
// "digits version 2 published at http://127.0.0.1:8888/v2/models/digits".
func (p *Published) String() string {
	if p == nil {
		return "<nil>"
	}
	var b strings.Builder
	if p.Served {
		fmt.Fprintf(&b, "%s version %d published at %s", p.Name, p.Version, p.URL)
	} else {
		fmt.Fprintf(&b, "%s version %d written to %s (not served)", p.Name, p.Version, p.Registry)
	}
	if p.Served {
		b.WriteString("\n" + p.Curl())
	}
	if p.Note != "" {
		b.WriteString("\n" + p.Note)
	}
	return b.String()
}

// ModelRecord is what a model carries into the registry when it is
// published: its latest metrics (of its last Evaluate, else of its last
// training epoch), its training history and its compression reports.
type ModelRecord struct {
	Metrics      map[string]float64
	History      *History
	Quantization *QuantReport
	Pruning      *PruneReport // the sparsity of its weights, when pruned
}

// modelRecord is kept inside a Model; see Record.
type modelRecord struct {
	eval    map[string]float64
	history *History
	quant   *QuantReport
}

// Record returns what the model carries into the registry when published.
func (m *Model) Record() ModelRecord {
	if m == nil {
		return ModelRecord{}
	}
	m.mu.Lock()
	rec := ModelRecord{History: m.record.history, Quantization: m.record.quant}
	eval := m.record.eval
	m.mu.Unlock()
	switch {
	case eval != nil:
		rec.Metrics = eval
	case rec.Quantization != nil:
		// The float model's training figures do not hold for the quantized
		// copy; its report measured the metric after quantizing.
		if q := rec.Quantization; q.Metric != "" && !math.IsNaN(q.MetricAfter) {
			rec.Metrics = map[string]float64{q.Metric: q.MetricAfter}
		}
	case rec.History != nil && len(rec.History.Epochs) > 0:
		last := rec.History.Epochs[len(rec.History.Epochs)-1]
		rec.Metrics = map[string]float64{}
		for k, v := range last.Metrics {
			rec.Metrics[k] = v
		}
		for k, v := range last.ValMetrics {
			rec.Metrics["val_"+k] = v
		}
		if !math.IsNaN(last.ValLoss) {
			rec.Metrics["val_loss"] = last.ValLoss
		}
		rec.Metrics["loss"] = last.Loss
	}
	if m.IsPruned() {
		rec.Pruning = Sparsity(m)
	}
	return rec
}

// PublishFunc publishes a model under a name; see SetPublisher.
type PublishFunc func(m *Model, name string) (*Published, error)

var (
	publisherMu sync.Mutex
	publisher   PublishFunc
)

// SetPublisher installs the function Publish uses. The gopad kernel installs
// one that asks its notebook server (or `gopad run`) to publish into the
// notebook root's registry; nil removes it.
func SetPublisher(f PublishFunc) {
	publisherMu.Lock()
	publisher = f
	publisherMu.Unlock()
}

// modelNameRule is the registry's rule for model names: they become a
// directory and a URL path element.
var modelNameRule = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// CheckModelName reports whether name can name a published model, with an
// error that says why not.
func CheckModelName(name string) error {
	if !modelNameRule.MatchString(name) {
		return fmt.Errorf("model name %q: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit", name)
	}
	return nil
}

// TryPublish publishes the model as it is now under name, as a new version
// that becomes the default (unless an earlier version is pinned), and
// returns the endpoint. In a gopad notebook the notebook server serves it at
// once, on its own address; under `gopad run` the run serves it until it
// ends. Classifiers answer with class names when the model carries
// SetMeta("classes", names); text models take strings with "vocabulary" and
// "sequence" (see package serving).
func TryPublish(m *Model, name string) (*Published, error) {
	if m == nil {
		return nil, fmt.Errorf("ml: Publish %q: nil model", name)
	}
	if err := CheckModelName(name); err != nil {
		return nil, fmt.Errorf("ml: Publish: %w", err)
	}
	if !m.Trained() {
		return nil, fmt.Errorf("ml: Publish %q: the model has not been trained (no Fit step, not loaded with Load): an endpoint would answer with its random initial weights; train it first", name)
	}
	publisherMu.Lock()
	f := publisher
	publisherMu.Unlock()
	if f == nil {
		return nil, fmt.Errorf("ml: Publish %q: publishing needs a gopad notebook (the notebook server or `gopad run`); in a program, save the model with model.Save(dir) and serve it with `gopad serve-model --model_dir dir --model_name %s`", name, name)
	}
	p, err := f(m, name)
	if err != nil {
		return nil, fmt.Errorf("ml: Publish %q: %w", name, err)
	}
	return p, nil
}

// Publish is TryPublish for a notebook cell's last line: it returns the
// endpoint, which shows as the cell's result, and panics with TryPublish's
// error when publishing fails, so that the cell fails saying why.
func Publish(m *Model, name string) *Published {
	p, err := TryPublish(m, name)
	if err != nil {
		panic(err)
	}
	return p
}
