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

	"gopad.dev/gopad/frontend"
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
	if tbl, ok := data[protocol.MIMETable].(map[string]any); ok {
		writeTableHTML(b, tbl)
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

func writeTableHTML(b *bytes.Buffer, tbl map[string]any) {
	cell := func(v any) string {
		if s, ok := v.(string); ok {
			return html.EscapeString(s)
		}
		raw, _ := json.Marshal(v)
		return html.EscapeString(string(raw))
	}
	b.WriteString("<table><thead><tr>")
	if cols, ok := tbl["columns"].([]any); ok {
		for _, c := range cols {
			b.WriteString("<th>" + cell(c) + "</th>")
		}
	}
	b.WriteString("</tr></thead><tbody>")
	if rows, ok := tbl["rows"].([]any); ok {
		for _, r := range rows {
			b.WriteString("<tr>")
			if vals, ok := r.([]any); ok {
				for _, v := range vals {
					b.WriteString("<td>" + cell(v) + "</td>")
				}
			}
			b.WriteString("</tr>")
		}
	}
	b.WriteString("</tbody></table>")
}

// ---- a small Markdown renderer for exported pages ----

var (
	mdHeading  = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*\s*$`)
	mdBullet   = regexp.MustCompile(`^\s*[-*+]\s+(.*)$`)
	mdOrdered  = regexp.MustCompile(`^\s*\d+[.)]\s+(.*)$`)
	mdTableSep = regexp.MustCompile(`^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$`)
	mdCode     = regexp.MustCompile("`([^`]+)`")
	mdBold     = regexp.MustCompile(`\*\*([^*]+)\*\*|__([^_]+)__`)
	mdItalic   = regexp.MustCompile(`\*([^*]+)\*|\b_([^_]+)_\b`)
	mdImage    = regexp.MustCompile(`!\[([^\]]*)\]\(((?:[^()\s]|\([^()\s]*\))+)\)`)
	mdLink     = regexp.MustCompile(`\[([^\]]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)`)
)

// renderMarkdown renders the common subset of Markdown: headings, paragraphs,
// bullet and numbered lists, fenced code, block quotes, tables, inline code,
// emphasis, links and images. Everything is escaped first; only safe URLs link.
func renderMarkdown(src string) string {
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	var out strings.Builder
	var para []string
	list := ""
	flushPara := func() {
		if len(para) > 0 {
			out.WriteString("<p>" + mdInline(strings.Join(para, "\n")) + "</p>\n")
			para = nil
		}
	}
	closeList := func() {
		if list != "" {
			out.WriteString("</" + list + ">\n")
			list = ""
		}
	}
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~"):
			flushPara()
			closeList()
			fence := trimmed[:3]
			var code []string
			for i++; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), fence); i++ {
				code = append(code, lines[i])
			}
			out.WriteString("<pre><code>" + html.EscapeString(strings.Join(code, "\n")) + "</code></pre>\n")
		case trimmed == "":
			flushPara()
			closeList()
		case mdHeading.MatchString(trimmed):
			flushPara()
			closeList()
			m := mdHeading.FindStringSubmatch(trimmed)
			fmt.Fprintf(&out, "<h%d>%s</h%d>\n", len(m[1]), mdInline(m[2]), len(m[1]))
		case strings.HasPrefix(trimmed, ">"):
			flushPara()
			closeList()
			out.WriteString("<blockquote>" + mdInline(strings.TrimSpace(strings.TrimPrefix(trimmed, ">"))) + "</blockquote>\n")
		case trimmed == "---" || trimmed == "***":
			flushPara()
			closeList()
			out.WriteString("<hr>\n")
		case strings.Contains(trimmed, "|") && i+1 < len(lines) && mdTableSep.MatchString(lines[i+1]):
			flushPara()
			closeList()
			out.WriteString("<table><thead><tr>")
			for _, h := range mdRow(trimmed) {
				out.WriteString("<th>" + mdInline(h) + "</th>")
			}
			out.WriteString("</tr></thead><tbody>")
			for i += 2; i < len(lines) && strings.Contains(lines[i], "|"); i++ {
				out.WriteString("<tr>")
				for _, c := range mdRow(lines[i]) {
					out.WriteString("<td>" + mdInline(c) + "</td>")
				}
				out.WriteString("</tr>")
			}
			i--
			out.WriteString("</tbody></table>\n")
		case mdBullet.MatchString(line) || mdOrdered.MatchString(line):
			flushPara()
			kind, m := "ul", mdBullet.FindStringSubmatch(line)
			if m == nil {
				kind, m = "ol", mdOrdered.FindStringSubmatch(line)
			}
			if list != kind {
				closeList()
				out.WriteString("<" + kind + ">\n")
				list = kind
			}
			out.WriteString("<li>" + mdInline(m[1]) + "</li>\n")
		default:
			closeList()
			para = append(para, trimmed)
		}
	}
	flushPara()
	closeList()
	return out.String()
}

func mdRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(strings.TrimSuffix(line, "|"), "|")
	cells := strings.Split(line, "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}

func safeURL(u string) bool {
	l := strings.ToLower(u)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "#") ||
		strings.HasPrefix(l, "mailto:") || strings.HasPrefix(l, "data:image/") || !strings.Contains(l, ":")
}

// mdInline renders inline Markdown; code spans are protected from the other rules.
func mdInline(s string) string {
	var spans []string
	s = mdCode.ReplaceAllStringFunc(s, func(m string) string {
		spans = append(spans, "<code>"+html.EscapeString(m[1:len(m)-1])+"</code>")
		return fmt.Sprintf("\x00%d\x00", len(spans)-1)
	})
	s = html.EscapeString(s)
	s = mdImage.ReplaceAllStringFunc(s, func(m string) string {
		p := mdImage.FindStringSubmatch(m)
		if !safeURL(html.UnescapeString(p[2])) {
			return p[1]
		}
		return `<img alt="` + p[1] + `" src="` + p[2] + `">`
	})
	s = mdLink.ReplaceAllStringFunc(s, func(m string) string {
		p := mdLink.FindStringSubmatch(m)
		if !safeURL(html.UnescapeString(p[2])) {
			return p[1]
		}
		return `<a href="` + p[2] + `">` + p[1] + `</a>`
	})
	s = mdBold.ReplaceAllString(s, "<strong>$1$2</strong>")
	s = mdItalic.ReplaceAllString(s, "<em>$1$2</em>")
	s = strings.ReplaceAll(s, "\n", " ")
	for i, span := range spans {
		s = strings.Replace(s, fmt.Sprintf("\x00%d\x00", i), span, 1)
	}
	return s
}
