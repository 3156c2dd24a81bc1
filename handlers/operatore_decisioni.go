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

// confermaVM is a decision the server has checked, for the operator to
// confirm: in a modal dialog after an htmx request, in the panel otherwise.
// The confirmation posts the same fields again with conferma=si.
type confermaVM struct {
	ID           uint64
	CSRF         string
	Azione       string // approva or respingi: the last segment of the URL
	Titolo       string
	Testo        []string
	ElencoTitolo string
	Elenco       []string
	Nota         string
	Campi        []campoNascosto
	Pulsante     string
	Pericolo     bool
	Modale       bool
}

type campoNascosto struct{ Nome, Valore string }

// confermata reports whether the operator has confirmed the decision.
func confermata(c *fiber.Ctx) bool { return c.FormValue("conferma") == "si" }

// chiediConferma answers a decision the server found acceptable with the
// question that confirms it.
func (h *Handlers) chiediConferma(c *fiber.Ctx, r *domain.Richiesta, k confermaVM) error {
	k.ID, k.CSRF = r.ID, csrfDi(c)
	if c.Get("HX-Request") == "true" {
		k.Modale = true
		return h.partial(c, fiber.StatusOK, "revisione_conferma", k)
	}
	vm := h.revisioneVM(c, r, nil)
	vm.Conferma = &k
	return h.render(c, fiber.StatusOK, views.PaginaRevisione, vm)
}

// approva approves the request. Asked first, it checks what the store
// would refuse and asks for a confirmation that lists the checks: an
// operator who has not ticked them one by one attests them all by
// confirming. Confirmed, the store gives a doctor its codice medico,
// creates or upgrades the applicant's account with the enabled profile and
// stores the activation code whose parts the outbox sends, with the checks
// in the audit entry, in one transaction.
func (h *Handlers) approva(c *fiber.Ctx) error {
	r, err := h.richiestaInCarico(c)
	if err != nil {
		return err
	}
	if _, err := domain.Prossimo(r.Stato, domain.AzioneApprova); err != nil {
		return err // decided meanwhile: the page was stale
	}
	titolare, err := h.Store.TitolareDi(r)
	if domain.CodiceDi(err) == domain.ErrConflitto {
		// Who would receive the credentials is in doubt: the operator reads
		// why on the request, which stays as it is.
		return h.decisioneRifiutata(c, r, "approva", domain.MessaggioDi(err), nil)
	}
	if err != nil && !r.Tipo.Revoca() {
		return err
	}
	attesta := c.FormValue("attesto") == "si"
	if !confermata(c) {
		return h.chiediConferma(c, r, h.confermaApprovazione(c, r, titolare))
	}
	if r.Stato == domain.StatoInLavorazione && !attesta && !r.Checklist.Completa(r.Profilo) {
		return h.decisioneRifiutata(c, r, "approva", store.ErrChecklistIncompleta.Messaggio, nil)
	}
	codice, destinatario, err := h.codiceApprovazione(r, titolare, h.sedeDi(r))
	if err != nil {
		return err
	}
	ap := store.Approvazione{Destinatario: destinatario, Attesta: attesta}
	if codice != nil {
		ap.Codice, ap.Messaggi = &codice.attivazione, codice.messaggi
	}
	esito, err := h.Store.Approva(h.atto(c), r.ID, ap)
	if err != nil {
		return err
	}
	return h.decisa(c, r.ID, messaggioApprovazione(esito.Richiesta, codice))
}

// confermaApprovazione says what approving r does, and which checks the
// operator attests by confirming.
func (h *Handlers) confermaApprovazione(c *fiber.Ctx, r *domain.Richiesta, t store.Titolare) confermaVM {
	k := confermaVM{
		Azione: "approva", Titolo: "Approvare la richiesta " + r.Protocollo + "?", Pulsante: "Approva",
		Testo: []string{r.Anagrafica.Cognome + " " + r.Anagrafica.Nome + " (" + r.Anagrafica.CodiceFiscale + "), " + r.Profilo.Etichetta() + "."},
	}
	switch {
	case r.Tipo.Revoca():
		k.Testo = append(k.Testo, "È una richiesta di revoca: non sono emesse credenziali.")
	case t.Utente == nil:
		k.Testo = append(k.Testo, "Le credenziali vanno a un nuovo account con l'indirizzo del modulo, "+t.Email+".")
	default:
		k.Testo = append(k.Testo, "Le credenziali vanno all'account con l'indirizzo "+t.Email+".")
	}
	if r.Profilo.Medico() {
		k.Testo = append(k.Testo, "Al medico è assegnato il codice medico.")
	}
	cl := h.checklistVM(c, r)
	for _, v := range cl.Voci {
		k.Elenco = append(k.Elenco, v.Etichetta)
	}
	if r.Stato == domain.StatoInLavorazione && !cl.Completa {
		k.ElencoTitolo = "Confermando attesti di aver svolto questi controlli, che sono registrati con la decisione:"
		k.Campi = append(k.Campi, campoNascosto{"attesto", "si"})
		k.Pulsante = "Attesto i controlli e approvo"
	} else {
		k.ElencoTitolo = "Hai spuntato tutti i controlli:"
	}
	return k
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

// respingi rejects the request with coded reasons and an optional text,
// once the operator has confirmed them.
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
		return h.pannelloRifiutato(c, vm)
	}
	if _, err := domain.Prossimo(r.Stato, domain.AzioneRespingi); err != nil {
		return err
	}
	if !confermata(c) {
		k := confermaVM{
			Azione: "respingi", Titolo: "Respingere la richiesta " + r.Protocollo + "?", Pulsante: "Respingi", Pericolo: true,
			Testo:        []string{r.Anagrafica.Cognome + " " + r.Anagrafica.Nome + " riceverà l'esito per e-mail" + perPEC(r) + "."},
			ElencoTitolo: "Motivi:", Nota: nota, Campi: []campoNascosto{{"nota", nota}},
		}
		for _, m := range motivi {
			k.Elenco = append(k.Elenco, m.Etichetta())
			k.Campi = append(k.Campi, campoNascosto{"motivi", string(m)})
		}
		return h.chiediConferma(c, r, k)
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
		return h.pannelloRifiutato(c, vm)
	}
	if r, err = h.Store.ChiediIntegrazione(h.atto(c), r.ID, testo); err != nil {
		return err
	}
	return h.decisa(c, r.ID, "Integrazione chiesta per la richiesta "+r.Protocollo+". Il richiedente riceverà il messaggio per e-mail"+perPEC(r)+".")
}

// decisioneRifiutata shows the panel again with msg next to the form campo.
func (h *Handlers) decisioneRifiutata(c *fiber.Ctx, r *domain.Richiesta, campo, msg string, motivi []domain.MotivoRifiuto) error {
	vm := h.revisioneVM(c, r, motivi)
	vm.Errori.Add(campo, msg)
	return h.pannelloRifiutato(c, vm)
}

// pannelloRifiutato answers a refused decision: to htmx the decision panel
// with the errors, in place of the dialog it asked for; otherwise the whole
// page, at the request's own address.
func (h *Handlers) pannelloRifiutato(c *fiber.Ctx, vm revisioneVM) error {
	if c.Get("HX-Request") == "true" {
		c.Set("HX-Retarget", "#pannello-decisione")
		c.Set("HX-Reswap", "outerHTML")
		return h.partial(c, fiber.StatusUnprocessableEntity, "revisione_pannello", vm)
	}
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

// apri opens a request from the queue, taking it in charge when it is free:
// the operator who opens a request to review it is the one who decides.
// A request someone has, or that is not waiting, simply opens.
func (h *Handlers) apri(c *fiber.Ctx) error {
	id, err := idRichiesta(c)
	if err != nil {
		return err
	}
	r, err := h.Store.PrendiInCarico(h.atto(c), id)
	switch {
	case domain.CodiceDi(err) == domain.ErrConflitto:
		return h.redirect(c, urlRevisione(id))
	case err != nil:
		return err
	}
	return h.avviso(c, urlRevisione(id), "Hai preso in carico la richiesta "+r.Protocollo+".")
}

// prossima takes in charge the first free request of the sede, in the
// queue's order, and opens it.
func (h *Handlers) prossima(c *fiber.Ctx) error {
	r, err := h.Store.PrendiProssima(h.atto(c))
	if errors.Is(err, store.ErrCodaVuota) {
		return h.avviso(c, "/operatore", store.ErrCodaVuota.Messaggio)
	}
	if err != nil {
		return err
	}
	return h.avviso(c, urlRevisione(r.ID), "Hai preso in carico la richiesta "+r.Protocollo+", la prossima della coda.")
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
