package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"gopad.dev/gopad/internal/atomicfile"
	"gopad.dev/gopad/notebooks"
)

// resolvePath turns a client path (slash-separated, relative to the root) into its
// clean relative form and its absolute file-system path (which serves only as a
// kernel's working directory: files are accessed through s.rootFS with rel).
// It refuses absolute paths,
// ".." elements, and paths that leave the root through a symlink. The file need not
// exist; then its nearest existing ancestor is checked instead.
func (s *Server) resolvePath(p string) (rel, abs string, err error) {
	if strings.ContainsRune(p, 0) {
		return "", "", errorf(http.StatusBadRequest, "path %q contains a NUL byte", p)
	}
	if strings.Contains(p, "\\") {
		return "", "", errorf(http.StatusBadRequest, "path %q contains a backslash; use / to separate directories", p)
	}
	if strings.HasPrefix(p, "/") || filepath.IsAbs(p) {
		return "", "", errorf(http.StatusBadRequest, "path %q is absolute; paths are relative to the notebook root", p)
	}
	for _, elem := range strings.Split(p, "/") {
		if elem == ".." {
			return "", "", errorf(http.StatusBadRequest, "path %q contains \"..\"; paths may not leave the notebook root", p)
		}
	}
	rel = path.Clean(p)
	if rel == "." {
		rel = ""
	}
	abs = filepath.Join(s.root, filepath.FromSlash(rel))
	if err := s.checkInsideRoot(rel, p); err != nil {
		return "", "", err
	}
	return rel, abs, nil
}

// osPath turns a clean root-relative path ("" for the root) into the name that
// s.rootFS's methods take.
func osPath(rel string) string {
	if rel == "" {
		return "."
	}
	return filepath.FromSlash(rel)
}

// checkInsideRoot refuses rel if it (or its nearest existing ancestor) leads out of
// the root through a symbolic link, so that such paths get a clear 403. It is a
// courtesy check only: every later access goes through s.rootFS (an os.Root),
// which refuses to leave the root even if links change after this check.
func (s *Server) checkInsideRoot(rel, shown string) error {
	probe := osPath(rel)
	for {
		_, err := s.rootFS.Stat(probe)
		if err == nil {
			return nil
		}
		if isEscape(err) {
			return errorf(http.StatusForbidden, "path %q leads outside the notebook root (through a symbolic link that leaves the root or is absolute; only relative links inside the root are followed)", shown)
		}
		if errors.Is(err, syscall.ENAMETOOLONG) {
			return errorf(http.StatusBadRequest, "path %q has a name longer than the file system allows (%d bytes)", shown, maxFileNameBytes)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return errorf(http.StatusBadRequest, "path %q: %s", shown, bareError(err))
		}
		// A dangling symlink is refused: following it later could create a file
		// wherever it points.
		if fi, lerr := s.rootFS.Lstat(probe); lerr == nil && fi.Mode()&os.ModeSymlink != 0 {
			return errorf(http.StatusForbidden, "path %q is a symbolic link to something that does not exist", shown)
		}
		if probe == "." {
			return errorf(http.StatusBadRequest, "path %q cannot be resolved", shown)
		}
		probe = filepath.Dir(probe)
	}
}

// isEscape reports whether err is os.Root's refusal of a path that leaves the root.
// os exports no sentinel for it, so the message is compared;
// TestPathTraversalRefused fails if that message ever changes.
func isEscape(err error) bool {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err.Error() == "path escapes from parent"
	case errors.As(err, &le):
		return le.Err.Error() == "path escapes from parent"
	}
	return false
}

// bareError returns the reason of a file-system error without the file names it
// carries, so that a message to a client names files only as the caller does.
func bareError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err.Error()
	}
	return err.Error()
}

// fsError turns the error of a file-system operation (what, e.g. "delete") on the
// root-relative path rel into an error for the client: a status that fits the
// cause, and a message that names rel, never the server's own paths.
func fsError(what, rel string, err error) error {
	var he *httpError
	if errors.As(err, &he) {
		return err
	}
	shown := rel
	if shown == "" {
		shown = "the notebook root"
	}
	reason := bareError(err)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errorf(http.StatusNotFound, "%s %q: it does not exist", what, shown)
	case errors.Is(err, fs.ErrExist):
		return errorf(http.StatusConflict, "%s %q: %s", what, shown, reason)
	case isEscape(err):
		return errorf(http.StatusForbidden, "%s %q: the path leads outside the notebook root (through a symbolic link)", what, shown)
	case errors.Is(err, fs.ErrPermission):
		return errorf(http.StatusForbidden, "%s %q: %s", what, shown, reason)
	case errors.Is(err, syscall.ENAMETOOLONG), errors.Is(err, syscall.ENOTDIR), errors.Is(err, syscall.EISDIR):
		return errorf(http.StatusBadRequest, "%s %q: %s", what, shown, reason)
	}
	return errorf(http.StatusInternalServerError, "%s %q: %s", what, shown, reason)
}

// relWithin reports whether the root-relative path p is dir or inside it.
func relWithin(dir, p string) bool {
	return p == dir || strings.HasPrefix(p, dir+"/")
}

// isNotebookName reports whether name has a notebook extension.
func isNotebookName(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".gonb" || ext == ".ipynb"
}

// maxFileNameBytes is the file-system limit on one name. Notebooks must stay
// shorter: see notebooks.MaxNameBytes.
const maxFileNameBytes = atomicfile.NameMax

// nameLimit returns the longest name allowed for name's kind: a notebook's name
// leaves room for the name of the temporary file that every save writes first.
func nameLimit(name string) int {
	if isNotebookName(name) {
		return notebooks.MaxNameBytes
	}
	return maxFileNameBytes
}

// checkName refuses file names that cannot be a single path element, that hold
// control characters, or that are too long to be saved.
func checkName(name string) error {
	switch {
	case name == "":
		return errorf(http.StatusBadRequest, "the name is empty")
	case name == "." || name == "..":
		return errorf(http.StatusBadRequest, "%q is not a valid name", name)
	case strings.ContainsAny(name, "/\\\x00"):
		return errorf(http.StatusBadRequest, "name %q may not contain /, \\ or NUL", name)
	case !utf8.ValidString(name):
		return errorf(http.StatusBadRequest, "name %q is not valid UTF-8", name)
	case strings.HasPrefix(name, "."):
		return errorf(http.StatusBadRequest, "name %q starts with a dot; hidden files are not served", name)
	}
	// Newlines and other control characters break listings, logs and shells.
	if i := strings.IndexFunc(name, unicode.IsControl); i >= 0 {
		r, _ := utf8.DecodeRuneInString(name[i:])
		return errorf(http.StatusBadRequest, "name %q contains the control character U+%04X; names may not contain control characters (newline, carriage return, tab, escape, ...)", name, r)
	}
	if limit := nameLimit(name); len(name) > limit {
		why := "the file system's limit"
		if limit < maxFileNameBytes {
			why = fmt.Sprintf("the file system allows %d, and saving needs room for a temporary file's name", maxFileNameBytes)
		}
		return errorf(http.StatusBadRequest, "the name is %d bytes long; the limit is %d bytes (%s)", len(name), limit, why)
	}
	return nil
}

// fitName returns base+suffix, shortening base (at a character boundary) so that
// the result fits the limit for notebook names.
func fitName(base, suffix string) string {
	if limit := max(notebooks.MaxNameBytes-len(suffix), 0); len(base) > limit {
		for limit > 0 && !utf8.RuneStart(base[limit]) {
			limit-- // do not cut a character in two
		}
		base = base[:limit]
	}
	return base + suffix
}

// uniqueName returns a notebook name in the directory dirRel that does not exist
// yet: base+ext, then base+sep+"1"+ext, base+sep+"2"+ext, ..., with base shortened
// where needed to keep the name within notebooks.MaxNameBytes.
func (s *Server) uniqueName(dirRel, base, sep, ext string, firstPlain bool) string {
	for i := 0; ; i++ {
		var name string
		if i == 0 {
			if !firstPlain {
				continue
			}
			name = fitName(base, ext)
		} else {
			name = fitName(base, sep+strconv.Itoa(i)+ext)
		}
		if _, err := s.rootFS.Lstat(osPath(joinRel(dirRel, name))); errors.Is(err, fs.ErrNotExist) {
			return name
		}
	}
}

// joinRel joins a relative directory and a name with "/".
func joinRel(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// saveTempTarget reports whether name is the temporary file of a notebook save,
// and which notebook it was to replace: gopad's own ".NAME.tmp-XXXXXXXX", or the
// ".NAME.tmp-DIGITS" that os.CreateTemp made for saves of older gopad versions.
// Temporary files of anything but notebooks (an ml.Save in a cell, other
// programs) are not the server's to remove.
func saveTempTarget(name string) (string, bool) {
	if target, ok := atomicfile.TempTarget(name); ok {
		return target, isNotebookName(target)
	}
	i := strings.LastIndex(name, ".tmp-")
	if i < 2 || name[0] != '.' {
		return "", false
	}
	digits := name[i+len(".tmp-"):]
	if len(digits) == 0 || len(digits) > 10 || strings.Trim(digits, "0123456789") != "" {
		return "", false
	}
	return name[1:i], isNotebookName(name[1:i])
}

// sweepStaleTemps removes, anywhere under the root, the temporary files that
// saves killed half-way left behind (they are hidden, so nobody would see them
// otherwise). Only regular files named like a notebook save's temporary file
// and untouched for atomicfile.StaleAfter go: a fresh one may belong to a save
// that another gopad on the same directory is making right now. The walk goes
// through the root and follows no symbolic links; it stops when ctx ends.
func (s *Server) sweepStaleTemps(ctx context.Context) (removed int) {
	now := time.Now()
	_ = fs.WalkDir(s.rootFS.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return fs.SkipAll
		}
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return nil // unreadable directories are skipped, links not followed
		}
		if _, ok := saveTempTarget(d.Name()); !ok {
			return nil
		}
		info, err := d.Info()
		if err != nil || now.Sub(info.ModTime()) < atomicfile.StaleAfter {
			return nil
		}
		if err := s.rootFS.Remove(filepath.FromSlash(p)); err != nil {
			s.logf("gopad server: remove the stale temporary file %s: %s", p, bareError(err))
			return nil
		}
		removed++
		return nil
	})
	if removed > 0 {
		s.logf("gopad server: removed %d stale temporary file(s) left by interrupted saves under %s", removed, s.root)
	}
	return removed
}
