package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
)

// idRichiesta reads the request ID in the URL; a malformed one is a
// request not found.
func idRichiesta(c *fiber.Ctx) (uint64, error) {
	id, err := strconv.ParseUint(c.Params("id"), 10, 64)
	if err != nil {
		return 0, domain.ErrRichiestaNonTrovata
	}
	return id, nil
}

// richiestaPer loads the request in the URL if the current user may do op
// to it (domain.Consenti); any other is not found, like a missing one.
func (h *Handlers) richiestaPer(c *fiber.Ctx, op domain.Operazione) (*domain.Richiesta, error) {
	id, err := idRichiesta(c)
	if err != nil {
		return nil, err
	}
	return h.Store.RichiestaPer(utenteDi(c), id, op)
}

// richiestaDellaSede loads the request in the URL for the staff of its
// sede (administrators see every sede) or its author.
func (h *Handlers) richiestaDellaSede(c *fiber.Ctx) (*domain.Richiesta, error) {
	return h.richiestaPer(c, domain.OpVedi)
}
