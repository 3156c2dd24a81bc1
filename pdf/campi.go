package pdf

import (
	"math"
	"strconv"
)

// campo is one labelled box of a row. Boxes share the row's width in
// proportion to their peso.
type campo struct {
	etichetta string
	valore    string
	peso      float64
	firma     bool // a tall box with a line to sign on
}

func casella(etichetta, valore string, peso float64) campo {
	return campo{etichetta: etichetta, valore: valore, peso: peso}
}

func firma(etichetta string, peso float64) campo {
	return campo{etichetta: etichetta, peso: peso, firma: true}
}

// misurato is a campo wrapped to its width, ready to draw.
type misurato struct {
	campo
	w         float64
	etichette []string
	valori    []string
}

func (m misurato) altezza() float64 {
	h := 1 + float64(len(m.etichette))*altEtichetta + float64(max(1, len(m.valori)))*altValore + 1.6
	if m.firma {
		h = max(h, altFirma)
	}
	return h
}

// misura wraps the boxes of a row to their widths and returns the row height.
func (d *documento) misura(campi []campo) ([]misurato, float64) {
	tot := 0.0
	for _, c := range campi {
		tot += c.peso
	}
	misure := make([]misurato, len(campi))
	h := 0.0
	for i, c := range campi {
		m := misurato{campo: c, w: larghezza * c.peso / tot}
		d.font("", 6.5, grigio)
		m.etichette = d.righe(c.etichetta, m.w)
		d.font("", 10, nero)
		m.valori = d.righe(c.valore, m.w)
		misure[i] = m
		h = max(h, m.altezza())
	}
	return misure, h
}

// altezzaRiga is how high riga(campi...) will be.
func (d *documento) altezzaRiga(campi ...campo) float64 {
	_, h := d.misura(campi)
	return h
}

// riga draws a row of labelled boxes, all as high as the tallest.
func (d *documento) riga(campi ...campo) {
	misure, h := d.misura(campi)
	d.spazio(h)
	x, y := margine, d.f.GetY()
	for _, m := range misure {
		d.riquadro(x, y, m.w, h, bianco, "D")
		d.font("", 6.5, grigio)
		d.scrivi(x, y+1, m.w, altEtichetta, m.etichette, "L")
		d.font("", 10, nero)
		d.scrivi(x, y+1+float64(len(m.etichette))*altEtichetta, m.w, altValore, m.valori, "L")
		if m.firma {
			d.linea(x+4, y+h-5, x+m.w-4, y+h-5, bordo, 0.2)
		}
		x += m.w
	}
	d.f.SetXY(margine, y+h)
}

// scelte draws a box with a label and a check box per option, the chosen one
// crossed (none when scelta is out of range, to be ticked by hand).
func (d *documento) scelte(etichetta string, opzioni []string, scelta int) {
	const lato, passo, gap = 3.2, 5.5, 9.0
	d.font("", 9.5, nero)
	// Lay the options out in lines before drawing, to know the box height.
	type voce struct{ x, riga float64 }
	voci := make([]voce, len(opzioni))
	x, righe := margine+2, 0.0
	for i, o := range opzioni {
		w := lato + 1.5 + d.f.GetStringWidth(d.tr(o)) + 2*d.f.GetCellMargin()
		if x+w > margine+larghezza-2 && x > margine+2 {
			x, righe = margine+2, righe+1
		}
		voci[i] = voce{x, righe}
		x += w + gap
	}
	h := 1 + altEtichetta + (righe+1)*passo + 1
	d.spazio(h)
	y := d.f.GetY()
	d.riquadro(margine, y, larghezza, h, bianco, "D")
	d.font("", 6.5, grigio)
	d.scrivi(margine, y+1, larghezza, altEtichetta, []string{d.tr(etichetta)}, "L")
	d.font("", 9.5, nero)
	for i, o := range opzioni {
		v := voci[i]
		top := y + 1 + altEtichetta + v.riga*passo + (passo-lato)/2
		d.spunta(v.x, top, i == scelta)
		d.f.SetXY(v.x+lato+1.5, top+lato/2-2)
		d.f.CellFormat(d.f.GetStringWidth(d.tr(o))+2*d.f.GetCellMargin(), 4, d.tr(o), "", 0, "L", false, 0, "")
	}
	d.f.SetXY(margine, y+h)
}

const rientroDichiarazione, altDichiarazione = 7.0, 4.0

// altezzaDichiarazione is how high dichiarazione(testo, …) will be.
func (d *documento) altezzaDichiarazione(testo string) float64 {
	d.font("", 9, nero)
	return float64(len(d.righe(testo, larghezza-rientroDichiarazione)))*altDichiarazione + 1.5
}

// dichiarazione prints a declaration beside its check box.
func (d *documento) dichiarazione(testo string, resa bool) {
	d.spazio(d.altezzaDichiarazione(testo))
	y := d.f.GetY() + 1.5
	d.spunta(margine+1, y+0.4, resa)
	d.font("", 9, nero)
	d.f.SetXY(margine+rientroDichiarazione, y)
	d.f.MultiCell(larghezza-rientroDichiarazione, altDichiarazione, d.tr(testo), "", "J", false)
	d.f.SetX(margine)
}

// tabella draws a table whose header is repeated on every page it spans.
func (d *documento) tabella(intestazioni []string, pesi []float64, righe [][]string) {
	const h = 4.4
	tot := 0.0
	for _, p := range pesi {
		tot += p
	}
	larghezze := make([]float64, len(pesi))
	for i, p := range pesi {
		larghezze[i] = larghezza * p / tot
	}
	altezza := func(celle []string, stile string) (float64, [][]string) {
		d.font(stile, 8.5, nero)
		testi := make([][]string, len(celle))
		n := 1
		for i, t := range celle {
			testi[i] = d.righe(t, larghezze[i])
			n = max(n, len(testi[i]))
		}
		return float64(n)*h + 2, testi
	}
	disegna := func(hr float64, testi [][]string, stile string, sfondo colore) {
		x, y := margine, d.f.GetY()
		for i, t := range testi {
			d.riquadro(x, y, larghezze[i], hr, sfondo, "FD")
			d.font(stile, 8.5, nero)
			d.scrivi(x, y+1, larghezze[i], h, t, "L")
			x += larghezze[i]
		}
		d.f.SetXY(margine, y+hr)
	}
	hi, testata := altezza(intestazioni, "B")
	for i, r := range righe {
		hr, testi := altezza(r, "")
		pagina := d.f.PageNo()
		d.spazio(hi + hr)
		if i == 0 || d.f.PageNo() != pagina {
			disegna(hi, testata, "B", grigioChiaro)
		}
		disegna(hr, testi, "", bianco)
	}
}

// kb formats a size in bytes as whole kilobytes, rounded up, with the Italian
// thousands separator.
func kb(n int64) string {
	k := int64(math.Ceil(float64(n) / 1024))
	s := strconv.FormatInt(k, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	return s + " KB"
}
