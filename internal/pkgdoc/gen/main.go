// Command gen writes the documentation that package pkgdoc embeds: gopad's ml and
// display packages from this module, and every standard library package that
// yaegi's stdlib table or gopad's newer one (kernel/symbols/stdsyms) lets cells
// import (plus builtin), from GOROOT.
//
//	go run ./gen -o docs   (from internal/pkgdoc, through go generate)
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/build"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"github.com/traefik/yaegi/stdlib"

	"gopad.dev/gopad/internal/pkgdoc"
	"gopad.dev/gopad/kernel/symbols/stdsyms"
)

func main() {
	out := flag.String("o", "docs", "output folder (replaced)")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "pkgdoc/gen:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	var pkgs []*pkgdoc.Package
	for _, rel := range pkgdoc.GopadPackages {
		p, err := pkgdoc.Extract(filepath.Join(root, rel), "gopad.dev/gopad/"+rel)
		if err != nil {
			return err
		}
		pkgs = append(pkgs, p)
	}
	seen := map[string]bool{"builtin": true}
	// yaegi's tables and gopad's newer ones (packages Go added since).
	for _, table := range []map[string]map[string]reflect.Value{stdlib.Symbols, stdsyms.Symbols} {
		for key := range table {
			// Keys are "importpath/name"; others (yaegi's "." for MapTypes) are no package.
			// yaegi also lists its own helpers (github.com/traefik/...): not the standard library.
			if i := strings.LastIndexByte(key, '/'); i > 0 && !strings.Contains(strings.Split(key, "/")[0], ".") {
				seen[key[:i]] = true
			}
		}
	}
	paths := make([]string, 0, len(seen))
	for path := range seen {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	goroot := build.Default.GOROOT
	for _, path := range paths {
		p, err := pkgdoc.Extract(filepath.Join(goroot, "src", path), path)
		if err != nil {
			return err
		}
		pkgs = append(pkgs, p)
	}
	// Written afresh: a package that left the list leaves no stale file behind.
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	for _, p := range pkgs {
		var buf bytes.Buffer
		if err := pkgdoc.Encode(&buf, p); err != nil {
			return fmt.Errorf("encode %s: %w", p.Path, err)
		}
		file := filepath.Join(out, filepath.FromSlash(pkgdoc.FileName(p.Path)))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// moduleRoot finds the directory of go.mod above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}
