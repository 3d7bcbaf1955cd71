package display

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"gopad.dev/gopad/ml"
)

// predictedClassPie is a go-echarts pie of how many test samples a trained
// iris model assigns to each class.
func predictedClassPie(t *testing.T) (*charts.Pie, map[string]int) {
	t.Helper()
	model, _, test, _ := trainedIris(t)
	counts := map[string]int{}
	for _, p := range model.Predict(test.X).ArgMax() {
		counts[test.ClassNames[p]]++
	}
	pie := charts.NewPie()
	pie.SetGlobalOptions(charts.WithTitleOpts(opts.Title{Title: "Predicted classes"}))
	var data []opts.PieData
	for _, name := range test.ClassNames {
		data = append(data, opts.PieData{Name: name, Value: counts[name]})
	}
	pie.AddSeries("predicted", data)
	return pie, counts
}

// testAccuracyGauge is a go-echarts gauge of a trained model's test accuracy
// in percent.
func testAccuracyGauge(t *testing.T) (*charts.Gauge, float64) {
	t.Helper()
	model, _, test, _ := trainedIris(t)
	acc := 100 * ml.Accuracy(model.Predict(test.X), test.Y)
	g := charts.NewGauge()
	g.SetGlobalOptions(charts.WithTitleOpts(opts.Title{Title: "Test accuracy"}))
	g.AddSeries("accuracy", []opts.GaugeData{{Name: "accuracy", Value: math.Round(acc*100) / 100}})
	return g, math.Round(acc*100) / 100
}

func TestPieHasAStaticPicture(t *testing.T) {
	pie, counts := predictedClassPie(t)
	b := Chart(pie)
	svg, ok := b.pictureOK()
	if !ok {
		t.Fatalf("the pie has no static picture: %v\n%s", b.MIMETypes(), b.String())
	}
	total := 0
	for _, c := range counts {
		total += c
	}
	// One slice per class with a count, each listed in the legend with its
	// count and share, and the title.
	slices := regexp.MustCompile(`<path d="[^"]*" fill="#[0-9a-f]{6}"><title>([^:]+): ([0-9.]+) \(([0-9.]+)%\)</title>`).FindAllStringSubmatch(svg, -1)
	nonzero := 0
	for _, c := range counts {
		if c > 0 {
			nonzero++
		}
	}
	if len(slices) != nonzero {
		t.Fatalf("%d slices drawn, want %d (%v):\n%s", len(slices), nonzero, counts, svg)
	}
	for _, s := range slices {
		n, _ := strconv.Atoi(s[2])
		share, _ := strconv.ParseFloat(s[3], 64)
		if n != counts[s[1]] || math.Abs(share-100*float64(n)/float64(total)) > 0.05 {
			t.Errorf("slice %s: %d (%v%%), counts say %d of %d", s[1], n, share, counts[s[1]], total)
		}
		if !strings.Contains(svg, ">"+s[1]+": "+s[2]+" (") {
			t.Errorf("the legend lacks %s", s[1])
		}
	}
	if !strings.Contains(svg, "Predicted classes") {
		t.Errorf("the picture lacks the title")
	}
	// A slice's angle is its share: the three slices' arcs end where the next
	// begins, and the last where the first began (checked through the path
	// endpoints: M centre L start A ... end Z).
	paths := regexp.MustCompile(`<path d="M([0-9.-]+) ([0-9.-]+) L([0-9.-]+) ([0-9.-]+) A[^"]* ([0-9.-]+) ([0-9.-]+) Z"`).FindAllStringSubmatch(svg, -1)
	if len(paths) != nonzero {
		t.Fatalf("%d pie paths", len(paths))
	}
	for i := range paths {
		next := paths[(i+1)%len(paths)]
		if paths[i][5] != next[3] || paths[i][6] != next[4] {
			t.Errorf("slice %d ends at %s,%s; slice %d starts at %s,%s", i, paths[i][5], paths[i][6], (i+1)%len(paths), next[3], next[4])
		}
	}
}

func TestGaugeHasAStaticPicture(t *testing.T) {
	g, acc := testAccuracyGauge(t)
	b := Chart(g)
	svg, ok := b.pictureOK()
	if !ok {
		t.Fatalf("the gauge has no static picture: %v\n%s", b.MIMETypes(), b.String())
	}
	if !strings.Contains(svg, ">"+fmtNum(acc)+"</text>") || !strings.Contains(svg, "Test accuracy") || !strings.Contains(svg, ">accuracy</text>") {
		t.Errorf("the gauge picture lacks its value %v, title or name:\n%s", acc, svg)
	}
	// The needle points at the value: 0 at ECharts' 225°, 100 at -45°.
	m := regexp.MustCompile(`<line x1="([0-9.]+)" y1="([0-9.]+)" x2="([0-9.-]+)" y2="([0-9.-]+)" stroke="#[0-9a-f]{6}" stroke-width="4"`).FindStringSubmatch(svg)
	if m == nil {
		t.Fatalf("no needle:\n%s", svg)
	}
	f := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v }
	dx, dy := f(m[3])-f(m[1]), -(f(m[4]) - f(m[2])) // y up
	angle := math.Atan2(dy, dx) * 180 / math.Pi
	want := 225 - acc/100*270
	diff := math.Mod(angle-want+540, 360) - 180
	if math.Abs(diff) > 1 {
		t.Errorf("the needle points at %.1f°, want %.1f° for %v", angle, want, acc)
	}
	// Ticks labelled 0 to 100 in steps of 10.
	for v := 0; v <= 100; v += 10 {
		if !strings.Contains(svg, ">"+strconv.Itoa(v)+"</text>") {
			t.Errorf("no tick label %d", v)
		}
	}
}

func TestRoundChartsBadInput(t *testing.T) {
	// A gauge whose max is not above its min says so; a pie of no positive
	// values has no chart in its picture, which says why, as the text does.
	g := map[string]any{"series": []any{map[string]any{"type": "gauge", "name": "g", "min": 5.0, "max": 5.0, "data": []any{map[string]any{"value": 5.0}}}}}
	if _, _, _, err := staticFromOption(g); err == nil || !strings.Contains(err.Error(), "max 5 is not above min 5") {
		t.Errorf("gauge with min = max: %v", err)
	}
	pie := charts.NewPie()
	pie.AddSeries("empty", []opts.PieData{{Name: "a", Value: 0}})
	b := Chart(pie)
	if svg, _ := b.pictureOK(); !strings.Contains(svg, "the chart&#39;s series hold no values") || strings.Contains(svg, "<path") ||
		!strings.Contains(b.String(), "no static picture: the chart's series hold no values") {
		t.Errorf("empty pie: %v %q\n%s", b.MIMETypes(), b.String(), svg)
	}
	// Many slices: bounded, the rest folded into one.
	many := charts.NewPie()
	var data []opts.PieData
	for i := 0; i < 500; i++ {
		data = append(data, opts.PieData{Name: "c" + strconv.Itoa(i), Value: i + 1})
	}
	many.AddSeries("many", data)
	svg, _ := Chart(many).pictureOK()
	if n := strings.Count(svg, "<path"); n != maxPieSlices || !strings.Contains(svg, "461 others") || len(svg) > MaxStaticSVG {
		t.Errorf("500 slices: %d paths, %d bytes", n, len(svg))
	}
}

// The one-call pie and gauge, and a hand-built option (what a cell writes
// without go-echarts), carry their data and a static picture; bad input says
// what is wrong.
func TestPieAndGaugeCharts(t *testing.T) {
	model, _, test, _ := trainedIris(t)
	counts := make([]float64, len(test.ClassNames))
	for _, p := range model.Predict(test.X).ArgMax() {
		counts[p]++
	}
	b := PieChart("Predicted classes", test.ClassNames, counts)
	data := b[MIMEECharts].(map[string]any)["series"].([]any)[0].(map[string]any)["data"].([]any)
	if len(data) != 3 {
		t.Fatalf("pie data %v", data)
	}
	for i, d := range data {
		m := d.(map[string]any)
		if m["name"] != test.ClassNames[i] || m["value"] != counts[i] {
			t.Errorf("slice %d = %v, want %s %v", i, m, test.ClassNames[i], counts[i])
		}
	}
	if svg, _ := b.pictureOK(); strings.Count(svg, "<path") != 3 {
		t.Errorf("pie picture: %.200s", svg)
	}

	acc := 100 * ml.Accuracy(model.Predict(test.X), test.Y)
	g := GaugeChart("Test accuracy", "accuracy %", acc, 0, 100)
	s := g[MIMEECharts].(map[string]any)["series"].([]any)[0].(map[string]any)
	if s["min"] != 0.0 || s["max"] != 100.0 || s["data"].([]any)[0].(map[string]any)["value"] != acc {
		t.Errorf("gauge series %v, want the value %v on 0..100", s, acc)
	}
	if svg, _ := g.pictureOK(); !strings.Contains(svg, ">"+fmtNum(acc)+"</text>") {
		t.Errorf("gauge picture lacks the value %v", fmtNum(acc))
	}

	hand := Chart(map[string]any{"title": map[string]any{"text": "by hand"},
		"series": []any{map[string]any{"type": "pie", "data": []any{map[string]any{"name": "a", "value": 1}, map[string]any{"name": "b", "value": 3}}}}})
	if svg, _ := hand.pictureOK(); !strings.Contains(svg, "b: 3 (75.0%)") {
		t.Errorf("a hand-built pie option: %v\n%s", hand.MIMETypes(), hand.String())
	}
	for what, b := range map[string]Bundle{
		"names":  PieChart("p", []string{"a"}, []float64{1, 2}),
		"gauge":  GaugeChart("g", "x", 1, 5, 5),
		"nan":    GaugeChart("g", "x", math.NaN(), 0, 1),
		"series": Chart(map[string]any{"title": "no series"}),
		"json":   Chart(map[string]any{"series": []any{math.NaN()}}),
	} {
		if _, ok := b[MIMEECharts]; ok || !strings.Contains(b.String(), "display.") {
			t.Errorf("%s: bad input gives %v %q", what, b.MIMETypes(), b.String())
		}
	}
}
