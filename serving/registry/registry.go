// Package registry keeps published models on disk: for each name its versions
// 1, 2, ..., an alias marking the version served by default (the latest unless
// pinned), and each version's lineage. It is the store that the notebook
// publishes to and that serving and `gopad serve-model` read.
//
// Layout under the registry's directory (.gopad/models in a notebook root):
//
//	NAME/index.json            versions, default version, pinned or not
//	NAME/vN/model.json         the ml.Save artifact of version N
//	NAME/vN/model.safetensors
//	NAME/vN/lineage.json       where version N came from
//
// Every change is atomic: a version is written in full into a hidden
// directory and renamed into place, and index.json is replaced through
// internal/atomicfile, so a crash leaves either the old registry or the new
// one. Publishers in several goroutines or processes are serialised by an
// advisory lock on .lock for the moment they take a version number; the
// slow part (writing the weights) runs outside it. All paths go through an
// os.Root, so a symbolic link planted in the registry cannot lead outside it.
package registry

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"gopad.dev/gopad/internal/atomicfile"
	"gopad.dev/gopad/ml"
)

// ErrNotFound is wrapped by errors about an unknown model or version.
var ErrNotFound = errors.New("not found")

// ErrInvalid is wrapped by errors about a bad name or argument.
var ErrInvalid = errors.New("invalid")

const (
	indexFile   = "index.json"
	lineageFile = "lineage.json"
	lockFile    = ".lock"
	stagingPref = ".staging-"
	// staleStaging is how old a staging directory must be before Open removes
	// it: younger ones may belong to a publisher in another process.
	staleStaging = time.Hour
)

// nameRule is what a model name may be: it becomes a directory and a URL path
// element, so letters, digits, '.', '_' and '-', starting with a letter or
// digit (KServe's and Triton's model names fit).
var nameRule = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// CheckName reports whether name can name a model, with an error that says why not.
func CheckName(name string) error {
	if !nameRule.MatchString(name) {
		return fmt.Errorf("%w model name %q: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit", ErrInvalid, name)
	}
	return nil
}

// Registry is a model registry rooted at one directory. Its methods are safe
// for concurrent use, and several Registry values (in several processes) may
// share a directory.
type Registry struct {
	dir    string
	root   atomic.Pointer[os.Root] // nil until the directory exists (see open)
	openMu sync.Mutex

	mu       sync.Mutex // guards watchers
	watchers []func(name string)
}

// Open opens the registry in dir and removes staging directories that a
// crashed publisher left more than an hour ago. A missing dir is an empty
// registry: the first publish creates it, so that a notebook root gets no
// registry directory (and a read-only root still serves) until a model is
// published.
func Open(dir string) (*Registry, error) {
	if dir == "" {
		return nil, fmt.Errorf("registry: %w directory: empty path", ErrInvalid)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	r := &Registry{dir: abs}
	switch err := r.open(false); {
	case err == nil:
		r.removeStaleStaging()
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("registry: %w", err)
	}
	return r, nil
}

// open opens the registry's directory if that has not happened yet, creating
// it when create is set; without it, a missing directory is fs.ErrNotExist.
func (r *Registry) open(create bool) error {
	if r.root.Load() != nil {
		return nil
	}
	r.openMu.Lock()
	defer r.openMu.Unlock()
	if r.root.Load() != nil {
		return nil
	}
	if create {
		if err := os.MkdirAll(r.dir, 0o755); err != nil {
			return err
		}
	} else if info, err := os.Stat(r.dir); err != nil {
		return err
	} else if !info.IsDir() {
		return fmt.Errorf("%s is not a directory", r.dir)
	}
	root, err := os.OpenRoot(r.dir)
	if err != nil {
		return err
	}
	r.root.Store(root)
	return nil
}

// fs returns the directory's handle; callers have made sure it is open.
func (r *Registry) fs() *os.Root { return r.root.Load() }

// Dir returns the registry's directory.
func (r *Registry) Dir() string { return r.dir }

// Close releases the registry's directory handle.
func (r *Registry) Close() error {
	if root := r.fs(); root != nil {
		return root.Close()
	}
	return nil
}

// Watch registers f to be called with a model's name after every change this
// Registry value makes to it (publish, pin, unpin, delete). Changes made by
// other processes are seen by polling Stamp.
func (r *Registry) Watch(f func(name string)) {
	r.mu.Lock()
	r.watchers = append(r.watchers, f)
	r.mu.Unlock()
}

func (r *Registry) notify(name string) {
	r.mu.Lock()
	ws := slices.Clone(r.watchers)
	r.mu.Unlock()
	for _, f := range ws {
		f(name)
	}
}

// Info describes a registered model.
type Info struct {
	Name string `json:"name"`
	// Default is the version served when a request names none.
	Default int `json:"default"`
	// Pinned is true when Default was chosen by Pin (a rollback) rather than
	// following the latest version.
	Pinned bool `json:"pinned"`
	Latest int  `json:"latest"`
	// Canary, when set, sends a share of the requests that name no version
	// to another version than Default.
	Canary   *Canary       `json:"canary,omitempty"`
	Versions []VersionInfo `json:"versions"`
}

// Canary routes Percent of the requests that name no version to Version
// instead of the default: a new version tried on live traffic before it
// becomes the default (KServe's canaryTrafficPercent). The split is exact
// over every hundred requests, not random.
type Canary struct {
	Version int `json:"version"`
	Percent int `json:"percent"` // 1 to 99
}

// VersionInfo describes one version.
type VersionInfo struct {
	Version int       `json:"version"`
	Created time.Time `json:"created"`
	// Bytes is the size of the version's artifact files.
	Bytes   int64   `json:"bytes"`
	Lineage Lineage `json:"lineage"`
}

// Version returns version v of the model, or an error wrapping ErrNotFound.
func (inf Info) Version(v int) (VersionInfo, error) {
	for _, vi := range inf.Versions {
		if vi.Version == v {
			return vi, nil
		}
	}
	return VersionInfo{}, fmt.Errorf("model %q has no version %d (versions: %s): %w", inf.Name, v, inf.versionList(), ErrNotFound)
}

func (inf Info) versionList() string {
	var s []string
	for _, vi := range inf.Versions {
		s = append(s, strconv.Itoa(vi.Version))
	}
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// index is NAME/index.json.
type index struct {
	Name     string  `json:"name"`
	Default  int     `json:"default"`
	Pinned   bool    `json:"pinned"`
	Canary   *Canary `json:"canary,omitempty"`
	Next     int     `json:"next"` // the number the next version gets; never reused
	Versions []entry `json:"versions"`
}

type entry struct {
	Version int       `json:"version"`
	Created time.Time `json:"created"`
	Bytes   int64     `json:"bytes"`
}

func versionDir(name string, v int) string { return filepath.Join(name, "v"+strconv.Itoa(v)) }

// Publish saves model as a new version of name and returns it. Unless the
// model's default version is pinned, the new version becomes the default. The
// model is saved as it is now (ml.Save); lin.Time is set to now when zero.
func (r *Registry) Publish(name string, model *ml.Model, lin Lineage) (VersionInfo, error) {
	if model == nil {
		return VersionInfo{}, fmt.Errorf("registry: publish %q: %w model: nil", name, ErrInvalid)
	}
	return r.publish(name, lin, func(dir string) error { return model.Save(dir) })
}

// PublishDir publishes the artifact that ml.Save wrote to dir (copied, so dir
// may be removed afterwards). It is checked with ml.Load first: a registry
// never holds a version that cannot be served.
func (r *Registry) PublishDir(name, dir string, lin Lineage) (VersionInfo, error) {
	if _, err := ml.Load(dir); err != nil {
		return VersionInfo{}, fmt.Errorf("registry: publish %q from %s: %w", name, dir, err)
	}
	return r.publish(name, lin, func(staging string) error {
		for _, f := range []string{"model.json", "model.safetensors"} {
			data, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(staging, f), data, 0o644); err != nil {
				return err
			}
		}
		return nil
	})
}

func (r *Registry) publish(name string, lin Lineage, write func(dir string) error) (vi VersionInfo, err error) {
	if err := CheckName(name); err != nil {
		return VersionInfo{}, fmt.Errorf("registry: publish: %w", err)
	}
	if lin.Time.IsZero() {
		lin.Time = time.Now().UTC()
	}
	linJSON, err := json.MarshalIndent(lin, "", "  ")
	if err != nil {
		return VersionInfo{}, fmt.Errorf("registry: publish %q: encode lineage: %w", name, err)
	}
	if err := r.open(true); err != nil {
		return VersionInfo{}, fmt.Errorf("registry: publish %q: %w", name, err)
	}
	if err := r.fs().MkdirAll(name, 0o755); err != nil {
		return VersionInfo{}, fmt.Errorf("registry: publish %q: %w", name, err)
	}
	if info, err := r.fs().Lstat(name); err != nil || !info.IsDir() {
		return VersionInfo{}, fmt.Errorf("registry: publish %q: %s is not a directory", name, filepath.Join(r.dir, name))
	}
	// Write the version in full where no reader looks, outside the lock.
	staging := filepath.Join(name, stagingPref+randomHex())
	if err := r.fs().Mkdir(staging, 0o755); err != nil {
		return VersionInfo{}, fmt.Errorf("registry: publish %q: %w", name, err)
	}
	defer func() {
		if err != nil {
			r.fs().RemoveAll(staging)
		}
	}()
	if err := write(filepath.Join(r.dir, staging)); err != nil {
		return VersionInfo{}, fmt.Errorf("registry: publish %q: %w", name, err)
	}
	sroot, err := r.fs().OpenRoot(staging)
	if err != nil {
		return VersionInfo{}, fmt.Errorf("registry: publish %q: %w", name, err)
	}
	err = atomicfile.WriteFile(sroot, lineageFile, append(linJSON, '\n'), 0o644)
	sroot.Close()
	if err != nil {
		return VersionInfo{}, fmt.Errorf("registry: publish %q: %w", name, err)
	}
	size, err := r.dirBytes(staging)
	if err != nil {
		return VersionInfo{}, fmt.Errorf("registry: publish %q: %w", name, err)
	}

	unlock, err := r.lock()
	if err != nil {
		return VersionInfo{}, fmt.Errorf("registry: publish %q: %w", name, err)
	}
	defer unlock()
	idx, err := r.readIndex(name)
	if errors.Is(err, ErrNotFound) {
		idx, err = &index{Name: name, Next: 1}, nil
	}
	if err != nil {
		return VersionInfo{}, fmt.Errorf("registry: publish %q: %w", name, err)
	}
	v := idx.Next
	// A version directory left by a publisher that crashed between the rename
	// and the index write is not in the index: step over it.
	for {
		if _, err := r.fs().Lstat(versionDir(name, v)); errors.Is(err, fs.ErrNotExist) {
			break
		}
		v++
	}
	if err := r.fs().Rename(staging, versionDir(name, v)); err != nil {
		return VersionInfo{}, fmt.Errorf("registry: publish %q: %w", name, err)
	}
	e := entry{Version: v, Created: lin.Time, Bytes: size}
	idx.Versions = append(idx.Versions, e)
	idx.Next = v + 1
	before := idx.Default
	if !idx.Pinned {
		idx.Default = v
	}
	idx.endCanaryIfMoot(before)
	if err := r.writeIndex(idx); err != nil {
		r.fs().RemoveAll(versionDir(name, v))
		return VersionInfo{}, fmt.Errorf("registry: publish %q: %w", name, err)
	}
	unlock()
	r.notify(name)
	return VersionInfo{Version: v, Created: e.Created, Bytes: size, Lineage: lin}, nil
}

// Get returns the model's versions, default and lineage.
func (r *Registry) Get(name string) (Info, error) {
	if err := CheckName(name); err != nil {
		return Info{}, fmt.Errorf("registry: %w", err)
	}
	idx, err := r.readIndex(name)
	if err != nil {
		return Info{}, fmt.Errorf("registry: %w", err)
	}
	inf := Info{Name: idx.Name, Default: idx.Default, Pinned: idx.Pinned, Canary: idx.Canary}
	for _, e := range idx.Versions {
		vi := VersionInfo{Version: e.Version, Created: e.Created, Bytes: e.Bytes}
		data, err := r.fs().ReadFile(filepath.Join(versionDir(name, e.Version), lineageFile))
		if err != nil {
			return Info{}, fmt.Errorf("registry: model %q version %d: %w", name, e.Version, err)
		}
		if err := json.Unmarshal(data, &vi.Lineage); err != nil {
			return Info{}, fmt.Errorf("registry: model %q version %d: %s is corrupt: %w", name, e.Version, lineageFile, err)
		}
		inf.Versions = append(inf.Versions, vi)
		inf.Latest = max(inf.Latest, e.Version)
	}
	return inf, nil
}

// List returns every registered model, sorted by name.
func (r *Registry) List() ([]Info, error) {
	if err := r.open(false); errors.Is(err, fs.ErrNotExist) {
		return nil, nil // nothing published yet
	} else if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	entries, err := fs.ReadDir(r.fs().FS(), ".")
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	var out []Info
	for _, de := range entries {
		if !de.IsDir() || CheckName(de.Name()) != nil {
			continue
		}
		inf, err := r.Get(de.Name())
		if errors.Is(err, ErrNotFound) {
			continue // a directory without index.json: a first publish in progress
		}
		if err != nil {
			return nil, err
		}
		out = append(out, inf)
	}
	return out, nil
}

// Path returns the directory of version v of name (v = 0: the default
// version), for ml.Load, and the version number.
func (r *Registry) Path(name string, v int) (string, int, error) {
	if err := CheckName(name); err != nil {
		return "", 0, fmt.Errorf("registry: %w", err)
	}
	idx, err := r.readIndex(name)
	if err != nil {
		return "", 0, fmt.Errorf("registry: %w", err)
	}
	if v == 0 {
		v = idx.Default
	}
	if !idx.has(v) {
		return "", 0, fmt.Errorf("registry: model %q has no version %d: %w", name, v, ErrNotFound)
	}
	rel := versionDir(name, v)
	info, err := r.fs().Lstat(rel)
	if err != nil {
		return "", 0, fmt.Errorf("registry: model %q version %d: %w", name, v, err)
	}
	if !info.IsDir() {
		return "", 0, fmt.Errorf("registry: model %q version %d: %s is not a directory", name, v, rel)
	}
	return filepath.Join(r.dir, rel), v, nil
}

// Load loads version v of name (v = 0: the default version).
func (r *Registry) Load(name string, v int) (*ml.Model, int, error) {
	dir, v, err := r.Path(name, v)
	if err != nil {
		return nil, 0, err
	}
	m, err := ml.Load(dir)
	if err != nil {
		return nil, 0, fmt.Errorf("registry: model %q version %d: %w", name, v, err)
	}
	return m, v, nil
}

// Pin makes version v the default of name until Unpin or another Pin: a
// rollback (or roll forward). Publishing keeps a pinned default.
func (r *Registry) Pin(name string, v int) error {
	return r.update(name, func(idx *index) error {
		if !idx.has(v) {
			return fmt.Errorf("model %q has no version %d: %w", name, v, ErrNotFound)
		}
		idx.Default, idx.Pinned = v, true
		return nil
	})
}

// SetCanary sends percent (1 to 99) of the requests to name that give no
// version to version v, and the rest to the default. A canary is a trial
// against one default: it ends with ClearCanary, when the default changes
// (Pin of another version, promoting the canary included; Unpin or a
// publish that moves the default to the latest) or when v is deleted. v
// must not be the default.
func (r *Registry) SetCanary(name string, v, percent int) error {
	return r.update(name, func(idx *index) error {
		if !idx.has(v) {
			return fmt.Errorf("model %q has no version %d: %w", name, v, ErrNotFound)
		}
		if v == idx.Default {
			return fmt.Errorf("%w: version %d of %q is the default already: a canary is another version", ErrInvalid, v, name)
		}
		if percent < 1 || percent > 99 {
			return fmt.Errorf("%w: a canary takes 1 to 99 percent of the requests, not %d (to send them all, make version %d the default)", ErrInvalid, percent, v)
		}
		idx.Canary = &Canary{Version: v, Percent: percent}
		return nil
	})
}

// ClearCanary sends every request that gives no version to the default
// again. Clearing a model without a canary does nothing.
func (r *Registry) ClearCanary(name string) error {
	return r.update(name, func(idx *index) error {
		idx.Canary = nil
		return nil
	})
}

// endCanaryIfMoot ends the canary when the default is no longer before,
// the version it was tried against, or the canary's version is gone.
func (idx *index) endCanaryIfMoot(before int) {
	if c := idx.Canary; c != nil && (idx.Default != before || !idx.has(c.Version)) {
		idx.Canary = nil
	}
}

// Unpin makes the default follow the latest version again.
func (r *Registry) Unpin(name string) error {
	return r.update(name, func(idx *index) error {
		idx.Pinned = false
		idx.Default = idx.latest()
		return nil
	})
}

// DeleteVersion removes version v of name. The pinned default cannot be
// removed (pin another version or unpin first); an unpinned default moves to
// the latest remaining version. Removing the last version removes the model.
func (r *Registry) DeleteVersion(name string, v int) error {
	removeModel := false
	err := r.update(name, func(idx *index) error {
		if !idx.has(v) {
			return fmt.Errorf("model %q has no version %d: %w", name, v, ErrNotFound)
		}
		if idx.Pinned && idx.Default == v {
			return fmt.Errorf("%w: version %d of %q is the pinned default; pin another version or unpin first", ErrInvalid, v, name)
		}
		idx.Versions = slices.DeleteFunc(idx.Versions, func(e entry) bool { return e.Version == v })
		if len(idx.Versions) == 0 {
			removeModel = true
			return nil
		}
		if !idx.Pinned {
			idx.Default = idx.latest()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if removeModel {
		return r.Delete(name)
	}
	// The index no longer names it; the files go after.
	if err := r.fs().RemoveAll(versionDir(name, v)); err != nil {
		return fmt.Errorf("registry: delete %q version %d: %w", name, v, err)
	}
	return nil
}

// Delete removes the model and all its versions.
func (r *Registry) Delete(name string) error {
	if err := CheckName(name); err != nil {
		return fmt.Errorf("registry: %w", err)
	}
	unlock, err := r.lock()
	if err != nil {
		return fmt.Errorf("registry: delete %q: %w", name, err)
	}
	defer unlock()
	if _, err := r.readIndex(name); err != nil {
		return fmt.Errorf("registry: delete: %w", err)
	}
	// Remove the index first (atomically, by renaming the directory away), so
	// that no reader sees a model with missing versions.
	trash := stagingPref + "deleted-" + randomHex()
	if err := r.fs().Rename(name, trash); err != nil {
		return fmt.Errorf("registry: delete %q: %w", name, err)
	}
	unlock()
	if err := r.fs().RemoveAll(trash); err != nil {
		return fmt.Errorf("registry: delete %q: %w", name, err)
	}
	r.notify(name)
	return nil
}

// Stamp returns a value that changes whenever a model of the registry is
// published, pinned, unpinned or deleted, by this process or another: the
// modification times and sizes of the index files. serve-model polls it.
func (r *Registry) Stamp() string {
	if err := r.open(false); errors.Is(err, fs.ErrNotExist) {
		return "" // nothing published yet
	} else if err != nil {
		return "error: " + err.Error()
	}
	entries, err := fs.ReadDir(r.fs().FS(), ".")
	if err != nil {
		return "error: " + err.Error()
	}
	var b strings.Builder
	for _, de := range entries {
		if !de.IsDir() || CheckName(de.Name()) != nil {
			continue
		}
		info, err := r.fs().Stat(filepath.Join(de.Name(), indexFile))
		if err != nil {
			continue
		}
		fmt.Fprintf(&b, "%s:%d:%d;", de.Name(), info.ModTime().UnixNano(), info.Size())
	}
	return b.String()
}

func (idx *index) has(v int) bool {
	return slices.ContainsFunc(idx.Versions, func(e entry) bool { return e.Version == v })
}

func (idx *index) latest() int {
	l := 0
	for _, e := range idx.Versions {
		l = max(l, e.Version)
	}
	return l
}

func (r *Registry) update(name string, change func(*index) error) error {
	if err := CheckName(name); err != nil {
		return fmt.Errorf("registry: %w", err)
	}
	unlock, err := r.lock()
	if err != nil {
		return fmt.Errorf("registry: %q: %w", name, err)
	}
	defer unlock()
	idx, err := r.readIndex(name)
	if err != nil {
		return fmt.Errorf("registry: %w", err)
	}
	before := idx.Default
	if err := change(idx); err != nil {
		return fmt.Errorf("registry: %w", err)
	}
	idx.endCanaryIfMoot(before)
	if len(idx.Versions) > 0 {
		if err := r.writeIndex(idx); err != nil {
			return fmt.Errorf("registry: %q: %w", name, err)
		}
	}
	unlock()
	r.notify(name)
	return nil
}

func (r *Registry) readIndex(name string) (*index, error) {
	if err := r.open(false); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("model %q: nothing is published yet: %w", name, ErrNotFound)
	} else if err != nil {
		return nil, fmt.Errorf("model %q: %w", name, err)
	}
	data, err := r.fs().ReadFile(filepath.Join(name, indexFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("model %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("model %q: %w", name, err)
	}
	var idx index
	if err := json.Unmarshal(data, &idx); err != nil {
		return nil, fmt.Errorf("model %q: %s is corrupt: %w", name, indexFile, err)
	}
	if idx.Name != name || (len(idx.Versions) > 0 && !idx.has(idx.Default)) {
		return nil, fmt.Errorf("model %q: %s is inconsistent (name %q, default %d)", name, indexFile, idx.Name, idx.Default)
	}
	if c := idx.Canary; c != nil && (!idx.has(c.Version) || c.Version == idx.Default || c.Percent < 1 || c.Percent > 99) {
		return nil, fmt.Errorf("model %q: %s is inconsistent (canary version %d at %d%%, default %d)", name, indexFile, c.Version, c.Percent, idx.Default)
	}
	return &idx, nil
}

func (r *Registry) writeIndex(idx *index) error {
	data, err := json.MarshalIndent(idx, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(r.fs(), filepath.Join(idx.Name, indexFile), append(data, '\n'), 0o644)
}

// lock takes the registry's advisory lock (flock on .lock), which excludes
// other goroutines and other processes alike: each call opens its own file
// description. The returned function releases it and may be called twice.
func (r *Registry) lock() (func(), error) {
	if err := r.open(false); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("nothing is published yet: %w", ErrNotFound)
	} else if err != nil {
		return nil, err
	}
	f, err := r.fs().OpenFile(lockFile, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock: %w", err)
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", filepath.Join(r.dir, lockFile), err)
	}
	var once sync.Once
	return func() {
		once.Do(func() { f.Close() }) // closing the description releases the lock
	}, nil
}

func (r *Registry) dirBytes(rel string) (int64, error) {
	var total int64
	entries, err := fs.ReadDir(r.fs().FS(), rel)
	if err != nil {
		return 0, err
	}
	for _, de := range entries {
		info, err := de.Info()
		if err != nil {
			return 0, err
		}
		if info.Mode().IsRegular() {
			total += info.Size()
		}
	}
	return total, nil
}

func (r *Registry) removeStaleStaging() {
	remove := func(dir string) {
		entries, err := fs.ReadDir(r.fs().FS(), dir)
		if err != nil {
			return
		}
		for _, de := range entries {
			if !strings.HasPrefix(de.Name(), stagingPref) {
				continue
			}
			if info, err := de.Info(); err == nil && time.Since(info.ModTime()) > staleStaging {
				r.fs().RemoveAll(filepath.Join(dir, de.Name()))
			}
		}
	}
	remove(".")
	entries, _ := fs.ReadDir(r.fs().FS(), ".")
	for _, de := range entries {
		if de.IsDir() && CheckName(de.Name()) == nil {
			remove(de.Name())
		}
	}
}

func randomHex() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
