package handlers

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/store"
	"abilita/views"
)

// rispostaIntegrazione receives the applicant's answer to a request for more
// information: a text and, optionally, a file that replaces one of the
// attachments. The body is streamed like an upload (caricaAllegati); the
// answer, the replaced attachment and the return of the request to the
// operator's queue (in_lavorazione, same operator) are one transaction.
func (h *Handlers) rispostaIntegrazione(c *fiber.Ctx) error {
	r, err := h.richiestaPer(c, domain.OpRispondi)
	if err != nil {
		return err
	}
	corpo, err := h.corpoMultipart(c)
	if err != nil {
		return err
	}
	f, err := h.leggiRisposta(c, corpo.parti)
	if err == nil {
		err = corpo.finisci()
	}
	if err != nil || len(f.Errori) > 0 {
		f.scarta(h)
		if err != nil {
			return uploadFallito(c, err)
		}
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaRichiesta, h.rispostaVM(c, r, f))
	}
	sostituito, err := h.Store.Rispondi(h.atto(c), r.ID, store.Risposta{Testo: f.Testo, Tipo: f.Tipo, Allegato: f.Allegato})
	if err != nil {
		f.scarta(h)
		return err
	}
	if sostituito != nil {
		h.eliminaFile(*sostituito)
	}
	return h.avviso(c, urlRichiesta(r.ID), "Risposta inviata alla sede.")
}

// rispostaVM shows the request page again with the answer as typed and the
// errors next to the fields. The page draws the open request for more
// information from the request itself, so the view gets a copy of it that
// carries the answer being written; nothing of it is stored.
func (h *Handlers) rispostaVM(c *fiber.Ctx, r *domain.Richiesta, f *moduloRisposta) richiestaVM {
	bozza := *r
	bozza.Integrazioni = slices.Clone(r.Integrazioni)
	if i := bozza.UltimaIntegrazione(); i != nil {
		i.Risposta, i.Sostituito = f.Testo, string(f.Tipo)
	}
	vm := h.richiestaVM(c, "Richiesta "+etichettaRichiesta(r), &bozza)
	vm.Errori = f.Errori
	return vm
}
