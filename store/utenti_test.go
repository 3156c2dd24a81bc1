package store_test

import (
	"testing"

	"abilita/domain"
	"abilita/store"
)

func creaUtente(tb testing.TB, s *store.Store, email string, ruolo domain.Ruolo) *domain.Utente {
	tb.Helper()
	u := &domain.Utente{Email: email, Ruolo: ruolo, Cognome: "Rossi", Nome: "Mario", Creato: t0}
	if err := s.CreaUtente(u); err != nil {
		tb.Fatal(err)
	}
	return u
}

func TestCreaUtente(t *testing.T) {
	s := MustOpen(t)
	u := creaUtente(t, s, "  Mario.Rossi@Example.IT ", domain.RuoloRichiedente)
	if u.ID == 0 || u.Schema != domain.SchemaUtente || u.Email != "mario.rossi@example.it" {
		t.Fatalf("dopo CreaUtente: ID %d, Schema %d, Email %q", u.ID, u.Schema, u.Email)
	}
	v := creaUtente(t, s, "luigi@example.it", domain.RuoloRichiedente)
	if v.ID == u.ID {
		t.Fatalf("due utenti con lo stesso ID %d", u.ID)
	}

	prima := istantanea(t, s)
	for _, email := range []string{"mario.rossi@example.it", "MARIO.ROSSI@EXAMPLE.IT", " mario.rossi@example.it"} {
		err := s.CreaUtente(&domain.Utente{Email: email, Ruolo: domain.RuoloRichiedente})
		codice(t, err, domain.ErrConflitto)
	}
	invariato(t, s, prima)

	got, err := s.Utente(u.ID)
	if err != nil || got.Email != u.Email || got.Cognome != "Rossi" || !got.Creato.Equal(t0) {
		t.Fatalf("Utente(%d) = %+v, %v", u.ID, got, err)
	}
	for _, email := range []string{"mario.rossi@example.it", "MARIO.Rossi@example.it", " mario.rossi@example.it "} {
		got, err := s.UtentePerEmail(email)
		if err != nil || got.ID != u.ID {
			t.Errorf("UtentePerEmail(%q) = %+v, %v; want utente %d", email, got, err, u.ID)
		}
	}
	_, err = s.Utente(999)
	codice(t, err, domain.ErrNonTrovato)
	_, err = s.UtentePerEmail("nessuno@example.it")
	codice(t, err, domain.ErrNonTrovato)
}

func TestAggiornaUtente(t *testing.T) {
	s := MustOpen(t)
	u := creaUtente(t, s, "mario@example.it", domain.RuoloRichiedente)
	err := s.AggiornaUtente(u.ID, func(x *domain.Utente) error {
		x.Cognome, x.Email, x.Sospeso = "Bianchi", "altro@example.it", true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := s.Utente(u.ID)
	if got.Cognome != "Bianchi" || !got.Sospeso {
		t.Errorf("le modifiche non sono state salvate: %+v", got)
	}
	if got.Email != "mario@example.it" {
		t.Errorf("Email = %q: AggiornaUtente non deve cambiare l'e-mail", got.Email)
	}
	if _, err := s.UtentePerEmail("altro@example.it"); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("UtentePerEmail(nuova) = %v, want non trovato", err)
	}
	if x, err := s.UtentePerEmail("mario@example.it"); err != nil || x.ID != u.ID {
		t.Errorf("UtentePerEmail(vecchia) = %+v, %v", x, err)
	}

	prima := istantanea(t, s)
	rifiuto := domain.Conflitto("no")
	if err := s.AggiornaUtente(u.ID, func(x *domain.Utente) error { x.Cognome = "Verdi"; return rifiuto }); err != rifiuto {
		t.Fatalf("errore della funzione = %v, want %v", err, rifiuto)
	}
	codice(t, s.AggiornaUtente(999, func(*domain.Utente) error { return nil }), domain.ErrNonTrovato)
	invariato(t, s, prima)
}

func TestCiSonoAmministratori(t *testing.T) {
	s := MustOpen(t)
	creaUtente(t, s, "op@example.it", domain.RuoloOperatore)
	if ok, err := s.CiSonoAmministratori(); err != nil || ok {
		t.Fatalf("CiSonoAmministratori = %v, %v; want false", ok, err)
	}
	creaUtente(t, s, "admin@example.it", domain.RuoloAmministratore)
	if ok, err := s.CiSonoAmministratori(); err != nil || !ok {
		t.Fatalf("CiSonoAmministratori = %v, %v; want true", ok, err)
	}
}
