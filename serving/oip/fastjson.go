package oip

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// errSlowPath makes DecodeRequest hand the body to encoding/json: the fast
// parser below takes the common shape of a request (exact lower-case keys,
// strings without escapes) and nothing else, so that what it accepts it reads
// exactly as encoding/json would, and every error message comes from
// encoding/json.
var errSlowPath = errors.New("not on the fast path")

type fastParser struct {
	b   []byte
	pos int
}

func (p *fastParser) ws() {
	for p.pos < len(p.b) {
		switch p.b[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *fastParser) peek() byte {
	p.ws()
	if p.pos >= len(p.b) {
		return 0
	}
	return p.b[p.pos]
}

func (p *fastParser) expect(c byte) error {
	if p.peek() != c {
		return errSlowPath
	}
	p.pos++
	return nil
}

// str reads a string without escapes or control characters.
func (p *fastParser) str() (string, error) {
	b, err := p.strBytes()
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// key reads an object's key: a string viewing the body, for comparing only
// (it must not outlive the body's buffer).
func (p *fastParser) key() (string, error) {
	b, err := p.strBytes()
	return unsafeString(b), err
}

// datatype reads a datatype, without allocating for the protocol's own.
func (p *fastParser) datatype() (string, error) {
	b, err := p.strBytes()
	if err != nil {
		return "", err
	}
	for _, dt := range datatypes {
		if string(b) == dt {
			return dt, nil
		}
	}
	return string(b), nil
}

var datatypes = [...]string{FP32, INT64, INT32, BYTES, FP64, FP16, BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16}

func (p *fastParser) strBytes() ([]byte, error) {
	if p.peek() != '"' {
		return nil, errSlowPath
	}
	start := p.pos + 1
	for i := start; i < len(p.b); i++ {
		c := p.b[i]
		if c == '"' {
			p.pos = i + 1
			return p.b[start:i], nil
		}
		if c == '\\' || c < 0x20 || c >= 0x80 {
			return nil, errSlowPath
		}
	}
	return nil, errSlowPath
}

// raw returns the next value's bytes, checked to be valid JSON.
func (p *fastParser) raw() (json.RawMessage, error) {
	p.ws()
	start := p.pos
	depth := 0
	for p.pos < len(p.b) {
		c := p.b[p.pos]
		switch c {
		case '"':
			p.pos++
			for p.pos < len(p.b) && p.b[p.pos] != '"' {
				if p.b[p.pos] == '\\' {
					p.pos++
				}
				p.pos++
			}
			if p.pos >= len(p.b) {
				return nil, errSlowPath
			}
			p.pos++
		case '[', '{':
			depth++
			p.pos++
		case ']', '}':
			if depth == 0 {
				return p.done(start)
			}
			depth--
			p.pos++
		case ',':
			if depth == 0 {
				return p.done(start)
			}
			p.pos++
		default:
			p.pos++
		}
		if depth == 0 && (c == '"' || c == ']' || c == '}') {
			return p.done(start)
		}
	}
	return p.done(start)
}

func (p *fastParser) done(start int) (json.RawMessage, error) {
	v := p.b[start:p.pos]
	// Trim trailing whitespace of a scalar.
	for len(v) > 0 && (v[len(v)-1] == ' ' || v[len(v)-1] == '\n' || v[len(v)-1] == '\t' || v[len(v)-1] == '\r') {
		v = v[:len(v)-1]
	}
	if len(v) == 0 {
		return nil, errSlowPath
	}
	return json.RawMessage(v), nil
}

func (p *fastParser) ints() ([]int64, error) {
	if err := p.expect('['); err != nil {
		return nil, err
	}
	out := make([]int64, 0, 4)
	if p.peek() == ']' {
		p.pos++
		return out, nil
	}
	for {
		p.ws()
		start := p.pos
		for p.pos < len(p.b) && (p.b[p.pos] == '-' || (p.b[p.pos] >= '0' && p.b[p.pos] <= '9')) {
			p.pos++
		}
		lit := p.b[start:p.pos]
		if !validJSONNumber(lit) {
			return nil, errSlowPath
		}
		v, err := strconv.ParseInt(unsafeString(lit), 10, 64)
		if err != nil {
			return nil, errSlowPath
		}
		out = append(out, v)
		switch p.peek() {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return out, nil
		default:
			return nil, errSlowPath
		}
	}
}

// object calls field for each key of an object.
func (p *fastParser) object(field func(key string) error) error {
	if err := p.expect('{'); err != nil {
		return err
	}
	if p.peek() == '}' {
		p.pos++
		return nil
	}
	var seen [8]string
	n := 0
	for {
		key, err := p.key()
		if err != nil {
			return err
		}
		// Repeated keys merge in encoding/json's own way: leave them to it.
		for _, k := range seen[:n] {
			if k == key {
				return errSlowPath
			}
		}
		if n == len(seen) {
			return errSlowPath
		}
		seen[n] = key
		n++
		if err := p.expect(':'); err != nil {
			return err
		}
		if err := field(key); err != nil {
			return err
		}
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return nil
		default:
			return errSlowPath
		}
	}
}

func (p *fastParser) input() (wireInput, error) {
	var in wireInput
	err := p.object(func(key string) error {
		var err error
		switch key {
		case "name":
			in.Name, err = p.str()
		case "shape":
			in.Shape, err = p.ints()
		case "datatype":
			in.Datatype, err = p.datatype()
		case "data":
			in.Data, err = p.raw()
		case "parameters":
			in.Parameters, err = p.params()
		default:
			return errSlowPath
		}
		return err
	})
	return in, err
}

// params reads a parameters object: its values stay raw, each checked valid.
func (p *fastParser) params() (map[string]json.RawMessage, error) {
	if p.peek() == 'n' {
		return nil, errSlowPath
	}
	m := make(map[string]json.RawMessage, 2)
	err := p.object(func(key string) error {
		v, err := p.raw()
		if err != nil || !json.Valid(v) {
			return errSlowPath
		}
		m[strings.Clone(key)] = v // key views the body
		return nil
	})
	return m, err
}

// outputs reads the list of requested outputs.
func (p *fastParser) outputs() ([]RequestedOutput, error) {
	if err := p.expect('['); err != nil {
		return nil, err
	}
	out := []RequestedOutput{}
	if p.peek() == ']' {
		p.pos++
		return out, nil
	}
	for {
		var o RequestedOutput
		err := p.object(func(key string) error {
			var err error
			switch key {
			case "name":
				o.Name, err = p.str()
			case "parameters":
				o.Parameters, err = p.params()
			default:
				return errSlowPath
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		out = append(out, o)
		switch p.peek() {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return out, nil
		default:
			return nil, errSlowPath
		}
	}
}

// decodeFast reads a request of the common shape, or returns errSlowPath.
func decodeFast(b []byte) (wireRequest, error) {
	p := fastParser{b: b}
	var w wireRequest
	err := p.object(func(key string) error {
		var err error
		switch key {
		case "id":
			w.ID, err = p.raw()
		case "parameters":
			w.Parameters, err = p.params()
		case "outputs":
			w.Outputs, err = p.outputs()
		case "inputs":
			if err = p.expect('['); err != nil {
				return err
			}
			if p.peek() == ']' {
				p.pos++
				w.Inputs = []wireInput{}
				return nil
			}
			for {
				in, err := p.input()
				if err != nil {
					return err
				}
				w.Inputs = append(w.Inputs, in)
				switch p.peek() {
				case ',':
					p.pos++
				case ']':
					p.pos++
					return nil
				default:
					return errSlowPath
				}
			}
		default:
			return errSlowPath
		}
		if err != nil {
			return errSlowPath
		}
		return nil
	})
	if err != nil {
		return wireRequest{}, errSlowPath
	}
	if p.peek() != 0 {
		return wireRequest{}, errSlowPath
	}
	if w.ID != nil && !json.Valid(w.ID) {
		return wireRequest{}, errSlowPath
	}
	return w, nil
}

// UnmarshalBool is json.Unmarshal(raw, v) for a bool parameter, without
// reflection for the literals true and false.
func UnmarshalBool(raw json.RawMessage, v *bool) error {
	switch string(raw) {
	case "true":
		*v = true
		return nil
	case "false":
		*v = false
		return nil
	}
	return json.Unmarshal(raw, v)
}

// UnmarshalInt is json.Unmarshal(raw, v) for an integer parameter, without
// reflection for a plain integer literal.
func UnmarshalInt[T int | int64](raw json.RawMessage, v *T) error {
	if len(raw) > 0 && len(raw) < 19 && validJSONNumber(raw) {
		if n, err := strconv.ParseInt(unsafeString(raw), 10, 64); err == nil && int64(T(n)) == n {
			*v = T(n)
			return nil
		}
	}
	return json.Unmarshal(raw, v)
}

// unmarshalString is json.Unmarshal(raw, v) for a string, without
// reflection for one without escapes.
func unmarshalString(raw json.RawMessage, v *string) error {
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		plain := true
		for _, c := range raw[1 : len(raw)-1] {
			if c == '"' || c == '\\' || c < 0x20 || c >= 0x80 {
				plain = false
				break
			}
		}
		if plain {
			*v = string(raw[1 : len(raw)-1])
			return nil
		}
	}
	return json.Unmarshal(raw, v)
}
