package client_test

import (
	"strings"
	"testing"
)

// gopad's own clients (the notebook server, gopad run, the REPL) send no
// input: a cell reading standard input, through fmt's Scan functions, bufio
// or os.Stdin itself, must get end of file and a note on its stderr saying
// why, not wait for ever. Each cell gets a fresh standard input.
func TestReadingStdinWithoutInputEndsWithANote(t *testing.T) {
	k := start(t)
	for _, c := range []struct{ code, want string }{
		{"var word string\n_, err := fmt.Scanln(&word)\nerr", "EOF"},
		{"import (\n\t\"bufio\"\n\t\"os\"\n)\nline, err := bufio.NewReader(os.Stdin).ReadString('\\n')\nfmt.Sprintf(\"%q %v\", line, err)", `"" EOF`},
		// A second read in the same cell ends at once, with one note.
		{"buf := make([]byte, 8)\nn, err1 := os.Stdin.Read(buf)\n_, err2 := os.Stdin.Read(buf)\nfmt.Sprint(n, err1, err2)", "0 EOF EOF"},
	} {
		r := mustRun(t, k, c.code)
		if got := r.results(); len(got) != 1 || got[0] != c.want {
			t.Errorf("cell %q: results %q, want [%q]", c.code, got, c.want)
		}
		stderr := r.stream("stderr")
		if strings.Count(stderr, "reads standard input") != 1 || !strings.Contains(stderr, "end of file") {
			t.Errorf("cell %q: stderr %q, want one note saying the read gets end of file", c.code, stderr)
		}
	}
	if got := mustRun(t, k, "word + \"!\"").results(); len(got) != 1 || got[0] != "!" {
		t.Errorf("state after the reads: %q", got)
	}
}
