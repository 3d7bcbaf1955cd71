package engine

import (
	"fmt"
	"go/scanner"
	"go/token"
	"reflect"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"gopad.dev/gopad/internal/pkgdoc"
)

// Complete returns completions for code at byte offset cursor: each match
// replaces code[start:end]. After "pkg." it offers the package's exported
// names; otherwise the names cells defined, imported package names, keywords
// and builtins that start with the word before the cursor. Packages known to
// gopad but not imported yet are offered after "import \"".
func (e *Engine) Complete(code string, cursor int) (matches []string, start, end int) {
	cands, start, end := e.CompleteCandidates(code, cursor)
	for _, c := range cands {
		matches = append(matches, c.Text)
	}
	return matches, start, end
}

// Candidate is one completion and, for the completion list, what it names.
type Candidate struct {
	Text      string
	Kind      string // func, type, var, const, method, field, package, keyword or "" when unknown
	Signature string // the declaration without its body, "" when unknown
}

// CompleteCandidates is Complete with each match's kind and signature.
func (e *Engine) CompleteCandidates(code string, cursor int) (cands []Candidate, start, end int) {
	matches, start, end, describe := e.complete(code, cursor)
	for _, m := range matches {
		c := Candidate{Text: m}
		if describe != nil {
			c.Kind, c.Signature = describe(m)
		}
		cands = append(cands, c)
	}
	return cands, start, end
}

// describer tells the kind and signature of a completion.
type describer func(name string) (kind, signature string)

// complete finds the matches, and how to describe them (with e.names held).
func (e *Engine) complete(code string, cursor int) (matches []string, start, end int, describe describer) {
	cursor = max(0, min(cursor, len(code)))
	// The word under the cursor extends to the right over identifier characters.
	end = cursor
	for end < len(code) {
		r, size := utf8.DecodeRuneInString(code[end:])
		if !isIdentRune(r) {
			break
		}
		end += size
	}
	start = cursor
	for start > 0 {
		r, size := utf8.DecodeLastRuneInString(code[:start])
		if !isIdentRune(r) {
			break
		}
		start -= size
	}
	prefix := code[start:cursor]

	if path, ok := importPathPrefix(code[:cursor]); ok {
		return e.completeImport(path), cursor - len(path), cursor, func(string) (string, string) { return "package", "" }
	}

	// Not e.mu: completion must answer while a cell runs.
	e.names.RLock()
	defer e.names.RUnlock()
	if start > 0 && code[start-1] == '.' {
		// pkg.Name: the identifier before the dot.
		q := start - 1
		p := q
		for p > 0 {
			r, size := utf8.DecodeLastRuneInString(code[:p])
			if !isIdentRune(r) {
				break
			}
			p -= size
		}
		pkg := code[p:q]
		path, ok := e.importNames[pkg]
		if !ok {
			path, ok = cellImportsOf(code)[pkg]
		}
		if !ok {
			if members, t := e.completeMembers(pkg, prefix); len(members) > 0 {
				return members, start, end, func(name string) (string, string) {
					d, _ := memberDoc(t, name)
					return d.Kind, d.Decl
				}
			}
			// A package the cell may use without importing it (fmt, strings, ml...).
			if path, ok = autoImportPaths[pkg]; !ok {
				return nil, start, end, nil
			}
		}
		seen := map[string]bool{}
		for _, key := range e.exportKeys(path) {
			for name := range e.exports[key] {
				if token.IsExported(name) && strings.HasPrefix(name, prefix) && !seen[name] {
					seen[name] = true
					matches = append(matches, name)
				}
			}
		}
		sort.Strings(matches)
		return matches, start, end, e.packageDescriber(path)
	}
	if prefix == "" {
		return nil, start, end, nil
	}
	seen := map[string]bool{}
	add := func(name string) {
		if strings.HasPrefix(name, prefix) && !seen[name] && !strings.HasPrefix(name, "_") {
			seen[name] = true
			matches = append(matches, name)
		}
	}
	for name := range e.userNames {
		add(name)
	}
	for name := range e.importNames {
		add(name)
	}
	for name := range cellImportsOf(code) {
		add(name)
	}
	for name := range cellNames(code) {
		add(name)
	}
	for name := range universe {
		add(name)
	}
	for _, kw := range keywords {
		add(kw)
	}
	sort.Strings(matches)
	local := cellNames(code)
	docs := declDocs(code)
	return matches, start, end, func(name string) (string, string) { return e.describeName(code, name, local, docs) }
}

// packageDescriber describes the exported names of the package at path from
// its documentation, else from the interpreter's symbol table.
func (e *Engine) packageDescriber(path string) describer {
	p, _ := pkgdoc.Lookup(path)
	return func(name string) (string, string) {
		if p != nil {
			if s, ok := p.Symbol(name); ok {
				return s.Kind, s.Decl
			}
		}
		for _, key := range e.exportKeys(path) {
			if v, ok := e.exports[key][name]; ok {
				return symbolKind(v), ""
			}
		}
		return "", ""
	}
}

// symbolKind tells a yaegi symbol table entry's kind: types are nil pointers
// to them, variables pointers to them, functions funcs, the rest constants.
func symbolKind(v reflect.Value) string {
	switch {
	case v.Kind() == reflect.Func:
		return "func"
	case v.Kind() == reflect.Pointer && v.IsNil():
		return "type"
	case v.Kind() == reflect.Pointer:
		return "var"
	}
	return "const"
}

// describeName describes an unqualified name at the cursor (e.names held);
// local and docs are the names and declarations of the cell being typed.
func (e *Engine) describeName(code, name string, local map[string]bool, docs map[string]cellDoc) (kind, signature string) {
	if d, ok := docs[name]; ok {
		return d.kind, d.decl
	}
	if d, ok := e.cellDocs[name]; ok {
		return d.kind, d.decl
	}
	if path, ok := e.packagePath(code, name); ok {
		return "package", fmt.Sprintf("package %s // import %q", packageName(path), path)
	}
	if e.userNames[name] || local[name] {
		if t, ok := e.valueType(name); ok {
			return "var", fmt.Sprintf("var %s %s", name, t)
		}
		return "var", ""
	}
	if universe[name] {
		if p, err := pkgdoc.Lookup("builtin"); err == nil {
			if s, ok := p.Symbol(name); ok {
				return s.Kind, s.Decl
			}
		}
	}
	if slices.Contains(keywords, name) {
		return "keyword", ""
	}
	return "", ""
}

// exportKeys returns the symbol table keys of an import path.
func (e *Engine) exportKeys(path string) []string {
	var keys []string
	for _, p := range []string{path, "gopad.dev/" + path} {
		name := packageName(p)
		if _, ok := e.exports[p+"/"+name]; ok {
			keys = append(keys, p+"/"+name)
		}
	}
	return keys
}

// completeImport lists importable paths that start with prefix.
func (e *Engine) completeImport(prefix string) []string {
	var out []string
	for key := range e.exports {
		i := strings.LastIndexByte(key, '/')
		if i <= 0 {
			continue
		}
		path := key[:i]
		if strings.HasPrefix(path, prefix) && !strings.HasPrefix(path, "_") && !strings.HasPrefix(path, "github.com/traefik") {
			out = append(out, path)
		}
	}
	sort.Strings(out)
	return out
}

// importPathPrefix reports whether the text before the cursor ends inside the
// quotes of an import, returning the path typed so far.
func importPathPrefix(before string) (string, bool) {
	q := strings.LastIndexByte(before, '"')
	if q < 0 || strings.ContainsAny(before[q+1:], " \n\t") {
		return "", false
	}
	head := strings.TrimRight(before[:q], " \t")
	line := head[strings.LastIndexByte(head, '\n')+1:]
	line = strings.TrimSpace(line)
	if line == "import" || strings.HasPrefix(line, "import ") || isImportBlock(before[:q]) {
		return before[q+1:], true
	}
	return "", false
}

// isImportBlock reports whether text ends inside an import ( ... ) block.
func isImportBlock(text string) bool {
	i := strings.LastIndex(text, "import (")
	return i >= 0 && !strings.Contains(text[i:], ")")
}

// cellImportsOf returns the imports written in a cell by name, tolerating a
// cell that does not parse.
func cellImportsOf(code string) map[string]string {
	out := map[string]string{}
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(code))
	var s scanner.Scanner
	s.Init(file, []byte(code), nil, 0)
	inImport, paren := false, false
	alias := ""
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			return out
		}
		switch {
		case tok == token.IMPORT:
			inImport, paren, alias = true, false, ""
		case inImport && tok == token.LPAREN:
			paren = true
		case inImport && tok == token.IDENT:
			alias = lit
		case inImport && tok == token.STRING:
			path := strings.Trim(lit, "`\"")
			name := packageName(path)
			if alias != "" {
				name = alias
			}
			out[name] = canonicalPath(path)
			alias = ""
			if !paren {
				inImport = false
			}
		case inImport && tok == token.RPAREN:
			inImport = false
		}
	}
}

// cellNames returns identifiers declared in a cell (tolerating syntax errors):
// every identifier followed by := or preceded by func, type, var or const.
func cellNames(code string) map[string]bool {
	out := map[string]bool{}
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(code))
	var s scanner.Scanner
	s.Init(file, []byte(code), nil, 0)
	var prev token.Token
	var idents []string
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			return out
		}
		switch tok {
		case token.IDENT:
			if prev == token.FUNC || prev == token.TYPE || prev == token.VAR || prev == token.CONST {
				out[lit] = true
			}
			idents = append(idents, lit)
		case token.DEFINE:
			for _, id := range idents {
				out[id] = true
			}
			idents = nil
		case token.COMMA:
		default:
			idents = nil
		}
		prev = tok
	}
}

func isIdentRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

var keywords = []string{
	"break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough",
	"for", "func", "go", "goto", "if", "import", "interface", "map", "package", "range",
	"return", "select", "struct", "switch", "type", "var",
}

// completeMembers lists the exported fields and methods of the value of a
// top-level variable. It evaluates the variable, so it only runs while no cell
// is running.
func (e *Engine) completeMembers(name, prefix string) ([]string, reflect.Type) {
	if !e.userNames[name] || !e.mu.TryLock() {
		return nil, nil
	}
	defer e.mu.Unlock()
	v, ok := e.evalValue(name)
	if !ok {
		return nil, nil
	}
	seen := map[string]bool{}
	var out []string
	add := func(n string) {
		if token.IsExported(n) && strings.HasPrefix(n, prefix) && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	t := v.Type()
	valueType := t
	for i := 0; i < t.NumMethod(); i++ {
		add(t.Method(i).Name)
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	} else if reflect.PointerTo(t).NumMethod() > t.NumMethod() {
		pt := reflect.PointerTo(t)
		for i := 0; i < pt.NumMethod(); i++ {
			add(pt.Method(i).Name)
		}
	}
	if t.Kind() == reflect.Struct {
		for i := 0; i < t.NumField(); i++ {
			add(t.Field(i).Name)
		}
	}
	for key := range e.methods {
		if i := strings.IndexByte(key, '.'); i > 0 && e.types[key[:i]] {
			if typ, err := e.interp.Eval("*new(" + key[:i] + ")"); err == nil && typ.IsValid() && typ.Type() == t {
				add(key[i+1:])
			}
		}
	}
	sort.Strings(out)
	return out, valueType
}
