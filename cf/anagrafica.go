package cf

import (
	"fmt"
	"strings"
	"time"
)

// Anagrafica is what a person declares about themselves, to be compared with
// their codice fiscale.
type Anagrafica struct {
	Cognome, Nome string
	Sesso         string    // "M" or "F"
	DataNascita   time.Time // calendar day
	CodiceLuogo   string    // Belfiore code of the birthplace, as resolved from the declared place
}

// Campi of the form a Problema can refer to.
const (
	CampoCognome       = "cognome"
	CampoNome          = "nome"
	CampoSesso         = "sesso"
	CampoDataNascita   = "data_nascita"
	CampoLuogoNascita  = "luogo_nascita"
	CampoCodiceFiscale = "codice_fiscale"
)

// Problema is a mismatch between a codice fiscale and the declared data.
type Problema struct {
	Campo     string // the form field concerned: one of the Campo constants
	Messaggio string // in Italian, for the user
}

// Verifica compares a codice fiscale with the declared data and returns one
// Problema per field that does not match; none means they are consistent.
// The birthplace must be the code's, and be a comune that existed on the
// birth date (even if later merged, renamed or moved to another provincia)
// or a foreign state or territory that existed on it.
func Verifica(cf CodiceFiscale, a Anagrafica) []Problema {
	if cf.s == "" {
		return []Problema{{CampoCodiceFiscale, "Il codice fiscale non è valido."}}
	}
	var pp []Problema
	aggiungi := func(campo, msg string) { pp = append(pp, Problema{campo, msg}) }
	for _, n := range []struct {
		campo, valore, nome, codice, nelCF string
	}{
		{CampoCognome, a.Cognome, "cognome", CodiceCognome(a.Cognome), cf.s[0:3]},
		{CampoNome, a.Nome, "nome", CodiceNome(a.Nome), cf.s[3:6]},
	} {
		switch {
		case strings.TrimSpace(n.valore) == "":
			aggiungi(n.campo, "Indica il "+n.nome+".")
		case lettere(n.valore) == "":
			aggiungi(n.campo, "Scrivi il "+n.nome+" con le lettere dell'alfabeto latino.")
		case n.codice != n.nelCF:
			aggiungi(n.campo, fmt.Sprintf("Il %s non corrisponde al codice fiscale: dal %s si ottengono le lettere «%s», nel codice fiscale ci sono «%s».",
				n.nome, n.nome, n.codice, n.nelCF))
		}
	}
	sesso := strings.ToUpper(strings.TrimSpace(a.Sesso))
	switch {
	case sesso != "M" && sesso != "F":
		aggiungi(CampoSesso, "Indica il sesso (M o F).")
	case sesso != cf.Sesso():
		aggiungi(CampoSesso, "Il sesso non corrisponde al codice fiscale.")
	}
	var nascita time.Time // stays zero unless the declared date can be trusted
	switch {
	case a.DataNascita.IsZero():
		aggiungi(CampoDataNascita, "Indica la data di nascita.")
	case !stessaData(cf, a.DataNascita):
		aggiungi(CampoDataNascita, "La data di nascita non corrisponde al codice fiscale.")
	default:
		nascita = giornoDi(a.DataNascita)
	}
	if p, ok := verificaLuogo(cf, a.CodiceLuogo, nascita); !ok {
		pp = append(pp, p)
	}
	return pp
}

// stessaData compares the declared date with the code's year (last two
// digits), month and day; the day of women is the one of the code less 40,
// whatever sex was declared, so that a wrong sex is reported only once.
func stessaData(cf CodiceFiscale, d time.Time) bool {
	g := cf.giorno()
	if g > 40 {
		g -= 40
	}
	return d.Year()%100 == cf.anno() && d.Month() == cf.mese() && d.Day() == g
}

// verificaLuogo checks the declared birthplace code against the code's and
// the history of the place. nascita is the declared birth date, or zero if
// missing or inconsistent, in which case the code's own date is used.
func verificaLuogo(cf CodiceFiscale, dichiarato string, nascita time.Time) (Problema, bool) {
	codice := cf.CodiceLuogo()
	dichiarato = strings.ToUpper(strings.TrimSpace(dichiarato))
	switch {
	case dichiarato == "":
		return Problema{CampoLuogoNascita, "Indica il luogo di nascita."}, false
	case dichiarato != codice:
		return Problema{CampoLuogoNascita, "Il luogo di nascita non corrisponde al codice fiscale."}, false
	}
	if nascita.IsZero() {
		nascita = cf.DataNascita(time.Time{})
	}
	if _, ok := LuogoPerCodice(codice, nascita); ok {
		return Problema{}, true
	}
	st := storia(codice)
	if len(st) == 0 {
		return Problema{CampoCodiceFiscale, fmt.Sprintf(
			"Il codice fiscale indica un luogo di nascita (%s) che non corrisponde a nessun comune italiano o stato estero.", codice)}, false
	}
	l := st[len(st)-1]
	if l.Estero {
		return Problema{CampoLuogoNascita, fmt.Sprintf(
			"Lo stato %s non è riconosciuto alla data di nascita.", l.Display())}, false
	}
	return Problema{CampoLuogoNascita, fmt.Sprintf(
		"Il comune di %s non esisteva alla data di nascita (codice %s, %s).", l.Etichetta(), codice, periodi(st))}, false
}

// periodi describes when a comune existed, "valido dal 17/03/1861 al
// 31/12/2013", joining the records that only changed name or provincia.
func periodi(st []Luogo) string {
	var parti []string
	for i := 0; i < len(st); i++ {
		dal := st[i].Dal
		for i+1 < len(st) && !st[i].Al.IsZero() && st[i+1].Dal.Equal(st[i].Al.AddDate(0, 0, 1)) {
			i++
		}
		p := "dal " + dal.Format("02/01/2006")
		if !st[i].Al.IsZero() {
			p += " al " + st[i].Al.Format("02/01/2006")
		}
		parti = append(parti, p)
	}
	return "valido " + strings.Join(parti, " e ")
}

// CodiceCognome returns the three letters of a surname in the codice
// fiscale: its consonants, then its vowels, then X, as many as needed
// (ROSSI → RSS, FO → FOX, D'Angelo → DNG).
func CodiceCognome(s string) string {
	consonanti, vocali := dividi(lettere(s))
	return (consonanti + vocali + "XXX")[:3]
}

// CodiceNome returns the three letters of a name in the codice fiscale: the
// 1st, 3rd and 4th consonant if it has four or more, otherwise as for the
// surname (MARIO → MRA, GIANFRANCO → GFR, Maria Luisa → MLS).
func CodiceNome(s string) string {
	consonanti, vocali := dividi(lettere(s))
	if len(consonanti) >= 4 {
		return consonanti[0:1] + consonanti[2:4]
	}
	return (consonanti + vocali + "XXX")[:3]
}

// dividi splits upper-case ASCII letters into consonants and vowels, each
// in their order.
func dividi(s string) (consonanti, vocali string) {
	var c, v strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte("AEIOU", s[i]) >= 0 {
			v.WriteByte(s[i])
		} else {
			c.WriteByte(s[i])
		}
	}
	return c.String(), v.String()
}
