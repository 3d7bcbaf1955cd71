package runner_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/runner"
)

// TestSavedChartsShowInNbconvert runs a notebook that draws each kind of chart,
// saves it as gopad run does, and converts it with Debian's jupyter nbconvert
// (which knows nothing of gopad's chart type): the HTML shows every chart as its
// static picture. The tool must be installed (.ci/run installs
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
	charts := 0
	for _, c := range loaded.Cells {
		for _, o := range c.Outputs {
			if o.Data["application/vnd.gopad.echarts+json"] != nil {
				charts++
			}
		}
	}
	// The live training chart (its final state), the history result, pie,
	// gauge, confusion, ROC, PCA, radar, funnel, mixed, sankey.
	if charts != 11 {
		t.Fatalf("saved notebook holds %d charts, want 11 (live training chart, history, pie, gauge, confusion, ROC, PCA, radar, funnel, mixed, sankey)", charts)
	}
	// The saved pictures' content: three radar polygons, two funnel layers,
	// the mixed chart's line legend and pie slices, the sankey's note.
	// (Debian's nbconvert 6.5.3 passes SVG outputs through lxml's
	// clean_html, which keeps only the <svg> element and its text, so the
	// shapes are checked in the saved notebook, the titles in the HTML.)
	var pictures strings.Builder
	for _, c := range loaded.Cells {
		for _, o := range c.Outputs {
			if svg, ok := o.Data["image/svg+xml"].(string); ok {
				pictures.WriteString(svg)
			}
		}
	}
	for what, want := range map[string]int{
		`class="radar-area"`:                              3,
		`class="funnel-layer"`:                            2,
		`>first epochs<`:                                  1,
		`<title>other: 30 (66.7%)</title>`:                1,
		`series &#34;flows&#34; (sankey, 2 data items)`:   1,
		`Not drawn in this static picture (open the note`: 1,
	} {
		if n := strings.Count(pictures.String(), what); n != want {
			t.Errorf("the saved pictures have %d of %s, want %d", n, what, want)
		}
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
	svgs := len(regexp.MustCompile(`<svg[ >]`).FindAllString(page, -1))
	pngs := strings.Count(page, `src="data:image/png;base64,`)
	// Every chart and the gonum plot: an inline SVG or a PNG each.
	if svgs+pngs < charts+1 {
		t.Errorf("nbconvert's HTML shows %d SVG and %d PNG pictures for %d charts and 1 plot", svgs, pngs, charts)
	}
	for _, title := range []string{"Training history", "Samples per class", "Test accuracy", "Confusion matrix", "ROC curves", "a gonum plot",
		"Scores radar", "Confidence funnel", "Loss and classes", "Data flow"} {
		if !strings.Contains(page, title) {
			t.Errorf("nbconvert's HTML lacks the picture titled %q", title)
		}
	}
}
