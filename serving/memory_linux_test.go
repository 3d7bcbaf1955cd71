package serving

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"os"
	"strconv"
	"strings"
	"testing"
)

// readOnlyExecutableRSS sums the resident kilobytes of the executable's
// read-only mappings, from /proc/self/smaps.
func readOnlyExecutableRSS(t *testing.T) int {
	t.Helper()
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	total, in := 0, false
	sc := bufio.NewScanner(bytes.NewReader(smaps))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 5 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":") {
			in = len(f) >= 6 && f[5] == exe && len(f[1]) == 4 && f[1][1] == '-'
			continue
		}
		if in && len(f) >= 2 && f[0] == "Rss:" {
			kb, err := strconv.Atoi(f[1])
			if err != nil {
				t.Fatal(err)
			}
			total += kb
		}
	}
	return total
}

// releaseProbeConst is in the executable's read-only data, releaseProbeVar
// in its writable data (a file mapping too, which must not be dropped).
const releaseProbeConst = "the Open Inference Protocol's example request: {\"inputs\":[{\"name\":\"input-0\",\"shape\":[2,2],\"datatype\":\"UINT32\",\"data\":[1,2,3,4]}]}"

var releaseProbeVar = [64]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}

// The executable's read-only pages leave the resident set, and what its
// mappings hold is intact when read again (read-only pages come back from
// the page cache; writable ones are never dropped).
func TestReleaseStartupMemory(t *testing.T) {
	for _, drop := range []bool{false, true} {
		t.Run("dropFileCache="+strconv.FormatBool(drop), func(t *testing.T) { testReleaseStartupMemory(t, drop) })
	}
}

func testReleaseStartupMemory(t *testing.T, dropFileCache bool) {
	releaseProbeVar[63] = 99 // a change only the process's memory holds
	before := sha256.Sum256([]byte(releaseProbeConst))
	rssBefore := readOnlyExecutableRSS(t)
	released, err := releaseStartupMemory(dropFileCache)
	if err != nil {
		t.Fatal(err)
	}
	rssAfter := readOnlyExecutableRSS(t)
	if released <= 0 {
		t.Fatalf("released %d bytes; the executable has read-only mappings", released)
	}
	if rssAfter >= rssBefore {
		t.Errorf("the executable's read-only pages resident: %d kB before, %d kB after", rssBefore, rssAfter)
	}
	if after := sha256.Sum256([]byte(releaseProbeConst)); after != before {
		t.Errorf("read-only data changed after release")
	}
	if releaseProbeVar[0] != 1 || releaseProbeVar[19] != 20 || releaseProbeVar[63] != 99 {
		t.Errorf("writable data lost after release: %v", releaseProbeVar)
	}
	t.Logf("released %d kB of mappings; resident %d kB -> %d kB", released>>10, rssBefore, rssAfter)
}
