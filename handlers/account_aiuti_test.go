package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/security"
)

// Helpers of the account tests: credential holders with an authenticator
// whose secret the test knows, and logins from named browsers.

// Browsers, so that logins come from devices with different names.
const (
	uaFirefoxLinux = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
	uaChromeWin    = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
	uaSafariMac    = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15"
)

// titolareAttivo is a credential holder enabled by a sede, as if it had completed
// its activation: password, authenticator and recovery codes.
type titolareAttivo struct {
	t        testing.TB
	app      *testapp.T
	p        persona
	u        *domain.Utente
	segreto  string   // of its authenticator
	recupero []string // its recovery codes not used yet
}

func nuovoTitolareAttivo(t testing.TB, app *testapp.T, p persona, sede string) *titolareAttivo {
	t.Helper()
	now := app.Orologio.Now()
	u := app.CreaUtente(t, domain.Utente{Ruolo: domain.RuoloRichiedente, Email: p.Email, CodiceFiscale: p.CF, Cognome: p.Cognome, Nome: p.Nome,
		Abilitazioni: []domain.Abilitazione{{Profilo: domain.ProfiloMedicoEsterno, CodiceMedico: "ME000123", Sede: sede, Dal: now, Attivata: now}}}, p.Password)
	key, err := security.NuovoTOTP("Prova", p.CF)
	if err != nil {
		t.Fatal(err)
	}
	sigillo, err := app.App.Keys.Seal([]byte(key.Secret()), domain.ContestoSegretoTOTP(u.ID))
	if err != nil {
		t.Fatal(err)
	}
	tt := &titolareAttivo{t: t, app: app, p: p, u: u, segreto: key.Secret(), recupero: security.CodiciRecupero(10)}
	var hashes []string
	for _, c := range tt.recupero {
		hashes = append(hashes, security.HashToken(security.NormalizeCode(c)))
	}
	app.AggiornaUtente(t, u.ID, func(x *domain.Utente) error {
		x.TOTP = &domain.TOTP{SegretoCifrato: sigillo, Attivato: now}
		x.CodiciRecupero = hashes
		x.Regole = &domain.Accettazione{Versione: domain.VersioneRegole, Quando: now}
		return nil
	})
	tt.u = tt.stored()
	return tt
}

// stored is the account as the store holds it now.
func (tt *titolareAttivo) stored() *domain.Utente {
	tt.t.Helper()
	u, err := tt.app.App.Store.Utente(tt.u.ID)
	if err != nil {
		tt.t.Fatal(err)
	}
	return u
}

// accedi logs the holder in from browser ua with a recovery code, which
// unlike the app's codes can be given any number of times in a row.
func (tt *titolareAttivo) accedi(v *visitatore, ua string) {
	tt.t.Helper()
	vuole(tt.t, v.post("/accedi", url.Values{"identificativo": {tt.p.CF}, "password": {tt.p.Password}}, "User-Agent", ua), http.StatusSeeOther, "/accedi/codice")
	codice := tt.recupero[0]
	tt.recupero = tt.recupero[1:]
	r := v.post("/accedi/codice", url.Values{"recupero": {codice}}, "User-Agent", ua)
	vuole(tt.t, r, http.StatusSeeOther)
	// As a browser does: the page after the login shows its one-time message.
	vuole(tt.t, v.get(r.Location(), "User-Agent", ua), http.StatusOK)
}

// codice is a code of the app valid now and never used: the last used step
// is moved back first, as if half a minute had passed since it.
func (tt *titolareAttivo) codice() string {
	tt.t.Helper()
	passo := security.PassoTOTP(tt.app.Orologio.Now())
	tt.app.AggiornaUtente(tt.t, tt.u.ID, func(x *domain.Utente) error {
		x.TOTP.UltimoPasso = min(x.TOTP.UltimoPasso, passo-2)
		return nil
	})
	c, err := security.CodiceTOTP(tt.segreto, tt.app.Orologio.Now())
	if err != nil {
		tt.t.Fatal(err)
	}
	return c
}

// accediCon logs in an account that needs no second factor, from browser ua.
func accediCon(t testing.TB, v *visitatore, nome, password, ua string) {
	t.Helper()
	vuole(t, v.post("/accedi", url.Values{"identificativo": {nome}, "password": {password}}, "User-Agent", ua), http.StatusSeeOther, "/area")
}

// anonimoOra fails the test unless the visitor's session is over: a private
// page sends it to the login.
func anonimoOra(t testing.TB, v *visitatore) {
	t.Helper()
	vuole(t, v.get("/account/sessioni"), http.StatusSeeOther, "/accedi")
}

// collegatoOra fails the test unless the visitor is still logged in.
func collegatoOra(t testing.TB, v *visitatore) {
	t.Helper()
	vuole(t, v.get("/account/sessioni"), http.StatusOK)
}

var reIDSessione = regexp.MustCompile(`name="sessione" value="([0-9a-f]{16})"`)

// idSessioni are the ids of the other sessions in the visitor's page of
// sessions, in the page's order.
func idSessioni(t testing.TB, v *visitatore) []string {
	t.Helper()
	r := v.get("/account/sessioni")
	vuole(t, r, http.StatusOK)
	var out []string
	for _, m := range reIDSessione.FindAllStringSubmatch(r.Body, -1) {
		out = append(out, m[1])
	}
	return out
}

// sessioniNelloStore is how many sessions the account has in the store.
func sessioniNelloStore(t testing.TB, app *testapp.T, id uint64) []domain.Sessione {
	t.Helper()
	ss, err := app.App.Store.SessioniUtente(id)
	if err != nil {
		t.Fatal(err)
	}
	return ss
}

func itoaTest(n uint64) string { return strconv.FormatUint(n, 10) }
