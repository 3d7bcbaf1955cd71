package jupyter

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSignatureRoundTripAndRejection(t *testing.T) {
	s := signer{key: []byte("secret")}
	m := wireMessage{
		identities: [][]byte{[]byte("peer")},
		header:     []byte(`{"msg_id":"1","msg_type":"execute_request"}`),
		parent:     []byte(`{}`),
		metadata:   []byte(`{}`),
		content:    []byte(`{"code":"1"}`),
		buffers:    [][]byte{[]byte("buf")},
	}
	frames := s.encode(m)
	got, err := s.decode(frames)
	if err != nil {
		t.Fatalf("decode of a signed message: %v", err)
	}
	if string(got.identities[0]) != "peer" || string(got.content) != `{"code":"1"}` || len(got.buffers) != 1 {
		t.Errorf("decoded %+v", got)
	}
	// The signature is HMAC-SHA256 of the four parts, in hex (computed with
	// Python: hmac.new(b"secret", h+p+m+c, "sha256").hexdigest()).
	if want := "3bfb160a7f335c03afa77ca73b6a9c00fb17e3a1323824cbb82f3c77f9a3f160"; string(frames[2]) != want {
		t.Errorf("signature %q, want %q", frames[2], want)
	}
	for i, tamper := range []func([][]byte){
		func(f [][]byte) { f[5] = []byte(`{"code":"2"}`) },          // content changed
		func(f [][]byte) { f[2] = []byte(strings.Repeat("0", 64)) }, // signature replaced
		func(f [][]byte) { f[3] = []byte(`{"msg_id":"2"}`) },        // header changed
	} {
		bad := append([][]byte(nil), frames...)
		tamper(bad)
		if _, err := s.decode(bad); !errors.Is(err, errBadSignature) {
			t.Errorf("tampered message %d: err %v, want a bad signature", i, err)
		}
	}
	if _, err := (signer{key: []byte("other")}).decode(frames); !errors.Is(err, errBadSignature) {
		t.Errorf("another key: %v", err)
	}
	if _, err := s.decode(frames[:4]); err == nil || !strings.Contains(err.Error(), "parts after the delimiter") {
		t.Errorf("short message: %v", err)
	}
	if _, err := s.decode([][]byte{[]byte("x")}); err == nil || !strings.Contains(err.Error(), "delimiter") {
		t.Errorf("no delimiter: %v", err)
	}
}

func TestIsComplete(t *testing.T) {
	for _, c := range []struct{ code, status, indent string }{
		{"", "complete", ""},
		{"x := 1", "complete", ""},
		{"fmt.Println(1)\n", "complete", ""},
		{"for i := 0; i < 3; i++ {", "incomplete", "\t"},
		{"func f() {\n\tif true {", "incomplete", "\t\t"},
		{"fmt.Println(1,", "incomplete", "\t"},
		{"x := 1 +", "incomplete", "\t"},
		{"s := `raw\nstring", "incomplete", ""},
		{"/* a comment", "incomplete", ""},
		{"x++", "complete", ""},
		{"}", "invalid", ""},
		{"f(]", "invalid", ""},
		{`s := "unterminated`, "invalid", ""},
	} {
		status, indent := isComplete(c.code)
		if status != c.status || indent != c.indent {
			t.Errorf("isComplete(%q) = %q, %q; want %q, %q", c.code, status, indent, c.status, c.indent)
		}
	}
}

func TestReadConnectionFileRejectsBadFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(content string) string {
		p := filepath.Join(dir, "c.json")
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := `{"transport":"tcp","ip":"127.0.0.1","shell_port":5001,"iopub_port":5002,"stdin_port":5003,"control_port":5004,"hb_port":5005,"key":"k","signature_scheme":"hmac-sha256"}`
	c, err := ReadConnectionFile(write(good))
	if err != nil || c.endpoint(c.ShellPort) != bufferedTCP+"://127.0.0.1:5001" {
		t.Fatalf("good file: %+v, %v", c, err)
	}
	for _, bad := range []struct{ content, says string }{
		{`{`, "not valid JSON"},
		{strings.Replace(good, `"tcp"`, `"udp"`, 1), `transport "udp"`},
		{strings.Replace(good, `"ip":"127.0.0.1",`, ``, 1), `"ip" is missing`},
		{strings.Replace(good, `"hb_port":5005`, `"hb_port":0`, 1), "hb_port is 0"},
		{strings.Replace(good, `hmac-sha256`, `hmac-md5`, 1), `signature_scheme "hmac-md5"`},
	} {
		if _, err := ReadConnectionFile(write(bad.content)); err == nil || !strings.Contains(err.Error(), bad.says) {
			t.Errorf("%s: err %v, want it to say %q", bad.content, err, bad.says)
		}
	}
	if _, err := ReadConnectionFile(filepath.Join(dir, "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: %v", err)
	}
	ipc := ConnectionInfo{Transport: "ipc", IP: "/tmp/k", ShellPort: 1}
	if got := ipc.endpoint(1); got != bufferedIPC+":///tmp/k-1" {
		t.Errorf("ipc endpoint %q", got)
	}
}

func TestInstallRefusesPathsThatDoNotLast(t *testing.T) {
	dir := t.TempDir()
	if _, err := Install(dir, "gopad"); err == nil || !strings.Contains(err.Error(), "absolute path") {
		t.Errorf("relative path: %v", err)
	}
	if _, err := Install(dir, "/tmp/go-build123/b001/exe/gopad"); err == nil || !strings.Contains(err.Error(), "go run") {
		t.Errorf("go run binary: %v", err)
	}
	if _, err := Uninstall(dir); err == nil || !strings.Contains(err.Error(), "no gopad kernelspec") {
		t.Errorf("uninstall of nothing: %v", err)
	}
	if _, err := KernelsDir(Prefix, ""); err == nil {
		t.Error("--prefix without a directory was accepted")
	}
}
