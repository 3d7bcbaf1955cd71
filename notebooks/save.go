package notebooks

import (
	"fmt"
	"io"
	"os"

	"gopad.dev/gopad/internal/atomicfile"
)

// MaxNameBytes is the longest notebook file name (in bytes) that Save can write:
// the file system's 255-byte limit minus what the temporary file's name adds.
const MaxNameBytes = atomicfile.MaxNameLen

// slowWriter, when set (by tests only), wraps the temporary file's writer so that a
// test can kill a save half-way through.
var slowWriter func(io.Writer) io.Writer

// Save writes nb to path atomically: the content goes to a hidden temporary file
// in the same directory (".NAME.tmp-XXXXXXXX"), which is synced and then renamed
// over path, and the directory is synced. A crash at any point leaves either the
// old file or the new one at path, never a mix. An existing file keeps its
// permission bits; if path is a symbolic link, the file it points to is replaced
// and the link kept.
func Save(path string, nb *Notebook) error {
	data, err := nb.Marshal()
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err := atomicfile.WritePath(path, 0o644, fill(data)); err != nil {
		return fmt.Errorf("save notebook: %w", err)
	}
	return nil
}

// SaveIn is Save for the file name inside root: every file access goes through
// root, so nothing outside it is read or written even if symbolic links change
// while the save runs. A symbolic link at name is followed only to a file inside
// root. Errors name the file as given, relative to root.
func SaveIn(root *os.Root, name string, nb *Notebook) error {
	data, err := nb.Marshal()
	if err != nil {
		return fmt.Errorf("save %s: %w", name, err)
	}
	if err := atomicfile.Write(root, name, 0o644, fill(data)); err != nil {
		return fmt.Errorf("save notebook: %w", err)
	}
	return nil
}

func fill(data []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		if slowWriter != nil {
			w = slowWriter(w)
		}
		_, err := w.Write(data)
		return err
	}
}
