// Package keys keeps the API keys that protect model endpoints: bearer
// tokens separate from the notebook's own token, stored hashed, compared in
// constant time, each scoped to the models it may call. A model is callable
// without a key only when it is explicitly made public.
//
// A token reads "gpk_ID_SECRET": ID (8 hex digits) finds the key without
// scanning, SECRET (43 base64url characters, 256 random bits) is checked
// against its SHA-256, which is all the keys file keeps. With that much
// entropy a plain hash is as strong as a slow password hash, and costs well
// under a microsecond per request.
//
// The keys file (JSON, mode 0600) is written atomically; a Store reads it
// again when Refresh finds it changed, so keys created or revoked by another
// process (the notebook server, `gopad serve-model keys`) take effect.
package keys

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gopad.dev/gopad/internal/atomicfile"
)

// Errors of Check. ErrMissing and ErrInvalid mean HTTP 401, ErrForbidden 403.
var (
	ErrMissing   = errors.New("this endpoint needs an API key: send the header \"Authorization: Bearer <key>\"")
	ErrInvalid   = errors.New("the API key is not valid (unknown, revoked or mistyped)")
	ErrForbidden = errors.New("the API key is not allowed to call this model")
	ErrNotFound  = errors.New("no such key")
)

// AllModels in a key's Models lets it call every model.
const AllModels = "*"

const tokenPrefix = "gpk_"

// Key is one API key as stored and listed (the secret is never kept).
type Key struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Hash    string    `json:"sha256"`
	Models  []string  `json:"models"`
	Created time.Time `json:"created"`
}

// Allows reports whether the key may call model.
func (k Key) Allows(model string) bool {
	return slices.Contains(k.Models, AllModels) || slices.Contains(k.Models, model)
}

type fileData struct {
	Keys   []Key    `json:"keys"`
	Public []string `json:"public_models"`
}

type snapshot struct {
	data  fileData
	byID  map[string]*Key
	stamp string
}

// Store is a keys file. It is safe for concurrent use; Check reads an
// immutable snapshot and takes no lock.
type Store struct {
	path string
	mu   sync.Mutex // serialises changes
	cur  atomic.Pointer[snapshot]
}

// Open reads the keys file at path; a missing file is an empty store (the
// file is created by the first change).
func Open(path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("keys: empty file name")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	s := &Store{path: abs}
	snap, err := s.read()
	if err != nil {
		return nil, err
	}
	s.cur.Store(snap)
	return s, nil
}

// Path returns the keys file's path.
func (s *Store) Path() string { return s.path }

func (s *Store) read() (*snapshot, error) {
	snap := &snapshot{byID: map[string]*Key{}}
	info, err := os.Stat(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return snap, nil
	}
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	raw, err := os.ReadFile(s.path)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	if err := json.Unmarshal(raw, &snap.data); err != nil {
		return nil, fmt.Errorf("keys: %s is not a keys file: %w", s.path, err)
	}
	for i := range snap.data.Keys {
		k := &snap.data.Keys[i]
		if len(k.ID) != 8 || len(k.Hash) != 64 {
			return nil, fmt.Errorf("keys: %s: key %d (%q) has a malformed id or hash", s.path, i, k.Name)
		}
		snap.byID[k.ID] = k
	}
	snap.stamp = fmt.Sprintf("%d:%d", info.ModTime().UnixNano(), info.Size())
	return snap, nil
}

// Refresh reads the file again if it changed since it was last read.
func (s *Store) Refresh() error {
	info, err := os.Stat(s.path)
	stamp := ""
	if err == nil {
		stamp = fmt.Sprintf("%d:%d", info.ModTime().UnixNano(), info.Size())
	}
	if stamp == s.cur.Load().stamp {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	snap, err := s.read()
	if err != nil {
		return err
	}
	s.cur.Store(snap)
	return nil
}

// Check says whether the bearer token may call model: nil, or ErrMissing,
// ErrInvalid, ErrForbidden. A public model needs no token.
func (s *Store) Check(token, model string) error {
	snap := s.cur.Load()
	if token == "" {
		if slices.Contains(snap.data.Public, model) {
			return nil
		}
		return ErrMissing
	}
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	if !ok || len(rest) < 10 || rest[8] != '_' {
		return ErrInvalid
	}
	k := snap.byID[rest[:8]]
	if k == nil {
		return ErrInvalid
	}
	sum := sha256.Sum256([]byte(rest[9:]))
	var want [32]byte
	if _, err := hex.Decode(want[:], []byte(k.Hash)); err != nil {
		return ErrInvalid
	}
	if subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
		return ErrInvalid
	}
	if !k.Allows(model) {
		return ErrForbidden
	}
	return nil
}

// Create makes a key named name for models (AllModels for every model) and
// returns its token, which is shown this once and never stored.
func (s *Store) Create(name string, models []string) (token string, key Key, err error) {
	if len(models) == 0 {
		return "", Key{}, errors.New("keys: a key needs the models it may call (or \"*\" for all)")
	}
	for _, m := range models {
		if m == "" {
			return "", Key{}, errors.New("keys: empty model name")
		}
	}
	var id [4]byte
	var secret [32]byte
	if _, err := io.ReadFull(rand.Reader, secret[:]); err != nil {
		return "", Key{}, fmt.Errorf("keys: %w", err)
	}
	secretText := base64.RawURLEncoding.EncodeToString(secret[:])
	sum := sha256.Sum256([]byte(secretText))
	err = s.change(func(d *fileData) error {
		for {
			if _, err := io.ReadFull(rand.Reader, id[:]); err != nil {
				return err
			}
			if !slices.ContainsFunc(d.Keys, func(k Key) bool { return k.ID == hex.EncodeToString(id[:]) }) {
				break
			}
		}
		key = Key{ID: hex.EncodeToString(id[:]), Name: name, Hash: hex.EncodeToString(sum[:]),
			Models: slices.Clone(models), Created: time.Now().UTC().Truncate(time.Second)}
		d.Keys = append(d.Keys, key)
		return nil
	})
	if err != nil {
		return "", Key{}, err
	}
	return tokenPrefix + key.ID + "_" + secretText, key, nil
}

// List returns the keys (without secrets), oldest first.
func (s *Store) List() []Key { return slices.Clone(s.cur.Load().data.Keys) }

// Revoke removes the key with the given id; its token stops working at once
// in this process, and at the next Refresh in others.
func (s *Store) Revoke(id string) error {
	return s.change(func(d *fileData) error {
		n := len(d.Keys)
		d.Keys = slices.DeleteFunc(d.Keys, func(k Key) bool { return k.ID == id })
		if len(d.Keys) == n {
			return fmt.Errorf("keys: %q: %w", id, ErrNotFound)
		}
		return nil
	})
}

// SetPublic makes model callable without a key, or not.
func (s *Store) SetPublic(model string, public bool) error {
	return s.change(func(d *fileData) error {
		d.Public = slices.DeleteFunc(d.Public, func(m string) bool { return m == model })
		if public {
			d.Public = append(d.Public, model)
			slices.Sort(d.Public)
		}
		return nil
	})
}

// Public reports whether model is callable without a key.
func (s *Store) Public(model string) bool {
	return slices.Contains(s.cur.Load().data.Public, model)
}

// PublicModels lists the public models.
func (s *Store) PublicModels() []string { return slices.Clone(s.cur.Load().data.Public) }

func (s *Store) change(f func(*fileData) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Start from the file as it is now: another process may have changed it.
	snap, err := s.read()
	if err != nil {
		return err
	}
	d := fileData{Keys: slices.Clone(snap.data.Keys), Public: slices.Clone(snap.data.Public)}
	if err := f(&d); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return fmt.Errorf("keys: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return fmt.Errorf("keys: %w", err)
	}
	if err := atomicfile.WritePath(s.path, 0o600, func(w io.Writer) error {
		_, err := w.Write(append(raw, '\n'))
		return err
	}); err != nil {
		return fmt.Errorf("keys: %w", err)
	}
	next, err := s.read()
	if err != nil {
		return err
	}
	s.cur.Store(next)
	return nil
}
