package attach

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func TestSalvaRifiuta(t *testing.T) {
	small := Limiti{MaxBytes: 64 << 10, MaxLato: 500, MaxPixel: 100_000}
	bigPDF := append(minimalPDF(""), bytes.Repeat([]byte("% riempitivo\n"), 6000)...)
	tests := []struct {
		name, file, contentType string
		data                    []byte
		want                    string // substring of the message
	}{
		{"svg named png", "foto.png", "image/png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "non è ammesso"},
		{"svg", "foto.svg", "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), "«foto.svg» non è ammesso"},
		{"html", "documento.html", "text/html", []byte("<html><script>alert(1)</script></html>"), "non è ammesso"},
		{"html named pdf", "documento.pdf", "application/pdf", []byte("<html><script>alert(1)</script></html>"), "non è ammesso"},
		{"exe", "setup.exe", "application/octet-stream", []byte("MZ\x90\x00\x03\x00\x00\x00"), "non è ammesso"},
		{"exe named pdf", "carta.pdf", "application/octet-stream", []byte("MZ\x90\x00\x03\x00\x00\x00"), "non è ammesso"},
		{"no extension", "carta", "application/pdf", minimalPDF(""), "non è ammesso"},
		{"declared type not allowed", "foto.png", "image/svg+xml", pngBytes(t, 4, 4), "non è ammesso"},
		{"jpeg named pdf", "carta.pdf", "application/octet-stream", jpegBytes(t, 8, 8), "estensione"},
		{"pdf named jpg", "carta.jpg", "", minimalPDF(""), "estensione"},
		{"png declared jpeg", "foto.png", "image/jpeg", pngBytes(t, 4, 4), "tipo del file"},
		{"pdf declared png", "carta.pdf", "image/png", minimalPDF(""), "tipo del file"},
		{"empty", "carta.pdf", "application/pdf", nil, "«carta.pdf» è vuoto"},
		{"oversize", "carta.pdf", "application/pdf", bigPDF, "dimensione massima di 64 KB"},
		{"png 20000×20000", "foto.png", "image/png", pngWithHeader(t, 20000, 20000), "troppo grande"},
		{"png too wide", "foto.png", "image/png", pngBytes(t, 501, 2), "troppo grande"},
		{"jpeg too many pixels", "foto.jpg", "image/jpeg", jpegBytes(t, 400, 300), "troppo grande"},
		{"png zero size", "foto.png", "image/png", pngWithHeader(t, 0, 0), "danneggiata"},
		{"png signature only", "foto.png", "image/png", pngMagic, "danneggiata"},
		{"jpeg garbage", "foto.jpeg", "image/jpeg", []byte("\xff\xd8\xff\xe0 questo non è un jpeg"), "danneggiata"},
		{"pdf javascript", "carta.pdf", "application/pdf",
			minimalPDF("4 0 obj\n<< /S /JavaScript /JS (app.alert(1)) >>\nendobj\n"), "JavaScript"},
		{"pdf javascript hex-escaped", "carta.pdf", "application/pdf",
			minimalPDF("4 0 obj\n<< /S /J#61vaScript >>\nendobj\n"), "JavaScript"},
		{"pdf JS hex-escaped", "carta.pdf", "application/pdf",
			minimalPDF("4 0 obj\n<</S/Named/#4A#53(app.alert(1))>>\nendobj\n"), "JavaScript"},
		{"pdf javascript in object stream", "carta.pdf", "application/pdf",
			minimalPDF(objStm(t, "<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>")), "JavaScript"},
		{"pdf javascript in image stream", "carta.pdf", "application/pdf",
			minimalPDF(streamObj("/Subtype /Image", []byte("\x00\x01/JavaScript\x00"))), "JavaScript"},
		{"pdf launch", "carta.pdf", "application/pdf",
			minimalPDF("4 0 obj\n<< /S /Launch /F (cmd.exe) >>\nendobj\n"), "avviano programmi"},
		{"pdf embedded file", "carta.pdf", "application/pdf",
			minimalPDF("4 0 obj\n<< /Type /EmbeddedFile /Length 0 >>\nendobj\n"), "altri file"},
		{"pdf file specification", "carta.pdf", "application/pdf",
			minimalPDF("4 0 obj\n<< /Type /Filespec /F (a.exe) /EF << /F 5 0 R >> >>\nendobj\n"), "altri file"},
		{"pdf rich media", "carta.pdf", "application/pdf",
			minimalPDF("4 0 obj\n<< /Subtype /RichMedia >>\nendobj\n"), "multimediali"},
		{"pdf xfa", "carta.pdf", "application/pdf",
			minimalPDF("4 0 obj\n<< /Fields [] /XFA 5 0 R >>\nendobj\n"), "XFA"},
		{"pdf encrypted", "carta.pdf", "application/pdf",
			minimalPDF("trailer\n<< /Encrypt 5 0 R >>\n"), "protetto"},
		{"pdf object stream not inflatable", "carta.pdf", "application/pdf",
			minimalPDF(streamObj("/Type /ObjStm /Filter /FlateDecode", []byte("non è zlib"))), "danneggiato"},
		{"pdf object stream other filter", "carta.pdf", "application/pdf",
			minimalPDF(streamObj("/Type /ObjStm /Filter /ASCIIHexDecode", []byte("3C3C3E3E>"))), "codifica"},
		{"pdf name at end of file", "carta.pdf", "application/pdf",
			append(minimalPDF(""), "/JavaScript"...), "JavaScript"},
	}
	for _, tt := range tests {
		for _, oneByte := range []bool{false, true} {
			name := tt.name
			if oneByte {
				name += ", one byte at a time"
			}
			t.Run(name, func(t *testing.T) {
				a, dir := testArchivio(t, small)
				var r io.Reader = bytes.NewReader(tt.data)
				if oneByte {
					r = iotest.OneByteReader(r)
				}
				_, err := a.Salva(tt.file, tt.contentType, r)
				var rif *Rifiuto
				if !errors.As(err, &rif) {
					t.Fatalf("err = %v, want a *Rifiuto", err)
				}
				if !strings.Contains(rif.Messaggio, tt.want) {
					t.Errorf("message %q does not contain %q", rif.Messaggio, tt.want)
				}
				assertEmptyDir(t, dir)
			})
		}
	}
}

func assertEmptyDir(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left on disk: %s", e.Name())
	}
}

func TestSalvaApriElimina(t *testing.T) {
	tests := []struct {
		name, file, contentType string
		data                    []byte
		tipo                    Tipo
		width, height           int
	}{
		{"pdf", "Carta identità.PDF", "application/pdf", minimalPDF(""), TipoPDF, 0, 0},
		{"pdf with empty attachment tree, as fpdf writes", "modulo.pdf", "application/pdf",
			minimalPDF("7 0 obj\n<< /Type /Catalog /Names << /EmbeddedFiles << /Names [\n] >> >> >>\nendobj\n"), TipoPDF, 0, 0},
		{"pdf with harmless object stream", "carta.pdf", "application/octet-stream",
			minimalPDF(objStm(t, "<< /OpenAction [3 0 R /Fit] /Title (JS e JavaScript nel testo) >>")), TipoPDF, 0, 0},
		{"pdf with /JS in binary data", "scansione.pdf", "application/pdf",
			minimalPDF(streamObj("/Subtype /Image /Filter /DCTDecode", []byte("\xff\xd8/JS \x00"))), TipoPDF, 0, 0},
		{"jpeg", "foto.JPEG", "image/jpeg", jpegBytes(t, 640, 480), TipoJPEG, 640, 480},
		{"jpg without type", "foto.jpg", "", jpegBytes(t, 31, 17), TipoJPEG, 31, 17},
		{"png", "foto.png", "image/png; charset=binary", pngBytes(t, 300, 200), TipoPNG, 300, 200},
		{"png at the limits", "foto.png", "image/x-png", pngBytes(t, 10000, 1), TipoPNG, 10000, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, dir := testArchivio(t, DefaultLimiti())
			m, err := a.Salva(tt.file, tt.contentType, iotest.HalfReader(bytes.NewReader(tt.data)))
			if err != nil {
				t.Fatal(err)
			}
			if m.Tipo != tt.tipo || m.Width != tt.width || m.Height != tt.height || m.NomeOriginale != tt.file || len(m.ChiaveCifrata) == 0 {
				t.Errorf("Meta = %+v", m)
			}
			if _, err := hex.DecodeString(m.ID); err != nil || len(m.ID) != 32 {
				t.Errorf("ID %q is not 32 hex digits", m.ID)
			}

			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 || entries[0].Name() != m.ID {
				t.Fatalf("directory holds %v, want only %s", entries, m.ID)
			}
			stored, _ := os.ReadFile(filepath.Join(dir, m.ID))
			if bytes.Contains(stored, tt.data[:min(len(tt.data), 64)]) {
				t.Error("stored file contains the plaintext")
			}

			rc, err := a.Apri(m)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			// Meta describes what is stored: a PDF as sent, an image as
			// encoded again, with the same pixels (a PNG) or size (a JPEG).
			sum := sha256.Sum256(got)
			if m.Byte != int64(len(got)) || m.SHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("Meta says %d bytes %s, Apri gave %d bytes %x", m.Byte, m.SHA256, len(got), sum)
			}
			switch tt.tipo {
			case TipoPDF:
				if !bytes.Equal(got, tt.data) {
					t.Fatalf("Apri gave %d bytes; want the %d bytes saved", len(got), len(tt.data))
				}
			default:
				stessaImmagine(t, tt.tipo, tt.data, got)
			}

			if err := a.Elimina(m.ID); err != nil {
				t.Fatal(err)
			}
			assertEmptyDir(t, dir)
			if _, err := a.Apri(m); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Apri after Elimina: err = %v, want fs.ErrNotExist", err)
			}
			if err := a.Elimina(m.ID); err != nil {
				t.Errorf("second Elimina: %v", err)
			}
		})
	}
}

func TestApriRefusesForeignKey(t *testing.T) {
	a, _ := testArchivio(t, DefaultLimiti())
	m1, err := a.Salva("a.pdf", "application/pdf", bytes.NewReader(minimalPDF("")))
	if err != nil {
		t.Fatal(err)
	}
	m2, err := a.Salva("b.pdf", "application/pdf", bytes.NewReader(minimalPDF("% altro\n")))
	if err != nil {
		t.Fatal(err)
	}
	m1.ChiaveCifrata = m2.ChiaveCifrata
	rc, err := a.Apri(m1)
	if err == nil {
		_, err = io.ReadAll(rc)
		rc.Close()
	}
	if err == nil {
		t.Error("a document decrypted with another document's key")
	}
}

func TestIDsAreValidated(t *testing.T) {
	a, dir := testArchivio(t, DefaultLimiti())
	outside := filepath.Join(filepath.Dir(dir), "vittima")
	os.WriteFile(outside, []byte("x"), 0o600)
	defer os.Remove(outside)
	for _, id := range []string{
		"", "../vittima", "..", "/etc/passwd", strings.Repeat("0", 31), strings.Repeat("0", 33),
		strings.Repeat("A", 32), strings.Repeat("0", 30) + "/.", strings.Repeat("g", 32),
	} {
		if err := a.Elimina(id); !errors.Is(err, ErrIDNonValido) {
			t.Errorf("Elimina(%q): err = %v, want ErrIDNonValido", id, err)
		}
		if _, err := a.Apri(Meta{ID: id}); !errors.Is(err, ErrIDNonValido) {
			t.Errorf("Apri(%q): err = %v, want ErrIDNonValido", id, err)
		}
	}
	if _, err := os.Stat(outside); err != nil {
		t.Errorf("file outside the directory: %v", err)
	}
}

// countingReader counts the bytes read from an endless PDF.
type countingReader struct{ n int64 }

func (c *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	if c.n == 0 {
		copy(p, "%PDF-1.4\n")
	}
	c.n += int64(len(p))
	return len(p), nil
}

func TestSalvaReadsAtMostMaxBytesPlusOne(t *testing.T) {
	lim := DefaultLimiti()
	lim.MaxBytes = 100_000
	a, dir := testArchivio(t, lim)
	var r countingReader
	_, err := a.Salva("carta.pdf", "application/pdf", &r)
	var rif *Rifiuto
	if !errors.As(err, &rif) {
		t.Fatalf("err = %v, want a *Rifiuto", err)
	}
	if r.n > lim.MaxBytes+1 {
		t.Errorf("read %d bytes, want at most %d", r.n, lim.MaxBytes+1)
	}
	assertEmptyDir(t, dir)
}

func TestSalvaReadErrorLeavesNothing(t *testing.T) {
	a, dir := testArchivio(t, DefaultLimiti())
	boom := errors.New("connessione interrotta")
	for _, data := range [][]byte{minimalPDF(""), pngBytes(t, 50, 50)} {
		r := io.MultiReader(bytes.NewReader(data[:40]), iotest.ErrReader(boom))
		name := map[bool]string{true: "x.pdf", false: "x.png"}[data[0] == '%']
		if _, err := a.Salva(name, "", r); !errors.Is(err, boom) {
			t.Errorf("%s: err = %v, want the read error", name, err)
		}
	}
	assertEmptyDir(t, dir)
}

func TestNomeVisibile(t *testing.T) {
	tests := map[string]string{
		"carta.pdf":                        "carta.pdf",
		`C:\Users\mario\Desktop\carta.pdf`: "carta.pdf",
		"../../etc/passwd":                 "passwd",
		"  foto\u202egpj.exe ":             "fotogpj.exe",
		"a\x00b\nc\td.png":                 "abcd.png",
		"bad\xffutf8.jpg":                  "badutf8.jpg",
		"":                                 "documento",
		"/":                                "documento",
		strings.Repeat("è", 150) + ".jpeg": strings.Repeat("è", 95) + ".jpeg",
		strings.Repeat("x", 150) + ".abcdefghijkl": strings.Repeat("x", 100),
	}
	for in, want := range tests {
		if got := nomeVisibile(in); got != want {
			t.Errorf("nomeVisibile(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDimensione(t *testing.T) {
	for n, want := range map[int64]string{8 << 20: "8 MB", 3 << 19: "1,5 MB", 64 << 10: "64 KB", 1000: "1 KB"} {
		if got := dimensione(n); got != want {
			t.Errorf("dimensione(%d) = %q, want %q", n, got, want)
		}
	}
}

// While a copy is taken, removals wait: every file the copied database
// names is still there to be copied. They happen when the copy ends.
func TestSospendiEliminazioni(t *testing.T) {
	a, dir := testArchivio(t, DefaultLimiti())
	m, err := a.Salva("carta.pdf", "", bytes.NewReader(minimalPDF("")))
	if err != nil {
		t.Fatal(err)
	}
	riprendi := a.SospendiEliminazioni()
	riprendiAncora := a.SospendiEliminazioni() // two copies at once
	if err := a.Elimina(m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, m.ID)); err != nil {
		t.Fatalf("removed during a copy: %v", err)
	}
	riprendi()
	if _, err := os.Stat(filepath.Join(dir, m.ID)); err != nil {
		t.Fatalf("removed while the other copy runs: %v", err)
	}
	riprendiAncora()
	assertEmptyDir(t, dir)
}

// Orfani removes what a kill during uploads leaves: files no request names
// and temporary files, once older than the longest upload; nothing else.
func TestOrfani(t *testing.T) {
	a, dir := testArchivio(t, DefaultLimiti())
	salva := func() string {
		m, err := a.Salva("carta.pdf", "", bytes.NewReader(minimalPDF("")))
		if err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	nominato, orfano, recente := salva(), salva(), salva()
	vecchio := time.Now().Add(-2 * time.Hour)
	for _, nome := range []string{nominato, orfano, ".upload-1234"} {
		if nome[0] == '.' {
			os.WriteFile(filepath.Join(dir, nome), []byte("metà"), 0o600)
		}
		os.Chtimes(filepath.Join(dir, nome), vecchio, vecchio)
	}
	os.WriteFile(filepath.Join(dir, ".upload-5678"), []byte("in corso"), 0o600)
	file, tmp, err := a.Orfani(time.Now().Add(-time.Hour), func(ids []string) (map[string]bool, error) {
		out := map[string]bool{}
		for _, id := range ids {
			out[id] = id == nominato
		}
		return out, nil
	})
	if err != nil || file != 1 || tmp != 1 {
		t.Fatalf("Orfani = %d files, %d temporary, %v; want 1 and 1", file, tmp, err)
	}
	var resta []string
	voci, _ := os.ReadDir(dir)
	for _, v := range voci {
		resta = append(resta, v.Name())
	}
	slices.Sort(resta)
	want := []string{".upload-5678", nominato, recente}
	slices.Sort(want)
	if !slices.Equal(resta, want) {
		t.Errorf("left %v, want %v", resta, want)
	}
}

// A copy is the same content under its own ID and key: deleting the
// original leaves it readable, and a tampered original is not copied.
func TestCopia(t *testing.T) {
	a, dir := testArchivio(t, DefaultLimiti())
	dati := jpegBytes(t, 64, 48)
	m, err := a.Salva("fronte.jpg", "image/jpeg", bytes.NewReader(dati))
	if err != nil {
		t.Fatal(err)
	}
	c, err := a.Copia(m)
	if err != nil {
		t.Fatal(err)
	}
	if c.ID == m.ID || bytes.Equal(c.ChiaveCifrata, m.ChiaveCifrata) || c.SHA256 != m.SHA256 || c.Byte != m.Byte || c.Tipo != m.Tipo || c.NomeOriginale != m.NomeOriginale {
		t.Fatalf("copy %+v of %+v", c, m)
	}
	originale := leggi(t, a, m)
	if err := a.Elimina(m.ID); err != nil {
		t.Fatal(err)
	}
	if got := leggi(t, a, c); !bytes.Equal(got, originale) {
		t.Fatal("the copy does not read as the original")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 || entries[0].Name() != c.ID {
		t.Fatalf("directory holds %v, want only the copy", entries)
	}

	// Flip a byte of the stored copy: copying it again fails and leaves nothing.
	path := filepath.Join(dir, c.ID)
	stored, _ := os.ReadFile(path)
	stored[len(stored)-20] ^= 1
	if err := os.WriteFile(path, stored, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Copia(c); err == nil {
		t.Fatal("a tampered file was copied")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("a failed copy left %v", entries)
	}
}

func leggi(t *testing.T, a *Archivio, m Meta) []byte {
	t.Helper()
	rc, err := a.Apri(m)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
