package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestHistoryResultReadsWell checks issue 8 part 3 in the browser: the History
// that Fit returns, as a cell's result, is a short summary with its curves
// (drawn visibly in the output frame), not a dump of the struct.
func TestHistoryResultReadsWell(t *testing.T) {
	srv := startServer(t, "")
	name := writeNotebook(t, srv.Root, "history.gonb", []nbCell{{Type: "code", Source: `import "gopad/ml"

train, test := ml.Digits().Split(0.75, 1)
model := ml.Sequential(ml.Linear(64, 32), ml.ReLU(), ml.Linear(32, 10))
hist := model.Fit(train, ml.FitConfig{Epochs: 3, BatchSize: 64, Loss: ml.CrossEntropy(),
	Validation: test, Metrics: []string{"accuracy"}, Seed: 5})
hist`}})
	ctx, _ := newBrowser(t)
	openNotebook(t, ctx, srv, name)
	runCellByKeys(t, ctx, 0)
	waitIdle(t, ctx, kernelStarts+2*time.Minute)

	frames := outputFrames(t, ctx, "the history summary", `!!document.querySelector('.gopad-history')`, 1, 30*time.Second)
	f := frames[0]
	text := evalIn[string](t, f, `document.querySelector('.gopad-history').innerText`)
	if !strings.HasPrefix(text, "History: 3 epochs") {
		t.Errorf("the summary starts %q, want %q", strings.SplitN(text, "\n", 2)[0], "History: 3 epochs")
	}
	for _, want := range []string{"loss", "accuracy", "training seed 5"} {
		if !strings.Contains(text, want) {
			t.Errorf("the summary lacks %q:\n%s", want, text)
		}
	}
	// Short: a headline, a table of two rows and a note; not the struct's fields.
	if len(text) > 600 || strings.Contains(text, "Epochs:") || strings.Contains(text, "{") {
		t.Errorf("the summary is %d characters and reads like a struct dump:\n%s", len(text), text)
	}
	// Two charts (loss and accuracy), each a training and a validation curve,
	// drawn at a visible size.
	charts := evalIn[[]any](t, f, `Array.from(document.querySelectorAll('.gopad-history svg')).map(s => { const r = s.getBoundingClientRect(); return [r.width, r.height, s.querySelectorAll('path[fill="none"]').length]; })`)
	if len(charts) != 2 {
		t.Fatalf("%d charts in the summary, want 2 (loss and accuracy): %v", len(charts), charts)
	}
	for i, c := range charts {
		dims := c.([]any)
		w, h, curves := dims[0].(float64), dims[1].(float64), dims[2].(float64)
		if w < 100 || h < 60 || curves < 2 {
			t.Errorf("chart %d is %vx%v px with %v curves, want a visible chart with training and validation curves", i, w, h, curves)
		}
	}
	// The frame shows all of it: its height in the page covers its content. It
	// is the cell's last HTML frame (the training bar comes first).
	content := evalIn[float64](t, f, `document.body.getBoundingClientRect().height`)
	frame := evalJS[float64](t, ctx, fmt.Sprintf(`Array.from(%s.querySelectorAll('iframe.output-html')).pop().getBoundingClientRect().height`, jsCell(0)))
	if frame+1 < content || content < 100 {
		t.Errorf("the output frame is %v px high for %v px of content", frame, content)
	}
	// The text fallback is not shown beside the rich form.
	if page := evalJS[string](t, ctx, jsOutputText(0)); strings.Contains(page, "History:") {
		t.Errorf("the page shows the text form beside the frame: %q", page)
	}
}
