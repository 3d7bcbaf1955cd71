package export

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopad.dev/gopad/ml"
	"gopad.dev/gopad/serving"
	"gopad.dev/gopad/serving/registry"
)

func TestParseRef(t *testing.T) {
	for _, c := range []struct {
		ref  string
		name string
		v    int
		bad  string
	}{
		{"digits", "digits", 0, ""},
		{"digits:3", "digits", 3, ""},
		{"digits:v12", "digits", 12, ""},
		{"Lang_ID.v2:1", "Lang_ID.v2", 1, ""},
		{"digits:", "", 0, `version "" is not a version number`},
		{"digits:-1", "", 0, "not a version number"},
		{"digits:1.5", "", 0, "not a version number"},
		{":1", "", 0, "model name"},
		{"../etc:1", "", 0, "model name"},
	} {
		name, v, err := ParseRef(c.ref)
		if c.bad != "" {
			if !errors.Is(err, ErrBadRef) || !strings.Contains(err.Error(), c.bad) {
				t.Errorf("ParseRef(%q): %v; want an error saying %q", c.ref, err, c.bad)
			}
			continue
		}
		if err != nil || name != c.name || v != c.v {
			t.Errorf("ParseRef(%q) = %q %d %v", c.ref, name, v, err)
		}
	}
}

func TestObjectName(t *testing.T) {
	for in, want := range map[string]string{
		"digits": "digits", "Lang_ID.v2": "lang-id-v2", "3layers": "model-3layers", "__x__": "x",
		strings.Repeat("a", 64): strings.Repeat("a", 63),
	} {
		if got := ObjectName(in); got != want {
			t.Errorf("ObjectName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSizeFor(t *testing.T) {
	s := SizeFor(10 << 20) // 10 MiB of weights: 64 + 3*10 MiB
	if s.MemoryRequest != 94<<20 || s.MemoryLimit != 188<<20 || s.GoMemoryLimit >= s.MemoryLimit || s.TerminationSec != 35 {
		t.Errorf("%+v", s)
	}
	if s := SizeFor(1); s.MemoryRequest != 65<<20 {
		t.Errorf("rounding up to MiB: %d", s.MemoryRequest)
	}
}

func TestCheckBinaryRefusesWhatCannotRunInTheImage(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The test binary is a Go program but not gopad (and links libc with cgo).
	if err := CheckBinary(exe); err == nil {
		t.Error("the test binary was taken for gopad")
	}
	script := filepath.Join(t.TempDir(), "gopad")
	os.WriteFile(script, []byte("#!/bin/sh\necho gopad\n"), 0o755)
	if err := CheckBinary(script); err == nil || !strings.Contains(err.Error(), "not a linux executable") {
		t.Errorf("a shell script: %v", err)
	}
	if err := CheckBinary("/bin/true"); err == nil || !strings.Contains(err.Error(), "dynamically linked") {
		t.Errorf("/bin/true: %v", err)
	}
}

// FindBinary, run from a program that cannot go into an image (this test
// binary), builds a static gopad from the source around the working
// directory, and an export with it writes a README that says so.
func TestFindBinaryBuildsAStaticGopadAndExportUsesIt(t *testing.T) {
	bin, err := FindBinary(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckBinary(bin.Path); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(bin.Origin, "CGO_ENABLED=0") || !strings.Contains(bin.Origin, "built from gopad's source") {
		t.Errorf("origin: %q", bin.Origin)
	}

	reg, err := registry.Open(filepath.Join(t.TempDir(), serving.RegistrySubdir))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	ml.SetSeed(1)
	m := ml.Sequential(ml.Linear(64, 10))
	if _, err := reg.Publish("Digits_small", m, registry.Lineage{Source: "test"}); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	res, err := Export(context.Background(), Options{Registry: reg, Model: "Digits_small", Dir: out, Binary: bin})
	if err != nil {
		t.Fatal(err)
	}
	if res.Tag != "gopad-digits_small:v1" || res.Version != 1 || res.StorageURI != "pvc://gopad-models/Digits_small/v1" {
		t.Errorf("result: %+v", res)
	}
	readme, err := os.ReadFile(filepath.Join(out, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"# Digits_small version 1", "built from gopad's source", "kubectl apply -k k8s/", "`digits-small`", "| input | `input` | FP32 | [-1, 64]"} {
		if !strings.Contains(string(readme), w) {
			t.Errorf("README lacks %q", w)
		}
	}

	// An export that fails leaves the output directory as it found it.
	out2 := t.TempDir()
	if _, err := Export(context.Background(), Options{Registry: reg, Model: "Digits_small", Dir: out2, Binary: bin, Tag: "Not A Tag"}); err == nil || !strings.Contains(err.Error(), "cannot tag an image") {
		t.Fatalf("bad tag: %v", err)
	}
	if _, err := Export(context.Background(), Options{Registry: reg, Model: "Digits_small", Dir: out2, Binary: bin, Push: "127.0.0.1:1/x:y"}); err == nil || !strings.Contains(err.Error(), "push") {
		t.Fatalf("push to a closed port: %v", err)
	}
	if entries, _ := os.ReadDir(out2); len(entries) != 0 {
		t.Errorf("a failed export left %v", entries)
	}
}
