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

// cooldownProducts is how many products run serially after one whose caller
// waited for the helper much longer than a chunk takes: the other vCPU is
// then busy with other work and waiting for it costs more than splitting
// saves. Tests set it to 0 so that forced splits really split.
var cooldownProducts int32 = 32

// job is a product cut into chunks that the caller and the helper claim
// one at a time.
type job struct {
	run   func(chunk int)
	count int32
	next  atomic.Int32 // next chunk to claim
	done  atomic.Int32 // chunks finished
}

// work runs chunks until none is left to claim and returns how many it ran.
func (j *job) work() int {
	ran := 0
	for {
		i := j.next.Add(1) - 1
		if i >= j.count {
			return ran
		}
		j.run(int(i))
		j.done.Add(1)
		ran++
	}
}

// helper is a single long-lived goroutine that shares the chunks of one
// product at a time with the caller; a product that finds it busy runs
// serially.
type helper struct {
	owner      sync.Mutex          // held by the product that is using the helper
	start      sync.Once           // starts the goroutine on first use
	task       atomic.Pointer[job] // the offered job, nil once taken
	cooldown   atomic.Int32        // products left to run serially
	parked     atomic.Bool         // the helper is (about to be) blocked on wake
	waiting    atomic.Bool         // the caller is (about to be) blocked on callerWake
	wake       chan struct{}       // a token wakes the parked helper
	callerWake chan struct{}       // a token wakes the waiting caller
}

var theHelper = &helper{wake: make(chan struct{}, 1), callerWake: make(chan struct{}, 1)}

// loop runs jobs forever: it polls while work keeps coming and parks when
// it has been idle for helperSpin.
func (h *helper) loop() {
	for {
		idleSince := time.Now()
		for spins := 0; ; spins++ {
			// Poll with loads, which keep the line shared with the caller,
			// and swap only when there is something to take.
			if h.task.Load() != nil {
				if j := h.task.Swap(nil); j != nil {
					j.work()
					if h.waiting.Load() {
						notify(h.callerWake)
					}
					idleSince = time.Now()
					continue
				}
			}
			if spins%64 == 63 {
				if time.Since(idleSince) > helperSpin {
					break
				}
				runtime.Gosched()
			}
		}
		h.parked.Store(true)
		// Re-check after announcing the park: a job offered before the
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

// tryRunChunks runs run(0) … run(count-1), sharing them between the calling
// goroutine and the helper, and returns when all are done. Chunks the
// helper has not claimed are run by the caller. It reports false, having
// run nothing, when another product is using the helper or a recent
// product waited too long for it (cooldown).
func (h *helper) tryRunChunks(count int, run func(int)) bool {
	if h.cooldown.Load() > 0 {
		h.cooldown.Add(-1)
		return false
	}
	if !h.owner.TryLock() {
		return false
	}
	defer h.owner.Unlock()
	h.start.Do(func() { go h.loop() })
	j := &job{run: run, count: int32(count)}
	h.task.Store(j)
	if h.parked.Load() {
		notify(h.wake)
	}
	start := time.Now()
	mine := j.work()
	h.task.CompareAndSwap(j, nil) // withdraw the offer if the helper never took it
	own := time.Since(start)
	for spins := 0; j.done.Load() < j.count; spins++ {
		if spins%64 != 63 {
			continue
		}
		if time.Since(start)-own < callerSpin {
			runtime.Gosched()
			continue
		}
		h.waiting.Store(true)
		if j.done.Load() < j.count {
			<-h.callerWake // may be a stale token: the loop re-checks
		}
		h.waiting.Store(false)
	}
	// Waiting up to one chunk is normal (the helper's last chunk started
	// before ours ended); much longer means the helper was descheduled.
	if waited := time.Since(start) - own; mine > 0 && waited > own/time.Duration(mine)+callerSpin {
		h.cooldown.Store(cooldownProducts)
	}
	return true
}

// RunChunks runs run(0) … run(count-1), sharing them with the helper
// goroutine when two workers are allowed (SetMaxThreads) and the helper is
// free, else serially. ml's int8 kernels use it so that their products split
// across the two vCPUs the way Sgemm's do.
func RunChunks(count int, run func(chunk int)) {
	if count > 1 && maxWorkers > 1 && theHelper.tryRunChunks(count, run) {
		return
	}
	for i := 0; i < count; i++ {
		run(i)
	}
}
