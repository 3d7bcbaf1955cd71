package display

import (
	"encoding/json"
	"strings"
	"testing"

	"gopad.dev/gopad/ml"
)

// seriesOf returns the chart option's series by name (the JSON the notebook
// receives).
func seriesOf(t *testing.T, b Bundle) map[string][]any {
	t.Helper()
	option, ok := b[MIMEECharts].(map[string]any)
	if !ok {
		t.Fatalf("bundle has no ECharts option: %v", b)
	}
	raw, err := json.Marshal(option)
	if err != nil {
		t.Fatal(err)
	}
	var o struct {
		Series []struct {
			Name string `json:"name"`
			Type string `json:"type"`
			Data []any  `json:"data"`
		} `json:"series"`
	}
	if err := json.Unmarshal(raw, &o); err != nil {
		t.Fatal(err)
	}
	out := map[string][]any{}
	for _, s := range o.Series {
		out[s.Type+":"+s.Name] = s.Data
	}
	return out
}

// TestSensitivityChart charts a real sensitivity analysis: one line per
// Linear layer with a point per ratio, the unpruned score dashed, the table
// as text.
func TestSensitivityChart(t *testing.T) {
	ml.SetSeed(1)
	train, val := ml.Digits().Split(0.75, 0)
	m := ml.Sequential(ml.Linear(64, 32), ml.ReLU(), ml.Linear(32, 10))
	m.Fit(train, ml.FitConfig{Epochs: 3, Loss: ml.CrossEntropy(), Seed: 1})
	res, err := ml.PruneSensitivity(m, val, []float64{0, 0.5, 0.9}, func(m *ml.Model, d ml.Dataset) float64 {
		return m.Evaluate(d, ml.CrossEntropy(), "accuracy").Metrics["accuracy"]
	})
	if err != nil {
		t.Fatal(err)
	}
	b := SensitivityChart(res)
	series := seriesOf(t, b)
	if len(series) != 3 {
		t.Errorf("series %v; want two layers and the unpruned line", series)
	}
	for i, name := range res.Layers {
		data := series["line:"+name]
		if len(data) != 3 {
			t.Fatalf("layer %s: %d points, want 3", name, len(data))
		}
		last := data[2].(map[string]any)["value"].([]any)
		if last[0].(float64) != 90 || last[1].(float64) != res.Scores[i][2] {
			t.Errorf("layer %s at 90%%: point %v, want [90 %v]", name, last, res.Scores[i][2])
		}
	}
	if base := series["line:unpruned"]; len(base) != 2 || base[0].(map[string]any)["value"].([]any)[1].(float64) != res.Base {
		t.Errorf("unpruned line %v; want the base score %v", base, res.Base)
	}
	if b[MIMEText] != res.String() {
		t.Errorf("text fallback %q; want the table", b[MIMEText])
	}
}

// TestCompressionChart charts a real CompressionSearch: the Pareto-optimal
// trials form their own series and the line, the best is marked, every trial
// appears once.
func TestCompressionChart(t *testing.T) {
	ml.SetSeed(2)
	d := ml.Digits().Slice(0, 300)
	res := ml.CompressionSearch(ml.Grid{"prune": {0, 0.5, 0.9}, "hidden": {8, 32}}, d, 2, 1,
		func(p ml.Params, train ml.Dataset) *ml.Model {
			m := ml.Sequential(ml.Linear(64, int(p["hidden"])), ml.ReLU(), ml.Linear(int(p["hidden"]), 10))
			m.Fit(train, ml.FitConfig{Epochs: 2, Loss: ml.CrossEntropy(), Seed: 1})
			if p["prune"] > 0 {
				if _, err := ml.Prune(m, ml.GlobalL1(p["prune"])); err != nil {
					panic(err)
				}
			}
			return m
		},
		func(m *ml.Model, val ml.Dataset) float64 {
			return m.Evaluate(val, ml.CrossEntropy(), "accuracy").Metrics["accuracy"]
		})
	b := CompressionChart(res)
	series := seriesOf(t, b)
	points := len(series["scatter:configurations"]) + len(series["scatter:Pareto front"]) + len(series["scatter:best score"])
	if points != len(res.Trials) || len(series["scatter:best score"]) != 1 {
		t.Errorf("%d points (%d best) for %d trials", points, len(series["scatter:best score"]), len(res.Trials))
	}
	front := res.Front()
	if got := series["line:Pareto front"]; len(got) != len(front) {
		t.Errorf("front line has %d points; the result's front %d", len(got), len(front))
	}
	for i, p := range series["line:Pareto front"] {
		v := p.(map[string]any)["value"].([]any)
		if int(v[0].(float64)) != front[i].Bytes || v[1].(float64) != front[i].CV.Mean {
			t.Errorf("front point %d: %v; want [%d %v]", i, v, front[i].Bytes, front[i].CV.Mean)
		}
	}
	best := series["scatter:best score"][0].(map[string]any)
	if best["name"] != res.Trials[res.Best].Params.String() {
		t.Errorf("best point named %v; want %s", best["name"], res.Trials[res.Best].Params)
	}
	if text, _ := b[MIMEText].(string); !strings.Contains(text, "pareto front:") {
		t.Errorf("text fallback %q lacks the front", text)
	}
}
