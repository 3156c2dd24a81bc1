package handlers_test

import (
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"abilita/app"
	"abilita/domain"
	"abilita/forte/oidc"
	"abilita/internal/testapp"
	"abilita/internal/testcns"
	"abilita/internal/testoidc"
)

// conSPID starts Abilita with a real OpenID Connect provider inside the
// test, configured as the SPID gateway (level 2 at least).
func conSPID(t *testing.T) (*testapp.T, func(*testoidc.Utente)) {
	t.Helper()
	var ta *testapp.T
	m := testoidc.Avvia(t, func() time.Time { return ta.Orologio.Now() })
	file := filepath.Join(t.TempDir(), "fornitori.json")
	dati, _ := json.Marshal([]map[string]any{{
		"nome": "spid", "etichetta": "SPID", "issuer": m.Issuer(), "client_id": m.ClientID, "client_secret": m.ClientSecret,
		"acr_minimo": oidc.LivelliSPID[1], "livelli_acr": oidc.LivelliSPID,
	}})
	if err := os.WriteFile(file, dati, 0o600); err != nil {
		t.Fatal(err)
	}
	ta = testapp.Start(t, func(c *app.Config) { c.OIDCProvider = file })
	return ta, func(u *testoidc.Utente) { m.QueueUser(u) }
}

func spidRossi(acr string) *testoidc.Utente {
	p := mario()
	return &testoidc.Utente{Sub: "spid-" + p.CF, IDToken: map[string]any{
		"fiscalNumber": "TINIT-" + p.CF, "given_name": "Mario", "family_name": "Rossi", "email": "mario.spid@example.it", "acr": acr,
	}}
}

// spid goes through the provider as a browser would: Abilita sends it there,
// the provider signs the queued user in and sends it back. It returns
// Abilita's answer to the return, and the return address.
func (v *visitatore) spid(manomettiState bool) (risposta, string) {
	v.t.Helper()
	r := v.get("/accedi/oidc/spid")
	if r.Status != http.StatusSeeOther {
		v.t.Fatalf("/accedi/oidc/spid: %d\n%s", r.Status, estratto(r.Testo))
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(r.Location())
	if err != nil {
		v.t.Fatal(err)
	}
	res.Body.Close()
	ritorno, err := url.Parse(res.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(ritorno.String(), v.app.URL+"/accedi/oidc/spid/ritorno") {
		v.t.Fatalf("the provider sent the browser to %q (%v)", res.Header.Get("Location"), err)
	}
	if manomettiState {
		q := ritorno.Query()
		q.Set("state", "altro-"+q.Get("state"))
		ritorno.RawQuery = q.Encode()
	}
	percorso := strings.TrimPrefix(ritorno.String(), v.app.URL)
	return v.get(percorso), percorso
}

// The first SPID sign-in asks for an address and creates the account,
// verified for the codice fiscale; the next opens it directly. Refused
// sign-ins say why in Italian on the login page.
func TestAccessoSPID(t *testing.T) {
	t.Parallel()
	ta, accoda := conSPID(t)
	p := mario()
	controlla(t, nuovoVisitatore(t, ta).get("/accedi"), http.StatusOK, "", []string{`href="/accedi/oidc/spid"`, "Entra con SPID",
		"L&#39;accesso con CNS non è attivo in questa installazione"}, nil)

	v := nuovoVisitatore(t, ta)
	accoda(spidRossi(oidc.LivelliSPID[1]))
	r, _ := v.spid(false)
	vuole(t, r, http.StatusSeeOther, "/accedi/forte")
	controlla(t, v.get("/accedi/forte"), http.StatusOK, "", []string{p.CF, "SPID livello 2", `value="mario.spid@example.it"`}, nil)
	controlla(t, v.post("/accedi/forte", url.Values{"email": {"non è un indirizzo"}}), http.StatusUnprocessableEntity, "", []string{"non è valido"}, nil)
	vuole(t, v.post("/accedi/forte", url.Values{"email": {"mario.spid@example.it"}}), http.StatusSeeOther, "/area")
	controlla(t, v.get("/area"), http.StatusOK, "", []string{"Account creato con SPID livello 2", "Mario"}, nil)
	u, err := ta.App.Store.UtentePerCF(p.CF)
	if err != nil || u.Forte == nil || u.Forte.Metodo != domain.MetodoOIDC || u.Forte.Livello != oidc.LivelliSPID[1] || u.Email != "mario.spid@example.it" || u.Verificato() {
		t.Fatalf("the account: %+v, %v", u, err)
	}
	// Before the address is confirmed, no request; then path B, with the
	// identity the credential verified, which the form does not change.
	vuole(t, v.post("/richieste", nil), http.StatusForbidden)
	conferma(t, ta, v, persona{Email: "mario.spid@example.it"})
	controlla(t, v.get("/area"), http.StatusOK, "", []string{"Identità verificata con SPID livello 2", `href="/assistenza"`}, nil)
	controlla(t, v.get("/assistenza"), http.StatusOK, "", []string{"Prestazioni a tutela del Lavoratore – Assistenza ai servizi online – Registrazione ed autenticazione",
		"Apri la richiesta di abilitazione", "Questa richiesta non si presenta in Abilita"}, nil)
	r = v.post("/richieste", nil)
	vuole(t, r, http.StatusSeeOther, "/richieste/")
	id := idDaURL(t, r.Location())
	b := mustRichiesta(t, ta, id)
	if b.Percorso != domain.PercorsoInailRisponde || b.Anagrafica.CodiceFiscale != p.CF || b.Anagrafica.Cognome != "Rossi" {
		t.Fatalf("the draft of path B: %s, %+v", b.Percorso, b.Anagrafica)
	}
	controlla(t, v.get(urlPasso(id, domain.PassoAnagrafica)), http.StatusOK, "", []string{`id="codice_fiscale" name="codice_fiscale" value="` + p.CF + `"`, "readonly", "verificati dalla tua identità digitale"}, nil)
	v.post(urlPasso(id, domain.PassoAnagrafica), url.Values{"codice_fiscale": {anna().CF}, "cognome": {"Bianchi"}, "nome": {"Anna"}, "azione": {"avanti"}})
	if got := mustRichiesta(t, ta, id).Anagrafica; got.CodiceFiscale != p.CF || got.Cognome != "Rossi" || got.Nome != "Mario" {
		t.Errorf("the identity of path B changed by the form: %+v", got)
	}
	// Filed, the operator sees how the identity was verified.
	v.compila(id, p)
	v.caricaValidi(id)
	v.invia(id)
	op, _ := nuovoOperatore(t, ta, "Laura", "Pisani", "PI")
	controlla(t, op.get(urlOperatore(id, "")), http.StatusOK, "", []string{"Identità digitale", "Identità verificata con SPID livello 2", "percorso InailRisponde"}, nil)

	// Next time, straight in; the secrets of a login are used once.
	altro := nuovoVisitatore(t, ta)
	accoda(spidRossi(oidc.LivelliSPID[2]))
	r, ritorno := altro.spid(false)
	vuole(t, r, http.StatusSeeOther, "/area")
	controlla(t, altro.get("/area"), http.StatusOK, "", []string{"Hai effettuato l&#39;accesso con SPID livello 3"}, nil)
	controlla(t, altro.get(ritorno), http.StatusUnauthorized, "", []string{"La richiesta di accesso è scaduta"}, nil)

	// Refused: another state; a level below the minimum.
	accoda(spidRossi(oidc.LivelliSPID[1]))
	r, _ = nuovoVisitatore(t, ta).spid(true)
	controlla(t, r, http.StatusUnauthorized, "", []string{"state non valido"}, nil)
	accoda(spidRossi(oidc.LivelliSPID[0]))
	r, _ = nuovoVisitatore(t, ta).spid(false)
	controlla(t, r, http.StatusUnauthorized, "", []string{"inferiore a quello richiesto"}, nil)
	vuole(t, nuovoVisitatore(t, ta).get("/accedi/oidc/nessuno"), http.StatusNotFound)
}

// The CNS card's certificate, passed by the trusted TLS-terminating proxy
// in its header: the first sign-in creates the account, the next opens it;
// an expired card is refused and says so.
func TestAccessoCNSDietroProxy(t *testing.T) {
	t.Parallel()
	p := mario()
	dir := t.TempDir()
	var ta *testapp.T
	ora := time.Date(2026, time.December, 5, 9, 0, 0, 0, domain.Roma)
	ca := testcns.NuovaCA(t, "CA di prova delle carte", ora.AddDate(-5, 0, 0), ora.AddDate(5, 0, 0))
	bundle := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(bundle, ca.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	ta = testapp.Start(t, func(c *app.Config) {
		c.CNSCA, c.CNSHeader, c.CNSURL = bundle, "X-Client-Cert", "https://cns.abilita.test/accedi/cns"
		c.ProxyFidati = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	})
	intestazione := func(c tls.Certificate) string {
		return url.QueryEscape(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate[0]})))
	}
	carta := ca.Rilascia(t, testcns.Carta{CommonName: p.CF + "/7420091000049623.FmJ5H8Yw2Zqk1Xn6rS9n0A==", Cognome: "ROSSI", Nome: "MARIO",
		Da: ta.Orologio.Now().AddDate(-1, 0, 0), A: ta.Orologio.Now().AddDate(2, 0, 0)})

	controlla(t, nuovoVisitatore(t, ta).get("/accedi"), http.StatusOK, "", []string{`href="https://cns.abilita.test/accedi/cns"`}, nil)
	v := nuovoVisitatore(t, ta)
	vuole(t, v.get("/accedi/cns", "X-Client-Cert", intestazione(carta)), http.StatusSeeOther, ta.URL+"/accedi/forte")
	controlla(t, v.get("/accedi/forte"), http.StatusOK, "", []string{p.CF, "Carta nazionale dei servizi"}, nil)
	vuole(t, v.post("/accedi/forte", url.Values{"email": {"mario.cns@example.it"}}), http.StatusSeeOther, "/area")
	u, err := ta.App.Store.UtentePerCF(p.CF)
	if err != nil || u.Forte == nil || u.Forte.Metodo != domain.MetodoCNS || u.Cognome != "ROSSI" {
		t.Fatalf("the account: %+v, %v", u, err)
	}
	vuole(t, nuovoVisitatore(t, ta).get("/accedi/cns", "X-Client-Cert", intestazione(carta)), http.StatusSeeOther, ta.URL+"/area")

	scaduta := ca.Rilascia(t, testcns.Carta{SerialNumber: "TINIT-" + p.CF, Da: ta.Orologio.Now().AddDate(-3, 0, 0), A: ta.Orologio.Now().AddDate(0, 0, -1)})
	controlla(t, nuovoVisitatore(t, ta).get("/accedi/cns", "X-Client-Cert", intestazione(scaduta)), http.StatusUnauthorized, "",
		[]string{"Il certificato della carta è scaduto il"}, nil)
	controlla(t, nuovoVisitatore(t, ta).get("/accedi/cns"), http.StatusUnauthorized, "", []string{"carta"}, nil)
}

// idDaURL reads the request number of /richieste/N/….
func idDaURL(t *testing.T, u string) uint64 {
	t.Helper()
	parti := strings.Split(strings.TrimPrefix(u, "/richieste/"), "/")
	id, err := strconv.ParseUint(parti[0], 10, 64)
	if err != nil {
		t.Fatalf("no request number in %q", u)
	}
	return id
}
