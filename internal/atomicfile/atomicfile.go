// Package atomicfile replaces files so that a crash at any moment leaves either the
// old content or the new one under the file's name, never a mix: the content goes to
// a hidden temporary file next to it, which is synced, renamed over the name, and the
// directory synced. Notebook saves and ml artifacts both use it.
//
// The writes go through an *os.Root, so a symbolic link swapped into the path while
// a save runs cannot make it read or write anything outside that root.
package atomicfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Temporary files are named "." + name + tempMarker + tempRandLen hex digits.
const (
	tempMarker  = ".tmp-"
	tempRandLen = 8
	// TempOverhead is how many bytes the temporary file's name adds to the name of
	// the file it replaces.
	TempOverhead = 1 + len(tempMarker) + tempRandLen
	// NameMax is the longest file name (in bytes) of the usual file systems
	// (NAME_MAX on Linux, macOS and the BSDs).
	NameMax = 255
	// MaxNameLen is the longest name this package can replace on such a file
	// system: its temporary file's name must fit in NameMax too.
	MaxNameLen = NameMax - TempOverhead
)

// TempTarget reports whether name (one path element) has the form of this
// package's temporary files, and if so the name of the file it was to replace.
func TempTarget(name string) (target string, ok bool) {
	if len(name) < TempOverhead+1 || name[0] != '.' {
		return "", false
	}
	random := name[len(name)-tempRandLen:]
	if !isLowerHex(random) {
		return "", false
	}
	rest, ok := strings.CutSuffix(name[1:len(name)-tempRandLen], tempMarker)
	if !ok || rest == "" {
		return "", false
	}
	return rest, true
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// WriteFile replaces the file name (relative to root) with data, atomically. See Write.
func WriteFile(root *os.Root, name string, data []byte, perm fs.FileMode) error {
	return Write(root, name, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Write replaces the file name (relative to root) with what fill writes, atomically.
// A new file gets the permission bits perm; an existing file keeps its own. If name
// is a symbolic link, the file it points to (which must lie inside root) is replaced
// and the link kept. On error the old file is untouched and no temporary file is
// left. Errors name files as given, relative to root.
func Write(root *os.Root, name string, perm fs.FileMode, fill func(io.Writer) error) (err error) {
	target, err := evalSymlinks(root, name)
	if err != nil {
		return err
	}
	if len(filepath.Base(target))+TempOverhead > NameMax {
		return fmt.Errorf("%s: the name is %d bytes long; names of files saved atomically may have at most %d bytes (the file system allows %d, and the temporary file's name adds %d)",
			name, len(filepath.Base(target)), MaxNameLen, NameMax, TempOverhead)
	}
	if info, statErr := root.Stat(target); statErr == nil {
		if !info.Mode().IsRegular() {
			return fmt.Errorf("%s: not a regular file", name)
		}
		perm = info.Mode().Perm()
	} else if !errors.Is(statErr, fs.ErrNotExist) {
		return statErr
	}
	tmp, tmpName, err := createTemp(root, target)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			root.Remove(tmpName)
		}
	}()
	if err = fill(tmp); err != nil {
		return fmt.Errorf("%s: write temporary file: %w", name, err)
	}
	// Through the open descriptor: a link swapped in under the temporary name
	// cannot redirect it.
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("%s: sync temporary file: %w", name, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("%s: close temporary file: %w", name, err)
	}
	if err = root.Rename(tmpName, target); err != nil {
		return err
	}
	// Sync the directory so that the rename itself survives a power loss.
	dir, err := root.Open(filepath.Dir(target))
	if err != nil {
		return fmt.Errorf("%s: open directory to sync it: %w", name, err)
	}
	defer dir.Close()
	if err := dir.Sync(); err != nil {
		return fmt.Errorf("%s: sync directory: %w", name, err)
	}
	return nil
}

// createTemp creates a fresh hidden temporary file next to target. O_EXCL makes
// the creation fail rather than follow anything already at that name.
func createTemp(root *os.Root, target string) (*os.File, string, error) {
	dir, base := filepath.Split(target)
	var random [tempRandLen / 2]byte
	for range 100 {
		rand.Read(random[:])
		name := dir + "." + base + tempMarker + hex.EncodeToString(random[:])
		f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		return f, name, nil
	}
	return nil, "", fmt.Errorf("%s: could not pick a fresh temporary file name in 100 tries", target)
}

// maxLinks bounds symbolic link chains, as the kernels do (Linux allows 40).
const maxLinks = 40

// evalSymlinks resolves the symbolic links in name, like filepath.EvalSymlinks but
// read through root, so the result is a link-free path inside root. The part of
// name that does not exist yet is kept as given. Absolute links and links that
// leave root are refused (os.Root would refuse to follow them anyway).
func evalSymlinks(root *os.Root, name string) (string, error) {
	var resolved string // a link-free path inside root; "" is root itself
	rest := filepath.Clean(name)
	if filepath.IsAbs(rest) {
		return "", fmt.Errorf("%s: the path is absolute; want one relative to the root", name)
	}
	links := 0
	for rest != "" {
		var elem string
		elem, rest, _ = strings.Cut(rest, string(filepath.Separator))
		switch elem {
		case "", ".":
			continue
		case "..":
			if resolved == "" {
				return "", fmt.Errorf("%s: the path leads outside the root", name)
			}
			resolved = parent(resolved)
			continue
		}
		next := filepath.Join(resolved, elem)
		info, err := root.Lstat(next)
		if errors.Is(err, fs.ErrNotExist) {
			// Nothing more to resolve: the rest is created, or fails, later.
			return filepath.Join(next, rest), nil
		}
		if err != nil {
			return "", err
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			resolved = next
			continue
		}
		if links++; links > maxLinks {
			return "", fmt.Errorf("%s: too many levels of symbolic links", name)
		}
		link, err := root.Readlink(next)
		if err != nil {
			return "", err
		}
		if filepath.IsAbs(link) {
			// The link's text is not shown: it is a path outside the root.
			return "", fmt.Errorf("%s: %s is a symbolic link to an absolute path; only relative links inside the root are followed", name, next)
		}
		// Not filepath.Join: it would clean "a/../b" before a is resolved.
		rest = link + string(filepath.Separator) + rest
	}
	if resolved == "" {
		return "", fmt.Errorf("%s: the root directory itself cannot be replaced by a file", name)
	}
	return resolved, nil
}

func parent(p string) string {
	if d := filepath.Dir(p); d != "." {
		return d
	}
	return ""
}

// WritePath replaces the file at path (anywhere in the file system) atomically,
// like Write. A symbolic link at path is followed wherever it points.
func WritePath(path string, perm fs.FileMode, fill func(io.Writer) error) error {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	root, err := os.OpenRoot(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer root.Close()
	if err := Write(root, filepath.Base(path), perm, fill); err != nil {
		return fmt.Errorf("directory %s: %w", filepath.Dir(path), err)
	}
	return nil
}

// StaleAfter is how long a temporary file must have been left alone before it
// counts as abandoned: writes touch their temporary file continually and finish
// in seconds, so one untouched this long belongs to a process that died.
const StaleAfter = 10 * time.Minute
