package server

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"gopad.dev/gopad/internal/atomicfile"
)

// TestStartUpRemovesStaleSaveTemporaries plants, before the server starts, the
// temporary files that saves killed half-way leave, next to look-alikes that
// must stay, and checks what the start-up sweep removed.
func TestStartUpRemovesStaleSaveTemporaries(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	old := time.Now().Add(-2 * atomicfile.StaleAfter)
	plant := func(dir, name string, mtime time.Time) string {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("half a notebook"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
		return p
	}
	gone := []string{
		plant(root, ".top.gonb.tmp-0123abcd", old),            // this version's name
		plant(root, "a/b/.deep.ipynb.tmp-89abcdef", old),      // anywhere under the root
		plant(root, "a/.legacy.gonb.tmp-3141592653", old),     // os.CreateTemp's, before
		plant(root, ".hidden-dir/.in.gonb.tmp-00000000", old), // hidden directories too
	}
	outsideTemp := plant(outside, ".outside.gonb.tmp-0123abcd", old) // reached only through links
	namedDir := filepath.Dir(plant(root, ".dir.gonb.tmp-0123abcd/.x.gonb.tmp-0", time.Now()))
	if err := os.Chtimes(namedDir, old, old); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "linked")); err != nil {
		t.Fatal(err)
	}
	tempNamedLink := filepath.Join(root, ".link.gonb.tmp-0123abcd")
	if err := os.Symlink(outsideTemp, tempNamedLink); err != nil {
		t.Fatal(err)
	}
	// The link itself old too, so that only its type keeps it.
	ts := []unix.Timespec{unix.NsecToTimespec(old.UnixNano()), unix.NsecToTimespec(old.UnixNano())}
	if err := unix.UtimesNanoAt(unix.AT_FDCWD, tempNamedLink, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		t.Fatal(err)
	}
	kept := []string{
		plant(root, "a/.fresh.gonb.tmp-0123abcd", time.Now()),     // a save that may be running
		plant(root, ".notes.txt.tmp-0123abcd", old),               // not a notebook's
		plant(root, "model/.model.safetensors.tmp-0123abcd", old), // an ml.Save's, not ours
		plant(root, "nb.gonb.tmp-0123abcd", old),                  // not hidden
		plant(root, ".nb.gonb.tmp-0123abcz", old),                 // not the pattern
		plant(root, ".nb.gonb.tmp-12345678901", old),              // not the pattern
		plant(root, "nb.gonb", old),                               // a notebook
		outsideTemp,                                               // outside the root
		namedDir,                                                  // a directory, not a file
		tempNamedLink,                                             // a link, not a file
	}

	var mu sync.Mutex
	var logged []string
	e := newEnv(t, func(c *Config) {
		c.Root = root
		c.Logf = func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			logged = append(logged, fmt.Sprintf(format, args...))
		}
	})
	select {
	case <-e.srv.swept:
	case <-time.After(60 * time.Second):
		t.Fatal("the start-up sweep did not finish in 60 s")
	}
	for _, p := range gone {
		if _, err := os.Lstat(p); !os.IsNotExist(err) {
			t.Errorf("%s: still there after the sweep (%v)", p, err)
		}
	}
	for _, p := range kept {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s: removed by the sweep (%v)", p, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(logged) != 1 || !strings.Contains(logged[0], "removed 4 stale temporary file(s)") {
		t.Errorf("logged %q; want one line reporting 4 removals", logged)
	}
}
