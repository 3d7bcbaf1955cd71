package engine

import (
	"fmt"
	"go/ast"
	"go/scanner"
	"go/token"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"gopad.dev/gopad/internal/pkgdoc"
)

// Doc is the documentation of the name under a cursor.
type Doc struct {
	Name    string // as the cell writes it: "ml.Sequential", "area", "m.Fit"
	Kind    string // func, type, var, const, method, field or package
	Decl    string // the declaration without its body: the signature
	Text    string // the doc comment, as plain text ("" when it has none)
	Package string // import path of the package that declares it; "" for cells
	Symbol  string // its name in Package's docs ("Model.Fit"); "" for packages and cells' names
}

// cellDoc is what inspection shows of a declaration a cell made.
type cellDoc struct {
	kind, decl, doc string
}

// NoDocError says why a name has no documentation.
type NoDocError struct{ Name, Reason string }

func (e *NoDocError) Error() string {
	if e.Name == "" {
		return "no documentation: " + e.Reason
	}
	return fmt.Sprintf("no documentation for %s: %s", e.Name, e.Reason)
}

// Inspect returns the documentation of the name at byte offset cursor of code
// (Jupyter's inspect_request): a name of a package cells can import, a name an
// earlier cell or this one declared, a builtin, or a method or field of a
// variable. Inside a call's arguments it documents the function called, as
// Jupyter's Shift+Tab does. A name without documentation is a *NoDocError; a
// cursor outside the code or inside a character is another error.
func (e *Engine) Inspect(code string, cursor int) (Doc, error) {
	if cursor < 0 || cursor > len(code) {
		return Doc{}, fmt.Errorf("cursor position %d is outside the code (0..%d bytes)", cursor, len(code))
	}
	if cursor < len(code) && !utf8.RuneStart(code[cursor]) {
		return Doc{}, fmt.Errorf("cursor position %d is inside a UTF-8 character", cursor)
	}
	qual, name, at := nameAt(code, cursor)
	if name == "" {
		return Doc{}, &NoDocError{Reason: "the cursor is not on a name or in a call's arguments"}
	}
	full := name
	if qual != "" {
		full = qual + "." + name
	}
	// Not e.mu: help must answer while a cell runs.
	e.names.RLock()
	defer e.names.RUnlock()
	if qual == "" {
		return e.inspectName(code, name, at)
	}
	if path, ok := e.packagePath(code, qual); ok {
		p, err := pkgdoc.Lookup(path)
		if err != nil {
			return Doc{}, &NoDocError{Name: full, Reason: err.Error()}
		}
		if s, ok := p.Symbol(name); ok {
			return Doc{Name: full, Kind: s.Kind, Decl: s.Decl, Text: pkgdoc.Text(s.Doc), Package: path, Symbol: s.Name}, nil
		}
		return Doc{}, &NoDocError{Name: full, Reason: fmt.Sprintf("package %s has no exported name %s", qual, name)}
	}
	if d, ok := e.cellDocOf(code, qual+"."+name); ok {
		return Doc{Name: full, Kind: d.kind, Decl: d.decl, Text: pkgdoc.Text(d.doc)}, nil
	}
	if t, ok := e.valueType(qual); ok {
		if doc, ok := memberDoc(t, name); ok {
			doc.Name = full
			return doc, nil
		}
		return Doc{}, &NoDocError{Name: full, Reason: fmt.Sprintf("%s (a %s) has no documented method or field %s", qual, t, name)}
	}
	return Doc{}, &NoDocError{Name: full, Reason: fmt.Sprintf("%s is not a package, a cell's type or a variable that has run", qual)}
}

// inspectName documents an unqualified name that starts at byte at of code.
func (e *Engine) inspectName(code, name string, at int) (Doc, error) {
	if d, ok := e.cellDocOf(code, name); ok {
		return Doc{Name: name, Kind: d.kind, Decl: d.decl, Text: pkgdoc.Text(d.doc)}, nil
	}
	if path, ok := e.packagePath(code, name); ok {
		p, err := pkgdoc.Lookup(path)
		if err != nil {
			return Doc{}, &NoDocError{Name: name, Reason: err.Error()}
		}
		return Doc{Name: name, Kind: "package", Decl: fmt.Sprintf("package %s // import %q", p.Name, path), Text: pkgdoc.Text(p.Doc), Package: path}, nil
	}
	if e.userNames[name] {
		t, ok := e.valueType(name)
		if !ok {
			// A running cell holds the interpreter: the type cannot be read now.
			return Doc{Name: name, Kind: "var", Decl: "var " + name, Text: "(its type shows when no cell is running)"}, nil
		}
		doc := Doc{Name: name, Kind: "var", Decl: fmt.Sprintf("var %s %s", name, t)}
		// The variable has no comment of its own; its type's doc says what it is.
		if td, ok := typeDoc(t); ok {
			doc.Text = td
		}
		return doc, nil
	}
	if universe[name] {
		if p, err := pkgdoc.Lookup("builtin"); err == nil {
			if s, ok := p.Symbol(name); ok {
				return Doc{Name: name, Kind: s.Kind, Decl: s.Decl, Text: pkgdoc.Text(s.Doc), Package: "builtin", Symbol: s.Name}, nil
			}
		}
	}
	if d, ok := e.literalField(code[:at], name); ok {
		return d, nil
	}
	if slices.Contains(keywords, name) {
		return Doc{}, &NoDocError{Name: name, Reason: "it is a Go keyword"}
	}
	return Doc{}, &NoDocError{Name: name, Reason: "it is not a name of a package, of an earlier cell or of this cell, nor a builtin"}
}

// packagePath returns the import path a package name stands for in code: an
// import of an earlier cell, of this cell, or one gopad adds by itself.
func (e *Engine) packagePath(code, name string) (string, bool) {
	if path, ok := cellImportsOf(code)[name]; ok {
		return path, true
	}
	if path, ok := e.importNames[name]; ok {
		return path, true
	}
	if e.userNames[name] {
		return "", false // a variable named like a package hides it
	}
	path, ok := autoImportPaths[name]
	return path, ok
}

// cellDocOf finds a declaration of name ("f", "T" or "T.M") in the cell being
// typed, else in the cells that ran.
func (e *Engine) cellDocOf(code, name string) (cellDoc, bool) {
	if d, ok := declDocs(code)[name]; ok {
		return d, true
	}
	d, ok := e.cellDocs[name]
	return d, ok
}

// valueType evaluates a top-level variable's type, when no cell is running.
func (e *Engine) valueType(name string) (reflect.Type, bool) {
	if !e.userNames[name] || !e.mu.TryLock() {
		return nil, false
	}
	defer e.mu.Unlock()
	v, ok := e.evalValue(name)
	if !ok {
		return nil, false
	}
	return v.Type(), true
}

// memberDoc documents a method or field of a value of type t, from its package's
// documentation when the type is compiled (ml.Model), else from reflection.
func memberDoc(t reflect.Type, name string) (Doc, bool) {
	base := t
	if base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	if p, err := pkgdoc.Lookup(base.PkgPath()); err == nil && base.Name() != "" {
		if s, ok := p.Symbol(base.Name() + "." + name); ok {
			return Doc{Kind: s.Kind, Decl: s.Decl, Text: pkgdoc.Text(s.Doc), Package: canonicalPath(p.Path), Symbol: s.Name}, true
		}
	}
	if m, ok := t.MethodByName(name); ok {
		return Doc{Kind: "method", Decl: fmt.Sprintf("func (%s) %s%s", t, name, strings.TrimPrefix(m.Type.String(), "func"))}, true
	}
	if base.Kind() == reflect.Struct {
		if f, ok := base.FieldByName(name); ok && f.IsExported() {
			return Doc{Kind: "field", Decl: fmt.Sprintf("%s %s", name, f.Type)}, true
		}
	}
	return Doc{}, false
}

// typeDoc returns the doc of a compiled package's type (a pointer's element).
func typeDoc(t reflect.Type) (string, bool) {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	p, err := pkgdoc.Lookup(t.PkgPath())
	if err != nil || t.Name() == "" {
		return "", false
	}
	s, ok := p.Symbol(t.Name())
	if !ok {
		return "", false
	}
	return pkgdoc.Text(s.Doc), true
}

// nameAt returns the name under the cursor and the qualifier before its dot
// ("ml", "Sequential"). With the cursor in a call's arguments and not on a name,
// it returns the called function.
func nameAt(code string, cursor int) (qual, name string, at int) {
	start, end := identAround(code, cursor)
	if start == end {
		open := openParen(code, cursor)
		if open < 0 {
			return "", "", 0
		}
		end = open
		for end > 0 && (code[end-1] == ' ' || code[end-1] == '\t') {
			end--
		}
		start, end = identAround(code, end)
		if start == end {
			return "", "", 0
		}
	}
	name = code[start:end]
	if start > 0 && code[start-1] == '.' {
		qs, qe := identAround(code, start-1)
		if qs < qe {
			qual = code[qs:qe]
		}
	}
	return qual, name, start
}

// literalField documents a field name written in a composite literal of a
// package's struct type, as Epochs in ml.FitConfig{Epochs: 3}; code ends
// before the name.
func (e *Engine) literalField(code, name string) (Doc, bool) {
	brace := openBracket(code, len(code), token.LBRACE)
	if brace < 0 {
		return Doc{}, false
	}
	ts, te := identAround(code, brace)
	if ts == te || ts == 0 || code[ts-1] != '.' {
		return Doc{}, false
	}
	qs, qe := identAround(code, ts-1)
	path, ok := e.packagePath(code, code[qs:qe])
	if !ok {
		return Doc{}, false
	}
	p, err := pkgdoc.Lookup(path)
	if err != nil {
		return Doc{}, false
	}
	s, ok := p.Symbol(code[ts:te] + "." + name)
	if !ok || s.Kind != "field" {
		return Doc{}, false
	}
	return Doc{Name: code[qs:te] + "." + name, Kind: s.Kind, Decl: s.Decl, Text: pkgdoc.Text(s.Doc), Package: path, Symbol: s.Name}, true
}

// identAround returns the identifier that contains or ends at off.
func identAround(code string, off int) (start, end int) {
	end = off
	for end < len(code) {
		r, size := utf8.DecodeRuneInString(code[end:])
		if !isIdentRune(r) {
			break
		}
		end += size
	}
	start = off
	for start > 0 {
		r, size := utf8.DecodeLastRuneInString(code[:start])
		if !isIdentRune(r) {
			break
		}
		start -= size
	}
	// Digits do not start an identifier: 1.5 is no name.
	if start < end {
		if r, _ := utf8.DecodeRuneInString(code[start:]); r >= '0' && r <= '9' {
			return off, off
		}
	}
	return start, end
}

// openParen returns the offset of the innermost "(" still open at off on the
// same statement, or -1; strings and comments are skipped by a Go scanner.
func openParen(code string, off int) int {
	return openBracket(code, off, token.LPAREN)
}

// openBracket returns the offset of the innermost bracket of kind open (a "("
// or "{") still open at off, or -1.
func openBracket(code string, off int, open token.Token) int {
	closer := map[token.Token]token.Token{token.LPAREN: token.RPAREN, token.LBRACE: token.RBRACE}[open]
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, off)
	var s scanner.Scanner
	s.Init(file, []byte(code[:off]), nil, 0)
	var stack []int
	for {
		pos, tok, _ := s.Scan()
		if tok == token.EOF {
			break
		}
		switch tok {
		case open:
			stack = append(stack, file.Offset(pos))
		case closer:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case token.LBRACE:
			stack = nil // a block starts: calls before it are closed or broken
		}
	}
	if len(stack) == 0 {
		return -1
	}
	return stack[len(stack)-1]
}

// declDocs extracts the declarations a cell makes (funcs, methods as "T.M",
// types, vars and consts) with the comment written above each, tolerating
// parts that do not parse.
func declDocs(src string) map[string]cellDoc {
	out := map[string]cellDoc{}
	items, err := splitCell(src)
	if err != nil {
		return out
	}
	fset := token.NewFileSet()
	for _, it := range items {
		if it.kind != itemFunc && it.kind != itemType && it.kind != itemVar {
			continue
		}
		if parseItem(fset, src, it) != nil {
			continue
		}
		addItemDocs(out, src, it)
	}
	return out
}

// addItemDocs records the docs of one parsed declaration item of src.
func addItemDocs(out map[string]cellDoc, src string, it *item) {
	comment := leadingComment(src, it.start)
	switch d := it.decl.(type) {
	case *ast.FuncDecl:
		end := it.end
		if d.Body != nil {
			end = it.off(d.Body.Lbrace)
		}
		name := d.Name.Name
		kind := "func"
		if d.Recv != nil && len(d.Recv.List) == 1 {
			if recv := receiverTypeName(d.Recv.List[0].Type); recv != "" {
				name, kind = recv+"."+name, "method"
			}
		}
		out[name] = cellDoc{kind: kind, decl: strings.TrimSpace(src[it.start:end]), doc: comment}
	case *ast.GenDecl:
		kind := d.Tok.String()
		for _, spec := range d.Specs {
			switch s := spec.(type) {
			case *ast.TypeSpec:
				text := comment
				if s.Doc != nil && d.Lparen.IsValid() {
					text = s.Doc.Text()
				}
				decl := "type " + strings.TrimSpace(src[it.off(s.Pos()):it.off(s.End())])
				out[s.Name.Name] = cellDoc{kind: "type", decl: decl, doc: text}
				if st, ok := s.Type.(*ast.StructType); ok {
					for _, f := range st.Fields.List {
						for _, n := range f.Names {
							out[s.Name.Name+"."+n.Name] = cellDoc{kind: "field", decl: n.Name + " " + strings.TrimSpace(src[it.off(f.Type.Pos()):it.off(f.Type.End())]), doc: f.Doc.Text() + f.Comment.Text()}
						}
					}
				}
			case *ast.ValueSpec:
				text := comment
				if s.Doc != nil && d.Lparen.IsValid() {
					text = s.Doc.Text()
				}
				decl := kind + " " + strings.TrimSpace(src[it.off(s.Pos()):it.off(s.End())])
				for _, n := range s.Names {
					out[n.Name] = cellDoc{kind: kind, decl: decl, doc: text}
				}
			}
		}
	}
}

// receiverTypeName is T for receivers T, *T and T[P].
func receiverTypeName(x ast.Expr) string {
	for {
		switch t := x.(type) {
		case *ast.StarExpr:
			x = t.X
		case *ast.IndexExpr:
			x = t.X
		case *ast.IndexListExpr:
			x = t.X
		case *ast.Ident:
			return t.Name
		default:
			return ""
		}
	}
}

// leadingComment returns the // comment lines right above offset start (the
// declaration's doc comment), without the slashes.
func leadingComment(src string, start int) string {
	lineStart := strings.LastIndexByte(src[:start], '\n') + 1
	if strings.TrimSpace(src[lineStart:start]) != "" {
		return "" // something else precedes the declaration on its line
	}
	var lines []string
	end := lineStart
	for end > 0 {
		prev := strings.LastIndexByte(src[:end-1], '\n') + 1
		line := strings.TrimSpace(src[prev : end-1])
		text, ok := strings.CutPrefix(line, "//")
		if !ok {
			break
		}
		lines = append(lines, strings.TrimPrefix(text, " "))
		end = prev
	}
	for i, j := 0, len(lines)-1; i < j; i, j = i+1, j-1 {
		lines[i], lines[j] = lines[j], lines[i]
	}
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}
