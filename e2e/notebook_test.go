package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Page queries shared by the tests.
const (
	jsCells      = `document.querySelectorAll('#cells > .cell')`
	jsKernel     = `(document.getElementById('kernel-status') || {dataset: {}}).dataset.state`
	jsRunning    = `document.querySelectorAll('#cells > .cell.running, #cells > .cell.queued').length`
	jsLoaded     = `document.body.dataset.notebookLoaded === "true"`
	kernelStarts = 60 * time.Second // first cell also starts the kernel process
)

func jsCell(i int) string { return fmt.Sprintf(`%s[%d]`, jsCells, i) }
func jsOutputText(i int) string {
	return fmt.Sprintf(`(%s.querySelector('.output-area').innerText)`, jsCell(i))
}
func jsSourceText(i int) string {
	return fmt.Sprintf(`(%s.querySelector('.cm-content').innerText)`, jsCell(i))
}

// openNotebook navigates to a notebook and waits for its snapshot to be drawn.
func openNotebook(t *testing.T, ctx context.Context, srv *gopadServer, name string) {
	t.Helper()
	do(t, ctx, "open "+name, chromedp.Navigate(srv.URL("/nb/"+name)))
	waitFor(t, ctx, "the notebook to load", jsLoaded, 20*time.Second)
}

// runCellByKeys selects cell i in command mode (click on its prompt) and presses Shift+Enter.
func runCellByKeys(t *testing.T, ctx context.Context, i int) {
	t.Helper()
	do(t, ctx, fmt.Sprintf("select cell %d", i),
		chromedp.Click(chromedp.CSS(fmt.Sprintf("#cells > .cell:nth-child(%d) .input-prompt", i+1))),
		shiftEnter(),
	)
}

func waitOutputContains(t *testing.T, ctx context.Context, i int, text string, timeout time.Duration) {
	t.Helper()
	// Fail at once, with the error, when the cell ended in an error instead.
	expr := fmt.Sprintf(`(() => { const c = %s[%d]; if (!c) return {}; const out = c.querySelector('.output-area').innerText;
		const err = c.querySelector('.output-error'); const busy = c.classList.contains('running') || c.classList.contains('queued');
		return {has: out.includes(%s), err: err && !busy ? err.innerText : ""}; })()`, jsCells, i, jsString(text))
	deadline := time.Now().Add(timeout)
	for {
		st, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
			Has bool   `json:"has"`
			Err string `json:"err"`
		}](expr))
		if err == nil && st.Has {
			return
		}
		if err == nil && st.Err != "" && !strings.Contains(text, "rror") {
			failShot(t, ctx)
			t.Fatalf("cell %d ended in an error instead of printing %q:\n%s", i, text, st.Err)
		}
		if time.Now().After(deadline) {
			failShot(t, ctx)
			out, _ := chromedp.Run(ctx, chromedp.Evaluate[string](jsOutputText(i)))
			t.Fatalf("timed out after %v waiting for cell %d output to contain %q (last error %v); output:\n%s", timeout, i, text, err, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func waitIdle(t *testing.T, ctx context.Context, timeout time.Duration) {
	t.Helper()
	waitFor(t, ctx, "no cell to be running", jsRunning+` === 0 && `+jsKernel+` !== "busy"`, timeout)
}

// TestListCreateTypeRunReload: open the list, create a notebook, type a cell, run it
// with Shift+Enter, see its output; reload and find the text and the output again,
// and find both saved in the file.
func TestListCreateTypeRunReload(t *testing.T) {
	srv := startServer(t, "")
	ctx, _ := newBrowser(t)

	do(t, ctx, "open the list", chromedp.Navigate(srv.URL("/")))
	waitFor(t, ctx, "the list to load", `document.body.dataset.treeLoaded === "true"`, 20*time.Second)
	if u := evalJS[string](t, ctx, `location.href`); strings.Contains(u, srv.Token) {
		t.Errorf("the token stays in the address bar after loading: %s", u)
	}
	screenshot(t, ctx, "01-list-empty")

	do(t, ctx, "click New notebook", chromedp.Click(chromedp.CSS("#btn-new")))
	waitFor(t, ctx, "the new notebook to open", `location.pathname.startsWith("/nb/") && `+jsLoaded, 20*time.Second)
	path := evalJS[string](t, ctx, `decodeURIComponent(location.pathname.slice(4))`)
	if !strings.HasSuffix(path, ".gonb") {
		t.Fatalf("New notebook opened %q, want a .gonb file", path)
	}
	if evalJS[int](t, ctx, jsCells+`.length`) == 0 {
		do(t, ctx, "add a first cell", chromedp.Click(chromedp.CSS(".nb-end")))
		waitFor(t, ctx, "a cell", jsCells+`.length === 1`, 10*time.Second)
	}

	// Type as a person does: key by key (bracket closing and indenting apply).
	do(t, ctx, "type a cell",
		chromedp.Click(chromedp.CSS("#cells > .cell:nth-child(1) .cm-content")),
		chromedp.KeyEvent(`import "fmt"`),
		key("Enter", "Enter", 13, 0),
		chromedp.KeyEvent(`fmt.Println("hello from gopad", 6*7)`),
	)
	const want = `fmt.Println("hello from gopad", 6*7)`
	if src := evalJS[string](t, ctx, jsSourceText(0)); !strings.Contains(src, want) {
		t.Fatalf("cell text after typing = %q, want it to contain %q", src, want)
	}
	start := time.Now()
	do(t, ctx, "Shift+Enter", shiftEnter())
	waitOutputContains(t, ctx, 0, "hello from gopad 42", kernelStarts)
	t.Logf("first run (kernel start included): output after %v", time.Since(start).Round(time.Millisecond))
	waitFor(t, ctx, "the [1]: prompt", jsCell(0)+`.querySelector('.input-prompt').textContent === "[1]:"`, 10*time.Second)
	// Shift+Enter on the last cell adds a cell below and puts the cursor in it.
	waitFor(t, ctx, "a new cell below, being edited", jsCells+`.length === 2 && document.activeElement.closest('.cell') === `+jsCell(1), 10*time.Second)
	screenshot(t, ctx, "02-typed-and-run")

	do(t, ctx, "reload", chromedp.Reload())
	waitFor(t, ctx, "the notebook to load after reload", jsLoaded, 20*time.Second)
	if src := evalJS[string](t, ctx, jsSourceText(0)); !strings.Contains(src, want) {
		t.Errorf("after reload the cell text is %q, want %q", src, want)
	}
	waitOutputContains(t, ctx, 0, "hello from gopad 42", 5*time.Second)
	// The run time is saved in the cell's metadata, so it survives the reload.
	if timing := evalJS[string](t, ctx, jsCell(0)+`.querySelector('.cell-timing').textContent`); !strings.HasPrefix(timing, "took ") {
		t.Errorf("after reload the cell timing is %q, want \"took ...\"", timing)
	}
	screenshot(t, ctx, "03-after-reload")

	// The server autosaves within seconds: the file has the source and the output.
	deadline := time.Now().Add(15 * time.Second)
	for {
		data, err := os.ReadFile(filepath.Join(srv.Root, filepath.FromSlash(path)))
		if err == nil && strings.Contains(string(data), `hello from gopad\", 6*7)`) && strings.Contains(string(data), "hello from gopad 42") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 15 s %s does not hold the typed source and its output (read error %v):\n%s", path, err, data)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

const importsCell = "import (\n\t\"fmt\"\n\t\"time\"\n)\n"

// TestStreamingOutputShowsBeforeCellEnds: a cell printing for 3 s shows its first
// lines while it still runs.
func TestStreamingOutputShowsBeforeCellEnds(t *testing.T) {
	srv := startServer(t, "")
	name := writeNotebook(t, srv.Root, "stream.gonb", []nbCell{
		{Type: "code", Source: importsCell},
		{Type: "code", Source: "for i := 0; i < 30; i++ {\n\tfmt.Println(\"tick\", i)\n\ttime.Sleep(100 * time.Millisecond)\n}\nfmt.Println(\"finished\")\n"},
	})
	ctx, _ := newBrowser(t)
	openNotebook(t, ctx, srv, name)
	runCellByKeys(t, ctx, 0)
	waitIdle(t, ctx, kernelStarts)

	start := time.Now()
	runCellByKeys(t, ctx, 1)
	waitOutputContains(t, ctx, 1, "tick 0", 10*time.Second)
	first := time.Since(start)
	// The cell is still running and has not finished printing.
	state := evalJS[map[string]any](t, ctx, fmt.Sprintf(`({running: %s.classList.contains('running'), out: %s, prompt: %s.querySelector('.input-prompt').textContent, timing: %s.querySelector('.cell-timing').textContent})`,
		jsCell(1), jsOutputText(1), jsCell(1), jsCell(1)))
	if state["running"] != true || strings.Contains(state["out"].(string), "finished") {
		t.Fatalf("first line seen but the cell is not shown as running mid-way: %v", state)
	}
	if state["prompt"] != "[*]:" {
		t.Errorf("running cell prompt = %q, want [*]:", state["prompt"])
	}
	if !strings.HasPrefix(state["timing"].(string), "running") {
		t.Errorf("running cell timing = %q, want a live 'running …' timer", state["timing"])
	}
	screenshot(t, ctx, "04-streaming")
	waitOutputContains(t, ctx, 1, "finished", 20*time.Second)
	total := time.Since(start)
	t.Logf("first line after %v, cell finished after %v", first.Round(time.Millisecond), total.Round(time.Millisecond))
	if first > total/2 {
		t.Errorf("first line arrived after %v of a %v run: output is not streamed", first, total)
	}
	out := evalJS[string](t, ctx, jsOutputText(1))
	for i := 0; i < 30; i++ {
		if !strings.Contains(out, fmt.Sprintf("tick %d\n", i)) {
			t.Errorf("output lacks line %q", fmt.Sprintf("tick %d", i))
		}
	}
	waitFor(t, ctx, "elapsed time", jsCell(1)+`.querySelector('.cell-timing').textContent.startsWith("took ")`, 5*time.Second)
	screenshot(t, ctx, "05-streamed")
}

// TestInterruptStopsRunningCell: I I in command mode interrupts a long cell; the kernel
// keeps its state and runs the next cell.
func TestInterruptStopsRunningCell(t *testing.T) {
	srv := startServer(t, "")
	name := writeNotebook(t, srv.Root, "interrupt.gonb", []nbCell{
		{Type: "code", Source: importsCell + "kept := \"state survives\"\n"},
		{Type: "code", Source: "for i := 0; i < 600; i++ {\n\tfmt.Println(\"tick\", i)\n\ttime.Sleep(100 * time.Millisecond)\n}\n"},
		{Type: "code", Source: "fmt.Println(\"after interrupt:\", kept)\n"},
	})
	ctx, _ := newBrowser(t)
	openNotebook(t, ctx, srv, name)
	runCellByKeys(t, ctx, 0)
	waitIdle(t, ctx, kernelStarts)
	runCellByKeys(t, ctx, 1)
	waitOutputContains(t, ctx, 1, "tick 3", 15*time.Second)
	start := time.Now()
	do(t, ctx, "I I", escape(), letter('i'), letter('i'))
	waitFor(t, ctx, "the cell to stop", jsCell(1)+`.classList.contains('running') === false`, 15*time.Second)
	t.Logf("interrupted after %v", time.Since(start).Round(time.Millisecond))
	out := evalJS[string](t, ctx, jsOutputText(1))
	if strings.Contains(out, "tick 599") {
		t.Fatalf("the cell ran to the end despite the interrupt")
	}
	screenshot(t, ctx, "06-interrupted")
	runCellByKeys(t, ctx, 2)
	waitOutputContains(t, ctx, 2, "after interrupt: state survives", 20*time.Second)
	if st := evalJS[string](t, ctx, jsKernel); st == "dead" {
		t.Errorf("kernel state after interrupt = %q", st)
	}
}

// TestRestartClearsState: Kernel restart (toolbar, confirmed) starts a fresh kernel:
// variables are gone, and the failing line is marked.
func TestRestartClearsState(t *testing.T) {
	srv := startServer(t, "")
	name := writeNotebook(t, srv.Root, "restart.gonb", []nbCell{
		{Type: "code", Source: "import \"fmt\"\nx := 41\n"},
		{Type: "code", Source: "import \"fmt\"\n\nfmt.Println(\"x is\", x+1)\n"},
	})
	ctx, _ := newBrowser(t)
	openNotebook(t, ctx, srv, name)
	runCellByKeys(t, ctx, 0)
	waitIdle(t, ctx, kernelStarts)
	runCellByKeys(t, ctx, 1)
	waitOutputContains(t, ctx, 1, "x is 42", 20*time.Second)

	do(t, ctx, "restart", chromedp.Click(chromedp.CSS("#btn-restart")))
	waitFor(t, ctx, "the confirmation dialog", `!!document.querySelector('.modal .btn-danger')`, 5*time.Second)
	screenshot(t, ctx, "07-restart-dialog")
	do(t, ctx, "confirm restart", chromedp.Click(chromedp.CSS(".modal .btn-danger")))
	waitFor(t, ctx, "the kernel to come back", jsKernel+` === "idle" || `+jsKernel+` === "none"`, kernelStarts)
	runCellByKeys(t, ctx, 1)
	waitFor(t, ctx, "an error output for the undefined variable", jsCell(1)+`.querySelector('.output-error') !== null`, kernelStarts)
	msg := evalJS[string](t, ctx, jsOutputText(1))
	if !strings.Contains(msg, "x") || strings.Contains(msg, "x is 42") {
		t.Fatalf("after restart, output = %q; want an error about undefined x", msg)
	}
	// The failing line (line 3: fmt.Println(... x+1)) is marked in the editor.
	waitFor(t, ctx, "the failing line to be marked", jsCell(1)+`.querySelector('.cm-error-line') !== null`, 5*time.Second)
	if line := evalJS[string](t, ctx, jsCell(1)+`.querySelector('.cm-error-line').textContent`); !strings.Contains(line, "x+1") {
		t.Errorf("marked line = %q, want the line using x", line)
	}
	screenshot(t, ctx, "08-after-restart")
}

// TestMarkdownRendersAndEdits: Markdown cells render (heading, list, table, code,
// link); double-click edits, Shift+Enter renders again.
func TestMarkdownRendersAndEdits(t *testing.T) {
	srv := startServer(t, "")
	md := "# Digits\n\nA *first* look:\n\n- load\n- train\n\n| model | accuracy |\n|---|---|\n| mlp | 0.97 |\n\n```go\nx := 1\n```\n\nSee [the docs](https://example.com/doc).\n\n<script>window.pwned = true</script>\n"
	name := writeNotebook(t, srv.Root, "md.gonb", []nbCell{{Type: "markdown", Source: md}, {Type: "code", Source: "1 + 1\n"}})
	ctx, _ := newBrowser(t)
	openNotebook(t, ctx, srv, name)
	got := evalJS[map[string]any](t, ctx, `(() => { const r = document.querySelector('.markdown-rendered'); return {
		h1: r.querySelector('h1') ? r.querySelector('h1').textContent : "",
		items: r.querySelectorAll('li').length,
		td: Array.from(r.querySelectorAll('td')).map(x => x.textContent).join(","),
		code: r.querySelector('pre code') ? r.querySelector('pre code').textContent : "",
		href: r.querySelector('a') ? r.querySelector('a').getAttribute('href') : "",
		em: r.querySelector('em') ? r.querySelector('em').textContent : "",
		script: r.querySelectorAll('script').length, pwned: !!window.pwned }; })()`)
	want := map[string]any{"h1": "Digits", "items": float64(2), "td": "mlp,0.97", "code": "x := 1\n", "href": "https://example.com/doc", "em": "first", "script": float64(0), "pwned": false}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("rendered Markdown %s = %#v, want %#v", k, got[k], v)
		}
	}
	screenshot(t, ctx, "09-markdown")

	do(t, ctx, "double-click to edit", chromedp.DoubleClick(chromedp.CSS(".markdown-rendered h1")))
	waitFor(t, ctx, "the Markdown editor", `document.querySelector('.markdown-cell .cm-editor') !== null && document.querySelector('.markdown-rendered').hidden`, 5*time.Second)
	do(t, ctx, "append text", key("End", "End", 35, chromedp.ModifierCtrl), insertText("\nAdded **later**.\n"), shiftEnter())
	waitFor(t, ctx, "the edited Markdown to render", `(() => { const s = document.querySelector('.markdown-rendered strong'); return !!s && s.textContent === "later" && !document.querySelector('.markdown-rendered').hidden; })()`, 5*time.Second)
	screenshot(t, ctx, "10-markdown-edited")
}

// TestOutputPrintedWhileBrowserClosedIsReplayed: close the browser while a cell
// prints, open a new one, and find everything printed meanwhile.
func TestOutputPrintedWhileBrowserClosedIsReplayed(t *testing.T) {
	srv := startServer(t, "")
	name := writeNotebook(t, srv.Root, "replay.gonb", []nbCell{
		{Type: "code", Source: importsCell},
		{Type: "code", Source: "for i := 0; i < 25; i++ {\n\tfmt.Println(\"step\", i)\n\ttime.Sleep(200 * time.Millisecond)\n}\nfmt.Println(\"all done\")\n"},
	})
	ctx, closeBrowser := newBrowser(t)
	openNotebook(t, ctx, srv, name)
	runCellByKeys(t, ctx, 0)
	waitIdle(t, ctx, kernelStarts)
	runCellByKeys(t, ctx, 1)
	waitOutputContains(t, ctx, 1, "step 1", 15*time.Second)
	screenshot(t, ctx, "11-before-close")
	closeBrowser()
	closedAt := time.Now()
	// The cell finishes with no tab open: the server saves its whole output.
	deadline := time.Now().Add(60 * time.Second)
	for {
		data, err := os.ReadFile(filepath.Join(srv.Root, name))
		if err == nil && strings.Contains(string(data), "all done") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 60 s with no tab open, %s does not hold the cell's last line (read error %v)", name, err)
		}
		time.Sleep(100 * time.Millisecond)
	}

	ctx2, _ := newBrowser(t)
	openNotebook(t, ctx2, srv, name)
	waitOutputContains(t, ctx2, 1, "all done", 20*time.Second)
	t.Logf("reopened %v after closing; output complete", time.Since(closedAt).Round(time.Millisecond))
	out := evalJS[string](t, ctx2, jsOutputText(1))
	last := -1
	for i := 0; i < 25; i++ {
		at := strings.Index(out, fmt.Sprintf("step %d\n", i))
		if at < 0 || at < last {
			t.Fatalf("replayed output lacks or misorders %q:\n%s", fmt.Sprintf("step %d", i), out)
		}
		last = at
	}
	screenshot(t, ctx2, "12-reopened")
}

// TestChartOutputRenders: a go-echarts chart from the display package draws on a
// canvas; a progress bar updates in place instead of adding outputs.
func TestChartOutputRenders(t *testing.T) {
	srv := startServer(t, "")
	name := writeNotebook(t, srv.Root, "chart.gonb", []nbCell{
		{Type: "code", Source: "import \"gopad/display\"\n\ndisplay.Show(display.LineChart(\"loss\", nil, map[string][]float64{\"train\": {1.2, 0.7, 0.45, 0.33, 0.3}, \"test\": {1.3, 0.8, 0.6, 0.5, 0.48}}))\n"},
		{Type: "code", Source: "import \"time\"\n\np := display.NewProgress(20, \"work\")\nfor i := 1; i <= 20; i++ {\n\ttime.Sleep(20 * time.Millisecond)\n\tp.Set(i, \"\")\n}\n"},
	})
	ctx, _ := newBrowser(t)
	openNotebook(t, ctx, srv, name)
	runCellByKeys(t, ctx, 0)
	waitFor(t, ctx, "a chart frame", jsCell(0)+`.querySelector('iframe.output-chart') !== null`, kernelStarts)
	frames := outputFrames(t, ctx, "a drawn chart", `document.body.className === 'chart' && !!document.querySelector('canvas')`, 1, 30*time.Second)
	size := evalIn[[]float64](t, frames[0], `(() => { const c = document.querySelector('canvas'); return [c.width, c.height]; })()`)
	if size[0] < 100 || size[1] < 100 {
		t.Errorf("chart canvas is %vx%v, want a drawn chart", size[0], size[1])
	}
	// Charts are drawn in their sandboxed frame, never by the page itself.
	if n := evalJS[int](t, ctx, `document.querySelectorAll('script[src*="echarts"]').length + (window.echarts ? 1 : 0)`); n != 0 {
		t.Errorf("the page itself loaded echarts (%d): chart options would be interpreted in gopad's origin", n)
	}
	runCellByKeys(t, ctx, 1)
	waitIdle(t, ctx, 30*time.Second)
	if n := evalJS[int](t, ctx, jsCell(1)+`.querySelectorAll('.output-item').length`); n != 1 {
		t.Errorf("progress bar left %d outputs, want 1 updated in place", n)
	}
	screenshot(t, ctx, "13-chart")
}

// TestLoadHundredCellNotebook measures how soon a 100-cell notebook with outputs is
// interactive after navigation (a figure for the log, not an assertion on time), and
// checks that everything is drawn.
func TestLoadHundredCellNotebook(t *testing.T) {
	srv := startServer(t, "")
	var cells []nbCell
	for i := 0; i < 100; i++ {
		if i%10 == 0 {
			cells = append(cells, nbCell{Type: "markdown", Source: fmt.Sprintf("## Section %d\n\nSome *text* with a [link](https://example.com) and a list:\n\n- one\n- two\n", i/10)})
			continue
		}
		src := fmt.Sprintf("// cell %d\nfunc f%d(x float64) float64 {\n\tif x > 1 {\n\t\treturn x * %d\n\t}\n\treturn x\n}\nfmt.Println(f%d(2))\n", i, i, i, i)
		outs := []map[string]any{{"output_type": "stream", "name": "stdout", "text": strings.Repeat(fmt.Sprintf("value %d\n", i), 5)}}
		switch i % 10 {
		case 3:
			rows := [][]any{}
			for r := 0; r < 20; r++ {
				rows = append(rows, []any{r, float64(r) * 0.5, fmt.Sprintf("row %d", r)})
			}
			outs = append(outs, map[string]any{"output_type": "display_data", "metadata": map[string]any{},
				"data": map[string]any{"application/vnd.gopad.table+json": map[string]any{"columns": []string{"n", "half", "label"}, "rows": rows}, "text/plain": "table"}})
		case 7:
			outs = append(outs, map[string]any{"output_type": "execute_result", "execution_count": i, "metadata": map[string]any{},
				"data": map[string]any{"text/plain": fmt.Sprintf("%d", i*i)}})
		}
		cells = append(cells, nbCell{Type: "code", Source: src, Outputs: outs})
	}
	name := writeNotebook(t, srv.Root, "big.gonb", cells)
	ctx, _ := newBrowser(t)
	// Warm the browser cache and the server session once, as a person reopening does.
	openNotebook(t, ctx, srv, name)
	var figures []float64
	for round := 0; round < 3; round++ {
		do(t, ctx, "leave the page", chromedp.Navigate("about:blank"))
		do(t, ctx, "open the big notebook", chromedp.Navigate(srv.URL("/nb/"+name)))
		waitFor(t, ctx, "the notebook to be interactive", `document.body.dataset.interactive === "true"`, 20*time.Second)
		ms := evalJS[float64](t, ctx, `window.gopadInteractiveMs`)
		figures = append(figures, ms)
	}
	if n := evalJS[int](t, ctx, jsCells+`.length`); n != 100 {
		t.Fatalf("drew %d cells, want 100", n)
	}
	// Cells far below start as plain previews and get their editors while the page idles.
	waitFor(t, ctx, "all 90 code editors", `document.querySelectorAll('.cm-editor').length === 90 && !document.querySelector('.source-preview')`, 20*time.Second)
	allEditors := evalJS[float64](t, ctx, `performance.now()`)
	if n := evalJS[int](t, ctx, `document.querySelectorAll('.data-table').length`); n != 10 {
		t.Errorf("%d tables, want 10", n)
	}
	phases := evalJS[map[string]float64](t, ctx, `(() => { const n = performance.getEntriesByType('navigation')[0]; const m = k => (performance.getEntriesByName(k)[0] || {startTime: -1}).startTime;
		return {responseEnd: n.responseEnd, domContentLoaded: n.domContentLoadedEventEnd, snapshotStart: m('gopad-snapshot-start'), snapshotEnd: m('gopad-snapshot-end'), interactive: window.gopadInteractiveMs}; })()`)
	t.Logf("last run phases (ms since navigation start): %v; all editors present by %.0f ms (upper bound)", phases, allEditors)
	sort.Float64s(figures)
	t.Logf("100-cell notebook interactive after navigation: median %.0f ms (runs: %.0f ms)", figures[1], figures)
	screenshot(t, ctx, "14-hundred-cells")
}

// TestStreamColoursAndCarriageReturns: ANSI colours become coloured text, and a
// progress line redrawn with "\r" shows only its last state.
func TestStreamColoursAndCarriageReturns(t *testing.T) {
	srv := startServer(t, "")
	name := writeNotebook(t, srv.Root, "ansi.gonb", []nbCell{
		{Type: "code", Source: importsCell},
		{Type: "code", Source: `for i := 1; i <= 5; i++ {
	fmt.Printf("\rprogress %d/5", i)
	time.Sleep(50 * time.Millisecond)
}
fmt.Println()
fmt.Println("\x1b[31mred text\x1b[0m and \x1b[1mbold\x1b[0m")
`},
	})
	ctx, _ := newBrowser(t)
	openNotebook(t, ctx, srv, name)
	runCellByKeys(t, ctx, 0)
	waitIdle(t, ctx, kernelStarts)
	runCellByKeys(t, ctx, 1)
	waitOutputContains(t, ctx, 1, "red text", 20*time.Second)
	got := evalJS[map[string]any](t, ctx, `(() => { const o = `+jsCell(1)+`.querySelector('.output-area');
		const spans = Array.from(o.querySelectorAll('span'));
		const red = spans.find(s => s.textContent === "red text"); const bold = spans.find(s => s.textContent === "bold");
		return {text: o.innerText, red: red ? getComputedStyle(red).color : "", bold: bold ? getComputedStyle(bold).fontWeight : ""}; })()`)
	text := got["text"].(string)
	if !strings.Contains(text, "progress 5/5") || strings.Contains(text, "progress 4/5") || strings.Contains(text, "\x1b") {
		t.Errorf("output text = %q; want only the last progress state and no escape codes", text)
	}
	if got["red"] != "rgb(196, 48, 43)" {
		t.Errorf("red text colour = %v, want rgb(196, 48, 43)", got["red"])
	}
	if got["bold"] != "700" {
		t.Errorf("bold text weight = %v, want 700", got["bold"])
	}
	screenshot(t, ctx, "25-ansi")
}

// TestRichOutputs: tables, images, JSON, Markdown and HTML from the display package
// are drawn; cell HTML sits in a sandboxed frame that cannot reach this page, and the
// frame is sized to its content.
func TestRichOutputs(t *testing.T) {
	srv := startServer(t, "")
	name := writeNotebook(t, srv.Root, "rich.gonb", []nbCell{{Type: "code", Source: `import (
	"image"
	"image/color"

	"gopad/display"
)

display.Show(display.Table([]string{"epoch", "loss"}, [][]any{{1, 0.9}, {2, 0.5}, {3, 0.25}}))
img := image.NewGray(image.Rect(0, 0, 40, 20))
for i := range img.Pix {
	img.Pix[i] = uint8(i)
}
display.Show(display.Image(img))
display.Show(display.JSON(map[string]any{"answer": 42}))
display.Show(display.Markdown("## Rich *outputs*"))
display.Show(display.HTML("<div id=\"tall\" style=\"height:180px;background:#eef\">tall html</div><script>try { parent.document.title = 'pwned' } catch (e) { document.getElementById('tall').textContent = 'blocked ' + e.name }</script>"))
_ = color.Black
`}})
	ctx, _ := newBrowser(t)
	openNotebook(t, ctx, srv, name)
	runCellByKeys(t, ctx, 0)
	waitFor(t, ctx, "five outputs", jsCell(0)+`.querySelectorAll('.output-item').length >= 5`, kernelStarts)
	waitIdle(t, ctx, 20*time.Second)
	got := evalJS[map[string]any](t, ctx, `(() => { const c = `+jsCell(0)+`; const f = c.querySelector('iframe.output-html');
		return {cells: Array.from(c.querySelectorAll('.data-table td')).map(td => td.textContent).join(","),
			img: !!c.querySelector('.output-image img[src^="data:image/png;base64,"]'),
			json: (c.querySelector('.output-json') || {}).textContent || "",
			md: (c.querySelector('.output-markdown h2') || {}).textContent || "",
			sandbox: f ? f.getAttribute('sandbox') : "", frameDoc: f ? f.contentDocument === null : false,
			title: document.title}; })()`)
	if got["cells"] != "1,0.9,2,0.5,3,0.25" {
		t.Errorf("table cells = %v", got["cells"])
	}
	if got["img"] != true {
		t.Errorf("no PNG image drawn")
	}
	if !strings.Contains(got["json"].(string), `"answer": 42`) {
		t.Errorf("JSON output = %q", got["json"])
	}
	if got["md"] != "Rich outputs" {
		t.Errorf("Markdown output heading = %q", got["md"])
	}
	if sb := got["sandbox"].(string); sb == "" || strings.Contains(sb, "allow-same-origin") {
		t.Errorf("HTML frame sandbox = %q; want a sandbox without allow-same-origin", sb)
	}
	if got["frameDoc"] != true {
		t.Errorf("the page can reach into the HTML frame's document: it is not cross-origin")
	}
	if strings.Contains(got["title"].(string), "pwned") {
		t.Errorf("cell HTML changed the page title: %q", got["title"])
	}
	// The frame (loaded lazily, when near the viewport) grows to its 180 px content.
	evalJS[bool](t, ctx, `document.querySelector('iframe.output-html').scrollIntoView(), true`)
	waitFor(t, ctx, "the HTML frame to size itself", `parseInt(`+jsCell(0)+`.querySelector('iframe.output-html').style.height) >= 180`, 10*time.Second)
	screenshot(t, ctx, "26-rich-outputs")
}

// TestKernelDeathNotice: a kernel killed by a panic in a goroutine shows as dead with
// a notice and its reason; Restart from the notice brings a working kernel back.
func TestKernelDeathNotice(t *testing.T) {
	srv := startServer(t, "")
	name := writeNotebook(t, srv.Root, "die.gonb", []nbCell{
		{Type: "code", Source: importsCell + "go func() { panic(\"kernel goes down\") }()\ntime.Sleep(2 * time.Second)\n"},
		{Type: "code", Source: "import \"fmt\"\n\nfmt.Println(\"alive again\")\n"},
	})
	ctx, _ := newBrowser(t)
	openNotebook(t, ctx, srv, name)
	runCellByKeys(t, ctx, 0)
	waitFor(t, ctx, "the kernel to be reported dead", jsKernel+` === "dead" && !document.getElementById('kernel-banner').hidden`, kernelStarts)
	banner := evalJS[string](t, ctx, `document.getElementById('kernel-banner').innerText`)
	if !strings.Contains(banner, "died") || !strings.Contains(banner, "Reason") {
		t.Errorf("dead-kernel notice = %q; want it to say the kernel died and why", banner)
	}
	// The cell shows the panic and where the goroutine started, not the
	// interpreter's Go stack.
	if out := evalJS[string](t, ctx, jsOutputText(0)); !strings.Contains(out, "panic: kernel goes down") ||
		!strings.Contains(out, "started at line 5 of cell #1") || strings.Contains(out, "yaegi") {
		t.Errorf("dying cell's output = %q; want the panic and the goroutine's cell line, without interpreter frames", out)
	}
	if n := evalJS[int](t, ctx, jsRunning); n != 0 {
		t.Errorf("%d cells still shown running after the kernel died", n)
	}
	screenshot(t, ctx, "27-kernel-died")
	do(t, ctx, "restart from the notice", chromedp.Click(chromedp.CSS("#kernel-banner button")))
	waitFor(t, ctx, "the notice to go", `document.getElementById('kernel-banner').hidden`, kernelStarts)
	runCellByKeys(t, ctx, 1)
	waitOutputContains(t, ctx, 1, "alive again", kernelStarts)
}

// TestTrivialCellRoundTrip measures, inside the page, how long a trivial cell takes
// from the Ctrl+Enter key press to its new [n] prompt being drawn (browser, websocket,
// server, kernel and back). The figure goes to the log; the test checks that every
// run was counted.
func TestTrivialCellRoundTrip(t *testing.T) {
	srv := startServer(t, "")
	name := writeNotebook(t, srv.Root, "trivial.gonb", []nbCell{{Type: "code", Source: "x := 1\n"}})
	ctx, _ := newBrowser(t)
	openNotebook(t, ctx, srv, name)
	runCellByKeys(t, ctx, 0) // starts the kernel
	waitIdle(t, ctx, kernelStarts)
	do(t, ctx, "select the cell", chromedp.Click(chromedp.CSS("#cells > .cell:nth-child(1) .input-prompt")))
	const runs = 30
	res := evalAwait[map[string]any](t, ctx, fmt.Sprintf(`(async () => {
		const cell = %s; const prompt = cell.querySelector('.input-prompt'); const times = [];
		for (let i = 0; i < %d; i++) {
			const before = prompt.textContent;
			const done = new Promise(resolve => {
				const mo = new MutationObserver(() => { const p = prompt.textContent; if (p !== before && p !== "[*]:") { mo.disconnect(); resolve(); } });
				mo.observe(prompt, {childList: true, characterData: true, subtree: true});
			});
			const t0 = performance.now();
			document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', ctrlKey: true, bubbles: true}));
			await done;
			times.push(performance.now() - t0);
			await new Promise(r => setTimeout(r, 20));
		}
		times.sort((a, b) => a - b);
		return {p50: times[Math.floor(times.length / 2)], p90: times[Math.floor(times.length * 0.9)], min: times[0], last: prompt.textContent};
	})()`, jsCell(0), runs))
	if last := res["last"].(string); last != fmt.Sprintf("[%d]:", runs+1) {
		t.Errorf("after %d runs the prompt is %s, want [%d]:", runs, last, runs+1)
	}
	t.Logf("trivial cell, key press to drawn [n] prompt over %d runs: p50 %.1f ms, p90 %.1f ms, min %.1f ms", runs, res["p50"], res["p90"], res["min"])

	// The same cell measured at the websocket, as the issue defines it: from the
	// browser sending "execute" to it receiving the kernel's idle status. It runs in
	// a page of its own (the same origin, so the token cookie applies) so that the
	// notebook app's rendering of the same broadcasts does not share its thread.
	// (API answers are sandboxed documents, so a static asset serves as that page.)
	do(t, ctx, "open a bare same-origin page", chromedp.Navigate(srv.Base+"/static/app.css"))
	ws := evalAwait[map[string]any](t, ctx, fmt.Sprintf(`(async () => {
		const ws = new WebSocket((location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + location.host + '/api/ws?path=' + encodeURIComponent(%q));
		let waiter = null, cellID = null;
		const snapshot = new Promise(resolve => ws.onmessage = (e) => {
			const m = JSON.parse(e.data);
			if (m.type === 'snapshot') { cellID = m.notebook.cells[0].id; resolve(); }
			if (waiter && m.type === 'kernel_status' && m.state === 'idle') { const w = waiter; waiter = null; w(); }
		});
		await snapshot;
		const times = [];
		for (let i = 0; i < %d; i++) {
			const idle = new Promise(resolve => waiter = resolve);
			const t0 = performance.now();
			ws.send(JSON.stringify({type: 'execute', cell_ids: [cellID]}));
			await idle;
			times.push(performance.now() - t0);
		}
		ws.close();
		times.sort((a, b) => a - b);
		return {p50: times[Math.floor(times.length / 2)], p90: times[Math.floor(times.length * 0.9)], n: times.length};
	})()`, name, runs))
	if n, _ := ws["n"].(float64); int(n) != runs {
		t.Fatalf("websocket round trips: got %v of %d", ws["n"], runs)
	}
	t.Logf("trivial cell, websocket execute to idle status in the browser over %d runs: p50 %.2f ms, p90 %.2f ms", runs, ws["p50"], ws["p90"])
}

// TestChartUpdatesInPlace: a chart shown under a display handle and updated while the
// cell runs (as a live loss curve is) stays one chart, redrawn with the new data. The
// cell pauses after five points until the test has looked, so the check does not
// depend on how fast a loaded machine draws.
func TestChartUpdatesInPlace(t *testing.T) {
	srv := startServer(t, "")
	goOn := filepath.Join(t.TempDir(), "go-on")
	name := writeNotebook(t, srv.Root, "live.gonb", []nbCell{{Type: "code", Source: `import (
	"os"
	"time"

	"gopad/display"
)

h := display.NewHandle()
ys := []float64{}
for i := 0; i < 15; i++ {
	for i == 5 {
		if _, err := os.Stat(` + fmt.Sprintf("%q", goOn) + `); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	ys = append(ys, 1/float64(i+1))
	chart := display.LineChart("live loss", nil, map[string][]float64{"loss": ys})
	if i == 0 {
		h.Show(chart)
	} else {
		h.Update(chart)
	}
}
`}})
	ctx, _ := newBrowser(t)
	openNotebook(t, ctx, srv, name)
	runCellByKeys(t, ctx, 0)
	const jsPoints = `(() => { const el = document.querySelector('div.chart'); const c = el && window.echarts && echarts.getInstanceByDom(el); return c ? c.getOption().series[0].data.length : -1; })()`
	frames := outputFrames(t, ctx, "a chart with five points", `document.body.className === 'chart' && `+jsPoints+` === 5`, 1, kernelStarts)
	// Mark the chart's frame and its drawing: an in-place update keeps both.
	evalJS[bool](t, ctx, jsCell(0)+`.querySelector('iframe.output-chart').dataset.mark = "first", true`)
	evalIn[bool](t, frames[0], `document.querySelector('div.chart').dataset.mark = "first", true`)
	if err := os.WriteFile(goOn, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, ctx, 30*time.Second)
	waitIn(t, frames[0], "all 15 points", jsPoints+` === 15`, 20*time.Second)
	if n := evalJS[int](t, ctx, jsCell(0)+`.querySelectorAll('iframe.output-chart').length`); n != 1 {
		t.Fatalf("%d charts after the updates, want 1", n)
	}
	if mark := evalJS[string](t, ctx, jsCell(0)+`.querySelector('iframe.output-chart').dataset.mark || ""`); mark != "first" {
		t.Errorf("the chart's frame was replaced instead of updated in place")
	}
	if mark := evalIn[string](t, frames[0], `document.querySelector('div.chart').dataset.mark || ""`); mark != "first" {
		t.Errorf("the chart was redrawn from scratch instead of updated in place")
	}
	screenshot(t, ctx, "28-live-chart")
}
