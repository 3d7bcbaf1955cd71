package engine

import (
	"fmt"
	"go/ast"
	"go/token"
	"slices"
	"sort"
	"strings"
)

// plan is a cell prepared for yaegi: chunks to evaluate in order.
type plan struct {
	c         *cellInfo
	chunks    []*chunk
	result    bool // the last chunk captures the final expression's value
	cellDecls []*storedDecl
	// what commit records once the cell ran
	stored      map[string]*storedDecl
	defined     []string
	types       []string
	methods     map[string]*methodSig
	funcResults map[string]int
}

// chunk is one yaegi evaluation.
type chunk struct {
	src         string
	speculative string                 // src without the result capture, tried if src fails to compile
	imports     []importRec            // for the import chunk
	defines     []string               // top-level names the chunk defines
	forgetTypes []string               // types to drop before evaluating (redefinitions)
	hoist       *item                  // a hoisted definition (hoist.go): the chunk is this item alone
	hoistNames  []string               // the names it defines, "_" included
	items       []*item                // the statements of a statement chunk, for the hoisting fallback
	all         []*item                // every item of the chunk
	partial     []string               // names defined before a hoisting fallback failed part way
	firstLine   int                    // cell line of the chunk's first statement
	stored      map[string]*storedDecl // declarations to keep, by name
}

type importRec struct{ path, name string }

// prepare splits, rewrites and orders a cell.
func (e *Engine) prepare(src string) (*plan, *Error) {
	items, err := splitCell(src)
	if err != nil {
		return nil, err
	}
	c := &cellInfo{src: src, seq: e.seq, auto: map[string]string{}}
	fset := token.NewFileSet()
	for i, it := range items {
		if it.kind == itemPackage {
			if i != 0 {
				line, col := lineCol(src, it.start)
				return nil, &Error{Kind: "CompileError", Message: "package clause must come first in a cell", Line: line, Col: col}
			}
			continue
		}
		if perr := parseItem(fset, src, it); perr != nil {
			return nil, perr
		}
		c.items = append(c.items, it)
	}
	c.collectDefs()
	c.collectLocalTypes()
	p := &plan{c: c, stored: map[string]*storedDecl{}, methods: map[string]*methodSig{}, funcResults: map[string]int{}}
	c.funcResults = p.funcResults
	c.generics = map[string]bool{}
	for _, it := range c.items {
		if fd, ok := it.decl.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Type.TypeParams != nil {
			c.generics[fd.Name.Name] = true
		}
	}

	// Learn the cell's own declarations first: rewrites depend on them.
	for _, it := range c.items {
		if perr := e.describe(p, it); perr != nil {
			return nil, perr
		}
	}

	var imports []importRec
	var ordered []*item // statements and var declarations, in source order
	var decls []*item   // funcs and types
	for _, it := range c.items {
		switch it.kind {
		case itemImport:
			recs, perr := e.newImports(p, it)
			if perr != nil {
				return nil, perr
			}
			imports = append(imports, recs...)
		case itemStmt, itemVar:
			ordered = append(ordered, it)
		case itemFunc, itemType:
			decls = append(decls, it)
		}
	}
	for _, rec := range e.autoImports(p) {
		imports = append(imports, rec)
		c.auto[rec.name] = rec.path
	}

	last := len(c.items) - 1
	for _, it := range c.items {
		if it.kind == itemImport {
			continue
		}
		r := &rewriter{e: e, c: c, it: it, skip: map[ast.Node]bool{}}
		r.ifaceConversions(it.node())
		r.topLevelRunes(it)
		r.keepSites(it.node())
		if it.decl != nil {
			if it.kind == itemVar {
				r.errorVars(it.decl)
			}
			r.hideUnexportedFields(it.decl)
			r.walk(it.decl)
			if _, rhs, ok := hoistNames(it); ok && it.kind == itemVar && r.callsGenericAny(rhs) {
				it.hoist = true // as for x := <generic call> (topLevel)
			}
		} else {
			r.topLevel(it, it == c.items[last])
		}
	}

	if c.refusal != nil {
		c.refusal.Traceback = []string{tracebackHead(c.refusal)}
		return nil, c.refusal
	}
	placeDecls(ordered, decls)

	if len(imports) > 0 {
		var b strings.Builder
		b.WriteString("import (\n")
		for _, imp := range imports {
			fmt.Fprintf(&b, "%s %q\n", imp.name, imp.path)
		}
		b.WriteString(")")
		p.chunks = append(p.chunks, &chunk{src: b.String(), imports: imports})
	}

	// Emit: decls placed at slot 0, then each ordered item followed by the
	// decls placed after it. Consecutive items of one category share a chunk.
	var cur *chunk
	var curDecl bool
	var curItems []*item
	flush := func() {
		if cur == nil {
			return
		}
		e.finishChunk(p, cur, curDecl, curItems)
		p.chunks = append(p.chunks, cur)
		cur, curItems = nil, nil
	}
	emit := func(it *item, isDecl bool) {
		if it.hoist {
			if names, rhs, ok := hoistNames(it); ok {
				flush()
				p.chunks = append(p.chunks, e.hoistChunk(p, it, names, rhs))
				return
			}
		}
		if cur != nil && curDecl != isDecl {
			flush()
		}
		if cur == nil {
			cur, curDecl = &chunk{}, isDecl
		}
		curItems = append(curItems, it)
	}
	for slot := 0; slot <= len(ordered); slot++ {
		if slot > 0 {
			emit(ordered[slot-1], false)
		}
		for _, d := range decls {
			if d.slot == slot {
				emit(d, true)
			}
		}
	}
	flush()
	return p, nil
}

// finishChunk renders the items of a chunk into yaegi source.
func (e *Engine) finishChunk(p *plan, ch *chunk, isDecl bool, items []*item) {
	c := p.c
	ch.all = items
	var b, spec strings.Builder
	if !isDecl {
		// The leading semicolon keeps yaegi from turning a chunk that starts with
		// func(){...}() into a main function that reruns with every later chunk.
		// Enter records the goroutine that runs the cell, for interrupts; a
		// chunk that cannot block or loop does without (every call at top
		// level costs the interpreter's global frame a slot for good).
		b.WriteString(";")
		if mayBlock(items) {
			b.WriteString(rtName + ".Enter()")
		}
		b.WriteString("\n")
		ch.firstLine, _ = lineCol(c.src, items[0].start)
		ch.items = items
	} else {
		b.WriteString("package main\n")
		// yaegi keeps the first definition of a method: redefining one means
		// declaring its type anew (its other methods are then re-evaluated as
		// dependents of the type).
		for _, it := range items {
			if it.kind != itemFunc || !strings.Contains(it.key, ".") || e.decls[it.key] == nil {
				continue
			}
			typ := it.key[:strings.IndexByte(it.key, '.')]
			td := e.decls[typ]
			if td == nil || !td.isType || slices.Contains(p.defined, typ) || slices.Contains(ch.forgetTypes, typ) {
				continue
			}
			ch.forgetTypes = append(ch.forgetTypes, td.defines...)
			ch.defines = append(ch.defines, td.defines...)
			b.WriteString(td.src)
		}
	}
	spec.WriteString(b.String())
	speculative := false // spec differs from b: the result capture may not compile
	for _, it := range items {
		body := c.directive(it.start) + applyEdits(c.src, it.start, it.end, it.edits, c.directive)
		if it.kind == itemType {
			body += selfMethods(it)
		}
		ch.defines = append(ch.defines, it.defines...)
		if it.kind == itemType {
			for _, n := range it.defines {
				if e.types[n] {
					ch.forgetTypes = append(ch.forgetTypes, n)
				}
			}
		}
		if it.key != "" && (it.kind == itemFunc || it.kind == itemType) {
			d := &storedDecl{src: body + "\n", refs: it.refs, isType: it.kind == itemType, defines: it.defines}
			if it.kind == itemFunc {
				d.defines = []string{it.key}
			}
			p.cellDecls = append(p.cellDecls, d)
			if ch.stored == nil {
				ch.stored = map[string]*storedDecl{}
			}
			for _, n := range d.defines {
				p.stored[n] = d
				ch.stored[n] = d
			}
		}
		if !isDecl && it != items[0] {
			line, _ := lineCol(c.src, it.start)
			fmt.Fprintf(&b, "%s.At(%d);", rtName, line)
			fmt.Fprintf(&spec, "%s.At(%d);", rtName, line)
		}
		switch {
		case it.wrap:
			b.WriteString("func() {" + body + "\n}()\n")
			spec.WriteString("func() {" + body + "\n}()\n")
		case it.result:
			p.result = true
			capture := rtName + ".Result(" + body + ")\n"
			if e.hasStringMethods() {
				// The value also goes to Note, which sees its type (fmtshow.go).
				capture = "func() { _gopadV := " + body + "\n" + rtName + ".Result(_gopadV); " + showBoxName + ".Note(_gopadV) }()\n"
				if it.speculative {
					// yaegi compiles _gopadV := f() for an f without
					// results and fails only when it runs: Result(f())
					// does not compile, and the speculative source runs.
					capture = "if false { " + rtName + ".Result(" + body + ") }\n" + capture
				}
			}
			b.WriteString(capture)
			if it.speculative {
				spec.WriteString(body + "\n")
				speculative = true
			} else {
				spec.WriteString(capture)
			}
		default:
			b.WriteString(body + "\n")
			spec.WriteString(body + "\n")
		}
	}
	ch.src = b.String()
	if speculative {
		ch.speculative = spec.String()
	}
}

// hoistChunk makes the chunk of a hoisted definition (hoist.go).
func (e *Engine) hoistChunk(p *plan, it *item, names []string, rhs []ast.Expr) *chunk {
	ch := &chunk{hoist: it, hoistNames: names, defines: it.defines, all: []*item{it}}
	ch.firstLine, _ = lineCol(p.c.src, it.start)
	ch.src = e.hoistSource(p, it, names, rhs)
	return ch
}

// directive returns a line directive that maps the next character to the cell
// offset off.
func (c *cellInfo) directive(off int) string {
	line, col := lineCol(c.src, off)
	return fmt.Sprintf("/*line _.go:%d:%d*/", (c.seq%cellWrap)*lineStride+min(line, lineStride-1), col)
}

// describe records what a top-level item defines and refers to.
func (e *Engine) describe(p *plan, it *item) *Error {
	it.refs = map[string]bool{}
	root := it.node()
	if root == nil {
		return nil
	}
	ast.Inspect(root, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			ast.Inspect(n.X, func(m ast.Node) bool {
				if id, ok := m.(*ast.Ident); ok {
					it.refs[id.Name] = true
				}
				return true
			})
			return false
		case *ast.Ident:
			it.refs[n.Name] = true
		}
		return true
	})
	if fd, ok := it.decl.(*ast.FuncDecl); ok {
		// Names the function declares itself (parameters, results, locals)
		// are not references to top-level names: dropping them spares
		// needless re-evaluation when a global of the same name changes.
		for name := range localNames(fd) {
			delete(it.refs, name)
		}
	}
	switch d := it.decl.(type) {
	case *ast.FuncDecl:
		name := d.Name.Name
		if d.Recv == nil {
			if name == "main" {
				line, col := lineCol(p.c.src, it.off(d.Name.Pos()))
				return &Error{Kind: "Unsupported", Message: "func main in a cell: cells run from top to bottom and nothing calls main; " +
					"put its body at the top level of the cell, or rename it and call it", Line: line, Col: col}
			}
			if name == "init" {
				line, col := lineCol(p.c.src, it.off(d.Name.Pos()))
				return &Error{Kind: "Unsupported", Message: "func init in a cell: put its body at the top level of the cell", Line: line, Col: col}
			}
			it.key = name
			it.defines = []string{name}
			p.funcResults[name] = fieldCount(d.Type.Results)
			if d.Type.Results != nil {
				var types []string
				for _, f := range d.Type.Results.List {
					for range max(1, len(f.Names)) {
						types = append(types, p.c.text(it, f.Type))
					}
				}
				if p.c.funcResultTypes == nil {
					p.c.funcResultTypes = map[string][]string{}
				}
				p.c.funcResultTypes[name] = types
			}
		} else if recv, ptr := receiverName(d.Recv); recv != "" {
			it.key = recv + "." + name
			sig := &methodSig{ptr: ptr}
			for _, f := range d.Type.Params.List {
				t := p.c.text(it, f.Type)
				for range max(1, len(f.Names)) {
					sig.params = append(sig.params, t)
				}
			}
			if d.Type.Results != nil {
				sig.results = p.c.text(it, d.Type.Results)
			}
			p.methods[it.key] = sig
		}
	case *ast.GenDecl:
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				it.defines = append(it.defines, s.Name.Name)
				p.types = append(p.types, s.Name.Name)
				e.ifaces[s.Name.Name] = isInterfaceSpec(s, e.ifaces)
			case *ast.ValueSpec:
				for _, n := range s.Names {
					if n.Name != "_" {
						it.defines = append(it.defines, n.Name)
					}
				}
			}
		}
		if d.Tok == token.TYPE && len(it.defines) > 0 {
			it.key = it.defines[0]
		}
	}
	if as, ok := it.stmt.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
		for _, l := range as.Lhs {
			if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
				it.defines = append(it.defines, id.Name)
			}
		}
	}
	if slices.Contains(it.defines, "main") && it.kind != itemType {
		// yaegi runs a top-level main as the program's entry once the
		// cell is evaluated: a func value called main ran again with no
		// arguments (index out of range inside it).
		off := it.start
		ast.Inspect(it.node(), func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Name == "main" && off == it.start {
				off = it.off(id.Pos())
			}
			return off == it.start
		})
		line, col := lineCol(p.c.src, off)
		return &Error{Kind: "Unsupported", Message: "a top-level variable named main: the interpreter runs main as the program's entry after the cell, " +
			"so it would run again; give it another name", Line: line, Col: col}
	}
	p.defined = append(p.defined, it.defines...)
	// Methods of this cell are visible to the rewrites at once.
	for k, v := range p.methods {
		e.methods[k] = v
	}
	for _, t := range p.types {
		e.types[t] = true
	}
	return nil
}

func fieldCount(fl *ast.FieldList) int {
	if fl == nil {
		return 0
	}
	n := 0
	for _, f := range fl.List {
		n += max(1, len(f.Names))
	}
	return n
}

// receiverName returns a method receiver's base type name and whether it is a
// pointer.
func receiverName(fl *ast.FieldList) (string, bool) {
	if fl == nil || len(fl.List) != 1 {
		return "", false
	}
	t := fl.List[0].Type
	ptr := false
	if s, ok := t.(*ast.StarExpr); ok {
		t, ptr = s.X, true
	}
	switch x := t.(type) {
	case *ast.Ident:
		return x.Name, ptr
	case *ast.IndexExpr:
		if id, ok := x.X.(*ast.Ident); ok {
			return id.Name, ptr
		}
	case *ast.IndexListExpr:
		if id, ok := x.X.(*ast.Ident); ok {
			return id.Name, ptr
		}
	}
	return "", false
}

// newImports returns the imports of it that are not imported yet.
func (e *Engine) newImports(p *plan, it *item) ([]importRec, *Error) {
	var out []importRec
	for _, s := range it.decl.(*ast.GenDecl).Specs {
		spec := s.(*ast.ImportSpec)
		path, name := importSpec(spec)
		line, col := lineCol(p.c.src, it.off(spec.Pos()))
		if !e.knownPackage(path) {
			return nil, &Error{Kind: "CompileError", Line: line, Col: col,
				Message: fmt.Sprintf("package %q is not available: cells can import the Go standard library, gopad/ml, gopad/display and gonum (gonum.org/v1/gonum/mat, stat, floats, stat/distuv, optimize; gonum.org/v1/plot, plotter, plotutil, vg, vg/draw)", path)}
		}
		if name == "_" {
			continue
		}
		path = canonicalPath(path)
		if e.importPaths[path] == name {
			continue // already imported under this name
		}
		if other, ok := e.importNames[name]; ok && other != path {
			return nil, &Error{Kind: "CompileError", Line: line, Col: col,
				Message: fmt.Sprintf("%s redeclared: an earlier cell imported %q as %s; import this one under another name, e.g. import x %q", name, other, name, path)}
		}
		dup := false
		for _, o := range out {
			dup = dup || o.path == path && o.name == name
		}
		if !dup {
			out = append(out, importRec{path, name})
		}
	}
	return out, nil
}

// knownPackage reports whether path can be imported.
func (e *Engine) knownPackage(path string) bool {
	_, ok := e.exports[path+"/"+packageName(path)]
	return ok
}

// placeDecls decides after which ordered item each func or type declaration
// runs: as early as possible, but after the statements that define the names
// it refers to (a func that reads x must be compiled after x := ...).
func placeDecls(ordered, decls []*item) {
	definedAt := map[string]int{}
	for i, it := range ordered {
		for _, n := range it.defines {
			definedAt[n] = i + 1
		}
	}
	for range len(decls) + 1 {
		changed := false
		for _, d := range decls {
			slot := 0
			for ref := range d.refs {
				if s, ok := definedAt[ref]; ok && s > slot && !slices.Contains(d.defines, ref) {
					slot = s
				}
			}
			for _, other := range decls {
				if other != d && other.slot > slot {
					for _, n := range other.defines {
						if d.refs[n] {
							slot = other.slot
						}
					}
				}
			}
			if slot != d.slot {
				d.slot, changed = slot, true
			}
		}
		if !changed {
			break
		}
	}
	sort.SliceStable(decls, func(i, j int) bool { return decls[i].slot < decls[j].slot })
}

// commit records what the chunks that ran defined (all of them, or those
// before the one that failed).
func (e *Engine) commit(p *plan, ran []*chunk) {
	e.names.Lock()
	defer e.names.Unlock()
	for _, ch := range ran {
		defines := ch.defines
		if ch.partial != nil {
			defines = ch.partial
		}
		for _, n := range defines {
			e.userNames[n] = true
			if p.c.generics[n] {
				e.generics[n] = true
			}
			if r, ok := p.funcResults[n]; ok {
				e.funcResults[n] = r
				e.funcResultTypes[n] = p.c.funcResultTypes[n]
			}
		}
		for k, d := range ch.stored {
			e.decls[k] = d
		}
		// Kept for help in the editor (Inspect): signature and doc comment.
		for _, it := range ch.all {
			if it.decl != nil && (it.kind == itemFunc || it.kind == itemType || it.kind == itemVar) {
				addItemDocs(e.cellDocs, p.c.src, it)
			}
		}
	}
}

// canonicalPath maps gopad's full import paths to the short ones cells use, so
// that importing both counts as importing one package.
func canonicalPath(path string) string {
	return strings.TrimPrefix(path, "gopad.dev/")
}

// mayBlock reports whether statements may loop, block or call anything.
func mayBlock(items []*item) bool {
	found := false
	for _, it := range items {
		if it.stmt == nil && it.decl == nil {
			continue
		}
		root := it.node()
		ast.Inspect(root, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr, *ast.ForStmt, *ast.RangeStmt, *ast.SelectStmt, *ast.SendStmt, *ast.GoStmt:
				found = true
			case *ast.UnaryExpr:
				found = found || n.Op == token.ARROW
			}
			return !found
		})
	}
	return found
}

// autoImportPaths lists the packages a cell may use without importing them:
// the name is imported for it when nothing else in scope has that name.
var autoImportPaths = map[string]string{
	"fmt": "fmt", "strings": "strings", "strconv": "strconv", "math": "math", "time": "time",
	"sort": "sort", "errors": "errors", "bytes": "bytes", "regexp": "regexp", "sync": "sync",
	"os": "os", "io": "io", "bufio": "bufio", "unicode": "unicode", "utf8": "unicode/utf8",
	"json": "encoding/json", "filepath": "path/filepath", "slices": "slices", "maps": "maps",
	"cmp": "cmp", "ml": "gopad/ml", "display": "gopad/display",
}

// autoImports returns the imports a cell needs for package names it uses
// without importing them.
func (e *Engine) autoImports(p *plan) []importRec {
	var out []importRec
	seen := map[string]bool{}
	for _, it := range p.c.items {
		root := it.node()
		if root == nil || it.kind == itemImport {
			continue
		}
		ast.Inspect(root, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			id, ok := sel.X.(*ast.Ident)
			if !ok || seen[id.Name] {
				return true
			}
			if path, ok := autoImportPaths[id.Name]; ok && !e.known(p, id.Name) {
				seen[id.Name] = true
				out = append(out, importRec{path, id.Name})
			}
			return true
		})
	}
	return out
}

// localNames returns the names a function declares inside itself.
func localNames(fd *ast.FuncDecl) map[string]bool {
	names := map[string]bool{}
	add := func(ids ...*ast.Ident) {
		for _, id := range ids {
			if id != nil {
				names[id.Name] = true
			}
		}
	}
	ast.Inspect(fd, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Field:
			add(n.Names...)
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					id, _ := l.(*ast.Ident)
					add(id)
				}
			}
		case *ast.ValueSpec:
			add(n.Names...)
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				k, _ := n.Key.(*ast.Ident)
				v, _ := n.Value.(*ast.Ident)
				add(k, v)
			}
		case *ast.TypeSpec:
			add(n.Name)
		}
		return true
	})
	delete(names, fd.Name.Name)
	return names
}
