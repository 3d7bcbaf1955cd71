package engine

import (
	"encoding/gob"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"go/ast"
	"go/token"
	"log/slog"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Reflection-based encoders see cell values through yaegi's reflect types;
// the value arguments of json's and xml's calls go through codecValue
// (codecvalue.go), which gives them Go's shape.

// reflectEncoders lists, by import path, the functions whose value argument
// is converted (its index).
var reflectEncoders = map[string]map[string]int{
	"encoding/json": {"Marshal": 0, "MarshalIndent": 0, "Unmarshal": 1},
	"encoding/xml":  {"Marshal": 0, "MarshalIndent": 0, "Unmarshal": 1},
}

// encoderMethods are the methods of json's and xml's encoders and decoders
// whose first argument is converted; on a receiver of unknown type it is
// checked instead (the check lets every other value through unchanged).
var encoderMethods = map[string]bool{"Encode": true, "Decode": true, "EncodeElement": true, "DecodeElement": true}

// slogPrinters are log/slog's functions and Logger methods that take
// key-value arguments, with the index of the first argument slog takes as
// any.
var slogPrinters = map[string]int{
	"Debug": 1, "Info": 1, "Warn": 1, "Error": 1, "Log": 3, "With": 0,
	"DebugContext": 2, "InfoContext": 2, "WarnContext": 2, "ErrorContext": 2, "Any": 1, "Group": 1, "AnyValue": 0,
}

// fieldByName makes v.FieldByName("name") of a reflect.Value find the
// unexported fields of cell structs, which yaegi names "X"+name.
func (r *rewriter) fieldByName(n *ast.CallExpr, fun *ast.SelectorExpr) {
	if fun.Sel.Name != "FieldByName" || len(n.Args) != 1 {
		return
	}
	if t := r.exprType(fun.X); t != reflect.TypeFor[reflect.Value]() {
		return
	}
	r.insert(fun.X.Pos(), rtName+".FieldByName(")
	r.add(r.it.off(fun.X.End()), r.it.off(n.Lparen)+1, ", ")
}

// fieldByNameHelper is the compiled FieldByName of fieldByName.
func fieldByNameHelper(v reflect.Value, name string) reflect.Value {
	f := v.FieldByName(name)
	if f.IsValid() || v.Kind() != reflect.Struct || name == "" || strings.ToLower(name[:1]) != name[:1] {
		return f
	}
	return v.FieldByName("X" + name)
}

// guardReflect wraps the value argument of an encoder call in the check, and
// the arguments of slog calls when a cell type has a LogValue method
// (compiled slog cannot call it: the value would be logged as is).
func (r *rewriter) guardReflect(n *ast.CallExpr, fun *ast.SelectorExpr) {
	if id, ok := fun.X.(*ast.Ident); ok && r.isPackage(id.Name) && fun.Sel.Name == "SetLogLoggerLevel" {
		if path, _ := r.importPath(id.Name); path == "log/slog" {
			r.refuse(n.Pos(), "slog.SetLogLoggerLevel: gopad captures the log output of cells itself, and the level set here would not apply to it")
			return
		}
	}
	if len(r.e.types) == 0 && len(r.c.localTypes) == 0 {
		return // no cell types: nothing to get wrong
	}
	if first, ok := slogPrinters[fun.Sel.Name]; ok && len(r.logValuers()) > 0 && !n.Ellipsis.IsValid() {
		line, _ := lineCol(r.c.src, r.it.off(n.Pos()))
		where := strconv.Quote(fmt.Sprintf("%s at cell line %d", fun.Sel.Name, line))
		isSlog := false
		if id, ok := fun.X.(*ast.Ident); ok && r.isPackage(id.Name) {
			path, _ := r.importPath(id.Name)
			isSlog = path == "log/slog"
		} else {
			isSlog = r.exprType(fun.X) == reflect.TypeFor[*slog.Logger]()
		}
		for i, a := range n.Args {
			switch {
			case isSlog && i >= first:
				// An argument slog takes as any: the value a cell
				// type's LogValue returns in its place.
				r.insert(a.Pos(), "_gopadSlogValue(")
				r.insert(a.End(), ", "+where+")")
			case !isSlog:
				// Perhaps not slog's: checked, keeping its type.
				r.insert(a.Pos(), "_gopadSlogArg(")
				r.insert(a.End(), ", "+where+")")
			}
		}
		return
	}
	arg, op := -1, ""
	name := fun.Sel.Name
	if id, ok := fun.X.(*ast.Ident); ok && r.isPackage(id.Name) {
		path, _ := r.importPath(id.Name)
		i, ok := reflectEncoders[path][name]
		if !ok {
			return
		}
		kind := strings.TrimPrefix(path, "encoding/")
		arg, op, name = i, kind+".encode", id.Name+"."+name
		if strings.HasPrefix(fun.Sel.Name, "Unmarshal") {
			op = kind + ".decode"
		}
	} else if encoderMethods[name] {
		arg, op = 0, "check.encode"
		if strings.HasPrefix(name, "Decode") {
			op = "check.decode"
		}
		switch rt := r.exprType(fun.X); {
		case codecReceivers[rt] != "":
			op = codecReceivers[rt] + op[strings.IndexByte(op, '.'):]
		case rt != nil:
			return // another encoder (gob, ...) or a method of a type the front-end knows
		}
	}
	if arg < 0 || arg >= len(n.Args) || n.Ellipsis.IsValid() {
		return
	}
	x := n.Args[arg]
	line, _ := lineCol(r.c.src, r.it.off(n.Pos()))
	helper := "_gopadRefl("
	if strings.HasPrefix(op, "check.") {
		// A method of a receiver the front-end cannot type (perhaps
		// not an encoder at all): the argument keeps its type.
		helper = "_gopadReflCheck("
	}
	r.insert(x.Pos(), helper)
	r.insert(x.End(), ", "+strconv.Quote(op)+", "+strconv.Quote(fmt.Sprintf("%s at cell line %d", name, line))+")")
}

// codecReceivers are the encoder and decoder types whose methods get
// converted values (codecvalue.go).
var codecReceivers = map[reflect.Type]string{
	reflect.TypeFor[*json.Encoder](): "json", reflect.TypeFor[*json.Decoder](): "json",
	reflect.TypeFor[*xml.Encoder](): "xml", reflect.TypeFor[*xml.Decoder](): "xml",
	reflect.TypeFor[*gob.Encoder](): "gob",
}

// setCodecMethods records which methods of cell types json and xml would
// call (methods are the cells' methods by "Type.Method"), from
// Engine.registerShowMethods: a type gaining such a method after a cell
// that calls json changes that cell's answers.
func (s *shower) setCodecMethods(methods map[string]*methodSig) {
	m := map[string]bool{}
	for key := range methods {
		_, method, _ := strings.Cut(key, ".")
		for _, names := range codecMethods {
			if slices.Contains(names, method) {
				m[key] = true
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !maps.Equal(m, s.codecMethods) {
		s.codecMethods = m
		s.mirrors = nil
	}
}

// logValuers returns the cell types with a LogValue method, and tells the
// show helpers.
func (r *rewriter) logValuers() map[string]bool {
	m := map[string]bool{}
	for key := range r.e.methods {
		if typ, ok := strings.CutSuffix(key, ".LogValue"); ok {
			m[typ] = true
		}
	}
	r.e.show.mu.Lock()
	r.e.show.logValuers = m
	r.e.show.mu.Unlock()
	return m
}

// slogValue is the show box's SlogValue: for a value of a cell type with a
// LogValue method (or a pointer to one), the slog.Value it resolves to, as
// slog's Value.Resolve would (compiled slog cannot call the method); nil
// for any other value.
func (s *shower) slogValue(v any, where string) any {
	dv, dt := s.dynamic(reflect.ValueOf(v))
	if !dv.IsValid() || dt == nil {
		return nil
	}
	out, ok := s.resolveLogValuer(dv, dt, where, 0)
	if !ok {
		return nil
	}
	return out
}

// resolveLogValuer calls the LogValue method of v (of interpreter type t)
// and of what it returns, as slog resolves, and resolves the groups it
// returns; ok is false when t has no LogValue.
func (s *shower) resolveLogValuer(v reflect.Value, t *showType, where string, depth int) (slog.Value, bool) {
	if depth > 100 {
		panic(fmt.Errorf("%s: LogValue methods called 100 times without a value that is not a LogValuer", where))
	}
	s.mu.RLock()
	caller, ptr := s.logCallers[t.name], false
	if u := t.underlying(); !caller.IsValid() && u != nil && u.cat == "ptrT" && u.elem != nil {
		caller, ptr = s.logCallers[u.elem.name], true
	}
	s.mu.RUnlock()
	if !caller.IsValid() {
		return slog.Value{}, false
	}
	p := v
	if !ptr {
		p = reflect.New(v.Type())
		p.Elem().Set(v)
	} else if v.IsNil() {
		panic(fmt.Errorf("%s: LogValue called on a nil %s", where, t.goName(0)))
	}
	val, _ := caller.Call([]reflect.Value{p})[0].Interface().(slog.Value)
	return s.resolveInner(val, where, depth+1), true
}

// resolveInner resolves the cell values a slog.Value holds (as any, or in
// a group's attributes).
func (s *shower) resolveInner(val slog.Value, where string, depth int) slog.Value {
	switch val.Kind() {
	case slog.KindAny:
		if dv, dt := s.dynamic(reflect.ValueOf(val.Any())); dv.IsValid() && dt != nil {
			if r, ok := s.resolveLogValuer(dv, dt, where, depth); ok {
				return r
			}
		}
	case slog.KindGroup:
		attrs := val.Group()
		out := make([]slog.Attr, len(attrs))
		for i, a := range attrs {
			out[i] = slog.Attr{Key: a.Key, Value: s.resolveInner(a.Value, where, depth)}
		}
		return slog.GroupValue(out...)
	}
	return val
}

// setLogValuer records the caller of a cell type's LogValue method.
func (s *shower) setLogValuer(typeName string, fn any) {
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Func {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.logCallers == nil {
		s.logCallers = map[string]reflect.Value{}
	}
	s.logCallers[typeName] = v
}

// slogCheck is the compiled check of a slog argument (the show box's Slog).
func (s *shower) slogCheck(v any, where string) {
	_, t := s.static(reflect.ValueOf(v))
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; t != nil && i < 3; i++ {
		if t.isCell() && s.logValuers[t.name] {
			panic(fmt.Errorf("%s: %s implements slog.LogValuer, which compiled slog cannot call on a type defined in a cell, "+
				"so the value would be logged unresolved; pass v.LogValue() instead", where, t.goName(0)))
		}
		if u := t.underlying(); u != nil && u.cat == "ptrT" {
			t = u.elem
			continue
		}
		break
	}
}

// hideUnexportedFields tags the unexported fields of the struct types a type
// declaration declares json:"-" xml:"-": yaegi shows every field of a cell
// struct to reflection as exported, an unexported field f as Xf, so
// encoding/json and encoding/xml wrote "Xf":0, which Go leaves out. Both
// skip a field tagged "-", as Go skips unexported fields. A field list that
// mixes exported and unexported names (a, B int) becomes one field per name.
func (r *rewriter) hideUnexportedFields(decl ast.Decl) {
	gd, ok := decl.(*ast.GenDecl)
	if !ok || gd.Tok != token.TYPE {
		return
	}
	ast.Inspect(gd, func(n ast.Node) bool {
		st, ok := n.(*ast.StructType)
		if !ok || st.Fields == nil {
			return true
		}
		for _, f := range st.Fields.List {
			exported, unexported := 0, 0
			for _, id := range f.Names {
				if id.IsExported() {
					exported++
				} else if id.Name != "_" {
					unexported++
				}
			}
			switch {
			case unexported == 0:
				continue // embedded, exported or blank
			case exported > 0:
				// a, B int: one field per name, so that only a is hidden.
				var parts []string
				for _, id := range f.Names {
					tag := ""
					if f.Tag != nil {
						tag = " " + f.Tag.Value
					}
					if !id.IsExported() && id.Name != "_" {
						tag = " " + hiddenTag(f.Tag)
					}
					parts = append(parts, id.Name+" "+r.text(f.Type)+tag)
				}
				r.add(r.it.off(f.Pos()), r.it.off(f.End()), strings.Join(parts, "; "))
			case f.Tag == nil:
				r.insert(f.Type.End(), " "+hiddenTag(nil))
			default:
				r.add(r.it.off(f.Tag.Pos()), r.it.off(f.Tag.End()), hiddenTag(f.Tag))
			}
		}
		return true
	})
}

// hiddenTag returns tag (nil for none) with json:"-" xml:"-" in place of its
// json and xml keys, quoted.
func hiddenTag(tag *ast.BasicLit) string {
	var kept []string
	if tag != nil {
		if t, err := strconv.Unquote(tag.Value); err == nil {
			for _, part := range strings.Fields(t) {
				if !strings.HasPrefix(part, "json:") && !strings.HasPrefix(part, "xml:") {
					kept = append(kept, part)
				}
			}
		}
	}
	return strconv.Quote(strings.Join(append([]string{`json:"-"`, `xml:"-"`}, kept...), " "))
}
