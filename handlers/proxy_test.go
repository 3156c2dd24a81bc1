package handlers_test

import (
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"testing"

	"abilita/app"
	"abilita/internal/testapp"
)

// Behind a reverse proxy every client connects from the proxy's address:
// only a trusted proxy's X-Forwarded-For tells them apart, and only the
// entries the trusted proxies wrote count.

// falliti posts n wrong logins, each for another unknown name, as the
// client whose forwarded header is xff.
func falliti(v *visitatore, n int, xff string) {
	v.t.Helper()
	for i := range n {
		nome := "nessuno" + strconv.Itoa(i) + "." + xff + "@example.it"
		r := v.post("/accedi", url.Values{"identificativo": {nome}, "password": {"sbagliata del tutto"}}, "X-Forwarded-For", xff)
		if r.Status != http.StatusUnauthorized && r.Status != http.StatusTooManyRequests {
			v.t.Fatalf("failed login answered %d", r.Status)
		}
	}
}

func TestProxyFidatoSeparaIClienti(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t, func(c *app.Config) { c.ProxyFidati = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")} })
	p := mario()
	nuovoRichiedente(t, app, p)

	// One client fails 40 times; another, through the same proxy, logs in.
	falliti(nuovoVisitatore(t, app), 40, "203.0.113.7")
	r := nuovoVisitatore(t, app).post("/accedi", url.Values{"identificativo": {p.Email}, "password": {p.Password}}, "X-Forwarded-For", "198.51.100.9")
	vuole(t, r, http.StatusSeeOther)

	// The first client is throttled, even when it writes another address
	// in front of the one the proxy appended.
	r = nuovoVisitatore(t, app).post("/accedi", url.Values{"identificativo": {p.Email}, "password": {p.Password}}, "X-Forwarded-For", "192.0.2.1, 203.0.113.7")
	vuole(t, r, http.StatusTooManyRequests)

	u, err := app.App.Store.UtentePerEmail(p.Email)
	if err != nil {
		t.Fatal(err)
	}
	accessi, err := app.App.Store.AccessiRecenti(u.ID, 5)
	if err != nil || len(accessi) == 0 || accessi[0].IP != "198.51.100.9" {
		t.Errorf("the login is recorded from %+v (%v), want 198.51.100.9", accessi, err)
	}
}

func TestSenzaProxyFidatoLIntestazioneNonConta(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	nuovoRichiedente(t, app, p)
	// A client that writes a new X-Forwarded-For at each try is still one
	// client: its connecting address.
	v := nuovoVisitatore(t, app)
	for i := range 40 {
		falliti(v, 1, netip.AddrFrom4([4]byte{203, 0, 113, byte(i)}).String())
	}
	r := nuovoVisitatore(t, app).post("/accedi", url.Values{"identificativo": {p.Email}, "password": {p.Password}}, "X-Forwarded-For", "198.51.100.9")
	vuole(t, r, http.StatusTooManyRequests)
}
