package display

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// echartsChart is what every go-echarts chart (charts.Line, charts.Bar,
// charts.Pie, ...) provides: Validate fills in derived options and JSON returns
// the ECharts option object.
type echartsChart interface {
	Validate()
	JSON() map[string]any
}

// Chart returns a bundle holding a go-echarts chart (charts.Line, charts.Bar,
// charts.Scatter, charts.Pie, ... built with go-echarts v2) as its ECharts option
// object under application/vnd.gopad.echarts+json, which the notebook draws with
// ECharts, a text/plain summary of its series, and a static picture of the
// chart as image/png for viewers without gopad (GitHub, JupyterLab, VS Code,
// nbconvert; PNG because nbconvert's HTML strips an SVG's drawing).
// Line, scatter, bar, heatmap, boxplot, candlestick, pie, gauge, radar and
// funnel series are drawn, also mixed in one chart; series of other types
// (sankey, graph, tree, map, ...) are named in a note in the picture saying
// they are not drawn. A value that is not a go-echarts chart gives a
// text/plain message saying so.
//
// c may also be an ECharts option built by hand as Go maps and slices
// (map[string]any{"title": ..., "series": ...}, as in ECharts' documentation),
// which a cell can write without importing go-echarts; it gets the same text and
// picture.
//
// Options holding JavaScript functions (opts.FuncOpts) are sent as strings and
// not run by the notebook.
func Chart(c any) Bundle {
	option, failed := chartOption(c, "display.Chart")
	if failed != nil {
		return failed
	}
	return chartBundle(option)
}

// chartOption returns a go-echarts chart's option as plain JSON values, or a
// bundle saying why it cannot.
func chartOption(c any, caller string) (map[string]any, Bundle) {
	if option, ok := c.(map[string]any); ok {
		raw, err := json.Marshal(option)
		if err != nil {
			return nil, Bundle{MIMEText: fmt.Sprintf("%s: the option does not encode as JSON: %v", caller, err)}
		}
		var plain map[string]any
		if err := json.Unmarshal(raw, &plain); err != nil {
			return nil, Bundle{MIMEText: fmt.Sprintf("%s: %v", caller, err)}
		}
		if _, ok := plain["series"].([]any); !ok {
			return nil, Bundle{MIMEText: fmt.Sprintf("%s: the option has no \"series\" list", caller)}
		}
		return plain, nil
	}
	ch, ok := c.(echartsChart)
	if !ok {
		return nil, Bundle{MIMEText: fmt.Sprintf("%s: %T is not a go-echarts chart (it lacks the Validate and JSON methods) nor an ECharts option (map[string]any)", caller, c)}
	}
	ch.Validate()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ch.JSON()); err != nil {
		return nil, Bundle{MIMEText: fmt.Sprintf("%s: cannot encode the chart's options: %v", caller, err)}
	}
	var option map[string]any
	if err := json.Unmarshal(buf.Bytes(), &option); err != nil {
		return nil, Bundle{MIMEText: fmt.Sprintf("%s: %v", caller, err)}
	}
	return option, nil
}

// LiveChart is Chart without the static picture, for a chart replaced several
// times a second (a live training curve): drawing the picture takes
// milliseconds. Show its final state with Chart, so that a saved notebook holds
// the picture.
func LiveChart(c any) Bundle {
	option, failed := chartOption(c, "display.LiveChart")
	if failed != nil {
		return failed
	}
	return Bundle{MIMEECharts: option, MIMEText: describeChart(option)}
}

// chartBundle returns the bundle of an ECharts option (already plain JSON
// values): the option, a text summary, and a static picture of the chart (PNG,
// see staticPNG) for viewers that cannot run ECharts. A chart
// that has no static form says so in the bundle's metadata-free text instead.
func chartBundle(option map[string]any) Bundle {
	b := Bundle{MIMEECharts: option, MIMEText: describeChart(option)}
	data, _, err := safeStatic(option)
	if err != nil {
		// The picture then says why there is no chart: a saved notebook shows
		// that rather than nothing.
		b[MIMEText] = b[MIMEText].(string) + "\n(no static picture: " + err.Error() + ")"
		note, nerr := pngOf(noteSVG(option, err.Error()))
		if nerr != nil {
			b[MIMEText] = b[MIMEText].(string) + "\n(no note picture either: " + nerr.Error() + ")"
			return b
		}
		b[MIMEPNG] = note
		return b
	}
	b[MIMEPNG] = data
	return b
}

// safeStatic is staticFromOption with a panic of the drawing code (gonum/plot
// panics on, e.g., a non-positive value on a log axis) turned into an error, so
// that a chart with odd data still shows, with a note instead of a picture.
func safeStatic(option map[string]any) (data string, stats staticStats, err error) {
	defer func() {
		if r := recover(); r != nil {
			data, err = "", fmt.Errorf("drawing failed: %v", r)
		}
	}()
	return staticPNG(option)
}

// optionJSON turns an option built from Go maps and slices into plain JSON
// values (float64 numbers, []any, map[string]any), as it travels to the
// notebook, so that the bundle holds what a reader of the saved file sees.
func optionJSON(option map[string]any) map[string]any {
	raw, err := json.Marshal(option)
	if err != nil {
		panic(fmt.Sprintf("display: chart option does not encode: %v", err))
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		panic(fmt.Sprintf("display: chart option does not decode: %v", err))
	}
	return out
}

// LineChart returns a line chart of one or more series sharing the x values xs
// (nil xs means 1, 2, 3, ...). Series are drawn in name order; NaN and infinite
// values leave gaps.
func LineChart(title string, xs []float64, series map[string][]float64) Bundle {
	line := charts.NewLine()
	line.SetGlobalOptions(
		charts.WithTitleOpts(opts.Title{Title: title}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Scale: opts.Bool(true)}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Scale: opts.Bool(true)}),
		charts.WithAnimation(false),
	)
	for _, name := range sortedSeriesNames(series) {
		ys := series[name]
		data := make([]opts.LineData, len(ys))
		for i, y := range ys {
			x := float64(i + 1)
			if xs != nil {
				if i >= len(xs) {
					data = data[:i]
					break
				}
				x = xs[i]
			}
			data[i] = opts.LineData{Value: []any{chartNumber(x), chartNumber(y)}}
		}
		line.AddSeries(name, data, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(len(data) <= 50)}))
	}
	return Chart(line)
}

// BarChart returns a bar chart with one bar group per category and one bar per
// series in each group. Series are drawn in name order.
func BarChart(title string, categories []string, series map[string][]float64) Bundle {
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithTitleOpts(opts.Title{Title: title}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithAnimation(false),
	)
	bar.SetXAxis(categories)
	for _, name := range sortedSeriesNames(series) {
		ys := series[name]
		data := make([]opts.BarData, len(ys))
		for i, y := range ys {
			data[i] = opts.BarData{Value: chartNumber(y)}
		}
		bar.AddSeries(name, data)
	}
	return Chart(bar)
}

// PieChart returns a pie chart of named values (e.g. how many samples each
// class has), each slice's share in its tooltip, with a static picture.
// NaN, infinite and negative values are left out, as ECharts leaves them out.
func PieChart(title string, names []string, values []float64) Bundle {
	if len(names) != len(values) {
		return Bundle{MIMEText: fmt.Sprintf("display.PieChart: %d names for %d values", len(names), len(values))}
	}
	data := make([]any, 0, len(values))
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			continue
		}
		data = append(data, map[string]any{"name": names[i], "value": v})
	}
	o := map[string]any{
		"animation": false,
		"title":     map[string]any{"text": title, "left": "center"},
		"tooltip":   map[string]any{"trigger": "item", "formatter": "{b}: {c} ({d}%)"},
		"legend":    map[string]any{"orient": "vertical", "left": "left", "top": 30},
		"series":    []any{map[string]any{"type": "pie", "name": title, "radius": "60%", "data": data}},
	}
	return chartBundle(optionJSON(o))
}

// GaugeChart returns a gauge showing value on a scale from min to max (an
// accuracy in percent, say), with a static picture.
func GaugeChart(title, name string, value, min, max float64) Bundle {
	if !(max > min) || math.IsNaN(value) || math.IsInf(value, 0) {
		return Bundle{MIMEText: fmt.Sprintf("display.GaugeChart: value %v on a scale from %v to %v; want a number and max above min", value, min, max)}
	}
	o := map[string]any{
		"animation": false,
		"title":     map[string]any{"text": title, "left": "center"},
		"tooltip":   map[string]any{"trigger": "item"},
		"series": []any{map[string]any{"type": "gauge", "name": name, "min": min, "max": max,
			"progress": map[string]any{"show": true},
			// The name and value below the needle's pivot, in the open part of the dial.
			"title":  map[string]any{"offsetCenter": []any{0, "80%"}},
			"detail": map[string]any{"valueAnimation": false, "offsetCenter": []any{0, "50%"}},
			"data":   []any{map[string]any{"name": name, "value": value}}}},
	}
	return chartBundle(optionJSON(o))
}

func sortedSeriesNames(series map[string][]float64) []string {
	names := make([]string, 0, len(series))
	for name := range series {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// chartNumber maps values JSON cannot hold to ECharts' "missing" marker.
func chartNumber(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	return v
}

// describeChart summarises an ECharts option for text/plain: title, and for each
// series its type, name, number of points and range of values.
func describeChart(option map[string]any) string {
	var b strings.Builder
	title := ""
	switch t := option["title"].(type) {
	case map[string]any:
		title, _ = t["text"].(string)
	case []any:
		if len(t) > 0 {
			if m, ok := t[0].(map[string]any); ok {
				title, _ = m["text"].(string)
			}
		}
	}
	series, _ := option["series"].([]any)
	kind := "chart"
	if len(series) > 0 {
		if s, ok := series[0].(map[string]any); ok {
			if typ, ok := s["type"].(string); ok && typ != "" {
				kind = typ + " chart"
			}
		}
	}
	if title != "" {
		fmt.Fprintf(&b, "%s %q", kind, title)
	} else {
		b.WriteString(kind)
	}
	fmt.Fprintf(&b, ", %d series", len(series))
	for i, s := range series {
		m, _ := s.(map[string]any)
		name, _ := m["name"].(string)
		if name == "" {
			name = fmt.Sprintf("series %d", i+1)
		}
		data, _ := m["data"].([]any)
		fmt.Fprintf(&b, "\n  %s: %d points", name, len(data))
		var lo, hi, last float64
		n := 0
		for _, d := range data {
			y, ok := pointValue(d)
			if !ok {
				continue
			}
			if n == 0 || y < lo {
				lo = y
			}
			if n == 0 || y > hi {
				hi = y
			}
			last = y
			n++
		}
		if n > 0 {
			fmt.Fprintf(&b, ", min %s, max %s, last %s", fmtNum(lo), fmtNum(hi), fmtNum(last))
		}
	}
	return b.String()
}

// pointValue extracts the value of one ECharts data item: a number, an [x, y]
// pair (y is the value), or an object with a "value" field.
func pointValue(d any) (float64, bool) {
	switch x := d.(type) {
	case float64:
		return x, true
	case []any:
		if len(x) > 0 {
			return pointValue(x[len(x)-1])
		}
	case map[string]any:
		return pointValue(x["value"])
	}
	return 0, false
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

// WithAxisNames returns a copy of a chart bundle (LineChart, BarChart, Heatmap,
// Chart, ...) whose first x and y axes are named x and y (say what and in
// which unit, e.g. "epoch", "loss (MSE)"), with its text and static picture
// made again; an empty name leaves that axis as it was. A bundle without a
// chart, or whose chart has no such axis, is returned with a text/plain
// message saying so.
func (b Bundle) WithAxisNames(x, y string) Bundle {
	option, ok := b[MIMEECharts].(map[string]any)
	if !ok {
		return Bundle{MIMEText: "display: WithAxisNames: the bundle holds no chart"}
	}
	option = optionJSON(option) // a copy: b stays as it was
	for _, a := range []struct{ key, name string }{{"xAxis", x}, {"yAxis", y}} {
		if a.name == "" {
			continue
		}
		axes := axisList(option[a.key])
		if len(axes) == 0 {
			return Bundle{MIMEText: fmt.Sprintf("display: WithAxisNames: the chart has no %s to name %q", a.key, a.name)}
		}
		axes[0]["name"] = a.name
		axes[0]["nameLocation"] = "middle"
		if _, ok := axes[0]["nameGap"]; !ok {
			axes[0]["nameGap"] = 30
			if a.key == "yAxis" {
				axes[0]["nameGap"] = 45
			}
		}
	}
	return chartBundle(option)
}
