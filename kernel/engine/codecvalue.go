package engine

import (
	"encoding"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// encoding/json and encoding/xml see cell values through yaegi's reflect
// types, which differ from Go's in three ways that change their output:
//
//   - an embedded struct is an ordinary named field (yaegi marks a field
//     Anonymous only in a one-field struct, golang/go#15924), so its fields
//     were nested instead of promoted, and left empty when decoding;
//   - a cell value held in an interface (map[string]any, []any, a field of
//     type any or error) is yaegi's valueInterface, which has no exported
//     fields: it encoded as {};
//   - a cell type has no name, so xml could not name its element.
//
// The front-end routes the value argument of json's and xml's Marshal,
// MarshalIndent, Unmarshal, Encode, Decode, EncodeElement and DecodeElement
// through codecValue (reflectguard.go), which hands the encoder a value of a
// mirror type that has Go's shape: embedded structs marked Anonymous,
// interfaces holding the real values, the element named after the cell type.
// A decoder gets the same memory seen through the mirror type, which has the
// same layout. A cell type's own MarshalJSON, MarshalXML, MarshalText,
// UnmarshalJSON, UnmarshalXML or UnmarshalText is called through a caller
// the engine evaluated for it: the encoder gets what it writes in the
// value's place, a decoder decodes into a mirror in which the type is raw
// JSON, an element's tokens or text, handed to the method (codecTarget).
// What cannot be mirrored (MarshalXMLAttr, an embedded library type whose
// methods Go would promote) is refused with an error naming the type,
// never encoded differently from Go. One difference stays: an error a
// cell's MarshalJSON returns fails the cell, where json.Marshal returns it.

// codecOp says which encoder a value is for and in which direction.
type codecOp struct {
	kind   string // "json" or "xml"; "" when the receiver's type is unknown
	decode bool
	// check is set when the receiver's type is unknown: the value is
	// checked as for json and for xml.
	check bool
}

func parseCodecOp(op string) codecOp {
	kind, dir, _ := strings.Cut(op, ".")
	if kind == "check" {
		kind = ""
	}
	return codecOp{kind: kind, decode: dir == "decode"}
}

// codecMethods are, by encoder and direction, the methods through which a
// type controls its own encoding: compiled code cannot call them on a cell
// type.
var codecMethods = map[codecOp][]string{
	{kind: "json"}:               {"MarshalJSON", "MarshalText"},
	{kind: "json", decode: true}: {"UnmarshalJSON", "UnmarshalText"},
	{kind: "xml"}:                {"MarshalXML", "MarshalXMLAttr", "MarshalText"},
	{kind: "xml", decode: true}:  {"UnmarshalXML", "UnmarshalXMLAttr", "UnmarshalText"},
}

// codecInterfaces are the interfaces behind codecMethods, for library types.
var codecInterfaces = map[codecOp][]reflect.Type{
	{kind: "json"}:               {reflect.TypeFor[json.Marshaler](), reflect.TypeFor[encoding.TextMarshaler]()},
	{kind: "json", decode: true}: {reflect.TypeFor[json.Unmarshaler](), reflect.TypeFor[encoding.TextUnmarshaler]()},
	{kind: "xml"}:                {reflect.TypeFor[xml.Marshaler](), reflect.TypeFor[xml.MarshalerAttr](), reflect.TypeFor[encoding.TextMarshaler]()},
	{kind: "xml", decode: true}:  {reflect.TypeFor[xml.Unmarshaler](), reflect.TypeFor[xml.UnmarshalerAttr](), reflect.TypeFor[encoding.TextUnmarshaler]()},
}

var (
	anyType        = reflect.TypeFor[any]()
	rawMessageType = reflect.TypeFor[json.RawMessage]()
	xmlNameType    = reflect.TypeFor[xml.Name]()
	errCodecDepth  = errors.New("the value is nested too deeply, or refers to itself")
)

// codecValue is the show box's Refl: the value to give the encoder in place
// of v, or nil when v itself is right. op is "json.encode", "xml.decode",
// ..., or "check.encode"/"check.decode" for a receiver whose type the
// front-end does not know: then v cannot be replaced, and a value that would
// need it is refused. It panics with an error naming where when v cannot be
// encoded as Go would.
func (s *shower) codecValue(v any, op, where string) any {
	val, t := s.static(reflect.ValueOf(v))
	if !val.IsValid() {
		return nil
	}
	o := parseCodecOp(op)
	var out any
	var err error
	if o.kind == "gob" {
		// gob needs no other shape, but cannot encode the interpreter's
		// values held in interfaces.
		if name, ok := s.cellValueInInterface(val, t, 0); ok {
			panic(fmt.Errorf("%s: an interface value holds %s, a type defined in a cell, which gob cannot encode from an interface "+
				"(the interpreter's value has no exported fields for it); encode a struct whose field has the concrete type", where, name))
		}
		return nil
	}
	if o.kind == "" {
		err = s.codecCheck(val, t, o.decode)
	} else {
		out, err = s.codecConvert(val, t, o)
	}
	if err != nil {
		panic(fmt.Errorf("%s: %w", where, err))
	}
	return out
}

// codecCheck refuses v when json or xml would need a converted value.
func (s *shower) codecCheck(v reflect.Value, t *showType, decode bool) error {
	for _, kind := range []string{"json", "xml"} {
		// An unnamed cell struct gives xml an error of its own, not a
		// wrong answer: only what would be wrong is refused.
		out, err := s.codecConvert(v, t, codecOp{kind: kind, decode: decode, check: true})
		if err != nil {
			return err
		}
		if out != nil {
			name := v.Type().String()
			if t != nil {
				name = t.goName(0)
			}
			return fmt.Errorf("gopad cannot tell which encoder this is, and %s values need its help to encode as Go would; "+
				"call it on a variable declared from json.NewEncoder/NewDecoder or xml.NewEncoder/NewDecoder", name)
		}
	}
	return nil
}

// codecConvert returns the value to encode or decode in place of v, or nil.
func (s *shower) codecConvert(v reflect.Value, t *showType, o codecOp) (any, error) {
	if o.decode {
		// Decoding writes through a pointer: the decoder gets the same
		// memory typed by the mirror, which has the same layout.
		m, err := s.mirror(t, v.Type(), o)
		if err != nil || m == v.Type() || v.Kind() != reflect.Pointer || v.IsNil() {
			return nil, err
		}
		if sameLayout(m, v.Type(), 0) {
			return reflect.NewAt(m.Elem(), v.UnsafePointer()).Interface(), nil
		}
		// A cell type's own decoding method is reached: the decoder
		// fills a value of the mirror type, in which those types are what
		// stands in for them, and the cell's methods decode that
		// (codecTarget).
		var elem *showType
		if u := t.underlying(); u != nil && u.cat == "ptrT" {
			elem = u.elem
		}
		return &codecTarget{s: s, dst: v.Elem(), t: elem, mirror: m.Elem()}, nil
	}
	unwrapped := false
	if isInterfaceSlot(v.Type()) || isInterfaceType(t) {
		// The encoder takes an interface: it sees what it holds, which
		// may be wrapped by yaegi.
		dv, dt := s.dynamic(v)
		if !dv.IsValid() {
			return nil, nil
		}
		v, t, unwrapped = dv, dt, true
	}
	c := codecWalk{s: s, op: o}
	out, changed, err := c.encode(v, t, 0, false)
	if err != nil {
		return nil, err
	}
	if o.kind == "xml" && !o.check {
		named, ok, err := c.xmlNamed(out, t)
		if err != nil {
			return nil, err
		}
		if ok {
			out, changed = named, true
		}
	}
	if !changed && !unwrapped {
		return nil, nil
	}
	return out.Interface(), nil
}

// mirrorKey caches mirror types by interpreter type, reflect type and
// operation.
type mirrorKey struct {
	t  *showType
	rt reflect.Type
	op codecOp
}

type mirrorResult struct {
	rt  reflect.Type
	err error
}

// mirrorState is one mirror computation: the types being mirrored, and
// whether one of them was met again inside itself (a recursive type, whose
// mirror reflection cannot build).
type mirrorState struct {
	open      map[*showType]bool
	recursive bool
	results   map[mirrorKey]mirrorResult
}

// mirror returns the type with Go's shape for values of interpreter type t
// (nil when unknown) whose reflect type is rt: rt itself when nothing
// differs.
func (s *shower) mirror(t *showType, rt reflect.Type, o codecOp) (reflect.Type, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &mirrorState{open: map[*showType]bool{}, results: map[mirrorKey]mirrorResult{}}
	m, err := s.mirrorLocked(t, rt, o, st)
	if st.recursive {
		// What was computed inside a recursive type assumed the type
		// unchanged: keep only the answer for t, and only if it is.
		if err == nil && m != rt {
			err = fmt.Errorf("%s refers to itself and needs a reshaped type (for an embedded struct or an interface), which reflection cannot build for a recursive type", t.goName(0))
		}
		st.results = map[mirrorKey]mirrorResult{{t, rt, o}: {m, err}}
	}
	if s.mirrors == nil {
		s.mirrors = map[mirrorKey]mirrorResult{}
	}
	for k, r := range st.results {
		s.mirrors[k] = r
	}
	return m, err
}

// mirrorLocked is mirror with s.mu held.
func (s *shower) mirrorLocked(t *showType, rt reflect.Type, o codecOp, st *mirrorState) (reflect.Type, error) {
	if !o.decode && isInterfaceSlot(rt) {
		// An interface's content is replaced by its real value, which
		// may not implement the interface in reflect's eyes.
		return anyType, nil
	}
	if t == nil {
		return rt, nil
	}
	key := mirrorKey{t, rt, o}
	if r, ok := s.mirrors[key]; ok {
		return r.rt, r.err
	}
	if r, ok := st.results[key]; ok {
		return r.rt, r.err
	}
	if st.open[t] {
		st.recursive = true
		return rt, nil
	}
	st.open[t] = true
	m, err := s.mirrorType(t, rt, o, st)
	delete(st.open, t)
	st.results[key] = mirrorResult{m, err}
	return m, err
}

func (s *shower) mirrorType(t *showType, rt reflect.Type, o codecOp, st *mirrorState) (reflect.Type, error) {
	if m, ok, err := s.ownCodecMethod(t, o); err != nil || ok {
		return substituteType(o, m), err // the cell's method writes or reads what stands in its place
	}
	u := t.underlying()
	if u == nil {
		return rt, nil
	}
	switch {
	case u.cat == "ptrT" && rt.Kind() == reflect.Pointer:
		e, err := s.mirrorLocked(u.elem, rt.Elem(), o, st)
		if err != nil || e == rt.Elem() {
			return rt, err
		}
		return reflect.PointerTo(e), nil
	case (u.cat == "sliceT" || u.cat == "variadicT") && rt.Kind() == reflect.Slice:
		e, err := s.mirrorLocked(u.elem, rt.Elem(), o, st)
		if err != nil || e == rt.Elem() {
			return rt, err
		}
		return reflect.SliceOf(e), nil
	case u.cat == "arrayT" && rt.Kind() == reflect.Array:
		e, err := s.mirrorLocked(u.elem, rt.Elem(), o, st)
		if err != nil || e == rt.Elem() {
			return rt, err
		}
		return reflect.ArrayOf(rt.Len(), e), nil
	case u.cat == "mapT" && rt.Kind() == reflect.Map:
		if m, ok, err := s.ownCodecMethod(u.key, o); err != nil || ok {
			if err == nil {
				err = fmt.Errorf("%s is a map key with a %s method, which gopad cannot have the encoder call for a key; use string keys", u.key.goName(0), m)
			}
			return nil, err
		}
		e, err := s.mirrorLocked(u.elem, rt.Elem(), o, st)
		if err != nil || e == rt.Elem() {
			return rt, err
		}
		return reflect.MapOf(rt.Key(), e), nil
	case u.cat == "structT" && rt.Kind() == reflect.Struct && rt.NumField() == len(u.fields):
		return s.mirrorStruct(t, u, rt, o, st)
	}
	return rt, nil
}

// mirrorStruct mirrors a struct type: fields of mirrored types, embedded
// structs marked Anonymous as Go marks them.
func (s *shower) mirrorStruct(t, u *showType, rt reflect.Type, o codecOp, st *mirrorState) (reflect.Type, error) {
	fields := make([]reflect.StructField, rt.NumField())
	changed := false
	for i, f := range u.fields {
		sf := rt.Field(i)
		fields[i] = reflect.StructField{Name: sf.Name, PkgPath: sf.PkgPath, Type: sf.Type, Tag: sf.Tag, Anonymous: sf.Anonymous}
		if sf.Tag.Get(o.kind) == "-" || sf.PkgPath != "" {
			continue // left out by the encoder (an unexported field is tagged "-")
		}
		ft, err := s.mirrorLocked(f.typ, sf.Type, o, st)
		if err != nil {
			return nil, err
		}
		fields[i].Type = ft
		changed = changed || ft != sf.Type
		if !f.embed || sf.Anonymous {
			continue
		}
		if m := promotedCodecMethod(ft, o); m != "" {
			return nil, fmt.Errorf("%s embeds %s, whose %s method Go promotes to %s for the encoder, which gopad cannot do for a type defined in a cell; "+
				"make it a named field (%s %s)", t.goName(0), f.typ.goName(0), m, t.goName(0), f.name, f.typ.goName(0))
		}
		base := ft
		if base.Kind() == reflect.Pointer {
			base = base.Elem()
		}
		if base.Kind() != reflect.Struct {
			continue // Go encodes an embedded non-struct under its type name, as yaegi's named field does
		}
		if name, _, _ := strings.Cut(sf.Tag.Get(o.kind), ","); name != "" {
			continue // a tagged embedded struct is a named field in Go too
		}
		if base.NumMethod() > 0 || reflect.PointerTo(base).NumMethod() > 0 {
			// reflect.StructOf cannot embed a type with methods, and
			// Go's encoding would promote them.
			return nil, fmt.Errorf("%s embeds %s, which has methods, and gopad cannot give the encoder a type that embeds it as Go does; "+
				"make it a named field (%s %s) or copy the fields you need", t.goName(0), f.typ.goName(0), f.name, f.typ.goName(0))
		}
		fields[i].Anonymous = true
		changed = true
	}
	if !changed {
		return rt, nil
	}
	var m reflect.Type
	var err error
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("gopad cannot build the encoder's view of %s: %v", t.goName(0), r)
			}
		}()
		m = reflect.StructOf(fields)
	}()
	return m, err
}

// ownCodecMethod reports whether t is a cell type with a method json
// calls (its name), which gopad can call for it (ok: json gets raw JSON in
// its place); it refuses one gopad cannot call (xml's, or a method whose
// caller did not compile). s.mu is held.
func (s *shower) ownCodecMethod(t *showType, o codecOp) (method string, ok bool, err error) {
	if !t.isCell() {
		return "", false, nil
	}
	name, _, _ := strings.Cut(t.name, "[")
	for _, m := range codecMethods[codecOp{kind: o.kind, decode: o.decode}] {
		if !s.codecMethods[name+"."+m] {
			continue
		}
		if _, callable := s.codecCallers[name+"."+m]; callable && t.name == name && substituteType(o, m) != nil {
			return m, true, nil
		}
		verb, call := "encoded", "b, err := v."+m+"()"
		if o.decode {
			verb, call = "decoded", "err := v."+m+"(data)"
		}
		return m, false, fmt.Errorf("%s has a %s method, which compiled encoding/%s cannot call on a type defined in a cell, so the value would be %s without it; "+
			"call the method yourself (%s) or define the type in a Go package", t.goName(0), m, o.kind, verb, call)
	}
	return "", false, nil
}

// codecCaller calls a cell type's MarshalJSON, MarshalText, UnmarshalJSON
// or UnmarshalText on a pointer (a func evaluated in the interpreter,
// Engine.registerShowMethods); ptr tells a pointer receiver.
type codecCaller struct {
	fn  reflect.Value
	ptr bool
}

// setCodecMethod records the caller of method key ("T.MarshalJSON").
func (s *shower) setCodecMethod(key string, ptr bool, fn any) {
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Func {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.codecCallers == nil {
		s.codecCallers = map[string]codecCaller{}
	}
	s.codecCallers[key] = codecCaller{fn: v, ptr: ptr}
	s.mirrors = nil
}

// codecCallerOf returns the caller of the first of methods t has.
func (s *shower) codecCallerOf(t *showType, methods ...string) (string, codecCaller, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, m := range methods {
		if c, ok := s.codecCallers[t.name+"."+m]; ok {
			return m, c, true
		}
	}
	return "", codecCaller{}, false
}

// sameLayout reports whether values of a and b have the same memory layout
// (a decoder may write one through the other).
func sameLayout(a, b reflect.Type, depth int) bool {
	if a == b {
		return true
	}
	if depth > 20 || a.Kind() != b.Kind() || a.Size() != b.Size() || a.Align() != b.Align() {
		return false
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return sameLayout(a.Elem(), b.Elem(), depth+1)
	case reflect.Map:
		return a.Key() == b.Key() && sameLayout(a.Elem(), b.Elem(), depth+1)
	case reflect.Struct:
		if a.NumField() != b.NumField() {
			return false
		}
		for i := range a.NumField() {
			fa, fb := a.Field(i), b.Field(i)
			if fa.Offset != fb.Offset || !sameLayout(fa.Type, fb.Type, depth+1) {
				return false
			}
		}
		return true
	case reflect.Interface:
		return a.NumMethod() == 0 && b.NumMethod() == 0
	}
	return true
}

// promotedCodecMethod returns the name of a method of the codec's interfaces
// that a library type rt (or *rt) has, "" for none.
func promotedCodecMethod(rt reflect.Type, o codecOp) string {
	for _, it := range codecInterfaces[codecOp{kind: o.kind, decode: o.decode}] {
		if rt.Implements(it) || rt.Kind() != reflect.Pointer && reflect.PointerTo(rt).Implements(it) {
			return it.Method(0).Name
		}
	}
	return ""
}

// isInterfaceType reports whether t is an interface type.
func isInterfaceType(t *showType) bool {
	u := t.underlying()
	return u != nil && (u.cat == "interfaceT" || u.cat == "errorT" || u.cat == "valueT" && u.rtype != nil && u.rtype.Kind() == reflect.Interface)
}

// isInterfaceSlot reports whether values of rt are interfaces, compiled or
// yaegi's own.
func isInterfaceSlot(rt reflect.Type) bool {
	return rt.Kind() == reflect.Interface || rt.Kind() == reflect.Struct && rt.Name() == "valueInterface" && rt.PkgPath() == "github.com/traefik/yaegi/interp"
}

// codecWalk builds the value to encode.
type codecWalk struct {
	s  *shower
	op codecOp
}

// encode returns v as a value of its mirror type, with the real values in
// its interfaces; changed is false when v itself is that value.
//
// addr tells whether Go's encoder would see v as addressable (through a
// pointer or a slice), when it calls pointer methods.
func (c *codecWalk) encode(v reflect.Value, t *showType, depth int, addr bool) (out reflect.Value, changed bool, err error) {
	if depth > 100 {
		return v, false, errCodecDepth
	}
	rt := v.Type()
	if isInterfaceSlot(rt) {
		return c.encodeInterface(v, depth)
	}
	m, err := c.s.mirror(t, rt, c.op)
	if err != nil {
		return v, false, err
	}
	if isSubstitute(m) && m != rt {
		out, err := c.marshalCell(v, t, addr)
		return out, true, err
	}
	if m == rt && !c.mayHold(t, rt) {
		return v, false, nil
	}
	u := t.underlying()
	var elemType *showType
	if u != nil {
		elemType = u.elem
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return reflect.Zero(m), m != rt, nil
		}
		e, ch, err := c.encode(v.Elem(), elemType, depth+1, true)
		if err != nil || !ch {
			return v, false, err
		}
		p := reflect.New(e.Type())
		p.Elem().Set(e)
		return p, true, nil
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return reflect.Zero(m), m != rt, nil
		}
		var out reflect.Value
		if v.Kind() == reflect.Slice {
			out = reflect.MakeSlice(m, v.Len(), v.Len())
		} else {
			out = reflect.New(m).Elem()
		}
		changed := m != rt
		for i := range v.Len() {
			e, ch, err := c.encode(v.Index(i), elemType, depth+1, addr || v.Kind() == reflect.Slice)
			if err != nil {
				return v, false, err
			}
			changed = changed || ch
			out.Index(i).Set(e)
		}
		if !changed {
			return v, false, nil
		}
		return out, true, nil
	case reflect.Map:
		if v.IsNil() {
			return reflect.Zero(m), m != rt, nil
		}
		out := reflect.MakeMapWithSize(m, v.Len())
		changed := m != rt
		it := v.MapRange()
		for it.Next() {
			e, ch, err := c.encode(it.Value(), elemType, depth+1, false)
			if err != nil {
				return v, false, err
			}
			changed = changed || ch
			out.SetMapIndex(it.Key(), e)
		}
		if !changed {
			return v, false, nil
		}
		return out, true, nil
	case reflect.Struct:
		var fields []showField
		if u != nil && u.cat == "structT" && len(u.fields) == rt.NumField() {
			fields = u.fields
		}
		out := reflect.New(m).Elem()
		if m == rt {
			out.Set(v)
		}
		changed := m != rt
		for i := range rt.NumField() {
			sf := rt.Field(i)
			if sf.PkgPath != "" {
				continue // unexported: the encoder does not see it (kept by out.Set)
			}
			var ft *showType
			if fields != nil {
				ft = fields[i].typ
			}
			fv := v.Field(i)
			if sf.Tag.Get(c.op.kind) == "-" {
				out.Field(i).Set(fv)
				continue
			}
			e, ch, err := c.encode(fv, ft, depth+1, addr)
			if err != nil {
				return v, false, err
			}
			changed = changed || ch
			out.Field(i).Set(e)
		}
		if !changed {
			return v, false, nil
		}
		return out, true, nil
	}
	return v, false, nil
}

// encodeInterface replaces an interface by the value it holds, converted.
func (c *codecWalk) encodeInterface(v reflect.Value, depth int) (reflect.Value, bool, error) {
	dv, dt := c.s.dynamic(v)
	if !dv.IsValid() {
		return reflect.Zero(anyType), true, nil
	}
	e, _, err := c.encode(dv, dt, depth+1, false)
	if err != nil {
		return v, false, err
	}
	out := reflect.New(anyType).Elem()
	out.Set(e)
	return out, true, nil
}

// mayHold reports whether values of t (or of rt, for a library type) can
// hold interfaces, whose content must be replaced.
func (c *codecWalk) mayHold(t *showType, rt reflect.Type) bool {
	if t == nil {
		return reflectMayHoldInterface(rt, 0)
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if c.s.holdsInterface == nil {
		c.s.holdsInterface = map[*showType]bool{}
	}
	h, _ := holdsInterface(t, c.s.holdsInterface, map[*showType]bool{}, 0)
	return h
}

// holdsInterface reports whether values of t can hold interfaces, caching
// the answer in known. An answer that assumed a type still open (a
// recursive type met inside itself) is not cached: provisional is set.
// s.mu is held.
func holdsInterface(t *showType, known, open map[*showType]bool, depth int) (h, provisional bool) {
	if t == nil || depth > 30 {
		return false, false
	}
	if h, ok := known[t]; ok {
		return h, false
	}
	if open[t] {
		return false, true
	}
	open[t] = true
	defer delete(open, t)
	visit := func(c *showType) {
		ch, cp := holdsInterface(c, known, open, depth+1)
		h, provisional = h || ch, provisional || cp
	}
	switch u := t.underlying(); {
	case u == nil:
	case u.cat == "interfaceT" || u.cat == "errorT":
		h = true
	case u.cat == "valueT":
		h = u.rtype != nil && reflectMayHoldInterface(u.rtype, 0)
	case u.cat == "structT":
		for _, f := range u.fields {
			visit(f.typ)
		}
	default:
		visit(u.elem)
	}
	if h || !provisional {
		known[t] = h
	}
	return h, provisional && !h
}

// reflectMayHoldInterface reports whether values of a library type can hold
// interfaces the encoder would see (exported fields only).
func reflectMayHoldInterface(rt reflect.Type, depth int) bool {
	if depth > 8 {
		return false
	}
	switch rt.Kind() {
	case reflect.Interface:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return reflectMayHoldInterface(rt.Elem(), depth+1)
	case reflect.Map:
		return reflectMayHoldInterface(rt.Elem(), depth+1)
	case reflect.Struct:
		for i := range rt.NumField() {
			if f := rt.Field(i); f.IsExported() && reflectMayHoldInterface(f.Type, depth+1) {
				return true
			}
		}
	}
	return false
}

// xmlNamed gives a cell struct at the top of an xml encoding (or each
// element of a top slice) an XMLName field naming the cell type, as Go
// names the element after the type; yaegi's struct types have no name.
func (c *codecWalk) xmlNamed(v reflect.Value, t *showType) (reflect.Value, bool, error) {
	u := t.underlying()
	switch {
	case !v.IsValid() || t == nil:
		return v, false, nil
	case isSubstitute(v.Type()):
		// A cell type's own MarshalXML or MarshalText: the element is
		// named after the cell type, as Go names it.
		name, _, _ := strings.Cut(t.name, "[")
		if name == "" {
			return v, false, nil
		}
		switch x := v.Interface().(type) {
		case xmlMarshaler:
			return reflect.ValueOf(xmlMarshaler{func(e *xml.Encoder, start xml.StartElement) error {
				if start.Name.Local == reflect.TypeFor[xmlMarshaler]().Name() && start.Name.Space == "" {
					start.Name.Local = name
				}
				return x.call(e, start)
			}}), true, nil
		case xmlText:
			return reflect.ValueOf(xmlMarshaler{func(e *xml.Encoder, start xml.StartElement) error {
				start.Name = xml.Name{Local: name}
				return e.EncodeElement(string(x.text), start)
			}}), true, nil
		}
		return v, false, nil
	case v.Kind() == reflect.Interface:
		if v.IsNil() {
			return v, false, nil
		}
		dv, dt := c.s.dynamic(v)
		out, ok, err := c.xmlNamed(dv, dt)
		if !ok || err != nil {
			return v, false, err
		}
		return out, true, nil
	case v.Kind() == reflect.Pointer && u != nil && u.cat == "ptrT":
		if v.IsNil() {
			return v, false, nil
		}
		return c.xmlNamed(v.Elem(), u.elem)
	case (v.Kind() == reflect.Slice || v.Kind() == reflect.Array) && u != nil && (u.cat == "sliceT" || u.cat == "arrayT") && u.elem.isCell():
		elems := make([]reflect.Value, v.Len())
		for i := range elems {
			e, ok, err := c.xmlNamed(v.Index(i), u.elem)
			if err != nil {
				return v, false, err
			}
			if !ok {
				return v, false, nil
			}
			elems[i] = e
		}
		if len(elems) == 0 {
			return v, false, nil
		}
		out := reflect.MakeSlice(reflect.SliceOf(elems[0].Type()), len(elems), len(elems))
		for i, e := range elems {
			out.Index(i).Set(e)
		}
		return out, true, nil
	case v.Kind() == reflect.Struct && t.isCell():
		if _, has := v.Type().FieldByName("XMLName"); has {
			return v, false, nil
		}
		name, _, _ := strings.Cut(t.name, "[")
		fields := []reflect.StructField{{Name: "XMLName", Type: xmlNameType, Tag: reflect.StructTag(`xml:"` + name + `"`)}}
		for i := range v.NumField() {
			fields = append(fields, v.Type().Field(i))
		}
		var m reflect.Type
		func() {
			defer func() { _ = recover() }()
			m = reflect.StructOf(fields)
		}()
		if m == nil {
			return v, false, nil
		}
		out := reflect.New(m).Elem()
		for i := range v.NumField() {
			if v.Type().Field(i).PkgPath == "" {
				out.Field(i + 1).Set(v.Field(i))
			}
		}
		return out, true, nil
	}
	return v, false, nil
}

// marshalCell calls v's MarshalJSON, MarshalText or MarshalXML as Go's
// encoder would, and returns what stands in v's place: raw JSON, or for
// xml a value whose method calls the cell's.
func (c *codecWalk) marshalCell(v reflect.Value, t *showType, addr bool) (reflect.Value, error) {
	methods := []string{"MarshalJSON", "MarshalText"}
	if c.op.kind == "xml" {
		methods = []string{"MarshalXML", "MarshalText"}
	}
	m, caller, ok := c.s.codecCallerOf(t, methods...)
	if !ok {
		return reflect.Value{}, fmt.Errorf("%s: no caller of its %s", t.goName(0), methods[0])
	}
	if caller.ptr && !addr {
		// Go's encoder calls a pointer method only on an addressable
		// value, and encodes this one by its fields.
		return reflect.Value{}, fmt.Errorf("%s's %s has a pointer receiver and this value is not addressable, so Go would encode it without calling %s; "+
			"pass a pointer (&v) to have it called, or give %s a value receiver", t.goName(0), m, m, m)
	}
	p := reflect.New(v.Type())
	p.Elem().Set(v)
	if m == "MarshalXML" {
		return reflect.ValueOf(xmlMarshaler{func(e *xml.Encoder, start xml.StartElement) error {
			out := caller.fn.Call([]reflect.Value{p, reflect.ValueOf(e), reflect.ValueOf(start)})
			err, _ := out[0].Interface().(error)
			return err
		}}), nil
	}
	out := caller.fn.Call([]reflect.Value{p})
	if err, _ := out[1].Interface().(error); err != nil {
		return reflect.Value{}, fmt.Errorf("%s: error calling %s for type %s: %w", c.op.kind, m, t.goName(0), err)
	}
	b, _ := out[0].Interface().([]byte)
	switch {
	case c.op.kind == "xml":
		return reflect.ValueOf(xmlText{b}), nil
	case m == "MarshalText":
		raw, err := json.Marshal(string(b))
		return reflect.ValueOf(json.RawMessage(raw)), err
	case b == nil:
		return reflect.ValueOf(json.RawMessage("null")), nil
	}
	return reflect.ValueOf(json.RawMessage(b)), nil
}

// The types that stand in a mirror for a cell type whose own methods json
// or xml call: raw JSON, and for xml values whose methods call the cell's
// (encoding) or keep what the decoder gives them for the cell's methods
// (decoding).
type (
	xmlMarshaler struct {
		call func(*xml.Encoder, xml.StartElement) error
	}
	xmlText struct{ text []byte }
	// xmlCapture keeps an element's tokens, start to end.
	xmlCapture struct{ tokens []xml.Token }
	// xmlTextCapture keeps an element's or attribute's text.
	xmlTextCapture struct {
		text []byte
		set  bool
	}
)

func (x xmlMarshaler) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return x.call(e, start)
}

func (x xmlText) MarshalText() ([]byte, error) { return x.text, nil }

func (x *xmlCapture) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	x.tokens = append(x.tokens[:0], start.Copy())
	for depth := 1; depth > 0; {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
		x.tokens = append(x.tokens, xml.CopyToken(tok))
	}
	return nil
}

func (x *xmlTextCapture) UnmarshalText(b []byte) error {
	x.text, x.set = append([]byte(nil), b...), true
	return nil
}

// tokenList replays captured tokens to a decoder.
type tokenList struct{ tokens []xml.Token }

func (l *tokenList) Token() (xml.Token, error) {
	if len(l.tokens) == 0 {
		return nil, io.EOF
	}
	tok := l.tokens[0]
	l.tokens = l.tokens[1:]
	return tok, nil
}

var substituteTypes = map[reflect.Type]bool{
	rawMessageType:                    true,
	reflect.TypeFor[xmlMarshaler]():   true,
	reflect.TypeFor[xmlText]():        true,
	reflect.TypeFor[xmlCapture]():     true,
	reflect.TypeFor[xmlTextCapture](): true,
}

func isSubstitute(t reflect.Type) bool { return substituteTypes[t] }

// substituteType is the type that stands in the mirror for a cell type
// whose method m the encoder or decoder of o calls; nil for none.
func substituteType(o codecOp, m string) reflect.Type {
	switch {
	case o.kind == "json":
		return rawMessageType
	case o.kind == "xml" && m == "MarshalXML":
		return reflect.TypeFor[xmlMarshaler]()
	case o.kind == "xml" && m == "MarshalText":
		return reflect.TypeFor[xmlText]()
	case o.kind == "xml" && m == "UnmarshalXML":
		return reflect.TypeFor[xmlCapture]()
	case o.kind == "xml" && m == "UnmarshalText":
		return reflect.TypeFor[xmlTextCapture]()
	}
	return nil
}

// codecTarget decodes into dst, a value of interpreter type t, through a
// value of its mirror type in which the cell types with UnmarshalJSON,
// UnmarshalXML or UnmarshalText are what stands in for them (raw JSON, an
// element's tokens, text), which their methods then decode, as Go's
// decoders call them. It is both a json.Unmarshaler and an xml.Unmarshaler.
type codecTarget struct {
	s      *shower
	dst    reflect.Value
	t      *showType
	mirror reflect.Type
}

func (j *codecTarget) UnmarshalJSON(data []byte) error {
	m := reflect.New(j.mirror)
	if err := json.Unmarshal(data, m.Interface()); err != nil {
		return err
	}
	return j.finish(m.Elem())
}

func (j *codecTarget) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	m := reflect.New(j.mirror)
	if err := d.DecodeElement(m.Interface(), &start); err != nil {
		return err
	}
	return j.finish(m.Elem())
}

// finish builds dst from the decoded mirror value.
func (j *codecTarget) finish(m reflect.Value) error {
	if !isSubstitute(j.mirror) && !fresh(j.dst) {
		// Go's decoder decodes into what dst already holds, keeping what
		// the input leaves out; gopad builds the value anew.
		return fmt.Errorf("gopad decodes values of types with their own decoding methods only into a variable that holds nothing yet (%s holds a value); decode into a new variable", j.t.goName(0))
	}
	return j.build(j.dst, m, j.t, 0)
}

// fresh reports whether building v anew gives what decoding into it would:
// v holds nothing a decoder could keep (a nil pointer, a slice without
// capacity, a zero value).
func fresh(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer:
		return v.IsNil() || fresh(v.Elem())
	case reflect.Slice:
		return v.Cap() == 0
	}
	return v.IsZero()
}

// build sets dst (of interpreter type t) from src, a value of its mirror
// type.
func (j *codecTarget) build(dst, src reflect.Value, t *showType, depth int) error {
	if depth > 100 {
		return errCodecDepth
	}
	if isSubstitute(src.Type()) && dst.Type() != src.Type() {
		return j.unmarshalCell(dst, src, t)
	}
	if src.Type() == dst.Type() {
		dst.Set(src)
		return nil
	}
	u := t.underlying()
	var elem *showType
	if u != nil {
		elem = u.elem
	}
	switch dst.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			dst.SetZero()
			return nil
		}
		if dst.IsNil() {
			dst.Set(reflect.New(dst.Type().Elem()))
		}
		return j.build(dst.Elem(), src.Elem(), elem, depth+1)
	case reflect.Slice:
		if src.IsNil() {
			dst.SetZero()
			return nil
		}
		dst.Set(reflect.MakeSlice(dst.Type(), src.Len(), src.Len()))
		fallthrough
	case reflect.Array:
		for i := range dst.Len() {
			if i >= src.Len() {
				dst.Index(i).SetZero()
				continue
			}
			if err := j.build(dst.Index(i), src.Index(i), elem, depth+1); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		if src.IsNil() {
			dst.SetZero()
			return nil
		}
		if dst.IsNil() {
			dst.Set(reflect.MakeMapWithSize(dst.Type(), src.Len()))
		}
		it := src.MapRange()
		for it.Next() {
			e := reflect.New(dst.Type().Elem()).Elem()
			if err := j.build(e, it.Value(), elem, depth+1); err != nil {
				return err
			}
			dst.SetMapIndex(it.Key(), e)
		}
		return nil
	case reflect.Struct:
		if u == nil || u.cat != "structT" || len(u.fields) != dst.NumField() {
			return fmt.Errorf("gopad cannot decode into %s", dst.Type())
		}
		for i := range dst.NumField() {
			if err := j.build(dst.Field(i), src.Field(i), u.fields[i].typ, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("gopad cannot decode into %s", dst.Type())
}

// unmarshalCell calls the UnmarshalJSON, UnmarshalXML or UnmarshalText of
// the cell type t on dst with what the decoder left in src, as Go's
// decoders do.
func (j *codecTarget) unmarshalCell(dst reflect.Value, src reflect.Value, t *showType) error {
	p := reflect.New(dst.Type())
	p.Elem().Set(dst)
	var args []reflect.Value
	var caller codecCaller
	var ok bool
	switch x := src.Interface().(type) {
	case json.RawMessage:
		var m string
		m, caller, ok = j.s.codecCallerOf(t, "UnmarshalJSON", "UnmarshalText")
		data := []byte(x)
		if ok && m == "UnmarshalText" {
			if string(x) == "null" {
				return nil
			}
			var text string
			if err := json.Unmarshal(x, &text); err != nil {
				return fmt.Errorf("json: cannot unmarshal %s into Go value of type %s", x, t.goName(0))
			}
			data = []byte(text)
		}
		args = []reflect.Value{p, reflect.ValueOf(data)}
	case xmlCapture:
		if len(x.tokens) == 0 {
			return nil // the element was not there
		}
		_, caller, ok = j.s.codecCallerOf(t, "UnmarshalXML")
		// The decoder reads the start element first, as the one that
		// called UnmarshalXML had: its end then matches.
		d := xml.NewTokenDecoder(&tokenList{x.tokens})
		tok, err := d.Token()
		if err != nil {
			return err
		}
		start, _ := tok.(xml.StartElement)
		args = []reflect.Value{p, reflect.ValueOf(d), reflect.ValueOf(start)}
	case xmlTextCapture:
		if !x.set {
			return nil
		}
		_, caller, ok = j.s.codecCallerOf(t, "UnmarshalText")
		args = []reflect.Value{p, reflect.ValueOf(x.text)}
	}
	if !ok {
		return fmt.Errorf("%s: no caller of its decoding method", t.goName(0))
	}
	if err, _ := caller.fn.Call(args)[0].Interface().(error); err != nil {
		return err
	}
	dst.Set(p.Elem())
	return nil
}

// cellValueInInterface finds a value of a cell type held in an interface
// in v (of interpreter type t), naming the type.
func (s *shower) cellValueInInterface(v reflect.Value, t *showType, depth int) (string, bool) {
	if depth > 50 || !v.IsValid() {
		return "", false
	}
	if isInterfaceSlot(v.Type()) {
		dv, dt := s.dynamic(v)
		if dt != nil && dt.cat != "valueT" {
			return dt.goName(0), true
		}
		return s.cellValueInInterface(dv, dt, depth+1)
	}
	c := codecWalk{s: s}
	if !c.mayHold(t, v.Type()) {
		return "", false
	}
	u := t.underlying()
	var elem *showType
	if u != nil {
		elem = u.elem
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			return s.cellValueInInterface(v.Elem(), elem, depth+1)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if n, ok := s.cellValueInInterface(v.Index(i), elem, depth+1); ok {
				return n, ok
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if n, ok := s.cellValueInInterface(it.Value(), elem, depth+1); ok {
				return n, ok
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			var ft *showType
			if u != nil && u.cat == "structT" && i < len(u.fields) {
				ft = u.fields[i].typ
			}
			if v.Type().Field(i).IsExported() {
				if n, ok := s.cellValueInInterface(v.Field(i), ft, depth+1); ok {
					return n, ok
				}
			}
		}
	}
	return "", false
}
