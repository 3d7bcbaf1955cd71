package engine

import (
	"cmp"
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// yaegi gives compiled code the values of cell types with their types erased:
// a []Color arrives as []int, a struct as an unnamed struct, so fmt printed
// the numbers behind a Color's String method once the Color sat in a slice,
// a map or a struct, and %T named no cell type. Only yaegi knows the static
// type, and it tells compiled code in one case: a function stored in a field
// of an interpreted struct whose parameter is an interface receives the
// argument as interp.valueInterface, holding the argument's node and so its
// interpreter type (*itype). The front-end routes the arguments of fmt's
// printing functions and a cell's final value through such a field
// (showBoxName.Show and .Note) and the code below reads the type
// (reflect and unsafe on yaegi v0.16.1's unexported fields, like symtab.go),
// walks the value and wraps what fmt must print differently: values of cell
// types with a String or Error method (the method called through a caller
// the engine evaluated for that type, see Engine.registerShowMethods), the
// containers holding them, and cell-typed values for %T.
//
// Values whose type the code cannot read are handed to fmt unchanged, so the
// worst case is the old output.

// showBoxName is the interpreted variable holding the compiled Show and Note
// helpers in func fields (shimSource).
const showBoxName = "_gopadFmt"

// showType is what the fmt helpers know of an interpreter type.
type showType struct {
	cat    string // yaegi's type category: "intT", "sliceT", "linkedT", ...
	name   string // name of a defined type
	path   string // its package path, "main" for cell types
	elem   *showType
	key    *showType
	fields []showField
	length int
	rtype  reflect.Type // for compiled types (valueT)
	holds  int          // mayHold's cached answer: 1 yes, -1 no, 0 unknown
	// itype keeps yaegi's type alive: the cache is keyed by its address,
	// which must not be reused by another type.
	itype unsafe.Pointer
}

type showField struct {
	name  string
	embed bool
	typ   *showType
}

// showMethod calls a cell type's String or Error method on a pointer to a
// value (a func(*T) string evaluated in the interpreter). ptr is set when
// the method has a pointer receiver: fmt calls it for pointers only.
type showMethod struct {
	fn  reflect.Value
	ptr bool
}

// shower holds what the fmt helpers share: the types read so far and the
// method callers of the cell types.
type shower struct {
	mu      sync.RWMutex
	types   map[uintptr]*showType
	methods map[string]showMethod // by cell type name
	// registered holds the reflect types of cell types (typeident.go).
	registered map[string]reflect.Type
	// logValuers are the cell types with a LogValue method (reflectguard.go).
	logValuers map[string]bool
	// codecMethods holds "Type.Method" for the cell types' methods that
	// json and xml would call (MarshalJSON, ...), mirrors the types built
	// for the encoders and holdsInterface which cell types can hold
	// interfaces (codecvalue.go).
	codecMethods   map[string]bool
	codecCallers   map[string]codecCaller
	logCallers     map[string]reflect.Value // LogValue callers by cell type (reflectguard.go)
	mirrors        map[mirrorKey]mirrorResult
	holdsInterface map[*showType]bool
	// genericText maps the generic cell types with a String or Error
	// method to the method: fmt cannot call it (generictext.go).
	genericText map[string]string
}

func newShower() *shower {
	return &shower{types: map[uintptr]*showType{}, methods: map[string]showMethod{}}
}

// setMethod records the caller of a cell type's String or Error method.
func (s *shower) setMethod(typeName string, ptr bool, fn any) {
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Func || v.Type().NumIn() != 1 || v.Type().NumOut() != 1 {
		return
	}
	s.mu.Lock()
	s.methods[typeName] = showMethod{fn: v, ptr: ptr}
	s.mu.Unlock()
}

func (s *shower) method(typeName string) (showMethod, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, ok := s.methods[typeName]
	return m, ok
}

// unexported returns field name of struct value v (addressable) readable and
// settable despite being unexported.
func unexported(v reflect.Value, name string) reflect.Value {
	f := v.FieldByName(name)
	if !f.IsValid() || !f.CanAddr() {
		return reflect.Value{}
	}
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
}

// fromInterp splits a yaegi valueInterface into its value and type. ok is
// false for anything else.
func (s *shower) fromInterp(v reflect.Value) (val reflect.Value, t *showType, ok bool) {
	if !v.IsValid() || v.Kind() != reflect.Struct || v.Type().Name() != "valueInterface" || v.Type().PkgPath() != "github.com/traefik/yaegi/interp" {
		return reflect.Value{}, nil, false
	}
	c := reflect.New(v.Type()).Elem()
	c.Set(v)
	node := unexported(c, "node")
	val = unexported(c, "value")
	if !node.IsValid() || node.Kind() != reflect.Pointer || node.IsNil() || !val.IsValid() {
		return reflect.Value{}, nil, false
	}
	typ := unexported(node.Elem(), "typ")
	if !typ.IsValid() || typ.Kind() != reflect.Pointer || typ.IsNil() {
		return reflect.Value{}, nil, false
	}
	if val.Kind() == reflect.Struct && val.Type() == reflect.TypeFor[reflect.Value]() {
		val = val.Interface().(reflect.Value)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return val, s.readType(typ, 0), true
}

// readType converts a yaegi *itype to a showType, caching by address (a type
// redefined by a cell is a new itype). s.mu is held.
func (s *shower) readType(p reflect.Value, depth int) *showType {
	if !p.IsValid() || p.IsNil() || depth > 20 {
		return nil
	}
	if t, ok := s.types[p.Pointer()]; ok {
		return t
	}
	it := p.Elem()
	t := &showType{itype: p.UnsafePointer()}
	s.types[p.Pointer()] = t
	if c := unexported(it, "cat"); c.IsValid() {
		if str, ok := c.Interface().(fmt.Stringer); ok {
			t.cat = str.String()
		}
	}
	t.name = unexported(it, "name").String()
	t.path = unexported(it, "path").String()
	if l := unexported(it, "length"); l.IsValid() {
		t.length = int(l.Int())
	}
	if r := unexported(it, "rtype"); r.IsValid() && !r.IsNil() {
		t.rtype, _ = r.Interface().(reflect.Type)
	}
	t.elem = s.readType(unexported(it, "val"), depth+1)
	t.key = s.readType(unexported(it, "key"), depth+1)
	if fs := unexported(it, "field"); fs.IsValid() && fs.Kind() == reflect.Slice {
		for i := 0; i < fs.Len(); i++ {
			f := fs.Index(i)
			t.fields = append(t.fields, showField{
				name:  unexported(f, "name").String(),
				embed: unexported(f, "embed").Bool(),
				typ:   s.readType(unexported(f, "typ"), depth+1),
			})
		}
	}
	return t
}

// isCell reports whether t is a type defined in a cell.
func (t *showType) isCell() bool { return t != nil && t.path == "main" && t.name != "" }

// underlying returns the type t is defined as, following yaegi's links.
func (t *showType) underlying() *showType {
	for i := 0; t != nil && t.cat == "linkedT" && i < 20; i++ {
		t = t.elem
	}
	return t
}

// goName names t as compiled Go's %T would.
func (t *showType) goName(depth int) string {
	if t == nil || depth > 10 {
		return "?"
	}
	if t.name != "" {
		if t.path != "" {
			return t.path[strings.LastIndexByte(t.path, '/')+1:] + "." + t.name
		}
		return t.name
	}
	switch t.cat {
	case "ptrT":
		return "*" + t.elem.goName(depth+1)
	case "sliceT", "variadicT":
		return "[]" + t.elem.goName(depth+1)
	case "arrayT":
		return "[" + strconv.Itoa(t.length) + "]" + t.elem.goName(depth+1)
	case "mapT":
		return "map[" + t.key.goName(depth+1) + "]" + t.elem.goName(depth+1)
	case "valueT":
		if t.rtype != nil {
			return t.rtype.String()
		}
	case "structT":
		var b strings.Builder
		b.WriteString("struct {")
		for i, f := range t.fields {
			if i > 0 {
				b.WriteString(";")
			}
			b.WriteString(" ")
			if !f.embed {
				b.WriteString(f.name + " ")
			}
			b.WriteString(f.typ.goName(depth + 1))
		}
		if len(t.fields) > 0 {
			b.WriteString(" ")
		}
		return b.String() + "}"
	case "interfaceT":
		return "interface {}"
	}
	return "?"
}

// stringer returns the caller of t's String or Error method when t is a cell
// type that has one.
func (s *shower) stringer(t *showType) (showMethod, bool) {
	if !t.isCell() {
		return showMethod{}, false
	}
	return s.method(t.name)
}

// present returns what fmt should be given for v of type t so that it prints
// as compiled Go would print the typed value, and whether that differs from
// v itself. depth counts the containers around v (fmt prints a pointer to a
// struct as &{...} only outside containers).
func (s *shower) present(v reflect.Value, t *showType, depth int) (any, bool) {
	if !v.IsValid() || t == nil || depth > 50 {
		return nil, false
	}
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil, false
		}
		v = v.Elem()
	}
	if iv, it, ok := s.fromInterp(v); ok {
		r, _ := s.present(iv, it, depth)
		if r == nil {
			r = iv.Interface()
		}
		return r, true // the valueInterface itself must never reach fmt
	}
	if isInterpValue(v) {
		return nil, true // a nil interface of a type a cell declares: <nil>
	}
	if isWrapper(v.Interface()) {
		return nil, false
	}
	if m, ok := s.stringer(t); ok && !m.ptr {
		sh := &shown{method: m, raw: v, typ: t}
		if v.Kind() == reflect.String {
			// Print spaces operands by whether they are strings.
			return shownString(sh.String()), true
		}
		return sh, true
	}
	u := t.underlying()
	if u == nil || !s.mayHold(t) {
		return nil, false
	}
	switch u.cat {
	case "ptrT":
		if v.Kind() != reflect.Pointer || v.IsNil() {
			return nil, false
		}
		if m, ok := s.stringer(u.elem); ok {
			return &shown{method: m, raw: v, typ: t, ptr: true}, true
		}
		if depth > 0 {
			return nil, false
		}
		switch v.Elem().Kind() {
		case reflect.Struct, reflect.Slice, reflect.Array, reflect.Map:
			if inner, changed := s.present(v.Elem(), u.elem, depth+1); changed {
				return &shownPtr{elem: inner, raw: v, typ: t}, true
			}
		}
		return nil, false
	case "sliceT", "variadicT", "arrayT":
		if v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
			return nil, false
		}
		elems := make([]any, v.Len())
		changed := false
		for i := range elems {
			e, c := s.present(v.Index(i), u.elem, depth+1)
			if c {
				changed = true
			} else {
				e = v.Index(i).Interface()
			}
			elems[i] = e
		}
		if !changed {
			return nil, false
		}
		return &shownList{elems: elems, raw: v, typ: t}, true
	case "mapT":
		if v.Kind() != reflect.Map {
			return nil, false
		}
		m := &shownMap{raw: v, typ: t}
		changed := false
		it := v.MapRange()
		for it.Next() {
			k, kc := s.present(it.Key(), u.key, depth+1)
			if !kc {
				k = it.Key().Interface()
			}
			e, ec := s.present(it.Value(), u.elem, depth+1)
			if !ec {
				e = it.Value().Interface()
			}
			changed = changed || kc || ec
			m.entries = append(m.entries, mapEntry{rawKey: it.Key(), key: k, val: e})
		}
		if !changed {
			return nil, false
		}
		sortEntries(m.entries)
		return m, true
	case "structT":
		if v.Kind() != reflect.Struct || v.NumField() != len(u.fields) {
			return nil, false
		}
		c := reflect.New(v.Type()).Elem()
		c.Set(v)
		st := &shownStruct{raw: v, typ: t}
		changed := false
		for i, f := range u.fields {
			fv := c.Field(i)
			if !fv.CanInterface() {
				fv = reflect.NewAt(fv.Type(), unsafe.Pointer(fv.UnsafeAddr())).Elem()
			}
			var val any
			name := f.name
			exported := token.IsExported(name)
			if p, ok := s.present(fv, f.typ, depth+1); ok && (exported || p == nil) {
				val, changed = p, true
			} else if ok {
				// fmt cannot call methods through unexported fields.
				val, changed = fv.Interface(), true
				if iv, _, isIV := s.fromInterp(fv); isIV {
					val = iv.Interface()
				}
			} else {
				val = fv.Interface()
			}
			st.names = append(st.names, name)
			st.vals = append(st.vals, val)
			// yaegi names an unexported field f Xf: %+v must print f.
			changed = changed || !exported && name != "_"
		}
		if !changed {
			return nil, false
		}
		return st, true
	case "interfaceT", "errorT":
		return nil, false
	}
	return nil, false
}

// show is the Show helper: the value for fmt to print in place of an argument.
func (s *shower) show(arg any) (out any) {
	s.refuseGenericText(arg) // before the recover below: the refusal must reach the cell
	var iv reflect.Value
	defer func() {
		if recover() != nil {
			// A value this code does not understand prints as before.
			out = arg
			if iv.IsValid() && iv.CanInterface() {
				out = iv.Interface()
			}
		}
	}()
	iv, t, ok := s.fromInterp(reflect.ValueOf(arg))
	if !ok {
		if rv := reflect.ValueOf(arg); rv.IsValid() && isInterpValue(rv) {
			// A nil interface of a type a cell declares: yaegi's own
			// zero value would crash the call to fmt.
			return nil
		}
		return arg
	}
	if p, changed := s.present(iv, t, 0); changed {
		return p
	}
	raw := iv.Interface()
	if isCellTyped(t) {
		switch iv.Kind() {
		case reflect.Map, reflect.Slice, reflect.Pointer, reflect.Chan, reflect.Func,
			reflect.Struct, reflect.Array, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64,
			reflect.Complex64, reflect.Complex128:
			// Kept only so that %T can name the cell type.
			return &typed{raw: raw, typ: t}
		}
	}
	return raw
}

// mayHold reports whether values of t can hold values of cell types or
// interfaces (which may hold anything): a []float64 of a million elements
// is not walked. The answer is cached in t.
func (s *shower) mayHold(t *showType) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return t.mayHold(map[*showType]bool{}, true)
}

// mayHold computes shower.mayHold; s.mu is held.
func (t *showType) mayHold(seen map[*showType]bool, top bool) bool {
	if t == nil {
		return false
	}
	if t.holds != 0 {
		return t.holds > 0
	}
	if seen[t] {
		return false // a cycle adds nothing new
	}
	seen[t] = true
	r := false
	switch {
	case t.isCell(), t.cat == "interfaceT", t.cat == "errorT":
		r = true
	case t.cat == "valueT":
		r = t.rtype != nil && t.rtype.Kind() == reflect.Interface
	default:
		r = t.elem.mayHold(seen, false) || t.key.mayHold(seen, false)
		for _, f := range t.fields {
			r = r || f.typ.mayHold(seen, false)
		}
	}
	if r {
		t.holds = 1
	} else if top {
		// Only a top-level answer is final: below, a cycle may have
		// been cut short.
		t.holds = -1
	}
	return r
}

// isCellTyped reports whether t mentions a cell type.
func isCellTyped(t *showType) bool {
	for i := 0; t != nil && i < 10; i++ {
		if t.isCell() {
			return true
		}
		if t.key != nil && isCellTyped(t.key) {
			return true
		}
		if t.cat != "ptrT" && t.cat != "sliceT" && t.cat != "arrayT" && t.cat != "mapT" {
			return false
		}
		t = t.elem
	}
	return false
}

// typeNamer is implemented by the stand-ins for cell-typed values: %T
// prints goTypeName and %p the value itself, rawValue.
type typeNamer interface {
	goTypeName() string
	rawValue() any
}

// directive rebuilds the fmt directive that invoked a Format method.
func directive(f fmt.State, verb rune) string {
	var b strings.Builder
	b.WriteByte('%')
	for _, c := range "+-# 0" {
		if f.Flag(int(c)) {
			b.WriteRune(c)
		}
	}
	if w, ok := f.Width(); ok {
		b.WriteString(strconv.Itoa(w))
	}
	if p, ok := f.Precision(); ok {
		b.WriteByte('.')
		b.WriteString(strconv.Itoa(p))
	}
	b.WriteRune(verb)
	return b.String()
}

// typed is a cell-typed value that prints as itself; it only carries the
// type's name for %T.
type typed struct {
	raw any
	typ *showType
}

func (x *typed) Format(f fmt.State, verb rune) { fmt.Fprintf(f, directive(f, verb), x.raw) }
func (x *typed) goTypeName() string            { return x.typ.goName(0) }
func (x *typed) rawValue() any                 { return x.raw }

// shown is a value of a cell type with a String or Error method.
type shown struct {
	method showMethod
	raw    reflect.Value // the value, or a pointer to it when ptr
	typ    *showType
	ptr    bool
}

func (x *shown) goTypeName() string { return x.typ.goName(0) }
func (x *shown) rawValue() any      { return x.raw.Interface() }

// text calls the cell type's method.
func (x *shown) text() (s string, err error) {
	p := x.raw
	if !x.ptr {
		p = reflect.New(x.raw.Type())
		p.Elem().Set(x.raw)
	}
	in := x.method.fn.Type().In(0)
	if p.Type() != in {
		if !p.Type().ConvertibleTo(in) {
			return "", fmt.Errorf("cannot call the method of %s", x.goTypeName())
		}
		p = p.Convert(in)
	}
	defer func() {
		if r := recover(); r != nil {
			err = errors.New(panicMessage(r)) // in the Go runtime's words
		}
	}()
	return x.method.fn.Call([]reflect.Value{p})[0].String(), nil
}

// String returns what the String or Error method returns.
func (x *shown) String() string {
	s, err := x.text()
	if err != nil {
		return fmt.Sprintf("%%!v(PANIC=String method: %v)", err)
	}
	return s
}

// Format prints the method's text for the verbs for which fmt calls String
// or Error and the value itself for the others, as fmt does.
func (x *shown) Format(f fmt.State, verb rune) {
	switch verb {
	case 'v', 's', 'q', 'x', 'X':
		if !(verb == 'v' && f.Flag('#')) {
			s, err := x.text()
			if err != nil {
				fmt.Fprintf(f, "%%!%c(PANIC=String method: %v)", verb, err)
				return
			}
			fmt.Fprintf(f, directive(f, verb), s)
			return
		}
	}
	fmt.Fprintf(f, directive(f, verb), x.raw.Interface())
}

// shownString is the text of a value of a cell string type with a String
// method: a string still, for Print's spacing.
type shownString string

// shownPtr is a pointer to a container holding shown values, outside any
// container: fmt prints &{...}.
type shownPtr struct {
	elem any
	raw  reflect.Value
	typ  *showType
}

func (x *shownPtr) goTypeName() string { return x.typ.goName(0) }
func (x *shownPtr) rawValue() any      { return x.raw.Interface() }
func (x *shownPtr) String() string     { return fmt.Sprint(x) }
func (x *shownPtr) Format(f fmt.State, verb rune) {
	if verb == 'p' || f.Flag('#') {
		fmt.Fprintf(f, directive(f, verb), x.raw.Interface())
		return
	}
	f.Write([]byte{'&'})
	fmt.Fprintf(f, directive(f, verb), x.elem)
}

// shownList is a slice or array holding shown values.
type shownList struct {
	elems []any
	raw   reflect.Value
	typ   *showType
}

func (x *shownList) goTypeName() string { return x.typ.goName(0) }
func (x *shownList) rawValue() any      { return x.raw.Interface() }
func (x *shownList) String() string     { return fmt.Sprint(x) }
func (x *shownList) Format(f fmt.State, verb rune) {
	if f.Flag('#') {
		fmt.Fprintf(f, directive(f, verb), x.raw.Interface())
		return
	}
	d := directive(f, verb)
	f.Write([]byte{'['})
	for i, e := range x.elems {
		if i > 0 {
			f.Write([]byte{' '})
		}
		fmt.Fprintf(f, d, e)
	}
	f.Write([]byte{']'})
}

// shownStruct is a struct holding shown values in exported fields.
type shownStruct struct {
	names []string
	vals  []any
	raw   reflect.Value
	typ   *showType
}

func (x *shownStruct) goTypeName() string { return x.typ.goName(0) }
func (x *shownStruct) rawValue() any      { return x.raw.Interface() }
func (x *shownStruct) String() string     { return fmt.Sprint(x) }
func (x *shownStruct) Format(f fmt.State, verb rune) {
	if f.Flag('#') {
		fmt.Fprintf(f, directive(f, verb), x.raw.Interface())
		return
	}
	d := directive(f, verb)
	f.Write([]byte{'{'})
	for i, v := range x.vals {
		if i > 0 {
			f.Write([]byte{' '})
		}
		if f.Flag('+') {
			f.Write([]byte(x.names[i] + ":"))
		}
		if v == nil {
			f.Write([]byte("<nil>"))
			continue
		}
		fmt.Fprintf(f, d, v)
	}
	f.Write([]byte{'}'})
}

type mapEntry struct {
	rawKey   reflect.Value
	key, val any
}

// shownMap is a map holding shown keys or values, printed in fmt's key order.
type shownMap struct {
	entries []mapEntry
	raw     reflect.Value
	typ     *showType
}

func (x *shownMap) goTypeName() string { return x.typ.goName(0) }
func (x *shownMap) rawValue() any      { return x.raw.Interface() }
func (x *shownMap) String() string     { return fmt.Sprint(x) }
func (x *shownMap) Format(f fmt.State, verb rune) {
	if f.Flag('#') {
		fmt.Fprintf(f, directive(f, verb), x.raw.Interface())
		return
	}
	d := directive(f, verb)
	f.Write([]byte("map["))
	for i, e := range x.entries {
		if i > 0 {
			f.Write([]byte{' '})
		}
		fmt.Fprintf(f, d, e.key)
		f.Write([]byte{':'})
		fmt.Fprintf(f, d, e.val)
	}
	f.Write([]byte{']'})
}

// sortEntries orders map entries by key as fmt does (internal/fmtsort) for
// the key kinds maps of cell types use.
func sortEntries(es []mapEntry) {
	slices.SortStableFunc(es, func(a, b mapEntry) int { return compareKeys(a.rawKey, b.rawKey) })
}

func compareKeys(a, b reflect.Value) int {
	if a.Kind() != b.Kind() {
		return cmp.Compare(a.Kind(), b.Kind())
	}
	switch a.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cmp.Compare(a.Int(), b.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return cmp.Compare(a.Uint(), b.Uint())
	case reflect.String:
		return cmp.Compare(a.String(), b.String())
	case reflect.Float32, reflect.Float64:
		return cmp.Compare(a.Float(), b.Float())
	case reflect.Bool:
		switch {
		case a.Bool() == b.Bool():
			return 0
		case !a.Bool():
			return -1
		}
		return 1
	case reflect.Pointer, reflect.Chan:
		return cmp.Compare(a.Pointer(), b.Pointer())
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if c := compareKeys(a.Field(i), b.Field(i)); c != 0 {
				return c
			}
		}
		return 0
	case reflect.Array:
		for i := 0; i < a.Len(); i++ {
			if c := compareKeys(a.Index(i), b.Index(i)); c != 0 {
				return c
			}
		}
		return 0
	case reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return cmp.Compare(boolInt(!a.IsNil()), boolInt(!b.IsNil()))
		}
		return compareKeys(a.Elem(), b.Elem())
	}
	return 0
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// note is the Note helper: it runs after Result with the same final value
// and replaces the stored result by its presentation when the value holds
// values of cell types with String or Error methods that yaegi's wrapper
// would not show (in a slice, map or struct).
func (e *Engine) note(arg any) {
	if !e.rt.hasResult {
		return
	}
	switch e.rt.result.(type) {
	case error, fmt.Stringer:
		return // the value's own methods already print it
	}
	if t := reflect.TypeOf(e.rt.result); t != nil && slices.ContainsFunc(e.rich, t.Implements) {
		return // the caller renders it by its methods
	}
	defer func() {
		// A value this code does not understand stays as Result stored it.
		_ = recover()
	}()
	iv, t, ok := e.show.fromInterp(reflect.ValueOf(arg))
	if !ok {
		return
	}
	if p, changed := e.show.present(iv, t, 0); changed && p != nil {
		e.rt.result = forDisplay(p)
	}
}

// forDisplay adapts a presented result to the kernel's renderer (package
// display), which shows a slice of structs as a table and lists long slices in
// part: a slice of structs becomes a value with a Table method (display.Tabler),
// other slices a []any of the presented elements (each printed by its String
// method).
func forDisplay(p any) any {
	l, ok := p.(*shownList)
	if !ok {
		return p
	}
	var names []string
	for _, e := range l.elems {
		if st, ok := e.(*shownStruct); ok {
			names = st.names
			break
		}
	}
	if names == nil {
		return l.elems
	}
	return &shownTable{list: l, names: names}
}

// shownTable is a presented slice of structs: a table for display, the
// slice's text for fmt.
type shownTable struct {
	list  *shownList
	names []string
}

func (x *shownTable) String() string                { return x.list.String() }
func (x *shownTable) Format(f fmt.State, verb rune) { x.list.Format(f, verb) }

// Table returns the exported fields as columns, one row per element.
func (x *shownTable) Table() (columns []string, rows [][]any) {
	var keep []int
	for i, n := range x.names {
		if token.IsExported(n) {
			keep = append(keep, i)
			columns = append(columns, n)
		}
	}
	for _, e := range x.list.elems {
		row := make([]any, len(keep))
		switch e := e.(type) {
		case *shownStruct:
			for j, i := range keep {
				row[j] = e.vals[i]
				if _, presented := e.vals[i].(typeNamer); presented {
					// display formats cells by their kind, not by String.
					row[j] = fmt.Sprint(e.vals[i])
				}
			}
		default:
			v := reflect.ValueOf(e)
			if v.Kind() == reflect.Struct && v.NumField() == len(x.names) {
				for j, i := range keep {
					row[j] = v.Field(i).Interface()
				}
			}
		}
		rows = append(rows, row)
	}
	return columns, rows
}

// registerShowMethods evaluates, for every cell type with an Error or String
// method of its own or promoted from an embedded field, a caller of that
// method for the fmt helpers. It runs after every chunk that declared types
// or methods: a redefined type needs new callers.
func (e *Engine) registerShowMethods(p *plan) {
	e.show.setCodecMethods(e.methods)
	var stmts []string
	for _, name := range p.c.plainTypes() {
		stmts = append(stmts, fmt.Sprintf("%s.Reg(%q, *new(%s))", showBoxName, name, name))
	}
	for _, name := range slices.Sorted(maps.Keys(e.types)) {
		for _, m := range []string{"Error", "String"} {
			ptr, ok := e.textMethod(p, name, m, 0)
			if !ok {
				continue
			}
			if e.isGenericType(p, name) {
				e.show.setGenericText(name, m)
				break
			}
			stmts = append(stmts, fmt.Sprintf("%s.ShowMethod(%q, %t, func(p *%s) string { return p.%s() })", rtName, name, ptr, name, m))
			break
		}
	}
	for _, key := range slices.Sorted(maps.Keys(e.methods)) {
		name, m, _ := strings.Cut(key, ".")
		if m == "LogValue" && e.types[name] && !e.isGenericType(p, name) {
			stmts = append(stmts, fmt.Sprintf("%s.LogValuer(%q, func(p *%s) %s { return p.LogValue() })", rtName, name, name, e.methods[key].results))
			continue
		}
		sig, ok := codecCallerSigs[m]
		if !ok || !e.types[name] || e.isGenericType(p, name) {
			continue
		}
		stmts = append(stmts, fmt.Sprintf("%s.CodecMethod(%q, %t, func(p *%s%s) %s { return p.%s(%s) })",
			rtName, key, e.methods[key].ptr, name, sig.params, sig.results, m, sig.args))
	}
	if len(stmts) == 0 {
		return
	}
	if e.evalQuiet(strings.Join(stmts, "\n")) {
		return
	}
	for _, st := range stmts {
		// A generic type or one that failed to compile: no caller.
		e.evalQuiet(st)
	}
}

// codecCallerSigs are the methods of cell types json and xml call, with the
// rest of their caller's parameter list, the arguments and the results
// (codecvalue.go). xml's need the cell to import encoding/xml as xml.
var codecCallerSigs = map[string]struct{ params, args, results string }{
	"MarshalJSON":   {"", "", "([]byte, error)"},
	"MarshalText":   {"", "", "([]byte, error)"},
	"UnmarshalJSON": {", b []byte", "b", "error"},
	"UnmarshalText": {", b []byte", "b", "error"},
	"MarshalXML":    {", e *xml.Encoder, start xml.StartElement", "e, start", "error"},
	"UnmarshalXML":  {", d *xml.Decoder, start xml.StartElement", "d, start", "error"},
}

// evalQuiet evaluates a helper statement of the engine's, reporting whether
// it ran; yaegi panics that escape Eval count as failures.
func (e *Engine) evalQuiet(src string) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	_, err := e.interp.Eval(src)
	return err == nil
}

// plainTypes returns the names of the top-level types the cell declares
// without type parameters.
func (c *cellInfo) plainTypes() []string {
	var names []string
	for _, it := range c.items {
		if d, ok := it.decl.(*ast.GenDecl); ok && d.Tok == token.TYPE {
			for _, s := range d.Specs {
				if ts := s.(*ast.TypeSpec); ts.TypeParams == nil {
					names = append(names, ts.Name.Name)
				}
			}
		}
	}
	return names
}

// textMethod reports whether cell type name has method m() string, its own
// or promoted from an embedded field, and whether only pointers have it.
func (e *Engine) textMethod(p *plan, name, m string, depth int) (ptr, ok bool) {
	if sig := e.methods[name+"."+m]; sig != nil {
		return sig.ptr, len(sig.params) == 0 && strings.TrimSpace(sig.results) == "string"
	}
	if depth > 5 {
		return false, false
	}
	found := 0
	for _, emb := range e.embedded(p, name) {
		eptr, eok := e.textMethod(p, emb.name, m, depth+1)
		if eok {
			found++
			ptr, ok = eptr && !emb.ptr, true
		}
	}
	if found > 1 {
		return false, false // ambiguous selector: neither is promoted
	}
	return ptr, ok
}

type embeddedField struct {
	name string
	ptr  bool
}

// embedded returns the cell types embedded in cell struct type name, read
// from its stored declaration.
func (e *Engine) embedded(p *plan, name string) []embeddedField {
	d := e.declOf(p, name)
	if d == nil || !d.isType {
		return nil
	}
	ts, _ := typeSpecIn(d.src, name)
	if ts == nil {
		return nil
	}
	var out []embeddedField
	for _, emb := range embeddedTypes(ts) {
		if id, ok := emb.typ.(*ast.Ident); ok && e.types[id.Name] {
			out = append(out, embeddedField{id.Name, emb.ptr})
		}
	}
	return out
}

// embeddedType is an embedded field of a struct declaration: its type
// (without the *) and whether it is a pointer.
type embeddedType struct {
	typ ast.Expr
	ptr bool
}

// embeddedTypes lists the embedded fields of struct type spec ts.
func embeddedTypes(ts *ast.TypeSpec) []embeddedType {
	st, ok := ts.Type.(*ast.StructType)
	if !ok || st.Fields == nil {
		return nil
	}
	var out []embeddedType
	for _, fl := range st.Fields.List {
		if len(fl.Names) > 0 {
			continue
		}
		x, isPtr := fl.Type, false
		if star, ok := x.(*ast.StarExpr); ok {
			x, isPtr = star.X, true
		}
		out = append(out, embeddedType{x, isPtr})
	}
	return out
}

// hasStringMethods reports whether a cell type has a String or Error method.
func (e *Engine) hasStringMethods() bool {
	for k := range e.methods {
		if strings.HasSuffix(k, ".String") || strings.HasSuffix(k, ".Error") {
			return true
		}
	}
	return false
}
