package serving

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"gopad.dev/gopad/ml"
)

// endpoint is one loaded version of a model: a replica of the model per
// worker (ml.Model.Predict locks its model, so one shared model would run one
// request at a time) and a queue the workers take batches from.
type endpoint struct {
	name    string
	version int
	vlabel  string
	sig     *signature
	cfg     BatchConfig
	metrics *endpointMetrics

	queue chan *job
	// free holds the replicas not computing: a worker takes one for each
	// batch, and a request arriving at an idle endpoint takes one itself.
	free  chan *ml.Model
	hooks *testHooks // nil outside tests
	// state counts requests holding the endpoint; closedBit is set once the
	// endpoint takes no new ones. The workers stop when it is closed and
	// empty.
	state   atomic.Int64
	drained chan struct{}
	workers sync.WaitGroup
}

const closedBit = int64(1) << 62

// BatchConfig is the dynamic batching of a model: a worker takes the requests
// waiting in the queue, up to MaxBatch samples, and if the batch is not full
// waits up to MaxWait for more before running it.
type BatchConfig struct {
	MaxBatch int           // samples in one model call; 1 disables batching
	MaxWait  time.Duration // 0: run what is queued at once
	Workers  int           // model replicas computing in parallel
}

// job is one request's prepared input on its way through the queue.
type job struct {
	ctx    context.Context
	in     prepared
	out    []float32 // the model's output for the job's samples
	outDim []int     // one sample's output shape
	err    error
	done   chan struct{} // nil for a job computed by its own request
}

func (j *job) signal() {
	if j.done != nil {
		j.done <- struct{}{}
	}
}

// testHooks let tests see and hold the machinery at exact points instead of
// guessing with sleeps.
type testHooks struct {
	admitted func()      // a request passed the concurrency cap
	enqueued func()      // a job entered a queue
	batch    func(n int) // a worker is about to run a batch of n samples
}

func newEndpoint(name string, version int, m *ml.Model, sig *signature, cfg BatchConfig, queueLen int, metrics *serverMetrics, hooks *testHooks) (*endpoint, error) {
	e := &endpoint{name: name, version: version, vlabel: strconv.Itoa(version), sig: sig, cfg: cfg,
		queue: make(chan *job, queueLen), drained: make(chan struct{}), hooks: hooks}
	e.metrics = metrics.forEndpoint(name, e.vlabel)
	replicas := []*ml.Model{m}
	for len(replicas) < cfg.Workers {
		c, err := m.Clone()
		if err != nil {
			return nil, fmt.Errorf("replicate the model for %d workers: %w", cfg.Workers, err)
		}
		replicas = append(replicas, c)
	}
	e.free = make(chan *ml.Model, len(replicas))
	for _, r := range replicas {
		e.free <- r
		e.workers.Add(1)
		go e.work()
	}
	return e, nil
}

// acquire registers a request on the endpoint; false once it is closing.
func (e *endpoint) acquire() bool {
	for {
		s := e.state.Load()
		if s&closedBit != 0 {
			return false
		}
		if e.state.CompareAndSwap(s, s+1) {
			return true
		}
	}
}

func (e *endpoint) release() {
	if e.state.Add(-1) == closedBit {
		close(e.drained)
	}
}

// close stops new requests; the ones holding the endpoint finish, then the
// workers stop. It returns at once; wait reports the end.
func (e *endpoint) close() {
	for {
		s := e.state.Load()
		if s&closedBit != 0 {
			return
		}
		if e.state.CompareAndSwap(s, s|closedBit) {
			if s == 0 {
				close(e.drained)
			}
			go func() {
				<-e.drained
				close(e.queue)
			}()
			return
		}
	}
}

func (e *endpoint) wait() { e.workers.Wait() }

// run computes the prepared input into j (whose in is set), answering
// by deadline (the request's timeout, counted from its arrival) or ctx's end.
func (e *endpoint) run(ctx context.Context, deadline time.Time, j *job) error {
	// Nothing queued and a replica idle: batching has nothing to add (only
	// what is queued would join), so compute here and spare two goroutine
	// switches, a channel and a timer. With MaxWait the request waits in
	// the queue for company.
	if e.cfg.MaxWait <= 0 && len(e.queue) == 0 {
		select {
		case m := <-e.free:
			if e.hooks != nil && e.hooks.enqueued != nil {
				e.hooks.enqueued()
			}
			j.ctx = ctx
			if !time.Now().Before(deadline) {
				// The body took the whole timeout to arrive.
				e.free <- m
				return context.DeadlineExceeded
			}
			batch := [1]*job{j}
			e.runBatch(m, batch[:])
			e.free <- m
			return j.err
		default:
		}
	}
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	q := &job{ctx: ctx, in: j.in, done: make(chan struct{}, 1)}
	e.metrics.queueDepth.Inc()
	select {
	case e.queue <- q:
	case <-ctx.Done():
		e.metrics.queueDepth.Dec()
		return ctx.Err()
	}
	if e.hooks != nil && e.hooks.enqueued != nil {
		e.hooks.enqueued()
	}
	select {
	case <-q.done:
		j.out, j.outDim, j.err = q.out, q.outDim, q.err
		return q.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// work is a worker: it takes a batch of queued jobs of one sample shape,
// runs them through its replica in one call and hands each job its rows.
func (e *endpoint) work() {
	defer e.workers.Done()
	var held *job // a job of another sample shape, first of the next batch
	batch := make([]*job, 0, 16)
	for {
		first := held
		held = nil
		if first == nil {
			var ok bool
			if first, ok = <-e.queue; !ok {
				return
			}
			e.metrics.queueDepth.Dec()
		}
		m := <-e.free // a request computing on its own may hold it a moment
		batch = append(batch[:0], first)
		n := first.in.n
		var timer *time.Timer
		var deadline <-chan time.Time
	collect:
		for n < e.cfg.MaxBatch {
			var j *job
			var ok bool
			select {
			case j, ok = <-e.queue:
			default:
				if e.cfg.MaxWait <= 0 {
					break collect
				}
				if timer == nil {
					timer = time.NewTimer(e.cfg.MaxWait)
					deadline = timer.C
				}
				select {
				case j, ok = <-e.queue:
				case <-deadline:
					break collect
				}
			}
			if !ok {
				break collect
			}
			e.metrics.queueDepth.Dec()
			if !sameInts(j.in.sample, first.in.sample) || n+j.in.n > e.cfg.MaxBatch {
				held = j
				break collect
			}
			batch = append(batch, j)
			n += j.in.n
		}
		if timer != nil {
			timer.Stop()
		}
		e.runBatch(m, batch)
		e.free <- m
	}
}

func sameInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// runBatch computes a batch; jobs whose request has gone (timeout, client
// closed) are left out.
func (e *endpoint) runBatch(m *ml.Model, batch []*job) {
	live := batch[:0]
	n := 0
	for _, j := range batch {
		if j.ctx.Err() != nil {
			j.err = j.ctx.Err()
			j.signal()
			continue
		}
		live = append(live, j)
		n += j.in.n
	}
	if len(live) == 0 {
		return
	}
	e.metrics.batchSize.Observe(float64(n))
	if e.hooks != nil && e.hooks.batch != nil {
		e.hooks.batch(n)
	}
	var x []float32
	if len(live) == 1 {
		x = live[0].in.x
	} else {
		x = make([]float32, 0, n*len(live[0].in.x)/live[0].in.n)
		for _, j := range live {
			x = append(x, j.in.x...)
		}
	}
	shape := append([]int{n}, live[0].in.sample...)
	y, err := predict(m, x, shape)
	if err == nil && len(y.Shape()) == 0 {
		err = fmt.Errorf("the model's output has no batch dimension")
	}
	if err == nil {
		data := y.Data()
		outDim := y.Shape()[1:]
		per := len(data) / n
		off := 0
		for _, j := range live {
			j.out = data[off*per : (off+j.in.n)*per : (off+j.in.n)*per]
			j.outDim = outDim
			off += j.in.n
			// JSON cannot carry NaN or infinity, and they are no answer: the
			// request whose sample caused one gets an error, the others not.
			for i, v := range j.out {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					j.err = &modelError{fmt.Errorf("it computed %v for sample %d; the input drives it out of range", v, i/per)}
					break
				}
			}
		}
	}
	for _, j := range live {
		if err != nil && j.err == nil {
			j.err = &modelError{err}
		}
		j.signal()
	}
}

// modelError is a failure of the model itself (HTTP 500).
type modelError struct{ err error }

func (e *modelError) Error() string { return "the model failed: " + e.err.Error() }

// predict runs the model, turning a panic (a shape the checks missed) into
// an error.
func predict(m *ml.Model, x []float32, shape []int) (y *ml.Tensor, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return m.Predict(ml.FromSlice(x, shape...)), nil
}
