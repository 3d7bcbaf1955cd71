// Package display shows rich output from notebook cells: HTML, Markdown, images,
// tables, JSON, ECharts charts and progress bars, and replaces an output in place.
//
// Cells import it as "gopad/display":
//
//	display.Show(display.HTML("<b>hello</b>"))
//	h := display.Show(display.Text("step 1"))
//	h.Update(display.Text("step 2")) // replaces the output above in place
//
// # Outputs are MIME bundles
//
// Every output is a [Bundle]: a map from MIME type to data, as in Jupyter. Text
// types and base64 images are strings; JSON types (application/json and
// application/*+json) hold JSON values. Every bundle this package makes has a
// text/plain entry, so that terminals (gopad run, gopad repl) can show it. Charts
// travel as an ECharts option object under
// "application/vnd.gopad.echarts+json" and tables as
// {"columns": [...], "rows": [[...]], "total_rows": n} under
// "application/vnd.gopad.table+json".
//
// # Rich display of your own types
//
// A value whose type has the method
//
//	RenderMIME() display.Bundle
//
// (the [Renderer] interface) renders richly when it is the value of a cell's last
// expression or is passed to [Show] or [Render]. The method should return a
// "text/plain" entry; Render adds a placeholder if it is missing. Other values
// render as follows, in this order of preference:
//
//   - a training history (*ml.History, what Fit returns, or Model.History) as
//     the interactive chart of its curves ([HistoryChart]), its String as text;
//   - a confusion matrix (ml.ConfusionMatrix) as a heatmap of its counts
//     ([ConfusionChart]), its table travelling in the same bundle;
//   - gonum matrices and vectors (mat.Matrix) as tables headed by their shape,
//     cut like NumPy's repr when large ([Matrix]); gonum/plot plots as pictures
//     ([Plot]);
//   - values with a method Table() (columns []string, rows [][]any) (the
//     [Tabler] interface, which gopad's ml types implement) as tables;
//   - image.Image values as PNG images;
//   - go-echarts charts as ECharts options (see [Chart]);
//   - errors and fmt.Stringer values as their text;
//   - slices of structs as tables;
//   - anything else as readable text, like %v with field names (long slices and
//     maps are cut with a note).
//
// # Charts that survive sharing
//
// Every chart bundle ([Chart], [LineChart], [HistoryChart], [ConfusionChart],
// [ROCChart], ...) holds, next to its ECharts option, a static picture of the
// chart drawn in Go (gonum/plot, and gopad's own drawing of pie, gauge, radar
// and funnel series), as a PNG: nbconvert's HTML shows an SVG picture blank.
// gopad draws the interactive chart; GitHub, JupyterLab, VS Code and
// nbconvert, which do not know gopad's chart type, show the picture.
//
// # Updating in place
//
// [Show] publishes a display_data output with a fresh display ID and returns a
// [Handle]; [Handle.Update] publishes update_display_data with the same ID, which
// replaces that output wherever it is shown (Jupyter's display_id convention).
// Progress bars ([NewProgress]) and live charts are built on it.
//
// In a notebook cell, a value whose type is defined in a cell keeps its
// RenderMIME and String methods when it is passed to Show or Render, but not
// when it is passed to a method such as Handle.Update (a limit of the
// interpreter): for such values cells write display.Update(h, card), a function
// the kernel gives cells for this (Go programs call h.Update).
//
// The kernel installs a [Publisher] with [SetPublisher]. Without one (in an
// ordinary Go program or a test), Show and Update print the text/plain form to
// os.Stdout.
package display

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"image"
	"io"
	"os"
	"sort"
	"strings"
	"sync"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"

	"gopad.dev/gopad/ml"
)

// Bundle maps a MIME type to its data: a string for text types and base64 PNG,
// a JSON value for JSON types. A Bundle is itself a [Renderer].
type Bundle map[string]any

// RenderMIME returns b, so that a Bundle can be shown like any rich value.
func (b Bundle) RenderMIME() Bundle { return b }

// String returns the bundle's text/plain entry, so that printing a bundle with
// fmt shows its text form.
func (b Bundle) String() string {
	s, _ := b[MIMEText].(string)
	return s
}

// MIMETypes returns the bundle's MIME types in sorted order.
func (b Bundle) MIMETypes() []string {
	types := make([]string, 0, len(b))
	for k := range b {
		types = append(types, k)
	}
	sort.Strings(types)
	return types
}

// Tabler is implemented by values that are best shown as a table, such as the
// data sets and metrics of gopad's ml package (which cannot depend on this
// package). [Render] shows them as a [Table]; if the value is also a
// fmt.Stringer, its String method gives the text/plain form.
type Tabler interface {
	Table() (columns []string, rows [][]any)
}

// Renderer is implemented by values that render richly when they are a cell's
// result or are passed to [Show] or [Render]. RenderMIME should include a
// "text/plain" entry.
type Renderer interface {
	RenderMIME() Bundle
}

// Publisher sends outputs to wherever the notebook shows them. The kernel
// implements it: Publish with update false is a display_data message, with update
// true an update_display_data message replacing the output with displayID.
// Publish may be called from any goroutine.
type Publisher interface {
	Publish(data Bundle, metadata map[string]any, displayID string, update bool)
}

var (
	publisherMu sync.RWMutex
	publisher   Publisher
	stdoutMu    sync.Mutex
)

// SetPublisher installs the publisher used by [Show] and [Handle.Update]; nil
// restores the default, which prints the text/plain form to os.Stdout.
func SetPublisher(p Publisher) {
	publisherMu.Lock()
	publisher = p
	publisherMu.Unlock()
}

func currentPublisher() Publisher {
	publisherMu.RLock()
	defer publisherMu.RUnlock()
	return publisher
}

func publish(b Bundle, displayID string, update bool) {
	if p := currentPublisher(); p != nil {
		p.Publish(b, map[string]any{}, displayID, update)
		return
	}
	printText(os.Stdout, b)
}

func printText(w io.Writer, b Bundle) {
	text := b.String()
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	stdoutMu.Lock()
	defer stdoutMu.Unlock()
	io.WriteString(w, text)
}

// Handle refers to one displayed output, to replace it in place.
type Handle struct {
	id string
}

// Show displays v (rendered by [Render]) as a new output of the running cell and
// returns a handle to update it.
func Show(v any) *Handle {
	h := NewHandle()
	publish(Render(v), h.id, false)
	return h
}

// NewHandle returns a handle with a fresh display ID that nothing has been shown
// under yet; [Handle.Show] shows its first content.
func NewHandle() *Handle {
	return &Handle{id: newDisplayID()}
}

// Show displays v as a new output under the handle's display ID. Every output
// shown under one ID is replaced by [Handle.Update].
func (h *Handle) Show(v any) {
	publish(Render(v), h.id, false)
}

// Update replaces the handle's output, wherever it is shown, with v.
func (h *Handle) Update(v any) {
	publish(Render(v), h.id, true)
}

// ID returns the display ID (Jupyter's transient display_id).
func (h *Handle) ID() string { return h.id }

func newDisplayID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Render returns the MIME bundle for v. The result always has a text/plain entry.
// See the package documentation for how each kind of value renders.
func Render(v any) (b Bundle) {
	defer func() {
		// A broken user RenderMIME or String must not take the kernel down.
		if r := recover(); r != nil {
			b = Bundle{MIMEText: fmt.Sprintf("display: rendering %T panicked: %v", v, r)}
		}
	}()
	b = render(v)
	if _, ok := b[MIMEText].(string); !ok {
		b[MIMEText] = fmt.Sprintf("<%T>", v)
	}
	return b
}

func render(v any) Bundle {
	switch x := v.(type) {
	case nil:
		return Bundle{MIMEText: "<nil>"}
	case Bundle:
		return copyBundle(x)
	case *ml.History:
		if x == nil {
			return Bundle{MIMEText: "<nil>"}
		}
		return historyBundle(x)
	case ml.ConfusionMatrix:
		return ConfusionChart(x, false)
	case *ml.Published:
		return PublishedBundle(x)
	case Renderer:
		b := x.RenderMIME()
		if b == nil {
			return Bundle{}
		}
		return copyBundle(b)
	case Tabler:
		columns, rows := x.Table()
		b := Table(columns, rows).RenderMIME()
		if s, ok := v.(fmt.Stringer); ok {
			b[MIMEText] = s.String()
		}
		return b
	case *plot.Plot:
		return Plot(x)
	case mat.Matrix:
		return Matrix(x)
	case image.Image:
		return Image(x)
	case echartsChart:
		return Chart(x)
	case error:
		return Bundle{MIMEText: x.Error()}
	case fmt.Stringer:
		return Bundle{MIMEText: x.String()}
	case string:
		return Bundle{MIMEText: x}
	}
	if t := tableFromSlice(v, DefaultMaxRows); t != nil {
		return t.RenderMIME()
	}
	return Bundle{MIMEText: formatValue(v)}
}

func copyBundle(b Bundle) Bundle {
	out := make(Bundle, len(b)+1)
	for k, v := range b {
		out[k] = v
	}
	return out
}
