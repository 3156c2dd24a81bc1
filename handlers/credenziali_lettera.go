package handlers

import (
	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/pdf"
	"abilita/posta"
)

// The activation letter: part 2 of a code, sealed at issuance, printed for
// the sede to hand over (credential holders) or for the administrator
// (operators and administrators). It can be printed while the code is valid
// and unused; every print is audited.

var errNessunaLettera = domain.Conflitto("Non c'è una lettera di attivazione da stampare: il codice è già stato usato o è scaduto, oppure la seconda parte è stata inviata per PEC. Se serve, emetti un nuovo codice.")

// parte2DaStampare opens the sealed part 2 of u's live code.
func (h *Handlers) parte2DaStampare(u *domain.Utente) (string, *domain.Attivazione, error) {
	a, err := h.Store.Attivazione(u.ID)
	if domain.CodiceDi(err) == domain.ErrNonTrovato {
		return "", nil, errNessunaLettera
	}
	if err != nil {
		return "", nil, err
	}
	if !a.Valida(h.Now()) || a.Parte2Cifrata == nil {
		return "", nil, errNessunaLettera
	}
	parte2, err := h.apriParte2(a)
	return parte2, a, err
}

// letteraDisponibile reports whether the account has a letter to print.
func (h *Handlers) letteraDisponibile(utenteID uint64) (bool, error) {
	a, err := h.Store.Attivazione(utenteID)
	switch {
	case domain.CodiceDi(err) == domain.ErrNonTrovato:
		return false, nil
	case err != nil:
		return false, err
	}
	return a.Valida(h.Now()) && a.Parte2Cifrata != nil, nil
}

// inviaLettera audits the print (of request richiesta, 0 for none), then
// sends the letter as a download.
func (h *Handlers) inviaLettera(c *fiber.Ctx, l pdf.Lettera, richiesta uint64, dettaglio, nome string) error {
	data, err := pdf.LetteraAttivazione(l, h.Now())
	if err != nil {
		return err
	}
	if err := h.Store.RegistraEvento(h.atto(c), domain.AuditCredenziali, richiesta, dettaglio); err != nil {
		return err
	}
	return inviaPDF(c, nome, data, true)
}

// letteraAttivazione is the letter of the holder enabled by an approved
// request of the operator's sede.
func (h *Handlers) letteraAttivazione(c *fiber.Ctx) error {
	r, err := h.richiestaDellaSede(c)
	if err != nil {
		return err
	}
	if r.Stato != domain.StatoApprovata && r.Stato != domain.StatoAttiva {
		return domain.NonTrovato("La lettera di attivazione si stampa dopo l'approvazione della richiesta.")
	}
	u, err := h.Store.UtentePerCF(r.Anagrafica.CodiceFiscale)
	if domain.CodiceDi(err) == domain.ErrNonTrovato {
		return errNessunaLettera
	}
	if err != nil {
		return err
	}
	var ab *domain.Abilitazione
	for i := range u.Abilitazioni {
		if u.Abilitazioni[i].RichiestaID == r.ID {
			ab = &u.Abilitazioni[i]
		}
	}
	if ab == nil {
		return errNessunaLettera
	}
	parte2, a, err := h.parte2DaStampare(u)
	if err != nil {
		return err
	}
	l := pdf.Lettera{Consegna: posta.SedePDF(h.sedeDi(r)), Cognome: u.Cognome, Nome: u.Nome, Identificativo: u.CodiceFiscale,
		Profilo: ab.Profilo.Etichetta(), CodiceMedico: ab.CodiceMedico, CodiceStruttura: ab.CodiceStruttura, Protocollo: r.Protocollo,
		Parte2: parte2, Scade: a.Scade, Indirizzo: h.link("/attivazione")}
	return h.inviaLettera(c, l, r.ID, "Lettera di attivazione stampata per "+u.NomeCompleto()+" ("+u.CodiceFiscale+")", "lettera-attivazione-"+r.Protocollo+".pdf")
}
