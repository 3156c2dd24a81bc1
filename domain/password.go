package domain

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// MaxPasswordLen is the longest password accepted, in characters. NIST SP
// 800-63B asks that at least 64 be allowed; the cap keeps hashing input small.
const MaxPasswordLen = 128

// MinPassword is the shortest password anyone chooses: 15 characters, what
// NIST 800-63B rev. 4 asks of a password used alone (DESIGN.md §4 asks at
// least 12 with a second factor). One rule for everyone, so that a generic
// user who becomes a holder, or an operator, reads the same sentence.
const MinPassword = 15

// MinimoPassword is the shortest password u may choose now.
func (u *Utente) MinimoPassword() int { return MinPassword }

// ControllaPassword applies the password policy to a password u chooses,
// at least minimo characters long, refusing u's own personal data: codice
// fiscale, surname, name and the local part of the e-mail address.
func (u *Utente) ControllaPassword(password string, minimo int) error {
	locale, _, _ := strings.Cut(u.Email, "@")
	return ControllaPassword(password, minimo, u.CodiceFiscale, u.Cognome, u.Nome, locale)
}

// passwordRifiutata is the refusal of a password, with the reason shown
// next to the field.
func passwordRifiutata(motivo string) error { return &Errore{Codice: ErrNonValido, Messaggio: motivo} }

// reservedWords may not appear anywhere in a password: they are the first
// guesses of anyone attacking this service.
var reservedWords = []string{"inail", "abilita"}

//go:embed data/common-passwords.txt
var commonPasswordsText string

// commonPasswords is the embedded blocklist, parsed on first use.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{})
	for line := range strings.Lines(commonPasswordsText) {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			set[strings.ToLower(line)] = struct{}{}
		}
	}
	return set
})

// ControllaPassword applies the password policy of NIST SP 800-63B rev. 4: at
// least minLen characters (counted as Unicode characters, not bytes), at
// most MaxPasswordLen, no composition rules, and none of the following: a
// common password, a character repeated or a simple sequence making up the
// whole password, the words "inail" or "abilita", or any personal string of
// four or more characters (codice fiscale, name, surname, e-mail address).
// Comparisons ignore case. It returns an ErrNonValido *Errore whose message
// is the reason, or nil if the password is acceptable.
func ControllaPassword(password string, minLen int, personal ...string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < minLen:
		return passwordRifiutata(fmt.Sprintf("La password deve contenere almeno %d caratteri.", minLen))
	case n > MaxPasswordLen:
		return passwordRifiutata(fmt.Sprintf("La password non può superare i %d caratteri.", MaxPasswordLen))
	}
	lower := strings.ToLower(password)
	if isRepetitive(lower) {
		return passwordRifiutata("La password non può essere una ripetizione o una sequenza di caratteri " +
			"(come «aaaa», «abcabc» o «12345»).")
	}
	if _, ok := commonPasswords()[lower]; ok {
		return passwordRifiutata("La password è tra le più usate e facili da indovinare: scegline un'altra.")
	}
	for _, w := range reservedWords {
		if strings.Contains(lower, w) {
			return passwordRifiutata(fmt.Sprintf("La password non può contenere la parola «%s».", w))
		}
	}
	compact := strings.Join(strings.Fields(lower), "")
	for _, p := range personal {
		for _, w := range personalWords(p) {
			if strings.Contains(lower, w) || strings.Contains(compact, w) {
				return passwordRifiutata("La password non può contenere i tuoi dati personali " +
					"(codice fiscale, nome, cognome o indirizzo e-mail).")
			}
		}
	}
	return nil
}

// minPersonalLen is the shortest personal string worth refusing: shorter ones
// ("Li", "Re") would refuse many innocent passwords.
const minPersonalLen = 4

// personalWords returns the lower-case strings of p that a password may not
// contain: p itself without spaces, and each of its words, where an e-mail
// address counts only for its local part ("mario.rossi" in
// "mario.rossi@example.it") and words are split at spaces, dots, hyphens,
// underscores, plus signs and apostrophes ("De Luca", "D'Angelo").
func personalWords(p string) []string {
	p = strings.ToLower(strings.TrimSpace(p))
	if at := strings.LastIndexByte(p, '@'); at >= 0 {
		p = p[:at]
	}
	words := strings.FieldsFunc(p, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(".-_+'’", r)
	})
	candidates := append([]string{strings.Join(strings.Fields(p), "")}, words...)
	var out []string
	for _, w := range candidates {
		if utf8.RuneCountInString(w) >= minPersonalLen {
			out = append(out, w)
		}
	}
	return out
}

// isRepetitive reports whether s is made of one unit repeated ("aaaa",
// "abcabc", "passwordpassword") or is one sequence of consecutive
// characters, ascending or descending ("abcdef", "987654"; digits and
// letters wrap around, as in "7890123").
func isRepetitive(s string) bool {
	r := []rune(s)
	if len(r) < 2 {
		return false
	}
	for unit := 1; unit <= len(r)/2; unit++ {
		if len(r)%unit == 0 && repeats(r, unit) {
			return true
		}
	}
	return isSequence(r, 1) || isSequence(r, -1)
}

func repeats(r []rune, unit int) bool {
	for i := unit; i < len(r); i++ {
		if r[i] != r[i-unit] {
			return false
		}
	}
	return true
}

func isSequence(r []rune, step int) bool {
	for i := 1; i < len(r); i++ {
		if r[i] != successor(r[i-1], step) {
			return false
		}
	}
	return true
}

// successor returns the character step places after c, wrapping within
// digits and within lower-case ASCII letters.
func successor(c rune, step int) rune {
	switch {
	case c >= '0' && c <= '9':
		return '0' + (c-'0'+rune(step)+10)%10
	case c >= 'a' && c <= 'z':
		return 'a' + (c-'a'+rune(step)+26)%26
	}
	return c + rune(step)
}
