package display

import (
	"fmt"
	"html"
	"image/color"
	"math"
	"strconv"
	"strings"
	"time"
)

// Pie and gauge series have no axes, so gonum/plot does not draw them; their
// static picture is an SVG written here, the same size as the other charts'
// (StaticWidth×StaticHeight), in ECharts' palette and layout defaults.

// roundW and roundH are the picture's size in pixels (4/3 pixels per point).
const (
	roundW = float64(StaticWidth) * 4 / 3
	roundH = float64(StaticHeight) * 4 / 3
	// maxPieSlices bounds the slices drawn and listed; the rest are one slice
	// "others", so that the picture's size stays bounded.
	maxPieSlices = 40
)

// isRoundChart reports whether every series is a pie or a gauge.
func isRoundChart(series []any) bool {
	n := 0
	for _, s := range series {
		if m, ok := s.(map[string]any); ok && (m["type"] == "pie" || m["type"] == "gauge") {
			n++
		}
	}
	return n > 0 && n == len(series)
}

// staticRound draws an option of pie and gauge series as an SVG.
func staticRound(option map[string]any, series []any) (mime, data string, stats staticStats, err error) {
	start := time.Now()
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family="sans-serif" font-size="11">`,
		f1(roundW), f1(roundH), f1(roundW), f1(roundH))
	b.WriteString(`<rect width="100%" height="100%" fill="#fff"/>`)
	top := 0.0
	if title := optionTitle(option); title != "" {
		fmt.Fprintf(&b, `<text x="%s" y="18" text-anchor="middle" font-size="14" font-weight="bold">%s</text>`, f1(roundW/2), html.EscapeString(title))
		top = 24
	}
	if sub := optionSubtitle(option); sub != "" {
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" fill="#666">%s</text>`, f1(roundW/2), f1(top+12), html.EscapeString(sub))
		top += 16
	}
	drawn := 0
	for si, s := range series {
		m := s.(map[string]any)
		var ok bool
		if m["type"] == "pie" {
			ok = drawPie(&b, option, m, si, top)
		} else {
			ok, err = drawGauge(&b, option, m, si, top)
			if err != nil {
				return "", "", stats, err
			}
		}
		if ok {
			drawn++
		}
	}
	if drawn == 0 {
		return "", "", stats, fmt.Errorf("the chart's series hold no values")
	}
	b.WriteString(`</svg>`)
	svg := b.String()
	return MIMESVG, svg, staticStats{mime: MIMESVG, bytes: len(svg), took: time.Since(start)}, nil
}

// length reads an ECharts length: a number of pixels or "N%" of full.
func length(v any, full, def float64) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case string:
		if p, ok := strings.CutSuffix(strings.TrimSpace(x), "%"); ok {
			if f, err := strconv.ParseFloat(p, 64); err == nil {
				return f / 100 * full
			}
		}
		if f, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil {
			return f
		}
	}
	return def
}

// center reads a series' center ([x, y], default the middle of the area below
// the title).
func center(m map[string]any, top float64) (cx, cy float64) {
	cx, cy = roundW/2, top+(roundH-top)/2
	if c, ok := m["center"].([]any); ok && len(c) == 2 {
		cx = length(c[0], roundW, cx)
		cy = length(c[1], roundH, cy)
	}
	return cx, cy
}

// radii reads a series' radius: a number or percentage of the smaller side's
// half (the outer radius), or [inner, outer].
func radii(m map[string]any, size, defInner, defOuter float64) (inner, outer float64) {
	inner, outer = defInner*size, defOuter*size
	switch r := m["radius"].(type) {
	case []any:
		if len(r) == 2 {
			inner, outer = length(r[0], size, inner), length(r[1], size, outer)
		}
	case nil:
	default:
		inner, outer = 0, length(r, size, outer)
	}
	return inner, outer
}

func colorHex(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}

// itemColor is a data item's own colour (itemStyle.color), else the palette's.
func itemColor(option map[string]any, item map[string]any, i int) string {
	if c, ok := parseColor(lookup(item, "itemStyle", "color")); ok {
		return colorHex(c)
	}
	return colorHex(seriesColor(i, option))
}

type slice struct {
	name  string
	value float64
	color string
}

// drawPie draws one pie series: its slices (a rose chart's radius follows the
// value), the share of each slice large enough to hold it, and a legend with
// each name, value and share.
func drawPie(b *strings.Builder, option, m map[string]any, si int, top float64) bool {
	data, _ := m["data"].([]any)
	var slices []slice
	total, maxV := 0.0, 0.0
	for i, d := range data {
		item, _ := d.(map[string]any)
		v, ok := pointValue(d)
		if !ok || math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
			continue
		}
		name, _ := item["name"].(string)
		if name == "" {
			name = fmt.Sprint(i + 1)
		}
		slices = append(slices, slice{name: name, value: v, color: itemColor(option, item, i)})
		total += v
	}
	if len(slices) == 0 {
		return false
	}
	if len(slices) > maxPieSlices {
		rest := slice{name: fmt.Sprintf("%d others", len(slices)-maxPieSlices+1), color: "#bbbbbb"}
		for _, s := range slices[maxPieSlices-1:] {
			rest.value += s.value
		}
		slices = append(slices[:maxPieSlices-1], rest)
	}
	for _, s := range slices {
		maxV = math.Max(maxV, s.value)
	}
	cx, cy := center(m, top)
	size := math.Min(roundW*0.62, roundH-top) / 2
	inner, outer := radii(m, size, 0, 0.9)
	if _, ok := m["center"]; !ok {
		cx = roundW * 0.36 // room for the legend on the right
	}
	rose, _ := m["roseType"].(string)
	angle := -math.Pi / 2 // ECharts starts at 12 o'clock, clockwise
	fmt.Fprintf(b, `<g stroke="#fff" stroke-width="1">`)
	for _, s := range slices {
		sweep := 2 * math.Pi * s.value / total
		r := outer
		switch rose {
		case "area":
			sweep = 2 * math.Pi / float64(len(slices))
			r = inner + (outer-inner)*s.value/maxV
		case "radius":
			r = inner + (outer-inner)*s.value/maxV
		}
		fmt.Fprintf(b, `<path d="%s" fill="%s"><title>%s: %s (%.1f%%)</title></path>`,
			sector(cx, cy, inner, r, angle, angle+sweep), s.color, html.EscapeString(s.name), fmtNum(s.value), 100*s.value/total)
		if share := s.value / total; share >= 0.04 {
			mid := angle + sweep/2
			lr := inner + (r-inner)*0.62
			if inner == 0 {
				lr = r * 0.65
			}
			fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" dominant-baseline="middle" fill="#fff" stroke="none" font-size="10">%.0f%%</text>`,
				f1(cx+lr*math.Cos(mid)), f1(cy+lr*math.Sin(mid)), 100*share)
		}
		angle += sweep
	}
	b.WriteString(`</g>`)
	// Legend: name, value and share of each slice, right of the pie.
	lx := cx + outer + 24
	row := math.Min(16, (roundH-top-10)/float64(len(slices)))
	ly := cy - row*float64(len(slices))/2 + row/2
	font := math.Min(11, row*0.8)
	for _, s := range slices {
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="10" height="%s" fill="%s"/>`, f1(lx), f1(ly-font*0.45), f1(math.Max(2, font*0.9)), s.color)
		fmt.Fprintf(b, `<text x="%s" y="%s" font-size="%s" dominant-baseline="middle">%s: %s (%.1f%%)</text>`,
			f1(lx+14), f1(ly), f1(font), html.EscapeString(s.name), fmtNum(s.value), 100*s.value/total)
		ly += row
	}
	if name, _ := m["name"].(string); name != "" && optionTitle(option) == "" {
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" font-weight="bold">%s</text>`, f1(cx), f1(cy+outer+14), html.EscapeString(name))
	}
	return true
}

// sector is the SVG path of a ring sector (a pie slice when inner is 0) from
// angle a0 to a1 (radians, clockwise from 3 o'clock as SVG's y runs down).
func sector(cx, cy, inner, outer, a0, a1 float64) string {
	if a1-a0 >= 2*math.Pi-1e-9 {
		// A full circle: two half arcs (an arc from a point to itself draws nothing).
		mid := a0 + math.Pi
		return sector(cx, cy, inner, outer, a0, mid) + " " + sector(cx, cy, inner, outer, mid, a1)
	}
	large := 0
	if a1-a0 > math.Pi {
		large = 1
	}
	pt := func(r, a float64) string { return f1(cx+r*math.Cos(a)) + " " + f1(cy+r*math.Sin(a)) }
	if inner <= 0 {
		return fmt.Sprintf("M%s L%s A%s %s 0 %d 1 %s Z", pt(0, 0), pt(outer, a0), f1(outer), f1(outer), large, pt(outer, a1))
	}
	return fmt.Sprintf("M%s A%s %s 0 %d 1 %s L%s A%s %s 0 %d 0 %s Z", pt(outer, a0), f1(outer), f1(outer), large, pt(outer, a1),
		pt(inner, a1), f1(inner), f1(inner), large, pt(inner, a0))
}

// drawGauge draws one gauge series: its scale from min to max over ECharts'
// default 270° (startAngle 225, endAngle -45), coloured bands when
// axisLine.lineStyle.color gives them, ticks with values, the progress to the
// value, a needle, and the value and name in the middle.
func drawGauge(b *strings.Builder, option, m map[string]any, si int, top float64) (bool, error) {
	data, _ := m["data"].([]any)
	if len(data) == 0 {
		return false, nil
	}
	lo, hi, err := seriesRange("gauge", m)
	if err != nil {
		return false, err
	}
	startDeg, endDeg := 225.0, -45.0
	if v, ok := m["startAngle"].(float64); ok {
		startDeg = v
	}
	if v, ok := m["endAngle"].(float64); ok {
		endDeg = v
	}
	// ECharts' angles run counter-clockwise from 3 o'clock with y up; SVG's y
	// runs down, so an ECharts angle d is the SVG angle -d.
	at := func(v float64) float64 {
		t := math.Max(0, math.Min(1, (v-lo)/(hi-lo)))
		return -(startDeg + t*(endDeg-startDeg)) * math.Pi / 180
	}
	cx, cy := center(m, top)
	size := math.Min(roundW, roundH-top) / 2
	_, r := radii(m, size, 0, 0.85)
	cy += r * 0.12 // the open bottom of the arc leaves room
	width := math.Max(6, r*0.1)
	// Bands of the scale: ECharts' axisLine.lineStyle.color is [[fraction, colour], ...].
	from := lo
	bands, _ := lookup(m, "axisLine", "lineStyle", "color").([]any)
	drewBand := false
	for _, band := range bands {
		pair, ok := band.([]any)
		if !ok || len(pair) != 2 {
			continue
		}
		frac, ok1 := pair[0].(float64)
		c, ok2 := parseColor(pair[1])
		if !ok1 || !ok2 {
			continue
		}
		to := lo + frac*(hi-lo)
		fmt.Fprintf(b, `<path d="%s" fill="none" stroke="%s" stroke-width="%s"/>`, arc(cx, cy, r-width/2, at(from), at(to)), colorHex(c), f1(width))
		from, drewBand = to, true
	}
	if !drewBand {
		fmt.Fprintf(b, `<path d="%s" fill="none" stroke="#e6ebf8" stroke-width="%s"/>`, arc(cx, cy, r-width/2, at(lo), at(hi)), f1(width))
	}
	// Ticks and their values.
	splits := 10
	if v, ok := m["splitNumber"].(float64); ok && v >= 1 && v <= 100 {
		splits = int(v)
	}
	for i := 0; i <= splits; i++ {
		v := lo + float64(i)*(hi-lo)/float64(splits)
		a := at(v)
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#63677a" stroke-width="1.5"/>`,
			f1(cx+(r-width-2)*math.Cos(a)), f1(cy+(r-width-2)*math.Sin(a)), f1(cx+(r-width-10)*math.Cos(a)), f1(cy+(r-width-10)*math.Sin(a)))
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" dominant-baseline="middle" fill="#464646" font-size="10">%s</text>`,
			f1(cx+(r-width-22)*math.Cos(a)), f1(cy+(r-width-22)*math.Sin(a)), fmtNum(v))
	}
	formatter, _ := lookup(m, "detail", "formatter").(string)
	for i, d := range data {
		item, _ := d.(map[string]any)
		v, ok := pointValue(d)
		if !ok || math.IsNaN(v) {
			continue
		}
		col := itemColor(option, item, si+i)
		if !drewBand {
			fmt.Fprintf(b, `<path d="%s" fill="none" stroke="%s" stroke-width="%s"/>`, arc(cx, cy, r-width/2, at(lo), at(v)), col, f1(width))
		}
		a := at(v)
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="4" stroke-linecap="round"><title>%s</title></line>`,
			f1(cx), f1(cy), f1(cx+(r*0.7)*math.Cos(a)), f1(cy+(r*0.7)*math.Sin(a)), col, html.EscapeString(fmtNum(v)))
		fmt.Fprintf(b, `<circle cx="%s" cy="%s" r="5" fill="%s"/>`, f1(cx), f1(cy), col)
		text := fmtNum(v)
		if strings.Contains(formatter, "{value}") {
			text = strings.ReplaceAll(formatter, "{value}", text)
		}
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" font-size="20" font-weight="bold" fill="#464646">%s</text>`,
			f1(cx), f1(cy+r*0.5+7+float64(i)*24), html.EscapeString(text))
		if name, _ := item["name"].(string); name != "" {
			fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" fill="#464646">%s</text>`, f1(cx), f1(cy+r*0.8+4+float64(i)*24), html.EscapeString(name))
		}
	}
	return true, nil
}

// arc is an SVG arc path from angle a0 to a1 (SVG angles, radians); a gauge's
// values run clockwise on screen.
func arc(cx, cy, r, a0, a1 float64) string {
	if a1 < a0 {
		a0, a1 = a1, a0
	}
	large := 0
	if a1-a0 > math.Pi {
		large = 1
	}
	return fmt.Sprintf("M%s %s A%s %s 0 %d 1 %s %s", f1(cx+r*math.Cos(a0)), f1(cy+r*math.Sin(a0)), f1(r), f1(r), large, f1(cx+r*math.Cos(a1)), f1(cy+r*math.Sin(a1)))
}

func f1(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// seriesRange returns a gauge's or funnel's min and max, ECharts' 0 and 100
// when the series does not set them.
func seriesRange(kind string, m map[string]any) (lo, hi float64, err error) {
	lo, hi = 0, 100
	if v, ok := m["min"].(float64); ok {
		lo = v
	}
	if v, ok := m["max"].(float64); ok {
		hi = v
	}
	if !(hi > lo) {
		return 0, 0, fmt.Errorf("%s %q: max %v is not above min %v", kind, m["name"], hi, lo)
	}
	return lo, hi, nil
}
