package client_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopad.dev/gopad/kernel/client"
	"gopad.dev/gopad/kernel/protocol"
	"gopad.dev/gopad/ml"
)

// execPublish runs code and returns its reply, failing on a client error.
func execPublish(t *testing.T, k *client.Kernel, code string) protocol.ExecuteReplyContent {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	reply, err := k.Execute(ctx, code, nil)
	if err != nil {
		t.Fatalf("execute %q: %v", code, err)
	}
	return reply
}

// TestPublishRequestCarriesTheSavedModelAndItsRecord: ml.Publish in a real
// kernel sends a publish_request whose directory holds the model as ml.Save
// wrote it (loadable, computing as the kernel's model) and whose record holds
// the training history and the last evaluation; the handler's reply is what
// ml.Publish returns, and its error is the cell's. The directory is gone once
// the cell ends.
func TestPublishRequestCarriesTheSavedModelAndItsRecord(t *testing.T) {
	type seen struct {
		parent string
		req    protocol.PublishRequestContent
		model  *ml.Model
		err    error
	}
	got := make(chan seen, 4)
	k := start(t, func(o *client.Options) {
		o.OnPublish = func(parent string, req protocol.PublishRequestContent) protocol.PublishReplyContent {
			m, err := ml.Load(req.Dir)
			got <- seen{parent, req, m, err}
			if req.Name == "refused" {
				return protocol.PublishReplyContent{Status: protocol.ReplyError, EValue: "the registry is full (a test's refusal)"}
			}
			return protocol.PublishReplyContent{Status: protocol.ReplyOK, Name: req.Name, Version: 7, Default: true, DefaultVersion: 7,
				Served: true, URL: "http://127.0.0.1:1/v2/models/" + req.Name, Example: `{"inputs":[]}`}
		}
	})
	if r := execPublish(t, k, `import "gopad/ml"
import "fmt"
ml.SetSeed(1)
x := ml.FromSlice([]float32{0, 0, 1, 1, 0, 1, 0, 1}, 4, 2)
y := ml.FromSlice([]float32{0, 1, 1, 0}, 4)
d := ml.NewDataset(x, y)
m := ml.Sequential(ml.Linear(2, 8), ml.ReLU(), ml.Linear(8, 2))
m.Fit(d, ml.FitConfig{Epochs: 4, BatchSize: 4, Loss: ml.CrossEntropy(), Seed: 1})
m.Evaluate(d, ml.CrossEntropy(), "accuracy")
p := ml.Publish(m, "xor")
fmt.Println(p.Name, p.Version, p.InferURL())`); r.Status != protocol.ReplyOK {
		t.Fatalf("publish cell: %s: %s", r.EName, r.EValue)
	}
	s := <-got
	if s.err != nil {
		t.Fatalf("the saved model does not load: %v", s.err)
	}
	if s.req.Name != "xor" || s.req.Source != "cell" || s.parent == "" {
		t.Errorf("publish_request %+v with parent %q", s.req, s.parent)
	}
	hist, _ := s.req.Record["history"].(map[string]any)
	epochs, _ := hist["epochs"].([]any)
	metrics, _ := s.req.Record["metrics"].(map[string]any)
	if len(epochs) != 4 || metrics["accuracy"] == nil || metrics["loss"] == nil {
		t.Errorf("record %v: want 4 epochs and the evaluation's accuracy and loss", s.req.Record)
	}
	if _, err := os.Stat(s.req.Dir); !os.IsNotExist(err) {
		t.Errorf("the kernel left its saved copy at %s (%v)", s.req.Dir, err)
	}
	if !strings.HasPrefix(filepath.Base(filepath.Dir(s.req.Dir)), "gopad-publish-") {
		t.Errorf("saved into %s", s.req.Dir)
	}
	// The client's refusal is the cell's error, named.
	r := execPublish(t, k, `ml.Publish(m, "refused")`)
	<-got
	if r.Status != protocol.ReplyError || !strings.Contains(r.EValue, `ml: Publish "refused": the registry is full (a test's refusal)`) {
		t.Errorf("refused publish: %s: %s", r.Status, r.EValue)
	}
	// TryPublish returns it as an error instead.
	if r := execPublish(t, k, `_, err := ml.TryPublish(m, "refused")
fmt.Println("error:", err)`); r.Status != protocol.ReplyOK {
		t.Errorf("TryPublish cell failed: %s", r.EValue)
	}
	<-got
}

// TestPublishWithoutAPublishingClientSaysSo: a client that cannot publish
// (a REPL, a test harness) answers with an error the cell shows.
func TestPublishWithoutAPublishingClientSaysSo(t *testing.T) {
	k := start(t)
	r := execPublish(t, k, `import "gopad/ml"
m, _ := ml.Load("`+writeTrainedModel(t)+`")
ml.Publish(m, "nowhere")`)
	if r.Status != protocol.ReplyError || !strings.Contains(r.EValue, "cannot publish models") {
		t.Errorf("publish with no publishing client: %s: %s", r.Status, r.EValue)
	}
}

// writeTrainedModel saves a small model and returns its directory.
func writeTrainedModel(t *testing.T) string {
	t.Helper()
	m := ml.Sequential(ml.Linear(2, 2))
	dir := filepath.Join(t.TempDir(), "m")
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}
