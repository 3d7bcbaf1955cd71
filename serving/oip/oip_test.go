package oip

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// The fast parser reads what it accepts exactly as encoding/json does, and
// leaves everything else to it.
func TestFastPathAgreesWithEncodingJSON(t *testing.T) {
	bodies := []string{
		`{"inputs":[{"name":"input","shape":[1,2],"datatype":"FP32","data":[0.5,1]}]}`,
		` { "id" : "42", "inputs" : [ { "name" : "a", "shape" : [ 2, 2 ], "datatype" : "UINT32", "data" : [ [1, 2], [3, 4] ] } ], "outputs" : [ { "name" : "o", "parameters": {"binary_data": true} } ] } `,
		`{"id":null,"parameters":{"top_k":2,"binary_data_output":false},"inputs":[{"name":"t","shape":[1],"datatype":"BYTES","data":["a\"b]"]}]}`,
		`{"inputs":[{"name":"x","shape":[],"datatype":"FP32","data":3,"parameters":{"binary_data_size":0}}],"inputs":[{"name":"y","shape":[1],"datatype":"FP32","data":[1]}]}`,
		`{"inputs":[]}`,
		`{"Inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]}`,
		`{"inputs":[{"name":"caf\u00e9","shape":[1],"datatype":"FP32","data":[1]}]}`,
		`{"inputs":[{"name":"x","shape":[1.5],"datatype":"FP32","data":[1]}]}`,
		`{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]} x`,
		`{"id":7,"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]}`,
		`{"id":"7",}`,
		`{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]},]}`,
	}
	for _, body := range bodies {
		fast, fastErr := decodeFast([]byte(body))
		var slow wireRequest
		dec := json.NewDecoder(bytes.NewReader([]byte(body)))
		slowErr := dec.Decode(&slow)
		if slowErr == nil && dec.More() {
			slowErr = errSlowPath
		}
		if fastErr != nil {
			if fastErr != errSlowPath {
				t.Errorf("%s: fast path error %v", body, fastErr)
			}
			continue
		}
		if slowErr != nil {
			t.Errorf("%s: the fast path accepted what encoding/json refuses (%v)", body, slowErr)
			continue
		}
		norm := func(w wireRequest) string {
			for i := range w.Inputs {
				w.Inputs[i].Data = json.RawMessage(strings.TrimSpace(string(w.Inputs[i].Data)))
			}
			b, _ := json.Marshal(w)
			return string(b)
		}
		if !reflect.DeepEqual(norm(fast), norm(slow)) {
			t.Errorf("%s:\nfast %s\nslow %s", body, norm(fast), norm(slow))
		}
	}
}

func TestDecodeRequestDataForms(t *testing.T) {
	req, err := DecodeRequest([]byte(`{"inputs":[{"name":"a","shape":[2,2],"datatype":"INT64","data":[[1,2],[3,4]]},{"name":"b","shape":[1],"datatype":"BOOL","data":true}]}`), -1)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(req.Inputs[0].FP32, []float32{1, 2, 3, 4}) || !reflect.DeepEqual(req.Inputs[1].FP32, []float32{1}) {
		t.Fatalf("decoded %+v", req.Inputs)
	}
	for body, want := range map[string]string{
		`{"inputs":[{"name":"a","shape":[2,2],"datatype":"FP32","data":[[1,2,3,4]]}]}`:                                             "nested data has shape [1 4]",
		`{"inputs":[{"name":"a","shape":[1],"datatype":"FP32","data":[01]}]}`:                                                      `"01" is not a number`,
		`{"inputs":[{"name":"a","shape":[1],"datatype":"INT8","data":[300]}]}`:                                                     "300 is not a value of that type",
		`{"inputs":[{"name":"a","shape":[1],"datatype":"FP32","data":[1,2]}]}`:                                                     "more data than its shape",
		`{"inputs":[{"name":"a","shape":[1],"datatype":"FP32","data":[1]},{"name":"a","shape":[1],"datatype":"FP32","data":[1]}]}`: "given twice",
	} {
		if _, err := DecodeRequest([]byte(body), -1); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want %q", body, err, want)
		}
	}
}

// simpleDecimal returns what strconv.ParseFloat returns for every literal it
// takes, and refuses what is not its simple JSON form.
func TestSimpleDecimalAgreesWithParseFloat(t *testing.T) {
	lits := []string{"0", "-0", "1", "0.4375", "-0.0625", "123456789", "9007199254740992", "9007199254740993",
		"0.1", "0.3", "3.14159", "1234567890123456789", "0.0000000000000000000001", "0.00000000000000000000001",
		"12345678901234567890", "1e3", "1E-2", "1.", ".5", "01", "-", "+1", "1.2.3", "--1", "0x10", ""}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		v := rng.NormFloat64() * math.Pow(10, float64(rng.IntN(12)-6))
		lits = append(lits, strconv.FormatFloat(v, 'f', -1, 64), strconv.FormatFloat(v, 'f', rng.IntN(10), 32))
	}
	taken := 0
	for _, lit := range lits {
		got, ok := simpleDecimal([]byte(lit))
		if !ok {
			continue
		}
		taken++
		if !validJSONNumber([]byte(lit)) {
			t.Errorf("simpleDecimal took %q, which is not a JSON number", lit)
			continue
		}
		want, err := strconv.ParseFloat(lit, 64)
		if err != nil || math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("simpleDecimal(%q) = %v, ParseFloat says %v (%v)", lit, got, want, err)
		}
	}
	if taken < len(lits)/2 {
		t.Errorf("simpleDecimal took only %d of %d literals", taken, len(lits))
	}
	for _, lit := range []string{"1.", ".5", "01", "-", "+1", "1e3", "12345678901234567890", "9007199254740993"} {
		if _, ok := simpleDecimal([]byte(lit)); ok {
			t.Errorf("simpleDecimal took %q; it must leave it to the general path", lit)
		}
	}
}

// The parameter readers answer as json.Unmarshal does, value and error.
func TestParamReadersAgreeWithEncodingJSON(t *testing.T) {
	for _, lit := range []string{"true", "false", "null", "1", "0", "-3", "256", "2.5", "1e2", `"true"`, `"x"`, `"a\"b"`, `"é"`, `""`,
		"01", "99999999999999999999", "-9223372036854775808", "9223372036854775807", "[1]", "{}", "tru", ""} {
		raw := json.RawMessage(lit)
		var b1, b2 bool
		e1, e2 := UnmarshalBool(raw, &b1), json.Unmarshal(raw, &b2)
		if b1 != b2 || (e1 == nil) != (e2 == nil) {
			t.Errorf("bool %s: got %v, %v; encoding/json %v, %v", lit, b1, e1, b2, e2)
		}
		var i1, i2 int64
		e1, e2 = UnmarshalInt(raw, &i1), json.Unmarshal(raw, &i2)
		if i1 != i2 || (e1 == nil) != (e2 == nil) {
			t.Errorf("int %s: got %v, %v; encoding/json %v, %v", lit, i1, e1, i2, e2)
		}
		var s1, s2 string
		e1, e2 = unmarshalString(raw, &s1), json.Unmarshal(raw, &s2)
		if s1 != s2 || (e1 == nil) != (e2 == nil) {
			t.Errorf("string %s: got %q, %v; encoding/json %q, %v", lit, s1, e1, s2, e2)
		}
	}
}
