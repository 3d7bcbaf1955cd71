package engine

import (
	"fmt"
	"io"
	"reflect"
	"strings"
)

// yaegi passes a value of a cell type that has methods to compiled code as a
// wrapper struct (stdlib._fmt_Stringer, interp._error, ...) whose first field,
// IValue, holds the value itself. fmt calls the wrapper's String or Error
// method for %v, %s, %q, %x and %X, as it would the cell type's; for the other
// verbs it prints the wrapper's fields: %d of a Color with a String method
// printed "{1 5296192}" instead of 1. The fmt shims below hand fmt the wrapped
// value for those verbs.
//
// Once cells have defined types, the printed arguments reach these shims
// through Show (fmtshow.go), which replaces the values of cell types by
// stand-ins that format themselves; wrappers remain for arguments whose
// static type is an interface. The shims print %T of a stand-in as %s of the
// cell type's name (main.Color) and %p of it as the value's address.
//
// yaegi fills IValue of a struct type's wrapper with the struct's last field
// (getConcreteValue), so %d of a struct type with a String method held in an
// interface shows that field (compiled Go prints %!d(...) for such a misuse).

// isWrapper reports whether v is one of yaegi's interface wrappers.
func isWrapper(v any) bool {
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Struct || t.NumField() < 1 || t.Field(0).Name != "IValue" {
		return false
	}
	return strings.HasPrefix(t.Name(), "_")
}

// valueVerb reports whether fmt prints the value itself, without calling a
// String or Error method, for the verb. %T, %p and %#v are left out: on a
// wrapper of a struct type they would show its last field as if it were the
// whole value.
func valueVerb(verb rune) bool {
	return strings.ContainsRune("dbocUeEfFgGt", verb)
}

// unwrapArgs returns args with the wrappers that fmt would print as structs
// replaced by the values they wrap, and %T of the stand-ins for cell-typed
// values (fmtshow.go) replaced by %s of the cell type's name. It returns
// format and args themselves when nothing needs replacing.
func unwrapArgs(format string, args []any) (string, []any) {
	var out []any
	var typeVerbs []int // offsets in format of %T verbs to print as %s
	argNum := 0
	replace := func(i int, verb rune, at int) {
		if i < 0 || i >= len(args) {
			return
		}
		if tn, ok := args[i].(typeNamer); ok && (verb == 'T' || verb == 'p') {
			if out == nil {
				out = append([]any(nil), args...)
			}
			if verb == 'p' {
				out[i] = tn.rawValue()
				return
			}
			out[i] = tn.goTypeName()
			typeVerbs = append(typeVerbs, at)
			return
		}
		if !valueVerb(verb) || !isWrapper(args[i]) {
			return
		}
		if _, ok := args[i].(fmt.Formatter); ok {
			return
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i] = reflect.ValueOf(args[i]).Field(0).Interface()
	}
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("#+- 0", format[i]) >= 0 {
			i++
		}
		// An explicit argument index [n], a width, a precision: '*' takes an argument.
		for i < len(format) && strings.IndexByte("[]*.0123456789", format[i]) >= 0 {
			switch format[i] {
			case '[':
				end := strings.IndexByte(format[i:], ']')
				if end < 0 {
					return format, args // malformed: let fmt report it
				}
				var n int
				if _, err := fmt.Sscanf(format[i+1:i+end], "%d", &n); err == nil {
					argNum = n - 1
				}
				i += end + 1
				continue
			case '*':
				argNum++
			}
			i++
		}
		if i >= len(format) {
			break
		}
		verb := rune(format[i])
		if verb == '%' {
			continue
		}
		replace(argNum, verb, i)
		argNum++
	}
	if out == nil {
		return format, args
	}
	if len(typeVerbs) > 0 {
		b := []byte(format)
		for _, at := range typeVerbs {
			b[at] = 's'
		}
		format = string(b)
	}
	return format, out
}

// fmtShims returns the compiled stand-ins for fmt's formatting functions,
// by the names the front-end rewrites calls to (packageShims). Printf writes
// to out, the interpreter's stdout, as yaegi's own fmt.Printf does.
func fmtShims(out io.Writer) map[string]reflect.Value {
	return map[string]reflect.Value{
		"Printf": reflect.ValueOf(func(format string, args ...any) (int, error) {
			f, a := unwrapArgs(format, args)
			return fmt.Fprintf(out, f, a...)
		}),
		"Sprintf": reflect.ValueOf(func(format string, args ...any) string {
			f, a := unwrapArgs(format, args)
			return fmt.Sprintf(f, a...)
		}),
		"Fprintf": reflect.ValueOf(func(w io.Writer, format string, args ...any) (int, error) {
			f, a := unwrapArgs(format, args)
			return fmt.Fprintf(w, f, a...)
		}),
		"Errorf": reflect.ValueOf(func(format string, args ...any) error {
			f, a := unwrapArgs(format, args)
			return fmt.Errorf(f, a...)
		}),
		"Appendf": reflect.ValueOf(func(b []byte, format string, args ...any) []byte {
			f, a := unwrapArgs(format, args)
			return fmt.Appendf(b, f, a...)
		}),
	}
}

// logShims returns the compiled stand-ins for log.Print, Println and Printf,
// which print Show's stand-ins (%T as fmt's shims do). They write through
// output, the interpreter's own logger's Output (yaegi gives cells a logger
// on the interpreter's stderr), once it is known.
func logShims(output *func(calldepth int, s string) error) map[string]reflect.Value {
	emit := func(s string) {
		if *output != nil {
			(*output)(3, s) //nolint:errcheck // log.Print ignores it too
		}
	}
	return map[string]reflect.Value{
		"LogPrint":   reflect.ValueOf(func(args ...any) { emit(fmt.Sprint(args...)) }),
		"LogPrintln": reflect.ValueOf(func(args ...any) { emit(fmt.Sprintln(args...)) }),
		"LogPrintf": reflect.ValueOf(func(format string, args ...any) {
			f, a := unwrapArgs(format, args)
			emit(fmt.Sprintf(f, a...))
		}),
	}
}
