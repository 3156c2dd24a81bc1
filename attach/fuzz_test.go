package attach

import (
	"bytes"
	"errors"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"testing"
	"time"
)

// Fuzz targets for what reads uploads: the type detection and the checks
// (Salva), the image re-encoder and the PDF scanner. A short run of each is
// part of ./scripts/test; failing inputs found are kept under
// testdata/fuzz, where go test runs them as regression tests.

// seminaFile adds to f the files the other tests use, whole and cut.
func seminaFile(f *testing.F) {
	t := &testing.T{}
	for _, b := range [][]byte{
		minimalPDF(""), minimalPDF("7 0 obj\n<< /JS (app.alert(1)) >>\nendobj\n"),
		pngBytes(t, 3, 2), jpegBytes(t, 3, 2), conEXIF(jpegBytes(t, 4, 3), 6),
		append(jpegBytes(t, 2, 2), "<html>"...),
	} {
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
}

// FuzzSalva: whatever is uploaded, Salva stores it or refuses it with a
// Rifiuto, never fails otherwise nor panics; what it stores opens, and a
// stored image decodes to the size Meta says.
func FuzzSalva(f *testing.F) {
	seminaFile(f)
	nomi := []string{"x.pdf", "x.jpg", "x.png"}
	f.Fuzz(func(t *testing.T, dati []byte) {
		a, _ := testArchivio(t, Limiti{MaxBytes: 1 << 20, MaxLato: 2000, MaxPixel: 1_000_000})
		for _, nome := range nomi {
			m, err := a.Salva(nome, "", bytes.NewReader(dati))
			var r *Rifiuto
			if errors.As(err, &r) {
				continue
			}
			if err != nil {
				t.Fatalf("%s: an error that is not a refusal: %v", nome, err)
			}
			rc, err := a.Apri(m)
			if err != nil {
				t.Fatal(err)
			}
			stored, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || int64(len(stored)) != m.Byte {
				t.Fatalf("%s: read back %d bytes (%v), Meta says %d", nome, len(stored), err, m.Byte)
			}
			if m.Tipo != TipoPDF {
				cfg, _, err := image.DecodeConfig(bytes.NewReader(stored))
				if err != nil || cfg.Width != m.Width || cfg.Height != m.Height {
					t.Fatalf("%s: stored image %dx%d (%v), Meta %dx%d", nome, cfg.Width, cfg.Height, err, m.Width, m.Height)
				}
			}
		}
	})
}

// FuzzRicodifica drives the re-encoder alone, with any header bytes and
// orientation: it refuses or writes an image, and never panics.
func FuzzRicodifica(f *testing.F) {
	seminaFile(f)
	f.Fuzz(func(t *testing.T, dati []byte) {
		for _, tipo := range []Tipo{TipoJPEG, TipoPNG} {
			var testa bytes.Buffer
			cfg, err := dimensioni(tipo, io.TeeReader(bytes.NewReader(dati), &testa))
			if err != nil || cfg.Width*cfg.Height > 1_000_000 || cfg.Width <= 0 || cfg.Height <= 0 {
				continue
			}
			var out bytes.Buffer
			inizio := time.Now()
			err = ricodifica(tipo, cfg, testa.Bytes(), bytes.NewReader(dati[testa.Len():]), &out)
			if d := time.Since(inizio); d > 2*time.Second {
				t.Fatalf("%s: %d bytes took %v to re-encode", tipo, len(dati), d) // a file that costs minutes of CPU
			}
			var r *Rifiuto
			if err != nil && !errors.As(err, &r) {
				t.Fatalf("%s: %v", tipo, err)
			}
			if err == nil {
				if _, _, err := image.Decode(&out); err != nil {
					t.Fatalf("%s: the re-encoded image does not decode: %v", tipo, err)
				}
			}
		}
	})
}

// FuzzScannerPDF: the PDF scanner, written in pieces of any size, ends with
// a verdict and never panics; the same bytes in one piece get the same one.
func FuzzScannerPDF(f *testing.F) {
	seminaFile(f)
	f.Fuzz(func(t *testing.T, dati []byte) {
		verdetto := func(pezzo int) *Rifiuto {
			s := newPDFScanner()
			for b := dati; len(b) > 0; {
				n := min(pezzo, len(b))
				if _, err := s.Write(b[:n]); err != nil {
					break
				}
				b = b[n:]
			}
			return s.close()
		}
		uno, pezzi := verdetto(len(dati)+1), verdetto(7)
		if (uno == nil) != (pezzi == nil) {
			t.Fatalf("whole: %v; in pieces of 7: %v", uno, pezzi)
		}
	})
}
