package handlers_test

import (
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"abilita/app"
	"abilita/internal/testapp"
	"abilita/internal/testsmtp"
)

// An attacker guessing a holder's password, slowly enough to dodge the
// delays, blocks the anonymous attempts on the account, not the browser
// the holder has logged in with; the holder is told.
func TestDispositivoNotoNonVieneBloccato(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t, func(c *app.Config) { c.ProxyFidati = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")} })
	p := mario()
	titolare := nuovoRichiedente(t, app, p) // logged in once: its browser has the device cookie
	vuole(t, titolare.post("/esci", nil), http.StatusSeeOther)

	attaccante := nuovoVisitatore(t, app)
	sbagliata := url.Values{"identificativo": {p.Email}, "password": {"non è la sua password"}}
	for range 120 {
		app.Orologio.Avanza(16 * time.Minute) // past every delay: only the count of failures stops it
		r := attaccante.post("/accedi", sbagliata, "X-Forwarded-For", "203.0.113.66")
		if r.Status != http.StatusUnauthorized && r.Status != http.StatusTooManyRequests {
			t.Fatalf("wrong password answered %d", r.Status)
		}
	}
	giusta := url.Values{"identificativo": {p.Email}, "password": {p.Password}}
	r := nuovoVisitatore(t, app).post("/accedi", giusta, "X-Forwarded-For", "198.51.100.20")
	controlla(t, r, http.StatusTooManyRequests, "", []string{"l&#39;accesso è bloccato"}, nil)

	// The holder's browser, even from another address, gets in.
	r = titolare.post("/accedi", giusta, "X-Forwarded-For", "198.51.100.21")
	vuole(t, r, http.StatusSeeOther, "/area")

	// Its own wrong attempts are throttled on their own.
	vuole(t, titolare.post("/esci", nil), http.StatusSeeOther)
	for range 5 {
		vuole(t, titolare.post("/accedi", sbagliata, "X-Forwarded-For", "198.51.100.21"), http.StatusUnauthorized)
	}
	vuole(t, titolare.post("/accedi", giusta, "X-Forwarded-For", "198.51.100.21"), http.StatusTooManyRequests)
	app.Orologio.Avanza(2 * time.Second) // its first delay
	vuole(t, titolare.post("/accedi", giusta, "X-Forwarded-For", "198.51.100.21"), http.StatusSeeOther, "/area")

	app.AttendiPostaSpedita(t)
	avvisi := contaPosta(app, func(m testsmtp.Message) bool {
		return m.To[0] == p.Email && strings.Contains(m.Subject(), "Tentativi di accesso non riusciti")
	})
	if avvisi != 1 {
		t.Errorf("%d warnings of failed logins, want 1", avvisi)
	}
}

// Wrong codes after the right password tell the holder that the password
// is known.
func TestCodiciErratiDopoLaPasswordAvvisano(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	nuovoTitolareAttivo(t, app, p, "PI")
	v := nuovoVisitatore(t, app)
	for i := range 6 {
		app.Orologio.Avanza(16 * time.Minute)
		vuole(t, v.post("/accedi", url.Values{"identificativo": {p.CF}, "password": {p.Password}}), http.StatusSeeOther, "/accedi/codice")
		r := v.post("/accedi/codice", url.Values{"codice": {"000000"}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("wrong code %d answered %d", i+1, r.Status)
		}
	}
	app.AttendiPostaSpedita(t)
	m := ultimoMessaggio(t, app.SMTP, p.Email, "Codici di verifica errati")
	if !strings.Contains(m.Text(), "la tua password è nota ad altri") {
		t.Errorf("warning:\n%s", m.Text())
	}
	if n := contaPosta(app, func(m testsmtp.Message) bool { return strings.Contains(m.Subject(), "Codici di verifica errati") }); n != 1 {
		t.Errorf("%d warnings, want 1", n)
	}
}
