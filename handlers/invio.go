package handlers

import (
	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/notify"
	"abilita/pdf"
	"abilita/sedi"
	"abilita/store"
	"abilita/views"
)

// inviaRichiesta submits a complete draft: the sede comes from the comune of
// residence, or is the operator's for a request registered at the counter;
// the protocol number, the state change and the acknowledgement e-mail are
// written in one transaction.
func (h *Handlers) inviaRichiesta(c *fiber.Ctx) error {
	u := utenteDi(c)
	r, err := h.richiestaCompilata(c)
	if err != nil {
		return err
	}
	if err := modificabile(u)(r); err != nil {
		return err
	}
	now := h.Now()
	if p, _ := r.ValidaTutto(now); p != "" {
		return h.avviso(c, urlPasso(r.ID, p), "Prima di inviare completa i dati di questo passo.")
	}
	nota, sd := "Inviata online", sedi.Sede{}
	if r.Percorso == domain.PercorsoSportello {
		// The sede that receives the applicant handles the request, wherever
		// the applicant lives: urgent cases go to the nearest sede.
		nota = "Registrata allo sportello"
		sd, err = h.Store.Sede(u.Sede)
	} else {
		comune, ok := r.ComuneResidenza(now)
		if !ok {
			return h.avviso(c, urlPasso(r.ID, domain.PassoAnagrafica), "Prima di inviare controlla il comune di residenza.")
		}
		sd, err = h.Store.SedePerProvincia(comune.Provincia)
	}
	if err != nil {
		return err
	}
	_, err = h.Store.Esegui(r.ID, store.Transizione{
		Azione: domain.AzioneInvia, Chi: u.ID, Quando: now, Nota: nota,
		Check: func(stored *domain.Richiesta) error {
			if err := modificabile(u)(stored); err != nil {
				return err
			}
			stored.Sede = sd.Codice
			return nil
		},
		Prepare: func(stored *domain.Richiesta) ([]notify.Message, error) {
			m, err := h.messaggioRicevuta(stored, sd)
			return []notify.Message{m}, err
		},
	})
	if err != nil {
		return err
	}
	return h.redirect(c, urlRichiesta(r.ID)+"/ricevuta")
}

// messaggioRicevuta is the acknowledgement e-mail, with the receipt attached.
func (h *Handlers) messaggioRicevuta(r *domain.Richiesta, sd sedi.Sede) (notify.Message, error) {
	data, err := pdf.Ricevuta(r, sedePDF(sd), r.Inviata)
	if err != nil {
		return notify.Message{}, err
	}
	// An applicant served at the counter has no account to follow the request with.
	link := h.link(urlRichiesta(r.ID))
	if r.Percorso == domain.PercorsoSportello {
		link = ""
	}
	m, err := messaggio("ricevuta", r.Contatti.Email, map[string]any{
		"R": r, "Sede": sd, "Inviata": r.Inviata.In(rome).Format("02/01/2006 alle 15:04"), "Link": link,
	})
	if err != nil {
		return m, err
	}
	m.Attachments = []notify.Attachment{{Name: "ricevuta-" + r.Protocollo + ".pdf", ContentType: "application/pdf", Data: data}}
	return m, nil
}

func sedePDF(sd sedi.Sede) pdf.Sede {
	return pdf.Sede{Codice: sd.Codice, Nome: sd.Nome, Indirizzo: sd.IndirizzoCompleto(), Email: sd.Email, PEC: sd.PEC}
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
	data, err := pdf.Ricevuta(r, sedePDF(h.sedeDi(r)), r.Inviata)
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
	data, err := pdf.Modulo(r, sedePDF(h.sedeDi(r)), h.Now())
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

var rome = domain.Roma
