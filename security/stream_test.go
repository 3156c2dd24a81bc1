package security

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"
)

func testDEK(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func randomBytes(n int) []byte {
	b := make([]byte, n)
	r := rand.NewChaCha8([32]byte{1})
	r.Read(b)
	return b
}

// encrypt writes plaintext in pieces of uneven size, as io.Copy from a
// network reader would.
func encrypt(t *testing.T, plaintext, dek []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewEncryptWriter(&buf, dek)
	if err != nil {
		t.Fatal(err)
	}
	for p, step := plaintext, 1; len(p) > 0; step = step*3 + 1 {
		n := min(step, len(p))
		if _, err := w.Write(p[:n]); err != nil {
			t.Fatal(err)
		}
		p = p[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decrypt(sealed, dek []byte) ([]byte, error) {
	r, err := NewDecryptReader(bytes.NewReader(sealed), dek)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

func TestStreamRoundTrip(t *testing.T) {
	for _, size := range []int{0, 1, chunkSize - 1, chunkSize, chunkSize + 1, 3 * chunkSize, 1<<20 + 7} {
		plaintext := randomBytes(size)
		sealed := encrypt(t, plaintext, testDEK(1))

		chunks := max(1, (size+chunkSize-1)/chunkSize)
		if want := headerSize + size + chunks*gcmTagSize; len(sealed) != want {
			t.Errorf("size %d: sealed is %d bytes, want %d", size, len(sealed), want)
		}
		got, err := decrypt(sealed, testDEK(1))
		if err != nil || !bytes.Equal(got, plaintext) {
			t.Errorf("size %d: round trip gave %d bytes, err %v", size, len(got), err)
		}
		// Reading one byte at a time must give the same result.
		r, _ := NewDecryptReader(iotest.OneByteReader(bytes.NewReader(sealed)), testDEK(1))
		if err := iotest.TestReader(r, plaintext); err != nil {
			t.Errorf("size %d: %v", size, err)
		}
	}
}

func TestStreamDetectsTampering(t *testing.T) {
	plaintext := randomBytes(3*chunkSize + 100)
	sealed := encrypt(t, plaintext, testDEK(1))
	chunk := func(i int) []byte { // the i-th sealed chunk
		start := headerSize + i*sealedChunk
		return sealed[start:min(start+sealedChunk, len(sealed))]
	}
	join := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	flip := func(i int) []byte {
		b := bytes.Clone(sealed)
		b[i] ^= 0x20
		return b
	}
	header := sealed[:headerSize]

	tests := map[string][]byte{
		"flipped version byte":        flip(0),
		"flipped nonce prefix":        flip(3),
		"flipped first data byte":     flip(headerSize),
		"flipped byte in chunk 2":     flip(headerSize + 2*sealedChunk + 1000),
		"flipped last byte":           flip(len(sealed) - 1),
		"chunks 0 and 1 swapped":      join(header, chunk(1), chunk(0), chunk(2), chunk(3)),
		"chunk 1 duplicated":          join(header, chunk(0), chunk(1), chunk(1), chunk(2), chunk(3)),
		"final chunk dropped":         join(header, chunk(0), chunk(1), chunk(2)),
		"last two chunks dropped":     join(header, chunk(0), chunk(1)),
		"cut inside the final chunk":  sealed[:len(sealed)-1],
		"cut inside a middle chunk":   sealed[:headerSize+sealedChunk+500],
		"header only":                 header,
		"header cut":                  sealed[:headerSize-1],
		"empty":                       nil,
		"bytes appended":              join(sealed, []byte{0}),
		"final chunk moved to middle": join(header, chunk(0), chunk(3), chunk(1), chunk(2)),
	}
	for name, bad := range tests {
		got, err := decrypt(bad, testDEK(1))
		if !errors.Is(err, ErrOpen) {
			t.Errorf("%s: err = %v after %d bytes, want ErrOpen", name, err, len(got))
		}
	}

	// The chunks of another stream under the same key do not fit in.
	foreign := encrypt(t, plaintext, testDEK(1))
	spliced := join(header, chunk(0), foreign[headerSize+sealedChunk:])
	if _, err := decrypt(spliced, testDEK(1)); !errors.Is(err, ErrOpen) {
		t.Errorf("chunks from another stream: err = %v, want ErrOpen", err)
	}

	if _, err := decrypt(sealed, testDEK(2)); !errors.Is(err, ErrOpen) {
		t.Errorf("wrong key: err = %v, want ErrOpen", err)
	}
}

func TestStreamEmptyStillAuthenticated(t *testing.T) {
	sealed := encrypt(t, nil, testDEK(1))
	if _, err := decrypt(sealed, testDEK(2)); !errors.Is(err, ErrOpen) {
		t.Errorf("empty stream with wrong key: err = %v, want ErrOpen", err)
	}
}

func TestEncryptWriterAfterClose(t *testing.T) {
	w, _ := NewEncryptWriter(io.Discard, testDEK(1))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("x")); err == nil {
		t.Error("Write after Close succeeded")
	}
}

func TestStreamKeyLength(t *testing.T) {
	if _, err := NewEncryptWriter(io.Discard, make([]byte, 16)); err == nil {
		t.Error("NewEncryptWriter accepted a 16-byte key")
	}
	if _, err := NewDecryptReader(bytes.NewReader(nil), make([]byte, 16)); err == nil {
		t.Error("NewDecryptReader accepted a 16-byte key")
	}
}
