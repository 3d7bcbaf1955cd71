// Package celldisplay connects cells to package display inside the yaegi
// interpreter.
//
// yaegi hands a value of a type defined in a cell to compiled code as a bare
// struct, without its methods, unless it is told which interfaces to keep for
// that call (its MapTypes). This package says which: for display's functions
// that take a value to render, and for a cell's result, which the kernel
// renders through display. It also gives cells the one function they need for
// it, display.Update: the methods of compiled types (Handle.Update) get no such
// wrapping, so cells write display.Update(h, v) to update an output with a value
// of their own type.
//
// The kernel passes [Exports], [MapTypes] and [RichInterfaces] to the engine
// through its options; nothing here is part of display's API for Go programs.
package celldisplay

import (
	"fmt"
	"image"
	"reflect"

	"gopad.dev/gopad/display"
)

// displayPaths are the keys under which cells find package display: its full
// import path and the short one cells import (see package symbols).
var displayPaths = []string{"gopad.dev/gopad/display/display", "gopad/display/display"}

// Update replaces the output of h with v, like h.Update(v), keeping the methods
// (RenderMIME, String, ...) of a value whose type is defined in a cell.
func Update(h *display.Handle, v any) {
	h.Update(v)
}

// Exports returns the symbols the kernel adds to package display for cells:
// Update, under display's full and short import paths.
func Exports() map[string]map[string]reflect.Value {
	out := map[string]map[string]reflect.Value{}
	for _, p := range displayPaths {
		out[p] = map[string]reflect.Value{"Update": reflect.ValueOf(Update)}
	}
	return out
}

// RichInterfaces returns the interfaces through which display renders a value
// richly, in order of preference: a cell's result implementing one is rendered
// by it, and a value of a cell-defined type keeps the methods of the first one
// it implements.
func RichInterfaces() []reflect.Type {
	return []reflect.Type{reflect.TypeFor[display.Renderer](), reflect.TypeFor[display.Tabler]()}
}

// MapTypes returns, for each function of display that takes a value to render
// (Show, Render and the cells' Update), the interfaces a value of a cell-defined
// type keeps when passed to it, in order of preference: every kind of value
// display renders by its methods.
func MapTypes() map[reflect.Value][]reflect.Type {
	interfaces := append(RichInterfaces(),
		reflect.TypeFor[image.Image](),
		reflect.TypeFor[error](),
		reflect.TypeFor[fmt.Stringer](),
	)
	return map[reflect.Value][]reflect.Type{
		reflect.ValueOf(display.Show):   interfaces,
		reflect.ValueOf(display.Render): interfaces,
		reflect.ValueOf(Update):         interfaces,
	}
}
