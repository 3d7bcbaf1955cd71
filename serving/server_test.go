package serving

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopad.dev/gopad/ml"
	"gopad.dev/gopad/serving/oip"
)

func TestHealthMetadataAndReady(t *testing.T) {
	reg := testRegistry(t, map[string]string{"digits": digitsDir, "langid": langidDir})
	_, ts := serveRegistry(t, reg, Options{Version: "1.2.3"})

	if r := get(t, ts.URL+"/v2/health/live"); r.status != 200 || r.json(t)["live"] != true {
		t.Fatalf("live: %d %s", r.status, r.body)
	}
	if r := get(t, ts.URL+"/v2/health/ready"); r.status != 200 || r.json(t)["ready"] != true {
		t.Fatalf("ready: %d %s", r.status, r.body)
	}
	var sm oip.ServerMetadata
	r := get(t, ts.URL+"/v2")
	if err := json.Unmarshal(r.body, &sm); err != nil || r.status != 200 || sm.Name != "gopad" || sm.Version != "1.2.3" || !slices.Contains(sm.Extensions, "binary_tensor_data") {
		t.Fatalf("server metadata: %d %s", r.status, r.body)
	}

	var md oip.ModelMetadata
	r = get(t, ts.URL+"/v2/models/digits")
	if err := json.Unmarshal(r.body, &md); err != nil || r.status != 200 {
		t.Fatalf("digits metadata: %d %s", r.status, r.body)
	}
	if md.Name != "digits" || !slices.Equal(md.Versions, []string{"1"}) || md.Platform != "gopad" ||
		len(md.Inputs) != 1 || md.Inputs[0].Name != "input" || md.Inputs[0].Datatype != "FP32" || !slices.Equal(md.Inputs[0].Shape, []int64{-1, 64}) ||
		len(md.Outputs) != 1 || md.Outputs[0].Name != "output" || !slices.Equal(md.Outputs[0].Shape, []int64{-1, 10}) {
		t.Fatalf("digits metadata: %s", r.body)
	}
	r = get(t, ts.URL+"/v2/models/langid/versions/1")
	if err := json.Unmarshal(r.body, &md); err != nil || r.status != 200 {
		t.Fatalf("langid metadata: %d %s", r.status, r.body)
	}
	if len(md.Inputs) != 2 || md.Inputs[0].Name != "text" || md.Inputs[0].Datatype != "BYTES" || !slices.Equal(md.Inputs[0].Shape, []int64{-1}) ||
		md.Inputs[1].Name != "input_ids" || md.Inputs[1].Datatype != "INT64" || !slices.Equal(md.Inputs[1].Shape, []int64{-1, 16}) {
		t.Fatalf("langid inputs: %s", r.body)
	}
	var outNames []string
	for _, o := range md.Outputs {
		outNames = append(outNames, fmt.Sprintf("%s %s %v", o.Name, o.Datatype, o.Shape))
	}
	if strings.Join(outNames, "; ") != "output FP32 [-1 6]; label BYTES [-1]; probabilities FP32 [-1 6]" {
		t.Fatalf("langid outputs: %v", outNames)
	}

	for path, want := range map[string]int{
		"/v2/models/digits/ready": 200, "/v2/models/digits/versions/1/ready": 200,
		"/v2/models/digits/versions/9/ready": 404, "/v2/models/nope/ready": 404, "/v2/models/nope": 404,
		"/v2/models/digits/versions/x": 400, "/v2/nothing": 404, "/v1/models/digits": 200, "/v1/models/nope": 404,
	} {
		r := get(t, ts.URL+path)
		if r.status != want {
			t.Errorf("GET %s: %d %s; want %d", path, r.status, r.body, want)
			continue
		}
		if want != 200 {
			if msg := r.errorText(t); msg == "" {
				t.Errorf("GET %s: empty error", path)
			}
		}
	}
	if msg := get(t, ts.URL+"/v2/models/nope").errorText(t); !strings.Contains(msg, `model "nope" not found`) || !strings.Contains(msg, `"digits"`) {
		t.Fatalf("404 text: %q; want the unknown name and the served ones", msg)
	}
}

func TestInferMatchesTheModelFlatNestedVersionedWithID(t *testing.T) {
	reg := testRegistry(t, map[string]string{"digits": digitsDir})
	_, ts := serveRegistry(t, reg, Options{})
	model := loadModel(t, digitsDir)

	second := make([]float32, 64)
	for i := range second {
		second[i] = float32(i%17) / 16
	}
	batch := append(slices.Clone(digitsImage), second...)
	want := model.Predict(ml.FromSlice(batch, 2, 64)).Data()

	flat := `{"id":"req-42","inputs":[{"name":"input","shape":[2,64],"datatype":"FP32","data":` + floatsJSON(batch) + `}]}`
	nested := `{"inputs":[{"name":"input","shape":[2,64],"datatype":"FP32","data":[` + floatsJSON(digitsImage) + `,` + floatsJSON(second) + `]}]}`
	for _, c := range []struct{ path, body, id string }{
		{"/v2/models/digits/infer", flat, "req-42"},
		{"/v2/models/digits/versions/1/infer", nested, ""},
	} {
		r := post(t, ts.URL+c.path, c.body)
		if r.status != 200 || r.header.Get("Content-Type") != "application/json" {
			t.Fatalf("POST %s: %d %s", c.path, r.status, r.body)
		}
		v := r.json(t)
		if v["model_name"] != "digits" || v["model_version"] != "1" {
			t.Fatalf("model name/version: %s", r.body)
		}
		if id, has := v["id"]; (c.id == "" && has) || (c.id != "" && id != c.id) {
			t.Fatalf("id %v; want %q echoed", id, c.id)
		}
		out := outputs(t, v)["output"]
		if out["datatype"] != "FP32" || fmt.Sprint(out["shape"]) != "[2 10]" {
			t.Fatalf("output tensor: %v", out)
		}
		if got := floats(t, out["data"]); !slices.Equal(got, want) {
			t.Fatalf("served output %v\nmodel.Predict     %v", got, want)
		}
	}
}

func TestTextModelTakesStringsAndAnswersClassNames(t *testing.T) {
	reg := testRegistry(t, map[string]string{"langid": langidDir})
	_, ts := serveRegistry(t, reg, Options{})
	words := []string{"bonjour", "gracias", "zwischen"}
	logits := langid.Predict(langidVoc.EncodeBatch(words, langidSeq))
	k := len(languages)
	if got := languages[argmax(logits.Data()[:k])]; got != "French" {
		t.Fatalf("the test model itself calls bonjour %s; the fixture did not learn", got)
	}

	r := post(t, ts.URL+"/v2/models/langid/infer", `{"inputs":[{"name":"text","shape":[3],"datatype":"BYTES","data":["bonjour","gracias","zwischen"]}],"parameters":{"top_k":2}}`)
	if r.status != 200 {
		t.Fatalf("text infer: %d %s", r.status, r.body)
	}
	outs := outputs(t, r.json(t))
	labels := outs["label"]["data"].([]any)
	for i, w := range words {
		want := languages[argmax(logits.Data()[i*k:(i+1)*k])]
		if labels[i] != want {
			t.Fatalf("%q served as %v; the model says %s", w, labels[i], want)
		}
	}
	if labels[0] != "French" {
		t.Fatalf("bonjour -> %v; want French", labels[0])
	}
	probs := floats(t, outs["probabilities"]["data"])
	var sum float64
	for _, p := range probs[:k] {
		sum += float64(p)
	}
	if math.Abs(sum-1) > 1e-5 || fmt.Sprint(outs["probabilities"]["shape"]) != "[3 6]" {
		t.Fatalf("probabilities %v (sum %v), shape %v", probs[:k], sum, outs["probabilities"]["shape"])
	}
	if !slices.Equal(floats(t, outs["output"]["data"]), logits.Data()) {
		t.Fatal("served logits differ from model.Predict on the vocabulary's padded ids")
	}
	top := outs["top_k_labels"]
	if fmt.Sprint(top["shape"]) != "[3 2]" || top["data"].([]any)[0] != "French" {
		t.Fatalf("top_k_labels: %v", top)
	}
	topP := floats(t, outs["top_k_probabilities"]["data"])
	if topP[0] < topP[1] || topP[0] != probs[2] {
		t.Fatalf("top_k_probabilities %v: want French's probability %v first", topP, probs[2])
	}

	// Triton's classification extension on the probabilities.
	r = post(t, ts.URL+"/v2/models/langid/infer", `{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["bonjour"]}],"outputs":[{"name":"probabilities","parameters":{"classification":1}}]}`)
	cls := outputs(t, r.json(t))["probabilities"]
	if s, _ := cls["data"].([]any)[0].(string); cls["datatype"] != "BYTES" || !strings.HasSuffix(s, ":2:French") {
		t.Fatalf("classification output: %v", cls)
	}

	// Token ids work too, and V1 takes the raw strings.
	ids := langidVoc.EncodeBatch([]string{"bonjour"}, langidSeq).Data()
	idsJSON, _ := json.Marshal(ids)
	r = post(t, ts.URL+"/v2/models/langid/infer", `{"inputs":[{"name":"input_ids","shape":[1,16],"datatype":"INT64","data":`+string(idsJSON)+`}],"outputs":[{"name":"label"}]}`)
	if o := outputs(t, r.json(t)); len(o) != 1 || o["label"]["data"].([]any)[0] != "French" {
		t.Fatalf("ids infer: %s", r.body)
	}
	r = post(t, ts.URL+"/v1/models/langid:predict", `{"instances":["bonjour","gracias"]}`)
	if r.status != 200 || string(r.body) != `{"predictions":["French","Spanish"]}`+"\n" {
		t.Fatalf("V1 predict: %d %s", r.status, r.body)
	}
}

// The KServe docs' V2 example (iris, nested data, input named "input-0") and
// the Open Inference Protocol spec's own example request.
func TestSpecExamples(t *testing.T) {
	reg := testRegistry(t, map[string]string{"mymodel": irisDir})
	_, ts := serveRegistry(t, reg, Options{})
	r := post(t, ts.URL+"/v2/models/mymodel/infer", `{
  "inputs": [
    {
      "name": "input-0",
      "shape": [2, 4],
      "datatype": "FP32",
      "data": [
        [6.8, 2.8, 4.8, 1.4],
        [6.0, 3.4, 4.5, 1.6]
      ]
    }
  ]
}`)
	if r.status != 200 {
		t.Fatalf("KServe example: %d %s", r.status, r.body)
	}
	model := loadModel(t, irisDir)
	var scaler ml.Scaler
	if err := model.Meta(MetaScaler, &scaler); err != nil {
		t.Fatal(err)
	}
	raw := ml.FromSlice([]float32{6.8, 2.8, 4.8, 1.4, 6.0, 3.4, 4.5, 1.6}, 2, 4)
	want := model.Predict(scaler.TransformTensor(raw)).Data()
	outs := outputs(t, r.json(t))
	if !slices.Equal(floats(t, outs["output"]["data"]), want) {
		t.Fatalf("served %v; the model on scaled inputs gives %v", outs["output"]["data"], want)
	}
	if l := outs["label"]["data"].([]any); l[0] != "versicolor" || l[1] != "versicolor" {
		t.Fatalf("iris labels %v; want versicolor twice (the KServe example's answer, class 1)", l)
	}

	// The spec's example request, verbatim: a model with two inputs, whose
	// input1 gives 1 element for shape [3]. It decodes, and the answer names
	// what does not fit.
	spec := `{
  "id" : "42",
  "inputs" : [
    {
      "name" : "input0",
      "shape" : [ 2, 2 ],
      "datatype" : "UINT32",
      "data" : [ 1, 2, 3, 4 ]
    },
    {
      "name" : "input1",
      "shape" : [ 3 ],
      "datatype" : "BOOL",
      "data" : [ true ]
    }
  ],
  "outputs" : [
    {
      "name" : "output0"
    }
  ]
}`
	r = post(t, ts.URL+"/v2/models/mymodel/infer", spec)
	if msg := r.errorText(t); r.status != 400 || !strings.Contains(msg, `input "input1" has 1 elements of data; its shape [3] needs 3`) {
		t.Fatalf("spec example: %d %q", r.status, msg)
	}
	fixed := strings.Replace(spec, `"shape" : [ 3 ]`, `"shape" : [ 1 ]`, 1)
	req, err := oip.DecodeRequest([]byte(fixed), -1)
	if err != nil {
		t.Fatal(err)
	}
	if req.ID != "42" || len(req.Inputs) != 2 || req.Inputs[0].Datatype != "UINT32" || !slices.Equal(req.Inputs[0].FP32, []float32{1, 2, 3, 4}) ||
		!slices.Equal(req.Inputs[1].FP32, []float32{1}) || req.Outputs[0].Name != "output0" {
		t.Fatalf("spec example decoded as %+v", req)
	}
	r = post(t, ts.URL+"/v2/models/mymodel/infer", fixed)
	if msg := r.errorText(t); r.status != 400 || !strings.Contains(msg, "the model takes one input") {
		t.Fatalf("spec example on a one-input model: %d %q", r.status, msg)
	}
}

func TestBadInputGets400SayingWhatIsWrong(t *testing.T) {
	reg := testRegistry(t, map[string]string{"digits": digitsDir, "langid": langidDir})
	_, ts := serveRegistry(t, reg, Options{MaxBodyBytes: 128 << 10})
	img := floatsJSON(digitsImage)
	in := func(fields string) string { return `{"inputs":[{` + fields + `}]}` }
	cases := []struct{ model, body, want string }{
		{"digits", `not json`, "not a JSON inference request"},
		{"digits", `{"inputs":[]}`, `no "inputs"`},
		{"digits", `{"inputs":[{"name":"input","shape":[1,64],"datatype":"FP32","data":` + img + `}]} trailing`, "after the JSON request"},
		{"digits", in(`"name":"input","shape":[1,64],"datatype":"FP64","data":` + img), "datatype FP64; the model takes FP32"},
		{"digits", in(`"name":"input","shape":[1,64],"datatype":"FLOAT","data":` + img), `datatype "FLOAT"`},
		{"digits", in(`"name":"input","shape":[1,63],"datatype":"FP32","data":` + floatsJSON(digitsImage[:63])), "dimension 1 must be 64"},
		{"digits", in(`"name":"input","shape":[2,64],"datatype":"FP32","data":` + img), "has 64 elements of data; its shape [2 64] needs 128"},
		{"digits", in(`"name":"input","shape":[1,-64],"datatype":"FP32","data":` + img), "negative dimension"},
		{"digits", in(`"name":"input","shape":[0,64],"datatype":"FP32","data":[]`), "the batch is empty"},
		{"digits", in(`"name":"input","shape":[1,2],"datatype":"FP32","data":["NaN", 1]`), "NaN, Infinity and strings are not numbers"},
		{"digits", in(`"name":"input","shape":[1,2],"datatype":"FP32","data":[1e39, 1]`), "out of range for FP32"},
		{"digits", in(`"name":"input","shape":[2,2],"datatype":"FP32","data":[[1,2],[3]]`), "ragged"},
		{"digits", in(`"name":"input","shape":[1,64],"datatype":"FP32"`), "has no data"},
		{"digits", in(`"shape":[1,64],"datatype":"FP32","data":` + img), "has no name"},
		{"digits", `{"inputs":[{"name":"input","shape":[1,64],"datatype":"FP32","data":` + img + `}],"outputs":[{"name":"scores"}]}`, `unknown output "scores"`},
		{"digits", `{"inputs":[{"name":"input","shape":[1,64],"datatype":"FP32","data":` + img + `}],"parameters":{"top_k":3}}`, "top_k needs a classifier"},
		{"digits", `{"id":7,"inputs":[{"name":"input","shape":[1,64],"datatype":"FP32","data":` + img + `}]}`, `"id" must be a string`},
		{"langid", in(`"name":"words","shape":[1],"datatype":"BYTES","data":["hi"]`), `unknown input "words"`},
		{"langid", in(`"name":"text","shape":[1],"datatype":"FP32","data":[1]`), "text is BYTES"},
		{"langid", in(`"name":"text","shape":[1],"datatype":"BYTES","data":[1]`), "its data must be strings"},
		{"langid", in(`"name":"text","shape":[1],"datatype":"BYTES","data":[""]`), "has no tokens"},
		{"langid", in(`"name":"text","shape":[1],"datatype":"BYTES","data":["` + strings.Repeat("a", MaxStringBytes+1) + `"]`), "bytes long; the limit is 65536"},
		{"langid", in(`"name":"input_ids","shape":[1,16],"datatype":"INT64","data":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,9999]`), "token id 9999"},
		{"langid", in(`"name":"input_ids","shape":[1,16],"datatype":"INT64","data":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1.5]`), "1.5 is not a value of that type"},
		{"langid", in(`"name":"input_ids","shape":[1,16],"datatype":"FP32","data":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1]`), "token ids are integers"},
	}
	for _, c := range cases {
		r := post(t, ts.URL+"/v2/models/"+c.model+"/infer", c.body)
		if r.status != 400 {
			t.Errorf("%s %.80s: status %d %s; want 400", c.model, c.body, r.status, r.body)
			continue
		}
		if msg := r.errorText(t); !strings.Contains(msg, c.want) {
			t.Errorf("%s %.80s: error %q; want it to say %q", c.model, c.body, msg, c.want)
		}
	}
	big := `{"inputs":[{"name":"input","shape":[1,64],"datatype":"FP32","data":[` + strings.Repeat("0.5,", 40000) + `0]}]}`
	if r := post(t, ts.URL+"/v2/models/digits/infer", big); r.status != 413 || !strings.Contains(r.errorText(t), "limit") {
		t.Fatalf("oversized body: %d %s", r.status, r.body)
	}
	// After all that the server still answers.
	if r := post(t, ts.URL+"/v2/models/digits/infer", in(`"name":"input","shape":[1,64],"datatype":"FP32","data":`+img)); r.status != 200 {
		t.Fatalf("good request after bad ones: %d %s", r.status, r.body)
	}
}

func TestVocabularyWithoutUnknownTokenRefusesUnseenCharacters(t *testing.T) {
	vocab := ml.BuildVocabulary([]string{"abc"}, ml.CharTokenizer(), ml.VocabOptions{NoUnknown: true})
	ml.SetSeed(1)
	m := ml.Sequential(ml.Embedding(vocab.Size(), 4), ml.LSTM(4, 4), ml.LastStep(), ml.Linear(4, 2))
	m.SetMeta(MetaVocabulary, vocab)
	m.SetMeta(MetaSequence, ml.SeqOptions{MaxLen: 4})
	dir := filepath.Join(t.TempDir(), "m")
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	s, err := NewFromDir(dir, "abc", Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := serve(t, s)
	r := post(t, ts.URL+"/v2/models/abc/infer", `{"inputs":[{"name":"text","shape":[2],"datatype":"BYTES","data":["cab","abz"]}]}`)
	if msg := r.errorText(t); r.status != 400 || !strings.Contains(msg, `element 1 ("abz"): token "z" is not in the model's vocabulary`) {
		t.Fatalf("unseen token: %d %q", r.status, msg)
	}
	if r := post(t, ts.URL+"/v2/models/abc/infer", `{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["cab"]}]}`); r.status != 200 {
		t.Fatalf("known tokens: %d %s", r.status, r.body)
	}
}

func TestTextModelWithoutSequenceOptionsSaysWhatToPublish(t *testing.T) {
	m := loadModel(t, langidDir)
	ml.SetSeed(1)
	bare := ml.Sequential(ml.Embedding(langidVoc.Size(), 16), ml.LSTM(16, 48), ml.LastStep(), ml.Linear(48, 6))
	bare.SetMeta(MetaVocabulary, langidVoc)
	_ = m
	dir := filepath.Join(t.TempDir(), "bare")
	if err := bare.Save(dir); err != nil {
		t.Fatal(err)
	}
	s, err := NewFromDir(dir, "bare", Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := serve(t, s)
	r := post(t, ts.URL+"/v2/models/bare/infer", `{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["bonjour"]}]}`)
	if msg := r.errorText(t); r.status != 400 || !strings.Contains(msg, `model.SetMeta("sequence", ml.SeqOptions{...})`) {
		t.Fatalf("text to a model without sequence options: %d %q", r.status, msg)
	}
	// Ids of any length still work: the model reads sequences of any length.
	if r := post(t, ts.URL+"/v2/models/bare/infer", `{"inputs":[{"name":"input_ids","shape":[1,3],"datatype":"INT64","data":[3,4,5]}]}`); r.status != 200 {
		t.Fatalf("ids of length 3: %d %s", r.status, r.body)
	}
}

func TestBinaryTensorExtension(t *testing.T) {
	reg := testRegistry(t, map[string]string{"digits": digitsDir})
	_, ts := serveRegistry(t, reg, Options{})
	model := loadModel(t, digitsDir)
	want := model.Predict(ml.FromSlice(slices.Clone(digitsImage), 1, 64)).Data()

	header := `{"id":"b","inputs":[{"name":"input","shape":[1,64],"datatype":"FP32","parameters":{"binary_data_size":256}}],"outputs":[{"name":"output","parameters":{"binary_data":true}}]}`
	body := []byte(header)
	for _, v := range digitsImage {
		body = binary.LittleEndian.AppendUint32(body, math.Float32bits(v))
	}
	r := do(t, "POST", ts.URL+"/v2/models/digits/infer", body, "Content-Type", "application/octet-stream", oip.HeaderLength, strconv.Itoa(len(header)))
	if r.status != 200 {
		t.Fatalf("binary request: %d %s", r.status, r.body)
	}
	n, err := strconv.Atoi(r.header.Get(oip.HeaderLength))
	if err != nil || r.header.Get("Content-Type") != "application/octet-stream" {
		t.Fatalf("binary answer headers: %v", r.header)
	}
	var head struct {
		ID      string `json:"id"`
		Outputs []struct {
			Name       string
			Shape      []int
			Parameters map[string]int
			Data       any
		}
	}
	if err := json.Unmarshal(r.body[:n], &head); err != nil {
		t.Fatalf("JSON part: %v: %s", err, r.body[:n])
	}
	o := head.Outputs[0]
	if head.ID != "b" || o.Name != "output" || o.Parameters["binary_data_size"] != 40 || o.Data != nil || len(r.body)-n != 40 {
		t.Fatalf("binary answer: %s + %d bytes", r.body[:n], len(r.body)-n)
	}
	got := make([]float32, 10)
	for i := range got {
		got[i] = math.Float32frombits(binary.LittleEndian.Uint32(r.body[n+4*i:]))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("binary output %v; model.Predict %v", got, want)
	}

	// binary_data_output on a JSON request, and a NaN only binary data can carry.
	r = post(t, ts.URL+"/v2/models/digits/infer", `{"inputs":[{"name":"input","shape":[1,64],"datatype":"FP32","data":`+floatsJSON(digitsImage)+`}],"parameters":{"binary_data_output":true}}`)
	if r.status != 200 || r.header.Get(oip.HeaderLength) == "" {
		t.Fatalf("binary_data_output: %d %v", r.status, r.header)
	}
	nan := []byte(header)
	for i := range digitsImage {
		v := float32(0)
		if i == 5 {
			v = float32(math.NaN())
		}
		nan = binary.LittleEndian.AppendUint32(nan, math.Float32bits(v))
	}
	r = do(t, "POST", ts.URL+"/v2/models/digits/infer", nan, oip.HeaderLength, strconv.Itoa(len(header)))
	if msg := r.errorText(t); r.status != 400 || !strings.Contains(msg, "element 5 is NaN; inputs must be finite") {
		t.Fatalf("NaN input: %d %q", r.status, msg)
	}
	for _, c := range []struct {
		body     []byte
		hl, want string
	}{
		{body[:len(body)-4], strconv.Itoa(len(header)), "binary_data_size 256 is more than the 252"},
		{append(slices.Clone(body), 1, 2, 3, 4), strconv.Itoa(len(header)), "4 bytes of binary data belong to no input"},
		{body, "-3", "is not a length"},
		{body, strconv.Itoa(len(body) + 1), "but the body has"},
	} {
		r := do(t, "POST", ts.URL+"/v2/models/digits/infer", c.body, oip.HeaderLength, c.hl)
		if msg := r.errorText(t); r.status != 400 || !strings.Contains(msg, c.want) {
			t.Errorf("binary body (header %s): %d %q; want %q", c.hl, r.status, msg, c.want)
		}
	}
}

func TestV1Predict(t *testing.T) {
	reg := testRegistry(t, map[string]string{"digits": digitsDir})
	_, ts := serveRegistry(t, reg, Options{})
	want := loadModel(t, digitsDir).Predict(ml.FromSlice(slices.Clone(digitsImage), 1, 64)).Data()
	r := post(t, ts.URL+"/v1/models/digits:predict", `{"instances":[`+floatsJSON(digitsImage)+`]}`)
	if r.status != 200 {
		t.Fatalf("V1: %d %s", r.status, r.body)
	}
	var v struct{ Predictions [][]float32 }
	if err := json.Unmarshal(r.body, &v); err != nil || len(v.Predictions) != 1 || !slices.Equal(v.Predictions[0], want) {
		t.Fatalf("V1 predictions %s; want [%v]", r.body, want)
	}
	for body, want := range map[string]string{
		`{"instances":[[1,2]]}`:  "dimension 1 must be 64",
		`{"instances":"x"}`:      `"instances" must be a list`,
		`{"inputs":[]}`:          `no "instances"`,
		`{"instances":[["a"]]}`:  "unknown input",
		`{"instances":[[1],[]]}`: "ragged",
	} {
		r := post(t, ts.URL+"/v1/models/digits:predict", body)
		if msg := r.errorText(t); r.status != 400 || !strings.Contains(msg, want) {
			t.Errorf("V1 %s: %d %q; want %q", body, r.status, msg, want)
		}
	}
	if r := post(t, ts.URL+"/v1/models/digits:explain", `{}`); r.status != 404 {
		t.Fatalf("V1 :explain: %d", r.status)
	}
}

func TestModelThatCannotLoadIsNotReady503(t *testing.T) {
	reg := testRegistry(t, map[string]string{"digits": digitsDir, "broken": digitsDir})
	dir, _, err := reg.Path("broken", 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "model.safetensors"), []byte("truncated"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, ts := serveRegistry(t, reg, Options{})
	if r := get(t, ts.URL+"/v2/health/ready"); r.status != 503 {
		t.Fatalf("server ready with a model that cannot load: %d", r.status)
	}
	r := get(t, ts.URL+"/v2/models/broken/ready")
	if r.status != 503 || !strings.Contains(string(r.body), "corrupt") {
		t.Fatalf("broken model ready: %d %s", r.status, r.body)
	}
	r = post(t, ts.URL+"/v2/models/broken/infer", `{"inputs":[{"name":"input","shape":[1,64],"datatype":"FP32","data":`+floatsJSON(digitsImage)+`}]}`)
	if msg := r.errorText(t); r.status != 503 || !strings.Contains(msg, `model "broken" is not ready`) {
		t.Fatalf("infer on a broken model: %d %q", r.status, msg)
	}
	if r := get(t, ts.URL+"/v2/models/digits/ready"); r.status != 200 {
		t.Fatalf("the good model beside it: %d", r.status)
	}
	r = post(t, ts.URL+"/v2/repository/index", "")
	if !strings.Contains(string(r.body), `{"name":"broken","state":"UNAVAILABLE"`) || !strings.Contains(string(r.body), `{"name":"digits","version":"1","state":"READY"}`) {
		t.Fatalf("repository index: %s", r.body)
	}
}
