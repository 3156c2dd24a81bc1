package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/store"
)

// richiestaDellaSede loads the request in the URL for an operator of its sede
// or an administrator. A request of another sede answers 404, like a
// missing one.
func (h *Handlers) richiestaDellaSede(c *fiber.Ctx) (*domain.Richiesta, error) {
	id, err := strconv.ParseUint(c.Params("id"), 10, 64)
	if err != nil {
		return nil, errRichiestaNonTrovata
	}
	r, err := h.Store.Richiesta(id)
	if err != nil {
		return nil, err
	}
	if err := dellaSede(utenteDi(c))(r); err != nil {
		return nil, err
	}
	return r, nil
}

// dellaSede is the check that decisions run inside their transaction: the
// request must belong to the operator's sede (administrators see every sede).
// Drafts are nobody's business but their author's.
func dellaSede(u *domain.Utente) func(*domain.Richiesta) error {
	return func(r *domain.Richiesta) error {
		switch {
		case u == nil:
			return errRichiestaNonTrovata
		case r.Stato == domain.StatoBozza && r.Richiedente != u.ID:
			return errRichiestaNonTrovata
		case u.Ruolo == domain.RuoloAmministratore:
			return nil
		case u.Ruolo == domain.RuoloOperatore && r.Sede == u.Sede:
			return nil
		}
		return errRichiestaNonTrovata
	}
}

// evento is an audit entry for the current user and client address.
func (h *Handlers) evento(c *fiber.Ctx, azione, dettaglio string) store.EventoAudit {
	e := store.EventoAudit{Quando: h.Now(), Azione: azione, IP: c.IP(), Dettaglio: dettaglio}
	if u := utenteDi(c); u != nil {
		e.Chi = u.ID
	}
	return e
}
