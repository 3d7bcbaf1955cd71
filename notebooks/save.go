package notebooks

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// slowWriter, when set (by tests only), wraps the temporary file's writer so that a
// test can kill a save half-way through.
var slowWriter func(io.Writer) io.Writer

// Save writes nb to path atomically: the content goes to a temporary file in the
// same directory, which is synced and then renamed over path, and the directory is
// synced. A crash at any point leaves either the old file or the new one at path,
// never a mix. An existing file keeps its permission bits; if path is a symbolic
// link, the file it points to is replaced and the link kept.
func Save(path string, nb *Notebook) error {
	data, err := nb.Marshal()
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	return writeFileAtomic(path, data)
}

func writeFileAtomic(path string, data []byte) (err error) {
	// Saving through a symlink replaces the file it points to, not the link.
	if target, linkErr := filepath.EvalSymlinks(path); linkErr == nil {
		path = target
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	perm := fs.FileMode(0o644)
	if info, statErr := os.Stat(path); statErr == nil {
		if !info.Mode().IsRegular() {
			return fmt.Errorf("save %s: not a regular file", path)
		}
		perm = info.Mode().Perm()
	}
	// A hidden name that no notebook listing shows, so a crash leaves nothing
	// under the notebook's own name.
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmpName)
		}
	}()
	var w io.Writer = tmp
	if slowWriter != nil {
		w = slowWriter(tmp)
	}
	if _, err = w.Write(data); err != nil {
		return fmt.Errorf("save %s: write temporary file: %w", path, err)
	}
	if err = tmp.Chmod(perm); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("save %s: sync temporary file: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("save %s: close temporary file: %w", path, err)
	}
	if err = os.Rename(tmpName, path); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	// Sync the directory so the rename itself survives a power loss.
	if d, dirErr := os.Open(dir); dirErr == nil {
		syncErr := d.Sync()
		d.Close()
		if syncErr != nil {
			return fmt.Errorf("save %s: sync directory: %w", path, syncErr)
		}
	}
	return nil
}
