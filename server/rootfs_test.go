package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopad.dev/gopad/notebooks"
)

// dirState records a directory's files with content and modification time, to
// prove later that nothing in it was written.
func dirState(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(e.Name() + " " + info.ModTime().Format(time.RFC3339Nano) + " " + string(data) + "\n")
	}
	return b.String()
}

// TestSaveAndReloadNeverLeaveTheRootThroughSwappedLinks opens a notebook while
// its directory is inside the root, then swaps a path component (and the file
// itself) for symbolic links out of the root, first step by step, then
// continually while the session saves and reloads, so that some swaps land between
// the check and the use. Nothing outside the root may be written or read.
func TestSaveAndReloadNeverLeaveTheRootThroughSwappedLinks(t *testing.T) {
	e := newEnv(t)
	outside := t.TempDir()
	decoy := notebooks.New()
	decoy.Cells = []*notebooks.Cell{notebooks.NewCell(notebooks.CodeCell, `"SECRET OUTSIDE THE ROOT"`)}
	if err := notebooks.Save(filepath.Join(outside, "nb.gonb"), decoy); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(e.root, "sub-real"), 0o755); err != nil {
		t.Fatal(err)
	}
	e.writeNotebook("sub-real/nb.gonb", `fmt.Println("inside")`)
	escape, err := filepath.Rel(e.root, outside) // "../NNN": relative, like a user's link
	if err != nil || !strings.HasPrefix(escape, "..") {
		t.Fatalf("outside %s relative to the root: %q, %v", outside, escape, err)
	}
	// setLink points sub at target, atomically (a new link renamed over the old).
	setLink := func(target string) error {
		tmp := filepath.Join(e.root, ".flip")
		os.Remove(tmp)
		if err := os.Symlink(target, tmp); err != nil {
			return err
		}
		return os.Rename(tmp, filepath.Join(e.root, "sub"))
	}
	if err := setLink("sub-real"); err != nil {
		t.Fatal(err)
	}
	c := e.dial("sub/nb.gonb")
	c.snapshot()
	c.ws.Close()
	sess := e.srv.lookupSession("sub/nb.gonb")
	if sess == nil {
		t.Fatal("no session for sub/nb.gonb after opening it")
	}
	outsideBefore := dirState(t, outside)
	checkOutside := func(when string) {
		t.Helper()
		if got := dirState(t, outside); got != outsideBefore {
			t.Fatalf("%s: the directory outside the root changed:\nbefore:\n%s\nafter:\n%s", when, outsideBefore, got)
		}
	}
	checkDocument := func(when string) {
		t.Helper()
		raw, err := json.Marshal(wireNotebook(sess.cloneDocument()))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(raw, []byte("SECRET")) {
			t.Fatalf("%s: the session read the file outside the root: %s", when, raw)
		}
	}
	checkRefused := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s succeeded through a link out of the root", what)
		}
		if msg := err.Error(); strings.Contains(msg, e.root) || strings.Contains(msg, outside) {
			t.Errorf("%s: the error %q shows a server path", what, msg)
		}
	}

	// A directory of the path swapped for a link out of the root, relative or absolute.
	for _, target := range []string{escape, outside} {
		if err := setLink(target); err != nil {
			t.Fatal(err)
		}
		checkRefused("save with sub -> "+target, sess.save(true))
		checkRefused("reload with sub -> "+target, sess.reload())
		checkOutside("sub -> " + target)
		checkDocument("sub -> " + target)
	}
	// Back inside, saving works again.
	if err := setLink("sub-real"); err != nil {
		t.Fatal(err)
	}
	if err := sess.save(true); err != nil {
		t.Fatalf("save once sub is back inside the root: %v", err)
	}

	// The notebook file itself replaced by a link out of the root.
	file := filepath.Join(e.root, "sub-real", "nb.gonb")
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("..", escape, "nb.gonb"), file); err != nil {
		t.Fatal(err)
	}
	checkRefused("save through a planted link", sess.save(true))
	checkRefused("reload through a planted link", sess.reload())
	checkOutside("planted link")
	checkDocument("planted link")
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if err := sess.save(true); err != nil {
		t.Fatalf("save once the planted link is gone: %v", err)
	}

	// Swaps racing with saves and reloads.
	stop, flipped := make(chan struct{}), make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				flipped <- setLink("sub-real")
				return
			default:
			}
			target := "sub-real"
			if i%2 == 0 {
				target = escape
			}
			if err := setLink(target); err != nil {
				flipped <- err
				return
			}
		}
	}()
	for i := range 100 {
		_ = sess.save(true)
		_ = sess.reload()
		checkDocument(fmt.Sprintf("racing swaps, round %d", i))
	}
	close(stop)
	if err := <-flipped; err != nil {
		t.Fatalf("swapping the link: %v", err)
	}
	checkOutside("racing swaps")
	// The real notebook is intact and loads.
	if _, err := notebooks.Load(file); err != nil {
		t.Fatalf("the notebook inside the root after the races: %v", err)
	}
}
