package attach

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"abilita/security"
)

func testArchivio(t *testing.T, lim Limiti) (*Archivio, string) {
	t.Helper()
	keys, err := security.NewKeyring(bytes.Repeat([]byte{42}, security.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	a, err := NewArchivio(dir, keys, lim)
	if err != nil {
		t.Fatal(err)
	}
	return a, dir
}

func testImage(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x * y), 255})
		}
	}
	return img
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, testImage(w, h)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jpegBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testImage(w, h), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pngWithHeader returns a small PNG whose header claims w×h pixels, with a
// valid checksum, as a decompression bomb would.
func pngWithHeader(t *testing.T, w, h uint32) []byte {
	b := pngBytes(t, 1, 1)
	// Signature (8), IHDR length (4), "IHDR" (4), width, height, ..., CRC at 29.
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

// minimalPDF is a valid one-page PDF with extra text inserted before the
// trailer.
func minimalPDF(extra string) []byte {
	return []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" +
		"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" +
		"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n" +
		"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n" +
		extra +
		"trailer\n<< /Size 4 /Root 1 0 R >>\n%%EOF\n")
}

// streamObj returns object 9 holding data as a stream with the dictionary
// entries dict.
func streamObj(dict string, data []byte) string {
	return fmt.Sprintf("9 0 obj\n<< %s /Length %d >>\nstream\r\n%s\r\nendstream\nendobj\n", dict, len(data), data)
}

// objStm returns an object stream holding objects, compressed as PDF
// writers do.
func objStm(t *testing.T, objects string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	zw.Write([]byte("10 0 " + objects))
	zw.Close()
	return streamObj("/Type /ObjStm /N 1 /First 5 /Filter /FlateDecode", buf.Bytes())
}

// stessaImmagine fails unless stored decodes to an image of the size of
// sent, with the same pixels if lossless.
func stessaImmagine(t *testing.T, tipo Tipo, sent, stored []byte) {
	t.Helper()
	a, _, err := image.Decode(bytes.NewReader(sent))
	if err != nil {
		t.Fatal(err)
	}
	b, formato, err := image.Decode(bytes.NewReader(stored))
	if err != nil {
		t.Fatalf("the stored image does not decode: %v", err)
	}
	if "image/"+formato != string(tipo) || a.Bounds().Size() != b.Bounds().Size() {
		t.Fatalf("stored %s %v, sent %s %v", formato, b.Bounds(), tipo, a.Bounds())
	}
	if tipo != TipoPNG {
		return
	}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			r1, g1, b1, a1 := a.At(x, y).RGBA()
			r2, g2, b2, a2 := b.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				t.Fatalf("pixel %d,%d differs", x, y)
			}
		}
	}
}
