package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestHistoryResultDrawsItsChart checks issue 13 part 2 (issue 8 part 3 before
// it) in the browser: the History that Fit returns, as a cell's result, draws
// as an interactive chart of its training and validation curves, whose points
// are the history's values; and a model saved and loaded again draws the same
// chart from model.History(). The static picture and the text form travel in
// the same outputs but are not shown beside the chart.
func TestHistoryResultDrawsItsChart(t *testing.T) {
	srv := startServer(t, "")
	name := writeNotebook(t, srv.Root, "history.gonb", []nbCell{
		{Type: "code", Source: `import "gopad/ml"

train, test := ml.Digits().Split(0.75, 1)
model := ml.Sequential(ml.Linear(64, 32), ml.ReLU(), ml.Linear(32, 10))
hist := model.Fit(train, ml.FitConfig{Epochs: 3, BatchSize: 64, Loss: ml.CrossEntropy(),
	Validation: test, Metrics: []string{"accuracy"}, Seed: 5})
hist`},
		{Type: "code", Source: `import ("encoding/json"; "fmt")

curves, _ := json.Marshal(map[string][]float64{"train loss": hist.Curve("loss"), "validation loss": hist.Curve("val_loss"),
	"train accuracy": hist.Curve("accuracy"), "validation accuracy": hist.Curve("val_accuracy")})
fmt.Println("curves", string(curves))`},
		{Type: "code", Source: `if err := model.Save("digits-model"); err != nil {
	panic(err)
}
loaded, err := ml.Load("digits-model")
if err != nil {
	panic(err)
}
loaded.History()`},
	})
	ctx, _ := newBrowser(t)
	openNotebook(t, ctx, srv, name)
	runCellByKeys(t, ctx, 0)
	waitIdle(t, ctx, kernelStarts+2*time.Minute)
	runCellByKeys(t, ctx, 1)
	waitOutputContains(t, ctx, 1, "curves {", time.Minute)
	runCellByKeys(t, ctx, 2)
	waitIdle(t, ctx, 2*time.Minute)

	printed := evalJS[string](t, ctx, jsOutputText(1))
	var want map[string][]float64
	if err := json.Unmarshal([]byte(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(printed), "curves"))), &want); err != nil {
		t.Fatalf("the curves the cell printed do not decode: %v\n%s", err, printed)
	}

	// Two history charts drawn by ECharts (the training view's live chart is
	// another frame): the result of the training cell and the loaded model's.
	const historyChart = `document.body.className === 'chart' && !!document.querySelector('div.chart canvas') && !!(window.echarts && echarts.getInstanceByDom(document.querySelector('div.chart'))) && echarts.getInstanceByDom(document.querySelector('div.chart')).getOption().title[0].text.startsWith('Training history:')`
	frames := outputFrames(t, ctx, "the two history charts drawn", historyChart, 2, time.Minute)
	const info = `(() => {
	const el = document.querySelector('div.chart');
	const o = echarts.getInstanceByDom(el).getOption();
	const c = el.querySelector('canvas').getBoundingClientRect();
	const series = {};
	for (const s of o.series) series[s.name] = s.data;
	return {title: o.title[0].text, subtitle: o.title[0].subtext, x: o.xAxis[0].name, y: o.yAxis.map(a => a.name).join('|'),
		zoom: !!(o.toolbox[0] && o.toolbox[0].feature && o.toolbox[0].feature.dataZoom), tooltip: o.tooltip[0].trigger,
		width: c.width, height: c.height, series};
})()`
	for i, f := range frames {
		var got struct {
			Title, Subtitle, X, Y, Tooltip string
			Zoom                           bool
			Width, Height                  float64
			Series                         map[string][][]float64
		}
		raw := evalIn[map[string]any](t, f, info)
		b, _ := json.Marshal(raw)
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("chart %d: %v\n%s", i, err, b)
		}
		if !strings.HasPrefix(got.Title, "Training history: 3 epochs in ") || !strings.Contains(got.Subtitle, "best val_accuracy ") || !strings.Contains(got.Subtitle, "seed 5") {
			t.Errorf("chart %d: title %q, subtitle %q", i, got.Title, got.Subtitle)
		}
		if got.X != "epoch" || got.Y != "loss|metric" || !got.Zoom || got.Tooltip != "axis" {
			t.Errorf("chart %d: axes x %q y %q, zoom %v, tooltip %q", i, got.X, got.Y, got.Zoom, got.Tooltip)
		}
		if got.Width < 300 || got.Height < 200 {
			t.Errorf("chart %d is drawn at %vx%v px", i, got.Width, got.Height)
		}
		if len(got.Series) != len(want) {
			t.Errorf("chart %d has series %v, want %d", i, got.Series, len(want))
		}
		for name, curve := range want {
			points := got.Series[name]
			if len(points) != len(curve) {
				t.Errorf("chart %d: %s has %d points, the history %d", i, name, len(points), len(curve))
				continue
			}
			for e, p := range points {
				if p[0] != float64(e+1) || p[1] != curve[e] {
					t.Errorf("chart %d: %s point %d = %v, the history says epoch %d: %v", i, name, e, p, e+1, curve[e])
				}
			}
		}
	}
	// Neither the static picture nor the text form is shown beside the charts.
	for _, cell := range []int{0, 2} {
		if n := evalJS[float64](t, ctx, jsCell(cell)+`.querySelectorAll('.output-image').length`); n != 0 {
			t.Errorf("cell %d shows %v static pictures beside its chart", cell, n)
		}
		if page := evalJS[string](t, ctx, jsOutputText(cell)); strings.Contains(page, "History:") {
			t.Errorf("cell %d shows the text form beside its chart: %q", cell, page)
		}
	}
}
