package jupyter

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// KernelName is the kernelspec's directory name: `jupyter kernelspec list`
// shows it, and notebooks name it in their metadata.
const KernelName = "gopad"

// DisplayName is what JupyterLab's launcher and kernel picker show.
const DisplayName = "Go (gopad)"

// Where a kernelspec goes, as `jupyter kernelspec install` has it.
type Where int

const (
	User      Where = iota // the user's Jupyter data directory
	SysPrefix              // the Python environment's prefix (virtualenv, conda, or python3's sys.prefix)
	Prefix                 // a given prefix: PREFIX/share/jupyter/kernels
)

// Spec is a kernel.json.
type Spec struct {
	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode"`
	Env           map[string]string `json:"env,omitempty"`
	Metadata      map[string]any    `json:"metadata"`
}

// NewSpec returns the kernelspec of the gopad executable at exe.
func NewSpec(exe string) Spec {
	return Spec{
		Argv:        []string{exe, "kernel", "--jupyter", "-f", "{connection_file}"},
		DisplayName: DisplayName,
		Language:    "go",
		// Front ends send interrupt_request on the control channel, which works
		// on every platform and reaches the kernel even through a remote
		// gateway; the kernel also stops a cell on SIGINT.
		InterruptMode: "message",
		Metadata:      map[string]any{"debugger": false},
	}
}

//go:embed logo.svg
var logoSVG []byte

// KernelsDir returns the directory that holds kernelspecs for where (prefix
// is used only with Prefix).
func KernelsDir(where Where, prefix string) (string, error) {
	switch where {
	case User:
		if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
			return filepath.Join(d, "kernels"), nil
		}
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("find the user's Jupyter directory: %w", err)
		}
		switch runtime.GOOS {
		case "darwin":
			return filepath.Join(home, "Library", "Jupyter", "kernels"), nil
		case "windows":
			return filepath.Join(os.Getenv("APPDATA"), "jupyter", "kernels"), nil
		}
		data := os.Getenv("XDG_DATA_HOME")
		if data == "" {
			data = filepath.Join(home, ".local", "share")
		}
		return filepath.Join(data, "jupyter", "kernels"), nil
	case SysPrefix:
		p, err := sysPrefix()
		if err != nil {
			return "", err
		}
		return filepath.Join(p, "share", "jupyter", "kernels"), nil
	case Prefix:
		if prefix == "" {
			return "", errors.New("--prefix needs a directory")
		}
		abs, err := filepath.Abs(prefix)
		if err != nil {
			return "", fmt.Errorf("prefix %s: %w", prefix, err)
		}
		return filepath.Join(abs, "share", "jupyter", "kernels"), nil
	}
	return "", fmt.Errorf("unknown kernelspec location %d", where)
}

// sysPrefix finds the prefix of the Python environment Jupyter runs in: the
// active virtualenv or conda environment, else python3's own.
func sysPrefix() (string, error) {
	for _, env := range []string{"VIRTUAL_ENV", "CONDA_PREFIX"} {
		if p := os.Getenv(env); p != "" {
			return p, nil
		}
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		return "", errors.New("--sys-prefix: no virtualenv or conda environment is active and python3 is not on PATH; use --user or --prefix")
	}
	out, err := exec.Command(python, "-c", "import sys; print(sys.prefix)").Output()
	if err != nil {
		return "", fmt.Errorf("--sys-prefix: ask %s for sys.prefix: %w", python, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// Install writes the kernelspec directory (kernel.json and logos) for the
// gopad executable exe into kernelsDir, replacing an earlier one, and returns
// the directory written.
func Install(kernelsDir, exe string) (string, error) {
	if !filepath.IsAbs(exe) {
		return "", fmt.Errorf("the kernelspec needs gopad's absolute path, not %q", exe)
	}
	// `go run` builds into $TMPDIR/go-buildNNN/b001/exe/ and deletes it on exit.
	if strings.Contains(exe, string(filepath.Separator)+"go-build") && filepath.Base(filepath.Dir(exe)) == "exe" {
		return "", fmt.Errorf("%s is a temporary binary of `go run`, gone when it exits: install gopad (go install) and run `gopad jupyter install` from there", exe)
	}
	dir := filepath.Join(kernelsDir, KernelName)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("make the kernelspec directory: %w", err)
	}
	spec, err := json.MarshalIndent(NewSpec(exe), "", "  ")
	if err != nil {
		return "", err
	}
	files := map[string][]byte{"kernel.json": append(spec, '\n'), "logo-svg.svg": logoSVG}
	for _, size := range []int{32, 64} {
		files[fmt.Sprintf("logo-%dx%d.png", size, size)] = logoPNG(size)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return "", fmt.Errorf("write the kernelspec: %w", err)
		}
	}
	return dir, nil
}

// Uninstall removes the gopad kernelspec from kernelsDir and returns the
// directory removed.
func Uninstall(kernelsDir string) (string, error) {
	dir := filepath.Join(kernelsDir, KernelName)
	if _, err := os.Stat(filepath.Join(dir, "kernel.json")); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("no gopad kernelspec in %s", kernelsDir)
		}
		return "", fmt.Errorf("uninstall: %w", err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("remove %s: %w", dir, err)
	}
	return dir, nil
}

// logoPNG draws the logo of logo.svg at size x size pixels: a Go-blue rounded
// square holding three white cell bars, the first with a run marker.
func logoPNG(size int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	blue := color.NRGBA{0x00, 0xAD, 0xD8, 0xFF}
	white := color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF}
	s := float64(size) / 64 // the SVG's coordinates are 64 x 64
	radius := 12 * s
	inRounded := func(x, y float64) bool {
		cx := min(max(x, radius), float64(size)-radius)
		cy := min(max(y, radius), float64(size)-radius)
		return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= radius*radius
	}
	bars := [][4]float64{{22, 14, 30, 8}, {12, 28, 40, 8}, {12, 42, 28, 8}} // x, y, w, h
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			x, y := float64(px)+0.5, float64(py)+0.5
			if !inRounded(x, y) {
				continue
			}
			c := blue
			ux, uy := x/s, y/s
			for _, b := range bars {
				if ux >= b[0] && ux < b[0]+b[2] && uy >= b[1] && uy < b[1]+b[3] {
					c = white
				}
			}
			// The run marker: a triangle (12,12)-(12,24)-(19,18).
			if ux >= 12 && ux <= 19 && uy >= 12+(ux-12)*6/7 && uy <= 24-(ux-12)*6/7 {
				c = white
			}
			img.Set(px, py, c)
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img) // encoding to memory does not fail
	return buf.Bytes()
}
