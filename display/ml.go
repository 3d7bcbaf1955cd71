package display

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"

	"gopad.dev/gopad/ml"
)

// The ml package cannot depend on this one, so the rich forms of its types that
// need more than their Table and String methods live here: a training History
// renders as a summary with its curves.

// historyBundle renders a training history as HTML (how training ended, the
// final and best value of each curve, and small line charts of the curves, as
// inline SVG so that they need no script and survive HTML export) with the
// history's String as text/plain.
func historyBundle(h *ml.History) Bundle {
	var b strings.Builder
	b.WriteString(`<div class="gopad-history" style="font-family:system-ui,sans-serif;font-size:13px">`)
	fmt.Fprintf(&b, `<div style="font-weight:600;margin-bottom:4px">History: %s</div>`, html.EscapeString(h.Headline()))
	if len(h.Epochs) > 0 {
		b.WriteString(historyTable(h))
		b.WriteString(`<div style="display:flex;flex-wrap:wrap;gap:12px;margin-top:6px">`)
		for _, name := range h.Names() {
			if strings.HasPrefix(name, "val_") {
				continue // drawn with its training curve
			}
			series := []chartLine{{label: "train", values: h.Curve(name), color: trainColor}}
			if val := "val_" + name; containsName(h.Names(), val) {
				series = append(series, chartLine{label: "validation", values: h.Curve(val), color: valColor, dashed: true})
			}
			b.WriteString(svgLineChart(name, series))
		}
		b.WriteString(`</div>`)
	}
	note := "display.Table(hist.Table()) lists every epoch"
	if h.Seed != 0 {
		note = fmt.Sprintf("training seed %d (FitConfig.Seed repeats it) · %s", h.Seed, note)
	}
	fmt.Fprintf(&b, `<div style="opacity:0.65;font-size:11px;margin-top:4px">%s</div>`, html.EscapeString(note))
	b.WriteString(`</div>`)
	return Bundle{MIMEHTML: b.String(), MIMEText: h.String()}
}

// Colours of the training and validation curves: those of the live training
// chart (ECharts' first two series colours).
const (
	trainColor = "#5470c6"
	valColor   = "#91cc75"
)

func containsName(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// historyTable is the final and best value of every curve as an HTML table: a
// row per quantity (loss, each metric), with the training and validation values
// side by side; the best value is the validation one when there is validation.
func historyTable(h *ml.History) string {
	names := h.Names()
	hasVal := containsName(names, "val_loss")
	var b strings.Builder
	cell := `style="padding:1px 0 1px 14px;text-align:right"`
	b.WriteString(`<table style="border-collapse:collapse;font-variant-numeric:tabular-nums">`)
	b.WriteString(`<tr style="opacity:0.7"><th></th>`)
	if hasVal {
		fmt.Fprintf(&b, `<th %s>train</th><th %s>validation</th><th %s>best validation</th>`, cell, cell, cell)
	} else {
		fmt.Fprintf(&b, `<th %s>final</th><th %s>best</th>`, cell, cell)
	}
	b.WriteString(`</tr>`)
	last := func(name string) string {
		curve := h.Curve(name)
		return metricText(curve[len(curve)-1])
	}
	for _, name := range names {
		if strings.HasPrefix(name, "val_") {
			continue
		}
		fmt.Fprintf(&b, `<tr><td>%s</td><td %s>%s</td>`, html.EscapeString(name), cell, last(name))
		bestOf := name
		if hasVal {
			bestOf = "val_" + name
			fmt.Fprintf(&b, `<td %s>%s</td>`, cell, last(bestOf))
		}
		best, epoch := h.Best(bestOf)
		fmt.Fprintf(&b, `<td %s>%s <span style="opacity:0.6">(epoch %d)</span></td></tr>`, cell, metricText(best), epoch)
	}
	b.WriteString(`</table>`)
	return b.String()
}

// metricText writes a loss or metric as the history's text form does.
func metricText(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Sprint(v)
	}
	if a := math.Abs(v); a != 0 && (a < 1e-3 || a >= 1e6) {
		return fmt.Sprintf("%.3g", v)
	}
	return fmt.Sprintf("%.4f", v)
}

// chartLine is one curve of an SVG line chart: a value per epoch.
type chartLine struct {
	label  string
	values []float64
	color  string
	dashed bool
}

// Size of the SVG charts and their margins, in pixels.
const (
	chartW, chartH           = 260, 150
	chartLeft, chartRight    = 46, 8
	chartTop, chartBottomGap = 22, 30
)

// svgLineChart draws curves over epochs 1..n as a small SVG chart with the title,
// the y range and the epoch range labelled and a legend. NaN values leave gaps.
func svgLineChart(title string, lines []chartLine) string {
	n := 0
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, l := range lines {
		n = max(n, len(l.values))
		for _, v := range l.values {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if math.IsInf(lo, 1) {
		lo, hi = 0, 1
	}
	if hi == lo {
		pad := math.Max(math.Abs(lo)*0.1, 1e-3)
		lo, hi = lo-pad, hi+pad
	}
	plotW := float64(chartW - chartLeft - chartRight)
	plotH := float64(chartH - chartTop - chartBottomGap)
	x := func(i int) float64 {
		if n <= 1 {
			return chartLeft + plotW/2
		}
		return chartLeft + plotW*float64(i)/float64(n-1)
	}
	y := func(v float64) float64 { return chartTop + plotH*(hi-v)/(hi-lo) }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="system-ui,sans-serif" font-size="10">`,
		chartW, chartH, chartW, chartH)
	fmt.Fprintf(&b, `<title>%s per epoch</title>`, html.EscapeString(title))
	fmt.Fprintf(&b, `<text x="%d" y="13" font-size="12" font-weight="600">%s</text>`, chartLeft, html.EscapeString(title))
	// Legend, right-aligned on the title line.
	lx := chartW - chartRight
	for i := len(lines) - 1; i >= 0; i-- {
		l := lines[i]
		fmt.Fprintf(&b, `<text x="%d" y="13" text-anchor="end" fill="%s">%s</text>`, lx, l.color, html.EscapeString(l.label))
		lx -= 6*len(l.label) + 18
		fmt.Fprintf(&b, `<line x1="%d" y1="9" x2="%d" y2="9" stroke="%s" stroke-width="2"%s/>`, lx+2, lx+14, l.color, dash(l.dashed))
		lx -= 6
	}
	// Frame, y range and epoch range.
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%s" height="%s" fill="none" stroke="#ccc"/>`, chartLeft, chartTop, num(plotW), num(plotH))
	fmt.Fprintf(&b, `<text x="%d" y="%s" text-anchor="end">%s</text>`, chartLeft-4, num(chartTop+4), axisNumber(hi))
	fmt.Fprintf(&b, `<text x="%d" y="%s" text-anchor="end">%s</text>`, chartLeft-4, num(chartTop+plotH), axisNumber(lo))
	base := chartTop + plotH + 12
	fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle">1</text>`, num(x(0)), num(base))
	if n > 1 {
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle">%d</text>`, num(x(n-1)), num(base), n)
	}
	fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" fill="#888">epoch</text>`, num(chartLeft+plotW/2), num(base+10))
	for _, l := range lines {
		var path strings.Builder
		pen := false
		for i, v := range l.values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				pen = false
				continue
			}
			cmd := "L"
			if !pen {
				cmd = "M"
			}
			fmt.Fprintf(&path, "%s%s %s ", cmd, num(x(i)), num(y(v)))
			pen = true
		}
		if path.Len() == 0 {
			continue
		}
		fmt.Fprintf(&b, `<path d="%s" fill="none" stroke="%s" stroke-width="1.5"%s/>`, strings.TrimSpace(path.String()), l.color, dash(l.dashed))
		if n == 1 {
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="2.5" fill="%s"/>`, num(x(0)), num(y(l.values[0])), l.color)
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func dash(dashed bool) string {
	if dashed {
		return ` stroke-dasharray="4 3"`
	}
	return ""
}

// num writes an SVG coordinate with one decimal.
func num(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// axisNumber writes an axis label with three significant digits.
func axisNumber(v float64) string { return strconv.FormatFloat(v, 'g', 3, 64) }
