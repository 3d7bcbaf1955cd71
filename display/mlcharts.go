package display

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"gopad.dev/gopad/ml"
)

// Charts of machine-learning results in one call. Each is an interactive ECharts
// chart (tooltips, zoom where it helps) with a title and named axes, and carries a
// static picture for viewers without gopad (see Chart).

// baseOption returns an option with a title, a tooltip and the toolbox's
// zoom/restore/save buttons.
func baseOption(title string) map[string]any {
	return map[string]any{
		"animation": false,
		"title":     map[string]any{"text": title, "left": "center", "textStyle": map[string]any{"fontSize": 14}},
		"tooltip":   map[string]any{"trigger": "item"},
		"toolbox": map[string]any{"feature": map[string]any{
			"dataZoom": map[string]any{}, "restore": map[string]any{}, "saveAsImage": map[string]any{},
		}},
		"grid": map[string]any{"left": 60, "right": 30, "top": 60, "bottom": 50, "containLabel": true},
	}
}

func valueAxis(name string) map[string]any {
	return map[string]any{"type": "value", "name": name, "nameLocation": "middle", "nameGap": 30, "scale": true}
}

func categoryAxis(name string, cats []string) map[string]any {
	return map[string]any{"type": "category", "name": name, "nameLocation": "middle", "nameGap": 30, "data": cats}
}

func pairs(xs, ys []float64) [][]any {
	out := make([][]any, 0, len(xs))
	for i := range xs {
		if i < len(ys) {
			out = append(out, []any{chartNumber(xs[i]), chartNumber(ys[i])})
		}
	}
	return out
}

// HistoryChart draws a training history's curves over epochs: the loss on the
// left axis and the metrics on the right, training solid and validation dashed,
// with the best value of each quantity under the title. Missing values (NaN: a
// metric not reported for an epoch, a loss that diverged) leave gaps. It works
// on any History: one Fit returned, model.History() of a loaded model, or one
// read back with model.Meta. A History as a cell's result is this chart. The
// bundle's text/plain is the history's String and it also holds the per-epoch
// table (application/vnd.gopad.table+json, as display.Table(h.Table())).
func HistoryChart(h *ml.History) Bundle {
	if h == nil || len(h.Epochs) == 0 {
		return Bundle{MIMEText: "display.HistoryChart: the history has no epochs"}
	}
	o := baseOption("Training history: " + h.Headline())
	o["title"].(map[string]any)["subtext"] = historySummary(h)
	o["tooltip"] = map[string]any{"trigger": "axis"}
	o["legend"] = map[string]any{"top": 46}
	o["grid"] = map[string]any{"left": 60, "right": 60, "top": 90, "bottom": 50, "containLabel": true}
	o["xAxis"] = map[string]any{"type": "value", "name": "epoch", "nameLocation": "middle", "nameGap": 28, "minInterval": 1, "min": 1}
	yAxes := []any{valueAxis("loss")}
	names := h.Names()
	hasMetric := false
	for _, n := range names {
		if n != "loss" && n != "val_loss" {
			hasMetric = true
		}
	}
	if hasMetric {
		yAxes = append(yAxes, map[string]any{"type": "value", "name": "metric", "nameLocation": "middle", "nameGap": 40, "scale": true, "position": "right"})
	}
	o["yAxis"] = yAxes
	epochs := make([]float64, len(h.Epochs))
	for i, e := range h.Epochs {
		epochs[i] = float64(e.Epoch)
	}
	// A quantity's training and validation curves share a colour (solid and
	// dashed): the palette's first for the loss, the next ones for the metrics.
	colorOf := map[string]string{}
	for _, n := range names {
		if base := strings.TrimPrefix(n, "val_"); colorOf[base] == "" {
			colorOf[base] = colorHex(seriesColors[len(colorOf)%len(seriesColors)])
		}
	}
	var series []any
	for _, n := range names {
		base := strings.TrimPrefix(n, "val_")
		label := "train " + base
		style := map[string]any{"type": "solid"}
		if strings.HasPrefix(n, "val_") {
			label = "validation " + base
			style = map[string]any{"type": "dashed"}
		}
		axis := 0
		if base != "loss" {
			axis = 1
		}
		style["color"] = colorOf[base]
		series = append(series, map[string]any{
			"type": "line", "name": label, "yAxisIndex": axis, "lineStyle": style,
			"itemStyle":  map[string]any{"color": colorOf[base]},
			"showSymbol": len(epochs) <= 50, "data": pairs(epochs, h.Curve(n)),
		})
	}
	o["series"] = series
	b := chartBundle(optionJSON(o))
	picture := ""
	if note, ok := b[MIMEText].(string); ok {
		if i := strings.Index(note, "\n(no static picture"); i >= 0 {
			picture = note[i:]
		}
	}
	b[MIMEText] = h.String() + picture
	b[MIMETable] = Table(h.Table()).RenderMIME()[MIMETable]
	return b
}

// ConfusionChart draws a confusion matrix as a heatmap: true classes down, predicted
// classes across, each cell's count written in it; normalize divides each row by
// its total, so that cells read as the share of a true class predicted as each
// class (recall on the diagonal). The bundle also holds the counts as a table
// (application/vnd.gopad.table+json); display.Table(cm.Table()) shows it.
func ConfusionChart(cm ml.ConfusionMatrix, normalize bool) Bundle {
	k := cm.Classes()
	if k == 0 {
		return Bundle{MIMEText: "display.ConfusionChart: empty confusion matrix"}
	}
	names := make([]string, k)
	for i := range names {
		names[i] = fmt.Sprint(i)
		if i < len(cm.ClassNames) && cm.ClassNames[i] != "" {
			names[i] = cm.ClassNames[i]
		}
	}
	var data [][]any
	maxV := 0.0
	for t, row := range cm.Counts {
		total := 0
		for _, c := range row {
			total += c
		}
		for p, c := range row {
			v := float64(c)
			if normalize {
				v = 0
				if total > 0 {
					v = math.Round(float64(c)/float64(total)*1e4) / 1e4
				}
			}
			maxV = math.Max(maxV, v)
			data = append(data, []any{p, t, v})
		}
	}
	title := fmt.Sprintf("Confusion matrix (%d samples, accuracy %.4f)", cm.Total(), cm.Accuracy())
	if normalize {
		title = fmt.Sprintf("Confusion matrix, share of each true class (%d samples)", cm.Total())
	}
	o := heatmapOption(title, "predicted class", "true class", names, names, data, 0, math.Max(maxV, 1e-9))
	b := chartBundle(optionJSON(o))
	b[MIMEText] = cm.String()
	// The table travels too: gopad run and tools reading the file find the counts.
	b[MIMETable] = Table(cm.Table()).RenderMIME()[MIMETable]
	return b
}

// heatmapOption is a heatmap over two category axes; data items are
// [x index, y index, value]. The y axis runs downwards (first category on top).
func heatmapOption(title, xName, yName string, xCats, yCats []string, data [][]any, lo, hi float64) map[string]any {
	o := baseOption(title)
	o["grid"] = map[string]any{"left": 70, "right": 90, "top": 50, "bottom": 60, "containLabel": true}
	xa := categoryAxis(xName, xCats)
	xa["splitArea"] = map[string]any{"show": true}
	ya := categoryAxis(yName, yCats)
	ya["inverse"] = true
	ya["nameGap"] = 45
	o["xAxis"] = xa
	o["yAxis"] = ya
	o["visualMap"] = map[string]any{
		"min": lo, "max": hi, "calculable": true, "orient": "vertical", "right": 0, "top": "middle",
		"inRange": map[string]any{"color": []string{"#f7fbff", "#08306b"}},
	}
	o["series"] = []any{map[string]any{
		"type": "heatmap", "name": title, "data": data,
		"label": map[string]any{"show": len(xCats)*len(yCats) <= 400},
	}}
	return o
}

// Heatmap draws a matrix (e.g. a correlation matrix from gonum's
// stat.CorrelationMatrix) as a heatmap with named rows and columns (nil names
// number them), each value written in its cell.
func Heatmap(title string, m mat.Matrix, rowNames, colNames []string) Bundle {
	if m == nil || isNilPointer(m) {
		return Bundle{MIMEText: "display.Heatmap: nil matrix"}
	}
	r, c := m.Dims()
	name := func(names []string, i int) string {
		if i < len(names) {
			return names[i]
		}
		return fmt.Sprint(i)
	}
	rows, cols := make([]string, r), make([]string, c)
	for i := range rows {
		rows[i] = name(rowNames, i)
	}
	for j := range cols {
		cols[j] = name(colNames, j)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	var data [][]any
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			v := m.At(i, j)
			if !math.IsNaN(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
			data = append(data, []any{j, i, chartNumber(math.Round(v*1e4) / 1e4)})
		}
	}
	if math.IsInf(lo, 1) {
		lo, hi = 0, 1
	}
	if hi == lo {
		hi = lo + 1
	}
	o := heatmapOption(title, "", "", cols, rows, data, lo, hi)
	b := chartBundle(optionJSON(o))
	b[MIMEText] = title + "\n" + matrixText(m, r*c > MatrixThreshold)
	return b
}

// ROCChart draws ROC curves with their AUC: one curve for a binary problem
// (scores [n] or [n, 2]), one per class against the rest for more classes
// (scores [n, classes]); see ml.ROC. The diagonal is chance.
func ROCChart(scores, truth *ml.Tensor, classNames []string) Bundle {
	return curveChart(ml.ROC(scores, truth, classNames), "ROC", "false positive rate", "true positive rate")
}

// PRChart draws precision-recall curves with their average precision, shaped as
// ROCChart's; see ml.PrecisionRecall.
func PRChart(scores, truth *ml.Tensor, classNames []string) Bundle {
	return curveChart(ml.PrecisionRecall(scores, truth, classNames), "Precision-recall", "recall", "precision")
}

func curveChart(curves []ml.Curve, kind, xName, yName string) Bundle {
	area := "AUC"
	if kind != "ROC" {
		area = "AP"
	}
	mean := 0.0
	for _, c := range curves {
		mean += c.AUC
	}
	mean /= float64(len(curves))
	title := fmt.Sprintf("%s curve, %s %.4f", kind, area, mean)
	if len(curves) > 1 {
		title = fmt.Sprintf("%s curves, one class vs rest (macro %s %.4f)", kind, area, mean)
	}
	o := baseOption(title)
	o["tooltip"] = map[string]any{"trigger": "item"}
	o["legend"] = map[string]any{"type": "scroll", "orient": "vertical", "right": 0, "top": 40}
	o["grid"] = map[string]any{"left": 60, "right": 170, "top": 50, "bottom": 50, "containLabel": true}
	xa, ya := valueAxis(xName), valueAxis(yName)
	xa["min"], xa["max"], xa["scale"] = 0, 1, false
	ya["min"], ya["max"], ya["scale"] = 0, 1.02, false
	o["xAxis"], o["yAxis"] = xa, ya
	var series []any
	for _, c := range curves {
		series = append(series, map[string]any{
			"type": "line", "name": fmt.Sprintf("%s (%s %.3f)", c.Label(), area, c.AUC),
			"showSymbol": false, "step": map[bool]any{true: "end", false: false}[kind != "ROC"],
			"data": pairs(c.X, c.Y),
		})
	}
	if kind == "ROC" {
		series = append(series, map[string]any{
			"type": "line", "name": "chance", "showSymbol": false, "silent": true,
			"lineStyle": map[string]any{"type": "dashed", "color": "#999999"}, "itemStyle": map[string]any{"color": "#999999"},
			"data": [][]any{{0, 0}, {1, 1}},
		})
	}
	o["series"] = series
	if len(curves) > len(seriesColors) {
		o["color"] = classPalette // one colour per class (the digits' 9 took the 0's)
	}
	b := chartBundle(optionJSON(o))
	var lines []string
	for _, c := range curves {
		lines = append(lines, c.String())
	}
	b[MIMEText] = title + "\n" + strings.Join(lines, "\n")
	return b
}

// GridChart draws a grid search's cross-validated score against each parameter:
// one panel per parameter, the mean score over folds of the trials with that
// value (the best trial's other parameters held fixed when the grid has them),
// with mean ± standard deviation across folds as dashed lines and the chosen
// configuration marked.
func GridChart(r ml.GridResult) Bundle {
	if len(r.Trials) == 0 || r.Best < 0 {
		return Bundle{MIMEText: "display.GridChart: the search ran no trials"}
	}
	best := r.Trials[r.Best].Params
	o := baseOption(fmt.Sprintf("Grid search: best %s, score %.4f ± %.4f", paramsText(best), r.Trials[r.Best].CV.Mean, r.Trials[r.Best].CV.Std))
	o["tooltip"] = map[string]any{"trigger": "axis"}
	o["legend"] = map[string]any{"top": 24}
	n := len(r.Names)
	var grids, xAxes, yAxes, series []any
	for pi, name := range r.Names {
		left := 6 + 94*pi/n
		width := 94/n - 8
		grids = append(grids, map[string]any{"left": fmt.Sprintf("%d%%", left), "width": fmt.Sprintf("%d%%", width), "top": 70, "bottom": 50, "containLabel": true})
		xa := valueAxis(name)
		xa["gridIndex"] = pi
		if logSpaced(r, name) {
			// Learning rates and the like are searched on a log grid; a
			// linear axis crowds the small values into one corner.
			xa["type"], xa["name"] = "log", name+" (log scale)"
			delete(xa, "scale")
		}
		xAxes = append(xAxes, xa)
		ya := valueAxis("mean CV score")
		ya["gridIndex"] = pi
		yAxes = append(yAxes, ya)
		// Trials that differ from the best only in this parameter.
		type point struct{ x, mean, std float64 }
		var pts []point
		for _, t := range r.Trials {
			same := true
			for _, other := range r.Names {
				if other != name && t.Params[other] != best[other] {
					same = false
				}
			}
			if same && len(t.CV.Scores) > 0 {
				pts = append(pts, point{t.Params[name], t.CV.Mean, t.CV.Std})
			}
		}
		sort.Slice(pts, func(a, b int) bool { return pts[a].x < pts[b].x })
		var xs, means, lo, hi []float64
		for _, p := range pts {
			xs, means = append(xs, p.x), append(means, p.mean)
			lo, hi = append(lo, p.mean-p.std), append(hi, p.mean+p.std)
		}
		dashed := map[string]any{"type": "dashed", "color": "#91cc75"}
		series = append(series,
			map[string]any{"type": "line", "name": "mean score", "xAxisIndex": pi, "yAxisIndex": pi, "data": pairs(xs, means), "itemStyle": map[string]any{"color": "#5470c6"}},
			map[string]any{"type": "line", "name": "mean ± std over folds", "xAxisIndex": pi, "yAxisIndex": pi, "data": pairs(xs, hi), "showSymbol": false, "lineStyle": dashed, "itemStyle": map[string]any{"color": "#91cc75"}},
			map[string]any{"type": "line", "name": "mean ± std over folds", "xAxisIndex": pi, "yAxisIndex": pi, "data": pairs(xs, lo), "showSymbol": false, "lineStyle": dashed, "itemStyle": map[string]any{"color": "#91cc75"}},
			map[string]any{"type": "scatter", "name": "chosen", "xAxisIndex": pi, "yAxisIndex": pi, "symbolSize": 14, "symbol": "diamond",
				"itemStyle": map[string]any{"color": "#ee6666"}, "data": [][]any{{best[name], r.Trials[r.Best].CV.Mean}}},
		)
	}
	o["grid"], o["xAxis"], o["yAxis"], o["series"] = grids, xAxes, yAxes, series
	b := chartBundle(optionJSON(o))
	b[MIMEText] = r.String()
	return b
}

// classPalette is ECharts' 9 colours followed by 11 more, distinct from them
// and from each other, for charts with one series per class.
var classPalette = []string{
	"#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de", "#3ba272", "#fc8452", "#9a60b4", "#ea7ccc",
	"#1f2d5c", "#8c564b", "#7f7f7f", "#bcbd22", "#17becf", "#6b4c9a", "#d62728", "#2ca02c", "#ff7f0e", "#c49c94", "#393b79",
}

// logSpaced reports whether a grid's values of a parameter are all positive
// and span a factor of 10 or more.
func logSpaced(r ml.GridResult, name string) bool {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, t := range r.Trials {
		v := t.Params[name]
		if !(v > 0) {
			return false
		}
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return hi >= 10*lo
}

func paramsText(p ml.Params) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%g", k, p[k])
	}
	return strings.Join(parts, " ")
}

// WeightHistogram draws the distribution of each layer's weights (the
// parameters of rank 2 or more, biases left out), one curve per layer over
// shared bins, as the share of that layer's weights in each bin: how pruning
// (a spike at zero) and quantization (a comb of levels) change them.
func WeightHistogram(m *ml.Model) Bundle {
	if m == nil {
		return Bundle{MIMEText: "display.WeightHistogram: nil model"}
	}
	type layer struct {
		name string
		vals []float64
	}
	var layers []layer
	for i, l := range m.Layers() {
		for j, p := range l.Parameters() {
			if p.Rank() < 2 {
				continue
			}
			name := fmt.Sprintf("layer %d %T", i, l)
			name = strings.Replace(name, "*ml.", "", 1)
			if j > 0 {
				name += fmt.Sprintf(" #%d", j)
			}
			layers = append(layers, layer{name, ml.Float64s(p)})
		}
	}
	if len(layers) == 0 {
		return Bundle{MIMEText: "display.WeightHistogram: the model has no weight matrices"}
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, l := range layers {
		for _, v := range l.vals {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if hi == lo {
		hi = lo + 1e-6
	}
	const bins = 60
	width := (hi - lo) / bins
	centres := make([]float64, bins)
	for b := range centres {
		centres[b] = lo + (float64(b)+0.5)*width
	}
	o := baseOption(fmt.Sprintf("Weights per layer (%d layers, %d bins of %.3g)", len(layers), bins, width))
	o["tooltip"] = map[string]any{"trigger": "axis"}
	o["legend"] = map[string]any{"top": 24, "type": "scroll"}
	o["grid"] = map[string]any{"left": 60, "right": 30, "top": 70, "bottom": 50, "containLabel": true}
	o["xAxis"] = valueAxis("weight value")
	o["yAxis"] = valueAxis("share of the layer's weights")
	o["dataZoom"] = []any{map[string]any{"type": "inside"}}
	var series []any
	var text []string
	for _, l := range layers {
		counts := make([]float64, bins)
		zeros := 0
		for _, v := range l.vals {
			b := int((v - lo) / width)
			counts[min(max(b, 0), bins-1)]++
			if v == 0 {
				zeros++
			}
		}
		for b := range counts {
			counts[b] /= float64(len(l.vals))
		}
		series = append(series, map[string]any{"type": "line", "name": l.name, "step": "middle", "showSymbol": false, "data": pairs(centres, counts)})
		text = append(text, fmt.Sprintf("%s: %d weights, mean %.4g, std %.4g, %.1f%% zero",
			l.name, len(l.vals), stat.Mean(l.vals, nil), stat.PopStdDev(l.vals, nil), 100*float64(zeros)/float64(len(l.vals))))
	}
	o["series"] = series
	b := chartBundle(optionJSON(o))
	b[MIMEText] = strings.Join(text, "\n")
	return b
}

// PCAChart projects the rows of x ([n, features], or [n, ...] flattened) on
// their first two principal components (gonum's stat.PC) and draws them as
// points coloured by class; hovering a point shows its class and row. labels
// (class index per row) may be nil; classNames names the classes. Pass a
// Dataset's X and Labels(), a layer's activations, or an embedding table.
func PCAChart(x *ml.Tensor, labels []int, classNames []string) Bundle {
	if x == nil || x.Rank() < 2 || x.Dim(0) < 3 {
		return Bundle{MIMEText: "display.PCAChart: want at least 3 rows of [n, features]"}
	}
	n := x.Dim(0)
	if labels != nil && len(labels) != n {
		return Bundle{MIMEText: fmt.Sprintf("display.PCAChart: %d labels for %d rows", len(labels), n)}
	}
	d := ml.ToDense(x.Reshape(n, x.Len()/n))
	var pc stat.PC
	if ok := pc.PrincipalComponents(d, nil); !ok {
		return Bundle{MIMEText: "display.PCAChart: the principal components could not be computed"}
	}
	var vecs mat.Dense
	pc.VectorsTo(&vecs)
	_, cols := vecs.Dims()
	if cols < 2 {
		return Bundle{MIMEText: "display.PCAChart: the data has fewer than 2 dimensions"}
	}
	var proj mat.Dense
	// Centre, then project on the first two components.
	cent := mat.DenseCopyOf(d)
	_, f := cent.Dims()
	for j := 0; j < f; j++ {
		col := mat.Col(nil, j, cent)
		m := stat.Mean(col, nil)
		for i := range col {
			cent.Set(i, j, col[i]-m)
		}
	}
	proj.Mul(cent, vecs.Slice(0, f, 0, 2))
	vars := pc.VarsTo(nil)
	total := 0.0
	for _, v := range vars {
		total += v
	}
	explained := func(i int) float64 { return 100 * vars[i] / total }
	groups := map[int][][]any{}
	for i := 0; i < n; i++ {
		c := 0
		if labels != nil {
			c = labels[i]
		}
		label := fmt.Sprintf("row %d", i)
		if labels != nil {
			label = fmt.Sprintf("%s · row %d", className(classNames, c), i)
		}
		groups[c] = append(groups[c], []any{math.Round(proj.At(i, 0)*1e4) / 1e4, math.Round(proj.At(i, 1)*1e4) / 1e4, label})
	}
	classes := make([]int, 0, len(groups))
	for c := range groups {
		classes = append(classes, c)
	}
	sort.Ints(classes)
	o := baseOption(fmt.Sprintf("PCA projection of %d rows (%.1f%% of the variance)", n, explained(0)+explained(1)))
	o["tooltip"] = map[string]any{"trigger": "item"}
	o["legend"] = map[string]any{"type": "scroll", "orient": "vertical", "right": 0, "top": 40}
	o["grid"] = map[string]any{"left": 60, "right": 120, "top": 50, "bottom": 50, "containLabel": true}
	o["xAxis"] = valueAxis(fmt.Sprintf("PC1 (%.1f%%)", explained(0)))
	o["yAxis"] = valueAxis(fmt.Sprintf("PC2 (%.1f%%)", explained(1)))
	o["dataZoom"] = []any{map[string]any{"type": "inside", "xAxisIndex": 0}, map[string]any{"type": "inside", "yAxisIndex": 0}}
	if len(classes) > len(seriesColors) {
		// ECharts' palette has 9 colours: a tenth class (the digit 9) took the
		// first one's colour. Up to 20 classes get distinct colours.
		o["color"] = classPalette
	}
	var series []any
	for _, c := range classes {
		name := "samples"
		if labels != nil {
			name = className(classNames, c)
		}
		series = append(series, map[string]any{
			"type": "scatter", "name": name, "symbolSize": 6, "data": groups[c],
			"encode": map[string]any{"x": 0, "y": 1, "tooltip": []int{2, 0, 1}},
		})
	}
	o["series"] = series
	b := chartBundle(optionJSON(o))
	b[MIMEText] = fmt.Sprintf("PCA of %d rows × %d features: PC1 explains %.1f%%, PC2 %.1f%% of the variance", n, f, explained(0), explained(1))
	return b
}

func className(names []string, c int) string {
	if c >= 0 && c < len(names) && names[c] != "" {
		return names[c]
	}
	return fmt.Sprint(c)
}

// RegressionChart draws a regression's predictions: predicted against true
// values with the line of perfect prediction, and the residuals (true −
// predicted) against the predictions, side by side; the title gives MSE, MAE and
// R². pred and truth hold one value per sample ([n] or [n, 1]).
func RegressionChart(pred, truth *ml.Tensor) Bundle {
	p, t := ml.Float64s(pred), ml.Float64s(truth)
	if len(p) != len(t) || len(p) == 0 {
		return Bundle{MIMEText: fmt.Sprintf("display.RegressionChart: %d predictions for %d true values", len(p), len(t))}
	}
	mse, mae, r2 := ml.MSEFloat64s(p, t), ml.MAEFloat64s(p, t), ml.R2Float64s(p, t)
	o := baseOption(fmt.Sprintf("Regression: MSE %.4g · MAE %.4g · R² %.4f (%d samples)", mse, mae, r2, len(p)))
	o["tooltip"] = map[string]any{"trigger": "item"}
	o["legend"] = map[string]any{"top": 24}
	lo, hi := math.Inf(1), math.Inf(-1)
	var fit, res [][]any
	for i := range p {
		lo, hi = math.Min(lo, math.Min(p[i], t[i])), math.Max(hi, math.Max(p[i], t[i]))
		fit = append(fit, []any{t[i], p[i]})
		res = append(res, []any{p[i], t[i] - p[i]})
	}
	o["grid"] = []any{
		map[string]any{"left": "6%", "width": "40%", "top": 70, "bottom": 50, "containLabel": true},
		map[string]any{"left": "56%", "width": "40%", "top": 70, "bottom": 50, "containLabel": true},
	}
	xa0, ya0 := valueAxis("true value"), valueAxis("predicted value")
	xa1, ya1 := valueAxis("predicted value"), valueAxis("residual (true − predicted)")
	xa1["gridIndex"], ya1["gridIndex"] = 1, 1
	o["xAxis"], o["yAxis"] = []any{xa0, xa1}, []any{ya0, ya1}
	o["series"] = []any{
		map[string]any{"type": "scatter", "name": "samples", "symbolSize": 5, "data": fit},
		map[string]any{"type": "line", "name": "perfect prediction", "showSymbol": false, "silent": true,
			"lineStyle": map[string]any{"type": "dashed", "color": "#999999"}, "itemStyle": map[string]any{"color": "#999999"},
			"data": [][]any{{lo, lo}, {hi, hi}}},
		map[string]any{"type": "scatter", "name": "residuals", "xAxisIndex": 1, "yAxisIndex": 1, "symbolSize": 5, "data": res, "itemStyle": map[string]any{"color": "#fac858"}},
	}
	b := chartBundle(optionJSON(o))
	b[MIMEText] = fmt.Sprintf("regression of %d samples: MSE %.6g, MAE %.6g, R² %.6f", len(p), mse, mae, r2)
	return b
}
