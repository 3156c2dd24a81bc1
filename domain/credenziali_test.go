package domain_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"abilita/domain"
)

func TestRichiedeTOTPEAttivo(t *testing.T) {
	quando := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	inAttesa := []domain.Abilitazione{{Profilo: domain.ProfiloMedicoEsterno, Dal: quando}}
	attivata := []domain.Abilitazione{{Profilo: domain.ProfiloMedicoEsterno, Dal: quando, Attivata: quando}}
	totp := &domain.TOTP{SegretoCifrato: []byte("x"), Attivato: quando}
	for _, tc := range []struct {
		nome                   string
		u                      domain.Utente
		richiede, deve, attivo bool
	}{
		{"utente generico", domain.Utente{Ruolo: domain.RuoloRichiedente, PasswordHash: "h"}, false, false, true},
		{"generico approvato, attivazione in sospeso", domain.Utente{Ruolo: domain.RuoloRichiedente, PasswordHash: "h", Abilitazioni: inAttesa}, false, false, true},
		{"titolare attivato", domain.Utente{Ruolo: domain.RuoloRichiedente, PasswordHash: "h", Abilitazioni: attivata, TOTP: totp}, true, false, true},
		{"titolare con TOTP azzerato", domain.Utente{Ruolo: domain.RuoloRichiedente, PasswordHash: "h", Abilitazioni: attivata}, true, true, true},
		{"generico con TOTP", domain.Utente{Ruolo: domain.RuoloRichiedente, PasswordHash: "h", TOTP: totp}, true, false, true},
		{"operatore", domain.Utente{Ruolo: domain.RuoloOperatore, PasswordHash: "h", TOTP: totp}, true, false, true},
		{"operatore da attivare", domain.Utente{Ruolo: domain.RuoloOperatore}, true, true, false},
		{"amministratore senza TOTP", domain.Utente{Ruolo: domain.RuoloAmministratore, PasswordHash: "h"}, true, true, true},
		{"sospeso", domain.Utente{Ruolo: domain.RuoloRichiedente, PasswordHash: "h", Sospeso: true}, false, false, false},
		{"revocato", domain.Utente{Ruolo: domain.RuoloRichiedente, PasswordHash: "h", Revocato: true}, false, false, false},
		{"senza password", domain.Utente{Ruolo: domain.RuoloRichiedente, Abilitazioni: inAttesa}, false, false, false},
	} {
		if got := tc.u.RichiedeTOTP(); got != tc.richiede {
			t.Errorf("%s: RichiedeTOTP = %v, want %v", tc.nome, got, tc.richiede)
		}
		if got := tc.u.DeveAttivare(); got != tc.deve {
			t.Errorf("%s: DeveAttivare = %v, want %v", tc.nome, got, tc.deve)
		}
		if got := tc.u.Attivo(); got != tc.attivo {
			t.Errorf("%s: Attivo = %v, want %v", tc.nome, got, tc.attivo)
		}
	}
}

// A user stored before the credential fields existed reads back the same,
// and a user without credentials writes none of them.
func TestUtenteJSONCompatibile(t *testing.T) {
	vecchio := `{"schema":1,"id":7,"ruolo":"richiedente","email":"a@example.it","codice_fiscale":"RSSMRA85T10A562S","cognome":"Rossi","nome":"Mario","password_hash":"h","creato":"2026-03-02T09:00:00Z"}`
	var u domain.Utente
	if err := json.Unmarshal([]byte(vecchio), &u); err != nil {
		t.Fatal(err)
	}
	if u.TOTP != nil || u.Regole != nil || u.Abilitazioni != nil || u.Revocato || !u.Attivo() || u.RichiedeTOTP() {
		t.Fatalf("utente letto: %+v", u)
	}
	data, err := json.Marshal(&u)
	if err != nil {
		t.Fatal(err)
	}
	for _, campo := range []string{"abilitazioni", "revocato", "totp", "codici_recupero", "regole", "password_cambiata"} {
		if bytes.Contains(data, []byte(`"`+campo+`"`)) {
			t.Errorf("JSON di un utente senza credenziali contiene %q: %s", campo, data)
		}
	}
}

func TestDispositivoDa(t *testing.T) {
	for _, tc := range []struct{ ua, nome string }{
		{"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox su Linux"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", "Chrome su Windows"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.68", "Edge su Windows"},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Safari su macOS"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari su iOS"},
		{"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36", "Chrome su Android"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0", "Opera su Windows"},
		{"", "Browser sconosciuto su sistema sconosciuto"},
		{"curl/8.5.0", "Browser sconosciuto su sistema sconosciuto"},
	} {
		d := domain.DispositivoDa(tc.ua)
		if d.Nome != tc.nome || len(d.Impronta) != 16 {
			t.Errorf("DispositivoDa(%q) = %+v, want nome %q", tc.ua, d, tc.nome)
		}
	}
	// A browser update keeps the device; another browser is another device.
	a := domain.DispositivoDa("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
	b := domain.DispositivoDa("Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0")
	c := domain.DispositivoDa("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36")
	if a.Impronta != b.Impronta || a.Impronta == c.Impronta {
		t.Errorf("impronte: Firefox 128 %s, Firefox 131 %s, Chrome %s", a.Impronta, b.Impronta, c.Impronta)
	}
}

func TestContestiDiversi(t *testing.T) {
	visti := map[string]bool{}
	for _, c := range [][]byte{domain.ContestoSegretoTOTP(1), domain.ContestoSegretoTOTP(2), domain.ContestoParte2Utente(1), domain.ContestoParte2Utente(2),
		domain.ContestoSegretoTOTP(12), domain.ContestoParte2("aa"), domain.ContestoParte2("ab"), domain.ContestoSegretoInAttivazione("aa")} {
		if visti[string(c)] {
			t.Errorf("contesto ripetuto: %s", c)
		}
		visti[string(c)] = true
	}
}

func TestMetodoAccessoEtichetta(t *testing.T) {
	for _, m := range []domain.MetodoAccesso{domain.MetodoPassword, domain.MetodoTOTP, domain.MetodoRecupero} {
		if e := m.Etichetta(); e == "" || e == string(m) || !strings.Contains(e, "assword") {
			t.Errorf("%q.Etichetta() = %q", m, e)
		}
	}
}
