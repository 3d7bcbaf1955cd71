package serving

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"gopad.dev/gopad/serving/oip"
)

// KServe's V1 protocol: GET /v1/models/NAME and POST /v1/models/NAME:predict
// with {"instances": [...]}, answering {"predictions": [...]}: class names
// for a classifier, the model's output per instance otherwise.

func (s *Server) v1Status(w http.ResponseWriter, r *http.Request) {
	m, _, herr := s.lookup(r, r.PathValue("name"), "")
	if herr != nil {
		if m != nil && herr.status == http.StatusServiceUnavailable {
			writeJSON(w, herr.status, map[string]any{"name": m.name, "ready": false, "error": herr.msg})
			return
		}
		s.fail(w, nil, "", herr)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"name": m.name, "ready": true})
}

func (s *Server) v1Predict(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	name, ok := strings.CutSuffix(r.PathValue("call"), ":predict")
	if !ok {
		writeError(w, http.StatusNotFound, "no route POST "+r.URL.Path+"; KServe V1 predicts with POST /v1/models/NAME:predict")
		return
	}
	m, ep, herr := s.lookup(r, name, "")
	if herr != nil {
		s.fail(w, nil, "v1", herr)
		return
	}
	ep = m.route(ep)
	if herr := s.admit(m); herr != nil {
		s.fail(w, ep, "v1", herr)
		return
	}
	defer s.leave(m)
	if ep, herr = s.acquire(r, ep, name, ""); herr != nil {
		s.fail(w, nil, "v1", herr)
		return
	}
	defer ep.release()
	body, herr := s.readBody(w, r, nil)
	if herr != nil {
		s.fail(w, ep, "v1", herr)
		return
	}
	var req struct {
		Instances json.RawMessage `json:"instances"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		s.fail(w, ep, "v1", errorf(http.StatusBadRequest, "the body is not a V1 request {\"instances\": [...]}: %v", err))
		return
	}
	if len(bytes.TrimSpace(req.Instances)) == 0 {
		s.fail(w, ep, "v1", errorf(http.StatusBadRequest, `the request has no "instances"`))
		return
	}
	sig := ep.sig
	inputName := sig.inputs[0].Name
	t, err := oip.DecodeInstances(inputName, req.Instances, sig.kind == kindIDs)
	if err != nil {
		s.fail(w, ep, "v1", errorf(http.StatusBadRequest, "%v", strings.TrimPrefix(err.Error(), "bad request: ")))
		return
	}
	if t.Datatype == oip.BYTES {
		t.Name = InputText
	} else if sig.kind == kindIDs {
		t.Name = InputIDs
	}
	in, err := sig.prepare([]oip.Tensor{t})
	if err != nil {
		s.fail(w, ep, "v1", errorf(http.StatusBadRequest, "%v", err))
		return
	}
	var j job
	if herr := s.compute(r.Context(), start, ep, in, &j); herr != nil {
		s.fail(w, ep, "v1", herr)
		return
	}
	per := len(j.out) / j.in.n
	preds := make([]any, j.in.n)
	for i := range preds {
		row := j.out[i*per : (i+1)*per]
		if sig.classes != nil {
			preds[i] = sig.classes[argmax(row)]
		} else {
			preds[i] = nest(row, j.outDim)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"predictions": preds})
	ep.metrics.count("v1", http.StatusOK)
	ep.metrics.observe(time.Since(start).Seconds())
}

// nest shapes one sample's flat output as nested lists.
func nest(flat []float32, shape []int) any {
	if len(shape) <= 1 {
		return flat
	}
	step := len(flat) / shape[0]
	out := make([]any, shape[0])
	for i := range out {
		out[i] = nest(flat[i*step:(i+1)*step], shape[1:])
	}
	return out
}
