package handlers_test

import (
	"cmp"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/internal/testsmtp"
)

// The people and steps of the operators' tests.

const passwordOperatore = "scrivania lampada quaderno matita"

// nuovoOperatore creates an activated operator of the sede (password and
// authenticator) and logs it in.
func nuovoOperatore(t testing.TB, app *testapp.T, nome, cognome, sede string) (*visitatore, *domain.Utente) {
	t.Helper()
	email := strings.ToLower(nome+"."+cognome) + "@inail.test"
	u, _ := app.CreaUtenteConTOTP(t, domain.Utente{Ruolo: domain.RuoloOperatore, Email: email, Nome: nome, Cognome: cognome, Sede: sede}, passwordOperatore)
	v := nuovoVisitatore(t, app)
	v.accedi(email, passwordOperatore)
	return v, u
}

// domanda is a submitted request written straight into the store, for the
// queue tests that need many and no attachments.
type domanda struct {
	Cognome, Nome, Sede string
	Profilo             domain.Profilo
	Percorso            domain.Percorso
	Urgente             bool
	Giorni              int // submitted this many days ago
}

func inviataNelloStore(t testing.TB, app *testapp.T, d domanda) *domain.Richiesta {
	t.Helper()
	quando := app.Orologio.Now().Add(-time.Duration(d.Giorni) * 24 * time.Hour)
	r := &domain.Richiesta{
		Percorso: cmp.Or(d.Percorso, domain.PercorsoOnline), Tipo: domain.TipoNuova, Profilo: cmp.Or(d.Profilo, domain.ProfiloMedicoEsterno),
		Stato: domain.StatoBozza, Creata: quando, Aggiornata: quando, Urgente: d.Urgente,
		Anagrafica: domain.Anagrafica{
			Cognome: d.Cognome, Nome: d.Nome, CodiceFiscale: codiceFiscale(d.Cognome, d.Nome, "M", "1980-01-01", "G702"),
			Sesso: "M", DataNascita: "1980-01-01", LuogoNascita: "Pisa", ProvinciaNascita: "PI", CodiceLuogo: "G702",
		},
		Contatti: domain.Contatti{Email: strings.ToLower(d.Nome+"."+d.Cognome) + "@example.it"},
	}
	if d.Urgente {
		r.MotivoUrgenza = "Inizio attività imminente"
	}
	r.Sede = d.Sede
	if err := r.Esegui(domain.AzioneInvia, r.Richiedente, quando, "Inviata online"); err != nil {
		t.Fatal(err)
	}
	app.ImportaRichiesta(t, r)
	return r
}

// pecMario is the PEC address Mario gives in the requests that need one.
const pecMario = "mario.rossi@pec.example.it"

// richiestaConPEC files a complete request for p, with a PEC address, and
// returns its ID.
func (v *visitatore) richiestaConPEC(p persona, pec string) uint64 {
	v.t.Helper()
	id := v.nuovaBozza()
	dati := datiPassi(p, v.app.Orologio.Now())
	dati[domain.PassoAnagrafica].Set("pec", pec)
	for i, passo := range passiConCampi {
		form := maps.Clone(dati[passo])
		form.Set("azione", "avanti")
		vuole(v.t, v.post(urlPasso(id, passo), form), http.StatusSeeOther, urlPasso(id, domain.Passi[i+1]))
	}
	v.caricaValidi(id)
	v.invia(id)
	return id
}

func urlOperatore(id uint64, azione string) string {
	u := "/operatore/richieste/" + strconv.FormatUint(id, 10)
	if azione != "" {
		u += "/" + azione
	}
	return u
}

// spuntaTutto completes the checklist of a medico's request.
func (v *visitatore) spuntaTutto(id uint64) {
	v.t.Helper()
	vuole(v.t, v.post(urlOperatore(id, "checklist"), url.Values{
		"dati_corrispondenti": {"si"}, "documento_valido": {"si"}, "modulo_firmato": {"si"}, "ordine_plausibile": {"si"},
	}), http.StatusSeeOther, urlOperatore(id, ""))
}

// prendi takes the request in charge.
func (v *visitatore) prendi(id uint64) {
	v.t.Helper()
	vuole(v.t, v.post(urlOperatore(id, "prendi"), nil), http.StatusSeeOther, urlOperatore(id, ""))
}

// attendi waits for a message on srv to `to` whose subject contains subject.
func attendi(t testing.TB, srv *testsmtp.Server, to, subject string) testsmtp.Message {
	t.Helper()
	return srv.WaitFor(t, 10*time.Second, func(m testsmtp.Message) bool {
		return strings.Contains(strings.Join(m.To, ","), to) && strings.Contains(m.Subject(), subject)
	})
}

// esegui moves a stored request through the state machine as user chi,
// straight in the store, to set up a test.
func esegui(t testing.TB, app *testapp.T, id uint64, azione domain.Azione, chi uint64) *domain.Richiesta {
	t.Helper()
	return app.AggiornaRichiesta(t, id, func(r *domain.Richiesta) error {
		if azione == domain.AzionePrendiInCarico {
			r.Operatore = chi
		}
		return r.Esegui(azione, chi, app.Orologio.Now(), "")
	})
}
