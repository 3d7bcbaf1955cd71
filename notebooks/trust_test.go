package notebooks

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTrustStoreKeepsOneEntryPerNotebookAndPersists(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "trusted")
	ts, err := OpenTrustStore(path)
	if err != nil {
		t.Fatal(err)
	}
	v1, v2, other := DigestOf([]byte("v1")), DigestOf([]byte("v2")), DigestOf([]byte("other"))
	if ts.Trusted(v1) {
		t.Fatal("an empty store trusts a digest")
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("opening a store wrote it before any change")
	}
	for _, step := range [][2]Digest{{{}, v1}, {{}, other}, {v1, v2}} {
		if err := ts.Replace(step[0], step[1]); err != nil {
			t.Fatal(err)
		}
	}
	again, err := OpenTrustStore(path)
	if err != nil {
		t.Fatal(err)
	}
	for d, want := range map[Digest]bool{v1: false, v2: true, other: true} {
		if again.Trusted(d) != want {
			t.Errorf("reopened store: Trusted(%x...) = %v, want %v", d[:4], !want, want)
		}
	}
	data, _ := os.ReadFile(path)
	if n := strings.Count(string(data), "\n"); n != 3 { // a comment and two digests
		t.Errorf("store file has %d lines, want 3:\n%s", n, data)
	}
}

func TestTrustStoreForgetsOldestBeyondMax(t *testing.T) {
	ts, err := OpenTrustStore("")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i <= MaxTrusted; i++ {
		if err := ts.Replace(Digest{}, DigestOf(fmt.Appendf(nil, "%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	if ts.Trusted(DigestOf([]byte("0"))) || !ts.Trusted(DigestOf([]byte("1"))) || !ts.Trusted(DigestOf(fmt.Appendf(nil, "%d", MaxTrusted))) {
		t.Fatalf("after %d digests the oldest should be forgotten and the rest kept", MaxTrusted+1)
	}
}

func TestTrustStoreRefusesAFileThatIsNotOne(t *testing.T) {
	path := filepath.Join(t.TempDir(), "trusted")
	if err := os.WriteFile(path, []byte("# comment\n"+strings.Repeat("ab", 32)+"\nzz\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenTrustStore(path); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("OpenTrustStore of a bad file: err = %v, want one naming line 3", err)
	}
}
