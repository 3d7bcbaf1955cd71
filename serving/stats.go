package serving

import (
	"math"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Live statistics for the endpoint page's charts: per model and version, the
// requests, errors and a latency histogram of each of the last StatsSeconds
// seconds. Prometheus (/metrics) keeps cumulative counters for scrapers; these
// are the recent per-second figures a page can draw without a Prometheus
// server. Recording is a few atomic additions on the request path.

// StatsSeconds is how many seconds of history the live statistics keep.
const StatsSeconds = 300

// Latency buckets: bucket i holds latencies in (edge(i-1), edge(i)], with
// edge(i) = statsMinLatency * statsGrowth^i; the last bucket holds the rest.
// With a growth of 1.2 a percentile read from the buckets is within 10% of
// the true one (reported at the bucket's geometric middle). The edges reach
// 60 s, beyond the default request timeout; slower requests fall in the last
// bucket, whose percentile reads as its lower edge.
const (
	statsMinLatency = 20e-6 // seconds
	statsGrowth     = 1.2
	statsBuckets    = 84
)

var statsEdges = func() [statsBuckets]float64 {
	var e [statsBuckets]float64
	for i := range e {
		e[i] = statsMinLatency * math.Pow(statsGrowth, float64(i))
	}
	return e
}()

func latencyBucket(seconds float64) int {
	if seconds <= statsMinLatency {
		return 0
	}
	i := int(math.Ceil(math.Log(seconds/statsMinLatency) / math.Log(statsGrowth)))
	// Guard against rounding at the edges.
	for i > 0 && i < statsBuckets && seconds <= statsEdges[i-1] {
		i--
	}
	return min(i, statsBuckets-1)
}

// statsSlot is one second of one version.
type statsSlot struct {
	sec         atomic.Int64 // unix second the slot holds
	requests    atomic.Int64 // answered, any status
	clientErr   atomic.Int64 // 4xx
	serverErr   atomic.Int64 // 5xx
	latencyHist [statsBuckets]atomic.Int64
}

// versionStats is the ring of one loaded model version.
type versionStats struct {
	mu    sync.Mutex // resets a slot for a new second
	slots [StatsSeconds]statsSlot
	now   func() time.Time
}

func (vs *versionStats) slot(t time.Time) *statsSlot {
	sec := t.Unix()
	s := &vs.slots[int(sec%StatsSeconds)]
	if s.sec.Load() == sec {
		return s
	}
	vs.mu.Lock()
	if s.sec.Load() != sec {
		s.requests.Store(0)
		s.clientErr.Store(0)
		s.serverErr.Store(0)
		for i := range s.latencyHist {
			s.latencyHist[i].Store(0)
		}
		s.sec.Store(sec)
	}
	vs.mu.Unlock()
	return s
}

// record counts one answered request. latency < 0: not measured (errors
// answered before the model ran).
func (vs *versionStats) record(status int, latency float64) {
	s := vs.slot(vs.now())
	s.requests.Add(1)
	switch {
	case status >= 500:
		s.serverErr.Add(1)
	case status >= 400:
		s.clientErr.Add(1)
	}
	if latency >= 0 {
		s.latencyHist[latencyBucket(latency)].Add(1)
	}
}

// statsBook holds the statistics of every version a Server has served. They
// outlive the version's endpoint (a rolled-back version's history stays on the
// chart) and go with the model.
type statsBook struct {
	mu     sync.Mutex
	models map[string]map[string]*versionStats
	now    func() time.Time
}

func newStatsBook() *statsBook {
	return &statsBook{models: map[string]map[string]*versionStats{}, now: time.Now}
}

func (b *statsBook) version(model, version string) *versionStats {
	b.mu.Lock()
	defer b.mu.Unlock()
	vs := b.models[model]
	if vs == nil {
		vs = map[string]*versionStats{}
		b.models[model] = vs
	}
	if vs[version] == nil {
		vs[version] = &versionStats{now: b.now}
	}
	return vs[version]
}

// forgetVersion drops a deleted version's figures.
func (b *statsBook) forgetVersion(model, version string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.models[model], version)
}

func (b *statsBook) forgetModel(model string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.models, model)
}

// StatsPoint is one second of one version.
type StatsPoint struct {
	// Time is the second's start, in Unix milliseconds (what charts take).
	Time         int64 `json:"t"`
	Requests     int64 `json:"requests"`
	ClientErrors int64 `json:"client_errors"` // 4xx answers
	ServerErrors int64 `json:"server_errors"` // 5xx answers
	// Latency percentiles of the second's answered (200) requests, from
	// arrival to answer, in milliseconds; null without any.
	P50 *float64 `json:"p50_ms"`
	P90 *float64 `json:"p90_ms"`
	P99 *float64 `json:"p99_ms"`
}

// VersionStats is one version's recent seconds and their totals.
type VersionStats struct {
	Version string       `json:"version"`
	Points  []StatsPoint `json:"points"`
	// Totals over the window.
	Requests     int64    `json:"requests"`
	ClientErrors int64    `json:"client_errors"`
	ServerErrors int64    `json:"server_errors"`
	P50          *float64 `json:"p50_ms"`
	P99          *float64 `json:"p99_ms"`
}

// ModelStats are a model's live statistics over the last Seconds seconds,
// oldest first, one point per second (seconds without requests included),
// ending with the current, still counting, second.
type ModelStats struct {
	Model    string         `json:"model"`
	Seconds  int            `json:"seconds"`
	Now      int64          `json:"now"` // Unix milliseconds of the last point
	Versions []VersionStats `json:"versions"`
}

// Stats returns the live statistics of model over the last seconds seconds
// (at most StatsSeconds; <= 0 means 60), for every version loaded since the
// model has been served (seconds before a version was loaded read as zero).
// Counts are kept in memory: a restart starts them again. ok is false for a model the server does not
// know.
func (s *Server) Stats(model string, seconds int) (st ModelStats, ok bool) {
	if seconds <= 0 {
		seconds = 60
	}
	seconds = min(seconds, StatsSeconds)
	_, served := s.modelsMap()[model]
	b := s.metrics.stats
	b.mu.Lock()
	versions := b.models[model]
	names := make([]string, 0, len(versions))
	for v := range versions {
		names = append(names, v)
	}
	vss := make([]*versionStats, 0, len(names))
	slices.SortFunc(names, func(a, b string) int { x, _ := strconv.Atoi(a); y, _ := strconv.Atoi(b); return x - y })
	for _, v := range names {
		vss = append(vss, versions[v])
	}
	b.mu.Unlock()
	if !served && len(vss) == 0 {
		return ModelStats{}, false
	}
	end := b.now().Unix()
	st = ModelStats{Model: model, Seconds: seconds, Now: end * 1000, Versions: []VersionStats{}}
	for i, vs := range vss {
		st.Versions = append(st.Versions, vs.window(names[i], end, seconds))
	}
	return st, true
}

// window reads the seconds (end-seconds, end].
func (vs *versionStats) window(version string, end int64, seconds int) VersionStats {
	out := VersionStats{Version: version, Points: make([]StatsPoint, 0, seconds)}
	var total [statsBuckets]int64
	for sec := end - int64(seconds) + 1; sec <= end; sec++ {
		p := StatsPoint{Time: sec * 1000}
		s := &vs.slots[int(sec%StatsSeconds)]
		var hist [statsBuckets]int64
		if s.sec.Load() == sec {
			p.Requests = s.requests.Load()
			p.ClientErrors = s.clientErr.Load()
			p.ServerErrors = s.serverErr.Load()
			for i := range hist {
				hist[i] = s.latencyHist[i].Load()
				total[i] += hist[i]
			}
			// The slot may have been reset for a newer second while it was
			// read (only after StatsSeconds): then it holds nothing of sec.
			if s.sec.Load() != sec {
				p = StatsPoint{Time: sec * 1000}
				hist = [statsBuckets]int64{}
			}
		}
		p.P50, p.P90, p.P99 = percentile(&hist, 0.50), percentile(&hist, 0.90), percentile(&hist, 0.99)
		out.Requests += p.Requests
		out.ClientErrors += p.ClientErrors
		out.ServerErrors += p.ServerErrors
		out.Points = append(out.Points, p)
	}
	out.P50, out.P99 = percentile(&total, 0.50), percentile(&total, 0.99)
	return out
}

// percentile returns the q-quantile of a histogram in milliseconds, at the
// geometric middle of its bucket; nil for an empty histogram.
func percentile(hist *[statsBuckets]int64, q float64) *float64 {
	var n int64
	for _, c := range hist {
		n += c
	}
	if n == 0 {
		return nil
	}
	rank := int64(math.Ceil(q * float64(n)))
	rank = max(rank, 1)
	var seen int64
	for i, c := range hist {
		seen += c
		if seen >= rank {
			var lo float64
			if i == 0 {
				lo = statsMinLatency / statsGrowth
			} else {
				lo = statsEdges[i-1]
			}
			ms := math.Sqrt(lo*statsEdges[i]) * 1000
			if i == statsBuckets-1 {
				ms = lo * 1000
			}
			ms = math.Round(ms*1000) / 1000 // microsecond resolution
			return &ms
		}
	}
	return nil
}
