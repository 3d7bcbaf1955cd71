// Package engine runs notebook cells in an in-process yaegi (v0.16.1)
// interpreter, the way people type them.
//
// A cell goes through a front-end before yaegi sees it. The front-end cuts the
// cell into top-level items (go/scanner), parses each (go/parser), rewrites
// what yaegi mishandles by editing the cell's own text, and evaluates the
// result in chunks: new imports first, then func and type declarations as early
// as their references allow, statements and var/const declarations in source
// order. Every piece of cell text carries a /*line*/ directive, so positions
// that yaegi reports (compile errors, panic frames) map back to the cell's own
// line and column; line numbers also encode the cell's number, so a traceback
// can name "line 2 of cell #1".
//
// # Rewrites
//
//	What the cell has                     What yaegi gets                               Why
//	imports, decls and statements mixed   one chunk per kind, decls first               yaegi takes declarations or statements per Eval
//	an import done by an earlier cell     dropped                                       re-import fails ("redeclared")
//	fmt.X, strings.X, ml.X ... unimported imported for the cell (autoImportPaths)        notebook convenience
//	func redefined                        dependents re-evaluated from stored source    callers keep the old func (yaegi issue 1673)
//	type or method redefined              old symbol deleted, type and methods redone   yaegi keeps the first definition
//	final expression E                    _gopad.Result(E) (retried without)            Eval's value can be stale (issue 1069); keeps interfaces
//	top-level if/for/switch/select/block  func() { ... }()                              comma-ok, type switches, loop vars fail at top level
//	top-level v, ok := m[k] / x.(T)       declarations + v, ok = ...                    "nil type" at top level
//	v, ok := <-ch, v = <-ch, v := <-ch    var decls + select with an interrupt case     cooperative interrupt; typed via the channel
//	<-ch (statement)                      _gopad.Await(ch)                              cooperative interrupt
//	<-ch inside an expression             _gopad.AwaitVal(ch).(T) when T is known       cooperative interrupt
//	ch <- v                               select { case ch <- v: case <-interrupt: }    cooperative interrupt
//	select without default                + case <-_gopad.Intr(): stop                   cooperative interrupt
//	for v := range ch                     for { select ... }                            cooperative interrupt
//	every loop body                       _gopad.Check(); first                         cooperative interrupt
//	for i := range n (n an integer)       for i := n - n; i < n; i++                    range over int panics ("nil type");
//	                                                                                    n's type from literals, cell definitions,
//	                                                                                    earlier values and compiled signatures
//	loop var captured by a closure        i := i at the top of the body                 yaegi has Go 1.21 loop variables
//	min, max, clear                       generic shims / reflect-based clear            builtins missing
//	slices.Sort/SortFunc/Reverse          compiled reflect-based helpers                generic library funcs are not callable
//	slices.Max/Min/Index/Contains/Sorted  interpreted generic shims                     idem; results keep their type
//	maps.Keys/Values, slices.Collect      shims returning slices; Collect is identity   no iterators (range over func)
//	for k := range maps.Keys(m)           for k := range m                              idem
//	v := <generic call> at top level      hoisted (below)                               yaegi cannot type it (nil pointer)
//	x := parts[0], y := h.Epochs[0].Loss  as written; if the chunk fails to compile,     yaegi's global analysis cannot index or
//	  (top-level := / var x = reading     hoisted: func(){ t := E; Hold(&t) }(), then   select through compiled values
//	  through a compiled value)           var x T = *Unhold(0).(*T), T from reflect     ("constant definition loop", nil pointer)
//	T.Method / (*T).Method as a value     func literal calling the method               method expression values fail when called
//	func main / func init                 rejected (Unsupported)                        nothing would call them
//	switch t := x.(type), x.(T), v, ok := expression switch / func literals testing  yaegi compares reflect types: cell types
//	  x.(T) with T concrete                 _gopadFmt.Is (typeswitch.go, typeident.go)     are erased (a Dog passed as a Cat)
//	T{..}, T(x) converted to any          _gopadFmt.Keep(...) (keep.go)                 yaegi drops the type at returns, var x any
//	switch init; tag {                    { init; switch tag {                          wrong case taken (reflect.Value.Kind)
//	&v of a loop variable                 v := v at the top of the body                 one variable shared by all iterations
//	for k, v := range seq (an iterator)   seq(func(k K, v V) bool {...}) (rangefunc.go)  range over func: "nil type"
//	slices.Collect(seq)                   interpreted generic that calls seq            printed a function address
//	errors.Is/As/Unwrap/Join, Errorf %w   interpreted walk of the error tree; Errorf     compiled errors see cell errors without
//	                                        and Join make interpreted errors; %w args     their methods; %w printed %!w(struct..);
//	                                        become errors where written (_gopadW)          yaegi's error wrapper of a struct held
//	cell struct types                     hidden _gopadValue method, read through        its last field, not the value
//	                                        the cellError wrapper (cellvalue.go)
//	a cell value converted to error,      the statement (or value) in a func literal,  yaegi's wrapper re-reads the converted
//	  fmt.Stringer, ... in a loop, or a     variables converted copied first              slot: all errors of a loop printed the
//	  variable converted (ifaceconv.go)     (errs = append(errs, T{i}) ->                 last; e = T{1} stored the bare struct
//	                                          func() { errs = append(errs, T{i}) }())
//	fmt.Println(f()), (a.(T)), (<-ch)     Show((f())); several results through          a call's result reached Show without
//	                                        variables                                    its type: printed the fields
//	errors.AsType[T](err)                 func() (T, bool) { errors.As on a T var }()   generic: not callable
//	iter.Pull, iter.Pull2                 goroutine-backed shims                        generic: not callable
//	Sum(1, 2.5) variadic generic          Sum[float64](...) from untyped constants      "undefined type for T"
//	fmt of a generic type with String     refused, naming the method (generictext.go)  printed the bare fields
//	json/xml of a cell struct embedding   refused, naming the call (reflectguard.go)    reflection sees the embedded struct as
//	  a struct, slog args with LogValue                                                   a plain field; LogValue never called
//	Map(xs, func(T) U {...}) generic      Map[int, string](...) from written types      yaegi infers from the first args only
//	t[0] on a tensor, data set            CompileError naming it and what to write      yaegi: CFG post-order panic
//	slices.Grow and other generic funcs   CompileError naming it as generic             "undefined" or "nil type"
//	  without a shim
//	time.Sleep                            interruptible sleep                           cooperative interrupt
//	fmt.Printf/Sprintf/Fprintf/Errorf/    compiled shims that unwrap yaegi's method     %d of a cell type with a String method
//	  Appendf                               wrappers for value verbs (%d %f %t ...)      printed the wrapper struct
//	fmt.Print*/Sprint*/Fprint*/Append*/   every printed argument x becomes              yaegi erases cell types: []Color printed
//	  *f, log.Print/Println/Printf          _gopadFmt.Show(x); a final value also goes    [0 1], %T named no cell type
//	  (once cells defined types)            to _gopadFmt.Note (fmtshow.go); log's three
//	                                        go to compiled shims that print %T as fmt's
//
// Show and Note are compiled funcs stored in fields of an interpreted struct:
// for such a call yaegi passes the argument with its interpreter type, which
// fmtshow.go reads to wrap values of cell types with String or Error methods
// (called through per-type callers the engine evaluates after each cell that
// declares types or methods), the slices, maps, structs and pointers holding
// them, and cell-typed values for %T, so that fmt prints what compiled Go
// prints and a cell's final value renders the same text.
//
// A hoisted definition's type is named in Go syntax from its reflected type;
// compiled packages are referred to by hidden import aliases. Types that
// cannot be named (anonymous structs, interfaces defined in cells when several
// exist) fail with Kind "Unsupported" naming the variable.
//
// Remaining constructs yaegi cannot compile (range over a value whose type
// the front-end cannot tell, defer or goto in a range-over-func body) fail
// with Kind "Unsupported" naming the construct and its cell line.
//
// # Interrupts
//
// Interrupt never cancels the interpreter: after a cancelled EvalWithContext
// every function literal made earlier returns zero values. Instead it sets a
// flag and closes a channel that the rewritten code polls and selects on; the
// cell stops with Kind "Interrupted" and all state survives. Goroutines a cell
// started are not stopped by loop checks (a panic there would kill the
// process); one blocked in a rewritten channel operation ends quietly.
//
// Measured with the tests in interrupt_test.go (2-core machine):
//
//	interpreted loop (cell or function)        stops in ~0.2-0.4 ms, state kept
//	time.Sleep                                 ~0.2 ms, state kept
//	<-ch, v = <-ch, v, ok = <-ch, v := <-ch    ~0.2-0.3 ms, state kept
//	ch <- v, select without default            ~0.2-0.3 ms, state kept
//	for v := range ch, receive in expressions  ~0.2-0.3 ms when the channel's type is known
//	sync.WaitGroup.Wait, mutexes, long compiled calls, receives from channels
//	of unknown or interface element type       not cooperative: only cancelling
//	                                           Execute's context stops them;
//	                                           the Error has StateLost set
//
// Compiled code (ml training) polls Engine.Interrupted itself.
//
// # Cost
//
// A trivial cell costs ~65-95 µs in process: BenchmarkTrivialCell runs the
// pair x := 1, x + 1 in ~130-150 µs per pair over 200 pairs and ~190 µs over
// 1000 (yaegi's global frame only grows, one slot per top-level temporary,
// and is copied as it grows; the front-end therefore adds helper calls only
// where something can block or loop). Once a cell type has a String or Error
// method, a cell's final value also goes through Note, ~25 µs more per value
// cell (BenchmarkTrivialCellWithStringer against BenchmarkTrivialCell), and
// fmt.Sprint of a four-element []Color costs ~20 µs (BenchmarkPrintCellValues:
// four interpreted String calls through reflect). New takes ~6.5 ms (BenchmarkNewEngine).
// The interrupt check in loop bodies roughly doubles the cost of the tightest
// interpreted loops (BenchmarkInterpretedLoop: ~115 ns per iteration of
// s += i); heavy loops belong in compiled ml code anyway. A hoisted
// definition costs a failed compile and two more evaluations:
// BenchmarkHoistedDefinition (p := parts[1], 2000 runs) ~0.5-0.9 ms per cell
// against ~0.18-0.25 ms for BenchmarkTrivialCell's pair measured alongside
// (2000 runs, on a loaded 2-core machine), most of it yaegi copying its
// global frame.
//
// # Index panics in cell functions
//
// yaegi reports a panic inside a function at the function's first statement
// and, for an index out of range, without the index and length. Checking
// every index in the rewritten code would cost ~70% of a tight index loop
// (s += xs[i] with an if uint(i) >= uint(len(xs)) check: ~235 ns against
// ~135 ns per iteration), and a deferred recover per call ~1.6 µs, so the
// engine does the work only after the panic (funcindex.go): the failing
// function's stored source names the index expression (the only one, or the
// only one out of range with the call's arguments read again when the cell's
// top-level statement made the call with side-effect-free arguments), giving
// the traceback its line and the message Go's " [i] with length n".
// Otherwise a function with a single index expression gets its line without
// the numbers (indexes by local variables, calls from other functions), and
// one with several keeps yaegi's first-statement line.
// BenchmarkInterpretedIndexLoop is unchanged by it (~13.5 ms per 100k index
// iterations before and after).
//
// # State
//
// A cell that fails leaves the session as it was: yaegi registers a chunk's
// top-level names while compiling it (a redefined variable would point to a
// fresh zero value, an undefined name would become a placeholder type), so
// the engine saves those scope entries before each chunk and restores them
// when it does not compile, and restores the definitions of the statements
// that did not finish when it panics or is interrupted (symtab.go).
//
// Cells share the interpreter's main package. The engine remembers imports
// (by name and canonical path: gopad/ml and gopad.dev/gopad/ml are one), the
// top-level names cells defined, the prepared source of every func, method and
// type (to re-evaluate dependents on redefinition), and the result counts of
// cell funcs (to decide whether a final call has a value). A value stored in a
// variable before a redefinition keeps its old type or function.
package engine

//go:generate go run ../symbols/internal/gencellwrappers -set std -o cellwrappers_gen.go
