package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopad.dev/gopad/notebooks"
)

// TestMain lets the test binary act as the gopad command when started with a
// subcommand, so that `gopad run` can start it as `gopad kernel`. The tests run
// with HOME and XDG_CONFIG_HOME in a temporary folder: gopad serves ~/gopad when
// given no folder and keeps its trust records under the configuration folder, and
// no test may touch those of the person running it.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && (os.Args[1] == "kernel" || os.Args[1] == "serve-model") {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	home, err := os.MkdirTemp("", "gopad-test-home-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "make a temporary HOME: %v\n", err)
		return 1
	}
	defer os.RemoveAll(home)
	for k, v := range map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config")} {
		if err := os.Setenv(k, v); err != nil {
			fmt.Fprintf(os.Stderr, "set $%s: %v\n", k, err)
			return 1
		}
	}
	return m.Run()
}

func gopad(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func saveNotebook(t *testing.T, cells ...string) string {
	t.Helper()
	nb := notebooks.New()
	for _, src := range cells {
		nb.Cells = append(nb.Cells, notebooks.NewCell(notebooks.CodeCell, src))
	}
	path := filepath.Join(t.TempDir(), "nb.gonb")
	if err := notebooks.Save(path, nb); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunExitCodes(t *testing.T) {
	good := saveNotebook(t, `import "fmt"`, `fmt.Println("all good")`)
	out := filepath.Join(t.TempDir(), "out.gonb")
	code, stdout, stderr := gopad(t, "run", good, "-o", out)
	if code != 0 || !strings.Contains(stdout, "all good") {
		t.Errorf("gopad run good notebook: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if nb, err := notebooks.Load(out); err != nil || len(nb.Cells[1].Outputs) != 1 {
		t.Errorf("executed notebook not written with outputs: %v", err)
	}

	bad := saveNotebook(t, `a := 1`, `a.NoSuchField`, `b := 2`)
	code, _, stderr = gopad(t, "run", "--inplace", bad)
	if code != 1 || !strings.Contains(stderr, "cell 2") {
		t.Errorf("gopad run failing notebook: exit %d, stderr %q; want 1 and the failing cell named", code, stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	cases := [][]string{
		{"run"},
		{"run", "a.gonb", "b.gonb"},
		{"run", "a.gonb", "-o", "x.gonb", "--inplace"},
		{"run", "-no-such-flag", "a.gonb"},
		{"version", "extra"},
		{"repl", "extra"},
		{"nosuchcommand"},
	}
	for _, args := range cases {
		if code, _, stderr := gopad(t, args...); code != 2 || stderr == "" {
			t.Errorf("gopad %q: exit %d, stderr %q; want 2 with an explanation", args, code, stderr)
		}
	}
	if code, _, stderr := gopad(t, "run", filepath.Join(t.TempDir(), "missing.gonb")); code != 1 || !strings.Contains(stderr, "missing.gonb") {
		t.Errorf("gopad run missing file: exit %d, stderr %q", code, stderr)
	}
}

func TestHelpAndVersion(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"help"}} {
		if code, stdout, _ := gopad(t, args...); code != 0 || !strings.Contains(stdout, "gopad run NOTEBOOK") {
			t.Errorf("gopad %q: exit %d, stdout %q", args, code, stdout)
		}
	}
	for _, sub := range []string{"serve", "run", "repl", "kernel", "jupyter", "version"} {
		if code, _, stderr := gopad(t, sub, "-h"); code != 0 || !strings.Contains(stderr, "Usage: gopad") {
			t.Errorf("gopad %s -h: exit %d, stderr %q", sub, code, stderr)
		}
	}
	if code, stdout, _ := gopad(t, "version"); code != 0 || !strings.HasPrefix(stdout, "gopad ") {
		t.Errorf("gopad version: exit %d, %q", code, stdout)
	}
}

func TestRunBundledExample(t *testing.T) {
	// An example runs in the working directory and some write files there (the
	// digits and langid models): keep them out of the source tree.
	t.Chdir(t.TempDir())
	for _, name := range notebooks.ExampleNames() {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), name)
			code, _, stderr := gopad(t, "run", "example:"+name, "-o", out)
			if code != 0 {
				t.Fatalf("gopad run example:%s: exit %d\n%s", name, code, stderr)
			}
			nb, err := notebooks.Load(out)
			if err != nil {
				t.Fatal(err)
			}
			for i, c := range nb.Cells {
				if c.Type == notebooks.CodeCell && c.ExecutionCount == nil {
					t.Errorf("code cell %d was not executed", i+1)
				}
			}
		})
	}
	if code, _, stderr := gopad(t, "run", "example:no-such-example"); code != 1 || !strings.Contains(stderr, "no such example") {
		t.Errorf("unknown example: exit %d, %q", code, stderr)
	}
}
