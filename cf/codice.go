package cf

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Motivo tells which rule a codice fiscale breaks.
type Motivo string

// Reasons a codice fiscale is refused by Parse.
const (
	MotivoVuoto     Motivo = "vuoto"
	MotivoLunghezza Motivo = "lunghezza"
	MotivoFormato   Motivo = "formato"
	MotivoMese      Motivo = "mese"
	MotivoGiorno    Motivo = "giorno"
	MotivoData      Motivo = "data"
	MotivoControllo Motivo = "controllo"
)

// messaggi are the texts shown to the user for each Motivo.
var messaggi = map[Motivo]string{
	MotivoVuoto:     "Indica il codice fiscale.",
	MotivoLunghezza: "Il codice fiscale deve avere 16 caratteri.",
	MotivoFormato:   "Il codice fiscale non ha il formato corretto: 6 lettere, 2 cifre, 1 lettera, 2 cifre, 1 lettera, 3 cifre e 1 lettera finale.",
	MotivoMese:      "La lettera del mese di nascita nel codice fiscale non è valida.",
	MotivoGiorno:    "Il giorno di nascita nel codice fiscale non è valido.",
	MotivoData:      "La data di nascita contenuta nel codice fiscale non esiste.",
	MotivoControllo: "Il carattere di controllo del codice fiscale non è corretto.",
}

// Errore is the error Parse returns: Messaggio is in Italian and can be shown
// to the user as it is.
type Errore struct {
	Motivo    Motivo
	Messaggio string
}

func (e *Errore) Error() string { return e.Messaggio }

func errore(m Motivo) *Errore { return &Errore{Motivo: m, Messaggio: messaggi[m]} }

// CodiceFiscale is a well-formed codice fiscale of a natural person, check
// character verified. The zero value is not a valid code.
type CodiceFiscale struct {
	s string // 16 upper-case ASCII characters, as typed (omocodia kept)
}

const (
	lunghezza = 16
	mesi      = "ABCDEHLMPRST" // birth month letters, January to December
	// omocodie are the letters that replace the digits 0-9 when two people
	// would otherwise get the same code.
	omocodie = "LMNPQRSTUV"
)

// posNumeriche are the positions of the seven digits omocodia may replace.
var posNumeriche = [...]int{6, 7, 9, 10, 12, 13, 14}

// Parse reads a codice fiscale as typed by a person: it trims it, removes any
// inner white space and upper-cases it, then checks length, pattern, month,
// day, calendar date and check character. Errors are *Errore values.
func Parse(s string) (CodiceFiscale, error) {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToUpper(r)
	}, s)
	switch {
	case s == "":
		return CodiceFiscale{}, errore(MotivoVuoto)
	case utf8.RuneCountInString(s) != lunghezza:
		return CodiceFiscale{}, errore(MotivoLunghezza)
	case !formatoValido(s):
		return CodiceFiscale{}, errore(MotivoFormato)
	}
	c := CodiceFiscale{s: s}
	mese := strings.IndexByte(mesi, s[8])
	if mese < 0 {
		return CodiceFiscale{}, errore(MotivoMese)
	}
	g := c.giorno()
	if g < 1 || g > 71 || (g > 31 && g < 41) {
		return CodiceFiscale{}, errore(MotivoGiorno)
	}
	if g > 40 {
		g -= 40
	}
	if g > giorniNelMese(time.Month(mese+1), c.anno()) {
		return CodiceFiscale{}, errore(MotivoData)
	}
	if CarattereControllo(s[:15]) != s[15] {
		return CodiceFiscale{}, errore(MotivoControllo)
	}
	return c, nil
}

// formatoValido checks the pattern LLLLLLNNLNNLNNNL, where N is a digit or
// an omocodia letter; s is 16 bytes of ASCII or longer.
func formatoValido(s string) bool {
	if len(s) != lunghezza {
		return false // non-ASCII characters
	}
	numerica := [lunghezza]bool{}
	for _, p := range posNumeriche {
		numerica[p] = true
	}
	for i := 0; i < lunghezza; i++ {
		ch := s[i]
		lettera := ch >= 'A' && ch <= 'Z'
		if numerica[i] {
			if !(ch >= '0' && ch <= '9') && strings.IndexByte(omocodie, ch) < 0 {
				return false
			}
		} else if !lettera {
			return false
		}
	}
	return true
}

// giorniNelMese counts the days of month m in a year ending in yy. Both
// 19yy and 20yy are leap years when yy is a multiple of 4 (2000 included),
// so 29 February only needs yy.
func giorniNelMese(m time.Month, yy int) int {
	if m == time.February && yy%4 == 0 {
		return 29
	}
	return time.Date(2001, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// dispari are the values of the characters in odd positions (1st, 3rd, …)
// for the check character, indexed by digit or by letter.
var dispari = [26]int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23}

// CarattereControllo computes the check character of the first 15
// characters of a codice fiscale (upper-case letters and digits). It returns
// 0 if first15 is not 15 such characters.
func CarattereControllo(first15 string) byte {
	if len(first15) != lunghezza-1 {
		return 0
	}
	somma := 0
	for i := 0; i < len(first15); i++ {
		var v int
		switch ch := first15[i]; {
		case ch >= '0' && ch <= '9':
			v = int(ch - '0')
		case ch >= 'A' && ch <= 'Z':
			v = int(ch - 'A')
		default:
			return 0
		}
		if i%2 == 0 { // 1st, 3rd, … character: odd in the 1-based count of the rule
			v = dispari[v]
		}
		somma += v
	}
	return byte('A' + somma%26)
}

// String returns the code in upper case, as typed (omocodia kept).
func (c CodiceFiscale) String() string { return c.s }

// Omocodico reports whether some digits were replaced by letters because of
// omocodia.
func (c CodiceFiscale) Omocodico() bool {
	if c.s == "" {
		return false
	}
	for _, p := range posNumeriche {
		if c.s[p] > '9' {
			return true
		}
	}
	return false
}

// Base returns the code with the omocodia letters turned back into digits
// and the check character recomputed: the code the person would have had
// without omocodia.
func (c CodiceFiscale) Base() string {
	if c.s == "" {
		return ""
	}
	b := []byte(c.s)
	for _, p := range posNumeriche {
		b[p] = cifra(b[p])
	}
	b[15] = CarattereControllo(string(b[:15]))
	return string(b)
}

// cifra decodes one character of a numeric position.
func cifra(ch byte) byte {
	if i := strings.IndexByte(omocodie, ch); i >= 0 {
		return byte('0' + i)
	}
	return ch
}

// numero decodes the digits at positions from..to-1.
func (c CodiceFiscale) numero(from, to int) int {
	n := 0
	for i := from; i < to; i++ {
		n = n*10 + int(cifra(c.s[i])-'0')
	}
	return n
}

func (c CodiceFiscale) anno() int   { return c.numero(6, 8) }
func (c CodiceFiscale) giorno() int { return c.numero(9, 11) }

func (c CodiceFiscale) mese() time.Month {
	return time.Month(strings.IndexByte(mesi, c.s[8]) + 1)
}

// Sesso returns "F" for women (day of birth increased by 40) and "M" for men.
func (c CodiceFiscale) Sesso() string {
	if c.s == "" {
		return ""
	}
	if c.giorno() > 40 {
		return "F"
	}
	return "M"
}

// EtaMinima is the age, in years, DataNascita assumes a holder has at
// least: the people who apply are adults.
const EtaMinima = 18

// DataNascita returns the birth date, at midnight UTC. The code holds only
// the last two digits of the year: DataNascita picks the latest date on
// which a person is at least EtaMinima years old on ref (today if ref is
// zero), so that read in 2026 a code with 26 is someone born in 1926, not a
// newborn, and codes of people born in 1950 and in 2005 both read right.
func (c CodiceFiscale) DataNascita(ref time.Time) time.Time {
	if c.s == "" {
		return time.Time{}
	}
	ref = giornoDi(ref)
	g := c.giorno()
	if g > 40 {
		g -= 40
	}
	ultimo := ref.Year() - EtaMinima
	y := ultimo - ((ultimo-c.anno())%100+100)%100
	var t time.Time
	// One step back serves a birthday later in the year than ref; the others
	// only 29 February of years ending in 00, not leap in 1900, 1800, 1700.
	// The age is counted as domain counts it, with AddDate.
	for range 5 {
		t = time.Date(y, c.mese(), g, 0, 0, 0, 0, time.UTC)
		if t.Day() == g && !t.AddDate(EtaMinima, 0, 0).After(ref) {
			break
		}
		y -= 100
	}
	return t
}

// CodiceLuogo returns the Belfiore code of the birthplace, omocodia decoded:
// a comune ("F205") or a foreign state ("Z110").
func (c CodiceFiscale) CodiceLuogo() string {
	if c.s == "" {
		return ""
	}
	return string([]byte{c.s[11], cifra(c.s[12]), cifra(c.s[13]), cifra(c.s[14])})
}

// giornoDi returns the calendar day of t (in t's location) at midnight UTC;
// a zero t means today.
func giornoDi(t time.Time) time.Time {
	if t.IsZero() {
		t = time.Now()
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
