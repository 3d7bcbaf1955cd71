package main

import (
	"strings"
	"testing"
)

// TestNoArgumentsMeansServe checks issue 2 item 1 and issue 3 item 1 through the
// CLI: `gopad` with only flags is `gopad serve`, and serving on a non-loopback
// address without a token is refused before anything listens.
func TestNoArgumentsMeansServe(t *testing.T) {
	for _, args := range [][]string{
		{"--addr", "0.0.0.0:0", "--no-token"},
		{"serve", "--addr", "0.0.0.0:0", "--no-token"},
	} {
		code, stdout, stderr := gopad(t, args...)
		t.Logf("gopad %q: exit %d, stderr %q", args, code, stderr)
		if code != 1 || !strings.Contains(stderr, "gopad serve: ") || !strings.Contains(stderr, "refusing to serve on 0.0.0.0:0 without a token") {
			t.Errorf("gopad %q: exit %d, stdout %q, stderr %q; want exit 1 and serve refusing for lack of a token", args, code, stdout, stderr)
		}
		if strings.Contains(stdout, "http://") {
			t.Errorf("gopad %q printed a URL although it must refuse: %q", args, stdout)
		}
	}
}
