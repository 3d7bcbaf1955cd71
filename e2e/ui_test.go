package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// cellSummary lists the cells as "type:first line" for compact comparisons.
func cellSummary(t *testing.T, ctx context.Context) []string {
	t.Helper()
	return evalJS[[]string](t, ctx, `Array.from(`+jsCells+`).map(c => c.dataset.cellType + ":" + ((c.querySelector('.cm-content') || {innerText: ""}).innerText.split("\n")[0]))`)
}

func selectedIndex(t *testing.T, ctx context.Context) int {
	t.Helper()
	return evalJS[int](t, ctx, `Array.from(`+jsCells+`).findIndex(c => c.classList.contains('selected'))`)
}

func waitCells(t *testing.T, ctx context.Context, n int) {
	t.Helper()
	waitFor(t, ctx, fmt.Sprintf("%d cells", n), fmt.Sprintf(`%s.length === %d`, jsCells, n), 5*time.Second)
}

// TestCommandModeKeys drives Jupyter's command-mode keys and the structural edits
// (insert, delete, undo delete, change type, split, merge, move) and checks that the
// server kept the result (a reload shows it).
func TestCommandModeKeys(t *testing.T) {
	srv := startServer(t, "")
	name := writeNotebook(t, srv.Root, "keys.gonb", []nbCell{{Type: "code", Source: "a := 1\n"}, {Type: "code", Source: "b := 2\n"}})
	ctx, _ := newBrowser(t)
	openNotebook(t, ctx, srv, name)

	do(t, ctx, "select cell 0", chromedp.Click(chromedp.CSS("#cells > .cell:nth-child(1) .input-prompt")))
	if m := evalJS[string](t, ctx, `document.body.dataset.mode`); m != "command" {
		t.Fatalf("mode after clicking the prompt = %q, want command", m)
	}
	do(t, ctx, "B", letter('b'))
	waitCells(t, ctx, 3)
	if i := selectedIndex(t, ctx); i != 1 {
		t.Errorf("after B the selected cell is %d, want the new cell 1", i)
	}
	do(t, ctx, "A", letter('a'))
	waitCells(t, ctx, 4)
	if i := selectedIndex(t, ctx); i != 1 {
		t.Errorf("after A the selected cell is %d, want the new cell 1", i)
	}
	do(t, ctx, "J J", letter('j'), letter('j'))
	if i := selectedIndex(t, ctx); i != 3 {
		t.Fatalf("after J J the selected cell is %d, want 3", i)
	}
	do(t, ctx, "D D", letter('d'), letter('d'))
	waitCells(t, ctx, 3)
	if got := cellSummary(t, ctx); got[2] != "code:" && got[1] != "code:" {
		t.Errorf("after D D cells are %q", got)
	}
	do(t, ctx, "Z", letter('z'))
	waitCells(t, ctx, 4)
	if got := cellSummary(t, ctx); got[3] != "code:b := 2" {
		t.Errorf("Z restored %q, want the deleted cell back at the end: %q", got[3], got)
	}
	do(t, ctx, "K K K", letter('k'), letter('k'), letter('k'))
	do(t, ctx, "M", letter('m'))
	waitFor(t, ctx, "cell 0 to become Markdown", jsCell(0)+`.dataset.cellType === "markdown"`, 5*time.Second)
	do(t, ctx, "Y", letter('y'))
	waitFor(t, ctx, "cell 0 to become code again", jsCell(0)+`.dataset.cellType === "code"`, 5*time.Second)

	// Enter edits; type two lines; split at the start of the second; merge back.
	do(t, ctx, "J Enter", letter('j'), key("Enter", "Enter", 13, 0))
	waitFor(t, ctx, "edit mode in cell 1", `document.body.dataset.mode === "edit" && document.activeElement.closest('.cell') === `+jsCell(1), 5*time.Second)
	do(t, ctx, "type", insertText("c := 3\nd := 4"))
	do(t, ctx, "cursor to line 2 start", key("ArrowUp", "ArrowUp", 38, 0), key("End", "End", 35, 0), key("ArrowDown", "ArrowDown", 40, 0), key("Home", "Home", 36, 0))
	do(t, ctx, "Ctrl+Shift+- splits", key("_", "Minus", 189, chromedp.ModifierCtrl|chromedp.ModifierShift))
	waitCells(t, ctx, 5)
	if got := cellSummary(t, ctx); got[1] != "code:c := 3" || got[2] != "code:d := 4" {
		t.Fatalf("after split cells are %q, want c := 3 and d := 4 in cells 1 and 2", got)
	}
	do(t, ctx, "Esc, select cell 1, Shift+M merges", escape())
	do(t, ctx, "select cell 1", chromedp.Click(chromedp.CSS("#cells > .cell:nth-child(2) .input-prompt")), key("M", "KeyM", 77, chromedp.ModifierShift))
	waitCells(t, ctx, 4)
	if src := evalJS[string](t, ctx, jsSourceText(1)); src != "c := 3\nd := 4" {
		t.Errorf("merged cell = %q, want %q", src, "c := 3\nd := 4")
	}
	do(t, ctx, "move down", chromedp.Click(chromedp.CSS("#btn-down")))
	waitFor(t, ctx, "the cell to move down", jsSourceText(2)+` === "c := 3\nd := 4"`, 5*time.Second)
	screenshot(t, ctx, "15-command-keys")
	// The selected cell's own toolbar deletes it; Z brings it back.
	do(t, ctx, "delete with the cell toolbar", chromedp.Click(chromedp.CSS(`#cells > .cell.selected .cell-tool[data-tool="delete"]`)))
	waitCells(t, ctx, 3)
	do(t, ctx, "Z", letter('z'))
	waitCells(t, ctx, 4)

	want := cellSummary(t, ctx)
	// Every change has reached the server once it reports the notebook saved.
	waitFor(t, ctx, "the changes to be saved", `document.getElementById('save-status').dataset.state === 'saved'`, 20*time.Second)
	do(t, ctx, "reload", chromedp.Reload())
	waitFor(t, ctx, "reload", jsLoaded, 20*time.Second)
	if got := cellSummary(t, ctx); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("after reload cells are %q, want %q", got, want)
	}
}

// TestListActions: rename, duplicate, delete (with confirmation), upload, open an
// example as a copy, and shut down a running kernel, all from the list page.
func TestListActions(t *testing.T) {
	srv := startServer(t, "")
	writeNotebook(t, srv.Root, "a.gonb", []nbCell{{Type: "code", Source: "1 + 1\n"}})
	upload := filepath.Join(t.TempDir(), "uploaded.ipynb")
	writeNotebook(t, filepath.Dir(upload), "uploaded.ipynb", []nbCell{{Type: "markdown", Source: "# Uploaded\n"}})
	ctx, _ := newBrowser(t)
	do(t, ctx, "open the list", chromedp.Navigate(srv.URL("/")))
	waitFor(t, ctx, "a.gonb in the list", `!!document.querySelector('.file-row[data-path="a.gonb"]')`, 20*time.Second)
	rows := func() []string {
		return evalJS[[]string](t, ctx, `Array.from(document.querySelectorAll('#file-list .file-row[data-path]')).map(r => r.dataset.path)`)
	}

	do(t, ctx, "duplicate", chromedp.Click(chromedp.CSS(`.file-row[data-path="a.gonb"] button[title="Make a copy"]`)))
	waitFor(t, ctx, "the copy", `document.querySelectorAll('#file-list .file-row[data-path]').length === 2`, 10*time.Second)

	do(t, ctx, "rename", chromedp.Click(chromedp.CSS(`.file-row[data-path="a.gonb"] button[title="Rename"]`)))
	waitFor(t, ctx, "the rename dialog", `!!document.querySelector('.modal input')`, 5*time.Second)
	do(t, ctx, "type the new name", chromedp.SetValue(chromedp.CSS(".modal input"), "renamed.gonb"), chromedp.Click(chromedp.CSS(".modal .btn-primary")))
	waitFor(t, ctx, "renamed.gonb", `!!document.querySelector('.file-row[data-path="renamed.gonb"]') && !document.querySelector('.file-row[data-path="a.gonb"]')`, 10*time.Second)
	if _, err := os.Stat(filepath.Join(srv.Root, "renamed.gonb")); err != nil {
		t.Errorf("renamed file not on disk: %v", err)
	}

	do(t, ctx, "delete", chromedp.Click(chromedp.CSS(`.file-row[data-path="renamed.gonb"] button[title="Delete"]`)))
	waitFor(t, ctx, "the delete confirmation", `!!document.querySelector('.modal .btn-danger')`, 5*time.Second)
	screenshot(t, ctx, "16-delete-confirm")
	if _, err := os.Stat(filepath.Join(srv.Root, "renamed.gonb")); err != nil {
		t.Fatalf("the file went before the deletion was confirmed: %v", err)
	}
	do(t, ctx, "confirm", chromedp.Click(chromedp.CSS(".modal .btn-danger")))
	waitFor(t, ctx, "the row to go", `!document.querySelector('.file-row[data-path="renamed.gonb"]')`, 10*time.Second)
	if _, err := os.Stat(filepath.Join(srv.Root, "renamed.gonb")); !os.IsNotExist(err) {
		t.Errorf("deleted file still on disk (stat error %v)", err)
	}

	do(t, ctx, "upload", chromedp.SetUploadFiles(chromedp.CSS("#upload-input"), []string{upload}))
	waitFor(t, ctx, "the uploaded notebook", `!!document.querySelector('.file-row[data-path="uploaded.ipynb"]')`, 10*time.Second)
	t.Logf("list rows: %q", rows())
	// The download links of the list answer with the notebook in each format.
	for _, format := range []string{"gonb", "ipynb", "html"} {
		res := evalAwait[map[string]any](t, ctx, fmt.Sprintf(`(async () => { const a = document.querySelector('.file-row[data-path="uploaded.ipynb"] .download-select option[value=%q]');
			const r = await fetch('/api/contents/download?path=uploaded.ipynb&format=%s'); const body = await r.text();
			return {status: r.status, option: !!a, hasTitle: body.includes("Uploaded")}; })()`, format, format))
		if res["status"] != float64(200) || res["option"] != true || res["hasTitle"] != true {
			t.Errorf("download as %s: %v", format, res)
		}
	}
	screenshot(t, ctx, "17-list-actions")

	// Examples open as copies in the served folder (under examples/).
	if n := evalJS[int](t, ctx, `document.querySelectorAll('.example-card').length`); n == 0 {
		t.Errorf("no bundled examples listed")
	} else {
		do(t, ctx, "open the first example", chromedp.Click(chromedp.CSS(".example-card")))
		waitFor(t, ctx, "the example copy to open", `location.pathname.startsWith("/nb/") && `+jsLoaded, 20*time.Second)
		path := evalJS[string](t, ctx, `decodeURIComponent(location.pathname.slice(4))`)
		if _, err := os.Stat(filepath.Join(srv.Root, filepath.FromSlash(path))); err != nil {
			t.Errorf("the example copy %q is not in the root: %v", path, err)
		}
		screenshot(t, ctx, "18-example")
	}

	// A running kernel is listed and can be shut down.
	openNotebook(t, ctx, srv, "uploaded.ipynb")
	do(t, ctx, "insert a code cell and run it", chromedp.Click(chromedp.CSS("#cells > .cell:nth-child(1)")), letter('b'))
	waitCells(t, ctx, 2)
	do(t, ctx, "type", key("Enter", "Enter", 13, 0), insertText("x := 1"), shiftEnter())
	waitIdle(t, ctx, kernelStarts)
	do(t, ctx, "back to the list", chromedp.Navigate(srv.URL("/")))
	waitFor(t, ctx, "the running kernel", `!!document.querySelector('.kernel-row[data-path="uploaded.ipynb"]')`, 20*time.Second)
	screenshot(t, ctx, "19-running-kernels")
	do(t, ctx, "shut down", chromedp.Click(chromedp.CSS(`.kernel-row[data-path="uploaded.ipynb"] button`)))
	waitFor(t, ctx, "the kernel to go", `!document.querySelector('.kernel-row[data-path="uploaded.ipynb"]')`, 20*time.Second)
}

// TestTabCompletion: Tab after "fmt.Pri" asks the kernel and offers Println.
func TestTabCompletion(t *testing.T) {
	srv := startServer(t, "")
	name := writeNotebook(t, srv.Root, "complete.gonb", []nbCell{{Type: "code", Source: "import \"fmt\"\n"}, {Type: "code", Source: ""}})
	ctx, _ := newBrowser(t)
	openNotebook(t, ctx, srv, name)
	runCellByKeys(t, ctx, 0)
	waitIdle(t, ctx, kernelStarts)
	do(t, ctx, "type in cell 1", chromedp.Click(chromedp.CSS("#cells > .cell:nth-child(2) .cm-content")), chromedp.KeyEvent("fmt.Pri"), key("Tab", "Tab", 9, 0))
	waitFor(t, ctx, "the completion list", `!!document.querySelector('.cm-tooltip-autocomplete')`, 10*time.Second)
	options := evalJS[[]string](t, ctx, `Array.from(document.querySelectorAll('.cm-tooltip-autocomplete li')).map(li => li.textContent)`)
	found := false
	for _, o := range options {
		found = found || strings.Contains(o, "Println")
	}
	if !found {
		t.Fatalf("completions %q lack Println", options)
	}
	screenshot(t, ctx, "20-completion")
	// CodeMirror ignores Enter for 75 ms after the list opens (its interactionDelay,
	// against accidental picks): a fixed delay of the editor, with no event to wait on.
	time.Sleep(200 * time.Millisecond)
	// Pick Println with the arrow keys and Enter (the list order is the kernel's).
	idx := evalJS[int](t, ctx, `Array.from(document.querySelectorAll('.cm-tooltip-autocomplete li')).findIndex(li => li.textContent === "Println")`)
	if idx < 0 {
		idx = evalJS[int](t, ctx, `Array.from(document.querySelectorAll('.cm-tooltip-autocomplete li')).findIndex(li => li.textContent.includes("Println"))`)
	}
	for i := 0; i < idx; i++ {
		do(t, ctx, "down", key("ArrowDown", "ArrowDown", 40, 0))
	}
	do(t, ctx, "accept", key("Enter", "Enter", 13, 0))
	waitFor(t, ctx, "the completed text", jsSourceText(1)+`.startsWith("fmt.Println")`, 5*time.Second)
}

// TestConflictOnDiskChange: when the file changes on disk behind gopad's back, saving
// asks to reload or overwrite; reload shows the disk version.
func TestConflictOnDiskChange(t *testing.T) {
	srv := startServer(t, "")
	name := writeNotebook(t, srv.Root, "conflict.gonb", []nbCell{{Type: "code", Source: "a := 1\n"}})
	ctx, _ := newBrowser(t)
	openNotebook(t, ctx, srv, name)
	writeNotebook(t, srv.Root, name, []nbCell{{Type: "code", Source: "changed := \"on disk\"\n"}})
	// Another program's write: a later modification time than the load, whatever the
	// file system's timestamp granularity.
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(filepath.Join(srv.Root, name), later, later); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "edit and save",
		chromedp.Click(chromedp.CSS("#cells > .cell:nth-child(1) .cm-content")),
		key("End", "End", 35, chromedp.ModifierCtrl), insertText("b := 2"),
		key("s", "KeyS", 83, chromedp.ModifierCtrl))
	waitFor(t, ctx, "the conflict dialog", `!!document.querySelector('.modal') && document.querySelector('.modal').innerText.includes("changed on disk")`, 15*time.Second)
	screenshot(t, ctx, "21-conflict")
	do(t, ctx, "reload from disk", chromedp.Click(chromedp.CSS(".modal .btn-default")))
	waitFor(t, ctx, "the disk version", jsSourceText(0)+`.includes("changed := \"on disk\"")`, 10*time.Second)
}

// TestReconnectAfterServerRestart: the page notices the lost connection, says so,
// reconnects by itself when the server is back, and shows the saved document.
func TestReconnectAfterServerRestart(t *testing.T) {
	srv := startServer(t, "")
	name := writeNotebook(t, srv.Root, "reconnect.gonb", []nbCell{{Type: "code", Source: "a := 1\n"}})
	ctx, _ := newBrowser(t)
	openNotebook(t, ctx, srv, name)
	do(t, ctx, "edit",
		chromedp.Click(chromedp.CSS("#cells > .cell:nth-child(1) .cm-content")),
		key("End", "End", 35, chromedp.ModifierCtrl), insertText("// kept across restarts"),
		key("s", "KeyS", 83, chromedp.ModifierCtrl))
	waitFor(t, ctx, "saved", `document.getElementById('save-status').dataset.state === "saved"`, 10*time.Second)
	addr := strings.TrimPrefix(srv.Base, "http://")
	srv.Stop()
	waitFor(t, ctx, "the disconnected notice", `!document.getElementById('conn-banner').hidden`, 15*time.Second)
	screenshot(t, ctx, "22-disconnected")
	startServerAt(t, srv.Root, addr, srv.Token)
	waitFor(t, ctx, "the page to reconnect", `document.getElementById('conn-banner').hidden && `+jsSourceText(0)+`.includes("kept across restarts")`, 20*time.Second)
	screenshot(t, ctx, "23-reconnected")
}

// TestTwoTabsStayConsistent: an edit in one tab shows in the other, and a cell run
// from the second tab shows its output in the first.
func TestTwoTabsStayConsistent(t *testing.T) {
	srv := startServer(t, "")
	name := writeNotebook(t, srv.Root, "tabs.gonb", []nbCell{{Type: "code", Source: "import \"fmt\"\n"}})
	tab1, _ := newBrowser(t)
	openNotebook(t, tab1, srv, name)
	tab2, cancel2 := chromedp.NewContext(tab1) // a second tab of the same browser
	defer cancel2()
	openNotebook(t, tab2, srv, name)

	do(t, tab1, "type in tab 1",
		chromedp.Click(chromedp.CSS("#cells > .cell:nth-child(1) .cm-content")),
		key("End", "End", 35, chromedp.ModifierCtrl), insertText("fmt.Println(\"from two tabs\")"))
	waitFor(t, tab2, "the edit in tab 2", jsSourceText(0)+`.includes("from two tabs")`, 10*time.Second)
	runCellByKeys(t, tab2, 0)
	waitOutputContains(t, tab2, 0, "from two tabs", kernelStarts)
	waitOutputContains(t, tab1, 0, "from two tabs", 10*time.Second)
	if src := evalJS[string](t, tab1, jsSourceText(0)); strings.Count(src, "from two tabs") != 1 {
		t.Errorf("tab 1 source after the round trip = %q, want the edit once", src)
	}
	screenshot(t, tab1, "24-two-tabs")
}
