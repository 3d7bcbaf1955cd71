package serving

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"gopad.dev/gopad/serving/keys"
	"gopad.dev/gopad/serving/registry"
)

// StandaloneConfig configures `gopad serve-model`.
type StandaloneConfig struct {
	// ModelDir is a directory written by ml.Save, a registry directory, or a
	// notebook root holding one in .gopad/models.
	ModelDir string
	// ModelName names the model of a saved directory (default: the
	// directory's name), or picks one model of a registry (default: all).
	ModelName string
	// Addr is the address to listen on, e.g. ":8080".
	Addr string
	// KeysFile, when set, protects the models with its API keys.
	KeysFile string
	// Poll is how often the registry and keys file are checked for changes
	// made by other processes (default 2 s).
	Poll time.Duration
	// Drain bounds the wait for requests in flight at shutdown (default 30 s).
	Drain time.Duration
	// ReleaseStartupMemory, once the models are loaded, gives back the
	// memory only start-up used (see releaseStartupMemory). For a process
	// that only serves: the notebook server's pages stay.
	ReleaseStartupMemory bool
	// DropFileCache, with ReleaseStartupMemory, also drops the executable's
	// page cache not mapped by any process, so that pages come back one at
	// a time instead of in large folios: a smaller resident set, a slower
	// next start of the same binary.
	DropFileCache bool
	Options       Options
}

// RegistrySubdir is where a notebook root keeps its registry.
const RegistrySubdir = ".gopad/models"

// ListenAndServe serves cfg's models until ctx ends (SIGTERM), then stops
// taking connections, lets the requests in flight finish and returns.
// It prints what it serves, where, and whether keys are required.
func ListenAndServe(ctx context.Context, cfg StandaloneConfig, out io.Writer) error {
	if cfg.Poll <= 0 {
		cfg.Poll = 2 * time.Second
	}
	if cfg.Drain <= 0 {
		cfg.Drain = 30 * time.Second
	}
	if cfg.KeysFile != "" {
		if _, err := os.Stat(cfg.KeysFile); err != nil {
			return fmt.Errorf("keys file: %w (create keys with: gopad serve-model keys create --keys_file %s --models NAME)", err, cfg.KeysFile)
		}
		store, err := keys.Open(cfg.KeysFile)
		if err != nil {
			return err
		}
		cfg.Options.Keys = store
	}
	s, reg, what, err := openStandalone(cfg)
	if err != nil {
		return err
	}
	if reg != nil {
		defer reg.Close()
	}
	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		s.Close()
		return err
	}
	ln := &closeOnce{Listener: l}
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	if cfg.ReleaseStartupMemory {
		// Beside serving, not before: readiness does not wait for it.
		go func() {
			if _, err := releaseStartupMemory(cfg.DropFileCache); err != nil {
				fmt.Fprintf(out, "gopad serve-model: %v (serving anyway)\n", err)
			}
		}()
	}

	fmt.Fprintf(out, "gopad serve-model: serving %s on http://%s (POST /v2/models/NAME/infer)\n", what, ln.Addr())
	if cfg.Options.Keys != nil {
		fmt.Fprintf(out, "gopad serve-model: API keys required (keys file %s, %d keys; public models: %s)\n",
			cfg.Options.Keys.Path(), len(cfg.Options.Keys.List()), listOrNone(cfg.Options.Keys.PublicModels()))
	} else {
		fmt.Fprintf(out, "gopad serve-model: no API keys: every request is served (give --keys_file to require keys; in a cluster the mesh controls access)\n")
	}

	tick := time.NewTicker(cfg.Poll)
	defer tick.Stop()
	stamp := ""
	if reg != nil {
		stamp = reg.Stamp()
	}
	for {
		select {
		case err := <-served:
			s.Close()
			return err
		case <-tick.C:
			if reg != nil {
				if now := reg.Stamp(); now != stamp {
					stamp = now
					if err := s.Refresh(); err != nil {
						fmt.Fprintf(out, "gopad serve-model: %v\n", err)
					}
				}
			}
			if cfg.Options.Keys != nil {
				if err := cfg.Options.Keys.Refresh(); err != nil {
					fmt.Fprintf(out, "gopad serve-model: %v (keeping the keys read before)\n", err)
				}
			}
			continue
		case <-ctx.Done():
		}
		break
	}
	// Kubernetes sends SIGTERM and stops routing to the pod: the ready probe
	// fails at once, connections close once their request is answered.
	s.Drain()
	// Refuse new connections before saying so; Shutdown below closes the
	// listener too, but only once it has begun, after the message.
	ln.Close()
	fmt.Fprintf(out, "gopad serve-model: draining requests in flight\n")
	shutCtx, cancel := context.WithTimeout(context.Background(), cfg.Drain)
	defer cancel()
	err = hs.Shutdown(shutCtx)
	s.Close()
	if err != nil {
		return fmt.Errorf("drain: %w", err)
	}
	fmt.Fprintf(out, "gopad serve-model: stopped\n")
	return nil
}

// closeOnce is a listener that can be closed twice: by the drain and by
// http.Server.Shutdown, which would report the second close as an error.
type closeOnce struct {
	net.Listener
	once sync.Once
	err  error
}

func (c *closeOnce) Close() error {
	c.once.Do(func() { c.err = c.Listener.Close() })
	return c.err
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// openStandalone finds what ModelDir holds and serves it.
func openStandalone(cfg StandaloneConfig) (*Server, *registry.Registry, string, error) {
	dir := cfg.ModelDir
	info, err := os.Stat(dir)
	if err != nil {
		return nil, nil, "", fmt.Errorf("model directory: %w", err)
	}
	if !info.IsDir() {
		return nil, nil, "", fmt.Errorf("model directory %s is a file; give the directory ml.Save wrote, or a registry", dir)
	}
	if IsModelDir(dir) {
		name := cfg.ModelName
		if name == "" {
			abs, _ := filepath.Abs(dir)
			name = filepath.Base(abs)
			if registry.CheckName(name) != nil {
				name = "model"
			}
		}
		s, err := NewFromDir(dir, name, cfg.Options)
		if err != nil {
			return nil, nil, "", err
		}
		return s, nil, fmt.Sprintf("model %q from %s", name, dir), nil
	}
	regDir := dir
	if sub := filepath.Join(dir, RegistrySubdir); isDir(sub) {
		regDir = sub
	}
	if !looksLikeRegistry(regDir) {
		return nil, nil, "", fmt.Errorf("%s holds no model: give a directory written by ml.Save (with model.json), a registry, or a notebook root with %s", dir, RegistrySubdir)
	}
	reg, err := registry.Open(regDir)
	if err != nil {
		return nil, nil, "", err
	}
	var src source = registrySource{reg}
	if cfg.ModelName != "" {
		if _, err := reg.Get(cfg.ModelName); err != nil {
			reg.Close()
			return nil, nil, "", err
		}
		src = onlySource{src, cfg.ModelName}
	}
	s := newServer(src, cfg.Options)
	s.reg = reg
	if err := s.Refresh(); err != nil {
		reg.Close()
		return nil, nil, "", err
	}
	var parts []string
	for name, m := range s.modelsMap() {
		if ep := m.def.Load(); ep != nil {
			parts = append(parts, fmt.Sprintf("%s v%d", name, ep.version))
		} else {
			parts = append(parts, fmt.Sprintf("%s (not loaded: %v)", name, s.loadError(name)))
		}
	}
	return s, reg, fmt.Sprintf("registry %s: %s", regDir, listOrNone(parts)), nil
}

func isDir(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.IsDir()
}

// looksLikeRegistry reports whether dir has a model's index.json one level down.
func looksLikeRegistry(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(dir, e.Name(), "index.json")); err == nil {
			return true
		} else if !errors.Is(err, fs.ErrNotExist) {
			continue
		}
	}
	return false
}

// onlySource restricts a source to one model.
type onlySource struct {
	source
	name string
}

func (s onlySource) names() ([]string, error) { return []string{s.name}, nil }

func (s onlySource) info(name string) (registry.Info, error) {
	if name != s.name {
		return registry.Info{}, fmt.Errorf("model %q: %w", name, registry.ErrNotFound)
	}
	return s.source.info(name)
}
