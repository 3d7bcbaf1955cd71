package runner

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"gopad.dev/gopad/internal/publishing"
	"gopad.dev/gopad/kernel"
	"gopad.dev/gopad/kernel/client"
	"gopad.dev/gopad/kernel/protocol"
	"gopad.dev/gopad/ml"
	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/serving"
	"gopad.dev/gopad/serving/keys"
	"gopad.dev/gopad/serving/registry"
)

// Publishing under `gopad run`. There is no notebook server, but a notebook
// that ends by publishing its model and calling the endpoint must run headless
// as it does in the browser, and must not pretend: ml.Publish writes a real
// version into the registry of the notebook's folder (ROOT/.gopad/models, ROOT
// being the notebook's directory, the working directory for a bundled
// example), and the run serves that registry on a loopback port until it
// ends, with the same access rules as the notebook server (the run's own
// token, which the kernel gets as $GOPAD_ENDPOINT_TOKEN, or the root's API keys). The
// reply says so, and how to keep serving: gopad serve-model --model_dir ROOT.

// Publisher publishes for one run of a notebook (Run makes one; a program
// that runs cells itself can too). The registry and the endpoint server start
// at the first publish, so that a run that publishes nothing leaves no trace.
type Publisher struct {
	root     string // the notebook root whose registry is published to
	notebook string // the notebook's path relative to root (or example:NAME)
	content  []byte // the notebook as loaded, for the lineage's hash
	token    string

	mu   sync.Mutex
	cell string // the cell running now
	reg  *registry.Registry
	srv  *serving.Server
	hs   *http.Server
	base string
}

// NewPublisher publishes into root's registry for notebook (its path
// relative to root, for the lineage) whose content is nb.
func NewPublisher(root, notebook string, nb *notebooks.Notebook) (*Publisher, error) {
	content, err := nb.Marshal()
	if err != nil {
		return nil, fmt.Errorf("encode the notebook: %w", err)
	}
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	return &Publisher{root: root, notebook: notebook, content: content, token: hex.EncodeToString(b[:])}, nil
}

// KernelOptions lets a kernel started with opts publish and call its endpoints.
func (p *Publisher) KernelOptions(opts *client.Options) {
	opts.OnPublish = p.publish
	if opts.Env == nil {
		opts.Env = os.Environ()
	}
	opts.Env = append(opts.Env, ml.EndpointTokenEnv+"="+p.token)
}

// SetCell says which cell runs now (for the lineage).
func (p *Publisher) SetCell(id string) {
	p.mu.Lock()
	p.cell = id
	p.mu.Unlock()
}

// start opens the registry and serves it on a loopback port.
func (p *Publisher) startLocked() error {
	if p.srv != nil {
		return nil
	}
	reg, err := registry.Open(filepath.Join(p.root, filepath.FromSlash(serving.RegistrySubdir)))
	if err != nil {
		return err
	}
	store, err := keys.Open(filepath.Join(p.root, ".gopad", "keys.json"))
	if err != nil {
		reg.Close()
		return fmt.Errorf("API keys: %w", err)
	}
	srv, err := serving.NewFromRegistry(reg, serving.Options{Keys: store, Allow: p.allow, Version: kernel.Version()})
	if err != nil {
		reg.Close()
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		srv.Close()
		reg.Close()
		return fmt.Errorf("serve the published models: %w", err)
	}
	p.hs = &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go p.hs.Serve(ln)
	p.reg, p.srv, p.base = reg, srv, "http://"+ln.Addr().String()
	return nil
}

// allow lets the run's own kernel (and whoever it gives its token) through.
func (p *Publisher) allow(r *http.Request) bool {
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	return strings.EqualFold(scheme, "bearer") && strings.TrimSpace(tok) == p.token
}

func (p *Publisher) publish(_ string, req protocol.PublishRequestContent) protocol.PublishReplyContent {
	p.mu.Lock()
	err := p.startLocked()
	cell := p.cell
	if req.CellID != "" {
		cell = req.CellID
	}
	t := publishing.Target{Registry: p.reg, BaseURL: p.base, Authorization: "Bearer " + p.token,
		NotServed: fmt.Sprintf("served by this `gopad run` until it ends; to keep serving the notebook's models: gopad serve-model --model_dir %s", p.root)}
	if p.srv != nil {
		t.Endpoints = p.srv.Handler()
	}
	p.mu.Unlock()
	if err != nil {
		return protocol.PublishReplyContent{Status: protocol.ReplyError, EValue: "open the model registry: " + err.Error()}
	}
	return publishing.Publish(t, req, publishing.Origin{Notebook: p.notebook, Cell: cell, Content: p.content})
}

// Close stops serving (requests in flight finish first) and closes the registry.
func (p *Publisher) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.hs != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = p.hs.Shutdown(ctx)
		cancel()
		p.srv.Close()
		p.reg.Close()
		p.hs, p.srv, p.reg = nil, nil, nil
	}
}
