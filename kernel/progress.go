package kernel

import (
	"gopad.dev/gopad/kernel/engine"
	"gopad.dev/gopad/kernel/trainview"
	"gopad.dev/gopad/ml"
)

// installProgress makes every ml.Fit without a Progress of its own show the
// notebook's live training view, and stop after the current batch when the cell
// is interrupted.
func installProgress(e *engine.Engine) {
	ml.SetDefaultProgress(trainview.Factory(e.Interrupted))
}
