package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gopad.dev/gopad/ml"
	"gopad.dev/gopad/serving"
	"gopad.dev/gopad/serving/registry"
)

// Publishing from the notebook in the browser (issue 10, item 2): ml.Publish
// in a cell shows the endpoint's URL, a curl line and the version; the next
// cell calls the endpoint with net/http; the Publish button under a model
// result asks for a name (the variable's by default) and publishes the model
// as it is in the kernel, and the cell then shows the endpoint's card. Both
// endpoints answer a real HTTP call as the published model computes.

// publishedCard reads the URL and the curl line of an endpoint card (an
// output frame that outputFrames found).
func publishedCard(t *testing.T, frames []outputFrame) (url, curl string) {
	t.Helper()
	f := frames[0]
	url = evalIn[string](t, f, `document.querySelector('.gopad-published-url').textContent`)
	curl = evalIn[string](t, f, `document.querySelector('.gopad-published-curl').textContent`)
	return url, curl
}

// callEndpoint posts the first digits image to url/infer with the token and
// returns the answer's label and raw output.
func callEndpoint(t *testing.T, url, token string, row []float32) (string, []float64) {
	t.Helper()
	data, _ := json.Marshal(row)
	req, _ := http.NewRequest("POST", url+"/infer", strings.NewReader(`{"inputs":[{"name":"input","shape":[1,64],"datatype":"FP32","data":`+string(data)+`}]}`))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s/infer: %d %s", url, resp.StatusCode, raw)
	}
	var ans struct {
		Outputs []struct {
			Name string `json:"name"`
			Data []any  `json:"data"`
		} `json:"outputs"`
	}
	if err := json.Unmarshal(raw, &ans); err != nil {
		t.Fatalf("answer %s: %v", raw, err)
	}
	var label string
	var out []float64
	for _, o := range ans.Outputs {
		switch o.Name {
		case "label":
			label = fmt.Sprint(o.Data[0])
		case "output":
			for _, v := range o.Data {
				out = append(out, v.(float64))
			}
		}
	}
	return label, out
}

// checkAnswer compares an endpoint's answer with what version v of name in
// the root's registry computes.
func checkAnswer(t *testing.T, root, name string, v int, row []float32, label string, out []float64) {
	t.Helper()
	reg, err := registry.Open(filepath.Join(root, filepath.FromSlash(serving.RegistrySubdir)))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	m, _, err := reg.Load(name, v)
	if err != nil {
		t.Fatalf("%s version %d is not in the registry: %v", name, v, err)
	}
	want := m.Predict(ml.FromSlice(row, 1, 64)).Data()
	if len(out) != len(want) {
		t.Fatalf("%s answered %d scores, the model computes %d", name, len(out), len(want))
	}
	best := 0
	for i := range want {
		if d := out[i] - float64(want[i]); d > 1e-4 || d < -1e-4 {
			t.Errorf("%s score %d: endpoint %v, model %v", name, i, out[i], want[i])
		}
		if want[i] > want[best] {
			best = i
		}
	}
	if label != fmt.Sprint(best) {
		t.Errorf("%s label %q, the model's class is %d", name, label, best)
	}
}

func TestPublishFromACellAndFromTheButton(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("the test runs the shown curl line: install curl")
	}
	srv := startServer(t, "")
	name := writeNotebook(t, srv.Root, "publish.gonb", []nbCell{
		{Type: "code", Source: `import "gopad/ml"
ml.SetSeed(1)
train, test := ml.Digits().Split(0.75, 0)
model := ml.Sequential(ml.Linear(64, 64), ml.ReLU(), ml.Linear(64, 10))
model.SetMeta("classes", test.ClassNames)
hist := model.Fit(train, ml.FitConfig{Epochs: 3, Loss: ml.CrossEntropy(), Seed: 1})
len(hist.Epochs)`},
		{Type: "code", Source: "model"},
		{Type: "code", Source: `pub := ml.Publish(model, "digits")
pub`},
		{Type: "code", Source: `import ("fmt"; "io"; "net/http")
req, err := pub.NewRequest(pub.Example)
if err != nil { panic(err) }
resp, err := http.DefaultClient.Do(req)
if err != nil { panic(err) }
answer, _ := io.ReadAll(resp.Body)
fmt.Println("endpoint said", resp.Status, string(answer))`},
	})
	ctx, _ := newBrowser(t)
	openNotebook(t, ctx, srv, name)
	runCellByKeys(t, ctx, 0)
	waitOutputContains(t, ctx, 0, "3", kernelStarts)
	runCellByKeys(t, ctx, 1)
	waitFor(t, ctx, "the Publish button under the model", jsCell(1)+`.querySelector('.publish-button') !== null`, 30*time.Second)
	runCellByKeys(t, ctx, 2)
	frames := outputFrames(t, ctx, "ml.Publish's card", `document.body.innerText.includes('Published digits version 1')`, 1, 60*time.Second)
	url, curl := publishedCard(t, frames)
	if want := srv.Base + "/v2/models/digits"; url != want {
		t.Errorf("the card's URL is %q, want %q", url, want)
	}
	if !strings.Contains(curl, "$GOPAD_TOKEN") || strings.Contains(curl, srv.Token) || !strings.Contains(curl, url+"/infer") {
		t.Errorf("the card's curl line: %s", curl)
	}
	runCellByKeys(t, ctx, 3)
	waitOutputContains(t, ctx, 3, "endpoint said 200 OK", 60*time.Second)
	// The curl line as pasted, in a shell that holds the credential.
	cmd := exec.Command("sh", "-c", curl)
	cmd.Env = append(os.Environ(), "GOPAD_TOKEN="+srv.Token)
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), `"model_name":"digits"`) {
		t.Errorf("the card's curl line answered %s (%v)", out, err)
	}
	_, test := ml.Digits().Split(0.75, 0)
	row := test.X.Row(0).Data()
	label, out := callEndpoint(t, url, srv.Token, row)
	checkAnswer(t, srv.Root, "digits", 1, row, label, out)

	// The button: a name the user cannot use is refused before anything is sent.
	do(t, ctx, "open the publish form", chromedp.Click(chromedp.CSS(`#cells > .cell:nth-child(2) .publish-button`)))
	waitFor(t, ctx, "the name field", jsCell(1)+`.querySelector('.publish-form:not([hidden]) .publish-name') !== null`, 10*time.Second)
	if got := evalJS[string](t, ctx, jsCell(1)+`.querySelector('.publish-name').value`); got != "model" {
		t.Errorf("the name offered is %q, want the variable's name \"model\"", got)
	}
	typeName := func(text string) {
		t.Helper()
		do(t, ctx, "type the name", chromedp.Click(chromedp.CSS(`#cells > .cell:nth-child(2) .publish-name`)))
		evalJS[bool](t, ctx, jsCell(1)+`.querySelector('.publish-name').select(), true`)
		do(t, ctx, "type the name", insertText(text))
		do(t, ctx, "confirm", chromedp.Click(chromedp.CSS(`#cells > .cell:nth-child(2) .publish-confirm`)))
	}
	typeName("no spaces")
	waitFor(t, ctx, "the refusal", jsCell(1)+`.querySelector('.publish-status').dataset.state === "error" && `+jsCell(1)+`.querySelector('.publish-status').textContent.includes("cannot name an endpoint")`, 10*time.Second)
	typeName("digits-button")
	waitFor(t, ctx, "the button's publish to succeed", jsCell(1)+`.querySelector('.publish-status').dataset.state === "ok"`, 60*time.Second)
	status := evalJS[string](t, ctx, jsCell(1)+`.querySelector('.publish-status').textContent`)
	buttonURL := srv.Base + "/v2/models/digits-button"
	if !strings.Contains(status, "digits-button version 1 at "+buttonURL) {
		t.Errorf("the button's status says %q", status)
	}
	cards := outputFrames(t, ctx, "the button's card", `document.body.innerText.includes('Published digits-button version 1')`, 1, 30*time.Second)
	if url, curl := publishedCard(t, cards); url != buttonURL || strings.Contains(curl, srv.Token) {
		t.Errorf("the button's card: %s / %s", url, curl)
	}
	label, out = callEndpoint(t, buttonURL, srv.Token, row)
	checkAnswer(t, srv.Root, "digits-button", 1, row, label, out)
	reg, err := registry.Open(filepath.Join(srv.Root, filepath.FromSlash(serving.RegistrySubdir)))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	info, err := reg.Get("digits-button")
	if err != nil || info.Versions[0].Lineage.Source != "button" || info.Versions[0].Lineage.Notebook != "publish.gonb" || info.Versions[0].Lineage.Cell != "cell-001" {
		t.Errorf("the button's version: %+v %v", info, err)
	}
	screenshot(t, ctx, "publish")
}
