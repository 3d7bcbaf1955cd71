// Command gencellwrappers writes, for every interface wrapper in the symbol
// tables the engine loads, a twin with one more method field, W_gopadValue:
// those of the standard library (yaegi's, and gopad's extraction of the newer
// one) into package engine, those of gopad's and gonum's packages into
// package symbols (the engine imports no display or ml code itself).
//
// yaegi converts a value of a cell type to a compiled interface through the
// interface's wrapper struct, whose IValue holds a struct's last field rather
// than the struct, so the value could not be recovered: a type assertion or a
// type switch to a cell struct type from an io.Reader or a fmt.Stringer
// answered false. Given a twin whose fields the cell type's methods all fill,
// yaegi uses it, and its W_gopadValue is the cell type's hidden method that
// returns the value itself (see cellvalue.go).
//
// Run by `go generate ./kernel/engine ./kernel/symbols`.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"reflect"
	"sort"
	"strings"

	"github.com/traefik/yaegi/stdlib"

	"gopad.dev/gopad/kernel/symbols"
	"gopad.dev/gopad/kernel/symbols/stdsyms"
)

func main() {
	out := flag.String("o", "cellwrappers_gen.go", "file to write")
	set := flag.String("set", "std", "which wrappers: std (the standard library's, for package engine) or gopad (gopad's and gonum's, for package symbols, which may import them)")
	flag.Parse()
	var (
		tabs    map[string]map[string]reflect.Value
		pkg     string
		varName string
	)
	switch *set {
	case "std":
		tabs, pkg, varName = stdTables(), "engine", "cellWrapperTwins"
	case "gopad":
		tabs, pkg, varName = symbols.Symbols, "symbols", "CellWrapperTwins"
	default:
		log.Fatalf("-set %q: want std or gopad", *set)
	}
	src, err := generate(tabs, pkg, varName)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
}

// stdTables returns the standard library's symbol tables as the engine
// merges them: yaegi's own, then the names it lacks from stdsyms.
func stdTables() map[string]map[string]reflect.Value {
	all := map[string]map[string]reflect.Value{}
	add := func(key, name string, v reflect.Value) {
		if all[key] == nil {
			all[key] = map[string]reflect.Value{}
		}
		if _, ok := all[key][name]; !ok {
			all[key][name] = v
		}
	}
	for _, tab := range []map[string]map[string]reflect.Value{stdlib.Symbols, stdsyms.Symbols} {
		for key, syms := range tab {
			for name, v := range syms {
				add(key, name, v)
			}
		}
	}
	return all
}

// twin is one wrapper to write.
type twin struct {
	key, name string // table key ("io/io") and wrapper symbol ("_Reader")
	typeName  string // the twin's Go name
	iface     reflect.Type
	fields    []field
}

type field struct {
	method string // the interface method
	fn     reflect.Type
}

func generate(all map[string]map[string]reflect.Value, pkg, varName string) ([]byte, error) {
	imports := &importSet{byPath: map[string]string{}}
	var twins []twin
	skipped := 0
	keys := sortedKeys(all)
	for _, key := range keys {
		syms := all[key]
		for _, name := range sortedKeys(syms) {
			w := syms[name]
			if !strings.HasPrefix(name, "_") || !w.IsValid() || w.Kind() != reflect.Pointer {
				continue
			}
			st := w.Type().Elem()
			if st.Kind() != reflect.Struct || st.NumField() < 1 || st.Field(0).Name != "IValue" {
				continue
			}
			iv, ok := syms[name[1:]]
			if !ok || iv.Kind() != reflect.Pointer || iv.Type().Elem().Kind() != reflect.Interface {
				continue
			}
			t, ok := makeTwin(key, name, iv.Type().Elem(), st, imports)
			if !ok {
				skipped++
				continue
			}
			twins = append(twins, t)
		}
	}

	// The body first, with the imports it uses (a twin left out may have
	// added others).
	imports = &importSet{byPath: map[string]string{}}
	var b bytes.Buffer
	fmt.Fprintf(&b, "// %s maps a wrapper symbol (table key and name) to its twin with\n"+
		"// the hidden method W_gopadValue (%d wrappers; %d whose types cannot be\n// written are left out).\n", varName, len(twins), skipped)
	fmt.Fprintf(&b, "var %s = map[string]reflect.Type{\n", varName)
	for _, t := range twins {
		fmt.Fprintf(&b, "\t%q: reflect.TypeFor[%s](),\n", t.key+"."+t.name, t.typeName)
	}
	fmt.Fprintf(&b, "}\n")
	for _, t := range twins {
		fmt.Fprintf(&b, "\ntype %s struct {\n\tIValue any\n", t.typeName)
		for _, f := range t.fields {
			s, _ := imports.typeSrc(f.fn)
			fmt.Fprintf(&b, "\tW%s %s\n", f.method, s)
		}
		fmt.Fprintf(&b, "\tW_gopadValue func() any\n}\n\n")
		iface, _ := imports.typeSrc(t.iface)
		fmt.Fprintf(&b, "var _ %s = %s{}\n", iface, t.typeName)
		for _, f := range t.fields {
			var params, args, results []string
			for i := range f.fn.NumIn() {
				s, _ := imports.typeSrc(f.fn.In(i))
				if f.fn.IsVariadic() && i == f.fn.NumIn()-1 {
					s = "..." + strings.TrimPrefix(s, "[]")
					args = append(args, fmt.Sprintf("a%d...", i))
				} else {
					args = append(args, fmt.Sprintf("a%d", i))
				}
				params = append(params, fmt.Sprintf("a%d %s", i, s))
			}
			for i := range f.fn.NumOut() {
				s, _ := imports.typeSrc(f.fn.Out(i))
				results = append(results, s)
			}
			res := strings.Join(results, ", ")
			if len(results) > 1 {
				res = "(" + res + ")"
			}
			ret := "return "
			if len(results) == 0 {
				ret = ""
			}
			fmt.Fprintf(&b, "func (w %s) %s(%s) %s { %sw.W%s(%s) }\n", t.typeName, f.method,
				strings.Join(params, ", "), res, ret, f.method, strings.Join(args, ", "))
		}
	}
	var head bytes.Buffer
	fmt.Fprintf(&head, "// Code generated by gencellwrappers; DO NOT EDIT.\n\n")
	fmt.Fprintf(&head, "package %s\n\nimport (\n\t\"reflect\"\n", pkg)
	for _, p := range imports.sorted() {
		fmt.Fprintf(&head, "\t%s %q\n", imports.byPath[p], p)
	}
	fmt.Fprintf(&head, ")\n\n")
	head.Write(b.Bytes())
	src, err := format.Source(head.Bytes())
	if err != nil {
		return nil, fmt.Errorf("formatting the generated source: %w\n%s", err, head.Bytes())
	}
	return src, nil
}

// makeTwin describes the twin of wrapper st for interface iface, false when
// a type in its methods cannot be written in Go source here (unexported,
// internal, or an instantiated generic type).
func makeTwin(key, name string, iface, st reflect.Type, imports *importSet) (twin, bool) {
	if _, ok := imports.typeSrc(iface); !ok {
		return twin{}, false
	}
	t := twin{key: key, name: name, iface: iface}
	t.typeName = "_gopadCell" + sanitize(strings.TrimSuffix(key, "/"+lastElem(key))) + name
	for i := 1; i < st.NumField(); i++ {
		f := st.Field(i)
		if f.Type.Kind() != reflect.Func || !strings.HasPrefix(f.Name, "W") {
			return twin{}, false
		}
		if _, ok := imports.typeSrc(f.Type); !ok {
			return twin{}, false
		}
		t.fields = append(t.fields, field{method: f.Name[1:], fn: f.Type})
	}
	if len(t.fields) != iface.NumMethod() {
		return twin{}, false
	}
	return t, true
}

func lastElem(key string) string { return key[strings.LastIndex(key, "/")+1:] }

func sanitize(path string) string {
	var b strings.Builder
	for _, r := range path {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return "_" + b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// importSet names the packages the generated source refers to.
type importSet struct {
	byPath map[string]string
}

func (s *importSet) sorted() []string { return sortedKeys(s.byPath) }

// qualify returns the package name to use for path, adding the import.
func (s *importSet) qualify(path string) string {
	if n, ok := s.byPath[path]; ok {
		return n
	}
	n := "p" + sanitize(path)
	s.byPath[path] = n
	return n
}

// typeSrc writes t as Go source, false when it cannot be written here.
func (s *importSet) typeSrc(t reflect.Type) (string, bool) {
	if t.Name() != "" {
		if t.PkgPath() == "" {
			// Predeclared, error included. Written as byte and rune, their
			// aliases, which vet expects in the methods it knows
			// (ReadByte, Format).
			switch t.Name() {
			case "uint8":
				return "byte", true
			case "int32":
				return "rune", true
			}
			return t.Name(), true
		}
		if strings.Contains(t.Name(), "[") || !isExported(t.Name()) || strings.Contains(t.PkgPath(), "internal") ||
			strings.HasPrefix(t.PkgPath(), "vendor/") || t.PkgPath() == "main" {
			return "", false
		}
		return s.qualify(t.PkgPath()) + "." + t.Name(), true
	}
	elem := func(prefix string) (string, bool) {
		e, ok := s.typeSrc(t.Elem())
		return prefix + e, ok
	}
	switch t.Kind() {
	case reflect.Pointer:
		return elem("*")
	case reflect.Slice:
		return elem("[]")
	case reflect.Array:
		return elem(fmt.Sprintf("[%d]", t.Len()))
	case reflect.Chan:
		switch t.ChanDir() {
		case reflect.RecvDir:
			return elem("<-chan ")
		case reflect.SendDir:
			return elem("chan<- ")
		}
		e, ok := s.typeSrc(t.Elem())
		if strings.HasPrefix(e, "<-") {
			e = "(" + e + ")"
		}
		return "chan " + e, ok
	case reflect.Map:
		k, ok1 := s.typeSrc(t.Key())
		v, ok2 := s.typeSrc(t.Elem())
		return "map[" + k + "]" + v, ok1 && ok2
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "any", true
		}
		return "", false
	case reflect.Struct:
		if t.NumField() == 0 {
			return "struct{}", true
		}
		return "", false
	case reflect.Func:
		var in, out []string
		for i := range t.NumIn() {
			p, ok := s.typeSrc(t.In(i))
			if !ok {
				return "", false
			}
			if t.IsVariadic() && i == t.NumIn()-1 {
				p = "..." + strings.TrimPrefix(p, "[]")
			}
			in = append(in, p)
		}
		for i := range t.NumOut() {
			p, ok := s.typeSrc(t.Out(i))
			if !ok {
				return "", false
			}
			out = append(out, p)
		}
		res := strings.Join(out, ", ")
		if len(out) > 1 {
			res = " (" + res + ")"
		} else if len(out) == 1 {
			res = " " + res
		}
		return "func(" + strings.Join(in, ", ") + ")" + res, true
	}
	return "", false
}

func isExported(name string) bool { return name != "" && name[0] >= 'A' && name[0] <= 'Z' }
