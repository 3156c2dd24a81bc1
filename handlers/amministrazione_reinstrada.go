package handlers

import (
	"cmp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/sedi"
	"abilita/store"
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
	elenco, err := h.Store.Sedi()
	if err != nil {
		return nil, err
	}
	csrf, _ := c.Locals(localCSRF).(string)
	return &reinstradaVM{ID: r.ID, Sede: r.Sede, Sedi: elenco, CSRF: csrf}, nil
}

// reinstrada moves a submitted request to another sede, with a history entry
// and an audit entry in the same transaction; the queue index follows. Only
// a request still waiting to be taken in charge moves: once an operator has
// it, only that operator may work it, and an operator of another sede could
// no longer see it.
func (h *Handlers) reinstrada(c *fiber.Ctx) error {
	id, err := strconv.ParseUint(c.Params("id"), 10, 64)
	if err != nil {
		return errRichiestaNonTrovata
	}
	nota := strings.TrimSpace(c.FormValue("nota"))
	if msg := domain.ControllaTesto(nota); msg != "" {
		return &domain.Errore{Codice: domain.ErrNonValido, Messaggio: "Nota: " + msg}
	}
	nuova, err := h.Store.Sede(strings.TrimSpace(c.FormValue("sede")))
	if domain.CodiceDi(err) == domain.ErrNonTrovato {
		return &domain.Errore{Codice: domain.ErrNonValido, Messaggio: "Scegli una delle sedi dell'elenco."}
	}
	if err != nil {
		return err
	}
	elenco, err := h.Store.Sedi()
	if err != nil {
		return err
	}
	nomi := nomiSedi(elenco)
	u := utenteDi(c)
	now := h.Now()
	ev := h.evento(c, store.AuditReinstradamento, "")
	r, err := h.Store.ModificaRichiesta(id, now, func(r *domain.Richiesta) error {
		if err := dellaSede(u)(r); err != nil {
			return err
		}
		switch r.Stato {
		case domain.StatoInviata:
		case domain.StatoBozza:
			return domain.Conflitto("Una bozza non è ancora stata inviata: non ha una sede da cambiare.")
		case domain.StatoInLavorazione, domain.StatoIntegrazioneRichiesta:
			return domain.Conflitto("La richiesta è già in carico a un operatore della sede: si può cambiarne la sede solo prima della presa in carico.")
		default:
			return domain.Conflitto("La richiesta è conclusa (" + r.Stato.Etichetta() + "): non si può più cambiarne la sede.")
		}
		if r.Sede == nuova.Codice {
			return domain.Conflitto("La richiesta è già assegnata alla " + nuova.Nome + ".")
		}
		ev.Dettaglio = "Reinstradata da " + cmp.Or(nomi[r.Sede], r.Sede) + " a " + nuova.Nome
		if nota != "" {
			ev.Dettaglio += ": " + nota
		}
		r.Storia = append(r.Storia, domain.Evento{Quando: now, Da: r.Stato, A: r.Stato, Chi: u.ID, Nota: ev.Dettaglio})
		r.Sede = nuova.Codice
		return nil
	}, &ev) // ModificaRichiesta copies ev after this function has filled in its detail
	if err != nil {
		return err
	}
	return h.avviso(c, "/operatore/richieste/"+itoa(r.ID), "Richiesta "+r.Protocollo+" assegnata alla "+nuova.Nome+".")
}
