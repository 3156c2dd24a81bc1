package attach

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
)

// randomPDF produces a PDF header followed by pseudo-random bytes, without
// allocating, up to size bytes.
type randomPDF struct {
	rng  *rand.ChaCha8
	left int64
	head bool
}

func (r *randomPDF) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), r.left)]
	r.rng.Read(p)
	if !r.head {
		r.head = true
		p = p[:copy(p, "%PDF-1.7\n")]
	}
	r.left -= int64(len(p))
	return len(p), nil
}

func TestSalvaMemoryBounded(t *testing.T) {
	lim := DefaultLimiti()
	a, _ := testArchivio(t, lim)
	src := &randomPDF{rng: rand.NewChaCha8([32]byte{3}), left: lim.MaxBytes}

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	m, err := a.Salva("grande.pdf", "application/pdf", src)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if m.Byte != lim.MaxBytes {
		t.Fatalf("saved %d bytes, want %d", m.Byte, lim.MaxBytes)
	}
	// Buffers are a few chunks of 64 KiB; holding the file would take 8 MiB.
	t.Logf("Salva of 8 MiB allocated %d KiB", (after.TotalAlloc-before.TotalAlloc)>>10)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 2<<20 {
		t.Errorf("saving 8 MiB allocated %d KiB, want under 2 MiB", grew>>10)
	}

	rc, err := a.Apri(m)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	runtime.ReadMemStats(&before)
	n, err := io.Copy(io.Discard, rc)
	runtime.ReadMemStats(&after)
	if err != nil || n != lim.MaxBytes {
		t.Fatalf("read back %d bytes, err %v", n, err)
	}
	t.Logf("reading it back allocated %d KiB", (after.TotalAlloc-before.TotalAlloc)>>10)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 2<<20 {
		t.Errorf("reading 8 MiB allocated %d KiB, want under 2 MiB", grew>>10)
	}
}

// An upload refused while an object stream is being inflated must not leave
// the inflating goroutine behind.
func TestSalvaStopsInflaterOnRefusal(t *testing.T) {
	lim := DefaultLimiti()
	lim.MaxBytes = 64 << 10
	a, dir := testArchivio(t, lim)

	noise := make([]byte, 256<<10)
	rand.NewChaCha8([32]byte{4}).Read(noise)
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(noise)
	zw.Close()
	pdf := minimalPDF(streamObj("/Type /ObjStm /Filter /FlateDecode", z.Bytes()))

	baseline := runtime.NumGoroutine()
	_, err := a.Salva("carta.pdf", "application/pdf", bytes.NewReader(pdf))
	var rif *Rifiuto
	if !errors.As(err, &rif) {
		t.Fatalf("err = %v, want a *Rifiuto", err)
	}
	assertEmptyDir(t, dir)
	for deadline := time.Now().Add(2 * time.Second); runtime.NumGoroutine() > baseline; {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines, %d before Salva", runtime.NumGoroutine(), baseline)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
