package display

import (
	"encoding/base64"
	"fmt"
	"html"
	"regexp"
	"sort"
	"strings"
	"time"

	"gonum.org/v1/plot/vg"
)

// staticFromOption draws an ECharts option as a static picture. Series are
// grouped by how they are drawn: line, scatter, bar and heatmap series on axes
// (gonum/plot, staticCartesian), pie and gauge series (staticRound), radar
// series (staticRadar) and funnel series (staticFunnel). A chart of one group
// is that group's picture; a chart mixing groups (a pie beside a line, as
// ECharts allows in one option) stacks one panel per group under the title.
// Series of a type drawn by none of them (sankey, graph, tree, map, 3-D, ...)
// get a panel that names them and says they are not drawn, so a reader of the
// saved notebook sees that something is missing rather than a picture that
// silently lacks it.
//
// An error means the chart's data cannot be drawn at all (no series, no
// values); chartBundle then shows the error as the picture.
func staticFromOption(option map[string]any) (mime, data string, stats staticStats, err error) {
	return staticPicture(option, false)
}

// staticPNG is the picture a chart's bundle carries: staticFromOption's
// drawing as a PNG (see rasterSVG for why not SVG).
func staticPNG(option map[string]any) (data string, stats staticStats, err error) {
	start := time.Now()
	mime, data, stats, err := staticPicture(option, true)
	if err != nil {
		return "", stats, err
	}
	if mime == MIMESVG {
		if data, err = pngOf(data); err != nil {
			return "", stats, fmt.Errorf("rasterize the picture: %w", err)
		}
	}
	n := base64.StdEncoding.DecodedLen(len(data)) - strings.Count(data[max(len(data)-2, 0):], "=")
	return data, staticStats{mime: MIMEPNG, bytes: n, took: time.Since(start)}, nil
}

// staticPicture draws the chart; with raster, panels drawn by gonum/plot are
// PNG (a mixed chart embeds them in its SVG).
func staticPicture(option map[string]any, raster bool) (mime, data string, stats staticStats, err error) {
	start := time.Now()
	series, _ := option["series"].([]any)
	if len(series) == 0 {
		return "", "", stats, fmt.Errorf("the chart has no series")
	}
	var groups [groupCount][]any
	var undrawn []string
	for i, s := range series {
		m, ok := s.(map[string]any)
		if !ok {
			undrawn = append(undrawn, fmt.Sprintf("series %d is not an object", i+1))
			continue
		}
		typ, _ := m["type"].(string)
		g, ok := seriesGroup[typ]
		if !ok {
			undrawn = append(undrawn, describeSeries(i, m))
			continue
		}
		groups[g] = append(groups[g], s)
	}
	drawn := 0
	only := -1
	for g := range groups {
		if len(groups[g]) > 0 {
			drawn++
			only = g
		}
	}
	if drawn == 1 && len(undrawn) == 0 {
		mime, data, stats, _, err := drawGroup(option, only, groups[only], raster)
		return mime, data, stats, err
	}

	// A mixed chart: one panel per group, the title once above them.
	var parts []svgPart
	title := optionTitle(option)
	sub := optionSubtitle(option)
	untitled := withoutTitle(option)
	var failed []string
	for g := range groups {
		if len(groups[g]) == 0 {
			continue
		}
		mime, data, _, height, err := drawGroup(untitled, g, groups[g], raster)
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s series: %v", groupNames[g], err))
			continue
		}
		parts = append(parts, svgPart{mime: mime, data: data, height: height})
	}
	if len(undrawn) > 0 || len(failed) > 0 {
		parts = append(parts, notePart(undrawn, failed))
	}
	svg := stackParts(title, sub, parts)
	return MIMESVG, svg, staticStats{mime: MIMESVG, bytes: len(svg), took: time.Since(start)}, nil
}

// How series are drawn.
const (
	groupAxes = iota
	groupRound
	groupRadar
	groupFunnel
	groupCount
)

var groupNames = [groupCount]string{"axis", "pie and gauge", "radar", "funnel"}

// seriesGroup maps each ECharts series type with a static drawing to its group.
var seriesGroup = map[string]int{
	"line": groupAxes, "scatter": groupAxes, "effectScatter": groupAxes, "bar": groupAxes,
	"pictorialBar": groupAxes, "heatmap": groupAxes, "boxplot": groupAxes, "candlestick": groupAxes,
	"pie": groupRound, "gauge": groupRound,
	"radar":  groupRadar,
	"funnel": groupFunnel,
}

// drawGroup draws the series of one group; height is the picture's, in pixels
// (every picture is roundW pixels wide).
func drawGroup(option map[string]any, group int, series []any, raster bool) (mime, data string, stats staticStats, height float64, err error) {
	switch group {
	case groupAxes:
		var h vg.Length
		mime, data, stats, h, err = staticCartesian(option, series, raster)
		return mime, data, stats, float64(h) * 4 / 3, err
	case groupRound:
		mime, data, stats, err = staticRound(option, series)
	case groupRadar:
		mime, data, stats, err = staticRadar(option, series)
	default:
		mime, data, stats, err = staticFunnel(option, series)
	}
	if err != nil {
		return "", "", stats, 0, err
	}
	height, ok := svgHeight(data)
	if !ok {
		return "", "", stats, 0, fmt.Errorf("the %s picture states no height", groupNames[group])
	}
	return mime, data, stats, height, nil
}

// describeSeries names a series the static picture does not draw.
func describeSeries(i int, m map[string]any) string {
	typ, _ := m["type"].(string)
	if typ == "" {
		typ = "no type"
	}
	name, _ := m["name"].(string)
	if name == "" {
		name = fmt.Sprintf("series %d", i+1)
	}
	n := 0
	if data, ok := m["data"].([]any); ok {
		n = len(data)
	}
	return fmt.Sprintf("%q (%s, %d data items)", name, typ, n)
}

// withoutTitle is a shallow copy of option without its title, for the panels
// of a mixed chart (the title is drawn once above them).
func withoutTitle(option map[string]any) map[string]any {
	out := make(map[string]any, len(option))
	for k, v := range option {
		if k != "title" {
			out[k] = v
		}
	}
	return out
}

// svgPart is one panel of a stacked picture: an SVG or a base64 PNG, its
// height in pixels (every panel is roundW pixels wide).
type svgPart struct {
	mime, data string
	height     float64
}

var svgHeightAttr = regexp.MustCompile(`<svg[^>]*?\sheight="([0-9.]+)(pt|px)?"`)

// svgHeight reads an SVG's height attribute, in pixels.
func svgHeight(svg string) (float64, bool) {
	m := svgHeightAttr.FindStringSubmatch(svg)
	if m == nil {
		return 0, false
	}
	var h float64
	if _, err := fmt.Sscanf(m[1], "%g", &h); err != nil {
		return 0, false
	}
	if m[2] == "pt" {
		h *= 4.0 / 3
	}
	return h, true
}

// notePart is a panel saying which series are not drawn and why.
func notePart(undrawn, failed []string) svgPart {
	var lines []string
	if len(undrawn) > 0 {
		lines = append(lines, "Not drawn in this static picture (open the notebook in gopad for the interactive chart):")
		sort.Strings(undrawn)
		for _, u := range undrawn {
			lines = append(lines, "• series "+u)
		}
	}
	for _, f := range failed {
		lines = append(lines, "Could not draw the "+f)
	}
	const maxLines = 12
	if len(lines) > maxLines {
		lines = append(lines[:maxLines-1], fmt.Sprintf("… and %d more", len(lines)-maxLines+1))
	}
	h := 24 + 18*float64(len(lines))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family="sans-serif" font-size="12">`,
		f1(roundW), f1(h), f1(roundW), f1(h))
	fmt.Fprintf(&b, `<rect class="static-note" x="4" y="4" width="%s" height="%s" fill="#fff8e1" stroke="#e0a800" rx="4"/>`, f1(roundW-8), f1(h-8))
	for i, l := range lines {
		fmt.Fprintf(&b, `<text x="14" y="%s" fill="#5c4400">%s</text>`, f1(24+18*float64(i)), html.EscapeString(l))
	}
	b.WriteString(`</svg>`)
	return svgPart{mime: MIMESVG, data: b.String(), height: h}
}

// noteSVG is the whole picture of a chart that cannot be drawn: its title and
// the reason, so that the saved notebook shows why there is no chart.
func noteSVG(option map[string]any, reason string) string {
	return stackParts(optionTitle(option), optionSubtitle(option), []svgPart{notePart(nil, []string{"chart: " + reason})})
}

// stackParts stacks panels vertically under a title, as one SVG.
func stackParts(title, sub string, parts []svgPart) string {
	top := 0.0
	var head strings.Builder
	if title != "" {
		fmt.Fprintf(&head, `<text x="%s" y="18" text-anchor="middle" font-size="14" font-weight="bold">%s</text>`, f1(roundW/2), html.EscapeString(title))
		top = 26
	}
	if sub != "" {
		fmt.Fprintf(&head, `<text x="%s" y="%s" text-anchor="middle" fill="#666">%s</text>`, f1(roundW/2), f1(top+12), html.EscapeString(sub))
		top += 18
	}
	h := top
	for _, p := range parts {
		h += p.height
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="%s" height="%s" viewBox="0 0 %s %s" font-family="sans-serif" font-size="11">`,
		f1(roundW), f1(h), f1(roundW), f1(h))
	b.WriteString(`<rect width="100%" height="100%" fill="#fff"/>`)
	b.WriteString(head.String())
	y := top
	for _, p := range parts {
		if p.mime == MIMEPNG {
			fmt.Fprintf(&b, `<image x="0" y="%s" width="%s" height="%s" href="data:image/png;base64,%s"/>`, f1(y), f1(roundW), f1(p.height), p.data)
		} else {
			b.WriteString(nestSVG(p.data, y))
		}
		y += p.height
	}
	b.WriteString(`</svg>`)
	return b.String()
}

var xmlProlog = regexp.MustCompile(`(?s)^\s*(<\?xml.*?\?>\s*)?(<!--.*?-->\s*)*`)

// nestSVG places a standalone SVG document at height y inside another.
func nestSVG(svg string, y float64) string {
	svg = xmlProlog.ReplaceAllString(svg, "")
	return strings.Replace(svg, "<svg", fmt.Sprintf(`<svg x="0" y="%s"`, f1(y)), 1)
}
