package attach

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image/jpeg"
	"io"
	"testing"
	"testing/iotest"
)

// conEXIF puts, after the SOI of a JPEG, an EXIF segment with the
// orientation o and a GPS position in clear text.
func conEXIF(jpg []byte, o uint16) []byte {
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08")
	tiff = binary.BigEndian.AppendUint16(tiff, 1)                        // one entry
	tiff = append(tiff, 0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01)  // Orientation, SHORT, 1
	tiff = binary.BigEndian.AppendUint16(tiff, o)                        // its value
	tiff = append(tiff, 0, 0, 0, 0, 0, 0)                                // padding, next IFD 0
	tiff = append(tiff, "GPSLatitude 43.7167N GPSLongitude 10.4036E"...) // what must not survive
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := append([]byte{0xFF, 0xE1}, binary.BigEndian.AppendUint16(nil, uint16(len(seg)+2))...)
	app1 = append(app1, seg...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, app1...)
	return append(out, jpg[2:]...)
}

func leggiTutto(t *testing.T, a *Archivio, m Meta) []byte {
	t.Helper()
	rc, err := a.Apri(m)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(rc); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The operator's copy of a photo holds its pixels, upright, and nothing of
// its EXIF.
func TestImmagineSenzaEXIF(t *testing.T) {
	a, _ := testArchivio(t, DefaultLimiti())
	foto := conEXIF(jpegBytes(t, 64, 48), 6) // taken holding the phone upright
	if orientamentoEXIF(foto) != 6 {
		t.Fatal("the test's EXIF is not read")
	}
	m, err := a.Salva("foto.jpg", "image/jpeg", iotest.OneByteReader(bytes.NewReader(foto)))
	if err != nil {
		t.Fatal(err)
	}
	got := leggiTutto(t, a, m)
	if bytes.Contains(got, []byte("GPS")) || bytes.Contains(got, []byte("Exif")) {
		t.Error("the stored photo keeps its EXIF")
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(got))
	if err != nil || cfg.Width != 48 || cfg.Height != 64 || m.Width != 48 || m.Height != 64 {
		t.Errorf("stored %dx%d (Meta %dx%d), %v; want 48x64, turned upright", cfg.Width, cfg.Height, m.Width, m.Height, err)
	}
}

func TestImmaginiRifiutate(t *testing.T) {
	jpg := jpegBytes(t, 200, 150)
	png := pngBytes(t, 200, 150)
	pngRotto := bytes.Clone(png)
	i := bytes.Index(pngRotto, []byte("IDAT"))
	pngRotto[i+20] ^= 0xFF // image data that no longer matches its checksum
	for _, tc := range []struct {
		nome string
		dati []byte
		want *Rifiuto
	}{
		{"tagliata.jpg", jpg[:len(jpg)*2/3], rifiutoImmagineRotta},
		{"tagliata.png", png[:len(png)*2/3], rifiutoImmagineRotta},
		{"rotta.png", pngRotto, rifiutoImmagineRotta},
		{"con-html.jpg", append(bytes.Clone(jpg), "<html><script>alert(1)</script></html>"...), rifiutoCodaEstranea},
		{"con-html.png", append(bytes.Clone(png), "<html><script>alert(1)</script></html>"...), rifiutoCodaEstranea},
	} {
		t.Run(tc.nome, func(t *testing.T) {
			a, dir := testArchivio(t, DefaultLimiti())
			_, err := a.Salva(tc.nome, "", bytes.NewReader(tc.dati))
			var r *Rifiuto
			if !errors.As(err, &r) || r != tc.want {
				t.Fatalf("Salva = %v, want %q", err, tc.want.Messaggio)
			}
			assertEmptyDir(t, dir)
		})
	}
	// What phones append after a photo (a second picture, zeros) is not a
	// reason to refuse it; it is dropped all the same.
	for _, coda := range [][]byte{make([]byte, 300), jpegBytes(t, 8, 8)} {
		a, _ := testArchivio(t, DefaultLimiti())
		m, err := a.Salva("foto.jpg", "", bytes.NewReader(append(bytes.Clone(jpg), coda...)))
		if err != nil {
			t.Fatalf("a photo followed by %d bytes of padding or picture: %v", len(coda), err)
		}
		if got := leggiTutto(t, a, m); bytes.Count(got, []byte{0xFF, 0xD8}) != 1 {
			t.Error("the stored photo keeps what followed it")
		}
	}
}

func TestOrientaOgniCaso(t *testing.T) {
	img := testImage(3, 2)
	for o := 1; o <= 8; o++ {
		out := orienta(img, o)
		w, h := out.Bounds().Dx(), out.Bounds().Dy()
		if (o >= 5) != (w == 2 && h == 3) {
			t.Errorf("orientation %d: %dx%d", o, w, h)
		}
	}
	// 6: turned a quarter clockwise, the first column becomes the first row.
	out := orienta(img, 6)
	if out.At(1, 0) != img.At(0, 0) || out.At(0, 0) != img.At(0, 1) {
		t.Error("orientation 6 turned the wrong way")
	}
}

// A JPEG of more scans than a photo has is refused before the decoder has
// gone over the image that many times.
func TestTroppeScansioni(t *testing.T) {
	c := &contaScansioni{r: bytes.NewReader(bytes.Repeat([]byte{0xFF, 0xDA, 0x00, 0x01}, maxScansioni+1))}
	if _, err := io.ReadAll(iotest.OneByteReader(c)); !errors.Is(err, errTroppeScansioni) {
		t.Errorf("%d scans read byte by byte: %v", maxScansioni+1, err)
	}
	c = &contaScansioni{r: bytes.NewReader(append(bytes.Repeat([]byte{0xFF, 0x00, 0xDA}, 500), bytes.Repeat([]byte{0xFF, 0xDA}, maxScansioni)...))}
	if _, err := io.ReadAll(c); err != nil {
		t.Errorf("stuffed bytes and %d scans: %v", maxScansioni, err)
	}
	// Through Salva: a JPEG header followed by scan after scan.
	a, dir := testArchivio(t, DefaultLimiti())
	jpg := jpegBytes(t, 8, 8)
	sos := bytes.Index(jpg, []byte{0xFF, 0xDA})
	lung := int(binary.BigEndian.Uint16(jpg[sos+2:]))
	scan := jpg[sos : sos+2+lung]
	molte := append(bytes.Clone(jpg[:sos]), bytes.Repeat(append(bytes.Clone(scan), 0x00), maxScansioni+1)...)
	_, err := a.Salva("molte.jpg", "", bytes.NewReader(append(molte, 0xFF, 0xD9)))
	var r *Rifiuto
	if !errors.As(err, &r) || (r != rifiutoTroppeScansioni && r != rifiutoImmagineRotta) {
		t.Errorf("Salva = %v", err)
	}
	assertEmptyDir(t, dir)
}
