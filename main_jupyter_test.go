package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"gopad.dev/gopad/notebooks"
)

// The Jupyter tests use the real clients from Debian's packages
// (python3-jupyter-client, jupyter-nbconvert, python3-nbclient; .ci/run
// installs them) and the test binary itself as gopad: TestMain runs it as
// `gopad kernel` when the kernelspec starts it.

// installKernelspec runs `gopad jupyter install --prefix` into a temporary
// prefix and returns the environment that makes Jupyter find it.
func installKernelspec(t *testing.T) (env []string, specDir string) {
	t.Helper()
	prefix := t.TempDir()
	code, stdout, stderr := gopad(t, "jupyter", "install", "--prefix", prefix)
	if code != 0 {
		t.Fatalf("gopad jupyter install --prefix: exit %d\n%s", code, stderr)
	}
	specDir = filepath.Join(prefix, "share", "jupyter", "kernels", "gopad")
	if !strings.Contains(stdout, specDir) {
		t.Errorf("install says %q, not where it wrote (%s)", stdout, specDir)
	}
	runtimeDir := t.TempDir()
	env = append(os.Environ(),
		"JUPYTER_PATH="+filepath.Join(prefix, "share", "jupyter"),
		"JUPYTER_RUNTIME_DIR="+runtimeDir,
		"JUPYTER_DATA_DIR="+filepath.Join(runtimeDir, "data"),
		"JUPYTER_PLATFORM_DIRS=1",
		"PYDEVD_DISABLE_FILE_VALIDATION=1",
	)
	return env, specDir
}

// requireTool fails the test, naming the Debian package, when a tool is missing.
func requireTool(t *testing.T, check []string, pkg string) {
	t.Helper()
	if out, err := exec.Command(check[0], check[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s is needed (apt-get install %s): %v\n%s", strings.Join(check, " "), pkg, err, out)
	}
}

func TestJupyterInstallWritesKernelspec(t *testing.T) {
	_, specDir := installKernelspec(t)
	b, err := os.ReadFile(filepath.Join(specDir, "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Argv          []string `json:"argv"`
		DisplayName   string   `json:"display_name"`
		Language      string   `json:"language"`
		InterruptMode string   `json:"interrupt_mode"`
	}
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatalf("kernel.json: %v\n%s", err, b)
	}
	exe, _ := os.Executable()
	exe, _ = filepath.EvalSymlinks(exe)
	want := []string{exe, "kernel", "--jupyter", "-f", "{connection_file}"}
	if !reflect.DeepEqual(spec.Argv, want) || spec.DisplayName != "Go (gopad)" || spec.Language != "go" || spec.InterruptMode != "message" {
		t.Errorf("kernel.json = %s; want argv %q, display name Go (gopad), language go, interrupt_mode message", b, want)
	}
	for _, size := range []int{32, 64} {
		f, err := os.Open(filepath.Join(specDir, fmt.Sprintf("logo-%dx%d.png", size, size)))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil || img.Bounds().Dx() != size || img.Bounds().Dy() != size {
			t.Errorf("logo-%dx%d.png: %v, bounds %v", size, size, err, img.Bounds())
		}
	}
	if b, err := os.ReadFile(filepath.Join(specDir, "logo-svg.svg")); err != nil || !bytes.Contains(b, []byte("<svg")) {
		t.Errorf("logo-svg.svg: %v %q", err, b)
	}
}

func TestJupyterInstallUserAndUninstall(t *testing.T) {
	data := t.TempDir()
	t.Setenv("JUPYTER_DATA_DIR", data)
	dir := filepath.Join(data, "kernels", "gopad")
	if code, _, stderr := gopad(t, "jupyter", "install"); code != 0 {
		t.Fatalf("install: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "kernel.json")); err != nil {
		t.Fatalf("the default install goes to the user's data dir: %v", err)
	}
	if code, stdout, stderr := gopad(t, "jupyter", "uninstall", "--user"); code != 0 || !strings.Contains(stdout, dir) {
		t.Fatalf("uninstall: exit %d: %s %s", code, stdout, stderr)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("after uninstall %s: %v", dir, err)
	}
	if code, _, stderr := gopad(t, "jupyter", "uninstall"); code != 1 || !strings.Contains(stderr, "no gopad kernelspec in "+filepath.Join(data, "kernels")) {
		t.Errorf("a second uninstall: exit %d, %q", code, stderr)
	}
}

func TestJupyterCommandsRejectBadInput(t *testing.T) {
	badConn := filepath.Join(t.TempDir(), "conn.json")
	if err := os.WriteFile(badConn, []byte(`{"transport":"tcp","ip":"127.0.0.1","shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5,"key":"k","signature_scheme":"hmac-md5"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"jupyter"}, 2, "install or uninstall"},
		{[]string{"jupyter", "instal"}, 2, `unknown jupyter command "instal"`},
		{[]string{"jupyter", "install", "--user", "--prefix", "/tmp/x"}, 2, "one of --user, --sys-prefix and --prefix"},
		{[]string{"jupyter", "install", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"kernel", "--jupyter"}, 2, "-f FILE"},
		{[]string{"kernel", "-f", "conn.json"}, 2, "add --jupyter"},
		{[]string{"kernel", "--jupyter", "-f", filepath.Join(t.TempDir(), "missing.json")}, 1, "missing.json"},
		{[]string{"kernel", "--jupyter", "-f", badConn}, 1, `signature_scheme "hmac-md5" is not supported`},
	} {
		code, _, stderr := gopad(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.says) {
			t.Errorf("gopad %q: exit %d, stderr %q; want exit %d saying %q", c.args, code, stderr, c.code, c.says)
		}
	}
}

// TestJupyterClientSession starts the kernel through jupyter_client's
// KernelManager from the installed kernelspec and checks every message type
// (testdata/jupyter/session.py), including a message with a bad signature
// being dropped and interrupting a running loop by message and by SIGINT.
func TestJupyterClientSession(t *testing.T) {
	requireTool(t, []string{"/usr/bin/python3", "-c", "import jupyter_client, zmq"}, "python3-jupyter-client")
	env, _ := installKernelspec(t)
	script, err := filepath.Abs(filepath.Join("testdata", "jupyter", "session.py"))
	if err != nil {
		t.Fatal(err)
	}
	kernelLog := filepath.Join(t.TempDir(), "kernel.log")
	ctx, cancel := testContext(t)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/usr/bin/python3", script, kernelLog)
	cmd.Env = env
	cmd.Dir = t.TempDir()
	out, err := cmd.CombinedOutput()
	logText, _ := os.ReadFile(kernelLog)
	if err != nil {
		t.Fatalf("session.py: %v\n%s\nkernel log:\n%s", err, out, logText)
	}
	for _, check := range []string{"kernelspec", "kernel_info", "execute", "execution_count", "error", "stdin", "stop_on_error", "many_waiting", "display_data", "update_display_data",
		"chart", "publish_refused", "complete", "inspect", "is_complete", "comm_info", "heartbeat", "bad_signature", "interrupt_request", "control_kernel_info", "sigint",
		"shutdown_restart", "shutdown", "ipc"} {
		if !bytes.Contains(out, []byte("ok: "+check+"\n")) {
			t.Errorf("session.py did not pass check %q:\n%s", check, out)
		}
	}
}

// TestJupyterNbconvertMatchesGopadRun executes the bundled welcome notebook
// with `jupyter nbconvert --to notebook --execute` on the gopad kernel: the
// result validates as nbformat and its outputs are those of `gopad run`.
func TestJupyterNbconvertMatchesGopadRun(t *testing.T) {
	requireTool(t, []string{"jupyter-nbconvert", "--version"}, "jupyter-nbconvert")
	requireTool(t, []string{"/usr/bin/python3", "-c", "import nbclient, nbformat"}, "python3-nbclient")
	env, _ := installKernelspec(t)
	const example = "welcome.gonb"
	work := t.TempDir()
	t.Chdir(work)
	src, err := notebooks.Examples().Open(example)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := readAll(src)
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(work, "welcome.ipynb")
	if err := os.WriteFile(in, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := testContext(t)
	defer cancel()
	cmd := exec.CommandContext(ctx, "jupyter-nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.kernel_name=gopad",
		"--ExecutePreprocessor.timeout=300", "--output", "executed.ipynb", in)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("jupyter nbconvert --execute: %v\n%s", err, out)
	}
	executed := filepath.Join(work, "executed.ipynb")
	validate := exec.CommandContext(ctx, "/usr/bin/python3", "-c", "import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4)); print('valid')", executed)
	if out, err := validate.CombinedOutput(); err != nil || !bytes.Contains(out, []byte("valid")) {
		t.Fatalf("the executed notebook does not validate: %v\n%s", err, out)
	}

	ref := filepath.Join(work, "ref.gonb")
	if code, _, stderr := gopad(t, "run", "example:"+example, "-o", ref); code != 0 {
		t.Fatalf("gopad run: exit %d\n%s", code, stderr)
	}
	got, err := notebooks.Load(executed)
	if err != nil {
		t.Fatal(err)
	}
	want, err := notebooks.Load(ref)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Cells) != len(want.Cells) {
		t.Fatalf("nbconvert's notebook has %d cells, gopad run's %d", len(got.Cells), len(want.Cells))
	}
	codeCells := 0
	for i := range want.Cells {
		if want.Cells[i].Type != notebooks.CodeCell {
			continue
		}
		codeCells++
		g, w := comparableOutputs(got.Cells[i].Outputs), comparableOutputs(want.Cells[i].Outputs)
		if !reflect.DeepEqual(g, w) {
			gj, _ := json.MarshalIndent(g, "", " ")
			wj, _ := json.MarshalIndent(w, "", " ")
			t.Errorf("cell %d (%.40q): nbconvert's outputs differ from gopad run's\nnbconvert:\n%s\ngopad run:\n%s", i, want.Cells[i].Source, gj, wj)
		}
	}
	if codeCells == 0 {
		t.Fatal("the example has no code cells")
	}
}

// comparableOutputs is what a reader sees of outputs: their kind, stream text
// (consecutive pieces of one stream joined, since how text is split into
// messages is not part of it), data, and errors. Execution counts are left
// out: gopad run numbers cells, Jupyter numbers executions. So are elapsed
// times (a progress bar's "1.2s"), which differ from run to run.
func comparableOutputs(outs []notebooks.Output) []map[string]any {
	var r []map[string]any
	for _, o := range outs {
		if o.Type == notebooks.StreamOutput && len(r) > 0 && r[len(r)-1]["type"] == o.Type && r[len(r)-1]["name"] == o.Name {
			r[len(r)-1]["text"] = r[len(r)-1]["text"].(string) + o.Text
			continue
		}
		m := map[string]any{"type": o.Type}
		switch o.Type {
		case notebooks.StreamOutput:
			m["name"], m["text"] = o.Name, o.Text
		case notebooks.ErrorOutput:
			m["ename"], m["evalue"], m["traceback"] = o.EName, o.EValue, o.Traceback
		default:
			m["data"] = withoutDurations(o.Data)
		}
		r = append(r, m)
	}
	return r
}

func readAll(f interface{ Read([]byte) (int, error) }) ([]byte, error) {
	var buf bytes.Buffer
	_, err := buf.ReadFrom(f)
	return buf.Bytes(), err
}

// testContext ends before the test binary's deadline, so that a hung client
// fails the test with its output instead of killing the binary.
func testContext(t *testing.T) (context.Context, context.CancelFunc) {
	if d, ok := t.Deadline(); ok {
		return context.WithDeadline(context.Background(), d.Add(-30e9))
	}
	return context.WithCancel(context.Background())
}

var durationPattern = regexp.MustCompile(`\b\d+(\.\d+)?(ns|µs|ms|s|m|h)\b`)

// withoutDurations replaces the durations in v's strings with "<duration>".
func withoutDurations(v any) any {
	switch x := v.(type) {
	case string:
		return durationPattern.ReplaceAllString(x, "<duration>")
	case map[string]any:
		r := make(map[string]any, len(x))
		for k, e := range x {
			r[k] = withoutDurations(e)
		}
		return r
	case []any:
		r := make([]any, len(x))
		for i, e := range x {
			r[i] = withoutDurations(e)
		}
		return r
	}
	return v
}

// TestJupyterInstallSysPrefixIntoAVirtualenv installs with --sys-prefix into a
// real virtualenv (python3 -m venv, sharing Debian's jupyter_client), found
// both through $VIRTUAL_ENV and, with it unset, through the python3 first on
// PATH; that environment's Jupyter then lists the kernel, and uninstall
// removes it.
func TestJupyterInstallSysPrefixIntoAVirtualenv(t *testing.T) {
	requireTool(t, []string{"/usr/bin/python3", "-c", "import venv, jupyter_client"}, "python3-venv python3-jupyter-client")
	venv := filepath.Join(t.TempDir(), "venv")
	if out, err := exec.Command("/usr/bin/python3", "-m", "venv", "--without-pip", "--system-site-packages", venv).CombinedOutput(); err != nil {
		t.Fatalf("python3 -m venv: %v\n%s", err, out)
	}
	specDir := filepath.Join(venv, "share", "jupyter", "kernels", "gopad")
	// Only the venv's own Jupyter paths: the user's and the machine's must not
	// answer for it.
	base := []string{"HOME=" + t.TempDir(), "JUPYTER_PLATFORM_DIRS=1", "PYDEVD_DISABLE_FILE_VALIDATION=1"}
	listed := func() string {
		cmd := exec.Command(filepath.Join(venv, "bin", "python3"), "-c",
			"from jupyter_client.kernelspec import KernelSpecManager as M; print(M().find_kernel_specs().get('gopad', 'none'))")
		cmd.Env = append(base, "PATH=/usr/bin:/bin")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("the venv's jupyter_client: %v\n%s", err, out)
		}
		return strings.TrimSpace(string(out))
	}
	for _, how := range []struct {
		name string
		env  []string
	}{
		{"VIRTUAL_ENV", []string{"VIRTUAL_ENV=" + venv, "PATH=/usr/bin:/bin"}},
		{"python3 on PATH", []string{"PATH=" + filepath.Join(venv, "bin") + ":/usr/bin:/bin"}},
	} {
		env := append(append([]string{}, base...), how.env...)
		code, stdout, stderr := gopadEnv(t, env, "jupyter", "install", "--sys-prefix")
		if code != 0 || !strings.Contains(stdout, specDir) {
			t.Fatalf("%s: install --sys-prefix: exit %d, %q %q; want it in %s", how.name, code, stdout, stderr, specDir)
		}
		if got := listed(); got != specDir {
			t.Errorf("%s: the venv's Jupyter finds gopad at %q, want %s", how.name, got, specDir)
		}
		if code, _, stderr := gopadEnv(t, env, "jupyter", "uninstall", "--sys-prefix"); code != 0 {
			t.Fatalf("%s: uninstall --sys-prefix: exit %d: %s", how.name, code, stderr)
		}
		if got := listed(); got != "none" {
			t.Errorf("%s: after uninstall the venv's Jupyter still finds gopad at %q", how.name, got)
		}
	}
}

// gopadEnv runs gopad in this process with the environment variables env
// set (VIRTUAL_ENV and CONDA_PREFIX empty unless env sets them).
func gopadEnv(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Setenv("VIRTUAL_ENV", "")
	t.Setenv("CONDA_PREFIX", "")
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	return gopad(t, args...)
}
