package e2e

import (
	"sort"
	"strings"
	"testing"
	"time"
)

// TestMLChartsDraw checks issue 13's charts in the browser: each one-call chart
// of real model output draws as an ECharts chart (a canvas of visible size with
// its title, named axes and series), and the static picture that travels with
// it for other viewers is not shown beside it.
func TestMLChartsDraw(t *testing.T) {
	srv := startServer(t, "")
	name := writeNotebook(t, srv.Root, "charts.gonb", []nbCell{{Type: "code", Source: `import "gopad/ml"
import "gopad/display"
import "gonum.org/v1/gonum/mat"

ml.SetSeed(1)
train, test := ml.Iris().Split(0.7, 1)
model := ml.Sequential(ml.Linear(4, 16), ml.ReLU(), ml.Linear(16, 3))
hist := model.Fit(train, ml.FitConfig{Epochs: 8, Loss: ml.CrossEntropy(), Optimizer: ml.Adam(0.03),
	Validation: test, Metrics: []string{"accuracy"}})
scores := model.Predict(test.X)
search := ml.GridSearch(ml.Grid{"lr": {0.003, 0.03}}, train, 3, 1, func(p ml.Params, tr, val ml.Dataset) float64 {
	m := ml.Sequential(ml.Linear(4, 3))
	m.Fit(tr, ml.FitConfig{Epochs: 3, Loss: ml.CrossEntropy(), Optimizer: ml.Adam(p["lr"])})
	return ml.Accuracy(m.Predict(val.X), val.Y)
})
reg := ml.Sequential(ml.Linear(10, 1))
rd := ml.Diabetes()
rd = ml.FitStandardScaler(rd).Transform(rd)
reg.Fit(rd, ml.FitConfig{Epochs: 20, Loss: ml.MeanSquaredError(), Optimizer: ml.Adam(0.05)})
display.Show(display.HistoryChart(hist))
display.Show(ml.NewConfusionMatrix(scores, test.Y, test.ClassNames))
display.Show(display.ROCChart(scores, test.Y, test.ClassNames))
display.Show(display.PRChart(scores, test.Y, test.ClassNames))
display.Show(display.GridChart(search))
display.Show(display.WeightHistogram(model))
display.Show(display.PCAChart(test.X, test.Labels(), test.ClassNames))
display.Show(display.RegressionChart(reg.Predict(rd.X), rd.Y))
display.Heatmap("corr", mat.NewDense(2, 2, []float64{1, 0.5, 0.5, 1}), []string{"a", "b"}, []string{"a", "b"})`}})
	ctx, _ := newBrowser(t)
	openNotebook(t, ctx, srv, name)
	runCellByKeys(t, ctx, 0)
	waitIdle(t, ctx, kernelStarts+2*time.Minute)

	const drawn = `document.body.className === 'chart' && !!document.querySelector('div.chart canvas') && !!(window.echarts && echarts.getInstanceByDom(document.querySelector('div.chart')))`
	// Nine charts the cell shows, and three live progress charts: the two Fit
	// calls' and the grid search's (sweeps drive the training view too).
	frames := outputFrames(t, ctx, "the twelve charts drawn", drawn, 12, time.Minute)
	const info = `(() => {
	const el = document.querySelector('div.chart');
	const o = echarts.getInstanceByDom(el).getOption();
	const c = el.querySelector('canvas').getBoundingClientRect();
	const names = a => (a || []).map(x => x.name || '').join('|');
	return [o.title[0].text, names(o.xAxis), names(o.yAxis), o.series.length, o.series.map(s => s.type).join(','), c.width, c.height,
		o.series.reduce((n, s) => n + (s.data ? s.data.length : 0), 0)];
})()`
	var titles []string
	for _, f := range frames {
		v := evalIn[[]any](t, f, info)
		title, xNames, yNames := v[0].(string), v[1].(string), v[2].(string)
		series, types := v[3].(float64), v[4].(string)
		w, h, points := v[5].(float64), v[6].(float64), v[7].(float64)
		titles = append(titles, title)
		if w < 200 || h < 150 || series < 1 || points < 2 {
			t.Errorf("chart %q: %vx%v px, %v series of %s, %v points", title, w, h, series, types, points)
		}
		if !strings.HasPrefix(title, "loss and") && title != "corr" && (strings.Trim(xNames, "|") == "" || strings.Trim(yNames, "|") == "") {
			t.Errorf("chart %q has unnamed axes: x %q, y %q", title, xNames, yNames)
		}
	}
	sort.Strings(titles)
	joined := strings.Join(titles, "\n")
	for _, want := range []string{"Confusion matrix (45 samples", "Grid search: best lr=", "PCA projection of 45 rows", "Precision-recall curves, one class vs rest",
		"ROC curves, one class vs rest", "Regression: MSE ", "Training history: 8 epochs", "Weights per layer (2 layers", "corr",
		"loss and accuracy per epoch", "score per combination", "loss per epoch"} {
		if !strings.Contains(joined, want) {
			t.Errorf("no chart titled %q...; titles:\n%s", want, joined)
		}
	}
	// The static pictures travel in the same outputs but are not drawn in gopad.
	if n := evalJS[float64](t, ctx, jsCell(0)+`.querySelectorAll('.output-image').length`); n != 0 {
		t.Errorf("%v static pictures shown beside the interactive charts", n)
	}
}

// TestPieAndGaugeDraw checks the round charts a cell makes in one call (and
// by a hand-built option) draw in Chromium with the cell's values, their
// static pictures travelling in the outputs without being shown.
func TestPieAndGaugeDraw(t *testing.T) {
	srv := startServer(t, "")
	name := writeNotebook(t, srv.Root, "round.gonb", []nbCell{{Type: "code", Source: `import "gopad/display"

display.Show(display.PieChart("Samples per class", []string{"cat", "dog", "bird"}, []float64{5, 3, 2}))
display.Show(display.GaugeChart("Test accuracy", "accuracy %", 93.5, 0, 100))
display.Chart(map[string]any{"title": map[string]any{"text": "Hand-built pie"},
	"series": []any{map[string]any{"type": "pie", "radius": []any{"30%", "60%"}, "data": []any{
		map[string]any{"name": "a", "value": 1}, map[string]any{"name": "b", "value": 4}}}}})`}})
	ctx, _ := newBrowser(t)
	openNotebook(t, ctx, srv, name)
	runCellByKeys(t, ctx, 0)
	waitIdle(t, ctx, kernelStarts+time.Minute)

	const drawn = `document.body.className === 'chart' && !!document.querySelector('div.chart canvas') && !!(window.echarts && echarts.getInstanceByDom(document.querySelector('div.chart')))`
	frames := outputFrames(t, ctx, "the three round charts drawn", drawn, 3, time.Minute)
	const info = `(() => {
	const el = document.querySelector('div.chart');
	const o = echarts.getInstanceByDom(el).getOption();
	const c = el.querySelector('canvas').getBoundingClientRect();
	return o.title[0].text + ' ' + o.series[0].type + ' ' + o.series[0].data.map(d => d.name + '=' + d.value).join(',') + ' ' + (c.width > 200 && c.height > 150);
})()`
	var got []string
	for _, f := range frames {
		got = append(got, evalIn[string](t, f, info))
	}
	sort.Strings(got)
	want := []string{"Hand-built pie pie a=1,b=4 true", "Samples per class pie cat=5,dog=3,bird=2 true", "Test accuracy gauge accuracy %=93.5 true"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("charts drawn:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := evalJS[float64](t, ctx, jsCell(0)+`.querySelectorAll('.output-image').length`); n != 0 {
		t.Errorf("%v static pictures shown beside the interactive charts", n)
	}
}

// TestRadarFunnelAndMixedDraw checks that hand-built radar, funnel and mixed
// (line and pie in one option) charts draw in Chromium with the cell's data,
// and that their static pictures travel in the outputs without being shown.
func TestRadarFunnelAndMixedDraw(t *testing.T) {
	srv := startServer(t, "")
	name := writeNotebook(t, srv.Root, "shapes.gonb", []nbCell{{Type: "code", Source: `import "gopad/display"

display.Show(display.Chart(map[string]any{"title": map[string]any{"text": "Scores radar"},
	"radar": map[string]any{"indicator": []any{map[string]any{"name": "precision", "max": 1}, map[string]any{"name": "recall", "max": 1}, map[string]any{"name": "F1", "max": 1}}},
	"series": []any{map[string]any{"type": "radar", "data": []any{map[string]any{"name": "cat", "value": []float64{0.9, 0.8, 0.85}}, map[string]any{"name": "dog", "value": []float64{0.7, 0.75, 0.72}}}}}}))
display.Show(display.Chart(map[string]any{"title": map[string]any{"text": "Funnel"},
	"series": []any{map[string]any{"type": "funnel", "data": []any{map[string]any{"name": "all", "value": 100}, map[string]any{"name": "right", "value": 80}}}}}))
display.Chart(map[string]any{"title": map[string]any{"text": "Mixed"},
	"xAxis": map[string]any{"type": "value"}, "yAxis": map[string]any{"type": "value"},
	"series": []any{
		map[string]any{"type": "line", "name": "loss", "data": []any{[]any{1, 0.9}, []any{2, 0.5}}},
		map[string]any{"type": "pie", "name": "classes", "center": []any{"75%", "30%"}, "radius": "20%", "data": []any{map[string]any{"name": "a", "value": 1}, map[string]any{"name": "b", "value": 3}}},
	}})`}})
	ctx, _ := newBrowser(t)
	openNotebook(t, ctx, srv, name)
	runCellByKeys(t, ctx, 0)
	waitIdle(t, ctx, kernelStarts+time.Minute)

	const drawn = `document.body.className === 'chart' && !!document.querySelector('div.chart canvas') && !!(window.echarts && echarts.getInstanceByDom(document.querySelector('div.chart')))`
	frames := outputFrames(t, ctx, "the radar, funnel and mixed charts drawn", drawn, 3, time.Minute)
	// Each chart's title, its series' types and data as ECharts holds them,
	// and a canvas of a real size.
	const info = `(() => {
	const el = document.querySelector('div.chart');
	const o = echarts.getInstanceByDom(el).getOption();
	const c = el.querySelector('canvas').getBoundingClientRect();
	const data = s => s.data.map(d => Array.isArray(d) ? d.join(':') : d.name + '=' + d.value).join(',');
	return o.title[0].text + ' ' + o.series.map(s => s.type + '[' + data(s) + ']').join(' ') + ' ' + (c.width > 200 && c.height > 150);
})()`
	var got []string
	for _, f := range frames {
		got = append(got, evalIn[string](t, f, info))
	}
	sort.Strings(got)
	want := []string{
		"Funnel funnel[all=100,right=80] true",
		"Mixed line[1:0.9,2:0.5] pie[a=1,b=3] true",
		"Scores radar radar[cat=0.9,0.8,0.85,dog=0.7,0.75,0.72] true",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("charts drawn:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := evalJS[float64](t, ctx, jsCell(0)+`.querySelectorAll('.output-image').length`); n != 0 {
		t.Errorf("%v static pictures shown beside the interactive charts", n)
	}
}
