package handlers

import (
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/notify"
	"abilita/security"
	"abilita/sedi"
	"abilita/store"
	"abilita/views"
)

// Credential issuance (DESIGN.md §4): the two-part activation code made when
// a request is approved, when an administrator creates a staff account and
// when an operator re-issues one, and where each part goes. Part 1 always
// goes by e-mail; part 2 by PEC when there is one, otherwise it is kept
// sealed for the activation letter or the applicant's own area.

// bitParteCodice is the strength of each part of an activation code.
const bitParteCodice = 50

// codiceAttivazione is a freshly made code: its parts as people read them
// ("ABCD-EFGH-JK") and the hashes the store keeps.
type codiceAttivazione struct {
	parte1, parte2 string
	hash1, hash2   string
}

func nuovoCodiceAttivazione() codiceAttivazione {
	p1, p2 := security.NewCode(bitParteCodice), security.NewCode(bitParteCodice)
	return codiceAttivazione{
		parte1: security.FormatCode(p1), parte2: security.FormatCode(p2),
		hash1: security.HashToken(p1), hash2: security.HashToken(p2),
	}
}

// sigillaParte2 seals part 2 for the account that receives it.
func (h *Handlers) sigillaParte2(parte2 string, utenteID uint64) ([]byte, error) {
	return h.Keys.Seal([]byte(parte2), domain.ContestoParte2(utenteID))
}

// emettiAttivazione issues a new activation code for an existing account:
// the first one of an operator or administrator, or a re-issue by an
// operator (the previous code and any activation in progress stop working).
// Part 1 is queued by e-mail to the account; part 2 by PEC when pec is not
// empty, otherwise it is sealed for the activation letter (and for the
// applicant's own area when the account was enabled online). The issue is
// audited with motivo. It returns part 2 as people read it.
func (h *Handlers) emettiAttivazione(c *fiber.Ctx, u *domain.Utente, pec string, motivo string) (parte2 string, err error) {
	now := h.Now()
	k := nuovoCodiceAttivazione()
	a := store.Attivazione{UtenteID: u.ID, Parte1Hash: k.hash1, Parte2Hash: k.hash2, Creata: now, Scade: now.Add(h.cfg.AttivazioneTTL), Motivo: motivo}
	dove := doveParte2{PEC: pec}
	if pec == "" {
		if a.Parte2Cifrata, err = h.sigillaParte2(k.parte2, u.ID); err != nil {
			return "", err
		}
		dove.Area = h.parte2NellArea(u, 0)
		dove.Amministratore = u.Ruolo == domain.RuoloOperatore || u.Ruolo == domain.RuoloAmministratore
	}
	ev := h.evento(c, store.AuditCredenziali, "Codice di attivazione emesso per "+u.NomeCompleto()+" ("+identificativo(u)+"): "+motivo)
	if err := h.Store.EmettiAttivazione(a, ev); err != nil {
		return "", err
	}
	msgs, err := messaggiAttivazione(h.datiAttivazione(u.Nome, identificativo(u), k, a.Scade, dove), u.Email)
	if err != nil {
		return "", err
	}
	for _, m := range msgs {
		if err := h.Store.Accoda(m, now); err != nil {
			return "", err
		}
	}
	return k.parte2, nil
}

// identificativo is the name an account logs in with: the codice fiscale of
// credential holders, the e-mail address of everyone else.
func identificativo(u *domain.Utente) string {
	if u.CodiceFiscale != "" {
		return u.CodiceFiscale
	}
	return u.Email
}

// doveParte2 says where part 2 of a code goes, for the e-mail with part 1.
type doveParte2 struct {
	PEC            string // sent to this PEC address
	Area           bool   // shown in the applicant's own area
	Amministratore bool   // printed on a letter the administrator hands over (staff)
	Sede           string // otherwise printed on a letter the sede hands over
}

// datiAttivazione are the data of the two mail templates of a code.
type datiAttivazione struct {
	Nome, Identificativo, Parte1, Parte2, Scade, Link string
	Dove                                              doveParte2
}

func (h *Handlers) datiAttivazione(nome, ident string, k codiceAttivazione, scade time.Time, dove doveParte2) datiAttivazione {
	return datiAttivazione{Nome: nome, Identificativo: ident, Parte1: k.parte1, Parte2: k.parte2,
		Scade: scade.In(views.Rome).Format("02/01/2006 alle 15:04"), Link: h.link("/attivazione"), Dove: dove}
}

// messaggiAttivazione are the e-mail with part 1 to email and, when part 2
// goes by PEC, the PEC with part 2.
func messaggiAttivazione(d datiAttivazione, email string) ([]notify.Message, error) {
	m, err := messaggio("attivazione_parte1", email, d)
	if err != nil {
		return nil, err
	}
	out := []notify.Message{m}
	if d.Dove.PEC != "" {
		p, err := messaggio("attivazione_parte2", d.Dove.PEC, d)
		if err != nil {
			return nil, err
		}
		p.Kind = notify.KindPEC
		out = append(out, p)
	}
	return out, nil
}

// parte2NellArea reports whether u's own area shows part 2 of its code: the
// account of an applicant who can log in, enabled through a request not
// filed at the counter (richiestaID, or its latest enabling request when 0).
// An applicant served at the counter gets the letter only: its account may
// have been given a password by whoever reads its mailbox, which also
// receives part 1.
func (h *Handlers) parte2NellArea(u *domain.Utente, richiestaID uint64) bool {
	// After a TOTP reset the holder cannot log in to read it.
	if u.Ruolo != domain.RuoloRichiedente || u.PasswordHash == "" || u.DeveAttivare() {
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

// emissione is the issuance of credentials that an approval carries into
// its transaction (store.Transizione.Credenziali), with what is needed to
// write the messages once the store has filled in the account.
type emissione struct {
	store.Emissione
	codice codiceAttivazione
	dove   doveParte2
	nome   string
	cf     string
}

// preparaEmissione makes the code of the approval of r, decided at sede sd.
// A revocation issues nothing (nil).
func (h *Handlers) preparaEmissione(r *domain.Richiesta, sd sedi.Sede) (*emissione, error) {
	if r.Tipo == domain.TipoRevoca {
		return nil, nil
	}
	k := nuovoCodiceAttivazione()
	e := &emissione{codice: k, nome: r.Anagrafica.Nome, cf: store.NormalizzaCodiceFiscale(r.Anagrafica.CodiceFiscale),
		dove: doveParte2{PEC: r.Contatti.PEC, Sede: sd.Nome}}
	e.Emissione = store.Emissione{Parte1Hash: k.hash1, Parte2Hash: k.hash2, Scade: h.Now().Add(h.cfg.AttivazioneTTL)}
	if e.dove.PEC != "" {
		return e, nil
	}
	e.SigillaParte2 = func(id uint64) ([]byte, error) { return h.sigillaParte2(k.parte2, id) }
	// The account is read before the transaction, which allows no other one.
	prima, err := h.Store.UtentePerCF(e.cf)
	switch {
	case err == nil:
		e.dove.Area = r.Percorso != domain.PercorsoSportello && prima.Ruolo == domain.RuoloRichiedente && prima.PasswordHash != ""
	case domain.CodiceDi(err) != domain.ErrNonTrovato:
		return nil, err
	}
	return e, nil
}

// messaggi are the e-mail with part 1 and the PEC with part 2, written by
// the transaction's Prepare once the store filled in the account's e-mail.
func (e *emissione) messaggi(h *Handlers) ([]notify.Message, error) {
	return messaggiAttivazione(h.datiAttivazione(e.nome, e.cf, e.codice, e.Scade, e.dove), e.Email)
}
