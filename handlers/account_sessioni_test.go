package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"abilita/internal/testapp"
	"abilita/internal/testsmtp"
	"abilita/security"
)

// The user's own sessions and login history (DESIGN.md §4).

func TestAccountSessioniElencoEChiusura(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	tt := nuovoTitolareAttivo(t, app, mario(), "PI")
	qui, altrove := nuovoVisitatore(t, app), nuovoVisitatore(t, app)
	tt.accedi(qui, uaFirefoxLinux)
	tt.accedi(altrove, uaChromeWin)

	r := qui.get("/account/sessioni")
	controlla(t, r, http.StatusOK, "", []string{"Firefox su Linux", "Chrome su Windows", "127.0.0.1", "questa sessione"}, nil)
	if n := strings.Count(r.Body, "questa sessione"); n != 1 {
		t.Errorf("%d sessions marked as the current one, want 1", n)
	}
	// The page names sessions without their secret or its hash, the key of the store.
	for _, ss := range sessioniNelloStore(t, app, tt.u.ID) {
		if strings.Contains(r.Body, ss.Hash) {
			t.Error("the page shows the hash of a session")
		}
	}
	for _, tok := range []string{qui.cookie("abilita_sessione"), altrove.cookie("abilita_sessione")} {
		if tok == "" || strings.Contains(r.Body, tok) || strings.Contains(r.Body, security.HashToken(tok)) {
			t.Error("the page shows a session cookie or its hash")
		}
	}

	ids := idSessioni(t, qui)
	if len(ids) != 1 {
		t.Fatalf("%d other sessions with a form, want 1", len(ids))
	}
	for _, sc := range []scenario{
		{name: "sessione sconosciuta", method: http.MethodPost, url: "/account/sessioni/termina", form: url.Values{"sessione": {"0123456789abcdef"}},
			wantStatus: http.StatusNotFound, wantContains: []string{"Sessione non trovata"}},
		{name: "nessuna sessione indicata", method: http.MethodPost, url: "/account/sessioni/termina", wantStatus: http.StatusNotFound},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.esegui(t, qui) })
	}
	collegatoOra(t, altrove)

	r = qui.post("/account/sessioni/termina", url.Values{"sessione": {ids[0]}})
	vuole(t, r, http.StatusSeeOther, "/account/sessioni")
	anonimoOra(t, altrove)
	r = qui.get("/account/sessioni")
	controlla(t, r, http.StatusOK, "", []string{"Sessione chiusa: su Chrome su Windows", "Non hai altre sessioni aperte."}, []string{"Chrome su Windows</th>"})
	if got := len(sessioniNelloStore(t, app, tt.u.ID)); got != 1 {
		t.Errorf("%d sessions in the store, want 1", got)
	}
	if len(vociAudit(t, app, "account", "il titolare ha chiuso una sessione (Chrome su Windows")) != 1 {
		t.Error("ending a session is not in the audit log")
	}
}

func TestAccountSessioniSessioneCorrenteNonSiChiudeDaQui(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	tt := nuovoTitolareAttivo(t, app, mario(), "PI")
	v := nuovoVisitatore(t, app)
	tt.accedi(v, uaFirefoxLinux)
	corrente := sessioniNelloStore(t, app, tt.u.ID)[0].Hash
	r := v.post("/account/sessioni/termina", url.Values{"sessione": {security.HashToken(corrente)[:16]}})
	controlla(t, r, http.StatusConflict, "", []string{"usa «Esci»"}, nil)
	collegatoOra(t, v)
}

func TestAccountSessioniChiudiTutteLeAltre(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	tt := nuovoTitolareAttivo(t, app, mario(), "PI")
	qui, uno, due := nuovoVisitatore(t, app), nuovoVisitatore(t, app), nuovoVisitatore(t, app)
	tt.accedi(qui, uaFirefoxLinux)
	tt.accedi(uno, uaChromeWin)
	tt.accedi(due, uaSafariMac)
	if got := len(idSessioni(t, qui)); got != 2 {
		t.Fatalf("%d other sessions listed, want 2", got)
	}
	r := qui.post("/account/sessioni/termina", url.Values{"tutte": {"si"}})
	vuole(t, r, http.StatusSeeOther, "/account/sessioni")
	anonimoOra(t, uno)
	anonimoOra(t, due)
	controlla(t, qui.get("/account/sessioni"), http.StatusOK, "", []string{"Hai chiuso le altre 2 sessioni aperte."}, nil)
	if got := len(sessioniNelloStore(t, app, tt.u.ID)); got != 1 {
		t.Errorf("%d sessions in the store, want the current one only", got)
	}
}

func TestAccountSessioniSoloLePropriePagine(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	anonimo := nuovoVisitatore(t, app)
	for _, sc := range []scenario{
		{name: "sessioni", url: "/account/sessioni", wantStatus: http.StatusSeeOther, wantLocation: "/accedi?dopo=%2Faccount%2Fsessioni"},
		{name: "accessi", url: "/account/accessi", wantStatus: http.StatusSeeOther, wantLocation: "/accedi"},
		{name: "termina", method: http.MethodPost, url: "/account/sessioni/termina", form: url.Values{"tutte": {"si"}}, wantStatus: http.StatusUnauthorized},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.esegui(t, anonimo) })
	}
}

func TestAccountAccessiRecenti(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoVisitatore(t, app)
	registra(t, app, v, p)
	r := v.post("/accedi", url.Values{"identificativo": {p.Email}, "password": {"non è la mia password"}}, "User-Agent", uaChromeWin)
	vuole(t, r, http.StatusUnauthorized)
	accediCon(t, v, p.Email, p.Password, uaFirefoxLinux)

	r = v.get("/account/accessi")
	controlla(t, r, http.StatusOK, "", []string{"Accessi recenti", "Non riuscito", "Riuscito", "Chrome su Windows", "Firefox su Linux", "127.0.0.1", "Password"}, nil)
	// Newest first: the successful login, then the failed one.
	if i, j := strings.Index(r.Body, "Firefox su Linux"), strings.Index(r.Body, "Chrome su Windows"); i > j {
		t.Error("the history is not newest first")
	}
}

func TestAccountNuovoDispositivoAvvisatoPerEmail(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	registra(t, app, nuovoVisitatore(t, app), p)
	avviso := func(m testsmtp.Message) bool {
		return strings.Contains(strings.Join(m.To, ","), p.Email) && strings.Contains(m.Subject(), "dispositivo mai usato")
	}

	// The very first login is not news, nor another one from the same kind of browser.
	accediCon(t, nuovoVisitatore(t, app), p.Email, p.Password, uaFirefoxLinux)
	accediCon(t, nuovoVisitatore(t, app), p.Email, p.Password, uaFirefoxLinux)
	// A wrong password from a new device is history, not a new device.
	vuole(t, nuovoVisitatore(t, app).post("/accedi", url.Values{"identificativo": {p.Email}, "password": {"sbagliata sbagliata"}}, "User-Agent", uaSafariMac), http.StatusUnauthorized)
	accediCon(t, nuovoVisitatore(t, app), p.Email, p.Password, uaChromeWin)

	m := app.SMTP.WaitFor(t, 10*time.Second, avviso)
	testo := m.Text()
	for _, s := range []string{"Chrome su Windows", "127.0.0.1", app.URL + "/account/sessioni", app.URL + "/account/password", "Se non sei stato tu"} {
		if !strings.Contains(testo, s) {
			t.Errorf("the e-mail lacks %q:\n%s", s, testo)
		}
	}
	app.AttendiPostaSpedita(t) // any other message queued before has reached the relay
	if n := quante(app.SMTP, avviso); n != 1 {
		t.Errorf("%d new-device e-mails, want 1 (for Chrome su Windows only)", n)
	}
}
