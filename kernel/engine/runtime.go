package engine

import (
	"bytes"
	"cmp"
	"fmt"
	"reflect"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// rtImportPath is the import path of the compiled helpers the front-end calls
// from rewritten cells; rtName is the name they are imported under. Both start
// with an underscore so that no cell can collide with them by accident.
const (
	rtImportPath = "_gopadrt"
	rtName       = "_gopad"
)

// interruptSignal is the panic value that stops an interrupted cell.
type interruptSignal struct{}

func (interruptSignal) Error() string { return "interrupted" }

// runtimeState is the engine state that the compiled helpers share with the
// interpreted code: the interrupt flag and channel, the goroutine running the
// current cell, and the slot for the cell's result.
type runtimeState struct {
	interrupted atomic.Bool
	cellGID     atomic.Int64
	line        atomic.Int64 // cell line of the top-level statement running
	cell        atomic.Int64 // number of the running cell

	track func(Position) // Options.Track, or nil

	mu     sync.Mutex
	intrCh chan struct{} // closed by Interrupt; replaced for every cell

	result    any
	hasResult bool
	held      []any // pointers to the values of a hoisted definition (hoist.go)
}

// reset prepares the state for cell number cell.
func (s *runtimeState) reset(cell int) {
	s.mu.Lock()
	s.intrCh = make(chan struct{})
	s.mu.Unlock()
	s.interrupted.Store(false)
	s.cellGID.Store(0)
	s.line.Store(0)
	s.cell.Store(int64(cell))
	s.result, s.hasResult = nil, false
	s.report()
}

// setLine records the top-level statement running.
func (s *runtimeState) setLine(line int) {
	s.line.Store(int64(line))
	s.report()
}

// report tells Options.Track where the cell is.
func (s *runtimeState) report() {
	if s.track != nil {
		s.track(Position{Cell: int(s.cell.Load()), Line: int(s.line.Load()), Goroutine: s.cellGID.Load()})
	}
}

// interrupt requests the running cell to stop.
func (s *runtimeState) interrupt() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.interrupted.CompareAndSwap(false, true) && s.intrCh != nil {
		close(s.intrCh)
	}
}

func (s *runtimeState) intr() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.intrCh
}

// onCellGoroutine reports whether the caller runs on the goroutine that executes
// the cell (not on a goroutine the cell started). It costs about a microsecond,
// so it is only asked once an interrupt was requested.
func (s *runtimeState) onCellGoroutine() bool {
	return goroutineID() == s.cellGID.Load()
}

// check panics with interruptSignal when an interrupt was requested and the
// caller is the cell's own goroutine. Goroutines the cell started are not
// stopped by loop checks: a panic there would kill the process.
func (s *runtimeState) check() {
	if s.interrupted.Load() && s.onCellGoroutine() {
		panic(interruptSignal{})
	}
}

// stop is reached when an interruptible channel operation was interrupted. On
// the cell's goroutine it stops the cell; on another goroutine it ends that
// goroutine quietly (a panic would kill the process).
func (s *runtimeState) stop() {
	if s.onCellGoroutine() {
		panic(interruptSignal{})
	}
	runtime.Goexit()
}

// sleep is time.Sleep for cells: it returns early, stopping the cell, when the
// cell is interrupted. Other goroutines sleep the full duration.
func (s *runtimeState) sleep(d time.Duration) {
	if d <= 0 {
		s.check()
		return
	}
	if !s.onCellGoroutine() {
		time.Sleep(d)
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-s.intr():
		panic(interruptSignal{})
	}
}

// await receives from a channel of any type and direction, discarding the value,
// unless the cell is interrupted first. It returns the value received, for a
// cell whose result is a receive.
func (s *runtimeState) await(ch any) any {
	cv := reflect.ValueOf(ch)
	if cv.Kind() != reflect.Chan {
		panic(fmt.Sprintf("receive from non-channel %T", ch))
	}
	if cv.IsNil() {
		// A nil channel blocks forever: wait for the interrupt only.
		<-s.intr()
		s.stop()
	}
	cases := []reflect.SelectCase{
		{Dir: reflect.SelectRecv, Chan: cv},
		{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(s.intr())},
	}
	chosen, v, _ := reflect.Select(cases)
	if chosen == 1 {
		s.stop()
	}
	if !v.IsValid() || !v.CanInterface() {
		return nil
	}
	return v.Interface()
}

// goroutineID returns the current goroutine's id, parsed from its stack header.
func goroutineID() int64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseInt(string(b), 10, 64)
	return id
}

// clearValue is the clear builtin for maps and slices.
func clearValue(x any) {
	v := reflect.ValueOf(x)
	switch v.Kind() {
	case reflect.Map, reflect.Slice:
		v.Clear()
	case reflect.Invalid:
	default:
		panic(fmt.Sprintf("invalid argument: clear(%T): argument must be a map or slice", x))
	}
}

// sortOrdered sorts a slice of an ordered element type in place (slices.Sort).
func sortOrdered(x any) {
	v := reflect.ValueOf(x)
	if v.Kind() != reflect.Slice {
		panic(fmt.Sprintf("slices.Sort: %T is not a slice", x))
	}
	n := v.Len()
	swap := reflect.Swapper(x)
	var less func(i, j int) bool
	switch v.Type().Elem().Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		less = func(i, j int) bool { return v.Index(i).Int() < v.Index(j).Int() }
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		less = func(i, j int) bool { return v.Index(i).Uint() < v.Index(j).Uint() }
	case reflect.Float32, reflect.Float64:
		// cmp.Less orders NaNs first, as slices.Sort does.
		less = func(i, j int) bool { return cmp.Less(v.Index(i).Float(), v.Index(j).Float()) }
	case reflect.String:
		less = func(i, j int) bool { return v.Index(i).String() < v.Index(j).String() }
	default:
		panic(fmt.Sprintf("slices.Sort: elements of %T are not ordered", x))
	}
	sort.Sort(funcSorter{n, less, swap})
}

// sortFunc sorts a slice with a comparison function (slices.SortFunc,
// slices.SortStableFunc); the function is called through reflection because
// the element type is the cell's.
func sortFunc(x any, compare any, stable bool) {
	v := reflect.ValueOf(x)
	if v.Kind() != reflect.Slice {
		panic(fmt.Sprintf("slices.SortFunc: %T is not a slice", x))
	}
	f := reflect.ValueOf(compare)
	if f.Kind() != reflect.Func || f.Type().NumIn() != 2 || f.Type().NumOut() != 1 {
		panic(fmt.Sprintf("slices.SortFunc: comparison %T is not a func(a, b E) int", compare))
	}
	in := make([]reflect.Value, 2)
	less := func(i, j int) bool {
		in[0], in[1] = v.Index(i), v.Index(j)
		return f.Call(in)[0].Int() < 0
	}
	s := funcSorter{v.Len(), less, reflect.Swapper(x)}
	if stable {
		sort.Stable(s)
	} else {
		sort.Sort(s)
	}
}

// reverse reverses a slice in place (slices.Reverse).
func reverse(x any) {
	v := reflect.ValueOf(x)
	if v.Kind() != reflect.Slice {
		panic(fmt.Sprintf("slices.Reverse: %T is not a slice", x))
	}
	swap := reflect.Swapper(x)
	for i, j := 0, v.Len()-1; i < j; i, j = i+1, j-1 {
		swap(i, j)
	}
}

type funcSorter struct {
	n    int
	less func(i, j int) bool
	swap func(i, j int)
}

func (s funcSorter) Len() int           { return s.n }
func (s funcSorter) Less(i, j int) bool { return s.less(i, j) }
func (s funcSorter) Swap(i, j int)      { s.swap(i, j) }

// symbols returns the compiled helpers as a yaegi package.
func (s *runtimeState) symbols() map[string]reflect.Value {
	return map[string]reflect.Value{
		"Check":    reflect.ValueOf(s.check),
		"Stop":     reflect.ValueOf(s.stop),
		"Intr":     reflect.ValueOf(s.intr),
		"Await":    reflect.ValueOf(func(ch any) { s.await(ch) }),
		"AwaitVal": reflect.ValueOf(s.await),
		"Enter":    reflect.ValueOf(func() { s.cellGID.Store(goroutineID()); s.report() }),
		"Result":   reflect.ValueOf(func(v any) { s.result, s.hasResult = v, true }),
		"Clear":    reflect.ValueOf(clearValue),
		"At":       reflect.ValueOf(func(line int) { s.check(); s.setLine(line) }),
		"Hold":     reflect.ValueOf(func(ptrs ...any) { s.held = ptrs }),
		"Unhold":   reflect.ValueOf(func(i int) any { return s.held[i] }),
		"Sort":     reflect.ValueOf(sortOrdered),
		"SortFunc": reflect.ValueOf(func(x, f any) { sortFunc(x, f, false) }),
		"Stable":   reflect.ValueOf(func(x, f any) { sortFunc(x, f, true) }),
		"Reverse":  reflect.ValueOf(reverse),
	}
}
