package display

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// maxListed is how many elements of a slice, array or map the text form of a
// value lists before it says how many more there are.
const maxListed = 100

// formatValue returns readable text for v: like %v, but structs show their field
// names, long slices and maps are cut with a note, and a slice or map says its
// length when cut.
func formatValue(v any) string {
	var b strings.Builder
	writeValue(&b, reflect.ValueOf(v), 0)
	return b.String()
}

func writeValue(b *strings.Builder, v reflect.Value, depth int) {
	if !v.IsValid() {
		b.WriteString("<nil>")
		return
	}
	if depth > 0 && v.CanInterface() {
		// Nested values with their own text form use it.
		switch x := v.Interface().(type) {
		case error:
			if !(v.Kind() == reflect.Pointer && v.IsNil()) {
				b.WriteString(x.Error())
				return
			}
		case fmt.Stringer:
			if !(v.Kind() == reflect.Pointer && v.IsNil()) {
				b.WriteString(x.String())
				return
			}
		}
	}
	if depth > 8 {
		fmt.Fprintf(b, "%v", v)
		return
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			b.WriteString("[]")
			return
		}
		n := v.Len()
		b.WriteByte('[')
		for i := 0; i < n && i < maxListed; i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			writeValue(b, v.Index(i), depth+1)
		}
		if n > maxListed {
			fmt.Fprintf(b, " … (%d more, len %d)", n-maxListed, n)
		}
		b.WriteByte(']')
	case reflect.Map:
		keys := v.MapKeys()
		sortValues(keys)
		b.WriteString("map[")
		for i, k := range keys {
			if i == maxListed {
				fmt.Fprintf(b, " … (%d more, len %d)", len(keys)-maxListed, len(keys))
				break
			}
			if i > 0 {
				b.WriteByte(' ')
			}
			writeValue(b, k, depth+1)
			b.WriteByte(':')
			writeValue(b, v.MapIndex(k), depth+1)
		}
		b.WriteByte(']')
	case reflect.Struct:
		t := v.Type()
		b.WriteByte('{')
		for i := 0; i < v.NumField(); i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(t.Field(i).Name)
			b.WriteByte(':')
			writeValue(b, v.Field(i), depth+1)
		}
		b.WriteByte('}')
	case reflect.Pointer:
		if v.IsNil() {
			b.WriteString("<nil>")
			return
		}
		if e := v.Elem(); e.Kind() == reflect.Struct && depth == 0 {
			b.WriteByte('&')
			writeValue(b, e, depth+1)
			return
		}
		fmt.Fprintf(b, "%p", v.Interface())
	case reflect.Interface:
		writeValue(b, v.Elem(), depth)
	case reflect.String:
		if depth > 0 {
			fmt.Fprintf(b, "%q", v.String())
		} else {
			b.WriteString(v.String())
		}
	default:
		if v.CanInterface() {
			fmt.Fprintf(b, "%v", v.Interface())
		} else {
			fmt.Fprintf(b, "%v", v)
		}
	}
}

// sortValues orders map keys as fmt does for the common key kinds.
func sortValues(keys []reflect.Value) {
	less := func(a, b reflect.Value) bool {
		switch a.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return a.Int() < b.Int()
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			return a.Uint() < b.Uint()
		case reflect.Float32, reflect.Float64:
			return a.Float() < b.Float()
		case reflect.String:
			return a.String() < b.String()
		case reflect.Bool:
			return !a.Bool() && b.Bool()
		}
		return fmt.Sprint(a) < fmt.Sprint(b)
	}
	sort.Slice(keys, func(i, j int) bool { return less(keys[i], keys[j]) })
}
