package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/sedi"
)

// reinstradaVM is what the "admin_reinstrada" partial draws: the form with
// which an administrator moves a request to another sede. The review page
// includes it, for administrators, as {{with .Reinstrada}}{{template "admin_reinstrada" .}}{{end}}.
type reinstradaVM struct {
	ID   uint64
	Sede string // the current sede's code
	Sedi []sedi.Sede
	CSRF string
}

// moduloReinstrada is the re-routing form for r, or nil when the current
// user may not re-route it: not an administrator, or a request that is not
// waiting in a queue (see reinstrada).
func (h *Handlers) moduloReinstrada(c *fiber.Ctx, r *domain.Richiesta) (*reinstradaVM, error) {
	if u := utenteDi(c); u == nil || u.Ruolo != domain.RuoloAmministratore || r.Stato != domain.StatoInviata {
		return nil, nil
	}
	return &reinstradaVM{ID: r.ID, Sede: r.Sede, Sedi: h.Store.Sedi(), CSRF: csrfDi(c)}, nil
}

// reinstrada moves a submitted request to another sede, with a history entry
// and an audit entry in the same transaction; the queue index follows. Only
// a request still waiting to be taken in charge moves: once an operator has
// it, only that operator may work it, and an operator of another sede could
// no longer see it.
func (h *Handlers) reinstrada(c *fiber.Ctx) error {
	id, err := idRichiesta(c)
	if err != nil {
		return err
	}
	nota := strings.TrimSpace(c.FormValue("nota"))
	if msg := domain.ControllaTesto(nota); msg != "" {
		return &domain.Errore{Codice: domain.ErrNonValido, Messaggio: "Nota: " + msg}
	}
	r, err := h.Store.Reinstrada(h.atto(c), id, strings.TrimSpace(c.FormValue("sede")), nota)
	if err != nil {
		return err
	}
	return h.avviso(c, "/operatore/richieste/"+itoa(r.ID), "Richiesta "+r.Protocollo+" assegnata alla "+h.nomeSede(r.Sede)+".")
}
