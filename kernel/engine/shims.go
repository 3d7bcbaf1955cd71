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
	Refl       func(v any, where string)
	Slog       func(v any, where string)
}

var _gopadFmt = _gopadShowBox{Show: _gopad.Show, Note: _gopad.Note, Is: _gopad.Is, AssertFail: _gopad.AssertFail, Reg: _gopad.Reg, Keep: _gopad.Keep, Eq: _gopad.Eq, As: _gopad.As, Refl: _gopad.Refl, Slog: _gopad.Slog}

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
		if verb == 'w' {
			if arg < len(args) {
				if e, ok := args[arg].(error); ok {
					wrapped = append(wrapped, e)
				}
			}
			plain = append(plain, format[i:j]...)
			plain = append(plain, 'v')
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
	// The wrapping error is compiled: yaegi hides the methods of an
	// interpreted value converted to error, and its reflect view of such a
	// struct's error fields is wrong.
	return _gopad.Wrap(msg, wrapped...)
}

func _gopadErrorsWalk(err error, f func(error) bool) bool {
	for err != nil {
		if f(err) {
			return true
		}
		// yaegi's assertions see the methods of cell types; those of
		// compiled errors (*fmt.wrapError) only compiled code sees.
		many, isMany := _gopad.UnwrapMany(err)
		in := _gopad.Inner(err)
		if x, ok := in.(interface{ Unwrap() []error }); ok {
			many, isMany = x.Unwrap(), true
		}
		if isMany {
			for _, e := range many {
				if _gopadErrorsWalk(e, f) {
					return true
				}
			}
			return false
		}
		if x, ok := in.(interface{ Unwrap() error }); ok {
			err = x.Unwrap()
		} else {
			err = _gopad.UnwrapOne(err)
		}
	}
	return false
}

func _gopadErrorsIs(err, target error) bool {
	if err == nil || target == nil {
		return err == target
	}
	return _gopadErrorsWalk(err, func(e error) bool {
		if _gopadFmt.Eq(e, target) || _gopad.IsMethod(e, target) {
			return true
		}
		x, ok := _gopad.Inner(e).(interface{ Is(error) bool })
		return ok && x.Is(target)
	})
}

func _gopadErrorsAs(err error, target any) bool {
	if err == nil || target == nil {
		return _gopad.ErrorsAs(err, target)
	}
	decided := true
	found := _gopadErrorsWalk(err, func(e error) bool {
		switch _gopadFmt.As(e, target) {
		case 1:
			return true
		case -1:
			decided = false
			return true
		}
		x, ok := _gopad.Inner(e).(interface{ As(any) bool })
		return ok && x.As(target)
	})
	if !decided || !found {
		// Compiled errors.As: right for compiled targets, and for a
		// cell type it fails with a message saying so (errors.go).
		return _gopad.ErrorsAs(err, target)
	}
	return true
}

func _gopadErrorsUnwrap(err error) error {
	if x, ok := _gopad.Inner(err).(interface{ Unwrap() error }); ok {
		return x.Unwrap()
	}
	return _gopad.UnwrapOne(err)
}

// _gopadRefl checks a value for json and xml (reflectguard.go).
func _gopadRefl[T any](v T, where string) T {
	_gopadFmt.Refl(v, where)
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
	},
	"maps": {
		"Keys":       "_gopadMapsKeys",
		"Values":     "_gopadMapsValues",
		"Clone":      "_gopadMapsClone",
		"Copy":       "_gopadMapsCopy",
		"Equal":      "_gopadMapsEqual",
		"DeleteFunc": "_gopadMapsDeleteFunc",
		"All":        "_gopadMapsAll",
		"Collect":    "_gopadMapsCollect",
		"Insert":     "_gopadMapsInsert",
	},
	"sync": {
		"OnceValue": "_gopadOnceValue",
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
