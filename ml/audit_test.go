package ml

import (
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestExportedAPIIsYaegiFriendly checks issue 4's rule that the exported API uses
// no generics and no interfaces with unexported methods: yaegi cannot
// instantiate the first or implement the second from a cell.
func TestExportedAPIIsYaegiFriendly(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		checked++
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && d.Name.IsExported() && d.Type.TypeParams != nil {
					t.Errorf("%s: exported generic function %s", fset.Position(d.Pos()), d.Name.Name)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					ts, ok := spec.(*ast.TypeSpec)
					if !ok || !ts.Name.IsExported() {
						continue
					}
					if ts.TypeParams != nil {
						t.Errorf("%s: exported generic type %s", fset.Position(ts.Pos()), ts.Name.Name)
					}
					it, ok := ts.Type.(*ast.InterfaceType)
					if !ok {
						continue
					}
					for _, m := range it.Methods.List {
						for _, n := range m.Names {
							if !n.IsExported() {
								t.Errorf("%s: exported interface %s has unexported method %s", fset.Position(n.Pos()), ts.Name.Name, n.Name)
							}
						}
						if len(m.Names) == 0 {
							// An embedded interface or a type union: unions make it a constraint.
							if _, isUnion := m.Type.(*ast.BinaryExpr); isUnion {
								t.Errorf("%s: exported interface %s is a type constraint", fset.Position(m.Pos()), ts.Name.Name)
							}
							if id, ok := m.Type.(*ast.Ident); ok && !id.IsExported() {
								t.Errorf("%s: exported interface %s embeds unexported %s", fset.Position(m.Pos()), ts.Name.Name, id.Name)
							}
						}
					}
				}
			}
		}
	}
	if checked < 5 {
		t.Fatalf("checked only %d files of package ml; run the test from its directory", checked)
	}
}

// TestXavierKaimingSeededBounds checks issue 4 item 2's seeded Xavier and
// Kaiming initialisation: the documented uniform bounds, zero biases, values
// that fill the range, and the same weights for the same seed.
func TestXavierKaimingSeededBounds(t *testing.T) {
	const in, out = 64, 256
	cases := map[string]struct {
		init  func(*LinearLayer) *LinearLayer
		bound float64
	}{
		"Xavier":  {(*LinearLayer).Xavier, math.Sqrt(6.0 / (in + out))},
		"Kaiming": {(*LinearLayer).Kaiming, math.Sqrt(6.0 / in)},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			build := func(seed int64) []float32 {
				SetSeed(seed)
				l := c.init(Linear(in, out))
				for i, b := range l.Bias.Data() {
					if b != 0 {
						t.Fatalf("bias[%d] = %v, want zero", i, b)
					}
				}
				return slices.Clone(l.Weight.Data())
			}
			w := build(7)
			var maxAbs, sumSq float64
			for _, v := range w {
				a := math.Abs(float64(v))
				maxAbs = max(maxAbs, a)
				sumSq += a * a
			}
			if maxAbs > c.bound {
				t.Errorf("max |w| = %v, above the bound %v", maxAbs, c.bound)
			}
			if maxAbs < 0.95*c.bound {
				t.Errorf("max |w| = %v, far below the bound %v: not uniform over the range", maxAbs, c.bound)
			}
			// A uniform on [-b, b] has variance b²/3.
			if got, want := sumSq/float64(len(w)), c.bound*c.bound/3; math.Abs(got-want) > 0.05*want {
				t.Errorf("variance %v, want about %v", got, want)
			}
			if !slices.Equal(w, build(7)) {
				t.Error("the same seed gave different weights")
			}
			if slices.Equal(w, build(8)) {
				t.Error("different seeds gave the same weights")
			}
		})
	}
}

// TestDropoutTrainsAndEvaluates checks the Dropout layer beyond p = 0: in
// training it zeroes about p of the inputs and scales the rest by 1/(1-p), its
// gradient is the same mask, and in evaluation (and Predict) it is the identity.
func TestDropoutTrainsAndEvaluates(t *testing.T) {
	const p = 0.3
	d := Dropout(p)
	d.SetTraining(true)
	x := Full(2, 200, 50).SetRequiresGrad(true)
	y := d.Forward(x)
	zeros := 0
	for i, v := range y.Data() {
		switch {
		case v == 0:
			zeros++
		case math.Abs(float64(v)-2/(1-p)) > 1e-5:
			t.Fatalf("kept value y[%d] = %v, want 2/(1-p) = %v", i, v, 2/(1-p))
		}
	}
	if frac := float64(zeros) / float64(len(y.Data())); math.Abs(frac-p) > 0.03 {
		t.Errorf("dropped fraction %v, want about %v", frac, p)
	}
	y.Sum().Backward()
	for i, g := range x.Grad().Data() {
		if want := y.Data()[i] / 2; g != want {
			t.Fatalf("grad[%d] = %v, want the mask value %v", i, g, want)
		}
	}

	d.SetTraining(false)
	if e := d.Forward(x); !slices.Equal(e.Data(), x.Data()) {
		t.Error("Dropout in evaluation mode changed its input")
	}
	SetSeed(3)
	m := Sequential(Linear(4, 16), Dropout(0.5), Linear(16, 2))
	in := Full(1, 3, 4)
	first := slices.Clone(m.Predict(in).Data())
	if !slices.Equal(first, m.Predict(in).Data()) {
		t.Error("Predict through Dropout is not deterministic: dropout applied at inference")
	}
}
