package security

import (
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// Encrypted stream format (the STREAM construction of Hoang, Reyhanitabar,
// Rogaway and Vizár, as used by age and Tink), for files too large to seal in
// one piece:
//
//	header: version (1 byte, 1) || nonce prefix (7 random bytes)
//	chunks: AES-256-GCM(plaintext of 64 KiB, the last one 0..64 KiB)
//	nonce of chunk i: prefix || i (4 bytes, big-endian) || 1 if last else 0
//
// The header is the associated data of every chunk. Because each nonce
// carries the chunk's position and whether it is the last, reordered,
// swapped, duplicated, dropped or appended chunks all fail authentication,
// and so does a stream cut at a chunk boundary: its new last chunk was
// sealed as "not last".
const (
	streamVersion = 1
	prefixSize    = 7
	headerSize    = 1 + prefixSize
	chunkSize     = 64 << 10
	gcmNonceSize  = 12
	gcmTagSize    = 16
	sealedChunk   = chunkSize + gcmTagSize
)

func chunkNonce(nonce *[gcmNonceSize]byte, header *[headerSize]byte, counter uint64, last bool) error {
	if counter > math.MaxUint32 {
		return errors.New("security: encrypted stream too long")
	}
	copy(nonce[:prefixSize], header[1:])
	binary.BigEndian.PutUint32(nonce[prefixSize:], uint32(counter))
	nonce[gcmNonceSize-1] = 0
	if last {
		nonce[gcmNonceSize-1] = 1
	}
	return nil
}

type encryptWriter struct {
	w       io.Writer
	aead    cipher.AEAD
	header  [headerSize]byte
	nonce   [gcmNonceSize]byte
	counter uint64
	buf     []byte // plaintext of the chunk being filled
	out     []byte // sealed chunk
	err     error
}

// NewEncryptWriter writes the stream header to w and returns a writer that
// encrypts everything written to it with the 32-byte data key dek. Close
// seals the final chunk and must be called, or the stream will not decrypt;
// it does not close w. At most 64 KiB of plaintext is buffered.
func NewEncryptWriter(w io.Writer, dek []byte) (io.WriteCloser, error) {
	aead, err := newGCM(dek)
	if err != nil {
		return nil, err
	}
	e := &encryptWriter{
		w:    w,
		aead: aead,
		buf:  make([]byte, 0, chunkSize),
		out:  make([]byte, 0, sealedChunk),
	}
	e.header[0] = streamVersion
	_, _ = rand.Read(e.header[1:])
	if _, err := w.Write(e.header[:]); err != nil {
		return nil, err
	}
	return e, nil
}

// Write buffers p, sealing each chunk once it is full and more data follows.
// A full chunk is held back until then because only Close knows which chunk
// is the last.
func (e *encryptWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		if e.err != nil {
			return written, e.err
		}
		if len(e.buf) == chunkSize {
			e.err = e.seal(false)
			continue
		}
		n := copy(e.buf[len(e.buf):chunkSize], p)
		e.buf = e.buf[:len(e.buf)+n]
		p = p[n:]
		written += n
	}
	return written, nil
}

// Close seals the final chunk. Writing or closing again afterwards is an
// error.
func (e *encryptWriter) Close() error {
	if e.err != nil {
		return e.err
	}
	e.err = e.seal(true)
	if e.err == nil {
		e.err = errors.New("security: write to closed encrypted stream")
		return nil
	}
	return e.err
}

func (e *encryptWriter) seal(last bool) error {
	if err := chunkNonce(&e.nonce, &e.header, e.counter, last); err != nil {
		return err
	}
	e.out = e.aead.Seal(e.out[:0], e.nonce[:], e.buf, e.header[:])
	e.counter++
	e.buf = e.buf[:0]
	_, err := e.w.Write(e.out)
	return err
}

type decryptReader struct {
	r       io.Reader
	aead    cipher.AEAD
	header  [headerSize]byte
	nonce   [gcmNonceSize]byte
	counter uint64
	in      []byte // a sealed chunk plus one byte, which tells whether more follow
	n       int    // bytes held in in
	plain   []byte // decrypted bytes not yet returned
	pbuf    []byte
	done    bool
	err     error
}

// NewDecryptReader reads the stream header from r and returns a reader of
// the plaintext. Each chunk is authenticated before any of its bytes are
// returned; a stream that was altered, truncated, extended or encrypted with
// another key yields an error wrapping ErrOpen, possibly after earlier
// chunks were returned, so callers must treat any error as fatal for the
// whole stream.
func NewDecryptReader(r io.Reader, dek []byte) (io.Reader, error) {
	aead, err := newGCM(dek)
	if err != nil {
		return nil, err
	}
	d := &decryptReader{
		r:    r,
		aead: aead,
		in:   make([]byte, sealedChunk+1),
		pbuf: make([]byte, 0, chunkSize),
	}
	if _, err := io.ReadFull(r, d.header[:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%w: stream header missing", ErrOpen)
		}
		return nil, err
	}
	if d.header[0] != streamVersion {
		return nil, fmt.Errorf("%w: unknown stream version %d", ErrOpen, d.header[0])
	}
	return d, nil
}

func (d *decryptReader) Read(p []byte) (int, error) {
	for len(d.plain) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		if d.done {
			return 0, io.EOF
		}
		d.err = d.next()
	}
	n := copy(p, d.plain)
	d.plain = d.plain[n:]
	return n, nil
}

// next decrypts the following chunk into d.plain.
func (d *decryptReader) next() error {
	m, err := io.ReadFull(d.r, d.in[d.n:])
	d.n += m
	last := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
	if err != nil && !last {
		return err
	}
	chunk := d.in[:d.n]
	if !last {
		chunk = d.in[:sealedChunk]
	}
	if err := chunkNonce(&d.nonce, &d.header, d.counter, last); err != nil {
		return err
	}
	plain, err := d.aead.Open(d.pbuf[:0], d.nonce[:], chunk, d.header[:])
	if err != nil {
		return fmt.Errorf("%w: chunk %d", ErrOpen, d.counter)
	}
	d.plain = plain
	d.counter++
	if last {
		d.done = true
	} else {
		d.in[0] = d.in[sealedChunk]
		d.n = 1
	}
	return nil
}
