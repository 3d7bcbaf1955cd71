package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gopad.dev/gopad/notebooks"
)

// TestLauncherFirstRun: a first start with an empty home and no folder given
// serves ~/gopad, whose start page offers New notebook and the bundled examples
// (with their own titles) before the file list. An example opens as a copy in
// examples/, runs in a kernel, and opening it again from the start page opens the
// same copy with its outputs, not a -1 copy; New notebook makes Untitled.gonb in
// the workspace; Fresh copy makes welcome-1.gonb from the original.
func TestLauncherFirstRun(t *testing.T) {
	home := t.TempDir()
	workspace := filepath.Join(home, "gopad")
	var tok [12]byte
	if _, err := rand.Read(tok[:]); err != nil {
		t.Fatal(err)
	}
	srv := startGopad(t, workspace, hex.EncodeToString(tok[:]), []string{"HOME=" + home}, "--addr", "127.0.0.1:0")
	srv.logMu.Lock()
	startup := srv.log.String()
	srv.logMu.Unlock()
	if !strings.Contains(startup, "serving notebooks in "+workspace) {
		t.Errorf("the start-up lines do not name the workspace %s:\n%s", workspace, startup)
	}
	if info, err := os.Stat(workspace); err != nil || !info.IsDir() {
		t.Fatalf("the workspace %s was not made: %v", workspace, err)
	}

	ctx, _ := newBrowser(t)
	do(t, ctx, "open the start page", chromedp.Navigate(srv.URL("/")))
	names := notebooks.ExampleNames()
	waitFor(t, ctx, "the example cards", `document.querySelectorAll('#launcher [data-example]').length === `+strconv.Itoa(len(names))+` && document.body.dataset.treeLoaded === "true"`, 20*time.Second)
	for _, name := range names {
		nb, err := notebooks.LoadExample(name)
		if err != nil {
			t.Fatal(err)
		}
		want := notebooks.Summarize(nb)
		card := evalJS[map[string]string](t, ctx, `(() => { const c = document.querySelector('#launcher [data-example=`+jsString(name)+`]');
			return {title: c.querySelector('.launcher-card-title').innerText, text: c.querySelector('.launcher-card-text').innerText}; })()`)
		if card["title"] != want.Title || card["text"] != want.Description || want.Description == "" {
			t.Errorf("card of %s shows %q; want title %q and description %q", name, card, want.Title, want.Description)
		}
	}
	// The launcher comes first: New notebook and the examples above the files.
	order := evalJS[bool](t, ctx, `(() => { const l = document.getElementById('launcher'), n = document.getElementById('launcher-new'), f = document.getElementById('file-list');
		return !!(l && n && f && n.offsetHeight > 0 && (l.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING) && l.getBoundingClientRect().bottom <= f.getBoundingClientRect().top); })()`)
	if !order {
		t.Errorf("the launcher with New notebook is not shown above the file list")
	}
	screenshot(t, ctx, "30-launcher-first-run")

	// Open the welcome tour: a copy in examples/, which runs in a kernel.
	const example = "welcome.gonb"
	copyPath := "examples/" + example
	do(t, ctx, "open the welcome example", chromedp.Click(chromedp.CSS(`#launcher [data-example="welcome.gonb"] .launcher-card-main`)))
	waitFor(t, ctx, "the example to open", `location.pathname === "/nb/examples/welcome.gonb" && `+jsLoaded, 20*time.Second)
	runCellByKeys(t, ctx, 2) // the imports
	runCellByKeys(t, ctx, 3) // prints a greeting
	waitOutputContains(t, ctx, 3, "Hello from gopad!", kernelStarts)
	waitForFile(t, "the run's output saved in "+copyPath, 20*time.Second, func() (bool, error) {
		nb, err := notebooks.Load(filepath.Join(workspace, filepath.FromSlash(copyPath)))
		return err == nil && len(nb.Cells) > 3 && len(nb.Cells[3].Outputs) > 0, err
	})

	// Back on the start page the card knows the copy, and opens it again.
	// history.back(), as the browser's Back button: chromedp.NavigateBack waits for a
	// load event that a page restored from the back-forward cache never fires.
	goBack := func() { evalJS[bool](t, ctx, `(history.back(), true)`) }
	goBack()
	waitFor(t, ctx, "the card to show the copy", `(document.querySelector('#launcher [data-example="welcome.gonb"] .launcher-copy') || {dataset: {}}).dataset.copy === `+jsString(copyPath), 20*time.Second)
	// Clicked from script: chromedp's node queries wait forever on a page that the
	// back-forward cache restored.
	clickJS := func(selector string) {
		evalJS[bool](t, ctx, `(document.querySelector(`+jsString(selector)+`).click(), true)`)
	}
	clickJS(`#launcher [data-example="welcome.gonb"] .launcher-card-main`)
	waitFor(t, ctx, "the same copy to open", `location.pathname === "/nb/examples/welcome.gonb" && `+jsLoaded, 20*time.Second)
	waitOutputContains(t, ctx, 3, "Hello from gopad!", 10*time.Second) // its saved output
	entries, err := os.ReadDir(filepath.Join(workspace, "examples"))
	if err != nil {
		t.Fatal(err)
	}
	var notebooksThere []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".gonb") {
			notebooksThere = append(notebooksThere, e.Name())
		}
	}
	if strings.Join(notebooksThere, ",") != example {
		t.Errorf("examples/ holds the notebooks %q; want only %s (no -1 copy)", notebooksThere, example)
	}

	// New notebook from the start page.
	goBack()
	waitFor(t, ctx, "the start page", `!!document.getElementById('launcher-new') && document.body.dataset.treeLoaded === "true"`, 20*time.Second)
	clickJS("#launcher-new")
	waitFor(t, ctx, "the new notebook to open", `location.pathname === "/nb/Untitled.gonb" && `+jsLoaded, 20*time.Second)
	if _, err := notebooks.Load(filepath.Join(workspace, "Untitled.gonb")); err != nil {
		t.Errorf("New notebook made no Untitled.gonb in the workspace: %v", err)
	}
	do(t, ctx, "back to the start page", chromedp.Navigate(srv.URL("/")))
	waitFor(t, ctx, "the workspace's files", `!!document.querySelector('.file-row[data-path="Untitled.gonb"]') && !!document.querySelector('.file-row[data-path="examples"]')`, 20*time.Second)
	screenshot(t, ctx, "31-launcher-after")

	// Fresh copy, asked for on the card, starts over from the original beside it.
	do(t, ctx, "ask for a fresh copy", chromedp.Click(chromedp.CSS(`#launcher [data-example="welcome.gonb"] .launcher-fresh`)))
	waitFor(t, ctx, "the fresh copy to open", `location.pathname === "/nb/examples/welcome-1.gonb" && `+jsLoaded, 20*time.Second)
	if nb, err := notebooks.Load(filepath.Join(workspace, "examples", "welcome-1.gonb")); err != nil || len(nb.Cells) < 4 || len(nb.Cells[3].Outputs) != 0 {
		t.Errorf("the fresh copy is not the original example: %v", err)
	}
}

// waitForFile polls a condition on files until it holds or timeout passes.
func waitForFile(t *testing.T, what string, timeout time.Duration, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, err := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s (last error: %v)", timeout, what, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
