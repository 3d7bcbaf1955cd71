package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The training view in the browser (issue 8 part 2): the progress bar and the
// live chart that ml.Fit shows in a cell are sandboxed output frames updated in
// place while training runs, sized to what they show, and finished when Fit
// panics.

// jsHTMLFrames lists the HTML output frames of cell i (a training bar is one).
func jsHTMLFrames(i int) string {
	return fmt.Sprintf(`Array.from(%s.querySelectorAll('iframe.output-html'))`, jsCell(i))
}

var epochRE = regexp.MustCompile(`epoch (\d+)/(\d+)`)

// TestTrainingBarLive trains on the digits until the test has read the bar's
// text inside its frame at three different epochs while the cell still runs,
// then lets a callback stop training. The bar's frame and the chart's frame are
// the same DOM elements from the first read to the end (a marker property set
// on each survives), and the chart shows the accuracy asked for in Metrics
// beside the loss while training runs.
func TestTrainingBarLive(t *testing.T) {
	srv := startServer(t, "")
	stopFile := filepath.Join(t.TempDir(), "stop-training")
	// Training runs until the test creates stopFile (a callback looks after every
	// epoch), so that a fast machine does not finish before the test has looked
	// and a slow one is not cut short. 100000 epochs (hours) are far more than any
	// run needs; past 4 minutes (longer than the browser's deadline) training stops
	// by itself, so that a test killed mid-run leaves no kernel training for hours.
	name := writeNotebook(t, srv.Root, "live-bar.gonb", []nbCell{{Type: "code", Source: `import (
	"os"
	"time"

	"gopad/ml"
)

train, test := ml.Digits().Split(0.75, 1)
model := ml.Sequential(ml.Linear(64, 256), ml.ReLU(), ml.Linear(256, 128), ml.ReLU(), ml.Linear(128, 10))
stopWhenTold := func(s ml.EpochStats) (bool, string) {
	if s.Elapsed > 4*time.Minute {
		return true, "the test's time bound"
	}
	_, err := os.Stat(` + strconv.Quote(stopFile) + `)
	return err == nil, "the test has seen enough"
}
hist := model.Fit(train, ml.FitConfig{Epochs: 100000, BatchSize: 32, Loss: ml.CrossEntropy(), Optimizer: ml.Adam(1e-3),
	Validation: test, Metrics: []string{"accuracy"}, Callbacks: []ml.Callback{stopWhenTold}})
len(hist.Epochs)
`}})
	ctx, _ := newBrowser(t)
	openNotebook(t, ctx, srv, name)
	runCellByKeys(t, ctx, 0)

	// The bar's frame, once it shows an epoch.
	bars := outputFrames(t, ctx, "the training bar at an epoch", `!!document.querySelector('.gopad-progress') && /epoch \d+\//.test(document.body.innerText)`, 1, kernelStarts)
	bar := bars[0]
	waitFor(t, ctx, "one bar frame in the cell", jsHTMLFrames(0)+`.length === 1`, 10*time.Second)
	evalJS[bool](t, ctx, jsHTMLFrames(0)+`[0].gopadTestMark = "bar", true`)

	// Read the bar at least three times at different epochs while the cell runs.
	seen := map[int]string{}
	deadline := time.Now().Add(2 * time.Minute)
	for len(seen) < 3 {
		if time.Now().After(deadline) {
			failShot(t, ctx)
			t.Fatalf("saw the bar at %d different epochs within 2 minutes, want 3: %v", len(seen), seen)
		}
		text := evalIn[string](t, bar, `document.body.innerText`)
		// The read counts only if the cell was still running after it and the
		// bar was visible (a frame of some height, in the page).
		st := evalJS[map[string]any](t, ctx, fmt.Sprintf(`(() => { const f = %s[0]; return {running: %s.classList.contains('running'), height: f ? f.getBoundingClientRect().height : 0, marked: !!f && f.gopadTestMark === "bar"}; })()`, jsHTMLFrames(0), jsCell(0)))
		if st["running"] != true {
			failShot(t, ctx)
			t.Fatalf("the cell finished before the test stopped it; bar readings so far: %v; last text %q", seen, text)
		}
		if st["marked"] != true {
			failShot(t, ctx)
			t.Fatalf("the bar's frame was re-created during training (its marker is gone); readings %v", seen)
		}
		if h, _ := st["height"].(float64); h < 10 {
			t.Fatalf("the bar's frame is %v px high while it shows %q", h, text)
		}
		if m := epochRE.FindStringSubmatch(text); m != nil {
			e, _ := strconv.Atoi(m[1])
			if _, ok := seen[e]; !ok {
				seen[e] = text
				t.Logf("bar mid-run: %q", text)
			}
		}
		time.Sleep(30 * time.Millisecond) // pace of the readings, not a wait for a state
	}

	// The live chart shows the loss and the accuracy asked for, while training runs.
	const jsSeries = `(() => { const el = document.querySelector('div.chart'); const c = el && window.echarts && echarts.getInstanceByDom(el); return c ? c.getOption().series.map(s => s.name + ":" + s.data.length).join(",") : ""; })()`
	charts := outputFrames(t, ctx, "the live loss chart with accuracy", `document.body.className === 'chart' && `+jsSeries+`.includes('train accuracy')`, 1, 30*time.Second)
	series := evalIn[string](t, charts[0], jsSeries)
	for _, want := range []string{"train loss:", "validation loss:", "train accuracy:", "validation accuracy:"} {
		if !strings.Contains(series, want) {
			t.Errorf("live chart series %q lack %q", series, want)
		}
	}
	if !evalJS[bool](t, ctx, jsCell(0)+`.classList.contains('running')`) {
		t.Fatalf("the cell finished before the chart was checked mid-run")
	}
	evalJS[bool](t, ctx, jsCell(0)+`.querySelector('iframe.output-chart').gopadTestMark = "chart", true`)
	evalIn[bool](t, charts[0], `document.querySelector('div.chart').gopadTestMark = "chart", true`)

	// The reader hides a series from the legend (what a click on it does): later
	// updates of the live chart keep it hidden.
	points := evalIn[int](t, charts[0], `(() => { const c = echarts.getInstanceByDom(document.querySelector('div.chart')); c.dispatchAction({type: 'legendUnSelect', name: 'validation loss'}); return c.getOption().series[0].data.length; })()`)
	waitIn(t, charts[0], "two more epochs on the chart", fmt.Sprintf(`echarts.getInstanceByDom(document.querySelector('div.chart')).getOption().series[0].data.length >= %d`, points+2), time.Minute)
	if hidden := evalIn[bool](t, charts[0], `echarts.getInstanceByDom(document.querySelector('div.chart')).getOption().legend[0].selected['validation loss'] === false`); !hidden {
		t.Errorf("the series hidden from the legend came back with a live update")
	}

	if err := os.WriteFile(stopFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, ctx, 2*time.Minute)
	waitIn(t, bar, "the bar's final state", `/stopped \(the test has seen enough\) after \d+ of 100000 epochs/.test(document.body.innerText)`, 30*time.Second)
	// The final chart of a run cut short spans the epochs done, not the plan: the
	// update replaced the axis rather than merging into it.
	waitIn(t, charts[0], "the final chart's axis to end with the epochs done", `(() => { const o = echarts.getInstanceByDom(document.querySelector('div.chart')).getOption(); return !(o.xAxis[0].max >= 100000) && o.series[0].data.length > 3; })()`, 30*time.Second)
	if n := evalJS[int](t, ctx, jsHTMLFrames(0)+`.length`); n != 1 {
		t.Errorf("%d HTML frames in the cell after training, want the one bar", n)
	}
	if !evalJS[bool](t, ctx, jsHTMLFrames(0)+`[0].gopadTestMark === "bar"`) {
		t.Errorf("the bar's frame was re-created by its final update")
	}
	if !evalJS[bool](t, ctx, jsCell(0)+`.querySelector('iframe.output-chart').gopadTestMark === "chart"`) {
		t.Errorf("the chart's frame was re-created during training")
	}
	if mark := evalIn[string](t, charts[0], `document.querySelector('div.chart').gopadTestMark || ""`); mark != "chart" {
		t.Errorf("the chart was redrawn from scratch instead of updated in place")
	}
	screenshot(t, ctx, "trainview-live-bar")
}

// frameHeights lists the heights in the page of cell i's HTML frames, in order.
func frameHeights(t *testing.T, ctx context.Context, i int) []float64 {
	t.Helper()
	return evalJS[[]float64](t, ctx, jsHTMLFrames(i)+`.map(f => f.getBoundingClientRect().height)`)
}

// TestTrainingViewSecondFitAndPanic: two Fits in one cell show two bars, each
// frame as high as the bar it shows (no gap under the first); a Fit whose model
// does not fit the data panics in its first batch and a Fit whose callback
// panics at epoch 2 both leave a bar that says training failed, not a stale
// "starting" bar, above the error.
func TestTrainingViewSecondFitAndPanic(t *testing.T) {
	srv := startServer(t, "")
	name := writeNotebook(t, srv.Root, "two-fits.gonb", []nbCell{
		{Type: "code", Source: `import "gopad/ml"

iris := ml.Iris()
first := ml.Sequential(ml.Linear(4, 3))
first.Fit(iris, ml.FitConfig{Epochs: 3, BatchSize: 50, Loss: ml.CrossEntropy(), Metrics: []string{"accuracy"}})
second := ml.Sequential(ml.Linear(4, 8), ml.ReLU(), ml.Linear(8, 3))
h := second.Fit(iris, ml.FitConfig{Epochs: 4, BatchSize: 50, Loss: ml.CrossEntropy()})
len(h.Epochs)
`},
		{Type: "code", Source: `wrong := ml.Sequential(ml.Linear(5, 3)) // Iris has 4 features
wrong.Fit(iris, ml.FitConfig{Epochs: 3, BatchSize: 50, Loss: ml.CrossEntropy()})
`},
		{Type: "code", Source: `failing := ml.Sequential(ml.Linear(4, 3))
failing.Fit(iris, ml.FitConfig{Epochs: 5, BatchSize: 50, Loss: ml.CrossEntropy(),
	Callbacks: []ml.Callback{func(s ml.EpochStats) (bool, string) {
		if s.Epoch == 2 {
			panic("callback broke at epoch 2")
		}
		return false, ""
	}}})
`},
	})
	ctx, _ := newBrowser(t)
	openNotebook(t, ctx, srv, name)
	runCellByKeys(t, ctx, 0)
	waitOutputContains(t, ctx, 0, "4", kernelStarts)
	waitIdle(t, ctx, 60*time.Second)

	// Both bars finished, in their frames.
	done := outputFrames(t, ctx, "two finished bars", `/done: \d epochs/.test(document.body.innerText)`, 2, 30*time.Second)
	var contentHeights []float64
	for _, f := range done {
		contentHeights = append(contentHeights, evalIn[float64](t, f, `document.querySelector('.gopad-progress').getBoundingClientRect().height`))
	}
	// Frames settle to their content's size (a resize report is asynchronous).
	const jsFit = `(() => { const hs = %s.map(f => f.getBoundingClientRect().height); return hs.length === 2 && hs.every(h => h >= %v - 2 && h <= %v + 4); })()`
	waitFor(t, ctx, "both bar frames as high as their bars", fmt.Sprintf(jsFit, jsHTMLFrames(0), contentHeights[0], contentHeights[0]), 20*time.Second)
	t.Logf("bar content heights %v, frame heights %v", contentHeights, frameHeights(t, ctx, 0))
	// No gap: the first bar's frame ends where the next output (its chart) begins.
	gap := evalJS[float64](t, ctx, jsCell(0)+`.querySelectorAll('.output-item').length >= 2 ? (() => { const items = `+jsCell(0)+`.querySelectorAll('.output-item'); return items[1].getBoundingClientRect().top - items[0].getBoundingClientRect().bottom; })() : -1`)
	if gap < 0 || gap > 16 {
		t.Errorf("space under the first bar: %v px, want a small margin", gap)
	}

	// A model that does not fit the data panics in the first batch.
	runCellByKeys(t, ctx, 1)
	waitFor(t, ctx, "the shape error", jsCell(1)+`.querySelector('.output-error') !== null && !`+jsCell(1)+`.classList.contains('running')`, 60*time.Second)
	failed := outputFrames(t, ctx, "a failed bar", `/failed/.test(document.body.innerText)`, 1, 30*time.Second)
	text := evalIn[string](t, failed[0], `document.body.innerText`)
	if strings.Contains(text, "starting") {
		t.Errorf("the bar of a failed Fit still says it is starting: %q", text)
	}
	if n := evalJS[int](t, ctx, jsHTMLFrames(1)+`.length`); n != 1 {
		t.Errorf("cell 1 has %d bar frames, want 1", n)
	}
	errText := evalJS[string](t, ctx, jsCell(1)+`.querySelector('.output-error').innerText`)
	if !strings.Contains(errText, "5") || !strings.Contains(errText, "4") {
		t.Errorf("the shape error does not name the sizes: %q", errText)
	}

	// A callback that panics at epoch 2.
	runCellByKeys(t, ctx, 2)
	waitFor(t, ctx, "the callback's panic", jsCell(2)+`.querySelector('.output-error') !== null && `+jsCell(2)+`.querySelector('.output-error').innerText.includes('callback broke at epoch 2')`, 60*time.Second)
	failed = outputFrames(t, ctx, "the failed bar after 2 epochs", `/failed after 2 of 5 epochs/.test(document.body.innerText)`, 1, 30*time.Second)
	text = evalIn[string](t, failed[0], `document.body.innerText`)
	if strings.Contains(text, "starting") || strings.Contains(text, "ETA") {
		t.Errorf("the bar of a failed Fit still looks live: %q", text)
	}

	// Moving the cell up re-inserts its element, and the browser reloads its
	// frames: they must draw their outputs again, not stay blank.
	evalIn[bool](t, failed[0], `window.gopadTestOldDocument = true`)
	evalJS[bool](t, ctx, jsCell(2)+`.querySelector('[data-tool=up]').click(), true`)
	waitFor(t, ctx, "the failing cell to move up", jsSourceText(1)+`.includes('failing')`, 20*time.Second)
	outputFrames(t, ctx, "the failed bar drawn again after the move", `!window.gopadTestOldDocument && /failed after 2 of 5 epochs/.test(document.body.innerText)`, 1, 30*time.Second)
	outputFrames(t, ctx, "the chart drawn again after the move", `document.body.className === 'chart' && !!document.querySelector('canvas')`, 3, 30*time.Second)
	screenshot(t, ctx, "trainview-second-fit-and-panic")
}
