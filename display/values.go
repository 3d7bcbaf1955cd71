package display

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"image"
	"image/png"
	"strings"

	"gopad.dev/gopad/internal/progress"
	"gopad.dev/gopad/internal/table"
)

// MIME types used by this package.
const (
	MIMEText     = "text/plain"
	MIMEHTML     = "text/html"
	MIMEMarkdown = "text/markdown"
	MIMEPNG      = "image/png"
	MIMESVG      = "image/svg+xml"
	MIMEJSON     = "application/json"
	// MIMEECharts carries a chart as an ECharts option object.
	MIMEECharts = "application/vnd.gopad.echarts+json"
	// MIMETable carries a table as {"columns": [...], "rows": [[...]], "total_rows": n}.
	MIMETable = table.MIMEType
	// MIMEProgress carries a progress bar's state, for terminals to redraw it
	// in place (see ProgressBar).
	MIMEProgress = progress.MIMEType
)

// Text returns a bundle holding plain text.
func Text(s string) Bundle {
	return Bundle{MIMEText: s}
}

// HTML returns a bundle holding an HTML fragment. Its text/plain form is the
// fragment's text without tags.
func HTML(s string) Bundle {
	return Bundle{MIMEHTML: s, MIMEText: htmlToText(s)}
}

// Markdown returns a bundle holding Markdown, which the notebook renders; its
// text/plain form is the Markdown source.
func Markdown(s string) Bundle {
	return Bundle{MIMEMarkdown: s, MIMEText: s}
}

// SVG returns a bundle holding an SVG image.
func SVG(s string) Bundle {
	return Bundle{MIMESVG: s, MIMEText: "<SVG image>"}
}

// JSON returns a bundle holding v as application/json, with its indented JSON
// text as the text/plain form. A value that cannot be encoded as JSON gives a
// text/plain message saying why.
func JSON(v any) Bundle {
	raw, err := json.Marshal(v)
	if err != nil {
		return Bundle{MIMEText: fmt.Sprintf("display.JSON: cannot encode %T: %v", v, err)}
	}
	var decoded any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // keep large integers exact
	if err := dec.Decode(&decoded); err != nil {
		return Bundle{MIMEText: fmt.Sprintf("display.JSON: %v", err)}
	}
	var pretty bytes.Buffer
	json.Indent(&pretty, raw, "", "  ")
	return Bundle{MIMEJSON: decoded, MIMEText: pretty.String()}
}

// Image returns a bundle holding img encoded as PNG.
func Image(img image.Image) Bundle {
	if img == nil {
		return Bundle{MIMEText: "display.Image: nil image"}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Bundle{MIMEText: fmt.Sprintf("display.Image: cannot encode PNG: %v", err)}
	}
	r := img.Bounds()
	return Bundle{
		MIMEPNG:  base64.StdEncoding.EncodeToString(buf.Bytes()),
		MIMEText: fmt.Sprintf("<image %dx%d>", r.Dx(), r.Dy()),
	}
}

// PNG returns a bundle holding an already encoded PNG image. Bytes that are not a
// PNG give a text/plain message saying so.
func PNG(data []byte) Bundle {
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Bundle{MIMEText: fmt.Sprintf("display.PNG: not a PNG image: %v", err)}
	}
	return Bundle{
		MIMEPNG:  base64.StdEncoding.EncodeToString(data),
		MIMEText: fmt.Sprintf("<image %dx%d>", cfg.Width, cfg.Height),
	}
}

// htmlToText is a rough text rendering of an HTML fragment for terminals: tags
// are dropped (block-level ones become line breaks), entities decoded, and runs
// of blank lines squeezed.
func htmlToText(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		s = s[i:]
		j := strings.IndexByte(s, '>')
		if j < 0 {
			b.WriteString(s)
			break
		}
		tag := strings.ToLower(strings.Trim(s[1:j], "/ "))
		if k := strings.IndexAny(tag, " \t\n"); k >= 0 {
			tag = tag[:k]
		}
		switch tag {
		case "br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre":
			b.WriteByte('\n')
		case "td", "th":
			if s[1] != '/' {
				b.WriteByte(' ')
			}
		case "style", "script":
			// Drop the element's content too.
			if !strings.HasPrefix(s[1:], "/") {
				end := strings.Index(strings.ToLower(s), "</"+tag)
				if end >= 0 {
					s = s[end:]
					continue
				}
			}
		}
		s = s[j+1:]
	}
	text := html.UnescapeString(b.String())
	var lines []string
	blank := true
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			if blank {
				continue
			}
			blank = true
		} else {
			blank = false
		}
		lines = append(lines, line)
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
