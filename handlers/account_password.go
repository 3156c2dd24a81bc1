package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
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
	return cambioPasswordVM{Base: h.personale(c, "Cambia la password"), ConCodice: u.TOTP != nil, Minimo: u.MinimoPassword(), Errori: domain.Errori{}}
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
	u.ValidaNuovaPassword(vm.Errori, password, c.FormValue("conferma"), vm.Minimo)
	status, v := fiber.StatusUnprocessableEntity, fattoriVerificati{}
	if len(vm.Errori) == 0 {
		var err error
		if status, v, err = h.verificaFattori(c, u, leggiFattori(c), vm.Errori); err != nil {
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
	cambio, err := h.cambio(c, u, v, "la password")
	if err != nil {
		return err
	}
	chiuse, err := h.Store.CambiaPassword(h.atto(c), cambio, hash)
	if err := esitoCambio(v, err, vm.Errori); err != nil {
		return err
	}
	if len(vm.Errori) > 0 {
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaCambioPassword, vm)
	}
	return h.avviso(c, "/account/sessioni", "Password cambiata. "+sessioniChiuse(chiuse))
}

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
