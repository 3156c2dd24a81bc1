package security

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"abilita/internal/disco"
)

// KeySize is the length in bytes of master keys and data keys (AES-256).
const KeySize = 32

// ErrOpen is returned when sealed data or an encrypted stream fails
// authentication: wrong key, tampering, truncation or corruption.
var ErrOpen = errors.New("security: decryption failed (wrong key or altered data)")

// dataKeyAD is the associated data of wrapped data keys, so that a wrapped
// key and a value sealed for another purpose can never be swapped.
var dataKeyAD = []byte("abilita/data-key/v1")

// Keyring holds the master key, which lives outside the database: it seals
// small values and wraps the per-document data keys. It is safe for
// concurrent use.
type Keyring struct {
	aead     cipher.AEAD
	impronta string
}

// NewKeyring returns a Keyring for a 32-byte master key, for callers that
// take the key from the environment or a secrets manager.
func NewKeyring(key []byte) (*Keyring, error) {
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("abilita/impronta-chiave-master/v1"))
	return &Keyring{aead: aead, impronta: hex.EncodeToString(mac.Sum(nil)[:12])}, nil
}

// Impronta is a fingerprint of the master key: it names the key (the
// database records which key sealed its data, a backup which key it needs)
// and says nothing of it.
func (k *Keyring) Impronta() string { return k.impronta }

func newGCM(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("security: key is %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// LoadOrCreateMasterKey reads the base64 master key at path, creating it with
// 32 random bytes (file 0600, directory 0700) if the file does not exist. A
// file that does not hold exactly 32 bytes is refused, never replaced: losing
// the master key loses every document.
func LoadOrCreateMasterKey(path string) (*Keyring, error) {
	return loadMasterKey(path, true)
}

// LoadMasterKey reads the master key at path, which must exist: for a
// database that holds data sealed with it.
func LoadMasterKey(path string) (*Keyring, error) {
	return loadMasterKey(path, false)
}

func loadMasterKey(path string, crea bool) (*Keyring, error) {
	text, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && crea {
		text, err = createMasterKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("security: master key: %w", err)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(text)))
	if err != nil || len(key) != KeySize {
		return nil, fmt.Errorf("security: master key file %s must hold %d bytes in base64", path, KeySize)
	}
	return NewKeyring(key)
}

// createMasterKey writes a new key at path and returns the file's text. If
// another process created the file first, it returns that file's text.
func createMasterKey(path string) ([]byte, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	key := make([]byte, KeySize)
	_, _ = rand.Read(key)
	text := []byte(base64.StdEncoding.EncodeToString(key) + "\n")

	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return os.ReadFile(path)
	}
	if err != nil {
		return nil, err
	}
	_, err = f.Write(text)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, err
	}
	return text, disco.SincronizzaCartella(filepath.Dir(path))
}

// Seal encrypts and authenticates plaintext, binding it to additionalData
// (for example the record it belongs to), and returns nonce||ciphertext. It
// is meant for small values such as TOTP secrets; use NewDataKey and
// NewEncryptWriter for files.
func (k *Keyring) Seal(plaintext, additionalData []byte) ([]byte, error) {
	nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(plaintext)+k.aead.Overhead())
	_, _ = rand.Read(nonce)
	return k.aead.Seal(nonce, nonce, plaintext, additionalData), nil
}

// Open reverses Seal. It returns ErrOpen if sealed was altered, was sealed
// with another key or with other additional data.
func (k *Keyring) Open(sealed, additionalData []byte) ([]byte, error) {
	n := k.aead.NonceSize()
	if len(sealed) < n+k.aead.Overhead() {
		return nil, ErrOpen
	}
	plaintext, err := k.aead.Open(nil, sealed[:n], sealed[n:], additionalData)
	if err != nil {
		return nil, ErrOpen
	}
	return plaintext, nil
}

// NewDataKey returns a fresh random data key for one document and the same
// key wrapped by the master key. Store only wrapped: deleting it makes the
// document unreadable even where the encrypted file survives (backups, or a
// database file that never shrinks).
func (k *Keyring) NewDataKey() (dek, wrapped []byte, err error) {
	dek = make([]byte, KeySize)
	_, _ = rand.Read(dek)
	wrapped, err = k.Seal(dek, dataKeyAD)
	if err != nil {
		return nil, nil, err
	}
	return dek, wrapped, nil
}

// UnwrapDataKey returns the data key inside wrapped, or ErrOpen.
func (k *Keyring) UnwrapDataKey(wrapped []byte) ([]byte, error) {
	dek, err := k.Open(wrapped, dataKeyAD)
	if err != nil {
		return nil, err
	}
	if len(dek) != KeySize {
		return nil, ErrOpen
	}
	return dek, nil
}
