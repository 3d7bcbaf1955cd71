package display

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"gopad.dev/gopad/ml"
)

// classRadar is a go-echarts radar of a trained iris model's precision,
// recall and F1 per class, one polygon per class, and those scores.
func classRadar(t *testing.T) (*charts.Radar, [][]float64, []string) {
	t.Helper()
	model, _, test, _ := trainedIris(t)
	cm := ml.NewConfusionMatrix(model.Predict(test.X), test.Y, test.ClassNames)
	r := charts.NewRadar()
	r.SetGlobalOptions(
		charts.WithTitleOpts(opts.Title{Title: "Scores per class"}),
		charts.WithRadarComponentOpts(opts.RadarComponent{Indicator: []*opts.Indicator{
			{Name: "precision", Max: 1}, {Name: "recall", Max: 1}, {Name: "F1", Max: 1}, {Name: "share predicted", Max: 1}}}))
	var scores [][]float64
	var data []opts.RadarData
	for c, name := range test.ClassNames {
		s := cm.Class(c)
		v := []float64{s.Precision, s.Recall, s.F1, float64(s.Predicted) / float64(cm.Total())}
		scores = append(scores, v)
		data = append(data, opts.RadarData{Name: name, Value: v})
	}
	r.AddSeries("scores", data)
	return r, scores, test.ClassNames
}

var polygonPoints = regexp.MustCompile(`<polygon class="radar-area" points="([^"]+)"[^>]*><title>([^:]+):`)
var gridPolygon = regexp.MustCompile(`<polygon points="([^"]+)"/>`)

func parsePoints(t *testing.T, s string) [][2]float64 {
	t.Helper()
	var out [][2]float64
	for _, p := range strings.Fields(s) {
		xy := strings.Split(p, ",")
		x, err1 := strconv.ParseFloat(xy[0], 64)
		y, err2 := strconv.ParseFloat(xy[1], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("bad point %q", p)
		}
		out = append(out, [2]float64{x, y})
	}
	return out
}

// The radar's picture has one polygon per class whose vertices lie at each
// score's fraction of its axis, the axes' names, and the class names in the
// legend.
func TestRadarHasAStaticPicture(t *testing.T) {
	r, scores, classes := classRadar(t)
	b := Chart(r)
	svg, ok := b.pictureOK()
	if !ok {
		t.Fatalf("radar has no SVG: %v %s", b.MIMETypes(), b.String())
	}
	areas := polygonPoints.FindAllStringSubmatch(svg, -1)
	if len(areas) != len(classes) {
		t.Fatalf("%d radar polygons, want %d (one per class)", len(areas), len(classes))
	}
	grids := gridPolygon.FindAllStringSubmatch(svg, -1)
	if len(grids) != 5 {
		t.Fatalf("%d split rings, want ECharts' default 5", len(grids))
	}
	outer := parsePoints(t, grids[4][1])
	// The centre: the first axis points straight up, so the centre is below
	// its end by the radius; the second axis' end gives the radius.
	cx := outer[0][0]
	cy := (outer[0][1]*0 + outer[2][1] + outer[0][1]) / 2 // 4 axes: up and down are opposite
	radius := cy - outer[0][1]
	for i, a := range areas {
		if a[2] != classes[i] {
			t.Errorf("polygon %d is %q, want %q", i, a[2], classes[i])
		}
		pts := parsePoints(t, a[1])
		if len(pts) != 4 {
			t.Fatalf("polygon %q has %d vertices, want 4", a[2], len(pts))
		}
		for k, p := range pts {
			got := math.Hypot(p[0]-cx, p[1]-cy) / radius
			if math.Abs(got-scores[i][k]) > 0.01 {
				t.Errorf("%s axis %d: vertex at %.3f of the radius, want the score %.3f", classes[i], k, got, scores[i][k])
			}
		}
	}
	for _, want := range []string{"Scores per class", "precision (max 1)", "recall (max 1)", "F1 (max 1)", "share predicted (max 1)"} {
		if !strings.Contains(svg, want) {
			t.Errorf("radar picture lacks %q", want)
		}
	}
	for _, c := range classes {
		if !strings.Contains(svg, `class="legend"`) || !strings.Contains(svg, ">"+c+"</text>") {
			t.Errorf("legend lacks %q", c)
		}
	}
}

// The funnel's picture has one trapezoid per layer, widest first, each width
// the layer's value as a share of ECharts' default 0..100, and each layer's
// name and value as a label.
func TestFunnelHasAStaticPicture(t *testing.T) {
	model, _, test, _ := trainedIris(t)
	probs := model.Predict(test.X).Softmax()
	pred := probs.ArgMax()
	truth := test.Labels()
	n := float64(len(pred))
	// The share of test samples predicted with at least each confidence, and
	// of those, correctly.
	conf, sure, right := 0.0, 0.0, 0.0
	for i, p := range pred {
		top := probs.At(i, p)
		if top >= 0.5 {
			conf++
		}
		if top >= 0.9 {
			sure++
			if p == truth[i] {
				right++
			}
		}
	}
	values := []float64{100, 100 * conf / n, 100 * sure / n, 100 * right / n}
	names := []string{"all samples", "confidence ≥ 0.5", "confidence ≥ 0.9", "confident and right"}
	byName := map[string]float64{}
	for i, n := range names {
		byName[n] = values[i]
	}
	f := charts.NewFunnel()
	f.SetGlobalOptions(charts.WithTitleOpts(opts.Title{Title: "Confidence funnel"}))
	var data []opts.FunnelData
	for i := len(names) - 1; i >= 0; i-- { // out of order: the funnel sorts
		data = append(data, opts.FunnelData{Name: names[i], Value: math.Round(values[i]*10) / 10})
	}
	f.AddSeries("test set", data)
	svg, ok := Chart(f).pictureOK()
	if !ok {
		t.Fatalf("funnel has no SVG")
	}
	layers := regexp.MustCompile(`<path class="funnel-layer" d="M([0-9.]+) ([0-9.]+) L([0-9.]+) [0-9.]+ L([0-9.]+) [0-9.]+ L([0-9.]+) [0-9.]+ Z"[^>]*><title>([^<]+)</title>`).FindAllStringSubmatch(svg, -1)
	if len(layers) != len(names) {
		t.Fatalf("%d funnel layers, want %d", len(layers), len(names))
	}
	full := 0.0
	for i, l := range layers {
		x0, _ := strconv.ParseFloat(l[1], 64)
		x1, _ := strconv.ParseFloat(l[3], 64)
		w := x1 - x0
		if i == 0 {
			full = w // the first layer is 100%
		}
		want := math.Round(values[i]*10) / 10
		if math.Abs(w/full*100-want) > 0.2 {
			t.Errorf("layer %d (%s) is %.1f%% wide, want %.1f", i, l[6], w/full*100, want)
		}
		// Sorted widest first (layers of equal value in either order).
		name, value, _ := strings.Cut(l[6], ": ")
		if value != fmtNum(want) || fmtNum(math.Round(byName[name]*10)/10) != value {
			t.Errorf("layer %d is %q, want a layer of value %s", i, l[6], fmtNum(want))
		}
	}
	for _, name := range names {
		if !strings.Contains(svg, `class="funnel-label"`) || !strings.Contains(svg, ">"+name+": "+fmtNum(math.Round(byName[name]*10)/10)+"</text>") {
			t.Errorf("no label for %q", name)
		}
	}
}

// A chart mixing a line (a model's loss) and a pie (its predicted classes) in
// one option draws both, the title once; a series of a type without a drawing
// (sankey) is named in a visible note, the rest still drawn.
func TestMixedChartDrawsEachPart(t *testing.T) {
	model, _, test, h := trainedIris(t)
	counts := make([]float64, len(test.ClassNames))
	for _, p := range model.Predict(test.X).ArgMax() {
		counts[p]++
	}
	var loss, pie []any
	for i, e := range h.Epochs {
		loss = append(loss, []any{float64(i + 1), e.Loss})
	}
	for c, name := range test.ClassNames {
		pie = append(pie, map[string]any{"name": name, "value": counts[c]})
	}
	option := map[string]any{
		"title": map[string]any{"text": "Training and predictions"},
		"xAxis": map[string]any{"type": "value", "name": "epoch"}, "yAxis": map[string]any{"type": "value", "name": "loss"},
		"series": []any{
			map[string]any{"type": "line", "name": "train loss", "data": loss},
			map[string]any{"type": "pie", "name": "predicted", "center": []any{"75%", "35%"}, "radius": "25%", "data": pie},
		},
	}
	b := Chart(option)
	svg, ok := b.pictureOK()
	if !ok {
		t.Fatalf("mixed chart has no SVG: %v %s", b.MIMETypes(), b.String())
	}
	if n := strings.Count(svg, "Training and predictions"); n != 1 {
		t.Errorf("title drawn %d times", n)
	}
	slices := regexp.MustCompile(`<title>([a-z]+): ([0-9.]+) \(`).FindAllStringSubmatch(svg, -1)
	if len(slices) != len(test.ClassNames) {
		t.Errorf("%d pie slices, want %d", len(slices), len(test.ClassNames))
	}
	for _, s := range slices {
		for c, name := range test.ClassNames {
			if s[1] == name && s[2] != fmtNum(counts[c]) {
				t.Errorf("slice %s = %s, want %v", name, s[2], counts[c])
			}
		}
	}
	// The line panel: gonum's SVG nested with its legend and axis names.
	for _, want := range []string{">train loss<", ">epoch<", ">loss<"} {
		if !strings.Contains(svg, want) {
			t.Errorf("line panel lacks %s", want)
		}
	}
	if strings.Contains(svg, "<?xml") || strings.Count(svg, "<svg") != 3 {
		t.Errorf("want one outer SVG holding the two panels: %d <svg, prolog %v", strings.Count(svg, "<svg"), strings.Contains(svg, "<?xml"))
	}
	if strings.Contains(svg, "Not drawn") {
		t.Errorf("a note though everything is drawn")
	}

	// Add a sankey: the line and pie stay, a note names the sankey.
	option["series"] = append(option["series"].([]any), map[string]any{"type": "sankey", "name": "flows",
		"data": []any{map[string]any{"name": "a"}, map[string]any{"name": "b"}, map[string]any{"name": "c"}}})
	svg = Chart(option).picture()
	if !strings.Contains(svg, `class="static-note"`) || !strings.Contains(svg, "series &#34;flows&#34; (sankey, 3 data items)") {
		t.Errorf("no note naming the sankey")
	}
	if !strings.Contains(svg, ">train loss<") || len(regexp.MustCompile(`<title>[a-z]+: [0-9.]+ \(`).FindAllString(svg, -1)) != len(test.ClassNames) {
		t.Errorf("the drawable series were dropped beside the sankey")
	}
	// Only a graph: the picture is the note, with the title.
	g := charts.NewGraph()
	g.SetGlobalOptions(charts.WithTitleOpts(opts.Title{Title: "Layer graph"}))
	g.AddSeries("layers", []opts.GraphNode{{Name: "in"}, {Name: "out"}}, []opts.GraphLink{{Source: "in", Target: "out"}})
	svg, _ = Chart(g).pictureOK()
	if !strings.Contains(svg, "Layer graph") || !strings.Contains(svg, "series &#34;layers&#34; (graph, 2 data items)") || !strings.Contains(svg, "Not drawn in this static picture") {
		t.Errorf("graph chart's picture does not say it is not drawn:\n%s", svg)
	}
}

// Boxplot and candlestick series draw on their category axis: a box per
// class of iris petal lengths (five-number summary), and candlesticks
// coloured by direction.
func TestBoxplotAndCandlestickPictures(t *testing.T) {
	d := ml.Iris()
	byClass := make([][]float64, len(d.ClassNames))
	for i, c := range d.Labels() {
		byClass[c] = append(byClass[c], d.X.At(i, 2))
	}
	var data []any
	for _, v := range byClass {
		s := append([]float64(nil), v...)
		sortFloats(s)
		q := func(p float64) float64 { return s[int(p*float64(len(s)-1))] }
		data = append(data, []any{s[0], q(0.25), q(0.5), q(0.75), s[len(s)-1]})
	}
	cats := make([]any, len(d.ClassNames))
	for i, c := range d.ClassNames {
		cats[i] = c
	}
	option := optionJSON(map[string]any{
		"title":  map[string]any{"text": "Petal length by class"},
		"xAxis":  map[string]any{"type": "category", "data": cats, "name": "class"},
		"yAxis":  map[string]any{"type": "value", "name": "petal length (cm)"},
		"series": []any{map[string]any{"type": "boxplot", "name": "petal length", "data": data}},
	})
	svg, ok := Chart(option).pictureOK()
	if !ok {
		t.Fatal("boxplot has no SVG")
	}
	for _, want := range append([]string{"Petal length by class", "petal length (cm)"}, d.ClassNames...) {
		if !strings.Contains(svg, ">"+want+"<") {
			t.Errorf("boxplot picture lacks %q", want)
		}
	}
	bx := newBoxes(option["series"].([]any)[0].(map[string]any)["data"].([]any), false, seriesColors[0], 1, 0)
	if len(bx.vals) != 3 {
		t.Fatalf("%d boxes, want 3", len(bx.vals))
	}
	_, _, lo, hi := bx.DataRange()
	if math.Abs(lo-1) > 1e-6 || math.Abs(hi-6.9) > 1e-6 { // iris' shortest and longest petals
		t.Errorf("boxes span %v..%v, want 1..6.9", lo, hi)
	}

	k := charts.NewKLine()
	k.SetGlobalOptions(charts.WithTitleOpts(opts.Title{Title: "Loss per epoch: start, end, min, max"}), charts.WithXAxisOpts(opts.XAxis{Data: []string{"1", "2"}}))
	k.AddSeries("loss", []opts.KlineData{{Value: [4]float64{1.0, 0.6, 0.5, 1.1}}, {Value: [4]float64{0.6, 0.7, 0.4, 0.8}}})
	svg, ok = Chart(k).pictureOK()
	if !ok {
		t.Fatal("candlestick has no SVG")
	}
	// One falling (green) and one rising (red) body.
	if !strings.Contains(svg, "fill:#47B262") || !strings.Contains(svg, "fill:#EB5454") {
		t.Errorf("candlestick bodies not coloured by direction")
	}
}

func sortFloats(s []float64) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// A title wider than the picture wraps at its " · " separators; no text
// starts left of the picture (a history's subtitle of best values ran off
// both sides).
func TestLongTitlesWrapInsideThePicture(t *testing.T) {
	ys := map[string][]float64{"train": {3, 2, 1}}
	long := "best val_loss 0.5831 (epoch 5) · best val_mae 0.6247 (epoch 10) · best val_r2 0.5223 (epoch 5) · seed 2 · and more words here"
	svg := LineChart("Training history\n"+long, nil, ys).picture()
	xs := regexp.MustCompile(`<text x="(-?[0-9.]+)"`).FindAllStringSubmatch(svg, -1)
	if len(xs) == 0 {
		t.Fatal("no text in the picture")
	}
	for _, x := range xs {
		if v, _ := strconv.ParseFloat(x[1], 64); v < 0 {
			t.Errorf("text starts at x %v, outside the picture", v)
		}
	}
	for _, part := range []string{">best val_loss 0.5831 (epoch 5) · best val_mae 0.6247 (epoch 10)<", ">best val_r2 0.5223 (epoch 5) · seed 2 · and more words here<"} {
		if !strings.Contains(svg, part) {
			t.Errorf("the wrapped title lacks the line %q", part)
		}
	}
}

// WithAxisNames names a chart's axes in the option and in the picture, leaves
// the original bundle alone, and says what is wrong with a bundle it cannot
// name.
func TestWithAxisNames(t *testing.T) {
	b := LineChart("Variance explained", nil, map[string][]float64{"share": {0.2, 0.5, 0.9}})
	named := b.WithAxisNames("components k", "share of variance")
	opt := named[MIMEECharts].(map[string]any)
	if axisList(opt["xAxis"])[0]["name"] != "components k" || axisList(opt["yAxis"])[0]["name"] != "share of variance" {
		t.Errorf("axes %v %v", opt["xAxis"], opt["yAxis"])
	}
	svg := named.picture()
	if !strings.Contains(svg, ">components k<") || !strings.Contains(svg, ">share of variance<") {
		t.Errorf("the picture lacks the axis names")
	}
	if _, ok := axisList(b[MIMEECharts].(map[string]any)["xAxis"])[0]["name"]; ok || strings.Contains(b.picture(), "components k") {
		t.Errorf("the original bundle changed")
	}
	if got := PieChart("p", []string{"a"}, []float64{1}).WithAxisNames("x", "").String(); !strings.Contains(got, `no xAxis to name "x"`) {
		t.Errorf("pie: %q", got)
	}
	if got := (Bundle{MIMEText: "hi"}).WithAxisNames("x", "y").String(); !strings.Contains(got, "holds no chart") {
		t.Errorf("no chart: %q", got)
	}
}

// A chart that gonum/plot cannot draw (a zero on a log axis makes it panic)
// still shows: its picture is a note saying why.
func TestUndrawableDataGivesANote(t *testing.T) {
	b := Chart(map[string]any{"title": map[string]any{"text": "Log of zero"},
		"xAxis": map[string]any{"type": "log"}, "yAxis": map[string]any{"type": "value"},
		"series": []any{map[string]any{"type": "line", "data": []any{[]any{0.0, 1.0}, []any{10.0, 2.0}}}}})
	svg, _ := b.pictureOK()
	if !strings.Contains(svg, "Log of zero") || !strings.Contains(svg, "drawing failed") || !strings.Contains(b.String(), "no static picture: drawing failed") {
		t.Errorf("picture %q, text %q", svg, b.String())
	}
}

// A mixed chart whose axis panel is too large for SVG holds that panel as a
// PNG inside its SVG, at the panel's height, beside the pie drawn as SVG.
func TestMixedChartWithALargeAxisPanel(t *testing.T) {
	var pts []any
	for i := 0; i < 6000; i++ {
		pts = append(pts, []any{float64(i), math.Sin(float64(i) / 100)})
	}
	svg := Chart(map[string]any{"title": map[string]any{"text": "Big"},
		"xAxis": map[string]any{"type": "value"}, "yAxis": map[string]any{"type": "value"},
		"series": []any{
			map[string]any{"type": "scatter", "name": "sine", "data": pts},
			map[string]any{"type": "pie", "data": []any{map[string]any{"name": "a", "value": 1}, map[string]any{"name": "b", "value": 2}}},
		}}).picture()
	img := regexp.MustCompile(`<image x="0" y="([0-9.]+)" width="([0-9.]+)" height="([0-9.]+)" href="data:image/png;base64,`).FindStringSubmatch(svg)
	if img == nil {
		t.Fatalf("no PNG panel in the mixed picture (%d bytes)", len(svg))
	}
	if h, _ := strconv.ParseFloat(img[3], 64); math.Abs(h-float64(StaticHeight)*4/3) > 0.1 {
		t.Errorf("PNG panel %s px high, want %v", img[3], float64(StaticHeight)*4/3)
	}
	if !strings.Contains(svg, "<title>b: 2 (66.7%)</title>") || len(svg) > 2*MaxStaticSVG {
		t.Errorf("pie missing or picture too large (%d bytes)", len(svg))
	}
}
