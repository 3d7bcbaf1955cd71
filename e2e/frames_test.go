package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// Output frames (HTML and charts) are sandboxed iframes with an opaque origin: the
// page cannot reach into them, and Chromium runs them in their own process, as
// separate "iframe" targets. These helpers attach to them to look inside.

// outputFrame is one attached output frame.
type outputFrame struct {
	ctx  context.Context
	info *target.Info
}

// outputFrames attaches to every output frame of the browser whose body matches the
// JavaScript predicate want (e.g. `document.body.className === 'chart'`), waiting
// until count of them exist.
func outputFrames(t *testing.T, ctx context.Context, what, want string, count int, timeout time.Duration) []outputFrame {
	t.Helper()
	attached := map[target.ID]outputFrame{}
	deadline := time.Now().Add(timeout)
	for {
		var found []outputFrame
		infos, err := chromedp.Targets(ctx)
		if err == nil {
			for _, info := range infos {
				if info.Type != "iframe" || !strings.Contains(info.URL, "/static/output") {
					continue
				}
				f, ok := attached[info.TargetID]
				if !ok {
					fctx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(info.TargetID))
					t.Cleanup(cancel)
					f = outputFrame{ctx: fctx, info: info}
					attached[info.TargetID] = f
				}
				match, err := chromedp.Run(f.ctx, chromedp.Evaluate[bool](`!!document.body && (`+want+`)`))
				if err == nil && match {
					found = append(found, f)
				}
			}
		}
		if len(found) >= count {
			return found
		}
		if time.Now().After(deadline) {
			failShot(t, ctx)
			t.Fatalf("timed out after %v waiting for %d output frame(s) with %s (%s); found %d (last error %v)", timeout, count, what, want, len(found), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// evalIn evaluates a JavaScript expression inside an output frame.
func evalIn[T any](t *testing.T, f outputFrame, expr string) T {
	t.Helper()
	v, err := chromedp.Run(f.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate in output frame %s: %s: %v", f.info.URL, expr, err)
	}
	return v
}

// waitIn polls a JavaScript boolean expression inside an output frame.
func waitIn(t *testing.T, f outputFrame, what, expr string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, err := chromedp.Run(f.ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting in an output frame for %s (%s); last error: %v", timeout, what, expr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// frameRectInPage scrolls the <iframe> element that the page expression
// frameSelector finds to the middle of the viewport and returns its box in page
// (viewport) coordinates, where mouse events are dispatched.
func frameRectInPage(t *testing.T, ctx context.Context, frameSelector string) (x, y, w, h float64) {
	t.Helper()
	r := evalJS[[]float64](t, ctx, fmt.Sprintf(`(() => { const f = %s; f.scrollIntoView({block: "center"}); const r = f.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`, frameSelector))
	return r[0], r[1], r[2], r[3]
}
