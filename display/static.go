package display

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image/color"
	"math"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Every chart this package makes carries, besides its ECharts option, a static
// picture of itself drawn in Go with gonum/plot: viewers without gopad's
// renderer (GitHub, JupyterLab, VS Code, nbconvert) show that picture, while
// gopad's notebook and its HTML export draw the interactive chart. The picture is
// drawn as SVG (an SVG larger than MaxStaticSVG as PNG) and carried as a PNG of
// bounded pixel size (see rasterSVG).

// Bounds of the static fallback.
const (
	// StaticWidth and StaticHeight are the size of a static chart, in points
	// (1/72 inch; an SVG shows 4/3 pixels per point).
	StaticWidth  = 6 * vg.Inch
	StaticHeight = 3.6 * vg.Inch
	// MaxStaticSVG is the largest SVG drawing of a chart, in bytes; a larger
	// one (thousands of points) is drawn as a PNG of StaticWidth×StaticHeight at
	// staticDPI, whose size depends on the pixels, not on the data. (Bundles
	// carry PNG in any case.)
	MaxStaticSVG = 150_000
	staticDPI    = 96
	// maxStaticPoints bounds the points a static chart draws per series; longer
	// series are thinned evenly (the interactive chart keeps them all).
	maxStaticPoints = 4000
)

// staticStats records the cost of the last static rendering, for tests and
// measurements: bytes of the image and time taken.
type staticStats struct {
	mime  string
	bytes int
	took  time.Duration
}

// staticImage renders plots stacked vertically (one plot per panel) as an SVG,
// or as a PNG when the SVG exceeds MaxStaticSVG. It returns the MIME type and the
// data as a bundle holds it (SVG text, base64 PNG).
//
// With legendRight, each plot's legend is drawn in a column right of the plots
// rather than over the data (gonum/plot draws it inside the data area, where
// it hid the curves' ends and markers such as a grid search's chosen point).
func staticImage(plots []*plot.Plot, w, h vg.Length, legendRight, raster bool) (mime, data string, stats staticStats, err error) {
	start := time.Now()
	defer func() { stats.took = time.Since(start) }()
	if len(plots) == 0 {
		return "", "", stats, fmt.Errorf("no panels to draw")
	}
	// Take the legends out of the plots and make room for the widest.
	var lw vg.Length
	legends := make([]plot.Legend, len(plots))
	if legendRight {
		probe := draw.New(vgimg.New(w, h))
		for i, p := range plots {
			legends[i] = p.Legend
			legends[i].Left, legends[i].Top = true, true
			legends[i].XOffs, legends[i].YOffs = 0, 0
			if r := legends[i].Rectangle(probe); r.Size().X > 0 {
				lw = max(lw, r.Size().X+vg.Points(10))
			}
			empty := plot.NewLegend()
			p.Legend = empty
		}
		lw = min(lw, w*0.38)
		defer func() {
			for i, p := range plots {
				p.Legend = legends[i]
			}
		}()
	}
	// With the legend beside the plots, the title is centred over the whole
	// picture, not over the narrower plots (a long title was cut off).
	title := plots[0].Title
	if legendRight && title.Text != "" {
		plots[0].Title.Text = ""
		defer func() { plots[0].Title.Text = title.Text }()
	} else {
		title.Text = ""
	}
	render := func(format string) ([]byte, error) {
		var c vg.CanvasWriterTo
		if format == "png" {
			c = palettedPNG{vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(staticDPI))}
		} else {
			var err error
			if c, err = draw.NewFormattedCanvas(w, h, format); err != nil {
				return nil, err
			}
		}
		dc := draw.New(c)
		plotsC := dc
		if title.Text != "" {
			title.Text = wrapText(title.Text, title.TextStyle, dc.Size().X-vg.Points(8))
			th := title.TextStyle.Rectangle(title.Text).Size().Y
			sty := title.TextStyle
			sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
			dc.FillText(sty, vg.Point{X: dc.Center().X, Y: dc.Max.Y - vg.Points(3)}, title.Text)
			plotsC = draw.Crop(dc, 0, 0, 0, -th-vg.Points(8))
		}
		if lw > 0 {
			plotsC = draw.Crop(plotsC, 0, -lw, 0, 0)
		}
		canvases := []draw.Canvas{plotsC}
		if len(plots) > 1 {
			rows := make([][]*plot.Plot, len(plots))
			for i, p := range plots {
				rows[i] = []*plot.Plot{p}
			}
			tiles := draw.Tiles{Rows: len(plots), Cols: 1, PadY: vg.Points(6)}
			aligned := plot.Align(rows, tiles, plotsC)
			canvases = canvases[:0]
			for i := range plots {
				canvases = append(canvases, aligned[i][0])
			}
		}
		for i, p := range plots {
			p.Draw(canvases[i])
			if lw > 0 {
				lc := canvases[i]
				lc.Min.X, lc.Max.X = dc.Max.X-lw+vg.Points(6), dc.Max.X
				lc.Max.Y -= titleHeight(p)
				legends[i].Draw(lc)
			}
		}
		var buf bytes.Buffer
		if _, err := c.WriteTo(&buf); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	if raster {
		png, err := render("png")
		if err != nil {
			return "", "", stats, fmt.Errorf("draw PNG: %w", err)
		}
		return MIMEPNG, base64.StdEncoding.EncodeToString(png), staticStats{mime: MIMEPNG, bytes: len(png)}, nil
	}
	svg, err := render("svg")
	if err != nil {
		return "", "", stats, fmt.Errorf("draw SVG: %w", err)
	}
	if len(svg) <= MaxStaticSVG {
		return MIMESVG, string(svg), staticStats{mime: MIMESVG, bytes: len(svg)}, nil
	}
	png, err := render("png")
	if err != nil {
		return "", "", stats, fmt.Errorf("draw PNG: %w", err)
	}
	return MIMEPNG, base64.StdEncoding.EncodeToString(png), staticStats{mime: MIMEPNG, bytes: len(png)}, nil
}

// logAxis draws an axis of ECharts type "log" on a log scale.
func logAxis(a *plot.Axis, option map[string]any) {
	if option["type"] == "log" {
		a.Scale = plot.LogScale{}
		a.Tick.Marker = plot.LogTicks{Prec: -1}
	}
}

// titleHeight is the height a plot's title takes above its data area.
func titleHeight(p *plot.Plot) vg.Length {
	if p.Title.Text == "" {
		return 0
	}
	return p.Title.TextStyle.Rectangle(p.Title.Text).Size().Y + p.Title.Padding
}

// wrapText breaks each line of s that is wider than width at its " · "
// separators, else at spaces (a history's subtitle of best values ran off
// both sides of the picture).
func wrapText(s string, sty text.Style, width vg.Length) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if sty.Width(line) <= width {
			out = append(out, line)
			continue
		}
		sep := " · "
		words := strings.Split(line, sep)
		if len(words) == 1 {
			sep = " "
			words = strings.Fields(line)
		}
		cur := ""
		for _, w := range words {
			next := w
			if cur != "" {
				next = cur + sep + w
			}
			if cur != "" && sty.Width(next) > width {
				out = append(out, cur)
				next = w
			}
			cur = next
		}
		out = append(out, cur)
	}
	return strings.Join(out, "\n")
}

// sansFonts sets a plot's text in Liberation Sans, nearer ECharts' sans-serif
// than gonum/plot's default serif, at sizes for a 6-inch picture.
func sansFonts(p *plot.Plot) {
	sans := func(size float64) font.Font {
		return font.Font{Typeface: "Liberation", Variant: "Sans", Size: vg.Points(size)}
	}
	p.Title.TextStyle.Font = sans(12)
	p.X.Label.TextStyle.Font = sans(10)
	p.Y.Label.TextStyle.Font = sans(10)
	p.X.Tick.Label.Font = sans(8)
	p.Y.Tick.Label.Font = sans(8)
	p.Legend.TextStyle.Font = sans(8.5)
}

// Colours of the static charts' series: ECharts' default palette, so that the
// picture and the interactive chart agree.
var seriesColors = []color.RGBA{
	{0x54, 0x70, 0xc6, 0xff}, {0x91, 0xcc, 0x75, 0xff}, {0xfa, 0xc8, 0x58, 0xff},
	{0xee, 0x66, 0x66, 0xff}, {0x73, 0xc0, 0xde, 0xff}, {0x3b, 0xa2, 0x72, 0xff},
	{0xfc, 0x84, 0x52, 0xff}, {0x9a, 0x60, 0xb4, 0xff}, {0xea, 0x7c, 0xcc, 0xff},
}

func seriesColor(i int, option map[string]any) color.Color {
	if list, ok := option["color"].([]any); ok && len(list) > 0 {
		if c, ok := parseColor(list[i%len(list)]); ok {
			return c
		}
	}
	return seriesColors[i%len(seriesColors)]
}

// parseColor reads "#rrggbb" colours.
func parseColor(v any) (color.Color, bool) {
	s, ok := v.(string)
	if !ok || len(s) != 7 || s[0] != '#' {
		return nil, false
	}
	var r, g, b uint8
	if _, err := fmt.Sscanf(s, "#%02x%02x%02x", &r, &g, &b); err != nil {
		return nil, false
	}
	return color.RGBA{r, g, b, 0xff}, true
}

// staticCartesian draws line, scatter, bar and heatmap series on value or
// category axes with gonum/plot, one panel per y axis. It returns the picture's
// height too, in points (its width is StaticWidth).
func staticCartesian(option map[string]any, series []any, raster bool) (mime, data string, stats staticStats, height vg.Length, err error) {
	xAxes := axisList(option["xAxis"])
	yAxes := axisList(option["yAxis"])
	if len(yAxes) == 0 {
		yAxes = []map[string]any{{}}
	}
	panels := make([]*plot.Plot, len(yAxes))
	used := make([]bool, len(yAxes))
	for i := range panels {
		p := plot.New()
		panels[i] = p
		p.Legend.Top = true
		p.Legend.Left = false
		sansFonts(p)
		p.Y.Label.Text = axisName(yAxes[i])
		if len(xAxes) > 0 {
			p.X.Label.Text = axisName(xAxes[0])
		}
	}
	panels[0].Title.Text = optionTitle(option)
	if sub := optionSubtitle(option); sub != "" {
		panels[0].Title.Text += "\n" + sub
	}
	// One legend entry per name and panel (a band drawn as two lines, such as
	// a grid search's mean ± std, shares one name).
	inLegend := map[*plot.Plot]map[string]bool{}
	addLegend := func(p *plot.Plot, name string, thumb plot.Thumbnailer) {
		if name == "" || inLegend[p][name] {
			return
		}
		if inLegend[p] == nil {
			inLegend[p] = map[string]bool{}
		}
		inLegend[p][name] = true
		p.Legend.Add(name, thumb)
	}
	var xCats []string
	if len(xAxes) > 0 {
		xCats = axisCategories(xAxes[0])
	}
	for si, s := range series {
		m, ok := s.(map[string]any)
		if !ok {
			continue
		}
		typ, _ := m["type"].(string)
		name, _ := m["name"].(string)
		yi := 0
		if v, ok := m["yAxisIndex"].(float64); ok && int(v) < len(panels) && v >= 0 {
			yi = int(v)
		}
		p := panels[yi]
		used[yi] = true
		if v, ok := m["xAxisIndex"].(float64); ok && int(v) < len(xAxes) && v >= 0 {
			p.X.Label.Text = axisName(xAxes[int(v)])
			logAxis(&p.X, xAxes[int(v)])
		} else if len(xAxes) > 0 {
			logAxis(&p.X, xAxes[0])
		}
		logAxis(&p.Y, yAxes[yi])
		col := seriesColor(si, option)
		if c, ok := parseColor(lookup(m, "itemStyle", "color")); ok {
			col = c
		} else if c, ok := parseColor(lookup(m, "lineStyle", "color")); ok {
			col = c
		}
		data, _ := m["data"].([]any)
		switch typ {
		case "line", "scatter", "effectScatter":
			xys := seriesPoints(data, xCats)
			if len(xys) == 0 {
				continue
			}
			var thing plot.Plotter
			var legend plot.Thumbnailer
			if typ == "line" {
				for _, part := range splitGaps(xys) {
					l, err := plotter.NewLine(part)
					if err != nil {
						return "", "", stats, 0, fmt.Errorf("series %q: %w", name, err)
					}
					l.Color = col
					l.Width = vg.Points(1.5)
					if dash, _ := lookup(m, "lineStyle", "type").(string); dash == "dashed" {
						l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
					}
					p.Add(l)
					thing, legend = l, l
				}
			} else {
				sc, err := plotter.NewScatter(finitePoints(xys))
				if err != nil {
					return "", "", stats, 0, fmt.Errorf("series %q: %w", name, err)
				}
				sc.Color = col
				sc.Radius = vg.Points(1.8)
				if size, ok := m["symbolSize"].(float64); ok && size > 0 {
					sc.Radius = vg.Points(size / 2 * 0.75)
				}
				sc.Shape = draw.CircleGlyph{}
				p.Add(sc)
				thing, legend = sc, sc
			}
			if thing != nil {
				addLegend(p, name, legend)
			}
		case "bar", "pictorialBar":
			vals := make(plotter.Values, len(data))
			for i, d := range data {
				v, ok := pointValue(d)
				if !ok {
					v = 0
				}
				vals[i] = v
			}
			if len(vals) == 0 {
				continue
			}
			bars, err := plotter.NewBarChart(vals, vg.Points(barWidth(len(vals), countType(series, "bar"))))
			if err != nil {
				return "", "", stats, 0, fmt.Errorf("series %q: %w", name, err)
			}
			bars.Color = col
			bars.LineStyle.Width = 0
			nb := countType(series, "bar")
			bars.Offset = vg.Points(barWidth(len(vals), nb)) * vg.Length(float64(indexOfType(series, si, "bar"))-float64(nb-1)/2)
			p.Add(bars)
			addLegend(p, name, bars)
		case "boxplot", "candlestick":
			bx := newBoxes(data, typ == "candlestick", col, countType(series, typ), indexOfType(series, si, typ))
			if len(bx.vals) == 0 {
				continue
			}
			p.Add(bx)
			addLegend(p, name, bx)
		case "heatmap":
			if err := addHeatmap(p, option, m, xAxes, yAxes); err != nil {
				return "", "", stats, 0, err
			}
		default:
			return "", "", stats, 0, fmt.Errorf("series type %q has no static picture", typ)
		}
	}
	var shown []*plot.Plot
	for i, p := range panels {
		if !used[i] {
			continue
		}
		if len(xCats) > 0 && !isHeatmap(series) {
			p.NominalX(xCats...)
		}
		applyAxisRange(p, xAxes, yAxes, i)
		if !isHeatmap(series) { // grid lines over cells hide the counts
			p.Add(plotter.NewGrid())
		}
		shown = append(shown, p)
	}
	if len(shown) == 0 {
		return "", "", stats, 0, fmt.Errorf("the chart's series hold no points")
	}
	if shown[0] != panels[0] {
		shown[0].Title.Text = panels[0].Title.Text
	}
	h := StaticHeight
	if len(shown) > 1 {
		h = StaticHeight * vg.Length(0.6*float64(len(shown)))
	}
	mime, data, stats, err = staticImage(shown, StaticWidth, h, true, raster)
	return mime, data, stats, h, err
}

// applyAxisRange applies explicit min/max of the option's axes.
func applyAxisRange(p *plot.Plot, xAxes, yAxes []map[string]any, yi int) {
	if len(xAxes) > 0 {
		if v, ok := xAxes[0]["min"].(float64); ok {
			p.X.Min = v
		}
		if v, ok := xAxes[0]["max"].(float64); ok {
			p.X.Max = v
		}
	}
	if yi < len(yAxes) {
		if v, ok := yAxes[yi]["min"].(float64); ok {
			p.Y.Min = v
		}
		if v, ok := yAxes[yi]["max"].(float64); ok {
			p.Y.Max = v
		}
	}
}

func isHeatmap(series []any) bool { return countType(series, "heatmap") > 0 }

func countType(series []any, typ string) int {
	n := 0
	for _, s := range series {
		if m, ok := s.(map[string]any); ok && m["type"] == typ {
			n++
		}
	}
	return n
}

func indexOfType(series []any, upto int, typ string) int {
	n := 0
	for i := 0; i < upto; i++ {
		if m, ok := series[i].(map[string]any); ok && m["type"] == typ {
			n++
		}
	}
	return n
}

// barWidth is the width of one bar, in points, so that groups fill ~70% of the
// plot's width.
func barWidth(categories, seriesCount int) float64 {
	w := 0.7 * 360 / float64(max(1, categories)*max(1, seriesCount))
	return math.Max(1, math.Min(w, 30))
}

// seriesPoints reads [x, y] pairs, {value: [x, y]} objects, or plain y values
// (x is then the index, as on a category axis). Category names as x map to
// their index among cats. Missing values ("-") become NaN.
func seriesPoints(data []any, cats []string) plotter.XYs {
	xys := make(plotter.XYs, 0, len(data))
	for i, d := range data {
		if m, ok := d.(map[string]any); ok {
			d = m["value"]
		}
		x, y := float64(i), math.NaN()
		switch v := d.(type) {
		case float64:
			y = v
		case []any:
			if len(v) >= 2 {
				x = axisValue(v[0], cats, i)
				if f, ok := v[1].(float64); ok {
					y = f
				}
			}
		}
		xys = append(xys, plotter.XY{X: x, Y: y})
	}
	return thin(xys)
}

func axisValue(v any, cats []string, index int) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case string:
		for i, c := range cats {
			if c == x {
				return float64(i)
			}
		}
	}
	return float64(index)
}

// thin keeps at most maxStaticPoints points, evenly spaced.
func thin(xys plotter.XYs) plotter.XYs {
	if len(xys) <= maxStaticPoints {
		return xys
	}
	out := make(plotter.XYs, maxStaticPoints)
	for i := range out {
		out[i] = xys[i*(len(xys)-1)/(maxStaticPoints-1)]
	}
	return out
}

// splitGaps cuts a line at missing values, as ECharts leaves gaps.
func splitGaps(xys plotter.XYs) []plotter.XYs {
	var parts []plotter.XYs
	var cur plotter.XYs
	for _, p := range xys {
		if math.IsNaN(p.X) || math.IsNaN(p.Y) || math.IsInf(p.Y, 0) {
			if len(cur) > 0 {
				parts = append(parts, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, p)
	}
	if len(cur) > 0 {
		parts = append(parts, cur)
	}
	return parts
}

func finitePoints(xys plotter.XYs) plotter.XYs {
	out := xys[:0:0]
	for _, p := range xys {
		if !math.IsNaN(p.X) && !math.IsNaN(p.Y) && !math.IsInf(p.X, 0) && !math.IsInf(p.Y, 0) {
			out = append(out, p)
		}
	}
	return out
}

// axisList reads an option's xAxis or yAxis: one object or a list.
func axisList(v any) []map[string]any {
	switch x := v.(type) {
	case map[string]any:
		return []map[string]any{x}
	case []any:
		var out []map[string]any
		for _, a := range x {
			if m, ok := a.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

func axisName(axis map[string]any) string {
	s, _ := axis["name"].(string)
	return s
}

func axisCategories(axis map[string]any) []string {
	data, ok := axis["data"].([]any)
	if !ok {
		return nil
	}
	out := make([]string, len(data))
	for i, d := range data {
		if m, ok := d.(map[string]any); ok {
			d = m["value"]
		}
		out[i] = fmt.Sprint(d)
	}
	return out
}

func optionTitle(option map[string]any) string {
	switch t := option["title"].(type) {
	case map[string]any:
		s, _ := t["text"].(string)
		return s
	case []any:
		if len(t) > 0 {
			if m, ok := t[0].(map[string]any); ok {
				s, _ := m["text"].(string)
				return s
			}
		}
	}
	return ""
}

// optionSubtitle is the title's subtext (a history chart's best values).
func optionSubtitle(option map[string]any) string {
	t, ok := option["title"].(map[string]any)
	if !ok {
		return ""
	}
	s, _ := t["subtext"].(string)
	return s
}

// lookup follows keys through nested option objects.
func lookup(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}

// heatGrid is a heatmap's cells for gonum/plot: column c, row r.
type heatGrid struct {
	cols, rows int
	z          []float64 // rows*cols, NaN where the option has no value
	flipY      bool
}

// The grid's Y grows with r, as gonum's HeatMap requires (a decreasing Y gives
// it an inverted range and it drew only the inner rows); an inverse y axis
// (the first category at the top, as a confusion matrix has it) is drawn by
// reading the rows in reverse.
func (g *heatGrid) Dims() (c, r int)   { return g.cols, g.rows }
func (g *heatGrid) Z(c, r int) float64 { return g.z[g.row(r)*g.cols+c] }
func (g *heatGrid) X(c int) float64    { return float64(c) }
func (g *heatGrid) Y(r int) float64    { return float64(r) }

// row maps a plotted row (0 at the bottom) to the option's row and back.
func (g *heatGrid) row(r int) int {
	if g.flipY {
		return g.rows - 1 - r
	}
	return r
}

// heatPalette runs from white to ECharts' first series blue.
type heatPalette struct{}

func (heatPalette) Colors() []color.Color {
	const n = 64
	out := make([]color.Color, n)
	lo := color.RGBA{0xf7, 0xfb, 0xff, 0xff}
	hi := color.RGBA{0x08, 0x30, 0x6b, 0xff}
	for i := range out {
		t := float64(i) / (n - 1)
		mix := func(a, b uint8) uint8 { return uint8(float64(a) + t*(float64(b)-float64(a)) + 0.5) }
		out[i] = color.RGBA{mix(lo.R, hi.R), mix(lo.G, hi.G), mix(lo.B, hi.B), 0xff}
	}
	return out
}

// addHeatmap draws a heatmap series ([x index, y index, value] items on two
// category axes), with each cell's value written in it when the series shows
// labels.
func addHeatmap(p *plot.Plot, option, m map[string]any, xAxes, yAxes []map[string]any) error {
	if len(xAxes) == 0 || len(yAxes) == 0 {
		return fmt.Errorf("heatmap without category axes")
	}
	xc, yc := axisCategories(xAxes[0]), axisCategories(yAxes[0])
	if len(xc) == 0 || len(yc) == 0 {
		return fmt.Errorf("heatmap axes have no categories")
	}
	flip, _ := yAxes[0]["inverse"].(bool)
	g := &heatGrid{cols: len(xc), rows: len(yc), z: make([]float64, len(xc)*len(yc)), flipY: flip}
	for i := range g.z {
		g.z[i] = math.NaN()
	}
	data, _ := m["data"].([]any)
	var labels plotter.XYLabels
	showLabels, _ := lookup(m, "label", "show").(bool)
	for _, d := range data {
		if mm, ok := d.(map[string]any); ok {
			d = mm["value"]
		}
		v, ok := d.([]any)
		if !ok || len(v) < 3 {
			continue
		}
		c, r := int(axisValue(v[0], xc, -1)), int(axisValue(v[1], yc, -1))
		z, ok := v[2].(float64)
		if !ok || c < 0 || c >= g.cols || r < 0 || r >= g.rows {
			continue
		}
		g.z[r*g.cols+c] = z
		if showLabels {
			labels.XYs = append(labels.XYs, plotter.XY{X: g.X(c), Y: g.Y(g.row(r))})
			labels.Labels = append(labels.Labels, heatLabel(z))
		}
	}
	hm := plotter.NewHeatMap(g, heatPalette{})
	if vm, ok := option["visualMap"].(map[string]any); ok {
		if lo, ok := vm["min"].(float64); ok {
			hm.Min = lo
		}
		if hi, ok := vm["max"].(float64); ok && hi > hm.Min {
			hm.Max = hi
		}
	} else if list, ok := option["visualMap"].([]any); ok && len(list) > 0 {
		if vm, ok := list[0].(map[string]any); ok {
			if lo, ok := vm["min"].(float64); ok {
				hm.Min = lo
			}
			if hi, ok := vm["max"].(float64); ok && hi > hm.Min {
				hm.Max = hi
			}
		}
	}
	hm.NaN = color.Transparent
	p.Add(hm)
	if len(labels.XYs) > 0 && len(labels.XYs) <= 900 {
		lp, err := plotter.NewLabels(labels)
		if err != nil {
			return fmt.Errorf("heatmap labels: %w", err)
		}
		mid := (hm.Min + hm.Max) / 2
		for i := range lp.TextStyle {
			lp.TextStyle[i].Font = font.Font{Typeface: "Liberation", Variant: "Sans", Size: vg.Points(9)}
			lp.TextStyle[i].XAlign = draw.XCenter
			lp.TextStyle[i].YAlign = draw.YCenter
		}
		for i, xy := range labels.XYs {
			if g.Z(int(xy.X), int(xy.Y)) > mid {
				lp.TextStyle[i].Color = color.White
			}
		}
		p.Add(lp)
	}
	p.NominalX(xc...)
	ycats := yc
	if flip {
		ycats = make([]string, len(yc))
		for i, s := range yc {
			ycats[len(yc)-1-i] = s
		}
	}
	p.NominalY(ycats...)
	p.X.Tick.Label.Rotation = 0
	if len(xc) > 12 || longest(xc) > 6 {
		p.X.Tick.Label.Rotation = math.Pi / 4
		p.X.Tick.Label.XAlign = draw.XRight
	}
	return nil
}

func longest(names []string) int {
	n := 0
	for _, s := range names {
		n = max(n, len([]rune(s)))
	}
	return n
}

// heatLabel writes a cell value: whole numbers as they are, fractions with two
// decimals.
func heatLabel(z float64) string {
	if z == math.Trunc(z) && math.Abs(z) < 1e9 {
		return fmt.Sprintf("%.0f", z)
	}
	s := fmt.Sprintf("%.2f", z)
	return strings.TrimPrefix(s, "0")
}

// boxes draws boxplot items ([min, Q1, median, Q3, max]) or candlesticks
// ([open, close, lowest, highest], ECharts' order) at x = 0, 1, 2, ... (a
// category axis): a box from Q1 to Q3 with the median and whiskers, or a body
// from open to close (red when the close is higher, green when lower, as
// ECharts colours them) with a wick from lowest to highest.
type boxes struct {
	vals   [][]float64
	candle bool
	color  color.Color
	width  vg.Length
	offset vg.Length
}

var (
	candleUp   = color.RGBA{0xeb, 0x54, 0x54, 0xff}
	candleDown = color.RGBA{0x47, 0xb2, 0x62, 0xff}
)

func newBoxes(data []any, candle bool, col color.Color, n, i int) *boxes {
	bx := &boxes{candle: candle, color: col}
	for _, d := range data {
		if m, ok := d.(map[string]any); ok {
			d = m["value"]
		}
		list, _ := d.([]any)
		var v []float64
		for _, x := range list {
			if f, ok := x.(float64); ok {
				v = append(v, f)
			}
		}
		if len(v) > 4 { // [x, ...] forms carry the category index first
			v = v[len(v)-5:]
		}
		if (candle && len(v) < 4) || (!candle && len(v) < 5) {
			v = nil // a missing item leaves its place empty
		}
		if candle && len(v) > 4 {
			v = v[len(v)-4:]
		}
		bx.vals = append(bx.vals, v)
	}
	bx.width = vg.Points(barWidth(len(data), n))
	bx.offset = bx.width * vg.Length(float64(i)-float64(n-1)/2)
	for _, v := range bx.vals {
		if v != nil {
			return bx
		}
	}
	bx.vals = nil
	return bx
}

func (bx *boxes) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for i, v := range bx.vals {
		if v == nil {
			continue
		}
		x := trX(float64(i)) + bx.offset
		half := bx.width * 0.4
		line := draw.LineStyle{Color: bx.color, Width: vg.Points(1)}
		var lo, q1, mid, q3, hi float64
		if bx.candle {
			open, cl := v[0], v[1]
			lo, hi = v[2], v[3]
			q1, q3 = math.Min(open, cl), math.Max(open, cl)
			line.Color = candleDown
			if cl > open {
				line.Color = candleUp
			}
			body := c.ClipPolygonY([]vg.Point{{X: x - half, Y: trY(q1)}, {X: x + half, Y: trY(q1)}, {X: x + half, Y: trY(q3)}, {X: x - half, Y: trY(q3)}})
			c.FillPolygon(line.Color, body)
		} else {
			lo, q1, mid, q3, hi = v[0], v[1], v[2], v[3], v[4]
			c.StrokeLines(line, c.ClipLinesY([]vg.Point{{X: x - half, Y: trY(mid)}, {X: x + half, Y: trY(mid)}})...)
			c.StrokeLines(line, c.ClipLinesY([]vg.Point{{X: x - half/2, Y: trY(lo)}, {X: x + half/2, Y: trY(lo)}})...)
			c.StrokeLines(line, c.ClipLinesY([]vg.Point{{X: x - half/2, Y: trY(hi)}, {X: x + half/2, Y: trY(hi)}})...)
		}
		c.StrokeLines(line, c.ClipLinesY([]vg.Point{{X: x - half, Y: trY(q1)}, {X: x + half, Y: trY(q1)}, {X: x + half, Y: trY(q3)}, {X: x - half, Y: trY(q3)}, {X: x - half, Y: trY(q1)}})...)
		c.StrokeLines(line, c.ClipLinesY([]vg.Point{{X: x, Y: trY(lo)}, {X: x, Y: trY(q1)}})...)
		c.StrokeLines(line, c.ClipLinesY([]vg.Point{{X: x, Y: trY(q3)}, {X: x, Y: trY(hi)}})...)
	}
}

func (bx *boxes) DataRange() (xmin, xmax, ymin, ymax float64) {
	ymin, ymax = math.Inf(1), math.Inf(-1)
	for _, v := range bx.vals {
		for _, f := range v {
			ymin, ymax = math.Min(ymin, f), math.Max(ymax, f)
		}
	}
	return -0.5, float64(len(bx.vals)) - 0.5, ymin, ymax
}

func (bx *boxes) Thumbnail(c *draw.Canvas) {
	col := bx.color
	if bx.candle {
		col = candleUp
	}
	pts := []vg.Point{{X: c.Min.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Min.X, Y: c.Max.Y}, {X: c.Min.X, Y: c.Min.Y}}
	c.StrokeLines(draw.LineStyle{Color: col, Width: vg.Points(1)}, pts)
}
