package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func openRoot(t *testing.T) (*os.Root, string) {
	t.Helper()
	dir := t.TempDir()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	return root, dir
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// names lists the directory, to prove that no temporary file was left behind.
func names(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return strings.Join(out, " ")
}

func TestWriteCreatesAndReplaces(t *testing.T) {
	root, dir := openRoot(t)
	if err := WriteFile(root, "a.txt", []byte("one"), 0o640); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, "a.txt"))
	if err != nil || info.Mode().Perm() != 0o640 {
		t.Fatalf("new file: %v, mode %v; want mode 0640", err, info.Mode())
	}
	// An existing file keeps its own permission bits.
	if err := os.Chmod(filepath.Join(dir, "a.txt"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(root, "a.txt", []byte("two"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, filepath.Join(dir, "a.txt")); got != "two" {
		t.Fatalf("content %q, want two", got)
	}
	if info, _ := os.Stat(filepath.Join(dir, "a.txt")); info.Mode().Perm() != 0o600 {
		t.Fatalf("replaced file has mode %v, want the old 0600", info.Mode().Perm())
	}
	if got := names(t, dir); got != "a.txt" {
		t.Fatalf("directory holds %q after the writes; want only a.txt", got)
	}
}

func TestFailedWriteKeepsOldFileAndLeavesNoTemporary(t *testing.T) {
	root, dir := openRoot(t)
	mustWrite(t, filepath.Join(dir, "a.txt"), "old")
	boom := errors.New("disk on fire")
	err := Write(root, "a.txt", 0o644, func(w io.Writer) error {
		if _, err := w.Write([]byte("half of the new")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "a.txt") {
		t.Fatalf("error %v; want the fill error, naming a.txt", err)
	}
	if got := mustRead(t, filepath.Join(dir, "a.txt")); got != "old" {
		t.Fatalf("content %q after a failed write, want old", got)
	}
	if got := names(t, dir); got != "a.txt" {
		t.Fatalf("directory holds %q; want only a.txt", got)
	}
	// Directories are not replaced by files.
	if err := os.Mkdir(filepath.Join(dir, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(root, "d", []byte("x"), 0o644); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("write over a directory: %v", err)
	}
}

func TestWriteFollowsLinksOnlyInsideRoot(t *testing.T) {
	root, dir := openRoot(t)
	outside := t.TempDir()
	mustWrite(t, filepath.Join(outside, "secret"), "secret")
	// sub/deeper/real is reached from link as "dirlink/../real", where dirlink
	// points to sub/deeper/inner: resolved textually that would be ./real.
	if err := os.MkdirAll(filepath.Join(dir, "sub", "deeper", "inner"), 0o755); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(dir, "sub", "deeper", "real"), "old")
	for link, target := range map[string]string{
		"dirlink":  "sub/deeper/inner",
		"link":     "dirlink/../real",
		"escape":   "../" + filepath.Base(outside) + "/secret",
		"absolute": filepath.Join(outside, "secret"),
		"loop":     "loop",
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteFile(root, "link", []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, filepath.Join(dir, "sub", "deeper", "real")); got != "new" {
		t.Fatalf("link target holds %q, want new", got)
	}
	if info, err := os.Lstat(filepath.Join(dir, "link")); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "real")); err == nil {
		t.Fatal("the link was resolved textually: ./real was written")
	}
	for name, want := range map[string]string{"escape": "outside", "absolute": "absolute", "loop": "symbolic links"} {
		err := WriteFile(root, name, []byte("evil"), 0o644)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("write through %s: %v; want an error mentioning %q", name, err, want)
		}
	}
	if got := mustRead(t, filepath.Join(outside, "secret")); got != "secret" {
		t.Fatalf("the file outside the root now holds %q", got)
	}
	if got := names(t, outside); got != "secret" {
		t.Fatalf("the directory outside the root holds %q", got)
	}
	if err := WriteFile(root, "../x", []byte("evil"), 0o644); err == nil {
		t.Fatal("a path with .. out of the root was written")
	}
}

func TestNameLimit(t *testing.T) {
	root, dir := openRoot(t)
	longest := strings.Repeat("n", MaxNameLen)
	if err := WriteFile(root, longest, []byte("x"), 0o644); err != nil {
		t.Fatalf("a %d-byte name: %v", MaxNameLen, err)
	}
	if got := mustRead(t, filepath.Join(dir, longest)); got != "x" {
		t.Fatalf("content %q", got)
	}
	err := WriteFile(root, longest+"n", []byte("x"), 0o644)
	if err == nil || !strings.Contains(err.Error(), "at most 241 bytes") {
		t.Fatalf("a %d-byte name: %v; want an error giving the limit", MaxNameLen+1, err)
	}
	// The file system itself accepts the name: the limit is the temporary file's.
	if err := os.WriteFile(filepath.Join(dir, longest+"n"), nil, 0o644); err != nil {
		t.Fatalf("the file system refuses %d bytes: %v", MaxNameLen+1, err)
	}
}

func TestTempTarget(t *testing.T) {
	// A real temporary file name, caught while the write runs.
	root, dir := openRoot(t)
	var seen string
	err := Write(root, "nb.gonb", 0o644, func(io.Writer) error {
		entries, err := os.ReadDir(dir)
		if err != nil || len(entries) != 1 {
			t.Fatalf("during the write the directory holds %v (%v)", entries, err)
		}
		seen = entries[0].Name()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if target, ok := TempTarget(seen); !ok || target != "nb.gonb" {
		t.Fatalf("TempTarget(%q) = %q, %v; want nb.gonb", seen, target, ok)
	}
	if len(seen) != len("nb.gonb")+TempOverhead {
		t.Fatalf("temporary name %q is %d bytes, want %d", seen, len(seen), len("nb.gonb")+TempOverhead)
	}
	for _, name := range []string{
		"nb.gonb", ".nb.gonb", ".nb.gonb.tmp-", ".nb.gonb.tmp-1234567", ".nb.gonb.tmp-123456789",
		".nb.gonb.tmp-ABCDEF01", ".nb.gonb.tmp-1234567g", "nb.gonb.tmp-12345678", "..tmp-12345678", ".tmp-12345678",
	} {
		if target, ok := TempTarget(name); ok {
			t.Errorf("TempTarget(%q) = %q; want no match", name, target)
		}
	}
}

func TestWritePathFollowsLinkAnywhere(t *testing.T) {
	dir, elsewhere := t.TempDir(), t.TempDir()
	target := filepath.Join(elsewhere, "real")
	mustWrite(t, target, "old")
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := WritePath(link, 0o644, func(w io.Writer) error { _, err := w.Write([]byte("new")); return err }); err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, target); got != "new" {
		t.Fatalf("target holds %q", got)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v", err)
	}
	err := WritePath(filepath.Join(dir, "missing", "x"), 0o644, func(w io.Writer) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("write into a missing directory: %v", err)
	}
	if names(t, dir) != "link" {
		t.Fatalf("directory holds %q", names(t, dir))
	}
}

// TestLinkSwappedInDuringWriteIsNotFollowed swaps a directory of the path for a
// link out of the root after the path was resolved, while the temporary file is
// being written: the rename must not land outside the root.
func TestLinkSwappedInDuringWriteIsNotFollowed(t *testing.T) {
	root, dir := openRoot(t)
	outside := t.TempDir()
	mustWrite(t, filepath.Join(outside, "f"), "outside")
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(dir, "sub", "f"), "inside")
	escape, err := filepath.Rel(dir, outside)
	if err != nil {
		t.Fatal(err)
	}
	err = Write(root, filepath.Join("sub", "f"), 0o644, func(w io.Writer) error {
		if err := os.Rename(filepath.Join(dir, "sub"), filepath.Join(dir, "moved")); err != nil {
			return err
		}
		if err := os.Symlink(escape, filepath.Join(dir, "sub")); err != nil {
			return err
		}
		_, err := w.Write([]byte("new"))
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "escapes") {
		t.Fatalf("write after the swap: %v; want os.Root's refusal", err)
	}
	if got := names(t, outside); got != "f" {
		t.Fatalf("the directory outside the root holds %q", got)
	}
	if got := mustRead(t, filepath.Join(outside, "f")); got != "outside" {
		t.Fatalf("the file outside the root holds %q", got)
	}
	if got := mustRead(t, filepath.Join(dir, "moved", "f")); got != "inside" {
		t.Fatalf("the old file holds %q", got)
	}
}
