package handlers

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/notify"
	"abilita/store"
	"abilita/views"
)

// rispostaIntegrazione receives the applicant's answer to a request for more
// information: a text and, optionally, a file that replaces one of the
// attachments. The body is streamed like an upload (caricaAllegati); the
// answer, the replaced attachment and the return of the request to the
// operator's queue (in_lavorazione, same operator) are one transaction.
func (h *Handlers) rispostaIntegrazione(c *fiber.Ctx) error {
	u := utenteDi(c)
	r, err := h.richiestaPropria(c)
	if err != nil {
		return err
	}
	if err := inAttesaDiRisposta(u)(r); err != nil {
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
	now := h.Now()
	ev := h.evento(c, store.AuditDecisione, f.dettaglioAudit())
	var sostituito []domain.Allegato
	_, err = h.Store.Esegui(r.ID, store.Transizione{
		Azione: domain.AzioneRisposta, Chi: u.ID, Quando: now, Nota: "Risposta del richiedente all'integrazione",
		Check: inAttesaDiRisposta(u), Audit: &ev,
		Prepare: func(stored *domain.Richiesta) ([]notify.Message, error) {
			i := stored.UltimaIntegrazione()
			i.Risposta, i.Risposto = f.Testo, now
			if f.Allegato != nil {
				i.Sostituito = string(f.Tipo)
				if stored.Allegati == nil {
					stored.Allegati = map[domain.TipoAllegato]domain.Allegato{}
				}
				if old, ok := stored.Allegati[f.Tipo]; ok {
					sostituito = []domain.Allegato{old}
				}
				stored.Allegati[f.Tipo] = *f.Allegato
			}
			return nil, nil
		},
	})
	if err != nil {
		f.scarta(h)
		return err
	}
	h.eliminaFile(sostituito...)
	return h.avviso(c, urlRichiesta(r.ID), "Risposta inviata alla sede.")
}

// inAttesaDiRisposta is the check for an answer: the applicant's own request,
// with an open request for more information.
func inAttesaDiRisposta(u *domain.Utente) func(*domain.Richiesta) error {
	return func(r *domain.Richiesta) error {
		if err := propria(u)(r); err != nil {
			return err
		}
		if i := r.UltimaIntegrazione(); r.Stato != domain.StatoIntegrazioneRichiesta || i == nil || !i.Risposto.IsZero() {
			return domain.Conflitto("La sede non attende una tua risposta su questa richiesta: forse l'hai già inviata.")
		}
		return nil
	}
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
