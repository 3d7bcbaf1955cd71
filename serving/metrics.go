package serving

import (
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// serverMetrics are the Prometheus metrics of one Server, in a registry of
// its own (several servers may live in one process, as in tests).
type serverMetrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	batch    *prometheus.HistogramVec
	queue    *prometheus.GaugeVec
	inflight *prometheus.GaugeVec
	loaded   *prometheus.GaugeVec
	stats    *statsBook // the live per-second figures of the endpoint page
}

func newServerMetrics() *serverMetrics {
	m := &serverMetrics{
		reg:   prometheus.NewRegistry(),
		stats: newStatsBook(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gopad_inference_requests_total",
			Help: "Inference requests by model, version, protocol and HTTP status.",
		}, []string{"model", "version", "protocol", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gopad_inference_request_duration_seconds",
			Help:    "Time from a request's arrival to its answer, by model and version.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"model", "version"}),
		batch: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gopad_inference_batch_size",
			Help:    "Samples per model call after dynamic batching.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256},
		}, []string{"model", "version"}),
		queue: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gopad_inference_queue_depth",
			Help: "Requests waiting for a worker, by model and version.",
		}, []string{"model", "version"}),
		inflight: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gopad_inference_requests_in_flight",
			Help: "Requests being answered, by model (the concurrency cap applies to it).",
		}, []string{"model"}),
		loaded: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gopad_model_default_version",
			Help: "The version each model serves by default.",
		}, []string{"model"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.batch, m.queue, m.inflight, m.loaded,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// endpointMetrics are the children of one version, resolved once so that
// the hot path does no label lookups.
type endpointMetrics struct {
	latency    prometheus.Observer
	batchSize  prometheus.Observer
	queueDepth prometheus.Gauge
	ok         sync.Map // protocol -> prometheus.Counter for status 200
	parent     *serverMetrics
	model      string
	version    string
	live       *versionStats
}

func (m *serverMetrics) forEndpoint(model, version string) *endpointMetrics {
	return &endpointMetrics{
		latency:    m.latency.WithLabelValues(model, version),
		batchSize:  m.batch.WithLabelValues(model, version),
		queueDepth: m.queue.WithLabelValues(model, version),
		parent:     m, model: model, version: version,
		live: m.stats.version(model, version),
	}
}

// observe records a request answered with 200 after seconds.
func (em *endpointMetrics) observe(seconds float64) {
	em.latency.Observe(seconds)
	em.live.record(200, seconds)
}

func (em *endpointMetrics) count(protocol string, status int) {
	if status == 200 {
		if c, ok := em.ok.Load(protocol); ok {
			c.(prometheus.Counter).Inc()
			return
		}
		c := em.parent.requests.WithLabelValues(em.model, em.version, protocol, "200")
		em.ok.Store(protocol, c)
		c.Inc()
		return
	}
	em.parent.requests.WithLabelValues(em.model, em.version, protocol, strconv.Itoa(status)).Inc()
	em.live.record(status, -1)
}

// forget removes a version's series when it is unloaded.
func (m *serverMetrics) forget(model, version string) {
	m.latency.DeleteLabelValues(model, version)
	m.batch.DeleteLabelValues(model, version)
	m.queue.DeleteLabelValues(model, version)
	m.stats.forgetVersion(model, version)
}
