package registry

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestSnapshotKeepsOneVersionWithItsNumberAndLineage(t *testing.T) {
	r := openReg(t, t.TempDir())
	var second VersionInfo
	for i := 1; i <= 3; i++ {
		vi, err := r.Publish("digits", smallModel(t, int64(i)), Lineage{Notebook: "d.gonb", Cell: strings.Repeat("c", i)})
		if err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			second = vi
		}
	}
	dst := filepath.Join(t.TempDir(), "snap")
	vi, err := r.Snapshot("digits", 2, dst)
	if err != nil {
		t.Fatal(err)
	}
	if vi.Version != 2 || vi.Bytes != second.Bytes || vi.Lineage.Cell != "cc" {
		t.Fatalf("snapshot of version 2: %+v", vi)
	}
	snap := openReg(t, dst)
	inf, err := snap.Get("digits")
	if err != nil {
		t.Fatal(err)
	}
	if inf.Default != 2 || inf.Latest != 2 || len(inf.Versions) != 1 || inf.Versions[0].Lineage.Cell != "cc" || !inf.Versions[0].Created.Equal(second.Created) {
		t.Fatalf("the snapshot: %+v", inf)
	}
	orig, _, err := r.Load("digits", 2)
	if err != nil {
		t.Fatal(err)
	}
	copied, v, err := snap.Load("digits", 0)
	if err != nil || v != 2 || !samePredictions(t, orig, copied) {
		t.Fatalf("the snapshot's model: v%d %v", v, err)
	}
	// The default version when none is named; refusals.
	if vi, err := r.Snapshot("digits", 0, filepath.Join(t.TempDir(), "d")); err != nil || vi.Version != 3 {
		t.Errorf("default: %+v %v", vi, err)
	}
	if _, err := r.Snapshot("digits", 2, dst); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("into an existing directory: %v", err)
	}
	if _, err := r.Snapshot("digits", 9, filepath.Join(t.TempDir(), "x")); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown version: %v", err)
	}
}
