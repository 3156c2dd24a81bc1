package pdf

import (
	"bytes"
	"image/color"
	"image/png"
	"regexp"
	"strings"
	"testing"
	"time"

	"abilita/domain"
)

var codice = Codice{Testo: "7KQ2-M9XD-HT4B-R1ZW", Scade: time.Date(2026, 12, 25, 9, 40, 0, 0, time.UTC)}

// precompilata is what Precompila stores: no ID, no protocol, no declarations.
func precompilata() *domain.Richiesta {
	r := richiesta(domain.ProfiloMedicoEsterno)
	r.ID, r.Sede, r.Stato, r.Percorso = 0, "", "", domain.PercorsoSportello
	r.Dichiarazioni = domain.Dichiarazioni{}
	return r
}

func TestModuloPrecompilaConCodice(t *testing.T) {
	doc, err := ModuloConCodice(precompilata(), sede, generato, codice)
	if err != nil {
		t.Fatal(err)
	}
	s := testo(t, doc)
	contiene(t, "modulo", s, codice.Testo, etichettaCodice, "Codice valido fino al 25/12/2026", spiegazioneCodice,
		sottotitoloCodice, "D'Alò", "DLANCL80C15D704X", dichiarazioneDPR445, "Firma del richiedente")
	nonContiene(t, "modulo", s, "Bozza")
	if n := pagine(t, s, notaAllegati); n > 1 && !strings.Contains(s, "Codice "+codice.Testo+" – D'Alò Nicolò") {
		t.Error("the running header of the following pages lacks the code")
	}
	immagini := regexp.MustCompile(`/Subtype /Image`).FindAll(doc, -1)
	if len(immagini) != 1 {
		t.Errorf("%d images in the module, want the QR code alone", len(immagini))
	}
	if !bytes.Contains(doc, []byte("/Filter /FlateDecode")) || !bytes.Contains(doc, []byte("/ColorSpace /DeviceGray")) {
		t.Error("the QR code is not embedded as a grey image")
	}

	senza, err := Modulo(precompilata(), sede, generato)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(senza, []byte("/Subtype /Image")) || strings.Contains(testo(t, senza), etichettaCodice) {
		t.Error("the module without a code shows one")
	}
}

func TestModuloPrecompilaDeterministico(t *testing.T) {
	a, err := ModuloConCodice(precompilata(), sede, generato, codice)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ModuloConCodice(precompilata(), sede, generato, codice)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two renderings of the same input differ")
	}
	altro := codice
	altro.Testo = "7KQ2-M9XD-HT4B-R1ZX"
	c, err := ModuloConCodice(precompilata(), sede, generato, altro)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, c) {
		t.Error("two codes gave the same module")
	}
}

func TestPrecompilaCodiceQR(t *testing.T) {
	cq, err := nuovoCodiceQR(codice)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(cq.png))
	if err != nil {
		t.Fatal(err)
	}
	lato := img.Bounds().Dx()
	if lato != img.Bounds().Dy() || lato%pixelModulo != 0 {
		t.Fatalf("image %v: not a square of whole modules", img.Bounds())
	}
	// A 19-character alphanumeric code fits the smallest symbol, version 1 (21 modules).
	if moduli := lato/pixelModulo - 2*zonaQuieta; moduli != 21 {
		t.Errorf("symbol of %d modules, want 21", moduli)
	}
	nero := func(mx, my int) bool {
		r, _, _, _ := img.At(mx*pixelModulo+pixelModulo/2, my*pixelModulo+pixelModulo/2).RGBA()
		return r < 0x8000
	}
	for i := range lato / pixelModulo {
		for _, bordo := range []int{0, zonaQuieta - 1, lato/pixelModulo - 1} {
			if nero(i, bordo) || nero(bordo, i) {
				t.Fatalf("the quiet zone has a dark module at %d, %d", i, bordo)
			}
		}
	}
	// The three finder patterns: a dark 7×7 ring with a dark 3×3 centre.
	for _, angolo := range [][2]int{{0, 0}, {14, 0}, {0, 14}} {
		x, y := angolo[0]+zonaQuieta, angolo[1]+zonaQuieta
		if !nero(x, y) || !nero(x+6, y+6) || nero(x+1, y+1) || !nero(x+3, y+3) {
			t.Errorf("no finder pattern at module %v", angolo)
		}
	}
	if img.ColorModel() != color.GrayModel {
		t.Errorf("colour model %v, want 8-bit grey", img.ColorModel())
	}
	if _, err := nuovoCodiceQR(Codice{}); err == nil {
		t.Error("an empty code gave a QR code")
	}
}

func TestRicevutaSportello(t *testing.T) {
	r := inviata()
	r.Percorso = domain.PercorsoSportello
	doc, err := Ricevuta(r, sede, generato)
	if err != nil {
		t.Fatal(err)
	}
	s := testo(t, doc)
	contiene(t, "ricevuta", s, "FC-2026-000123", "Sportello", prossimiPassiSportello)
	nonContiene(t, "ricevuta", s, "Le mie richieste")
}
