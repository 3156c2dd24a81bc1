package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"abilita/app"
	"abilita/domain"
	"abilita/forte/oidc"
	"abilita/internal/testapp"
	"abilita/internal/testoidc"
	"abilita/internal/testsmtp"
)

// TestPercorsoInailRisponde is path B as a doctor with SPID lives it: the
// path's page, the sign-in at the SPID gateway (a real OpenID Connect
// provider started here), the address of the new account, the help desk's
// category, the request whose identity the credential verified; the
// operator asks in the conversation for a better scan, the doctor answers
// with a new file; the operator approves; the doctor activates the
// credentials and logs in with them.
func TestPercorsoInailRisponde(t *testing.T) {
	var ta *testapp.T
	fornitore := testoidc.Avvia(t, func() time.Time { return ta.Orologio.Now() })
	file := filepath.Join(t.TempDir(), "fornitori.json")
	dati, _ := json.Marshal([]map[string]any{{
		"nome": "spid", "etichetta": "SPID", "issuer": fornitore.Issuer(), "client_id": fornitore.ClientID, "client_secret": fornitore.ClientSecret,
		"acr_minimo": oidc.LivelliSPID[1], "livelli_acr": oidc.LivelliSPID,
	}})
	if err := os.WriteFile(file, dati, 0o600); err != nil {
		t.Fatal(err)
	}
	ta = testapp.Start(t, func(c *app.Config) { c.OIDCProvider = file })
	files := allegatiDiProva(t)
	mario := nuovaPersona("Rossi", "Mario", "M", "1985-12-10")
	spid := func() {
		fornitore.QueueUser(&testoidc.Utente{Sub: "spid-" + mario.CF, IDToken: map[string]any{
			"fiscalNumber": "TINIT-" + mario.CF, "given_name": "Mario", "family_name": "Rossi", "email": mario.Email, "acr": oidc.LivelliSPID[1]}})
	}
	b := newBrowser(t, ta.URL)

	b.open("/percorsi/inailrisponde")
	b.page("percorso-inailrisponde")
	spid()
	b.submit("main a[href='/accedi/oidc/spid']")
	if dove := b.location(); dove != "/accedi/forte" {
		t.Fatalf("after SPID the first time: at %s", dove)
	}
	if testo := b.text("main"); !strings.Contains(testo, mario.CF) || !strings.Contains(testo, "SPID livello 2") {
		t.Fatalf("the address page: %.300q", testo)
	}
	if got := b.value("#email"); got != mario.Email {
		t.Fatalf("the address the provider gave is not proposed: %q", got)
	}
	b.page("identita-forte")
	b.submit("form[action='/accedi/forte'] button[type=submit]")
	link := ta.WaitLink(t, mario.Email, "Conferma il tuo indirizzo", "/verifica-email")
	b.open(strings.TrimPrefix(link, ta.URL))
	b.submit("form[action='/verifica-email'] button[type=submit]")
	b.open("/area")
	b.page("area-spid")
	b.submit("main a[href='/assistenza']")
	b.page("assistenza")
	b.submit("main form[action='/richieste'] button[type=submit]")
	m := regexp.MustCompile(`^/richieste/(\d+)/passo/profilo$`).FindStringSubmatch(b.location())
	if m == nil {
		t.Fatalf("the enablement request: at %s", b.location())
	}
	id, _ := strconv.ParseUint(m[1], 10, 64)
	b.check("#tipo-nuova")
	b.check("#profilo-medico_esterno")
	b.submit("button[value=avanti]")
	if b.conta("#codice_fiscale[readonly]") != 1 || b.value("#codice_fiscale") != mario.CF || b.value("#cognome") != "Rossi" {
		t.Fatal("the identity of the credential is not shown read-only")
	}
	b.page("inailrisponde-anagrafica")

	// The rest of the form as the other browser tests fill it, with the
	// browser's session.
	k := &cliente{t: t, ta: ta, c: clienteDelBrowser(t, b, ta)}
	k.compilaEInvia(id, mario, files)
	b.open("/richieste/" + m[1])
	b.page("inailrisponde-inviata")
	b.esci()

	// The operator asks in the conversation.
	const operatore = "lucia.neri@inail.test"
	ta.CreaUtenteConTOTP(t, domain.Utente{Ruolo: domain.RuoloOperatore, Email: operatore, Nome: "Lucia", Cognome: "Neri", Sede: "PI"}, passwordOperatore)
	b.accedi(ta, "operatore", operatore, passwordOperatore)
	revisione := "/operatore/richieste/" + m[1]
	b.submit("#coda-risultati form[action='" + revisione + "/apri'] button[type=submit]")
	if testo := b.text("main"); !strings.Contains(testo, "Identità verificata con SPID livello 2") || !strings.Contains(testo, "percorso InailRisponde") {
		t.Fatalf("the review of path B: %.500q", testo)
	}
	b.fill("#testo", "Il retro del documento è sfocato: allega una nuova scansione.")
	b.submit("#conversazione form button[type=submit]")
	b.page("revisione-conversazione")
	b.esci()
	ta.SMTP.WaitFor(t, 10*time.Second, func(m testsmtp.Message) bool {
		return strings.Contains(strings.Join(m.To, ","), mario.Email) && strings.Contains(m.Subject(), "nuovo messaggio della sede")
	})

	// The doctor answers with a new file.
	spid()
	b.open("/accedi")
	b.submit("main a[href='/accedi/oidc/spid']")
	b.open("/richieste/" + m[1])
	if testo := b.text("#conversazione"); !strings.Contains(testo, "Il retro del documento è sfocato") || !strings.Contains(testo, "La sede (Lucia Neri)") {
		t.Fatalf("the conversation seen by the doctor: %q", testo)
	}
	b.fill("#testo", "Ecco una nuova scansione del retro.")
	b.run("upload", setUpload("#file-messaggio", files.retro))
	b.submit("#conversazione form button[type=submit]")
	b.page("richiesta-conversazione")
	b.esci()

	// The operator approves: Approva, and confirm.
	b.accedi(ta, "operatore", operatore, passwordOperatore)
	b.open(revisione)
	if testo := b.text("#conversazione"); !strings.Contains(testo, "Ecco una nuova scansione del retro.") || !strings.Contains(testo, "retro.jpg") {
		t.Fatalf("the conversation seen by the operator: %q", testo)
	}
	b.clicca("form[action='" + revisione + "/approva'] button[type=submit]")
	b.waitFor("the dialog confirming the approval", `document.querySelector("#modale-conferma.show") !== null`)
	b.submit("#modale-conferma button[type=submit]")
	if r, err := ta.App.Store.Richiesta(id); err != nil || r.Stato != domain.StatoApprovata {
		t.Fatalf("after the approval: %+v, %v", r, err)
	}
	b.esci()

	// The doctor activates: part 2 in its area, part 1 by e-mail.
	spid()
	b.open("/accedi")
	b.submit("main a[href='/accedi/oidc/spid']")
	b.open("/area")
	parte2 := b.text("#parte2")
	const nuova = "orologio pianoforte girasole"
	b.iniziaAttivazione(mario.CF, primaParte(t, ta, mario.Email), parte2, nuova)
	b.attivaDallApp(ta, "spid")
	if dove := b.accedi(ta, "titolare-spid", mario.CF, nuova); dove != "/area" {
		t.Fatalf("the holder after login: at %s", dove)
	}
	if testo := b.text("main"); !strings.Contains(testo, "Vai al servizio dei certificati medici") {
		t.Fatalf("the holder's area: %.300q", testo)
	}
}

// clienteDelBrowser is an HTTP client with the browser's cookies for ta.
func clienteDelBrowser(t *testing.T, b *browser, ta *testapp.T) *http.Client {
	t.Helper()
	var cookies []*network.Cookie
	b.run("reading the cookies", chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		cookies, err = network.GetCookies().WithURLs([]string{ta.URL}).Do(ctx)
		return err
	}))
	u, _ := url.Parse(ta.URL)
	var cs []*http.Cookie
	for _, c := range cookies {
		cs = append(cs, &http.Cookie{Name: c.Name, Value: c.Value, Path: c.Path})
	}
	c := testapp.Client()
	c.Jar.SetCookies(u, cs)
	return c
}
