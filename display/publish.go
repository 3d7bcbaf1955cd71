package display

import (
	"fmt"
	"html"
	"strings"

	"gopad.dev/gopad/ml"
)

// PublishedBundle renders an endpoint that ml.Publish (or the notebook's
// Publish button) made: its URL, a curl line that works as pasted (the
// credential is $GOPAD_TOKEN, never written into the notebook) and the
// version. It is the cell result of ml.Publish.
func PublishedBundle(p *ml.Published) Bundle {
	if p == nil {
		return Bundle{MIMEText: "<nil>"}
	}
	var b strings.Builder
	b.WriteString(`<div class="gopad-published" style="font-family:system-ui,sans-serif;font-size:13px;border:1px solid #9ab;border-radius:6px;padding:8px 10px">`)
	if p.Served {
		fmt.Fprintf(&b, `<div style="font-weight:600">Published <span class="gopad-published-name">%s</span> version <span class="gopad-published-version">%d</span></div>`,
			html.EscapeString(p.Name), p.Version)
		fmt.Fprintf(&b, `<div>Endpoint: <a class="gopad-published-url" href="%s" target="_blank" rel="noopener">%s</a></div>`,
			html.EscapeString(p.URL), html.EscapeString(p.URL))
		fmt.Fprintf(&b, `<div style="margin-top:4px;opacity:0.75">Call it (with an API key or the notebook's token in $GOPAD_TOKEN):</div><pre class="gopad-published-curl" style="white-space:pre-wrap;word-break:break-all;margin:2px 0">%s</pre>`,
			html.EscapeString(p.Curl()))
	} else {
		fmt.Fprintf(&b, `<div style="font-weight:600">%s version %d written to the registry, not served</div><div>%s</div>`,
			html.EscapeString(p.Name), p.Version, html.EscapeString(p.Registry))
	}
	if p.Note != "" {
		fmt.Fprintf(&b, `<div style="opacity:0.75;font-size:12px">%s</div>`, html.EscapeString(p.Note))
	}
	b.WriteString(`</div>`)
	return Bundle{MIMEHTML: b.String(), MIMEText: p.String()}
}
