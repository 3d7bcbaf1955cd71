package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDefaultWorkspace: ~/gopad is made once and reused after; where it cannot be
// (no $HOME, the name taken by a file) the error says what to do instead.
func TestDefaultWorkspace(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	want := filepath.Join(home, "gopad")
	dir, created, err := DefaultWorkspace()
	if err != nil || dir != want || !created {
		t.Fatalf("first call: %q, created %v, %v; want %q made", dir, created, err, want)
	}
	if info, err := os.Stat(want); err != nil || !info.IsDir() {
		t.Fatalf("no folder %s: %v", want, err)
	}
	if err := os.WriteFile(filepath.Join(want, "kept.gonb"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir, created, err = DefaultWorkspace()
	if err != nil || dir != want || created {
		t.Fatalf("second call: %q, created %v, %v; want the existing %q", dir, created, err, want)
	}
	if _, err := os.Stat(filepath.Join(want, "kept.gonb")); err != nil {
		t.Fatalf("the second call lost what the workspace held: %v", err)
	}

	fileHome := t.TempDir()
	if err := os.WriteFile(filepath.Join(fileHome, "gopad"), []byte("a file"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", fileHome)
	if _, _, err := DefaultWorkspace(); err == nil || !strings.Contains(err.Error(), "is not a folder") || !strings.Contains(err.Error(), "gopad DIR") {
		t.Errorf("~/gopad a file: %v; want an error saying so and how to serve another folder", err)
	}

	t.Setenv("HOME", "")
	if _, _, err := DefaultWorkspace(); err == nil || !strings.Contains(err.Error(), "gopad DIR") {
		t.Errorf("no $HOME: %v; want an error that says to give the folder", err)
	}
}
