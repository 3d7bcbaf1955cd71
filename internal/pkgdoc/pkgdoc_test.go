package pkgdoc

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestEmbeddedGopadDocsAreCurrent fails when ml's or display's API or comments
// changed without `go generate ./internal/pkgdoc/`.
func TestEmbeddedGopadDocsAreCurrent(t *testing.T) {
	for _, rel := range GopadPackages {
		fresh, err := Extract(filepath.Join("..", "..", rel), "gopad.dev/gopad/"+rel)
		if err != nil {
			t.Fatal(err)
		}
		embedded, err := Lookup("gopad/" + rel)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fresh, embedded) {
			t.Errorf("the embedded docs of %s are stale: run go generate ./internal/pkgdoc/", rel)
		}
	}
}

func TestLookup(t *testing.T) {
	ml, err := Lookup("gopad/ml")
	if err != nil {
		t.Fatal(err)
	}
	if ml.Name != "ml" || ml.Path != "gopad.dev/gopad/ml" {
		t.Errorf("gopad/ml is %q at %q", ml.Name, ml.Path)
	}
	fit, ok := ml.Symbol("Model.Fit")
	if !ok || fit.Kind != "method" || !strings.HasPrefix(fit.Decl, "func (m *Model) Fit(") {
		t.Errorf("Model.Fit = %+v, %v", fit, ok)
	}
	members := ml.Members("Model")
	if len(members) == 0 {
		t.Fatal("Model has no members")
	}
	for _, m := range members {
		if !strings.HasPrefix(m.Name, "Model.") {
			t.Errorf("member %q of Model", m.Name)
		}
	}
	if _, err := Lookup("no/such/package"); err == nil || !strings.Contains(err.Error(), `no documentation for package "no/such/package"`) {
		t.Errorf("unknown package: %v", err)
	}
	paths, err := Paths()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"builtin", "fmt", "strings", "gopad.dev/gopad/display", "encoding/json"} {
		if _, err := Lookup(want); err != nil {
			t.Errorf("%s: %v (have %d packages)", want, err, len(paths))
		}
	}
	b, _ := Lookup("builtin")
	if s, ok := b.Symbol("append"); !ok || s.Kind != "func" {
		t.Errorf("builtin append = %+v, %v", s, ok)
	}
}

func TestRendering(t *testing.T) {
	doc := "Split cuts s.\n\nUse [Join] to undo:\n\n\tJoin(Split(s, sep), sep) == s\n\n<b>not HTML</b>\n"
	text := Text(doc)
	if !strings.Contains(text, "Split cuts s.\n\nUse [Join] to undo:\n\n\tJoin(Split(s, sep), sep) == s\n\n<b>not HTML</b>") {
		t.Errorf("Text = %q", text)
	}
	html := HTML(doc)
	if !strings.Contains(html, "<pre>Join(Split(s, sep), sep) == s\n</pre>") || !strings.Contains(html, "&lt;b&gt;not HTML&lt;/b&gt;") {
		t.Errorf("HTML = %q", html)
	}
	p, _ := Lookup("strings")
	if got := p.Synopsis(); got != "Package strings implements simple functions to manipulate UTF-8 encoded strings." {
		t.Errorf("Synopsis = %q", got)
	}
}
