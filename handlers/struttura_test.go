package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"abilita/domain"
	"abilita/internal/testapp"
)

// The structure area of a referente di presidio ospedaliero and the sede's
// view of its doctors (DESIGN.md §2).

// A referente enables a doctor who has no account; the doctor gets part 1
// by e-mail, part 2 from the referente, activates and logs in, and its
// area shows the enablement and the way into the certificate service.
func TestStrutturaReferenteAbilitaUnMedico(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	ref := nuovoReferente(t, app, laura(), ospedalePisa, "PI")
	controlla(t, ref.get("/area"), http.StatusOK, "", []string{"Gestisci i medici della struttura", `href="/struttura"`}, nil)
	controlla(t, ref.get("/struttura"), http.StatusOK, "", []string{"Ospedale " + ospedalePisa, "Abilita un medico",
		"Non hai ancora abilitato medici"}, nil)

	g := giulia()
	u, parte2 := ref.abilita(g)
	if ab := u.MedicoDi(ospedalePisa); ab == nil || ab.Sede != "PI" || ab.Referente != ref.u.ID || ab.Struttura != "Ospedale "+ospedalePisa ||
		u.Nome != "Giulia" || u.Email != g.Email {
		t.Fatalf("the doctor's account: %+v", u)
	}
	pagina := ref.get("/struttura")
	controlla(t, pagina, http.StatusOK, "", []string{"Ferri Giulia", "Da attivare", g.CF, "Stampa la lettera di attivazione"}, []string{parte2})
	testo := attendiMessaggio(t, app, g.Email, "(prima parte)", "referente della struttura che ti ha abilitato, Ospedale "+ospedalePisa, g.CF)
	parte1 := codiceIn(t, testo)

	lettera := ref.get(urlMedico(u, "lettera.pdf") + "?struttura=" + ospedalePisa)
	vuole(t, lettera, http.StatusOK)
	if ct := lettera.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("the letter's Content-Type: %q", ct)
	}
	if len(vociAudit(t, app, domain.AuditCredenziali, "Lettera di attivazione stampata dal referente della struttura "+ospedalePisa+" per Giulia Ferri")) != 1 {
		t.Error("the print of the letter is not audited")
	}
	if len(vociAudit(t, app, domain.AuditStruttura, "Abilitato come medico ospedaliero della struttura "+ospedalePisa+" Giulia Ferri")) != 1 {
		t.Error("the enablement is not audited")
	}

	medico := nuovoVisitatore(t, app)
	medico.attiva(g.CF, parte1, parte2, passwordTitolare)
	medico.accedi(g.CF, passwordTitolare)
	controlla(t, medico.get("/area"), http.StatusOK, "", []string{"Medico ospedaliero", "Ospedale " + ospedalePisa, "Attiva",
		"Vai al servizio dei certificati medici"}, []string{"Gestisci i medici della struttura"})
	vuole(t, medico.get("/struttura"), http.StatusForbidden)
	controlla(t, ref.get("/struttura"), http.StatusOK, "", []string{"Attivato il"}, []string{"Stampa la lettera"})
	// Once used, the code prints no more.
	vuole(t, ref.get(urlMedico(u, "lettera.pdf")+"?struttura="+ospedalePisa), http.StatusConflict)
}

// A doctor registered with the address the referente types gets the
// enablement on that account; its area says who hands part 2 over, and
// never shows it.
func TestStrutturaMedicoGiaRegistrato(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	ref := nuovoReferente(t, app, laura(), ospedalePisa, "PI")
	g := giulia()
	medico := nuovoRichiedente(t, app, g)
	registrato, err := app.App.Store.UtentePerEmail(g.Email)
	if err != nil {
		t.Fatal(err)
	}
	u, parte2 := ref.abilita(g)
	if u.ID != registrato.ID {
		t.Fatalf("the enablement went to account %d, not to the registered %d", u.ID, registrato.ID)
	}
	controlla(t, medico.get("/area"), http.StatusOK, "", []string{"Il referente della struttura Ospedale " + ospedalePisa + " ti ha abilitato",
		"Medico ospedaliero", "Da attivare"}, []string{parte2, `id="parte2"`, "Vai al servizio dei certificati medici"})
}

// Bad input and refusals are said in Italian, next to the field or above
// the form, and enable nobody.
func TestStrutturaAbilitazioneRifiutata(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	ref := nuovoReferente(t, app, laura(), ospedalePisa, "PI")
	mario := nuovoTitolareAttivo(t, app, mario(), "PI")

	vuoto := ref.post("/struttura/medici", url.Values{"struttura": {ospedalePisa}})
	vuole(t, vuoto, http.StatusUnprocessableEntity)
	for campo, msg := range map[string]string{"cognome": "Indica il cognome.", "nome": "Indica il nome.", "email": "L'indirizzo e-mail non è valido"} {
		if got := erroreCampo(vuoto.Body, campo); !strings.Contains(got, msg) {
			t.Errorf("error next to %s: %q, want %q", campo, got, msg)
		}
	}
	sbagliato := moduloMedico(giulia(), ospedalePisa)
	sbagliato.Set("cognome", "Fabbri")
	r := ref.post("/struttura/medici", sbagliato)
	vuole(t, r, http.StatusUnprocessableEntity)
	if got := erroreCampo(r.Body, "cognome"); !strings.Contains(got, "Il cognome non corrisponde al codice fiscale.") {
		t.Errorf("error next to cognome: %q", got)
	}
	if !strings.Contains(r.Body, `value="Fabbri"`) {
		t.Error("the form does not keep what was typed")
	}

	// Mario holds credentials with another address: they are not bound to
	// the one typed.
	altro := moduloMedico(mario.p, ospedalePisa)
	altro.Set("email", "mario.rossi@ospedale.example.it")
	controlla(t, ref.post("/struttura/medici", altro), http.StatusUnprocessableEntity, "",
		[]string{"Questo codice fiscale ha già le credenziali su un account con un altro indirizzo e-mail"}, []string{`id="parte2"`})
	// The address of another person's account.
	estraneo := moduloMedico(giulia(), ospedalePisa)
	estraneo.Set("email", mario.p.Email)
	controlla(t, ref.post("/struttura/medici", estraneo), http.StatusUnprocessableEntity, "",
		[]string{"un account con le credenziali di un&#39;altra persona"}, nil)
	if u := mario.stored(); len(u.Abilitazioni) != 1 {
		t.Errorf("a refused enablement changed Mario's account: %+v", u.Abilitazioni)
	}
	if _, err := app.App.Store.UtentePerCF(giulia().CF); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("a refused enablement created an account: %v", err)
	}

	// Mario, with his own address, gets the new enablement beside his own.
	u, _ := ref.abilita(mario.p)
	if u.ID != mario.u.ID || len(u.Abilitazioni) != 2 {
		t.Errorf("Mario enabled: %+v", u)
	}
	controlla(t, ref.post("/struttura/medici", moduloMedico(mario.p, ospedalePisa)), http.StatusUnprocessableEntity, "",
		[]string{"Il medico è già abilitato per questa struttura"}, nil)
}

// The referente suspends a doctor, whose sessions end, reactivates and
// revokes it; the doctor is told each time.
func TestStrutturaSospendeERevoca(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	ref := nuovoReferente(t, app, laura(), ospedalePisa, "PI")
	g := giulia()
	u, parte2 := ref.abilita(g)
	medico := nuovoVisitatore(t, app)
	medico.attiva(g.CF, parte1(t, app, g.Email), parte2, passwordTitolare)
	medico.accedi(g.CF, passwordTitolare)

	r := ref.post(urlMedico(u, "sospendi"), url.Values{"struttura": {ospedalePisa}, "azione": {"sospendi"}, "motivo": {"turni sospesi"}})
	vuole(t, r, http.StatusSeeOther, "/struttura?struttura="+ospedalePisa)
	anonimoOra(t, medico)
	attendiMessaggio(t, app, g.Email, "Abilitazione come medico ospedaliero sospesa", "il referente della struttura ha sospeso", "Motivo: turni sospesi")
	controlla(t, ref.get("/struttura"), http.StatusOK, "", []string{"Sospesa", "turni sospesi", "Riattiva"}, nil)
	medico.accedi(g.CF, passwordTitolare)
	controlla(t, medico.get("/area"), http.StatusOK, "", []string{"Sospesa"}, []string{"Vai al servizio dei certificati medici"})

	vuole(t, ref.post(urlMedico(u, "sospendi"), url.Values{"struttura": {ospedalePisa}, "azione": {"riattiva"}}), http.StatusSeeOther)
	attendiMessaggio(t, app, g.Email, "Abilitazione come medico ospedaliero riattivata", "Puoi di nuovo usarla")

	r = ref.post(urlMedico(u, "revoca"), url.Values{"struttura": {ospedalePisa}, "motivo": {"trasferita"}})
	vuole(t, r, http.StatusUnprocessableEntity)
	if got := erroreCampo(r.Body, "revoca_"+itoaTest(u.ID)+"_conferma"); !strings.Contains(got, "Conferma che vuoi revocare") {
		t.Errorf("error next to the confirmation: %q", got)
	}
	vuole(t, ref.post(urlMedico(u, "revoca"), url.Values{"struttura": {ospedalePisa}, "motivo": {"trasferita"}, "conferma": {"si"}}), http.StatusSeeOther)
	anonimoOra(t, medico)
	attendiMessaggio(t, app, g.Email, "Abilitazione come medico ospedaliero revocata", "Motivo: trasferita")
	controlla(t, ref.get("/struttura"), http.StatusOK, "", []string{"Revocata", "trasferita"}, nil)
	if len(vociAudit(t, app, domain.AuditStruttura, "Revocata l'abilitazione di medico ospedaliero della struttura "+ospedalePisa+" di Giulia Ferri")) != 1 {
		t.Error("the revocation is not audited")
	}
	controlla(t, ref.post(urlMedico(u, "sospendi"), url.Values{"struttura": {ospedalePisa}, "azione": {"sospendi"}}), http.StatusUnprocessableEntity, "",
		[]string{"è revocata"}, nil)
}

// A referente acts only on its own structure; nobody else reaches the area.
func TestStrutturaSoloLaPropria(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	ref := nuovoReferente(t, app, laura(), ospedalePisa, "PI")
	altro := nuovoReferente(t, app, piero(), ospedaleAltro, "PI")
	u, _ := ref.abilita(giulia())

	controlla(t, altro.get("/struttura?struttura="+ospedalePisa), http.StatusNotFound, "", []string{"Struttura non trovata"}, []string{"Ferri"})
	controlla(t, altro.get("/struttura"), http.StatusOK, "", []string{"Ospedale " + ospedaleAltro}, []string{"Ferri", giulia().CF})
	for _, azione := range []string{"sospendi", "revoca", "attivazione"} {
		for _, codice := range []string{ospedalePisa, ospedaleAltro} {
			r := altro.post(urlMedico(u, azione), url.Values{"struttura": {codice}, "azione": {"sospendi"}, "motivo": {"x"}, "conferma": {"si"}})
			vuole(t, r, http.StatusNotFound)
		}
	}
	vuole(t, altro.get(urlMedico(u, "lettera.pdf")+"?struttura="+ospedaleAltro), http.StatusNotFound)
	if v, _ := app.App.Store.Utente(u.ID); v.MedicoDi(ospedalePisa).Sospesa != nil || v.MedicoDi(ospedalePisa).Revocata != nil {
		t.Error("another structure's referente changed the doctor")
	}

	// A referente who has not activated yet, a holder, an applicant: no area.
	inattivo := nuovoVisitatore(t, app)
	p := anna()
	app.CreaUtente(t, domain.Utente{Ruolo: domain.RuoloRichiedente, Email: p.Email, CodiceFiscale: p.CF, Cognome: p.Cognome, Nome: p.Nome,
		EmailVerificata: app.Orologio.Now(), Abilitazioni: []domain.Abilitazione{{Profilo: domain.ProfiloReferentePresidio, CodiceStruttura: ospedalePisa, Sede: "PI"}}}, p.Password)
	inattivo.accedi(p.Email, p.Password)
	controlla(t, inattivo.get("/struttura"), http.StatusForbidden, "", []string{"riservata ai referenti di presidio ospedaliero che hanno attivato le credenziali"}, nil)
	vuole(t, inattivo.post("/struttura/medici", moduloMedico(giulia(), ospedalePisa)), http.StatusForbidden)
}

// A new code replaces the one not used; a doctor who activated needs none.
func TestStrutturaNuovoCodice(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	ref := nuovoReferente(t, app, laura(), ospedalePisa, "PI")
	g := giulia()
	u, vecchio := ref.abilita(g)
	r := ref.post(urlMedico(u, "attivazione"), url.Values{"struttura": {ospedalePisa}})
	controlla(t, r, http.StatusOK, "", []string{"Nuovo codice di attivazione emesso"}, nil)
	nuovo := reParte2Struttura.FindStringSubmatch(r.Body)[1]
	medico := nuovoVisitatore(t, app)
	vuole(t, medico.iniziaAttivazione(g.CF, parteUnoN(t, app, g.Email, 1), vecchio), http.StatusUnprocessableEntity)
	vuole(t, medico.iniziaAttivazione(g.CF, parteUnoN(t, app, g.Email, 1), nuovo), http.StatusUnprocessableEntity)
	medico.attiva(g.CF, parteUnoN(t, app, g.Email, 2), nuovo, passwordTitolare)
	controlla(t, ref.post(urlMedico(u, "attivazione"), url.Values{"struttura": {ospedalePisa}}), http.StatusUnprocessableEntity, "",
		[]string{"Il medico ha già attivato le credenziali"}, nil)
}

// The sede sees the structure's doctors and suspends one; only the sede
// lifts its suspension, and the referente is told.
func TestStrutturaVistaDallaSede(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	ref := nuovoReferente(t, app, laura(), ospedalePisa, "PI")
	g := giulia()
	u, _ := ref.abilita(g)
	opPI, _ := nuovoOperatore(t, app, "Paola", "Pisani", "PI")
	opMI, _ := nuovoOperatore(t, app, "Marco", "Milanesi", "MI")
	admin := amministratore(t, app)

	pagina := "/operatore/struttura?struttura=" + ospedalePisa
	controlla(t, opPI.get("/operatore/struttura"), http.StatusOK, "", []string{"Codice della struttura"}, nil)
	controlla(t, opPI.get(pagina), http.StatusOK, "", []string{"Ospedale " + ospedalePisa, "Laura Conti", "Ferri Giulia", g.CF, "Sospendi"}, nil)
	controlla(t, admin.get(pagina), http.StatusOK, "", []string{"Ferri Giulia"}, []string{"/operatore/struttura/medici/"})
	controlla(t, opMI.get(pagina), http.StatusNotFound, "", []string{"Nessuna struttura con questo codice"}, []string{"Ferri", g.CF})
	vuole(t, opMI.post("/operatore/struttura/medici/"+itoaTest(u.ID)+"/sospendi", url.Values{"struttura": {ospedalePisa}, "azione": {"sospendi"}, "motivo": {"x"}}), http.StatusNotFound)
	controlla(t, opPI.get("/operatore/struttura?struttura="+url.QueryEscape("<b>")), http.StatusUnprocessableEntity, "", []string{"I caratteri &lt; e &gt; non sono ammessi."}, nil)

	azione := "/operatore/struttura/medici/" + itoaTest(u.ID) + "/sospendi"
	r := opPI.post(azione, url.Values{"struttura": {ospedalePisa}, "azione": {"sospendi"}})
	vuole(t, r, http.StatusUnprocessableEntity)
	if got := erroreCampo(r.Body, "sospensione_"+itoaTest(u.ID)+"_motivo"); !strings.Contains(got, "Indica il motivo") {
		t.Errorf("error next to the reason: %q", got)
	}
	vuole(t, opPI.post(azione, url.Values{"struttura": {ospedalePisa}, "azione": {"sospendi"}, "motivo": {"segnalazione"}}), http.StatusSeeOther, pagina)
	attendiMessaggio(t, app, g.Email, "Abilitazione come medico ospedaliero sospesa", "la sede Inail ha sospeso", "Motivo: segnalazione")
	attendiMessaggio(t, app, laura().Email, "abilitazione sospesa dalla sede Inail", "Giulia Ferri", "Motivo: segnalazione")
	if len(vociAudit(t, app, domain.AuditStruttura, "Sospesa dalla sede l'abilitazione di medico ospedaliero della struttura "+ospedalePisa)) != 1 {
		t.Error("the sede's suspension is not audited")
	}
	controlla(t, ref.get("/struttura"), http.StatusOK, "", []string{"Sospesa dalla sede", "solo la sede può riattivarla"}, nil)
	// The holder's account page names the structure and the suspension.
	controlla(t, opPI.get("/operatore/account?cf="+g.CF), http.StatusOK, "", []string{"Medico ospedaliero", "Sospesa dalla sede",
		`href="/operatore/struttura?struttura=` + ospedalePisa + `"`}, nil)
	controlla(t, ref.post(urlMedico(u, "sospendi"), url.Values{"struttura": {ospedalePisa}, "azione": {"riattiva"}}), http.StatusUnprocessableEntity, "",
		[]string{"solo la sede può riattivarla"}, nil)
	vuole(t, opPI.post(azione, url.Values{"struttura": {ospedalePisa}, "azione": {"riattiva"}, "motivo": {"verificato"}}), http.StatusSeeOther, pagina)
	if v, _ := app.App.Store.Utente(u.ID); v.MedicoDi(ospedalePisa).Sospesa != nil {
		t.Error("the sede did not lift its suspension")
	}
	// A refusal is said even when the row shows no form.
	vuole(t, ref.post(urlMedico(u, "sospendi"), url.Values{"struttura": {ospedalePisa}, "azione": {"sospendi"}}), http.StatusSeeOther)
	controlla(t, opPI.post(azione, url.Values{"struttura": {ospedalePisa}, "azione": {"sospendi"}, "motivo": {"di nuovo"}}), http.StatusUnprocessableEntity, "",
		[]string{"L&#39;abilitazione del medico è già sospesa."}, nil)
}
