package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// A notebook received from someone else carries outputs its author wrote: HTML,
// Markdown, SVG, JSON, tables, text and ECharts options (whose formatter and
// rich-text strings ECharts renders as HTML and whose title links it follows). None
// of it may run script in gopad's page, nor call gopad's API.
//
// Every payload below, if it ran, would report itself three ways: a postMessage to
// the page (caught by a listener installed before the app loads), a mark on the top
// window (if it ran in the page itself), and requests to gopad's API (a POST that
// creates pwned-*.gonb, and a GET of /api/pwned). The browser talks to gopad through a
// recording proxy, which sees every request of the page and of the sandboxed frames.

// pwn is a script that reports that it ran, under name. It uses single quotes only,
// so that it fits in double-quoted HTML attributes and in javascript: URLs.
func pwn(name string) string {
	return fmt.Sprintf(`(function(){var m={gopadPwned:'%[1]s'};try{top.postMessage(m,'*')}catch(e){}try{parent.postMessage(m,'*')}catch(e){}`+
		`try{top.gopadPwnedHere=(top.gopadPwnedHere||[]).concat(['%[1]s'])}catch(e){}`+
		`try{fetch('/api/contents/new',{method:'POST',credentials:'include',headers:{'X-Gopad-CSRF':'1','Content-Type':'application/json'},body:JSON.stringify({dir:'',name:'pwned-%[1]s.gonb'})})}catch(e){}`+
		`try{new Image().src='/api/pwned?%[1]s'}catch(e){}})()`, name)
}

// hostileOutputs are the outputs of the notebook under test, one per rich type. Probe
// images (/static/probe-*.png) mark the HTML around a payload, to show that it was
// really rendered.
func hostileOutputs() []nbCell {
	img := func(probe, name string) string {
		return fmt.Sprintf(`<img src="/static/probe-%s.png" onerror="%s">`, probe, pwn(name))
	}
	chart := map[string]any{
		"title": map[string]any{
			"text": "Click the title", "link": "javascript:" + pwn("chart-title-link"), "target": "self",
			"subtext": "and the subtitle", "sublink": "javascript:" + pwn("chart-sublink"), "subtarget": "blank",
			"left": 10, "top": 6, "textStyle": map[string]any{"fontSize": 26},
		},
		"tooltip": map[string]any{
			"trigger": "axis", "alwaysShowContent": true,
			"formatter": img("chart-tooltip", "chart-tooltip") + "<b>tooltip</b><script>" + pwn("chart-tooltip-script") + "</script>",
		},
		"legend": map[string]any{"data": []string{"loss"}, "formatter": "<img src=x onerror=\"" + pwn("chart-legend") + "\">"},
		"grid":   map[string]any{"top": 80, "left": 50, "right": 20, "bottom": 30},
		"xAxis":  map[string]any{"type": "category", "data": []string{"a", "b", "c", "d"}},
		"yAxis":  map[string]any{"type": "value"},
		"series": []map[string]any{{
			"name": "loss", "type": "bar", "data": []float64{3, 5, 4, 6},
			"label": map[string]any{"show": true, "formatter": "{x|<img src=x onerror=\"" + pwn("chart-rich") + "\">}", "rich": map[string]any{"x": map[string]any{"color": "#c00"}}},
		}},
	}
	display := func(data map[string]any) map[string]any {
		return map[string]any{"output_type": "display_data", "data": data, "metadata": map[string]any{}}
	}
	return []nbCell{
		{Type: "code", Source: "// chart", Outputs: []map[string]any{display(map[string]any{
			"application/vnd.gopad.echarts+json": chart, "text/plain": "a chart"})}},
		{Type: "code", Source: "// html", Outputs: []map[string]any{display(map[string]any{
			"text/html": img("html", "html-img") + `<p id="html-rendered">HTML output</p><script>` + pwn("html-script") + `</script>` +
				`<svg onload="` + pwn("html-svg") + `"></svg><a id="html-link" href="javascript:` + pwn("html-link") + `">a link</a>` +
				`<iframe srcdoc="<script>` + strings.ReplaceAll(pwn("html-srcdoc"), `'`, `&#39;`) + `</script>"></iframe>` +
				`<form action="javascript:` + pwn("html-form") + `"><button id="html-submit">submit</button></form>`,
			"text/plain": "html"})}},
		{Type: "code", Source: "// markdown", Outputs: []map[string]any{display(map[string]any{
			"text/markdown": "**markdown output** " + img("md", "md-img") + " <a href=\"javascript:" + pwn("md-link") + "\">md link</a> <script>" + pwn("md-script") + "</script>",
			"text/plain":    "md"})}},
		{Type: "code", Source: "// svg", Outputs: []map[string]any{display(map[string]any{
			"image/svg+xml": `<svg xmlns="http://www.w3.org/2000/svg" width="60" height="40" onload="` + pwn("svg-onload") + `"><rect width="60" height="40" fill="#3a6"/><script>` + pwn("svg-script") + `</script></svg>`,
			"text/plain":    "svg"})}},
		{Type: "code", Source: "// json", Outputs: []map[string]any{display(map[string]any{
			"application/json": map[string]any{"<img src=x onerror=\"" + pwn("json-key") + "\">": "<script>" + pwn("json-value") + "</script>"},
			"text/plain":       "json"})}},
		{Type: "code", Source: "// table, text, stream, error", Outputs: []map[string]any{
			display(map[string]any{"application/vnd.gopad.table+json": map[string]any{
				"columns": []string{"<img src=x onerror=\"" + pwn("table-head") + "\">"},
				"rows":    [][]any{{"<script>" + pwn("table-cell") + "</script>"}}}, "text/plain": "table"}),
			{"output_type": "execute_result", "execution_count": 1, "metadata": map[string]any{}, "data": map[string]any{
				"text/plain": "\x1b[31m<img src=x onerror=\"" + pwn("plain") + "\">\x1b[0m"}},
			{"output_type": "stream", "name": "stdout", "text": "<img src=x onerror=\"" + pwn("stream") + "\">\n"},
			{"output_type": "error", "ename": "<img src=x onerror=\"" + pwn("error-name") + "\">", "evalue": "<script>" + pwn("error-value") + "</script>", "traceback": []string{"<img src=x onerror=\"" + pwn("traceback") + "\">"}},
		}},
		{Type: "markdown", Source: "# A markdown cell\n\n" + img("md-cell", "md-cell-img") + "\n\n[cell link](javascript:" + pwn("md-cell-link") + ")\n"},
	}
}

// requestLog records what the browser asked gopad for, through the proxy.
type requestLog struct {
	mu   sync.Mutex
	urls []string
}

func (l *requestLog) add(u string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.urls = append(l.urls, u)
}

func (l *requestLog) matching(sub string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, u := range l.urls {
		if strings.Contains(u, sub) {
			out = append(out, u)
		}
	}
	return out
}

// recordingProxy serves gopad through a reverse proxy on another loopback port that
// records every request; it returns the proxy's base URL.
func recordingProxy(t *testing.T, srv *gopadServer, log *requestLog) string {
	t.Helper()
	target, err := url.Parse(srv.Base)
	if err != nil {
		t.Fatalf("parse server URL: %v", err)
	}
	rp := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(target)
		pr.Out.Host = pr.In.Host // gopad checks Origin against Host: keep the browser's
	}}
	ps := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(r.Method + " " + r.URL.RequestURI())
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(ps.Close)
	return ps.URL
}

// TestUntrustedNotebookOutputsRunNoScript opens a received notebook with hostile
// outputs of every type, hovers and clicks its chart (tooltip, title links) and its
// links, and proves that no payload ran anywhere and no API call was made; then that
// the detection works: trusting the notebook lets its HTML run script, inside the
// sandbox only, and a cell run in this session draws trusted HTML.
func TestUntrustedNotebookOutputsRunNoScript(t *testing.T) {
	srv := startServer(t, "")
	name := writeNotebook(t, srv.Root, "received.gonb", hostileOutputs())
	var reqs requestLog
	base := recordingProxy(t, srv, &reqs)

	ctx, _ := newBrowser(t)
	// Catch every payload's message, from the first script of the page on.
	do(t, ctx, "install the payload listener", chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `window.gopadPwnedMsgs = []; window.gopadSentinels = 0;
			window.addEventListener('message', (e) => { if (e.data && e.data.gopadPwned) window.gopadPwnedMsgs.push(e.data.gopadPwned);
				if (e.data && e.data.gopadSentinel) window.gopadSentinels++; });`})
		return err
	}))
	do(t, ctx, "open the received notebook", chromedp.Navigate(base+"/nb/"+name+"?token="+srv.Token))
	waitFor(t, ctx, "the notebook to load", jsLoaded, 20*time.Second)

	// The app's pages carry the Content-Security-Policy.
	resp, err := http.Get(base + "/nb/" + name + "?token=" + srv.Token)
	if err != nil {
		t.Fatalf("GET the notebook page: %v", err)
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	for _, d := range []string{"script-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"} {
		if !strings.Contains(csp, d) {
			t.Errorf("the page's Content-Security-Policy %q lacks %q", csp, d)
		}
	}
	if strings.Contains(csp, "unsafe-inline'; style") || strings.Contains(strings.SplitN(csp, "style-src", 2)[0], "unsafe") {
		t.Errorf("the page's script policy allows unsafe script: %q", csp)
	}
	if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
	}

	// Everything was drawn: probes of the HTML and Markdown payloads were requested,
	// and the Markdown, SVG, JSON, table, text and error outputs are on the page.
	waitFor(t, ctx, "the trust badge", `!document.getElementById('trust-badge').hidden`, 10*time.Second)
	waitFor(t, ctx, "the page's probe images to finish loading", `Array.from(document.querySelectorAll('img[src*="probe-md"]')).length >= 2 && Array.from(document.querySelectorAll('img[src*="probe-md"]')).every(i => i.complete)`, 20*time.Second)
	drawn := evalJS[map[string]bool](t, ctx, `(() => { const t = (i) => `+jsCells+`[i].querySelector('.output-area').innerText;
		return {md: `+jsCell(2)+`.querySelector('.output-markdown strong') !== null,
			svg: (() => { const i = `+jsCell(3)+`.querySelector('.output-image img'); return !!i && i.complete && i.naturalWidth > 0; })(),
			json: t(4).includes('<img src=x onerror'), table: t(5).includes('<script>'), plain: t(5).includes('onerror'), error: `+jsCell(5)+`.querySelector('.output-error') !== null}; })()`)
	for k, ok := range drawn {
		if !ok {
			t.Errorf("the %s output was not drawn", k)
		}
	}

	// The chart: hover the plot (the tooltip's HTML is rendered: its probe is
	// requested) and click the title and the subtitle (javascript: links).
	charts := outputFrames(t, ctx, "a drawn chart", `document.body.className === 'chart' && !!document.querySelector('canvas')`, 1, kernelStarts)
	chart := charts[0]
	evalIn[bool](t, chart, `window.gopadViolations = []; document.addEventListener('securitypolicyviolation', (e) => gopadViolations.push(e.effectiveDirective + ' ' + e.blockedURI)), true`)
	fx, fy, fw, fh := frameRectInPage(t, ctx, jsCell(0)+`.querySelector('iframe.output-chart')`)
	for _, p := range [][2]float64{{0.3, 0.6}, {0.5, 0.55}, {0.7, 0.6}, {0.85, 0.7}} {
		mouseMove(t, ctx, fx+fw*p[0], fy+fh*p[1])
	}
	waitIn(t, chart, "the tooltip's HTML (with its image) to render", `(() => { const i = document.querySelector('img[src*="probe-chart-tooltip"]'); return !!i && i.complete && Array.from(document.querySelectorAll('b')).some(b => b.textContent === 'tooltip'); })()`, 20*time.Second)
	mouseClick(t, ctx, fx+40, fy+20) // the title
	mouseClick(t, ctx, fx+40, fy+50) // the subtitle
	waitIn(t, chart, "the title links' javascript: to be blocked by the policy", `gopadViolations.filter(v => v.startsWith('script-src')).length >= 1`, 20*time.Second)
	sentinel(t, ctx, chart, 1)

	// The HTML output: drawn without any of its script; its javascript: link is clicked.
	htmls := outputFrames(t, ctx, "the HTML output", `!!document.getElementById('html-rendered')`, 1, 20*time.Second)
	htmlFrame := htmls[0]
	waitIn(t, htmlFrame, "the HTML's image to be done", `document.querySelector('img[src*="probe-html"]').complete`, 20*time.Second)
	if n := evalIn[int](t, htmlFrame, `document.querySelectorAll('script, [onerror], [onload], iframe[srcdoc]').length`); n != 0 {
		t.Errorf("untrusted HTML kept %d script-bearing elements", n)
	}
	hx, hy, _, _ := frameRectInPage(t, ctx, jsCell(1)+`.querySelector('iframe.output-html')`)
	if r := evalIn[[]float64](t, htmlFrame, `(() => { const r = document.getElementById('html-link').getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()`); len(r) == 2 {
		mouseClick(t, ctx, hx+r[0], hy+r[1])
	}
	sentinel(t, ctx, htmlFrame, 2)

	// Links in the page itself (Markdown output and cell) are clicked too.
	evalJS[bool](t, ctx, `document.querySelectorAll('.output-markdown a, .markdown-rendered a').forEach((a) => a.click()), true`)

	if got := evalJS[[]string](t, ctx, `window.gopadPwnedMsgs.concat(window.gopadPwnedHere || [])`); len(got) != 0 {
		t.Errorf("payloads ran: %v", got)
	}
	checkNoAPICall(t, srv, &reqs)
	screenshot(t, ctx, "40-untrusted-outputs")

	// Control: the same detection sees script that is allowed to run. Trusting the
	// notebook redraws its HTML with script, which reports itself by postMessage (and
	// still cannot reach the page or the API from its sandbox).
	do(t, ctx, "trust the notebook", chromedp.Click(chromedp.CSS("#trust-badge")))
	waitFor(t, ctx, "the trust dialog", `!!document.querySelector('.modal .btn-primary')`, 10*time.Second)
	// A programmatic click: the dialog's entrance can move the button under a
	// coordinate click on a loaded machine.
	evalJS[bool](t, ctx, `document.querySelector('.modal .btn-primary').click(), true`)
	waitFor(t, ctx, "the trusted HTML's script to run in its sandbox", `window.gopadPwnedMsgs.includes('html-script')`, 20*time.Second)
	waitFor(t, ctx, "the trust badge to go", `document.getElementById('trust-badge').hidden`, 10*time.Second)
	if got := evalJS[[]string](t, ctx, `window.gopadPwnedHere || []`); len(got) != 0 {
		t.Errorf("trusted HTML reached the page itself: %v", got)
	}
	if got := evalJS[[]string](t, ctx, `window.gopadPwnedMsgs`); strings.Contains(strings.Join(got, " "), "chart") {
		t.Errorf("a chart payload ran after trusting: %v (charts never run notebook script)", got)
	}
	checkNoAPICall(t, srv, &reqs)

	// The trust is remembered for this file: a reload shows no badge.
	do(t, ctx, "reload", chromedp.Reload())
	waitFor(t, ctx, "the notebook to load", jsLoaded, 20*time.Second)
	waitFor(t, ctx, "the reloaded trusted HTML to run", `window.gopadPwnedMsgs.includes('html-script')`, 20*time.Second)
	if hidden := evalJS[bool](t, ctx, `document.getElementById('trust-badge').hidden`); !hidden {
		t.Errorf("the trusted notebook shows the trust badge again after a reload")
	}
}

// checkNoAPICall fails if any payload reached gopad's API.
func checkNoAPICall(t *testing.T, srv *gopadServer, reqs *requestLog) {
	t.Helper()
	if got := reqs.matching("pwned"); len(got) != 0 {
		t.Errorf("payload requests reached gopad: %v", got)
	}
	if matches, _ := filepath.Glob(filepath.Join(srv.Root, "pwned-*")); len(matches) != 0 {
		t.Errorf("a payload created files through the API: %v", matches)
	}
	if entries, err := os.ReadDir(srv.Root); err == nil {
		for _, e := range entries {
			if strings.Contains(e.Name(), "pwned") {
				t.Errorf("a payload created %s", e.Name())
			}
		}
	}
}

// sentinel posts a message from inside frame f to the page and waits until the page
// has seen n of them: messages from one window to another arrive in order, so
// anything the frame's payloads posted before has arrived too.
func sentinel(t *testing.T, ctx context.Context, f outputFrame, n int) {
	t.Helper()
	evalIn[bool](t, f, `parent.postMessage({gopadSentinel: 1}, '*'), true`)
	waitFor(t, ctx, "the frame's sentinel message", fmt.Sprintf(`window.gopadSentinels >= %d`, n), 10*time.Second)
}

func mouseMove(t *testing.T, ctx context.Context, x, y float64) {
	t.Helper()
	do(t, ctx, "move the mouse", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y))
}

func mouseClick(t *testing.T, ctx context.Context, x, y float64) {
	t.Helper()
	do(t, ctx, "click", chromedp.MouseClickXY(x, y))
}
