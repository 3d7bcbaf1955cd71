package server

import (
	"strings"
	"testing"
)

func TestRenderMarkdown(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"# Title", "<h1>Title</h1>\n"},
		{"a *b* **c** `<d>`", "<p>a <em>b</em> <strong>c</strong> <code>&lt;d&gt;</code></p>\n"},
		{"- x\n- y", "<ul>\n<li>x</li>\n<li>y</li>\n</ul>\n"},
		{"1. x\n2. y", "<ol>\n<li>x</li>\n<li>y</li>\n</ol>\n"},
		{"```go\nif a < b {}\n```", "<pre><code>if a &lt; b {}</code></pre>\n"},
		{"[ok](https://go.dev) [bad](javascript:alert(1))", `<p><a href="https://go.dev">ok</a> bad</p>` + "\n"},
		{"<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"},
		{"| a | b |\n|---|:-:|\n| 1 | 2 |", "<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>\n"},
	} {
		if got := renderMarkdown(tc.in); got != tc.want {
			t.Errorf("renderMarkdown(%q)\n got %q\nwant %q", tc.in, got, tc.want)
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
