package notebooks_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"gopad.dev/gopad/display"
	"gopad.dev/gopad/kernel/celldisplay"
	"gopad.dev/gopad/kernel/engine"
	"gopad.dev/gopad/ml"
	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/serving"
	"gopad.dev/gopad/serving/registry"
)

func TestExamplesParseAndValidate(t *testing.T) {
	names := notebooks.ExampleNames()
	if len(names) == 0 || names[0] == "" {
		t.Fatal("no example notebooks embedded")
	}
	found := false
	dir := t.TempDir()
	for _, name := range names {
		found = found || name == "welcome.gonb"
		nb, err := notebooks.LoadExample(name)
		if err != nil {
			t.Fatal(err)
		}
		ks, _ := nb.Metadata["kernelspec"].(map[string]any)
		if ks["name"] != "gopad" || ks["language"] != "go" {
			t.Errorf("%s: kernelspec %v", name, ks)
		}
		code := 0
		for _, c := range nb.Cells {
			if c.Type == notebooks.CodeCell {
				code++
				if len(c.Outputs) != 0 {
					t.Errorf("%s: cell %s ships with outputs; examples are stored clean", name, c.ID)
				}
			}
		}
		if code == 0 {
			t.Errorf("%s has no code cells", name)
		}
		// Validate the embedded file itself and what Save writes from it.
		raw, err := fs.ReadFile(notebooks.Examples(), name)
		if err != nil {
			t.Fatal(err)
		}
		orig := filepath.Join(dir, "orig-"+name)
		os.WriteFile(orig, raw, 0o644)
		validateFile(t, orig)
		saved := filepath.Join(dir, name)
		if err := notebooks.Save(saved, nb); err != nil {
			t.Fatal(err)
		}
		validateFile(t, saved)
	}
	if !found {
		t.Errorf("welcome.gonb missing from %v", names)
	}
	if _, err := notebooks.LoadExample("nope.gonb"); err == nil || !strings.Contains(err.Error(), "welcome.gonb") {
		t.Errorf("LoadExample of a missing name: %v", err)
	}
}

func validateFile(t *testing.T, path string) {
	t.Helper()
	out, err := exec.Command("/usr/bin/python3", "-c",
		"import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=nbformat.NO_CONVERT))", path).CombinedOutput()
	if err != nil {
		if bytes.Contains(out, []byte("No module named 'nbformat'")) || errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("schema validation needs Debian's python3-nbformat (apt-get install python3-nbformat; .ci/run does it): %v\n%s", err, out)
		}
		t.Fatalf("nbformat rejects %s: %v\n%s", path, err, out)
	}
}

type recorder struct {
	mu   sync.Mutex
	msgs []published
}

type published struct {
	data   display.Bundle
	id     string
	update bool
}

func (r *recorder) Publish(data display.Bundle, _ map[string]any, id string, update bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, published{data, id, update})
}

// runExample runs every code cell of a bundled example, in order, in one cell
// engine set up like the kernel's (gopad's packages, celldisplay's additions
// and interface mappings), in process, and returns what the cells printed,
// the rendered value of each code cell, and what they published.
func runExample(t *testing.T, name string) (stdout string, results []display.Bundle, pubs []published) {
	t.Helper()
	// Examples write files next to the notebook (the digits model): keep them
	// out of the source tree.
	t.Chdir(t.TempDir())
	nb, err := notebooks.LoadExample(name)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	display.SetPublisher(rec)
	defer display.SetPublisher(nil)
	publishToTestEndpoints(t)

	var out bytes.Buffer
	eng, err := engine.New(engine.Options{Stdout: &out, Stderr: &out,
		Exports: celldisplay.Exports(), MapTypes: celldisplay.MapTypes(), RichInterfaces: celldisplay.RichInterfaces()})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range nb.Cells {
		if c.Type != notebooks.CodeCell {
			continue
		}
		res, err := eng.Execute(t.Context(), c.Source)
		if err != nil {
			t.Fatalf("%s: cell %s failed: %v\n%s", name, c.ID, err, c.Source)
		}
		var b display.Bundle
		if res.HasValue && res.Value.IsValid() && res.Value.CanInterface() {
			b = display.Render(res.Value.Interface())
		}
		results = append(results, b)
	}
	return out.String(), results, rec.msgs
}

func TestWelcomeRunsClean(t *testing.T) {
	stdout, results, pubs := runExample(t, "welcome.gonb")
	rec := &recorder{msgs: pubs}
	if got := stdout; got != "Hello from gopad!\n" {
		t.Errorf("printed %q", got)
	}
	texts := make([]string, len(results))
	for k, b := range results {
		texts[k] = b.String()
	}
	all := strings.Join(texts, "\n---\n")
	for _, want := range []string{
		"HELLO FROM GOPAD!",
		"Jupiter",
		"planet   moons  radius (km)  radius (Earths)",
		"line chart \"Two curves\", 2 series",
		"bar chart \"Known moons\", 1 series\n  moons: 8 points, min 0, max 146",
		"<image 320x160>",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no cell result shows %q; results:\n%s", want, all)
		}
	}
	// planets[:3] is a slice of a cell-defined struct: it renders as a table.
	var sliceTable any
	for _, b := range results {
		if tab, ok := b[display.MIMETable].(map[string]any); ok && reflect.DeepEqual(tab["columns"], []any{"Name", "Moons", "RadiusKm"}) {
			sliceTable = tab
		}
	}
	if sliceTable == nil {
		t.Errorf("planets[:3] did not render as a table; results:\n%s", all)
	}
	// One picture result; charts carry a PNG too (their static fallback),
	// beside the interactive chart.
	var pngs, charts int
	for _, b := range results {
		_, png := b[display.MIMEPNG]
		_, chart := b[display.MIMEECharts]
		switch {
		case png && chart:
			charts++
		case png:
			pngs++
		}
	}
	if pngs != 1 {
		t.Errorf("%d PNG results that are not charts, want 1", pngs)
	}
	if charts == 0 {
		t.Errorf("no chart result carries its PNG picture")
	}

	// Published outputs: Markdown, the progress bar and its updates, the status
	// line and its updates, two badges.
	ids := map[string][]published{}
	var order []string
	for _, m := range rec.msgs {
		if _, seen := ids[m.id]; !seen {
			order = append(order, m.id)
		}
		ids[m.id] = append(ids[m.id], m)
	}
	if len(order) != 5 {
		t.Fatalf("%d displayed outputs, want 5 (markdown, progress, status, 2 badges)", len(order))
	}
	progress := ids[order[1]]
	last := progress[len(progress)-1].data.String()
	if len(progress) < 10 || !strings.Contains(last, "40/40 (100%)") || !strings.Contains(last, "add up to 171.62") {
		t.Errorf("progress bar: %d messages, last %q", len(progress), last)
	}
	status := ids[order[2]]
	if len(status) != 4 || status[3].data[display.MIMEHTML] != "<b>finished</b>" || !status[3].update {
		t.Errorf("status line: %+v", status)
	}
	for k, want := range []string{"go: 1.26", "planets: 8"} {
		b := ids[order[3+k]][0].data
		if b.String() != want || !strings.Contains(b[display.MIMEHTML].(string), "background:#00add8") {
			t.Errorf("badge %d = %v", k, b)
		}
	}
}

func TestDigitsRunsClean(t *testing.T) {
	stdout, results, pubs := runExample(t, "digits.gonb")
	// The training cell's result is the History: its summary gives the final
	// validation accuracy on the val_accuracy line ("val_accuracy  final  best  epoch  curve").
	var accuracy float64
	var history string
	for _, b := range results {
		if text := b.String(); strings.HasPrefix(text, "History: ") {
			history = text
		}
	}
	for _, line := range strings.Split(history, "\n") {
		if f := strings.Fields(line); len(f) == 5 && f[0] == "val_accuracy" {
			fmt.Sscanf(f[1], "%f", &accuracy)
		}
	}
	// The PyTorch reference reaches 97.1% with this model; a broken training
	// loop or data set lands far below.
	if accuracy < 0.9 {
		t.Errorf("validation accuracy %v, want >= 0.9; the training cell's result:\n%s", accuracy, history)
	}
	if !strings.HasPrefix(history, "History: 30 epochs in ") {
		t.Errorf("the training cell's result does not summarise 30 epochs:\n%s", history)
	}
	// The published endpoint answered the cell's own request over HTTP.
	if !strings.Contains(stdout, "200 OK\n{") || !strings.Contains(stdout, `"outputs"`) {
		t.Errorf("the call of the published endpoint did not print 200 OK and an inference answer; printed:\n%s", stdout)
	}
	if want := "identical outputs on all 449 test images: true"; !strings.Contains(stdout, want) {
		t.Errorf("the saved and reloaded model does not print %q; printed:\n%s", want, stdout)
	}
	var texts []string
	for _, b := range results {
		texts = append(texts, b.String())
	}
	all := strings.Join(texts, "\n---\n")
	for _, want := range []string{
		"Dataset: 5 samples",
		"50,826 parameters",
		"true \\ predicted",
		"test sample  true digit  predicted",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no cell result shows %q; results:\n%s", want, all)
		}
	}
	var images int
	for _, m := range pubs {
		if _, ok := m.data[display.MIMEPNG]; ok {
			images++
		}
	}
	if images < 1 {
		t.Errorf("no digit images shown; published %d outputs", len(pubs))
	}
}

// publishToTestEndpoints makes ml.Publish in the examples' cells publish into
// a real registry in a temporary directory, served over real HTTP, as the
// notebook server does (without its lineage and credentials, which
// internal/publishing and the runner's tests check through a real kernel).
func publishToTestEndpoints(t *testing.T) {
	t.Helper()
	reg, err := registry.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := serving.NewFromRegistry(reg, serving.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ml.SetPublisher(nil)
		ts.Close()
		srv.Close()
		reg.Close()
	})
	ml.SetPublisher(func(m *ml.Model, name string) (*ml.Published, error) {
		vi, err := reg.Publish(name, m, registry.Lineage{Notebook: "example"})
		if err != nil {
			return nil, err
		}
		info, err := reg.Get(name)
		if err != nil {
			return nil, err
		}
		return &ml.Published{Name: name, Version: vi.Version, Default: info.Default == vi.Version,
			DefaultVersion: info.Default, Served: true, URL: ts.URL + "/v2/models/" + name, Registry: reg.Dir()}, nil
	})
}
