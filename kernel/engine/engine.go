package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"gopad.dev/gopad/kernel/symbols"
	"gopad.dev/gopad/kernel/symbols/stdsyms"
)

// Options configures an Engine.
type Options struct {
	// Stdout and Stderr receive what interpreted code prints with fmt.Print*,
	// println and the log package. They are fixed for the engine's life.
	// Nil means os.Stdout and os.Stderr.
	Stdout, Stderr io.Writer
	// GoroutinePanic, if set, is called with a report ("panic: <value>" and
	// where the goroutine was started) when a goroutine that a cell started
	// with a func literal (go func() { ... }()) panics. A panic there ends a
	// Go program; the kernel writes the report where its crash reports go and
	// exits. If GoroutinePanic returns, the goroutine ends. Nil means the
	// report is raised again as a panic, which ends the process.
	GoroutinePanic func(report string)
	// Track, if set, is called with the running cell's Position as it
	// changes: when a cell starts, at each of its top-level statements, and
	// when its goroutine is known. It runs on the goroutine that runs the
	// cell and must be quick. The kernel keeps the position where its parent
	// can read it after a crash that leaves no word (a stack overflow).
	Track func(Position)

	// Exports adds symbols for cells after the standard library and gopad's
	// packages; an entry for a package already there adds to its symbols. The
	// kernel adds display.Update (package celldisplay).
	Exports map[string]map[string]reflect.Value
	// MapTypes lists compiled functions whose any parameters keep the methods
	// of cell-defined values, each with the interfaces to keep in order of
	// preference (yaegi's MapTypes). The kernel lists display's functions.
	MapTypes map[reflect.Value][]reflect.Type
	// RichInterfaces lists the interfaces through which the caller renders a
	// cell's result (the kernel: display.Renderer and display.Tabler), in order
	// of preference. A result implementing one is left as it is; a value of a
	// cell-defined type that is a cell's result or an any argument of gopad's
	// ml package keeps the methods of the first one it implements, or else of
	// error or fmt.Stringer.
	RichInterfaces []reflect.Type
}

// Position is where a cell runs.
type Position struct {
	// Cell is the cell's number, as tracebacks name it ("cell #3").
	Cell int
	// Line is the cell line of the top-level statement running, 0 before the first.
	Line int
	// Goroutine is the id of the goroutine running the statement, 0 if not
	// known (a statement that makes no call does not record it).
	Goroutine int64
}

// Result is what a cell evaluates to.
type Result struct {
	// Value is the value of the cell's final expression. A value of a type
	// defined in a cell that implements one of Options.RichInterfaces, error or fmt.Stringer
	// arrives wrapped so that the interface's methods work from compiled code.
	Value reflect.Value
	// HasValue reports whether the cell ends with an expression that has a
	// value. It is false when the cell ends with a statement or a call of a
	// function without a result.
	HasValue bool
}

// Error is the error Execute returns.
type Error struct {
	// Kind is "CompileError", "Panic", "Interrupted", "Unsupported" (a
	// construct gopad cannot run; Message names it) or "Exit" (the cell called
	// os.Exit; ExitCode holds the code and the caller decides what ends).
	Kind string
	// Message describes the error, e.g. "undefined: foo".
	Message string
	// Line and Col are the 1-based position in the cell's own text, or 0.
	Line, Col int
	// Traceback holds human-readable lines; the first names the cell line.
	Traceback []string
	// StateLost is true when the interpreter state may be damaged: the cell had
	// to be cancelled, which breaks function literals made by earlier cells.
	StateLost bool
	// ExitCode is the code a cell passed to os.Exit (Kind "Exit").
	ExitCode int
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s: cell line %d:%d: %s", e.Kind, e.Line, e.Col, e.Message)
	}
	return e.Kind + ": " + e.Message
}

// debugChunks prints every chunk given to yaegi (GOPAD_DEBUG_CHUNKS=1).
var debugChunks = os.Getenv("GOPAD_DEBUG_CHUNKS") == "1"

// lineStride spreads the cells over the interpreter's line numbers: cell
// number n's line l is reported by yaegi as line (n mod cellWrap)*lineStride+l,
// so that any position names both the cell and the line. go/token caps line
// numbers below 2^30; cells longer than lineStride lines get wrong positions
// past that line, and cell numbers repeat after cellWrap cells.
const (
	lineStride = 10_000
	cellWrap   = 100_000
)

// Engine runs cells in one yaegi interpreter. Its methods other than Interrupt
// and Interrupted must not be called concurrently.
type Engine struct {
	interp  *interp.Interpreter
	rt      *runtimeState
	stdout  io.Writer
	stderr  io.Writer
	traces  *traceWriter
	exports interp.Exports

	mu  sync.Mutex // serialises Execute
	seq int        // number of the cell being run (1-based)
	// lost is set once a cell had to be cancelled: the interpreter may still
	// be running it, so no further cell may run in this engine.
	lost bool

	// names guards importNames and userNames against Complete, which reads
	// them while a cell runs; Execute's goroutine is the only writer.
	names sync.RWMutex

	importNames map[string]string // import name -> path
	importPaths map[string]string // path -> import name
	userNames   map[string]bool   // top-level names cells defined
	types       map[string]bool   // types cells defined
	ifaces      map[string]bool   // which of them are interfaces
	methods     map[string]*methodSig
	funcResults map[string]int // result counts of cell functions
	// funcResultTypes holds the result types of cell functions as written.
	funcResultTypes map[string][]string
	generics        map[string]bool // generic functions cells defined
	decls           map[string]*storedDecl
	// cellDocs holds the declarations cells made, for Inspect.
	cellDocs map[string]cellDoc
	// show prints values of cell types for the fmt helpers (fmtshow.go).
	show *shower
	// syms is the interpreter's main scope (symtab.go).
	syms reflect.Value
	// hiddenImports lists the packages imported under hidden aliases for
	// the engine's own declarations (hoist.go).
	hiddenImports map[string]bool
	// rich is Options.RichInterfaces.
	rich []reflect.Type
}

// methodSig is what the method expression rewrite needs of a method.
type methodSig struct {
	ptr     bool     // pointer receiver
	params  []string // parameter types, "...T" for a variadic one
	results string   // result list as written, "" for none
}

// storedDecl is the prepared source of a func or type declaration, kept to
// re-evaluate it when something it refers to is redefined (yaegi issue 1673:
// a function keeps calling the old version of a redefined function).
type storedDecl struct {
	src     string
	refs    map[string]bool
	isType  bool
	defines []string
}

// newStdSymbols returns the standard library packages whose tables the
// extraction with this Go (stdsyms) extends: yaegi's own symbols kept (its
// MapTypes refer to them), the ones it lacks added, new packages whole. It is
// computed once: the tables are shared, never modified.
var newStdSymbols = sync.OnceValue(func() map[string]map[string]reflect.Value {
	out := map[string]map[string]reflect.Value{}
	for k, syms := range stdsyms.Symbols {
		old, ok := stdlib.Symbols[k]
		if !ok {
			out[k] = syms
			continue
		}
		merged := maps.Clone(old)
		added := false
		for name, v := range syms {
			if _, ok := merged[name]; !ok {
				merged[name] = v
				added = true
			}
		}
		if added {
			out[k] = merged
		}
	}
	return out
})

// New starts an interpreter with the standard library, gopad's packages and
// the front-end's helpers. It takes a few milliseconds.
func New(opts Options) (*Engine, error) {
	e := &Engine{
		rt:          &runtimeState{},
		show:        newShower(),
		stdout:      opts.Stdout,
		stderr:      opts.Stderr,
		importNames: map[string]string{},
		importPaths: map[string]string{},
		userNames:   map[string]bool{},
		ifaces:      map[string]bool{},
		types:       map[string]bool{},
		methods:     map[string]*methodSig{},
		funcResults: map[string]int{},

		funcResultTypes: map[string][]string{},
		generics:        map[string]bool{},
		decls:           map[string]*storedDecl{},
		cellDocs:        map[string]cellDoc{},

		hiddenImports: map[string]bool{},
	}
	if e.stdout == nil {
		e.stdout = os.Stdout
	}
	if e.stderr == nil {
		e.stderr = os.Stderr
	}
	e.rt.track = opts.Track
	e.rt.reset(0)
	e.traces = &traceWriter{out: e.stderr}
	e.interp = interp.New(interp.Options{Stdout: e.stdout, Stderr: e.traces})

	e.exports = interp.Exports{}
	for k, v := range stdlib.Symbols {
		e.exports[k] = v
	}
	for k, v := range newStdSymbols() {
		e.exports[k] = v
	}
	timeSyms := map[string]reflect.Value{}
	for k, v := range e.exports["time/time"] {
		timeSyms[k] = v
	}
	timeSyms["Sleep"] = reflect.ValueOf(e.rt.sleep)
	e.exports["time/time"] = timeSyms
	// os.Exit unwinds the cell with a value of its own (yaegi's restricted one
	// panics with a string, indistinguishable from panic("os.Exit(1)")).
	osSyms := map[string]reflect.Value{}
	for k, v := range stdlib.Symbols["os/os"] {
		osSyms[k] = v
	}
	osSyms["Exit"] = reflect.ValueOf(func(code int) { panic(exitRequest{code: code}) })
	e.exports["os/os"] = osSyms
	for k, v := range symbols.Exports() {
		e.exports[k] = v
	}
	for k, v := range opts.Exports {
		// A copy: the generated tables are shared by every engine.
		merged := maps.Clone(e.exports[k])
		if merged == nil {
			merged = map[string]reflect.Value{}
		}
		maps.Copy(merged, v)
		e.exports[k] = merged
	}
	e.rich = opts.RichInterfaces
	rtSyms := e.rt.symbols()
	rtSyms["GoPanic"] = reflect.ValueOf(func(value any, cell, line int) {
		report := goroutinePanicReport(value, cell, line)
		if opts.GoroutinePanic == nil {
			panic(report)
		}
		opts.GoroutinePanic(report)
	})
	rtSyms["Show"] = reflect.ValueOf(e.show.show)
	rtSyms["Note"] = reflect.ValueOf(e.note)
	rtSyms["Is"] = reflect.ValueOf(e.show.is)
	rtSyms["AssertFail"] = reflect.ValueOf(e.show.assertFail)
	rtSyms["Reg"] = reflect.ValueOf(e.show.register)
	rtSyms["Keep"] = reflect.ValueOf(func(v any) any { return v })
	// NilTarget tests a target passed through Keep for nil in compiled
	// code: yaegi's own v == nil read a nil node of the kept value when the
	// call ran again from the same place (errors.As in a loop panicked).
	rtSyms["NilTarget"] = reflect.ValueOf(func(v any) bool {
		if v == nil {
			return true
		}
		rv := reflect.ValueOf(v)
		if iv, _, ok := e.show.fromInterp(rv); ok {
			rv = iv
		}
		switch rv.Kind() {
		case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan:
			return rv.IsNil()
		}
		return !rv.IsValid()
	})
	rtSyms["Eq"] = reflect.ValueOf(e.show.equal)
	rtSyms["As"] = reflect.ValueOf(e.show.as)
	rtSyms["AsNone"] = reflect.ValueOf(e.show.asNone)
	rtSyms["Cell"] = reflect.ValueOf(e.show.cell)
	rtSyms["Refl"] = reflect.ValueOf(e.show.codecValue)
	rtSyms["Slog"] = reflect.ValueOf(e.show.slogCheck)
	rtSyms["SlogValue"] = reflect.ValueOf(e.show.slogValue)
	rtSyms["TypeName"] = reflect.ValueOf(e.show.typeName)
	rtSyms["IfaceAs"] = reflect.ValueOf(e.show.ifaceAssert)
	rtSyms["FieldByName"] = reflect.ValueOf(fieldByNameHelper)
	rtSyms["ErrorsAs"] = reflect.ValueOf(e.show.errorsAs)
	for name, f := range compiledErrorHelpers {
		rtSyms[name] = reflect.ValueOf(f)
	}
	rtSyms["ShowMethod"] = reflect.ValueOf(e.show.setMethod)
	rtSyms["CodecMethod"] = reflect.ValueOf(e.show.setCodecMethod)
	rtSyms["LogValuer"] = reflect.ValueOf(e.show.setLogValuer)
	fmtSyms := fmtShims(e.stdout)
	for name, v := range fmtSyms {
		rtSyms[name] = v
	}
	var logOutput func(calldepth int, s string) error
	for name, v := range logShims(&logOutput) {
		rtSyms[name] = v
	}
	e.exports[rtImportPath+"/"+rtName] = rtSyms
	if err := e.interp.Use(e.exports); err != nil {
		return nil, fmt.Errorf("engine: load symbols: %w", err)
	}

	// Keep the methods of cell-defined values passed to compiled code as any.
	keep := append(slices.Clone(opts.RichInterfaces), reflect.TypeFor[error](), reflect.TypeFor[fmt.Stringer]())
	mapTypes := maps.Clone(opts.MapTypes)
	if mapTypes == nil {
		mapTypes = map[reflect.Value][]reflect.Type{}
	}
	mapTypes[rtSyms["Result"]] = keep
	for _, v := range fmtSyms {
		// Wrap cell values for the fmt shims as yaegi does for fmt itself.
		mapTypes[v] = stdlib.MapTypes[reflect.ValueOf(fmt.Printf)]
	}
	for _, pkg := range []string{"gopad.dev/gopad/ml/ml"} {
		for _, v := range e.exports[pkg] {
			if v.Kind() == reflect.Func && takesAny(v.Type()) {
				if _, ok := mapTypes[v]; !ok {
					mapTypes[v] = keep
				}
			}
		}
	}
	// Errors of cell struct types are wrapped with their hidden method
	// (cellvalue.go).
	// (A bare interpreter lists it: its key is the same nil *interp._error
	// in every interpreter, and Symbols of one that ran code can panic.)
	errWrapper := interp.New(interp.Options{}).Symbols("")[""]["_error"]
	if !errWrapper.IsValid() {
		return nil, fmt.Errorf("engine: yaegi's error wrapper not found")
	}
	mapTypes[errWrapper] = append(mapTypes[errWrapper], reflect.TypeFor[_cellError]())
	// So are the values of cell struct types converted to any other
	// compiled interface (io.Reader, fmt.Stringer, ...): yaegi picks the
	// twin when the cell type has all its methods (cellwrappers_gen.go).
	for _, twins := range []map[string]reflect.Type{cellWrapperTwins, symbols.CellWrapperTwins} {
		for key, twin := range twins {
			table, name, _ := strings.Cut(key, "._")
			if v, ok := e.exports[table]["_"+name]; ok && !slices.Contains(mapTypes[v], twin) {
				mapTypes[v] = append(mapTypes[v], twin)
			}
		}
	}
	if err := e.interp.Use(interp.Exports{".": {"MapTypes": reflect.ValueOf(mapTypes)}}); err != nil {
		return nil, fmt.Errorf("engine: map types: %w", err)
	}

	if _, err := e.interp.Eval(`import ` + rtName + ` "` + rtImportPath + `"`); err != nil {
		return nil, fmt.Errorf("engine: import helpers: %w", err)
	}
	if _, err := e.interp.Eval(shimSource); err != nil {
		return nil, fmt.Errorf("engine: compile shims: %w", err)
	}
	// The logger yaegi gives cells, for the log shims.
	if _, err := e.interp.Eval(`import _gopadlog "log"`); err != nil {
		return nil, fmt.Errorf("engine: import the cells' logger: %w", err)
	}
	out, err := e.interp.Eval("_gopadlog.Output")
	if err != nil {
		return nil, fmt.Errorf("engine: find the cells' logger: %w", err)
	}
	if f, ok := out.Interface().(func(int, string) error); ok {
		logOutput = f
	}
	e.syms = mainSymbols(e.interp)
	return e, nil
}

func takesAny(t reflect.Type) bool {
	for i := 0; i < t.NumIn(); i++ {
		in := t.In(i)
		if in.Kind() == reflect.Slice && t.IsVariadic() && i == t.NumIn()-1 {
			in = in.Elem()
		}
		if in.Kind() == reflect.Interface && in.NumMethod() == 0 {
			return true
		}
	}
	return false
}

// Interrupt asks the running cell to stop. Interpreted loops, time.Sleep,
// channel sends, plain receives and selects notice it within microseconds.
// Safe from any goroutine.
func (e *Engine) Interrupt() { e.rt.interrupt() }

// Interrupted reports whether an interrupt was requested for the running cell.
// Compiled code that runs long (ml training, kernel helpers) polls it.
func (e *Engine) Interrupted() bool { return e.rt.interrupted.Load() }

// Execute runs one cell and returns the value of its final expression, if any.
// Errors are *Error. Cancelling ctx stops a cell that ignores Interrupt by
// cancelling the interpreter, which damages state (Error.StateLost).
func (e *Engine) Execute(ctx context.Context, code string) (Result, error) {
	res, err := e.execute(ctx, code)
	if err != nil {
		var ee *Error
		if !errors.As(err, &ee) {
			ee = &Error{Kind: "CompileError", Message: err.Error()}
		}
		if len(ee.Traceback) == 0 {
			ee.Traceback = []string{tracebackHead(ee)}
		}
		return Result{}, ee
	}
	return res, nil
}

func (e *Engine) execute(ctx context.Context, code string) (Result, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.lost {
		return Result{}, &Error{Kind: "Interrupted", StateLost: true,
			Message: "this kernel's interpreter was cancelled by an earlier interrupt and may still be running that cell: restart the kernel"}
	}
	e.seq++
	e.rt.reset(e.seq)
	if strings.TrimSpace(code) == "" {
		return Result{}, nil
	}
	p, perr := e.safePrepare(code)
	if perr != nil {
		return Result{}, perr
	}
	for i, ch := range p.chunks {
		err := e.runChunk(ctx, p, ch)
		if err == nil && e.rt.interrupted.Load() {
			// Compiled code (ml training) stopped early on the interrupt and
			// returned normally: the cell still ends as interrupted.
			err = e.interruptedError()
			i++
		}
		if err != nil {
			e.commit(p, p.chunks[:i])
			return Result{}, err
		}
	}
	e.commit(p, p.chunks)
	if p.result && e.rt.hasResult {
		v := e.rt.result
		e.rt.result = nil
		return Result{Value: reflect.ValueOf(v), HasValue: true}, nil
	}
	return Result{}, nil
}

// runChunk compiles and runs one chunk, retrying without the result capture
// when the final expression turned out to have no single value, and hoisting
// definitions yaegi could not type when the chunk failed to compile.
func (e *Engine) runChunk(ctx context.Context, p *plan, ch *chunk) error {
	if ch.imports != nil {
		return e.runImports(ctx, p, ch)
	}
	for _, name := range ch.forgetTypes {
		forgetSymbol(e.interp, name)
	}
	e.rt.setLine(ch.firstLine)
	if ch.hoist != nil {
		if err := e.runHoisted(ctx, p, ch); err != nil {
			return err
		}
		e.refreshDependents(ctx, p, ch.defines)
		return nil
	}
	snap := e.snapshotSymbols(p, ch.all)
	compiled, err := e.evalStage(ctx, p, ch.src)
	if err != nil && !compiled && ch.speculative != "" {
		var ee *Error
		if errors.As(err, &ee) && ee.Kind == "CompileError" {
			e.restoreAll(snap)
			p.result = false
			compiled, err = e.evalStage(ctx, p, ch.speculative)
		}
	}
	if err != nil {
		if compiled {
			e.restoreUnfinished(snap, int(e.rt.line.Load()))
			return err
		}
		e.restoreAll(snap)
		if sub := e.hoistFallback(p, ch); sub != nil {
			return e.runPieces(ctx, p, ch, sub)
		}
		return err
	}
	if len(ch.defines) > 0 {
		e.refreshDependents(ctx, p, ch.defines)
	}
	if len(ch.stored) > 0 {
		e.registerShowMethods(p)
	}
	return nil
}

// hoistFallback splits a statement chunk that failed to compile into pieces
// in which the definitions that read through a value are hoisted (hoist.go).
// It returns nil when there is no such definition.
func (e *Engine) hoistFallback(p *plan, ch *chunk) []*chunk {
	if ch.items == nil {
		return nil
	}
	var pieces []*chunk
	var run []*item
	flush := func() {
		if len(run) > 0 {
			piece := &chunk{}
			e.finishChunk(p, piece, false, run)
			pieces = append(pieces, piece)
			run = nil
		}
	}
	hoisted := false
	for _, orig := range ch.items {
		it := e.unrewritten(p, orig)
		names, rhs, ok := hoistNames(it)
		risky := false
		for _, x := range rhs {
			risky = risky || e.readsThroughValue(p, x)
		}
		if !ok || !risky {
			run = append(run, orig)
			continue
		}
		flush()
		pieces = append(pieces, e.hoistChunk(p, it, names, rhs))
		hoisted = true
	}
	flush()
	if !hoisted {
		return nil
	}
	return pieces
}

// runPieces runs the pieces of a chunk in order. When one fails, the chunk
// keeps the names the pieces before it defined.
func (e *Engine) runPieces(ctx context.Context, p *plan, ch *chunk, pieces []*chunk) error {
	done := []string{}
	for _, piece := range pieces {
		if err := e.runChunk(ctx, p, piece); err != nil {
			ch.partial = done
			return err
		}
		done = append(done, piece.defines...)
	}
	return nil
}

// runImports evaluates a cell's new imports.
func (e *Engine) runImports(ctx context.Context, p *plan, ch *chunk) error {
	if err := e.eval(ctx, p, ch.src); err != nil {
		return err
	}
	e.names.Lock()
	defer e.names.Unlock()
	for _, imp := range ch.imports {
		e.importNames[imp.name] = canonicalPath(imp.path)
		e.importPaths[canonicalPath(imp.path)] = imp.name
	}
	return nil
}

// eval compiles and runs src, turning every failure into *Error.
func (e *Engine) eval(ctx context.Context, p *plan, src string) error {
	_, err := e.evalStage(ctx, p, src)
	return err
}

// evalStage is eval that also reports whether src compiled: a chunk that did
// not compile ran nothing.
func (e *Engine) evalStage(ctx context.Context, p *plan, src string) (compiled bool, err error) {
	if debugChunks {
		fmt.Fprintf(os.Stderr, "--- chunk of cell %d:\n%s\n", p.c.seq, src)
	}
	prog, err := e.compile(p, src)
	if err != nil {
		return false, err
	}
	return true, e.exec(ctx, p, prog)
}

// exec runs a compiled chunk.
func (e *Engine) exec(ctx context.Context, p *plan, prog *interp.Program) (err error) {
	if ctx.Err() != nil {
		// Not started: stopping nothing keeps the interpreter intact.
		return e.interruptedError()
	}
	e.traces.start()
	_, err = e.interp.ExecuteWithContext(ctx, prog)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		e.lost = true
		return &Error{
			Kind: "Interrupted",
			Message: "interrupted: the cell did not stop when asked (it was blocked in an operation gopad cannot interrupt " +
				"cooperatively, such as a receive into a new variable, a range over a channel, sync.WaitGroup.Wait or a long compiled call), " +
				"so the interpreter was cancelled: functions and closures created by earlier cells may now return zero values and the cell may still be running; restart the kernel to go on",
			Traceback: []string{"interrupted: interpreter cancelled, state lost"},
			StateLost: true,
		}
	}
	var pe interp.Panic
	if errors.As(err, &pe) {
		if _, ok := pe.Value.(interruptSignal); ok {
			return e.interruptedError()
		}
		return e.panicError(p, pe.Value, e.traces.lines())
	}
	return e.compileError(p, err.Error())
}

// compile compiles src, containing panics that escape yaegi's compiler.
func (e *Engine) compile(p *plan, src string) (prog *interp.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			prog, err = nil, e.compilePanic(p, r)
		}
	}()
	// yaegi's compiler logs "nil type" through the standard logger before
	// panicking; the panic becomes an error, so the log line is dropped.
	w := log.Writer()
	log.SetOutput(dropYaegiLog{w})
	defer log.SetOutput(w)
	prog, err = e.interp.Compile(src)
	if err != nil {
		return nil, e.compileError(p, err.Error())
	}
	return prog, nil
}

// refreshDependents re-evaluates the stored declarations of earlier cells that
// refer to a name this chunk redefined, so that they use the new definition.
func (e *Engine) refreshDependents(ctx context.Context, p *plan, defined []string) {
	changed := map[string]bool{}
	for _, name := range defined {
		if e.userNames[name] {
			changed[name] = true
		}
	}
	if len(changed) == 0 {
		return
	}
	done := map[*storedDecl]bool{}
	for _, d := range p.cellDecls {
		done[d] = true
	}
	for name := range p.stored {
		if old, ok := e.decls[name]; ok {
			done[old] = true // replaced by this cell
		}
	}
	for _, name := range defined {
		if old, ok := e.decls[name]; ok {
			done[old] = true // just evaluated by this chunk
		}
	}
	var order []*storedDecl
	for grew := true; grew; {
		grew = false
		for _, d := range e.decls {
			if done[d] {
				continue
			}
			for ref := range d.refs {
				if changed[ref] {
					done[d] = true
					order = append(order, d)
					for _, n := range d.defines {
						changed[n] = true
					}
					grew = true
					break
				}
			}
		}
	}
	// Types first, then functions and methods.
	for _, types := range []bool{true, false} {
		for _, d := range order {
			if d.isType != types {
				continue
			}
			if d.isType {
				for _, n := range d.defines {
					forgetSymbol(e.interp, n)
				}
			}
			if err := e.eval(ctx, p, "package main\n"+d.src); err != nil {
				fmt.Fprintf(e.stderr, "gopad: warning: %s (defined in an earlier cell) no longer compiles after this cell's redefinition: %v\n",
					strings.Join(d.defines, ", "), err)
			}
		}
	}
}

// globalIsInt reports whether the global expression path (x or x.y) currently
// holds an integer. It evaluates the expression, which has no side effects.
func (e *Engine) globalIsInt(path string) bool {
	root := strings.Split(path, ".")[0]
	if !e.userNames[root] {
		return false
	}
	v, ok := e.evalValue(path)
	return ok && isIntType(v.Type())
}

// evalValue evaluates the side-effect-free expression src, reporting false
// when it does not compile, panics or has no value.
func (e *Engine) evalValue(src string) (v reflect.Value, ok bool) {
	defer func() {
		if recover() != nil {
			v, ok = reflect.Value{}, false
		}
	}()
	v, err := e.interp.Eval(src)
	return v, err == nil && v.IsValid()
}

// dropYaegiLog passes log output through except yaegi's compile-panic lines.
type dropYaegiLog struct{ w io.Writer }

func (d dropYaegiLog) Write(b []byte) (int, error) {
	if bytes.HasSuffix(b, []byte(" nil type\n")) || bytes.HasSuffix(b, []byte(" nil reflect type\n")) {
		return len(b), nil
	}
	return d.w.Write(b)
}

// interruptedError reports a cooperative interrupt at the running statement.
func (e *Engine) interruptedError() *Error {
	line := int(e.rt.line.Load())
	head := "interrupted"
	if line > 0 {
		head = fmt.Sprintf("cell line %d: interrupted", line)
	}
	return &Error{Kind: "Interrupted", Message: "interrupted", Line: line, Col: min(line, 1), Traceback: []string{head}}
}

// safePrepare runs the front-end, containing any panic in it.
func (e *Engine) safePrepare(code string) (p *plan, err *Error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, &Error{Kind: "CompileError", Message: fmt.Sprintf("gopad's cell front-end failed on this cell (a bug in gopad): %v", r)}
		}
	}()
	return e.prepare(code)
}
