package pdf

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"time"

	"github.com/boombuler/barcode/qr"
	"github.com/go-pdf/fpdf"
)

// Codice is the code of a module filled in online without an account
// (Precompila): printed as people read it and encoded in a QR code, so that
// the operator at the counter scans or types it instead of the whole module.
type Codice struct {
	Testo string    // as printed and encoded, e.g. "ABCD-EFGH-JKMN-PQRS"
	Scade time.Time // the code is refused after this moment
}

// codiceQR is a Codice with its QR code rendered as a PNG.
type codiceQR struct {
	Codice
	png []byte
}

const (
	nomeQR = "codice-qr" // name of the image in the PDF
	latoQR = 27.0        // mm, quiet zone included

	// zonaQuieta is the white border, in modules, that scanners need around
	// the symbol (ISO/IEC 18004 asks for four).
	zonaQuieta = 4
	// pixelModulo is the side of one module in the image: enough for the
	// printer to draw sharp edges, small enough to keep the PDF light.
	pixelModulo = 8
)

// The sentence beside the code, and the subtitle of a pre-filled module.
const (
	spiegazioneCodice = "Allo sportello l'operatore legge il QR code o digita il codice e carica i dati senza ridigitarli."
	sottotitoloCodice = "Modulo compilato online con Precompila. Verificare i dati, completare a mano le parti vuote, firmare il modulo e presentarlo a una sede Inail con il documento di riconoscimento."
	etichettaCodice   = "Codice del modulo precompilato"
	etichettaScadenza = "Codice valido fino al"
)

// nuovoCodiceQR encodes the code at error correction level M (15 % of the
// symbol may be smudged), with the quiet zone, as an 8-bit grey PNG: the
// same input always gives the same bytes.
func nuovoCodiceQR(c Codice) (*codiceQR, error) {
	if c.Testo == "" {
		return nil, errors.New("pdf: codice mancante")
	}
	simbolo, err := qr.Encode(c.Testo, qr.M, qr.Auto)
	if err != nil {
		return nil, err
	}
	n := simbolo.Bounds().Dx()
	lato := (n + 2*zonaQuieta) * pixelModulo
	img := image.NewGray(image.Rect(0, 0, lato, lato))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for x := range n {
		for y := range n {
			if simbolo.At(x, y) != color.Black {
				continue
			}
			for dx := range pixelModulo {
				for dy := range pixelModulo {
					img.SetGray((x+zonaQuieta)*pixelModulo+dx, (y+zonaQuieta)*pixelModulo+dy, color.Gray{})
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return &codiceQR{Codice: c, png: buf.Bytes()}, nil
}

// codice draws, from y down and w wide, the code with its expiry, and the QR
// code at the top right of the page. It returns where the header goes on.
func (d *documento) codice(y, w float64) float64 {
	c := d.imp.codice
	d.f.ImageOptions(nomeQR, margine+larghezza-latoQR, margine-2, latoQR, latoQR, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	d.f.SetXY(margine, y+1)
	d.font("", 7, grigio)
	d.f.CellFormat(w, 3.5, d.tr(etichettaCodice), "", 2, "L", false, 0, "")
	d.f.SetFont("Courier", "B", 18)
	d.f.SetTextColor(blu.r, blu.g, blu.b)
	d.f.CellFormat(w, 8, d.tr(c.Testo), "", 2, "L", false, 0, "")
	d.font("", 7.5, grigio)
	d.f.MultiCell(w, 3.6, d.tr(etichettaScadenza+" "+c.Scade.In(roma).Format("02/01/2006")+". "+spiegazioneCodice), "", "L", false)
	return max(d.f.GetY(), margine-2+latoQR) + 1.5
}
