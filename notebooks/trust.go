package notebooks

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"gopad.dev/gopad/internal/atomicfile"
)

// Digest identifies a notebook file's exact content (SHA-256 of its bytes).
type Digest [sha256.Size]byte

// DigestOf returns the digest of a notebook file's content.
func DigestOf(data []byte) Digest { return sha256.Sum256(data) }

// MaxTrusted bounds how many digests a TrustStore keeps; the oldest are forgotten
// first (their notebooks open as untrusted again, which is safe).
const MaxTrusted = 10000

// TrustStore remembers which notebook files this user produced or chose to trust,
// as Jupyter's notebook signatures do: outputs read from any other file were written
// by someone else, and a browser must not let them run script (see the frontend's
// output frames). The store holds digests of whole files, so a file changed by
// anything but gopad is untrusted again, and a copy of a trusted file is trusted.
//
// The store lives outside every notebook folder (in the user's configuration
// directory): a shared folder cannot vouch for itself. A TrustStore is safe for
// concurrent use.
type TrustStore struct {
	path string // "" keeps the digests in memory only

	mu    sync.Mutex
	order []Digest // oldest first
	set   map[Digest]struct{}
}

// OpenTrustStore reads the store kept at path, creating nothing until the first
// change. An empty path gives a store kept in memory only (tests, embedding).
func OpenTrustStore(path string) (*TrustStore, error) {
	ts := &TrustStore{path: path, set: map[Digest]struct{}{}}
	if path == "" {
		return ts, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return ts, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the trusted-notebook store: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 || text[0] == '#' {
			continue
		}
		var d Digest
		if n, err := hex.Decode(d[:], text); err != nil || n != len(d) {
			return nil, fmt.Errorf("the trusted-notebook store %s: line %d is not a SHA-256 digest in hex", path, line)
		}
		ts.addLocked(d)
	}
	return ts, nil
}

// Trusted reports whether the file content with digest d is trusted.
func (ts *TrustStore) Trusted(d Digest) bool {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	_, ok := ts.set[d]
	return ok
}

// Replace records d as trusted and forgets old (the same notebook's previous
// content; the zero Digest forgets nothing), then writes the store if it changed.
func (ts *TrustStore) Replace(old, d Digest) error {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	changed := false
	if _, ok := ts.set[old]; ok && old != d {
		delete(ts.set, old)
		ts.order = slices.DeleteFunc(ts.order, func(x Digest) bool { return x == old })
		changed = true
	}
	if _, ok := ts.set[d]; !ok {
		ts.addLocked(d)
		changed = true
	}
	if !changed {
		return nil
	}
	return ts.writeLocked()
}

func (ts *TrustStore) addLocked(d Digest) {
	if _, ok := ts.set[d]; ok {
		return
	}
	ts.set[d] = struct{}{}
	ts.order = append(ts.order, d)
	for len(ts.order) > MaxTrusted {
		delete(ts.set, ts.order[0])
		ts.order = ts.order[1:]
	}
}

func (ts *TrustStore) writeLocked() error {
	if ts.path == "" {
		return nil
	}
	var b bytes.Buffer
	b.WriteString("# gopad: digests of notebook files whose outputs this user trusts (one SHA-256 per line)\n")
	for _, d := range ts.order {
		b.WriteString(hex.EncodeToString(d[:]))
		b.WriteByte('\n')
	}
	if err := os.MkdirAll(filepath.Dir(ts.path), 0o700); err != nil {
		return fmt.Errorf("write the trusted-notebook store: %w", err)
	}
	data := b.Bytes()
	if err := atomicfile.WritePath(ts.path, 0o644, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
		return fmt.Errorf("write the trusted-notebook store: %w", err)
	}
	return nil
}
