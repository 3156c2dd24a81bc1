package handlers

import (
	"cmp"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/posta"
	"abilita/views"
)

// The structure area of a referente di presidio ospedaliero (DESIGN.md §2):
// the structure's medici ospedalieri, the form that enables one, and the
// actions on each (suspend, reactivate, revoke, a new code and its letter).
// Part 2 of a doctor's code is shown on the page right after it is issued,
// for the referente to hand over in person, and stays printable on the
// activation letter while the code is valid and unused: a referente who
// closed the page does not have to issue another code, and every print is
// audited like the sede's letters.

// errNonReferente refuses the area to anyone but an activated referente.
var errNonReferente = &domain.Errore{Codice: domain.ErrNonAmmesso,
	Messaggio: "Questa pagina è riservata ai referenti di presidio ospedaliero che hanno attivato le credenziali."}

// referente lets through only the referenti of a structure, whose
// enablement is activated and in force. Such an account logs in only with
// its authenticator (domain.Utente.RichiedeTOTP), and the activation ended
// the sessions opened before it with the password alone: every session
// that passes here was opened with the second factor.
func (h *Handlers) referente(c *fiber.Ctx) error {
	u := utenteDi(c)
	if u == nil {
		return h.utente(c)
	}
	if !u.Referente() {
		return errNonReferente
	}
	return c.Next()
}

type strutturaVM struct {
	views.Base
	Struttura domain.Struttura   // the structure shown
	Altre     []domain.Struttura // the other structures the referente represents
	Medici    []medicoVista
	Durata    string // how long a code lasts
	// The enabling form's values and errors, and the doctor whose action
	// failed, shown open with its errors (keyed "azione_id_campo").
	Valori       url.Values
	Errori       domain.Errori
	Aperto       uint64
	ErroriAzione domain.Errori
	Emesso       *codiceMedicoVista // a code just issued, part 2 shown this once
}

// medicoVista is a doctor of the structure as the pages list it.
type medicoVista struct {
	domain.Abilitazione
	ID                         uint64
	Nome, CodiceFiscale, Email string
	ContoSospeso               bool      // the account itself is suspended or revoked by the sede
	Lettera                    bool      // a code of the structure waits, its letter printable
	CodiceScade                time.Time // … until then
}

// azioniMedico is what the forms on one doctor need: the page and the doctor.
type azioniMedico struct {
	Pagina *strutturaVM
	Medico medicoVista
}

// Azioni gives the forms on doctor m what they need.
func (vm strutturaVM) Azioni(m medicoVista) azioniMedico { return azioniMedico{Pagina: &vm, Medico: m} }

// codiceMedicoVista is a code just issued to a doctor.
type codiceMedicoVista struct {
	ID                         uint64
	Nome, CodiceFiscale, Email string
	Parte2                     string
	Scade                      time.Time
	NuovoAccount               bool
}

// strutturaDi is the structure codice as the referente's approved request
// (enablement ab) describes it.
func (h *Handlers) strutturaDi(ab *domain.Abilitazione) (domain.Struttura, error) {
	r, err := h.Store.Richiesta(ab.RichiestaID)
	switch {
	case err == nil && r.Struttura.Codice == ab.CodiceStruttura:
		return r.Struttura, nil
	case err != nil && domain.CodiceDi(err) != domain.ErrNonTrovato:
		return domain.Struttura{}, err
	}
	return domain.Struttura{Codice: ab.CodiceStruttura}, nil
}

// strutturaScelta is the structure the referente u acts on: codice, or its
// first one when codice is empty.
func (h *Handlers) strutturaScelta(u *domain.Utente, codice string) (domain.Struttura, error) {
	codici := u.StruttureRappresentate()
	if codice == "" && len(codici) > 0 {
		codice = codici[0]
	}
	ab := u.Rappresentata(codice)
	if ab == nil {
		return domain.Struttura{}, domain.ErrStrutturaNonTrovata
	}
	return h.strutturaDi(ab)
}

// paginaStruttura fills the page of the structure codice for the referente.
func (h *Handlers) paginaStruttura(c *fiber.Ctx, codice string) (strutturaVM, error) {
	u := utenteDi(c)
	vm := strutturaVM{Base: h.personale(c, "Medici della struttura"), Durata: posta.Durata(h.cfg.AttivazioneTTL), Valori: url.Values{}, Errori: domain.Errori{}, ErroriAzione: domain.Errori{}}
	var err error
	if vm.Struttura, err = h.strutturaScelta(u, codice); err != nil {
		return vm, err
	}
	for _, altra := range u.StruttureRappresentate() {
		if altra != vm.Struttura.Codice {
			s, err := h.strutturaDi(u.Rappresentata(altra))
			if err != nil {
				return vm, err
			}
			vm.Altre = append(vm.Altre, s)
		}
	}
	conti, err := h.Store.AccountStruttura(vm.Struttura.Codice)
	if err != nil {
		return vm, err
	}
	vm.Medici, err = h.mediciDi(conti, vm.Struttura.Codice, func(*domain.Abilitazione) bool { return true })
	return vm, err
}

// mediciDi lists, of conti (the accounts of the structure codice, as
// Store.AccountStruttura reads them), the doctors whose enablement passes
// mostra: those in force first, then by name.
func (h *Handlers) mediciDi(conti []domain.Utente, codice string, mostra func(*domain.Abilitazione) bool) ([]medicoVista, error) {
	var out []medicoVista
	for _, u := range conti {
		ab := u.MedicoDi(codice)
		if ab == nil || !mostra(ab) {
			continue
		}
		m := medicoVista{Abilitazione: *ab, ID: u.ID, Nome: u.Cognome + " " + u.Nome, CodiceFiscale: u.CodiceFiscale, Email: u.Email,
			ContoSospeso: u.Sospeso || u.Revocato}
		if ab.Attivata.IsZero() && ab.Revocata == nil {
			a, err := h.Store.Attivazione(u.ID)
			switch {
			case err == nil:
				m.Lettera, m.CodiceScade = a.Struttura == codice && a.Valida(h.Now()) && a.Parte2Cifrata != nil, a.Scade
			case domain.CodiceDi(err) != domain.ErrNonTrovato:
				return nil, err
			}
		}
		out = append(out, m)
	}
	slices.SortStableFunc(out, func(a, b medicoVista) int {
		if c := cmp.Compare(ordineStato(a.Abilitazione), ordineStato(b.Abilitazione)); c != 0 {
			return c
		}
		return strings.Compare(strings.ToUpper(a.Nome), strings.ToUpper(b.Nome))
	})
	return out, nil
}

// ordineStato puts revoked enablements after the others.
func ordineStato(a domain.Abilitazione) int {
	if a.Revocata != nil {
		return 1
	}
	return 0
}

// struttura shows the referente's structure, its doctors and the form to
// enable one.
func (h *Handlers) struttura(c *fiber.Ctx) error {
	vm, err := h.paginaStruttura(c, c.Query("struttura"))
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, views.PaginaStruttura, vm)
}
