package domain

import (
	"fmt"
	"maps"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Passo is one step of the request form; the draft is saved after each.
type Passo string

// The steps of the form, in order.
const (
	PassoProfilo       Passo = "profilo"
	PassoAnagrafica    Passo = "anagrafica"
	PassoProfessione   Passo = "professione"
	PassoDocumento     Passo = "documento"
	PassoDichiarazioni Passo = "dichiarazioni"
	PassoAllegati      Passo = "allegati"
	PassoRiepilogo     Passo = "riepilogo"
)

// Passi lists the steps in order.
var Passi = []Passo{PassoProfilo, PassoAnagrafica, PassoProfessione, PassoDocumento, PassoDichiarazioni, PassoAllegati, PassoRiepilogo}

// Titolo is the Italian heading of the step.
func (p Passo) Titolo() string {
	switch p {
	case PassoProfilo:
		return "Tipo di richiesta e profilo"
	case PassoAnagrafica:
		return "Dati anagrafici e recapiti"
	case PassoProfessione:
		return "Dati professionali"
	case PassoDocumento:
		return "Documento di riconoscimento"
	case PassoDichiarazioni:
		return "Dichiarazioni e urgenza"
	case PassoAllegati:
		return "Modulo firmato e allegati"
	case PassoRiepilogo:
		return "Riepilogo e invio"
	}
	return string(p)
}

// Errori maps a form field name to the Italian message shown next to it.
type Errori map[string]string

// Add records msg for field unless the field already has an error.
func (e Errori) Add(field, msg string) {
	if _, ok := e[field]; !ok {
		e[field] = msg
	}
}

// Primo is the message of the first field in alphabetical order, for an
// error shown without its form.
func (e Errori) Primo() string {
	campi := slices.Sorted(maps.Keys(e))
	if len(campi) == 0 {
		return ""
	}
	return e[campi[0]]
}

// Data is the layout of the dates typed in forms (HTML date inputs).
const Data = "2006-01-02"

// MaxTesto is the longest text accepted in a single form field.
const MaxTesto = 200

// ControllaTesto refuses what no honest field holds: invalid UTF-8, control
// characters, markup and overlong values. Such input is refused before
// anything is stored.
func ControllaTesto(v string) string {
	switch {
	case !utf8.ValidString(v):
		return "Il testo contiene caratteri non validi."
	case utf8.RuneCountInString(v) > MaxTesto:
		return fmt.Sprintf("Il testo è troppo lungo: al massimo %d caratteri.", MaxTesto)
	case strings.ContainsAny(v, "<>"):
		return "I caratteri < e > non sono ammessi."
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return "Il testo contiene caratteri di controllo non ammessi."
		}
		if nascosto(r) {
			return msgNascosto
		}
	}
	return ""
}

// msgNascosto refuses invisible characters.
const msgNascosto = "Il testo contiene caratteri invisibili o che cambiano la direzione del testo: cancellali e scrivi di nuovo il testo."

// nascosto reports the characters that change how text reads without
// showing themselves: direction overrides and isolates (U+202A–U+202E,
// U+2066–U+2069), zero-width spaces and joiners, the byte order mark, and
// the other format characters; line and paragraph separators too. A name
// written "Rossi\u202Eocsid" reads otherwise than it is.
func nascosto(r rune) bool {
	return unicode.Is(unicode.Cf, r) || unicode.In(r, unicode.Zl, unicode.Zp)
}

var (
	reCAP      = regexp.MustCompile(`^[0-9]{5}$`)
	reTelefono = regexp.MustCompile(`^\+?[0-9 ]{6,20}$`)
	reNumero   = regexp.MustCompile(`^[A-Za-z0-9/-]{1,20}$`)
	reSigla    = regexp.MustCompile(`^[A-Z]{2}$`)
	reNome     = regexp.MustCompile(`^[\p{L}' .-]+$`)
)

// ParseData reads a date typed in a form.
func ParseData(s string) (time.Time, bool) {
	t, err := time.Parse(Data, s)
	return t, err == nil
}

// EmailValida reports whether s is a plain e-mail address (no display name).
func EmailValida(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

func richiesto(e Errori, field, v, msg string) bool {
	if strings.TrimSpace(v) == "" {
		e.Add(field, msg)
		return false
	}
	return true
}

func data(e Errori, field, v, nome string) (time.Time, bool) {
	if !richiesto(e, field, v, "Indica "+nome+".") {
		return time.Time{}, false
	}
	t, ok := ParseData(v)
	if !ok {
		e.Add(field, "La data non è valida: usa il formato gg/mm/aaaa.")
	}
	return t, ok
}

func giorno(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
