package server

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

func TestRenderMarkdown(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"# Title", "<h1>Title</h1>\n"},
		{"a *b* **c** `<d>`", "<p>a <em>b</em> <strong>c</strong> <code>&lt;d&gt;</code></p>\n"},
		{"- x\n- y", "<ul>\n<li>x</li>\n<li>y</li>\n</ul>\n"},
		{"1. x\n2. y", "<ol>\n<li>x</li>\n<li>y</li>\n</ol>\n"},
		{"```go\nif a < b {}\n```", "<pre><code class=\"language-go\">if a &lt; b {}\n</code></pre>\n"},
		{"[ok](https://go.dev)", `<p><a href="https://go.dev">ok</a></p>` + "\n"},
		// GitHub's extensions, as the browser's marked renders them.
		{"| a | b |\n|---|:-:|\n| 1 | 2 |", "<table>\n<thead>\n<tr>\n<th>a</th>\n<th style=\"text-align:center\">b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td style=\"text-align:center\">2</td>\n</tr>\n</tbody>\n</table>\n"},
		{"~~gone~~ and https://go.dev", `<p><del>gone</del> and <a href="https://go.dev">https://go.dev</a></p>` + "\n"},
		{"- [x] done", "<ul>\n<li><input checked=\"\" disabled=\"\" type=\"checkbox\"> done</li>\n</ul>\n"},
		// Nested lists and a paragraph after a list, which the regex renderer got wrong.
		{"- a\n  - b\n\ntext", "<ul>\n<li>a\n<ul>\n<li>b</li>\n</ul>\n</li>\n</ul>\n<p>text</p>\n"},
	} {
		if got := renderMarkdown(tc.in); got != tc.want {
			t.Errorf("renderMarkdown(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

var urlAttr = regexp.MustCompile(`(?:href|src)="([^"]*)"`)

// TestRenderMarkdownIsSafeOpenedFromDisk checks that Markdown from a notebook
// cannot put script into an exported page: raw HTML is left out and script
// URLs are not linked, however they are spelled.
func TestRenderMarkdownIsSafeOpenedFromDisk(t *testing.T) {
	for _, in := range []string{
		"<script>alert(1)</script>",
		"x <img src=x onerror=alert(1)> y",
		`<a href="javascript:alert(1)">x</a>`,
		"[a](javascript:alert(1))",
		"[a](JaVaScRiPt:alert(1))",
		"[a](java&#x73;cript:alert(1))",
		"[a](&#106;avascript:alert(1))",
		"[a]( javascript:alert(1))",
		"[x]: javascript:alert(1)\n\n[x]",
		"<javascript:alert(1)>",
		"![i](javascript:alert(1))",
		"[a](vbscript:x) [b](file:///etc/passwd) [c](data:text/html;base64,PHNjcmlwdD4=)",
	} {
		got := renderMarkdown(in)
		lower := strings.ToLower(got)
		if strings.Contains(lower, "<script") || strings.Contains(lower, "onerror") || strings.Contains(lower, "<a href=\"java") {
			t.Errorf("renderMarkdown(%q) = %q holds markup from the cell", in, got)
		}
		for _, m := range urlAttr.FindAllStringSubmatch(lower, -1) {
			for _, scheme := range []string{"javascript:", "vbscript:", "file:", "data:text"} {
				if strings.HasPrefix(m[1], scheme) {
					t.Errorf("renderMarkdown(%q) = %q links %s", in, got, m[1])
				}
			}
		}
	}
}

// TestExportedTablesUseTheSharedPrinter checks that a table output is exported
// from its table JSON by the table printer display uses: cells escaped, numbers
// formatted and right-aligned, and a note when the output holds only the first rows.
func TestExportedTablesUseTheSharedPrinter(t *testing.T) {
	var b bytes.Buffer
	charts := 0
	writeBundleHTML(&b, map[string]any{
		"application/vnd.gopad.table+json": map[string]any{
			"columns":    []any{"name", "score"},
			"rows":       []any{[]any{"<b>x</b>", 0.123456789}, []any{"y", 2.0}},
			"total_rows": 500.0,
		},
		"text/plain": "name score",
	}, &charts)
	got := b.String()
	for _, want := range []string{
		"<th>name</th><th>score</th>",
		"<td>&lt;b&gt;x&lt;/b&gt;</td>",
		`<td style="text-align:right">0.123457</td>`,
		`<td style="text-align:right">2</td>`,
		"showing the first 2 of 500 rows",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("exported table lacks %q:\n%s", want, got)
		}
	}
}

func TestStripANSIAndCR(t *testing.T) {
	if got := stripANSI("\x1b[31mred\x1b[0m"); got != "red" {
		t.Errorf("stripANSI = %q", got)
	}
	if got := resolveCR("10%\r50%\r100%\ndone\n"); !strings.HasPrefix(got, "100%\ndone") {
		t.Errorf("resolveCR = %q", got)
	}
}
