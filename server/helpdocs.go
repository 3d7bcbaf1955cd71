package server

import (
	"bytes"
	"html/template"
	"net/http"
	"strings"

	"gopad.dev/gopad/internal/pkgdoc"
)

// The help pages: the documentation of the packages cells import (gopad's ml and
// display, the standard library), rendered from the docs embedded in the binary, so
// they need no network and no Go installation. They run no script.
const helpRoot = "/help/"

// helpURL is the page of the package at import path.
func helpURL(path string) string {
	return helpRoot + strings.TrimPrefix(path, "gopad.dev/")
}

type helpSymbol struct {
	ID, Kind, Name, Decl string
	Doc                  template.HTML
	Methods              []helpSymbol
}

type helpPage struct {
	Title, Name, ImportPath string
	Doc                     template.HTML
	Consts, Vars, Funcs     []helpSymbol
	Types                   []helpSymbol
}

type helpIndexEntry struct {
	URL, Path, Synopsis string
}

var helpTemplates = template.Must(template.New("pkg").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} – gopad help</title>
<link rel="stylesheet" href="/help/doc.css">
</head>
<body>
<header><a href="/help/">gopad help</a></header>
<main>
<h1>package {{.Name}}</h1>
<p class="import">import "{{.ImportPath}}"</p>
<div class="doc">{{.Doc}}</div>
<h2>Index</h2>
<ul class="index">
{{- range .Consts}}<li><a href="#{{.ID}}">{{.Decl}}</a></li>{{end}}
{{- range .Vars}}<li><a href="#{{.ID}}">{{.Decl}}</a></li>{{end}}
{{- range .Funcs}}<li><a href="#{{.ID}}">{{.Decl}}</a></li>{{end}}
{{- range .Types}}<li><a href="#{{.ID}}">type {{.Name}}</a>{{if .Methods}}<ul>{{range .Methods}}<li><a href="#{{.ID}}">{{.Decl}}</a></li>{{end}}</ul>{{end}}</li>{{end}}
</ul>
{{if .Consts}}<h2>Constants</h2>{{range .Consts}}{{template "sym" .}}{{end}}{{end}}
{{if .Vars}}<h2>Variables</h2>{{range .Vars}}{{template "sym" .}}{{end}}{{end}}
{{if .Funcs}}<h2>Functions</h2>{{range .Funcs}}{{template "sym" .}}{{end}}{{end}}
{{if .Types}}<h2>Types</h2>{{range .Types}}{{template "sym" .}}{{range .Methods}}{{template "sym" .}}{{end}}{{end}}{{end}}
</main>
</body>
</html>
{{define "sym"}}<section class="symbol {{.Kind}}" id="{{.ID}}"><h3>{{.Kind}} {{.Name}}</h3><pre>{{.Decl}}</pre>{{.Doc}}</section>
{{end}}`))

var helpIndexTemplate = template.Must(template.New("index").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>gopad help</title>
<link rel="stylesheet" href="/help/doc.css">
</head>
<body>
<header><a href="/help/">gopad help</a></header>
<main>
<h1>Packages for cells</h1>
<h2>gopad</h2>
<table class="packages">{{range .Gopad}}<tr><td><a href="{{.URL}}">{{.Path}}</a></td><td>{{.Synopsis}}</td></tr>{{end}}</table>
<h2>Standard library</h2>
<table class="packages">{{range .Std}}<tr><td><a href="{{.URL}}">{{.Path}}</a></td><td>{{.Synopsis}}</td></tr>{{end}}</table>
</main>
</body>
</html>
`))

const helpCSS = `body{margin:0;font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2328;background:#fff}
header{padding:8px 24px;border-bottom:1px solid #d0d7de;background:#f6f8fa}
header a{color:#0969da;text-decoration:none;font-weight:600}
main{max-width:920px;margin:0 auto;padding:8px 24px 48px}
h1{font-size:26px;margin:16px 0 4px}
h2{font-size:20px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
h3{font-size:16px;margin:24px 0 6px}
pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;overflow-x:auto;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.import{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:#57606a}
.index{font:13px/1.6 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding-left:18px}
.index a,.packages a{color:#0969da;text-decoration:none}
.packages td{padding:2px 12px 2px 0;vertical-align:top}
.packages td:first-child{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:nowrap}
.symbol:target h3{background:#fff8c5}
`

func (s *Server) handleHelpCSS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	_, _ = w.Write([]byte(helpCSS))
}

// handleHelpIndex lists the documented packages, gopad's first.
func (s *Server) handleHelpIndex(w http.ResponseWriter, r *http.Request) {
	paths, err := pkgdoc.Paths()
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	var data struct{ Gopad, Std []helpIndexEntry }
	for _, path := range paths {
		p, err := pkgdoc.Lookup(path)
		if err != nil {
			writeError(w, http.StatusInternalServerError, err.Error())
			return
		}
		short := strings.TrimPrefix(path, "gopad.dev/")
		e := helpIndexEntry{URL: helpURL(path), Path: short, Synopsis: p.Synopsis()}
		if short != path {
			data.Gopad = append(data.Gopad, e)
		} else {
			data.Std = append(data.Std, e)
		}
	}
	writeHTML(w, helpIndexTemplate, data)
}

// handleHelpPackage renders one package's documentation.
func (s *Server) handleHelpPackage(w http.ResponseWriter, r *http.Request) {
	path := r.PathValue("path")
	p, err := pkgdoc.Lookup(path)
	if err != nil {
		writeError(w, http.StatusNotFound, err.Error()+" (see "+helpRoot+" for the documented packages)")
		return
	}
	docHTML := func(doc string) template.HTML {
		// The comment printer escapes the text: its output is safe HTML.
		return template.HTML(p.HTML(doc, helpURL))
	}
	page := helpPage{Title: "package " + p.Name, Name: p.Name, ImportPath: strings.TrimPrefix(p.Path, "gopad.dev/"), Doc: docHTML(p.Doc)}
	types := map[string]int{}
	for _, sym := range p.Symbols {
		if strings.Contains(sym.Name, ".") {
			continue
		}
		hs := helpSymbol{ID: sym.Name, Kind: sym.Kind, Name: sym.Name, Decl: sym.Decl, Doc: docHTML(sym.Doc)}
		switch sym.Kind {
		case "const":
			page.Consts = append(page.Consts, hs)
		case "var":
			page.Vars = append(page.Vars, hs)
		case "type":
			types[sym.Name] = len(page.Types)
			page.Types = append(page.Types, hs)
		default:
			page.Funcs = append(page.Funcs, hs)
		}
	}
	for _, sym := range p.Symbols {
		typ, method, ok := strings.Cut(sym.Name, ".")
		i, known := types[typ]
		if !ok || !known || sym.Kind != "method" {
			continue // fields show in their type's declaration
		}
		page.Types[i].Methods = append(page.Types[i].Methods, helpSymbol{ID: sym.Name, Kind: "method", Name: typ + "." + method, Decl: sym.Decl, Doc: docHTML(sym.Doc)})
	}
	writeHTML(w, helpTemplates, page)
}

// writeHTML renders t with data, or answers 500 without a half-written page.
func writeHTML(w http.ResponseWriter, t *template.Template, data any) {
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		writeError(w, http.StatusInternalServerError, "render the help page: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(b.Bytes())
}
