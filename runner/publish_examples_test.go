package runner_test

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopad.dev/gopad/ml"
	"gopad.dev/gopad/serving"
	"gopad.dev/gopad/serving/registry"
)

// The examples end by publishing their model and calling the endpoint from
// the next cell (issue 10, item 9). These helpers check what that left: the
// answer the cell printed and the version in the registry of the notebook's
// folder, with its lineage.

// endpointAnswer returns the JSON answer the notebook printed after calling
// model's endpoint: the line after "200 OK".
func endpointAnswer(t *testing.T, stdout, model string) (version string, outputs map[string][]any) {
	t.Helper()
	m := regexp.MustCompile(`(?m)^200 OK\n(\{"model_name":"` + regexp.QuoteMeta(model) + `".*\})$`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("the notebook printed no 200 answer of the %s endpoint:\n%s", model, stdout)
	}
	var ans struct {
		Version string `json:"model_version"`
		Outputs []struct {
			Name string `json:"name"`
			Data []any  `json:"data"`
		} `json:"outputs"`
	}
	if err := json.Unmarshal([]byte(m[1]), &ans); err != nil {
		t.Fatalf("answer %s: %v", m[1], err)
	}
	outputs = map[string][]any{}
	for _, o := range ans.Outputs {
		outputs[o.Name] = o.Data
	}
	return ans.Version, outputs
}

// publishedVersion opens the registry of the run's folder and returns the
// default version of name, which must be want.
func publishedVersion(t *testing.T, dir, name string, want int) registry.VersionInfo {
	t.Helper()
	reg, err := registry.Open(filepath.Join(dir, filepath.FromSlash(serving.RegistrySubdir)))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	info, err := reg.Get(name)
	if err != nil {
		t.Fatalf("the example published no %q: %v", name, err)
	}
	if info.Default != want || len(info.Versions) != want {
		t.Fatalf("%s: default version %d of %d, want %d of %d", name, info.Default, len(info.Versions), want, want)
	}
	vi, err := info.Version(want)
	if err != nil {
		t.Fatal(err)
	}
	return vi
}

func TestDigitsExamplePublishesAndCallsItsEndpoint(t *testing.T) {
	run := runExampleCells(t, "digits.gonb")
	stdout := run.stdout(t)
	version, outputs := endpointAnswer(t, stdout, "digits")
	vi := publishedVersion(t, run.dir, "digits", 1)
	if version != "1" {
		t.Errorf("the endpoint answered as version %s", version)
	}
	lin := vi.Lineage
	if lin.Notebook != "digits.gonb" || lin.Cell != "4e0c9a1f" || lin.Source != "cell" || !strings.HasPrefix(lin.ContentHash, "sha256:") {
		t.Errorf("lineage %+v", lin)
	}
	if lin.History == nil || len(lin.History.Epochs) != 30 || float64(lin.Metrics["accuracy"]) < 0.95 {
		t.Errorf("the version does not carry the 30-epoch history and the test accuracy: %+v %v", lin.History, lin.Metrics)
	}
	// The endpoint's label is what the published model predicts for the first
	// test image, by its class name.
	m, _, err := registryModel(t, run.dir, "digits")
	if err != nil {
		t.Fatal(err)
	}
	_, test := ml.Digits().Split(0.75, 0)
	want := test.ClassNames[m.PredictClasses(ml.FromSlice(test.X.Row(0).Data(), 1, 64))[0]]
	if got := outputs["label"]; len(got) != 1 || got[0] != want {
		t.Errorf("endpoint label %v, the published model predicts %q", got, want)
	}
	if !strings.Contains(stdout, "true digit: "+test.ClassNames[test.Labels()[0]]) {
		t.Errorf("the notebook did not print the true digit:\n%s", stdout)
	}
}

func TestLangIDExamplePublishesAndAnswersBonjourWithFrench(t *testing.T) {
	run := runExampleCells(t, "langid.gonb")
	_, outputs := endpointAnswer(t, run.stdout(t), "langid")
	if got := outputs["label"]; len(got) != 1 || got[0] != "French" {
		t.Errorf(`"bonjour" got the label %v, want "French"`, got)
	}
	if p := outputs["probabilities"]; len(p) != 6 {
		t.Errorf("probabilities %v, want one per language", p)
	}
	vi := publishedVersion(t, run.dir, "langid", 1)
	if vi.Lineage.Notebook != "langid.gonb" || vi.Lineage.Cell != "3f8e0b6a" || vi.Lineage.History == nil {
		t.Errorf("lineage %+v", vi.Lineage)
	}
}

// registryModel loads the default version of name from the run's registry.
func registryModel(t *testing.T, dir, name string) (*ml.Model, int, error) {
	t.Helper()
	reg, err := registry.Open(filepath.Join(dir, filepath.FromSlash(serving.RegistrySubdir)))
	if err != nil {
		return nil, 0, err
	}
	defer reg.Close()
	return reg.Load(name, 0)
}
