package display

import (
	"encoding/base64"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"gopad.dev/gopad/ml"
)

// trainedIris is a small classifier trained on iris: real model output for the
// charts to draw.
func trainedIris(t *testing.T) (*ml.Model, ml.Dataset, ml.Dataset, *ml.History) {
	t.Helper()
	ml.SetSeed(3)
	d := ml.Iris()
	sc := ml.FitStandardScaler(d)
	d = sc.Transform(d)
	train, test := d.Split(0.7, 1)
	model := ml.Sequential(ml.Linear(4, 16), ml.ReLU(), ml.Linear(16, 3))
	h := model.Fit(train, ml.FitConfig{Epochs: 15, BatchSize: 16, Loss: ml.CrossEntropy(), Optimizer: ml.Adam(0.02),
		Validation: test, Metrics: []string{"accuracy"}, Seed: 1})
	return model, train, test, h
}

// series returns the option's series of a name.
func seriesNamed(t *testing.T, b Bundle, name string) map[string]any {
	t.Helper()
	opt, ok := b[MIMEECharts].(map[string]any)
	if !ok {
		t.Fatalf("bundle %v has no chart (%s)", b.MIMETypes(), b.String())
	}
	for _, s := range opt["series"].([]any) {
		m := s.(map[string]any)
		if m["name"] == name || strings.HasPrefix(m["name"].(string), name) {
			return m
		}
	}
	t.Fatalf("no series %q in the chart", name)
	return nil
}

// hasStatic checks a bundle's static picture: a PNG (and no SVG, which
// nbconvert would prefer and blank) of the chart's size with drawn content.
func hasStatic(t *testing.T, b Bundle) {
	t.Helper()
	if _, ok := b[MIMESVG]; ok {
		t.Errorf("chart bundle holds an SVG picture: %v", b.MIMETypes())
	}
	checkDrawn(t, pictureImage(t, b))
}

func TestHistoryChartHasEveryCurve(t *testing.T) {
	_, _, _, h := trainedIris(t)
	b := HistoryChart(h)
	hasStatic(t, b)
	for _, name := range []string{"train loss", "validation loss", "train accuracy", "validation accuracy"} {
		s := seriesNamed(t, b, name)
		data := s["data"].([]any)
		curve := h.Curve(strings.Replace(strings.Replace(name, "train ", "", 1), "validation ", "val_", 1))
		if len(data) != len(curve) {
			t.Fatalf("%s: %d points, history has %d", name, len(data), len(curve))
		}
		last := data[len(data)-1].([]any)
		if last[0].(float64) != float64(len(curve)) || math.Abs(last[1].(float64)-curve[len(curve)-1]) > 1e-12 {
			t.Errorf("%s: last point %v, history ends at %v", name, last, curve[len(curve)-1])
		}
	}
	if s := seriesNamed(t, b, "train accuracy"); s["yAxisIndex"].(float64) != 1 {
		t.Errorf("metrics are not on the right axis")
	}
}

func TestConfusionChartCountsAndNormalises(t *testing.T) {
	model, _, test, _ := trainedIris(t)
	cm := ml.NewConfusionMatrix(model.Predict(test.X), test.Y, test.ClassNames)
	b := Render(cm)
	hasStatic(t, b)
	opt := b[MIMEECharts].(map[string]any)
	xa := opt["xAxis"].(map[string]any)
	if cats := xa["data"].([]any); len(cats) != 3 || cats[0] != "setosa" || xa["name"] != "predicted class" {
		t.Errorf("x axis %v", xa)
	}
	data := seriesNamed(t, b, "Confusion")["data"].([]any)
	if len(data) != 9 {
		t.Fatalf("%d cells, want 9", len(data))
	}
	for _, d := range data {
		c := d.([]any)
		p, tr, v := int(c[0].(float64)), int(c[1].(float64)), c[2].(float64)
		if int(v) != cm.Counts[tr][p] {
			t.Errorf("cell true %d predicted %d = %v, counts say %d", tr, p, v, cm.Counts[tr][p])
		}
	}
	if _, ok := b[MIMETable]; !ok {
		t.Errorf("the table is not in the bundle")
	}
	// Normalised: rows sum to 1.
	nb := ConfusionChart(cm, true)
	sums := make([]float64, 3)
	for _, d := range seriesNamed(t, nb, "Confusion")["data"].([]any) {
		c := d.([]any)
		sums[int(c[1].(float64))] += c[2].(float64)
	}
	for i, s := range sums {
		if math.Abs(s-1) > 1e-3 {
			t.Errorf("row %d of the normalised matrix sums to %v", i, s)
		}
	}
}

func TestROCAndPRChartsCarryTheCurves(t *testing.T) {
	model, _, test, _ := trainedIris(t)
	scores := model.Predict(test.X)
	b := ROCChart(scores, test.Y, test.ClassNames)
	hasStatic(t, b)
	curves := ml.ROC(scores, test.Y, test.ClassNames)
	for _, c := range curves {
		s := seriesNamed(t, b, c.Label()+" (AUC ")
		data := s["data"].([]any)
		if len(data) != len(c.X) {
			t.Errorf("%s: %d points, curve has %d", c.Label(), len(data), len(c.X))
		}
		if want := fmt.Sprintf("AUC %.3f", c.AUC); !strings.Contains(s["name"].(string), want) {
			t.Errorf("legend %q lacks %s", s["name"], want)
		}
		if c.AUC < 0.8 {
			t.Errorf("%s: AUC %v: the model learned nothing, the test proves little", c.Label(), c.AUC)
		}
	}
	seriesNamed(t, b, "chance")
	pr := PRChart(scores, test.Y, test.ClassNames)
	hasStatic(t, pr)
	opt := pr[MIMEECharts].(map[string]any)
	if opt["xAxis"].(map[string]any)["name"] != "recall" || !strings.Contains(pr.String(), "average precision") {
		t.Errorf("PR chart axes/text: %v / %s", opt["xAxis"], pr.String())
	}
}

func TestGridChartMarksTheChosenConfig(t *testing.T) {
	ml.SetSeed(1)
	d := ml.Iris()
	res := ml.GridSearch(ml.Grid{"lr": {0.001, 0.01, 0.05}}, d, 3, 1, func(p ml.Params, train, val ml.Dataset) float64 {
		m := ml.Sequential(ml.Linear(4, 3))
		m.Fit(train, ml.FitConfig{Epochs: 3, Loss: ml.CrossEntropy(), Optimizer: ml.Adam(p["lr"]), Seed: 1})
		return m.Evaluate(val, ml.CrossEntropy(), "accuracy").Metrics["accuracy"]
	})
	b := GridChart(res)
	hasStatic(t, b)
	chosen := seriesNamed(t, b, "chosen")["data"].([]any)[0].([]any)
	if chosen[0].(float64) != res.BestParams()["lr"] || chosen[1].(float64) != res.BestScore() {
		t.Errorf("chosen point %v, best %v %v", chosen, res.BestParams(), res.BestScore())
	}
	// The picture: the chosen point in the legend, which sits right of the
	// plot (not over its points: the x axis' last tick is left of it), and the
	// band's two lines named once.
	svg := b.picture()
	textX := func(label string) float64 {
		m := regexp.MustCompile(`<text x="([0-9.]+)"[^>]*>` + regexp.QuoteMeta(label) + `</text>`).FindStringSubmatch(svg)
		if m == nil {
			t.Fatalf("the picture has no text %q", label)
		}
		x, _ := strconv.ParseFloat(m[1], 64)
		return x
	}
	// lr spans 0.001..0.05: a log axis, its ticks at powers of ten.
	if xa := axisList(b[MIMEECharts].(map[string]any)["xAxis"])[0]; xa["type"] != "log" || xa["name"] != "lr (log scale)" {
		t.Errorf("x axis %v, want a log axis", xa)
	}
	if lastTick := "0.01"; textX("chosen") <= textX(lastTick) {
		t.Errorf("legend at x %v is over the plot (tick %s at %v)", textX("chosen"), lastTick, textX(lastTick))
	}
	if !strings.Contains(svg, ">0.001<") || !strings.Contains(svg, ">lr (log scale)<") {
		t.Errorf("the picture's x axis is not the log axis")
	}
	if n := strings.Count(svg, ">mean ± std over folds<"); n != 1 {
		t.Errorf("band named %d times in the legend", n)
	}
	mean := seriesNamed(t, b, "mean score")["data"].([]any)
	if len(mean) != 3 {
		t.Fatalf("%d mean points, want 3", len(mean))
	}
	for i, tr := range res.Trials {
		p := mean[i].([]any)
		if p[0].(float64) != tr.Params["lr"] || p[1].(float64) != tr.CV.Mean {
			t.Errorf("point %d = %v, trial %v mean %v", i, p, tr.Params, tr.CV.Mean)
		}
	}
}

func TestWeightHistogramShowsPruning(t *testing.T) {
	model, _, _, _ := trainedIris(t)
	before := WeightHistogram(model)
	if _, err := ml.Prune(model, ml.GlobalL1(0.8)); err != nil {
		t.Fatal(err)
	}
	after := WeightHistogram(model)
	hasStatic(t, after)
	if len(after[MIMEECharts].(map[string]any)["series"].([]any)) != 2 {
		t.Errorf("want one curve per Linear layer")
	}
	// After pruning most of each layer's weights sit in the bin holding zero.
	peak := func(b Bundle) float64 {
		best := 0.0
		for _, d := range seriesNamed(t, b, "layer 0")["data"].([]any) {
			best = math.Max(best, d.([]any)[1].(float64))
		}
		return best
	}
	if peak(after) < 0.5 || peak(before) > 0.5 {
		t.Errorf("largest bin share %v before pruning, %v after", peak(before), peak(after))
	}
	if !strings.Contains(after.String(), "% zero") {
		t.Errorf("text %q", after.String())
	}
}

func TestPCAChartMatchesGonum(t *testing.T) {
	d := ml.Iris()
	b := PCAChart(d.X, d.Labels(), d.ClassNames)
	hasStatic(t, b)
	// Variance explained agrees with gonum's own PCA.
	var pc stat.PC
	pc.PrincipalComponents(ml.ToDense(d.X), nil)
	vars := pc.VarsTo(nil)
	if !strings.Contains(b[MIMEECharts].(map[string]any)["xAxis"].(map[string]any)["name"].(string), "92.5%") || vars[0]/(vars[0]+vars[1]+vars[2]+vars[3]) < 0.92 {
		t.Errorf("PC1 axis %v, gonum vars %v", b[MIMEECharts].(map[string]any)["xAxis"], vars)
	}
	total := 0
	for _, name := range d.ClassNames {
		s := seriesNamed(t, b, name)
		pts := s["data"].([]any)
		total += len(pts)
		if lbl := pts[0].([]any)[2].(string); !strings.HasPrefix(lbl, name+" · row ") {
			t.Errorf("hover label %q", lbl)
		}
	}
	if total != d.Len() {
		t.Errorf("%d points for %d rows", total, d.Len())
	}
	// Setosa separates along PC1: every setosa point on one side of every other.
	xs := func(name string) []float64 {
		var out []float64
		for _, p := range seriesNamed(t, b, name)["data"].([]any) {
			out = append(out, p.([]any)[0].(float64))
		}
		return out
	}
	s, v := xs("setosa"), xs("virginica")
	if !(mat.Max(mat.NewVecDense(len(s), s)) < mat.Min(mat.NewVecDense(len(v), v)) || mat.Min(mat.NewVecDense(len(s), s)) > mat.Max(mat.NewVecDense(len(v), v))) {
		t.Errorf("setosa and virginica overlap on PC1")
	}
}

func TestRegressionChart(t *testing.T) {
	ml.SetSeed(2)
	x := ml.Randn(80, 3)
	y := x.MatMul(ml.FromSlice([]float32{1, -2, 0.5}, 3, 1)).AddScalar(0.3)
	m := ml.Sequential(ml.Linear(3, 1))
	m.Fit(ml.NewDataset(x, y), ml.FitConfig{Epochs: 30, Loss: ml.MeanSquaredError(), Optimizer: ml.Adam(0.05), Seed: 1})
	pred := m.Predict(x)
	b := RegressionChart(pred, y)
	hasStatic(t, b)
	samples := seriesNamed(t, b, "samples")["data"].([]any)
	res := seriesNamed(t, b, "residuals")["data"].([]any)
	if len(samples) != 80 || len(res) != 80 {
		t.Fatalf("%d and %d points, want 80", len(samples), len(res))
	}
	p, tr := ml.Float64s(pred), ml.Float64s(y)
	for i := range samples {
		s, r := samples[i].([]any), res[i].([]any)
		if s[0].(float64) != tr[i] || s[1].(float64) != p[i] || math.Abs(r[1].(float64)-(tr[i]-p[i])) > 1e-12 {
			t.Fatalf("point %d: %v %v, true %v predicted %v", i, s, r, tr[i], p[i])
		}
	}
	if !strings.Contains(b.String(), "R²") {
		t.Errorf("text %q", b.String())
	}
}

// TestStaticFallbackCost measures each chart's static picture: its size is
// bounded (an SVG up to MaxStaticSVG, else a PNG), and the size and time are
// logged for docs/acceptance.md (go test -v -run TestStaticFallbackCost ./display).
// Every chart constructor and every series type with a drawing is here, each
// from real model output or data.
func TestStaticFallbackCost(t *testing.T) {
	model, _, test, h := trainedIris(t)
	digits := ml.Digits()
	scores := model.Predict(test.X)
	corr := mat.NewSymDense(10, nil)
	stat.CorrelationMatrix(corr, ml.ToDense(digits.X.Rows(0, 300)).Slice(0, 300, 20, 30), nil)
	opt := func(b Bundle) map[string]any { return b[MIMEECharts].(map[string]any) }
	var losses []float64
	for _, e := range h.Epochs {
		losses = append(losses, e.Loss)
	}
	grid := ml.GridSearch(ml.Grid{"lr": {0.001, 0.01, 0.05}}, ml.Iris(), 3, 1, func(p ml.Params, train, val ml.Dataset) float64 {
		m := ml.Sequential(ml.Linear(4, 3))
		m.Fit(train, ml.FitConfig{Epochs: 2, Loss: ml.CrossEntropy(), Optimizer: ml.Adam(p["lr"]), Seed: 1})
		return m.Evaluate(val, ml.CrossEntropy(), "accuracy").Metrics["accuracy"]
	})
	ml.SetSeed(2)
	rx := ml.Randn(200, 3)
	ry := rx.MatMul(ml.FromSlice([]float32{1, -2, 0.5}, 3, 1))
	charts := []struct {
		name  string
		build func() map[string]any
		// want is text the picture must show (a title, a label).
		want string
	}{
		{"line", func() map[string]any { return opt(LineChart("Loss", nil, map[string][]float64{"train": losses})) }, "Loss"},
		{"bar", func() map[string]any {
			return opt(BarChart("Samples per class", test.ClassNames, map[string][]float64{"test": {15, 15, 15}}))
		}, "Samples per class"},
		{"history", func() map[string]any { return opt(HistoryChart(h)) }, "Training history"},
		{"confusion", func() map[string]any {
			return opt(ConfusionChart(ml.NewConfusionMatrix(scores, test.Y, test.ClassNames), false))
		}, "versicolor"},
		{"roc", func() map[string]any { return opt(ROCChart(scores, test.Y, nil)) }, "ROC"},
		{"pr", func() map[string]any { return opt(PRChart(scores, test.Y, nil)) }, "recall"},
		{"grid", func() map[string]any { return opt(GridChart(grid)) }, "chosen"},
		{"pca-1797", func() map[string]any { return opt(PCAChart(digits.X, digits.Labels(), nil)) }, ""},
		{"weights", func() map[string]any { return opt(WeightHistogram(model)) }, "weight"},
		{"regression-200", func() map[string]any { return opt(RegressionChart(ry.AddScalar(0.1), ry)) }, "residual"},
		{"heatmap", func() map[string]any { return opt(Heatmap("corr", corr, nil, nil)) }, "corr"},
		{"pie", func() map[string]any {
			pie, _ := predictedClassPie(t)
			return opt(Chart(pie))
		}, "Predicted classes"},
		{"gauge", func() map[string]any {
			g, _ := testAccuracyGauge(t)
			return opt(Chart(g))
		}, "Test accuracy"},
		{"radar", func() map[string]any {
			r, _, _ := classRadar(t)
			return opt(Chart(r))
		}, "share predicted"},
		{"funnel", func() map[string]any {
			f := chartsFunnel("Funnel", []string{"all", "confident", "right"}, []float64{100, 80, 70})
			return opt(Chart(f))
		}, "confident: 80"},
		{"sensitivity", func() map[string]any {
			res, err := ml.PruneSensitivity(model, test, []float64{0, 0.5, 0.9}, func(m *ml.Model, d ml.Dataset) float64 {
				return m.Evaluate(d, ml.CrossEntropy(), "accuracy").Metrics["accuracy"]
			})
			if err != nil {
				t.Fatal(err)
			}
			return opt(SensitivityChart(res))
		}, "pruned %"},
		{"compression", func() map[string]any {
			res := ml.CompressionSearch(ml.Grid{"prune": {0, 0.5, 0.9}}, test, 2, 1,
				func(p ml.Params, train ml.Dataset) *ml.Model {
					m := ml.Sequential(ml.Linear(4, 8), ml.ReLU(), ml.Linear(8, 3))
					m.Fit(train, ml.FitConfig{Epochs: 2, Loss: ml.CrossEntropy(), Seed: 1})
					if p["prune"] > 0 {
						if _, err := ml.Prune(m, ml.GlobalL1(p["prune"])); err != nil {
							t.Fatal(err)
						}
					}
					return m
				},
				func(m *ml.Model, val ml.Dataset) float64 {
					return m.Evaluate(val, ml.CrossEntropy(), "accuracy").Metrics["accuracy"]
				})
			return opt(CompressionChart(res))
		}, "Pareto"},
		{"mixed line+pie+sankey", func() map[string]any {
			return optionJSON(map[string]any{"title": map[string]any{"text": "Mixed"},
				"xAxis": map[string]any{"type": "value"}, "yAxis": map[string]any{"type": "value"},
				"series": []any{
					map[string]any{"type": "line", "name": "loss", "data": [][]float64{{1, losses[0]}, {2, losses[1]}}},
					map[string]any{"type": "pie", "data": []any{map[string]any{"name": "a", "value": 1}, map[string]any{"name": "b", "value": 2}}},
					map[string]any{"type": "sankey", "name": "flows", "data": []any{}},
				}})
		}, "(sankey, 0 data items)"},
	}
	t.Logf("%-22s %9s  %s", "chart (PNG)", "size", "render time")
	for _, c := range charts {
		o := c.build()
		start := time.Now()
		data, stats, err := staticPNG(o)
		took := time.Since(start)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		// A PNG of the fixed picture size: its bytes depend on the pixels,
		// not on the data (1,797 PCA points measured 118 kB).
		if stats.bytes > maxPNGBytes {
			t.Errorf("%s: PNG of %d bytes over the bound %d", c.name, stats.bytes, maxPNGBytes)
		}
		if raw, err := base64.StdEncoding.DecodeString(data); err != nil || len(raw) != stats.bytes {
			t.Errorf("%s: the PNG's base64 decodes to %d bytes (%v), stats say %d", c.name, len(raw), err, stats.bytes)
		}
		if mime, svg, _, err := staticFromOption(o); err != nil || (mime == MIMESVG && !strings.Contains(svg, c.want)) {
			t.Errorf("%s: the picture lacks %q (%v)", c.name, c.want, err)
		}
		t.Logf("%-22s %9d  %v", c.name, stats.bytes, took.Round(time.Microsecond))
	}
}

// maxPNGBytes bounds a chart's PNG picture (StaticWidth×StaticHeight pixels).
const maxPNGBytes = 200_000

// chartsFunnel is a go-echarts funnel of named values.
func chartsFunnel(title string, names []string, values []float64) *charts.Funnel {
	f := charts.NewFunnel()
	f.SetGlobalOptions(charts.WithTitleOpts(opts.Title{Title: title}))
	var data []opts.FunnelData
	for i, n := range names {
		data = append(data, opts.FunnelData{Name: n, Value: values[i]})
	}
	f.AddSeries(title, data)
	return f
}

func TestLiveChartSkipsThePicture(t *testing.T) {
	b := LineChart("loss", nil, map[string][]float64{"train": {3, 2, 1}})
	hasStatic(t, b)
	if svg := b.picture(); !strings.Contains(svg, "loss") {
		t.Errorf("the picture lacks the title")
	}
	line := liveLine()
	lb := LiveChart(line)
	if _, ok := lb[MIMEECharts]; !ok {
		t.Fatalf("LiveChart has no chart: %v", lb.MIMETypes())
	}
	if _, ok := lb[MIMESVG]; ok {
		t.Errorf("LiveChart drew a picture")
	}
	if _, ok := lb[MIMEPNG]; ok {
		t.Errorf("LiveChart drew a picture")
	}
	if got := LiveChart(42).String(); !strings.Contains(got, "not a go-echarts chart") {
		t.Errorf("LiveChart(42) = %q", got)
	}
}

func liveLine() *charts.Line {
	line := charts.NewLine()
	line.SetGlobalOptions(charts.WithTitleOpts(opts.Title{Title: "live"}))
	line.AddSeries("train loss", []opts.LineData{{Value: []any{1, 0.5}}, {Value: []any{2, 0.4}}})
	return line
}

// The confusion matrix's picture colours every cell, the edge rows and
// columns too, darker for larger counts, with the first class at the top (the
// picture once drew only the middle row, as gonum's HeatMap was given rows
// in decreasing order).
func TestConfusionPictureColoursEveryCell(t *testing.T) {
	model, _, test, _ := trainedIris(t)
	cm := ml.NewConfusionMatrix(model.Predict(test.X), test.Y, test.ClassNames)
	option := ConfusionChart(cm, false)[MIMEECharts].(map[string]any)
	p := plot.New()
	series := option["series"].([]any)
	if err := addHeatmap(p, option, series[0].(map[string]any), axisList(option["xAxis"]), axisList(option["yAxis"])); err != nil {
		t.Fatal(err)
	}
	if p.Y.Min != -0.5 || p.Y.Max != 2.5 || p.X.Min != -0.5 || p.X.Max != 2.5 {
		t.Fatalf("heatmap spans x %v..%v y %v..%v, want -0.5..2.5 both", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	const w, h = 300, 300
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(72))
	dc := draw.New(img)
	p.Draw(dc)
	data := p.DataCanvas(dc)
	trX, trY := p.Transforms(&data)
	pixels := img.Image()
	for truth := 0; truth < 3; truth++ {
		for pred := 0; pred < 3; pred++ {
			// The first class is the top row: plotted row 2.
			x, y := trX(float64(pred))+vg.Points(12), trY(float64(2-truth))+vg.Points(12) // beside the count's text
			r, g, b, _ := pixels.At(int(x), h-int(y)).RGBA()
			dark := 1 - float64(r+g+b)/3/0xffff
			count := cm.Counts[truth][pred]
			if count >= 10 && dark < 0.5 || count == 0 && (dark > 0.1 || (r == 0xffff && g == 0xffff && b == 0xffff)) {
				t.Errorf("cell true %s predicted %s (count %d) has darkness %.2f (rgb %x %x %x)", test.ClassNames[truth], test.ClassNames[pred], count, dark, r, g, b)
			}
		}
	}
}

// Ten digit classes get ten distinct colours, in the chart and its picture
// (ECharts' palette has nine: the digit 9 was drawn in the colour of the 0).
func TestPCAChartColoursTenClassesApart(t *testing.T) {
	d := ml.Digits().Slice(0, 400)
	b := PCAChart(d.X, d.Labels(), d.ClassNames)
	checkTenColours(t, b)
	// ROC curves of ten classes, from a model trained on the digits.
	ml.SetSeed(5)
	m := ml.Sequential(ml.Linear(64, 10))
	m.Fit(d, ml.FitConfig{Epochs: 3, Loss: ml.CrossEntropy(), Optimizer: ml.Adam(0.01), Seed: 1})
	roc := ROCChart(m.Predict(d.X), d.Y, d.ClassNames)
	opt := roc[MIMEECharts].(map[string]any)
	opt["series"] = opt["series"].([]any)[:10] // the chance line has its own grey
	checkTenColours(t, Bundle{MIMEECharts: opt, MIMEPNG: roc[MIMEPNG]})
}

func checkTenColours(t *testing.T, b Bundle) {
	t.Helper()
	opt := b[MIMEECharts].(map[string]any)
	seen := map[string]string{}
	for i, s := range opt["series"].([]any) {
		name := s.(map[string]any)["name"].(string)
		c := colorHex(seriesColor(i, opt))
		if other, ok := seen[c]; ok {
			t.Errorf("classes %s and %s share the colour %s", other, name, c)
		}
		seen[c] = name
	}
	if len(seen) != 10 {
		t.Errorf("%d colours for 10 classes", len(seen))
	}
	if svg, ok := b.pictureOK(); ok && !strings.Contains(strings.ToLower(svg), strings.ToLower(colorHex(seriesColor(9, opt)))) {
		t.Errorf("the picture does not use the tenth colour")
	}
}
