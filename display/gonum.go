package display

import (
	"fmt"
	"html"
	"reflect"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"gopad.dev/gopad/internal/table"
)

// gonum values as cell results: a matrix or vector shows as a table with its
// shape, cut like NumPy's repr when large; a gonum/plot plot shows as a picture.

// Matrices with more elements than MatrixThreshold show only their first and last
// MatrixEdgeItems rows and columns, as NumPy prints arrays (its threshold and
// edgeitems options).
const (
	MatrixThreshold = 1000
	MatrixEdgeItems = 3
)

// Matrix returns the bundle of a gonum matrix or vector: an HTML table headed
// by the type and shape, and the same as aligned text. A matrix with more than
// MatrixThreshold elements shows its first and last MatrixEdgeItems rows and
// columns with … between them.
func Matrix(m mat.Matrix) Bundle {
	if m == nil || isNilPointer(m) {
		return Bundle{MIMEText: "<nil matrix>"}
	}
	r, c := m.Dims()
	kind := fmt.Sprintf("%T", m)
	if _, ok := m.(mat.Vector); ok && c == 1 {
		// A vector reads as a row, as NumPy prints a 1-D array.
		return vectorBundle(kind, m.(mat.Vector))
	}
	shape := fmt.Sprintf("%s %d×%d", kind, r, c)
	rows, cols := matrixIndices(r, c)
	columns := []string{""}
	for _, j := range cols {
		columns = append(columns, indexLabel(j))
	}
	t := &table.Table{Columns: columns, Total: len(rows)}
	for _, i := range rows {
		row := []table.Cell{{Text: indexLabel(i), JSON: indexLabel(i)}}
		for _, j := range cols {
			row = append(row, matrixCell(m, i, j))
		}
		t.Rows = append(t.Rows, row)
	}
	return Bundle{
		MIMEHTML: matrixHTML(shape, r*c > MatrixThreshold, t),
		MIMEText: shape + "\n" + matrixText(m, r*c > MatrixThreshold),
	}
}

func vectorBundle(kind string, v mat.Vector) Bundle {
	n := v.Len()
	shape := fmt.Sprintf("%s len %d", kind, n)
	idx, _ := matrixIndices(n, 1)
	if n <= MatrixThreshold {
		idx = make([]int, n)
		for i := range idx {
			idx[i] = i
		}
	}
	t := &table.Table{Total: 1}
	var row []table.Cell
	var text []string
	for _, i := range idx {
		if i < 0 {
			t.Columns = append(t.Columns, "…")
			row = append(row, table.Cell{Text: "…"})
			text = append(text, "...")
			continue
		}
		t.Columns = append(t.Columns, strconv.Itoa(i))
		row = append(row, table.NumberCell(v.AtVec(i)))
		text = append(text, strconv.FormatFloat(v.AtVec(i), 'g', 6, 64))
	}
	t.Rows = [][]table.Cell{row}
	return Bundle{
		MIMEHTML: matrixHTML(shape, n > MatrixThreshold, t),
		MIMEText: shape + "\n[" + strings.Join(text, " ") + "]",
	}
}

// matrixIndices returns the rows and columns to show, with -1 where the …
// goes.
func matrixIndices(r, c int) (rows, cols []int) {
	cut := r*c > MatrixThreshold
	pick := func(n int) []int {
		if !cut || n <= 2*MatrixEdgeItems {
			out := make([]int, n)
			for i := range out {
				out[i] = i
			}
			return out
		}
		var out []int
		for i := 0; i < MatrixEdgeItems; i++ {
			out = append(out, i)
		}
		out = append(out, -1)
		for i := n - MatrixEdgeItems; i < n; i++ {
			out = append(out, i)
		}
		return out
	}
	return pick(r), pick(c)
}

func indexLabel(i int) string {
	if i < 0 {
		return "…"
	}
	return strconv.Itoa(i)
}

func matrixCell(m mat.Matrix, i, j int) table.Cell {
	if i < 0 || j < 0 {
		return table.Cell{Text: "…"}
	}
	return table.NumberCell(m.At(i, j))
}

func matrixHTML(shape string, cut bool, t *table.Table) string {
	note := ""
	if cut {
		note = fmt.Sprintf(" · first and last %d rows and columns", MatrixEdgeItems)
	}
	return fmt.Sprintf(`<div class="gopad-matrix"><div style="font-size:12px;opacity:0.7;margin-bottom:2px">%s%s</div>%s</div>`,
		html.EscapeString(shape), html.EscapeString(note), t.HTML())
}

// matrixText is gonum's own printing of the matrix, cut at the edges when large.
func matrixText(m mat.Matrix, cut bool) string {
	opts := []mat.FormatOption{mat.Squeeze()}
	if cut {
		opts = append(opts, mat.Excerpt(MatrixEdgeItems))
	}
	return fmt.Sprintf("%.6g", mat.Formatted(m, opts...))
}

// Plot returns the bundle of a gonum/plot plot drawn at StaticWidth×StaticHeight:
// a PNG (an image/png bundle, shown by nbconvert, GitHub, JupyterLab, VS Code).
func Plot(p *plot.Plot) Bundle {
	return PlotSize(p, 0, 0)
}

// PlotSize is Plot at a given size in centimetres (0 for the default).
func PlotSize(p *plot.Plot, widthCM, heightCM float64) Bundle {
	if p == nil {
		return Bundle{MIMEText: "<nil plot>"}
	}
	w, h := StaticWidth, StaticHeight
	if widthCM > 0 {
		w = vgCM(widthCM)
	}
	if heightCM > 0 {
		h = vgCM(heightCM)
	}
	mime, data, _, err := staticImage([]*plot.Plot{p}, w, h, false, true)
	if err != nil {
		return Bundle{MIMEText: fmt.Sprintf("display.Plot: %v", err)}
	}
	title := p.Title.Text
	if title == "" {
		title = "untitled"
	}
	return Bundle{mime: data, MIMEText: fmt.Sprintf("<plot %q>", title)}
}

func vgCM(cm float64) vg.Length { return vg.Length(cm) * vg.Centimeter }

// isNilPointer reports whether v is a typed nil pointer (a nil *mat.Dense in an
// interface), which gonum's methods cannot be called on.
func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}
