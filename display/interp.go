package display

import (
	"fmt"
	"image"
	"reflect"
)

// Update replaces the output of h with v, like h.Update(v). Cells should prefer
// it when v's type is defined in the cell itself: the interpreter keeps such a
// value's methods (RenderMIME, String) for the package functions listed by
// InterpreterMapTypes, but not for methods of compiled types such as
// Handle.Update.
func Update(h *Handle, v any) {
	h.Update(v)
}

// InterpreterMapTypes is for the kernel, not for cells. It lists the functions of
// this package that take a value to render, each with the interfaces that the
// yaegi interpreter must keep when a value of a cell-defined type is passed to
// it; without this, such values reach the package as bare structs and lose
// their RenderMIME and String methods. The kernel installs it with
//
//	interp.Use(interp.Exports{".": {"MapTypes": reflect.ValueOf(display.InterpreterMapTypes())}})
//
// The interfaces are in order of preference: the first one a value implements
// is the one it keeps.
func InterpreterMapTypes() map[reflect.Value][]reflect.Type {
	interfaces := []reflect.Type{
		reflect.TypeFor[Renderer](),
		reflect.TypeFor[Tabler](),
		reflect.TypeFor[image.Image](),
		reflect.TypeFor[error](),
		reflect.TypeFor[fmt.Stringer](),
	}
	return map[reflect.Value][]reflect.Type{
		reflect.ValueOf(Show):   interfaces,
		reflect.ValueOf(Render): interfaces,
		reflect.ValueOf(Update): interfaces,
	}
}
