package engine

import "testing"

// TestUnknownMethodSuggestsTheClosest checks the hint for a field or method
// that does not exist, as people type them from Python (lower case, a typo):
// the names of the value's type closest to it, in Go's words.
func TestUnknownMethodSuggestsTheClosest(t *testing.T) {
	h := newHarness(t)
	h.run("import \"gopad/ml\"\nmodel := ml.Sequential(ml.Linear(2, 1))\ndata := ml.Iris()")
	for _, c := range []struct{ code, msg string }{
		{"model.fit(data, ml.FitConfig{})", "model.fit undefined (model has no field or method fit; did you mean model.Fit?)"},
		{"model.Predcit(data.X)", "model.Predcit undefined (model has no field or method Predcit; did you mean model.Predict?)"},
		{"n := data.len()", "data.len undefined (data has no field or method len; did you mean data.Len?)"},
		// Nothing close: no guess.
		{"model.Compile()", "model.Compile undefined (model has no field or method Compile)"},
	} {
		if e := h.fail(c.code); e.Kind != "CompileError" || e.Message != c.msg {
			t.Errorf("%q: got %s %q, want CompileError %q", c.code, e.Kind, e.Message, c.msg)
		}
	}
}
