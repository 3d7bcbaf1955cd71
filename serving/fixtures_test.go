package serving

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopad.dev/gopad/ml"
	"gopad.dev/gopad/serving/registry"
)

// Models the tests serve, saved once per test binary by TestMain.
var (
	fixtureDir string
	digitsDir  string // MLP 64-256-128-10 as the benchmark's, seeded, untrained: no metadata
	irisDir    string // 4-16-3 classifier with class names and a standard scaler, trained
	langidDir  string // Embedding-LSTM language classifier with vocabulary, sequence options and classes, trained
	langid     *ml.Model
	langidSeq  = ml.SeqOptions{MaxLen: 16}
	langidVoc  *ml.Vocabulary
	languages  = []string{"English", "German", "French", "Italian", "Spanish", "Dutch"}
)

// A few common words per language (from the langid example notebook).
var wordLists = []string{
	`the which would about their there think through something because people should little before thought world another while right night`,
	`und nicht schön zwischen mädchen straße gemütlich wirtschaft zeitung freundlich bisschen geschichte frühling kirche schlecht gleich vielleicht möglich`,
	`bonjour merci beaucoup aujourd'hui château fenêtre oiseau boulangerie fromage chaussure heureux gâteau voiture maison toujours jamais pourquoi`,
	`ciao grazie buongiorno famiglia ragazzo bicchiere giorno sempre perché città macchina spaghetti gnocchi cucchiaio ghiaccio figlio aglio prosciutto`,
	`hola gracias mañana niño español corazón canción trabajo ciudad universidad verdad jugar hijo ojalá zapato cerveza ayer muchacho llamar lluvia`,
	`dank goedemorgen alsjeblieft gezellig vrijheid huis fiets kijken lijken tijd blij vriendelijk gebouw eigenlijk zeggen geweest misschien schoenen`,
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gopad-serving-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fixtureDir = dir
	if err := makeFixtures(); err != nil {
		fmt.Fprintln(os.Stderr, "fixtures:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func makeFixtures() error {
	ml.SetSeed(7)
	digits := ml.Sequential(ml.Linear(64, 256), ml.ReLU(), ml.Linear(256, 128), ml.ReLU(), ml.Linear(128, 10))
	digitsDir = filepath.Join(fixtureDir, "digits")
	if err := digits.Save(digitsDir); err != nil {
		return err
	}

	iris := ml.Iris()
	scaler := ml.FitStandardScaler(iris)
	ml.SetSeed(3)
	irisModel := ml.Sequential(ml.Linear(4, 16), ml.ReLU(), ml.Linear(16, 3))
	irisModel.Fit(scaler.Transform(iris), ml.FitConfig{Epochs: 60, BatchSize: 16, Loss: ml.CrossEntropy(), Optimizer: ml.Adam(1e-2), Seed: 3})
	if err := irisModel.SetMeta(MetaClasses, iris.ClassNames); err != nil {
		return err
	}
	if err := irisModel.SetMeta(MetaScaler, scaler); err != nil {
		return err
	}
	irisDir = filepath.Join(fixtureDir, "iris")
	if err := irisModel.Save(irisDir); err != nil {
		return err
	}

	var words []string
	var labels []int
	for i, list := range wordLists {
		for _, w := range strings.Fields(list) {
			words, labels = append(words, w), append(labels, i)
		}
	}
	langidVoc = ml.BuildVocabulary(words, ml.CharTokenizer(), ml.VocabOptions{})
	data := ml.TextDataset(words, labels, languages, langidVoc, langidSeq)
	ml.SetSeed(1)
	langid = ml.Sequential(ml.Embedding(langidVoc.Size(), 16), ml.LSTM(16, 48), ml.LastStep(), ml.Linear(48, 6))
	langid.Fit(data, ml.FitConfig{Epochs: 40, BatchSize: 16, Loss: ml.CrossEntropy(), Optimizer: ml.Adam(1e-2), Seed: 1})
	for k, v := range map[string]any{MetaVocabulary: langidVoc, MetaSequence: langidSeq, MetaClasses: languages} {
		if err := langid.SetMeta(k, v); err != nil {
			return err
		}
	}
	langidDir = filepath.Join(fixtureDir, "langid")
	return langid.Save(langidDir)
}

// testRegistry returns a registry in a temporary directory with the given
// fixtures published (name -> saved directory).
func testRegistry(t *testing.T, models map[string]string) *registry.Registry {
	t.Helper()
	reg, err := registry.Open(filepath.Join(t.TempDir(), ".gopad", "models"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	for name, dir := range models {
		if _, err := reg.PublishDir(name, dir, registry.Lineage{Source: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	return reg
}

// serve starts the server on a real loopback HTTP listener.
func serve(t *testing.T, s *Server) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(s)
	t.Cleanup(func() { ts.Close(); s.Close() })
	return ts
}

func serveRegistry(t *testing.T, reg *registry.Registry, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	s, err := NewFromRegistry(reg, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s, serve(t, s)
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("answer %d is not a JSON object: %v\n%s", r.status, err, r.body)
	}
	return v
}

// errorText returns the protocol's {"error": ...} text, failing if the body
// is not exactly that.
func (r reply) errorText(t *testing.T) string {
	t.Helper()
	v := r.json(t)
	msg, ok := v["error"].(string)
	if !ok || len(v) != 1 {
		t.Fatalf("answer %d is not {\"error\": ...}: %s", r.status, r.body)
	}
	return msg
}

func do(t *testing.T, method, url string, body []byte, header ...string) reply {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{resp.StatusCode, resp.Header, data}
}

func get(t *testing.T, url string, header ...string) reply { return do(t, "GET", url, nil, header...) }

func post(t *testing.T, url, body string, header ...string) reply {
	return do(t, "POST", url, []byte(body), header...)
}

// digitsImage is the first digits test image of the benchmark's load (oip_digits.lua).
var digitsImage = []float32{0, 0, 0.4375, 1, 0.875, 0.1875, 0, 0, 0, 0, 0.5625, 0.875, 0.6875, 0.9375, 0, 0, 0, 0, 0.0625, 0.3125, 0, 0.9375, 0.3125, 0, 0, 0, 0, 0, 0, 1, 0.3125, 0, 0, 0, 0, 0, 0.1875, 1, 0.25, 0, 0, 0, 0, 0.0625, 0.75, 0.875, 0.0625, 0, 0, 0, 0.3125, 0.75, 1, 1, 0.875, 0.0625, 0, 0, 0.5, 1, 0.875, 0.625, 0.8125, 0.1875}

func floatsJSON(v []float32) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// outputs indexes an OIP response's outputs by name.
func outputs(t *testing.T, v map[string]any) map[string]map[string]any {
	t.Helper()
	list, ok := v["outputs"].([]any)
	if !ok {
		t.Fatalf("response has no outputs: %v", v)
	}
	out := map[string]map[string]any{}
	for _, o := range list {
		m := o.(map[string]any)
		out[m["name"].(string)] = m
	}
	return out
}

func floats(t *testing.T, v any) []float32 {
	t.Helper()
	list, ok := v.([]any)
	if !ok {
		t.Fatalf("not a list: %v", v)
	}
	out := make([]float32, len(list))
	for i, x := range list {
		out[i] = float32(x.(float64))
	}
	return out
}

func loadModel(t *testing.T, dir string) *ml.Model {
	t.Helper()
	m, err := ml.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
