package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/store"
	"abilita/views"
)

// perPaginaAudit is the number of entries on one page of the audit log.
const perPaginaAudit = 50

// rigaAudit is one entry of the audit log as the page shows it.
type rigaAudit struct {
	domain.EventoAudit
	Ora        string // Europe/Rome, to the second
	NomeChi    string
	EmailChi   string
	Etichetta  string
	Protocollo string
}

type auditVM struct {
	views.Base
	Voci      []rigaAudit
	Integra   bool
	NumVoci   int
	ErroreCat string // why the chain does not verify
	// The filters as typed. (Utente would hide Base.Utente, the user
	// looking at the page.)
	FiltroRichiesta string
	FiltroUtente    string
	Prima           uint64 // this page's cursor (0: the newest)
	Seguente        uint64 // cursor of the older page, 0 when there is none
	Errori          domain.Errori
}

// registroAudit browses the audit log, newest first, with the result of
// the verification of its hash chain on top.
func (h *Handlers) registroAudit(c *fiber.Ctx) error {
	vm := auditVM{Base: h.personale(c, "Registro di audit"), FiltroRichiesta: strings.TrimSpace(c.Query("richiesta")),
		FiltroUtente: strings.TrimSpace(c.Query("utente")), Errori: domain.Errori{}}
	f := store.FiltroAudit{Limite: perPaginaAudit + 1}
	f.Richiesta = numeroFiltro(vm.Errori, "richiesta", vm.FiltroRichiesta, "Il numero della richiesta è un intero positivo.")
	f.Chi = numeroFiltro(vm.Errori, "utente", vm.FiltroUtente, "Il numero dell'utente è un intero positivo.")
	f.Prima = numeroFiltro(vm.Errori, "prima", c.Query("prima"), "Pagina non valida.")
	vm.Prima = f.Prima
	n, err := h.Store.VerificaAudit()
	vm.NumVoci, vm.Integra = n, err == nil
	if err != nil {
		vm.ErroreCat = err.Error()
		h.Log.Error("audit chain broken", "err", err)
	}
	if len(vm.Errori) > 0 {
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaAudit, vm)
	}
	eventi, err := h.Store.EventiAudit(f)
	if err != nil {
		return err
	}
	if len(eventi) > perPaginaAudit {
		eventi = eventi[:perPaginaAudit]
		vm.Seguente = eventi[len(eventi)-1].ID
	}
	if vm.Voci, err = h.righeAudit(eventi); err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, views.PaginaAudit, vm)
}

// numeroFiltro reads an optional positive integer from a query parameter.
func numeroFiltro(e domain.Errori, field, v, msg string) uint64 {
	if v == "" {
		return 0
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n == 0 {
		e.Add(field, msg)
	}
	return n
}

// righeAudit adds to each entry who did it and the request's protocol.
func (h *Handlers) righeAudit(eventi []domain.EventoAudit) ([]rigaAudit, error) {
	utenti := map[uint64]*domain.Utente{}
	protocolli := map[uint64]string{}
	out := make([]rigaAudit, 0, len(eventi))
	for _, e := range eventi {
		r := rigaAudit{EventoAudit: e, Ora: e.Quando.In(views.Rome).Format("02/01/2006 15:04:05"), Etichetta: etichettaAudit(e.Azione)}
		if e.Chi != 0 {
			u, ok := utenti[e.Chi]
			if !ok {
				var err error
				if u, err = h.Store.Utente(e.Chi); err != nil && domain.CodiceDi(err) != domain.ErrNonTrovato {
					return nil, err
				}
				utenti[e.Chi] = u
			}
			if u != nil {
				r.NomeChi, r.EmailChi = u.NomeCompleto(), u.Email
			}
		}
		if e.Richiesta != 0 {
			p, ok := protocolli[e.Richiesta]
			if !ok {
				if ric, err := h.Store.Richiesta(e.Richiesta); err == nil {
					p = ric.Protocollo
				} else if domain.CodiceDi(err) != domain.ErrNonTrovato {
					return nil, err
				}
				protocolli[e.Richiesta] = p
			}
			r.Protocollo = p
		}
		out = append(out, r)
	}
	return out, nil
}

// etichettaAudit is the Italian label of an audited action.
func etichettaAudit(azione string) string {
	switch azione {
	case domain.AuditVisualizzaDocumento:
		return "Visualizzazione di un documento"
	case domain.AuditScaricaDocumento:
		return "Scaricamento di un documento"
	case domain.AuditDecisione:
		return "Decisione"
	case domain.AuditPresaInCarico:
		return "Presa in carico"
	case domain.AuditReinstradamento:
		return "Cambio di sede"
	case domain.AuditRichiestaSportello:
		return "Richiesta allo sportello"
	case domain.AuditAccount:
		return "Gestione account"
	case domain.AuditSede:
		return "Dati della sede"
	case domain.AuditImpostazioni:
		return "Contatti dell'informativa privacy"
	case domain.AuditStruttura:
		return "Medici di una struttura ospedaliera"
	}
	return azione
}
