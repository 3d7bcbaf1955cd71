package serving

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"gopad.dev/gopad/serving/oip"
)

// outputPlan is what a request asks to get back.
type outputPlan struct {
	outputs []plannedOutput
	topK    int
}

type plannedOutput struct {
	name           string
	binary         bool
	classification int // Triton's classification extension: top-k "score:index:label" strings
}

// planOutputs reads the request's "outputs" and parameters (top_k,
// binary_data_output) against the signature.
func (sig *signature) planOutputs(req *oip.Request) (outputPlan, *httpError) {
	var plan outputPlan
	if raw, ok := req.Parameters["top_k"]; ok {
		if err := oip.UnmarshalInt(raw, &plan.topK); err != nil || plan.topK < 1 {
			return plan, errorf(http.StatusBadRequest, "parameter top_k must be a positive integer, not %s", raw)
		}
		if sig.classes == nil {
			return plan, errorf(http.StatusBadRequest, "parameter top_k needs a classifier; this model has no class names (publish it with model.SetMeta(%q, names))", MetaClasses)
		}
		plan.topK = min(plan.topK, len(sig.classes))
	}
	available := []string{}
	for _, o := range sig.outputs {
		available = append(available, o.Name)
	}
	if plan.topK > 0 {
		available = append(available, OutputTopK, OutputTopKP)
	}
	if len(req.Outputs) == 0 {
		for _, n := range available {
			plan.outputs = append(plan.outputs, plannedOutput{name: n, binary: req.BinaryOutput})
		}
		return plan, nil
	}
	for _, ro := range req.Outputs {
		if !slices.Contains(available, ro.Name) {
			hint := ""
			if (ro.Name == OutputTopK || ro.Name == OutputTopKP) && sig.classes != nil {
				hint = ` (set the request parameter "top_k")`
			}
			return plan, errorf(http.StatusBadRequest, "unknown output %q%s: the model gives %s", ro.Name, hint, strings.Join(available, ", "))
		}
		po := plannedOutput{name: ro.Name, binary: req.BinaryOutput}
		if raw, ok := ro.Parameters["binary_data"]; ok {
			if err := oip.UnmarshalBool(raw, &po.binary); err != nil {
				return plan, errorf(http.StatusBadRequest, "output %q: parameter binary_data must be true or false", ro.Name)
			}
		}
		if raw, ok := ro.Parameters["classification"]; ok {
			if err := oip.UnmarshalInt(raw, &po.classification); err != nil || po.classification < 1 {
				return plan, errorf(http.StatusBadRequest, "output %q: parameter classification must be a positive integer", ro.Name)
			}
			if ro.Name != OutputRaw && ro.Name != OutputProbs {
				return plan, errorf(http.StatusBadRequest, "output %q: classification applies to %q or %q", ro.Name, OutputRaw, OutputProbs)
			}
			if len(sig.outSample) != 1 || sig.outSample[0] < 1 {
				return plan, errorf(http.StatusBadRequest, "output %q: classification needs one score per class; the output per sample has shape %v", ro.Name, sig.outSample)
			}
			po.classification = min(po.classification, sig.outSample[0])
		}
		plan.outputs = append(plan.outputs, po)
	}
	return plan, nil
}

// outputsFor builds the planned outputs from a finished job.
func (sig *signature) outputsFor(plan outputPlan, j *job) []oip.Tensor {
	n := j.in.n
	per := len(j.out) / n
	var probs []float32
	probabilities := func() []float32 {
		if probs == nil {
			probs = make([]float32, 0, len(j.out))
			for i := 0; i < n; i++ {
				probs = sig.probabilities(j.out[i*per:(i+1)*per], probs)
			}
		}
		return probs
	}
	out := make([]oip.Tensor, 0, len(plan.outputs))
	for _, po := range plan.outputs {
		t := oip.Tensor{Name: po.name, Binary: po.binary}
		switch po.name {
		case OutputRaw:
			t.Datatype, t.FP32 = oip.FP32, j.out
			t.Shape = append([]int64{int64(n)}, intsTo64(j.outDim)...)
			if po.classification > 0 {
				t = sig.classify(po, j.out, n, per)
			}
		case OutputProbs:
			t.Datatype, t.FP32, t.Shape = oip.FP32, probabilities(), []int64{int64(n), int64(per)}
			if po.classification > 0 {
				t = sig.classify(po, probabilities(), n, per)
			}
		case OutputLabel:
			t.Datatype, t.Shape = oip.BYTES, []int64{int64(n)}
			for i := 0; i < n; i++ {
				t.Bytes = append(t.Bytes, []byte(sig.classes[argmax(j.out[i*per:(i+1)*per])]))
			}
		case OutputTopK, OutputTopKP:
			p := probabilities()
			k := plan.topK
			t.Shape = []int64{int64(n), int64(k)}
			if po.name == OutputTopK {
				t.Datatype = oip.BYTES
			} else {
				t.Datatype = oip.FP32
			}
			for i := 0; i < n; i++ {
				for _, c := range topIndices(p[i*per:(i+1)*per], k) {
					if po.name == OutputTopK {
						t.Bytes = append(t.Bytes, []byte(sig.classes[c]))
					} else {
						t.FP32 = append(t.FP32, p[i*per+c])
					}
				}
			}
		}
		out = append(out, t)
	}
	return out
}

// classify renders scores as Triton's classification extension does:
// BYTES [n, k] of "score:index" or "score:index:label", best first.
func (sig *signature) classify(po plannedOutput, scores []float32, n, per int) oip.Tensor {
	k := po.classification
	t := oip.Tensor{Name: po.name, Datatype: oip.BYTES, Shape: []int64{int64(n), int64(k)}, Binary: po.binary}
	for i := 0; i < n; i++ {
		row := scores[i*per : (i+1)*per]
		for _, c := range topIndices(row, k) {
			s := strconv.FormatFloat(float64(row[c]), 'f', 6, 32) + ":" + strconv.Itoa(c)
			if sig.classes != nil {
				s += ":" + sig.classes[c]
			}
			t.Bytes = append(t.Bytes, []byte(s))
		}
	}
	return t
}

func intsTo64(d []int) []int64 {
	out := make([]int64, len(d))
	for i, v := range d {
		out[i] = int64(v)
	}
	return out
}

func argmax(row []float32) int {
	best := 0
	for i, v := range row {
		if v > row[best] {
			best = i
		}
	}
	return best
}

// topIndices returns the indices of the k largest values, largest first
// (ties: lower index first).
func topIndices(row []float32, k int) []int {
	idx := make([]int, len(row))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case row[a] > row[b]:
			return -1
		case row[a] < row[b]:
			return 1
		}
		return 0
	})
	return idx[:k]
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, fmt.Sprintf("encode the answer: %v", err))
		return
	}
	body = append(body, '\n')
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}
