package engine

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// posPattern matches a yaegi position, "L:C: " or "_.go:L:C: ".
var posPattern = regexp.MustCompile(`(?:_\.go:)?(\d+):(\d+): `)

// location is a decoded yaegi position.
type location struct {
	cell, line, col int // cell 0 is gopad's own code
}

func decode(line, col int) location {
	return location{line / lineStride, line % lineStride, col}
}

// describe names a location for a person reading a traceback of cell seq.
func (l location) describe(seq int) string {
	switch {
	case l.cell == seq%cellWrap:
		return fmt.Sprintf("cell line %d", l.line)
	case l.cell == 0:
		return "gopad helper code"
	default:
		return fmt.Sprintf("line %d of cell #%d", l.line, l.cell)
	}
}

// undefinedSymbol says why pkg.name (of the package at path) is not there:
// a generic function or type of the library, which yaegi's tables leave
// out, or a name the package lacks (with the close ones it has).
func (e *Engine) undefinedSymbol(pkg, path, name string) string {
	switch {
	case genericLibraryFunc(path, name):
		return genericFuncMessage(pkg, path, name)
	case genericLibraryType(path, name):
		return fmt.Sprintf("%s.%s is a generic type, which the interpreter cannot instantiate from a cell (use a non-generic equivalent)", pkg, name)
	}
	return "undefined: " + pkg + "." + name + e.symbolHint(pkg, path, name)
}

// compileError turns a yaegi compile error into *Error at the cell's position.
func (e *Engine) compileError(p *plan, msg string) *Error {
	msg = strings.TrimSpace(msg)
	out := &Error{Kind: "CompileError", Message: msg}
	if m := posPattern.FindAllStringSubmatchIndex(msg, -1); len(m) > 0 {
		last := m[len(m)-1]
		line, _ := strconv.Atoi(msg[last[2]:last[3]])
		col, _ := strconv.Atoi(msg[last[4]:last[5]])
		out.Message = strings.TrimSpace(msg[last[1]:])
		loc := decode(line, col)
		if loc.cell == p.c.seq%cellWrap {
			out.Line, out.Col = loc.line, loc.col
		} else if loc.cell != 0 {
			out.Message += " (in " + loc.describe(p.c.seq) + ")"
		}
	}
	out.Message = shimNames.Replace(out.Message)
	if strings.HasPrefix(out.Message, "cannot define new methods on non-local type") {
		// yaegi's words for a struct type whose field's type it could
		// not build, such as a generic library type.
		if g := e.genericCall(p); g != nil {
			return g
		}
	}
	if out.Message == "constant definition loop" {
		// yaegi's words for an undefined name on the right of := at top level.
		out.Message = "undefined name in a top-level definition (yaegi: constant definition loop)"
		if name, line, col := e.findUndefined(p, out.Line); name != "" {
			out.Message, out.Line, out.Col = "undefined: "+name, line, col
		}
	}
	if name, ok := strings.CutPrefix(out.Message, "incomplete type "); ok && !e.types[name] && !p.c.definesType(name) {
		// yaegi records a name it could not resolve as a type to be
		// completed later: for a person the name is simply undefined.
		out.Message = "undefined: " + name
	}
	name, ok := strings.CutPrefix(out.Message, "undefined selector: ")
	if !ok {
		// yaegi's words for a method missing from a compiled type.
		name, ok = strings.CutPrefix(out.Message, "undefined method: ")
	}
	if ok {
		// Say which expression lacks the field or method, as Go does.
		if x, line, col := e.selectorOn(p, name, out.Line); x != "" {
			out.Message = fmt.Sprintf("%s.%s undefined (%s has no field or method %s%s)", x, name, x, name, e.memberHint(p, x, name))
			out.Line, out.Col = line, col
		}
	}
	if m := noSymbolPattern.FindStringSubmatch(out.Message); m != nil {
		out.Message = e.undefinedSymbol(m[1], m[2], m[3])
	} else if m := undefinedPathSelector.FindStringSubmatch(out.Message); m != nil {
		e.names.RLock()
		pkg, ok := e.importPaths[canonicalPath(m[1])]
		e.names.RUnlock()
		if !ok {
			pkg = m[1][strings.LastIndexByte(m[1], '/')+1:]
		}
		out.Message = e.undefinedSymbol(pkg, m[1], m[2])
	}
	if tp, ok := strings.CutPrefix(out.Message, "undefined type for "); ok {
		// yaegi's words when it cannot infer a type parameter: name the
		// generic function called and what to write.
		if g := e.genericCalledAt(p, out.Line); g != "" {
			out.Message = fmt.Sprintf("cannot infer type parameter %s of %s: the interpreter could not infer the type arguments from these arguments; "+
				"write them, e.g. %s[int, string](...)", tp, g, g)
		} else if g := e.libraryGenericCalledAt(p, out.Line, tp); g != "" {
			out.Message = fmt.Sprintf("cannot infer type parameter %s of %s: the interpreter cannot call this generic library function "+
				"with these arguments (nor instantiate it explicitly); write the loop in the cell", tp, g)
		}
	}
	if strings.HasPrefix(out.Message, "cannot use type func") {
		if g := e.genericCalledAt(p, out.Line); g != "" {
			out.Message += fmt.Sprintf(" (the interpreter infers the type arguments of a generic function from its first arguments only: "+
				"instantiate %s explicitly, e.g. %s[int, string](...))", g, g)
		}
	}
	if strings.Contains(out.Message, "nil type") {
		if u := e.unsupported(p); u != nil {
			return u
		}
	}
	if interpreterCrash(out.Message) {
		if b := e.badIndex(p); b != nil {
			return b
		}
		out.Message = "the interpreter failed to compile this cell (" + out.Message + "); the construct at fault could not be named"
	}
	out.Traceback = []string{tracebackHead(out)}
	return out
}

func tracebackHead(e *Error) string {
	if e.Line > 0 {
		return fmt.Sprintf("cell line %d: %s: %s", e.Line, e.Kind, e.Message)
	}
	return e.Kind + ": " + e.Message
}

// compilePanic turns a panic that escaped yaegi's compiler into *Error.
func (e *Engine) compilePanic(p *plan, r any) *Error {
	msg := fmt.Sprint(r)
	if interpreterCrash(msg) || strings.Contains(msg, "invalid memory address") {
		if b := e.badIndex(p); b != nil {
			return b
		}
	}
	if strings.Contains(msg, "nil type") || strings.Contains(msg, "nil reflect type") {
		if u := e.unsupported(p); u != nil {
			return u
		}
	}
	if name, line, col := e.undefinedQualifier(p); name != "" {
		// yaegi dereferences nil for a selector on an unknown name, such
		// as a package the cell did not import.
		return &Error{Kind: "CompileError", Message: "undefined: " + name + undefinedPackageHint(name), Line: line, Col: col,
			Traceback: []string{fmt.Sprintf("cell line %d: CompileError: undefined: %s", line, name)}}
	}
	return e.compileError(p, "the interpreter failed on this cell: "+msg)
}

// undefinedQualifier returns the first identifier x of a selector x.y in the
// cell that nothing defines: not a package, not a name of earlier cells, not
// declared anywhere in the cell.
func (e *Engine) undefinedQualifier(p *plan) (name string, line, col int) {
	declared := map[string]bool{}
	for _, it := range p.c.items {
		root := it.node()
		if root == nil {
			continue
		}
		ast.Inspect(root, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.RangeStmt:
				for _, x := range []ast.Expr{n.Key, n.Value} {
					if id, ok := x.(*ast.Ident); ok {
						declared[id.Name] = true
					}
				}
			case *ast.FuncDecl:
				for name := range localNames(n) {
					declared[name] = true
				}
			case *ast.AssignStmt:
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						declared[id.Name] = true
					}
				}
			}
			return true
		})
	}
	for _, it := range p.c.items {
		root := it.node()
		if root == nil || it.kind == itemImport {
			continue
		}
		ast.Inspect(root, func(n ast.Node) bool {
			if name != "" {
				return false
			}
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && !declared[id.Name] && !e.known(p, id.Name) {
				name = id.Name
				line, col = lineCol(p.c.src, it.off(id.Pos()))
			}
			return true
		})
	}
	return name, line, col
}

// undefinedPackageHint suggests the import when name is a standard package.
func undefinedPackageHint(name string) string {
	for _, path := range []string{"hash", "io/fs", "net/url", "net/http", "context", "crypto/sha256", "encoding/csv",
		"math/rand", "math/big", "image", "image/color", "os/exec", "text/template", "container/heap", "unicode/utf8",
		"encoding/binary", "encoding/base64", "encoding/hex", "hash/fnv", "hash/crc32", "compress/gzip", "archive/zip"} {
		if path[strings.LastIndexByte(path, '/')+1:] == name {
			return fmt.Sprintf(" (import %q)", path)
		}
	}
	return ""
}

// unsupported looks for the constructs known to make yaegi fail with "nil
// type" and names the first one found.
func (e *Engine) unsupported(p *plan) *Error {
	if g := e.genericCall(p); g != nil {
		return g
	}
	var found *Error
	for _, it := range p.c.items {
		root := it.node()
		if root == nil {
			continue
		}
		ast.Inspect(root, func(n ast.Node) bool {
			if found != nil {
				return false
			}
			if as, ok := n.(*ast.AssignStmt); ok && as.Tok == token.DEFINE && len(as.Lhs) == 2 && len(as.Rhs) == 1 {
				if u, ok := ast.Unparen(as.Rhs[0]).(*ast.UnaryExpr); ok && u.Op == token.ARROW && it.stmt == ast.Stmt(as) {
					line, col := lineCol(p.c.src, it.off(as.Pos()))
					found = &Error{Kind: "Unsupported", Line: line, Col: col, Message: "v, ok := <-ch at the top level of a cell: " +
						"gopad could not tell the channel's element type; declare the variables first (var v T; var ok bool) and write v, ok = <-ch"}
				}
			}
			if rs, ok := n.(*ast.RangeStmt); ok && rs.Value == nil && found == nil {
				line, col := lineCol(p.c.src, it.off(rs.For))
				x := p.c.text(it, rs.X)
				found = &Error{Kind: "Unsupported", Line: line, Col: col, Message: fmt.Sprintf(
					"range over %s: if it is an integer, gopad could not tell (write `for i := 0; i < %s; i++`); "+
						"range over a function (iterator) is not supported by the interpreter", x, x)}
			}
			return true
		})
	}
	if found == nil {
		return &Error{Kind: "Unsupported", Message: "the interpreter cannot compile a construct in this cell (yaegi: nil type); " +
			"comma-ok forms and range over functions are the usual cause", Traceback: []string{"Unsupported: yaegi: nil type"}}
	}
	found.Traceback = []string{tracebackHead(found)}
	return found
}

// exitRequest is what a cell's os.Exit panics with.
type exitRequest struct{ code int }

// panicError turns a runtime panic into *Error, using the positions yaegi
// printed while the panic unwound (innermost first).
func (e *Engine) panicError(p *plan, value any, trace []string) *Error {
	if _, ok := value.(interruptSignal); ok {
		return &Error{Kind: "Interrupted", Message: "interrupted", Traceback: []string{"interrupted"}}
	}
	if exit, ok := value.(exitRequest); ok {
		msg := fmt.Sprintf("os.Exit(%d)", exit.code)
		return &Error{Kind: "Exit", Message: msg, ExitCode: exit.code, Traceback: []string{msg}}
	}
	out := &Error{Kind: "Panic", Message: shimNames.Replace(panicMessage(value))}
	var own *location // the position yaegi put in front of some messages (type assertions)
	if m := posPattern.FindStringSubmatchIndex(out.Message); m != nil && m[0] == 0 {
		line, _ := strconv.Atoi(out.Message[m[2]:m[3]])
		col, _ := strconv.Atoi(out.Message[m[4]:m[5]])
		l := decode(line, col)
		own, out.Message = &l, out.Message[m[1]:]
	}
	if strings.Contains(out.Message, "*target must be interface or implement error") {
		out.Message += " (errors.As cannot see the methods of a type defined in a cell: test the error with a type assertion, " +
			"e.g. if pe, ok := err.(*MyError); ok, unwrapping with errors.Unwrap as needed)"
	}
	type frame struct {
		loc location
		fn  string
	}
	var cellFrames []frame
	for _, t := range trace {
		m := tracePattern.FindStringSubmatch(t)
		if m == nil {
			continue
		}
		line, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		if loc := decode(line, col); loc.cell != 0 {
			cellFrames = append(cellFrames, frame{loc, strings.TrimPrefix(m[3], "main.")})
		}
	}
	if out.Message == indexOutOfRange && len(cellFrames) > 0 && !strings.Contains(cellFrames[0].fn, ".") && cellFrames[0].fn != "main" {
		// yaegi names the first statement of the function that panicked.
		stmtLine := -1 // the call's arguments can be read again only from the running top-level statement
		// (yaegi prints no frame for a chunk whose statement is a
		// compiled call, such as the final value's capture, and a "func"
		// frame for the literal that captures it with fmt shims).
		switch {
		case len(cellFrames) == 1 || cellFrames[1].fn == "main" && cellFrames[1].loc.cell == p.c.seq%cellWrap:
			stmtLine = int(e.rt.line.Load())
			if stmtLine == 0 && len(cellFrames) > 1 {
				stmtLine = cellFrames[1].loc.line
			}
		case cellFrames[1].fn == "func" && cellFrames[1].loc.cell == p.c.seq%cellWrap:
			// callArgs ignores calls inside function literals the cell wrote.
			stmtLine = cellFrames[1].loc.line
		}
		if loc, detail, ok := e.funcIndexFault(p, cellFrames[0].fn, stmtLine); ok {
			cellFrames[0].loc = loc
			out.Message += detail
		}
	}
	var frames []string
	var chosen *location
	for _, f := range cellFrames {
		loc, fn := f.loc, f.fn
		if fn == "main" && loc.cell == p.c.seq%cellWrap && int(e.rt.line.Load()) > loc.line {
			// yaegi names the first statement of the chunk; the front-end's
			// At calls know the top-level statement that was running.
			loc.line, loc.col = int(e.rt.line.Load()), 1
		}
		where := loc.describe(p.c.seq)
		if fn == "main" || strings.HasPrefix(fn, "main.func") || strings.HasPrefix(fn, "main") && !strings.Contains(fn, ".") {
			frames = append(frames, "  at "+where)
		} else {
			frames = append(frames, "  at "+where+", in "+fn)
		}
		if chosen == nil && loc.cell == p.c.seq%cellWrap {
			l := loc
			chosen = &l
		}
	}
	head := "panic: " + out.Message
	if chosen == nil && own != nil && own.cell == p.c.seq%cellWrap {
		chosen = own
	}
	if chosen == nil && e.rt.line.Load() > 0 {
		// No frame in this cell: the top-level statement that was running.
		chosen = &location{cell: p.c.seq, line: int(e.rt.line.Load()), col: 1}
	}
	if chosen != nil {
		out.Line, out.Col = chosen.line, chosen.col
		if out.Message == indexOutOfRange && chosen.cell == p.c.seq%cellWrap {
			if detail := e.indexDetail(p, chosen.line); detail != "" {
				out.Message += detail
				head = "panic: " + out.Message
			}
		}
		head = fmt.Sprintf("cell line %d: %s", chosen.line, head)
	}
	out.Traceback = append([]string{head}, frames...)
	return out
}

func panicMessage(v any) string {
	switch v := v.(type) {
	case error:
		return runtimeMessage(v.Error())
	case string:
		return runtimeMessage(v)
	case reflect.Value:
		// panic(x) with an interpreted value x reaches us as its reflect.Value.
		if v.IsValid() && v.CanInterface() {
			return panicMessage(v.Interface())
		}
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprintf("%v", v)
}

// nilDeref is the Go runtime's message for a nil pointer dereference.
const nilDeref = "runtime error: invalid memory address or nil pointer dereference"

// runtimeMessage says in the Go runtime's words what yaegi reports in
// reflect's: yaegi reads through a nil pointer, interface or func value with
// reflect, whose panics name reflect internals that mean nothing to a person.
func runtimeMessage(msg string) string {
	switch {
	case strings.HasPrefix(msg, "reflect: slice index out of range"), strings.HasPrefix(msg, "reflect: array index out of range"),
		strings.HasPrefix(msg, "reflect: string index out of range"):
		return indexOutOfRange
	case strings.HasPrefix(msg, "reflect.Value.Slice: slice index out of bounds"), strings.HasPrefix(msg, "reflect.Value.Slice3: slice index out of bounds"):
		return "runtime error: slice bounds out of range"
	case strings.HasPrefix(msg, "reflect: call of reflect.Value.") && strings.HasSuffix(msg, " on zero Value"),
		msg == "reflect: Method on nil interface value":
		return nilDeref
	case msg == "reflect.Value.Call: call of nil function":
		return nilDeref + " (call of a nil func value)"
	}
	return msg
}

// tracePattern matches the line yaegi prints for every interpreted frame a
// panic unwinds: "L:C: panic: main.f(...)".
var tracePattern = regexp.MustCompile(`^(?:_\.go:)?(\d+):(\d+): panic: (.*)\(\.\.\.\)\s*$`)

// traceWriter is the interpreter's stderr. It passes everything through except
// the frame lines yaegi prints while a panic unwinds, which it keeps for the
// traceback instead.
type traceWriter struct {
	out io.Writer

	mu   sync.Mutex
	kept []string
}

func (w *traceWriter) Write(b []byte) (int, error) {
	if tracePattern.Match(bytes.TrimSpace(b)) {
		w.mu.Lock()
		if len(w.kept) < 64 {
			w.kept = append(w.kept, string(bytes.TrimSpace(b)))
		}
		w.mu.Unlock()
		return len(b), nil
	}
	return w.out.Write(b)
}

// start forgets the frames of the previous evaluation.
func (w *traceWriter) start() {
	w.mu.Lock()
	w.kept = nil
	w.mu.Unlock()
}

func (w *traceWriter) lines() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.kept...)
}

// findUndefined looks in the statement at cell line for an identifier that
// nothing defines, for errors where yaegi does not name it.
func (e *Engine) findUndefined(p *plan, line int) (name string, l, c int) {
	for _, it := range p.c.items {
		if it.stmt == nil {
			continue
		}
		if first, _ := lineCol(p.c.src, it.start); first != line {
			continue
		}
		ast.Inspect(it.stmt, func(n ast.Node) bool {
			if name != "" {
				return false
			}
			switch n := n.(type) {
			case *ast.SelectorExpr:
				ast.Inspect(n.X, func(m ast.Node) bool {
					if id, ok := m.(*ast.Ident); ok && name == "" && !e.known(p, id.Name) {
						name = id.Name
						l, c = lineCol(p.c.src, it.off(id.Pos()))
					}
					return name == ""
				})
				return false
			case *ast.Ident:
				if !e.known(p, n.Name) {
					name = n.Name
					l, c = lineCol(p.c.src, it.off(n.Pos()))
				}
			}
			return true
		})
		return name, l, c
	}
	return "", 0, 0
}

// known reports whether a name is defined somewhere the cell can see.
func (e *Engine) known(p *plan, name string) bool {
	if e.userNames[name] || e.importNames[name] != "" || universe[name] || name == "_" {
		return true
	}
	if _, ok := p.c.defs[name]; ok {
		return true
	}
	for _, it := range p.c.items {
		if slices.Contains(it.defines, name) {
			return true
		}
	}
	return p.c.cellImports()[name] != ""
}

var universe = map[string]bool{
	"append": true, "cap": true, "clear": true, "close": true, "complex": true, "copy": true, "delete": true,
	"imag": true, "len": true, "make": true, "max": true, "min": true, "new": true, "panic": true,
	"print": true, "println": true, "real": true, "recover": true, "true": true, "false": true,
	"nil": true, "iota": true, "any": true, "bool": true, "byte": true, "comparable": true,
	"complex64": true, "complex128": true, "error": true, "float32": true, "float64": true,
	"int": true, "int8": true, "int16": true, "int32": true, "int64": true, "rune": true,
	"string": true, "uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true,
}

// shimNames turns the names of the front-end's shims back into what the cell
// wrote, for error messages.
var shimNames = func() *strings.Replacer {
	var pairs []string
	for path, m := range packageShims {
		for name, shim := range m {
			pairs = append(pairs, shim+"(", path+"."+name+"(", shim+" ", path+"."+name+" ")
		}
	}
	for name, shim := range builtinShims {
		pairs = append(pairs, shim+"(", name+"(", shim+" ", name+" ")
	}
	pairs = append(pairs, "_gopadNew(", "new(", rtName+".", "")
	return strings.NewReplacer(pairs...)
}()

// definesType reports whether the cell declares a type name.
func (c *cellInfo) definesType(name string) bool {
	for _, it := range c.items {
		if it.kind == itemType && slices.Contains(it.defines, name) {
			return true
		}
	}
	return false
}

// genericCalledAt returns the name of a cell-defined generic function that the
// cell calls without explicit type arguments on the given line, or "".
func (e *Engine) genericCalledAt(p *plan, line int) string {
	found := ""
	for _, it := range p.c.items {
		root := it.node()
		if root == nil {
			continue
		}
		ast.Inspect(root, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || found != "" {
				return found == ""
			}
			id, ok := call.Fun.(*ast.Ident)
			if !ok || !(e.generics[id.Name] || p.c.generics[id.Name]) {
				return true
			}
			if l, _ := lineCol(p.c.src, it.off(call.Pos())); l == line || line == 0 {
				found = id.Name
			}
			return true
		})
	}
	return found
}

// libraryGenericCalledAt returns pkg.F for the first call on the given line
// (any line when line is 0) of a generic function of the standard library's
// generic packages, which yaegi interprets from source.
func (e *Engine) libraryGenericCalledAt(p *plan, line int, typeParam string) string {
	var found []string
	fits := -1 // the first found whose shim has a type parameter named typeParam
	for _, it := range p.c.items {
		root := it.node()
		if root == nil {
			continue
		}
		ast.Inspect(root, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			fun := ast.Unparen(call.Fun)
			if ix, ok := fun.(*ast.IndexExpr); ok {
				fun = ix.X
			}
			sel, ok := fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			pkg, ok := sel.X.(*ast.Ident)
			if !ok || !genericLibraryPackages[pkg.Name] || e.userNames[pkg.Name] {
				return true
			}
			if l, _ := lineCol(p.c.src, it.off(call.Pos())); l == line || line == 0 {
				if fits < 0 && shimHasTypeParam(pkg.Name, sel.Sel.Name, typeParam) {
					fits = len(found)
				}
				found = append(found, pkg.Name+"."+sel.Sel.Name)
			}
			return true
		})
	}
	switch {
	case fits >= 0:
		return found[fits]
	case len(found) > 0:
		return found[0]
	}
	return ""
}

// shimHasTypeParam reports whether the interpreted shim of pkg.name (by the
// package's usual name) has a type parameter named typeParam: yaegi's error
// names the parameter, not always the line.
func shimHasTypeParam(pkg, name, typeParam string) bool {
	for path, shims := range packageShims {
		if packageName(path) != pkg {
			continue
		}
		decls, _ := shimDecls()
		fd := decls[shims[name]]
		if fd == nil || fd.Type.TypeParams == nil {
			return false
		}
		for _, f := range fd.Type.TypeParams.List {
			for _, n := range f.Names {
				if n.Name == typeParam {
					return true
				}
			}
		}
	}
	return false
}

// genericLibraryPackages are the standard library packages whose generic
// functions yaegi runs from source.
var genericLibraryPackages = map[string]bool{"slices": true, "maps": true, "cmp": true, "iter": true, "sync": true, "atomic": true}

// goroutinePanicReport describes a panic in a goroutine that cell cell started
// at its line line, in the words of a Go crash report's first line.
func goroutinePanicReport(value any, cell, line int) string {
	msg := shimNames.Replace(panicMessage(value))
	if m := posPattern.FindStringSubmatchIndex(msg); m != nil && m[0] == 0 {
		msg = msg[m[1]:]
	}
	return fmt.Sprintf("panic: %s\n\tin a goroutine started at line %d of cell #%d "+
		"(a panic in a goroutine ends the kernel, as it ends a Go program; recover in the goroutine to keep it alive)", msg, line, cell)
}

// selectorOn returns the source of x and its position for the first selector
// x.name of the cell on the given line (any line when line is 0).
func (e *Engine) selectorOn(p *plan, name string, line int) (x string, l, c int) {
	for _, it := range p.c.items {
		root := it.node()
		if root == nil {
			continue
		}
		ast.Inspect(root, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok || x != "" || sel.Sel.Name != name {
				return x == ""
			}
			sl, sc := lineCol(p.c.src, it.off(sel.Sel.Pos())) // Go reports it at the name
			if line == 0 || sl == line {
				x, l, c = p.c.text(it, sel.X), sl, sc
			}
			return x == ""
		})
		if x != "" {
			return x, l, c
		}
	}
	return "", 0, 0
}

// memberHint suggests the fields and methods of x closest to the missing
// name, "; did you mean model.Fit?", or returns "". It looks only at x that
// evaluates again without effects from the session's globals (model,
// ts[0]) and whose value's type reflect can list, which includes every value
// of a compiled package such as gopad/ml; names shorter than three letters get
// no guess.
func (e *Engine) memberHint(p *plan, x, name string) string {
	expr, err := parser.ParseExpr(x)
	if err != nil || len(name) < 3 || !pureExpr(expr) || !e.allGlobal(p, expr) {
		return ""
	}
	v, ok := e.evalValue(x)
	if !ok {
		return ""
	}
	var members []string
	t := v.Type()
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		t = reflect.PointerTo(t) // a variable's method set includes pointer methods
	}
	for i := 0; i < t.NumMethod(); i++ {
		members = append(members, t.Method(i).Name)
	}
	if st := t; st.Kind() == reflect.Pointer && st.Elem().Kind() == reflect.Struct {
		for _, f := range reflect.VisibleFields(st.Elem()) {
			members = append(members, f.Name)
		}
	}
	close := closeNames(name, members)
	if len(close) == 0 {
		return ""
	}
	for i, c := range close {
		close[i] = x + "." + c
	}
	if len(close) == 1 {
		return "; did you mean " + close[0] + "?"
	}
	return "; did you mean " + strings.Join(close[:len(close)-1], ", ") + " or " + close[len(close)-1] + "?"
}

// noSymbolPattern matches yaegi's words for a missing package symbol:
// package name, import path, symbol.
var noSymbolPattern = regexp.MustCompile(`^package (\S+) "([^"]+)" has no symbol (\S+)$`)

// undefinedPathSelector matches yaegi's other words for a missing package
// symbol (on the right of :=): import path, symbol.
var undefinedPathSelector = regexp.MustCompile(`^undefined selector (\S+)\.([^./\s]+)$`)

// symbolHint suggests the package's symbols closest to the missing one,
// " (did you mean strings.Contains?)", or returns "".
func (e *Engine) symbolHint(pkg, path, name string) string {
	var syms map[string]reflect.Value
	for key, m := range e.exports {
		if rest, ok := strings.CutPrefix(key, path+"/"); ok && !strings.Contains(rest, "/") {
			syms = m
			break
		}
	}
	if syms == nil {
		syms = e.exports["gopad.dev/"+path+"/"+pkg]
	}
	close := closeNames(name, slices.Collect(maps.Keys(syms)))
	if len(close) == 0 {
		return ""
	}
	for i, c := range close {
		close[i] = pkg + "." + c
	}
	if len(close) == 1 {
		return " (did you mean " + close[0] + "?)"
	}
	return " (did you mean " + strings.Join(close[:len(close)-1], ", ") + " or " + close[len(close)-1] + "?)"
}

// closeNames returns up to three of the exported names closest to name:
// those within a small edit distance, ignoring case, or sharing a prefix of
// at least three letters with it, nearest first.
func closeNames(name string, names []string) []string {
	type scored struct {
		name string
		dist int
	}
	var found []scored
	lname := strings.ToLower(name)
	limit := max(1, len(name)/3)
	for _, n := range names {
		if n == "" || n[0] == '_' || !token.IsExported(n) {
			continue
		}
		ln := strings.ToLower(n)
		d := editDistance(lname, ln)
		switch {
		case d <= limit:
		case len(lname) >= 3 && (strings.HasPrefix(ln, lname) || strings.HasPrefix(lname, ln) && len(ln) >= 3):
			d = limit + 1 + abs(len(ln)-len(lname))
		default:
			continue
		}
		found = append(found, scored{n, d})
	}
	slices.SortFunc(found, func(a, b scored) int {
		if a.dist != b.dist {
			return a.dist - b.dist
		}
		return strings.Compare(a.name, b.name)
	})
	var out []string
	for i := 0; i < len(found) && i < 3; i++ {
		out = append(out, found[i].name)
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// indexOutOfRange is the Go runtime's message, without the index and length
// that yaegi does not report.
const indexOutOfRange = "runtime error: index out of range"

// indexDetail returns " [i] with length n" for the index expression of a
// plain top-level statement on the cell's line that is out of range, as the
// Go runtime words it. It reads the operands again after the panic, so it
// only considers operands without calls, receives or function literals,
// outside any function body and block (whose variables are gone), and
// answers only when exactly one index on the line is out of range.
func (e *Engine) indexDetail(p *plan, line int) string {
	var found []string
	for _, it := range p.c.items {
		if it.stmt == nil || it.wrap {
			continue
		}
		ast.Inspect(it.stmt, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit, *ast.BlockStmt:
				return false
			case *ast.IndexExpr:
				if l, _ := lineCol(p.c.src, it.off(n.Lbrack)); l != line || !pureExpr(n.X) || !pureExpr(n.Index) ||
					!e.allGlobal(p, n.X) || !e.allGlobal(p, n.Index) {
					return true
				}
				if detail, out := e.outOfRange(p.c.text(it, n.X), p.c.text(it, n.Index)); out {
					found = append(found, detail)
				}
			}
			return true
		})
	}
	if len(found) != 1 {
		return ""
	}
	return found[0]
}

// outOfRange evaluates len(x) and int(i) again and, when the index is out of
// range, returns the Go runtime's " [i] with length n" (" [i]" when negative).
func (e *Engine) outOfRange(x, i string) (detail string, out bool) {
	length, ok1 := e.evalInt("len(" + x + ")")
	index, ok2 := e.evalInt("int(" + i + ")")
	if !ok1 || !ok2 || index >= 0 && index < length {
		return "", false
	}
	if index < 0 {
		return fmt.Sprintf(" [%d]", index), true
	}
	return fmt.Sprintf(" [%d] with length %d", index, length), true
}

// evalInt evaluates an integer expression without side effects.
func (e *Engine) evalInt(src string) (n int64, ok bool) {
	v, ok := e.evalValue(src)
	if !ok || !v.CanInt() {
		return 0, false
	}
	return v.Int(), true
}

// pureExpr reports whether evaluating x again reads values only: names,
// literals, field selections, index, arithmetic.
func pureExpr(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.Ident, *ast.BasicLit:
		return true
	case *ast.ParenExpr:
		return pureExpr(x.X)
	case *ast.SelectorExpr:
		return pureExpr(x.X)
	case *ast.IndexExpr:
		return pureExpr(x.X) && pureExpr(x.Index)
	case *ast.BinaryExpr:
		return pureExpr(x.X) && pureExpr(x.Y)
	case *ast.UnaryExpr:
		return x.Op != token.ARROW && x.Op != token.AND && pureExpr(x.X)
	}
	return false
}

// allGlobal reports whether every name x starts from is a top-level name of
// the session or an imported package: evaluating a name yaegi does not know
// would leave a placeholder in its scope.
func (e *Engine) allGlobal(p *plan, x ast.Expr) bool {
	ok := true
	ast.Inspect(x, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			ast.Inspect(n.X, func(m ast.Node) bool {
				if id, isID := m.(*ast.Ident); isID && !e.knownName(p, id.Name) {
					ok = false
				}
				return ok
			})
			return false // the selected name is a field or package member
		case *ast.Ident:
			ok = ok && e.knownName(p, n.Name)
		}
		return ok
	})
	return ok
}

func (e *Engine) knownName(p *plan, name string) bool {
	if e.userNames[name] || slices.Contains(p.defined, name) || universe[name] {
		return true
	}
	_, imported := e.importNames[name]
	if !imported {
		_, imported = p.c.cellImports()[name]
	}
	return imported
}
