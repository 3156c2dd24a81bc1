package handlers_test

import (
	"net/http"
	"net/url"

	"abilita/domain"
)

// The hospital structures in the access matrix: the referente of the
// structure of Pisa, a referente of another structure, and a doctor of
// the first, activated, on whom the routes with :mid act.

// The referenti who call.
const (
	refStruttura = "referente della struttura"
	refAltra     = "referente di un'altra struttura"
)

// conStrutture creates the referenti, logged in with their authenticator,
// and the doctor.
func (m *matrice) conStrutture() {
	m.utenti[refStruttura] = nuovoReferente(m.t, m.app, laura(), ospedalePisa, "PI").visitatore
	rif, err := m.app.App.Store.UtentePerCF(laura().CF)
	if err != nil {
		m.t.Fatal(err)
	}
	m.utenti[refAltra] = nuovoReferente(m.t, m.app, piero(), ospedaleAltro, "PI").visitatore
	g := giulia()
	medico, _ := m.app.CreaUtenteConTOTP(m.t, domain.Utente{Ruolo: domain.RuoloRichiedente, Email: g.Email, CodiceFiscale: g.CF, Cognome: g.Cognome, Nome: g.Nome,
		Abilitazioni: []domain.Abilitazione{{Profilo: domain.ProfiloMedicoOspedaliero, CodiceStruttura: ospedalePisa, Sede: "PI", Referente: rif.ID, Dal: m.oggi}}}, passwordTitolare)
	m.medico = medico.ID
}

// conStruttureAttese adds the structures' routes to the table, and the
// referenti's expectations on the other routes: a referente is an applicant
// like any other, who happens to have an authenticator.
func conStruttureAttese(tabella map[string]rotta) {
	proibito, assente := stato(http.StatusForbidden), stato(http.StatusNotFound)
	diReferente := func(get bool, suo, altra esito) map[string]esito {
		anon := stato(http.StatusUnauthorized)
		if get {
			anon = vai("/accedi?dopo=")
		}
		return map[string]esito{anonimo: anon, altro: proibito, titolare: proibito, admin: proibito, opSede: proibito, opAltra: proibito,
			refStruttura: suo, refAltra: altra}
	}
	dellaSede := func(e map[string]esito) map[string]esito {
		e[refStruttura], e[refAltra] = proibito, proibito
		return e
	}
	struttura := "?struttura=" + url.QueryEscape(ospedalePisa)
	form := func(*matrice) corpo { return corpo{form: url.Values{"struttura": {ospedalePisa}}} }
	for k, rt := range map[string]rotta{
		"GET /struttura": {query: struttura, esiti: diReferente(true, bene(), assente)},
		// Empty forms: refused with the errors, nothing done.
		"POST /struttura/medici":                  {corpo: form, esiti: diReferente(false, stato(http.StatusUnprocessableEntity), assente)},
		"POST /struttura/medici/:mid/sospendi":    {corpo: form, esiti: diReferente(false, stato(http.StatusUnprocessableEntity), assente)},
		"POST /struttura/medici/:mid/revoca":      {corpo: form, esiti: diReferente(false, stato(http.StatusUnprocessableEntity), assente)},
		"POST /struttura/medici/:mid/attivazione": {corpo: form, esiti: diReferente(false, stato(http.StatusUnprocessableEntity), assente)},
		// The doctor has activated: no letter to print.
		"GET /struttura/medici/:mid/lettera.pdf":         {query: struttura, esiti: diReferente(true, stato(http.StatusConflict), assente)},
		"GET /operatore/struttura":                       {query: struttura, esiti: dellaSede(daOperatore(true, bene(), assente, bene()))},
		"POST /operatore/struttura/medici/:mid/sospendi": {corpo: form, esiti: dellaSede(daOperatore(false, stato(http.StatusUnprocessableEntity), assente, proibito))},
	} {
		tabella[k] = rt
	}
	// A referente has an authenticator to change.
	tabella["POST /account/totp"].esiti[refStruttura] = stato(http.StatusUnprocessableEntity)
	tabella["POST /account/totp"].esiti[refAltra] = stato(http.StatusUnprocessableEntity)
	// Ten downloads per address: the referenti's calls use four of them, so
	// the two roles that call after them find them used up, like the owner.
	pdf := tabella["GET /precompila/modulo.pdf"].esiti
	pdf[admin], pdf[opSede] = pdf[titolare], pdf[titolare]
	for _, rt := range tabella {
		for _, ruolo := range []string{refStruttura, refAltra} {
			if _, ok := rt.esiti[ruolo]; !ok {
				if e, ok := rt.esiti[altro]; ok {
					rt.esiti[ruolo] = e
				}
			}
		}
	}
}
