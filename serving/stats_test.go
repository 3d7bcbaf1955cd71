package serving

import (
	"math"
	"testing"
	"time"

	"gopad.dev/gopad/serving/registry"
)

// TestStatsCountRequestsErrorsAndLatencyPerVersion sends real requests
// (answered, bad input, a second version) and reads them back from Stats.
func TestStatsCountRequestsErrorsAndLatencyPerVersion(t *testing.T) {
	reg := testRegistry(t, map[string]string{"iris": irisDir})
	s, ts := serveRegistry(t, reg, Options{})
	if _, ok := s.Stats("nope", 60); ok {
		t.Errorf("Stats of an unknown model: ok")
	}
	st, ok := s.Stats("iris", 60)
	if !ok || len(st.Versions) != 1 || st.Versions[0].Requests != 0 || len(st.Versions[0].Points) != 60 {
		t.Fatalf("Stats before any request: %v, %+v", ok, st.Versions)
	}
	good := `{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}`
	bad := `{"inputs":[{"name":"input","shape":[1,3],"datatype":"FP32","data":[5.1,3.5,1.4]}]}`
	for range 7 {
		if r := post(t, ts.URL+"/v2/models/iris/infer", good); r.status != 200 {
			t.Fatalf("infer: %d %s", r.status, r.body)
		}
	}
	for range 2 {
		if r := post(t, ts.URL+"/v2/models/iris/infer", bad); r.status != 400 {
			t.Fatalf("bad infer: %d %s", r.status, r.body)
		}
	}
	if r := post(t, ts.URL+"/v1/models/iris:predict", `{"instances":[[5.1,3.5,1.4,0.2]]}`); r.status != 200 {
		t.Fatalf("v1 predict: %d %s", r.status, r.body)
	}
	if _, err := reg.PublishDir("iris", irisDir, registry.Lineage{Source: "test"}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if r := post(t, ts.URL+"/v2/models/iris/infer", good); r.status != 200 {
			t.Fatalf("infer v2: %d %s", r.status, r.body)
		}
	}
	st, ok = s.Stats("iris", 60)
	if !ok || len(st.Versions) != 2 || st.Versions[0].Version != "1" || st.Versions[1].Version != "2" {
		t.Fatalf("Stats: %+v", st)
	}
	v1, v2 := st.Versions[0], st.Versions[1]
	if v1.Requests != 10 || v1.ClientErrors != 2 || v1.ServerErrors != 0 {
		t.Errorf("version 1: %d requests, %d 4xx, %d 5xx; want 10, 2, 0", v1.Requests, v1.ClientErrors, v1.ServerErrors)
	}
	if v2.Requests != 3 || v2.ClientErrors != 0 {
		t.Errorf("version 2: %d requests, %d 4xx; want 3, 0", v2.Requests, v2.ClientErrors)
	}
	if len(v1.Points) != 60 || st.Seconds != 60 || v1.Points[59].Time != st.Now {
		t.Errorf("points: %d, last at %d, now %d", len(v1.Points), v1.Points[len(v1.Points)-1].Time, st.Now)
	}
	var sum int64
	for i, p := range v1.Points {
		sum += p.Requests
		if i > 0 && p.Time-v1.Points[i-1].Time != 1000 {
			t.Fatalf("points %d and %d are %d ms apart", i-1, i, p.Time-v1.Points[i-1].Time)
		}
	}
	if sum != v1.Requests {
		t.Errorf("points add up to %d requests, the total says %d", sum, v1.Requests)
	}
	if v1.P50 == nil || v1.P99 == nil || *v1.P50 <= 0 || *v1.P99 < *v1.P50 {
		t.Errorf("latency percentiles of version 1: p50 %v p99 %v", v1.P50, v1.P99)
	}
	// Deleting a version drops its series; unpublishing the model all of them.
	if err := reg.DeleteVersion("iris", 1); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Stats("iris", 60); len(st.Versions) != 1 || st.Versions[0].Version != "2" || st.Versions[0].Requests != 3 {
		t.Errorf("after deleting version 1: %+v", st.Versions)
	}
	if err := reg.Delete("iris"); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Stats("iris", 60); ok {
		t.Errorf("Stats of a deleted model: ok")
	}
}

// TestStatsPercentilesAndWindow records known latencies on a fixed clock and
// checks the percentiles (within the buckets' 10%), the per-second points
// and that seconds older than the window, or overwritten in the ring, are
// not counted.
func TestStatsPercentilesAndWindow(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	b := newStatsBook()
	b.now = func() time.Time { return now }
	vs := b.version("m", "1")
	// 100 requests at 1..100 ms in one second.
	for i := 1; i <= 100; i++ {
		vs.record(200, float64(i)/1000)
	}
	vs.record(503, -1)
	now = now.Add(time.Second)
	vs.record(404, -1)
	w := vs.window("1", now.Unix(), 5)
	if len(w.Points) != 5 || w.Requests != 102 || w.ServerErrors != 1 || w.ClientErrors != 1 {
		t.Fatalf("window: %d points, %d requests, %d 5xx, %d 4xx", len(w.Points), w.Requests, w.ServerErrors, w.ClientErrors)
	}
	p := w.Points[3]
	for name, c := range map[string]struct {
		got  *float64
		want float64
	}{"p50": {p.P50, 50}, "p90": {p.P90, 90}, "p99": {p.P99, 99}, "total p99": {w.P99, 99}} {
		if c.got == nil || math.Abs(*c.got-c.want)/c.want > 0.1 {
			t.Errorf("%s: %v ms, want %v within 10%%", name, c.got, c.want)
		}
	}
	if w.Points[4].P50 != nil || w.Points[4].Requests != 1 {
		t.Errorf("the last second: %+v (one 404, no latency)", w.Points[4])
	}
	// A window ending later than the ring holds sees nothing of these seconds,
	// and a slot reused for a newer second drops the old counts.
	later := now.Add(StatsSeconds * time.Second)
	if w := vs.window("1", later.Unix(), 60); w.Requests != 0 {
		t.Errorf("a window %d s later counts %d requests", StatsSeconds, w.Requests)
	}
	now = later
	vs.record(200, 0.002)
	if w := vs.window("1", now.Unix(), StatsSeconds); w.Requests != 1 {
		t.Errorf("after the ring wrapped: %d requests, want 1", w.Requests)
	}
	// Bucket edges: every latency lands in a bucket whose range holds it.
	for _, sec := range []float64{1e-6, 20e-6, 21e-6, 1e-3, 0.0123, 1, 59, 600} {
		i := latencyBucket(sec)
		if i > 0 && sec <= statsEdges[i-1] || i < statsBuckets-1 && sec > statsEdges[i] {
			t.Errorf("latency %v s in bucket %d (%v, %v]", sec, i, statsEdges[max(i-1, 0)], statsEdges[i])
		}
	}
	if statsEdges[statsBuckets-2] < 60 {
		t.Errorf("the buckets end at %v s, before 60 s", statsEdges[statsBuckets-2])
	}
}

// BenchmarkStatsRecord is the cost the live statistics add to a request,
// from all cores at once (compare with BenchmarkInferDigitsJSON's ns/op).
func BenchmarkStatsRecord(b *testing.B) {
	vs := newStatsBook().version("m", "1")
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			vs.record(200, 0.0012)
		}
	})
}
