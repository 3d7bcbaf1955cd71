package server

import (
	"path/filepath"
	"testing"
)

// TestRootDefaultsToWorkingDirectory checks issue 3 item 1: without a root the
// server serves the working directory.
func TestRootDefaultsToWorkingDirectory(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	s, err := New(Config{Token: "audit-token"})
	if err != nil {
		t.Fatalf("New without a root: %v", err)
	}
	defer s.Close()
	want, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Root() != want {
		t.Errorf("Root() = %q, want the working directory %q", s.Root(), want)
	}
}
