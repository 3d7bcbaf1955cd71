package export

import (
	"bufio"
	"bytes"
	"context"
	"debug/buildinfo"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ModulePath is gopad's module: the main package an image's binary must be.
const ModulePath = "gopad.dev/gopad"

// Binary is the gopad executable that goes into an image.
type Binary struct {
	Path string
	// Origin says where it came from, for the README ("the running
	// executable", "built from /src with CGO_ENABLED=0 go build", ...).
	Origin string
}

// CheckBinary reports whether path is a gopad binary that runs in an empty
// linux/amd64 container: an x86-64 ELF executable without a dynamic loader
// or shared libraries, whose main package is gopad's.
func CheckBinary(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("%s is not a linux executable: %w", path, err)
	}
	defer f.Close()
	if f.Machine != elf.EM_X86_64 || f.Class != elf.ELFCLASS64 {
		return fmt.Errorf("%s is built for %v, not linux/amd64", path, f.Machine)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("%s is dynamically linked (it needs a C library the image does not have): build it with CGO_ENABLED=0", path)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		return fmt.Errorf("%s needs shared libraries %v: build it with CGO_ENABLED=0", path, libs)
	}
	bi, err := buildinfo.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%s is not a Go program: %w", path, err)
	}
	if bi.Path != ModulePath {
		return fmt.Errorf("%s is %q, not gopad (%s)", path, bi.Path, ModulePath)
	}
	for _, s := range bi.Settings {
		if (s.Key == "GOOS" && s.Value != "linux") || (s.Key == "GOARCH" && s.Value != "amd64") {
			return fmt.Errorf("%s is built with %s=%s, not for linux/amd64", path, s.Key, s.Value)
		}
	}
	return nil
}

// FindBinary returns the gopad binary for an image: the running executable
// when it is a static linux/amd64 gopad, else one built with
// `CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build` from gopad's source (the
// module containing the working directory) into tmpDir. It fails, saying
// what to do, when neither is possible.
func FindBinary(ctx context.Context, tmpDir string) (Binary, error) {
	exe, err := os.Executable()
	var whyNot error
	if err == nil {
		if whyNot = CheckBinary(exe); whyNot == nil {
			return Binary{Path: exe, Origin: "the gopad executable that ran the export (" + exe + ")"}, nil
		}
	} else {
		whyNot = err
	}
	src, err := findSource()
	if err != nil {
		return Binary{}, fmt.Errorf("the running gopad cannot go into the image (%v), and no source to build one from: %w; "+
			"give a static binary with --binary (CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -o gopad-linux-amd64 %s)", whyNot, err, ModulePath)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return Binary{}, fmt.Errorf("the running gopad cannot go into the image (%v), and there is no Go toolchain to build one from %s: give a static binary with --binary", whyNot, src)
	}
	out := filepath.Join(tmpDir, "gopad-linux-amd64")
	cmd := exec.CommandContext(ctx, goTool, "build", "-trimpath", "-ldflags=-s -w", "-o", out, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return Binary{}, fmt.Errorf("building a static gopad in %s: %v: %s", src, err, strings.TrimSpace(stderr.String()))
	}
	if err := CheckBinary(out); err != nil {
		return Binary{}, fmt.Errorf("the gopad built in %s: %w", src, err)
	}
	return Binary{Path: out, Origin: "built from gopad's source (" + src + ") with CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -ldflags='-s -w', because the running executable " + whyNot.Error()}, nil
}

// findSource returns the root of gopad's module around the working directory.
func findSource() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if isGopadModule(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("the working directory is not inside gopad's source (a go.mod naming " + ModulePath + ")")
		}
		dir = parent
	}
}

func isGopadModule(goMod string) bool {
	f, err := os.Open(goMod)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) == 2 && fields[0] == "module" {
			return strings.Trim(fields[1], `"`) == ModulePath
		}
	}
	return false
}
