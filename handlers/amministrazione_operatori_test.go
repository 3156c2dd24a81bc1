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
	"abilita/store"
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
	controlla(t, admin.get("/amministrazione/operatori"), http.StatusOK, "", []string{"Account creato per Lucia Neri", email, "In attesa di attivazione"}, nil)

	u, err := app.App.Store.UtentePerEmail(email)
	if err != nil {
		t.Fatal(err)
	}
	if u.Ruolo != domain.RuoloOperatore || u.Sede != "PI" || u.PasswordHash != "" || u.Verificato() {
		t.Errorf("stored account %+v", u)
	}
	if len(vociAudit(t, app, store.AuditAccount, "Creato l'account di operatore di sede Lucia Neri per la Sede di Pisa")) != 1 {
		t.Error("no audit entry for the creation")
	}

	m := app.SMTP.WaitFor(t, 10*time.Second, func(m testsmtp.Message) bool { return strings.Contains(strings.Join(m.To, ","), email) })
	if !strings.Contains(m.Subject(), "Attiva il tuo account") || !strings.Contains(m.Text(), "Sede di Pisa") || !strings.Contains(m.Text(), "3 giorni") {
		t.Errorf("activation mail %q:\n%s", m.Subject(), m.Text())
	}
	tok := tokenDi(t, app.WaitLink(t, email, "Attiva il tuo account", "/attivazione"))

	nuovo := nuovoVisitatore(t, app)
	vuole(t, nuovo.post("/accedi", url.Values{"email": {email}, "password": {"una password qualsiasi di prova"}}), http.StatusUnauthorized)
	controlla(t, nuovo.get("/attivazione?t="+url.QueryEscape(tok)), http.StatusOK, "", []string{"Attiva il tuo account", email, `name="password"`}, nil)
	for _, sc := range []scenario{
		{name: "password corta", method: http.MethodPost, url: "/attivazione", form: url.Values{"t": {tok}, "password": {"corta"}, "conferma": {"corta"}},
			wantStatus: http.StatusUnprocessableEntity, wantContains: []string{"15"}},
		{name: "password col nome", method: http.MethodPost, url: "/attivazione", form: url.Values{"t": {tok}, "password": {"lucia neri lucia neri"}, "conferma": {"lucia neri lucia neri"}},
			wantStatus: http.StatusUnprocessableEntity},
		{name: "conferma diversa", method: http.MethodPost, url: "/attivazione", form: url.Values{"t": {tok}, "password": {password}, "conferma": {password + "x"}},
			wantStatus: http.StatusUnprocessableEntity, wantContains: []string{"Le due password non coincidono."}},
		{name: "valida", method: http.MethodPost, url: "/attivazione", form: url.Values{"t": {tok}, "password": {password}, "conferma": {password}},
			wantStatus: http.StatusSeeOther, wantLocation: "/accedi"},
		{name: "collegamento già usato", method: http.MethodGet, url: "/attivazione?t=" + url.QueryEscape(tok), wantStatus: http.StatusOK,
			wantContains: []string{"non è valido, è scaduto o è già stato usato"}, wantNotContains: []string{`name="password"`}},
		{name: "riuso", method: http.MethodPost, url: "/attivazione", form: url.Values{"t": {tok}, "password": {password + "!"}, "conferma": {password + "!"}},
			wantStatus: http.StatusUnprocessableEntity, wantContains: []string{"non è valido"}},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.esegui(t, nuovo) })
	}

	nuovo.accedi(email, password)
	vuole(t, nuovo.get("/area"), http.StatusSeeOther, "/operatore")
	vuole(t, nuovo.get("/amministrazione/operatori"), http.StatusForbidden)
	if len(vociAudit(t, app, store.AuditAccount, "Attivato l'account di Lucia Neri")) != 1 {
		t.Error("no audit entry for the activation")
	}
	controlla(t, admin.get("/amministrazione/operatori"), http.StatusOK, "", []string{"Attivo"}, []string{"In attesa di attivazione"})
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
	app.WaitLink(t, email, "Attiva il tuo account di amministratore", "/attivazione")
}

func TestAttivazioneCollegamentoNonValido(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	v := nuovoVisitatore(t, app)
	for _, sc := range []scenario{
		{name: "senza token", url: "/attivazione", wantStatus: http.StatusOK, wantContains: []string{"non è valido"}, wantNotContains: []string{`name="password"`}},
		{name: "token inventato", url: "/attivazione?t=abc", wantStatus: http.StatusOK, wantContains: []string{"non è valido"}},
		{name: "post inventato", method: http.MethodPost, url: "/attivazione", form: url.Values{"t": {"abc"}, "password": {"una password lunga abbastanza"}},
			wantStatus: http.StatusUnprocessableEntity, wantContains: []string{"non è valido"}},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.esegui(t, v) })
	}
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
	vuole(t, op.post("/accedi", url.Values{"email": {"paolo.collega@inail.test"}, "password": {passwordPersonale}}), http.StatusUnauthorized)
	if u, _ := app.App.Store.Utente(opU.ID); !u.Sospeso {
		t.Error("the account is not suspended in the store")
	}
	e := vociAudit(t, app, store.AuditAccount, "Sospeso l'account di Paolo Collega (paolo.collega@inail.test)")
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
	if len(vociAudit(t, app, store.AuditAccount, "Riattivato l'account di Paolo Collega")) != 1 {
		t.Error("no audit entry for the reactivation")
	}
	// Only administrators manage accounts.
	vuole(t, op.post(sosp(responsabile.ID), url.Values{"azione": {"sospendi"}}), http.StatusForbidden)
	vuole(t, richiedente.get("/amministrazione/operatori"), http.StatusForbidden)
	vuole(t, nuovoVisitatore(t, app).get("/amministrazione/operatori"), http.StatusSeeOther, "/accedi")
}
