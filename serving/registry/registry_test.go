package registry

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gopad.dev/gopad/ml"
)

// smallModel returns a seeded 4-3 model; different seeds give different weights.
func smallModel(t *testing.T, seed int64) *ml.Model {
	t.Helper()
	ml.SetSeed(seed)
	m := ml.Sequential(ml.Linear(4, 8), ml.ReLU(), ml.Linear(8, 3))
	if err := m.SetMeta("classes", []string{"a", "b", "c"}); err != nil {
		t.Fatal(err)
	}
	return m
}

var probe = ml.FromSlice([]float32{0.1, -0.2, 0.3, 0.4, 1, 2, 3, 4}, 2, 4)

func samePredictions(t *testing.T, a, b *ml.Model) bool {
	t.Helper()
	x, y := a.Predict(probe).Data(), b.Predict(probe).Data()
	return slices.Equal(x, y)
}

func openReg(t *testing.T, dir string) *Registry {
	t.Helper()
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func TestPublishVersionsDefaultAndLineageSurviveReopen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), ".gopad", "models")
	r := openReg(t, dir)
	m1, m2 := smallModel(t, 1), smallModel(t, 2)
	if samePredictions(t, m1, m2) {
		t.Fatal("test models with different seeds predict the same")
	}
	hist := &ml.History{Epochs: []ml.EpochStats{{Epoch: 1, Epochs: 1, Loss: 0.5, ValLoss: math.NaN(), Metrics: map[string]float64{"accuracy": 0.9}}}, Planned: 1}
	lin := Lineage{Notebook: "examples/digits.gonb", Cell: "cell-7", ContentHash: ContentHash([]byte("nb")), Source: "cell",
		Metrics: Metrics(map[string]float64{"accuracy": 0.97, "val_loss": math.NaN()}), History: RecordHistory(hist),
		Compression: RecordCompression(&ml.QuantReport{BytesBefore: 400, BytesAfter: 100, MetricBefore: math.NaN()}, nil)}
	var seen []string
	var seenMu sync.Mutex
	r.Watch(func(name string) { seenMu.Lock(); seen = append(seen, name); seenMu.Unlock() })

	v1, err := r.Publish("digits", m1, lin)
	if err != nil {
		t.Fatal(err)
	}
	v2, err := r.Publish("digits", m2, Lineage{Source: "button"})
	if err != nil {
		t.Fatal(err)
	}
	if v1.Version != 1 || v2.Version != 2 {
		t.Fatalf("versions %d, %d; want 1, 2", v1.Version, v2.Version)
	}
	if v1.Lineage.Time.IsZero() || v1.Bytes == 0 {
		t.Fatalf("publish result lacks time or size: %+v", v1)
	}
	if strings.Join(seen, ",") != "digits,digits" {
		t.Fatalf("watchers saw %q; want two changes of digits", seen)
	}

	// A new Registry on the same directory, as after a restart.
	r.Close()
	r = openReg(t, dir)
	inf, err := r.Get("digits")
	if err != nil {
		t.Fatal(err)
	}
	if inf.Default != 2 || inf.Latest != 2 || inf.Pinned || len(inf.Versions) != 2 {
		t.Fatalf("after reopen: %+v; want default 2 of 2, unpinned", inf)
	}
	got := inf.Versions[0].Lineage
	if got.Notebook != "examples/digits.gonb" || got.Cell != "cell-7" || got.ContentHash != ContentHash([]byte("nb")) || got.Source != "cell" {
		t.Fatalf("lineage read back: %+v", got)
	}
	if float64(got.Metrics["accuracy"]) != 0.97 || !math.IsNaN(float64(got.Metrics["val_loss"])) {
		t.Fatalf("metrics read back: %v (NaN must come back as NaN)", got.Metrics)
	}
	if got.History == nil || len(got.History.Epochs) != 1 || float64(got.History.Epochs[0].Metrics["accuracy"]) != 0.9 {
		t.Fatalf("history read back: %+v", got.History)
	}
	if got.Compression == nil || got.Compression.Quantization.BytesAfter != 100 {
		t.Fatalf("compression read back: %+v", got.Compression)
	}
	if !got.Time.Equal(v1.Lineage.Time) {
		t.Fatalf("time %v read back as %v", v1.Lineage.Time, got.Time)
	}

	for v, want := range map[int]*ml.Model{0: m2, 1: m1, 2: m2} {
		loaded, gotV, err := r.Load("digits", v)
		if err != nil {
			t.Fatal(err)
		}
		if (v == 0 && gotV != 2) || (v != 0 && gotV != v) {
			t.Fatalf("Load(%d) gave version %d", v, gotV)
		}
		if !samePredictions(t, loaded, want) {
			t.Fatalf("version %d does not predict as the model published as it", v)
		}
		var classes []string
		if err := loaded.Meta("classes", &classes); err != nil || len(classes) != 3 {
			t.Fatalf("version %d lost its metadata: %v %v", v, classes, err)
		}
	}
	if _, _, err := r.Load("digits", 3); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Load of a missing version: %v; want ErrNotFound", err)
	}
	if _, _, err := r.Load("nothing", 0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Load of a missing model: %v; want ErrNotFound", err)
	}
}

func TestPinRollbackUnpinAndDelete(t *testing.T) {
	r := openReg(t, t.TempDir())
	for i := range 3 {
		if _, err := r.Publish("m", smallModel(t, int64(i)), Lineage{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Pin("m", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Publish("m", smallModel(t, 9), Lineage{}); err != nil {
		t.Fatal(err)
	}
	inf, _ := r.Get("m")
	if inf.Default != 1 || !inf.Pinned || inf.Latest != 4 {
		t.Fatalf("pinned to 1 then published: %+v; want default 1, latest 4", inf)
	}
	if err := r.Pin("m", 7); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Pin to a missing version: %v", err)
	}
	if err := r.DeleteVersion("m", 1); err == nil || !strings.Contains(err.Error(), "pinned default") {
		t.Fatalf("deleting the pinned default: %v; want a refusal naming it", err)
	}
	if err := r.Unpin("m"); err != nil {
		t.Fatal(err)
	}
	if inf, _ = r.Get("m"); inf.Default != 4 || inf.Pinned {
		t.Fatalf("after unpin: %+v; want default 4", inf)
	}
	if err := r.DeleteVersion("m", 4); err != nil {
		t.Fatal(err)
	}
	if inf, _ = r.Get("m"); inf.Default != 3 || len(inf.Versions) != 3 {
		t.Fatalf("after deleting the latest: %+v; want default 3 of versions 1-3", inf)
	}
	if _, err := os.Stat(filepath.Join(r.Dir(), "m", "v4")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("deleted version's files remain: %v", err)
	}
	// Numbers are never reused: the next publish is 5, not 4.
	v, err := r.Publish("m", smallModel(t, 10), Lineage{})
	if err != nil || v.Version != 5 {
		t.Fatalf("publish after delete: %d, %v; want version 5", v.Version, err)
	}
	if err := r.Delete("m"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Get("m"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete: %v", err)
	}
	if list, err := r.List(); err != nil || len(list) != 0 {
		t.Fatalf("List after Delete: %v, %v", list, err)
	}
	if err := r.Delete("m"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second Delete: %v", err)
	}
}

func TestConcurrentPublishersGetDistinctVersions(t *testing.T) {
	dir := t.TempDir()
	const publishers, each = 6, 3
	var wg sync.WaitGroup
	errs := make(chan error, publishers*each)
	versions := make(chan int, publishers*each)
	for p := range publishers {
		// Each publisher has its own Registry value, as separate processes would:
		// they share nothing but the directory and its lock file.
		r := openReg(t, dir)
		m := smallModel(t, int64(p))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				v, err := r.Publish("shared", m, Lineage{Notebook: fmt.Sprintf("p%d.gonb", p)})
				if err != nil {
					errs <- err
					return
				}
				versions <- v.Version
			}
		}()
	}
	wg.Wait()
	close(errs)
	close(versions)
	for err := range errs {
		t.Fatal(err)
	}
	var got []int
	for v := range versions {
		got = append(got, v)
	}
	slices.Sort(got)
	for i, v := range got {
		if v != i+1 {
			t.Fatalf("versions %v; want 1..%d each once", got, publishers*each)
		}
	}
	r := openReg(t, dir)
	inf, err := r.Get("shared")
	if err != nil {
		t.Fatal(err)
	}
	if len(inf.Versions) != publishers*each || inf.Default != publishers*each {
		t.Fatalf("index after concurrent publishes: %d versions, default %d", len(inf.Versions), inf.Default)
	}
	for _, vi := range inf.Versions {
		if _, _, err := r.Load("shared", vi.Version); err != nil {
			t.Fatal(err)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "shared"))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), stagingPref) {
			t.Fatalf("staging directory %s left behind", e.Name())
		}
	}
}

func TestBadNamesAndLinksAreRefused(t *testing.T) {
	dir := t.TempDir()
	r := openReg(t, dir)
	m := smallModel(t, 1)
	for _, name := range []string{"", "../escape", "a/b", ".hidden", "-dash", strings.Repeat("x", 65), "sp ace"} {
		if _, err := r.Publish(name, m, Lineage{}); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "model name") {
			t.Errorf("Publish(%q): %v; want an invalid-name error", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "escape")); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a name with .. wrote outside the registry")
	}
	if _, err := r.Publish("nil", nil, Lineage{}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Publish(nil model): %v", err)
	}

	// A version directory replaced by a link to a model elsewhere is not served.
	if _, err := r.Publish("linked", m, Lineage{}); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "other")
	if err := smallModel(t, 5).Save(outside); err != nil {
		t.Fatal(err)
	}
	v1 := filepath.Join(dir, "linked", "v1")
	if err := os.RemoveAll(v1); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, v1); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.Load("linked", 1); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Fatalf("Load through a planted link: %v; want a refusal", err)
	}

	// A corrupt index is reported as such, not as a missing model.
	if err := os.WriteFile(filepath.Join(dir, "linked", indexFile), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Get("linked"); err == nil || errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "corrupt") {
		t.Fatalf("Get with a corrupt index: %v", err)
	}
}

func TestPublishDirChecksTheArtifactAndStagingIsInvisible(t *testing.T) {
	dir := t.TempDir()
	r := openReg(t, dir)
	saved := filepath.Join(t.TempDir(), "model")
	m := smallModel(t, 3)
	if err := m.Save(saved); err != nil {
		t.Fatal(err)
	}
	v, err := r.PublishDir("fromdir", saved, Lineage{Source: "cli"})
	if err != nil || v.Version != 1 {
		t.Fatalf("PublishDir: %v %v", v, err)
	}
	loaded, _, err := r.Load("fromdir", 0)
	if err != nil || !samePredictions(t, loaded, m) {
		t.Fatalf("PublishDir's version does not predict as the saved model: %v", err)
	}
	if err := os.WriteFile(filepath.Join(saved, "model.safetensors"), []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := r.PublishDir("fromdir", saved, Lineage{}); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Fatalf("PublishDir of a corrupt artifact: %v", err)
	}
	if inf, _ := r.Get("fromdir"); len(inf.Versions) != 1 {
		t.Fatalf("a refused publish added a version: %+v", inf)
	}
	// A crashed publisher's staging directory and a model directory without
	// an index (a first publish in progress) are not models.
	if err := os.MkdirAll(filepath.Join(dir, "fromdir", stagingPref+"dead"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "half"), 0o755); err != nil {
		t.Fatal(err)
	}
	list, err := r.List()
	if err != nil || len(list) != 1 || list[0].Name != "fromdir" {
		t.Fatalf("List: %+v %v; want only fromdir", list, err)
	}
	stamp := r.Stamp()
	if _, err := r.Publish("fromdir", m, Lineage{}); err != nil {
		t.Fatal(err)
	}
	if r.Stamp() == stamp {
		t.Fatal("Stamp did not change after a publish")
	}
}

func TestLineageJSONWritesNaNAsNull(t *testing.T) {
	data, err := json.Marshal(Lineage{Time: time.Unix(0, 0).UTC(), Metrics: Metrics(map[string]float64{"x": math.Inf(1)})})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"x":null`) {
		t.Fatalf("lineage JSON %s; want infinity as null", data)
	}
}

// TestMissingDirectoryIsAnEmptyRegistryUntilTheFirstPublish: opening,
// listing, reading and pinning write nothing (a notebook root gets no
// registry directory until a model is published); the first publish creates it.
func TestMissingDirectoryIsAnEmptyRegistryUntilTheFirstPublish(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, ".gopad", "models")
	r := openReg(t, dir)
	if list, err := r.List(); err != nil || len(list) != 0 {
		t.Errorf("List = %v, %v; want empty", list, err)
	}
	if _, err := r.Get("digits"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get: %v, want ErrNotFound", err)
	}
	if err := r.Pin("digits", 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("Pin: %v, want ErrNotFound", err)
	}
	if err := r.Delete("digits"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Delete: %v, want ErrNotFound", err)
	}
	if s := r.Stamp(); s != "" {
		t.Errorf("Stamp = %q, want empty", s)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Fatalf("reading an empty registry wrote %v", entries)
	}
	vi, err := r.Publish("digits", smallModel(t, 1), Lineage{})
	if err != nil || vi.Version != 1 {
		t.Fatalf("first publish: %v, %v", vi, err)
	}
	m, v, err := openReg(t, dir).Load("digits", 0)
	if err != nil || v != 1 || !samePredictions(t, m, smallModel(t, 1)) {
		t.Errorf("after reopening: version %d, %v", v, err)
	}
}

func TestCanaryEndsWhenTheDefaultChangesOrItsVersionGoes(t *testing.T) {
	dir := t.TempDir()
	r := openReg(t, dir)
	for i := range 3 {
		if _, err := r.Publish("m", smallModel(t, int64(i)), Lineage{}); err != nil {
			t.Fatal(err)
		}
	}
	// Bad canaries say what is wrong and change nothing.
	for _, bad := range []struct {
		v, percent int
		want       string
		is         error
	}{
		{3, 10, "is the default already", ErrInvalid},
		{2, 0, "1 to 99 percent", ErrInvalid},
		{2, 100, "make version 2 the default", ErrInvalid},
		{9, 10, "no version 9", ErrNotFound},
	} {
		err := r.SetCanary("m", bad.v, bad.percent)
		if !errors.Is(err, bad.is) || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("SetCanary(m, %d, %d) = %v; want %v saying %q", bad.v, bad.percent, err, bad.is, bad.want)
		}
	}
	if inf, _ := r.Get("m"); inf.Canary != nil {
		t.Fatalf("after refused canaries: %+v", inf.Canary)
	}
	if err := r.SetCanary("nope", 1, 10); !errors.Is(err, ErrNotFound) {
		t.Fatalf("canary of a missing model: %v", err)
	}

	// A canary survives reopening, and a pinned default with it.
	if err := r.Pin("m", 1); err != nil {
		t.Fatal(err)
	}
	if err := r.SetCanary("m", 3, 25); err != nil {
		t.Fatal(err)
	}
	r2 := openReg(t, dir)
	inf, err := r2.Get("m")
	if err != nil || inf.Canary == nil || *inf.Canary != (Canary{Version: 3, Percent: 25}) || inf.Default != 1 {
		t.Fatalf("reopened: %+v, %v; want default 1 with canary v3 at 25%%", inf, err)
	}
	// Publishing under a pin keeps the canary; changing its share replaces it.
	if _, err := r.Publish("m", smallModel(t, 7), Lineage{}); err != nil {
		t.Fatal(err)
	}
	if err := r.SetCanary("m", 3, 40); err != nil {
		t.Fatal(err)
	}
	if inf, _ = r.Get("m"); inf.Canary == nil || *inf.Canary != (Canary{Version: 3, Percent: 40}) {
		t.Fatalf("after a publish under the pin and a new share: %+v", inf.Canary)
	}
	// Promoting the canary (pinning it) ends it.
	if err := r.Pin("m", 3); err != nil {
		t.Fatal(err)
	}
	if inf, _ = r.Get("m"); inf.Canary != nil || inf.Default != 3 {
		t.Fatalf("after pinning the canary's version: %+v; want default 3 and no canary", inf)
	}
	// Deleting the canary's version ends it.
	if err := r.SetCanary("m", 2, 10); err != nil {
		t.Fatal(err)
	}
	if err := r.DeleteVersion("m", 2); err != nil {
		t.Fatal(err)
	}
	if inf, _ = r.Get("m"); inf.Canary != nil {
		t.Fatalf("after deleting the canary's version: %+v", inf.Canary)
	}
	// Unpinning makes the latest (4) the default: a canary of 4 ends.
	if err := r.SetCanary("m", 4, 10); err != nil {
		t.Fatal(err)
	}
	if err := r.Unpin("m"); err != nil {
		t.Fatal(err)
	}
	if inf, _ = r.Get("m"); inf.Canary != nil || inf.Default != 4 {
		t.Fatalf("after unpinning to the canary's version: %+v", inf)
	}
	// An unpinned publish makes the new version the default: the canary,
	// a trial against the old default, ends.
	if err := r.SetCanary("m", 1, 5); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Publish("m", smallModel(t, 8), Lineage{}); err != nil {
		t.Fatal(err)
	}
	if inf, _ = r.Get("m"); inf.Default != 5 || inf.Canary != nil {
		t.Fatalf("after an unpinned publish: %+v; want default 5 and no canary", inf)
	}
	// Pinning the default it runs against keeps it; rolling back to
	// another version ends it; ClearCanary ends it.
	if err := r.SetCanary("m", 1, 5); err != nil {
		t.Fatal(err)
	}
	if err := r.Pin("m", 5); err != nil {
		t.Fatal(err)
	}
	if inf, _ = r.Get("m"); inf.Canary == nil || inf.Canary.Version != 1 {
		t.Fatalf("after pinning the default itself: %+v; want the canary kept", inf)
	}
	if err := r.Pin("m", 3); err != nil {
		t.Fatal(err)
	}
	if inf, _ = r.Get("m"); inf.Default != 3 || inf.Canary != nil {
		t.Fatalf("after rolling back to 3: %+v; want no canary", inf)
	}
	if err := r.SetCanary("m", 1, 5); err != nil {
		t.Fatal(err)
	}
	if err := r.ClearCanary("m"); err != nil {
		t.Fatal(err)
	}
	if inf, _ = r.Get("m"); inf.Canary != nil {
		t.Fatalf("after ClearCanary: %+v", inf.Canary)
	}
	if err := r.ClearCanary("m"); err != nil {
		t.Fatalf("clearing no canary: %v", err)
	}
}
