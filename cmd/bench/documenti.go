package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// documento is one generated file, uploaded by every client.
type documento struct {
	Campo, Nome, Tipo string // form field, file name, declared Content-Type
	Path              string
	Byte              int64
	SHA256            string
}

// generaDocumenti writes, into dir, the three documents of an upload, each
// exactly size bytes: a PNG and a JPEG (quality 100) of random noise, and a
// PDF whose page shows one large uncompressed RGB image of random noise. They
// are real files that the attachment checks accept (type sniffing, image
// header, PDF scan); they are made without holding an image in memory, so
// that generating them does not inflate the memory measured afterwards.
func generaDocumenti(dir string, size int64) ([]documento, error) {
	docs := []documento{
		{Campo: "documento_fronte", Nome: "fronte.png", Tipo: "image/png"},
		{Campo: "documento_retro", Nome: "retro.jpg", Tipo: "image/jpeg"},
		{Campo: "modulo_firmato", Nome: "modulo.pdf", Tipo: "application/pdf"},
	}
	gen := []func(path string, size int64) error{scriviPNG, scriviJPEG, scriviPDF}
	for i := range docs {
		d := &docs[i]
		d.Path = filepath.Join(dir, d.Nome)
		if err := gen[i](d.Path, size); err != nil {
			return nil, fmt.Errorf("%s: %w", d.Nome, err)
		}
		n, sum, err := hashFile(d.Path)
		if err != nil {
			return nil, err
		}
		if n != size {
			return nil, fmt.Errorf("%s: %d bytes, want %d", d.Nome, n, size)
		}
		d.Byte, d.SHA256 = n, sum
	}
	return docs, nil
}

func hashFile(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return n, hex.EncodeToString(h.Sum(nil)), err
}

// rumore is an opaque image of pseudo-random pixels computed on demand.
type rumore struct {
	w, h int
	seed uint64
}

func (r rumore) ColorModel() color.Model { return color.RGBAModel }
func (r rumore) Bounds() image.Rectangle { return image.Rect(0, 0, r.w, r.h) }
func (r rumore) Opaque() bool            { return true }

func (r rumore) At(x, y int) color.Color {
	v := splitmix(r.seed ^ (uint64(y)<<32 | uint64(x)))
	return color.RGBA{byte(v), byte(v >> 8), byte(v >> 16), 0xff}
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

type encoder func(io.Writer, image.Image) error

func encPNG(w io.Writer, m image.Image) error {
	return (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(w, m)
}

func encJPEG(w io.Writer, m image.Image) error { return jpeg.Encode(w, m, &jpeg.Options{Quality: 100}) }

// immagineSotto encodes a square noise image into tmp that is smaller than
// size by at least margin bytes, as close to it as a few tries get, and
// returns its length.
func immagineSotto(tmp string, size, margin int64, enc encoder) (int64, error) {
	// Bytes per pixel of noise in this format, from a small sample.
	var sample countingWriter
	if err := enc(&sample, rumore{256, 256, 1}); err != nil {
		return 0, err
	}
	perPixel := float64(sample.n) / (256 * 256)
	budget := float64(size - margin)
	for scale := 0.98; scale > 0.5; scale -= 0.03 {
		side := int(math.Sqrt(budget * scale / perPixel))
		if side < 16 {
			return 0, fmt.Errorf("%d bytes are too few for an image", size)
		}
		n, err := scriviCon(tmp, func(w io.Writer) error { return enc(w, rumore{side, side, uint64(size)}) })
		if err != nil {
			return 0, err
		}
		if n <= size-margin {
			return n, nil
		}
	}
	return 0, fmt.Errorf("could not fit an image in %d bytes", size)
}

// scriviPNG writes a noise PNG padded to exactly size bytes with a tEXt
// chunk before IEND.
func scriviPNG(path string, size int64) error {
	tmp := path + ".tmp"
	defer os.Remove(tmp)
	const iend = 12
	keyword := "Comment\x00"
	n, err := immagineSotto(tmp, size, iend+12+int64(len(keyword)), encPNG)
	if err != nil {
		return err
	}
	_, err = scriviCon(path, func(w io.Writer) error {
		src, err := os.Open(tmp)
		if err != nil {
			return err
		}
		defer src.Close()
		if _, err := io.CopyN(w, src, n-iend); err != nil {
			return err
		}
		data := size - n - 12 // the new chunk: length, type, data, CRC
		crc := crc32.NewIEEE()
		cw := io.MultiWriter(w, crc)
		var l [4]byte
		binary.BigEndian.PutUint32(l[:], uint32(data))
		if _, err := w.Write(l[:]); err != nil {
			return err
		}
		if _, err := io.WriteString(cw, "tEXt"+keyword); err != nil {
			return err
		}
		if err := riempimento(cw, data-int64(len(keyword))); err != nil {
			return err
		}
		binary.BigEndian.PutUint32(l[:], crc.Sum32())
		if _, err := w.Write(l[:]); err != nil {
			return err
		}
		_, err = io.Copy(w, src) // IEND
		return err
	})
	return err
}

// scriviJPEG writes a noise JPEG padded to exactly size bytes with COM
// segments right after SOI.
func scriviJPEG(path string, size int64) error {
	tmp := path + ".tmp"
	defer os.Remove(tmp)
	n, err := immagineSotto(tmp, size, 4, encJPEG)
	if err != nil {
		return err
	}
	_, err = scriviCon(path, func(w io.Writer) error {
		src, err := os.Open(tmp)
		if err != nil {
			return err
		}
		defer src.Close()
		if _, err := io.CopyN(w, src, 2); err != nil { // SOI
			return err
		}
		for left := size - n; left > 0; {
			seg := min(left, 4+65533)
			if r := left - seg; r > 0 && r < 4 {
				seg -= 4 - r
			}
			if _, err := w.Write([]byte{0xff, 0xfe, byte((seg - 2) >> 8), byte(seg - 2)}); err != nil {
				return err
			}
			if err := riempimento(w, seg-4); err != nil {
				return err
			}
			left -= seg
		}
		_, err = io.Copy(w, src)
		return err
	})
	return err
}

// scriviPDF writes a one-page PDF of exactly size bytes: the page draws an
// uncompressed RGB image of random noise; its content stream is padded with
// white space to reach the size. Lengths and offsets have a fixed width, so
// the layout is known before writing.
func scriviPDF(path string, size int64) error {
	const width = 1024
	head := "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
	o1 := "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
	o2 := "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
	o3 := "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>\nendobj\n"
	disegno := "q 595 0 0 842 0 0 cm /Im1 Do Q\n"
	o4 := func(content int64) string { return fmt.Sprintf("4 0 obj\n<< /Length %010d >>\nstream\n", content) }
	fine := "\nendstream\nendobj\n"
	o5 := func(h int) string {
		return fmt.Sprintf("5 0 obj\n<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length %010d >>\nstream\n", width, h, int64(width*h*3))
	}
	xref := "xref\n0 6\n0000000000 65535 f \n" + strings.Repeat("0000000000 00000 n \n", 5)
	trailer := "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n0000000000\n%%EOF\n"
	fixed := func(h int) int64 {
		return int64(len(head) + len(o1) + len(o2) + len(o3) + len(o4(0)) + len(disegno) + len(fine) + len(o5(h)) + len(fine) + len(xref) + len(trailer))
	}
	h := int((size - fixed(1)) / (3 * width))
	for h > 0 && fixed(h)+int64(3*width*h) > size {
		h--
	}
	if h <= 0 {
		return fmt.Errorf("%d bytes are too few for the PDF", size)
	}
	pad := size - fixed(h) - int64(3*width*h)

	_, err := scriviCon(path, func(w io.Writer) error {
		cw := &countingWriter{w: w}
		var offsets []int64
		put := func(s string) error { _, err := io.WriteString(cw, s); return err }
		if err := put(head); err != nil {
			return err
		}
		for _, s := range []string{o1, o2, o3} {
			offsets = append(offsets, cw.n)
			if err := put(s); err != nil {
				return err
			}
		}
		offsets = append(offsets, cw.n)
		if err := put(o4(int64(len(disegno)) + pad)); err != nil {
			return err
		}
		if err := put(disegno); err != nil {
			return err
		}
		if err := spazi(cw, pad); err != nil {
			return err
		}
		if err := put(fine); err != nil {
			return err
		}
		offsets = append(offsets, cw.n)
		if err := put(o5(h)); err != nil {
			return err
		}
		rng := rand.NewChaCha8([32]byte{byte(size), byte(size >> 8), byte(size >> 16), byte(size >> 24), 'p', 'd', 'f'})
		if _, err := io.CopyN(cw, rng, int64(3*width*h)); err != nil {
			return err
		}
		if err := put(fine); err != nil {
			return err
		}
		start := cw.n
		var x strings.Builder
		x.WriteString("xref\n0 6\n0000000000 65535 f \n")
		for _, o := range offsets {
			fmt.Fprintf(&x, "%010d 00000 n \n", o)
		}
		if err := put(x.String()); err != nil {
			return err
		}
		return put(fmt.Sprintf("trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%010d\n%%%%EOF\n", start))
	})
	return err
}

// riempimento writes n bytes of printable text.
func riempimento(w io.Writer, n int64) error {
	line := []byte(strings.Repeat("Abilita cmd/bench, riempimento. ", 35)[:1023] + "\n")
	return ripeti(w, line, n)
}

// spazi writes n bytes of white space, a line break every 100.
func spazi(w io.Writer, n int64) error {
	line := []byte(strings.Repeat(" ", 99) + "\n")
	return ripeti(w, line, n)
}

func ripeti(w io.Writer, unit []byte, n int64) error {
	for n > 0 {
		k := min(n, int64(len(unit)))
		if _, err := w.Write(unit[:k]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// scriviCon creates path, lets fill write it through a buffer and returns
// the bytes written.
func scriviCon(path string, fill func(io.Writer) error) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	cw := &countingWriter{w: bw}
	err = fill(cw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return cw.n, err
}

// countingWriter counts what passes through it to w (or discards it when w
// is nil).
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	if c.w == nil {
		c.n += int64(len(p))
		return len(p), nil
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
