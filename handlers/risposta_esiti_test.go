package handlers_test

import (
	"fmt"
	"net/http"
	"testing"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/store"
)

// What the applicant reads on its request page once the sede has decided.
// The decisions are written through the store.

func TestRispostaPaginaEsiti(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	op := app.CreaUtente(t, domain.Utente{Ruolo: domain.RuoloOperatore, Email: "op.esiti@abilita.test", Nome: "Lucia", Cognome: "Neri", Sede: "PI"},
		"castello fiume lanterna bosco")
	decidi := func(azione domain.Azione, esito domain.Esito) uint64 {
		t.Helper()
		id := v.richiestaInviata(p)
		prendiInCaricoNelloStore(t, app, id, op)
		atto := store.Atto{Chi: op.ID, Quando: app.Orologio.Now()}
		var err error
		switch azione {
		case domain.AzioneRespingi:
			_, err = app.App.Store.Respingi(atto, id, esito.Motivi, esito.Nota)
		case domain.AzioneApprova:
			if _, err = app.App.Store.SalvaChecklist(atto, id, domain.Checklist{DatiCorrispondenti: true, DocumentoValido: true, ModuloFirmato: true, OrdinePlausibile: true}); err == nil {
				_, err = app.App.Store.Approva(atto, id, store.Approvazione{})
			}
		}
		if err != nil {
			t.Fatalf("%s: %v", azione, err)
		}
		return id
	}
	const nota = "Il cognome sul documento è «Rossi Bianchi»,\nnon «Rossi»."
	respinta := decidi(domain.AzioneRespingi, domain.Esito{Motivi: []domain.MotivoRifiuto{domain.MotivoDatiNonCorrispondenti, domain.MotivoModuloNonFirmato}, Nota: nota})
	approvata := decidi(domain.AzioneApprova, domain.Esito{})
	attiva := decidi(domain.AzioneApprova, domain.Esito{})
	esegui(t, app, attiva, domain.AzioneAttiva, mustRichiesta(t, app, attiva).Richiedente)
	inviata := v.richiestaInviata(p)
	codice := mustRichiesta(t, app, approvata).Esito.CodiceMedico
	if codice == "" {
		t.Fatal("no codice medico after approval")
	}

	for _, sc := range []scenario{
		{name: "respinta", url: urlRichiesta(respinta), wantStatus: http.StatusOK, wantContains: []string{
			"Richiesta respinta", "per questi motivi", "Dati anagrafici non corrispondenti al documento", "Modulo non firmato",
			"Note della sede", nota, `action="/richieste"`, `name="da" value="` + fmt.Sprint(respinta) + `"`, "Presenta una nuova richiesta",
		}, wantNotContains: []string{"dati_non_corrispondenti<", `name="risposta"`, "/attivazione"}},
		{name: "approvata", url: urlRichiesta(approvata), wantStatus: http.StatusOK, wantContains: []string{
			"Richiesta approvata", "Il tuo codice medico è", codice, "Come attivare le credenziali", "due parti",
			p.Email, `href="/attivazione"`,
		}, wantNotContains: []string{"Presenta una nuova richiesta", `name="risposta"`}},
		{name: "attiva", url: urlRichiesta(attiva), wantStatus: http.StatusOK, wantContains: []string{
			"Credenziali attive", "Codice medico:", `href="/regole-riservatezza"`,
		}, wantNotContains: []string{`href="/attivazione"`}},
		{name: "inviata", url: urlRichiesta(inviata), wantStatus: http.StatusOK, wantContains: []string{
			"All'esame della sede", "Riceverai l'esito per e-mail",
		}, wantNotContains: []string{"Richiesta respinta", "Richiesta approvata", `name="risposta"`}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			r := sc.esegui(t, v)
			controllaIntestazioni(t, r)
		})
	}

	t.Run("nuova richiesta dalla respinta", func(t *testing.T) {
		r := v.post("/richieste", map[string][]string{"da": {fmt.Sprint(respinta)}})
		vuole(t, r, http.StatusSeeOther, "/richieste/")
	})
}
