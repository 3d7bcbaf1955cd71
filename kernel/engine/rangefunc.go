package engine

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strconv"
	"strings"
)

// Range over a function iterator (Go 1.23) is rewritten into a call of the
// iterator with a yield function literal, as the Go compiler itself lowers it:
//
//	L: for k, v := range seq {        { var _gopadRF1 int; _ = _gopadRF1
//	    ...continue...                  seq(func(k K, v V) bool { ...return true...
//	    ...break...                       ...return false...
//	    ...break Outer...                 ...{ _gopadRF1 = 2; return false }...
//	    ...return x...                    ...{ _gopadRV1_0 = x; _gopadRF1 = -1; return false }...
//	}                                     ; return true })
//	                                    if _gopadRF1 == -1 { return _gopadRV1_0 }; if _gopadRF1 == 2 { break Outer } }
//
// The yield parameters' types come from the iterator's type: written in the
// cell (func(yield func(int) bool), iter.Seq[int], iter.Seq2[K, V]) or read
// from compiled signatures and earlier cells' values. A body with defer or
// goto, whose meaning would change inside a function literal, is refused.

// iterParams returns the element types of x when x is a function iterator
// (func(yield func(E...) bool)); ok is false when x is not known to be one.
func (r *rewriter) iterParams(x ast.Expr, depth int) ([]string, bool) {
	if depth > 6 {
		return nil, false
	}
	switch x := ast.Unparen(x).(type) {
	case *ast.FuncLit:
		return seqParams(r.c.src, r.it, x.Type, false) // a literal is in the item being rewritten
	case *ast.CallExpr:
		switch f := ast.Unparen(x.Fun).(type) {
		case *ast.Ident:
			if fd, it := r.cellFuncAny(f.Name); fd != nil {
				types := fieldTypes(fd.Type.Results)
				if len(types) == 1 {
					return seqParams(r.c.src, it, types[0], false)
				}
				return nil, false
			}
			if res, ok := r.e.funcResultTypes[f.Name]; ok && len(res) == 1 {
				return parsedSeqParams(res[0])
			}
		case *ast.SelectorExpr:
			if ps, ok := r.shimIterParams(f, x.Args); ok {
				return ps, true
			}
			if !r.isPackage(exprRoot(f.X)) {
				// A method: known if every cell method of that name
				// returns the same iterator type.
				var found []string
				for key, m := range r.e.methods {
					if strings.HasSuffix(key, "."+f.Sel.Name) {
						found = append(found, strings.TrimSpace(m.results))
					}
				}
				if len(found) > 0 && allSame(found) {
					return parsedSeqParams(found[0])
				}
			}
		}
	case *ast.Ident:
		if defs, ok := r.c.defs[x.Name]; ok {
			for _, d := range defs {
				if d.typ != nil {
					return seqParams(r.c.src, d.it, d.typ, false)
				}
				if lit, ok := ast.Unparen(d.value).(*ast.FuncLit); ok && d.index < 0 {
					return seqParams(r.c.src, d.it, lit.Type, false)
				}
				if d.value != nil && d.index < 0 {
					if ps, ok := r.iterParams(d.value, depth+1); ok {
						return ps, true
					}
				}
			}
			return nil, false
		}
	}
	if t := r.exprType(x); t != nil {
		return r.reflectSeqParams(t)
	}
	return nil, false
}

func exprRoot(x ast.Expr) string {
	if id, ok := ast.Unparen(x).(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

func allSame(xs []string) bool {
	for _, x := range xs[1:] {
		if x != xs[0] {
			return false
		}
	}
	return true
}

// cellFuncAny returns the declaration of the cell's own function name,
// generic or not.
func (r *rewriter) cellFuncAny(name string) (*ast.FuncDecl, *item) {
	for _, it := range r.c.items {
		if fd, ok := it.decl.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == name {
			return fd, it
		}
	}
	return nil, nil
}

// parsedSeqParams is seqParams of a type written as text.
func parsedSeqParams(typ string) ([]string, bool) {
	x, err := parser.ParseExpr(typ)
	if err != nil {
		return nil, false
	}
	return seqParams(typ, nil, x, true)
}

// seqParams returns the yield parameter types of an iterator type
// expression. src and it locate the expression's text (it is nil when src is
// the expression's own text, parsed alone).
func seqParams(src string, it *item, t ast.Expr, alone bool) ([]string, bool) {
	text := func(n ast.Node) string {
		if alone {
			return src[n.Pos()-1 : n.End()-1]
		}
		return src[it.off(n.Pos()):it.off(n.End())]
	}
	switch t := ast.Unparen(t).(type) {
	case *ast.FuncType:
		params := fieldTypes(t.Params)
		if len(params) != 1 || t.Results != nil && len(t.Results.List) > 0 {
			return nil, false
		}
		yield, ok := params[0].(*ast.FuncType)
		if !ok {
			return nil, false
		}
		res := fieldTypes(yield.Results)
		if len(res) != 1 || text(res[0]) != "bool" {
			return nil, false
		}
		var out []string
		for _, p := range fieldTypes(yield.Params) {
			out = append(out, text(p))
		}
		return out, len(out) <= 2
	case *ast.IndexExpr:
		if sel, ok := t.X.(*ast.SelectorExpr); ok && exprRoot(sel.X) == "iter" && sel.Sel.Name == "Seq" {
			return []string{text(t.Index)}, true
		}
	case *ast.IndexListExpr:
		if sel, ok := t.X.(*ast.SelectorExpr); ok && exprRoot(sel.X) == "iter" && sel.Sel.Name == "Seq2" && len(t.Indices) == 2 {
			return []string{text(t.Indices[0]), text(t.Indices[1])}, true
		}
	}
	return nil, false
}

// reflectSeqParams returns the yield parameter types of a compiled iterator
// type.
func (r *rewriter) reflectSeqParams(t reflect.Type) ([]string, bool) {
	if t.Kind() != reflect.Func || t.NumIn() != 1 || t.NumOut() != 0 {
		return nil, false
	}
	y := t.In(0)
	if y.Kind() != reflect.Func || y.NumOut() != 1 || y.Out(0).Kind() != reflect.Bool || y.NumIn() > 2 {
		return nil, false
	}
	var out []string
	for i := range y.NumIn() {
		s, ok := r.e.typeExpr(y.In(i), 0)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// rangeFuncLoop is a range-over-function loop being rewritten, for the loops
// nested in its body: their jumps to it and their returns go through it.
type rangeFuncLoop struct {
	flag    string
	label   string
	retVars []string
	named   bool
	fn      *ast.FuncType
	body    *ast.BlockStmt
}

// refuse records the first construct of the cell the front-end cannot make
// correct; prepare reports it.
func (r *rewriter) refuse(pos token.Pos, msg string) {
	if r.c.refusal != nil {
		return
	}
	line, col := lineCol(r.c.src, r.it.off(pos))
	r.c.refusal = &Error{Kind: "Unsupported", Line: line, Col: col, Message: msg}
}

// rangeFunc rewrites a range over a function iterator. It returns the loop
// for walking its body, nil when n is not one.
func (r *rewriter) rangeFunc(n *ast.RangeStmt, label *ast.LabeledStmt) *rangeFuncLoop {
	types, ok := r.iterParams(n.X, 0)
	if !ok {
		return nil
	}
	vars := []ast.Expr{n.Key, n.Value}
	if n.Value == nil {
		vars = vars[:1]
	}
	if n.Key == nil {
		vars = nil
	}
	if len(vars) > len(types) {
		r.refuse(n.For, fmt.Sprintf("range over %s: it yields %d values, the loop takes %d", r.text(n.X), len(types), len(vars)))
		return nil
	}
	r.c.rangeFuncs++
	id := r.c.rangeFuncs
	flag := fmt.Sprintf("_gopadRF%d", id)

	// Find the jumps out of the body: break, continue and return.
	ownLabel := ""
	if label != nil {
		ownLabel = label.Label.Name
	}
	results := r.enclosingResults(n)
	var parent *rangeFuncLoop // the range-over-func loop around this one, in the same function
	if k := len(r.rangeLoops); k > 0 && r.rangeLoops[k-1].fn == results.fn {
		parent = r.rangeLoops[k-1]
	}
	var post []string
	outer := map[string]int{}
	retVars := []string{}
	ownRetVars := true
	if parent != nil {
		retVars, ownRetVars = parent.retVars, false
	} else {
		for i := range results.types {
			retVars = append(retVars, fmt.Sprintf("_gopadRV%d_%d", id, i))
		}
	}
	hasReturn := false
	var visit func(node ast.Node, loops, breakables int, nested bool) bool
	visit = func(node ast.Node, loops, breakables int, nested bool) bool {
		ast.Inspect(node, func(m ast.Node) bool {
			if m == node {
				return true
			}
			switch m := m.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt:
				visit(m.Body, loops+1, breakables+1, nested)
				return false
			case *ast.RangeStmt:
				// A nested range-over-func loop rewrites its own
				// labeled jumps and returns (through this loop).
				_, isFunc := r.iterParams(m.X, 0)
				visit(m.Body, loops+1, breakables+1, nested || isFunc)
				return false
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				visit(m, loops, breakables+1, nested)
				return false
			case *ast.DeferStmt:
				r.refuse(m.Pos(), "defer inside a range-over-function loop: gopad runs the loop body as a function, so the deferred call would run at the end of each iteration; move the defer out of the loop")
			case *ast.BranchStmt:
				if nested && m.Label != nil {
					return true
				}
				switch {
				case m.Tok == token.GOTO:
					r.refuse(m.Pos(), "goto inside a range-over-function loop is not supported")
				case m.Tok == token.FALLTHROUGH:
				case m.Label == nil && m.Tok == token.CONTINUE && loops == 0,
					m.Label != nil && m.Label.Name == ownLabel && m.Tok == token.CONTINUE:
					r.add(r.it.off(m.Pos()), r.it.off(m.End()), "return true")
				case m.Label == nil && m.Tok == token.BREAK && breakables == 0,
					m.Label != nil && m.Label.Name == ownLabel && m.Tok == token.BREAK:
					r.add(r.it.off(m.Pos()), r.it.off(m.End()), "return false")
				case m.Label != nil && !labelInside(n.Body, m.Label.Name):
					key := m.Tok.String() + " " + m.Label.Name
					code, seen := outer[key]
					if !seen {
						code = len(outer) + 1
						outer[key] = code
						jump := key
						if parent != nil && parent.label == m.Label.Name {
							// The loop around is a function now.
							jump = map[token.Token]string{token.BREAK: "return false", token.CONTINUE: "return true"}[m.Tok]
						} else if parent != nil && !labelInside(parent.body, m.Label.Name) {
							r.refuse(m.Pos(), m.Tok.String()+" "+m.Label.Name+" across two range-over-function loops is not supported")
						}
						post = append(post, fmt.Sprintf("if %s == %d { %s }", flag, code, jump))
					}
					r.add(r.it.off(m.Pos()), r.it.off(m.End()), fmt.Sprintf("{ %s = %d; return false }", flag, code))
				}
			case *ast.ReturnStmt:
				hasReturn = true
				if nested {
					return false
				}
				if len(m.Results) == 0 {
					r.add(r.it.off(m.Pos()), r.it.off(m.End()), fmt.Sprintf("{ %s = -1; return false }", flag))
					return false
				}
				if len(retVars) == 0 {
					r.refuse(m.Pos(), "return with values inside a range-over-function loop of a function whose results gopad cannot tell")
					return false
				}
				r.add(r.it.off(m.Return), r.it.off(m.Return)+len("return"), "{ "+strings.Join(retVars, ", ")+" =")
				r.insert(m.End(), fmt.Sprintf("; %s = -1; return false }", flag))
			}
			return true
		})
		return false
	}
	visit(n.Body, 0, 0, false)
	if hasReturn && parent != nil {
		post = append(post, fmt.Sprintf("if %s == -1 { %s = -1; return false }", flag, parent.flag))
	} else if hasReturn {
		if results.named || len(retVars) == 0 {
			post = append(post, fmt.Sprintf("if %s == -1 { return }", flag))
		} else {
			post = append(post, fmt.Sprintf("if %s == -1 { return %s }", flag, strings.Join(retVars, ", ")))
		}
	}

	// The header: variables, then the call with the yield literal.
	var b strings.Builder
	fmt.Fprintf(&b, "{ var %s int; _ = %s; ", flag, flag)
	if hasReturn && !results.named && ownRetVars {
		for i, t := range results.types {
			fmt.Fprintf(&b, "var %s %s; ", retVars[i], t)
		}
	}
	x := r.renderSpan(r.it.off(n.X.Pos()), r.it.off(n.X.End()))
	params := make([]string, len(types))
	assign := ""
	for i, t := range types {
		name := "_"
		if i < len(vars) {
			if v, ok := vars[i].(*ast.Ident); ok && n.Tok == token.DEFINE {
				name = v.Name
			} else if vars[i] != nil && !isBlank(vars[i]) {
				name = fmt.Sprintf("_gopadRP%d_%d", id, i)
				assign += r.text(vars[i]) + " = " + name + "; "
			}
		}
		params[i] = name + " " + t
	}
	switch ast.Unparen(n.X).(type) {
	case *ast.Ident, *ast.SelectorExpr, *ast.CallExpr, *ast.IndexExpr:
		// yaegi fails to call (f)(...) for a func declared in a cell.
	default:
		x = "(" + x + ")"
	}
	fmt.Fprintf(&b, "%s(func(%s) bool { %s", x, strings.Join(params, ", "), assign)
	start := r.it.off(n.For)
	if label != nil {
		start = r.it.off(label.Pos())
	}
	r.add(start, r.it.off(n.Body.Lbrace)+1, b.String())
	end := r.it.off(n.Body.Rbrace)
	r.add(end, end+1, "; return true }); "+strings.Join(post, "; ")+" }")
	return &rangeFuncLoop{flag: flag, label: ownLabel, retVars: retVars, named: results.named, fn: results.fn, body: n.Body}
}

func isBlank(x ast.Expr) bool {
	id, ok := x.(*ast.Ident)
	return ok && id.Name == "_"
}

// labelInside reports whether a statement labeled name is inside body.
func labelInside(body ast.Node, name string) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if l, ok := n.(*ast.LabeledStmt); ok && l.Label.Name == name {
			found = true
		}
		return !found
	})
	return found
}

// funcResults describes the results of the function around a statement.
type funcResults struct {
	types []string
	named bool
	fn    *ast.FuncType // the function, nil at a cell's top level
}

// enclosingResults returns the results of the innermost function literal or
// declaration of the item that contains n (none at a cell's top level).
func (r *rewriter) enclosingResults(n ast.Node) funcResults {
	var stack []*ast.FuncType
	var found *ast.FuncType
	root := r.it.node()
	if root == nil {
		return funcResults{}
	}
	var visit func(m ast.Node) bool
	visit = func(m ast.Node) bool {
		if found != nil || m == nil {
			return false
		}
		if m == n {
			if len(stack) > 0 {
				found = stack[len(stack)-1]
			} else {
				found = &ast.FuncType{}
			}
			return false
		}
		switch f := m.(type) {
		case *ast.FuncDecl:
			stack = append(stack, f.Type)
			if f.Body != nil {
				ast.Inspect(f.Body, visit)
			}
			stack = stack[:len(stack)-1]
			return false
		case *ast.FuncLit:
			stack = append(stack, f.Type)
			ast.Inspect(f.Body, visit)
			stack = stack[:len(stack)-1]
			return false
		}
		return true
	}
	ast.Inspect(root, visit)
	if found == nil || found.Results == nil {
		if found != nil && found.Func.IsValid() {
			return funcResults{fn: found}
		}
		return funcResults{}
	}
	out := funcResults{fn: found}
	for _, f := range found.Results.List {
		out.named = out.named || len(f.Names) > 0
		for range max(1, len(f.Names)) {
			out.types = append(out.types, r.text(f.Type))
		}
	}
	return out
}

// rangeFuncOnce is rangeFunc for a loop not yet rewritten (a labeled loop is
// met twice: as the label's statement and as itself).
func (r *rewriter) rangeFuncOnce(n *ast.RangeStmt, label *ast.LabeledStmt) *rangeFuncLoop {
	if r.skip[n] {
		return nil
	}
	r.skip[n] = true
	return r.rangeFunc(n, label)
}

// walkRangeFuncBody walks the body of a rewritten loop with the loop known
// to the loops nested in it.
func (r *rewriter) walkRangeFuncBody(loop *rangeFuncLoop) {
	r.rangeLoops = append(r.rangeLoops, loop)
	r.walk(loop.body)
	r.rangeLoops = r.rangeLoops[:len(r.rangeLoops)-1]
}

// shimIterParams returns the element types of the iterators the slices and
// maps shims make (slices.All(s), maps.All(m)), from the argument's type.
func (r *rewriter) shimIterParams(f *ast.SelectorExpr, args []ast.Expr) ([]string, bool) {
	shim := r.packageShim(f)
	if len(args) == 0 || len(args) > 2 || shim == "" || len(args) == 2 && shim != "_gopadSlicesChunk" {
		return nil, false
	}
	if lit, argItem := r.writtenLiteral(args[0]); lit != nil {
		// Written types: []string{...}, map[string]int{...}, or a slice
		// or map type the cell declares (People{...}).
		text := func(n ast.Node) string { return r.c.text(argItem, n) }
		litType := lit.Type
		if id, ok := litType.(*ast.Ident); ok {
			if spec, specText := r.cellTypeSpec(id.Name); spec != nil && spec.TypeParams == nil {
				switch spec.Type.(type) {
				case *ast.ArrayType, *ast.MapType:
					litType, text = spec.Type, specText
				}
			}
		}
		switch lt := litType.(type) {
		case *ast.ArrayType:
			e := text(lt.Elt)
			switch shim {
			case "_gopadSlicesChunk":
				if id, ok := lit.Type.(*ast.Ident); ok {
					return []string{id.Name}, true // Chunk yields the slice's own type
				}
				return []string{"[]" + e}, true
			case "_gopadSlicesValues":
				return []string{e}, true
			case "_gopadSlicesAll", "_gopadSlicesBackward":
				return []string{"int", e}, true
			}
		case *ast.MapType:
			if shim == "_gopadMapsAll" {
				return []string{text(lt.Key), text(lt.Value)}, true
			}
		}
		return nil, false
	}
	t := r.exprType(args[0])
	if t == nil {
		if id, ok := ast.Unparen(args[0]).(*ast.Ident); ok && r.c.defs[id.Name] == nil {
			return r.globalIterParams(shim, id.Name)
		}
		return nil, false
	}
	name := func(t reflect.Type) (string, bool) { return r.e.typeExpr(t, 0) }
	switch shim {
	case "_gopadSlicesChunk":
		if t.Kind() != reflect.Slice {
			return nil, false
		}
		e, ok := name(t)
		return []string{e}, ok
	case "_gopadSlicesAll", "_gopadSlicesBackward", "_gopadSlicesValues":
		if t.Kind() != reflect.Slice {
			return nil, false
		}
		e, ok := name(t.Elem())
		if !ok {
			return nil, false
		}
		if shim == "_gopadSlicesValues" {
			return []string{e}, true
		}
		return []string{"int", e}, true
	case "_gopadMapsAll":
		if t.Kind() != reflect.Map {
			return nil, false
		}
		k, ok1 := name(t.Key())
		v, ok2 := name(t.Elem())
		return []string{k, v}, ok1 && ok2
	}
	return nil, false
}

// writtenLiteral returns the composite literal whose type x plainly has,
// and the item it is written in: x itself, the literal a variable of this
// cell is defined by, or a conversion to a written slice or map type
// ([]Person(people), as a literal without elements). nil when none.
func (r *rewriter) writtenLiteral(x ast.Expr) (*ast.CompositeLit, *item) {
	arg, argItem := ast.Unparen(x), r.it
	if id, ok := arg.(*ast.Ident); ok {
		for _, d := range r.c.defs[id.Name] {
			if lit, ok := d.value.(*ast.CompositeLit); ok && d.index < 0 {
				return lit, d.it
			}
		}
	}
	if conv, ok := arg.(*ast.CallExpr); ok && len(conv.Args) == 1 {
		switch conv.Fun.(type) {
		case *ast.ArrayType, *ast.MapType:
			return &ast.CompositeLit{Type: conv.Fun}, argItem
		}
	}
	lit, _ := arg.(*ast.CompositeLit)
	return lit, argItem
}

// sliceElem returns the element type of slice x, written or known.
func (r *rewriter) sliceElem(x ast.Expr) (string, bool) {
	if lit, argItem := r.writtenLiteral(x); lit != nil {
		if at, ok := lit.Type.(*ast.ArrayType); ok && at.Len == nil {
			return r.c.text(argItem, at.Elt), true
		}
		return "", false
	}
	if t := r.exprType(x); t != nil && t.Kind() == reflect.Slice {
		return r.e.typeExpr(t.Elem(), 0)
	}
	return "", false
}

// globalIterParams is shimIterParams for a variable of an earlier cell whose
// reflect type names no type (a slice of a cell struct): the interpreter
// tells its type's parts (the show box's TypeName).
func (r *rewriter) globalIterParams(shim, name string) ([]string, bool) {
	if !r.e.userNames[name] || r.e.types[name] {
		return nil, false
	}
	part := func(which string) (string, bool) {
		v, ok := r.e.evalValue(showBoxName + ".TypeName(" + name + ", " + strconv.Quote(which) + ")")
		if !ok || v.Kind() != reflect.String || v.String() == "" {
			return "", false
		}
		return v.String(), true
	}
	switch shim {
	case "_gopadSlicesChunk":
		t, ok := part("")
		return []string{t}, ok
	case "_gopadSlicesValues":
		e, ok := part("elem")
		return []string{e}, ok
	case "_gopadSlicesAll", "_gopadSlicesBackward":
		e, ok := part("elem")
		return []string{"int", e}, ok
	case "_gopadMapsAll":
		k, ok1 := part("key")
		e, ok2 := part("elem")
		return []string{k, e}, ok1 && ok2
	}
	return nil, false
}
