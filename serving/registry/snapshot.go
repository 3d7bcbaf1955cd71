package registry

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
)

// Snapshot writes a registry into dst (which must not exist) that holds only
// version v of name (v = 0: the default version), keeping its number,
// creation time and lineage, so that serving it answers with the same
// model_version as the registry it came from. Export uses it for the model
// directory of a container image. It returns the version's description.
func (r *Registry) Snapshot(name string, v int, dst string) (VersionInfo, error) {
	src, v, err := r.Path(name, v)
	if err != nil {
		return VersionInfo{}, err
	}
	inf, err := r.Get(name)
	if err != nil {
		return VersionInfo{}, err
	}
	vi, err := inf.Version(v)
	if err != nil {
		return VersionInfo{}, fmt.Errorf("registry: %w", err)
	}
	if _, err := os.Lstat(dst); err == nil {
		return VersionInfo{}, fmt.Errorf("registry: snapshot %q: %s already exists", name, dst)
	}
	vdir := filepath.Join(dst, versionDir(name, v))
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		return VersionInfo{}, fmt.Errorf("registry: snapshot %q: %w", name, err)
	}
	// Copy through the registry's os.Root: a link planted in the version's
	// directory cannot make the snapshot read outside the registry.
	rel, err := filepath.Rel(r.dir, src)
	if err != nil {
		return VersionInfo{}, fmt.Errorf("registry: snapshot %q: %w", name, err)
	}
	entries, err := fs.ReadDir(r.fs().FS(), filepath.ToSlash(rel))
	if err != nil {
		return VersionInfo{}, fmt.Errorf("registry: snapshot %q version %d: %w", name, v, err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		data, err := r.fs().ReadFile(filepath.Join(rel, e.Name()))
		if err != nil {
			return VersionInfo{}, fmt.Errorf("registry: snapshot %q version %d: %w", name, v, err)
		}
		if err := os.WriteFile(filepath.Join(vdir, e.Name()), data, 0o644); err != nil {
			return VersionInfo{}, fmt.Errorf("registry: snapshot %q: %w", name, err)
		}
	}
	idx := index{Name: name, Default: v, Next: v + 1, Versions: []entry{{Version: v, Created: vi.Created, Bytes: vi.Bytes}}}
	data, err := json.MarshalIndent(idx, "", "  ")
	if err != nil {
		return VersionInfo{}, fmt.Errorf("registry: snapshot %q: %w", name, err)
	}
	if err := os.WriteFile(filepath.Join(dst, name, indexFile), append(data, '\n'), 0o644); err != nil {
		return VersionInfo{}, fmt.Errorf("registry: snapshot %q: %w", name, err)
	}
	return vi, nil
}

// VersionDirName is the name of version v's directory inside a model's
// directory ("v3"), for tools that lay out a registry's files.
func VersionDirName(v int) string { return "v" + strconv.Itoa(v) }
