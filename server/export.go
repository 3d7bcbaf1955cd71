package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"io/fs"
	"regexp"
	"sort"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"gopad.dev/gopad/frontend"
	"gopad.dev/gopad/internal/table"
	"gopad.dev/gopad/kernel/protocol"
	"gopad.dev/gopad/notebooks"
)

// exportHTML writes nb as one self-contained static page: sources, Markdown
// rendered, outputs as stored (nothing is re-run), charts drawn by echarts.js that
// is inlined from the embedded frontend build, so the page opens offline.
func exportHTML(w io.Writer, nb *notebooks.Notebook, title string) error {
	var b bytes.Buffer
	charts := 0
	for _, c := range nb.Cells {
		switch c.Type {
		case notebooks.MarkdownCell:
			b.WriteString(`<div class="cell md">`)
			b.WriteString(renderMarkdown(c.Source))
			b.WriteString("</div>\n")
		case notebooks.RawCell:
			b.WriteString(`<div class="cell raw"><pre>` + html.EscapeString(c.Source) + "</pre></div>\n")
		default:
			count := " "
			if c.ExecutionCount != nil {
				count = fmt.Sprint(*c.ExecutionCount)
			}
			fmt.Fprintf(&b, `<div class="cell code"><div class="prompt">[%s]:</div><pre class="src">%s</pre>`, count, html.EscapeString(c.Source))
			for i := range c.Outputs {
				b.WriteString(`<div class="out">`)
				writeOutputHTML(&b, &c.Outputs[i], &charts)
				b.WriteString("</div>")
			}
			b.WriteString("</div>\n")
		}
	}
	var echarts []byte
	if charts > 0 {
		echarts, _ = fs.ReadFile(frontend.Dist, "dist/echarts.min.js")
	}
	fmt.Fprintf(w, `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>%s</title>
<style>
body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}
.cell{margin:1em 0}.prompt{color:#888;font:12px monospace}
pre{background:#f6f8fa;padding:.6em;tab-size:4;overflow-x:auto;font:13px/1.4 monospace;white-space:pre-wrap;margin:.2em 0}
.out pre{background:#fff;border-left:3px solid #ddd}.out pre.stderr{background:#fff0f0}.out pre.err{background:#fff0f0;color:#a00}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;font-size:13px}
.chart{width:100%%;height:400px}img{max-width:100%%}
</style>
`, html.EscapeString(title))
	if len(echarts) > 0 {
		io.WriteString(w, "<script>\n")
		w.Write(bytes.ReplaceAll(echarts, []byte("</script"), []byte(`<\/script`)))
		io.WriteString(w, "\n</script>\n")
	}
	fmt.Fprintf(w, "</head><body>\n<h1>%s</h1>\n", html.EscapeString(title))
	if _, err := w.Write(b.Bytes()); err != nil {
		return err
	}
	if charts > 0 {
		if len(echarts) > 0 {
			io.WriteString(w, `<script>document.querySelectorAll("div.chart").forEach(function(el){var opt=JSON.parse(el.getAttribute("data-option"));echarts.init(el).setOption(opt);el.nextElementSibling&&el.nextElementSibling.classList.contains("fallback")&&(el.nextElementSibling.style.display="none")});</script>`)
		}
	}
	_, err := io.WriteString(w, "\n</body></html>\n")
	return err
}

var ansiEscape = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]`)

func stripANSI(s string) string { return ansiEscape.ReplaceAllString(s, "") }

func writeOutputHTML(b *bytes.Buffer, o *notebooks.Output, charts *int) {
	switch o.Type {
	case notebooks.StreamOutput:
		fmt.Fprintf(b, `<pre class="%s">%s</pre>`, html.EscapeString(o.Name), html.EscapeString(stripANSI(resolveCR(o.Text))))
	case notebooks.ErrorOutput:
		text := o.EName + ": " + o.EValue
		if len(o.Traceback) > 0 {
			text = strings.Join(o.Traceback, "\n")
		}
		fmt.Fprintf(b, `<pre class="err">%s</pre>`, html.EscapeString(stripANSI(text)))
	case notebooks.DisplayDataOutput, notebooks.ExecuteResultOutput:
		writeBundleHTML(b, o.Data, charts)
	}
}

// resolveCR keeps what a terminal would show for lines rewritten with \r.
func resolveCR(s string) string {
	s = appendStream("", s)
	return strings.ReplaceAll(s, "\r", "")
}

func writeBundleHTML(b *bytes.Buffer, data map[string]any, charts *int) {
	text := func(mime string) (string, bool) {
		v, ok := data[mime]
		if !ok {
			return "", false
		}
		switch v := v.(type) {
		case string:
			return v, true
		case []any:
			var sb strings.Builder
			for _, p := range v {
				if s, ok := p.(string); ok {
					sb.WriteString(s)
				}
			}
			return sb.String(), true
		}
		return "", false
	}
	if opt, ok := data[protocol.MIMEECharts]; ok {
		raw, err := json.Marshal(opt)
		if err == nil {
			*charts++
			fmt.Fprintf(b, `<div class="chart" data-option="%s"></div>`, html.EscapeString(string(raw)))
			if t, ok := text("text/plain"); ok {
				fmt.Fprintf(b, `<pre class="fallback">%s</pre>`, html.EscapeString(t))
			}
			return
		}
	}
	if tbl, err := table.FromJSON(data[protocol.MIMETable]); err == nil {
		b.WriteString(tbl.HTML())
		return
	}
	if h, ok := text("text/html"); ok {
		// The exported page holds no token and talks to no server: the cell's HTML
		// is shown as the cell produced it, as nbconvert does.
		b.WriteString(h)
		return
	}
	for _, mime := range []string{"image/png", "image/jpeg", "image/gif"} {
		if v, ok := text(mime); ok {
			fmt.Fprintf(b, `<img src="data:%s;base64,%s">`, mime, html.EscapeString(strings.TrimSpace(v)))
			return
		}
	}
	if v, ok := text("image/svg+xml"); ok {
		b.WriteString(v)
		return
	}
	if v, ok := text("text/markdown"); ok {
		b.WriteString(renderMarkdown(v))
		return
	}
	if v, ok := data["application/json"]; ok {
		raw, _ := json.MarshalIndent(v, "", "  ")
		fmt.Fprintf(b, "<pre>%s</pre>", html.EscapeString(string(raw)))
		return
	}
	if t, ok := text("text/plain"); ok {
		fmt.Fprintf(b, "<pre>%s</pre>", html.EscapeString(stripANSI(t)))
		return
	}
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(b, "<pre>[output of type %s]</pre>", html.EscapeString(strings.Join(keys, ", ")))
}

// markdown renders Markdown cells and text/markdown outputs for the export:
// CommonMark with GitHub's extensions (tables, strikethrough, task lists,
// autolinks), as the browser renders them with marked. It is safe for a page
// opened from disk: goldmark, without its WithUnsafe option, leaves out raw HTML
// and does not link javascript:, vbscript:, file: or non-image data: URLs.
var markdown = goldmark.New(goldmark.WithExtensions(extension.GFM))

// renderMarkdown returns the HTML of Markdown source.
func renderMarkdown(src string) string {
	var b bytes.Buffer
	if err := markdown.Convert([]byte(src), &b); err != nil {
		// goldmark fails only when writing fails, which a buffer does not; show the
		// source rather than nothing.
		return "<pre>" + html.EscapeString(src) + "</pre>\n"
	}
	return b.String()
}
