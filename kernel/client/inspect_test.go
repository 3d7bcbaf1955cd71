package client_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"gopad.dev/gopad/kernel/protocol"
)

// docOf decodes an inspect_reply's structured documentation.
func docOf(t *testing.T, r protocol.InspectReplyContent) protocol.DocData {
	t.Helper()
	raw, err := json.Marshal(r.Data[protocol.DocMIME])
	if err != nil {
		t.Fatal(err)
	}
	var d protocol.DocData
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("decode %s: %v (%s)", protocol.DocMIME, err, raw)
	}
	return d
}

// TestInspect asks a real kernel process for documentation, as Shift+Tab does.
func TestInspect(t *testing.T) {
	k := start(t)
	mustRun(t, k, "// scale multiplies every element by f.\n// It returns a new slice.\nfunc scale(xs []float64, f float64) []float64 { return xs }")
	ctx := context.Background()
	for _, c := range []struct {
		name, code string
		cursor     int
		kind, sig  string
		doc        string
	}{
		{"ml function", "ml.Sequential(", 6, "func", "func Sequential(layers ...Layer) *Model", "Sequential returns a model applying layers in order."},
		{"stdlib function", "parts := strings.Split(line, \",\")", 19, "func", "func Split(s, sep string) []string", "Split slices s into all substrings separated by sep"},
		{"cell function with a doc comment", "scale(v, 2)", 3, "func", "func scale(xs []float64, f float64) []float64", "scale multiplies every element by f. It returns a new slice."},
	} {
		r, err := k.Inspect(ctx, c.code, c.cursor, 0)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		d := docOf(t, r)
		if !r.Found || d.Kind != c.kind || d.Signature != c.sig || !strings.Contains(d.Doc, c.doc) {
			t.Errorf("%s: found %v, %+v; want kind %q, signature %q, doc containing %q", c.name, r.Found, d, c.kind, c.sig, c.doc)
		}
		text, _ := r.Data["text/plain"].(string)
		if !strings.HasPrefix(text, c.sig+"\n\n") || !strings.Contains(text, c.doc) {
			t.Errorf("%s: text/plain %q, want the signature then the doc", c.name, text)
		}
	}

	r, err := k.Inspect(ctx, "frobnicate(3)", 4, 0)
	if err != nil {
		t.Fatalf("unknown symbol: %v", err)
	}
	text, _ := r.Data["text/plain"].(string)
	if r.Found || r.Status != protocol.ReplyOK || text != "No documentation for frobnicate: it is not a name of a package, of an earlier cell or of this cell, nor a builtin" {
		t.Errorf("unknown symbol: %+v; want found=false and a reason", r)
	}
	if _, ok := r.Data[protocol.DocMIME]; ok {
		t.Errorf("unknown symbol has structured documentation: %+v", r.Data)
	}

	for _, c := range []struct {
		code   string
		cursor int
		says   string
	}{
		{"ml.Sequential", 40, "cursor position 40 is outside the code (0..13 bytes)"},
		{"ml.Sequential", -2, "cursor position -2 is outside the code"},
		{"x := \"né\"", 8, "cursor position 8 is inside a UTF-8 character"},
	} {
		_, err := k.Inspect(ctx, c.code, c.cursor, 0)
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("Inspect(%q, %d) = %v; want an error saying %q", c.code, c.cursor, err, c.says)
		}
	}
	// The kernel still answers after refusing.
	if r, err := k.Inspect(ctx, "strings.Split", 9, 0); err != nil || !r.Found {
		t.Errorf("after bad positions: %+v, %v", r, err)
	}
}

// TestCompleteKindsAndSignatures checks the complete_reply's
// _jupyter_types_experimental metadata from a real kernel process.
func TestCompleteKindsAndSignatures(t *testing.T) {
	k := start(t)
	mustRun(t, k, "// half halves.\nfunc half(x float64) float64 { return x / 2 }\nhalfway := 0.5")
	ctx := context.Background()
	for _, c := range []struct {
		code, text, kind, sig string
	}{
		{"ml.Seq", "Sequential", "func", "func Sequential(layers ...Layer) *Model"},
		{"ml.FitC", "FitConfig", "type", "type FitConfig struct {"},
		{"strings.Spl", "Split", "func", "func Split(s, sep string) []string"},
		{"math.P", "Pi", "const", "Pi"},
		{"hal", "half", "func", "func half(x float64) float64"},
		{"hal", "halfway", "var", "var halfway float64"},
		{"ret", "return", "keyword", ""},
	} {
		r, err := k.Complete(ctx, c.code, len(c.code))
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Metadata.Types) != len(r.Matches) {
			t.Errorf("%q: %d types for %d matches", c.code, len(r.Metadata.Types), len(r.Matches))
			continue
		}
		found := false
		for i, ty := range r.Metadata.Types {
			if ty.Text != r.Matches[i] || ty.Start != r.CursorStart || ty.End != r.CursorEnd {
				t.Errorf("%q: type entry %+v does not match match %q at %d..%d", c.code, ty, r.Matches[i], r.CursorStart, r.CursorEnd)
			}
			if ty.Text == c.text {
				found = true
				if ty.Type != c.kind || !strings.Contains(ty.Signature, c.sig) {
					t.Errorf("%q: %q is %q %q; want %q with a signature containing %q", c.code, ty.Text, ty.Type, ty.Signature, c.kind, c.sig)
				}
			}
		}
		if !found {
			t.Errorf("%q: no completion %q in %v", c.code, c.text, r.Matches)
		}
	}
}
