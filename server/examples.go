package server

import (
	"errors"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"

	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/server/browserproto"
)

// examplesFS returns the bundled example notebooks (.gonb files at its root).
func examplesFS() fs.FS { return notebooks.Examples() }

// listExamples lists the bundled example notebooks.
func listExamples() []browserproto.ExampleEntry {
	out := []browserproto.ExampleEntry{}
	fsys := examplesFS()
	if fsys == nil {
		return out
	}
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isNotebookName(p) {
			return nil
		}
		out = append(out, browserproto.ExampleEntry{Name: p, Path: "examples/" + p})
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// readExample returns the content of the bundled example called name.
func readExample(name string) ([]byte, error) {
	fsys := examplesFS()
	if name == "" {
		return nil, errorf(http.StatusBadRequest, "no example name given")
	}
	if !fs.ValidPath(name) || strings.Contains(name, "\\") || !isNotebookName(name) {
		return nil, errorf(http.StatusBadRequest, "%q is not the name of a bundled example", name)
	}
	if fsys == nil {
		return nil, errorf(http.StatusNotFound, "no example %q: this build bundles no examples", name)
	}
	data, err := fs.ReadFile(fsys, path.Clean(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errorf(http.StatusNotFound, "no bundled example %q", name)
	}
	return data, err
}
