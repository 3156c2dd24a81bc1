package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/pdf"
	"abilita/posta"
	"abilita/sedi"
	"abilita/store"
	"abilita/views"
)

// inviaRichiesta submits a complete draft: the store gives it the sede
// (the counter's, or the one serving the comune of residence), its protocol
// number and the acknowledgement e-mail, in one transaction.
func (h *Handlers) inviaRichiesta(c *fiber.Ctx) error {
	r, err := h.richiestaPer(c, domain.OpCompila)
	if err != nil {
		return err
	}
	_, err = h.Store.Invia(h.atto(c), r.ID)
	var incompleta *store.Incompleta
	switch {
	case errors.As(err, &incompleta) && incompleta.Passo == domain.PassoAnagrafica && r.Percorso != domain.PercorsoSportello:
		return h.avviso(c, urlPasso(r.ID, incompleta.Passo), "Prima di inviare controlla i dati anagrafici e il comune di residenza.")
	case errors.As(err, &incompleta):
		return h.avviso(c, urlPasso(r.ID, incompleta.Passo), "Prima di inviare completa i dati di questo passo.")
	case err != nil:
		return err
	}
	return h.redirect(c, urlRichiesta(r.ID)+"/ricevuta")
}

// sedeDi is the sede of a submitted request, or the one its residence would
// give a draft.
func (h *Handlers) sedeDi(r *domain.Richiesta) sedi.Sede {
	if r.Sede != "" {
		if sd, err := h.Store.Sede(r.Sede); err == nil {
			return sd
		}
	}
	if comune, ok := r.ComuneResidenza(h.Now()); ok {
		if sd, err := h.Store.SedePerProvincia(comune.Provincia); err == nil {
			return sd
		}
	}
	return sedi.Sede{}
}

// urlDettaglio is where a request is followed: the applicant's page, or for
// a counter request the review page once submitted and the last step of its
// form before.
func urlDettaglio(r *domain.Richiesta) string {
	switch {
	case r.Percorso != domain.PercorsoSportello:
		return urlRichiesta(r.ID)
	case r.Modificabile():
		return urlPasso(r.ID, domain.PassoRiepilogo)
	}
	return "/operatore/richieste/" + itoa(r.ID)
}

func (h *Handlers) ricevuta(c *fiber.Ctx) error {
	r, err := h.richiestaCompilata(c)
	if err != nil {
		return err
	}
	if r.Protocollo == "" {
		return h.redirect(c, urlDettaglio(r))
	}
	titolo := "Richiesta inviata"
	if r.Percorso == domain.PercorsoSportello {
		titolo = "Richiesta registrata"
	}
	return h.render(c, fiber.StatusOK, views.PaginaRicevuta, h.richiestaVM(c, titolo, r))
}

func (h *Handlers) ricevutaPDF(c *fiber.Ctx) error {
	r, err := h.richiestaCompilata(c)
	if err != nil {
		return err
	}
	if r.Protocollo == "" {
		return domain.NonTrovato("La ricevuta è disponibile dopo l'invio della richiesta.")
	}
	data, err := pdf.Ricevuta(r, posta.SedePDF(h.sedeDi(r)), r.Inviata)
	if err != nil {
		return err
	}
	return inviaPDF(c, "ricevuta-"+r.Protocollo+".pdf", data, false)
}

// moduloRichiesta is the module pre-filled with the applicant's data, to sign.
func (h *Handlers) moduloRichiesta(c *fiber.Ctx) error {
	r, err := h.richiestaCompilata(c)
	if err != nil {
		return err
	}
	data, err := pdf.Modulo(r, posta.SedePDF(h.sedeDi(r)), h.Now())
	if err != nil {
		return err
	}
	return inviaPDF(c, "modulo-abilitazione-"+etichettaFile(r)+".pdf", data, true)
}

func etichettaFile(r *domain.Richiesta) string {
	if r.Protocollo != "" {
		return r.Protocollo
	}
	return "bozza-" + itoa(r.ID)
}
