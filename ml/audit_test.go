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

// TestPublicAPIRules checks the rules written at the top of the package
// documentation: every scalar parameter, result and field of the exported API
// is a float64 (tensor element data alone is float32, as []float32), and every
// metric Evaluate knows by name has a function on tensors, named plainly, and
// one on slices, named with the slice's element type.
func TestPublicAPIRules(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	funcs := map[string]*ast.FuncType{} // exported package-level functions
	checkFields := func(where string, fl *ast.FieldList) {
		if fl == nil {
			return
		}
		for _, f := range fl.List {
			if id, ok := f.Type.(*ast.Ident); ok && id.Name == "float32" {
				t.Errorf("%s: %s uses a float32 scalar; the rule is float64 for scalars", fset.Position(f.Pos()), where)
			}
			if el, ok := f.Type.(*ast.Ellipsis); ok {
				if id, ok := el.Elt.(*ast.Ident); ok && id.Name == "float32" {
					t.Errorf("%s: %s takes ...float32; the rule is float64 for scalars", fset.Position(f.Pos()), where)
				}
			}
		}
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() {
					continue
				}
				if d.Recv != nil {
					recv := d.Recv.List[0].Type
					if star, ok := recv.(*ast.StarExpr); ok {
						recv = star.X
					}
					if id, ok := recv.(*ast.Ident); !ok || !id.IsExported() {
						continue
					}
				} else {
					funcs[d.Name.Name] = d.Type
				}
				checkFields(d.Name.Name, d.Type.Params)
				checkFields(d.Name.Name, d.Type.Results)
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					ts, ok := spec.(*ast.TypeSpec)
					if !ok || !ts.Name.IsExported() {
						continue
					}
					switch x := ts.Type.(type) {
					case *ast.StructType:
						checkFields("field of "+ts.Name.Name, x.Fields)
					case *ast.FuncType:
						checkFields(ts.Name.Name, x.Params)
						checkFields(ts.Name.Name, x.Results)
					case *ast.InterfaceType:
						for _, m := range x.Methods.List {
							if ft, ok := m.Type.(*ast.FuncType); ok {
								checkFields(ts.Name.Name+" method", ft.Params)
								checkFields(ts.Name.Name+" method", ft.Results)
							}
						}
					}
				}
			}
		}
	}
	typeOf := func(e ast.Expr) string {
		switch x := e.(type) {
		case *ast.StarExpr:
			return "*" + x.X.(*ast.Ident).Name
		case *ast.ArrayType:
			return "[]" + x.Elt.(*ast.Ident).Name
		case *ast.Ident:
			return x.Name
		}
		return "?"
	}
	wantPair := func(name, elem string) {
		for fn, arg := range map[string]string{name: "*Tensor", name + map[string]string{"int": "Ints", "float64": "Float64s"}[elem]: "[]" + elem} {
			ft, ok := funcs[fn]
			if !ok {
				t.Errorf("metric function %s is missing", fn)
				continue
			}
			if p := ft.Params.List[0]; len(p.Names) != 2 || typeOf(p.Type) != arg {
				t.Errorf("%s takes %s first, want (pred, truth %s)", fn, typeOf(p.Type), arg)
			}
		}
	}
	for _, metric := range MetricNames() {
		d, _ := metricDefOf(metric)
		name := strings.ToUpper(metric[:1]) + metric[1:]
		if len(metric) <= 3 {
			name = strings.ToUpper(metric) // mse, mae, r2, f1
		}
		if d.classification {
			wantPair(name, "int")
		} else {
			wantPair(name, "float64")
		}
	}
	wantPair("NewConfusionMatrix", "int")
	if _, ok := funcs["Argmax"]; ok {
		t.Error("ml.Argmax is back: the one spelling is the method t.ArgMax()")
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
