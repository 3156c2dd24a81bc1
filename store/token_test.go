package store_test

import (
	"fmt"
	"testing"
	"time"

	"abilita/domain"
	"abilita/store"
)

func creaToken(tb testing.TB, s *store.Store, hash string, scopo store.Scopo, utente uint64, creato time.Time, durata time.Duration) {
	tb.Helper()
	if err := s.CreaToken(hash, store.Token{Scopo: scopo, UtenteID: utente, Creato: creato, Scade: creato.Add(durata)}); err != nil {
		tb.Fatal(err)
	}
}

func valido(s *store.Store, hash string, scopo store.Scopo, now time.Time) bool {
	_, err := s.TokenValido(hash, scopo, now)
	return err == nil
}

func TestTokenValido(t *testing.T) {
	s := MustOpen(t)
	creaToken(t, s, "h1", store.ScopoVerificaEmail, 7, t0, time.Hour)
	tok, err := s.TokenValido("h1", store.ScopoVerificaEmail, t0)
	if err != nil || tok.UtenteID != 7 || tok.Scopo != store.ScopoVerificaEmail || !tok.Scade.Equal(t0.Add(time.Hour)) {
		t.Fatalf("TokenValido = %+v, %v", tok, err)
	}
	tests := []struct {
		nome  string
		hash  string
		scopo store.Scopo
		now   time.Time
		ok    bool
	}{
		{"appena prima della scadenza", "h1", store.ScopoVerificaEmail, t0.Add(time.Hour - time.Nanosecond), true},
		{"alla scadenza", "h1", store.ScopoVerificaEmail, t0.Add(time.Hour), false},
		{"dopo la scadenza", "h1", store.ScopoVerificaEmail, t0.Add(2 * time.Hour), false},
		{"altro scopo", "h1", store.ScopoResetPassword, t0, false},
		{"altro scopo: setup", "h1", store.ScopoSetupAdmin, t0, false},
		{"hash sconosciuto", "h2", store.ScopoVerificaEmail, t0, false},
	}
	for _, tt := range tests {
		_, err := s.TokenValido(tt.hash, tt.scopo, tt.now)
		if tt.ok && err != nil {
			t.Errorf("%s: %v", tt.nome, err)
		}
		if !tt.ok {
			codice(t, err, domain.ErrNonValido)
		}
	}
}

func TestVerificaEmailUnaVolta(t *testing.T) {
	s := MustOpen(t)
	u := creaUtente(t, s, "mario@example.it", domain.RuoloRichiedente)
	creaToken(t, s, "v1", store.ScopoVerificaEmail, u.ID, t0, time.Hour)

	quando := t0.Add(10 * time.Minute)
	got, err := s.VerificaEmail("v1", quando)
	if err != nil || got.ID != u.ID || !got.EmailVerificata.Equal(quando) {
		t.Fatalf("VerificaEmail = %+v, %v", got, err)
	}
	if x, _ := s.Utente(u.ID); !x.Verificato() {
		t.Fatal("l'e-mail non risulta verificata nel database")
	}
	_, err = s.VerificaEmail("v1", quando)
	codice(t, err, domain.ErrNonValido)
}

func TestVerificaEmailRifiutata(t *testing.T) {
	s := MustOpen(t)
	u := creaUtente(t, s, "mario@example.it", domain.RuoloRichiedente)
	creaToken(t, s, "scaduto", store.ScopoVerificaEmail, u.ID, t0, time.Hour)
	creaToken(t, s, "reset", store.ScopoResetPassword, u.ID, t0, 5*time.Hour)
	prima := istantanea(t, s)
	_, err := s.VerificaEmail("scaduto", t0.Add(time.Hour))
	codice(t, err, domain.ErrNonValido)
	_, err = s.VerificaEmail("reset", t0)
	codice(t, err, domain.ErrNonValido)
	invariato(t, s, prima)
	if !valido(s, "reset", store.ScopoResetPassword, t0) {
		t.Error("un token usato per lo scopo sbagliato non deve essere consumato")
	}
}

func TestReimpostaPassword(t *testing.T) {
	s := MustOpen(t)
	u := creaUtente(t, s, "mario@example.it", domain.RuoloRichiedente)
	altro := creaUtente(t, s, "luigi@example.it", domain.RuoloRichiedente)
	for _, ss := range []store.Sessione{{Hash: "s1", UtenteID: u.ID}, {Hash: "s2", UtenteID: u.ID}, {Hash: "s3", UtenteID: altro.ID}} {
		if err := s.CreaSessione(ss); err != nil {
			t.Fatal(err)
		}
	}
	creaToken(t, s, "r1", store.ScopoResetPassword, u.ID, t0, time.Hour)

	quando := t0.Add(time.Minute)
	got, err := s.ReimpostaPassword("r1", "$argon2id$nuovo", quando)
	if err != nil {
		t.Fatal(err)
	}
	if got.PasswordHash != "$argon2id$nuovo" || !got.EmailVerificata.Equal(quando) {
		t.Errorf("ReimpostaPassword = %+v", got)
	}
	if x, _ := s.Utente(u.ID); x.PasswordHash != "$argon2id$nuovo" {
		t.Errorf("hash salvato = %q", x.PasswordHash)
	}
	for _, h := range []string{"s1", "s2"} {
		if _, err := s.Sessione(h); domain.CodiceDi(err) != domain.ErrNonTrovato {
			t.Errorf("la sessione %s è sopravvissuta al cambio di password: %v", h, err)
		}
	}
	if ss, err := s.Sessione("s3"); err != nil || ss.UtenteID != altro.ID {
		t.Errorf("la sessione di un altro utente è stata chiusa: %+v, %v", ss, err)
	}

	prima := istantanea(t, s)
	_, err = s.ReimpostaPassword("r1", "$argon2id$terzo", quando)
	codice(t, err, domain.ErrNonValido)
	invariato(t, s, prima)
}

func TestReimpostaPasswordNonVerificaDueVolte(t *testing.T) {
	s := MustOpen(t)
	u := creaUtente(t, s, "mario@example.it", domain.RuoloRichiedente)
	creaToken(t, s, "v", store.ScopoVerificaEmail, u.ID, t0, time.Hour)
	if _, err := s.VerificaEmail("v", t0); err != nil {
		t.Fatal(err)
	}
	creaToken(t, s, "r", store.ScopoResetPassword, u.ID, t0, time.Hour)
	got, err := s.ReimpostaPassword("r", "h", t0.Add(time.Minute))
	if err != nil || !got.EmailVerificata.Equal(t0) {
		t.Fatalf("la prima verifica va conservata: %+v, %v", got, err)
	}
}

func TestNuovoTokenAnnullaIlPrecedente(t *testing.T) {
	s := MustOpen(t)
	creaToken(t, s, "vecchio", store.ScopoVerificaEmail, 1, t0, time.Hour)
	creaToken(t, s, "reset", store.ScopoResetPassword, 1, t0, time.Hour)
	creaToken(t, s, "altrui", store.ScopoVerificaEmail, 2, t0, time.Hour)
	creaToken(t, s, "nuovo", store.ScopoVerificaEmail, 1, t0.Add(time.Minute), time.Hour)

	now := t0.Add(2 * time.Minute)
	if valido(s, "vecchio", store.ScopoVerificaEmail, now) {
		t.Error("il token precedente dello stesso utente e scopo funziona ancora")
	}
	for _, h := range []struct {
		hash  string
		scopo store.Scopo
	}{{"nuovo", store.ScopoVerificaEmail}, {"reset", store.ScopoResetPassword}, {"altrui", store.ScopoVerificaEmail}} {
		if !valido(s, h.hash, h.scopo, now) {
			t.Errorf("il token %q non deve essere toccato", h.hash)
		}
	}
}

// TestNuovoTokenDopoTokenScaduti puts expired tokens right before, in key
// order, the token the new one replaces: the clean-up deletes both while
// walking the bucket, and must not step over the second.
func TestNuovoTokenDopoTokenScaduti(t *testing.T) {
	for _, scaduti := range []int{1, 2, 5} {
		t.Run(fmt.Sprint(scaduti), func(t *testing.T) {
			s := MustOpen(t)
			for i := range scaduti {
				creaToken(t, s, fmt.Sprintf("a%02d", i), store.ScopoVerificaEmail, uint64(100+i), t0, time.Minute)
			}
			creaToken(t, s, "b-vecchio", store.ScopoResetPassword, 1, t0, 24*time.Hour)
			creaToken(t, s, "c-nuovo", store.ScopoResetPassword, 1, t0.Add(time.Hour), 24*time.Hour)

			now := t0.Add(2 * time.Hour)
			if valido(s, "b-vecchio", store.ScopoResetPassword, now) {
				t.Error("il token precedente funziona ancora dopo che ne è stato creato uno nuovo")
			}
			if !valido(s, "c-nuovo", store.ScopoResetPassword, now) {
				t.Error("il token nuovo non funziona")
			}
			m := istantanea(t, s)["token"]
			if len(m) != 2 { // "#sequence" and c-nuovo
				t.Errorf("restano %d token, want solo quello nuovo: %v", len(m)-1, m)
			}
		})
	}
}

func TestCreaPrimoAmministratore(t *testing.T) {
	s := MustOpen(t)
	creaToken(t, s, "setup", store.ScopoSetupAdmin, 0, t0, time.Hour)
	quando := t0.Add(time.Minute)
	admin := &domain.Utente{Email: "Admin@Example.it", Cognome: "Bianchi", Nome: "Anna", Ruolo: domain.RuoloRichiedente}
	if err := s.CreaPrimoAmministratore("setup", admin, quando); err != nil {
		t.Fatal(err)
	}
	got, err := s.UtentePerEmail("admin@example.it")
	if err != nil || got.Ruolo != domain.RuoloAmministratore || !got.Verificato() || !got.Creato.Equal(quando) {
		t.Fatalf("amministratore = %+v, %v", got, err)
	}
	// The same link again, then a new link: both refused once an admin exists.
	codice(t, s.CreaPrimoAmministratore("setup", &domain.Utente{Email: "x@example.it"}, quando), domain.ErrNonValido)
	creaToken(t, s, "setup2", store.ScopoSetupAdmin, 0, quando, time.Hour)
	prima := istantanea(t, s)
	codice(t, s.CreaPrimoAmministratore("setup2", &domain.Utente{Email: "y@example.it"}, quando), domain.ErrConflitto)
	invariato(t, s, prima)
}

func TestCreaPrimoAmministratoreConAmministratoreEsistente(t *testing.T) {
	s := MustOpen(t)
	creaUtente(t, s, "admin@example.it", domain.RuoloAmministratore)
	creaToken(t, s, "setup", store.ScopoSetupAdmin, 0, t0, time.Hour)
	codice(t, s.CreaPrimoAmministratore("setup", &domain.Utente{Email: "altro@example.it"}, t0), domain.ErrConflitto)
	if _, err := s.UtentePerEmail("altro@example.it"); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("creato un secondo amministratore: %v", err)
	}
}

func TestCreaPrimoAmministratoreTokenSbagliato(t *testing.T) {
	s := MustOpen(t)
	creaToken(t, s, "verifica", store.ScopoVerificaEmail, 0, t0, time.Hour)
	codice(t, s.CreaPrimoAmministratore("verifica", &domain.Utente{Email: "a@example.it"}, t0), domain.ErrNonValido)
	creaToken(t, s, "setup", store.ScopoSetupAdmin, 0, t0, time.Hour)
	codice(t, s.CreaPrimoAmministratore("setup", &domain.Utente{Email: "a@example.it"}, t0.Add(time.Hour)), domain.ErrNonValido)
	if ok, _ := s.CiSonoAmministratori(); ok {
		t.Error("creato un amministratore con un token non valido")
	}
}
