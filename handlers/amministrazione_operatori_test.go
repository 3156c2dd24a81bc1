package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/internal/testsmtp"
)

func TestAmministrazioneCreaOperatoreEAttivazione(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	admin := amministratore(t, app)
	const email, password = "lucia.neri@inail.test", "ruscello d'argento sotto la luna"

	r := admin.get("/amministrazione/operatori")
	controlla(t, r, http.StatusOK, "", []string{"Operatori e amministratori", "Nuovo account", "responsabile@abilita.test", "Sede di Pisa (PI)"}, nil)
	if strings.Contains(r.Body, `type="password"`) {
		t.Error("the creation form has a password field: the administrator must never set the password")
	}

	valido := url.Values{"nome": {"Lucia"}, "cognome": {"Neri"}, "email": {email}, "sede": {"PI"}, "ruolo": {"operatore"}}
	con := func(k, v string) url.Values {
		f := url.Values{}
		for kk, vv := range valido {
			f[kk] = vv
		}
		f.Set(k, v)
		return f
	}
	for _, sc := range []scenario{
		{name: "vuoto", method: http.MethodPost, url: "/amministrazione/operatori", form: url.Values{}, wantStatus: http.StatusUnprocessableEntity,
			wantContains: []string{"Indica il nome.", "Indica il cognome.", "L'indirizzo e-mail non è valido", "Scegli il ruolo"}},
		{name: "operatore senza sede", method: http.MethodPost, url: "/amministrazione/operatori", form: con("sede", ""), wantStatus: http.StatusUnprocessableEntity,
			wantContains: []string{"Scegli la sede dell'operatore."}},
		{name: "sede inesistente", method: http.MethodPost, url: "/amministrazione/operatori", form: con("sede", "ZZ"), wantStatus: http.StatusUnprocessableEntity,
			wantContains: []string{"Sede non trovata."}},
		{name: "ruolo non ammesso", method: http.MethodPost, url: "/amministrazione/operatori", form: con("ruolo", "richiedente"), wantStatus: http.StatusUnprocessableEntity,
			wantContains: []string{"Scegli il ruolo"}},
		{name: "markup", method: http.MethodPost, url: "/amministrazione/operatori", form: con("nome", "<b>Lucia</b>"), wantStatus: http.StatusUnprocessableEntity,
			wantContains: []string{"I caratteri < e > non sono ammessi."}, wantNotContains: []string{"<b>Lucia"}},
		{name: "e-mail dell'amministratore", method: http.MethodPost, url: "/amministrazione/operatori", form: con("email", "responsabile@abilita.test"), wantStatus: http.StatusUnprocessableEntity,
			wantContains: []string{"Esiste già un account con questo indirizzo e-mail."}},
		{name: "valido", method: http.MethodPost, url: "/amministrazione/operatori", form: valido, wantStatus: http.StatusSeeOther, wantLocation: "/amministrazione/operatori"},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.esegui(t, admin) })
	}
	r = admin.get("/amministrazione/operatori")
	controlla(t, r, http.StatusOK, "", []string{"Account creato per Lucia Neri", email, "In attesa di attivazione", "Lettera di attivazione"}, nil)

	u, err := app.App.Store.UtentePerEmail(email)
	if err != nil {
		t.Fatal(err)
	}
	if u.Ruolo != domain.RuoloOperatore || u.Sede != "PI" || u.PasswordHash != "" || u.Verificato() || u.TOTP != nil {
		t.Errorf("stored account %+v", u)
	}
	if len(vociAudit(t, app, domain.AuditAccount, "Creato l'account di operatore di sede Lucia Neri per la Sede di Pisa")) != 1 {
		t.Error("no audit entry for the creation")
	}
	if len(vociAudit(t, app, domain.AuditCredenziali, "Codice di attivazione emesso per Lucia Neri")) != 1 {
		t.Error("no audit entry for the activation code")
	}

	// Part 1 by e-mail, part 2 on the letter the administrator prints.
	m := app.SMTP.WaitFor(t, 10*time.Second, func(m testsmtp.Message) bool { return strings.Contains(strings.Join(m.To, ","), email) })
	if !strings.Contains(m.Subject(), "(prima parte)") || !strings.Contains(m.Text(), "amministratore del servizio") || !strings.Contains(m.Text(), email) {
		t.Errorf("activation mail %q:\n%s", m.Subject(), m.Text())
	}
	p1 := codiceIn(t, m.Text())
	lettera := "/amministrazione/operatori/" + strconv.FormatUint(u.ID, 10) + "/lettera.pdf"
	r = admin.get(lettera)
	vuole(t, r, http.StatusOK)
	if ct, cd := r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"); ct != "application/pdf" || !strings.HasPrefix(cd, "attachment;") {
		t.Errorf("letter served as %q, %q", ct, cd)
	}
	testo := testoPDF(t, []byte(r.Body))
	p2 := codiceIn(t, testo)
	if p1 == p2 || !strings.Contains(testo, email) {
		t.Errorf("letter: part 2 %q (part 1 %q), text:\n%s", p2, p1, testo)
	}
	if len(vociAudit(t, app, domain.AuditCredenziali, "Lettera di attivazione scaricata per Lucia Neri")) != 1 {
		t.Error("the letter was downloaded without an audit entry")
	}
	if strings.Contains(m.Text(), p2) {
		t.Error("part 2 travels with part 1")
	}

	nuovo := nuovoVisitatore(t, app)
	vuole(t, nuovo.password(email, "una password qualsiasi di prova"), http.StatusUnauthorized)
	vuole(t, nuovo.iniziaAttivazione(email, p1, p2), http.StatusSeeOther, "/attivazione/passo")
	controlla(t, nuovo.get("/attivazione/passo"), http.StatusOK, "", []string{"scegli la password", email, `name="password"`}, nil)
	for _, sc := range []scenario{
		{name: "password corta", method: http.MethodPost, url: "/attivazione/passo", form: url.Values{"passo": {"password"}, "password": {"corta"}, "conferma": {"corta"}},
			wantStatus: http.StatusUnprocessableEntity, wantContains: []string{"almeno 15 caratteri"}},
		{name: "password col nome", method: http.MethodPost, url: "/attivazione/passo", form: url.Values{"passo": {"password"}, "password": {"lucia neri lucia neri"}, "conferma": {"lucia neri lucia neri"}},
			wantStatus: http.StatusUnprocessableEntity, wantContains: []string{"dati personali"}},
		{name: "conferma diversa", method: http.MethodPost, url: "/attivazione/passo", form: url.Values{"passo": {"password"}, "password": {password}, "conferma": {password + "x"}},
			wantStatus: http.StatusUnprocessableEntity, wantContains: []string{"Le due password non coincidono."}},
		{name: "valida", method: http.MethodPost, url: "/attivazione/passo", form: url.Values{"passo": {"password"}, "password": {password}, "conferma": {password}},
			wantStatus: http.StatusSeeOther, wantLocation: "/attivazione/passo"},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.esegui(t, nuovo) })
	}
	nuovo.completaAttivazione()
	vuole(t, admin.get(lettera), http.StatusConflict)

	nuovo.accedi(email, password)
	vuole(t, nuovo.get("/area"), http.StatusSeeOther, "/operatore")
	vuole(t, nuovo.get("/amministrazione/operatori"), http.StatusForbidden)
	if e := vociAudit(t, app, domain.AuditCredenziali, "attivazione completata"); len(e) != 2 || e[0].Chi != u.ID && e[1].Chi != u.ID {
		t.Errorf("audit entries of the activations (the first administrator's and the operator's): %+v", e)
	}
	controlla(t, admin.get("/amministrazione/operatori"), http.StatusOK, "", []string{"Attivo"}, []string{"In attesa di attivazione", "Lettera di attivazione<"})
}

func TestAmministrazioneCreaAmministratore(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	admin := amministratore(t, app)
	const email = "secondo.admin@inail.test"
	vuole(t, admin.post("/amministrazione/operatori", url.Values{"nome": {"Carla"}, "cognome": {"Bassi"}, "email": {email}, "sede": {"PI"}, "ruolo": {"amministratore"}}),
		http.StatusSeeOther, "/amministrazione/operatori")
	u, err := app.App.Store.UtentePerEmail(email)
	if err != nil {
		t.Fatal(err)
	}
	if u.Ruolo != domain.RuoloAmministratore || u.Sede != "" {
		t.Errorf("an administrator is bound to no sede: %+v", u)
	}
	p1 := parte1(t, app, email)
	r := admin.get("/amministrazione/operatori/" + strconv.FormatUint(u.ID, 10) + "/lettera.pdf")
	vuole(t, r, http.StatusOK)
	v := nuovoVisitatore(t, app)
	v.attiva(email, p1, codiceIn(t, testoPDF(t, []byte(r.Body))), "tramonto sulla collina verde")
	v.accedi(email, "tramonto sulla collina verde")
	vuole(t, v.get("/area"), http.StatusSeeOther, "/amministrazione")
}

func TestAmministrazioneSospensione(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	admin := amministratore(t, app)
	responsabile := utenteAmministratore(t, app)
	op, opU := collega(t, app, domain.RuoloOperatore, "PI", "Paolo", "paolo.collega@inail.test")
	vuole(t, op.get("/area"), http.StatusSeeOther, "/operatore")
	richiedente := nuovoRichiedente(t, app, mario())
	marioU, err := app.App.Store.UtentePerEmail(mario().Email)
	if err != nil {
		t.Fatal(err)
	}
	sosp := func(id uint64) string {
		return "/amministrazione/operatori/" + strconv.FormatUint(id, 10) + "/sospensione"
	}

	for _, sc := range []scenario{
		{name: "azione sconosciuta", method: http.MethodPost, url: sosp(opU.ID), form: url.Values{"azione": {"elimina"}}, wantStatus: http.StatusUnprocessableEntity},
		{name: "se stesso", method: http.MethodPost, url: sosp(responsabile.ID), form: url.Values{"azione": {"sospendi"}}, wantStatus: http.StatusConflict,
			wantContains: []string{"Non puoi sospendere il tuo stesso account."}},
		{name: "account inesistente", method: http.MethodPost, url: sosp(9999), form: url.Values{"azione": {"sospendi"}}, wantStatus: http.StatusNotFound},
		{name: "id non numerico", method: http.MethodPost, url: "/amministrazione/operatori/abc/sospensione", form: url.Values{"azione": {"sospendi"}}, wantStatus: http.StatusNotFound},
		{name: "un richiedente", method: http.MethodPost, url: sosp(marioU.ID), form: url.Values{"azione": {"sospendi"}}, wantStatus: http.StatusNotFound},
		{name: "sospendi", method: http.MethodPost, url: sosp(opU.ID), form: url.Values{"azione": {"sospendi"}}, wantStatus: http.StatusSeeOther, wantLocation: "/amministrazione/operatori"},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.esegui(t, admin) })
	}
	controlla(t, admin.get("/amministrazione/operatori"), http.StatusOK, "", []string{"L'account di Paolo Collega è stato sospeso", "Sospeso", "Riattiva"}, nil)

	// The operator's open session ends at once: its next request is anonymous.
	vuole(t, op.get("/area"), http.StatusSeeOther, "/accedi")
	vuole(t, op.password("paolo.collega@inail.test", passwordPersonale), http.StatusUnauthorized)
	if u, _ := app.App.Store.Utente(opU.ID); !u.Sospeso {
		t.Error("the account is not suspended in the store")
	}
	e := vociAudit(t, app, domain.AuditAccount, "sospeso l'account di Paolo Collega (paolo.collega@inail.test)")
	if len(e) != 1 || e[0].Chi != responsabile.ID || e[0].IP == "" {
		t.Errorf("audit entries of the suspension: %+v", e)
	}
	if u, _ := app.App.Store.Utente(marioU.ID); u.Sospeso {
		t.Error("an applicant was suspended from the operators' page")
	}
	vuole(t, richiedente.get("/richieste"), http.StatusOK)

	vuole(t, admin.post(sosp(opU.ID), url.Values{"azione": {"riattiva"}}), http.StatusSeeOther, "/amministrazione/operatori")
	op.accedi("paolo.collega@inail.test", passwordPersonale)
	vuole(t, op.get("/area"), http.StatusSeeOther, "/operatore")
	if len(vociAudit(t, app, domain.AuditAccount, "riattivato l'account di Paolo Collega")) != 1 {
		t.Error("no audit entry for the reactivation")
	}
	// Only administrators manage accounts.
	vuole(t, op.post(sosp(responsabile.ID), url.Values{"azione": {"sospendi"}}), http.StatusForbidden)
	vuole(t, richiedente.get("/amministrazione/operatori"), http.StatusForbidden)
	vuole(t, nuovoVisitatore(t, app).get("/amministrazione/operatori"), http.StatusSeeOther, "/accedi")
}

// TestAmministrazioneNuovoCodiceStaff: an operator whose letter was lost gets
// a new code from the administrator; the old one stops working, the new one
// activates the account, and an active account cannot get one.
func TestAmministrazioneNuovoCodiceStaff(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	admin := amministratore(t, app)
	const email, password = "nuovo.codice@inail.test", "lanterna sul molo al tramonto"
	vuole(t, admin.post("/amministrazione/operatori", url.Values{"nome": {"Gino"}, "cognome": {"Porti"}, "email": {email}, "sede": {"PI"}, "ruolo": {"operatore"}}),
		http.StatusSeeOther, "/amministrazione/operatori")
	u, err := app.App.Store.UtentePerEmail(email)
	if err != nil {
		t.Fatal(err)
	}
	base := "/amministrazione/operatori/" + strconv.FormatUint(u.ID, 10)
	vecchia1 := parte1(t, app, email)
	vecchia2 := codiceIn(t, testoPDF(t, []byte(admin.get(base+"/lettera.pdf").Body)))

	controlla(t, admin.post(base+"/attivazione", url.Values{"motivo": {""}}), http.StatusUnprocessableEntity, "", []string{"Indica il motivo"}, nil)
	vuole(t, admin.post(base+"/attivazione", url.Values{"motivo": {"lettera smarrita"}}), http.StatusSeeOther, "/amministrazione/operatori")
	app.AttendiPostaSpedita(t) // the new part 1 has reached the relay
	nuova1 := parte1(t, app, email)
	nuova2 := codiceIn(t, testoPDF(t, []byte(admin.get(base+"/lettera.pdf").Body)))
	if nuova1 == vecchia1 || nuova2 == vecchia2 {
		t.Fatal("the new code is the old one")
	}
	if len(vociAudit(t, app, domain.AuditCredenziali, "lettera smarrita")) != 1 {
		t.Error("no audit entry for the new code")
	}

	v := nuovoVisitatore(t, app)
	vuole(t, v.iniziaAttivazione(email, vecchia1, vecchia2), http.StatusUnprocessableEntity)
	v.attiva(email, nuova1, nuova2, password)
	v.accedi(email, password)
	vuole(t, v.get("/area"), http.StatusSeeOther, "/operatore")
	controlla(t, admin.post(base+"/attivazione", url.Values{"motivo": {"di nuovo"}}), http.StatusConflict, "", []string{"già attivo"}, nil)
}
