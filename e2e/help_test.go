package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// TestHelpInTheEditor: in a cell, Shift+Tab on ml.Sequential shows its signature
// and doc in a tooltip, as Jupyter does; hovering the name shows the same; the
// completion list shows each candidate's kind and signature; the Help menu's
// package docs are served by gopad itself.
func TestHelpInTheEditor(t *testing.T) {
	srv := startServer(t, "")
	name := writeNotebook(t, srv.Root, "help.gonb", []nbCell{
		{Type: "code", Source: "// double returns twice x.\nfunc double(x int) int { return 2 * x }"},
		{Type: "code", Source: ""},
	})
	ctx, _ := newBrowser(t)
	openNotebook(t, ctx, srv, name)
	runCellByKeys(t, ctx, 0)
	waitIdle(t, ctx, kernelStarts)

	const sig = "func Sequential(layers ...Layer) *Model"
	const doc = "Sequential returns a model applying layers in order."
	do(t, ctx, "type ml.Sequential in cell 1", chromedp.Click(chromedp.CSS("#cells > .cell:nth-child(2) .cm-content")), insertText("ml.Sequential"))
	do(t, ctx, "press Shift+Tab", key("Tab", "Tab", 9, chromedp.ModifierShift))
	waitFor(t, ctx, "the documentation tooltip", `(() => { const d = document.querySelector('.cm-doc-tooltip'); return !!d && d.querySelector('.doc-signature').textContent === `+jsString(sig)+` && d.querySelector('.doc-text').textContent.includes(`+jsString(doc)+`); })()`, 15*time.Second)
	if got := evalJS[string](t, ctx, `document.querySelector('.cm-doc-tooltip .doc-name').textContent + ' | ' + document.querySelector('.cm-doc-tooltip .doc-kind').textContent + ' | ' + document.querySelector('.cm-doc-tooltip .doc-link').getAttribute('href')`); got != "ml.Sequential | func | /help/gopad/ml#Sequential" {
		t.Errorf("tooltip head = %q", got)
	}
	// Shift+Tab did not indent or change the text.
	if src := evalJS[string](t, ctx, jsSourceText(1)); src != "ml.Sequential" {
		t.Errorf("cell text after Shift+Tab = %q", src)
	}
	screenshot(t, ctx, "40-shift-tab-docs")
	// Escape closes the tooltip and leaves the editor in edit mode.
	do(t, ctx, "Escape", escape())
	waitFor(t, ctx, "the tooltip to close", `!document.querySelector('.cm-doc-tooltip')`, 5*time.Second)
	if mode := evalJS[string](t, ctx, `document.body.dataset.mode`); mode != "edit" {
		t.Errorf("mode after closing the tooltip = %q, want edit", mode)
	}

	// Hovering the name shows the same documentation.
	pos := evalJS[map[string]float64](t, ctx, `(() => { const v = window.gopad.cells[1].editor; const a = v.coordsAtPos(5), b = v.coordsAtPos(9); return {x: (a.left + b.left) / 2, y: (a.top + a.bottom) / 2}; })()`)
	do(t, ctx, "hover Sequential", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, pos["x"], pos["y"]))
	waitFor(t, ctx, "the hover tooltip", `(() => { const d = document.querySelector('.cm-tooltip-hover .cm-doc-tooltip'); return !!d && d.querySelector('.doc-signature').textContent === `+jsString(sig)+` && d.querySelector('.doc-text').textContent.includes(`+jsString(doc)+`); })()`, 15*time.Second)
	screenshot(t, ctx, "41-hover-docs")
	do(t, ctx, "move the mouse away", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 5, 5))
	waitFor(t, ctx, "the hover tooltip to close", `!document.querySelector('.cm-tooltip-hover')`, 10*time.Second)

	// A cell's own function: its signature and the comment above it.
	do(t, ctx, "type a call of double", chromedp.Click(chromedp.CSS("#cells > .cell:nth-child(2) .cm-content")), key("End", "End", 35, 0), insertText("\ndouble("))
	do(t, ctx, "Shift+Tab in the arguments", key("Tab", "Tab", 9, chromedp.ModifierShift))
	waitFor(t, ctx, "the cell function's documentation", `(() => { const d = document.querySelector('.cm-doc-tooltip'); return !!d && d.querySelector('.doc-signature').textContent === "func double(x int) int" && d.querySelector('.doc-text').textContent === "double returns twice x."; })()`, 15*time.Second)
	do(t, ctx, "Escape", escape())

	// The completion list shows kinds and signatures.
	do(t, ctx, "type ml.Se", insertText("\nml.Se"), key("Tab", "Tab", 9, 0))
	waitFor(t, ctx, "the completion list", `!!document.querySelector('.cm-tooltip-autocomplete li')`, 15*time.Second)
	rows := evalJS[[]string](t, ctx, `Array.from(document.querySelectorAll('.cm-tooltip-autocomplete li')).map(li => [li.querySelector('.cm-completionLabel')?.textContent, li.querySelector('.cm-completion-kind')?.textContent, li.querySelector('.cm-completionDetail')?.textContent, li.querySelector('.cm-completionIcon')?.className].join(' | '))`)
	want := "Sequential | func | " + sig + " | cm-completionIcon cm-completionIcon-function"
	found := false
	for _, r := range rows {
		found = found || r == want
	}
	if !found {
		t.Errorf("completion rows %q lack %q", rows, want)
	}
	screenshot(t, ctx, "42-completion-kinds")
	do(t, ctx, "close the list", escape())

	// The Help menu links the package docs, which gopad serves itself.
	items := evalJS[[]string](t, ctx, `Array.from(document.querySelectorAll('.menu')).find(m => m.querySelector('.menu-top').textContent === 'Help').querySelectorAll('.menu-item').values().map(b => b.textContent).toArray()`)
	if strings.Join(items, ",") != "Keyboard shortcutsH,ml package,display package,Standard library" {
		t.Errorf("Help menu = %q", items)
	}
	do(t, ctx, "open the ml docs", chromedp.Navigate(srv.URL("/help/gopad/ml")))
	waitFor(t, ctx, "the ml package page", `document.querySelector('h1')?.textContent === 'package ml' && document.getElementById('Sequential')?.querySelector('pre').textContent === `+jsString(sig), 15*time.Second)
	screenshot(t, ctx, "43-ml-docs")
}
