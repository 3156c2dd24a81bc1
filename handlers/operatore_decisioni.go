package handlers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/store"
	"abilita/views"
)

// Taking a request in charge and deciding on it. Each is one store
// transaction that checks the sede and the operator, moves the request,
// writes the audit entry and queues the applicant's e-mail and PEC.

// prendiInCarico assigns the request to the operator. Of two operators
// pressing the button at once exactly one gets the request; the other is
// told who did.
func (h *Handlers) prendiInCarico(c *fiber.Ctx) error {
	id, err := idRichiesta(c)
	if err != nil {
		return err
	}
	u := utenteDi(c)
	r, err := h.Store.PrendiInCarico(h.atto(c), id)
	var gia *domain.GiaInCarico
	switch {
	case errors.As(err, &gia) && gia.Operatore == u.ID:
		return h.avviso(c, urlRevisione(id), "La richiesta è già in carico a te.")
	case errors.As(err, &gia):
		nome := "un altro operatore"
		if o, err := h.Store.Utente(gia.Operatore); err == nil {
			nome = o.NomeCompleto()
		}
		return domain.Conflitto("La richiesta è già stata presa in carico da " + nome + ".")
	case err != nil:
		return err
	}
	return h.avviso(c, urlRevisione(id), "Hai preso in carico la richiesta "+r.Protocollo+".")
}

// richiestaInCarico loads the request in the URL for a decision: it must be
// of the operator's sede and in charge of that operator. The decision's own
// transaction checks it again.
func (h *Handlers) richiestaInCarico(c *fiber.Ctx) (*domain.Richiesta, error) {
	return h.richiestaPer(c, domain.OpLavora)
}

// approva approves the request once the checklist is complete. In the same
// transaction the store gives a doctor its codice medico, creates or
// upgrades the applicant's account with the enabled profile and stores the
// activation code whose parts the outbox sends.
func (h *Handlers) approva(c *fiber.Ctx) error {
	r, err := h.richiestaInCarico(c)
	if err != nil {
		return err
	}
	if r.Stato == domain.StatoInLavorazione && !r.Checklist.Completa(r.Profilo) {
		return h.decisioneRifiutata(c, r, "approva", store.ErrChecklistIncompleta.Messaggio, nil)
	}
	codice, destinatario, err := h.codiceApprovazione(r, h.sedeDi(r))
	if domain.CodiceDi(err) == domain.ErrConflitto {
		// Who would receive the credentials is in doubt: the operator reads
		// why on the request, which stays as it is.
		return h.decisioneRifiutata(c, r, "approva", domain.MessaggioDi(err), nil)
	}
	if err != nil {
		return err
	}
	ap := store.Approvazione{Destinatario: destinatario}
	if codice != nil {
		ap.Codice, ap.Messaggi = &codice.attivazione, codice.messaggi
	}
	esito, err := h.Store.Approva(h.atto(c), r.ID, ap)
	if err != nil {
		return err
	}
	return h.decisa(c, r.ID, messaggioApprovazione(esito.Richiesta, codice))
}

// messaggioApprovazione tells the operator what was issued and where each
// part of the activation code went.
func messaggioApprovazione(r *domain.Richiesta, codice *codicePronto) string {
	msg := "Richiesta " + r.Protocollo + " approvata."
	if r.Esito != nil && r.Esito.CodiceMedico != "" {
		msg += " Codice medico assegnato: " + r.Esito.CodiceMedico + "."
	}
	switch {
	case codice == nil:
	case codice.dove.PEC != "":
		msg += " Codice di attivazione emesso: la prima parte va per e-mail, la seconda per PEC."
	case codice.dove.Area:
		msg += " Codice di attivazione emesso: la prima parte va per e-mail, la seconda è nell'area riservata del richiedente (puoi anche stampare la lettera di attivazione)."
	default:
		msg += " Codice di attivazione emesso: la prima parte va per e-mail; stampa la lettera di attivazione con la seconda parte e consegnala al richiedente."
	}
	return msg
}

// respingi rejects the request with coded reasons and an optional text.
func (h *Handlers) respingi(c *fiber.Ctx) error {
	r, err := h.richiestaInCarico(c)
	if err != nil {
		return err
	}
	var motivi []domain.MotivoRifiuto
	for _, m := range c.Request().PostArgs().PeekMulti("motivi") {
		motivi = append(motivi, domain.MotivoRifiuto(m))
	}
	nota := strings.TrimSpace(c.FormValue("nota"))
	if e := domain.ValidaRifiuto(motivi, nota); len(e) > 0 {
		vm := h.revisioneVM(c, r, motivi)
		vm.Errori, vm.Nota = e, nota
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaRevisione, vm)
	}
	if r, err = h.Store.Respingi(h.atto(c), r.ID, motivi, nota); err != nil {
		return err
	}
	return h.decisa(c, r.ID, "Richiesta "+r.Protocollo+" respinta. Il richiedente riceverà i motivi per e-mail"+perPEC(r)+".")
}

// chiediIntegrazione asks the applicant for more information; the answer
// comes from the applicant's request page.
func (h *Handlers) chiediIntegrazione(c *fiber.Ctx) error {
	r, err := h.richiestaInCarico(c)
	if err != nil {
		return err
	}
	testo := strings.TrimSpace(c.FormValue("messaggio"))
	e := domain.Errori{}
	if msg := domain.ControllaTestoLungo(testo); msg != "" {
		e.Add("messaggio", msg)
	} else if testo == "" {
		e.Add("messaggio", "Scrivi che cosa deve integrare il richiedente.")
	}
	if len(e) > 0 {
		vm := h.revisioneVM(c, r, nil)
		vm.Errori, vm.Messaggio = e, testo
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaRevisione, vm)
	}
	if r, err = h.Store.ChiediIntegrazione(h.atto(c), r.ID, testo); err != nil {
		return err
	}
	return h.decisa(c, r.ID, "Integrazione chiesta per la richiesta "+r.Protocollo+". Il richiedente riceverà il messaggio per e-mail"+perPEC(r)+".")
}

// decisioneRifiutata shows the review page again with msg next to the form campo.
func (h *Handlers) decisioneRifiutata(c *fiber.Ctx, r *domain.Richiesta, campo, msg string, motivi []domain.MotivoRifiuto) error {
	c.Set("HX-Push-Url", urlRevisione(r.ID)) // an htmx form: the address bar shows the request
	vm := h.revisioneVM(c, r, motivi)
	vm.Errori.Add(campo, msg)
	return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaRevisione, vm)
}

// decisa ends a decision: back to the review page with a message, and an
// event for the counts of a queue open in the page.
func (h *Handlers) decisa(c *fiber.Ctx, id uint64, msg string) error {
	if c.Get("HX-Request") == "true" {
		c.Set("HX-Trigger", "decisione")
	}
	return h.avviso(c, urlRevisione(id), msg)
}

func perPEC(r *domain.Richiesta) string {
	if len(r.DestinatariPEC()) > 0 {
		return " e PEC"
	}
	return ""
}

// allaRevisione sends a GET of an action's address (a page reloaded after a
// refused decision, say) to the review page of the request.
func (h *Handlers) allaRevisione(c *fiber.Ctx) error {
	id, err := strconv.ParseUint(c.Params("id"), 10, 64)
	if err != nil {
		return domain.ErrRichiestaNonTrovata
	}
	return h.redirect(c, urlRevisione(id))
}
