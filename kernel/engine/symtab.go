package engine

import (
	"reflect"
	"slices"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// yaegi registers the top-level names of a chunk in its global scope while
// compiling it, before anything runs: a variable redefined by a chunk that then
// fails to compile points to a fresh zero value from then on, and a name the
// chunk used without defining becomes a placeholder type ("incomplete type").
// A failing cell must leave the session as it was, so the engine saves the
// scope's entries for the names a chunk defines or uses and puts them back
// when the chunk fails (all of them if it did not compile, those of the
// statements that did not finish if it panicked).

// mainSymbols returns the symbol map of the interpreter's main package, or an
// invalid value if yaegi's layout is not the one this code knows.
func mainSymbols(i *interp.Interpreter) reflect.Value {
	v := reflect.ValueOf(i).Elem()
	scopes := v.FieldByName("scopes")
	if !scopes.IsValid() || scopes.Kind() != reflect.Map {
		return reflect.Value{}
	}
	scopes = reflect.NewAt(scopes.Type(), unsafe.Pointer(scopes.UnsafeAddr())).Elem()
	sc := scopes.MapIndex(reflect.ValueOf("main"))
	if !sc.IsValid() || sc.Kind() != reflect.Pointer || sc.IsNil() {
		return reflect.Value{}
	}
	sym := sc.Elem().FieldByName("sym")
	if !sym.IsValid() || sym.Kind() != reflect.Map {
		return reflect.Value{}
	}
	return reflect.NewAt(sym.Type(), unsafe.Pointer(sym.UnsafeAddr())).Elem()
}

// forgetSymbol deletes a top-level symbol of the interpreter's main package so
// that a declaration can define it anew (yaegi keeps the first definition of
// a type).
func forgetSymbol(i *interp.Interpreter, name string) {
	if sym := mainSymbols(i); sym.IsValid() {
		sym.SetMapIndex(reflect.ValueOf(name), reflect.Value{})
	}
}

// symSnapshot holds scope entries as they were before a chunk compiled.
type symSnapshot struct {
	names   []string
	lines   []int           // cell line of the item that defines or uses the name
	defines []bool          // the item defines the name (else it only uses it)
	vals    []reflect.Value // invalid: the name had no entry
}

// snapshotSymbols saves the scope entries of the names the items define or
// refer to.
func (e *Engine) snapshotSymbols(p *plan, items []*item) *symSnapshot {
	if !e.syms.IsValid() || len(items) == 0 {
		return nil
	}
	s := &symSnapshot{}
	add := func(name string, line int, defines bool) {
		if name == "_" || slices.Contains(s.names, name) {
			return // cells have few names: a linear search is cheapest
		}
		s.names = append(s.names, name)
		s.lines = append(s.lines, line)
		s.defines = append(s.defines, defines)
		s.vals = append(s.vals, e.syms.MapIndex(reflect.ValueOf(name)))
	}
	for _, it := range items {
		line, _ := lineCol(p.c.src, it.start)
		for _, n := range it.defines {
			add(n, line, true)
		}
	}
	for _, it := range items {
		line, _ := lineCol(p.c.src, it.start)
		for n := range it.refs {
			add(n, line, false)
		}
	}
	return s
}

// restoreAll puts back every saved entry: for a chunk that did not compile.
func (e *Engine) restoreAll(s *symSnapshot) {
	if s == nil {
		return
	}
	for i, name := range s.names {
		e.syms.SetMapIndex(reflect.ValueOf(name), s.vals[i])
	}
}

// restoreUnfinished puts back the entries of the names defined by the items
// that start at cell line from or later: for a chunk that stopped (panic,
// interrupt) in the item at line from, so that its definition and those after
// it do not replace what earlier cells defined with zero values.
func (e *Engine) restoreUnfinished(s *symSnapshot, from int) {
	if s == nil || from <= 0 {
		return
	}
	for i, name := range s.names {
		if s.defines[i] && s.lines[i] >= from {
			e.syms.SetMapIndex(reflect.ValueOf(name), s.vals[i])
		}
	}
}
