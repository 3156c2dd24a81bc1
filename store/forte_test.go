package store_test

import (
	"testing"
	"time"

	"abilita/domain"
	"abilita/store"
)

// A strong sign-in finds the account verified for its codice fiscale or,
// when there is none, creates one with the address the person gives; it
// never takes an address or a codice fiscale another account holds.
func TestAccessoForte(t *testing.T) {
	s := MustOpenConSedi(t)
	id := domain.IdentitaForte{Metodo: domain.MetodoOIDC, Fornitore: "SPID", Livello: "https://www.spid.gov.it/SpidL2", Descrizione: "SPID livello 2",
		Soggetto: "https://idp.example/ 123", CodiceFiscale: rossi.CF(), Nome: "Mario", Cognome: "Rossi", Quando: t0}
	ingresso := func(token string) store.Ingresso {
		return store.Ingresso{Sessione: domain.Sessione{Hash: token, Creata: t0, UltimoUso: t0}, Accesso: domain.Accesso{Quando: t0, IP: "192.0.2.1"}}
	}
	if _, _, err := s.AccediConIdentitaForte(ingresso("h1"), id); err != store.ErrSenzaAccountForte {
		t.Fatalf("first sign-in: %v, want ErrSenzaAccountForte", err)
	}
	// A generic registration with the same codice fiscale claims nothing.
	generico := richiedente(t, s, rossi)
	if _, _, err := s.AccediConIdentitaForte(ingresso("h1"), id); err != store.ErrSenzaAccountForte {
		t.Fatalf("with a generic account of the same codice fiscale: %v", err)
	}
	verifica := domain.Messaggio{Subject: "Conferma", Kind: domain.MessaggioEmail}
	if _, err := s.RegistraIdentitaForte(ingresso("h1"), id, generico.Email, "tok", t0.Add(time.Hour), verifica); domain.CodiceDi(err) != domain.ErrConflitto {
		t.Fatalf("with another account's address: %v", err)
	}
	u, err := s.RegistraIdentitaForte(ingresso("h1"), id, "mario.spid@example.it", "tok", t0.Add(time.Hour), verifica)
	if err != nil {
		t.Fatal(err)
	}
	if u.Forte == nil || u.Forte.Descrizione != "SPID livello 2" || u.CodiceFiscale != rossi.CF() || u.Verificato() || !u.IdentitaVerificata() || !u.Attivo() {
		t.Fatalf("the account created: %+v", u)
	}
	if ss, su, err := s.SessioneAttiva("h1"); err != nil || su.ID != u.ID || ss.UtenteID != u.ID {
		t.Fatalf("its session: %+v, %v", su, err)
	}
	if got, err := s.UtentePerCF(rossi.CF()); err != nil || got.ID != u.ID {
		t.Fatalf("the codice fiscale now belongs to %+v, %v", got, err)
	}
	if _, err := s.RegistraIdentitaForte(ingresso("h2"), id, "altro@example.it", "tok2", t0.Add(time.Hour), verifica); domain.CodiceDi(err) != domain.ErrConflitto {
		t.Fatalf("a second account for the same codice fiscale: %v", err)
	}

	// Next time, the same account, with the method of that sign-in.
	cns := domain.IdentitaForte{Metodo: domain.MetodoCNS, Fornitore: "CA di prova", Descrizione: "Carta nazionale dei servizi", Soggetto: "0A1B",
		CodiceFiscale: rossi.CF(), Quando: t0.Add(time.Hour)}
	again, _, err := s.AccediConIdentitaForte(ingresso("h3"), cns)
	if err != nil || again.ID != u.ID || again.Forte.Metodo != domain.MetodoCNS {
		t.Fatalf("second sign-in: %+v, %v", again, err)
	}
	ev, err := s.EventiAudit(store.FiltroAudit{Chi: u.ID})
	if err != nil || len(ev) != 2 || ev[0].Azione != domain.AuditAccessoForte {
		t.Errorf("audit: %+v, %v", ev, err)
	}
	// Staff accounts do not sign in so; a malformed codice fiscale is refused.
	bad := id
	bad.CodiceFiscale = "XXX"
	if _, _, err := s.AccediConIdentitaForte(ingresso("h4"), bad); domain.CodiceDi(err) != domain.ErrConflitto {
		t.Errorf("malformed codice fiscale: %v", err)
	}
}
