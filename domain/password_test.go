package domain

import (
	"errors"
	"strings"
	"testing"
)

func TestControllaPassword(t *testing.T) {
	personal := []string{"RSSMRA80A01H501U", "Mario", "De Luca", "m.deluca@example.it", "Li"}
	tests := []struct {
		name     string
		password string
		minLen   int
		want     string // substring of the reason; "" means accepted
	}{
		{"long passphrase", "cavallo batteria graffetta", 15, ""},
		{"exactly the minimum", "vento-sul-lago!", 15, ""},
		{"minimum counted in characters", "àèìòùàèìòùàèìò", 15, "almeno 15 caratteri"},
		{"accented characters count once", "perché così è già", 15, ""},
		{"too short", "corta", 12, "almeno 12 caratteri"},
		{"empty", "", 12, "almeno 12 caratteri"},
		{"128 characters", strings.Repeat("ab1", 42) + "xy", 15, ""},
		{"129 characters", strings.Repeat("ab1", 43), 15, "non può superare i 128"},
		{"no composition rules", "tuttominuscolosenzanumeri", 15, ""},
		{"common", "password123456", 12, "più usate"},
		{"common, other case", "QwertyuiopASDF", 12, "più usate"},
		{"common long digits", "123456789012345", 15, "sequenza"},
		{"common italian", "forzanapolisempre", 15, "più usate"},
		{"inailinail", "inailinail", 8, "ripetizione"},
		{"common with inail", "passwordinail", 8, "più usate"},
		{"contains inail", "LaMiaPasswordINAIL2024", 15, "«inail»"},
		{"contains abilita", "portale-Abilita-medici", 15, "«abilita»"},
		{"one character repeated", "aaaaaaaaaaaaaaaa", 15, "ripetizione"},
		{"unit repeated", "abcabcabcabcabcabc", 15, "ripetizione"},
		{"word repeated", "sole-mare-sole-mare-", 15, "ripetizione"},
		{"ascending letters", "abcdefghijklmnop", 15, "sequenza"},
		{"descending digits", "9876543210987654", 15, "sequenza"},
		{"letters wrapping", "uvwxyzabcdefghij", 15, "sequenza"},
		{"almost a sequence is fine", "abcdefghijklmnoq", 15, ""},
		{"codice fiscale", "xx-rssmra80a01h501u-yy", 15, "dati personali"},
		{"first name", "il mio nome è MARIO!", 15, "dati personali"},
		{"surname with a space", "gatto deluca tetto", 15, "dati personali"},
		{"surname word", "luca e il suo gatto", 15, "dati personali"},
		{"e-mail local part", "m.deluca@example.it", 15, "dati personali"},
		{"short personal string ignored", "libri e lividi lilla", 15, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ControllaPassword(tt.password, tt.minLen, personal...)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var e *Errore
			if !errors.As(err, &e) || e.Codice != ErrNonValido {
				t.Fatalf("err = %v, want an ErrNonValido *Errore containing %q", err, tt.want)
			}
			if !strings.Contains(e.Messaggio, tt.want) {
				t.Errorf("reason %q does not contain %q", e.Messaggio, tt.want)
			}
		})
	}
}

func TestCommonPasswordsList(t *testing.T) {
	list := commonPasswords()
	if len(list) < 300 {
		t.Errorf("blocklist has %d entries, want a few hundred", len(list))
	}
	for _, p := range []string{"123456", "password", "qwertyuiop", "inailinail", "password123456", "juventus"} {
		if _, ok := list[p]; !ok {
			t.Errorf("blocklist lacks %q", p)
		}
	}
	for p := range list {
		if ControllaPassword(strings.ToUpper(p), 1) == nil {
			t.Errorf("blocklisted %q accepted in upper case", strings.ToUpper(p))
		}
	}
}

func TestControllaPasswordDelTitolare(t *testing.T) {
	u := &Utente{Email: "anna.verdi@example.it", CodiceFiscale: "VRDNNA80A41H501X", Cognome: "Verdi", Nome: "Anna"}
	for _, pw := range []string{"vrdnna80a41h501x-e-poi", "le rose di annaverdi", "la mia password: verdi e basta"} {
		if err := u.ControllaPassword(pw, MinPassword); err == nil {
			t.Errorf("%q contains the holder's data and was accepted", pw)
		}
	}
	if err := u.ControllaPassword("cavallo batteria graffetta", MinPassword); err != nil {
		t.Errorf("a passphrase was refused: %v", err)
	}
	if u.MinimoPassword() != MinPassword {
		t.Errorf("a generic account without TOTP: minimum %d, want %d", u.MinimoPassword(), MinPassword)
	}
	u.TOTP = &TOTP{}
	if u.MinimoPassword() != MinPassword {
		t.Errorf("an account with TOTP: minimum %d, want %d, the same rule", u.MinimoPassword(), MinPassword)
	}
}
