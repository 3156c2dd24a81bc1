package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"abilita/internal/testapp"
)

// Changing the password: the current one again, the policy, the other
// sessions ended (DESIGN.md §4).

const nuovaPasswordLunga = "ombrello girasole tastiera lontana"

func TestAccountCambioPassword(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	qui, altrove := nuovoVisitatore(t, app), nuovoVisitatore(t, app)
	registra(t, app, qui, p)
	accediCon(t, qui, p.Email, p.Password, uaFirefoxLinux)
	accediCon(t, altrove, p.Email, p.Password, uaChromeWin)

	controlla(t, qui.get("/account/password"), http.StatusOK, "", []string{"Cambia la password", "Almeno 15 caratteri", `autocomplete="current-password"`},
		[]string{`name="codice_attuale"`})
	modulo := func(attuale, nuova, conferma string) url.Values {
		return url.Values{"password_attuale": {attuale}, "password": {nuova}, "conferma": {conferma}}
	}
	for _, sc := range []struct {
		name, campo, errore string
		form                url.Values
	}{
		{"password attuale sbagliata", "password_attuale", "La password attuale non è corretta.", modulo("cavallo batteria graffetta sbagliata", nuovaPasswordLunga, nuovaPasswordLunga)},
		{"password attuale mancante", "password_attuale", "Indica la password attuale.", modulo("", nuovaPasswordLunga, nuovaPasswordLunga)},
		{"troppo corta", "password", "almeno 15 caratteri", modulo(p.Password, "breve ma non a", "breve ma non a")},
		{"con il cognome", "password", "", modulo(p.Password, "rossi rossi girasole tastiera", "rossi rossi girasole tastiera")},
		{"conferma diversa", "conferma", "Le due password non coincidono.", modulo(p.Password, nuovaPasswordLunga, nuovaPasswordLunga+"!")},
	} {
		t.Run(sc.name, func(t *testing.T) {
			r := qui.post("/account/password", sc.form)
			vuole(t, r, http.StatusUnprocessableEntity)
			if got := erroreCampo(r.Body, sc.campo); got == "" || !strings.Contains(got, sc.errore) {
				t.Errorf("error of %s: %q, want %q", sc.campo, got, sc.errore)
			}
		})
	}
	collegatoOra(t, altrove)

	r := qui.post("/account/password", modulo(p.Password, nuovaPasswordLunga, nuovaPasswordLunga), "User-Agent", uaFirefoxLinux)
	vuole(t, r, http.StatusSeeOther, "/account/sessioni")
	controlla(t, qui.get("/account/sessioni"), http.StatusOK, "", []string{"Password cambiata. L'altra sessione aperta è stata chiusa."}, nil)
	anonimoOra(t, altrove)

	vuole(t, nuovoVisitatore(t, app).post("/accedi", url.Values{"identificativo": {p.Email}, "password": {p.Password}}), http.StatusUnauthorized)
	accediCon(t, nuovoVisitatore(t, app), p.Email, nuovaPasswordLunga, uaFirefoxLinux)
	if len(vociAudit(t, app, "account", "password cambiata dal titolare; altre sessioni chiuse: 1")) != 1 {
		t.Error("the change is not in the audit log")
	}
	m := attendi(t, app.SMTP, p.Email, "Hai cambiato la password")
	if !strings.Contains(m.Text(), "Firefox su Linux") {
		t.Errorf("the e-mail does not name the device:\n%s", m.Text())
	}
}

func TestAccountCambioPasswordConApp(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	tt := nuovoTitolareAttivo(t, app, mario(), "PI")
	qui, altrove := nuovoVisitatore(t, app), nuovoVisitatore(t, app)
	tt.accedi(qui, uaFirefoxLinux)
	tt.accedi(altrove, uaChromeWin)
	controlla(t, qui.get("/account/password"), http.StatusOK, "", []string{"Almeno 15 caratteri", `name="codice_attuale"`}, nil)

	// The same rule as without an authenticator: fifteen characters.
	if r := qui.post("/account/password", url.Values{"password_attuale": {tt.p.Password}, "codice_attuale": {tt.codice()}, "password": {"nuvola verde"}, "conferma": {"nuvola verde"}}); !strings.Contains(erroreCampo(r.Body, "password"), "almeno 15 caratteri") {
		t.Errorf("twelve characters with an authenticator: %q", erroreCampo(r.Body, "password"))
	}
	const nuova = "nuvola verde chiara"
	modulo := func(codice string) url.Values {
		return url.Values{"password_attuale": {tt.p.Password}, "codice_attuale": {codice}, "password": {nuova}, "conferma": {nuova}}
	}
	r := qui.post("/account/password", modulo(""))
	vuole(t, r, http.StatusUnprocessableEntity)
	if erroreCampo(r.Body, "codice_attuale") == "" {
		t.Error("a missing code is not reported")
	}
	r = qui.post("/account/password", modulo("000000"))
	vuole(t, r, http.StatusUnprocessableEntity)
	if got := erroreCampo(r.Body, "codice_attuale"); !strings.Contains(got, "non è valido") {
		t.Errorf("wrong code: error %q", got)
	}

	codice := tt.codice()
	vuole(t, qui.post("/account/password", modulo(codice)), http.StatusSeeOther, "/account/sessioni")
	anonimoOra(t, altrove)
	collegatoOra(t, qui)
	// The code is used up: it cannot confirm a second change.
	r = qui.post("/account/password", url.Values{"password_attuale": {nuova}, "codice_attuale": {codice}, "password": {nuovaPasswordLunga}, "conferma": {nuovaPasswordLunga}})
	vuole(t, r, http.StatusUnprocessableEntity)
	if got := erroreCampo(r.Body, "codice_attuale"); got == "" {
		t.Error("a code used twice was accepted")
	}

	tt.p.Password = nuova
	tt.accedi(nuovoVisitatore(t, app), uaSafariMac)
}

func TestAccountCambioPasswordConCodiceDiRecupero(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	tt := nuovoTitolareAttivo(t, app, mario(), "PI")
	v := nuovoVisitatore(t, app)
	tt.accedi(v, uaFirefoxLinux)
	prima := len(tt.stored().CodiciRecupero)
	r := v.post("/account/password", url.Values{"password_attuale": {tt.p.Password}, "codice_attuale": {tt.recupero[0]}, "password": {nuovaPasswordLunga}, "conferma": {nuovaPasswordLunga}})
	vuole(t, r, http.StatusSeeOther, "/account/sessioni")
	if dopo := len(tt.stored().CodiciRecupero); dopo != prima-1 {
		t.Errorf("%d recovery codes left, want %d", dopo, prima-1)
	}
}
