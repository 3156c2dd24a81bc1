package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/internal/testsmtp"
)

// TestStrutturaMedicoOspedaliero is a hospital structure at work: its
// referente, whose credentials are active, logs in with the authenticator,
// enables a doctor of the structure and reads part 2 of the code to hand
// over; the sede looks at the structure's doctors; the doctor finds part 1
// in its mailbox, activates its credentials with the two parts and logs in
// to a reserved area that shows the new enablement.
func TestStrutturaMedicoOspedaliero(t *testing.T) {
	ta := testapp.Start(t)
	b := newBrowser(t, ta.URL)
	const codice, passwordReferente = "OSP-PI-01", "corsia barella reparto primario"

	laura := nuovaPersona("Conti", "Laura", "F", "1975-03-08")
	now := ta.Orologio.Now()
	r := &domain.Richiesta{Percorso: domain.PercorsoOnline, Tipo: domain.TipoNuova, Profilo: domain.ProfiloReferentePresidio, Stato: domain.StatoAttiva,
		Sede: "PI", Protocollo: "PI-2026-000042", Creata: now, Aggiornata: now, Inviata: now,
		Anagrafica: domain.Anagrafica{Cognome: laura.Cognome, Nome: laura.Nome, CodiceFiscale: laura.CF},
		Struttura: domain.Struttura{Denominazione: "Ospedale Santa Chiara", Codice: codice, Azienda: "Azienda ospedaliero-universitaria pisana",
			Indirizzo: "Via Roma 67, 56126 Pisa", PEC: "aoupisa@pec.example.it"}}
	ta.ImportaRichiesta(t, r)
	ta.CreaUtenteConTOTP(t, domain.Utente{Ruolo: domain.RuoloRichiedente, Email: laura.Email, CodiceFiscale: laura.CF, Cognome: laura.Cognome, Nome: laura.Nome,
		Abilitazioni: []domain.Abilitazione{{Profilo: domain.ProfiloReferentePresidio, CodiceStruttura: codice, Sede: "PI", Dal: now, RichiestaID: r.ID}}}, passwordReferente)

	if dove := b.accedi(ta, "referente", laura.CF, passwordReferente); dove != "/area" {
		t.Fatalf("referente after login: at %s", dove)
	}
	b.page("area-referente")
	b.submit("main a[href='/struttura'].btn")
	b.page("struttura-vuota")
	if testo := b.text("main"); !strings.Contains(testo, "Ospedale Santa Chiara") || !strings.Contains(testo, "Non hai ancora abilitato medici") {
		t.Fatalf("the structure area: %.400q", testo)
	}

	// A wrong surname is said next to the field, and nothing is enabled.
	giulia := nuovaPersona("Ferri", "Giulia", "F", "1988-11-02")
	b.fill("#cognome", "Fabbri")
	b.fill("#nome", giulia.Nome)
	b.fill("#codice_fiscale", giulia.CF)
	b.fill("#email", giulia.Email)
	b.submit("form.modulo-medico button[type=submit]")
	if errore := b.text("#cognome-errore"); !strings.Contains(errore, "Il cognome non corrisponde al codice fiscale.") {
		t.Fatalf("the error next to the surname: %q", errore)
	}
	b.page("struttura-errore")
	b.fill("#cognome", giulia.Cognome)
	b.submit("form.modulo-medico button[type=submit]")
	b.page("struttura-codice")
	parte2 := b.text("#parte2")
	if testo := b.text("main"); !strings.Contains(testo, "Medico abilitato") || !strings.Contains(testo, "Ferri Giulia") || !strings.Contains(testo, "Da attivare") {
		t.Fatalf("the page after enabling: %.600q", testo)
	}
	b.clicca("main article details summary")
	b.page("struttura-operazioni")
	b.esci()

	// The sede sees the structure's doctor.
	const operatore, passwordOperatore = "paola.pisani@inail.test", "scrivania lampada quaderno matita"
	ta.CreaUtenteConTOTP(t, domain.Utente{Ruolo: domain.RuoloOperatore, Email: operatore, Nome: "Paola", Cognome: "Pisani", Sede: "PI"}, passwordOperatore)
	b.accedi(ta, "operatore", operatore, passwordOperatore)
	b.open("/operatore/richieste/" + strconv.FormatUint(r.ID, 10))
	b.submit("a[href='/operatore/struttura?struttura=" + codice + "']")
	b.page("operatore-struttura")
	if testo := b.text("main"); !strings.Contains(testo, "Laura Conti") || !strings.Contains(testo, "Ferri Giulia") {
		t.Fatalf("the sede's view of the structure: %.600q", testo)
	}
	b.esci()

	// The doctor: part 1 by e-mail, part 2 from the referente.
	m := ta.SMTP.WaitFor(t, 10*time.Second, func(m testsmtp.Message) bool {
		return strings.Contains(strings.Join(m.To, ","), giulia.Email) && strings.Contains(m.Subject(), "(prima parte)")
	})
	if !strings.Contains(m.Text(), "referente della struttura che ti ha abilitato, Ospedale Santa Chiara") {
		t.Errorf("part 1's e-mail does not say who hands part 2 over:\n%s", m.Text())
	}
	const nuova = "stetoscopio ambulatorio girasole"
	b.iniziaAttivazione(giulia.CF, metaCodice.FindString(m.Text()), parte2, nuova)
	b.attivaDallApp(ta, "medico")
	if dove := b.accedi(ta, "medico", giulia.CF, nuova); dove != "/area" {
		t.Fatalf("doctor after login: at %s", dove)
	}
	b.page("area-medico")
	area := b.text("main")
	for _, want := range []string{"Medico ospedaliero", "Ospedale Santa Chiara", "Sede di Pisa", "Attiva", "Vai al servizio dei certificati medici"} {
		if !strings.Contains(area, want) {
			t.Errorf("the doctor's area lacks %q: %q", want, area)
		}
	}
}
