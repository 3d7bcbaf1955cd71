package display_test

import (
	"gopad.dev/gopad/display"
	"math"
	"strconv"
	"strings"
	"testing"
)

// TestGonumInACell imports every gonum package cells are promised with its real
// path in a real kernel, computes with them, and checks what the notebook
// receives: a matrix result as a table with its shape, a plot as an SVG, and
// ml tensors going to mat.Dense and back.
func TestGonumInACell(t *testing.T) {
	mk := startKernel(t)
	mk.run(`import (
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)`)

	// Linear algebra: the result is the product's table, with its shape.
	res, _ := mk.run(`a := mat.NewDense(2, 2, []float64{1, 2, 3, 4})
var p mat.Dense
p.Mul(a, a)
&p`)
	h, _ := res["text/html"].(string)
	if !strings.Contains(h, "*mat.Dense 2×2") || !strings.Contains(h, ">22<") || !strings.Contains(h, ">15<") {
		t.Errorf("a*a as a result: %v\n%s", res, h)
	}

	// Statistics, floats and distributions give the textbook values.
	_, out := mk.run(`xs := []float64{2, 4, 4, 4, 5, 5, 7, 9}
fmt.Println(stat.Mean(xs, nil), stat.PopStdDev(xs, nil), floats.Sum(xs))
n := distuv.Normal{Mu: 0, Sigma: 1}
fmt.Println(n.CDF(1.959963984540054))`)
	fields := strings.Fields(out)
	if len(fields) != 4 || fields[0] != "5" || fields[1] != "2" || fields[2] != "40" {
		t.Errorf("stat/floats printed %q", out)
	}
	if v, err := strconv.ParseFloat(fields[len(fields)-1], 64); err != nil || math.Abs(v-0.975) > 1e-9 {
		t.Errorf("Normal CDF(1.96) printed %q", out)
	}

	// optimize: a cell-defined function minimised by compiled gonum code.
	_, out = mk.run(`prob := optimize.Problem{Func: func(x []float64) float64 {
	return (x[0]-3)*(x[0]-3) + (x[1]+1)*(x[1]+1)
}}
r, err := optimize.Minimize(prob, []float64{0, 0}, nil, &optimize.NelderMead{})
if err != nil { panic(err) }
fmt.Printf("%.3f %.3f\n", r.X[0], r.X[1])`)
	if strings.TrimSpace(out) != "3.000 -1.000" {
		t.Errorf("optimize.Minimize found %q, want 3.000 -1.000", out)
	}

	// A gonum plot as a result is a picture.
	res, _ = mk.run(`pl := plot.New()
pl.Title.Text = "sine"
pts := make(plotter.XYs, 50)
for i := range pts { pts[i].X = float64(i) / 5; pts[i].Y = math.Sin(pts[i].X) }
ln, _ := plotter.NewLine(pts)
pl.Add(ln)
_ = vg.Inch
pl`)
	if p, _ := res["image/png"].(string); p == "" || res["image/svg+xml"] != nil {
		t.Errorf("a plot as a result gave %v, want a PNG only", keys(res))
	} else {
		display.CheckDrawnPNG(t, p)
	}

	// ml <-> gonum in one call each.
	_, out = mk.run(`x := ml.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 3, 2)
d := ml.ToDense(x)
var g mat.Dense
g.Mul(d.T(), d)
back := ml.FromDense(&g)
fmt.Println(back.Shape(), back.Data())`)
	if strings.TrimSpace(out) != "[2 2] [35 44 44 56]" {
		t.Errorf("ml -> gonum -> ml printed %q", out)
	}
}

func keys(b map[string]any) []string {
	var out []string
	for k := range b {
		out = append(out, k)
	}
	return out
}
