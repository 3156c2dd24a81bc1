package e2e

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/internal/testsmtp"
	"abilita/security"
)

// TestAttivazioneCredenziali is the activation as people live it: the first
// administrator sets itself up from the link printed at start-up and enrols
// its authenticator; a doctor whose online request was approved finds part
// 2 of its code in its area, part 1 in its mailbox, activates its
// credentials and reaches the certificate service from its reserved area.
func TestAttivazioneCredenziali(t *testing.T) {
	ta := testapp.Start(t)
	b := newBrowser(t, ta.URL)

	const admin, passwordAdmin = "responsabile@abilita.test", "quercia fontana tramonto azzurro"
	link, err := ta.App.SetupLink()
	if err != nil {
		t.Fatal(err)
	}
	b.open(strings.TrimPrefix(link, ta.URL))
	b.page("configurazione")
	b.fill("#cognome", "Verdi")
	b.fill("#nome", "Giuseppe")
	b.fill("#email", admin)
	b.fill("#password", passwordAdmin)
	b.fill("#conferma", passwordAdmin)
	b.submit("form[action='/configurazione'] button[type=submit]")
	b.attivaDallApp(ta, "amministratore")
	if dove := b.accedi(ta, "amministratore", admin, passwordAdmin); dove != "/amministrazione" {
		t.Fatalf("administrator after login: at %s", dove)
	}
	// Its home: the functions, the download of a copy, the sedi whose data
	// the public still misses.
	if testo := b.text("main"); !strings.Contains(testo, "Copia di sicurezza") || !strings.Contains(testo, "sedi hanno dati incompleti") {
		t.Errorf("the administration page: %.300q", testo)
	}
	b.page("amministrazione")
	// It creates an operator, whose letter it can then print.
	b.open("/amministrazione/operatori")
	b.fill("#cognome", "Neri")
	b.fill("#nome", "Lucia")
	b.fill("#email", "lucia.neri@inail.test")
	b.check("#ruolo-operatore")
	b.set("#sede", "PI")
	b.submit("form.modulo-account button[type=submit]")
	b.page("operatori-lettera")
	if href := b.attributo("a[href$='/lettera.pdf']", "href"); !strings.HasPrefix(href, "/amministrazione/operatori/") {
		t.Fatalf("the link to the letter: %q", href)
	}
	b.esci()

	// A doctor's request, approved by an operator of Pisa.
	mario := nuovaPersona("Rossi", "Mario", "M", "1985-12-10")
	id := richiestaInviata(t, ta, mario, allegatiDiProva(t))
	approva(t, ta, id)

	if dove := b.accedi(ta, "richiedente", mario.Email, mario.Password); dove != "/area" {
		t.Fatalf("applicant after login: at %s", dove)
	}
	b.page("area-codice")
	parte2 := b.text("#parte2")
	parte1 := primaParte(t, ta, mario.Email)

	b.open("/attivazione")
	b.page("attivazione")
	const nuova = "orologio pianoforte girasole"
	b.iniziaAttivazione(mario.CF, parte1, parte2, nuova)
	chiave := b.text("#chiave-totp")

	// The doctor stops here (the browser closed, another device): the same
	// code resumes the activation at the authenticator, with the same key.
	b.run("closing the browser", network.ClearBrowserCookies())
	b.apriAttivazione(mario.CF, parte1, parte2)
	if passo := b.text("main"); !strings.Contains(passo, "Passo 2 di 4") {
		t.Fatalf("the activation typed again does not resume at the authenticator: %.300q", passo)
	}
	if ripresa := b.text("#chiave-totp"); ripresa != chiave {
		t.Fatalf("resumed with another key: %q, the app holds %q", ripresa, chiave)
	}
	b.page("attivazione-ripresa")
	b.attivaDallApp(ta, "titolare")

	// The password of the registration now says what replaced it.
	b.open("/accedi")
	b.fill("#identificativo", mario.Email)
	b.fill("#password", mario.Password)
	b.submit("form[action='/accedi'] button[type=submit]")
	if errore := b.text("main"); !strings.Contains(errore, "Questa era la password dell'account di registrazione") {
		t.Fatalf("the old password after the activation: %.300q", errore)
	}
	b.page("accedi-password-sostituita")

	if dove := b.accedi(ta, "titolare", mario.CF, nuova); dove != "/area" {
		t.Fatalf("holder after login: at %s", dove)
	}
	b.page("area-abilitazioni")
	area := b.text("main")
	for _, want := range []string{"Le tue abilitazioni", "Medico esterno", "Sede di Pisa", "Vai al servizio dei certificati medici"} {
		if !strings.Contains(area, want) {
			t.Errorf("the reserved area lacks %q: %q", want, area)
		}
	}
}

// metaCodice is one half of an activation code, as e-mails, letters and
// pages write it.
var metaCodice = regexp.MustCompile(`[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}`)

// primaParte waits for the e-mail that sends email part 1 of its activation
// code, and returns that part.
func primaParte(t *testing.T, ta *testapp.T, email string) string {
	t.Helper()
	m := ta.SMTP.WaitFor(t, 10*time.Second, func(m testsmtp.Message) bool {
		return strings.Contains(strings.Join(m.To, ","), email) && strings.Contains(m.Subject(), "(prima parte)")
	})
	return metaCodice.FindString(m.Text())
}

// iniziaAttivazione types the holder's codice fiscale and the two parts of
// the code at /attivazione, then the new password, and stops at the
// authenticator (attivaDallApp goes on from there).
func (b *browser) iniziaAttivazione(cf, parte1, parte2, password string) {
	b.t.Helper()
	b.apriAttivazione(cf, parte1, parte2)
	b.page("attivazione-password")
	b.fill("#password", password)
	b.fill("#conferma", password)
	b.submit("form[action='/attivazione/passo'] button[type=submit]")
}

// apriAttivazione types the codice fiscale and the two parts of the code at
// /attivazione.
func (b *browser) apriAttivazione(cf, parte1, parte2 string) {
	b.t.Helper()
	b.open("/attivazione")
	b.fill("#identificativo", cf)
	b.fill("#parte1", parte1)
	b.fill("#parte2", parte2)
	b.submit("form[action='/attivazione'] button[type=submit]")
}

// attivaDallApp goes through the steps after the password: it reads the
// key beside the QR code as a person types it into the app, confirms the
// app with its code, accepts the rules and keeps the recovery codes.
func (b *browser) attivaDallApp(ta *testapp.T, nome string) {
	b.t.Helper()
	b.page("attivazione-app-" + nome)
	if alt := b.attributo("img[src^='data:image/png']", "alt"); !strings.Contains(alt, "QR code") {
		b.t.Fatalf("the QR code's alternative text: %q", alt)
	}
	code, err := security.CodiceTOTP(strings.ReplaceAll(b.text("#chiave-totp"), " ", ""), ta.Orologio.Now())
	if err != nil {
		b.t.Fatal(err)
	}
	b.fill("#codice", code)
	b.submit("form[action='/attivazione/passo'] button[type=submit]")
	b.page("attivazione-regole-" + nome)
	b.check("#accetto")
	b.submit("form[action='/attivazione/passo'] button[type=submit]")
	b.page("attivazione-codici-" + nome)
	if n := b.conta("main ol.testo-codice li"); n != 10 {
		b.t.Fatalf("%d recovery codes shown, want 10", n)
	}
	b.submit("a[href='/accedi'].btn")
	if avviso := b.text("main"); !strings.Contains(avviso, "Credenziali attivate") {
		b.t.Errorf("the login page after the activation: %q", avviso)
	}
}

// approva has an operator of Pisa approve request id, over HTTP.
func approva(t *testing.T, ta *testapp.T, id uint64) {
	t.Helper()
	const email, password = "paolo.gialli@inail.test", "scrivania lampada quaderno matita"
	ta.CreaUtenteConTOTP(t, domain.Utente{Ruolo: domain.RuoloOperatore, Email: email, Nome: "Paolo", Cognome: "Gialli", Sede: "PI"}, password)
	k := &cliente{t: t, ta: ta, c: testapp.Client()}
	k.post("/accedi", url.Values{"identificativo": {email}, "password": {password}}, http.StatusSeeOther)
	k.post("/accedi/codice", url.Values{"codice": {ta.CodiceTOTP(t, email)}}, http.StatusSeeOther)
	base := "/operatore/richieste/" + strconv.FormatUint(id, 10)
	k.post(base+"/prendi", nil, http.StatusSeeOther)
	k.post(base+"/checklist", url.Values{"dati_corrispondenti": {"si"}, "documento_valido": {"si"}, "modulo_firmato": {"si"}, "ordine_plausibile": {"si"}}, http.StatusSeeOther)
	k.post(base+"/approva", url.Values{"conferma": {"si"}}, http.StatusSeeOther)
}
