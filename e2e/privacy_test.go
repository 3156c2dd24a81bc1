package e2e

import (
	"strings"
	"testing"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/posta"
)

// TestInformativaPrivacy: a visitor reads the privacy notice, with the
// contact centre where the contacts are not published yet and the periods
// the service keeps data; the administrator publishes the contacts, a
// mistake shown beside its field first, and the notice shows them.
func TestInformativaPrivacy(t *testing.T) {
	ta := testapp.Start(t)
	const admin = "responsabile@abilita.test"
	ta.CreaUtenteConTOTP(t, domain.Utente{Ruolo: domain.RuoloAmministratore, Email: admin, Nome: "Giuseppe", Cognome: "Verdi"}, passwordOperatore)
	b := newBrowser(t, ta.URL)

	b.open("/privacy")
	testo := b.text("main")
	for _, s := range []string{"non sono ancora pubblicati", "06.6001", "entro " + posta.Durata(domain.DurataNonConfermato) + " dalla registrazione"} {
		if !strings.Contains(testo, s) {
			t.Errorf("the notice before the contacts are set lacks %q", s)
		}
	}
	b.page("privacy-da-completare")

	b.accedi(ta, "amministratore", admin, passwordOperatore)
	b.submit(`a[href="/amministrazione/privacy"]`)
	b.page("privacy-modulo")
	b.fill("#titolare_indirizzo", "Piazzale di Prova 1, 00100 Roma")
	b.fill("#titolare_pec", "titolare@pec.esempio.it")
	b.fill("#dpo_nome", "Ufficio del responsabile di prova")
	b.fill("#dpo_email", "dpo-esempio.it")
	b.submit("form[action='/amministrazione/privacy'] button[type=submit]")
	if msg := b.text("#dpo_email-errore"); !strings.Contains(msg, "L'indirizzo e-mail non è valido") {
		t.Fatalf("the error beside the DPO's e-mail: %q", msg)
	}
	b.page("privacy-errore")
	b.fill("#dpo_email", "dpo@esempio.it")
	b.submit("form[action='/amministrazione/privacy'] button[type=submit]")
	if msg := b.text("main"); !strings.Contains(msg, "Contatti dell'informativa privacy salvati") {
		t.Fatalf("after saving: %.300q", msg)
	}
	b.esci()

	b.open("/privacy")
	testo = b.text("main")
	for _, s := range []string{"Piazzale di Prova 1, 00100 Roma", "titolare@pec.esempio.it", "Ufficio del responsabile di prova", "dpo@esempio.it"} {
		if !strings.Contains(testo, s) {
			t.Errorf("the notice lacks %q", s)
		}
	}
	b.page("privacy-completa")
}
