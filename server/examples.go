package server

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"

	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/server/browserproto"
)

// examplesDir is the workspace folder that holds the user's copies of the bundled
// examples: each is copied there when first opened and reopened from there after,
// so a second open finds the user's edits (and the models the example saved beside
// it) instead of making digits-1.gonb.
const examplesDir = "examples"

// examplesFS returns the bundled example notebooks (.gonb files at its root).
func examplesFS() fs.FS { return notebooks.Examples() }

// exampleSummaries holds the title and description of each bundled example by file
// name, read from the notebooks once: they are part of the build.
var exampleSummaries = sync.OnceValue(func() map[string]notebooks.Summary {
	out := map[string]notebooks.Summary{}
	fsys := examplesFS()
	if fsys == nil {
		return out
	}
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isNotebookName(p) {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil
		}
		// A bundled example that does not parse is a build error that the notebooks
		// tests catch; here it is still listed, under its file name.
		if nb, err := notebooks.Parse(data); err == nil {
			out[p] = notebooks.Summarize(nb)
		} else {
			out[p] = notebooks.Summary{}
		}
		return nil
	})
	return out
})

// listExamples lists the bundled example notebooks with their titles and
// descriptions, and where the user's copy of each is, if there is one.
func (s *Server) listExamples() []browserproto.ExampleEntry {
	out := []browserproto.ExampleEntry{}
	for name, sum := range exampleSummaries() {
		e := browserproto.ExampleEntry{Name: name, Path: "examples/" + name, Title: sum.Title, Description: sum.Description}
		if e.Title == "" {
			e.Title = strings.TrimSuffix(name, path.Ext(name))
		}
		if copyRel := exampleCopyPath(name); s.isNotebookFile(copyRel) {
			e.Copy = copyRel
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return exampleOrder(out[i].Name) < exampleOrder(out[j].Name) })
	return out
}

// exampleOrder sorts the welcome tour first (it is where a newcomer starts), the
// others by name.
func exampleOrder(name string) string {
	if name == "welcome.gonb" {
		return ""
	}
	return name
}

// exampleCopyPath is where the user's copy of the bundled example name lives.
func exampleCopyPath(name string) string { return joinRel(examplesDir, name) }

// isNotebookFile reports whether rel is a regular file under the root (links
// inside the root followed).
func (s *Server) isNotebookFile(rel string) bool {
	info, err := s.rootFS.Stat(osPath(rel))
	return err == nil && info.Mode().IsRegular()
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

// handleOpenExample answers POST /api/examples/open: the path of the user's copy
// of a bundled example, made now (examples/NAME) if there is none yet. With
// "fresh", a new copy of the original is made beside the others (examples/NAME-1,
// -2, ...) whether or not one exists.
func (s *Server) handleOpenExample(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name  string `json:"name"`
		Fresh bool   `json:"fresh"`
	}
	if err := decodeBody(w, r, &req); err != nil {
		s.writeErr(w, err)
		return
	}
	name := strings.TrimPrefix(req.Name, "examples/")
	data, err := readExample(name)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	nb, err := notebooks.Parse(data)
	if err != nil {
		s.writeErr(w, fmt.Errorf("bundled example %q: %w", name, err))
		return
	}
	s.contentsMu.Lock()
	defer s.contentsMu.Unlock()
	if err := s.makeExamplesDir(); err != nil {
		s.writeErr(w, err)
		return
	}
	target := exampleCopyPath(name)
	if req.Fresh {
		ext := path.Ext(name)
		target = joinRel(examplesDir, s.uniqueName(examplesDir, strings.TrimSuffix(name, ext), "-", ext, false))
	} else {
		info, err := s.rootFS.Stat(osPath(target))
		switch {
		case err == nil && info.Mode().IsRegular():
			writeJSON(w, http.StatusOK, browserproto.OpenExampleReply{Path: target, Created: false})
			return
		case err == nil:
			s.writeErr(w, errorf(http.StatusConflict, "%q is where the copy of the example goes, but it is not a notebook file; rename or remove it to open the example", target))
			return
		case !errors.Is(err, fs.ErrNotExist):
			s.writeErr(w, fsError("look for the copy of example "+strconv.Quote(name)+" at", target, err))
			return
		}
	}
	if err := notebooks.SaveIn(s.rootFS, osPath(target), nb); err != nil {
		s.writeErr(w, fsError("copy example "+strconv.Quote(name)+" to", target, err))
		return
	}
	writeJSON(w, http.StatusOK, browserproto.OpenExampleReply{Path: target, Created: true})
}

// makeExamplesDir makes the workspace's examples folder if it does not exist.
func (s *Server) makeExamplesDir() error {
	err := s.rootFS.Mkdir(examplesDir, 0o755)
	if err == nil {
		return nil
	}
	if !errors.Is(err, fs.ErrExist) {
		return fsError("make the examples folder", examplesDir, err)
	}
	info, err := s.rootFS.Stat(examplesDir)
	if err != nil {
		return fsError("open the examples folder", examplesDir, err)
	}
	if !info.IsDir() {
		return errorf(http.StatusConflict, "%q is where the copies of the examples go, but it is not a folder; rename or remove it to open an example", examplesDir)
	}
	return nil
}
