package handlers_test

import (
	"strings"
	"testing"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/store"
)

// Helpers of the administration tests.

const passwordPersonale = "sentiero nebbioso lanterna nove"

// collega creates an activated operator (or administrator, with sede "")
// and logs it in.
func collega(t testing.TB, app *testapp.T, ruolo domain.Ruolo, sede, nome, email string) (*visitatore, *domain.Utente) {
	t.Helper()
	u, _ := app.CreaUtenteConTOTP(t, domain.Utente{Ruolo: ruolo, Sede: sede, Email: email, Nome: nome, Cognome: "Collega"}, passwordPersonale)
	v := nuovoVisitatore(t, app)
	v.accedi(email, passwordPersonale)
	return v, u
}

// vociAudit returns the audit entries with that action whose detail
// contains dettaglio.
func vociAudit(t testing.TB, app *testapp.T, azione, dettaglio string) []domain.EventoAudit {
	t.Helper()
	tutte, err := app.App.Store.EventiAudit(store.FiltroAudit{Limite: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []domain.EventoAudit
	for _, e := range tutte {
		if e.Azione == azione && strings.Contains(e.Dettaglio, dettaglio) {
			out = append(out, e)
		}
	}
	return out
}

// utenteAmministratore is the administrator created by amministratore().
func utenteAmministratore(t testing.TB, app *testapp.T) *domain.Utente {
	t.Helper()
	u, err := app.App.Store.UtentePerEmail(emailAmministratore)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
