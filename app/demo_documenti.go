package app

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"strings"
	"time"

	"abilita/domain"
)

// The attachments of the demo's requests, drawn here: the identity
// document, front (PNG) and back (JPEG), written with the request's own
// data so that the operator has something to compare; the signed module is
// the pre-filled module PDF of the request (package pdf).

// Lati of an ID-1 card (85.6 × 54 mm) at 10 pixels a millimetre.
const larghezzaDocumento, altezzaDocumento = 856, 540

var (
	fondoDocumento = color.RGBA{222, 234, 238, 255}
	bandaDocumento = color.RGBA{0, 84, 135, 255}
	etichetta      = color.RGBA{70, 90, 100, 255}
	inchiostro     = color.RGBA{20, 20, 30, 255}
	bianco         = color.RGBA{255, 255, 255, 255}
)

// data writes a date of the form (domain.Data) as documents print it.
func dataDocumento(s string) string {
	if t, ok := domain.ParseData(s); ok {
		return t.Format("02.01.2006")
	}
	return s
}

// campo draws a label and, under it, its value: large when it fits before
// the right edge, smaller otherwise.
func campo(img *image.RGBA, x, y int, nome, valore string) {
	scrivi(img, x, y, 2, etichetta, nome)
	scala := 3
	if x+len(valore)*6*scala > larghezzaDocumento-20 {
		scala = 2
	}
	scrivi(img, x, y+20, scala, inchiostro, valore)
}

// nuovoDocumento is a blank card with its header band.
func nuovoDocumento(r *domain.Richiesta) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, larghezzaDocumento, altezzaDocumento))
	rettangolo(img, 0, 0, larghezzaDocumento, altezzaDocumento, fondoDocumento)
	rettangolo(img, 0, 0, larghezzaDocumento, 78, bandaDocumento)
	scrivi(img, 28, 12, 3, bianco, "Repubblica Italiana")
	scrivi(img, 28, 48, 2, bianco, r.Documento.Tipo)
	numero := "N. " + r.Documento.Numero
	scrivi(img, larghezzaDocumento-28-len(numero)*12, 48, 2, bianco, numero)
	return img
}

// fronteDocumento draws the front of the applicant's identity document.
func fronteDocumento(r *domain.Richiesta) ([]byte, error) {
	img := nuovoDocumento(r)
	a, d := r.Anagrafica, r.Documento
	// The photograph: a grey silhouette.
	rettangolo(img, 28, 104, 190, 240, color.RGBA{196, 203, 206, 255})
	sagoma := color.RGBA{122, 132, 138, 255}
	for y := 104; y < 344; y++ {
		for x := 28; x < 218; x++ {
			testa := math.Hypot(float64(x-123), float64(y-190)) < 46
			spalle := math.Hypot(float64(x-123)/1.5, float64(y-344)) < 72
			if testa || spalle {
				img.Set(x, y, sagoma)
			}
		}
	}
	luogo := a.LuogoNascita
	if a.ProvinciaNascita != "" && a.ProvinciaNascita != "EE" {
		luogo += " (" + a.ProvinciaNascita + ")"
	}
	campo(img, 250, 104, "Cognome", a.Cognome)
	campo(img, 250, 162, "Nome", a.Nome)
	campo(img, 250, 220, "Luogo e data di nascita", luogo+" "+dataDocumento(a.DataNascita))
	campo(img, 250, 278, "Sesso", a.Sesso)
	campo(img, 420, 278, "Cittadinanza", a.Cittadinanza)
	campo(img, 250, 336, "Emissione", dataDocumento(d.DataRilascio))
	campo(img, 520, 336, "Scadenza", dataDocumento(d.DataScadenza))
	scrivi(img, 28, 404, 2, etichetta, "Firma del titolare")
	// The signature: a loose wave.
	for x := 40; x < 330; x++ {
		y := 470 + int(14*math.Sin(float64(x)/9)+8*math.Sin(float64(x)/23))
		rettangolo(img, x, y, 3, 3, inchiostro)
	}
	var buf bytes.Buffer
	err := png.Encode(&buf, img)
	return buf.Bytes(), err
}

// retroDocumento draws the back of the applicant's identity document, with
// its machine-readable zone.
func retroDocumento(r *domain.Richiesta) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, larghezzaDocumento, altezzaDocumento))
	rettangolo(img, 0, 0, larghezzaDocumento, altezzaDocumento, fondoDocumento)
	res := r.Residenza
	campo(img, 28, 28, "Codice fiscale", r.Anagrafica.CodiceFiscale)
	campo(img, 28, 92, "Indirizzo di residenza", res.Indirizzo)
	scrivi(img, 28, 150, 3, inchiostro, res.CAP+" "+res.Comune+" ("+res.Provincia+")")
	campo(img, 28, 198, "Rilasciato da", r.Documento.RilasciatoDa)
	rettangolo(img, 0, 370, larghezzaDocumento, 170, bianco)
	for i, riga := range zonaLettura(r) {
		scrivi(img, 158, 390+i*48, 3, inchiostro, riga)
	}
	var buf bytes.Buffer
	err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	return buf.Bytes(), err
}

// zonaLettura is the machine-readable zone of an ID-1 document (ICAO 9303,
// TD1): three lines of 30 characters with their check digits.
func zonaLettura(r *domain.Richiesta) [3]string {
	a, d := r.Anagrafica, r.Documento
	riempi := func(s string, n int) string { return (s + strings.Repeat("<", n))[:n] }
	aammgg := func(s string) string {
		t, _ := time.Parse(domain.Data, s)
		return t.Format("060102")
	}
	numero := riempi(strings.ToUpper(d.Numero), 9)
	riga1 := "C<ITA" + numero + controlloMRZ(numero) + strings.Repeat("<", 15)
	nascita, scadenza := aammgg(a.DataNascita), aammgg(d.DataScadenza)
	parziale := nascita + controlloMRZ(nascita) + a.Sesso + scadenza + controlloMRZ(scadenza) + "ITA" + strings.Repeat("<", 11)
	riga2 := parziale + controlloMRZ(riga1[5:30]+parziale[0:7]+parziale[8:15]+parziale[18:29])
	nomi := strings.NewReplacer(" ", "<", "'", "").Replace(strings.ToUpper(a.Cognome + "<<" + a.Nome))
	return [3]string{riga1, riga2, riempi(nomi, 30)}
}

// controlloMRZ is the ICAO check digit of s: weights 7, 3, 1 over the
// values of its characters (digits, A=10 … Z=35, < = 0).
func controlloMRZ(s string) string {
	somma := 0
	for i, c := range s {
		v := 0
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		}
		somma += v * []int{7, 3, 1}[i%3]
	}
	return fmt.Sprint(somma % 10)
}
