package keys

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCreateCheckRevokeAndPublic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "keys.json")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	token, key, err := s.Create("ci", []string{"digits"})
	if err != nil {
		t.Fatal(err)
	}
	all, _, err := s.Create("admin", []string{AllModels})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(token, "gpk_"+key.ID+"_") || len(token) != len("gpk_")+8+1+43 {
		t.Fatalf("token %q does not have the documented form", token)
	}
	for _, c := range []struct {
		token, model string
		want         error
	}{
		{token, "digits", nil},
		{token, "langid", ErrForbidden},
		{all, "langid", nil},
		{"", "digits", ErrMissing},
		{token[:len(token)-1] + "x", "digits", ErrInvalid},
		{"gpk_00000000_" + token[13:], "digits", ErrInvalid},
		{"Bearer " + token, "digits", ErrInvalid},
		{"gpk_", "digits", ErrInvalid},
	} {
		if err := s.Check(c.token, c.model); err != c.want {
			t.Errorf("Check(%.20q, %s) = %v; want %v", c.token, c.model, err, c.want)
		}
	}

	// The file holds hashes, never the secret, and only its owner reads it.
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), token[13:]) {
		t.Fatal("the keys file contains the secret")
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Fatalf("keys file mode %v; want 0600", info.Mode().Perm())
	}

	// Another Store on the same file (another process) sees the keys, and a
	// revocation made there reaches this one at Refresh.
	other, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Check(token, "digits"); err != nil {
		t.Fatalf("second store: %v", err)
	}
	if err := other.Revoke(key.ID); err != nil {
		t.Fatal(err)
	}
	if err := other.Check(token, "digits"); err != ErrInvalid {
		t.Fatalf("revoked key in the revoking store: %v", err)
	}
	if err := s.Refresh(); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(token, "digits"); err != ErrInvalid {
		t.Fatalf("revoked key after Refresh: %v", err)
	}
	if err := s.Revoke(key.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("revoking twice: %v", err)
	}
	if list := s.List(); len(list) != 1 || list[0].Name != "admin" {
		t.Fatalf("List after revoke: %+v", list)
	}

	if err := s.SetPublic("iris", true); err != nil {
		t.Fatal(err)
	}
	if err := s.Check("", "iris"); err != nil || !s.Public("iris") {
		t.Fatalf("public model without a key: %v", err)
	}
	if err := s.SetPublic("iris", false); err != nil {
		t.Fatal(err)
	}
	if err := s.Check("", "iris"); err != ErrMissing {
		t.Fatalf("model made private again: %v", err)
	}
	if _, _, err := s.Create("none", nil); err == nil {
		t.Fatal("a key without models was created")
	}
}

func TestCorruptKeysFileIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.json")
	os.WriteFile(path, []byte(`{"keys":[{"id":"x","sha256":"y"}]}`), 0o600)
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "malformed") {
		t.Fatalf("malformed key: %v", err)
	}
	os.WriteFile(path, []byte(`[`), 0o600)
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "not a keys file") {
		t.Fatalf("corrupt file: %v", err)
	}
}
