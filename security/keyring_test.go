package security

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func newTestKeyring(t *testing.T) *Keyring {
	t.Helper()
	k, err := NewKeyring(bytes.Repeat([]byte{7}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestNewKeyringKeyLength(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33, 64} {
		if _, err := NewKeyring(make([]byte, n)); err == nil {
			t.Errorf("NewKeyring accepted a %d-byte key", n)
		}
	}
}

func TestSealOpen(t *testing.T) {
	k := newTestKeyring(t)
	other, _ := NewKeyring(bytes.Repeat([]byte{8}, KeySize))
	secret := []byte("JBSWY3DPEHPK3PXP")
	ad := []byte("utente/42/totp")

	sealed, err := k.Seal(secret, ad)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, secret) {
		t.Fatal("sealed value contains the plaintext")
	}
	got, err := k.Open(sealed, ad)
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	again, _ := k.Seal(secret, ad)
	if bytes.Equal(again, sealed) {
		t.Error("sealing twice gave the same bytes: nonce not random")
	}

	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	for name, open := range map[string]func() ([]byte, error){
		"tampered":  func() ([]byte, error) { return k.Open(tampered, ad) },
		"other ad":  func() ([]byte, error) { return k.Open(sealed, []byte("utente/43/totp")) },
		"other key": func() ([]byte, error) { return other.Open(sealed, ad) },
		"short":     func() ([]byte, error) { return k.Open(sealed[:20], ad) },
		"empty":     func() ([]byte, error) { return k.Open(nil, ad) },
	} {
		if _, err := open(); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: err = %v, want ErrOpen", name, err)
		}
	}
}

func TestDataKeys(t *testing.T) {
	k := newTestKeyring(t)
	dek, wrapped, err := k.NewDataKey()
	if err != nil {
		t.Fatal(err)
	}
	if len(dek) != KeySize || bytes.Contains(wrapped, dek) {
		t.Fatalf("dek %d bytes, wrapped contains it: %v", len(dek), bytes.Contains(wrapped, dek))
	}
	got, err := k.UnwrapDataKey(wrapped)
	if err != nil || !bytes.Equal(got, dek) {
		t.Fatalf("UnwrapDataKey = %x, %v", got, err)
	}
	dek2, _, _ := k.NewDataKey()
	if bytes.Equal(dek, dek2) {
		t.Error("two data keys are equal")
	}

	// A value sealed for another purpose is not a data key.
	sealed, _ := k.Seal(dek, nil)
	if _, err := k.UnwrapDataKey(sealed); !errors.Is(err, ErrOpen) {
		t.Errorf("UnwrapDataKey of a plain sealed value: err = %v", err)
	}
	other, _ := NewKeyring(bytes.Repeat([]byte{9}, KeySize))
	if _, err := other.UnwrapDataKey(wrapped); !errors.Is(err, ErrOpen) {
		t.Errorf("UnwrapDataKey with another master key: err = %v", err)
	}
}

func TestLoadOrCreateMasterKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "segreti")
	path := filepath.Join(dir, "master.key")

	k1, err := LoadOrCreateMasterKey(path)
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, dir: 0o700} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s has mode %v, want %v", p, got, want)
		}
	}
	sealed, _ := k1.Seal([]byte("ciao"), nil)

	// Loading again must give the same key, not a new one.
	k2, err := LoadOrCreateMasterKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := k2.Open(sealed, nil); err != nil || string(got) != "ciao" {
		t.Fatalf("reloaded key cannot open: %q, %v", got, err)
	}
}

func TestLoadOrCreateMasterKeyRefusesBadFile(t *testing.T) {
	for name, content := range map[string]string{
		"short":      base64.StdEncoding.EncodeToString(make([]byte, 16)),
		"long":       base64.StdEncoding.EncodeToString(make([]byte, 33)),
		"not base64": "questa non è una chiave",
		"empty":      "",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "master.key")
			os.WriteFile(path, []byte(content), 0o600)
			if _, err := LoadOrCreateMasterKey(path); err == nil {
				t.Fatal("bad key file accepted")
			}
			if got, _ := os.ReadFile(path); string(got) != content {
				t.Error("bad key file was overwritten")
			}
		})
	}
}
