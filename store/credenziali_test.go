package store_test

import (
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/security"
	"abilita/store"
)

// nuovoCodice is a fresh activation code issued at quando, valid 72 hours.
func nuovoCodice(quando time.Time) (security.CodiceAttivazione, domain.Attivazione) {
	k := security.NuovoCodiceAttivazione()
	return k, k.Attivazione(quando, quando.Add(72*time.Hour), "prova")
}

// approva approves request id by operator op at quando, with a new
// activation code for the account of destinatario, and returns the code.
func approva(tb testing.TB, s *store.Store, op, id uint64, destinatario string, quando time.Time) (store.Approvata, security.CodiceAttivazione) {
	tb.Helper()
	k, att := nuovoCodice(quando)
	esito, err := s.Approva(atto(op, quando), id, store.Approvazione{Codice: &att, Destinatario: destinatario})
	if err != nil {
		tb.Fatal(err)
	}
	return esito, k
}

// titolareAttivo is rossi, medico esterno approved by an operator of PI
// (returned too) and activated with TOTP step 100 and recovery codes R1, R2.
func titolareAttivo(tb testing.TB, s *store.Store) (*domain.Utente, *domain.Utente) {
	tb.Helper()
	u := richiedente(tb, s, rossi)
	op := creaOperatore(tb, s, "op.pi@example.it", "PI")
	r := inLavorazione(tb, s, u.ID, op.ID, richiestaCompleta(rossi))
	_, k := approva(tb, s, op.ID, r.ID, u.Email, t0)
	return attiva(tb, s, rossi.CF(), k.Parte1, k.Parte2, 100, t0), op
}

// riemetti has operator op issue a new code to account id at quando.
func riemetti(tb testing.TB, s *store.Store, op, id uint64, quando time.Time) security.CodiceAttivazione {
	tb.Helper()
	k, att := nuovoCodice(quando)
	if _, err := s.RiemettiCodice(atto(op, quando), id, att, nil, "prova"); err != nil {
		tb.Fatal(err)
	}
	return k
}

func TestApprovaAggiornaLAccountEsistente(t *testing.T) {
	s := MustOpenConSedi(t)
	u := richiedente(t, s, rossi)
	op := creaOperatore(t, s, "op.pi@example.it", "PI")
	domanda := richiestaCompleta(rossi)
	domanda.Contatti.PEC = "mario.rossi@pec.example.it"
	r := inLavorazione(t, s, u.ID, op.ID, domanda)
	svegliato := sveglie(s)

	quando := t0.Add(time.Hour)
	k, att := nuovoCodice(quando)
	att.Parte2Cifrata = []byte("parte 2 sigillata")
	prima := domain.Messaggio{To: []string{u.Email}, Subject: "Prima parte del codice", Text: k.Parte1}
	esito, err := s.Approva(store.Atto{Chi: op.ID, Quando: quando, IP: "192.0.2.9"}, r.ID,
		store.Approvazione{Codice: &att, Destinatario: " Mario.Rossi@Example.it", Messaggi: []domain.Messaggio{prima}})
	if err != nil {
		t.Fatal(err)
	}
	got := esito.Richiesta
	if esito.UtenteID != u.ID || esito.NuovoAccount || got.Stato != domain.StatoApprovata || got.Esito == nil ||
		got.Esito.CodiceMedico != "MED0000001" || got.Esito.Chi != op.ID || !got.Esito.Quando.Equal(quando) {
		t.Fatalf("Approva = %+v, richiesta %+v", esito, got)
	}
	if stored, _ := s.Richiesta(r.ID); stored.Stato != domain.StatoApprovata || stored.Esito.CodiceMedico != "MED0000001" {
		t.Errorf("richiesta salvata: %+v", stored)
	}
	v, _ := s.Utente(u.ID)
	want := domain.Abilitazione{Profilo: domain.ProfiloMedicoEsterno, CodiceMedico: "MED0000001", Sede: "PI", Dal: quando, RichiestaID: r.ID}
	if len(v.Abilitazioni) != 1 || v.Abilitazioni[0] != want || v.PasswordHash != "vecchia" {
		t.Fatalf("abilitazioni %+v, want %+v", v.Abilitazioni, want)
	}
	if v.RichiedeTOTP() {
		t.Error("prima dell'attivazione l'utente generico deve poter entrare con la password per leggere la parte 2")
	}
	a, err := s.Attivazione(u.ID)
	if err != nil || a.Parte1Hash != k.Hash1 || a.Parte2Hash != k.Hash2 || a.RichiestaID != r.ID || !a.Creata.Equal(quando) ||
		!a.Scade.Equal(att.Scade) || a.Motivo != "Approvazione della richiesta "+got.Protocollo || string(a.Parte2Cifrata) != "parte 2 sigillata" {
		t.Fatalf("Attivazione = %+v, %v", a, err)
	}
	ev, _ := s.EventiAudit(store.FiltroAudit{Richiesta: r.ID, Limite: 2})
	if len(ev) != 2 || ev[0].Azione != domain.AuditDecisione || ev[1].Azione != domain.AuditCredenziali || ev[1].IP != "192.0.2.9" || ev[1].Chi != op.ID {
		t.Errorf("audit: %+v", ev)
	}
	pag, _ := s.Posta(store.QueryPosta{Sede: "PI", PerPag: 3})
	if len(pag.Notifiche) != 3 {
		t.Fatalf("posta della sede: %+v", pag.Notifiche)
	}
	for i, want := range []struct {
		modello, a, oggetto string
		pec                 bool
	}{
		{"", u.Email, prima.Subject, false},
		{domain.ModelloApprovata, "mario.rossi@pec.example.it", "Richiesta " + got.Protocollo + " approvata – Abilita", true},
		{domain.ModelloApprovata, u.Email, "Richiesta " + got.Protocollo + " approvata – Abilita", false},
	} {
		n := pag.Notifiche[i]
		if m := n.Messaggio; m.Modello != want.modello || m.To[0] != want.a || m.Subject != want.oggetto || m.PEC() != want.pec ||
			n.RichiestaID != r.ID || n.Protocollo != got.Protocollo || !n.Creata.Equal(quando) {
			t.Errorf("messaggio %d: %+v", i, n)
		}
	}
	if n := svegliato.Load(); n != 1 {
		t.Errorf("worker svegliato %d volte, want 1", n)
	}

	// The activation that follows makes the approved request attiva.
	attivato := attiva(t, s, rossi.CF(), k.Parte1, k.Parte2, 100, quando)
	if !attivato.Abilitazioni[0].Attivata.Equal(quando) {
		t.Fatalf("abilitazione non attivata: %+v", attivato.Abilitazioni)
	}
	if r, _ := s.Richiesta(r.ID); r.Stato != domain.StatoAttiva {
		t.Errorf("dopo l'attivazione la richiesta è %q, want attiva", r.Stato)
	}

	// A variation of the same profile replaces it, keeps its codice medico
	// and stays activated.
	variazione := richiestaCompleta(rossi)
	variazione.Tipo = domain.TipoVariazione
	r2 := inLavorazione(t, s, u.ID, op.ID, variazione)
	esito2, _ := approva(t, s, op.ID, r2.ID, u.Email, quando)
	v, _ = s.Utente(u.ID)
	if esito2.Richiesta.Esito.CodiceMedico != "MED0000001" || len(v.Abilitazioni) != 1 || v.Abilitazioni[0].RichiestaID != r2.ID ||
		v.Abilitazioni[0].CodiceMedico != "MED0000001" || v.Abilitazioni[0].Attivata.IsZero() || !v.RichiedeTOTP() {
		t.Errorf("dopo la variazione: codice %q, %+v", esito2.Richiesta.Esito.CodiceMedico, v.Abilitazioni)
	}
	// The reuse took no number: the next new doctor gets the second.
	altro := richiedente(t, s, neri)
	r3 := inLavorazione(t, s, altro.ID, op.ID, richiestaCompleta(neri))
	if esito3, _ := approva(t, s, op.ID, r3.ID, altro.Email, quando); esito3.Richiesta.Esito.CodiceMedico != "MED0000002" {
		t.Errorf("codice medico di un nuovo medico: %q, want MED0000002", esito3.Richiesta.Esito.CodiceMedico)
	}
}

// A revocation keeps the holder's codice medico and issues no code.
func TestApprovaRevocaRiusaIlCodiceMedico(t *testing.T) {
	s := MustOpenConSedi(t)
	u, op := titolareAttivo(t, s)
	revoca := richiestaCompleta(rossi)
	revoca.Tipo = domain.TipoRevoca
	r := inLavorazione(t, s, u.ID, op.ID, revoca)

	prima := istantanea(t, s)
	_, att := nuovoCodice(t0)
	_, err := s.Approva(atto(op.ID, t0), r.ID, store.Approvazione{Codice: &att, Destinatario: u.Email})
	codice(t, err, domain.ErrConflitto)
	invariato(t, s, prima)

	esito, err := s.Approva(atto(op.ID, t0), r.ID, store.Approvazione{})
	if err != nil || esito.Richiesta.Esito.CodiceMedico != "MED0000001" || esito.UtenteID != 0 {
		t.Fatalf("Approva = %+v, %v; want il codice medico MED0000001 e nessuna credenziale", esito, err)
	}
	if _, err := s.Attivazione(u.ID); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("una revoca ha emesso un codice di attivazione: %v", err)
	}
}

// At the counter the applicant may have no account: the approval creates
// it, with the request's e-mail and no password.
func TestApprovaCreaLAccountAlloSportello(t *testing.T) {
	s := MustOpenConSedi(t)
	richiedente(t, s, bianchi)
	op := creaOperatore(t, s, "op.pi@example.it", "PI")
	dati := richiestaCompleta(verdi)
	dati.Profilo = domain.ProfiloReferentePresidio
	dati.Contatti.Email = "G.Verdi@Example.it"
	dati.Struttura = domain.Struttura{Denominazione: "Ospedale di Cisanello", Codice: "030001", Azienda: "AOU Pisana",
		Indirizzo: "Via Paradisa 2, Pisa", PEC: "direzione@pec.ao-pisa.example.it", FirmatarioDesignazione: "Direttore sanitario"}
	r := sportello(t, s, op.ID, dati)
	if r.Sede != "PI" || r.Percorso != domain.PercorsoSportello {
		t.Fatalf("richiesta allo sportello: sede %q, percorso %q", r.Sede, r.Percorso)
	}

	esito, k := approva(t, s, op.ID, r.ID, "g.verdi@example.it", t0)
	u, err := s.UtentePerCF(verdi.CF())
	if err != nil || u.ID != esito.UtenteID || !esito.NuovoAccount || u.Email != "g.verdi@example.it" {
		t.Fatalf("UtentePerCF = %+v, %v; esito %+v", u, err, esito)
	}
	if u.Ruolo != domain.RuoloRichiedente || u.PasswordHash != "" || u.Attivo() || u.Cognome != "Verdi" || !u.Creato.Equal(t0) {
		t.Errorf("account nuovo: %+v", u)
	}
	if ab := u.Abilitazioni; len(ab) != 1 || ab[0].Profilo != domain.ProfiloReferentePresidio || ab[0].CodiceStruttura != "030001" || ab[0].CodiceMedico != "" {
		t.Errorf("abilitazioni: %+v", ab)
	}
	if byEmail, err := s.UtentePerEmail("G.VERDI@example.it"); err != nil || byEmail.ID != u.ID {
		t.Errorf("UtentePerEmail = %+v, %v", byEmail, err)
	}
	ev, _ := s.EventiAudit(store.FiltroAudit{Richiesta: r.ID, Limite: 2})
	if len(ev) != 2 || !strings.Contains(ev[1].Dettaglio, "account creato") {
		t.Errorf("audit: %+v", ev)
	}
	// The structure's PEC is told too.
	pag, _ := s.Posta(store.QueryPosta{Sede: "PI", PerPag: 2})
	if len(pag.Notifiche) != 2 || pag.Notifiche[0].Messaggio.To[0] != dati.Struttura.PEC || pag.Notifiche[1].Messaggio.To[0] != "G.Verdi@Example.it" {
		t.Errorf("esito: %+v", pag.Notifiche)
	}
	// Activating verifies the e-mail that received part 1.
	if v := attiva(t, s, verdi.CF(), k.Parte1, k.Parte2, 7, t0); !v.Verificato() || !v.Attivo() || v.DeveAttivare() {
		t.Errorf("dopo l'attivazione: %+v", v)
	}
}

// When the approval is refused, or the credentials cannot be issued,
// nothing is written: no account, no code, no state change, no message.
func TestApprovaRifiutataNonEmetteNulla(t *testing.T) {
	s := MustOpenConSedi(t)
	op := creaOperatore(t, s, "op.pi@example.it", "PI")
	altroOp := creaOperatore(t, s, "op2.pi@example.it", "PI")
	occupata := creaOperatore(t, s, "occupata@example.it", "PI")
	gialli := persona{"Gialli", "Carlo", "Pisa", "PI", "56100"}
	conCredenziali := titolare(t, s, gialli, "PI")
	revocato := titolare(t, s, bianchi, "PI")
	if _, err := s.Revoca(atto(op.ID, t0), revocato.ID, "prova"); err != nil {
		t.Fatal(err)
	}
	holder := richiedente(t, s, neri)
	// sportelloDi is a request at the counter, in charge of op, changed by fn.
	sportelloDi := func(p persona, fn func(*domain.Richiesta)) uint64 {
		dati := richiestaCompleta(p)
		if fn != nil {
			fn(dati)
		}
		return sportello(t, s, op.ID, dati).ID
	}
	codiceCompleto := func() *domain.Attivazione { _, a := nuovoCodice(t0); return &a }
	for _, tc := range []struct {
		nome string
		prep func() (uint64, store.Approvazione)
		want domain.Codice
	}{
		{"e-mail di un account del personale", func() (uint64, store.Approvazione) {
			return sportelloDi(rossi, func(r *domain.Richiesta) { r.Contatti.Email = occupata.Email }),
				store.Approvazione{Codice: codiceCompleto(), Destinatario: occupata.Email}
		}, domain.ErrConflitto},
		{"account revocato", func() (uint64, store.Approvazione) {
			return sportelloDi(bianchi, nil), store.Approvazione{Codice: codiceCompleto(), Destinatario: revocato.Email}
		}, domain.ErrConflitto},
		{"senza codice fiscale", func() (uint64, store.Approvazione) {
			id := sportelloDi(rossi, nil)
			err := s.Importa(func(im *store.Importazione) error {
				_, err := im.AggiornaRichiesta(id, func(r *domain.Richiesta) error { r.Anagrafica.CodiceFiscale = ""; return nil })
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return id, store.Approvazione{Codice: codiceCompleto(), Destinatario: rossi.Email()}
		}, domain.ErrConflitto},
		{"messaggi scritti per un altro indirizzo", func() (uint64, store.Approvazione) {
			return sportelloDi(neri, nil), store.Approvazione{Codice: codiceCompleto(), Destinatario: "vecchio.indirizzo@example.it"}
		}, domain.ErrConflitto},
		{"codice fiscale con le credenziali su un account con un altro indirizzo", func() (uint64, store.Approvazione) {
			return sportelloDi(gialli, func(r *domain.Richiesta) { r.Contatti.Email = "nuovo.gialli@example.it" }),
				store.Approvazione{Codice: codiceCompleto(), Destinatario: "nuovo.gialli@example.it"}
		}, domain.ErrConflitto},
		{"e-mail di un account con le credenziali di un altro codice fiscale", func() (uint64, store.Approvazione) {
			return sportelloDi(rossi, func(r *domain.Richiesta) { r.Contatti.Email = conCredenziali.Email }),
				store.Approvazione{Codice: codiceCompleto(), Destinatario: conCredenziali.Email}
		}, domain.ErrConflitto},
		{"codice incompleto", func() (uint64, store.Approvazione) {
			a := codiceCompleto()
			a.Parte2Hash = ""
			return sportelloDi(neri, nil), store.Approvazione{Codice: a, Destinatario: holder.Email}
		}, domain.ErrInterno},
		{"verifica incompleta", func() (uint64, store.Approvazione) {
			id := sportelloDi(neri, nil)
			if _, err := s.SalvaChecklist(atto(op.ID, t0), id, domain.Checklist{DatiCorrispondenti: true}); err != nil {
				t.Fatal(err)
			}
			return id, store.Approvazione{Codice: codiceCompleto(), Destinatario: holder.Email}
		}, domain.ErrNonValido},
	} {
		t.Run(tc.nome, func(t *testing.T) {
			id, ap := tc.prep()
			prima := istantanea(t, s)
			_, err := s.Approva(atto(op.ID, t0), id, ap)
			if err == nil || domain.CodiceDi(err) != tc.want {
				t.Fatalf("Approva = %v, want codice %s", err, tc.want)
			}
			_, err = s.Approva(atto(altroOp.ID, t0), id, ap)
			codice(t, err, domain.ErrNonAmmesso)
			invariato(t, s, prima)
		})
	}
	if _, err := s.UtentePerCF(rossi.CF()); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("account creato da un'approvazione rifiutata: %v", err)
	}
}

func TestRiemettiCodiceSostituisceIlPrecedente(t *testing.T) {
	s := MustOpenConSedi(t)
	u := titolare(t, s, rossi, "PI")
	op := creaOperatore(t, s, "op.pi@example.it", "PI")
	vecchio := riemetti(t, s, op.ID, u.ID, t0)
	quando := t0.Add(time.Hour)
	k, att := nuovoCodice(quando)
	msg := domain.Messaggio{To: []string{u.Email}, Subject: "Nuovo codice di attivazione"}
	if _, err := s.RiemettiCodice(atto(op.ID, quando), u.ID, att, []domain.Messaggio{msg}, "codice scaduto"); err != nil {
		t.Fatal(err)
	}
	a, err := s.Attivazione(u.ID)
	if err != nil || a.Parte1Hash != k.Hash1 || !a.Creata.Equal(quando) || !a.Valida(quando.Add(time.Hour)) || a.Valida(quando.Add(72*time.Hour)) {
		t.Fatalf("Attivazione = %+v, %v", a, err)
	}
	if pag, _ := s.Posta(store.QueryPosta{}); len(pag.Notifiche) != 1 || pag.Notifiche[0].Messaggio.Subject != msg.Subject {
		t.Errorf("posta: %+v", pag.Notifiche)
	}
	audit(t, s, op.ID, domain.AuditCredenziali, "codice scaduto")
	_, err = s.IniziaAttivazione(rossi.CF(), vecchio.Parte1, vecchio.Parte2, "t1", quando)
	codice(t, err, domain.ErrNonValido)
	if _, err := s.IniziaAttivazione(rossi.CF(), k.Parte1, k.Parte2, "t2", quando); err != nil {
		t.Fatalf("il codice nuovo non funziona: %v", err)
	}
	// Started, not used up: it stays until the activation completes.
	if _, err := s.Attivazione(u.ID); err != nil {
		t.Errorf("the code is gone once the activation started: %v", err)
	}
	_, err = s.Attivazione(999)
	codice(t, err, domain.ErrNonTrovato)
}

func TestRiemettiCodicePermessi(t *testing.T) {
	s := MustOpenConSedi(t)
	u := titolare(t, s, rossi, "PI")
	revocato := titolare(t, s, verdi, "PI")
	op := creaOperatore(t, s, "op.pi@example.it", "PI")
	opMI := creaOperatore(t, s, "op.mi@example.it", "MI")
	admin := creaAmministratore(t, s, "admin@example.it")
	if _, err := s.Revoca(atto(op.ID, t0), revocato.ID, "prova"); err != nil {
		t.Fatal(err)
	}
	attivo := creaOperatore(t, s, "attivo.mi@example.it", "MI")
	err := s.Importa(func(im *store.Importazione) error {
		_, err := im.AggiornaUtente(attivo.ID, func(x *domain.Utente) error {
			x.PasswordHash, x.TOTP = "h", &domain.TOTP{UltimoPasso: 1}
			return nil
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_, att := nuovoCodice(t0)
	nuovoOp, err := s.CreaStaff(atto(admin.ID, t0), domain.Utente{Ruolo: domain.RuoloOperatore, Email: "nuovo@example.it", Sede: "MI", Nome: "Nome", Cognome: "Cognome"}, att, nil)
	if err != nil {
		t.Fatal(err)
	}
	incompleto := att
	incompleto.Parte1Hash = ""

	prima := istantanea(t, s)
	for _, tc := range []struct {
		nome    string
		chi, id uint64
		codice  domain.Attivazione
		want    domain.Codice
	}{
		{"operatore di un'altra sede", opMI.ID, u.ID, att, domain.ErrNonTrovato},
		{"amministratore su un titolare", admin.ID, u.ID, att, domain.ErrNonTrovato},
		{"titolare revocato", op.ID, revocato.ID, att, domain.ErrConflitto},
		{"operatore su un operatore", op.ID, opMI.ID, att, domain.ErrNonTrovato},
		{"amministratore su un operatore attivo", admin.ID, attivo.ID, att, domain.ErrConflitto},
		{"riga di comando su un titolare", 0, u.ID, att, domain.ErrNonTrovato},
		{"riga di comando su un operatore", 0, nuovoOp.ID, att, domain.ErrNonTrovato},
		{"account inesistente", op.ID, 999, att, domain.ErrNonTrovato},
		{"codice incompleto", op.ID, u.ID, incompleto, domain.ErrInterno},
		{"senza motivo", op.ID, u.ID, att, domain.ErrNonValido},
	} {
		t.Run(tc.nome, func(t *testing.T) {
			motivo := "prova"
			if tc.nome == "senza motivo" {
				motivo = ""
			}
			_, err := s.RiemettiCodice(atto(tc.chi, t0), tc.id, tc.codice, nil, motivo)
			if err == nil || domain.CodiceDi(err) != tc.want {
				t.Fatalf("RiemettiCodice = %v, want codice %s", err, tc.want)
			}
			invariato(t, s, prima)
		})
	}
	if _, err := s.RiemettiCodice(atto(admin.ID, t0), nuovoOp.ID, att, nil, "lettera persa"); err != nil {
		t.Errorf("l'amministratore non riemette il codice di un operatore che non ha attivato: %v", err)
	}
}

func TestRevoca(t *testing.T) {
	s := MustOpenConSedi(t)
	u, op := titolareAttivo(t, s)
	if _, err := s.ApriSessioneConTOTP(ingresso(u.ID, "s1", firefox, t0), 101); err != nil {
		t.Fatal(err)
	}
	k := riemetti(t, s, op.ID, u.ID, t0)
	got, err := s.Revoca(atto(op.ID, t0), u.ID, "deceduto")
	if err != nil || !got.Revocato {
		t.Fatalf("Revoca = %+v, %v", got, err)
	}
	v, _ := s.Utente(u.ID)
	if !v.Revocato || v.Attivo() {
		t.Fatalf("dopo la revoca: %+v", v)
	}
	if ss, _ := s.SessioniUtente(u.ID); len(ss) != 0 {
		t.Errorf("sessioni rimaste: %+v", ss)
	}
	_, err = s.Attivazione(u.ID)
	codice(t, err, domain.ErrNonTrovato)
	_, err = s.IniziaAttivazione(rossi.CF(), k.Parte1, k.Parte2, "tok", t0)
	codice(t, err, domain.ErrNonValido)
	audit(t, s, op.ID, domain.AuditAccount, "revocato", "deceduto")

	prima := istantanea(t, s)
	_, att := nuovoCodice(t0)
	for _, tc := range []struct {
		nome string
		err  error
		want domain.Codice
	}{
		{"accesso con TOTP", func() error { _, err := s.ApriSessioneConTOTP(ingresso(u.ID, "s2", firefox, t0), 200); return err }(), domain.ErrNonAmmesso},
		{"accesso con recupero", func() error {
			_, _, err := s.ApriSessioneConRecupero(ingresso(u.ID, "s3", firefox, t0), recupero[1])
			return err
		}(), domain.ErrNonAmmesso},
		{"nuovo codice", func() error { _, err := s.RiemettiCodice(atto(op.ID, t0), u.ID, att, nil, "x"); return err }(), domain.ErrConflitto},
		{"azzeramento", func() error { _, err := s.AzzeraTOTP(atto(op.ID, t0), u.ID, "x", "y", att, nil); return err }(), domain.ErrConflitto},
		{"sospensione", func() error { _, err := s.Sospendi(atto(op.ID, t0), u.ID, true, ""); return err }(), domain.ErrConflitto},
		{"seconda revoca", func() error { _, err := s.Revoca(atto(op.ID, t0), u.ID, "x"); return err }(), domain.ErrConflitto},
		{"account inesistente", func() error { _, err := s.Revoca(atto(op.ID, t0), 999, "x"); return err }(), domain.ErrNonTrovato},
	} {
		if domain.CodiceDi(tc.err) != tc.want {
			t.Errorf("%s: %v, want codice %s", tc.nome, tc.err, tc.want)
		}
	}
	invariato(t, s, prima)
}

// AzzeraTOTP removes a lost authenticator and stores, in the same write, the
// new code through which the holder enrols again: there is never a moment,
// nor a failure, that leaves the account without a usable code or with a
// placeholder.
func TestAzzeraTOTP(t *testing.T) {
	s := MustOpenConSedi(t)
	u, op := titolareAttivo(t, s)
	if _, err := s.ApriSessioneConTOTP(ingresso(u.ID, "s1", firefox, t0), 101); err != nil {
		t.Fatal(err)
	}
	vecchio := riemetti(t, s, op.ID, u.ID, t0)
	k, nuovo := nuovoCodice(t0)
	nuovo.Motivo = "Azzeramento dell'app di autenticazione"
	msg := domain.Messaggio{To: []string{u.Email}, Subject: "Nuovo codice di attivazione"}
	incompleto := nuovo
	incompleto.Parte1Hash = ""
	opMI := creaOperatore(t, s, "op.mi@example.it", "MI")
	admin := creaAmministratore(t, s, "admin@example.it")

	prima := istantanea(t, s)
	for _, tc := range []struct {
		nome, motivo string
		chi          uint64
		codice       domain.Attivazione
		want         domain.Codice
	}{
		{"senza motivo", "", op.ID, nuovo, domain.ErrNonValido},
		{"codice incompleto", "telefono smarrito", op.ID, incompleto, domain.ErrInterno},
		{"operatore di un'altra sede", "telefono smarrito", opMI.ID, nuovo, domain.ErrNonTrovato},
		{"amministratore", "telefono smarrito", admin.ID, nuovo, domain.ErrNonTrovato},
	} {
		t.Run(tc.nome, func(t *testing.T) {
			_, err := s.AzzeraTOTP(atto(tc.chi, t0), u.ID, tc.motivo, "carta d'identità CA12345AB", tc.codice, []domain.Messaggio{msg})
			if err == nil || domain.CodiceDi(err) != tc.want {
				t.Fatalf("AzzeraTOTP = %v, want codice %s", err, tc.want)
			}
			invariato(t, s, prima)
		})
	}

	if _, err := s.AzzeraTOTP(atto(op.ID, t0), u.ID, "telefono smarrito", "carta d'identità CA12345AB", nuovo, []domain.Messaggio{msg}); err != nil {
		t.Fatal(err)
	}
	v, _ := s.Utente(u.ID)
	if v.TOTP != nil || v.CodiciRecupero != nil || !v.DeveAttivare() || !v.Attivo() {
		t.Fatalf("dopo l'azzeramento: %+v", v)
	}
	if ss, _ := s.SessioniUtente(u.ID); len(ss) != 0 {
		t.Errorf("sessioni rimaste: %+v", ss)
	}
	a, err := s.Attivazione(u.ID)
	if err != nil || a.Parte1Hash != k.Hash1 || a.Parte2Hash != k.Hash2 || a.Motivo != nuovo.Motivo || a.UtenteID != u.ID {
		t.Errorf("il codice salvato non è quello emesso: %+v, %v", a, err)
	}
	if pag, _ := s.Posta(store.QueryPosta{Stato: domain.NotificaInCoda, PerPag: 1}); len(pag.Notifiche) != 1 || pag.Notifiche[0].Messaggio.Subject != msg.Subject {
		t.Errorf("posta: %+v", pag.Notifiche)
	}
	audit(t, s, op.ID, domain.AuditAccount, "telefono smarrito", "CA12345AB")
	audit(t, s, op.ID, domain.AuditCredenziali, nuovo.Motivo)
	_, err = s.ApriSessioneConTOTP(ingresso(u.ID, "s2", firefox, t0), 200)
	codice(t, err, domain.ErrConflitto)
	_, err = s.AzzeraTOTP(atto(op.ID, t0), u.ID, "di nuovo", "x", nuovo, nil)
	codice(t, err, domain.ErrConflitto)

	// The code issued before the reset no longer works; the new one does.
	_, err = s.IniziaAttivazione(rossi.CF(), vecchio.Parte1, vecchio.Parte2, "tok", t0)
	codice(t, err, domain.ErrNonValido)
	if v := attiva(t, s, rossi.CF(), k.Parte1, k.Parte2, 300, t0); v.TOTP == nil || v.TOTP.UltimoPasso != 300 || v.DeveAttivare() {
		t.Errorf("dopo la nuova attivazione: %+v", v.TOTP)
	}
}
