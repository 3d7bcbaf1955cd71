package server

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gopad.dev/gopad/export"
	"gopad.dev/gopad/kernel"
	"gopad.dev/gopad/serving/registry"
)

// The endpoint page's Export action: the same artefacts as `gopad export`
// (package export) written into a new folder of the notebook root,
// exports/NAME-vN (NAME-vN-2, ... when that is taken: an export never
// replaces files), where the file browser shows them and podman, kubectl and
// crane on this machine take them by path.
//
// An export takes seconds to minutes (a static gopad may have to be built
// first), so it runs as a job in the background: POST starts it and answers
// at once; the page follows its state with GET (which can wait for the next
// change) and survives reloads. One export runs at a time; more wait in
// line. The export is written into a staging folder outside the root and
// copied in through the root's os.Root, so nothing it writes can land outside
// the root, and the folder holds only complete exports (a failed one is
// removed).

// exportsDir is the folder of the root that exports go into.
const exportsDir = "exports"

// Export job states, in order.
const (
	exportQueued  = "queued"  // waiting for another export to finish
	exportBinary  = "binary"  // finding (or building) the static gopad for the image
	exportWriting = "writing" // building the image, manifests and README
	exportCopying = "copying" // into the notebook root
	exportDone    = "done"
	exportFailed  = "failed"
)

// maxExportJobs is how many finished jobs the server remembers.
const maxExportJobs = 50

// exportCommand is a command line the page shows for a finished export.
type exportCommand struct {
	ID      string `json:"id"`
	Label   string `json:"label"`
	Command string `json:"command"`
}

// exportJob is one export, as the API answers it.
type exportJob struct {
	ID      string `json:"id"`
	Model   string `json:"model"`
	Version int    `json:"version"`
	State   string `json:"state"`
	// Step says in words what the export does now (or did last).
	Step string `json:"step"`
	// Seq grows with every change; GET ...?since=Seq waits for the next one.
	Seq int `json:"seq"`
	// Dir is the export's folder, relative to the root; Path is where it is
	// on the server's disk (for the command lines).
	Dir      string     `json:"dir"`
	Path     string     `json:"path"`
	Started  time.Time  `json:"started"`
	Finished *time.Time `json:"finished,omitempty"`
	Error    string     `json:"error,omitempty"`

	// Set when done.
	Files      []string        `json:"files,omitempty"`
	Bytes      int64           `json:"bytes,omitempty"`
	Tag        string          `json:"tag,omitempty"`
	ImageID    string          `json:"image_id,omitempty"`
	Digest     string          `json:"digest,omitempty"`
	Binary     string          `json:"binary,omitempty"` // where the image's gopad came from
	StorageURI string          `json:"storage_uri,omitempty"`
	Commands   []exportCommand `json:"commands,omitempty"`

	changed chan struct{} // closed and replaced on every change
}

// exporter runs the server's export jobs.
type exporter struct {
	ctx    context.Context // ends when the server closes: running builds stop
	cancel context.CancelFunc
	wg     sync.WaitGroup
	slot   chan struct{} // one export at a time

	mu     sync.Mutex
	jobs   []*exportJob // oldest first
	closed bool

	binMu  sync.Mutex
	bin    export.Binary // found or built once, then reused
	binDir string        // the server's temporary folder for a built gopad
}

func newExporter() *exporter {
	ctx, cancel := context.WithCancel(context.Background())
	return &exporter{ctx: ctx, cancel: cancel, slot: make(chan struct{}, 1)}
}

// close stops running exports, waits for them, and removes the built gopad.
func (x *exporter) close() {
	x.mu.Lock()
	x.closed = true // no job starts after this: wg.Add never races wg.Wait
	x.mu.Unlock()
	x.cancel()
	x.wg.Wait()
	x.binMu.Lock()
	defer x.binMu.Unlock()
	if x.binDir != "" {
		os.RemoveAll(x.binDir)
	}
}

// view returns a copy of j for an answer (under x.mu).
func (x *exporter) view(j *exportJob) exportJob {
	x.mu.Lock()
	defer x.mu.Unlock()
	v := *j
	v.Files = slices.Clone(j.Files)
	v.Commands = slices.Clone(j.Commands)
	v.changed = nil
	return v
}

// update changes j under x.mu and wakes whoever waits for it.
func (x *exporter) update(j *exportJob, change func(*exportJob)) {
	x.mu.Lock()
	defer x.mu.Unlock()
	change(j)
	j.Seq++
	close(j.changed)
	j.changed = make(chan struct{})
}

func (x *exporter) find(model, id string) *exportJob {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, j := range x.jobs {
		if j.ID == id && j.Model == model {
			return j
		}
	}
	return nil
}

// running returns the unfinished job of model's version, if any.
func (x *exporter) running(model string, version int) *exportJob {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, j := range x.jobs {
		if j.Model == model && j.Version == version && j.State != exportDone && j.State != exportFailed {
			return j
		}
	}
	return nil
}

// launch records j and runs run(j) in the background; false if the server
// is closing.
func (x *exporter) launch(j *exportJob, run func(*exportJob)) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return false
	}
	x.wg.Add(1)
	go func() {
		defer x.wg.Done()
		run(j)
	}()
	x.jobs = append(x.jobs, j)
	// Forget the oldest finished jobs; their folders stay in the root.
	for len(x.jobs) > maxExportJobs {
		i := slices.IndexFunc(x.jobs, func(j *exportJob) bool { return j.State == exportDone || j.State == exportFailed })
		if i < 0 {
			break
		}
		x.jobs = slices.Delete(x.jobs, i, i+1)
	}
	return true
}

// binary returns the static linux/amd64 gopad that goes into images: the
// configured one, else this executable if it is one, else one built from
// gopad's source around the working directory, once per server.
func (s *Server) exportBinary(ctx context.Context) (export.Binary, error) {
	x := s.exports
	x.binMu.Lock()
	defer x.binMu.Unlock()
	if p := s.cfg.ExportBinary; p != "" {
		if err := export.CheckBinary(p); err != nil {
			return export.Binary{}, fmt.Errorf("the gopad given for images (-export-binary) cannot go into one: %w", err)
		}
		return export.Binary{Path: p, Origin: "given to the notebook server with -export-binary (" + p + ")"}, nil
	}
	if x.bin.Path != "" {
		if err := export.CheckBinary(x.bin.Path); err == nil {
			return x.bin, nil
		}
	}
	if x.binDir == "" {
		dir, err := os.MkdirTemp("", "gopad-server-export-")
		if err != nil {
			return export.Binary{}, fmt.Errorf("a temporary folder for gopad's static binary: %w", err)
		}
		x.binDir = dir
	}
	bin, err := export.FindBinary(ctx, x.binDir)
	if err != nil {
		return export.Binary{}, fmt.Errorf("no static linux/amd64 gopad for the image: %w (or start the notebook server with -export-binary FILE, a gopad built with CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build)", err)
	}
	x.bin = bin
	return bin, nil
}

func (s *Server) exportRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/models/{name}/export", s.handleExportStart)
	mux.HandleFunc("GET /api/models/{name}/exports", s.handleExportList)
	mux.HandleFunc("GET /api/models/{name}/exports/{id}", s.handleExportGet)
	mux.HandleFunc(routeExportDownload, s.handleExportDownload)
}

// handleExportStart checks the model and version, claims the export's folder
// and starts the job. A second request for a version whose export is still
// running answers that export.
func (s *Server) handleExportStart(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	var req struct {
		Version *int `json:"version"`
	}
	if err := decodeOptionalBody(w, r, &req); err != nil {
		s.writeErr(w, err)
		return
	}
	s.syncModels()
	inf, err := s.models.registry.Get(name)
	if err != nil {
		s.writeErr(w, modelError(err))
		return
	}
	version := inf.Default
	if req.Version != nil {
		if *req.Version <= 0 {
			writeError(w, http.StatusBadRequest, fmt.Sprintf(`export needs {"version": N}, N a version of %q (1, 2, ...), or no version for the default; got %d`, name, *req.Version))
			return
		}
		version = *req.Version
	}
	if _, err := inf.Version(version); err != nil {
		s.writeErr(w, modelError(err))
		return
	}
	if j := s.exports.running(name, version); j != nil {
		writeJSON(w, http.StatusOK, s.exports.view(j))
		return
	}
	dir, err := s.claimExportDir(name, version)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	var id [8]byte
	_, _ = rand.Read(id[:])
	j := &exportJob{ID: hex.EncodeToString(id[:]), Model: name, Version: version, State: exportQueued,
		Step: "waiting for another export to finish", Dir: dir, Path: filepath.Join(s.root, filepath.FromSlash(dir)),
		Started: time.Now().UTC(), changed: make(chan struct{})}
	if !s.exports.launch(j, s.runExport) {
		s.rootFS.Remove(filepath.FromSlash(dir))
		writeError(w, http.StatusServiceUnavailable, "the server is shutting down")
		return
	}
	writeJSON(w, http.StatusAccepted, s.exports.view(j))
}

// claimExportDir makes the new, empty folder exports/NAME-vN (or NAME-vN-2,
// ... if that exists) through the root and returns its root-relative path.
// Making it is the claim: two exports never share a folder, and an existing
// one is never written into.
func (s *Server) claimExportDir(name string, version int) (string, error) {
	s.contentsMu.Lock()
	defer s.contentsMu.Unlock()
	if err := s.checkInsideRoot(exportsDir, exportsDir); err != nil {
		return "", err
	}
	if info, err := s.rootFS.Stat(exportsDir); err == nil && !info.IsDir() {
		return "", errorf(http.StatusConflict, "%q in the notebook root is a file, not a folder: exports go into the folder %s/ (rename or move the file)", exportsDir, exportsDir)
	}
	if err := s.rootFS.MkdirAll(exportsDir, 0o755); err != nil {
		return "", fsError("make the folder", exportsDir, err)
	}
	base := name + "-v" + strconv.Itoa(version)
	for i := 1; i < 1000; i++ {
		dir := exportsDir + "/" + base
		if i > 1 {
			dir += "-" + strconv.Itoa(i)
		}
		err := s.rootFS.Mkdir(filepath.FromSlash(dir), 0o755)
		if err == nil {
			return dir, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", fsError("make the export folder", dir, err)
		}
	}
	return "", errorf(http.StatusConflict, "%s/%s-* are all taken: remove old exports", exportsDir, base)
}

// runExport runs j to its end: the static gopad, the export into a staging
// folder, the copy into j.Dir.
func (s *Server) runExport(j *exportJob) {
	x := s.exports
	fail := func(err error) {
		// The claimed folder holds at most a partial copy: remove it.
		if rerr := s.rootFS.RemoveAll(filepath.FromSlash(j.Dir)); rerr != nil {
			s.logf("gopad server: remove the failed export %s: %s", j.Dir, bareError(rerr))
		}
		if x.ctx.Err() != nil {
			// A build killed by the shutdown fails with "signal: killed": say what happened.
			err = errors.New("the notebook server stopped during the export; nothing was kept")
		}
		now := time.Now().UTC()
		x.update(j, func(j *exportJob) { j.State, j.Error, j.Finished = exportFailed, err.Error(), &now })
	}
	select {
	case x.slot <- struct{}{}:
		defer func() { <-x.slot }()
	case <-x.ctx.Done():
		fail(errors.New("the notebook server stopped before the export began"))
		return
	}
	x.update(j, func(j *exportJob) {
		j.State, j.Step = exportBinary, "finding a static linux/amd64 gopad for the image (building one takes a minute the first time)"
	})
	bin, err := s.exportBinary(x.ctx)
	if err != nil {
		fail(err)
		return
	}
	x.update(j, func(j *exportJob) {
		j.State, j.Step, j.Binary = exportWriting, "writing the OCI image, Dockerfile, Kubernetes and KServe manifests and README", bin.Origin
	})
	staging, err := os.MkdirTemp("", "gopad-export-")
	if err != nil {
		fail(fmt.Errorf("a staging folder: %w", err))
		return
	}
	defer os.RemoveAll(staging)
	out := filepath.Join(staging, path.Base(j.Dir))
	res, err := export.Export(x.ctx, export.Options{
		Registry: s.models.registry, Model: j.Model, Version: j.Version, Dir: out, Binary: bin,
		GopadVersion: kernel.Version(),
	})
	if err != nil {
		// Name the export's folder, not the staging one.
		fail(errors.New(strings.ReplaceAll(err.Error(), out, j.Dir)))
		return
	}
	x.update(j, func(j *exportJob) { j.State, j.Step = exportCopying, "copying the files into "+j.Dir })
	size, err := s.copyIntoRoot(out, j.Dir)
	if err != nil {
		fail(err)
		return
	}
	files := slices.Clone(res.Files)
	for i, f := range files {
		files[i] = filepath.ToSlash(f)
	}
	slices.Sort(files)
	now := time.Now().UTC()
	x.update(j, func(j *exportJob) {
		j.State, j.Step, j.Finished = exportDone, "exported", &now
		j.Files, j.Bytes, j.Tag, j.ImageID, j.Digest, j.StorageURI = files, size, res.Tag, res.ImageID.String(), res.Digest.String(), res.StorageURI
		j.Commands = exportCommands(j.Path, res)
	})
}

// exportCommands are the lines that use an export at dir, as pasted into a
// shell on this machine.
func exportCommands(dir string, res *export.Result) []exportCommand {
	p := func(rel string) string { return shellQuote(filepath.Join(dir, filepath.FromSlash(rel))) }
	port := strconv.Itoa(export.Port)
	return []exportCommand{
		{"podman-load", "Load the image", "podman load -i " + p("image.tar")},
		{"docker-load", "or with Docker", "docker load -i " + p("image.tar")},
		{"podman-run", "Run it here", "podman run --rm -p " + port + ":" + port + " " + res.Tag},
		{"kubectl-apply", "Deploy to Kubernetes", "kubectl apply -k " + p("k8s")},
		{"kserve-apply", "Or to KServe (copy kserve/model to " + res.StorageURI + " first)",
			"kubectl apply -f " + p("kserve/clusterservingruntime.yaml") + " -f " + p("kserve/inferenceservice.yaml")},
	}
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_./:=@+,-]+$`)

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// copyIntoRoot copies the folder src (the staging export) into the existing,
// empty root folder dst through the root, keeping file modes; it creates no
// file that exists already. It returns the bytes copied.
func (s *Server) copyIntoRoot(src, dst string) (int64, error) {
	var total int64
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if rel == "." {
			return nil
		}
		target := filepath.Join(filepath.FromSlash(dst), rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			if err := s.rootFS.Mkdir(target, 0o755); err != nil {
				return err
			}
			if info.Mode()&(fs.ModePerm|fs.ModeSticky) != 0o755 {
				return s.rootFS.Chmod(target, info.Mode()&(fs.ModePerm|fs.ModeSticky))
			}
			return nil
		case d.Type().IsRegular():
			n, err := s.copyFileIntoRoot(p, target, info.Mode().Perm())
			total += n
			return err
		}
		return fmt.Errorf("%s is not a file or folder", rel)
	})
	if err != nil {
		return 0, fsError("copy the export into", dst, err)
	}
	return total, nil
}

func (s *Server) copyFileIntoRoot(src, dst string, mode fs.FileMode) (int64, error) {
	in, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	out, err := s.rootFS.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil && mode&0o111 != 0 {
		err = s.rootFS.Chmod(dst, mode) // not narrowed by the umask: gopad must stay executable
	}
	return n, err
}

func (s *Server) handleExportList(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if err := registry.CheckName(name); err != nil {
		s.writeErr(w, modelError(err))
		return
	}
	out := []exportJob{}
	s.exports.mu.Lock()
	var mine []*exportJob
	for _, j := range slices.Backward(s.exports.jobs) {
		if j.Model == name {
			mine = append(mine, j)
		}
	}
	s.exports.mu.Unlock()
	for _, j := range mine {
		out = append(out, s.exports.view(j))
	}
	writeJSON(w, http.StatusOK, map[string]any{"exports": out})
}

// maxExportWait bounds how long GET ...?since=N waits for a change: well
// within the route's write deadline.
const maxExportWait = 20 * time.Second

// handleExportGet answers a job; with ?since=N it first waits (up to
// maxExportWait) until the job has changed after its state N.
func (s *Server) handleExportGet(w http.ResponseWriter, r *http.Request) {
	name, id := r.PathValue("name"), r.PathValue("id")
	if err := registry.CheckName(name); err != nil {
		s.writeErr(w, modelError(err))
		return
	}
	j := s.exports.find(name, id)
	if j == nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no export %q of model %q on this server (exports are listed until the server restarts; their folders stay in %s/)", id, name, exportsDir))
		return
	}
	if q := r.URL.Query().Get("since"); q != "" {
		since, err := strconv.Atoi(q)
		if err != nil || since < 0 {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("since=%q: give the seq of the state you have (a whole number)", q))
			return
		}
		timer := time.NewTimer(maxExportWait)
		defer timer.Stop()
		for {
			s.exports.mu.Lock()
			seq, changed := j.Seq, j.changed
			s.exports.mu.Unlock()
			if seq > since {
				break
			}
			select {
			case <-changed:
				continue
			case <-timer.C:
			case <-r.Context().Done():
				return
			case <-s.exports.ctx.Done():
			}
			break
		}
	}
	writeJSON(w, http.StatusOK, s.exports.view(j))
}

// handleExportDownload streams a finished export's folder, as it is in the
// root now, as NAME-vN.tar.gz: for a browser on another machine than the
// server. Files are read through the root; symbolic links are left out.
func (s *Server) handleExportDownload(w http.ResponseWriter, r *http.Request) {
	name, id := r.PathValue("name"), r.PathValue("id")
	if err := registry.CheckName(name); err != nil {
		s.writeErr(w, modelError(err))
		return
	}
	j := s.exports.find(name, id)
	if j == nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no export %q of model %q on this server", id, name))
		return
	}
	v := s.exports.view(j)
	if v.State != exportDone {
		writeError(w, http.StatusConflict, fmt.Sprintf("export %s of %s v%d is %s, not done: nothing to download yet", id, name, v.Version, v.State))
		return
	}
	sub, err := fs.Sub(s.rootFS.FS(), v.Dir)
	if err == nil {
		_, err = fs.Stat(sub, ".")
	}
	if err != nil {
		s.writeErr(w, fsError("download", v.Dir, err))
		return
	}
	base := path.Base(v.Dir)
	w.Header().Set("Content-Type", "application/gzip")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", base+".tar.gz"))
	w.Header().Set("Cache-Control", "no-store")
	gz, _ := gzip.NewWriterLevel(w, gzip.BestSpeed) // image.tar's layers are compressed already
	tw := tar.NewWriter(gz)
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		hdr, err := tar.FileInfoHeader(info, "")
		if err != nil {
			return err
		}
		hdr.Name = path.Join(base, p)
		if d.IsDir() {
			hdr.Name += "/"
		}
		hdr.Uname, hdr.Gname, hdr.Uid, hdr.Gid = "", "", 0, 0
		if err := tw.WriteHeader(hdr); err != nil || d.IsDir() {
			return err
		}
		f, err := sub.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(tw, f)
		return err
	})
	if err == nil {
		err = tw.Close()
	}
	if err == nil {
		err = gz.Close()
	}
	if err != nil {
		// The status is sent: cut the answer short so that the client sees a
		// broken archive, not a complete-looking one.
		s.logf("gopad server: download of %s: %s", v.Dir, bareError(err))
		panic(http.ErrAbortHandler)
	}
}
