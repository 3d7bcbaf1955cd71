package server

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/server/browserproto"
)

// fileState is what a session knows of its notebook file. It is guarded by
// session.mu; the session's methods in this file load, save and reload the
// document, detect changes made on disk by other programs and record which file
// contents the user trusts.
type fileState struct {
	stamp   diskStamp // the file content last loaded or saved
	dirty   bool      // the document has changes the file lacks
	editGen uint64    // bumped at every change: a save clears dirty only if none came meanwhile
	// conflict says why the file changed on disk under the document ("" when it did
	// not); saves then wait for the user to choose reload or overwrite.
	conflict string
	// signed is the digest this session last recorded as trusted for its file,
	// replaced at each save so the store keeps one entry per notebook.
	signed    notebooks.Digest
	saveTimer *time.Timer
}

// diskStamp identifies the file content the session last loaded or saved.
type diskStamp struct {
	size  int64
	mtime time.Time
	hash  [sha256.Size]byte
}

// readStamp reads the notebook rel through root (one open, so the stamp describes
// the data read).
func readStamp(root *os.Root, rel string) (diskStamp, []byte, error) {
	f, err := root.Open(osPath(rel))
	if err != nil {
		return diskStamp{}, nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return diskStamp{}, nil, err
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return diskStamp{}, nil, err
	}
	return diskStamp{size: info.Size(), mtime: info.ModTime(), hash: sha256.Sum256(data)}, data, nil
}

// changedOnDisk reports whether the notebook rel in root differs from the stamp, and how.
func (d diskStamp) changedOnDisk(root *os.Root, rel string) (bool, string) {
	info, err := root.Stat(osPath(rel))
	if errors.Is(err, fs.ErrNotExist) {
		return true, "the notebook file was deleted or moved on disk since it was opened"
	}
	if err != nil {
		return true, fmt.Sprintf("the notebook file cannot be checked: %s", bareError(err))
	}
	if info.Size() == d.size && info.ModTime().Equal(d.mtime) {
		return false, ""
	}
	data, err := root.ReadFile(osPath(rel))
	if err != nil {
		return true, fmt.Sprintf("the notebook file cannot be read: %s", bareError(err))
	}
	if sha256.Sum256(data) == d.hash {
		return false, ""
	}
	return true, "the notebook file was changed on disk by another program since gopad loaded it"
}

// loadLocked makes nb, just read from the file stamped stamp, the live document;
// its outputs are trusted if the user trusts that file content.
func (s *session) loadLocked(nb *notebooks.Notebook, stamp diskStamp) {
	digest := notebooks.Digest(stamp.hash)
	trusted := s.srv.trust.Trusted(digest)
	s.doc = newDocument(nb, trusted)
	s.file.stamp = stamp
	s.file.signed = notebooks.Digest{}
	if trusted {
		s.file.signed = digest
	}
}

// recordTrustLocked records the notebook's content of digest d as trusted.
func (s *session) recordTrustLocked(d notebooks.Digest) {
	if err := s.srv.trust.Replace(s.file.signed, d); err != nil {
		// Not fatal: the notebook opens as untrusted next time, which is safe.
		s.srv.logf("gopad server: %s: %v", s.rel, err)
		return
	}
	s.file.signed = d
}

// trust vouches for every output shown, as Jupyter's "Trust Notebook", and tells
// every tab. The file is recorded as trusted now if it holds what is shown, else
// by the next save.
func (s *session) trust() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errSessionClosed
	}
	events := s.doc.trustAll()
	if !s.file.dirty && s.file.conflict == "" {
		s.recordTrustLocked(notebooks.Digest(s.file.stamp.hash))
	}
	s.publishLocked(events, nil)
	return nil
}

// markDirtyLocked records a change and makes sure a save follows within delay.
func (s *session) markDirtyLocked(delay time.Duration) {
	s.file.dirty = true
	s.file.editGen++
	if s.closed || s.file.conflict != "" {
		return
	}
	if s.file.saveTimer != nil {
		return
	}
	s.file.saveTimer = time.AfterFunc(delay, func() {
		s.mu.Lock()
		s.file.saveTimer = nil
		closed := s.closed
		s.mu.Unlock()
		if !closed {
			_ = s.save(false)
		}
	})
}

var errConflict = errors.New("the notebook changed on disk; choose reload or overwrite")

// save writes the live document to its file atomically. Without force it refuses
// (and reports a conflict) when the file changed on disk since it was loaded or
// last saved. A failed save keeps the document and its dirty mark.
func (s *session) save(force bool) error {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errSessionClosed
	}
	if s.file.conflict != "" && !force {
		s.mu.Unlock()
		return errConflict
	}
	nb := cloneForSave(s.doc.nb)
	gen, rel, stamp := s.file.editGen, s.rel, s.file.stamp
	// Only a file whose every output is this user's may be recorded as trusted.
	allTrusted := s.doc.allTrusted()
	s.mu.Unlock()

	// Through the root: links swapped into the path since the notebook was opened
	// cannot make the save read or write outside it.
	root := s.srv.rootFS
	if !force {
		if changed, why := stamp.changedOnDisk(root, rel); changed {
			s.mu.Lock()
			s.file.conflict = why + ": choose reload (take the file's version) or overwrite (keep this version)"
			s.broadcastLocked(browserproto.ConflictMsg{Type: browserproto.MsgConflict, Message: s.file.conflict}, nil)
			s.mu.Unlock()
			return errConflict
		}
	}
	err := notebooks.SaveIn(root, osPath(rel), nb)
	var newStamp diskStamp
	if err == nil {
		newStamp, _, err = readStamp(root, rel)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.srv.logf("gopad server: save %s: %v", s.rel, err)
		s.broadcastLocked(browserproto.ErrorMsg{Type: browserproto.MsgError, Message: "could not save the notebook (your changes are kept in the server; fix the problem and save again): " + err.Error()}, nil)
		return err
	}
	s.file.stamp = newStamp
	if allTrusted {
		s.recordTrustLocked(notebooks.Digest(newStamp.hash))
	}
	s.file.conflict = ""
	if s.file.editGen == gen {
		s.file.dirty = false
	}
	s.broadcastLocked(browserproto.SavedMsg{Type: browserproto.MsgSaved, MTime: newStamp.mtime.UnixMilli()}, nil)
	return nil
}

// saveRequested saves because tab c asked; a conflict is told to c, which asks
// the user to choose, rather than reported as an error.
func (s *session) saveRequested(c *wsConn) error {
	err := s.save(false)
	if errors.Is(err, errConflict) {
		s.mu.Lock()
		c.sendLocked(browserproto.ConflictMsg{Type: browserproto.MsgConflict, Message: s.file.conflict})
		s.mu.Unlock()
		return nil
	}
	return err
}

// resolveConflict carries out the user's choice after a conflict: "reload" takes
// the file's version, "overwrite" keeps the document's.
func (s *session) resolveConflict(choice string) error {
	switch choice {
	case "reload":
		return s.reload()
	case "overwrite":
		return s.save(true)
	}
	return fmt.Errorf("choice must be \"reload\" or \"overwrite\", not %q", describe(choice))
}

// reload replaces the live document with the file's content (resolving a conflict
// in the file's favour) and sends every tab a fresh snapshot.
func (s *session) reload() error {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	s.mu.Lock()
	rel := s.rel
	s.mu.Unlock()
	stamp, data, err := readStamp(s.srv.rootFS, rel)
	if err != nil {
		return fsError("reload", rel, err)
	}
	nb, err := notebooks.Parse(data)
	if err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loadLocked(nb, stamp)
	s.file.conflict = ""
	s.file.dirty = false
	s.file.editGen++
	// Queued cells may not exist any more; the running one keeps running and its
	// output goes nowhere if its cell is gone.
	s.abortQueueLocked()
	s.broadcastLocked(s.snapshotLocked(), nil)
	return nil
}
