package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// clickMenuItem clicks the menu item whose label starts with label.
func clickMenuItem(t *testing.T, ctx context.Context, label string) {
	t.Helper()
	ok := evalJS[bool](t, ctx, fmt.Sprintf(`(() => { const b = Array.from(document.querySelectorAll('.menu-item')).find(b => b.textContent.startsWith(%s)); if (!b) return false; b.click(); return true; })()`, jsString(label)))
	if !ok {
		failShot(t, ctx)
		t.Fatalf("no menu item %q", label)
	}
}

func outputText(t *testing.T, ctx context.Context, i int) string {
	t.Helper()
	return evalJS[string](t, ctx, `Array.from(`+jsCell(i)+`.querySelectorAll('.output-item')).map(o => o.innerText.trim()).join("\n")`)
}

func promptText(t *testing.T, ctx context.Context, i int) string {
	t.Helper()
	return evalJS[string](t, ctx, jsCell(i)+`.querySelector('.input-prompt').textContent`)
}

// TestRunVariantsClearAndRestartKeys covers the notebook page's run commands that
// the other browser tests leave out (issue 3 item 4): Ctrl+Enter (run, stay),
// Alt+Enter (run, insert below), run all, run above, run below, clear outputs,
// restart + run all (with the kernel status passing through restarting and busy),
// the 0 0 restart key, and syntax highlighting in the editor.
func TestRunVariantsClearAndRestartKeys(t *testing.T) {
	srv := startServer(t, "")
	name := writeNotebook(t, srv.Root, "runs.gonb", []nbCell{
		{Type: "code", Source: "var x = 10 // start"},
		{Type: "code", Source: "x += 1\nx"},
		{Type: "code", Source: "x * 100"},
	})
	ctx, _ := newBrowser(t)
	openNotebook(t, ctx, srv, name)

	// Syntax highlighting: the keyword, the number and the comment are coloured apart.
	// CodeMirror highlights after parsing, which a loaded machine may finish late.
	waitFor(t, ctx, "keyword, number and comment highlighted apart in cell 0", `new Set(Array.from(`+jsCell(0)+`.querySelectorAll('.cm-line span')).map(s => getComputedStyle(s).color)).size >= 2`, 20*time.Second)

	// Ctrl+Enter runs the selected cell and keeps it selected.
	do(t, ctx, "select cell 1, Ctrl+Enter", chromedp.Click(chromedp.CSS("#cells > .cell:nth-child(1) .input-prompt")), key("Enter", "Enter", 13, chromedp.ModifierCtrl))
	waitFor(t, ctx, "cell 0 to get an execution count", jsCell(0)+`.querySelector('.input-prompt').textContent === "[1]:"`, kernelStarts)
	waitIdle(t, ctx, 20*time.Second)
	if i := selectedIndex(t, ctx); i != 0 {
		t.Errorf("after Ctrl+Enter the selected cell is %d, want 0", i)
	}
	waitCells(t, ctx, 3)

	// Alt+Enter runs it and inserts a cell below.
	do(t, ctx, "Alt+Enter", key("Enter", "Enter", 13, chromedp.ModifierAlt))
	waitCells(t, ctx, 4)
	waitFor(t, ctx, "cell 0 to run again", jsCell(0)+`.querySelector('.input-prompt').textContent === "[2]:"`, 20*time.Second)
	if i := selectedIndex(t, ctx); i != 1 {
		t.Errorf("after Alt+Enter the selected cell is %d, want the new cell 1", i)
	}
	do(t, ctx, "Esc", escape())

	// Run all: cells 2 and 3 show 11 and 1100.
	do(t, ctx, "Run all", chromedp.Click(chromedp.CSS("#btn-run-all")))
	waitOutputContains(t, ctx, 3, "1100", 20*time.Second)
	waitIdle(t, ctx, 20*time.Second)
	if got := outputText(t, ctx, 2); got != "11" {
		t.Errorf("after run all cell 2 shows %q, want 11", got)
	}

	// Clear outputs empties every output area.
	do(t, ctx, "Clear outputs", chromedp.Click(chromedp.CSS("#btn-clear")))
	waitFor(t, ctx, "outputs to clear", `Array.from(`+jsCells+`).every(c => c.querySelectorAll('.output-item').length === 0)`, 10*time.Second)
	// As in Jupyter, clearing also forgets the execution counts and timings.
	waitFor(t, ctx, "counts and timings to clear", `Array.from(`+jsCells+`).every(c => c.querySelector('.cell-timing').textContent === '' && !/\[\d+\]/.test(c.querySelector('.input-prompt').textContent))`, 10*time.Second)

	// Run above from cell 2 runs cells 0 and 1 only; run below then runs 2 and 3.
	do(t, ctx, "select cell 2", chromedp.Click(chromedp.CSS("#cells > .cell:nth-child(3) .input-prompt")))
	before := promptText(t, ctx, 0)
	clickMenuItem(t, ctx, "Run all above")
	waitFor(t, ctx, "cell 0 to run again", jsCell(0)+`.querySelector('.input-prompt').textContent !== `+jsString(before), 20*time.Second)
	waitIdle(t, ctx, 20*time.Second)
	if got := outputText(t, ctx, 2); got != "" {
		t.Errorf("run above ran the selected cell 2: output %q", got)
	}
	do(t, ctx, "select cell 2", chromedp.Click(chromedp.CSS("#cells > .cell:nth-child(3) .input-prompt")))
	clickMenuItem(t, ctx, "Run selected and all below")
	waitOutputContains(t, ctx, 3, "1100", 20*time.Second)
	waitIdle(t, ctx, 20*time.Second)
	if got := outputText(t, ctx, 2); got != "11" {
		t.Errorf("after run below cell 2 shows %q, want 11", got)
	}

	// Restart + run all: counts start again at 1 and every cell ran in order. The
	// kernel status shows each state it passes through.
	evalJS[bool](t, ctx, `(() => { const el = document.getElementById('kernel-status'); window.auditStates = [];
		new MutationObserver(() => window.auditStates.push(el.dataset.state)).observe(el, {attributes: true, attributeFilter: ['data-state']}); return true; })()`)
	do(t, ctx, "restart and run all", chromedp.Click(chromedp.CSS("#btn-restart-run")))
	waitFor(t, ctx, "the confirmation dialog", `!!document.querySelector('.modal .btn-danger')`, 5*time.Second)
	do(t, ctx, "confirm", chromedp.Click(chromedp.CSS(".modal .btn-danger")))
	waitFor(t, ctx, "cell 0 to run first after the restart", jsCell(0)+`.querySelector('.input-prompt').textContent === "[1]:"`, kernelStarts)
	waitOutputContains(t, ctx, 3, "1100", 20*time.Second)
	waitIdle(t, ctx, 20*time.Second)
	states := evalJS[[]string](t, ctx, `window.auditStates`)
	if !slices.Contains(states, "restarting") || !slices.Contains(states, "busy") || states[len(states)-1] != "idle" {
		t.Errorf("kernel status went through %q; want restarting, busy and finally idle", states)
	}

	// 0 0 restarts after a confirmation: the state is gone.
	do(t, ctx, "select cell 3", chromedp.Click(chromedp.CSS("#cells > .cell:nth-child(4) .input-prompt")))
	do(t, ctx, "0 0", letter('0'), letter('0'))
	waitFor(t, ctx, "the restart confirmation", `!!document.querySelector('.modal .btn-danger')`, 5*time.Second)
	do(t, ctx, "confirm", chromedp.Click(chromedp.CSS(".modal .btn-danger")))
	waitFor(t, ctx, "the kernel to be back", jsKernel+` === "idle"`, kernelStarts)
	do(t, ctx, "run cell 3 alone", chromedp.Click(chromedp.CSS("#cells > .cell:nth-child(4) .input-prompt")), key("Enter", "Enter", 13, chromedp.ModifierCtrl))
	waitFor(t, ctx, "cell 3 to fail on the lost x", jsCell(3)+`.querySelector('.output-error') !== null && !`+jsCell(3)+`.classList.contains('running')`, kernelStarts)
	if got := outputText(t, ctx, 3); !strings.Contains(got, "undefined") || !strings.Contains(got, "x") {
		t.Errorf("after 0 0 cell 3 shows %q, want an undefined x error", got)
	}
	screenshot(t, ctx, "90-run-variants")
}

// TestLongOutputScrollsAndExpands checks issue 3 item 5's "long outputs scroll or
// collapse": a cell printing 400 lines gets a bounded scroll box whose toggle
// expands it to its full height, and a short output gets neither.
func TestLongOutputScrollsAndExpands(t *testing.T) {
	srv := startServer(t, "")
	name := writeNotebook(t, srv.Root, "long.gonb", []nbCell{
		{Type: "code", Source: "import \"fmt\"\nfor i := range 400 { fmt.Println(\"line\", i) }"},
		{Type: "code", Source: "fmt.Println(\"short\")"},
	})
	ctx, _ := newBrowser(t)
	openNotebook(t, ctx, srv, name)
	runCellByKeys(t, ctx, 0)
	waitOutputContains(t, ctx, 0, "line 399", kernelStarts)
	runCellByKeys(t, ctx, 1)
	waitOutputContains(t, ctx, 1, "short", 20*time.Second)
	waitIdle(t, ctx, 20*time.Second)

	type box struct {
		Collapsed bool `json:"collapsed"`
		Client    int  `json:"client"`
		Scroll    int  `json:"scroll"`
	}
	measure := func(i int) box {
		return evalJS[box](t, ctx, `(() => { const a = `+jsCell(i)+`.querySelector('.output-area'), l = a.querySelector('.output-list');
			return {collapsed: a.classList.contains('collapsed'), client: l.clientHeight, scroll: l.scrollHeight}; })()`)
	}
	long := measure(0)
	if !long.Collapsed || long.Client > 800 || long.Scroll <= long.Client {
		t.Errorf("400-line output: %+v; want a collapsed scroll box under 800 px holding more than it shows", long)
	}
	if short := measure(1); short.Collapsed {
		t.Errorf("one-line output is collapsed: %+v", short)
	}
	screenshot(t, ctx, "91-long-output-collapsed")
	do(t, ctx, "expand", chromedp.Click(chromedp.CSS("#cells > .cell:nth-child(1) .output-toggle")))
	waitFor(t, ctx, "the output to expand", `!`+jsCell(0)+`.querySelector('.output-area').classList.contains('collapsed')`, 5*time.Second)
	if open := measure(0); open.Client < long.Scroll-2 {
		t.Errorf("expanded output shows %d px of %d", open.Client, long.Scroll)
	}
}
