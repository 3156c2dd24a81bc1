package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/internal/testsmtp"
)

// The operators' actions on the accounts of the holders of their sede
// (DESIGN.md §4): suspension, revocation, reset of the authenticator after
// an identity check, new activation codes.

func urlAccount(u *domain.Utente, azione string) string {
	return "/operatore/account/" + itoaTest(u.ID) + "/" + azione
}

// bancoAccount is a holder of the sede of Pisa logged in from its browser, the
// operator of that sede and one of Milan.
type bancoAccount struct {
	app       *testapp.T
	tt        *titolareAttivo
	titolare  *visitatore
	operatore *visitatore
	altraSede *visitatore
}

func nuovoBancoAccount(t *testing.T) *bancoAccount {
	app := testapp.Start(t)
	b := &bancoAccount{app: app, tt: nuovoTitolareAttivo(t, app, mario(), "PI"), titolare: nuovoVisitatore(t, app)}
	b.tt.accedi(b.titolare, uaFirefoxLinux)
	b.operatore, _ = nuovoOperatore(t, app, "Paola", "Pisani", "PI")
	b.altraSede, _ = nuovoOperatore(t, app, "Marco", "Milanesi", "MI")
	return b
}

func TestAccountOperatoreRicerca(t *testing.T) {
	t.Parallel()
	b := nuovoBancoAccount(t)
	cf := b.tt.p.CF
	for _, sc := range []struct {
		name string
		v    *visitatore
		scenario
	}{
		{"modulo di ricerca", b.operatore, scenario{url: "/operatore/account", wantStatus: http.StatusOK, wantContains: []string{"Codice fiscale del titolare"}}},
		{"titolare della sede", b.operatore, scenario{url: "/operatore/account?cf=" + strings.ToLower(cf), wantStatus: http.StatusOK,
			wantContains: []string{"Mario Rossi", cf, "Attivo", "ME000123", "Sospendi l'account", "Azzera l'app", "Revoca l'account", "Firefox su Linux"}}},
		{"operatore di un'altra sede", b.altraSede, scenario{url: "/operatore/account?cf=" + cf, wantStatus: http.StatusNotFound,
			wantContains: []string{"Nessun account di questa sede con questo codice fiscale."}, wantNotContains: []string{"Mario Rossi", "ME000123"}}},
		{"codice fiscale sconosciuto", b.operatore, scenario{url: "/operatore/account?cf=" + anna().CF, wantStatus: http.StatusNotFound,
			wantContains: []string{"Nessun account di questa sede"}}},
		{"markup", b.operatore, scenario{url: "/operatore/account?cf=" + url.QueryEscape("<b>x"), wantStatus: http.StatusUnprocessableEntity,
			wantContains: []string{"I caratteri < e > non sono ammessi."}, wantNotContains: []string{"<b>x"}}},
		{"un titolare non cerca account", b.titolare, scenario{url: "/operatore/account?cf=" + cf, wantStatus: http.StatusForbidden}},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.esegui(t, sc.v) })
	}
	// Another sede's operator acts on nothing either.
	for _, azione := range []string{"sospendi", "revoca", "totp", "attivazione"} {
		r := b.altraSede.post(urlAccount(b.tt.u, azione), url.Values{"azione": {"sospendi"}, "motivo": {"prova"}, "conferma": {"si"}})
		controlla(t, r, http.StatusNotFound, "", []string{"Nessun account di questa sede"}, nil)
	}
	if u := b.tt.stored(); u.Sospeso || u.Revocato || u.TOTP == nil {
		t.Error("an operator of another sede changed the account")
	}
	collegatoOra(t, b.titolare)
}

func TestAccountOperatoreSospendeERiattiva(t *testing.T) {
	t.Parallel()
	b := nuovoBancoAccount(t)
	r := b.operatore.post(urlAccount(b.tt.u, "sospendi"), url.Values{"azione": {"sospendi"}, "motivo": {"segnalazione di uso improprio"}})
	vuole(t, r, http.StatusSeeOther, "/operatore/account?cf="+b.tt.p.CF)
	controlla(t, b.operatore.get(r.Location()), http.StatusOK, "", []string{"Account sospeso", "Sospeso", "Riattiva l'account"}, nil)
	// The open session is refused on its very next request.
	anonimoOra(t, b.titolare)
	if n := len(sessioniNelloStore(t, b.app, b.tt.u.ID)); n != 0 {
		t.Errorf("%d sessions left after the suspension", n)
	}
	vuole(t, nuovoVisitatore(t, b.app).post("/accedi", url.Values{"identificativo": {b.tt.p.CF}, "password": {b.tt.p.Password}}), http.StatusUnauthorized)
	if len(vociAudit(t, b.app, "account", "sospeso l'account di Mario Rossi ("+b.tt.p.CF+") (motivo: segnalazione di uso improprio)")) != 1 {
		t.Error("the suspension is not in the audit log")
	}

	vuole(t, b.operatore.post(urlAccount(b.tt.u, "sospendi"), url.Values{"azione": {"riattiva"}}), http.StatusSeeOther)
	b.tt.accedi(nuovoVisitatore(t, b.app), uaChromeWin)
	vuole(t, b.operatore.post(urlAccount(b.tt.u, "sospendi"), url.Values{"azione": {"boh"}}), http.StatusUnprocessableEntity)
}

func TestAccountOperatoreSessioneSospesaRifiutata(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	tt := nuovoTitolareAttivo(t, app, mario(), "PI")
	v := nuovoVisitatore(t, app)
	tt.accedi(v, uaFirefoxLinux)
	// Suspended by a path that does not end the sessions itself: the
	// middleware must still refuse the session on its next request.
	app.AggiornaUtente(t, tt.u.ID, func(u *domain.Utente) error { u.Sospeso = true; return nil })
	anonimoOra(t, v)
	if n := len(sessioniNelloStore(t, app, tt.u.ID)); n != 0 {
		t.Errorf("the refused session is still stored (%d)", n)
	}
}

func TestAccountOperatoreRevoca(t *testing.T) {
	t.Parallel()
	b := nuovoBancoAccount(t)
	for _, sc := range []struct {
		name, campo string
		form        url.Values
	}{
		{"senza conferma", "revoca_conferma", url.Values{"motivo": {"decesso del titolare"}}},
		{"senza motivo", "revoca_motivo", url.Values{"conferma": {"si"}}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			r := b.operatore.post(urlAccount(b.tt.u, "revoca"), sc.form)
			vuole(t, r, http.StatusUnprocessableEntity)
			if erroreCampo(r.Body, sc.campo) == "" {
				t.Errorf("no error next to %s", sc.campo)
			}
		})
	}
	collegatoOra(t, b.titolare)

	r := b.operatore.post(urlAccount(b.tt.u, "revoca"), url.Values{"motivo": {"decesso del titolare"}, "conferma": {"si"}})
	vuole(t, r, http.StatusSeeOther)
	controlla(t, b.operatore.get(r.Location()), http.StatusOK, "", []string{"Account revocato", "Revocato", "non sono possibili altre operazioni"},
		[]string{"Sospendi l'account", "Emetti un nuovo codice"})
	anonimoOra(t, b.titolare)
	vuole(t, nuovoVisitatore(t, b.app).post("/accedi", url.Values{"identificativo": {b.tt.p.CF}, "password": {b.tt.p.Password}}), http.StatusUnauthorized)
	if len(vociAudit(t, b.app, "account", "revocato l'account di Mario Rossi ("+b.tt.p.CF+") (motivo: decesso del titolare)")) != 1 {
		t.Error("the revocation is not in the audit log")
	}
	vuole(t, b.operatore.post(urlAccount(b.tt.u, "revoca"), url.Values{"motivo": {"di nuovo"}, "conferma": {"si"}}), http.StatusUnprocessableEntity)
	vuole(t, b.operatore.post(urlAccount(b.tt.u, "attivazione"), url.Values{"motivo": {"prova"}, "consegna": {"sportello"}}), http.StatusUnprocessableEntity)
}

var (
	reParte1 = regexp.MustCompile(`(?m)^\s+([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2})\s*$`)
	reParte2 = regexp.MustCompile(`(?s)id="parte2".*?testo-codice[^>]*>([0-9A-Z-]+)<`)
)

// parteUno waits for the n-th e-mail (from 1) with part 1 of a code to the
// holder and returns the part.
func (b *bancoAccount) parteUno(t testing.TB, n int) string {
	t.Helper()
	var trovate []string
	b.app.SMTP.WaitFor(t, 10*time.Second, func(m testsmtp.Message) bool {
		if strings.Contains(strings.Join(m.To, ","), b.tt.p.Email) && strings.Contains(m.Subject(), "prima parte") {
			if p := reParte1.FindStringSubmatch(m.Text()); p != nil && !contiene(trovate, p[1]) {
				trovate = append(trovate, p[1])
			}
		}
		return len(trovate) >= n
	})
	return trovate[n-1]
}

func contiene(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// parteDue reads part 2 from the page the operator got after issuing a code.
func parteDue(t testing.TB, r risposta) string {
	t.Helper()
	m := reParte2.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no part 2 in the page:\n%s", estratto(r.Body))
	}
	return m[1]
}

func TestAccountOperatoreAzzeraApp(t *testing.T) {
	t.Parallel()
	b := nuovoBancoAccount(t)
	valido := url.Values{"documento_tipo": {"Carta d'identità"}, "documento_numero": {"CA1234567"}, "identita_verificata": {"si"},
		"motivo": {"telefono smarrito"}, "consegna": {"sportello"}}
	senza := func(campo string) url.Values {
		f := url.Values{}
		for k, v := range valido {
			if k != campo {
				f[k] = v
			}
		}
		return f
	}
	for _, campo := range []string{"identita_verificata", "motivo", "documento_tipo", "documento_numero", "consegna"} {
		t.Run("senza "+campo, func(t *testing.T) {
			r := b.operatore.post(urlAccount(b.tt.u, "totp"), senza(campo))
			vuole(t, r, http.StatusUnprocessableEntity)
			if erroreCampo(r.Body, "totp_"+campo) == "" {
				t.Errorf("no error next to %s", campo)
			}
		})
	}
	// No PEC is known for this holder.
	pec := senza("consegna")
	pec.Set("consegna", "pec")
	vuole(t, b.operatore.post(urlAccount(b.tt.u, "totp"), pec), http.StatusUnprocessableEntity)
	if b.tt.stored().TOTP == nil {
		t.Fatal("a refused reset removed the authenticator")
	}

	r := b.operatore.post(urlAccount(b.tt.u, "totp"), valido)
	controlla(t, r, http.StatusOK, "", []string{"App di autenticazione azzerata", "Seconda parte del codice di attivazione"}, nil)
	parte2 := parteDue(t, r)
	u := b.tt.stored()
	if u.TOTP != nil || len(u.CodiciRecupero) != 0 {
		t.Error("the authenticator or the recovery codes survived the reset")
	}
	anonimoOra(t, b.titolare)
	voci := vociAudit(t, b.app, "account", "azzerata l'app di autenticazione di Mario Rossi")
	if len(voci) != 1 || !strings.Contains(voci[0].Dettaglio, "motivo: telefono smarrito") || !strings.Contains(voci[0].Dettaglio, "Carta d'identità n. CA1234567") {
		t.Errorf("audit entries of the reset: %+v", voci)
	}

	// The code delivered is the one that works.
	parte1 := b.parteUno(t, 1)
	a := nuovoVisitatore(t, b.app)
	vuole(t, a.post("/attivazione", url.Values{"identificativo": {b.tt.p.CF}, "parte1": {parte1}, "parte2": {parte2}}), http.StatusSeeOther, "/attivazione/passo")
}

func TestAccountOperatoreNuovoCodice(t *testing.T) {
	t.Parallel()
	b := nuovoBancoAccount(t)
	r := b.operatore.post(urlAccount(b.tt.u, "attivazione"), url.Values{"consegna": {"sportello"}})
	vuole(t, r, http.StatusUnprocessableEntity)
	if erroreCampo(r.Body, "attivazione_motivo") == "" {
		t.Error("a missing reason is not reported")
	}

	r = b.operatore.post(urlAccount(b.tt.u, "attivazione"), url.Values{"motivo": {"codice mai ricevuto"}, "consegna": {"sportello"}})
	controlla(t, r, http.StatusOK, "", []string{"Nuovo codice di attivazione emesso"}, nil)
	vecchio := []string{b.parteUno(t, 1), parteDue(t, r)}
	r = b.operatore.post(urlAccount(b.tt.u, "attivazione"), url.Values{"motivo": {"codice scaduto"}, "consegna": {"sportello"}})
	controlla(t, r, http.StatusOK, "", []string{"Nuovo codice di attivazione emesso"}, nil)
	nuovo := []string{b.parteUno(t, 2), parteDue(t, r)}
	controlla(t, b.operatore.get("/operatore/account?cf="+b.tt.p.CF), http.StatusOK, "", []string{"valido fino al", "codice scaduto"}, nil)

	a := nuovoVisitatore(t, b.app)
	vuole(t, a.post("/attivazione", url.Values{"identificativo": {b.tt.p.CF}, "parte1": {vecchio[0]}, "parte2": {vecchio[1]}}), http.StatusUnprocessableEntity)
	vuole(t, a.post("/attivazione", url.Values{"identificativo": {b.tt.p.CF}, "parte1": {nuovo[0]}, "parte2": {nuovo[1]}}), http.StatusSeeOther, "/attivazione/passo")
}
