package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/internal/testsmtp"
	"abilita/store"
)

// Credentials reach only the person whose identity an operator checked: a
// codice fiscale typed at registration claims nothing, and registrations
// never confirmed block nobody.

// TestCatturaDelCodiceFiscaleImpedita is the capture of a doctor's
// activation code: a stranger registers with the doctor's codice fiscale
// and their own address, which they never confirm; the doctor registers,
// and gets their account; the sede registers and approves the doctor's
// counter request. The credentials go to the address on the signed module.
func TestCatturaDelCodiceFiscaleImpedita(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	medico := mario()
	estraneo := medico
	estraneo.Email = "estraneo@example.org"
	vuole(t, nuovoVisitatore(t, app).post("/registrazione", moduloRegistrazione(estraneo)), http.StatusOK)

	// The doctor registers with their own address: an account of their own,
	// and the link to confirm it, not a warning that somebody tried.
	nuovoRichiedente(t, app, medico)
	if u, err := app.App.Store.UtentePerEmail(medico.Email); err != nil || !u.Verificato() || u.CodiceFiscale != medico.CF {
		t.Fatalf("the doctor's account: %+v, %v", u, err)
	}
	app.AttendiPostaSpedita(t)
	if n := contaPosta(app, func(m testsmtp.Message) bool { return strings.Contains(m.Subject(), "Tentativo di registrazione") }); n != 0 {
		t.Errorf("%d warnings of a registration attempt, want none", n)
	}
	// Neither registration holds the codice fiscale as a login name.
	if u, err := app.App.Store.UtentePerCF(medico.CF); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("before any approval the codice fiscale belongs to %+v (%v)", u, err)
	}

	op, _ := nuovoOperatore(t, app, "Carla", "Sportelli", "PI")
	id := op.richiestaAlloSportello("")
	op.compila(id, medico)
	op.caricaValidi(id)
	op.invia(id)
	op.prendi(id)
	controlla(t, op.get(urlOperatore(id, "")), http.StatusOK, "", []string{"Destinatario delle credenziali",
		"Le credenziali vanno all&#39;account con l&#39;indirizzo del modulo, " + medico.Email}, nil)
	approvata(t, op, id)

	titolare, err := app.App.Store.UtentePerCF(medico.CF)
	if err != nil {
		t.Fatal(err)
	}
	if titolare.Email != medico.Email || len(titolare.Abilitazioni) != 1 {
		t.Fatalf("credentials issued to %s with %d profiles", titolare.Email, len(titolare.Abilitazioni))
	}
	if u, err := app.App.Store.UtentePerEmail(estraneo.Email); err != nil || len(u.Abilitazioni) != 0 {
		t.Errorf("the stranger's registration: %+v, %v", u, err)
	}
	app.AttendiPostaSpedita(t)
	if n := contaPosta(app, func(m testsmtp.Message) bool { return strings.Contains(strings.Join(m.To, ","), estraneo.Email) }); n != 1 {
		t.Errorf("the stranger's address received %d messages, want only its own verification link", n)
	}
	v := nuovoVisitatore(t, app)
	p2 := codiceIn(t, testoPDF(t, []byte(op.get(urlOperatore(id, "lettera.pdf")).Body)))
	v.attiva(medico.CF, parte1(t, app, medico.Email), p2, passwordTitolare)
	v.accedi(medico.CF, passwordTitolare)
	controlla(t, v.get("/area"), http.StatusOK, "", []string{"Vai al servizio dei certificati medici"}, nil)
}

// TestTitolareNonCambiaPerCodiceFiscale refuses an approval that would send
// credentials to an address the applicant did not give: the codice fiscale
// already has credentials on an account with another address.
func TestTitolareNonCambiaPerCodiceFiscale(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	nuovoTitolareAttivo(t, app, p, "PI")
	op, _ := nuovoOperatore(t, app, "Carla", "Sportelli", "PI")
	altro := p
	altro.Email = "indirizzo.nuovo@example.org"
	id := op.richiestaAlloSportello("")
	op.compila(id, altro)
	op.caricaValidi(id)
	op.invia(id)
	op.prendi(id)
	op.spuntaTutto(id)
	controlla(t, op.get(urlOperatore(id, "")), http.StatusOK, "", []string{"ha già le credenziali su un altro account"}, nil)
	r := op.post(urlOperatore(id, "approva"), nil)
	controlla(t, r, http.StatusUnprocessableEntity, "", []string{"ha già le credenziali su un altro account"}, nil)
	if got := mustRichiesta(t, app, id); got.Stato != domain.StatoInLavorazione {
		t.Errorf("refused approval left the request %q", got.Stato)
	}
	if u, err := app.App.Store.UtentePerEmail(altro.Email); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("an account was made for the module's address: %+v", u)
	}
}

// TestRegistrazioneNonConfermataScade: a registration never confirmed logs
// in no more after seven days and is removed, and meanwhile it does not
// keep its address from a new member of staff.
func TestRegistrazioneNonConfermataScade(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoVisitatore(t, app)
	vuole(t, v.post("/registrazione", moduloRegistrazione(p)), http.StatusOK)
	u, err := app.App.Store.UtentePerEmail(p.Email)
	if err != nil {
		t.Fatal(err)
	}
	app.Orologio.Avanza(domain.DurataNonConfermato)
	r := nuovoVisitatore(t, app).post("/accedi", url.Values{"identificativo": {p.Email}, "password": {p.Password}})
	controlla(t, r, http.StatusUnauthorized, "", []string{"Nome utente o password non corretti."}, nil)

	n, err := app.App.Store.EliminaNonConfermati(app.Orologio.Now())
	if err != nil || n != 1 {
		t.Fatalf("removed %d registrations (%v), want 1", n, err)
	}
	if _, err := app.App.Store.Utente(u.ID); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("the expired registration is still stored: %v", err)
	}
	// The address is free again: registering it sends a new link.
	vuole(t, nuovoVisitatore(t, app).post("/registrazione", moduloRegistrazione(p)), http.StatusOK)
	app.AttendiPostaSpedita(t)
	if n := contaPosta(app, func(m testsmtp.Message) bool { return strings.Contains(m.Subject(), "Conferma il tuo indirizzo") }); n != 2 {
		t.Errorf("%d verification links, want 2: one for each registration", n)
	}
	eventi, err := app.App.Store.EventiAudit(store.FiltroAudit{})
	if err != nil {
		t.Fatal(err)
	}
	trovato := false
	for _, e := range eventi {
		trovato = trovato || strings.Contains(e.Dettaglio, "Eliminata la registrazione non confermata dell'utente "+p.Email)
	}
	if !trovato {
		t.Error("the removal is not in the audit log")
	}
}

// contaPosta counts the messages the relay received that match.
func contaPosta(app *testapp.T, match func(testsmtp.Message) bool) int {
	n := 0
	for _, m := range app.SMTP.Messages() {
		if match(m) {
			n++
		}
	}
	return n
}

// TestCodiceFiscaleNormalizzatoOvunque: typed with spaces of any kind, the
// codice fiscale is stored, shown and compared without them, from the
// registration and from a draft the form refuses.
func TestCodiceFiscaleNormalizzatoOvunque(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	spaziato := "rssmra85t10\u00a0a562s"
	conSpazi := p
	conSpazi.CF = spaziato
	v := nuovoVisitatore(t, app)
	registra(t, app, v, conSpazi)
	if u, err := app.App.Store.UtentePerEmail(p.Email); err != nil || u.CodiceFiscale != p.CF {
		t.Fatalf("registered codice fiscale %q (%v), want %q", u.CodiceFiscale, err, p.CF)
	}
	v.accedi(p.Email, p.Password)
	id := v.nuovaBozza()
	dati := datiPassi(p, app.Orologio.Now())
	vuole(t, v.post(urlPasso(id, domain.PassoProfilo), dati[domain.PassoProfilo]), http.StatusSeeOther)
	form := dati[domain.PassoAnagrafica]
	form.Set("codice_fiscale", "RSS MRA 85T10 A562S")
	form.Set("cognome", "")
	r := v.post(urlPasso(id, domain.PassoAnagrafica), form)
	if !strings.Contains(r.Body, `value="`+p.CF+`"`) {
		t.Errorf("the refused form shows the codice fiscale otherwise than %q", p.CF)
	}
	if got := mustRichiesta(t, app, id).Anagrafica.CodiceFiscale; got != p.CF {
		t.Errorf("draft stored %q, want %q", got, p.CF)
	}
}
