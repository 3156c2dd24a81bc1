package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/security"
	"abilita/store"
	"abilita/views"
)

type cambioPasswordVM struct {
	views.Base
	ConCodice bool // the account has an authenticator: its code is asked too
	Minimo    int
	Errori    domain.Errori
}

func (h *Handlers) nuovoCambioPasswordVM(c *fiber.Ctx) cambioPasswordVM {
	u := utenteDi(c)
	return cambioPasswordVM{Base: h.personale(c, "Cambia la password"), ConCodice: u.TOTP != nil, Minimo: minimoPassword(u), Errori: domain.Errori{}}
}

func (h *Handlers) cambioPasswordForm(c *fiber.Ctx) error {
	return h.render(c, fiber.StatusOK, views.PaginaCambioPassword, h.nuovoCambioPasswordVM(c))
}

// cambioPassword sets a new password after the current factors are given
// again, and ends the account's other sessions: whoever knew the old
// password is logged out everywhere.
func (h *Handlers) cambioPassword(c *fiber.Ctx) error {
	u := utenteDi(c)
	vm := h.nuovoCambioPasswordVM(c)
	password := c.FormValue("password")
	local, _, _ := strings.Cut(u.Email, "@")
	if err := security.CheckPassword(password, vm.Minimo, u.CodiceFiscale, u.Cognome, u.Nome, local); err != nil {
		vm.Errori.Add("password", err.Error())
	} else if password != c.FormValue("conferma") {
		vm.Errori.Add("conferma", "Le due password non coincidono.")
	}
	status := fiber.StatusUnprocessableEntity
	if len(vm.Errori) == 0 {
		var err error
		if status, err = h.verificaFattori(c, u, leggiFattori(c), vm.Errori); err != nil {
			return err
		}
	}
	if len(vm.Errori) > 0 {
		return h.render(c, status, views.PaginaCambioPassword, vm)
	}
	hash, err := h.Hasher.Hash(c.Context(), password)
	if err != nil {
		return err
	}
	now := h.Now()
	err = h.Store.AggiornaUtente(u.ID, func(x *domain.Utente) error {
		if !x.Attivo() {
			return errAccountSospeso
		}
		x.PasswordHash, x.PasswordCambiata = hash, now
		return nil
	})
	if err != nil {
		return err
	}
	return h.dopoCambio(c, u, "password cambiata dal titolare", "la password", "Password cambiata.")
}

// dopoCambio completes a change of a factor: it ends the other sessions,
// records the change, tells the user by e-mail and says so on the page.
func (h *Handlers) dopoCambio(c *fiber.Ctx, u *domain.Utente, audit, cosa, avviso string) error {
	chiuse, err := h.chiudiAltreSessioni(c, u)
	if err != nil {
		return err
	}
	if err := h.Store.Audit(h.evento(c, store.AuditAccount, audit+"; altre sessioni chiuse: "+strconv.Itoa(chiuse))); err != nil {
		return err
	}
	if err := h.avvisaCambio(c, u, cosa); err != nil {
		return err
	}
	return h.avviso(c, "/account/sessioni", avviso+" "+sessioniChiuse(chiuse))
}

var errAccountSospeso = &domain.Errore{Codice: domain.ErrNonAmmesso, Messaggio: "L'account è sospeso o revocato: rivolgiti alla tua sede."}

// sessioniChiuse tells the user how many other sessions a change ended.
func sessioniChiuse(n int) string {
	switch n {
	case 0:
		return "Non c'erano altre sessioni aperte."
	case 1:
		return "L'altra sessione aperta è stata chiusa."
	}
	return "Le altre " + strconv.Itoa(n) + " sessioni aperte sono state chiuse."
}
