package serving

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"gopad.dev/gopad/serving/registry"
)

// source is where a Server finds its models: a registry, or one saved model
// directory served as version 1 of one name.
type source interface {
	names() ([]string, error)
	info(name string) (registry.Info, error) // errors wrap registry.ErrNotFound for unknown names
	path(name string, v int) (string, error)
}

type registrySource struct{ reg *registry.Registry }

func (s registrySource) names() ([]string, error) {
	list, err := s.reg.List()
	if err != nil {
		return nil, err
	}
	out := make([]string, len(list))
	for i, inf := range list {
		out[i] = inf.Name
	}
	return out, nil
}

func (s registrySource) info(name string) (registry.Info, error) { return s.reg.Get(name) }

func (s registrySource) path(name string, v int) (string, error) {
	dir, _, err := s.reg.Path(name, v)
	return dir, err
}

type dirSource struct {
	name string
	dir  string
}

func (s dirSource) names() ([]string, error) { return []string{s.name}, nil }

func (s dirSource) info(name string) (registry.Info, error) {
	if name != s.name {
		return registry.Info{}, fmt.Errorf("model %q: %w", name, registry.ErrNotFound)
	}
	vi := registry.VersionInfo{Version: 1}
	if info, err := os.Stat(filepath.Join(s.dir, "model.json")); err == nil {
		vi.Created = info.ModTime()
	}
	return registry.Info{Name: s.name, Default: 1, Latest: 1, Versions: []registry.VersionInfo{vi}}, nil
}

func (s dirSource) path(name string, v int) (string, error) {
	if name != s.name || (v != 0 && v != 1) {
		return "", fmt.Errorf("model %q version %d: %w", name, v, registry.ErrNotFound)
	}
	return s.dir, nil
}

// IsModelDir reports whether dir holds a model saved by ml.Save (rather than
// a registry).
func IsModelDir(dir string) bool {
	info, err := os.Stat(filepath.Join(dir, "model.json"))
	return err == nil && info.Mode().IsRegular()
}

var errNoModel = errors.New("no such model")
