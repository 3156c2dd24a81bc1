package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/security"
)

// Replacing the authenticator: the current factors again, a code of the new
// secret, the other sessions ended.

var (
	reSigillo = regexp.MustCompile(`name="sigillo" value="([A-Za-z0-9_-]+)"`)
	reChiave  = regexp.MustCompile(`id="chiave-totp">([A-Z2-7 ]+)<`)
)

// nuovaApp opens the page of the change and returns the sealed secret the
// form carries and the key shown for manual entry.
func nuovaApp(t testing.TB, v *visitatore) (sigillo, segreto string) {
	t.Helper()
	r := v.get("/account/totp")
	controlla(t, r, http.StatusOK, "", []string{`src="data:image/png;base64,`, "Usa la nuova app"}, nil)
	s, k := reSigillo.FindStringSubmatch(r.Body), reChiave.FindStringSubmatch(r.Body)
	if s == nil || k == nil {
		t.Fatalf("no sealed secret or key in the page:\n%s", estratto(r.Body))
	}
	return s[1], strings.ReplaceAll(k[1], " ", "")
}

func TestAccountCambioApp(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	tt := nuovoTitolareAttivo(t, app, mario(), "PI")
	qui, altrove := nuovoVisitatore(t, app), nuovoVisitatore(t, app)
	tt.accedi(qui, uaFirefoxLinux)
	tt.accedi(altrove, uaChromeWin)
	sigillo, segreto := nuovaApp(t, qui)
	if segreto == tt.segreto {
		t.Fatal("the new secret is the old one")
	}
	codiceNuovo := func() string {
		c, err := security.CodiceTOTP(segreto, app.Orologio.Now())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	modulo := func(sig, nuovo, attuale string) url.Values {
		return url.Values{"sigillo": {sig}, "nuovo_codice": {nuovo}, "password_attuale": {tt.p.Password}, "codice_attuale": {attuale}}
	}
	for _, sc := range []struct {
		name, campo string
		form        url.Values
	}{
		{"codice della nuova app sbagliato", "nuovo_codice", modulo(sigillo, "000000", tt.codice())},
		{"codice della vecchia app mancante", "codice_attuale", modulo(sigillo, codiceNuovo(), "")},
		{"codice della vecchia app sbagliato", "codice_attuale", modulo(sigillo, codiceNuovo(), "000000")},
		{"segreto alterato", "nuovo_codice", modulo(sigillo[:len(sigillo)-2]+"AA", codiceNuovo(), tt.codice())},
	} {
		t.Run(sc.name, func(t *testing.T) {
			r := qui.post("/account/totp", sc.form)
			vuole(t, r, http.StatusUnprocessableEntity)
			if erroreCampo(r.Body, sc.campo) == "" {
				t.Errorf("no error next to %s:\n%s", sc.campo, estratto(r.Body))
			}
		})
	}
	if got := tt.stored().TOTP.SegretoCifrato; !apreA(t, app, tt.u.ID, got, tt.segreto) {
		t.Fatal("a refused change replaced the secret")
	}

	// A secret shown to another session does not open in this one.
	altroSigillo, altroSegreto := nuovaApp(t, altrove)
	c, _ := security.CodiceTOTP(altroSegreto, app.Orologio.Now())
	vuole(t, qui.post("/account/totp", modulo(altroSigillo, c, tt.codice())), http.StatusUnprocessableEntity)

	confermato := codiceNuovo()
	vuole(t, qui.post("/account/totp", modulo(sigillo, confermato, tt.codice())), http.StatusSeeOther, "/account/sessioni")
	controlla(t, qui.get("/account/sessioni"), http.StatusOK, "", []string{"App di autenticazione cambiata"}, nil)
	anonimoOra(t, altrove)
	u := tt.stored()
	if !apreA(t, app, u.ID, u.TOTP.SegretoCifrato, segreto) {
		t.Fatal("the stored secret is not the new one")
	}
	if u.TOTP.UltimoPasso == 0 {
		t.Error("the confirming code's step is not recorded: it could log in")
	}
	if len(vociAudit(t, app, "account", "app di autenticazione cambiata dal titolare")) != 1 {
		t.Error("the change is not in the audit log")
	}

	// The old app no longer logs in; the new one does, but not with the confirming code.
	accesso := nuovoVisitatore(t, app)
	vuole(t, accesso.post("/accedi", url.Values{"identificativo": {tt.p.CF}, "password": {tt.p.Password}}), http.StatusSeeOther, "/accedi/codice")
	vecchio, _ := security.CodiceTOTP(tt.segreto, app.Orologio.Now())
	if vecchio != confermato {
		vuole(t, accesso.post("/accedi/codice", url.Values{"codice": {vecchio}}), http.StatusUnprocessableEntity)
	}
	vuole(t, accesso.post("/accedi/codice", url.Values{"codice": {confermato}}), http.StatusUnprocessableEntity)
	tt.segreto = segreto
	vuole(t, accesso.post("/accedi/codice", url.Values{"codice": {tt.codice()}}), http.StatusSeeOther)
}

// apreA reports whether a sealed secret of the account is segreto.
func apreA(t testing.TB, app *testapp.T, id uint64, sigillato []byte, segreto string) bool {
	t.Helper()
	b, err := app.App.Keys.Open(sigillato, domain.ContestoSegretoTOTP(id))
	if err != nil {
		t.Fatal(err)
	}
	return string(b) == segreto
}

func TestAccountCambioAppSenzaApp(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoVisitatore(t, app)
	registra(t, app, v, p)
	accediCon(t, v, p.Email, p.Password, uaFirefoxLinux)
	controlla(t, v.get("/account/totp"), http.StatusOK, "", []string{"accede con la sola password"}, []string{`name="sigillo"`})
	vuole(t, v.post("/account/totp", url.Values{"nuovo_codice": {"123456"}}), http.StatusConflict)
}
