package cf

import (
	"strings"
	"unicode"
)

// pieghe maps the accented and special Latin letters people type in names to
// the plain letters the codice fiscale uses (Nicolò → NICOLO, Müller →
// MULLER, Æsa → AESA); keys are upper and lower case.
var pieghe = costruisciPieghe()

func costruisciPieghe() map[rune]string {
	gruppi := map[string]string{
		"A":  "ÀÁÂÃÄÅĀĂĄ",
		"AE": "Æ",
		"C":  "ÇĆĈĊČ",
		"D":  "ĎĐ",
		"E":  "ÈÉÊËĒĔĖĘĚ",
		"G":  "ĜĞĠĢ",
		"H":  "ĤĦ",
		"I":  "ÌÍÎÏĨĪĬĮİ",
		"J":  "Ĵ",
		"K":  "Ķ",
		"L":  "ĹĻĽĿŁ",
		"N":  "ÑŃŅŇ",
		"O":  "ÒÓÔÕÖØŌŎŐ",
		"OE": "Œ",
		"R":  "ŔŖŘ",
		"S":  "ŚŜŞŠ",
		"SS": "ß",
		"T":  "ŢŤŦ",
		"U":  "ÙÚÛÜŨŪŬŮŰŲ",
		"W":  "Ŵ",
		"Y":  "ÝŶŸ",
		"Z":  "ŹŻŽ",
	}
	m := make(map[rune]string)
	for base, lettere := range gruppi {
		for _, r := range lettere {
			m[r] = base
			m[unicode.ToLower(r)] = base
		}
	}
	m['ı'] = "I" // dotless i has no upper-case counterpart in the table above
	return m
}

// piega returns r as plain upper-case ASCII letters or digits, or "" when r
// is neither (spaces, apostrophes, hyphens, letters of other scripts).
func piega(r rune) string {
	switch {
	case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return string(r)
	case r >= 'a' && r <= 'z':
		return string(r - 'a' + 'A')
	}
	return pieghe[r]
}

// lettere returns the letters of a surname or name as the codice fiscale
// sees them: upper case, accents removed, anything else dropped
// (D'Angelo → DANGELO, De Luca → DELUCA).
func lettere(s string) string {
	var b strings.Builder
	for _, r := range s {
		if p := piega(r); p != "" && (p[0] < '0' || p[0] > '9') {
			b.WriteString(p)
		}
	}
	return b.String()
}

// chiave returns the form of a place name used to compare it with what
// people type: upper case, accents removed, every run of other characters
// (spaces, apostrophes, hyphens, a trailing apostrophe typed for an accent)
// turned into one space. So "Sant'Antonio", "SANT ANTONIO" and
// "sant’antonio" are the same, and "Tortoli'" is "TORTOLÌ".
func chiave(s string) string {
	if giaChiave(s) {
		return s // most ANPR names: no allocation at start-up
	}
	var b strings.Builder
	spazio := false
	for _, r := range s {
		p := piega(r)
		if p == "" {
			spazio = b.Len() > 0
			continue
		}
		if spazio {
			b.WriteByte(' ')
			spazio = false
		}
		b.WriteString(p)
	}
	return b.String()
}

// giaChiave reports whether s is its own chiave: upper-case ASCII letters
// and digits, words separated by single spaces.
func giaChiave(s string) bool {
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch >= 'A' && ch <= 'Z', ch >= '0' && ch <= '9':
		case ch == ' ' && i > 0 && i < len(s)-1 && s[i-1] != ' ':
		default:
			return false
		}
	}
	return true
}

// compatta removes the spaces of a chiave, so that "Santantonio" or
// "Vo Euganeo" typed without the apostrophe still match.
func compatta(k string) string {
	return strings.ReplaceAll(k, " ", "")
}

// particelle are the prepositions, articulated prepositions and conjunctions
// that official Italian place names write in lower case after the first
// word: "Reggio nell'Emilia", "Rocca de' Baldi", "Trinidad e Tobago".
var particelle = map[string]bool{
	"a": true, "ad": true, "ai": true, "al": true, "all'": true, "alla": true, "alle": true, "allo": true, "agli": true,
	"con": true, "d'": true, "da": true, "dai": true, "dal": true, "dall'": true, "dalla": true, "dalle": true, "dallo": true,
	"dagli": true, "de'": true, "dei": true, "del": true, "dell'": true, "della": true, "delle": true, "dello": true,
	"degli": true, "di": true, "e": true, "ed": true, "en": true, "fra": true, "in": true, "nei": true, "nel": true,
	"nell'": true, "nella": true, "nelle": true, "nello": true, "negli": true, "per": true, "su": true, "sui": true,
	"sul": true, "sull'": true, "sulla": true, "sulle": true, "sullo": true, "sugli": true, "tra": true,
}

// accentate turns a vowel followed by an apostrophe at the end of a word into
// the accented vowel, as the ANPR table of foreign states writes accents
// ("PERU'", "CITTA'"). Comuni names already carry real accents, and there a
// final apostrophe is an elision ("CA' D'ANDREA", "VO'"), so it is not used
// for them.
var accentate = map[rune]rune{'a': 'à', 'e': 'è', 'i': 'ì', 'o': 'ò', 'u': 'ù'}

// titolo writes an official upper-case place name the way it is written in
// running text: "SANT'ANGELO IN VADO" → "Sant'Angelo in Vado",
// "BOSNIA-ERZEGOVINA" → "Bosnia-Erzegovina", "L'AQUILA" → "L'Aquila".
// With accenti, a final apostrophe after a vowel becomes an accent.
func titolo(s string, accenti bool) string {
	rs := []rune(strings.ToLower(s))
	var b strings.Builder
	prima := true
	for inizio := 0; inizio < len(rs); {
		fine := inizio
		for fine < len(rs) && rs[fine] != ' ' && rs[fine] != '-' && rs[fine] != '\'' {
			fine++
		}
		if fine < len(rs) && rs[fine] == '\'' {
			fine++ // the apostrophe belongs to the word it elides: "dell'"
		}
		parola := rs[inizio:fine]
		finale := fine == len(rs) || rs[fine] == ' ' || rs[fine] == '-'
		b.WriteString(scriviParola(parola, prima, accenti && finale))
		if len(parola) > 0 {
			prima = false
		}
		inizio = fine
		if finale && fine < len(rs) {
			b.WriteRune(rs[fine]) // the space or hyphen after the word
			inizio++
		}
	}
	return b.String()
}

// scriviParola writes one word of titolo; parola ends with its apostrophe,
// if it has one, and accento says that apostrophe stands for an accent.
func scriviParola(parola []rune, prima, accento bool) string {
	n := len(parola)
	if n == 0 {
		return ""
	}
	if accento && n >= 2 && parola[n-1] == '\'' {
		if v, ok := accentate[parola[n-2]]; ok {
			parola = append(parola[:n-2:n-2], v)
		}
	}
	if !prima && particelle[string(parola)] {
		return string(parola)
	}
	parola[0] = unicode.ToUpper(parola[0])
	return string(parola)
}
