package runner_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopad.dev/gopad/display"
	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/runner"
)

// TestSavedChartsShowInNbconvert runs a notebook that draws each kind of chart,
// saves it as gopad run does, and converts it with Debian's jupyter nbconvert
// (which knows nothing of gopad's chart type): the HTML shows every chart as its
// static picture: a PNG with drawn content, checked pixel by pixel in the
// HTML nbconvert writes. The tool must be installed (.ci/run installs
// jupyter-nbconvert); a missing tool fails the test.
func TestSavedChartsShowInNbconvert(t *testing.T) {
	nbconvert, err := exec.LookPath("jupyter-nbconvert")
	if err != nil {
		t.Fatalf("jupyter-nbconvert is not installed (Debian package jupyter-nbconvert): %v", err)
	}
	dir := t.TempDir()
	cells := []string{
		`import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)`,
		`ml.SetSeed(1)
train, test := ml.Iris().Split(0.7, 1)
model := ml.Sequential(ml.Linear(4, 8), ml.ReLU(), ml.Linear(8, 3))
hist := model.Fit(train, ml.FitConfig{Epochs: 5, Loss: ml.CrossEntropy(), Optimizer: ml.Adam(0.05), Validation: test, Metrics: []string{"accuracy"}})
scores := model.Predict(test.X)`,
		`hist`,
		`display.PieChart("Samples per class", test.ClassNames, []float64{15, 15, 15})`,
		`display.GaugeChart("Test accuracy", "accuracy %", 100*ml.Accuracy(scores, test.Y), 0, 100)`,
		`ml.NewConfusionMatrix(scores, test.Y, test.ClassNames)`,
		`display.ROCChart(scores, test.Y, test.ClassNames)`,
		`display.PCAChart(test.X, test.Labels(), test.ClassNames)`,
		// Hand-built options of the series types drawn without axes, a mixed
		// chart, and a type with no drawing (its picture says so).
		`cm := ml.NewConfusionMatrix(scores, test.Y, test.ClassNames)
var items []any
for c, name := range test.ClassNames {
	s := cm.Class(c)
	items = append(items, map[string]any{"name": name, "value": []float64{s.Precision, s.Recall, s.F1}})
}
display.Chart(map[string]any{"title": map[string]any{"text": "Scores radar"},
	"radar": map[string]any{"indicator": []any{map[string]any{"name": "precision", "max": 1}, map[string]any{"name": "recall", "max": 1}, map[string]any{"name": "F1", "max": 1}}},
	"series": []any{map[string]any{"type": "radar", "data": items}}})`,
		`display.Chart(map[string]any{"title": map[string]any{"text": "Confidence funnel"},
	"series": []any{map[string]any{"type": "funnel", "data": []any{map[string]any{"name": "all", "value": 100}, map[string]any{"name": "right", "value": 100 * ml.Accuracy(scores, test.Y)}}}}})`,
		`l0, l1 := hist.Epochs[0].Loss, hist.Epochs[1].Loss
display.Chart(map[string]any{"title": map[string]any{"text": "Loss and classes"},
	"xAxis": map[string]any{"type": "value", "name": "epoch"}, "yAxis": map[string]any{"type": "value", "name": "loss"},
	"series": []any{
		map[string]any{"type": "line", "name": "first epochs", "data": []any{[]any{1, l0}, []any{2, l1}}},
		map[string]any{"type": "pie", "name": "classes", "data": []any{map[string]any{"name": "setosa", "value": 15}, map[string]any{"name": "other", "value": 30}}},
	}})`,
		`display.Chart(map[string]any{"title": map[string]any{"text": "Data flow"},
	"series": []any{map[string]any{"type": "sankey", "name": "flows", "data": []any{map[string]any{"name": "a"}, map[string]any{"name": "b"}}}}})`,
		`pl := plot.New()
pl.Title.Text = "a gonum plot"
s, _ := plotter.NewScatter(plotter.XYs{{X: 1, Y: 2}, {X: 2, Y: 3}})
pl.Add(s)
pl`,
	}
	nb := map[string]any{
		"nbformat": 4, "nbformat_minor": 5,
		"metadata": map[string]any{"kernelspec": map[string]any{"name": "gopad", "language": "go", "display_name": "Go (gopad)"}},
	}
	var list []any
	for i, src := range cells {
		list = append(list, map[string]any{"cell_type": "code", "id": "c" + string(rune('a'+i)), "metadata": map[string]any{},
			"execution_count": nil, "outputs": []any{}, "source": src})
	}
	nb["cells"] = list
	raw, _ := json.Marshal(nb)
	in := filepath.Join(dir, "charts.gonb")
	if err := os.WriteFile(in, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	saved := filepath.Join(dir, "charts.ipynb")
	if _, stderr, err := runIn(t, dir, runner.Options{Notebook: in, Output: saved}); err != nil {
		t.Fatalf("gopad run: %v\n%s", err, stderr)
	}
	loaded, err := notebooks.Load(saved)
	if err != nil {
		t.Fatal(err)
	}
	// Every chart output (the live training chart's final state, the history
	// result, pie, gauge, confusion, ROC, PCA, radar, funnel, mixed, sankey)
	// and the gonum plot carry a PNG picture and no SVG: Debian's nbconvert
	// 6.5.3 prefers image/svg+xml to image/png and passes SVG through lxml's
	// clean_html, which keeps only the <svg> element and its text, so an SVG
	// picture is blank in its HTML.
	var saved64 []string
	charts := 0
	for _, c := range loaded.Cells {
		for _, o := range c.Outputs {
			isChart := o.Data["application/vnd.gopad.echarts+json"] != nil
			if isChart {
				charts++
			}
			if o.Data["image/svg+xml"] != nil {
				t.Errorf("an output holds image/svg+xml (blank in nbconvert's HTML): %v", keysOf(o.Data))
			}
			png, ok := o.Data["image/png"].(string)
			if isChart && !ok {
				t.Errorf("a chart output has no image/png picture: %v", keysOf(o.Data))
			}
			if ok {
				saved64 = append(saved64, png)
			}
		}
	}
	if charts != 11 {
		t.Fatalf("saved notebook holds %d charts, want 11 (live training chart, history, pie, gauge, confusion, ROC, PCA, radar, funnel, mixed, sankey)", charts)
	}
	if len(saved64) != charts+1 {
		t.Fatalf("saved notebook holds %d PNG pictures, want %d (every chart and the gonum plot)", len(saved64), charts+1)
	}

	cmd := exec.Command(nbconvert, "--to", "html", "--output-dir", dir, saved)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nbconvert: %v\n%s", err, out)
	}
	html, err := os.ReadFile(filepath.Join(dir, "charts.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(html)
	if n := len(regexp.MustCompile(`<svg[ >]`).FindAllString(page, -1)); n != 0 {
		t.Errorf("nbconvert's HTML has %d inline SVG pictures, want none", n)
	}
	// The HTML shows each picture, in the notebook's order, as an <img> of the
	// saved PNG, and each is a drawn chart: the picture's size, a white
	// background with many colours on it (a blank or flat image fails).
	shown := regexp.MustCompile(`<img src="data:image/png;base64,([A-Za-z0-9+/=\s]+)"`).FindAllStringSubmatch(page, -1)
	if len(shown) != len(saved64) {
		t.Fatalf("nbconvert's HTML shows %d PNG pictures, want %d", len(shown), len(saved64))
	}
	wantW := int(math.Round(float64(display.StaticWidth) * 96 / 72)) // the pictures' 96 dpi
	for i, m := range shown {
		b64 := strings.Join(strings.Fields(m[1]), "")
		if b64 != strings.Join(strings.Fields(saved64[i]), "") {
			t.Errorf("picture %d in the HTML is not the saved notebook's", i+1)
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			t.Errorf("picture %d: base64: %v", i+1, err)
			continue
		}
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Errorf("picture %d: %v", i+1, err)
			continue
		}
		// (a note picture, the sankey's, is only 86 px high)
		if img.Bounds().Dx() != wantW || img.Bounds().Dy() < 60 {
			t.Errorf("picture %d is %v, want %d px wide", i+1, img.Bounds().Size(), wantW)
		}
		colours, white, total := pixelStats(img)
		if colours < 8 || white < total/3 || white == total {
			t.Errorf("picture %d has %d colours and %d of %d pixels white: not a drawn chart", i+1, colours, white, total)
		}
	}
}

// pixelStats counts an image's distinct colours and its white pixels.
func pixelStats(img image.Image) (colours, white, total int) {
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
			if r>>8 == 0xff && g>>8 == 0xff && bl>>8 == 0xff {
				white++
			}
			total++
		}
	}
	return len(seen), white, total
}
