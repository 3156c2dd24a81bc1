package handlers

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/notify"
	"abilita/sedi"
	"abilita/store"
	"abilita/views"
)

// Taking a request in charge and deciding on it. Each is one store
// transaction that checks the sede and the operator, moves the request,
// writes the audit entry and queues the applicant's e-mail and PEC.

// giaInCarico is the refusal of a request someone already took in charge;
// the handler names that someone once the transaction is over.
type giaInCarico struct{ operatore uint64 }

func (e *giaInCarico) Error() string { return "request already taken in charge" }

var errNonInCarico = &domain.Errore{Codice: domain.ErrNonAmmesso, Messaggio: "Solo l'operatore che ha preso in carico la richiesta può lavorarla."}

// inCarico is the check of every step after taking in charge: the request
// is of the operator's sede and in the operator's charge.
func inCarico(u *domain.Utente) func(*domain.Richiesta) error {
	return func(r *domain.Richiesta) error {
		if err := dellaSede(u)(r); err != nil {
			return err
		}
		if r.Operatore != u.ID {
			return errNonInCarico
		}
		return nil
	}
}

// prendiInCarico assigns the request to the operator. The transaction reads
// and writes the state together, so of two operators pressing the button at
// once exactly one gets the request; the other is told who did.
func (h *Handlers) prendiInCarico(c *fiber.Ctx) error {
	u := utenteDi(c)
	r, err := h.richiestaDellaSede(c)
	if err != nil {
		return err
	}
	ev := h.evento(c, store.AuditPresaInCarico, "presa in carico")
	_, err = h.Store.Esegui(r.ID, store.Transizione{
		Azione: domain.AzionePrendiInCarico, Chi: u.ID, Quando: h.Now(), Nota: "Presa in carico", Audit: &ev,
		Check: func(stored *domain.Richiesta) error {
			if err := dellaSede(u)(stored); err != nil {
				return err
			}
			if stored.Operatore != 0 && (stored.Stato == domain.StatoInLavorazione || stored.Stato == domain.StatoIntegrazioneRichiesta) {
				return &giaInCarico{operatore: stored.Operatore}
			}
			stored.Operatore = u.ID
			return nil
		},
	})
	var gia *giaInCarico
	switch {
	case errors.As(err, &gia) && gia.operatore == u.ID:
		return h.avviso(c, urlRevisione(r.ID), "La richiesta è già in carico a te.")
	case errors.As(err, &gia):
		nome := "un altro operatore"
		if o, err := h.Store.Utente(gia.operatore); err == nil {
			nome = o.NomeCompleto()
		}
		return domain.Conflitto("La richiesta è già stata presa in carico da " + nome + ".")
	case err != nil:
		return err
	}
	return h.avviso(c, urlRevisione(r.ID), "Hai preso in carico la richiesta "+r.Protocollo+".")
}

// richiestaInCarico loads the request in the URL for a decision: it must be
// of the operator's sede and in charge of that operator. The decision's own
// transaction checks it again.
func (h *Handlers) richiestaInCarico(c *fiber.Ctx) (*domain.Richiesta, error) {
	r, err := h.richiestaDellaSede(c)
	if err != nil {
		return nil, err
	}
	if err := inCarico(utenteDi(c))(r); err != nil {
		return nil, err
	}
	return r, nil
}

// approva approves the request once the checklist is complete. In the same
// transaction the store gives a doctor its codice medico, creates or
// upgrades the applicant's account with the enabled profile and stores the
// activation code whose parts the outbox sends.
func (h *Handlers) approva(c *fiber.Ctx) error {
	u := utenteDi(c)
	r, err := h.richiestaInCarico(c)
	if err != nil {
		return err
	}
	if r.Stato == domain.StatoInLavorazione && !r.Checklist.Completa(r.Profilo) {
		vm := h.revisioneVM(c, r, nil)
		vm.Errori.Add("approva", errChecklistIncompleta.Messaggio)
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaRevisione, vm)
	}
	now, sd := h.Now(), h.sedeDi(r)
	cred, err := h.preparaEmissione(r, sd)
	if err != nil {
		return err
	}
	ev := h.evento(c, store.AuditDecisione, "approvata")
	t := store.Transizione{
		Azione: domain.AzioneApprova, Chi: u.ID, Quando: now, Nota: "Approvata", Audit: &ev,
		Check: func(stored *domain.Richiesta) error {
			if err := inCarico(u)(stored); err != nil {
				return err
			}
			if stored.Stato == domain.StatoInLavorazione && !stored.Checklist.Completa(stored.Profilo) {
				return errChecklistIncompleta
			}
			stored.Esito = &domain.Esito{Chi: u.ID, Quando: now}
			return nil
		},
		Prepare: func(stored *domain.Richiesta) ([]notify.Message, error) {
			msgs, err := h.messaggiEsito("esito_approvata", stored, sd, nil)
			if err != nil || cred == nil {
				return msgs, err
			}
			codici, err := cred.messaggi(h)
			return append(msgs, codici...), err
		},
	}
	if cred != nil {
		t.Credenziali = &cred.Emissione
	}
	if r, err = h.Store.Esegui(r.ID, t); err != nil {
		return err
	}
	return h.decisa(c, r.ID, messaggioApprovazione(r, cred))
}

// messaggioApprovazione tells the operator what was issued and where each
// part of the activation code went.
func messaggioApprovazione(r *domain.Richiesta, cred *emissione) string {
	msg := "Richiesta " + r.Protocollo + " approvata."
	if r.Esito != nil && r.Esito.CodiceMedico != "" {
		msg += " Codice medico assegnato: " + r.Esito.CodiceMedico + "."
	}
	switch {
	case cred == nil:
	case cred.dove.PEC != "":
		msg += " Codice di attivazione emesso: la prima parte va per e-mail, la seconda per PEC."
	case cred.dove.Area:
		msg += " Codice di attivazione emesso: la prima parte va per e-mail, la seconda è nell'area riservata del richiedente (puoi anche stampare la lettera di attivazione)."
	default:
		msg += " Codice di attivazione emesso: la prima parte va per e-mail; stampa la lettera di attivazione con la seconda parte e consegnala al richiedente."
	}
	return msg
}

var errChecklistIncompleta = &domain.Errore{Codice: domain.ErrNonValido, Messaggio: "Per approvare spunta tutte le voci della verifica e salvala."}

// respingi rejects the request with coded reasons and an optional text.
func (h *Handlers) respingi(c *fiber.Ctx) error {
	u := utenteDi(c)
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
	now, sd := h.Now(), h.sedeDi(r)
	codici := make([]string, len(motivi))
	for i, m := range motivi {
		codici[i] = string(m)
	}
	ev := h.evento(c, store.AuditDecisione, "respinta: "+strings.Join(codici, ", "))
	r, err = h.Store.Esegui(r.ID, store.Transizione{
		Azione: domain.AzioneRespingi, Chi: u.ID, Quando: now, Nota: "Respinta", Audit: &ev,
		Check: func(stored *domain.Richiesta) error {
			if err := inCarico(u)(stored); err != nil {
				return err
			}
			stored.Esito = &domain.Esito{Motivi: motivi, Nota: nota, Chi: u.ID, Quando: now}
			return nil
		},
		Prepare: func(stored *domain.Richiesta) ([]notify.Message, error) {
			return h.messaggiEsito("esito_respinta", stored, sd, nil)
		},
	})
	if err != nil {
		return err
	}
	return h.decisa(c, r.ID, "Richiesta "+r.Protocollo+" respinta. Il richiedente riceverà i motivi per e-mail"+perPEC(r)+".")
}

// chiediIntegrazione asks the applicant for more information; the answer
// comes from the applicant's request page.
func (h *Handlers) chiediIntegrazione(c *fiber.Ctx) error {
	u := utenteDi(c)
	r, err := h.richiestaInCarico(c)
	if err != nil {
		return err
	}
	if r.Percorso == domain.PercorsoSportello {
		// The applicant at the counter has no online area to answer from:
		// the request would wait for an answer that cannot come.
		return domain.Conflitto("Una richiesta registrata allo sportello non può essere sospesa per un'integrazione: respingila indicando che cosa manca.")
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
	now, sd := h.Now(), h.sedeDi(r)
	ev := h.evento(c, store.AuditDecisione, "integrazione richiesta")
	r, err = h.Store.Esegui(r.ID, store.Transizione{
		Azione: domain.AzioneChiediIntegrazione, Chi: u.ID, Quando: now, Nota: "Richiesta di integrazione", Audit: &ev,
		Check: func(stored *domain.Richiesta) error {
			if err := inCarico(u)(stored); err != nil {
				return err
			}
			stored.Integrazioni = append(stored.Integrazioni, domain.Integrazione{Messaggio: testo, Chiesta: now})
			return nil
		},
		Prepare: func(stored *domain.Richiesta) ([]notify.Message, error) {
			return h.messaggiEsito("integrazione_richiesta", stored, sd, map[string]any{"Messaggio": testo})
		},
	})
	if err != nil {
		return err
	}
	return h.decisa(c, r.ID, "Integrazione chiesta per la richiesta "+r.Protocollo+". Il richiedente riceverà il messaggio per e-mail"+perPEC(r)+".")
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
	if len(destinatariPEC(r)) > 0 {
		return " e PEC"
	}
	return ""
}

// messaggiEsito renders mail template name for the applicant: an e-mail to
// its address and the same text by PEC to each PEC address it gave. It runs
// inside the store's transaction, so sd is read before: no other
// transaction may be opened here.
func (h *Handlers) messaggiEsito(name string, r *domain.Richiesta, sd sedi.Sede, extra map[string]any) ([]notify.Message, error) {
	if sd.Nome == "" {
		sd.Nome = "sede Inail competente"
	}
	// An applicant served at the counter has no account, so no page to follow.
	link := h.link(urlRichiesta(r.ID))
	if r.Percorso == domain.PercorsoSportello {
		link = ""
	}
	data := map[string]any{"R": r, "Sede": sd, "Link": link}
	if r.Esito != nil {
		var motivi []string
		for _, m := range r.Esito.Motivi {
			motivi = append(motivi, m.Etichetta())
		}
		data["Motivi"] = motivi
	}
	for k, v := range extra {
		data[k] = v
	}
	var out []notify.Message
	if r.Contatti.Email != "" {
		m, err := messaggio(name, r.Contatti.Email, data)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	for _, pec := range destinatariPEC(r) {
		m, err := messaggio(name, pec, data)
		if err != nil {
			return nil, err
		}
		m.Kind = notify.KindPEC
		out = append(out, m)
	}
	return out, nil
}

// destinatariPEC are the applicant's PEC and, for a referente di presidio,
// the structure's, once each.
func destinatariPEC(r *domain.Richiesta) []string {
	var out []string
	if r.Contatti.PEC != "" {
		out = append(out, r.Contatti.PEC)
	}
	if s := r.Struttura.PEC; r.Profilo == domain.ProfiloReferentePresidio && s != "" && !strings.EqualFold(s, r.Contatti.PEC) {
		out = append(out, s)
	}
	return out
}
