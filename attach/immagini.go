package attach

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"sync"
)

// Images are decoded whole and encoded again with the standard library:
// what reaches an operator is pixels, never the bytes an applicant sent.
// EXIF (GPS position, camera, date), comments, text chunks and anything
// appended after the image are gone; a file that does not decode to the
// end, or that carries data after its image, is refused. The orientation
// the phone wrote in EXIF is applied to the pixels, so the document still
// reads upright.
//
// Decoding needs the whole image in memory. The header gives its size
// before anything is allocated, and a budget bounds the pixels being
// decoded at once across all uploads: the others wait their turn.

// qualitaJPEG is the quality of re-encoded JPEGs: text on a document stays
// sharp, and the file stays near the size of a phone's own.
const qualitaJPEG = 90

// budgetPixel bounds the bytes of the images being decoded at once. An
// image larger than the whole budget is decoded alone.
const budgetPixel = 24 << 20

// memoriaImmagine estimates the bytes the decoder allocates for an image
// of cfg: JPEG keeps Y, Cb, Cr (plus coefficients for progressive ones),
// PNG its pixels in the model it declares.
func memoriaImmagine(tipo Tipo, cfg image.Config) int64 {
	px := int64(cfg.Width) * int64(cfg.Height)
	if tipo == TipoJPEG {
		return px * 3
	}
	switch cfg.ColorModel {
	case color.GrayModel, color.AlphaModel:
		return px
	case color.Gray16Model, color.Alpha16Model:
		return px * 2
	case color.RGBA64Model, color.NRGBA64Model:
		return px * 8
	}
	return px * 4
}

// semaforoPixel hands out the decoding budget.
type semaforoPixel struct {
	mu     sync.Mutex
	cond   *sync.Cond
	libero int64
}

var budget = func() *semaforoPixel {
	s := &semaforoPixel{libero: budgetPixel}
	s.cond = sync.NewCond(&s.mu)
	return s
}()

// prendi waits until n bytes of the budget are free (all of it, for an
// image larger than the budget) and takes them; the function it returns
// gives them back.
func (s *semaforoPixel) prendi(n int64) func() {
	n = min(n, budgetPixel)
	s.mu.Lock()
	for s.libero < n {
		s.cond.Wait()
	}
	s.libero -= n
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		s.libero += n
		s.mu.Unlock()
		s.cond.Broadcast()
	}
}

// ricodifica decodes the image of type tipo from r, whose header (read by
// DecodeConfig) is in testa, checks that nothing follows it, and writes it
// encoded again to w.
func ricodifica(tipo Tipo, cfg image.Config, testa []byte, r io.Reader, w io.Writer) error {
	memoria, o := memoriaImmagine(tipo, cfg), 1
	if tipo == TipoJPEG {
		if o = orientamentoEXIF(testa); o > 1 {
			memoria += int64(cfg.Width) * int64(cfg.Height) * 4 // the turned copy
		}
	}
	defer budget.prendi(memoria)()
	in := io.MultiReader(bytes.NewReader(testa), r)
	if tipo == TipoJPEG {
		// The decoder reads ahead: it is given nothing past an end marker
		// at a time, so what follows the image stays to be checked.
		in = &finoAFine{r: in}
		scansioni := &contaScansioni{r: in}
		img, err := jpeg.Decode(scansioni)
		if errors.Is(err, errTroppeScansioni) {
			return rifiutoTroppeScansioni
		}
		if err != nil {
			return rifiutoImmagineRotta
		}
		if err := soloRiempimento(in); err != nil {
			return err
		}
		return jpeg.Encode(w, orienta(img, o), &jpeg.Options{Quality: qualitaJPEG})
	}
	img, err := png.Decode(in)
	if err != nil {
		return rifiutoImmagineRotta
	}
	if err := soloRiempimento(in); err != nil {
		return err
	}
	return (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(w, img)
}

// soloRiempimento reads what follows the image and refuses it unless it is
// nothing, zeros, or further JPEG images (phones store a second picture
// after the first, the Multi-Picture Format): HTML or a script appended to
// a photo must not ride along, and nothing of it is kept either way.
func soloRiempimento(r io.Reader) error {
	buf := make([]byte, 32<<10)
	primo := true
	for {
		n, err := r.Read(buf)
		b := buf[:n]
		if primo && n > 0 {
			primo = false
			if bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}) {
				_, err := io.Copy(io.Discard, r)
				return err
			}
		}
		if len(bytes.Trim(b, "\x00")) > 0 {
			return rifiutoCodaEstranea
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// maxScansioni bounds the scans of a JPEG. A progressive photo has about
// ten; each scan makes the decoder go over the whole image again, so a small
// file of thousands of scans would hold a core for minutes.
const maxScansioni = 100

var errTroppeScansioni = errors.New("attach: too many JPEG scans")

// contaScansioni counts the start-of-scan markers (FF DA) read through it,
// and fails past maxScansioni. In the entropy-coded data FF is always
// followed by 00 or a restart marker, so every FF DA is a scan (or one of
// an EXIF thumbnail's few).
type contaScansioni struct {
	r       io.Reader
	n       int
	ultimoF bool
}

func (c *contaScansioni) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := range n {
		if p[i] == 0xDA && ((i == 0 && c.ultimoF) || (i > 0 && p[i-1] == 0xFF)) {
			if c.n++; c.n > maxScansioni {
				return i, errTroppeScansioni
			}
		}
	}
	if n > 0 {
		c.ultimoF = p[n-1] == 0xFF
	}
	return n, err
}

// finoAFine reads r but never returns, in one read, bytes past a JPEG end
// marker (FF D9): those are kept for the next read.
type finoAFine struct {
	r       io.Reader
	resto   []byte
	ultimoF bool // the last byte returned was 0xFF
}

func (f *finoAFine) Read(p []byte) (int, error) {
	var n int
	var err error
	if len(f.resto) > 0 {
		n = copy(p, f.resto)
		f.resto = f.resto[n:]
	} else {
		n, err = f.r.Read(p)
	}
	for i := range n {
		if p[i] == 0xD9 && ((i == 0 && f.ultimoF) || (i > 0 && p[i-1] == 0xFF)) {
			f.resto = append(bytes.Clone(p[i+1:n]), f.resto...)
			f.ultimoF = false
			return i + 1, nil
		}
	}
	if n > 0 {
		f.ultimoF = p[n-1] == 0xFF
	}
	return n, err
}

// orientamentoEXIF reads the Orientation tag (1–8) from the EXIF segment in
// the JPEG header testa; 1, upright, when there is none.
func orientamentoEXIF(testa []byte) int {
	i := 2 // after SOI
	for i+4 <= len(testa) && testa[i] == 0xFF {
		marker := testa[i+1]
		lung := int(binary.BigEndian.Uint16(testa[i+2:]))
		if marker == 0xDA || lung < 2 || i+2+lung > len(testa) {
			break
		}
		seg := testa[i+4 : i+2+lung]
		if marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return orientamentoTIFF(seg[6:])
		}
		i += 2 + lung
	}
	return 1
}

func orientamentoTIFF(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	ifd := int(bo.Uint32(t[4:]))
	if ifd+2 > len(t) {
		return 1
	}
	n := int(bo.Uint16(t[ifd:]))
	for k := range n {
		e := ifd + 2 + 12*k
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) == 0x0112 {
			if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
				return v
			}
			return 1
		}
	}
	return 1
}

// orienta turns img as EXIF orientation o says it must be shown.
func orienta(img image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	out := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range h {
		for x := range w {
			var dx, dy int
			switch o {
			case 2:
				dx, dy = w-1-x, y
			case 3:
				dx, dy = w-1-x, h-1-y
			case 4:
				dx, dy = x, h-1-y
			case 5:
				dx, dy = y, x
			case 6:
				dx, dy = h-1-y, x
			case 7:
				dx, dy = h-1-y, w-1-x
			case 8:
				dx, dy = y, w-1-x
			}
			out.Set(dx, dy, img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return out
}
