package display

import (
	"go/build"
	"path/filepath"
	"strings"
	"testing"
)

// TestDisplayDoesNotDependOnTheKernel keeps the cell-facing output API apart
// from the kernel: display and every gopad package it imports, directly or not,
// are outside kernel/ (the kernel's wire protocol included).
func TestDisplayDoesNotDependOnTheKernel(t *testing.T) {
	const module = "gopad.dev/gopad/"
	seen := map[string]bool{}
	var visit func(path, dir string)
	visit = func(path, dir string) {
		if seen[path] {
			return
		}
		seen[path] = true
		pkg, err := build.ImportDir(dir, 0)
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		for _, imp := range pkg.Imports {
			rel, ok := strings.CutPrefix(imp, module)
			if !ok {
				continue
			}
			if rel == "kernel" || strings.HasPrefix(rel, "kernel/") {
				t.Errorf("%s imports %s", path, imp)
			}
			visit(imp, filepath.Join("..", filepath.FromSlash(rel)))
		}
	}
	visit(module+"display", ".")
}
