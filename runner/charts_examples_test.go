package runner_test

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"gopad.dev/gopad/kernel/protocol"
	"gopad.dev/gopad/ml"
	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/runner"
)

// runChartsExample runs a bundled example as `gopad run example:NAME -o out.gonb`
// and returns what it printed and the executed notebook, failing on any error
// output.
func runChartsExample(t *testing.T, name string) (string, *notebooks.Notebook) {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, "out.gonb")
	stdout, stderr, err := runIn(t, dir, runner.Options{Notebook: "example:" + name, Output: out})
	if err != nil {
		t.Fatalf("gopad run example:%s: %v\nstderr:\n%s", name, err, stderr)
	}
	nb, err := notebooks.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			if o.Type == notebooks.ErrorOutput {
				t.Errorf("cell %s has an error output: %s: %s", c.ID, o.EName, o.EValue)
			}
		}
	}
	return stdout, nb
}

// savedCharts returns the ECharts options of the saved notebook by title, and
// fails for a chart saved without a static picture.
func savedCharts(t *testing.T, nb *notebooks.Notebook) map[string]map[string]any {
	t.Helper()
	charts := map[string]map[string]any{}
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			opt, ok := o.Data[protocol.MIMEECharts].(map[string]any)
			if !ok {
				continue
			}
			title := ""
			if tm, ok := opt["title"].(map[string]any); ok {
				title, _ = tm["text"].(string)
			}
			if o.Data["image/svg+xml"] == nil && o.Data["image/png"] == nil {
				t.Errorf("chart %q saved without a static picture", title)
			}
			charts[title] = opt
		}
	}
	return charts
}

func chartWithPrefix(t *testing.T, charts map[string]map[string]any, prefix string) map[string]any {
	t.Helper()
	for title, opt := range charts {
		if strings.HasPrefix(title, prefix) {
			return opt
		}
	}
	var titles []string
	for title := range charts {
		titles = append(titles, title)
	}
	t.Fatalf("no chart titled %q...; charts: %q", prefix, titles)
	return nil
}

// TestRegressionExampleRuns: the regression example's least-squares fit is the
// one gonum computes here for the same split, its MLP is compared on the same
// test set, and its charts (correlation heatmap, predictions, history) are saved
// with their pictures.
func TestRegressionExampleRuns(t *testing.T) {
	stdout, nb := runChartsExample(t, "regression")

	// The same least squares in this process.
	train, test := ml.Diabetes().Split(0.8, 7)
	design := func(d ml.Dataset) *mat.Dense {
		x := ml.ToDense(d.X)
		n, f := x.Dims()
		a := mat.NewDense(n, f+1, nil)
		for i := 0; i < n; i++ {
			a.Set(i, 0, 1)
			for j := 0; j < f; j++ {
				a.Set(i, j+1, x.At(i, j))
			}
		}
		return a
	}
	var beta, pred mat.Dense
	if err := beta.Solve(design(train), ml.ToDense(train.Y)); err != nil {
		t.Fatal(err)
	}
	pred.Mul(design(test), &beta)
	p := ml.FromDense(&pred)
	want := fmt.Sprintf("test MSE %.1f, R² %.3f", ml.MSE(p, test.Y), ml.R2(p, test.Y))
	if !strings.Contains(stdout, want) {
		t.Errorf("the notebook did not print %q:\n%s", want, stdout)
	}
	for _, row := range []string{"least squares (gonum)", "MLP 10-32-1 (ml, MSE)", "mean of the training targets", "correlation with target"} {
		if !strings.Contains(stdout, row) {
			t.Errorf("output lacks %q", row)
		}
	}

	charts := savedCharts(t, nb)
	corr := chartWithPrefix(t, charts, "Correlation between")
	if cats := corr["xAxis"].(map[string]any)["data"].([]any); len(cats) != 11 || cats[10] != "progression" {
		t.Errorf("correlation heatmap columns %v", cats)
	}
	regs := 0
	for title := range charts {
		if strings.HasPrefix(title, "Regression: MSE ") {
			regs++
		}
	}
	if regs != 2 {
		t.Errorf("%d predicted-vs-true charts, want 2 (least squares, MLP)", regs)
	}
	chartWithPrefix(t, charts, fmt.Sprintf("Regression: MSE %.4g", ml.MSE(p, test.Y)))
	chartWithPrefix(t, charts, "Training history: 30 epochs")
}

// TestExploreExampleRuns: the exploration example's PCA shows every digit, its
// normal fit prints the share within one standard deviation computed here, and
// its charts are saved with their pictures.
func TestExploreExampleRuns(t *testing.T) {
	stdout, nb := runChartsExample(t, "explore")
	if !strings.Contains(stdout, "*mat.Dense 1797×64") {
		t.Errorf("the data matrix result lacks its shape:\n%.2000s", stdout)
	}
	ink := make([]float64, 0, 1797)
	d := ml.Digits()
	for i := 0; i < d.Len(); i++ {
		s := 0.0
		for _, v := range d.X.Row(i).Data() {
			s += float64(v)
		}
		ink = append(ink, s)
	}
	mean, sq := 0.0, 0.0
	for _, v := range ink {
		mean += v
	}
	mean /= float64(len(ink))
	for _, v := range ink {
		sq += (v - mean) * (v - mean)
	}
	std := sqrt(sq / float64(len(ink)-1))
	within := 0
	for _, v := range ink {
		if v > mean-std && v < mean+std {
			within++
		}
	}
	want := fmt.Sprintf("within one std: %.1f%% (normal: 68.3%%)", 100*float64(within)/float64(len(ink)))
	if !strings.Contains(stdout, want) {
		t.Errorf("the notebook did not print %q:\n%s", want, stdout)
	}

	charts := savedCharts(t, nb)
	pca := chartWithPrefix(t, charts, "PCA projection of 1797 rows")
	points := 0
	for _, s := range pca["series"].([]any) {
		points += len(s.(map[string]any)["data"].([]any))
	}
	if n := len(pca["series"].([]any)); n != 10 || points != 1797 {
		t.Errorf("PCA chart: %d series, %d points; want 10 digits, 1797 points", n, points)
	}
	chartWithPrefix(t, charts, "Mean image of the digit 3")
	chartWithPrefix(t, charts, "Ink per image")
	chartWithPrefix(t, charts, "Mean ink per digit")
}

func sqrt(v float64) float64 { return math.Sqrt(v) }
