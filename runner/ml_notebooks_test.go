package runner_test

// These tests run the bundled ML examples (digits, langid) through real kernel
// processes and check what a user sees: the live training view (a progress bar
// and a loss chart that grows epoch by epoch), the evaluation, and a model saved
// to disk that loads back with identical predictions, also in another process.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopad.dev/gopad/kernel/client"
	"gopad.dev/gopad/kernel/kerneltest"
	"gopad.dev/gopad/kernel/protocol"
	"gopad.dev/gopad/ml"
	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/runner"
)

// cellRun is one executed code cell with every message the kernel sent for it.
type cellRun struct {
	cell *notebooks.Cell
	msgs []protocol.Message
}

// exampleRun is a bundled example executed cell by cell in a kernel whose working
// directory is dir.
type exampleRun struct {
	dir   string
	cells []cellRun
}

// runExampleCells runs every code cell of the bundled example name, in order, in a
// fresh kernel process working in a temporary directory (as `gopad run` does, but
// keeping each message), and fails the test at the first cell that fails.
func runExampleCells(t *testing.T, name string) *exampleRun {
	t.Helper()
	nb, err := notebooks.LoadExample(name)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	opts := kerneltest.Options()
	opts.Dir = t.TempDir()
	// The examples end by publishing their model: as under `gopad run`, into
	// the registry of the notebook's folder, served while the run lasts.
	pub, err := runner.NewPublisher(opts.Dir, name, nb)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	pub.KernelOptions(&opts)
	k, err := client.Start(ctx, opts)
	if err != nil {
		t.Fatalf("start kernel: %v", err)
	}
	defer k.Shutdown(context.Background())

	run := &exampleRun{dir: opts.Dir}
	for _, c := range nb.Cells {
		if c.Type != notebooks.CodeCell {
			continue
		}
		cr := cellRun{cell: c}
		pub.SetCell(c.ID)
		reply, err := k.Execute(ctx, c.Source, func(m protocol.Message) { cr.msgs = append(cr.msgs, m) })
		if err != nil {
			t.Fatalf("%s: cell %s: %v", name, c.ID, err)
		}
		if reply.Status != protocol.ReplyOK {
			t.Fatalf("%s: cell %s failed: %s: %s\n%s\nsource:\n%s", name, c.ID, reply.EName, reply.EValue,
				strings.Join(reply.Traceback, "\n"), c.Source)
		}
		run.cells = append(run.cells, cr)
	}
	return run
}

// stdout returns everything the cells printed to stdout.
func (r *exampleRun) stdout(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, c := range r.cells {
		for _, m := range c.msgs {
			if m.Type != protocol.Stream {
				continue
			}
			var s protocol.StreamContent
			if err := m.Decode(&s); err != nil {
				t.Fatalf("stream message: %v", err)
			}
			if s.Name == "stdout" {
				b.WriteString(s.Text)
			}
		}
	}
	return b.String()
}

// results returns the execute_result bundles of every cell, in order.
func (r *exampleRun) results(t *testing.T) []protocol.MIMEBundle {
	t.Helper()
	var out []protocol.MIMEBundle
	for _, c := range r.cells {
		for _, m := range c.msgs {
			if m.Type != protocol.ExecuteResult {
				continue
			}
			var res protocol.ExecuteResultContent
			if err := m.Decode(&res); err != nil {
				t.Fatalf("execute_result: %v", err)
			}
			out = append(out, res.Data)
		}
	}
	return out
}

// trainingCell returns the one cell that showed a live training chart (a grid
// search's live chart of scores is not one).
func (r *exampleRun) trainingCell(t *testing.T) cellRun {
	t.Helper()
	var found []cellRun
	for _, c := range r.cells {
		for _, m := range c.msgs {
			if m.Type == protocol.DisplayData && isTrainingChart(displayContent(t, m).Data[protocol.MIMEECharts]) {
				found = append(found, c)
				break
			}
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d cells showed an ECharts chart, want exactly one (the training cell)", len(found))
	}
	return found[0]
}

func displayContent(t *testing.T, m protocol.Message) protocol.DisplayDataContent {
	t.Helper()
	var d protocol.DisplayDataContent
	if err := m.Decode(&d); err != nil {
		t.Fatalf("%s message: %v", m.Type, err)
	}
	return d
}

// displayHistory returns the bundles a display went through: the display_data
// that showed it and every update_display_data for its id, in order.
func displayHistory(t *testing.T, msgs []protocol.Message, id string) []protocol.MIMEBundle {
	t.Helper()
	var out []protocol.MIMEBundle
	for _, m := range msgs {
		if m.Type != protocol.DisplayData && m.Type != protocol.UpdateDisplayData {
			continue
		}
		d := displayContent(t, m)
		if d.Transient.DisplayID != id {
			continue
		}
		if (m.Type == protocol.DisplayData) != (len(out) == 0) {
			t.Fatalf("display %s: %s out of order (shown once, then only updated)", id, m.Type)
		}
		out = append(out, d.Data)
	}
	return out
}

// firstDisplayID returns the display id of the first display_data whose bundle
// satisfies match, or fails.
func firstDisplayID(t *testing.T, msgs []protocol.Message, what string, match func(protocol.MIMEBundle) bool) string {
	t.Helper()
	for _, m := range msgs {
		if m.Type != protocol.DisplayData {
			continue
		}
		if d := displayContent(t, m); match(d.Data) {
			if d.Transient.DisplayID == "" {
				t.Fatalf("the %s has no display id, so it cannot be updated in place", what)
			}
			return d.Transient.DisplayID
		}
	}
	t.Fatalf("no %s was displayed", what)
	return ""
}

// chartSeries returns the points ([epoch, loss] pairs) of the named series of an
// ECharts option, as it travels in a bundle.
func chartSeries(t *testing.T, b protocol.MIMEBundle, name string) [][2]float64 {
	t.Helper()
	raw, err := json.Marshal(b[protocol.MIMEECharts])
	if err != nil {
		t.Fatal(err)
	}
	var option struct {
		Series []struct {
			Name string `json:"name"`
			Data []struct {
				Value []any `json:"value"`
			} `json:"data"`
		} `json:"series"`
	}
	if err := json.Unmarshal(raw, &option); err != nil {
		t.Fatalf("ECharts option: %v\n%s", err, raw)
	}
	for _, s := range option.Series {
		if s.Name != name {
			continue
		}
		points := make([][2]float64, len(s.Data))
		for i, d := range s.Data {
			if len(d.Value) != 2 {
				t.Fatalf("series %q point %d = %v, want [epoch, loss]", name, i, d.Value)
			}
			for j, v := range d.Value {
				f, ok := v.(float64)
				if !ok {
					t.Fatalf("series %q point %d = %v: not a number", name, i, d.Value)
				}
				points[i][j] = f
			}
		}
		return points
	}
	t.Fatalf("chart has no series %q:\n%s", name, raw)
	return nil
}

// configuredEpochs reads FitConfig's Epochs from the training cell's source.
func configuredEpochs(t *testing.T, c cellRun) int {
	t.Helper()
	m := regexp.MustCompile(`Epochs:\s*(\d+)`).FindStringSubmatch(c.cell.Source)
	if m == nil {
		t.Fatalf("training cell sets no Epochs:\n%s", c.cell.Source)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// checkTrainingView checks the live view of a training cell: a progress bar shown
// first and updated to completion, and a loss chart whose train and validation
// series grow with every update, one point per epoch, to the configured epochs.
func checkTrainingView(t *testing.T, c cellRun) {
	t.Helper()
	epochs := configuredEpochs(t, c)

	barID := firstDisplayID(t, c.msgs, "progress bar", func(b protocol.MIMEBundle) bool {
		h, _ := b["text/html"].(string)
		return strings.Contains(h, "<progress")
	})
	bar := displayHistory(t, c.msgs, barID)
	if len(bar) < 2 {
		t.Errorf("the progress bar was never updated (%d messages)", len(bar))
	}
	final, _ := bar[len(bar)-1]["text/html"].(string)
	complete := regexp.MustCompile(`<progress value="(\d+)" max="(\d+)"`).FindStringSubmatch(final)
	if complete == nil || complete[1] != complete[2] || !strings.Contains(final, fmt.Sprintf("done: %d epochs", epochs)) {
		t.Errorf("final progress bar is not complete after %d epochs:\n%s", epochs, final)
	}
	if text, _ := bar[len(bar)-1]["text/plain"].(string); !strings.Contains(text, "done:") {
		t.Errorf("progress bar has no text fallback saying it is done: %q", text)
	}

	chartID := firstDisplayID(t, c.msgs, "loss chart", func(b protocol.MIMEBundle) bool { return b[protocol.MIMEECharts] != nil })
	if chartID == barID {
		t.Fatal("the progress bar and the chart share a display id")
	}
	chart := displayHistory(t, c.msgs, chartID)
	if len(chart) < 2 {
		t.Fatalf("the loss chart was shown but never updated: %d messages", len(chart))
	}
	var lengths []int
	for i, b := range chart {
		train := chartSeries(t, b, "train loss")
		val := chartSeries(t, b, "validation loss")
		lengths = append(lengths, len(train))
		if len(val) != len(train) {
			t.Errorf("chart message %d: %d train points but %d validation points", i, len(train), len(val))
		}
		for k, p := range train {
			if p[0] != float64(k+1) {
				t.Errorf("chart message %d: train point %d is for epoch %v, want %d", i, k, p[0], k+1)
				break
			}
		}
		// Each refresh adds epochs; the last message, sent when training ends,
		// may repeat the points of the one before to add the chart's text.
		final := i == len(chart)-1
		if i > 0 && (len(train) < lengths[i-1] || !final && len(train) == lengths[i-1]) {
			t.Errorf("chart message %d has %d train points, not more than the %d before: %v", i, len(train), lengths[i-1], lengths)
		}
	}
	if text, _ := chart[len(chart)-1]["text/plain"].(string); text == "" {
		t.Error("the chart's last message, sent when training ended, has no text form")
	}
	if lengths[0] != 1 || lengths[len(lengths)-1] != epochs {
		t.Errorf("train loss points per chart message = %v, want from 1 up to %d epochs", lengths, epochs)
	}
	last := chartSeries(t, chart[len(chart)-1], "train loss")
	if last[len(last)-1][1] >= last[0][1]/2 {
		t.Errorf("training loss went from %v to %v: it did not learn", last[0][1], last[len(last)-1][1])
	}
	t.Logf("train loss points per chart message: %v; progress bar messages: %d", lengths, len(bar))
}

// number parses the first submatch of pattern in s, or fails.
func number(t *testing.T, s, pattern string) float64 {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("output lacks %q:\n%s", pattern, s)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatalf("%q in %q: %v", m[1], m[0], err)
	}
	return v
}

// tableResult returns the columns and rows of the first result table whose first
// column is named first.
func tableResult(t *testing.T, results []protocol.MIMEBundle, first string) (columns []any, rows [][]any) {
	t.Helper()
	for _, b := range results {
		raw, ok := b[protocol.MIMETable]
		if !ok {
			continue
		}
		data, _ := json.Marshal(raw)
		var tab struct {
			Columns []any   `json:"columns"`
			Rows    [][]any `json:"rows"`
		}
		if err := json.Unmarshal(data, &tab); err != nil {
			t.Fatalf("table result: %v", err)
		}
		if len(tab.Columns) > 0 && tab.Columns[0] == first {
			return tab.Columns, tab.Rows
		}
	}
	t.Fatalf("no result table with first column %q", first)
	return nil, nil
}

// checkSavedFiles checks that a model directory holds a non-empty artifact.
func checkSavedFiles(t *testing.T, dir string) {
	t.Helper()
	for _, name := range []string{"model.safetensors", "model.json"} {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("saved model: %v", err)
		} else if info.Size() == 0 {
			t.Errorf("saved model: %s is empty", name)
		}
	}
}

func TestDigitsExampleTrainsEvaluatesSavesAndLoads(t *testing.T) {
	run := runExampleCells(t, "digits.gonb")
	stdout := run.stdout(t)
	results := run.results(t)

	checkTrainingView(t, run.trainingCell(t))

	accuracy := number(t, stdout, `test accuracy ([0-9.]+), macro F1`)
	macroF1 := number(t, stdout, `macro F1 ([0-9.]+)`)
	if accuracy < 0.95 || macroF1 < 0.95 {
		t.Errorf("test accuracy %v, macro F1 %v; want both >= 0.95 (PyTorch reaches 0.971)", accuracy, macroF1)
	}
	testSize := int(number(t, stdout, `test: (\d+) samples`))

	// The confusion matrix is a table whose diagonal holds the correct answers.
	columns, rows := tableResult(t, results, `true \ predicted`)
	if len(columns) != 11 || len(rows) != 10 {
		t.Fatalf("confusion matrix is %d columns x %d rows, want 11 x 10", len(columns), len(rows))
	}
	total, correct := 0, 0
	for i, row := range rows {
		for j, v := range row[1:] {
			n, ok := v.(float64)
			if !ok {
				t.Fatalf("confusion matrix cell [%d][%d] = %v", i, j, v)
			}
			total += int(n)
			if i == j {
				correct += int(n)
			}
		}
	}
	if total != testSize || fmt.Sprintf("%.4f", float64(correct)/float64(total)) != fmt.Sprintf("%.4f", accuracy) {
		t.Errorf("confusion matrix: %d of %d on the diagonal; the notebook printed accuracy %v on %d samples", correct, total, accuracy, testSize)
	}

	// Saved next to the notebook, reloaded in the kernel with identical outputs...
	if want := fmt.Sprintf("identical outputs on all %d test images: true", testSize); !strings.Contains(stdout, want) {
		t.Errorf("the notebook did not report %q; printed:\n%s", want, stdout)
	}
	modelDir := filepath.Join(run.dir, "digits-model")
	checkSavedFiles(t, modelDir)
	// ...and in this process, where it predicts the same split as well.
	loaded, err := ml.Load(modelDir)
	if err != nil {
		t.Fatalf("load the notebook's model here: %v", err)
	}
	_, test := ml.Digits().Split(0.75, 0)
	if got := ml.AccuracyInts(loaded.PredictClasses(test.X), test.Labels()); fmt.Sprintf("%.4f", got) != fmt.Sprintf("%.4f", accuracy) {
		t.Errorf("the saved model scores %.4f here, the notebook printed %.4f", got, accuracy)
	}

	// The learning-rate search is a table with one best trial.
	_, trials := tableResult(t, results, "lr")
	best := 0
	for _, row := range trials {
		if row[len(row)-1] == "*" {
			best++
		}
	}
	if len(trials) < 2 || best != 1 {
		t.Errorf("grid search table has %d trials and %d marked best, want several and one: %v", len(trials), best, trials)
	}
}

func TestLangIDExampleTrainsEvaluatesSavesAndLoads(t *testing.T) {
	run := runExampleCells(t, "langid.gonb")
	stdout := run.stdout(t)
	results := run.results(t)

	checkTrainingView(t, run.trainingCell(t))

	// Six languages: chance is 1/6. The illustrative data is small, so the bar is
	// "clearly learned something from spelling", not a benchmark figure.
	accuracy := number(t, stdout, `test accuracy ([0-9.]+), macro F1`)
	trainAccuracy := number(t, stdout, `training words: loss [0-9.]+\s+accuracy ([0-9.]+)`)
	if accuracy < 0.5 || trainAccuracy < 0.95 {
		t.Errorf("test accuracy %v (want >= 0.5), training accuracy %v (want >= 0.95)", accuracy, trainAccuracy)
	}
	if !strings.Contains(stdout, "identical outputs on the test words and the new words: true") {
		t.Errorf("the notebook did not report identical outputs after loading; printed:\n%s", stdout)
	}

	// The saved model carries its vocabulary and language names: loaded in this
	// process, it gives the new words the languages the notebook showed.
	modelDir := filepath.Join(run.dir, "langid-model")
	checkSavedFiles(t, modelDir)
	loaded, err := ml.Load(modelDir)
	if err != nil {
		t.Fatalf("load the notebook's model here: %v", err)
	}
	vocab := &ml.Vocabulary{}
	if err := loaded.Meta("vocabulary", vocab); err != nil {
		t.Fatal(err)
	}
	if want := int(number(t, stdout, `Vocabulary\(char, (\d+) tokens`)); vocab.Size() != want {
		t.Errorf("saved vocabulary has %d tokens, the notebook's %d", vocab.Size(), want)
	}
	var languages []string
	if err := loaded.Meta("languages", &languages); err != nil {
		t.Fatal(err)
	}
	var sources strings.Builder
	for _, c := range run.cells {
		sources.WriteString(c.cell.Source + "\n")
	}
	maxLen := regexp.MustCompile(`MaxLen:\s*(\d+)`).FindStringSubmatch(sources.String())
	if maxLen == nil {
		t.Fatal("no cell sets the sequence length (MaxLen)")
	}
	n, _ := strconv.Atoi(maxLen[1])
	_, guesses := tableResult(t, results, "word")
	if len(guesses) == 0 {
		t.Fatal("no guesses shown")
	}
	var words, shown []string
	for _, row := range guesses {
		words = append(words, row[0].(string))
		shown = append(shown, row[1].(string))
	}
	classes := loaded.PredictClasses(vocab.EncodeBatch(words, ml.SeqOptions{MaxLen: n}))
	for i, c := range classes {
		if c < 0 || c >= len(languages) || languages[c] != shown[i] {
			t.Errorf("%q: the saved model says class %d (%v), the notebook showed %s", words[i], c, languages, shown[i])
		}
	}
}

// TestMLExamplesRunHeadless runs the examples the way `gopad run example:NAME -o
// out.gonb` does and checks the terminal output and the executed notebook: the
// training cell keeps the final state of the live chart, with every epoch.
func TestMLExamplesRunHeadless(t *testing.T) {
	for _, tc := range []struct {
		name, summary string
	}{
		{"digits", "reloaded model: identical outputs on all 449 test images: true"},
		{"langid", "identical outputs on the test words and the new words: true"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "out.gonb")
			opts := runner.Options{Notebook: "example:" + tc.name, Output: out}
			stdout, stderr, err := runIn(t, dir, opts)
			if err != nil {
				t.Fatalf("gopad run example:%s: %v\nstderr:\n%s", tc.name, err, stderr)
			}
			for _, want := range []string{"done:", "line chart \"loss and accuracy per epoch\"", tc.summary} {
				if !strings.Contains(stdout, want) {
					t.Errorf("terminal output lacks %q:\n%s", want, stdout)
				}
			}
			nb, err := notebooks.Load(out)
			if err != nil {
				t.Fatal(err)
			}
			var chartPoints []int
			for _, c := range nb.Cells {
				for _, o := range c.Outputs {
					if o.Type == notebooks.ErrorOutput {
						t.Errorf("cell %s has an error output: %s: %s", c.ID, o.EName, o.EValue)
					}
					if o.Data[protocol.MIMEECharts] != nil && isTrainingChart(o.Data[protocol.MIMEECharts]) {
						// The saved training chart carries its final state as a
						// picture too, for viewers without gopad (issue 13).
						if o.Data["image/svg+xml"] == nil && o.Data["image/png"] == nil {
							t.Errorf("the saved training chart has no static picture: %v", keysOf(o.Data))
						}
						chartPoints = append(chartPoints, len(chartSeries(t, protocol.MIMEBundle(o.Data), "train loss")))
						if want := configuredEpochs(t, cellRun{cell: c}); chartPoints[len(chartPoints)-1] != want {
							t.Errorf("saved chart has %d points, want one per epoch (%d)", chartPoints[len(chartPoints)-1], want)
						}
					}
				}
			}
			if len(chartPoints) != 1 {
				t.Errorf("executed notebook holds %d training charts, want 1", len(chartPoints))
			}
		})
	}
}

// isTrainingChart reports whether an ECharts option is the live training
// chart's (it has a "train loss" series); the examples draw other charts too.
func isTrainingChart(option any) bool {
	m, _ := option.(map[string]any)
	series, _ := m["series"].([]any)
	for _, s := range series {
		if sm, ok := s.(map[string]any); ok && sm["name"] == "train loss" {
			return sm["type"] == "line" && hasValueObjects(sm["data"])
		}
	}
	return false
}

// hasValueObjects reports whether series data are {"value": ...} objects, as
// the live training chart (go-echarts) writes them.
func hasValueObjects(data any) bool {
	list, _ := data.([]any)
	if len(list) == 0 {
		return false
	}
	_, ok := list[0].(map[string]any)
	return ok
}

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// runIn runs opts with a kernel working in dir.
func runIn(t *testing.T, dir string, opts runner.Options) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut strings.Builder
	opts.Stdout, opts.Stderr = &out, &errOut
	opts.Kernel = kerneltest.Options()
	opts.Kernel.Dir = dir
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	err = runner.Run(ctx, opts)
	return out.String(), errOut.String(), err
}
