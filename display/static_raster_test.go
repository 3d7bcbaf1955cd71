package display

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The hand-drawn pictures (pie, gauge, radar, funnel, mixed charts, notes)
// reach the bundle as PNG: every filled shape's colour is in the PNG, the
// title is drawn as dark pixels at the top, and a pie's slices are where
// their angles put them (an arc drawn the wrong way round would swap them).
func TestHandDrawnPicturesRasterize(t *testing.T) {
	pie, _ := predictedClassPie(t)
	gauge, _ := testAccuracyGauge(t)
	radar, _, _ := classRadar(t)
	for name, b := range map[string]Bundle{
		"pie":    Chart(pie),
		"gauge":  Chart(gauge),
		"radar":  Chart(radar),
		"funnel": Chart(chartsFunnel("Funnel", []string{"all", "confident", "right"}, []float64{100, 80, 70})),
		"mixed": Chart(map[string]any{"title": map[string]any{"text": "Mixed"},
			"xAxis": map[string]any{"type": "value"}, "yAxis": map[string]any{"type": "value"},
			"series": []any{
				map[string]any{"type": "line", "name": "loss", "data": []any{[]any{1, 2}, []any{2, 1}}},
				map[string]any{"type": "pie", "data": []any{map[string]any{"name": "a", "value": 1}, map[string]any{"name": "b", "value": 2}}},
				map[string]any{"type": "sankey", "name": "flows", "data": []any{}},
			}}),
		"note": Chart(map[string]any{"title": map[string]any{"text": "Flows"},
			"series": []any{map[string]any{"type": "sankey", "name": "flows", "data": []any{}}}}),
	} {
		svg, ok := b.pictureOK()
		if !ok || svg == "" {
			t.Fatalf("%s: no PNG picture drawn from an SVG: %v", name, b.MIMETypes())
		}
		img := pictureImage(t, b)
		checkDrawn(t, img)
		seen := colourSet(img)
		fills := regexp.MustCompile(`<(?:path|rect)[^>]* fill="(#[0-9a-f]{6})"`).FindAllStringSubmatch(svg, -1)
		// Wide strokes (a gauge's bands) too.
		for _, s := range regexp.MustCompile(`<path[^>]* stroke="(#[0-9a-f]{6})" stroke-width="([0-9.]+)"`).FindAllStringSubmatch(svg, -1) {
			if w, _ := strconv.ParseFloat(s[2], 64); w >= 4 {
				fills = append(fills, s)
			}
		}
		if len(fills) == 0 {
			t.Fatalf("%s: no filled shapes in the drawing", name)
		}
		for _, f := range fills {
			c, _ := parseColor(f[1])
			r, g, bl, _ := c.RGBA()
			if !seen[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 0xff}] {
				t.Errorf("%s: colour %s of the drawing is not in the PNG", name, f[1])
			}
		}
		if dark := darkPixels(img, image.Rect(0, 0, img.Bounds().Dx(), 24)); dark < 30 {
			t.Errorf("%s: %d dark pixels in the title's rows: the title is not drawn", name, dark)
		}
	}

	// A pie of 1 and 3: "a" spans 12 to 3 o'clock, "b" the rest.
	b := PieChart("p", []string{"a", "b"}, []float64{1, 3})
	svg := b.picture()
	m := regexp.MustCompile(`<path d="M([0-9.]+) ([0-9.]+) L[0-9.]+ ([0-9.]+) A([0-9.]+)`).FindStringSubmatch(svg)
	if m == nil {
		t.Fatalf("no slice in %s", svg)
	}
	cx, _ := strconv.ParseFloat(m[1], 64)
	cy, _ := strconv.ParseFloat(m[2], 64)
	r, _ := strconv.ParseFloat(m[4], 64)
	img := pictureImage(t, b)
	at := func(deg float64) string {
		a := deg * math.Pi / 180
		p := img.At(int(cx+r/2*math.Cos(a)), int(cy+r/2*math.Sin(a)))
		return colorHex(p)
	}
	if got, want := at(-45), colorHex(seriesColor(0, nil)); got != want {
		t.Errorf("upper right of the pie is %s, want slice a's %s", got, want)
	}
	for _, deg := range []float64{45, 135, 225} {
		if got, want := at(deg), colorHex(seriesColor(1, nil)); got != want {
			t.Errorf("pie at %v° is %s, want slice b's %s", deg, got, want)
		}
	}
}

func colourSet(img image.Image) map[color.RGBA]bool {
	seen := map[color.RGBA]bool{}
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			seen[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0xff}] = true
		}
	}
	return seen
}

func darkPixels(img image.Image, rect image.Rectangle) int {
	n := 0
	for y := rect.Min.Y; y < rect.Max.Y; y++ {
		for x := rect.Min.X; x < rect.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if r>>8 < 100 && g>>8 < 100 && b>>8 < 100 {
				n++
			}
		}
	}
	return n
}

// rasterSVG draws only the vocabulary gopad writes; anything else is an error
// naming it, not a silently different picture.
func TestRasterSVGRejectsWhatItCannotDraw(t *testing.T) {
	for svg, want := range map[string]string{
		`<svg width="10" height="10"><ellipse cx="1" cy="1" rx="1" ry="2"/></svg>`: "<ellipse>",
		`<svg width="10" height="10"><path d="M0 0 Q1 1 2 2"/></svg>`:              "outside M, L, A, Z",
		`<svg width="10" height="10"><path d="M0 0 A1 2 0 0 1 2 2"/></svg>`:        "elliptic arc",
		`<svg width="10" height="10"><image href="x.png"/></svg>`:                  "not an embedded PNG",
		`<svg width="10" height="10"><polygon points="1 2 3"/></svg>`:              "points",
		`<svg width="0" height="10"></svg>`:                                        "no positive width",
		`<rect/>`:                                                                  "does not start with <svg>",
		``:                                                                         "holds no <svg>",
		`<svg width="10" height="10"><text x="1" y="2"><b>x</b></text></svg>`:      "holds markup",
	} {
		if _, err := rasterSVG(svg); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("rasterSVG(%q) = %v, want an error with %q", svg, err, want)
		}
	}
}

// encodePNG keeps the most frequent colours exactly and maps a rare one (an
// anti-aliased edge) to the nearest kept colour.
func TestEncodePNGKeepsFrequentColours(t *testing.T) {
	// 256 colours of 6 pixels each, then 44 rare ones of one pixel each, each
	// one level of green away from a frequent one.
	img := image.NewRGBA(image.Rect(0, 0, 40, 40))
	var want []color.RGBA
	for i := 0; i < 256; i++ {
		for k := 0; k < 6; k++ {
			want = append(want, color.RGBA{uint8(i), 0, 200, 0xff})
		}
	}
	for i := 0; i < 44; i++ {
		want = append(want, color.RGBA{uint8(i*5 + 2), 1, 200, 0xff})
	}
	for len(want) < 1600 {
		want = append(want, color.RGBA{0, 0, 200, 0xff})
	}
	for p, c := range want {
		img.SetRGBA(p%40, p/40, c)
	}
	var buf bytes.Buffer
	if err := encodePNG(&buf, img); err != nil {
		t.Fatal(err)
	}
	got, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got.(*image.Paletted); !ok {
		t.Errorf("encoded as %T, want a paletted PNG", got)
	}
	for p, w := range want {
		g := rgbaOf(got.At(p%40, p/40))
		if w.G == 0 && g != w {
			t.Fatalf("frequent colour %v became %v", w, g)
		}
		if w.G == 1 && g != (color.RGBA{w.R, 0, 200, 0xff}) {
			t.Fatalf("rare colour %v became %v, want the nearest frequent one", w, g)
		}
	}
}

func rgbaOf(c color.Color) color.RGBA {
	r, g, b, _ := c.RGBA()
	return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0xff}
}
