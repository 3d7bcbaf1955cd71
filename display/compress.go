package display

import (
	"sort"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"gopad.dev/gopad/ml"
)

// SensitivityChart draws the result of ml.PruneSensitivity as Distiller
// does: one line per layer, the validation score against the fraction of
// that layer's weights pruned, with the unpruned model's score as a dashed
// line. Layers whose line falls early should be pruned less. The text/plain
// fallback is the result's table.
func SensitivityChart(r ml.SensitivityResult) Bundle {
	line := charts.NewLine()
	line.SetGlobalOptions(
		charts.WithTitleOpts(opts.Title{Title: "Pruning sensitivity per layer", Subtitle: "each layer pruned alone (L1), the others intact"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "bottom"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: "pruned %", Min: 0, Max: 100}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: "score", Scale: opts.Bool(true)}),
		charts.WithAnimation(false),
	)
	for i, name := range r.Layers {
		data := make([]opts.LineData, 0, len(r.Ratios))
		for j, ratio := range r.Ratios {
			if j < len(r.Scores[i]) {
				data = append(data, opts.LineData{Value: []any{chartNumber(100 * ratio), chartNumber(r.Scores[i][j])}})
			}
		}
		line.AddSeries(name, data, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true)}))
	}
	if len(r.Ratios) > 0 {
		lo, hi := r.Ratios[0], r.Ratios[0]
		for _, x := range r.Ratios {
			lo, hi = min(lo, x), max(hi, x)
		}
		line.AddSeries("unpruned", []opts.LineData{{Value: []any{100 * lo, chartNumber(r.Base)}}, {Value: []any{100 * hi, chartNumber(r.Base)}}},
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
			charts.WithLineStyleOpts(opts.LineStyle{Type: "dashed", Color: "#888"}))
	}
	b := Chart(line)
	b[MIMEText] = r.String()
	return b
}

// CompressionChart draws the result of ml.CompressionSearch: every
// configuration's cross-validated mean score against the size of the model
// it gives, the Pareto front (no configuration both smaller and better)
// joined by a line, and the best-scoring configuration marked. Hovering a
// point names its parameters. The text/plain fallback is the result's table
// and front.
func CompressionChart(r ml.CompressionResult) Bundle {
	sc := charts.NewScatter()
	sc.SetGlobalOptions(
		charts.WithTitleOpts(opts.Title{Title: "Score against model size", Subtitle: "cross-validated mean; line: Pareto front"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "bottom"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: "bytes", Scale: opts.Bool(true)}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: "score", Scale: opts.Bool(true)}),
		charts.WithAnimation(false),
	)
	var others, front, best []opts.ScatterData
	for i, t := range r.Trials {
		d := opts.ScatterData{Name: t.Params.String(), Value: []any{t.Bytes, chartNumber(t.CV.Mean)}, SymbolSize: 9}
		switch {
		case i == r.Best:
			d.SymbolSize = 16
			best = append(best, d)
		case t.Pareto:
			front = append(front, d)
		default:
			others = append(others, d)
		}
	}
	sc.AddSeries("configurations", others)
	sc.AddSeries("Pareto front", front)
	sc.AddSeries("best score", best)
	fr := r.Front()
	sort.SliceStable(fr, func(a, b int) bool { return fr[a].Bytes < fr[b].Bytes })
	frontLine := charts.NewLine()
	data := make([]opts.LineData, len(fr))
	for i, t := range fr {
		data[i] = opts.LineData{Name: t.Params.String(), Value: []any{t.Bytes, chartNumber(t.CV.Mean)}}
	}
	frontLine.AddSeries("Pareto front", data, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}))
	sc.Overlap(frontLine)
	b := Chart(sc)
	b[MIMEText] = r.String()
	return b
}
