package engine

// shimSource is interpreted once when an engine starts. It defines the generic
// helpers that stand in for builtins and generic library functions yaegi cannot
// call (min, max, slices.Max, maps.Keys, ...). Calls in cells are rewritten to
// these names (see rewriteCall). yaegi's generics only work in simple forms
// ([E cmp.Ordered] over []E, not [S ~[]E, E any]), so the shims take plain
// slices and maps; named slice and map types still unify with them.
//
// maps.Keys and maps.Values return slices here, not iterators (yaegi cannot
// range over functions): slices.Sorted and slices.Collect accept them, and
// `for k := range maps.Keys(m)` is rewritten to range over the map itself.
const shimSource = `package main

import (
	_gopadcmp "cmp"
	_gopadErrorsPkg "errors"
	_gopadFmtPkg "fmt"
	_gopadStrings "strings"
	_gopadSync "sync"
)

// _gopadShowBox holds compiled helpers in func fields: yaegi hands a field
// func's interface arguments over with their interpreter types (fmtshow.go).
type _gopadShowBox struct {
	Show func(v any) any
	Note func(v any)
	// Is and AssertFail: type assertions and switches (typeident.go).
	Is         func(v, probe any, where string) bool
	AssertFail func(v, probe any) error
	Reg        func(name string, probe any)
	Keep       func(v any) any
	Eq         func(a, b any) bool
	As         func(e, target any) int
	AsNone     func(err error, target any) bool
	Cell       func(v any) any
	Refl       func(v any, op, where string) any
	Slog       func(v any, where string)
	SlogValue  func(v any, where string) any
	TypeName   func(v any, part string) string
	// IfaceAs: assertions to interfaces cells declare (ifaceassert.go).
	IfaceAs func(v any, methods, uncertain, typ string, commaOK bool, where string)
}

var _gopadFmt = _gopadShowBox{Show: _gopad.Show, Note: _gopad.Note, Is: _gopad.Is, AssertFail: _gopad.AssertFail, Reg: _gopad.Reg, Keep: _gopad.Keep, Eq: _gopad.Eq, As: _gopad.As, AsNone: _gopad.AsNone, Cell: _gopad.Cell, Refl: _gopad.Refl, Slog: _gopad.Slog, SlogValue: _gopad.SlogValue, TypeName: _gopad.TypeName, IfaceAs: _gopad.IfaceAs}

func _gopadMin[T _gopadcmp.Ordered](x T, y ...T) T {
	for _, v := range y {
		if v < x || v != v {
			x = v
		}
	}
	return x
}

func _gopadMax[T _gopadcmp.Ordered](x T, y ...T) T {
	for _, v := range y {
		if v > x || v != v {
			x = v
		}
	}
	return x
}

func _gopadSlicesMin[E _gopadcmp.Ordered](s []E) E {
	if len(s) == 0 {
		panic("slices.Min: empty list")
	}
	m := s[0]
	for _, v := range s[1:] {
		if v < m || v != v {
			m = v
		}
	}
	return m
}

func _gopadSlicesMax[E _gopadcmp.Ordered](s []E) E {
	if len(s) == 0 {
		panic("slices.Max: empty list")
	}
	m := s[0]
	for _, v := range s[1:] {
		if v > m || v != v {
			m = v
		}
	}
	return m
}

func _gopadSlicesIndex[E comparable](s []E, v E) int {
	for i := 0; i < len(s); i++ {
		if s[i] == v {
			return i
		}
	}
	return -1
}

func _gopadSlicesContains[E comparable](s []E, v E) bool {
	return _gopadSlicesIndex(s, v) >= 0
}

func _gopadSlicesSorted[E _gopadcmp.Ordered](s []E) []E {
	r := make([]E, len(s))
	copy(r, s)
	_gopad.Sort(r)
	return r
}

func _gopadSlicesCollect[E any](s []E) []E {
	return s
}

func _gopadSlicesCollectSeq[E any](seq func(func(E) bool)) []E {
	var r []E
	seq(func(e E) bool {
		r = append(r, e)
		return true
	})
	return r
}

// errors and fmt.Errorf's %w for cell error types: compiled errors.Is and
// errors.As see cell values without their methods (and a value-receiver
// Error method panicked through %w), so the walk over the error tree runs
// interpreted, where the methods are visible (errors.As is rewritten per
// call with its target's type, typeswitch.go).

// _gopadWArg is an argument of fmt.Errorf for a %w verb, converted to
// error where the cell wrote it (rewrite.go, markWrappedArgs).
type _gopadWArg struct {
	err error
}

func _gopadW(err error) any { return _gopadWArg{err} }

func _gopadErrorf(format string, args ...any) error {
	var wrapped []error
	plain := []byte{}
	arg := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			plain = append(plain, c)
			continue
		}
		j := i + 1
		for j < len(format) && _gopadStrings.IndexByte("+-# 0123456789.*[]", format[j]) >= 0 {
			j++
		}
		if j >= len(format) {
			plain = append(plain, format[i:]...)
			break
		}
		verb := format[j]
		if verb == '%' {
			plain = append(plain, format[i:j+1]...)
			i = j
			continue
		}
		if verb == 'w' && arg < len(args) {
			var e error
			if w, ok := args[arg].(_gopadWArg); ok {
				e = w.err
			} else if x, ok := args[arg].(error); ok {
				e = x // a format the front-end could not read
			}
			if e != nil {
				wrapped = append(wrapped, e)
				// %w prints the error as %v does: its Error method.
				args[arg] = e.Error()
				plain = append(plain, format[i:j]...)
				plain = append(plain, 'v')
			} else {
				args[arg] = nil // fmt prints %!w(<nil>)
				plain = append(plain, format[i:j+1]...)
			}
		} else {
			plain = append(plain, format[i:j+1]...)
		}
		arg++
		i = j
	}
	shown := make([]any, len(args))
	for i, a := range args {
		shown[i] = _gopadFmt.Show(a)
	}
	msg := _gopadFmtPkg.Sprintf(string(plain), shown...)
	// The wrapping error is interpreted and holds the wrapped errors as the
	// cell converted them: the tree walk below finds the cell values in
	// them (cellvalue.go).
	switch len(wrapped) {
	case 0:
		return _gopadErrorsPkg.New(msg)
	case 1:
		return &_gopadWrapError{msg, wrapped[0]}
	}
	return &_gopadWrapErrors{msg, wrapped}
}

// _gopadWrapError and _gopadWrapErrors are fmt.Errorf's errors for one and
// several %w, and the second is errors.Join's. Their hidden method (as cell
// struct types get, cellvalue.go) lets compiled code reach them inside
// yaegi's error wrapper.
type _gopadWrapError struct {
	msg string
	err error
}

func (e *_gopadWrapError) Error() string    { return e.msg }
func (e *_gopadWrapError) Unwrap() error    { return e.err }
func (e *_gopadWrapError) _gopadValue() any { return _gopadFmt.Keep(e) }

type _gopadWrapErrors struct {
	msg  string
	errs []error
}

func (e *_gopadWrapErrors) Error() string    { return e.msg }
func (e *_gopadWrapErrors) Unwrap() []error  { return e.errs }
func (e *_gopadWrapErrors) _gopadValue() any { return _gopadFmt.Keep(e) }

func _gopadErrorsJoin(errs ...error) error {
	var kept []error
	msg := []byte{}
	for _, err := range errs {
		if err != nil {
			if len(kept) > 0 {
				msg = append(msg, '\n')
			}
			kept = append(kept, err)
			msg = append(msg, err.Error()...)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	return &_gopadWrapErrors{string(msg), kept}
}

// _gopadErrorsTree lists err and the errors it wraps in the order errors.Is
// and errors.As visit them (depth first, pre-order). A list, not a walk with
// a callback: yaegi handed a callback's error argument over to compiled
// helpers as a neighbouring frame value (a bool, a struct's field).
func _gopadErrorsTree(err error) []error {
	var out []error
	for err != nil {
		out = append(out, err)
		if many, ok := _gopadUnwrapMany(err); ok {
			for _, e := range many {
				out = append(out, _gopadErrorsTree(e)...)
			}
			return out
		}
		err = _gopadErrorsUnwrap(err)
	}
	return out
}

// _gopadUnwrapMany calls Unwrap() []error. yaegi's assertions see the
// methods of cell values (reached inside yaegi's wrapper with Inner);
// those of compiled errors only compiled code sees. (One assertion per
// function: yaegi confused the variables of assertions chained with
// else if.)
func _gopadUnwrapMany(err error) ([]error, bool) {
	x, ok := _gopad.Inner(err).(interface{ Unwrap() []error })
	if ok {
		return x.Unwrap(), true
	}
	return _gopad.UnwrapMany(err)
}

// _gopadIsMethod and _gopadAsMethod look for the Is and As methods of a
// cell error. yaegi's assertion panicked (nil pointer) for some values
// without the method: that means no method.
func _gopadIsMethod(e error) (x interface{ Is(error) bool }, ok bool) {
	defer func() {
		if recover() != nil {
			x, ok = nil, false
		}
	}()
	x, ok = _gopad.Inner(e).(interface{ Is(error) bool })
	return x, ok
}

func _gopadAsMethod(e error) (x interface{ As(any) bool }, ok bool) {
	defer func() {
		if recover() != nil {
			x, ok = nil, false
		}
	}()
	x, ok = _gopad.Inner(e).(interface{ As(any) bool })
	return x, ok
}

func _gopadErrorsIs(err, target error) bool {
	if err == nil || target == nil {
		return err == target
	}
	for _, e := range _gopadErrorsTree(err) {
		if _gopadFmt.Eq(e, target) || _gopad.IsMethod(e, target) {
			return true
		}
		if x, ok := _gopadIsMethod(e); ok && x.Is(target) {
			return true
		}
	}
	return false
}

func _gopadErrorsAs(err error, target any) bool {
	if err == nil || _gopad.NilTarget(target) {
		return _gopad.ErrorsAs(err, target)
	}
	for _, e := range _gopadErrorsTree(err) {
		switch _gopadFmt.As(e, target) {
		case 1:
			return true
		case -1:
			// An interface target or a bad one: compiled errors.As
			// decides it (and panics with Go's message for a bad one).
			return _gopad.ErrorsAs(err, target)
		}
		if x, ok := _gopadAsMethod(e); ok && x.As(target) {
			return true
		}
	}
	return _gopadFmt.AsNone(err, target)
}

func _gopadErrorsUnwrap(err error) error {
	x, ok := _gopad.Inner(err).(interface{ Unwrap() error })
	if ok {
		return x.Unwrap()
	}
	return _gopad.UnwrapOne(err)
}

// _gopadId is the identity: an element of a composite literal read through
// an index of a compiled value goes through it (compositeElems).
func _gopadId[T any](v T) T { return v }

// _gopadRefl gives json and xml a value of Go's shape (codecvalue.go).
func _gopadRefl[T any](v T, op, where string) any {
	if m := _gopadFmt.Refl(v, op, where); m != nil {
		return m
	}
	return v
}

// _gopadReflCheck refuses a value that json or xml would need converted,
// for a receiver of unknown type (codecvalue.go).
func _gopadReflCheck[T any](v T, op, where string) T {
	_gopadFmt.Refl(v, op, where)
	return v
}

// _gopadSlogValue gives slog the value a cell type's LogValue resolves to
// (reflectguard.go).
func _gopadSlogValue[T any](v T, where string) any {
	if r := _gopadFmt.SlogValue(v, where); r != nil {
		return r
	}
	return v
}

// _gopadSlogArg checks a slog argument (reflectguard.go).
func _gopadSlogArg[T any](v T, where string) T {
	_gopadFmt.Slog(v, where)
	return v
}

// More of slices and maps (Go 1.21-1.23), in the simple generic forms yaegi
// runs ([]E, map[K]V; results are []E where Go returns the caller's S).
// Iterators are func(yield ...) bool values, ranged over by the rewrite of
// range-over-func loops (rangefunc.go).

func _gopadSlicesEqual[E comparable](a, b []E) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func _gopadSlicesCompare[E _gopadcmp.Ordered](a, b []E) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] < b[i] {
			return -1
		}
		if a[i] > b[i] {
			return 1
		}
	}
	if len(a) < len(b) {
		return -1
	}
	if len(a) > len(b) {
		return 1
	}
	return 0
}

func _gopadSlicesIndexFunc[E any](s []E, f func(E) bool) int {
	for i := range s {
		if f(s[i]) {
			return i
		}
	}
	return -1
}

func _gopadSlicesContainsFunc[E any](s []E, f func(E) bool) bool {
	return _gopadSlicesIndexFunc(s, f) >= 0
}

func _gopadSlicesInsert[E any](s []E, i int, v ...E) []E {
	if i < 0 || i > len(s) {
		panic(_gopadFmtPkg.Sprintf("slices.Insert: index %d out of range [0:%d]", i, len(s)))
	}
	n := len(s) + len(v)
	if n <= cap(s) {
		// In place, as Go's Insert does when the capacity suffices.
		s2 := s[:n]
		copy(s2[i+len(v):], s[i:])
		copy(s2[i:], v)
		return s2
	}
	r := make([]E, 0, n)
	r = append(r, s[:i]...)
	r = append(r, v...)
	return append(r, s[i:]...)
}

func _gopadSlicesDelete[E any](s []E, i, j int) []E {
	_ = s[i:j:len(s)] // bounds check, as Go's
	n := copy(s[i:], s[j:])
	var zero E
	for k := i + n; k < len(s); k++ {
		s[k] = zero
	}
	return s[:i+n]
}

func _gopadSlicesDeleteFunc[E any](s []E, del func(E) bool) []E {
	k := 0
	for _, v := range s {
		if !del(v) {
			s[k] = v
			k++
		}
	}
	var zero E
	for i := k; i < len(s); i++ {
		s[i] = zero
	}
	return s[:k]
}

func _gopadSlicesCompact[E comparable](s []E) []E {
	if len(s) < 2 {
		return s
	}
	k := 1
	for i := 1; i < len(s); i++ {
		if s[i] != s[k-1] {
			s[k] = s[i]
			k++
		}
	}
	var zero E
	for i := k; i < len(s); i++ {
		s[i] = zero
	}
	return s[:k]
}

func _gopadCmpOr[T comparable](vals ...T) T {
	var zero T
	for _, v := range vals {
		if v != zero {
			return v
		}
	}
	return zero
}

func _gopadSlicesCompactFunc[E any](s []E, eq func(E, E) bool) []E {
	if len(s) < 2 {
		return s
	}
	k := 1
	for i := 1; i < len(s); i++ {
		if !eq(s[k-1], s[i]) {
			s[k] = s[i]
			k++
		}
	}
	var zero E
	for i := k; i < len(s); i++ {
		s[i] = zero
	}
	return s[:k]
}

func _gopadSlicesEqualFunc[E1, E2 any](a []E1, b []E2, eq func(E1, E2) bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !eq(a[i], b[i]) {
			return false
		}
	}
	return true
}

func _gopadSlicesCompareFunc[E1, E2 any](a []E1, b []E2, cmp func(E1, E2) int) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := cmp(a[i], b[i]); c != 0 {
			return c
		}
	}
	if len(a) < len(b) {
		return -1
	}
	if len(a) > len(b) {
		return 1
	}
	return 0
}

func _gopadSlicesReplace[E any](s []E, i, j int, v ...E) []E {
	if i < 0 || j < i || j > len(s) {
		panic(_gopadFmtPkg.Sprintf("slices.Replace: slice bounds out of range [%d:%d] with length %d", i, j, len(s)))
	}
	// Copies first: v may alias s, and the tail moves when len(v) != j-i.
	v = append([]E{}, v...)
	tail := append([]E{}, s[j:]...)
	r := append(append(s[:i], v...), tail...)
	var zero E
	for k := len(r); k < len(s); k++ {
		s[k] = zero
	}
	return r
}

func _gopadSlicesClone[E any](s []E) []E {
	if s == nil {
		return nil
	}
	return append([]E{}, s...)
}

func _gopadSlicesRepeat[E any](s []E, count int) []E {
	if count < 0 {
		panic("cannot be negative")
	}
	r := make([]E, 0, len(s)*count)
	for i := 0; i < count; i++ {
		r = append(r, s...)
	}
	return r
}

func _gopadSlicesIsSorted[E _gopadcmp.Ordered](s []E) bool {
	for i := 1; i < len(s); i++ {
		if s[i] < s[i-1] {
			return false
		}
	}
	return true
}

func _gopadSlicesBinarySearch[E _gopadcmp.Ordered](s []E, target E) (int, bool) {
	lo, hi := 0, len(s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s[m] < target {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(s) && s[lo] == target
}

func _gopadSlicesMaxFunc[E any](s []E, cmp func(a, b E) int) E {
	if len(s) == 0 {
		panic("slices.MaxFunc: empty list")
	}
	m := s[0]
	for _, v := range s[1:] {
		if cmp(v, m) > 0 {
			m = v
		}
	}
	return m
}

func _gopadSlicesMinFunc[E any](s []E, cmp func(a, b E) int) E {
	if len(s) == 0 {
		panic("slices.MinFunc: empty list")
	}
	m := s[0]
	for _, v := range s[1:] {
		if cmp(v, m) < 0 {
			m = v
		}
	}
	return m
}

func _gopadSlicesAll[E any](s []E) func(func(int, E) bool) {
	return func(yield func(int, E) bool) {
		for i, v := range s {
			if !yield(i, v) {
				return
			}
		}
	}
}

func _gopadSlicesValues[E any](s []E) func(func(E) bool) {
	return func(yield func(E) bool) {
		for _, v := range s {
			if !yield(v) {
				return
			}
		}
	}
}

func _gopadSlicesBackward[E any](s []E) func(func(int, E) bool) {
	return func(yield func(int, E) bool) {
		for i := len(s) - 1; i >= 0; i-- {
			if !yield(i, s[i]) {
				return
			}
		}
	}
}

func _gopadMapsClone[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return nil
	}
	r := make(map[K]V, len(m))
	for k, v := range m {
		r[k] = v
	}
	return r
}

func _gopadMapsCopy[K comparable, V any](dst, src map[K]V) {
	for k, v := range src {
		dst[k] = v
	}
}

func _gopadMapsEqual[K, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || v != w {
			return false
		}
	}
	return true
}

func _gopadMapsEqualFunc[K comparable, V1 any, V2 any](a map[K]V1, b map[K]V2, eq func(V1, V2) bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !eq(v, w) {
			return false
		}
	}
	return true
}

func _gopadMapsDeleteFunc[K comparable, V any](m map[K]V, del func(K, V) bool) {
	for k, v := range m {
		if del(k, v) {
			delete(m, k)
		}
	}
}

func _gopadMapsAll[K comparable, V any](m map[K]V) func(func(K, V) bool) {
	return func(yield func(K, V) bool) {
		for k, v := range m {
			if !yield(k, v) {
				return
			}
		}
	}
}

func _gopadSlicesSortedSeq[E _gopadcmp.Ordered](seq func(func(E) bool)) []E {
	r := _gopadSlicesCollectSeq(seq)
	_gopad.Sort(r)
	return r
}

func _gopadSlicesSortedFunc[E any](seq func(func(E) bool), cmp func(E, E) int) []E {
	r := _gopadSlicesCollectSeq(seq)
	_gopad.SortFunc(r, cmp)
	return r
}

func _gopadSlicesSortedStableFunc[E any](seq func(func(E) bool), cmp func(E, E) int) []E {
	r := _gopadSlicesCollectSeq(seq)
	_gopad.Stable(r, cmp)
	return r
}

func _gopadSlicesAppendSeq[E any](s []E, seq func(func(E) bool)) []E {
	seq(func(e E) bool {
		s = append(s, e)
		return true
	})
	return s
}

func _gopadSlicesChunk[E any](s []E, n int) func(func([]E) bool) {
	if n < 1 {
		panic("cannot be less than 1")
	}
	return func(yield func([]E) bool) {
		for i := 0; i < len(s); i += n {
			end := i + n
			if end > len(s) {
				end = len(s)
			}
			if !yield(s[i:end:end]) {
				return
			}
		}
	}
}

func _gopadSlicesConcat[E any](ss ...[]E) []E {
	n := 0
	for _, s := range ss {
		n += len(s)
	}
	r := make([]E, 0, n)
	for _, s := range ss {
		r = append(r, s...)
	}
	return r
}

func _gopadSlicesClip[E any](s []E) []E {
	return s[:len(s):len(s)]
}

func _gopadSlicesGrow[E any](s []E, n int) []E {
	if n < 0 {
		panic("cannot be negative")
	}
	if n -= cap(s) - len(s); n > 0 {
		s = append(s[:cap(s)], make([]E, n)...)[:len(s)]
	}
	return s
}

func _gopadSlicesIsSortedFunc[E any](s []E, cmp func(a, b E) int) bool {
	for i := len(s) - 1; i > 0; i-- {
		if cmp(s[i], s[i-1]) < 0 {
			return false
		}
	}
	return true
}

func _gopadSlicesBinarySearchFunc[E, T any](s []E, target T, cmp func(E, T) int) (int, bool) {
	lo, hi := 0, len(s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if cmp(s[m], target) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(s) && cmp(s[lo], target) == 0
}

func _gopadMapsCollect[K comparable, V any](seq func(func(K, V) bool)) map[K]V {
	m := map[K]V{}
	seq(func(k K, v V) bool {
		m[k] = v
		return true
	})
	return m
}

func _gopadMapsInsert[K comparable, V any](m map[K]V, seq func(func(K, V) bool)) {
	seq(func(k K, v V) bool {
		m[k] = v
		return true
	})
}

func _gopadOnceValue[T any](f func() T) func() T {
	var once _gopadSync.Once
	var v T
	return func() T {
		once.Do(func() { v = f() })
		return v
	}
}

func _gopadOnceValues[T1, T2 any](f func() (T1, T2)) func() (T1, T2) {
	var once _gopadSync.Once
	var v1 T1
	var v2 T2
	return func() (T1, T2) {
		once.Do(func() { v1, v2 = f() })
		return v1, v2
	}
}

// iter.Pull and Pull2: the iterator runs in a goroutine that hands each
// value over when next asks for it (Go runs it as a coroutine; the values,
// their order and stop's effect are the same).

func _gopadIterPull[V any](seq func(func(V) bool)) (next func() (V, bool), stop func()) {
	req := make(chan bool) // true: next value; false: stop
	out := make(chan V)
	end := make(chan bool)
	started, finished := false, false
	run := func() {
		if <-req {
			seq(func(v V) bool {
				out <- v
				more := <-req
				return more
			})
		}
		close(end)
	}
	next = func() (V, bool) {
		var zero V
		if finished {
			return zero, false
		}
		if !started {
			started = true
			go run()
		}
		req <- true
		select {
		case v := <-out:
			return v, true
		case <-end:
			finished = true
			return zero, false
		}
	}
	stop = func() {
		// (No early return: yaegi failed on a bare return in this closure.)
		if !finished && started {
			select {
			case req <- false:
				<-end
			case <-end:
			}
		}
		finished = true
	}
	return next, stop
}

func _gopadIterPull2[K, V any](seq func(func(K, V) bool)) (next func() (K, V, bool), stop func()) {
	req := make(chan bool)
	outK := make(chan K)
	outV := make(chan V)
	end := make(chan bool)
	started, finished := false, false
	run := func() {
		if <-req {
			seq(func(k K, v V) bool {
				outK <- k
				outV <- v
				more := <-req
				return more
			})
		}
		close(end)
	}
	next = func() (K, V, bool) {
		var zk K
		var zv V
		if finished {
			return zk, zv, false
		}
		if !started {
			started = true
			go run()
		}
		req <- true
		select {
		case k := <-outK:
			v := <-outV
			return k, v, true
		case <-end:
			finished = true
			return zk, zv, false
		}
	}
	stop = func() {
		// (No early return: yaegi failed on a bare return in this closure.)
		if !finished && started {
			select {
			case req <- false:
				<-end
			case <-end:
			}
		}
		finished = true
	}
	return next, stop
}

func _gopadNew[T any](v T) *T {
	return &v
}

func _gopadMapsKeys[K comparable, V any](m map[K]V) []K {
	r := make([]K, 0, len(m))
	for k := range m {
		r = append(r, k)
	}
	return r
}

func _gopadMapsValues[K comparable, V any](m map[K]V) []V {
	r := make([]V, 0, len(m))
	for _, v := range m {
		r = append(r, v)
	}
	return r
}
`

// builtinShims maps builtins yaegi lacks to their replacements.
var builtinShims = map[string]string{
	"min":   "_gopadMin",
	"max":   "_gopadMax",
	"clear": rtName + ".Clear",
}

// packageShims maps generic functions of the standard library, by import path
// and name, to their replacements. Functions without a result go to compiled
// reflection-based helpers (fast, no typing needed); functions with a result go
// to interpreted generics so that the result keeps its type.
var packageShims = map[string]map[string]string{
	"slices": {
		"Sort":             rtName + ".Sort",
		"SortFunc":         rtName + ".SortFunc",
		"SortStableFunc":   rtName + ".Stable",
		"Reverse":          rtName + ".Reverse",
		"Max":              "_gopadSlicesMax",
		"Min":              "_gopadSlicesMin",
		"Index":            "_gopadSlicesIndex",
		"Contains":         "_gopadSlicesContains",
		"Sorted":           "_gopadSlicesSorted",
		"Collect":          "_gopadSlicesCollect",
		"Equal":            "_gopadSlicesEqual",
		"Compare":          "_gopadSlicesCompare",
		"IndexFunc":        "_gopadSlicesIndexFunc",
		"ContainsFunc":     "_gopadSlicesContainsFunc",
		"Insert":           "_gopadSlicesInsert",
		"Delete":           "_gopadSlicesDelete",
		"DeleteFunc":       "_gopadSlicesDeleteFunc",
		"Compact":          "_gopadSlicesCompact",
		"CompactFunc":      "_gopadSlicesCompactFunc",
		"EqualFunc":        "_gopadSlicesEqualFunc",
		"CompareFunc":      "_gopadSlicesCompareFunc",
		"Replace":          "_gopadSlicesReplace",
		"Clone":            "_gopadSlicesClone",
		"Repeat":           "_gopadSlicesRepeat",
		"IsSorted":         "_gopadSlicesIsSorted",
		"BinarySearch":     "_gopadSlicesBinarySearch",
		"MaxFunc":          "_gopadSlicesMaxFunc",
		"MinFunc":          "_gopadSlicesMinFunc",
		"All":              "_gopadSlicesAll",
		"Values":           "_gopadSlicesValues",
		"Backward":         "_gopadSlicesBackward",
		"SortedFunc":       "_gopadSlicesSortedFunc",
		"SortedStableFunc": "_gopadSlicesSortedStableFunc",
		"AppendSeq":        "_gopadSlicesAppendSeq",
		"Chunk":            "_gopadSlicesChunk",
		"Concat":           "_gopadSlicesConcat",
		"Clip":             "_gopadSlicesClip",
		"Grow":             "_gopadSlicesGrow",
		"IsSortedFunc":     "_gopadSlicesIsSortedFunc",
		"BinarySearchFunc": "_gopadSlicesBinarySearchFunc",
	},
	"errors": {
		"Is":     "_gopadErrorsIs",
		"As":     "_gopadErrorsAs",
		"Unwrap": "_gopadErrorsUnwrap",
		"Join":   "_gopadErrorsJoin",
	},
	"maps": {
		"Keys":       "_gopadMapsKeys",
		"Values":     "_gopadMapsValues",
		"Clone":      "_gopadMapsClone",
		"Copy":       "_gopadMapsCopy",
		"Equal":      "_gopadMapsEqual",
		"EqualFunc":  "_gopadMapsEqualFunc",
		"DeleteFunc": "_gopadMapsDeleteFunc",
		"All":        "_gopadMapsAll",
		"Collect":    "_gopadMapsCollect",
		"Insert":     "_gopadMapsInsert",
	},
	"sync": {
		"OnceValue":  "_gopadOnceValue",
		"OnceValues": "_gopadOnceValues",
	},
	"cmp": {
		"Or": "_gopadCmpOr",
	},
	"iter": {
		"Pull":  "_gopadIterPull",
		"Pull2": "_gopadIterPull2",
	},
	// fmt's formatting functions print the values of cell types as fmt
	// would print them in compiled Go for verbs such as %d (fmtshim.go).
	"log": {
		"Print":   rtName + ".LogPrint",
		"Println": rtName + ".LogPrintln",
		"Printf":  rtName + ".LogPrintf",
	},
	"fmt": {
		"Printf":  rtName + ".Printf",
		"Sprintf": rtName + ".Sprintf",
		"Fprintf": rtName + ".Fprintf",
		"Errorf":  rtName + ".Errorf",
		"Appendf": rtName + ".Appendf",
	},
}

// seqArgShims are the shims with an iterator argument (by index) whose
// element types instantiate them.
var seqArgShims = map[string]int{
	"_gopadSlicesSortedFunc":       0,
	"_gopadSlicesSortedStableFunc": 0,
	"_gopadSlicesAppendSeq":        1,
	"_gopadMapsCollect":            0,
	"_gopadMapsInsert":             1,
	"_gopadIterPull":               0,
	"_gopadIterPull2":              0,
}

// shimResults holds the result counts of the compiled shims that have
// results; the other compiled shims have none.
var shimResults = map[string]int{
	"_gopadSlicesBinarySearch":     2,
	"_gopadMapsCopy":               0,
	"_gopadMapsDeleteFunc":         0,
	"_gopadMapsInsert":             0,
	"_gopadSlicesBinarySearchFunc": 2,
	rtName + ".Printf":             2,
	rtName + ".Sprintf":            1,
	rtName + ".Fprintf":            2,
	rtName + ".Errorf":             1,
	rtName + ".Appendf":            1,
}
