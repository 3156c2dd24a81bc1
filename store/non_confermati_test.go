package store_test

import (
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/store"
)

// Registrations never confirmed claim nothing: not the codice fiscale they
// typed, not their address once somebody with a better claim comes, and
// not even their place after seven days.

func TestApprovazioneAllaPersonaVerificata(t *testing.T) {
	s := MustOpenConSedi(t)
	op := creaOperatore(t, s, "op.pi@example.it", "PI")

	t.Run("online: all'account che ha presentato la richiesta", func(t *testing.T) {
		// Another registration typed the same codice fiscale first, and was
		// confirmed: it gets nothing.
		primo := registra(t, s, rossi, "verifica-primo", time.Hour)
		if _, err := s.VerificaEmail("verifica-primo", t0); err != nil {
			t.Fatal(err)
		}
		autore := &domain.Utente{Ruolo: domain.RuoloRichiedente, Email: "mario.vero@example.it", CodiceFiscale: verdi.CF(), Cognome: "Rossi", Nome: "Mario",
			PasswordHash: "h", EmailVerificata: t0, Creato: t0}
		if err := s.CreaUtente(autore); err != nil {
			t.Fatal(err)
		}
		r := inLavorazione(t, s, autore.ID, op.ID, richiestaCompleta(rossi))
		tit, err := s.TitolareDi(r)
		if err != nil || tit.Utente == nil || tit.Utente.ID != autore.ID || tit.Email != autore.Email {
			t.Fatalf("TitolareDi = %+v, %v", tit, err)
		}
		esito, _ := approva(t, s, op.ID, r.ID, autore.Email, t0)
		if esito.UtenteID != autore.ID || esito.NuovoAccount {
			t.Errorf("credentials issued to %d (new %v), want the author %d", esito.UtenteID, esito.NuovoAccount, autore.ID)
		}
		// The account holds the codice fiscale the operator checked, not
		// the one typed at registration.
		if u, err := s.UtentePerCF(rossi.CF()); err != nil || u.ID != autore.ID || u.CodiceFiscale != rossi.CF() {
			t.Errorf("UtentePerCF = %+v, %v", u, err)
		}
		if u, _ := s.Utente(primo.ID); len(u.Abilitazioni) != 0 {
			t.Errorf("the other registration got %+v", u.Abilitazioni)
		}
	})

	t.Run("sportello: all'indirizzo del modulo, non a chi lo occupava senza confermarlo", func(t *testing.T) {
		estraneo := registra(t, s, neri, "verifica-estraneo", time.Hour) // never confirmed
		r := sportello(t, s, op.ID, richiestaCompleta(neri))
		tit, err := s.TitolareDi(r)
		if err != nil || tit.Utente != nil || tit.Scartare == nil || tit.Scartare.ID != estraneo.ID || tit.Email != neri.Email() {
			t.Fatalf("TitolareDi = %+v, %v", tit, err)
		}
		esito, k := approva(t, s, op.ID, r.ID, neri.Email(), t0)
		if !esito.NuovoAccount || esito.UtenteID == estraneo.ID {
			t.Fatalf("approval: %+v", esito)
		}
		if _, err := s.Utente(estraneo.ID); domain.CodiceDi(err) != domain.ErrNonTrovato {
			t.Errorf("the unconfirmed registration is still there: %v", err)
		}
		if _, err := s.TokenValido("verifica-estraneo", domain.ScopoVerificaEmail, t0); domain.CodiceDi(err) != domain.ErrNonValido {
			t.Errorf("its verification link still works: %v", err)
		}
		if u := attiva(t, s, neri.CF(), k.Parte1, k.Parte2, 9, t0); u.ID != esito.UtenteID || u.Email != neri.Email() {
			t.Errorf("activated %+v", u)
		}
		if !auditContiene(t, s, "Eliminata la registrazione non confermata dell'utente "+neri.Email()) {
			t.Error("the removal is not audited")
		}
	})
}

func TestStaffPrendeLIndirizzoDiUnaRegistrazioneNonConfermata(t *testing.T) {
	s := MustOpenConSedi(t)
	admin := creaAmministratore(t, s, "admin@example.it")
	p := persona{Cognome: "Blu", Nome: "Ada"}
	registra(t, s, p, "verifica-ada", time.Hour)
	_, att := nuovoCodice(t0)
	op, err := s.CreaStaff(atto(admin.ID, t0), domain.Utente{Ruolo: domain.RuoloOperatore, Email: p.Email(), Sede: "PI", Nome: "Ada", Cognome: "Blu"}, att, nil)
	if err != nil {
		t.Fatalf("CreaStaff with the address of an unconfirmed registration: %v", err)
	}
	if u, err := s.UtentePerEmail(p.Email()); err != nil || u.ID != op.ID || u.Ruolo != domain.RuoloOperatore {
		t.Errorf("the address belongs to %+v (%v)", u, err)
	}
	// A confirmed account keeps its address.
	confermato := richiedente(t, s, verdi)
	prima := istantanea(t, s)
	_, err = s.CreaStaff(atto(admin.ID, t0), domain.Utente{Ruolo: domain.RuoloOperatore, Email: confermato.Email, Sede: "PI", Nome: "G", Cognome: "V"}, att, nil)
	codice(t, err, domain.ErrConflitto)
	invariato(t, s, prima)
}

func TestRegistrazioniNonConfermateScadono(t *testing.T) {
	s := MustOpenConSedi(t)
	vecchia := registra(t, s, rossi, "verifica-rossi", time.Hour)
	confermata := registra(t, s, verdi, "verifica-verdi", time.Hour)
	if _, err := s.VerificaEmail("verifica-verdi", t0); err != nil {
		t.Fatal(err)
	}
	if n, err := s.EliminaNonConfermati(t0.Add(domain.DurataNonConfermato - time.Second)); err != nil || n != 0 {
		t.Fatalf("before the seventh day: %d removed, %v", n, err)
	}
	// A registration after seven days removes the old one on the way.
	if creato, err := s.Registra(atto(0, t0.Add(domain.DurataNonConfermato)), registrazione(bianchi, "verifica-bianchi", time.Hour)); err != nil || !creato {
		t.Fatalf("Registra = %v, %v", creato, err)
	}
	if _, err := s.Utente(vecchia.ID); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("the expired registration is still there: %v", err)
	}
	if _, err := s.Utente(confermata.ID); err != nil {
		t.Errorf("the confirmed account was removed: %v", err)
	}
	if n, err := s.EliminaNonConfermati(t0.Add(2 * domain.DurataNonConfermato)); err != nil || n != 1 {
		t.Errorf("later: %d removed (%v), want bianchi's", n, err)
	}
	if problemi, err := s.Controlla(); err != nil || len(problemi) > 0 {
		t.Errorf("check after the removals: %v, %v", problemi, err)
	}
}

// auditContiene reports whether an audit entry's detail contains s.
func auditContiene(t testing.TB, st *store.Store, s string) bool {
	t.Helper()
	ev, err := st.EventiAudit(store.FiltroAudit{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ev {
		if strings.Contains(e.Dettaglio, s) {
			return true
		}
	}
	return false
}
