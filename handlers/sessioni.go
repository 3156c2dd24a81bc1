package handlers

import (
	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/store"
)

// dopoAccesso records a login (successful or not) in the user's history.
// The login handlers call it once they know the outcome.
func (h *Handlers) dopoAccesso(c *fiber.Ctx, u *domain.Utente, metodo domain.MetodoAccesso, riuscito bool) error {
	_, err := h.Store.RegistraAccesso(u.ID, store.Accesso{Quando: h.Now(), IP: c.IP(), UserAgent: c.Get(fiber.HeaderUserAgent), Riuscito: riuscito, Metodo: metodo})
	return err
}
