package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"gopad.dev/gopad/kernel/protocol"
	"gopad.dev/gopad/ml"
	"gopad.dev/gopad/server/browserproto"
)

// cellResult returns the data of a cell's execute_result in a snapshot.
func cellResult(t *testing.T, snap map[string]any, id string) map[string]any {
	t.Helper()
	for _, o := range cellOf(t, snap, id)["outputs"].([]any) {
		om := o.(map[string]any)
		if om["output_type"] == "execute_result" {
			return om["data"].(map[string]any)
		}
	}
	t.Fatalf("cell %s has no result: %v", id, cellOf(t, snap, id)["outputs"])
	return nil
}

// cellErrorText returns the evalue of a cell's error output ("" if none).
func cellErrorText(t *testing.T, snap map[string]any, id string) string {
	t.Helper()
	for _, o := range cellOf(t, snap, id)["outputs"].([]any) {
		om := o.(map[string]any)
		if om["output_type"] == "error" {
			return fmt.Sprint(om["evalue"])
		}
	}
	return ""
}

// inferDigit calls the endpoint over real HTTP with one image of ml.Digits
// and returns the answer's label and raw output.
func inferDigit(t *testing.T, url, version string, row []float32) (label string, out []float64) {
	t.Helper()
	data, _ := json.Marshal(row)
	body := `{"inputs":[{"name":"input","shape":[1,64],"datatype":"FP32","data":` + string(data) + `}]}`
	path := url + "/v2/models/digits"
	if version != "" {
		path += "/versions/" + version
	}
	req, _ := http.NewRequest("POST", path+"/infer", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("infer: %d %s", resp.StatusCode, raw)
	}
	var ans struct {
		Outputs []struct {
			Name string `json:"name"`
			Data []any  `json:"data"`
		} `json:"outputs"`
	}
	if err := json.Unmarshal(raw, &ans); err != nil {
		t.Fatalf("infer answer %s: %v", raw, err)
	}
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

// TestPublishFromACellAndFromTheButtonThroughARealKernel: ml.Publish in a
// cell of a real kernel publishes into the root's registry with the lineage
// the server knows and answers with the URL, a curl line without the
// notebook's token and the version; the next cell calls the endpoint with
// net/http; the Publish button publishes the model as it is in the kernel
// now, as a new version that the endpoint switches to; bad names, a name
// differing only in case, untrained and nil models, unknown handles and a
// restarted kernel get clear errors.
func TestPublishFromACellAndFromTheButtonThroughARealKernel(t *testing.T) {
	e := newEnv(t)
	p := e.writeNotebook("pub.gonb",
		`import "gopad/ml"
ml.SetSeed(3)
train, test := ml.Digits().Split(0.8, 1)
model := ml.Sequential(ml.Linear(64, 32), ml.ReLU(), ml.Linear(32, 10))
model.SetMeta("classes", []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"})
model.Fit(train, ml.FitConfig{Epochs: 2, Loss: ml.CrossEntropy(), Metrics: []string{"accuracy"}, Seed: 1})
test.Len()`,
		`model`,
		`pub := ml.Publish(model, "digits")
pub`,
		`import ("fmt"; "io"; "net/http")
req, err := pub.NewRequest(pub.Example)
if err != nil { panic(err) }
resp, err := http.DefaultClient.Do(req)
if err != nil { panic(err) }
answer, _ := io.ReadAll(resp.Body)
fmt.Println(resp.StatusCode, string(answer))`,
		`model.Fit(train, ml.FitConfig{Epochs: 3, Loss: ml.CrossEntropy(), Seed: 2})
model.Evaluate(test, ml.CrossEntropy(), "accuracy")`,
		`ml.Publish(model, "Digits")`,
		`ml.Publish(ml.Sequential(ml.Linear(2, 1)), "fresh")`,
		`ml.Publish(nil, "nothing")`,
		`ml.Publish(model, "no spaces please")`,
		`import ("os"; "strings")
// The process's environment (the interpreter's os.Getenv has its own).
environ, _ := os.ReadFile("/proc/self/environ")
for _, kv := range strings.Split(string(environ), "\x00") {
	if strings.HasPrefix(kv, "GOPAD_ENDPOINT_TOKEN=") || strings.HasPrefix(kv, "GOPAD_TOKEN=") {
		fmt.Println(kv)
	}
}`,
	)
	c := e.dial(p)
	c.waitFor("kernel idle", 60*time.Second, isKernel(browserproto.KernelIdle))
	for i := 0; i <= 3; i++ {
		c.runCell(fmt.Sprintf("cell%d", i), 120*time.Second)
	}
	snap := e.dial(p).snapshot()
	if msg := cellErrorText(t, snap, "cell2"); msg != "" {
		t.Fatalf("ml.Publish failed: %s", msg)
	}
	text := fmt.Sprint(cellResult(t, snap, "cell2")["text/plain"])
	t.Logf("ml.Publish shows:\n%s", text)
	wantURL := e.ts.URL + "/v2/models/digits"
	for _, want := range []string{"digits version 1 published at " + wantURL, "curl -s -H \"Authorization: Bearer $GOPAD_TOKEN\"", wantURL + "/infer"} {
		if !strings.Contains(text, want) {
			t.Errorf("ml.Publish's result lacks %q:\n%s", want, text)
		}
	}
	if html := fmt.Sprint(cellResult(t, snap, "cell2")["text/html"]); !strings.Contains(html, "gopad-published-curl") {
		t.Errorf("ml.Publish's result has no card: %s", html)
	}
	// The curl line works as pasted into a shell that has the credential.
	var curlLine string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "curl ") {
			curlLine = line
		}
	}
	cmd := exec.Command("sh", "-c", curlLine)
	cmd.Env = append(os.Environ(), "GOPAD_TOKEN="+testToken)
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), `"model_name":"digits"`) {
		t.Errorf("the curl line %s answered %s (%v)", curlLine, out, err)
	}
	if out := streamText(cellOf(t, snap, "cell3"), "stdout"); !strings.HasPrefix(out, "200 ") || !strings.Contains(out, `"model_name":"digits"`) {
		t.Errorf("the cell calling the endpoint printed %q", out)
	}

	// The version, its lineage, and the endpoint answering as the model does.
	reg := e.srv.models.registry
	info, err := reg.Get("digits")
	if err != nil || info.Default != 1 || len(info.Versions) != 1 {
		t.Fatalf("registry after the cell's publish: %+v, %v", info, err)
	}
	lin := info.Versions[0].Lineage
	if lin.Notebook != "pub.gonb" || lin.Cell != "cell2" || lin.Source != "cell" || !strings.HasPrefix(lin.ContentHash, "sha256:") || lin.Time.IsZero() {
		t.Errorf("lineage of version 1: %+v", lin)
	}
	if lin.History == nil || len(lin.History.Epochs) != 2 || lin.Metrics["accuracy"] <= 0 {
		t.Errorf("version 1 does not carry the training history and metrics: history %+v, metrics %v", lin.History, lin.Metrics)
	}
	v1, _, err := reg.Load("digits", 1)
	if err != nil {
		t.Fatal(err)
	}
	digits := ml.Digits()
	row := digits.X.Row(7).Data()
	want := v1.Predict(ml.FromSlice(row, 1, 64)).Data()
	label, out := inferDigit(t, e.ts.URL, "", row)
	if len(out) != 10 {
		t.Fatalf("endpoint output %v", out)
	}
	best := 0
	for i := range want {
		if d := out[i] - float64(want[i]); d > 1e-4 || d < -1e-4 {
			t.Errorf("endpoint output[%d] = %v, the published model computes %v", i, out[i], want[i])
		}
		if want[i] > want[best] {
			best = i
		}
	}
	classes := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
	if label != classes[best] {
		t.Errorf("endpoint label %q, want %q", label, classes[best])
	}

	// The button: the model as it is in the kernel now (trained further).
	c.runCell("cell4", 120*time.Second)
	md := cellResult(t, snap, "cell1")[protocol.ModelMIME].(map[string]any)
	if md["name"] != "model" || md["trained"] != true {
		t.Errorf("model result's publish data: %v", md)
	}
	handle := fmt.Sprint(md["handle"])
	publish := func(handle, name string) map[string]any {
		t.Helper()
		c.send(map[string]any{"type": browserproto.MsgPublishModel, "req_id": "r-" + name, "cell_id": "cell1", "handle": handle, "name": name})
		res, _ := c.waitFor("publish_result", 120*time.Second, isType(browserproto.MsgPublishResult))
		if res["req_id"] != "r-"+name {
			t.Fatalf("publish_result for another request: %v", res)
		}
		return res
	}
	res := publish(handle, "digits")
	if res["ok"] != true || res["version"] != float64(2) || res["url"] != wantURL || strings.Contains(fmt.Sprint(res["curl"]), testToken) {
		t.Fatalf("button publish: %v", res)
	}
	info, _ = reg.Get("digits")
	if info.Default != 2 {
		t.Errorf("after the button the default version is %d, want 2", info.Default)
	}
	lin2 := info.Versions[1].Lineage
	if lin2.Source != "button" || lin2.Cell != "cell1" || lin2.Notebook != "pub.gonb" || lin2.ContentHash == lin.ContentHash {
		t.Errorf("lineage of version 2: %+v (version 1's hash %s)", lin2, lin.ContentHash)
	}
	if _, ok := lin2.Metrics["accuracy"]; !ok || lin2.History == nil || len(lin2.History.Epochs) != 3 {
		t.Errorf("version 2 carries metrics %v and history %+v; want the last Evaluate's and the 3-epoch run", lin2.Metrics, lin2.History)
	}
	v2, _, err := reg.Load("digits", 2)
	if err != nil {
		t.Fatal(err)
	}
	want2 := v2.Predict(ml.FromSlice(row, 1, 64)).Data()
	_, out2 := inferDigit(t, e.ts.URL, "", row)
	same := true
	for i := range want2 {
		if want2[i] != want[i] {
			same = false
		}
		if d := out2[i] - float64(want2[i]); d > 1e-4 || d < -1e-4 {
			t.Errorf("after the button the endpoint answers %v at %d, version 2 computes %v", out2[i], i, want2[i])
		}
	}
	if same {
		t.Error("version 2 computes what version 1 does: the button did not publish the model as it is now")
	}
	if _, old := inferDigit(t, e.ts.URL, "1", row); len(old) != 10 || old[0]-float64(want[0]) > 1e-4 || float64(want[0])-old[0] > 1e-4 {
		t.Errorf("version 1 by its URL answers %v, want %v", old, want)
	}
	// The card went into the cell, with no token in it.
	snap = e.dial(p).snapshot()
	var card string
	for _, o := range cellOf(t, snap, "cell1")["outputs"].([]any) {
		om := o.(map[string]any)
		if om["output_type"] == "display_data" {
			card = fmt.Sprint(om["data"].(map[string]any)["text/plain"])
		}
	}
	if !strings.Contains(card, "digits version 2 published at "+wantURL) || strings.Contains(card, testToken) {
		t.Errorf("the button's card in the cell: %q", card)
	}

	// Bad input, each with a clear error.
	for _, bad := range []struct{ cell, want string }{
		{"cell5", `too close to the published model "digits"`},
		{"cell6", "has not been trained"},
		{"cell7", "nil model"},
		{"cell8", `model name "no spaces please"`},
	} {
		c.runCell(bad.cell, 60*time.Second)
		snap = e.dial(p).snapshot()
		if msg := cellErrorText(t, snap, bad.cell); !strings.Contains(msg, bad.want) {
			t.Errorf("%s: error %q, want it to say %q", bad.cell, msg, bad.want)
		}
	}
	// The kernel's credential calls the endpoints and nothing else.
	c.runCell("cell9", 60*time.Second)
	snap = e.dial(p).snapshot()
	var kernelCred string
	env := streamText(cellOf(t, snap, "cell9"), "stdout")
	kernelCred, _ = strings.CutPrefix(strings.TrimSpace(env), "GOPAD_ENDPOINT_TOKEN=")
	if kernelCred == "" || strings.Contains(env, "GOPAD_TOKEN=") || strings.Contains(env, testToken) || strings.Contains(kernelCred, "\n") {
		t.Errorf("the kernel's environment: %q", env)
	}
	req, _ := http.NewRequest("GET", e.ts.URL+"/v2/models/digits", nil)
	req.Header.Set("Authorization", "Bearer "+kernelCred)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("the kernel's credential on an endpoint: %v %v", resp.Status, err)
	} else {
		resp.Body.Close()
	}
	for _, auth := range []string{"Bearer " + kernelCred, "token " + kernelCred} {
		req, _ = http.NewRequest("GET", e.ts.URL+"/api/contents", nil)
		req.Header.Set("Authorization", auth)
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("the kernel's credential (%s) on the notebook API: %v %v, want 401", strings.Fields(auth)[0], resp.Status, err)
		} else {
			resp.Body.Close()
		}
	}
	if res := publish(handle, "bad/name"); res["ok"] == true || !strings.Contains(fmt.Sprint(res["error"]), `model name "bad/name"`) {
		t.Errorf("button with a bad name: %v", res)
	}
	if res := publish("nonsense-1", "other"); res["ok"] == true || !strings.Contains(fmt.Sprint(res["error"]), "no longer in the kernel") {
		t.Errorf("button with an unknown handle: %v", res)
	}
	c.send(map[string]any{"type": browserproto.MsgRestart})
	c.waitFor("kernel idle after restart", 60*time.Second, isKernel(browserproto.KernelIdle))
	if res := publish(handle, "again"); res["ok"] == true || !strings.Contains(fmt.Sprint(res["error"]), "run its cell again") {
		t.Errorf("button after a restart: %v", res)
	}
	if info, _ := reg.Get("digits"); len(info.Versions) != 2 {
		t.Errorf("failed publishes left versions: %+v", info.Versions)
	}
	if _, err := reg.Get("again"); err == nil {
		t.Error("a failed publish created a model")
	}
}
