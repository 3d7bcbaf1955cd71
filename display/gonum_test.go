package display

import (
	"encoding/base64"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

func TestSmallMatrixShowsEveryElementWithItsShape(t *testing.T) {
	m := mat.NewDense(2, 3, []float64{1, 2.5, 3, -4, 5, 6})
	b := Render(m)
	h, _ := b[MIMEHTML].(string)
	if !strings.Contains(h, "*mat.Dense 2×3") {
		t.Errorf("HTML lacks the shape: %s", h)
	}
	for _, v := range []string{">2.5<", ">-4<", ">6<"} {
		if !strings.Contains(h, v) {
			t.Errorf("HTML lacks %s: %s", v, h)
		}
	}
	if strings.Contains(h, "…") {
		t.Errorf("a 6-element matrix is cut: %s", h)
	}
	text := b.String()
	if !strings.HasPrefix(text, "*mat.Dense 2×3\n") || !strings.Contains(text, "2.5") || !strings.Contains(text, "-4") {
		t.Errorf("text form:\n%s", text)
	}
}

func TestLargeMatrixIsCutLikeNumPy(t *testing.T) {
	r, c := 100, 20 // 2000 elements > MatrixThreshold
	data := make([]float64, r*c)
	for i := range data {
		data[i] = float64(i)
	}
	b := Render(mat.NewDense(r, c, data))
	h := b[MIMEHTML].(string)
	if !strings.Contains(h, "100×20") {
		t.Errorf("shape missing: %.300s", h)
	}
	// Row 0 col 0..2, row 99 col 17..19 shown; row 50 and col 10 not.
	for _, want := range []string{">0<", ">1<", ">2<", ">1997<", ">1998<", ">1999<", ">…<"} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %s", want)
		}
	}
	if strings.Contains(h, ">1010<") || strings.Contains(h, ">10<") {
		t.Errorf("HTML shows an element from the middle: %.2000s", h)
	}
	if n := strings.Count(h, "<tr"); n != 1+2*MatrixEdgeItems+1 {
		t.Errorf("%d table rows, want header + %d shown + the … row", n, 2*MatrixEdgeItems)
	}
	if !strings.Contains(b.String(), "...") {
		t.Errorf("text form is not cut:\n%s", b.String())
	}
	// Exactly at the threshold nothing is cut.
	if h := Render(mat.NewDense(10, 100, make([]float64, 1000)))[MIMEHTML].(string); strings.Contains(h, "…") {
		t.Errorf("a 1000-element matrix is cut")
	}
}

func TestVectorShowsAsARow(t *testing.T) {
	v := mat.NewVecDense(4, []float64{1, 2, 3, 4.5})
	b := Render(v)
	if got := b.String(); got != "*mat.VecDense len 4\n[1 2 3 4.5]" {
		t.Errorf("text %q", got)
	}
	long := mat.NewVecDense(5000, nil)
	long.SetVec(4999, 7)
	if got := Render(long).String(); got != "*mat.VecDense len 5000\n[0 0 0 ... 0 0 7]" {
		t.Errorf("long vector text %q", got)
	}
	var nilDense *mat.Dense
	if got := Render(nilDense).String(); got != "<nil matrix>" {
		t.Errorf("nil *mat.Dense renders %q", got)
	}
}

func TestPlotRendersAsAnImage(t *testing.T) {
	p := plot.New()
	p.Title.Text = "squares"
	line, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}, {X: 2, Y: 4}})
	if err != nil {
		t.Fatal(err)
	}
	p.Add(line)
	b := Render(p)
	// A PNG (nbconvert's HTML blanks SVG pictures) of the plot's size, drawn.
	if _, ok := b[MIMESVG]; ok {
		t.Errorf("the plot's bundle holds an SVG: %v", b.MIMETypes())
	}
	checkDrawn(t, pictureImage(t, b))
	if !strings.Contains(b.String(), "squares") {
		t.Errorf("the plot's text %q lacks its title", b.String())
	}
	// Many points: a PNG as well.
	big := plot.New()
	xys := make(plotter.XYs, 20000)
	for i := range xys {
		xys[i] = plotter.XY{X: float64(i), Y: float64(i % 97)}
	}
	sc, _ := plotter.NewScatter(xys)
	big.Add(sc)
	bb := Render(big)
	raw, err := base64.StdEncoding.DecodeString(bb[MIMEPNG].(string))
	if err != nil || len(raw) < 8 || string(raw[1:4]) != "PNG" {
		t.Fatalf("a 20000-point plot: bundle %v, want a PNG", bb.MIMETypes())
	}
	if _, ok := bb[MIMESVG]; ok {
		t.Errorf("both SVG and PNG in one bundle")
	}
}
