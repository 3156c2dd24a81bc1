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

// Helpers of the hospital structures' tests: referenti with activated
// credentials and the doctors they enable.

// The structures of the tests: the one of Pisa and another.
const (
	ospedalePisa  = "OSP-PI-01"
	ospedaleAltro = "OSP-LU-02"
)

const passwordReferente = "corsia barella reparto primario"

// referente is an activated referente of a structure, logged in.
type referente struct {
	*visitatore
	u *domain.Utente
}

// nuovoReferente stores p as the referente of the structure codice,
// approved by sede through a request for "Ospedale <codice>", with its
// credentials activated, and logs it in with password and authenticator.
func nuovoReferente(t testing.TB, app *testapp.T, p persona, codice, sede string) *referente {
	t.Helper()
	now := app.Orologio.Now()
	r := &domain.Richiesta{Percorso: domain.PercorsoOnline, Tipo: domain.TipoNuova, Profilo: domain.ProfiloReferentePresidio,
		Stato: domain.StatoAttiva, Sede: sede, Protocollo: sede + "-2026-" + codice, Creata: now, Aggiornata: now, Inviata: now,
		Anagrafica: domain.Anagrafica{Cognome: p.Cognome, Nome: p.Nome, CodiceFiscale: p.CF},
		Struttura:  domain.Struttura{Denominazione: "Ospedale " + codice, Codice: codice, Azienda: "Azienda ospedaliera di prova", Indirizzo: "Via dei Mille 1", PEC: "ospedale@pec.example.it"}}
	app.ImportaRichiesta(t, r)
	u, _ := app.CreaUtenteConTOTP(t, domain.Utente{Ruolo: domain.RuoloRichiedente, Email: p.Email, CodiceFiscale: p.CF, Cognome: p.Cognome, Nome: p.Nome,
		Abilitazioni: []domain.Abilitazione{{Profilo: domain.ProfiloReferentePresidio, CodiceStruttura: codice, Sede: sede, Dal: now, RichiestaID: r.ID}}}, passwordReferente)
	v := nuovoVisitatore(t, app)
	v.accedi(p.CF, passwordReferente)
	return &referente{visitatore: v, u: u}
}

// laura and piero are the referenti of the tests; giulia a doctor.
func laura() persona {
	return persona{CF: codiceFiscale("Conti", "Laura", "F", "1975-03-08", "G702"), Cognome: "Conti", Nome: "Laura", Sesso: "F",
		Nascita: "1975-03-08", Email: "laura.conti@ospedale.example.it"}
}

func piero() persona {
	return persona{CF: codiceFiscale("Galli", "Piero", "M", "1970-07-21", "E715"), Cognome: "Galli", Nome: "Piero", Sesso: "M",
		Nascita: "1970-07-21", Email: "piero.galli@ospedale.example.it"}
}

func giulia() persona {
	return persona{CF: codiceFiscale("Ferri", "Giulia", "F", "1988-11-02", "G702"), Cognome: "Ferri", Nome: "Giulia", Sesso: "F",
		Nascita: "1988-11-02", Email: "giulia.ferri@example.it", Password: "ambulatorio finestra lanterna blu"}
}

// moduloMedico is the enabling form for p at the structure codice.
func moduloMedico(p persona, codice string) url.Values {
	return url.Values{"struttura": {codice}, "codice_fiscale": {p.CF}, "cognome": {p.Cognome}, "nome": {p.Nome}, "email": {p.Email}}
}

var reParte2Struttura = regexp.MustCompile(`id="parte2">([0-9A-Z-]+)<`)

// abilita has the referente enable p at its first structure and returns
// the doctor's account and part 2 as the page shows it.
func (r *referente) abilita(p persona) (*domain.Utente, string) {
	r.t.Helper()
	res := r.post("/struttura/medici", moduloMedico(p, r.u.Abilitazioni[0].CodiceStruttura))
	controlla(r.t, res, http.StatusOK, "", []string{"Medico abilitato", "Seconda parte del codice di " + p.Nome + " " + p.Cognome}, nil)
	m := reParte2Struttura.FindStringSubmatch(res.Body)
	if m == nil {
		r.t.Fatalf("no part 2 on the page:\n%s", estratto(res.Body))
	}
	u, err := r.app.App.Store.UtentePerCF(p.CF)
	if err != nil {
		r.t.Fatal(err)
	}
	return u, m[1]
}

// urlMedico is the address of an action of the referente on doctor u.
func urlMedico(u *domain.Utente, azione string) string {
	return "/struttura/medici/" + itoaTest(u.ID) + "/" + azione
}

// attendiMessaggio waits for a message to `to` whose subject contains
// subject and whose text contains every one of parole.
func attendiMessaggio(t testing.TB, app *testapp.T, to, subject string, parole ...string) string {
	t.Helper()
	testo := ultimoMessaggio(t, app.SMTP, to, subject).Text()
	for _, p := range parole {
		if !strings.Contains(testo, p) {
			t.Errorf("the message %q to %s lacks %q:\n%s", subject, to, p, testo)
		}
	}
	return testo
}

// parteUnoN waits for the n-th e-mail (from 1) with part 1 of a code to
// email and returns the part.
func parteUnoN(t testing.TB, app *testapp.T, email string, n int) string {
	t.Helper()
	var trovate []string
	app.SMTP.WaitFor(t, 10*time.Second, func(m testsmtp.Message) bool {
		if strings.Contains(strings.Join(m.To, ","), email) && strings.Contains(m.Subject(), "(prima parte)") {
			if c := reCodice.FindString(m.Text()); c != "" && !contiene(trovate, c) {
				trovate = append(trovate, c)
			}
		}
		return len(trovate) >= n
	})
	return trovate[n-1]
}
