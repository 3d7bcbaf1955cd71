package engine

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// edit replaces src[start:end] of the cell with text.
type edit struct {
	start, end int
	text       string
	// order places edits at the same offset: editOpening before the others,
	// editClosing after (ifaceconv.go); 0 keeps the order they were made in.
	order int
}

// cellInfo is what the rewrites know about the whole cell.
type cellInfo struct {
	src         string
	seq         int
	items       []*item
	auto        map[string]string // packages imported for the cell automatically, by name
	funcResults map[string]int    // result counts of the cell's own functions
	// funcResultTypes holds the result types of the cell's own functions
	// as written (for exprType).
	funcResultTypes map[string][]string
	generics        map[string]bool // the cell's own generic functions
	localTypes      map[string]bool // types the cell declares anywhere: is it an interface
	typeTemps       int             // names made for rewritten type switches
	rangeFuncs      int             // names made for rewritten range-over-func loops
	convTemps       int             // names made for copies of converted values (ifaceconv.go)
	refusal         *Error          // the first construct the rewrites refuse
	// defs maps a name to the expressions and types it is given anywhere in the
	// cell (assignments, var specs, parameters); used to tell integers apart.
	defs map[string][]definition
}

// text returns the cell's source of n, a node of item it's syntax tree.
func (c *cellInfo) text(it *item, n ast.Node) string {
	return c.src[it.off(n.Pos()):it.off(n.End())]
}

type definition struct {
	it    *item
	value ast.Expr // the value assigned, or nil
	typ   ast.Expr // the declared type, or nil
	index int      // for a, b := f(): which of value's results; -1 otherwise
}

// collectDefs records every definition of a name in the cell.
func (c *cellInfo) collectDefs() {
	c.defs = map[string][]definition{}
	add := func(it *item, id *ast.Ident, value, typ ast.Expr, index int) {
		if id == nil || id.Name == "_" {
			return
		}
		c.defs[id.Name] = append(c.defs[id.Name], definition{it, value, typ, index})
	}
	for _, it := range c.items {
		root := it.node()
		if root == nil {
			continue
		}
		ast.Inspect(root, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				if n.Tok == token.DEFINE && len(n.Lhs) == len(n.Rhs) {
					for i, l := range n.Lhs {
						id, _ := l.(*ast.Ident)
						add(it, id, n.Rhs[i], nil, -1)
					}
				} else if n.Tok == token.DEFINE && len(n.Rhs) == 1 && isCall(n.Rhs[0]) {
					for i, l := range n.Lhs {
						id, _ := l.(*ast.Ident)
						add(it, id, n.Rhs[0], nil, i)
					}
				} else if n.Tok == token.DEFINE {
					for _, l := range n.Lhs {
						id, _ := l.(*ast.Ident)
						add(it, id, nil, nil, -1)
					}
				}
			case *ast.ValueSpec:
				for i, id := range n.Names {
					var v ast.Expr
					index := -1
					if len(n.Values) == len(n.Names) {
						v = n.Values[i]
					} else if len(n.Values) == 1 && isCall(n.Values[0]) {
						v, index = n.Values[0], i
					}
					add(it, id, v, n.Type, index)
				}
			case *ast.Field:
				for _, id := range n.Names {
					add(it, id, nil, n.Type, -1)
				}
			}
			return true
		})
	}
}

// rewriter collects the edits of one item.
type rewriter struct {
	e    *Engine
	c    *cellInfo
	it   *item
	skip map[ast.Node]bool
	// selectLabels holds where a labeled select's statement starts.
	selectLabels map[*ast.SelectStmt]token.Pos
	commaOKs     map[*ast.TypeAssertExpr]bool // two-value type assertions (typeswitch.go)
	// rangeLoops are the range-over-func loops whose bodies are being
	// walked, innermost last (rangefunc.go).
	rangeLoops []*rangeFuncLoop
}

func (r *rewriter) text(n ast.Node) string {
	return r.c.text(r.it, n)
}

func (r *rewriter) add(start, end int, text string) {
	r.it.edits = append(r.it.edits, edit{start: start, end: end, text: text})
}

func (r *rewriter) insert(p token.Pos, text string) {
	o := r.it.off(p)
	r.add(o, o, text)
}

// walk rewrites every construct below n that yaegi mishandles.
func (r *rewriter) walk(n ast.Node) {
	if n == nil || reflect.ValueOf(n).IsNil() {
		return
	}
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			r.call(n)
		case *ast.SelectorExpr:
			r.methodExpr(n)
		case *ast.ForStmt:
			r.loopBody(n.Body, r.forVars(n))
		case *ast.RangeStmt:
			r.walk(n.X)
			if loop := r.rangeFuncOnce(n, nil); loop != nil {
				r.loopBody(n.Body, nil)
				r.walkRangeFuncBody(loop)
				return false
			}
			r.rangeStmt(n)
			r.walk(n.Body)
			return false
		case *ast.SelectStmt:
			r.selectStmt(n)
		case *ast.CommClause:
			if n.Comm != nil {
				r.skip[n.Comm] = true
				ast.Inspect(n.Comm, func(m ast.Node) bool {
					if u, ok := m.(*ast.UnaryExpr); ok && u.Op == token.ARROW {
						r.skip[u] = true
						return false
					}
					return true
				})
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW && !r.skip[n] {
				// A receive inside an expression: interruptible when the
				// element type is known and not an interface (a nil interface
				// value would fail the type assertion).
				if typ, ok := r.chanElemType(n.X); ok && !r.isInterfaceType(typ) {
					mark := len(r.it.edits)
					r.walk(n.X)
					x := r.renderSubSpan(r.it.off(n.X.Pos()), r.it.off(n.X.End()), mark)
					r.add(r.it.off(n.Pos()), r.it.off(n.End()), rtName+".AwaitVal("+x+").("+typ+")")
					return false
				}
			}
		case *ast.GoStmt:
			r.goStmt(n)
		case *ast.LabeledStmt:
			if sel, ok := n.Stmt.(*ast.SelectStmt); ok {
				if r.selectLabels == nil {
					r.selectLabels = map[*ast.SelectStmt]token.Pos{}
				}
				r.selectLabels[sel] = n.Pos()
			}
			if ts, ok := n.Stmt.(*ast.TypeSwitchStmt); ok && r.typeSwitch(ts, n) {
				return false
			}
			if sw, ok := n.Stmt.(*ast.SwitchStmt); ok && sw.Init != nil {
				r.switchInit(sw, n)
			}
			if rs, ok := n.Stmt.(*ast.RangeStmt); ok {
				r.walk(rs.X)
				if loop := r.rangeFuncOnce(rs, n); loop != nil {
					r.loopBody(rs.Body, nil)
					r.walkRangeFuncBody(loop)
					return false
				}
				r.skip[rs] = true // X is walked
				r.rangeStmt(rs)
				r.walk(rs.Body)
				return false
			}
		case *ast.SwitchStmt:
			if n.Init != nil && !r.skip[n] {
				r.switchInit(n, nil)
			}
		case *ast.IfStmt:
			if as, ok := n.Init.(*ast.AssignStmt); ok && as.Tok == token.DEFINE && !r.skip[n] {
				if _, recv := singleRecv(as); recv {
					// The receive becomes declarations and an
					// assignment (recvDecls), which an if's init
					// cannot hold: the init goes in a block around
					// the if, which scopes its variables the same.
					r.skip[n] = true
					r.add(r.it.off(n.If), r.it.off(n.Init.Pos()), "{ ")
					r.add(r.it.off(n.Init.End()), r.it.off(n.Cond.Pos()), "; if ")
					r.insert(n.End(), " }")
				}
			}
		case *ast.TypeSwitchStmt:
			if r.typeSwitch(n, nil) {
				return false
			}
		case *ast.ValueSpec:
			r.markCommaOK(len(n.Names), n.Values)
		case *ast.TypeAssertExpr:
			if r.typeAssert(n, r.commaOKs[n]) {
				return false
			}
		case *ast.SendStmt:
			if !r.skip[n] {
				r.sendStmt(n)
			}
		case *ast.CompositeLit:
			r.compositeElems(n)
			r.elidedPointerElems(n)
		case *ast.ExprStmt:
			if u, ok := n.X.(*ast.UnaryExpr); ok && u.Op == token.ARROW && !r.skip[n] {
				r.skip[u] = true
				o := r.it.off(u.OpPos)
				r.add(o, o+2, rtName+".Await(")
				r.insert(u.End(), ")")
			}
		case *ast.AssignStmt:
			r.markCommaOK(len(n.Lhs), n.Rhs)
			if u, ok := singleRecv(n); ok && n.Tok == token.ASSIGN && !r.skip[n] {
				r.skip[u] = true
				r.recvAssign(n, u, "", "")
			} else if ok && n.Tok == token.DEFINE && !r.skip[n] {
				r.skip[u] = true
				if decl, ok := r.recvDecls(n, u); ok {
					r.recvAssign(n, u, decl, "")
				}
			}
		}
		return true
	})
}

// singleRecv reports whether n assigns the result of one channel receive.
func singleRecv(n *ast.AssignStmt) (*ast.UnaryExpr, bool) {
	if len(n.Rhs) != 1 || len(n.Lhs) > 2 {
		return nil, false
	}
	u, ok := ast.Unparen(n.Rhs[0]).(*ast.UnaryExpr)
	return u, ok && u.Op == token.ARROW
}

// call replaces builtins and generic library functions yaegi lacks.
func (r *rewriter) call(n *ast.CallExpr) {
	r.skip[n.Fun] = true // a method expression called at once works in yaegi
	switch fun := n.Fun.(type) {
	case *ast.Ident:
		if fun.Name == "new" && len(n.Args) == 1 && r.isValueExpr(n.Args[0]) && !r.e.userNames["new"] && !r.definedInCell("new") {
			// Go 1.26's new(expr); yaegi would silently point to a zero value.
			r.add(r.it.off(fun.Pos()), r.it.off(fun.End()), "_gopadNew")
			return
		}
		r.inferTypeArgs(n, fun)
		if shim, ok := builtinShims[fun.Name]; ok && !r.e.userNames[fun.Name] && !r.definedInCell(fun.Name) {
			r.add(r.it.off(fun.Pos()), r.it.off(fun.End()), shim)
			if fun.Name == "min" || fun.Name == "max" {
				r.minMaxArgs(n)
			}
		}
	case *ast.IndexExpr:
		r.asType(n, fun)
	case *ast.SelectorExpr:
		r.compiledInterfaceArgs(n, fun)
		r.guardReflect(n, fun)
		r.fieldByName(n, fun)
		r.fmtArgs(n, fun)
		if shim := r.packageShim(fun); shim != "" {
			if shim == rtName+".Errorf" && len(n.Args) > 0 {
				if lit, ok := ast.Unparen(n.Args[0]).(*ast.BasicLit); ok && strings.Contains(lit.Value, "%w") {
					// Wrapping: an interpreted error that keeps the
					// wrapped cell values with their methods.
					shim = "_gopadErrorf"
					r.markWrappedArgs(n, lit)
				}
			}
			if shim == "_gopadErrorsAs" && len(n.Args) == 2 {
				// Keep: the target's type reaches the helper.
				r.insert(n.Args[1].Pos(), showBoxName+".Keep(")
				r.insert(n.Args[1].End(), ")")
			}
			if i, ok := seqArgShims[shim]; ok && i < len(n.Args) {
				// Instantiated from the iterator's element types: yaegi
				// cannot infer them from an iterator argument.
				if types, ok := r.iterParams(n.Args[i], 0); ok {
					shim += "[" + strings.Join(types, ", ") + "]"
				}
			}
			if shim == "_gopadSlicesConcat" && len(n.Args) > 0 {
				if e, ok := r.sliceElem(n.Args[0]); ok {
					shim += "[" + e + "]"
				}
			}
			if shim == "_gopadSlicesSorted" && len(n.Args) == 1 {
				if types, ok := r.iterParams(n.Args[0], 0); ok && len(types) == 1 {
					shim = "_gopadSlicesSortedSeq[" + types[0] + "]"
				}
			}
			if shim == "_gopadSlicesCollect" && len(n.Args) == 1 {
				if types, ok := r.iterParams(n.Args[0], 0); ok && len(types) == 1 {
					// A function iterator: called with a yield that
					// appends; instantiated explicitly, as yaegi cannot
					// infer E from a compiled iter.Seq[E].
					shim = "_gopadSlicesCollectSeq[" + types[0] + "]"
				} else if call, ok := ast.Unparen(n.Args[0]).(*ast.CallExpr); ok {
					if sel, ok := call.Fun.(*ast.SelectorExpr); ok && r.packageShim(sel) != "" {
						// The shims of iterator makers (maps.Keys)
						// return slices: Collect is the identity.
						shim = ""
					}
				}
			}
			if strings.HasPrefix(shim, "_gopad") && !strings.Contains(shim, "[") {
				// Interpreted generic shims: instantiated when the written
				// arguments tell, as cell generics are (infer.go); yaegi
				// cannot infer from variadic arguments (cmp.Or("", s)).
				if targs, ok := r.shimTypeArgs(n, shim); ok {
					shim += targs
				}
			}
			r.add(r.it.off(fun.Pos()), r.it.off(fun.End()), shim)
		}
	}
}

// minMaxArgs adapts the arguments of min and max to the generic shim, whose
// type parameter yaegi infers from the first argument only: a typed argument
// moves to the front, and if all are constants and one is a float, the
// integer constants become float64.
func (r *rewriter) minMaxArgs(n *ast.CallExpr) {
	if len(n.Args) < 2 {
		return
	}
	isLit := func(x ast.Expr) (*ast.BasicLit, bool) {
		x = ast.Unparen(x)
		if u, ok := x.(*ast.UnaryExpr); ok && (u.Op == token.SUB || u.Op == token.ADD) {
			x = u.X
		}
		lit, ok := x.(*ast.BasicLit)
		return lit, ok
	}
	if _, ok := isLit(n.Args[0]); !ok {
		return
	}
	for i, a := range n.Args[1:] {
		if _, ok := isLit(a); !ok {
			// Swap the first argument with this typed one.
			first, other := n.Args[0], n.Args[i+1]
			ft := r.renderCopy(first)
			ot := r.renderCopy(other)
			r.dropEdits(r.it.off(first.Pos()), r.it.off(first.End()))
			r.dropEdits(r.it.off(other.Pos()), r.it.off(other.End()))
			r.add(r.it.off(first.Pos()), r.it.off(first.End()), ot)
			r.add(r.it.off(other.Pos()), r.it.off(other.End()), ft)
			return
		}
	}
	float := false
	for _, a := range n.Args {
		lit, _ := isLit(a)
		float = float || lit.Kind == token.FLOAT
	}
	if float {
		for _, a := range n.Args {
			if lit, _ := isLit(a); lit.Kind == token.INT || lit.Kind == token.FLOAT {
				r.insert(a.Pos(), "float64(")
				r.insert(a.End(), ")")
			}
		}
	}
}

// packageShim returns the replacement of pkg.Name when pkg names an imported
// package that has shims.
func (r *rewriter) packageShim(sel *ast.SelectorExpr) string {
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return ""
	}
	path, ok := r.importPath(id.Name)
	if !ok {
		return ""
	}
	return packageShims[path][sel.Sel.Name]
}

// importPath returns the path of the package imported as name, by an earlier
// cell or by this one.
func (r *rewriter) importPath(name string) (string, bool) {
	if path, ok := r.e.importNames[name]; ok {
		return path, true
	}
	path, ok := r.c.cellImports()[name]
	return path, ok
}

// cellImports returns the imports of this cell by name.
func (c *cellInfo) cellImports() map[string]string {
	m := map[string]string{}
	for name, path := range c.auto {
		m[name] = path
	}
	for _, it := range c.items {
		if it.kind != itemImport || it.decl == nil {
			continue
		}
		for _, spec := range it.decl.(*ast.GenDecl).Specs {
			path, name := importSpec(spec.(*ast.ImportSpec))
			m[name] = path
		}
	}
	return m
}

func (r *rewriter) definedInCell(name string) bool {
	for _, it := range r.c.items {
		if (it.kind == itemFunc || it.kind == itemVar || it.kind == itemType) && slices.Contains(it.defines, name) {
			return true
		}
	}
	return false
}

// methodExpr replaces a method expression T.M or (*T).M that is not called
// at once with an equivalent function literal: yaegi's method expression values
// fail when called ("Call with too many input arguments").
func (r *rewriter) methodExpr(sel *ast.SelectorExpr) {
	if r.skip[sel] {
		return
	}
	recv := ast.Unparen(sel.X)
	ptr := false
	if star, ok := recv.(*ast.StarExpr); ok {
		recv, ptr = ast.Unparen(star.X), true
	}
	id, ok := recv.(*ast.Ident)
	if !ok {
		return
	}
	m := r.e.methods[id.Name+"."+sel.Sel.Name]
	if m == nil || (m.ptr && !ptr) || !r.e.types[id.Name] {
		return
	}
	recvType := id.Name
	if ptr {
		recvType = "*" + id.Name
	}
	var params, args []string
	params = append(params, "_gopadRecv "+recvType)
	for i, p := range m.params {
		name := fmt.Sprintf("_gopadP%d", i)
		if strings.HasPrefix(p, "...") {
			args = append(args, name+"...")
		} else {
			args = append(args, name)
		}
		params = append(params, name+" "+p)
	}
	call := "_gopadRecv." + sel.Sel.Name + "(" + strings.Join(args, ", ") + ")"
	body := "{ " + call + " }"
	if m.results != "" {
		body = "{ return " + call + " }"
	}
	lit := "func(" + strings.Join(params, ", ") + ") " + m.results + " " + body
	r.add(r.it.off(sel.Pos()), r.it.off(sel.End()), lit)
}

// forVars returns the loop variables of a three-clause for loop that need a
// per-iteration copy: those a closure or goroutine in the body may capture and
// that the body does not assign (a copy would hide such assignments).
func (r *rewriter) forVars(n *ast.ForStmt) []string {
	init, ok := n.Init.(*ast.AssignStmt)
	if !ok || init.Tok != token.DEFINE || !captures(n.Body) && len(addressTaken(n.Body)) == 0 {
		return nil
	}
	assigned := assignedNames(n.Body)
	var names []string
	for _, l := range init.Lhs {
		if id, ok := l.(*ast.Ident); ok && id.Name != "_" && !assigned[id.Name] {
			names = append(names, id.Name)
		}
	}
	return names
}

// loopBody inserts the interrupt check and the per-iteration copies.
func (r *rewriter) loopBody(body *ast.BlockStmt, copies []string) {
	if body == nil {
		return
	}
	text := rtName + ".Check();"
	for _, name := range copies {
		text += name + " := " + name + ";"
	}
	r.insert(body.Lbrace+1, text)
}

// rangeStmt rewrites range over an integer into a counting loop and adds the
// check and the per-iteration copies.
func (r *rewriter) rangeStmt(n *ast.RangeStmt) {
	var copies []string
	if n.Tok == token.DEFINE {
		capture, addressed := captures(n.Body), addressTaken(n.Body)
		for _, e := range []ast.Expr{n.Key, n.Value} {
			if id, ok := e.(*ast.Ident); ok && id.Name != "_" && (capture || addressed[id.Name]) {
				copies = append(copies, id.Name)
			}
		}
	}
	r.loopBody(n.Body, copies)

	if n.Value == nil && r.rangeOverChan(n) {
		return
	}
	if n.Value != nil || !r.isInt(n.X) {
		if call, ok := n.X.(*ast.CallExpr); ok && n.Tok == token.DEFINE {
			r.rangeOverMapsIter(n, call)
		}
		return
	}
	// Render X with its own edits, then replace the loop header.
	xs, xe := r.it.off(n.X.Pos()), r.it.off(n.X.End())
	x := r.renderSpan(xs, xe)
	x = "(" + x + ")"
	zero := x + " - " + x
	if lit, ok := n.X.(*ast.BasicLit); ok && lit.Kind == token.INT {
		zero = "0"
	}
	key := "_gopadI"
	tok := ":="
	if id, ok := n.Key.(*ast.Ident); ok && id.Name != "_" {
		key = id.Name
		tok = n.Tok.String()
	} else if n.Key != nil && n.Tok == token.ASSIGN {
		key = r.text(n.Key)
		tok = "="
	}
	header := fmt.Sprintf("for %s %s %s; %s < %s; %s++ ", key, tok, zero, key, x, key)
	r.add(r.it.off(n.For), r.it.off(n.Body.Lbrace), header)
}

// rangeOverMapsIter rewrites `for k := range maps.Keys(m)` and
// `for v := range maps.Values(m)` to range over the map itself.
func (r *rewriter) rangeOverMapsIter(n *ast.RangeStmt, call *ast.CallExpr) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || len(call.Args) != 1 || n.Value != nil {
		return
	}
	shim := r.packageShim(sel)
	var key string
	switch shim {
	case "_gopadMapsKeys":
		key = "k"
	case "_gopadMapsValues":
		key = "v"
	default:
		return
	}
	// Drop the edit that renamed maps.Keys, then range over the map.
	r.dropEdits(r.it.off(call.Pos()), r.it.off(call.End()))
	m := r.renderSpan(r.it.off(call.Args[0].Pos()), r.it.off(call.Args[0].End()))
	r.dropEdits(r.it.off(call.Args[0].Pos()), r.it.off(call.Args[0].End()))
	if key == "v" && n.Key != nil {
		r.insert(n.Key.Pos(), "_, ")
	}
	r.add(r.it.off(call.Pos()), r.it.off(call.End()), m)
}

// dropEdits removes the edits inside [start, end).
func (r *rewriter) dropEdits(start, end int) {
	kept := r.it.edits[:0]
	for _, e := range r.it.edits {
		if e.start >= start && e.end <= end {
			continue
		}
		kept = append(kept, e)
	}
	r.it.edits = kept
}

// renderSpan renders src[start:end] with the edits inside it applied, and
// removes those edits (the caller replaces the whole span).
func (r *rewriter) renderSpan(start, end int) string {
	var inner []edit
	kept := r.it.edits[:0]
	for _, e := range r.it.edits {
		if e.start >= start && e.end <= end {
			inner = append(inner, e)
		} else {
			kept = append(kept, e)
		}
	}
	r.it.edits = kept
	return applyEdits(r.c.src, start, end, inner, nil)
}

// renderSubSpan is renderSpan for a part of a construct the caller replaces
// whole: inserts at the part's edges made before mark (Show( around the
// construct, when the part starts or ends where the construct does) wrap the
// construct, so they stay outside.
func (r *rewriter) renderSubSpan(start, end, mark int) string {
	var inner []edit
	kept := r.it.edits[:0]
	for i, e := range r.it.edits {
		edge := e.start == e.end && (e.start == start || e.start == end) && i < mark
		if !edge && e.start >= start && e.end <= end {
			inner = append(inner, e)
		} else {
			kept = append(kept, e)
		}
	}
	r.it.edits = kept
	return applyEdits(r.c.src, start, end, inner, nil)
}

// selectStmt adds an interrupt case to a select without a default, and
// evaluates the values of its send cases before it when yaegi's select would
// send them wrong: a composite literal arrived with its computed elements zero
// (case ch <- T{f(x), i + 1} sent T{"", 0}), and a value for a channel of
// interfaces, or an untyped constant for a channel of float64, was sent with
// its own type, which reflect refuses (see sendStmt). Go evaluates them on
// entering the select, as the block made here does.
func (r *rewriter) selectStmt(n *ast.SelectStmt) {
	var hoisted []string
	for _, c := range n.Body.List {
		send, ok := c.(*ast.CommClause).Comm.(*ast.SendStmt)
		if !ok {
			continue
		}
		_, lit := ast.Unparen(send.Value).(*ast.CompositeLit)
		typ, typed := r.chanElemType(send.Chan)
		iface := typed && r.isInterfaceType(typ)
		if !lit && !typed {
			continue
		}
		tmp := fmt.Sprintf("_gopadSel%d", len(hoisted))
		value := r.text(send.Value)
		switch {
		case iface:
			hoisted = append(hoisted, tmp+" := func() "+typ+" { return "+value+" }()")
		case typed:
			hoisted = append(hoisted, "var "+tmp+" "+typ+" = "+value)
		default:
			hoisted = append(hoisted, tmp+" := "+value)
		}
		r.add(r.it.off(send.Value.Pos()), r.it.off(send.Value.End()), tmp)
	}
	if len(hoisted) > 0 {
		// Before the label of a labeled select: break L must name the select.
		start := n.Pos()
		if l, ok := r.selectLabels[n]; ok {
			start = l
		}
		r.insert(start, "{ "+strings.Join(hoisted, "; ")+"; ")
		o := r.it.off(n.End())
		r.it.edits = append(r.it.edits, edit{start: o, end: o, text: " }", order: editStatementClosing})
	}
	for _, c := range n.Body.List {
		if c.(*ast.CommClause).Comm == nil {
			return
		}
	}
	// After a semicolon: the last case may end without one (on one line).
	sep := ";"
	if len(n.Body.List) == 0 {
		sep = ""
	}
	r.insert(n.Body.Rbrace, sep+"case <-"+rtName+".Intr(): "+rtName+".Stop();")
}

// isInt reports whether x is known to be an integer (for range over int).
func (r *rewriter) isInt(x ast.Expr) bool {
	return r.isIntDepth(x, 0)
}

func (r *rewriter) isIntDepth(x ast.Expr, depth int) bool {
	if depth > 8 {
		return false
	}
	switch x := ast.Unparen(x).(type) {
	case *ast.BasicLit:
		return x.Kind == token.INT
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok {
			switch id.Name {
			case "len", "cap":
				return true
			}
			if intTypes[id.Name] {
				return true
			}
		}
		return isIntType(r.exprType(x))
	case *ast.BinaryExpr:
		switch x.Op {
		case token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.SHL, token.SHR, token.AND, token.OR, token.XOR:
			return r.isIntDepth(x.X, depth+1) || r.isIntDepth(x.Y, depth+1) && !isStringish(x.X)
		}
		return false
	case *ast.UnaryExpr:
		return x.Op == token.SUB && r.isIntDepth(x.X, depth+1)
	case *ast.Ident:
		if defs, ok := r.c.defs[x.Name]; ok {
			for _, d := range defs {
				if d.typ != nil {
					if id, ok := d.typ.(*ast.Ident); ok && intTypes[id.Name] {
						return true
					}
					continue
				}
				if d.value != nil && d.index < 0 && r.isIntDepth(d.value, depth+1) {
					return true
				}
			}
			return isIntType(r.exprType(x))
		}
		return r.e.globalIsInt(x.Name)
	case *ast.SelectorExpr:
		if path := selectorPath(x); path != "" {
			if _, isPkg := r.e.importNames[strings.Split(path, ".")[0]]; !isPkg && r.e.globalIsInt(path) {
				return true
			}
		}
		return isIntType(r.exprType(x))
	case *ast.IndexExpr:
		return isIntType(r.exprType(x))
	}
	return false
}

// isIntType reports whether t is an integer type.
func isIntType(t reflect.Type) bool {
	if t == nil {
		return false
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}

func isStringish(x ast.Expr) bool {
	lit, ok := x.(*ast.BasicLit)
	return ok && lit.Kind == token.STRING
}

// selectorPath returns "a.b.c" for a chain of identifiers, or "".
func selectorPath(x ast.Expr) string {
	switch x := x.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		if p := selectorPath(x.X); p != "" {
			return p + "." + x.Sel.Name
		}
	}
	return ""
}

var intTypes = map[string]bool{
	"int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true,
	"uintptr": true, "byte": true, "rune": true,
}

// captures reports whether body creates closures or goroutines that may capture
// loop variables.
func captures(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.FuncLit, *ast.GoStmt:
			found = true
		}
		return !found
	})
	return found
}

// addressTaken returns the variables whose address body takes (&v, &v.f,
// &v[i]): with Go 1.22 loop variables each iteration's &v is a new pointer,
// while yaegi shares one variable across iterations.
func addressTaken(body *ast.BlockStmt) map[string]bool {
	m := map[string]bool{}
	ast.Inspect(body, func(n ast.Node) bool {
		u, ok := n.(*ast.UnaryExpr)
		if !ok || u.Op != token.AND {
			return true
		}
		x := u.X
		for {
			switch y := ast.Unparen(x).(type) {
			case *ast.SelectorExpr:
				x = y.X
				continue
			case *ast.IndexExpr:
				x = y.X
				continue
			case *ast.Ident:
				m[y.Name] = true
			}
			break
		}
		return true
	})
	return m
}

// assignedNames returns the identifiers assigned or incremented in n. Taking
// an address (&i) is not counted: the per-iteration copy then gives each
// iteration its own &i as Go 1.22 does; only a write through that pointer
// would not reach the loop's counter.
func assignedNames(n ast.Node) map[string]bool {
	m := map[string]bool{}
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						m[id.Name] = true
					}
				}
			}
		case *ast.IncDecStmt:
			if id, ok := n.X.(*ast.Ident); ok {
				m[id.Name] = true
			}
		}
		return true
	})
	return m
}

// applyEdits renders src[start:end] with edits applied. After every edit, when
// directive is not nil, it emits a line directive so that positions of the
// following original text map back to the cell.
func applyEdits(src string, start, end int, edits []edit, directive func(off int) string) string {
	sort.SliceStable(edits, func(i, j int) bool {
		if edits[i].start != edits[j].start {
			return edits[i].start < edits[j].start
		}
		return edits[i].order < edits[j].order
	})
	var b strings.Builder
	at := start
	for i, e := range edits {
		if e.start < at {
			continue // overlapping edit: the outer one won
		}
		b.WriteString(src[at:e.start])
		b.WriteString(e.text)
		at = e.end
		if directive != nil && (i+1 == len(edits) || edits[i+1].start != at) {
			b.WriteString(directive(at))
		}
	}
	b.WriteString(src[at:end])
	return b.String()
}

// importSpec returns an import's path and the name it binds.
func importSpec(s *ast.ImportSpec) (path, name string) {
	path = strings.Trim(s.Path.Value, "`\"")
	if s.Name != nil {
		return path, s.Name.Name
	}
	return path, packageName(path)
}

// packageName returns the name a package declares: its path's last element
// unless shortImportNames says otherwise.
func packageName(path string) string {
	if name, ok := shortImportNames[path]; ok {
		return name
	}
	return path[strings.LastIndexByte(path, '/')+1:]
}

// shortImportNames lists import paths whose package name is not their last
// element.
var shortImportNames = map[string]string{
	"math/rand/v2": "rand",
}

// topLevel rewrites a statement at the top level of the cell.
func (r *rewriter) topLevel(it *item, last bool) {
	switch s := it.stmt.(type) {
	case *ast.IfStmt, *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt,
		*ast.SelectStmt, *ast.BlockStmt, *ast.LabeledStmt:
		// yaegi mishandles comma-ok forms, type switches and loop variables at
		// top level; inside a function they work. Such statements define no
		// names outside themselves, so wrapping them changes nothing else.
		it.wrap = true
	case *ast.AssignStmt:
		if s.Tok == token.DEFINE && len(s.Lhs) == 2 && len(s.Rhs) == 1 {
			if r.commaOK(s) {
				return
			}
		}
		if u, ok := singleRecv(s); ok {
			// The receive becomes a select, which yaegi only runs inside a
			// function; variables are declared outside it.
			if s.Tok == token.ASSIGN {
				r.skip[u] = true
				r.walk(u.X)
				r.recvAssign(s, u, "func() { ", " }()")
				return
			}
			if decl, known := r.recvDecls(s, u); known {
				r.skip[u] = true
				r.walk(u.X)
				r.recvAssign(s, u, decl+"func() { ", " }()")
				return
			}
		}
		if s.Tok == token.DEFINE && r.callsGenericAny(s.Rhs) {
			// yaegi cannot type a top-level variable defined by a generic
			// call: the definition is hoisted (hoist.go).
			it.hoist = true
		}
	case *ast.ExprStmt:
		if last && r.finalExpr(it, s) {
			return
		}
	}
	r.walk(it.stmt)
}

// commaOK rewrites a top-level v, ok := x.(T) / m[k] / <-ch, which yaegi
// rejects at top level ("nil type"), into declarations and a plain assignment,
// which it accepts.
func (r *rewriter) commaOK(s *ast.AssignStmt) bool {
	v, _ := s.Lhs[0].(*ast.Ident)
	ok, _ := s.Lhs[1].(*ast.Ident)
	if v == nil || ok == nil {
		return false
	}
	rhs := ast.Unparen(s.Rhs[0])
	var decl string
	switch x := rhs.(type) {
	case *ast.TypeAssertExpr:
		if x.Type == nil {
			return false
		}
		r.markCommaOK(2, s.Rhs)
		r.walk(x)
		if v.Name != "_" && !r.definedEarlierInCell(v.Name) {
			decl = "var " + v.Name + " " + r.text(x.Type) + "; "
		}
	case *ast.IndexExpr:
		r.walk(x)
		if v.Name != "_" {
			// The map index is evaluated twice: once for the type of v.
			decl = v.Name + " := " + r.renderCopy(x) + "; "
		}
	case *ast.UnaryExpr:
		if x.Op != token.ARROW {
			return false
		}
		r.walk(x.X)
		decl, known := r.recvDecls(s, x)
		if !known {
			return false // left as is: yaegi fails, and unsupported() names it
		}
		// A select in a function literal: yaegi rejects selects at top level
		// and assignments in select cases ("reflect.Select: invalid Dir").
		r.recvAssign(s, x, decl+"func() { ", " }()")
		return true
	default:
		return false
	}
	if ok.Name != "_" && !r.definedEarlierInCell(ok.Name) {
		// As := does, an ok an earlier statement of the cell defined is
		// assigned, not declared again (which yaegi refused).
		decl += "var " + ok.Name + " bool; "
	}
	r.insert(s.Pos(), decl)
	r.add(r.it.off(s.TokPos), r.it.off(s.TokPos)+2, "=")
	return true
}

// definedEarlierInCell reports whether a top-level item of the cell before
// the one being rewritten defines name.
func (r *rewriter) definedEarlierInCell(name string) bool {
	for _, it := range r.c.items {
		if it.start >= r.it.start { // r.it may be a copy (hoist.go)
			return false
		}
		if slices.Contains(it.defines, name) {
			return true
		}
	}
	return false
}

// renderCopy renders n with the edits inside it, keeping those edits.
func (r *rewriter) renderCopy(n ast.Node) string {
	start, end := r.it.off(n.Pos()), r.it.off(n.End())
	return applyEdits(r.c.src, start, end, r.it.editsWithin(start, end), nil)
}

// editsWithin returns the item's edits that lie inside [start, end).
func (it *item) editsWithin(start, end int) []edit {
	var inner []edit
	for _, e := range it.edits {
		if e.start >= start && e.end <= end {
			inner = append(inner, e)
		}
	}
	return inner
}

// finalExpr makes the cell's final expression statement its result. It
// reports false when the expression has no single value (a call of a function
// without a result, or with several).
func (r *rewriter) finalExpr(it *item, s *ast.ExprStmt) bool {
	x := ast.Unparen(s.X)
	if u, ok := x.(*ast.UnaryExpr); ok && u.Op == token.ARROW {
		r.walk(u.X)
		o := r.it.off(u.OpPos)
		r.add(o, o+2, rtName+".AwaitVal(")
		r.insert(u.End(), ")")
		it.result = true
		return true
	}
	if call, ok := x.(*ast.CallExpr); ok {
		switch r.resultCount(call) {
		case 1:
			it.result = true
		case -1:
			it.result, it.speculative = true, true
		default:
			return false
		}
		r.walk(s)
		return true
	}
	it.result, it.speculative = true, true
	r.walk(s)
	return true
}

// resultCount returns how many results a call has, or -1 if unknown.
func (r *rewriter) resultCount(call *ast.CallExpr) int {
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		if n, ok := r.c.funcResults[f.Name]; ok {
			return n
		}
		if n, ok := r.e.funcResults[f.Name]; ok {
			return n
		}
		if _, local := r.c.localTypes[f.Name]; local || r.e.types[f.Name] && r.c.defs[f.Name] == nil {
			return 1 // a conversion to a cell type
		}
		if r.e.userNames[f.Name] || r.definedInCell(f.Name) {
			return -1
		}
		switch f.Name {
		case "len", "cap", "append", "make", "new", "complex", "real", "imag", "min", "max", "recover":
			return 1
		case "copy", "print", "println", "panic", "delete", "close", "clear":
			return 0
		}
		if intTypes[f.Name] || basicTypes[f.Name] || r.e.types[f.Name] {
			return 1
		}
	case *ast.SelectorExpr:
		if shim := r.packageShim(f); shim != "" {
			if n, ok := shimResults[shim]; ok || strings.HasPrefix(shim, rtName+".") {
				return n
			}
			return 1
		}
		if typ := r.cellTypeOf(f.X, 0); typ != "" {
			return r.methodResultCount(typ, f.Sel.Name)
		}
		id, ok := f.X.(*ast.Ident)
		if !ok {
			return -1
		}
		path, ok := r.importPath(id.Name)
		if !ok {
			return -1
		}
		v, ok := r.e.exports[path+"/"+packageName(path)][f.Sel.Name]
		if !ok || !v.IsValid() {
			return -1
		}
		if v.Kind() == reflect.Func {
			return v.Type().NumOut()
		}
		return 1 // a conversion to a package's type
	case *ast.FuncLit:
		return fieldCount(f.Type.Results)
	case *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.StarExpr:
		return 1
	}
	return -1
}

// methodResultCount returns the number of results of method name of cell
// type typ, declared by this cell or an earlier one; -1 when unknown.
func (r *rewriter) methodResultCount(typ, name string) int {
	if fd := r.cellMethodDecl(typ, name); fd != nil {
		return fieldCount(fd.Type.Results)
	}
	sig := r.e.methods[typ+"."+name]
	if sig == nil {
		return -1
	}
	results := strings.TrimSpace(sig.results)
	switch {
	case results == "":
		return 0
	case !strings.HasPrefix(results, "("):
		return 1
	}
	f, err := parser.ParseExpr("func()" + results)
	if err != nil {
		return -1
	}
	return fieldCount(f.(*ast.FuncLit).Type.Results)
}

var basicTypes = map[string]bool{
	"float32": true, "float64": true, "complex64": true, "complex128": true,
	"string": true, "bool": true, "any": true, "error": true,
}

// callsGenericAny reports whether any of xs calls a generic function.
func (r *rewriter) callsGenericAny(xs []ast.Expr) bool {
	for _, x := range xs {
		if r.callsGeneric(x) {
			return true
		}
	}
	return false
}

// callsGeneric reports whether x calls a generic function: a shim that
// replaces a generic library function or builtin, or a generic function of
// the user's.
func (r *rewriter) callsGeneric(x ast.Expr) bool {
	found := false
	ast.Inspect(x, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || found {
			return !found
		}
		switch f := ast.Unparen(call.Fun).(type) {
		case *ast.Ident:
			if name, ok := builtinShims[f.Name]; ok && !strings.HasPrefix(name, rtName+".") && !r.e.userNames[f.Name] && !r.definedInCell(f.Name) {
				found = true
			}
			found = found || r.e.generics[f.Name] || r.c.generics[f.Name]
			found = found || f.Name == "new" && len(call.Args) == 1 && r.isValueExpr(call.Args[0]) && !r.e.userNames["new"]
		case *ast.IndexExpr:
			// An explicit instantiation, except errors.AsType, which
			// asType turns into a function literal with written types.
			found = !r.isAsType(call, f)
		case *ast.IndexListExpr:
			found = true // explicit instantiation
		case *ast.SelectorExpr:
			if shim := r.packageShim(f); shim != "" && !strings.HasPrefix(shim, rtName+".") {
				found = true
			}
		}
		return !found
	})
	return found
}

// chanElemType returns the element type of the channel x, from its make or
// declaration in the cell or from its current value.
func (r *rewriter) chanElemType(x ast.Expr) (string, bool) {
	// The channel itself (ch), or an element of a slice, array or map of
	// channels (chs[0]).
	x, indexed := ast.Unparen(x), false
	if ix, ok := x.(*ast.IndexExpr); ok {
		x, indexed = ast.Unparen(ix.X), true
	}
	id, ok := x.(*ast.Ident)
	if !ok {
		return "", false
	}
	for _, d := range r.c.defs[id.Name] {
		t := d.typ
		if t == nil {
			switch v := d.value.(type) {
			case *ast.CompositeLit:
				t = v.Type
			case *ast.CallExpr:
				if fn, ok := v.Fun.(*ast.Ident); ok && fn.Name == "make" && len(v.Args) > 0 {
					t = v.Args[0]
				}
			}
		}
		if indexed {
			switch c := t.(type) {
			case *ast.ArrayType:
				t = c.Elt
			case *ast.MapType:
				t = c.Value
			default:
				t = nil
			}
		}
		if ct, ok := t.(*ast.ChanType); ok {
			return r.c.text(d.it, ct.Value), true
		}
	}
	if !r.e.userNames[id.Name] {
		return "", false
	}
	v, ok := r.e.evalValue(id.Name)
	if !ok {
		return "", false
	}
	ct := v.Type()
	if indexed {
		switch ct.Kind() {
		case reflect.Slice, reflect.Array, reflect.Map:
			ct = ct.Elem()
		default:
			return "", false
		}
	}
	if ct.Kind() != reflect.Chan {
		return "", false
	}
	return r.e.typeExpr(ct.Elem(), 0)
}

// compositeElems passes through _gopadId each element of a slice, array or
// struct literal that selects through an index of a compiled value
// ([]float64{hist.Epochs[0].Loss}): yaegi's compiler panicked on it (nil
// pointer), while a call's argument compiles.
func (r *rewriter) compositeElems(lit *ast.CompositeLit) {
	if _, isMap := lit.Type.(*ast.MapType); isMap {
		return
	}
	for _, el := range lit.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			el = kv.Value
		}
		if r.selectsThroughCompiledIndex(el) {
			r.insert(el.Pos(), "_gopadId(")
			r.insert(el.End(), ")")
		}
	}
}

// selectsThroughCompiledIndex reports whether x is a selector (or a method
// call) on an index expression, x[i].F or x.F[i].G(), whose root variable is
// of a compiled type.
func (r *rewriter) selectsThroughCompiledIndex(x ast.Expr) bool {
	selected, through := false, false
	for range 20 {
		switch y := ast.Unparen(x).(type) {
		case *ast.CallExpr:
			x = y.Fun
		case *ast.SelectorExpr:
			selected = true
			x = y.X
		case *ast.IndexExpr:
			through = through || selected
			x = y.X
		case *ast.Ident:
			if !through {
				return false
			}
			t := r.exprType(y)
			return t != nil && !isInterpretedStruct(t)
		default:
			return false
		}
	}
	return false
}

// topLevelRunes types a top-level definition from a rune constant as rune:
// yaegi gave x := 'a' (and var x = 'a') the type int outside functions, so
// %T printed int and utf8.EncodeRune(buf, x) did not compile.
func (r *rewriter) topLevelRunes(it *item) {
	var values []ast.Expr
	switch {
	case it.stmt != nil:
		if as, ok := it.stmt.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
			values = as.Rhs
		}
	case it.kind == itemVar:
		if gd, ok := it.decl.(*ast.GenDecl); ok {
			for _, spec := range gd.Specs {
				if vs, ok := spec.(*ast.ValueSpec); ok && vs.Type == nil {
					values = append(values, vs.Values...)
				}
			}
		}
	}
	for _, x := range values {
		if isRuneConstant(x) {
			r.insert(x.Pos(), "rune(")
			r.insert(x.End(), ")")
		}
	}
}

// isRuneConstant reports whether x is a constant expression of rune
// literals and integer literals with at least one rune literal: Go gives it
// the default type rune.
func isRuneConstant(x ast.Expr) bool {
	runes := 0
	ok := true
	ast.Inspect(x, func(n ast.Node) bool {
		switch n := n.(type) {
		case nil:
		case *ast.BasicLit:
			switch n.Kind {
			case token.CHAR:
				runes++
			case token.INT:
			default:
				ok = false
			}
		case *ast.BinaryExpr:
			switch n.Op {
			case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ, token.LAND, token.LOR:
				ok = false // a comparison is a bool
			}
		case *ast.UnaryExpr, *ast.ParenExpr:
		default:
			ok = false
		}
		return ok
	})
	return ok && runes > 0
}

// sendStmt makes ch <- v interruptible: a select with an interrupt case.
// The value is made before the select, with the channel's element type when
// it is known: yaegi's select sent a composite literal with its computed
// elements zero (ch <- T{f(x), i + 1} sent T{"", 0}), and did not convert a
// value to the element type (a cell struct to io.Reader, 1 to float64), which
// reflect then refused.
func (r *rewriter) sendStmt(n *ast.SendStmt) {
	end := func(text string) {
		o := r.it.off(n.End())
		r.it.edits = append(r.it.edits, edit{start: o, end: o, text: text, order: editStatementEnd})
	}
	v := ast.Unparen(n.Value)
	if u, ok := v.(*ast.UnaryExpr); ok && u.Op == token.AND {
		v = ast.Unparen(u.X)
	}
	_, lit := v.(*ast.CompositeLit)
	typ, typed := r.chanElemType(n.Chan)
	if !lit && !typed || selectorPath(n.Chan) == "" {
		if typed && !r.isInterfaceType(typ) && literalConstant(n.Value) {
			// chs[0] <- 4 with a []chan float64: yaegi's select sends
			// the untyped constant as an int.
			r.insert(n.Value.Pos(), typ+"(")
			vo := r.it.off(n.Value.End())
			r.it.edits = append(r.it.edits, edit{start: vo, end: vo, text: ")", order: editClosing})
		}
		r.insert(n.Pos(), "select { case ")
		end(": case <-" + rtName + ".Intr(): " + rtName + ".Stop() }")
		return
	}
	// The channel, a name (a.b), is written again in the select: an alias
	// of it made in a goroutine hung the select.
	switch {
	case typed && r.isInterfaceType(typ):
		// Converted in a function literal of its own (ifaceconv.go).
		r.add(r.it.off(n.Pos()), r.it.off(n.Value.Pos()), "{ _gopadSend := func() "+typ+" { return ")
		vo := r.it.off(n.Value.End())
		r.it.edits = append(r.it.edits, edit{start: vo, end: vo, text: " }()", order: editClosing})
	case typed:
		r.add(r.it.off(n.Pos()), r.it.off(n.Value.Pos()), "{ var _gopadSend "+typ+" = ")
	default:
		r.add(r.it.off(n.Pos()), r.it.off(n.Value.Pos()), "{ _gopadSend := ")
	}
	end("; select { case " + r.text(n.Chan) + " <- _gopadSend: case <-" + rtName + ".Intr(): " + rtName + ".Stop() } }")
}

// recvAssign makes `a = <-ch` and `a, ok = <-ch` (or := with declared
// variables) interruptible: the receive becomes a select with an interrupt
// case. The received values go through variables defined in the case, since
// yaegi fails on assignments in select cases.
func (r *rewriter) recvAssign(s *ast.AssignStmt, u *ast.UnaryExpr, before, after string) {
	tmps := []string{"_gopadV", "_gopadOK"}[:len(s.Lhs)]
	lhs := make([]string, len(s.Lhs))
	for i, l := range s.Lhs {
		lhs[i] = r.renderCopy(l)
	}
	ch := r.renderSpan(r.it.off(u.X.Pos()), r.it.off(u.X.End()))
	r.dropEdits(r.it.off(s.Pos()), r.it.off(s.End()))
	r.add(r.it.off(s.Pos()), r.it.off(s.End()), before+"select { case "+strings.Join(tmps, ", ")+" := <-"+ch+": "+
		strings.Join(lhs, ", ")+" = "+strings.Join(tmps, ", ")+"; case <-"+rtName+".Intr(): "+rtName+".Stop() }"+after)
}

// recvDecls declares the variables of v := <-ch or v, ok := <-ch, when the
// channel's element type is known.
func (r *rewriter) recvDecls(s *ast.AssignStmt, u *ast.UnaryExpr) (string, bool) {
	decl := ""
	for i, l := range s.Lhs {
		id, ok := l.(*ast.Ident)
		if !ok {
			return "", false
		}
		if id.Name == "_" {
			continue
		}
		if i == 1 {
			decl += "var " + id.Name + " bool; "
			continue
		}
		typ, known := r.chanElemType(u.X)
		if !known {
			return "", false
		}
		decl += "var " + id.Name + " " + typ + "; "
	}
	return decl, true
}

// isInterfaceType reports whether the type written typ may be an interface:
// a literal one, a named one (io.Reader, a cell's), or a type it cannot tell.
func (r *rewriter) isInterfaceType(typ string) bool {
	x, err := parser.ParseExpr(typ)
	if err != nil {
		return true
	}
	iface, known := r.typeIsInterface(x)
	return iface || !known
}

// rangeOverChan rewrites `for v := range ch` into a loop of interruptible
// receives when ch is known to be a channel.
func (r *rewriter) rangeOverChan(n *ast.RangeStmt) bool {
	typ, ok := r.chanElemType(n.X)
	if !ok {
		return false
	}
	v := "_"
	decl := ""
	if id, ok := n.Key.(*ast.Ident); ok && id.Name != "_" {
		v = id.Name
		if n.Tok == token.DEFINE {
			decl = "var " + v + " " + typ + "; "
		}
	} else if n.Key != nil && n.Tok == token.ASSIGN {
		v = r.renderCopy(n.Key)
	}
	ch := r.renderSpan(r.it.off(n.X.Pos()), r.it.off(n.X.End()))
	assign := ""
	if v != "_" {
		assign = v + " = _gopadV; "
	}
	header := "for { " + decl + "var _gopadMore bool; select { case _gopadV, _gopadOK := <-" + ch + ": " + assign +
		"_gopadMore = _gopadOK; case <-" + rtName + ".Intr(): " + rtName + ".Stop() }; if !_gopadMore { break }; "
	// Replace "for ... range X {" (the body's brace included) with the header.
	r.add(r.it.off(n.For), r.it.off(n.Body.Lbrace)+1, header)
	return true
}

// isValueExpr reports whether x, the argument of new, is certainly a value and
// not a type.
func (r *rewriter) isValueExpr(x ast.Expr) bool {
	switch x := ast.Unparen(x).(type) {
	case *ast.BasicLit, *ast.BinaryExpr, *ast.CompositeLit, *ast.FuncLit:
		return true
	case *ast.UnaryExpr, *ast.CallExpr, *ast.SliceExpr:
		return true // including conversions, which are values too
	case *ast.Ident:
		if r.e.types[x.Name] || universe[x.Name] && (intTypes[x.Name] || basicTypes[x.Name] || x.Name == "byte" || x.Name == "rune") {
			return false
		}
		_, local := r.c.defs[x.Name]
		return local || r.e.userNames[x.Name] && !r.e.types[x.Name]
	}
	return false
}

// goStmt makes a goroutine started with a func literal report its panic
// (value and the cell line of the go statement) before the process ends:
// Go's own crash report would only show the interpreter's frames.
func (r *rewriter) goStmt(n *ast.GoStmt) {
	lit, ok := ast.Unparen(n.Call.Fun).(*ast.FuncLit)
	if !ok || lit.Body == nil {
		return
	}
	line, _ := lineCol(r.c.src, r.it.off(n.Pos()))
	r.insert(lit.Body.Lbrace+1, fmt.Sprintf(
		"defer func() { if _gopadR := recover(); _gopadR != nil { %s.GoPanic(_gopadR, %d, %d) } }();",
		rtName, r.c.seq%cellWrap, line))
}

// fmtPrinters maps fmt's printing functions to the number of leading
// arguments that are not printed values (writer, format, buffer).
var fmtPrinters = map[string]int{
	"Print": 0, "Println": 0, "Sprint": 0, "Sprintln": 0,
	"Printf": 1, "Sprintf": 1, "Errorf": 1,
	"Fprint": 1, "Fprintln": 1, "Append": 1, "Appendln": 1,
	"Fprintf": 2, "Appendf": 2,
}

// logPrinters are the log functions the engine replaces by shims that
// print Show's stand-ins (fmtshim.go), with their leading format argument.
var logPrinters = map[string]int{"Print": 0, "Println": 0, "Printf": 1}

// fmtArgs routes the printed arguments of a fmt printing function through
// the Show helper (fmtshow.go) once cells have defined types, so that values
// of cell types print as compiled Go prints them wherever they sit.
func (r *rewriter) fmtArgs(n *ast.CallExpr, fun *ast.SelectorExpr) {
	if len(r.e.types) == 0 || n.Ellipsis.IsValid() {
		return
	}
	id, ok := fun.X.(*ast.Ident)
	if !ok {
		return
	}
	path, ok := r.importPath(id.Name)
	skip, printer := fmtPrinters[fun.Sel.Name]
	if path == "log" {
		skip, printer = logPrinters[fun.Sel.Name]
	} else if path != "fmt" {
		printer = false
	}
	if !ok || !printer || len(n.Args) <= skip {
		return
	}
	if fun.Sel.Name == "Errorf" {
		// %w needs the error itself.
		lit, ok := ast.Unparen(n.Args[0]).(*ast.BasicLit)
		if !ok || strings.Contains(lit.Value, "%w") {
			return
		}
	}
	args := n.Args[skip:]
	if len(n.Args) == 1 {
		if call, ok := ast.Unparen(args[0]).(*ast.CallExpr); ok {
			switch count := r.resultCount(call); {
			case count > 1:
				r.showResults(call, count)
				return
			case count != 1:
				return // may be f() with several results
			}
		}
	}
	for _, a := range args {
		if _, lit := ast.Unparen(a).(*ast.BasicLit); lit {
			continue
		}
		if becomesCall(a) {
			// yaegi passes a call's result to a compiled func's any
			// parameter as the bare value, without its interpreter type,
			// but a parenthesized call with it: f() of a cell type with a
			// String method printed its fields.
			r.insert(a.Pos(), showBoxName+".Show((")
			r.insert(a.End(), "))")
			continue
		}
		r.insert(a.Pos(), showBoxName+".Show(")
		r.insert(a.End(), ")")
	}
}

// becomesCall reports whether x is a call, or a type assertion or receive,
// which the front-end rewrites into one.
func becomesCall(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.CallExpr, *ast.TypeAssertExpr:
		return true
	case *ast.UnaryExpr:
		return x.Op == token.ARROW
	}
	return false
}

// showResults passes each result of call, the only argument of a printing
// function, through Show: fmt.Println(f()) with f returning (T, error).
// The results go through variables, which give Show their types.
func (r *rewriter) showResults(call *ast.CallExpr, count int) {
	var names, shown []string
	for i := range count {
		name := fmt.Sprintf("_gopadR%d", i+1)
		names = append(names, name)
		shown = append(shown, showBoxName+".Show("+name+")")
	}
	r.insert(call.Pos(), "func() []any { "+strings.Join(names, ", ")+" := ")
	r.insert(call.End(), "; return []any{"+strings.Join(shown, ", ")+"} }()...")
}

// markWrappedArgs wraps each argument of fmt.Errorf that a %w verb formats
// in _gopadW(...): the argument becomes an error where the cell wrote it, as
// in Go, instead of inside the shim (yaegi converts an interpreted value
// held as any to error by reading the frame of the code that converts it,
// which is not the frame the value lives in). A format with explicit
// argument indexes or * widths is left as it is.
func (r *rewriter) markWrappedArgs(n *ast.CallExpr, lit *ast.BasicLit) {
	format, err := strconv.Unquote(lit.Value)
	if err != nil || n.Ellipsis.IsValid() {
		return
	}
	var wrapped []int
	arg := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		j := i + 1
		for j < len(format) && strings.IndexByte("+-# 0123456789.", format[j]) >= 0 {
			j++
		}
		if j >= len(format) {
			break
		}
		switch format[j] {
		case '%':
			i = j
			continue
		case '[', '*':
			return
		case 'w':
			wrapped = append(wrapped, arg)
		}
		arg++
		i = j
	}
	for _, a := range wrapped {
		if 1+a < len(n.Args) {
			x := n.Args[1+a]
			r.insert(x.Pos(), "_gopadW(")
			r.insert(x.End(), ")")
		}
	}
}

// asType rewrites errors.AsType[T](err) (Go 1.26, generic) into errors.As
// on a variable of type T, in a function literal that returns both:
//
//	func() (T, bool) { var _gopadT T; _gopadOK := _gopadErrorsAs(err, Keep(&_gopadT)); return _gopadT, _gopadOK }()
func (r *rewriter) asType(n *ast.CallExpr, fun *ast.IndexExpr) {
	if !r.isAsType(n, fun) {
		return
	}
	typ := r.c.text(r.it, fun.Index)
	r.add(r.it.off(n.Pos()), r.it.off(n.Lparen)+1,
		fmt.Sprintf("func() (%s, bool) { var _gopadT %s; _gopadOK := _gopadErrorsAs(", typ, typ))
	r.insert(n.Rparen, ", "+showBoxName+".Keep(&_gopadT)); return _gopadT, _gopadOK }(")
}

// isAsType reports whether n calls errors.AsType with one argument.
func (r *rewriter) isAsType(n *ast.CallExpr, fun *ast.IndexExpr) bool {
	sel, ok := fun.X.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "AsType" || len(n.Args) != 1 || n.Ellipsis.IsValid() {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return false
	}
	path, ok := r.importPath(id.Name)
	return ok && path == "errors"
}

// elidedPointerElems writes the type of elements elided in a composite
// literal of a library map or slice type whose elements are pointers
// (fstest.MapFS{"a": {}} means &fstest.MapFile{}): yaegi's compiler crashed
// on them.
func (r *rewriter) elidedPointerElems(n *ast.CompositeLit) {
	if n.Type == nil {
		return
	}
	t := r.typeOfTypeExpr(n.Type)
	if t == nil || t.Kind() != reflect.Map && t.Kind() != reflect.Slice && t.Kind() != reflect.Array || t.Elem().Kind() != reflect.Pointer {
		return
	}
	name, ok := r.e.typeExpr(t.Elem().Elem(), 0)
	if !ok {
		return
	}
	for _, el := range n.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			el = kv.Value
		}
		if lit, ok := el.(*ast.CompositeLit); ok && lit.Type == nil {
			r.insert(lit.Lbrace, "&"+name)
		}
	}
}

// literalConstant reports whether x is a constant expression of literals
// (4, -1.5, 2*3): untyped, so its type comes from where it goes.
func literalConstant(x ast.Expr) bool {
	switch x := ast.Unparen(x).(type) {
	case *ast.BasicLit:
		return true
	case *ast.UnaryExpr:
		return (x.Op == token.SUB || x.Op == token.ADD) && literalConstant(x.X)
	case *ast.BinaryExpr:
		return literalConstant(x.X) && literalConstant(x.Y)
	}
	return false
}

// compiledInterfaceArgs passes through a function literal the arguments of
// a library function (or a method of a library type) that are calls, where
// the parameter is an interface with methods: yaegi handed the result of a
// cell function straight to compiled code without wrapping it
// (slog.New(NewLevelHandler(...)) panicked with "reflect: Call using
// *struct {...} as type slog.Handler"), while a value returned from a
// function literal of the interface type is wrapped.
func (r *rewriter) compiledInterfaceArgs(n *ast.CallExpr, fun *ast.SelectorExpr) {
	hasCall := false
	for _, a := range n.Args {
		_, isCall := ast.Unparen(a).(*ast.CallExpr)
		hasCall = hasCall || isCall
	}
	if !hasCall {
		return // nothing to wrap: spare typing the receiver
	}
	var ft reflect.Type
	recv := 0 // a method of a concrete type has its receiver as first parameter
	if id, ok := fun.X.(*ast.Ident); ok && r.isPackage(id.Name) {
		if v, ok := r.packageSymbol(id.Name, fun.Sel.Name); ok && v.Kind() == reflect.Func {
			ft = v.Type()
		}
	} else if rt := r.exprType(fun.X); rt != nil {
		if m, ok := rt.MethodByName(fun.Sel.Name); ok {
			ft = m.Type
			if rt.Kind() != reflect.Interface {
				recv = 1
			}
		}
	}
	if ft == nil || n.Ellipsis.IsValid() {
		return
	}
	for i, a := range n.Args {
		call, ok := ast.Unparen(a).(*ast.CallExpr)
		if !ok {
			continue
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && r.isPackage(id.Name) {
				continue // a library function's result is a compiled value
			}
		}
		var pt reflect.Type
		switch j := i + recv; {
		case ft.IsVariadic() && j >= ft.NumIn()-1:
			pt = ft.In(ft.NumIn() - 1).Elem()
		case j < ft.NumIn():
			pt = ft.In(j)
		}
		if pt == nil || pt.Kind() != reflect.Interface || pt.NumMethod() == 0 || pt == reflect.TypeFor[error]() {
			continue
		}
		typ, ok := r.e.typeExpr(pt, 0)
		if !ok {
			continue
		}
		r.insert(a.Pos(), "func() "+typ+" { return ")
		o := r.it.off(a.End())
		r.it.edits = append(r.it.edits, edit{start: o, end: o, text: " }()", order: editClosing})
	}
}
