package serving

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gopad.dev/gopad/ml"
	"gopad.dev/gopad/serving/registry"
)

func digitsRequest(img []float32) string {
	return `{"inputs":[{"name":"input","shape":[1,64],"datatype":"FP32","data":` + floatsJSON(img) + `}]}`
}

// image returns a distinct test image for request i.
func image(i int) []float32 {
	img := make([]float32, 64)
	for j := range img {
		img[j] = float32((i*7+j)%17) / 16
	}
	return img
}

// batchingRun sends n distinct requests to a one-worker server and returns
// the batch sizes the worker ran. With holdFirst, the first request is sent
// alone and the worker held on its batch until the other n-1 are queued.
func batchingRun(t *testing.T, cfg BatchConfig, n int, holdFirst bool) []int {
	t.Helper()
	reg := testRegistry(t, map[string]string{"digits": digitsDir})
	release := make(chan struct{})
	enqueued := make(chan struct{}, 64)
	var mu sync.Mutex
	var sizes []int
	hooks := &testHooks{
		enqueued: func() { enqueued <- struct{}{} },
		batch: func(n int) {
			mu.Lock()
			sizes = append(sizes, n)
			first := len(sizes) == 1
			mu.Unlock()
			if first && holdFirst {
				<-release
			}
		},
	}
	cfg.Workers = 1
	s, err := newFromRegistry(reg, Options{Batch: cfg}, hooks)
	if err != nil {
		t.Fatal(err)
	}
	ts := serve(t, s)
	model := loadModel(t, digitsDir)
	type result struct {
		i   int
		out []float32
		err error
	}
	results := make(chan result, n)
	send := func(i int) {
		resp, err := http.Post(ts.URL+"/v2/models/digits/infer", "application/json", strings.NewReader(digitsRequest(image(i))))
		if err != nil {
			results <- result{i: i, err: err}
			return
		}
		defer resp.Body.Close()
		var v struct {
			Outputs []struct{ Data []float32 }
		}
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || json.Unmarshal(body, &v) != nil {
			results <- result{i: i, err: fmt.Errorf("%d %s", resp.StatusCode, body)}
			return
		}
		results <- result{i: i, out: v.Outputs[0].Data}
	}
	first := 0
	if holdFirst {
		go send(0)
		<-enqueued
		first = 1
	}
	for i := first; i < n; i++ {
		go send(i)
	}
	if holdFirst {
		for i := 1; i < n; i++ {
			<-enqueued
		}
		close(release)
	}
	for range n {
		r := <-results
		if r.err != nil {
			t.Fatal(r.err)
		}
		// Batched rows may differ from a single sample's in the last bits
		// (another summation order), never more.
		want := model.Predict(ml.FromSlice(image(r.i), 1, 64)).Data()
		if !closeTo(r.out, want, 1e-5) {
			t.Fatalf("request %d got another request's rows: %v, want %v", r.i, r.out, want)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	return slices.Clone(sizes)
}

func TestDynamicBatchingRunsWhatIsQueuedUpToMaxBatch(t *testing.T) {
	// MaxWait 0: the first request runs alone; the 8 that queue meanwhile run
	// in two full batches.
	if sizes := batchingRun(t, BatchConfig{MaxBatch: 4}, 9, true); !slices.Equal(sizes, []int{1, 4, 4}) {
		t.Fatalf("batch sizes %v; want [1 4 4]", sizes)
	}
}

func TestDynamicBatchingWaitsForAFullBatch(t *testing.T) {
	// MaxWait of an hour: the worker waits for more requests rather than run
	// one alone, and runs a batch as soon as it is full (the test would take
	// an hour otherwise).
	if sizes := batchingRun(t, BatchConfig{MaxBatch: 4, MaxWait: time.Hour}, 8, false); !slices.Equal(sizes, []int{4, 4}) {
		t.Fatalf("batch sizes %v; want [4 4]", sizes)
	}
}

func closeTo(a, b []float32, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > tol*(1+math.Abs(float64(b[i]))) {
			return false
		}
	}
	return true
}

func TestConcurrencyCapAnswers429WithRetryAfter(t *testing.T) {
	reg := testRegistry(t, map[string]string{"digits": digitsDir})
	admitted := make(chan struct{}, 4)
	s, err := newFromRegistry(reg, Options{MaxConcurrent: 1}, &testHooks{admitted: func() { admitted <- struct{}{} }})
	if err != nil {
		t.Fatal(err)
	}
	ts := serve(t, s)
	// The first request is admitted before its body is read: a body still
	// being sent holds its place. Its headers go out on a raw connection, so
	// that nothing buffers them.
	body := digitsRequest(digitsImage)
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v2/models/digits/infer HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
	<-admitted
	r := post(t, ts.URL+"/v2/models/digits/infer", body)
	if r.status != 429 || r.header.Get("Retry-After") != "1" || !strings.Contains(r.errorText(t), "1 requests in flight") {
		t.Fatalf("second request over the cap: %d %v %s", r.status, r.header, r.body)
	}
	io.WriteString(conn, body)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("the admitted request: %d", resp.StatusCode)
	}
	if r := post(t, ts.URL+"/v2/models/digits/infer", digitsRequest(digitsImage)); r.status != 200 {
		t.Fatalf("after the first finished: %d %s", r.status, r.body)
	}
}

func TestRequestTimeoutAnswers504(t *testing.T) {
	reg := testRegistry(t, map[string]string{"digits": digitsDir})
	hold, holding := make(chan struct{}), make(chan struct{})
	var calls atomic.Int32
	s, err := newFromRegistry(reg, Options{Timeout: 50 * time.Millisecond, Batch: BatchConfig{Workers: 1}},
		&testHooks{batch: func(int) {
			if calls.Add(1) == 1 {
				close(holding)
				<-hold // the only replica is stuck on the first request
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	ts := serve(t, s)
	first := make(chan reply, 1)
	go func() { first <- post(t, ts.URL+"/v2/models/digits/infer", digitsRequest(digitsImage)) }()
	<-holding
	r := post(t, ts.URL+"/v2/models/digits/infer", digitsRequest(digitsImage))
	close(hold)
	if msg := r.errorText(t); r.status != 504 || !strings.Contains(msg, "did not answer within the 50ms timeout") {
		t.Fatalf("request behind a stuck one: %d %q", r.status, msg)
	}
	if r := <-first; r.status != 200 {
		t.Fatalf("the stuck request once freed: %d %s", r.status, r.body)
	}
	if r := post(t, ts.URL+"/v2/models/digits/infer", digitsRequest(digitsImage)); r.status != 200 {
		t.Fatalf("after the replica freed: %d %s", r.status, r.body)
	}
}

// Republishing under load: every request gets an answer from one version or
// the other, none fails, and the new version takes over.
func TestRepublishUnderLoadFailsNoRequest(t *testing.T) {
	reg := testRegistry(t, map[string]string{"digits": digitsDir})
	s, ts := serveRegistry(t, reg, Options{Batch: BatchConfig{MaxBatch: 8}})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	body := []byte(digitsRequest(digitsImage))

	var stop atomic.Bool
	var ok, failed atomic.Int64
	var failMu sync.Mutex
	var failures []string
	seen := make(chan string, 1024) // versions answering, for the publisher to wait on
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				resp, err := client.Post(ts.URL+"/v2/models/digits/infer", "application/json", bytes.NewReader(body))
				if err != nil {
					failed.Add(1)
					failMu.Lock()
					failures = append(failures, err.Error())
					failMu.Unlock()
					continue
				}
				data, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				var v struct {
					ModelVersion string `json:"model_version"`
				}
				if resp.StatusCode != 200 || json.Unmarshal(data, &v) != nil {
					failed.Add(1)
					failMu.Lock()
					failures = append(failures, fmt.Sprintf("%d %s", resp.StatusCode, data))
					failMu.Unlock()
					continue
				}
				ok.Add(1)
				select {
				case seen <- v.ModelVersion:
				default:
				}
			}
		}()
	}
	waitFor := func(version string) {
		t.Helper()
		deadline := time.After(60 * time.Second)
		for {
			select {
			case v := <-seen:
				if v == version {
					return
				}
			case <-deadline:
				t.Fatalf("version %s never answered", version)
			}
		}
	}
	waitFor("1")
	for i := 2; i <= 4; i++ {
		ml.SetSeed(int64(100 + i))
		m := ml.Sequential(ml.Linear(64, 256), ml.ReLU(), ml.Linear(256, 128), ml.ReLU(), ml.Linear(128, 10))
		v, err := reg.Publish("digits", m, registry.Lineage{Source: "test"})
		if err != nil {
			t.Fatal(err)
		}
		waitFor(fmt.Sprint(v.Version))
	}
	if err := reg.Pin("digits", 2); err != nil { // a rollback under load too
		t.Fatal(err)
	}
	waitFor("2")
	stop.Store(true)
	wg.Wait()
	if failed.Load() != 0 {
		t.Fatalf("%d of %d requests failed during republishing, e.g. %q", failed.Load(), failed.Load()+ok.Load(), failures[0])
	}
	t.Logf("%d requests, none failed, across 3 republishes and a rollback", ok.Load())
	// The switched-from versions stay loaded for explicit requests.
	if r := post(t, ts.URL+"/v2/models/digits/versions/3/infer", string(body)); r.status != 200 || r.json(t)["model_version"] != "3" {
		t.Fatalf("explicit version 3 after the switches: %d %s", r.status, r.body)
	}
	// Deleting a version unloads it: its workers stop once idle.
	ep := (*s.modelsMap()["digits"].loaded.Load())[3]
	if err := reg.DeleteVersion("digits", 3); err != nil {
		t.Fatal(err)
	}
	ep.wait()
	if r := post(t, ts.URL+"/v2/models/digits/versions/3/infer", string(body)); r.status != 404 {
		t.Fatalf("deleted version: %d %s", r.status, r.body)
	}
	if err := reg.Delete("digits"); err != nil {
		t.Fatal(err)
	}
	if r := post(t, ts.URL+"/v2/models/digits/infer", string(body)); r.status != 404 {
		t.Fatalf("deleted model: %d %s", r.status, r.body)
	}
}
