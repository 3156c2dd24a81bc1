package handlers

import (
	"slices"

	"abilita/domain"
	"abilita/posta"
	"abilita/security"
	"abilita/sedi"
	"abilita/store"
	"abilita/views"
)

// Credential issuance (DESIGN.md §4): the two-part activation code made when
// a request is approved, when an administrator creates a staff account and
// when an operator re-issues one, and where each part goes. Part 1 always
// goes by e-mail; part 2 by PEC when there is one, otherwise it is kept
// sealed for the activation letter or the applicant's own area. The code and
// its messages are made here, before the store's transaction that keeps the
// code and queues the messages.

// doveParte2 says where part 2 of a code goes, for the e-mail with part 1.
type doveParte2 struct {
	PEC            string // sent to this PEC address
	Area           bool   // shown in the applicant's own area
	Amministratore bool   // printed on a letter the administrator hands over (staff)
	Struttura      string // handed over by the referente of this hospital structure (medici ospedalieri)
	Sede           string // otherwise printed on a letter the sede hands over
}

// titolare is who receives a code: the name of the greeting, the login
// name and the address part 1 goes to.
type titolare struct {
	Nome, Identificativo, Email string
}

func titolareDi(u *domain.Utente) titolare {
	return titolare{Nome: u.Nome, Identificativo: identificativo(u), Email: u.Email}
}

// codicePronto is a new code ready for the store: its record (part 2 sealed
// in it unless it goes by PEC), the messages with its parts, and part 2 for
// the page that hands it over at once.
type codicePronto struct {
	attivazione domain.Attivazione
	messaggi    []domain.Messaggio
	parte2      string
	dove        doveParte2
}

// nuovoCodice makes the activation code of t, valid for the configured
// time, with the messages that carry its parts.
func (h *Handlers) nuovoCodice(t titolare, dove doveParte2, motivo string) (codicePronto, error) {
	now := h.Now()
	k := security.NuovoCodiceAttivazione()
	e := codicePronto{attivazione: k.Attivazione(now, now.Add(h.cfg.AttivazioneTTL), motivo), parte2: k.Parte2, dove: dove}
	if dove.PEC == "" {
		sigillata, err := h.Keys.Seal([]byte(k.Parte2), domain.ContestoParte2(k.Hash1))
		if err != nil {
			return e, err
		}
		e.attivazione.Parte2Cifrata = sigillata
	}
	d := datiAttivazione{Nome: t.Nome, Identificativo: t.Identificativo, Parte1: k.Parte1, Parte2: k.Parte2,
		Scade: e.attivazione.Scade.In(views.Rome).Format("02/01/2006 alle 15:04"), Link: h.link("/attivazione"), Dove: dove}
	m, err := posta.Messaggio("attivazione_parte1", t.Email, d)
	if err != nil {
		return e, err
	}
	e.messaggi = []domain.Messaggio{m}
	if dove.PEC != "" {
		p, err := posta.Messaggio("attivazione_parte2", dove.PEC, d)
		if err != nil {
			return e, err
		}
		p.Kind = domain.MessaggioPEC
		e.messaggi = append(e.messaggi, p)
	}
	return e, nil
}

// datiAttivazione are the data of the two mail templates of a code.
type datiAttivazione struct {
	Nome, Identificativo, Parte1, Parte2, Scade, Link string
	Dove                                              doveParte2
}

// codiceAccount makes a new code for the existing account u: the first one
// of an operator or administrator, a re-issue, or the code after a reset.
// Part 2 goes by PEC when pec is not empty, otherwise it is sealed for the
// letter (and shown in the applicant's own area when it was enabled online).
func (h *Handlers) codiceAccount(u *domain.Utente, pec, motivo string) (codicePronto, error) {
	dove := doveParte2{PEC: pec}
	if pec == "" {
		dove.Area = h.parte2NellArea(u, 0)
		dove.Amministratore = u.Ruolo == domain.RuoloOperatore || u.Ruolo == domain.RuoloAmministratore
	}
	return h.nuovoCodice(titolareDi(u), dove, motivo)
}

// identificativo is the name an account logs in with: the codice fiscale of
// credential holders, the e-mail address of everyone else.
func identificativo(u *domain.Utente) string {
	if u.CodiceFiscale != "" {
		return u.CodiceFiscale
	}
	return u.Email
}

// parte2NellArea reports whether u's own area shows part 2 of its code: the
// account of an applicant who can log in, enabled through a request not
// filed at the counter (richiestaID, or its latest enabling request when 0).
// An applicant served at the counter gets the letter only: its account may
// have been given a password by whoever reads its mailbox, which also
// receives part 1.
func (h *Handlers) parte2NellArea(u *domain.Utente, richiestaID uint64) bool {
	// Only where the holder can log in to read it: not after a TOTP reset,
	// nor on an account that has neither a password nor a strong credential.
	if u.Ruolo != domain.RuoloRichiedente || !u.Attivo() || u.DeveAttivare() {
		return false
	}
	if richiestaID == 0 && len(u.Abilitazioni) > 0 {
		richiestaID = slices.MaxFunc(u.Abilitazioni, func(a, b domain.Abilitazione) int { return a.Dal.Compare(b.Dal) }).RichiestaID
	}
	if richiestaID == 0 {
		return false
	}
	r, err := h.Store.Richiesta(richiestaID)
	return err == nil && r.Percorso != domain.PercorsoSportello
}

// apriParte2 opens the sealed part 2 of a code: bound to the code, or to
// its account for the codes issued before that.
func (h *Handlers) apriParte2(a *domain.Attivazione) (string, error) {
	parte2, err := h.Keys.Open(a.Parte2Cifrata, domain.ContestoParte2(a.Parte1Hash))
	if err != nil {
		var errVecchio error
		if parte2, errVecchio = h.Keys.Open(a.Parte2Cifrata, domain.ContestoParte2Utente(a.UtenteID)); errVecchio != nil {
			return "", err
		}
	}
	return string(parte2), nil
}

// codiceApprovazione makes the code an approval of r, decided at sede sd,
// issues to chi, the person whose identity was checked (store.TitolareDi,
// read before the approval's transaction, which checks that it is still the
// same). A revocation issues nothing (nil).
func (h *Handlers) codiceApprovazione(r *domain.Richiesta, chi store.Titolare, sd sedi.Sede) (*codicePronto, string, error) {
	if r.Tipo == domain.TipoRevoca {
		return nil, "", nil
	}
	t := titolare{Nome: r.Anagrafica.Nome, Identificativo: chi.CodiceFiscale, Email: chi.Email}
	dove := doveParte2{PEC: r.Contatti.PEC, Sede: sd.Nome}
	dove.Area = dove.PEC == "" && r.Percorso.DaUnAccount()
	e, err := h.nuovoCodice(t, dove, "Approvazione della richiesta "+r.Protocollo)
	if err != nil {
		return nil, "", err
	}
	return &e, t.Email, nil
}
