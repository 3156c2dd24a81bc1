// Package pdf renders the documents Abilita hands to applicants: the request
// module pre-filled with their data, to be signed, and the receipt after
// submission. Both use only the PDF core fonts, so every string goes through
// the cp1252 translator before it reaches fpdf.
package pdf

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // Italian time must print right on hosts without a zoneinfo database

	"github.com/go-pdf/fpdf"

	"abilita/domain"
)

// Sede is what the PDFs print about the office (the caller converts its own sede type).
type Sede struct{ Codice, Nome, Indirizzo, Email, PEC string }

// ContactCenter is the number of Inail's contact centre, given where a
// sede's own contacts are missing.
const ContactCenter = "06.6001"

// istituto is the Institute's name as every page header prints it.
const istituto = "Inail – Istituto nazionale per l'assicurazione contro gli infortuni sul lavoro"

// Page geometry, in millimetres on A4.
const (
	margine     = 15.0
	larghezza   = 210 - 2*margine
	limiteBasso = 297 - 22.0 // content stops here; the footer lives below
)

// Box geometry: a small label on top, the value below, wrapped.
const (
	altEtichetta = 3.0
	altValore    = 4.6
	altSezione   = 6.5
	altFirma     = 22.0
)

type colore struct{ r, g, b int }

var (
	blu          = colore{0, 84, 150}
	nero         = colore{25, 25, 25}
	grigio       = colore{90, 90, 90}
	bordo        = colore{150, 150, 150}
	azzurro      = colore{229, 238, 247}
	grigioChiaro = colore{238, 238, 238}
	bianco       = colore{255, 255, 255}
)

var roma = domain.Roma

// impostazioni describe one kind of document.
type impostazioni struct {
	titolo       string // document metadata
	oggetto      string // document metadata
	testata      string // running header of the pages after the first
	riferimento  string // right side of the running header
	nota         string // left side of every footer
	generato     time.Time
	codice       *codiceQR // printed with its QR code at the top right of the first page, when set
	disegnaCorpo func(d *documento)
}

// documento wraps fpdf with the form primitives both documents share.
type documento struct {
	f        *fpdf.Fpdf
	tr       func(string) string
	imp      impostazioni
	pagine   int    // total pages; 0 on the measuring pass
	sezioni  int    // sections numbered so far
	inAttesa string // section title waiting to be drawn with its first block
}

// genera renders the document twice: the first pass counts the pages, so the
// second can print "Pagina N di M" with M known and right-aligned exactly.
func genera(imp impostazioni) ([]byte, error) {
	prova := nuovo(imp, 0)
	imp.disegnaCorpo(prova)
	if err := prova.f.Error(); err != nil {
		return nil, err
	}
	d := nuovo(imp, prova.f.PageNo())
	imp.disegnaCorpo(d)
	var buf bytes.Buffer
	if err := d.f.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func nuovo(imp impostazioni, pagine int) *documento {
	f := fpdf.New("P", "mm", "A4", "")
	d := &documento{f: f, tr: f.UnicodeTranslatorFromDescriptor(""), imp: imp, pagine: pagine}
	f.SetMargins(margine, margine, margine)
	f.SetAutoPageBreak(true, 297-limiteBasso)
	f.SetTitle(imp.titolo, true)
	f.SetSubject(imp.oggetto, true)
	f.SetAuthor("Inail – Abilita", true)
	f.SetCreator("Abilita", true)
	f.SetLang("it-IT")
	// Fixed dates and sorted catalogs make the output a function of the inputs alone.
	f.SetCreationDate(imp.generato.In(roma))
	f.SetModificationDate(imp.generato.In(roma))
	f.SetCatalogSort(true)
	f.SetHeaderFunc(d.testata)
	f.SetFooterFunc(d.piede)
	if imp.codice != nil {
		f.RegisterImageOptionsReader(nomeQR, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(imp.codice.png))
	}
	f.AddPage()
	return d
}

func (d *documento) font(stile string, corpo float64, c colore) {
	d.f.SetFont("Helvetica", stile, corpo)
	d.f.SetTextColor(c.r, c.g, c.b)
}

// righe translates testo to cp1252 and wraps it to width w in the current font.
func (d *documento) righe(testo string, w float64) []string {
	testo = strings.TrimSpace(testo)
	if testo == "" {
		return nil
	}
	var out []string
	for _, l := range d.f.SplitLines([]byte(d.tr(testo)), w) {
		out = append(out, string(l))
	}
	return out
}

// scrivi prints already translated lines from (x, y), one below the other.
func (d *documento) scrivi(x, y, w, h float64, righe []string, allinea string) {
	for i, l := range righe {
		d.f.SetXY(x, y+float64(i)*h)
		d.f.CellFormat(w, h, l, "", 0, allinea, false, 0, "")
	}
}

func (d *documento) testata() {
	if d.f.PageNo() == 1 {
		return
	}
	d.font("", 7.5, grigio)
	d.f.SetXY(margine, 9)
	sinistra := d.tr(d.imp.testata)
	w := d.f.GetStringWidth(sinistra) + 2*d.f.GetCellMargin()
	d.f.CellFormat(w, 4, sinistra, "", 0, "L", false, 0, "")
	d.f.CellFormat(larghezza-w, 4, d.accorcia(d.tr(d.imp.riferimento), larghezza-w-8), "", 0, "R", false, 0, "")
	d.linea(margine, 14, margine+larghezza, 14, blu, 0.4)
	d.f.SetXY(margine, 18)
}

// accorcia cuts already translated text to width w, ending it with an ellipsis.
func (d *documento) accorcia(s string, w float64) string {
	if d.f.GetStringWidth(s) <= w {
		return s
	}
	puntini := d.tr("…")
	for len(s) > 0 && d.f.GetStringWidth(s+puntini) > w {
		s = s[:len(s)-1]
	}
	return strings.TrimRight(s, " ") + puntini
}

func (d *documento) piede() {
	y := 297 - 17.0
	d.linea(margine, y, margine+larghezza, y, bordo, 0.2)
	d.font("", 7.5, grigio)
	d.f.SetXY(margine, y+1.5)
	d.f.CellFormat(larghezza-30, 4, d.tr(d.imp.nota), "", 0, "L", false, 0, "")
	pagina := fmt.Sprintf("Pagina %d di %d", d.f.PageNo(), d.pagine)
	d.f.CellFormat(30, 4, pagina, "", 0, "R", false, 0, "")
}

func (d *documento) linea(x1, y1, x2, y2 float64, c colore, spessore float64) {
	d.f.SetDrawColor(c.r, c.g, c.b)
	d.f.SetLineWidth(spessore)
	d.f.Line(x1, y1, x2, y2)
}

func (d *documento) riquadro(x, y, w, h float64, c colore, stile string) {
	d.f.SetDrawColor(bordo.r, bordo.g, bordo.b)
	d.f.SetFillColor(c.r, c.g, c.b)
	d.f.SetLineWidth(0.2)
	d.f.Rect(x, y, w, h, stile)
}

// intestazione draws the top of the first page: the Institute, the service
// (beside the code and its QR code, when the document has one), boxes with
// the references of the document, the title and a subtitle.
func (d *documento) intestazione(riferimenti []campo, titolo, sottotitolo string) {
	w := larghezza
	if d.imp.codice != nil {
		w -= latoQR + 4
	}
	d.f.SetXY(margine, margine)
	d.font("B", 11.5, blu)
	d.f.MultiCell(w, 6, d.tr(istituto), "", "L", false)
	d.font("", 8.5, grigio)
	d.f.MultiCell(w, 4.5, d.tr("Abilitazione ai servizi telematici per Medici Esterni/Presidi Ospedalieri"), "", "L", false)
	y := d.f.GetY() + 1.5
	if d.imp.codice != nil {
		y = d.codice(y, w)
	}
	d.linea(margine, y, margine+larghezza, y, blu, 0.8)
	d.f.SetY(y + 3)
	if len(riferimenti) > 0 {
		d.riga(riferimenti...)
	}

	d.f.Ln(5)
	d.font("B", 13.5, nero)
	d.f.MultiCell(larghezza, 6.2, d.tr(titolo), "", "C", false)
	if sottotitolo != "" {
		d.f.Ln(1)
		d.font("I", 8.5, grigio)
		d.f.MultiCell(larghezza, 4.2, d.tr(sottotitolo), "", "C", false)
	}
	d.f.Ln(2)
}

// sezione opens a numbered section; its title is drawn together with the
// first block that follows, so a title is never left alone at a page bottom.
func (d *documento) sezione(titolo string) {
	d.sezioni++
	d.inAttesa = fmt.Sprintf("%d. %s", d.sezioni, titolo)
}

// spazio makes room for a block h high, moving to a new page if needed, and
// draws the pending section title above it.
func (d *documento) spazio(h float64) {
	extra := 0.0
	if d.inAttesa != "" {
		extra = altSezione + 4
	}
	if d.f.GetY()+extra+h > limiteBasso {
		d.f.AddPage()
	}
	if d.inAttesa == "" {
		return
	}
	y := d.f.GetY() + 4
	d.f.SetFillColor(blu.r, blu.g, blu.b)
	d.f.Rect(margine, y, larghezza, altSezione, "F")
	d.font("B", 9.5, bianco)
	d.f.SetXY(margine+1, y)
	d.f.CellFormat(larghezza-2, altSezione, d.tr(d.inAttesa), "", 0, "L", false, 0, "")
	d.f.SetXY(margine, y+altSezione)
	d.inAttesa = ""
}

// altezzaParagrafo is how high paragrafo(testo, stile, corpo, …) will be.
func (d *documento) altezzaParagrafo(testo, stile string, corpo float64) float64 {
	d.font(stile, corpo, nero)
	return float64(len(d.righe(testo, larghezza)))*corpo*0.47 + 3
}

// paragrafo prints running text across the page.
func (d *documento) paragrafo(testo, stile string, corpo float64, c colore) {
	d.spazio(d.altezzaParagrafo(testo, stile, corpo))
	d.font(stile, corpo, c)
	d.f.Ln(1.5)
	d.f.MultiCell(larghezza, corpo*0.47, d.tr(testo), "", "J", false)
	d.f.Ln(1.5)
}

// spunta draws a check box, crossed when scelto.
func (d *documento) spunta(x, y float64, scelto bool) {
	const lato = 3.2
	d.riquadro(x, y, lato, lato, bianco, "FD")
	if scelto {
		d.linea(x+0.6, y+0.6, x+lato-0.6, y+lato-0.6, nero, 0.4)
		d.linea(x+0.6, y+lato-0.6, x+lato-0.6, y+0.6, nero, 0.4)
	}
}
