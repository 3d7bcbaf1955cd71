package gemm

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// On this kind of virtual machine, waking a parked thread on an idle vCPU
// takes tens of microseconds, more than a mid-sized product. So the helper
// goroutine polls for work for a while after each task instead of parking
// at once, and the caller polls for the helper's result for a while before
// blocking. Both fall back to blocking so that an oversubscribed machine is
// not made worse by spinning.
const (
	helperSpin = 100 * time.Microsecond // helper polls this long after its last task
	callerSpin = 50 * time.Microsecond  // caller polls this long for the helper's result
)

// helper is a single long-lived goroutine that runs one half of a two-way
// split product. Only one product at a time can use it; a product that
// finds it busy runs serially.
type helper struct {
	owner      sync.Mutex             // held by the product that is using the helper
	start      sync.Once              // starts the goroutine on first use
	task       atomic.Pointer[func()] // the offered task, nil once claimed
	done       atomic.Bool            // the claimed task has finished
	parked     atomic.Bool            // the helper is (about to be) blocked on wake
	waiting    atomic.Bool            // the caller is (about to be) blocked on callerWake
	wake       chan struct{}          // a token wakes the parked helper
	callerWake chan struct{}          // a token wakes the waiting caller
}

var theHelper = &helper{wake: make(chan struct{}, 1), callerWake: make(chan struct{}, 1)}

// loop runs tasks forever: it polls while work keeps coming and parks when
// it has been idle for helperSpin.
func (h *helper) loop() {
	for {
		idleSince := time.Now()
		for spins := 0; ; spins++ {
			if f := h.task.Swap(nil); f != nil {
				(*f)()
				h.done.Store(true)
				if h.waiting.Load() {
					notify(h.callerWake)
				}
				idleSince = time.Now()
				continue
			}
			if spins%64 == 63 {
				if time.Since(idleSince) > helperSpin {
					break
				}
				runtime.Gosched()
			}
		}
		h.parked.Store(true)
		// Re-check after announcing the park: a task offered before the
		// announcement would otherwise wait for a wake that never comes.
		if h.task.Load() == nil {
			<-h.wake
		}
		h.parked.Store(false)
	}
}

// notify leaves a token in ch unless one is already pending.
func notify(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// tryRunSplit runs first and second, offering first to the helper and
// running second on the calling goroutine, and returns when both are done.
// If the helper has not claimed first by the time second is done, the
// caller runs it too, so a descheduled helper costs no more than running
// serially. It reports false, having run nothing, when another product is
// using the helper.
func (h *helper) tryRunSplit(first, second func()) bool {
	if !h.owner.TryLock() {
		return false
	}
	defer h.owner.Unlock()
	h.start.Do(func() { go h.loop() })
	h.done.Store(false)
	h.task.Store(&first)
	if h.parked.Load() {
		notify(h.wake)
	}
	second()
	if h.task.Swap(nil) != nil {
		first() // the helper never got to it
		return true
	}
	start := time.Now()
	for spins := 0; !h.done.Load(); spins++ {
		if spins%64 != 63 {
			continue
		}
		if time.Since(start) < callerSpin {
			runtime.Gosched()
			continue
		}
		h.waiting.Store(true)
		if !h.done.Load() {
			<-h.callerWake // may be a stale token: the loop re-checks done
		}
		h.waiting.Store(false)
	}
	return true
}
