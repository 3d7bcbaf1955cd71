// Package trainview shows ml training progress in a notebook: a progress bar
// with a log line per epoch, and a chart of the loss and of the metrics asked
// for in FitConfig.Metrics that grows epoch by epoch (New, Factory).
//
// The kernel installs the view for every Fit that has no Progress of its own:
//
//	ml.SetDefaultProgress(trainview.Factory(interrupted))
//
// where interrupted reports whether the user asked the running cell to stop; Fit
// polls it after every batch through Progress.Stopped.
//
// The bar is a progress display (package internal/progress): besides its HTML
// it carries its state as JSON, from which gopad run and gopad repl redraw it
// in place on a terminal and print the epoch log in order with the cell's own
// output.
package trainview

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"gopad.dev/gopad/display"
	"gopad.dev/gopad/internal/progress"
	"gopad.dev/gopad/ml"
)

// refreshInterval is the shortest time between two progress bar updates caused by
// batches, so that fast training does not flood the notebook (at most ~10 a second).
const refreshInterval = 100 * time.Millisecond

// New returns a notebook training view. Nothing is shown until training begins.
// interrupted may be nil (training is then never stopped from outside).
func New(interrupted func() bool) ml.Progress {
	return &notebookView{interrupted: interrupted}
}

// Factory returns a constructor of notebook views for ml.SetDefaultProgress.
func Factory(interrupted func() bool) func() ml.Progress {
	return func() ml.Progress { return New(interrupted) }
}

// run is what training has reported so far.
type run struct {
	info      ml.FitInfo
	begun     bool
	last      ml.BatchStats
	epochs    []ml.EpochStats
	published time.Duration // training time of the last batch-driven refresh
	refreshed bool          // at least one batch-driven refresh happened
}

func (r *run) begin(info ml.FitInfo) {
	*r = run{info: info, begun: true}
}

// batch records a batch and reports whether the view should refresh: at most
// once per refreshInterval of training time (epochs and the end refresh too).
func (r *run) batch(s ml.BatchStats) bool {
	r.last = s
	if r.refreshed && s.Elapsed-r.published < refreshInterval {
		return false
	}
	r.published, r.refreshed = s.Elapsed, true
	return true
}

// steps returns the optimisation steps done and planned (0 if unknown).
func (r *run) steps() (done, total int) {
	bpe := r.info.BatchesPerEpoch
	if r.last.Batches > 0 {
		bpe = r.last.Batches
	}
	total = r.info.Epochs * bpe
	if r.last.Epoch > 0 {
		done = (r.last.Epoch-1)*bpe + r.last.Batch
	}
	return done, total
}

// unit is what the run counts: "epoch" for training, a sweep's step otherwise.
func (r *run) unit() string {
	if r.info.Step != "" {
		return r.info.Step
	}
	return "epoch"
}

// sweep reports whether the run is a sweep (a grid search, a sensitivity
// analysis): steps with a score each and no loss to show.
func (r *run) sweep() bool { return r.info.Step != "" }

// plural writes n units, e.g. "3 epochs", "1 combination", "4 pruned copies".
func plural(n int, unit string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, unit)
	}
	if strings.HasSuffix(unit, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(unit, "y"))
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// eta estimates the remaining training time from the pace so far.
func (r *run) eta() (time.Duration, bool) {
	done, total := r.steps()
	if done <= 0 || total <= 0 || r.last.Elapsed <= 0 {
		return 0, false
	}
	remaining := float64(total-done) * float64(r.last.Elapsed) / float64(done)
	return time.Duration(remaining), true
}

// sep separates the parts of the bar's status and log lines.
const sep = " · "

// status is the one-line summary of where training is, e.g.
// "epoch 3/30 · batch 12/43 · loss 0.1234 · 0:05 · ETA 0:40".
func (r *run) status() string {
	var parts []string
	epochs := r.info.Epochs
	switch {
	case r.last.Epoch > 0 && r.sweep():
		parts = append(parts, fmt.Sprintf("%s %d/%d", r.unit(), r.last.Epoch, epochs), formatDuration(r.last.Elapsed))
		if eta, ok := r.eta(); ok {
			parts = append(parts, "ETA "+formatDuration(eta))
		}
	case r.last.Epoch > 0:
		parts = append(parts, fmt.Sprintf("epoch %d/%d", r.last.Epoch, epochs))
		parts = append(parts, fmt.Sprintf("batch %d/%d", r.last.Batch, r.last.Batches))
		parts = append(parts, "loss "+formatValue(r.last.Loss))
		parts = append(parts, formatDuration(r.last.Elapsed))
		if eta, ok := r.eta(); ok {
			parts = append(parts, "ETA "+formatDuration(eta))
		}
	case r.sweep():
		parts = append(parts, "starting: "+plural(epochs, r.unit()))
	default:
		parts = append(parts, fmt.Sprintf("starting: %d epochs of %d batches, %d samples", epochs, r.info.BatchesPerEpoch, r.info.Samples))
	}
	return strings.Join(parts, sep)
}

// epochSummary describes one finished epoch, e.g.
// "epoch 3/30 · loss 0.1234 · accuracy 0.9600 · val_loss 0.1300 · val_accuracy 0.9500 · 0:05",
// or a sweep's step, e.g. "combination 3/8 · score 0.9500 · 0:05".
func (r *run) epochSummary(s ml.EpochStats) string {
	parts := []string{fmt.Sprintf("%s %d/%d", r.unit(), s.Epoch, s.Epochs)}
	if !r.sweep() {
		parts = append(parts, "loss "+formatValue(s.Loss))
	}
	parts = append(parts, metricParts("", s.Metrics)...)
	if !math.IsNaN(s.ValLoss) {
		parts = append(parts, "val_loss "+formatValue(s.ValLoss))
	}
	parts = append(parts, metricParts("val_", s.ValMetrics)...)
	parts = append(parts, formatDuration(s.Elapsed))
	return strings.Join(parts, sep)
}

func metricParts(prefix string, metrics map[string]float64) []string {
	names := make([]string, 0, len(metrics))
	for name := range metrics {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = prefix + name + " " + formatValue(metrics[name])
	}
	return parts
}

// endSummary says how training ended: done, stopped or failed.
func (r *run) endSummary(h *ml.History) string {
	epochs := len(r.epochs)
	if h != nil && len(h.Epochs) > epochs {
		epochs = len(h.Epochs)
	}
	elapsed := r.last.Elapsed
	if len(r.epochs) > 0 && r.epochs[len(r.epochs)-1].Elapsed > elapsed {
		elapsed = r.epochs[len(r.epochs)-1].Elapsed
	}
	if h != nil && h.Elapsed > elapsed {
		elapsed = h.Elapsed
	}
	head := fmt.Sprintf("done: %s in %s", plural(epochs, r.unit()), formatDuration(elapsed))
	switch {
	case h != nil && h.Failed:
		// The panic itself is the cell's error, shown under the bar.
		head = fmt.Sprintf("failed after %d of %s, %s", epochs, plural(r.info.Epochs, r.unit()), formatDuration(elapsed))
	case h != nil && h.Stopped:
		reason := h.StopReason
		if reason == "" {
			reason = "stopped"
		}
		head = fmt.Sprintf("stopped (%s) after %d of %s, %s", reason, epochs, plural(r.info.Epochs, r.unit()), formatDuration(elapsed))
	}
	parts := []string{head}
	if len(r.epochs) > 0 {
		s := r.epochs[len(r.epochs)-1]
		if !r.sweep() {
			parts = append(parts, "loss "+formatValue(s.Loss))
		}
		parts = append(parts, metricParts("", s.Metrics)...)
		if !math.IsNaN(s.ValLoss) {
			parts = append(parts, "val_loss "+formatValue(s.ValLoss))
		}
		parts = append(parts, metricParts("val_", s.ValMetrics)...)
	}
	return strings.Join(parts, sep)
}

func formatValue(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("%.4f", v)
}

// formatDuration writes m:ss, or h:mm:ss past an hour.
func formatDuration(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// notebookView publishes a progress bar and, from the first epoch on, a chart
// of the loss and metrics; both are updated in place through display handles.
type notebookView struct {
	mu          sync.Mutex
	interrupted func() bool
	run         run
	bar         *display.Handle
	// unpublished holds the epoch lines logged since the bar's last message.
	unpublished []string
	chart       *display.Handle
	chartShown  time.Duration // training time of the last chart refresh
	// ended is the history End received (nil while training runs).
	ended *ml.History
	// chartPending is set when epochs arrived since the last chart refresh.
	chartPending bool
}

func (v *notebookView) Begin(info ml.FitInfo) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.run.begin(info)
	v.bar, v.chart, v.chartPending, v.unpublished, v.ended = display.NewHandle(), nil, false, nil, nil
	v.bar.Show(v.barBundle(nil))
}

func (v *notebookView) Batch(s ml.BatchStats) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.bar == nil {
		return // Batch without Begin: nothing to update
	}
	if v.run.batch(s) {
		v.updateBar(nil)
	}
}

func (v *notebookView) Epoch(s ml.EpochStats) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.run.epochs = append(v.run.epochs, s)
	if v.bar == nil {
		return
	}
	// Every epoch refreshes the bar, whatever the throttle: its log line must
	// come before anything the cell prints after the epoch (a callback's
	// line), for a terminal to print them in order. A bar message is small and
	// its size does not grow with the epochs, unlike the chart's.
	v.unpublished = append(v.unpublished, v.run.epochSummary(s))
	v.updateBar(nil)
	// Many short epochs would redraw a growing chart hundreds of times a second:
	// refresh at most once per refreshInterval and leave the rest to End.
	if v.chart != nil && s.Elapsed-v.chartShown < refreshInterval {
		v.chartPending = true
		return
	}
	v.showChart(s.Elapsed, false)
}

// updateBar publishes the bar's state, with the epoch lines not yet published.
func (v *notebookView) updateBar(end *ml.History) {
	v.bar.Update(v.barBundle(end))
	v.unpublished = nil
}

// showChart publishes the chart: shown the first time, updated afterwards.
// Its text form is empty until training ends (final): a summary of a curve
// still growing says nothing that the bar's epoch lines do not, and terminals
// print a display's text each time it changes.
func (v *notebookView) showChart(elapsed time.Duration, final bool) {
	v.chartShown, v.chartPending = elapsed, false
	b := v.chartBundle(final)
	if !final {
		b[display.MIMEText] = ""
	}
	if v.chart == nil {
		v.chart = display.NewHandle()
		v.chart.Show(b)
		return
	}
	v.chart.Update(b)
}

func (v *notebookView) End(h *ml.History) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.bar == nil {
		return
	}
	if h == nil {
		h = &ml.History{}
	}
	v.ended = h
	if v.chart != nil {
		v.showChart(v.chartShown, true)
	}
	v.updateBar(h)
}

func (v *notebookView) Stopped() bool {
	return v.interrupted != nil && v.interrupted()
}

// barBundle renders the progress bar; with a history, its final state.
func (v *notebookView) barBundle(end *ml.History) display.Bundle {
	r := &v.run
	done, total := r.steps()
	if end != nil && !end.Stopped && !end.Failed && total > 0 {
		done = total
	}
	st := progress.State{Done: done, Total: total, Status: r.status(),
		Log: v.unpublished, Logged: len(r.epochs), Finished: end != nil}
	if end != nil {
		st.Status = r.endSummary(end)
	}
	if len(r.epochs) > 0 {
		st.LastLog = r.epochSummary(r.epochs[len(r.epochs)-1])
	}
	return display.Bundle{display.MIMEHTML: st.HTML(), display.MIMEText: st.Text(), display.MIMEProgress: st.JSON()}
}

// chartBundle renders the loss per epoch, with the validation loss when there
// is one, and the metrics asked for (train and validation) on a second axis,
// as a go-echarts line chart with epochs on x (integer ticks).
// chartBundle builds the chart; only the final one carries the static picture
// for viewers without gopad (drawing it costs milliseconds, too much for every
// refresh of a chart that changes several times a second).
func (v *notebookView) chartBundle(final bool) display.Bundle {
	epochs := v.run.epochs
	points := func(value func(ml.EpochStats) float64) ([]opts.LineData, bool) {
		data := make([]opts.LineData, len(epochs))
		reported := false
		for i, s := range epochs {
			y := value(s)
			data[i] = opts.LineData{Value: []any{s.Epoch, chartNumber(y)}}
			reported = reported || !math.IsNaN(y)
		}
		return data, reported
	}
	if v.run.sweep() {
		return v.sweepChart(final, points)
	}
	metrics := v.run.info.Metrics
	title := "loss per epoch"
	if len(metrics) > 0 {
		title = "loss and " + strings.Join(metrics, ", ") + " per epoch"
	}
	xAxis := opts.XAxis{Type: "value", Name: "epoch", NameLocation: "middle", NameGap: 25, Min: 1, MinInterval: 1}
	cut := v.ended != nil && (v.ended.Stopped || v.ended.Failed)
	if v.run.info.Epochs > 1 && !cut {
		// While training runs, the axis shows how far it has come; a run that
		// stopped early keeps the axis of what it did.
		xAxis.Max = v.run.info.Epochs
	}
	line := charts.NewLine()
	line.SetGlobalOptions(
		charts.WithTitleOpts(opts.Title{Title: title}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Right: "10", Top: "25"}),
		// Room between the legend and the axes' names above the plot.
		charts.WithGridOpts(opts.Grid{Top: "80"}),
		charts.WithXAxisOpts(xAxis),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: "loss", Scale: opts.Bool(true)}),
		charts.WithAnimation(false),
	)
	style := opts.LineChart{ShowSymbol: opts.Bool(len(epochs) <= 50)}
	train, _ := points(func(s ml.EpochStats) float64 { return s.Loss })
	line.AddSeries("train loss", train, charts.WithLineChartOpts(style))
	if val, ok := points(func(s ml.EpochStats) float64 { return s.ValLoss }); ok {
		line.AddSeries("validation loss", val, charts.WithLineChartOpts(style))
	}
	if len(metrics) > 0 {
		// Metrics have their own scale (accuracy runs from 0 to 1 whatever the
		// loss does): a second y axis on the right.
		name := "metric"
		if len(metrics) == 1 {
			name = metrics[0]
		}
		line.ExtendYAxis(opts.YAxis{Type: "value", Name: name, Scale: opts.Bool(true), Position: "right"})
		onRight := style
		onRight.YAxisIndex = 1
		for _, m := range metrics {
			if data, ok := points(func(s ml.EpochStats) float64 { return metricValue(s.Metrics, m) }); ok {
				line.AddSeries("train "+m, data, charts.WithLineChartOpts(onRight))
			}
			if data, ok := points(func(s ml.EpochStats) float64 { return metricValue(s.ValMetrics, m) }); ok {
				line.AddSeries("validation "+m, data, charts.WithLineChartOpts(onRight))
			}
		}
	}
	if !final {
		return display.LiveChart(line)
	}
	return display.Chart(line)
}

// sweepChart draws a sweep's score per step (no loss: a sweep trains no one
// model), with the steps on x.
func (v *notebookView) sweepChart(final bool, points func(func(ml.EpochStats) float64) ([]opts.LineData, bool)) display.Bundle {
	unit, metric := v.run.unit(), "score"
	if len(v.run.info.Metrics) > 0 {
		metric = v.run.info.Metrics[0]
	}
	xAxis := opts.XAxis{Type: "value", Name: unit, NameLocation: "middle", NameGap: 25, Min: 1, MinInterval: 1}
	if v.run.info.Epochs > 1 && (v.ended == nil || !(v.ended.Stopped || v.ended.Failed)) {
		xAxis.Max = v.run.info.Epochs
	}
	line := charts.NewLine()
	line.SetGlobalOptions(
		charts.WithTitleOpts(opts.Title{Title: metric + " per " + unit}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Right: "10", Top: "25"}),
		charts.WithGridOpts(opts.Grid{Top: "80"}),
		charts.WithXAxisOpts(xAxis),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: metric, Scale: opts.Bool(true)}),
		charts.WithAnimation(false),
	)
	data, _ := points(func(s ml.EpochStats) float64 { return metricValue(s.Metrics, metric) })
	line.AddSeries(metric, data, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(len(data) <= 50)}))
	if !final {
		return display.LiveChart(line)
	}
	return display.Chart(line)
}

// metricValue returns a metric of an epoch, NaN when it was not reported.
func metricValue(metrics map[string]float64, name string) float64 {
	if v, ok := metrics[name]; ok {
		return v
	}
	return math.NaN()
}

// chartNumber maps values JSON cannot hold to ECharts' "missing" marker.
func chartNumber(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	return v
}
