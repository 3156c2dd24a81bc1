package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/internal/testsmtp"
)

// TestPostaDaRisolvere: the relay refuses a receipt for good; the operator
// sees it on the queue, corrects the address and sends it again, on a
// phone's width as well.
func TestPostaDaRisolvere(t *testing.T) {
	ta := testapp.Start(t)
	p := nuovaPersona("Rossi", "Mario", "M", "1980-05-04")
	p.Email = testsmtp.RejectPrefix + ".rossi@example.it" // the relay answers 550
	richiestaInviata(t, ta, p, allegatiDiProva(t))
	ta.AttendiPostaSpedita(t)
	ta.CreaUtenteConTOTP(t, domain.Utente{Ruolo: domain.RuoloOperatore, Email: "lucia.neri@inail.test", Nome: "Lucia", Cognome: "Neri", Sede: "PI"}, passwordOperatore)

	b := newBrowser(t, ta.URL)
	b.accedi(ta, "operatore", "lucia.neri@inail.test", passwordOperatore)
	if msg := b.text(".alert-danger"); !strings.Contains(msg, "1 messaggio non è stato consegnato") {
		t.Fatalf("the queue does not say a message was refused: %q", msg)
	}
	b.page("coda-con-posta-da-risolvere")
	b.submit(`.alert-danger a[href="/operatore/posta?stato=fallita"]`)
	if riga := b.text("tbody"); !strings.Contains(riga, "Il server di posta ha rifiutato il destinatario (codice 550)") || !strings.Contains(riga, p.Email) {
		t.Fatalf("the refused message: %q", riga)
	}
	b.run("phone width", chromedp.EmulateViewport(360, 800))
	b.page("posta-non-consegnata-telefono")
	b.run("open the correction", chromedp.Click("details summary", chromedp.ByQuery))
	b.fill("details input[name=indirizzo]", "mario.rossi@example.it")
	b.page("posta-correggi-indirizzo")
	b.submit("details button[type=submit]")
	if msg := b.text("main"); !strings.Contains(msg, "di nuovo in coda per mario.rossi@example.it") {
		t.Errorf("after the correction: %q", msg)
	}
	b.page("posta-reinviata")
	ta.AttendiPostaSpedita(t)
	b.open("/operatore")
	if n := b.conta(".alert-danger"); n != 0 {
		t.Errorf("the queue still warns of refused messages")
	}
}
