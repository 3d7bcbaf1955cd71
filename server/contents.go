package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"

	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/server/browserproto"
)

func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	rel, _, err := s.resolveDir(r.URL.Query().Get("path"))
	if err != nil {
		s.writeErr(w, err)
		return
	}
	dirents, err := s.readDir(rel)
	if err != nil {
		s.writeErr(w, fsError("list", rel, err))
		return
	}
	listing := browserproto.ContentsListing{Path: rel, Entries: []browserproto.ContentsEntry{}, Examples: s.listExamples()}
	for _, de := range dirents {
		name := de.Name()
		if strings.HasPrefix(name, ".") {
			continue // hidden files, including half-written save temporaries
		}
		// Stat through the root follows links inside it and fails for dangling
		// links and links out of the root, which are not offered.
		fi, err := s.rootFS.Stat(osPath(joinRel(rel, name)))
		if err != nil {
			continue
		}
		e := browserproto.ContentsEntry{Name: name, Path: joinRel(rel, name), Size: fi.Size(), MTime: fi.ModTime().UnixMilli()}
		switch {
		case fi.IsDir():
			e.Type, e.Size = "directory", 0
		case isNotebookName(name):
			e.Type = "notebook"
		default:
			e.Type = "file"
		}
		listing.Entries = append(listing.Entries, e)
	}
	sort.Slice(listing.Entries, func(i, j int) bool {
		a, b := listing.Entries[i], listing.Entries[j]
		if (a.Type == "directory") != (b.Type == "directory") {
			return a.Type == "directory"
		}
		return strings.ToLower(a.Name) < strings.ToLower(b.Name)
	})
	writeJSON(w, http.StatusOK, listing)
}

// notFound reports the failure to open rel: 404 if it does not exist.
func notFound(rel string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return errorf(http.StatusNotFound, "%q does not exist", rel)
	}
	return fsError("open", rel, err)
}

// readDir lists the directory rel through the root.
func (s *Server) readDir(rel string) ([]fs.DirEntry, error) {
	d, err := s.rootFS.Open(osPath(rel))
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return d.ReadDir(-1)
}

// resolveDir resolves p and checks that it is an existing directory.
func (s *Server) resolveDir(p string) (rel, abs string, err error) {
	rel, abs, err = s.resolvePath(p)
	if err != nil {
		return "", "", err
	}
	info, err := s.rootFS.Stat(osPath(rel))
	if err != nil {
		return "", "", notFound(rel, err)
	}
	if !info.IsDir() {
		return "", "", errorf(http.StatusBadRequest, "%q is not a directory", rel)
	}
	return rel, abs, nil
}

// resolveNotebook resolves p and checks that it names an existing notebook file.
func (s *Server) resolveNotebook(p string) (rel, abs string, err error) {
	if p == "" {
		return "", "", errorf(http.StatusBadRequest, "no notebook path given")
	}
	rel, abs, err = s.resolvePath(p)
	if err != nil {
		return "", "", err
	}
	if !isNotebookName(rel) {
		return "", "", errorf(http.StatusBadRequest, "%q is not a notebook (.gonb or .ipynb)", rel)
	}
	info, err := s.rootFS.Stat(osPath(rel))
	if err != nil {
		return "", "", notFound(rel, err)
	}
	if !info.Mode().IsRegular() {
		return "", "", errorf(http.StatusBadRequest, "%q is not a regular file", rel)
	}
	return rel, abs, nil
}

type pathReply struct {
	Path string `json:"path"`
}

func (s *Server) handleNew(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Dir  string `json:"dir"`
		Name string `json:"name"`
	}
	if err := decodeBody(w, r, &req); err != nil {
		s.writeErr(w, err)
		return
	}
	dirRel, _, err := s.resolveDir(req.Dir)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	nb := notebooks.New()
	nb.Cells = append(nb.Cells, notebooks.NewCell(notebooks.CodeCell, ""))
	s.contentsMu.Lock()
	defer s.contentsMu.Unlock()
	var name string
	if req.Name != "" {
		name = req.Name
		if !isNotebookName(name) {
			name += ".gonb"
		}
		if err := checkName(name); err != nil {
			s.writeErr(w, err)
			return
		}
		if _, err := s.rootFS.Lstat(osPath(joinRel(dirRel, name))); err == nil {
			s.writeErr(w, errorf(http.StatusConflict, "%q already exists", joinRel(dirRel, name)))
			return
		}
	} else {
		name = s.uniqueName(dirRel, "Untitled", "", ".gonb", true)
	}
	if err := notebooks.SaveIn(s.rootFS, osPath(joinRel(dirRel, name)), nb); err != nil {
		s.writeErr(w, fsError("create notebook", joinRel(dirRel, name), err))
		return
	}
	writeJSON(w, http.StatusOK, pathReply{Path: joinRel(dirRel, name)})
}

func (s *Server) handleRename(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Path    string `json:"path"`
		NewPath string `json:"new_path"`
	}
	if err := decodeBody(w, r, &req); err != nil {
		s.writeErr(w, err)
		return
	}
	if req.Path == "" || req.NewPath == "" {
		s.writeErr(w, errorf(http.StatusBadRequest, "rename needs \"path\" and \"new_path\""))
		return
	}
	// The new name first: a name too long for the file system would otherwise
	// be refused by the path check with a less helpful message.
	if err := checkName(path.Base(path.Clean(req.NewPath))); err != nil {
		s.writeErr(w, err)
		return
	}
	oldRel, _, err := s.resolvePath(req.Path)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	newRel, _, err := s.resolvePath(req.NewPath)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	if oldRel == "" || newRel == "" {
		s.writeErr(w, errorf(http.StatusBadRequest, "the notebook root itself cannot be renamed"))
		return
	}
	info, err := s.rootFS.Lstat(osPath(oldRel))
	if err != nil {
		s.writeErr(w, notFound(oldRel, err))
		return
	}
	if !info.IsDir() && isNotebookName(oldRel) != isNotebookName(newRel) {
		s.writeErr(w, errorf(http.StatusBadRequest, "renaming %q to %q would change whether it is a notebook; keep the .gonb or .ipynb extension", oldRel, newRel))
		return
	}
	if info.IsDir() && relWithin(oldRel, newRel) {
		s.writeErr(w, errorf(http.StatusBadRequest, "cannot move directory %q into itself", oldRel))
		return
	}
	s.contentsMu.Lock()
	defer s.contentsMu.Unlock()
	if _, err := s.rootFS.Lstat(osPath(newRel)); err == nil {
		s.writeErr(w, errorf(http.StatusConflict, "%q already exists", newRel))
		return
	}
	if _, err := s.rootFS.Stat(osPath(parentRel(newRel))); err != nil {
		s.writeErr(w, notFound(path.Dir(newRel), err))
		return
	}
	// Hold off saves of the notebooks being moved, so none writes to the old name
	// between the rename and the sessions learning the new one.
	for _, sess := range s.sessionsUnder(oldRel) {
		sess.saveMu.Lock()
		defer sess.saveMu.Unlock()
	}
	if err := s.rootFS.Rename(osPath(oldRel), osPath(newRel)); err != nil {
		s.writeErr(w, fsError("rename "+strconv.Quote(oldRel)+" to", newRel, err))
		return
	}
	s.renameSessions(oldRel, newRel)
	writeJSON(w, http.StatusOK, pathReply{Path: newRel})
}

func (s *Server) handleDuplicate(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Path string `json:"path"`
	}
	if err := decodeBody(w, r, &req); err != nil {
		s.writeErr(w, err)
		return
	}
	rel, _, err := s.resolveNotebook(req.Path)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	nb, err := s.currentNotebook(rel)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	ext := path.Ext(rel)
	base := strings.TrimSuffix(path.Base(rel), ext)
	dirRel := parentRel(rel)
	s.contentsMu.Lock()
	defer s.contentsMu.Unlock()
	name := s.uniqueName(dirRel, base, "-Copy", ext, false)
	if err := notebooks.SaveIn(s.rootFS, osPath(joinRel(dirRel, name)), nb); err != nil {
		s.writeErr(w, fsError("duplicate "+strconv.Quote(rel)+" as", joinRel(dirRel, name), err))
		return
	}
	writeJSON(w, http.StatusOK, pathReply{Path: joinRel(dirRel, name)})
}

func parentRel(rel string) string {
	d := path.Dir(rel)
	if d == "." {
		return ""
	}
	return d
}

// currentNotebook returns the notebook as the user sees it: the live document of
// an open session (a copy), or the file.
func (s *Server) currentNotebook(rel string) (*notebooks.Notebook, error) {
	if sess := s.lookupSession(rel); sess != nil {
		return sess.cloneDocument(), nil
	}
	data, err := s.rootFS.ReadFile(osPath(rel))
	if err != nil {
		return nil, notFound(rel, err)
	}
	nb, err := notebooks.Parse(data)
	if err != nil {
		var fe *notebooks.FormatError
		if errors.As(err, &fe) {
			fe.Path = rel
			return nil, errorf(http.StatusUnprocessableEntity, "%v", fe)
		}
		return nil, errorf(http.StatusUnprocessableEntity, "%s: %v", rel, err)
	}
	return nb, nil
}

func (s *Server) handleDelete(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Path string `json:"path"`
	}
	if err := decodeBody(w, r, &req); err != nil {
		s.writeErr(w, err)
		return
	}
	if req.Path == "" {
		s.writeErr(w, errorf(http.StatusBadRequest, "delete needs \"path\""))
		return
	}
	rel, _, err := s.resolvePath(req.Path)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	if rel == "" {
		s.writeErr(w, errorf(http.StatusBadRequest, "the notebook root cannot be deleted"))
		return
	}
	info, err := s.rootFS.Lstat(osPath(rel))
	if err != nil {
		s.writeErr(w, notFound(rel, err))
		return
	}
	if info.IsDir() {
		if entries, err := s.readDir(rel); err == nil && len(entries) > 0 {
			s.writeErr(w, errorf(http.StatusConflict, "directory %q is not empty; delete what it holds first", rel))
			return
		}
	}
	// Close the notebook's session first, without saving: the user deletes it.
	for _, sess := range s.sessionsUnder(rel) {
		s.dropSession(sess)
		sess.close(false)
	}
	if err := s.rootFS.Remove(osPath(rel)); err != nil {
		s.writeErr(w, fsError("delete", rel, err))
		return
	}
	writeJSON(w, http.StatusOK, struct{}{})
}

func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
	dirRel, _, err := s.resolveDir(r.URL.Query().Get("dir"))
	if err != nil {
		s.writeErr(w, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBody)
	file, header, err := r.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.writeErr(w, mbe)
			return
		}
		s.writeErr(w, errorf(http.StatusBadRequest, "upload needs a multipart form with the notebook in the field \"file\": %s", bareError(err)))
		return
	}
	defer file.Close()
	name := path.Base(strings.ReplaceAll(header.Filename, "\\", "/"))
	if err := checkName(name); err != nil {
		s.writeErr(w, err)
		return
	}
	if !isNotebookName(name) {
		s.writeErr(w, errorf(http.StatusUnsupportedMediaType, "%q is not a notebook: only .gonb and .ipynb files can be uploaded", name))
		return
	}
	data, err := io.ReadAll(file)
	if err != nil {
		// Large uploads are spooled to a temporary file: keep its path out of the message.
		s.writeErr(w, errorf(http.StatusInternalServerError, "read the upload: %s", bareError(err)))
		return
	}
	nb, err := notebooks.Parse(data)
	if err != nil {
		s.writeErr(w, errorf(http.StatusUnprocessableEntity, "%s: %v", name, err))
		return
	}
	s.contentsMu.Lock()
	defer s.contentsMu.Unlock()
	if _, err := s.rootFS.Lstat(osPath(joinRel(dirRel, name))); err == nil {
		ext := path.Ext(name)
		name = s.uniqueName(dirRel, strings.TrimSuffix(name, ext), "-", ext, false)
	}
	if err := notebooks.SaveIn(s.rootFS, osPath(joinRel(dirRel, name)), nb); err != nil {
		s.writeErr(w, fsError("store upload as", joinRel(dirRel, name), err))
		return
	}
	writeJSON(w, http.StatusOK, pathReply{Path: joinRel(dirRel, name)})
}

func (s *Server) handleDownload(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	rel, _, err := s.resolveNotebook(q.Get("path"))
	if err != nil {
		s.writeErr(w, err)
		return
	}
	format := q.Get("format")
	if format == "" {
		format = "gonb"
	}
	if format != "gonb" && format != "ipynb" && format != "html" {
		s.writeErr(w, errorf(http.StatusBadRequest, "unknown download format %q: use gonb, ipynb or html", format))
		return
	}
	nb, err := s.currentNotebook(rel)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	base := strings.TrimSuffix(path.Base(rel), path.Ext(rel))
	var (
		body  []byte
		ctype string
	)
	switch format {
	case "gonb", "ipynb":
		body, err = nb.Marshal()
		ctype = "application/x-ipynb+json"
	case "html":
		var buf bytes.Buffer
		err = exportHTML(&buf, nb, base)
		body, ctype = buf.Bytes(), "text/html; charset=utf-8"
	}
	if err != nil {
		s.writeErr(w, fmt.Errorf("download %q as %s: %w", rel, format, err))
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", base+"."+format))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(body)
}

func (s *Server) handleKernels(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.kernelInfos())
}

func (s *Server) handleKernelShutdown(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Path string `json:"path"`
	}
	if err := decodeBody(w, r, &req); err != nil {
		s.writeErr(w, err)
		return
	}
	rel, _, err := s.resolvePath(req.Path)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	sess := s.lookupSession(rel)
	if sess == nil {
		s.writeErr(w, errorf(http.StatusNotFound, "no kernel runs for %q", rel))
		return
	}
	sess.shutdownKernel("the kernel was shut down from the notebook list")
	writeJSON(w, http.StatusOK, struct{}{})
}
