package symbols

import "testing"

func TestExportsHasFullAndShortPaths(t *testing.T) {
	ex := Exports()
	for _, key := range []string{"gopad.dev/gopad/ml/ml", "gopad/ml/ml", "gopad.dev/gopad/display/display", "gopad/display/display"} {
		if len(ex[key]) == 0 {
			t.Errorf("Exports()[%q] is empty", key)
		}
	}
	if _, ok := ex["gopad/display/display"]["Renderer"]; !ok {
		t.Errorf("display.Renderer missing from the display symbols")
	}
}
