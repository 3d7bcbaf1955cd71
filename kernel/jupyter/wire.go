package jupyter

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// delimiter separates a message's routing identities from its signed parts.
var delimiter = []byte("<IDS|MSG>")

// protocolVersion is the version of Jupyter's messaging protocol spoken here.
const protocolVersion = "5.3"

// header is a Jupyter message header.
type header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// wireMessage is a message as it travels: routing identities, then the
// delimiter, the signature, and four JSON parts (and buffers, kept as they are).
type wireMessage struct {
	identities [][]byte
	header     json.RawMessage
	parent     json.RawMessage
	metadata   json.RawMessage
	content    json.RawMessage
	buffers    [][]byte
}

// signer signs and checks messages with the connection's key.
type signer struct{ key []byte }

// sign returns the hex HMAC-SHA256 of the four parts; "" when the key is empty
// (Jupyter's convention for unsigned connections).
func (s signer) sign(parts ...[]byte) []byte {
	if len(s.key) == 0 {
		return nil
	}
	mac := hmac.New(sha256.New, s.key)
	for _, p := range parts {
		mac.Write(p)
	}
	sum := mac.Sum(nil)
	out := make([]byte, hex.EncodedLen(len(sum)))
	hex.Encode(out, sum)
	return out
}

// errBadSignature marks a message whose signature does not match its parts.
var errBadSignature = errors.New("bad signature")

// decode splits frames into a message and checks its signature.
func (s signer) decode(frames [][]byte) (wireMessage, error) {
	i := 0
	for i < len(frames) && !bytes.Equal(frames[i], delimiter) {
		i++
	}
	if i == len(frames) {
		return wireMessage{}, errors.New("no <IDS|MSG> delimiter")
	}
	parts := frames[i+1:]
	if len(parts) < 5 {
		return wireMessage{}, fmt.Errorf("%d parts after the delimiter, want at least 5 (signature, header, parent header, metadata, content)", len(parts))
	}
	if len(s.key) > 0 {
		want := s.sign(parts[1], parts[2], parts[3], parts[4])
		if !hmac.Equal(want, parts[0]) {
			return wireMessage{}, errBadSignature
		}
	}
	m := wireMessage{
		identities: frames[:i],
		header:     parts[1],
		parent:     parts[2],
		metadata:   parts[3],
		content:    parts[4],
		buffers:    parts[5:],
	}
	return m, nil
}

// encode returns the frames of m, signed.
func (s signer) encode(m wireMessage) [][]byte {
	frames := make([][]byte, 0, len(m.identities)+6+len(m.buffers))
	frames = append(frames, m.identities...)
	frames = append(frames, delimiter, s.sign(m.header, m.parent, m.metadata, m.content), m.header, m.parent, m.metadata, m.content)
	return append(frames, m.buffers...)
}

// newHeader makes the header of a message the kernel sends.
func newHeader(msgID, session, msgType string) json.RawMessage {
	b, _ := json.Marshal(header{
		MsgID:    msgID,
		Session:  session,
		Username: "gopad",
		Date:     time.Now().UTC().Format("2006-01-02T15:04:05.000000Z"),
		MsgType:  msgType,
		Version:  protocolVersion,
	})
	return b
}
