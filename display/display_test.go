package display

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// recorder is a Publisher that keeps what it is given.
type recorder struct {
	mu   sync.Mutex
	msgs []published
}

type published struct {
	data      Bundle
	metadata  map[string]any
	displayID string
	update    bool
}

func (r *recorder) Publish(data Bundle, metadata map[string]any, displayID string, update bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, published{data, metadata, displayID, update})
}

func withRecorder(t *testing.T) *recorder {
	t.Helper()
	r := &recorder{}
	SetPublisher(r)
	t.Cleanup(func() { SetPublisher(nil) })
	return r
}

// roundTripJSON encodes v as the kernel would and decodes it generically.
func roundTripJSON(t *testing.T, v any) any {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("bundle value is not JSON-encodable: %v", err)
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestImageRoundTripsThroughPNG(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 7, 5))
	img.Set(3, 2, color.RGBA{200, 10, 30, 255})
	img.Set(6, 4, color.RGBA{0, 0, 255, 255})
	b := Image(img)
	data, err := base64.StdEncoding.DecodeString(b[MIMEPNG].(string))
	if err != nil {
		t.Fatalf("image/png is not base64: %v", err)
	}
	got, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("image/png does not decode: %v", err)
	}
	if got.Bounds() != img.Bounds() {
		t.Fatalf("bounds %v, want %v", got.Bounds(), img.Bounds())
	}
	for _, p := range []image.Point{{3, 2}, {6, 4}, {0, 0}} {
		r1, g1, b1, a1 := got.At(p.X, p.Y).RGBA()
		r2, g2, b2, a2 := img.At(p.X, p.Y).RGBA()
		if [4]uint32{r1, g1, b1, a1} != [4]uint32{r2, g2, b2, a2} {
			t.Errorf("pixel %v = %v, want %v", p, got.At(p.X, p.Y), img.At(p.X, p.Y))
		}
	}
	if b[MIMEText] != "<image 7x5>" {
		t.Errorf("text = %q", b[MIMEText])
	}
	// An image passed to Render renders the same way.
	if r := Render(img); r[MIMEPNG] != b[MIMEPNG] {
		t.Error("Render(image) differs from Image(image)")
	}
}

func TestPNG(t *testing.T) {
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 3, 9)))
	b := PNG(buf.Bytes())
	if raw, _ := base64.StdEncoding.DecodeString(b[MIMEPNG].(string)); !bytes.Equal(raw, buf.Bytes()) {
		t.Error("PNG bytes not carried verbatim")
	}
	if b[MIMEText] != "<image 3x9>" {
		t.Errorf("text = %q", b[MIMEText])
	}
	bad := PNG([]byte("GIF89a"))
	if _, ok := bad[MIMEPNG]; ok || !strings.Contains(bad.String(), "not a PNG") {
		t.Errorf("PNG of non-PNG bytes = %v", bad)
	}
}

func TestHTMLMarkdownTextSVG(t *testing.T) {
	h := HTML("<h1>Title</h1><p>a &amp; b<br>c</p><style>p{color:red}</style><table><tr><td>1</td><td>2</td></tr></table>")
	if h[MIMEHTML] != "<h1>Title</h1><p>a &amp; b<br>c</p><style>p{color:red}</style><table><tr><td>1</td><td>2</td></tr></table>" {
		t.Errorf("html changed: %q", h[MIMEHTML])
	}
	if want := "Title\n\na & b\nc\n\n1 2"; h[MIMEText] != want {
		t.Errorf("html text = %q, want %q", h[MIMEText], want)
	}
	md := Markdown("# Hi\n*there*")
	if md[MIMEMarkdown] != "# Hi\n*there*" || md[MIMEText] != "# Hi\n*there*" {
		t.Errorf("markdown = %v", md)
	}
	if tx := Text("plain"); len(tx) != 1 || tx[MIMEText] != "plain" {
		t.Errorf("text = %v", tx)
	}
	if s := SVG("<svg/>"); s[MIMESVG] != "<svg/>" {
		t.Errorf("svg = %v", s)
	}
}

func TestJSON(t *testing.T) {
	type point struct {
		X, Y int
		Big  uint64 `json:"big"`
	}
	b := JSON(map[string]any{"p": point{1, 2, 1<<63 + 1}, "list": []float64{0.5}})
	raw, err := json.Marshal(b[MIMEJSON])
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"list":[0.5],"p":{"X":1,"Y":2,"big":9223372036854775809}}`; string(raw) != want {
		t.Errorf("application/json = %s, want %s", raw, want)
	}
	if !strings.Contains(b.String(), "\n  \"list\": [\n") {
		t.Errorf("text is not indented JSON: %s", b.String())
	}
	bad := JSON(math.NaN())
	if _, ok := bad[MIMEJSON]; ok || !strings.Contains(bad.String(), "cannot encode float64") {
		t.Errorf("JSON(NaN) = %v", bad)
	}
}

func TestTableBundle(t *testing.T) {
	tab := Table([]string{"name", "score", "ok"}, [][]any{
		{"alice", 0.912345678, true},
		{"bob <b>", 12, false},
		{"carol", math.NaN()}, // short row
	})
	b := tab.RenderMIME()
	var got struct {
		Columns   []string `json:"columns"`
		Rows      [][]any  `json:"rows"`
		TotalRows int      `json:"total_rows"`
	}
	raw, _ := json.Marshal(b[MIMETable])
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("table JSON: %v (%s)", err, raw)
	}
	if !reflect.DeepEqual(got.Columns, []string{"name", "score", "ok"}) || got.TotalRows != 3 {
		t.Errorf("columns %v total %d", got.Columns, got.TotalRows)
	}
	wantRows := [][]any{{"alice", 0.912345678, true}, {"bob <b>", 12.0, false}, {"carol", "NaN", nil}}
	if !reflect.DeepEqual(got.Rows, wantRows) {
		t.Errorf("rows = %v, want %v", got.Rows, wantRows)
	}
	html := b[MIMEHTML].(string)
	for _, want := range []string{"<th>score</th>", "<td>bob &lt;b&gt;</td>", `<td style="text-align:right">0.912346</td>`} {
		if !strings.Contains(html, want) {
			t.Errorf("html lacks %q:\n%s", want, html)
		}
	}
	wantText := "" +
		"name        score  ok\n" +
		"-------  --------  -----\n" +
		"alice    0.912346  true\n" +
		"bob <b>        12  false\n" +
		"carol         NaN"
	if b.String() != wantText {
		t.Errorf("text =\n%s\nwant\n%s", b.String(), wantText)
	}
}

func TestLargeTableIsCut(t *testing.T) {
	rows := make([][]any, 10000)
	for i := range rows {
		rows[i] = []any{i, fmt.Sprintf("row %d", i)}
	}
	b := Table([]string{"i", "label"}, rows).RenderMIME()
	tj := roundTripJSON(t, b[MIMETable]).(map[string]any)
	if n := len(tj["rows"].([]any)); n != DefaultMaxRows {
		t.Errorf("JSON holds %d rows, want %d", n, DefaultMaxRows)
	}
	if tj["total_rows"] != 10000.0 {
		t.Errorf("total_rows = %v", tj["total_rows"])
	}
	html := b[MIMEHTML].(string)
	if strings.Count(html, "<tr>") != DefaultMaxRows+1 || !strings.Contains(html, "showing the first 200 of 10000 rows") {
		t.Errorf("html has %d rows and note %v", strings.Count(html, "<tr>"), strings.Contains(html, "showing"))
	}
	// A wide table shows fewer rows, and MaxRows overrides the default.
	wideRow := make([]any, 100)
	wideCols := make([]string, 100)
	for i := range wideCols {
		wideCols[i] = fmt.Sprint("c", i)
	}
	wide := Table(wideCols, [][]any{wideRow, wideRow, wideRow, wideRow})
	for range 200 {
		wide.Rows = append(wide.Rows, wideRow)
	}
	if n := len(roundTripJSON(t, wide.RenderMIME()[MIMETable]).(map[string]any)["rows"].([]any)); n != 100 {
		t.Errorf("100-column table shows %d rows, want 100 (10000 cells)", n)
	}
	wide.MaxRows = 150
	if n := len(roundTripJSON(t, wide.RenderMIME()[MIMETable]).(map[string]any)["rows"].([]any)); n != 150 {
		t.Errorf("MaxRows 150 shows %d rows", n)
	}
	text := b.String()
	if n := strings.Count(text, "\n") + 1; n != TextMaxRows+3 || !strings.HasSuffix(text, "(showing the first 40 of 10000 rows)") {
		t.Errorf("text has %d lines, ends %q", n, text[max(0, len(text)-60):])
	}
}

func TestSliceOfStructsRendersAsTable(t *testing.T) {
	type result struct {
		Model    string
		Accuracy float64
		hidden   int
	}
	rs := []result{{"mlp", 0.97, 1}, {"lstm", 0.93, 2}}
	b := Render(rs)
	tj := roundTripJSON(t, b[MIMETable]).(map[string]any)
	if !reflect.DeepEqual(tj["columns"], []any{"Model", "Accuracy"}) {
		t.Errorf("columns = %v", tj["columns"])
	}
	if !reflect.DeepEqual(tj["rows"], []any{[]any{"mlp", 0.97}, []any{"lstm", 0.93}}) {
		t.Errorf("rows = %v", tj["rows"])
	}
	if ptrs := TableOf([]*result{{"a", 1, 0}, nil}); ptrs == nil || len(ptrs.Rows) != 2 || ptrs.Rows[0][0] != "a" {
		t.Errorf("TableOf pointers = %+v", ptrs)
	}
	if TableOf([]int{1}) != nil {
		t.Error("TableOf([]int) should be nil")
	}
}

func TestChartFromGoEcharts(t *testing.T) {
	line := charts.NewLine()
	line.SetGlobalOptions(charts.WithTitleOpts(opts.Title{Title: "Loss </script>"}))
	line.SetXAxis([]string{"e1", "e2", "e3"})
	line.AddSeries("train", []opts.LineData{{Value: 2.5}, {Value: 1.25}, {Value: 0.5}})
	b := Render(line) // a chart passed to Render is a chart, as with Chart
	option := roundTripJSON(t, b[MIMEECharts]).(map[string]any)
	series := option["series"].([]any)
	if len(series) != 1 {
		t.Fatalf("series = %v", series)
	}
	s := series[0].(map[string]any)
	if s["type"] != "line" || s["name"] != "train" {
		t.Errorf("series = %v", s)
	}
	var ys []float64
	for _, d := range s["data"].([]any) {
		ys = append(ys, d.(map[string]any)["value"].(float64))
	}
	if !reflect.DeepEqual(ys, []float64{2.5, 1.25, 0.5}) {
		t.Errorf("data = %v", ys)
	}
	// Validate ran: the x axis got its categories.
	x := option["xAxis"].([]any)[0].(map[string]any)
	if !reflect.DeepEqual(x["data"], []any{"e1", "e2", "e3"}) {
		t.Errorf("xAxis = %v", x)
	}
	if title := option["title"].(map[string]any)["text"]; title != "Loss </script>" {
		t.Errorf("title = %v", title)
	}
	want := "line chart \"Loss </script>\", 1 series\n  train: 3 points, min 0.5, max 2.5, last 0.5"
	if b.String() != want {
		t.Errorf("text = %q, want %q", b.String(), want)
	}
	if bad := Chart(42); !strings.Contains(bad.String(), "int is not a go-echarts chart") {
		t.Errorf("Chart(42) = %v", bad)
	}
}

func TestLineChartHelper(t *testing.T) {
	b := LineChart("curves", []float64{10, 20, 30}, map[string][]float64{
		"val":   {3, math.NaN(), 1},
		"train": {4, 2, 1, 99}, // longer than xs: cut to xs
	})
	option := roundTripJSON(t, b[MIMEECharts]).(map[string]any)
	series := option["series"].([]any)
	if len(series) != 2 {
		t.Fatalf("%d series", len(series))
	}
	points := func(s any) [][]any {
		var out [][]any
		for _, d := range s.(map[string]any)["data"].([]any) {
			out = append(out, d.(map[string]any)["value"].([]any))
		}
		return out
	}
	if name := series[0].(map[string]any)["name"]; name != "train" {
		t.Errorf("first series %v, want train (name order)", name)
	}
	if got := points(series[0]); !reflect.DeepEqual(got, [][]any{{10.0, 4.0}, {20.0, 2.0}, {30.0, 1.0}}) {
		t.Errorf("train = %v", got)
	}
	if got := points(series[1]); !reflect.DeepEqual(got, [][]any{{10.0, 3.0}, {20.0, "-"}, {30.0, 1.0}}) {
		t.Errorf("val = %v", got)
	}
	if !strings.Contains(b.String(), "val: 3 points, min 1, max 3, last 1") {
		t.Errorf("text = %q", b.String())
	}
	noX := roundTripJSON(t, LineChart("", nil, map[string][]float64{"y": {5, 6}})[MIMEECharts]).(map[string]any)
	if got := points(noX["series"].([]any)[0]); !reflect.DeepEqual(got, [][]any{{1.0, 5.0}, {2.0, 6.0}}) {
		t.Errorf("default xs = %v", got)
	}
}

func TestBarChartHelper(t *testing.T) {
	b := BarChart("sizes", []string{"fp32", "int8"}, map[string][]float64{"bytes": {4000, 1000}})
	option := roundTripJSON(t, b[MIMEECharts]).(map[string]any)
	if x := option["xAxis"].([]any)[0].(map[string]any)["data"]; !reflect.DeepEqual(x, []any{"fp32", "int8"}) {
		t.Errorf("categories = %v", x)
	}
	s := option["series"].([]any)[0].(map[string]any)
	if s["type"] != "bar" || len(s["data"].([]any)) != 2 || s["data"].([]any)[1].(map[string]any)["value"] != 1000.0 {
		t.Errorf("series = %v", s)
	}
}

type stringer struct{ n int }

func (s stringer) String() string { return fmt.Sprintf("stringer#%d", s.n) }

type custom struct{}

func (custom) RenderMIME() Bundle { return Bundle{MIMEHTML: "<i>x</i>"} }

type panicky struct{}

func (panicky) RenderMIME() Bundle { panic("broken renderer") }

func TestRenderValues(t *testing.T) {
	type inner struct {
		A int
		B string
	}
	long := make([]int, 150)
	for i := range long {
		long[i] = i
	}
	cases := []struct {
		v    any
		want string
	}{
		{nil, "<nil>"},
		{42, "42"},
		{"hello", "hello"},
		{errors.New("boom"), "boom"},
		{stringer{3}, "stringer#3"},
		{[]float64{1, 2.5}, "[1 2.5]"},
		{map[string]int{"b": 2, "a": 1}, `map["a":1 "b":2]`},
		{inner{1, "x"}, `{A:1 B:"x"}`},
		{&inner{2, "y"}, `&{A:2 B:"y"}`},
		{[]stringer{{1}, {2}}, "[stringer#1 stringer#2]"},
		{[]any{nil, "s", 1}, `[<nil> "s" 1]`},
	}
	for _, tc := range cases {
		b := Render(tc.v)
		if b.String() != tc.want {
			t.Errorf("Render(%#v) text = %q, want %q", tc.v, b.String(), tc.want)
		}
	}
	text := Render(long).String()
	if !strings.HasPrefix(text, "[0 1 2 ") || !strings.HasSuffix(text, "99 … (50 more, len 150)]") {
		t.Errorf("long slice = %q", text)
	}
	c := Render(custom{})
	if c[MIMEHTML] != "<i>x</i>" || c[MIMEText] != "<display.custom>" {
		t.Errorf("custom renderer = %v", c)
	}
	if p := Render(panicky{}); !strings.Contains(p.String(), "broken renderer") {
		t.Errorf("panicking renderer = %v", p)
	}
	// Render never hands out the renderer's own map: adding text/plain must not
	// modify a Bundle the caller keeps.
	orig := Bundle{MIMEHTML: "x"}
	Render(orig)
	if _, ok := orig[MIMEText]; ok {
		t.Error("Render modified its argument")
	}
}

func TestShowAndUpdateThroughPublisher(t *testing.T) {
	r := withRecorder(t)
	h := Show(HTML("<b>one</b>"))
	h.Update(Text("two"))
	other := Show(42)
	if len(r.msgs) != 3 {
		t.Fatalf("published %d messages, want 3", len(r.msgs))
	}
	first, upd, third := r.msgs[0], r.msgs[1], r.msgs[2]
	if first.update || first.displayID != h.ID() || first.data[MIMEHTML] != "<b>one</b>" || first.data[MIMEText] != "one" {
		t.Errorf("show = %+v", first)
	}
	if !upd.update || upd.displayID != h.ID() || upd.data[MIMEText] != "two" {
		t.Errorf("update = %+v", upd)
	}
	if third.displayID == h.ID() || third.displayID != other.ID() || third.data[MIMEText] != "42" {
		t.Errorf("second show reused id or lost data: %+v", third)
	}
	if h.ID() == "" || first.metadata == nil {
		t.Errorf("id %q metadata %v", h.ID(), first.metadata)
	}
}

// captureStdout runs f with os.Stdout redirected and returns what it printed.
func captureStdout(t *testing.T, f func()) string {
	t.Helper()
	rd, wr, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = wr
	done := make(chan string)
	go func() {
		data, _ := io.ReadAll(rd)
		done <- string(data)
	}()
	defer func() { os.Stdout = saved }()
	f()
	wr.Close()
	os.Stdout = saved
	return <-done
}

func TestShowWithoutPublisherPrintsText(t *testing.T) {
	SetPublisher(nil)
	out := captureStdout(t, func() {
		h := Show(HTML("<p>hello <b>world</b></p>"))
		h.Update(Table([]string{"a"}, [][]any{{1}}))
	})
	if want := "hello world\na\n-\n1\n"; out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
}

// stoppedProgressClock makes the progress bars' clock stand still until the
// returned function moves it on, so that no throttle interval passes unless a
// test says so, however slowly the machine runs the test.
func stoppedProgressClock(t *testing.T) (advance func(time.Duration)) {
	t.Helper()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	saved := progressClock
	progressClock = func() time.Time { return now }
	t.Cleanup(func() { progressClock = saved })
	return func(d time.Duration) { now = now.Add(d) }
}

func TestProgressBarUpdatesInPlace(t *testing.T) {
	r := withRecorder(t)
	stoppedProgressClock(t)
	p := NewProgress(200, "training")
	for i := 1; i <= 200; i++ {
		p.Set(i, "")
	}
	if len(r.msgs) != 101 { // the first show, then one update per whole percent
		t.Errorf("published %d messages, want 101", len(r.msgs))
	}
	id := r.msgs[0].displayID
	if r.msgs[0].update || id != p.Handle().ID() {
		t.Errorf("first message = %+v", r.msgs[0])
	}
	for _, m := range r.msgs[1:] {
		if !m.update || m.displayID != id {
			t.Fatalf("progress update went to a new output: %+v", m)
		}
	}
	last := r.msgs[len(r.msgs)-1].data
	if !strings.HasPrefix(last.String(), "training [##############################] 200/200 (100%)") {
		t.Errorf("final text = %q", last.String())
	}
	if !strings.Contains(last[MIMEHTML].(string), `<progress value="200" max="200"`) {
		t.Errorf("final html = %q", last[MIMEHTML])
	}
	mid := r.msgs[50].data.String()
	if !strings.Contains(mid, "[###############...............] 100/200 (50%)") {
		t.Errorf("half-way text = %q", mid)
	}
	p.Finish("done: loss 0.1")
	if got := r.msgs[len(r.msgs)-1].data.String(); !strings.HasSuffix(got, "done: loss 0.1") {
		t.Errorf("finish text = %q", got)
	}
}

func TestProgressWithoutTotal(t *testing.T) {
	r := withRecorder(t)
	advance := stoppedProgressClock(t)
	p := NewProgress(0, "")
	p.Add(3)
	if len(r.msgs) != 1 {
		t.Errorf("a count-only bar refreshed before the throttle interval: %d messages", len(r.msgs))
	}
	advance(progressNoteInterval)
	p.Add(1) // a count-only bar refreshes on the time throttle
	if n := len(r.msgs); n != 2 || !strings.HasPrefix(r.msgs[1].data.String(), "4 ") {
		t.Errorf("after the throttle interval: %d messages, last %q", n, r.msgs[n-1].data.String())
	}
	p.Finish("stopped")
	got := r.msgs[len(r.msgs)-1].data
	if !strings.HasPrefix(got.String(), "4 ") || !strings.HasSuffix(got.String(), "stopped") || strings.Contains(got[MIMEHTML].(string), "<progress") {
		t.Errorf("count-only bar = %v", got)
	}
}

func TestConcurrentShow(t *testing.T) {
	r := withRecorder(t)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := Show(Text("x"))
			for j := 0; j < 50; j++ {
				h.Update(j)
			}
		}()
	}
	wg.Wait()
	ids := map[string]int{}
	for _, m := range r.msgs {
		ids[m.displayID]++
	}
	if len(r.msgs) != 8*51 || len(ids) != 8 {
		t.Errorf("%d messages over %d ids, want %d over 8", len(r.msgs), len(ids), 8*51)
	}
}

// matrix is a Tabler like the ml package's confusion matrix.
type matrix struct{ counts [][]int }

func (m matrix) Table() ([]string, [][]any) {
	rows := [][]any{}
	for i, r := range m.counts {
		row := []any{fmt.Sprint(i)}
		for _, n := range r {
			row = append(row, n)
		}
		rows = append(rows, row)
	}
	return []string{"true", "0", "1"}, rows
}

func (m matrix) String() string { return "2x2 confusion matrix" }

type plainTabler struct{}

func (plainTabler) Table() ([]string, [][]any) { return []string{"x"}, [][]any{{1.5}} }

func TestTablerRendersAsTable(t *testing.T) {
	b := Render(matrix{[][]int{{5, 1}, {0, 7}}})
	tj := roundTripJSON(t, b[MIMETable]).(map[string]any)
	if !reflect.DeepEqual(tj["rows"], []any{[]any{"0", 5.0, 1.0}, []any{"1", 0.0, 7.0}}) {
		t.Errorf("rows = %v", tj["rows"])
	}
	if b.String() != "2x2 confusion matrix" {
		t.Errorf("text = %q, want the String form", b.String())
	}
	if !strings.Contains(b[MIMEHTML].(string), "<th>true</th>") {
		t.Errorf("html = %s", b[MIMEHTML])
	}
	if p := Render(plainTabler{}); p.String() != "  x\n---\n1.5" {
		t.Errorf("text of a Tabler without String = %q", p.String())
	}
}
