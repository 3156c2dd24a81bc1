package app

import (
	"testing"
	"time"

	"abilita/domain"
	"abilita/security"
	"abilita/store"
)

// TestRiemettiPrimoAmministratore: an administrator who left its activation
// half-way gets a new code from the command line, which works; once an
// administrator is active, the command line issues nothing.
func TestRiemettiPrimoAmministratore(t *testing.T) {
	a := apriDiProva(t)
	if _, _, _, ok, err := a.RiemettiPrimoAmministratore(); ok || err != nil {
		t.Fatalf("without administrators: ok %v, err %v", ok, err)
	}
	u := &domain.Utente{Ruolo: domain.RuoloAmministratore, Email: "admin@inail.test", Nome: "Anna", Cognome: "Bassi", Creato: time.Now()}
	if err := a.Store.CreaUtente(u); err != nil {
		t.Fatal(err)
	}
	email, p1, p2, ok, err := a.RiemettiPrimoAmministratore()
	if err != nil || !ok || email != u.Email {
		t.Fatalf("half-way administrator: %q, ok %v, err %v", email, ok, err)
	}
	if _, err := a.Store.IniziaAttivazione(email, p1, p2, security.HashToken(security.NewToken()), time.Now()); err != nil {
		t.Fatalf("the code printed does not start the activation: %v", err)
	}
	err = a.Store.Importa(func(im *store.Importazione) error {
		_, err := im.AggiornaUtente(u.ID, func(x *domain.Utente) error {
			x.PasswordHash, x.TOTP = "x", &domain.TOTP{Attivato: time.Now()}
			return nil
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, ok, err := a.RiemettiPrimoAmministratore(); ok || err != nil {
		t.Fatalf("with an active administrator: ok %v, err %v", ok, err)
	}
}
