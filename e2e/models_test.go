package e2e

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"gopad.dev/gopad/ml"
	"gopad.dev/gopad/serving"
	"gopad.dev/gopad/serving/registry"
)

// Words of the langid example notebook, a line per language.
var langWords = []string{
	`the which would about their there think through something because people should little before thought world another while right night`,
	`und nicht schön zwischen mädchen straße gemütlich wirtschaft zeitung freundlich bisschen geschichte frühling kirche schlecht gleich vielleicht möglich`,
	`bonjour merci beaucoup aujourd'hui château fenêtre oiseau boulangerie fromage chaussure heureux gâteau voiture maison toujours jamais pourquoi`,
	`ciao grazie buongiorno famiglia ragazzo bicchiere giorno sempre perché città macchina spaghetti gnocchi cucchiaio ghiaccio figlio aglio prosciutto`,
	`hola gracias mañana niño español corazón canción trabajo ciudad universidad verdad jugar hijo ojalá zapato cerveza ayer muchacho llamar lluvia`,
	`dank goedemorgen alsjeblieft gezellig vrijheid huis fiets kijken lijken tijd blij vriendelijk gebouw eigenlijk zeggen geweest misschien schoenen`,
}

var langNames = []string{"English", "German", "French", "Italian", "Spanish", "Dutch"}

// modelsFixture trains and publishes, into root's registry, a text model
// (langid: Embedding-LSTM with vocabulary, sequence options and class names)
// and two versions of a tabular one (iris: standard scaler, class names).
type modelsFixture struct {
	langid       *ml.Model
	iris1, iris2 *ml.Model
	scaler       ml.Scaler
}

func publishModels(t *testing.T, root, notebook string) *modelsFixture {
	t.Helper()
	f := &modelsFixture{}
	var words []string
	var labels []int
	for i, list := range langWords {
		for _, w := range strings.Fields(list) {
			words, labels = append(words, w), append(labels, i)
		}
	}
	voc := ml.BuildVocabulary(words, ml.CharTokenizer(), ml.VocabOptions{})
	seq := ml.SeqOptions{MaxLen: 16}
	ml.SetSeed(1)
	f.langid = ml.Sequential(ml.Embedding(voc.Size(), 16), ml.LSTM(16, 48), ml.LastStep(), ml.Linear(48, 6))
	f.langid.Fit(ml.TextDataset(words, labels, langNames, voc, seq), ml.FitConfig{Epochs: 40, BatchSize: 16, Loss: ml.CrossEntropy(), Optimizer: ml.Adam(1e-2), Seed: 1})
	for k, v := range map[string]any{serving.MetaVocabulary: voc, serving.MetaSequence: seq, serving.MetaClasses: langNames} {
		if err := f.langid.SetMeta(k, v); err != nil {
			t.Fatal(err)
		}
	}
	iris := ml.Iris()
	f.scaler = ml.FitStandardScaler(iris)
	for i, epochs := range []int{40, 2} {
		ml.SetSeed(int64(3 + i))
		m := ml.Sequential(ml.Linear(4, 16), ml.ReLU(), ml.Linear(16, 3))
		m.Fit(f.scaler.Transform(iris), ml.FitConfig{Epochs: epochs, BatchSize: 16, Loss: ml.CrossEntropy(), Optimizer: ml.Adam(1e-2), Seed: int64(3 + i)})
		if err := m.SetMeta(serving.MetaClasses, iris.ClassNames); err != nil {
			t.Fatal(err)
		}
		if err := m.SetMeta(serving.MetaScaler, f.scaler); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			f.iris1 = m
		} else {
			f.iris2 = m
		}
	}
	reg, err := registry.Open(filepath.Join(root, filepath.FromSlash(serving.RegistrySubdir)))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	lin := func(cell string) registry.Lineage {
		return registry.Lineage{Notebook: notebook, Cell: cell, Source: "cell", Metrics: registry.Metrics(map[string]float64{"accuracy": 0.9})}
	}
	for _, p := range []struct {
		name, cell string
		m          *ml.Model
	}{{"langid", "cell-001", f.langid}, {"iris", "cell-001", f.iris1}, {"iris", "cell-002", f.iris2}} {
		if _, err := reg.Publish(p.name, p.m, lin(p.cell)); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// irisAnswer is what version m of iris computes for raw features x: the class
// and the probabilities.
func (f *modelsFixture) irisAnswer(m *ml.Model, x []float32) (string, []float64) {
	out := m.Predict(f.scaler.TransformTensor(ml.FromSlice(x, 1, len(x)))).Data()
	best, sum := 0, 0.0
	probs := make([]float64, len(out))
	mx := float64(out[0])
	for _, v := range out {
		mx = math.Max(mx, float64(v))
	}
	for i, v := range out {
		probs[i] = math.Exp(float64(v) - mx)
		sum += probs[i]
		if v > out[best] {
			best = i
		}
	}
	for i := range probs {
		probs[i] /= sum
	}
	return ml.Iris().ClassNames[best], probs
}

// endpointCall posts body to a model route with the given Authorization
// header ("" for none) and returns the status and decoded answer.
func endpointCall(t *testing.T, srv *gopadServer, path, body, auth string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest("POST", srv.Base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: answer %d is not JSON: %s", path, resp.StatusCode, raw)
	}
	return resp.StatusCode, v
}

func outputData(t *testing.T, answer map[string]any, name string) []any {
	t.Helper()
	outs, _ := answer["outputs"].([]any)
	for _, o := range outs {
		if m := o.(map[string]any); m["name"] == name {
			return m["data"].([]any)
		}
	}
	t.Fatalf("answer has no output %q: %v", name, answer)
	return nil
}

// runSnippet runs a snippet copied from the page with GOPAD_API_KEY set and
// returns what it printed.
func runSnippet(t *testing.T, kind, code, key string) string {
	t.Helper()
	dir := t.TempDir()
	var cmd *exec.Cmd
	switch kind {
	case "curl":
		cmd = exec.Command("bash", "-c", code)
	case "python":
		cmd = exec.Command("/usr/bin/python3", "-c", code)
	case "go":
		file := filepath.Join(dir, "main.go")
		if err := os.WriteFile(file, []byte(code), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd = exec.Command("go", "run", file)
	}
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPAD_API_KEY="+key)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the %s snippet failed: %v\n%s\n--- snippet:\n%s", kind, err, out, code)
	}
	return string(out)
}

// TestModelsPagesTryItKeysAndRollback opens the Models list from the file
// browser, a text model's and a tabular model's endpoint pages, runs their
// try-it forms against the real endpoints, runs the page's curl, Python and
// Go snippets with a key made in the keys panel, revokes the key (the same
// call then gets 401), rolls iris back to version 1 (the endpoint answers
// with it), watches the live charts count the requests, makes the model public
// through its confirmation, and follows a version's lineage link to its cell.
func TestModelsPagesTryItKeysAndRollback(t *testing.T) {
	root := t.TempDir()
	nb := writeNotebook(t, root, "train.gonb", []nbCell{
		{Type: "markdown", Source: "# Training"},
		{Type: "code", Source: `fmt.Println("langid and iris v1")`},
		{Type: "code", Source: `fmt.Println("iris v2")`},
	})
	f := publishModels(t, root, nb)
	srv := startServer(t, root)
	ctx, _ := newBrowser(t)

	// The file browser links to the Models list.
	do(t, ctx, "open the file browser", chromedp.Navigate(srv.URL("/")))
	waitFor(t, ctx, "the file list", `document.body.dataset.treeLoaded === "true"`, 20*time.Second)
	do(t, ctx, "click Models", chromedp.Click(chromedp.CSS(`#link-models`)))
	waitFor(t, ctx, "the Models list", `document.body.dataset.modelsLoaded === "true" && document.querySelectorAll('#models-list tr[data-model]').length === 2`, 20*time.Second)
	row := evalJS[string](t, ctx, `document.querySelector('#models-list tr[data-model="iris"]').innerText`)
	if !strings.Contains(row, "v2") || !strings.Contains(row, "ready") || !strings.Contains(row, "features → 3 classes") {
		t.Errorf("iris row of the list: %q", row)
	}
	screenshot(t, ctx, "60-models-list")

	// The text model's page: type two words, read class names and probabilities.
	do(t, ctx, "open langid", chromedp.Click(chromedp.CSS(`#models-list tr[data-model="langid"] a.model-link`)))
	waitFor(t, ctx, "the langid page", `document.body.dataset.modelLoaded === "true" && !!document.getElementById('tryit-text')`, 20*time.Second)
	evalJS[bool](t, ctx, `(() => { const t = document.getElementById('tryit-text'); t.value = "bonjour\ngracias"; t.dispatchEvent(new Event('input')); return true; })()`)
	do(t, ctx, "predict", chromedp.Click(chromedp.CSS(`#tryit-run`)))
	waitFor(t, ctx, "the answer", `document.getElementById('tryit-result').dataset.state === "done"`, 20*time.Second)
	shown := evalJS[[]string](t, ctx, `Array.from(document.querySelectorAll('#tryit-result .tryit-label')).map(e => e.innerText)`)
	_, answer := endpointCall(t, srv, "/v2/models/langid/infer", `{"inputs":[{"name":"text","shape":[2],"datatype":"BYTES","data":["bonjour","gracias"]}]}`, "Bearer "+srv.Token)
	labels := outputData(t, answer, "label")
	if len(shown) != 2 || shown[0] != labels[0] || shown[1] != labels[1] || shown[0] != "French" {
		t.Errorf("try-it shows %q; the endpoint answers %v (want French first)", shown, labels)
	}
	probRows := evalJS[int](t, ctx, `document.querySelectorAll('#tryit-result .tryit-sample:first-child tr[data-class]').length`)
	topProb := evalJS[string](t, ctx, `document.querySelector('#tryit-result .tryit-sample:first-child tr[data-class] .tryit-prob').innerText`)
	probs := outputData(t, answer, "probabilities")
	if want := fmt.Sprintf("%.1f%%", maxOf(probs[:6])*100); probRows != 6 || topProb != want {
		t.Errorf("probabilities: %d rows, top %q; want 6 rows, top %s", probRows, topProb, want)
	}
	curlText := evalJS[string](t, ctx, `document.querySelector('#snippet-sources pre[data-snippet="curl"]').textContent`)
	screenshot(t, ctx, "61-model-text-tryit")

	// A key for langid from its page's keys panel runs the page's curl line.
	do(t, ctx, "name a key", chromedp.SendKeys(chromedp.CSS(`#key-name`), "langid-client"))
	do(t, ctx, "create the key", chromedp.Click(chromedp.CSS(`#key-create`)))
	waitFor(t, ctx, "the new key", `!!document.getElementById('key-token')`, 10*time.Second)
	langKey := evalJS[string](t, ctx, `document.getElementById('key-token').value`)
	out := runSnippet(t, "curl", curlText, langKey)
	if !strings.Contains(out, `"French"`) || !strings.Contains(out, `"model_name":"langid"`) {
		t.Errorf("the curl snippet printed %s", out)
	}

	// The tabular model's page: number fields start at the training means.
	do(t, ctx, "open iris", chromedp.Navigate(srv.Base+"/models/iris"))
	waitFor(t, ctx, "the iris page", `document.body.dataset.modelLoaded === "true" && document.querySelectorAll('.tryit-field').length === 4`, 20*time.Second)
	evalJS[bool](t, ctx, `(() => { const v = [6.9, 3.1, 5.4, 2.1]; document.querySelectorAll('.tryit-field').forEach((f, i) => { f.value = String(v[i]); f.dispatchEvent(new Event('input')); }); return true; })()`)
	do(t, ctx, "predict", chromedp.Click(chromedp.CSS(`#tryit-run`)))
	waitFor(t, ctx, "the answer", `document.getElementById('tryit-result').dataset.state === "done"`, 20*time.Second)
	x := []float32{6.9, 3.1, 5.4, 2.1}
	wantLabel, _ := f.irisAnswer(f.iris2, x)
	if got := evalJS[string](t, ctx, `document.querySelector('#tryit-result .tryit-label').innerText`); got != wantLabel {
		t.Errorf("iris try-it shows %q; version 2 computes %q", got, wantLabel)
	}
	if v := evalJS[string](t, ctx, `document.getElementById('tryit-result').dataset.version`); v != "2" {
		t.Errorf("iris try-it answered by version %q, want 2", v)
	}

	// A key for iris: the page's Python requests and Go snippets answer with it.
	do(t, ctx, "name a key", chromedp.SendKeys(chromedp.CSS(`#key-name`), "iris-client"))
	if !evalJS[bool](t, ctx, `document.querySelector('.key-model[value="iris"]').checked && !document.querySelector('.key-model[value="langid"]').checked`) {
		t.Errorf("the key form on iris's page does not start scoped to iris")
	}
	do(t, ctx, "create the key", chromedp.Click(chromedp.CSS(`#key-create`)))
	waitFor(t, ctx, "the new key", `!!document.getElementById('key-token') && document.querySelectorAll('#keys-list tr[data-key-id]').length === 2`, 10*time.Second)
	irisKey := evalJS[string](t, ctx, `document.getElementById('key-token').value`)
	if irisKey == langKey || !strings.HasPrefix(irisKey, "gpk_") {
		t.Fatalf("key shown: %q", irisKey)
	}
	if listed := evalJS[string](t, ctx, `document.getElementById('keys-list').innerText`); strings.Contains(listed, irisKey[13:]) {
		t.Errorf("the key list shows the secret: %q", listed)
	}
	py := evalJS[string](t, ctx, `document.querySelector('#snippet-sources pre[data-snippet="python"]').textContent`)
	goCode := evalJS[string](t, ctx, `document.querySelector('#snippet-sources pre[data-snippet="go"]').textContent`)
	triton := evalJS[string](t, ctx, `document.querySelector('#snippet-sources pre[data-snippet="triton"]').textContent`)
	for _, want := range []string{`InferInput("input", [1, 4], "FP32")`, `set_data_from_numpy(np.array([6.9, 3.1, 5.4, 2.1], dtype=np.float32).reshape([1, 4]), binary_data=True)`, `InferRequestedOutput("label", binary_data=False)`, `headers=headers`} {
		if !strings.Contains(triton, want) {
			t.Errorf("the tritonclient snippet lacks %s:\n%s", want, triton)
		}
	}
	// tritonclient is not installable here (offline); send what its
	// InferenceServerClient.infer puts on the wire for this snippet
	// (tritonclient/http/_utils.py _get_inference_request: the JSON header,
	// then the FP32 input's bytes, with Inference-Header-Content-Length).
	tritonCall(t, srv, irisKey, []float32{6.9, 3.1, 5.4, 2.1}, wantLabel)
	for kind, code := range map[string]string{"python": py, "go": goCode} {
		out := runSnippet(t, kind, code, irisKey)
		if !strings.Contains(out, wantLabel) || !strings.Contains(out, "model_version") {
			t.Errorf("the %s snippet printed %s; want the label %s", kind, out, wantLabel)
		}
	}
	if st, _ := endpointCall(t, srv, "/v2/models/langid/infer", `{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["ciao"]}]}`, "Bearer "+irisKey); st != http.StatusForbidden {
		t.Errorf("langid with iris's key: %d, want 403", st)
	}

	// Revoke the iris key in the panel: the same call now gets 401.
	irisBody := `{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[6.9,3.1,5.4,2.1]}]}`
	if st, _ := endpointCall(t, srv, "/v2/models/iris/infer", irisBody, "Bearer "+irisKey); st != http.StatusOK {
		t.Fatalf("iris with its key before revoking: %d", st)
	}
	do(t, ctx, "revoke", chromedp.Click(chromedp.CSS(`#keys-list tr[data-key-id]:last-child .key-revoke`)))
	waitFor(t, ctx, "the confirmation", `!!document.querySelector('.modal .btn-danger')`, 5*time.Second)
	do(t, ctx, "confirm", chromedp.Click(chromedp.CSS(`.modal .btn-danger`)))
	waitFor(t, ctx, "one key left", `document.querySelectorAll('#keys-list tr[data-key-id]').length === 1`, 10*time.Second)
	if st, _ := endpointCall(t, srv, "/v2/models/iris/infer", irisBody, "Bearer "+irisKey); st != http.StatusUnauthorized {
		t.Errorf("iris with the revoked key: %d, want 401", st)
	}

	// Roll back to version 1: the endpoint answers with it.
	do(t, ctx, "make v1 the default", chromedp.Click(chromedp.CSS(`.version-pin[data-version="1"]`)))
	waitFor(t, ctx, "v1 pinned", `document.body.dataset.modelDefault === "1" && !!document.getElementById('model-unpin')`, 10*time.Second)
	st, answer := endpointCall(t, srv, "/v2/models/iris/infer", irisBody, "Bearer "+srv.Token)
	_, want1 := f.irisAnswer(f.iris1, x)
	got := outputData(t, answer, "probabilities")
	if st != 200 || answer["model_version"] != "1" || len(got) != 3 {
		t.Fatalf("after the rollback: %d %v", st, answer)
	}
	for i := range want1 {
		if math.Abs(got[i].(float64)-want1[i]) > 1e-5 {
			t.Errorf("after the rollback, probability %d is %v; version 1 computes %v", i, got[i], want1[i])
		}
	}
	do(t, ctx, "predict", chromedp.Click(chromedp.CSS(`#tryit-run`)))
	waitFor(t, ctx, "the answer from v1", `document.getElementById('tryit-result').dataset.version === "1"`, 20*time.Second)

	// Canary: version 2 takes half of the requests that name no version,
	// then the canary is stopped and version 1 answers them all again.
	do(t, ctx, "canary v2", chromedp.Click(chromedp.CSS(`.version-canary[data-version="2"]`)))
	waitFor(t, ctx, "the share asked for", `!!document.querySelector('.modal input.text-input')`, 5*time.Second)
	evalJS[string](t, ctx, `document.querySelector('.modal input.text-input').value = ""`) // the offered 10
	do(t, ctx, "type the share", chromedp.SendKeys(chromedp.CSS(`.modal input.text-input`), "50"))
	do(t, ctx, "start the canary", chromedp.Click(chromedp.CSS(`.modal .btn-primary`)))
	waitFor(t, ctx, "the canary shown", `!!document.getElementById('model-canary-badge') && document.getElementById('model-canary-badge').textContent.includes("v2") && !!document.getElementById('model-canary-stop')`, 10*time.Second)
	byVersion := map[any]int{}
	for range 4 {
		st, answer := endpointCall(t, srv, "/v2/models/iris/infer", irisBody, "Bearer "+srv.Token)
		if st != 200 {
			t.Fatalf("with a canary: %d %v", st, answer)
		}
		byVersion[answer["model_version"]]++
	}
	if byVersion["1"] != 2 || byVersion["2"] != 2 {
		t.Errorf("4 requests with v2 as a 50%% canary of v1: answered by %v", byVersion)
	}
	screenshot(t, ctx, "63-model-canary")
	do(t, ctx, "stop the canary", chromedp.Click(chromedp.CSS(`#model-canary-stop`)))
	waitFor(t, ctx, "the canary gone", `document.body.dataset.modelLoaded === "true" && !document.getElementById('model-canary-badge') && !document.getElementById('model-canary')`, 10*time.Second)
	for range 2 {
		if st, answer := endpointCall(t, srv, "/v2/models/iris/infer", irisBody, "Bearer "+srv.Token); st != 200 || answer["model_version"] != "1" {
			t.Errorf("after stopping the canary: %d %v, want version 1", st, answer)
		}
	}

	// The live charts count what was sent: the calls above and a bad request.
	if st, _ := endpointCall(t, srv, "/v2/models/iris/infer", `{"inputs":[{"name":"input","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]}`, "Bearer "+srv.Token); st != http.StatusBadRequest {
		t.Errorf("a request with 3 features: %d, want 400", st)
	}
	waitFor(t, ctx, "the charts to count the requests and the error", `Number(document.getElementById('stats-summary').dataset.requests) >= 5 && Number(document.getElementById('stats-summary').dataset.errors) >= 1 && document.querySelectorAll('.model-chart canvas').length === 3`, 20*time.Second)
	before := evalJS[int](t, ctx, `Number(document.querySelector('.model-charts').dataset.updates)`)
	waitFor(t, ctx, "the charts to refresh", fmt.Sprintf(`Number(document.querySelector('.model-charts').dataset.updates) > %d`, before), 20*time.Second)
	screenshot(t, ctx, "62-model-tabular-page")

	// Public only after typing the name.
	if st, _ := endpointCall(t, srv, "/v2/models/iris/infer", irisBody, ""); st != http.StatusUnauthorized {
		t.Errorf("iris without credentials: %d, want 401", st)
	}
	do(t, ctx, "tick public", chromedp.Click(chromedp.CSS(`#model-public`)))
	waitFor(t, ctx, "the confirmation", `!!document.querySelector('.modal input.text-input')`, 5*time.Second)
	do(t, ctx, "type the name", chromedp.SendKeys(chromedp.CSS(`.modal input.text-input`), "iris"))
	do(t, ctx, "confirm", chromedp.Click(chromedp.CSS(`.modal .btn-primary`)))
	waitFor(t, ctx, "public", `!!document.getElementById('model-public-badge') && document.getElementById('model-public').checked`, 10*time.Second)
	if st, _ := endpointCall(t, srv, "/v2/models/iris/infer", irisBody, ""); st != http.StatusOK {
		t.Errorf("public iris without credentials: %d, want 200", st)
	}

	// Lineage: version 2 links to the cell that published it.
	href := evalJS[string](t, ctx, `document.querySelector('#versions-table tr[data-version="2"] a.lineage-link').getAttribute('href')`)
	if href != "/nb/train.gonb#cell=cell-002" {
		t.Errorf("version 2's lineage link: %q", href)
	}
	do(t, ctx, "follow the lineage link", chromedp.Click(chromedp.CSS(`#versions-table tr[data-version="2"] a.lineage-link`)))
	waitFor(t, ctx, "the notebook at the cell", jsLoaded+` && document.querySelector('.cell.selected') && document.querySelector('.cell.selected').dataset.cellId === "cell-002"`, 20*time.Second)
	if !evalJS[bool](t, ctx, `!!document.getElementById('link-models')`) {
		t.Errorf("the notebook header has no Models link")
	}

	// Delete version 2, then the model: its endpoint answers 404.
	do(t, ctx, "back to iris", chromedp.Navigate(srv.Base+"/models/iris"))
	waitFor(t, ctx, "the iris page", `document.body.dataset.modelLoaded === "true"`, 20*time.Second)
	do(t, ctx, "delete v2", chromedp.Click(chromedp.CSS(`.version-delete[data-version="2"]`)))
	waitFor(t, ctx, "the confirmation", `!!document.querySelector('.modal .btn-danger')`, 5*time.Second)
	do(t, ctx, "confirm", chromedp.Click(chromedp.CSS(`.modal .btn-danger`)))
	waitFor(t, ctx, "one version left", `document.querySelectorAll('#versions-table tr[data-version]').length === 1 && !document.querySelector('#versions-table tr[data-version="2"]')`, 10*time.Second)
	if _, err := os.Stat(filepath.Join(root, ".gopad", "models", "iris", "v2")); !os.IsNotExist(err) {
		t.Errorf("version 2's files are still there: %v", err)
	}
	do(t, ctx, "delete the model", chromedp.Click(chromedp.CSS(`#model-delete`)))
	waitFor(t, ctx, "the confirmation", `!!document.querySelector('.modal .btn-danger')`, 5*time.Second)
	do(t, ctx, "confirm", chromedp.Click(chromedp.CSS(`.modal .btn-danger`)))
	waitFor(t, ctx, "the list without iris", `location.pathname === "/models/" && document.body.dataset.modelsLoaded === "true" && document.querySelectorAll('#models-list tr[data-model]').length === 1 && !document.querySelector('#models-list tr[data-model="iris"]')`, 10*time.Second)
	if st, _ := endpointCall(t, srv, "/v2/models/iris/infer", irisBody, "Bearer "+srv.Token); st != http.StatusNotFound {
		t.Errorf("the deleted model's endpoint: %d, want 404", st)
	}
	do(t, ctx, "open the deleted model's page", chromedp.Navigate(srv.Base+"/models/iris"))
	waitFor(t, ctx, "the missing-model note", `document.body.dataset.modelLoaded === "missing" && document.getElementById('model-missing').innerText.includes("No published model is called")`, 10*time.Second)
}

// tritonCall sends the request tritonclient.http builds for the page's
// snippet: input "input" in binary, outputs "output" and "probabilities" in
// binary and "label" as JSON, and decodes the answer as its InferResult does.
func tritonCall(t *testing.T, srv *gopadServer, key string, x []float32, wantLabel string) {
	t.Helper()
	header := fmt.Sprintf(`{"inputs":[{"name":"input","shape":[1,%d],"datatype":"FP32","parameters":{"binary_data_size":%d}}],`+
		`"outputs":[{"name":"output","parameters":{"binary_data":true}},{"name":"label","parameters":{"binary_data":false}},{"name":"probabilities","parameters":{"binary_data":true}}]}`, len(x), 4*len(x))
	body := []byte(header)
	for _, v := range x {
		body = binary.LittleEndian.AppendUint32(body, math.Float32bits(v))
	}
	req, _ := http.NewRequest("POST", srv.Base+"/v2/models/iris/infer", bytes.NewReader(body))
	req.Header.Set("Inference-Header-Content-Length", strconv.Itoa(len(header)))
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	n, err := strconv.Atoi(resp.Header.Get("Inference-Header-Content-Length"))
	if resp.StatusCode != 200 || err != nil || n > len(raw) {
		t.Fatalf("the tritonclient request: %d, header length %q: %q", resp.StatusCode, resp.Header.Get("Inference-Header-Content-Length"), raw)
	}
	var answer struct {
		Outputs []struct {
			Name       string         `json:"name"`
			Data       []any          `json:"data"`
			Parameters map[string]any `json:"parameters"`
		} `json:"outputs"`
	}
	if err := json.Unmarshal(raw[:n], &answer); err != nil {
		t.Fatalf("the tritonclient answer's JSON part: %v: %s", err, raw[:n])
	}
	binaryBytes := 0
	for _, o := range answer.Outputs {
		switch o.Name {
		case "label":
			if len(o.Data) != 1 || o.Data[0] != wantLabel {
				t.Errorf("tritonclient label: %v, want %s", o.Data, wantLabel)
			}
		case "output", "probabilities":
			size, _ := o.Parameters["binary_data_size"].(float64)
			if size != 12 || o.Data != nil {
				t.Errorf("tritonclient output %s: %v, %v; want 12 bytes in binary", o.Name, o.Parameters, o.Data)
			}
			binaryBytes += int(size)
		}
	}
	if len(answer.Outputs) != 3 || n+binaryBytes != len(raw) {
		t.Errorf("tritonclient answer: %d outputs, %d + %d bytes of %d", len(answer.Outputs), n, binaryBytes, len(raw))
	}
}

func maxOf(v []any) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		m = math.Max(m, x.(float64))
	}
	return m
}

// goEnv returns the go command's settings that a server started with a
// temporary HOME needs to build from source offline with the warm caches of
// the person running the tests (as the server of someone who runs gopad from
// its source would have them).
func goEnv(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE", "GOFLAGS").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	v := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(v) != 3 {
		t.Fatalf("go env: %q", out)
	}
	return []string{"GOCACHE=" + v[0], "GOMODCACHE=" + v[1], "GOFLAGS=" + v[2], "GOPROXY=off", "GOTOOLCHAIN=local"}
}

// TestModelExportFromEndpointPage clicks Export on a version of the endpoint
// page of a gopad built as `go build` builds it (linking the C library, so
// the server builds a static gopad for the image from the source around it):
// the page shows the export running step by step, then its folder in the
// workspace, the files (which exist and decode: the image read back with
// go-containerregistry), the podman and kubectl lines with their paths, and
// a download of the bundle. A second Export of the same version goes into a
// new folder. A server whose gopad cannot go into an image shows why.
func TestModelExportFromEndpointPage(t *testing.T) {
	root := t.TempDir()
	publishIrisVersions(t, root, 2)
	var tok [12]byte
	if _, err := rand.Read(tok[:]); err != nil {
		t.Fatal(err)
	}
	srv := startGopad(t, root, hex.EncodeToString(tok[:]), goEnv(t), "serve", "--addr", "127.0.0.1:0", root)
	ctx, _ := newBrowser(t)
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		t.Fatal(err)
	}

	do(t, ctx, "open iris", chromedp.Navigate(srv.URL("/models/iris")))
	waitFor(t, ctx, "the iris page", `document.body.dataset.modelLoaded === "true" && !!document.querySelector('.version-export[data-version="1"]')`, 20*time.Second)
	// Record every state the panel shows.
	evalJS[bool](t, ctx, `(() => { window.exportStates = []; const el = document.getElementById('export-status');
		new MutationObserver(() => { const s = el.dataset.state; if (window.exportStates[window.exportStates.length - 1] !== s) window.exportStates.push(s); }).observe(el, { attributes: true }); return true; })()`)
	do(t, ctx, "export v1", chromedp.Click(chromedp.CSS(`.version-export[data-version="1"]`)))
	waitFor(t, ctx, "the export to finish", `["done", "failed"].includes(document.getElementById('export-status').dataset.state)`, 8*time.Minute)
	if msg := evalJS[string](t, ctx, `document.getElementById('export-error') ? document.getElementById('export-error').innerText : ""`); msg != "" {
		t.Fatalf("the export failed: %s", msg)
	}
	states := evalJS[[]string](t, ctx, `window.exportStates`)
	if len(states) < 2 || states[len(states)-1] != "done" || !slicesContainsAny(states, "queued", "binary", "writing", "copying") {
		t.Errorf("states shown: %v; want the running steps, then done", states)
	}
	dir := filepath.Join(realRoot, "exports", "iris-v1")
	if got := evalJS[string](t, ctx, `document.getElementById('export-path').value`); got != dir {
		t.Errorf("the page shows the folder %q, want %q", got, dir)
	}
	if got := evalJS[string](t, ctx, `document.getElementById('export-folder-link').getAttribute('href')`); got != "/?dir=exports%2Firis-v1" {
		t.Errorf("folder link %q", got)
	}
	for id, want := range map[string]string{
		"podman-load":   "podman load -i " + filepath.Join(dir, "image.tar"),
		"kubectl-apply": "kubectl apply -k " + filepath.Join(dir, "k8s"),
		"podman-run":    "podman run --rm -p 8080:8080 gopad-iris:v1",
		"kserve-apply":  "kubectl apply -f " + filepath.Join(dir, "kserve/clusterservingruntime.yaml") + " -f " + filepath.Join(dir, "kserve/inferenceservice.yaml"),
	} {
		if got := evalJS[string](t, ctx, `document.querySelector('#export-commands pre[data-command="`+id+`"]').textContent`); got != want {
			t.Errorf("%s line: %q, want %q", id, got, want)
		}
	}
	files := evalJS[[]string](t, ctx, `Array.from(document.querySelectorAll('#export-files li')).map(e => e.dataset.file)`)
	for _, f := range []string{"image.tar", "Dockerfile", "README.md", "k8s/kustomization.yaml", "k8s/deployment.yaml", "kserve/inferenceservice.yaml", "kserve/clusterservingruntime.yaml", "kserve/model/model.json"} {
		if !slices.Contains(files, f) {
			t.Errorf("the page's file list lacks %s: %v", f, files)
		}
	}
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f))); err != nil {
			t.Errorf("listed %s: %v", f, err)
		}
	}
	img, err := tarball.ImageFromPath(filepath.Join(dir, "image.tar"), nil)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.Config.Labels["dev.gopad.model.name"] != "iris" || cf.Config.Labels["dev.gopad.model.version"] != "1" || cf.OS != "linux" || cf.Architecture != "amd64" {
		t.Errorf("image config: %s/%s %v", cf.OS, cf.Architecture, cf.Config.Labels)
	}
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil || !strings.Contains(string(readme), "# iris version 1") {
		t.Errorf("README: %v %.200s", err, readme)
	}
	screenshot(t, ctx, "63-model-export")

	// The download link gives the folder as .tar.gz.
	href := evalJS[string](t, ctx, `document.getElementById('export-download').getAttribute('href')`)
	req, _ := http.NewRequest("GET", srv.Base+href, nil)
	req.Header.Set("Authorization", "Bearer "+srv.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	gz, err := gzip.NewReader(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("download %s: %d %v", href, resp.StatusCode, err)
	}
	inBundle := map[string]bool{}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the download: %v", err)
		}
		inBundle[h.Name] = true
	}
	resp.Body.Close()
	for _, f := range files {
		if !inBundle["iris-v1/"+f] {
			t.Errorf("the download lacks iris-v1/%s", f)
		}
	}

	// Export v1 again: a new folder; the first one stays as it was.
	before, _ := os.ReadFile(filepath.Join(dir, "README.md"))
	do(t, ctx, "export v1 again", chromedp.Click(chromedp.CSS(`#export-run`)))
	waitFor(t, ctx, "the second export", `document.getElementById('export-status').dataset.state === "done" && document.getElementById('export-status').dataset.dir === "exports/iris-v1-2"`, 5*time.Minute)
	if after, _ := os.ReadFile(filepath.Join(dir, "README.md")); !bytes.Equal(before, after) {
		t.Errorf("the second export changed the first")
	}
	if _, err := os.Stat(filepath.Join(realRoot, "exports", "iris-v1-2", "image.tar")); err != nil {
		t.Errorf("the second export: %v", err)
	}
	waitFor(t, ctx, "the earlier export listed", `document.querySelector('#export-earlier a[href="/?dir=exports%2Firis-v1"]') !== null`, 10*time.Second)

	// A server whose gopad for images is not static says so on the page.
	bad := startGopad(t, root, srv.Token, nil, "serve", "--addr", "127.0.0.1:0", "--export-binary", "/bin/true", root)
	do(t, ctx, "open iris on the second server", chromedp.Navigate(bad.URL("/models/iris")))
	waitFor(t, ctx, "the iris page", `document.body.dataset.modelLoaded === "true" && !!document.getElementById('export-run')`, 20*time.Second)
	do(t, ctx, "export", chromedp.Click(chromedp.CSS(`#export-run`)))
	waitFor(t, ctx, "the failure", `document.getElementById('export-status').dataset.state === "failed" && !!document.getElementById('export-error')`, time.Minute)
	if msg := evalJS[string](t, ctx, `document.getElementById('export-error').innerText`); !strings.Contains(msg, "dynamically linked") || !strings.Contains(msg, "-export-binary") {
		t.Errorf("the failure shown: %q", msg)
	}
	if _, err := os.Stat(filepath.Join(realRoot, "exports", "iris-v2")); !os.IsNotExist(err) {
		t.Errorf("the failed export left a folder: %v", err)
	}
}

func slicesContainsAny(list []string, want ...string) bool {
	for _, w := range want {
		if slices.Contains(list, w) {
			return true
		}
	}
	return false
}

// publishIrisVersions publishes n quickly trained versions of an iris
// classifier with class names into root's registry.
func publishIrisVersions(t *testing.T, root string, n int) {
	t.Helper()
	reg, err := registry.Open(filepath.Join(root, filepath.FromSlash(serving.RegistrySubdir)))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	iris := ml.Iris()
	for v := 1; v <= n; v++ {
		ml.SetSeed(int64(v))
		m := ml.Sequential(ml.Linear(4, 8), ml.ReLU(), ml.Linear(8, 3))
		m.Fit(iris, ml.FitConfig{Epochs: 3, BatchSize: 16, Loss: ml.CrossEntropy(), Optimizer: ml.Adam(1e-2), Seed: int64(v)})
		if err := m.SetMeta(serving.MetaClasses, iris.ClassNames); err != nil {
			t.Fatal(err)
		}
		if _, err := reg.Publish("iris", m, registry.Lineage{Notebook: "iris.gonb", Cell: fmt.Sprintf("cell-%d", v), Source: "cell"}); err != nil {
			t.Fatal(err)
		}
	}
}
