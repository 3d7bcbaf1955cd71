// Package pkgdoc holds the documentation of the packages cells can import (gopad's
// ml and display, and the standard library that the interpreter offers), extracted
// at build time by `go generate` and embedded, so that help in the editor and the
// help pages work offline on a machine without Go installed.
package pkgdoc

import (
	"compress/gzip"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"go/doc/comment"
	"io"
	"io/fs"
	"sort"
	"strings"
	"sync"
)

//go:generate go run ./gen -o docs

// Package is the documentation of one package.
type Package struct {
	Path    string   `json:"p"`
	Name    string   `json:"n"`
	Doc     string   `json:"d,omitempty"` // the package comment, as written
	Symbols []Symbol `json:"s"`           // sorted by Name
}

// Symbol is one exported name: "Split", "Model", "Model.Fit" (a method) or
// "FitConfig.Epochs" (a struct field).
type Symbol struct {
	Name string `json:"n"`
	Kind string `json:"k"` // const, var, func, type, method or field
	Decl string `json:"c"` // the declaration without bodies, as gofmt prints it
	Doc  string `json:"d,omitempty"`
}

// The docs are one gzipped JSON file per package (docs/encoding/json.json.gz),
// so that looking up one package decodes only that package (a few milliseconds)
// rather than the whole standard library.
//
//go:embed docs
var embedded embed.FS

var (
	cacheMu sync.Mutex
	cache   = map[string]*Package{}
)

// shortPaths maps the import paths cells use for gopad's packages to their real ones.
var shortPaths = map[string]string{
	"gopad/ml":      "gopad.dev/gopad/ml",
	"gopad/display": "gopad.dev/gopad/display",
}

// FileName is where the docs of the package at import path live in docs/.
func FileName(path string) string {
	return path + ".json.gz"
}

// Lookup returns the documentation of the package with this import path (cells'
// short paths such as gopad/ml are accepted).
func Lookup(path string) (*Package, error) {
	if full, ok := shortPaths[path]; ok {
		path = full
	}
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if p, ok := cache[path]; ok {
		return p, nil
	}
	if !fs.ValidPath(path) || path == "" {
		return nil, fmt.Errorf("no documentation for package %q", path)
	}
	f, err := embedded.Open("docs/" + FileName(path))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no documentation for package %q", path)
	}
	if err != nil {
		return nil, fmt.Errorf("pkgdoc: open the docs of %s: %w", path, err)
	}
	defer f.Close()
	p, err := Decode(f)
	if err != nil {
		return nil, fmt.Errorf("pkgdoc: the embedded docs of %s: %w", path, err)
	}
	cache[path] = p
	return p, nil
}

// Decode reads one package's docs as the generator writes them.
func Decode(r io.Reader) (*Package, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	var p Package
	if err := json.NewDecoder(zr).Decode(&p); err != nil {
		return nil, err
	}
	return &p, nil
}

// Encode writes one package's docs (gzipped JSON).
func Encode(w io.Writer, p *Package) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	if err := json.NewEncoder(zw).Encode(p); err != nil {
		return err
	}
	return zw.Close()
}

// Paths lists the documented packages' import paths, sorted.
func Paths() ([]string, error) {
	var out []string
	err := fs.WalkDir(embedded, "docs", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p, ok := strings.CutSuffix(name, ".json.gz"); ok && !d.IsDir() {
			out = append(out, strings.TrimPrefix(p, "docs/"))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pkgdoc: list the embedded docs: %w", err)
	}
	sort.Strings(out)
	return out, nil
}

// Symbol returns the symbol with this name ("Split", "Model.Fit").
func (p *Package) Symbol(name string) (Symbol, bool) {
	i := sort.Search(len(p.Symbols), func(i int) bool { return p.Symbols[i].Name >= name })
	if i < len(p.Symbols) && p.Symbols[i].Name == name {
		return p.Symbols[i], true
	}
	return Symbol{}, false
}

// Members returns the methods and fields of type typ, sorted by name.
func (p *Package) Members(typ string) []Symbol {
	prefix := typ + "."
	i := sort.Search(len(p.Symbols), func(i int) bool { return p.Symbols[i].Name >= prefix })
	var out []Symbol
	for ; i < len(p.Symbols) && strings.HasPrefix(p.Symbols[i].Name, prefix); i++ {
		out = append(out, p.Symbols[i])
	}
	return out
}

// Synopsis is the first sentence of the package comment.
func (p *Package) Synopsis() string {
	var parser comment.Parser
	var pr comment.Printer
	text := strings.Join(strings.Fields(string(pr.Text(parser.Parse(p.Doc)))), " ")
	if i := strings.Index(text, ". "); i >= 0 {
		text = text[:i+1]
	}
	return text
}

// Text renders a doc comment as plain text for a tooltip: paragraphs wrapped at 80
// columns, code blocks indented, links spelled out.
func Text(doc string) string {
	var parser comment.Parser
	pr := comment.Printer{TextWidth: 80}
	return strings.TrimRight(string(pr.Text(parser.Parse(doc))), "\n")
}

// HTML renders a doc comment as HTML (escaped; headings start at h4).
func HTML(doc string) string {
	var parser comment.Parser
	pr := comment.Printer{HeadingLevel: 4}
	return string(pr.HTML(parser.Parse(doc)))
}

// HTML renders a doc comment of package p as HTML whose doc links ([Split],
// [Model.Fit], [strings.Cut]) point at #anchors of p's page or at the page of
// another documented package, pageURL(importPath).
func (p *Package) HTML(doc string, pageURL func(importPath string) string) string {
	parser := comment.Parser{
		LookupPackage: func(name string) (string, bool) {
			if other, err := Lookup(name); err == nil {
				return other.Path, true
			}
			return "", false
		},
		LookupSym: func(recv, name string) bool {
			if recv != "" {
				name = recv + "." + name
			}
			_, ok := p.Symbol(name)
			return ok
		},
	}
	pr := comment.Printer{
		HeadingLevel: 4,
		DocLinkURL: func(link *comment.DocLink) string {
			anchor := link.Name
			if link.Recv != "" {
				anchor = link.Recv + "." + link.Name
			}
			page := ""
			if link.ImportPath != "" && link.ImportPath != p.Path {
				page = pageURL(link.ImportPath)
			}
			if anchor == "" {
				return page
			}
			return page + "#" + anchor
		},
	}
	return string(pr.HTML(parser.Parse(doc)))
}

// GopadPackages are gopad's packages that cells import, as folders of the module.
var GopadPackages = []string{"ml", "display"}
