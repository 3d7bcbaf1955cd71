package server

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// resolvePath turns a client path (slash-separated, relative to the root) into its
// clean relative form and its absolute file-system path. It refuses absolute paths,
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
	if err := s.checkInsideRoot(abs, p); err != nil {
		return "", "", err
	}
	return rel, abs, nil
}

// checkInsideRoot resolves the symlinks of abs (or of its nearest existing ancestor)
// and refuses it if the result is outside the root.
func (s *Server) checkInsideRoot(abs, shown string) error {
	probe := abs
	for {
		real, err := filepath.EvalSymlinks(probe)
		if err == nil {
			if !within(s.root, real) {
				return errorf(http.StatusForbidden, "path %q leads outside the notebook root (through a symbolic link)", shown)
			}
			return nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return errorf(http.StatusBadRequest, "path %q: %v", shown, err)
		}
		// A dangling symlink is refused: following it later could create a file
		// anywhere.
		if fi, lerr := os.Lstat(probe); lerr == nil && fi.Mode()&os.ModeSymlink != 0 {
			return errorf(http.StatusForbidden, "path %q is a symbolic link to something that does not exist", shown)
		}
		parent := filepath.Dir(probe)
		if parent == probe {
			return errorf(http.StatusBadRequest, "path %q cannot be resolved", shown)
		}
		probe = parent
	}
}

// within reports whether p is root or inside it (both clean and absolute).
func within(root, p string) bool {
	if p == root {
		return true
	}
	return strings.HasPrefix(p, strings.TrimSuffix(root, string(filepath.Separator))+string(filepath.Separator))
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

// checkName refuses file names that cannot be a single path element.
func checkName(name string) error {
	switch {
	case name == "":
		return errorf(http.StatusBadRequest, "the name is empty")
	case name == "." || name == "..":
		return errorf(http.StatusBadRequest, "%q is not a valid name", name)
	case strings.ContainsAny(name, "/\\\x00"):
		return errorf(http.StatusBadRequest, "name %q may not contain /, \\ or NUL", name)
	case strings.HasPrefix(name, "."):
		return errorf(http.StatusBadRequest, "name %q starts with a dot; hidden files are not served", name)
	case len(name) > 255:
		return errorf(http.StatusBadRequest, "name is longer than 255 bytes")
	}
	return nil
}

// uniqueName returns a name in dir (absolute) that does not exist yet: base+ext,
// then base+sep+"1"+ext, base+sep+"2"+ext, ...
func uniqueName(dir, base, sep, ext string, firstPlain bool) string {
	for i := 0; ; i++ {
		var name string
		if i == 0 {
			if !firstPlain {
				continue
			}
			name = base + ext
		} else {
			name = base + sep + strconv.Itoa(i) + ext
		}
		if _, err := os.Lstat(filepath.Join(dir, name)); errors.Is(err, fs.ErrNotExist) {
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
