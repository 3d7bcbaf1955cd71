package display

import (
	"fmt"
	"html"
	"math"
	"sort"
	"strings"
	"time"
)

// Radar and funnel series have no Cartesian axes, so gonum/plot does not draw
// them; like pies (static_round.go) their static picture is an SVG written
// here, roundW×roundH pixels, in ECharts' palette and default layout.

const (
	// maxRadarItems bounds the polygons drawn, maxRadarAxes the indicators, and
	// maxFunnelItems a funnel's layers, so that the picture's size stays bounded;
	// the picture says how many were left out.
	maxRadarItems  = 60
	maxRadarAxes   = 64
	maxFunnelItems = 40
)

// svgOpen starts a roundW×roundH SVG with a white background and the chart's
// title; it returns the height taken by the title.
func svgOpen(b *strings.Builder, option map[string]any) (top float64) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family="sans-serif" font-size="11">`,
		f1(roundW), f1(roundH), f1(roundW), f1(roundH))
	b.WriteString(`<rect width="100%" height="100%" fill="#fff"/>`)
	if title := optionTitle(option); title != "" {
		fmt.Fprintf(b, `<text x="%s" y="18" text-anchor="middle" font-size="14" font-weight="bold">%s</text>`, f1(roundW/2), html.EscapeString(title))
		top = 26
	}
	if sub := optionSubtitle(option); sub != "" {
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" fill="#666">%s</text>`, f1(roundW/2), f1(top+12), html.EscapeString(sub))
		top += 18
	}
	return top
}

// legendRow draws a legend of coloured names in one or more rows starting at
// y, centred; it returns the height used.
func legendRow(b *strings.Builder, names, colors []string, y float64) float64 {
	if len(names) == 0 {
		return 0
	}
	const font = 11
	width := func(s string) float64 { return 18 + 6.2*float64(len([]rune(s))) + 12 }
	var rows [][]int
	var cur []int
	w := 0.0
	for i, n := range names {
		if len(cur) > 0 && w+width(n) > roundW-20 {
			rows = append(rows, cur)
			cur, w = nil, 0
		}
		cur = append(cur, i)
		w += width(names[i])
	}
	rows = append(rows, cur)
	if len(rows) > 3 { // keep the legend short; the tooltips hold every name
		rows = rows[:3]
	}
	for r, row := range rows {
		total := 0.0
		for _, i := range row {
			total += width(names[i])
		}
		x := (roundW - total) / 2
		yy := y + float64(r)*16
		for _, i := range row {
			fmt.Fprintf(b, `<rect x="%s" y="%s" width="14" height="9" rx="2" fill="%s"/>`, f1(x), f1(yy-8), colors[i])
			fmt.Fprintf(b, `<text class="legend" x="%s" y="%s" font-size="%d">%s</text>`, f1(x+18), f1(yy), font, html.EscapeString(names[i]))
			x += width(names[i])
		}
	}
	return float64(len(rows))*16 + 4
}

// radarIndicator is one axis of a radar: its name and range.
type radarIndicator struct {
	name     string
	min, max float64
}

// radarItem is one polygon: a data item of a radar series.
type radarItem struct {
	name   string
	values []float64
	color  string
}

// staticRadar draws radar series: for each radar component (option "radar",
// one object or a list, chosen by a series' radarIndex) its axes with their
// names, the split rings (polygons, or circles for shape "circle") with the
// scale's values on the first axis, and one filled polygon per data item with
// its values in a tooltip; a legend names the items.
func staticRadar(option map[string]any, series []any) (mime, data string, stats staticStats, err error) {
	start := time.Now()
	radars := axisList(option["radar"])
	if len(radars) == 0 {
		return "", "", stats, fmt.Errorf("the radar chart has no \"radar\" component (its indicators)")
	}
	// Items per radar component, coloured in order across the chart.
	items := make([][]radarItem, len(radars))
	var names, colors []string
	n, left := 0, 0
	for _, s := range series {
		m := s.(map[string]any)
		ri := 0
		if v, ok := m["radarIndex"].(float64); ok && v >= 0 && int(v) < len(radars) {
			ri = int(v)
		}
		sname, _ := m["name"].(string)
		data, _ := m["data"].([]any)
		for di, d := range data {
			if n >= maxRadarItems {
				left++
				continue
			}
			var vals []any
			item, _ := d.(map[string]any)
			if item != nil {
				vals, _ = item["value"].([]any)
			} else {
				vals, _ = d.([]any)
			}
			if len(vals) == 0 {
				continue
			}
			it := radarItem{values: make([]float64, len(vals))}
			for i, v := range vals {
				f, ok := v.(float64)
				if !ok {
					f = math.NaN()
				}
				it.values[i] = f
			}
			it.name, _ = item["name"].(string)
			if it.name == "" {
				it.name = sname
				if len(data) > 1 || it.name == "" {
					it.name = strings.TrimSpace(fmt.Sprintf("%s %d", sname, di+1))
				}
			}
			it.color = colorHex(seriesColor(n, option))
			if c, ok := parseColor(lookup(item, "itemStyle", "color")); ok {
				it.color = colorHex(c)
			} else if c, ok := parseColor(lookup(m, "itemStyle", "color")); ok && len(data) == 1 {
				it.color = colorHex(c)
			}
			items[ri] = append(items[ri], it)
			names = append(names, it.name)
			colors = append(colors, it.color)
			n++
		}
	}
	if n == 0 {
		return "", "", stats, fmt.Errorf("the radar series hold no values")
	}
	var b strings.Builder
	top := svgOpen(&b, option)
	top += legendRow(&b, names, colors, top+12)
	for ri, radar := range radars {
		if len(items[ri]) == 0 {
			continue
		}
		if err := drawRadar(&b, radar, items[ri], top, len(radars), ri); err != nil {
			return "", "", stats, err
		}
	}
	if left > 0 {
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" fill="#a05a00">%d more data items not drawn</text>`, f1(roundW-8), f1(roundH-8), left)
	}
	b.WriteString(`</svg>`)
	svg := b.String()
	return MIMESVG, svg, staticStats{mime: MIMESVG, bytes: len(svg), took: time.Since(start)}, nil
}

// drawRadar draws one radar component and its polygons. Without an explicit
// center, k radars share the width side by side.
func drawRadar(b *strings.Builder, radar map[string]any, items []radarItem, top float64, k, index int) error {
	raw, _ := radar["indicator"].([]any)
	if len(raw) < 3 {
		return fmt.Errorf("a radar needs at least 3 indicators, this one has %d", len(raw))
	}
	if len(raw) > maxRadarAxes {
		raw = raw[:maxRadarAxes]
	}
	inds := make([]radarIndicator, len(raw))
	for i, r := range raw {
		m, _ := r.(map[string]any)
		inds[i].name, _ = m["name"].(string)
		inds[i].min, _ = m["min"].(float64)
		mx, ok := m["max"].(float64)
		if !ok || mx <= inds[i].min {
			// ECharts scales an axis without max to its data.
			mx = math.Inf(-1)
			for _, it := range items {
				if i < len(it.values) && !math.IsNaN(it.values[i]) {
					mx = math.Max(mx, it.values[i])
				}
			}
			mx = niceCeil(mx)
			if !(mx > inds[i].min) {
				mx = inds[i].min + 1
			}
		}
		inds[i].max = mx
	}
	area := roundH - top
	cellW := roundW / float64(k)
	cx, cy := cellW*(float64(index)+0.5), top+area/2
	if c, ok := radar["center"].([]any); ok && len(c) == 2 {
		cx = length(c[0], roundW, cx)
		cy = top + length(c[1], area, area/2)
	}
	size := math.Min(cellW*0.7, area) / 2
	_, r := radii(radar, size, 0, 0.8)
	circle := radar["shape"] == "circle"
	splits := 5
	if v, ok := radar["splitNumber"].(float64); ok && v >= 1 && v <= 20 {
		splits = int(v)
	}
	// ECharts' first indicator points up; the others follow counter-clockwise.
	angle := func(i int) float64 { return -math.Pi/2 - 2*math.Pi*float64(i)/float64(len(inds)) }
	at := func(i int, frac float64) (float64, float64) {
		return cx + r*frac*math.Cos(angle(i)), cy + r*frac*math.Sin(angle(i))
	}
	b.WriteString(`<g class="radar-grid" fill="none" stroke="#ccc" stroke-width="1">`)
	for s := 1; s <= splits; s++ {
		frac := float64(s) / float64(splits)
		if circle {
			fmt.Fprintf(b, `<circle cx="%s" cy="%s" r="%s"/>`, f1(cx), f1(cy), f1(r*frac))
			continue
		}
		var pts []string
		for i := range inds {
			x, y := at(i, frac)
			pts = append(pts, f1(x)+","+f1(y))
		}
		fmt.Fprintf(b, `<polygon points="%s"/>`, strings.Join(pts, " "))
	}
	for i := range inds {
		x, y := at(i, 1)
		fmt.Fprintf(b, `<line class="radar-axis" x1="%s" y1="%s" x2="%s" y2="%s"/>`, f1(cx), f1(cy), f1(x), f1(y))
	}
	b.WriteString(`</g>`)
	// The scale's values along the first axis (ECharts shows none by default;
	// a picture without hover needs them).
	for s := 1; s <= splits; s++ {
		frac := float64(s) / float64(splits)
		x, y := at(0, frac)
		v := inds[0].min + frac*(inds[0].max-inds[0].min)
		fmt.Fprintf(b, `<text x="%s" y="%s" fill="#999" font-size="9">%s</text>`, f1(x+3), f1(y+3), fmtNum(v))
	}
	// Indicator names beyond the axes' ends, anchored away from the centre.
	for i, ind := range inds {
		x, y := at(i, 1.08)
		anchor := "middle"
		if c := math.Cos(angle(i)); c > 0.2 {
			anchor = "start"
		} else if c < -0.2 {
			anchor = "end"
		}
		label := ind.name
		if _, ok := raw[i].(map[string]any)["max"]; ok {
			label += " (max " + fmtNum(ind.max) + ")"
		}
		fmt.Fprintf(b, `<text class="radar-indicator" x="%s" y="%s" text-anchor="%s" dominant-baseline="middle" fill="#333">%s</text>`,
			f1(x), f1(y), anchor, html.EscapeString(label))
	}
	for _, it := range items {
		var pts, parts []string
		var dots strings.Builder
		for i, ind := range inds {
			v := math.NaN()
			if i < len(it.values) {
				v = it.values[i]
			}
			frac := 0.0
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				frac = math.Max(0, (v-ind.min)/(ind.max-ind.min))
				parts = append(parts, fmt.Sprintf("%s %s", ind.name, fmtNum(v)))
			} else {
				parts = append(parts, ind.name+" -")
			}
			x, y := at(i, frac)
			pts = append(pts, f1(x)+","+f1(y))
			fmt.Fprintf(&dots, `<circle cx="%s" cy="%s" r="2.5" fill="%s"/>`, f1(x), f1(y), it.color)
		}
		fmt.Fprintf(b, `<polygon class="radar-area" points="%s" fill="%s" fill-opacity="0.2" stroke="%s" stroke-width="2"><title>%s: %s</title></polygon>`,
			strings.Join(pts, " "), it.color, it.color, html.EscapeString(it.name), html.EscapeString(strings.Join(parts, ", ")))
		b.WriteString(dots.String())
	}
	return nil
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten, as ECharts rounds an
// axis' extent.
func niceCeil(v float64) float64 {
	if !(v > 0) || math.IsInf(v, 0) {
		return v
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v*(1-1e-12) {
			return m * p
		}
	}
	return 10 * p
}

// funnelLayer is one data item of a funnel.
type funnelLayer struct {
	name  string
	value float64
	color string
}

// staticFunnel draws funnel series side by side: each data item a trapezoid
// whose top width is its value and bottom width the next item's (ECharts'
// layout: value min..max, default 0..100, maps to minSize..maxSize of the
// width, default 0%..100%, sorted descending unless "sort" says otherwise), with
// each item's name and value beside it.
func staticFunnel(option map[string]any, series []any) (mime, data string, stats staticStats, err error) {
	start := time.Now()
	var b strings.Builder
	top := svgOpen(&b, option)
	k := float64(len(series))
	drawn, left := 0, 0
	colorIndex := 0
	for si, s := range series {
		m := s.(map[string]any)
		data, _ := m["data"].([]any)
		var layers []funnelLayer
		for i, d := range data {
			v, ok := pointValue(d)
			if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			item, _ := d.(map[string]any)
			name, _ := item["name"].(string)
			if name == "" {
				name = fmt.Sprint(i + 1)
			}
			layers = append(layers, funnelLayer{name: name, value: v, color: itemColor(option, item, colorIndex)})
			colorIndex++
		}
		if len(layers) == 0 {
			continue
		}
		switch m["sort"] {
		case "ascending":
			sort.SliceStable(layers, func(i, j int) bool { return layers[i].value < layers[j].value })
		case "none":
		default:
			sort.SliceStable(layers, func(i, j int) bool { return layers[i].value > layers[j].value })
		}
		if len(layers) > maxFunnelItems {
			left += len(layers) - maxFunnelItems
			layers = layers[:maxFunnelItems]
		}
		lo, hi, err := seriesRange("funnel", m)
		if err != nil {
			return "", "", stats, err
		}
		// Each series gets a column; the funnel takes 12%..62% of it, the labels
		// the rest, so that funnel and labels sit under the centred title.
		colW := roundW / k
		x0 := colW*float64(si) + colW*0.12
		fw := colW * 0.5
		minSize := length(m["minSize"], fw, 0)
		maxSize := length(m["maxSize"], fw, fw)
		width := func(v float64) float64 {
			t := math.Max(0, math.Min(1, (v-lo)/(hi-lo))) // ECharts clamps to min..max
			return minSize + t*(maxSize-minSize)
		}
		y0, y1 := top+16, roundH-16
		if name, _ := m["name"].(string); name != "" && k > 1 {
			fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" font-weight="bold">%s</text>`, f1(x0+fw/2), f1(top+10), html.EscapeString(name))
			y0 += 10
		}
		gap := length(m["gap"], 0, 0)
		h := (y1 - y0 - gap*float64(len(layers)-1)) / float64(len(layers))
		mid := x0 + fw/2
		font := math.Min(11, math.Max(7, h*0.8))
		for i, l := range layers {
			wTop := width(l.value)
			wBot := width(lo) // the last layer narrows to the minimum
			if i+1 < len(layers) {
				wBot = width(layers[i+1].value)
			}
			if m["sort"] == "ascending" {
				// Narrow at the top: a layer's bottom edge is its own value, its top the previous'.
				wBot = wTop
				wTop = width(lo)
				if i > 0 {
					wTop = width(layers[i-1].value)
				}
			}
			ya := y0 + float64(i)*(h+gap)
			yb := ya + h
			fmt.Fprintf(&b, `<path class="funnel-layer" d="M%s %s L%s %s L%s %s L%s %s Z" fill="%s" stroke="#fff"><title>%s: %s</title></path>`,
				f1(mid-wTop/2), f1(ya), f1(mid+wTop/2), f1(ya), f1(mid+wBot/2), f1(yb), f1(mid-wBot/2), f1(yb), l.color,
				html.EscapeString(l.name), fmtNum(l.value))
			// The label outside on the right with a leader line, as ECharts' default.
			ly := ya + h/2
			edge := mid + math.Max(wTop, wBot)/2*0.5 + math.Min(wTop, wBot)/2*0.5
			lx := x0 + fw + 8
			fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, f1(edge), f1(ly), f1(lx-2), f1(ly), l.color)
			fmt.Fprintf(&b, `<text class="funnel-label" x="%s" y="%s" dominant-baseline="middle" font-size="%s">%s: %s</text>`,
				f1(lx), f1(ly), f1(font), html.EscapeString(l.name), fmtNum(l.value))
		}
		drawn++
	}
	if drawn == 0 {
		return "", "", stats, fmt.Errorf("the funnel series hold no values")
	}
	if left > 0 {
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" fill="#a05a00">%d more layers not drawn</text>`, f1(roundW-8), f1(roundH-4), left)
	}
	b.WriteString(`</svg>`)
	svg := b.String()
	return MIMESVG, svg, staticStats{mime: MIMESVG, bytes: len(svg), took: time.Since(start)}, nil
}
