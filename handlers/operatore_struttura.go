package handlers

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/views"
)

// The sede's view of a hospital structure: its referenti and its medici
// ospedalieri, read-only, for the operators of the sede that approved the
// referenti (administrators see every structure); an operator can suspend
// any of those doctors, and lift its sede's suspensions.

type operatoreStrutturaVM struct {
	views.Base
	Codice      string // searched
	CercaErrore string
	NonTrovata  bool
	Struttura   domain.Struttura
	Referenti   []referenteVista
	Medici      []medicoVista
	// The doctor whose suspension failed, with its errors keyed
	// "sospensione_id_campo", and the reason typed.
	Aperto uint64
	Errori domain.Errori
	Valori url.Values
}

// sospensioneSede is what the sede's suspension form of one doctor needs.
type sospensioneSede struct {
	Pagina *operatoreStrutturaVM
	Medico medicoVista
}

// Azione gives the suspension form of doctor m what it needs.
func (vm operatoreStrutturaVM) Azione(m medicoVista) sospensioneSede {
	return sospensioneSede{Pagina: &vm, Medico: m}
}

// referenteVista is a referente of the structure as the sede sees it.
type referenteVista struct {
	domain.Abilitazione
	ID                         uint64
	Nome, CodiceFiscale, Email string
	RichiestaID                uint64
}

var errStrutturaDellaSede = domain.NonTrovato("Nessuna struttura con questo codice tra quelle abilitate dalla tua sede.")

// strutturaSede shows, for the structure searched, who represents it and
// its doctors enabled under the operator's sede.
func (h *Handlers) strutturaSede(c *fiber.Ctx) error {
	vm := operatoreStrutturaVM{Base: h.personale(c, "Strutture ospedaliere"), Codice: strings.TrimSpace(c.Query("struttura")), Errori: domain.Errori{}, Valori: url.Values{}}
	if vm.Codice == "" {
		return h.render(c, fiber.StatusOK, views.PaginaOperatoreStruttura, vm)
	}
	if msg := domain.ControllaTesto(vm.Codice); msg != "" {
		vm.Codice, vm.CercaErrore = "", msg
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaOperatoreStruttura, vm)
	}
	if err := h.riempiStrutturaSede(c, &vm); err != nil {
		if err == errStrutturaDellaSede {
			vm.NonTrovata = true
			return h.render(c, fiber.StatusNotFound, views.PaginaOperatoreStruttura, vm)
		}
		return err
	}
	return h.render(c, fiber.StatusOK, views.PaginaOperatoreStruttura, vm)
}

// riempiStrutturaSede fills the page with the referenti and doctors of
// vm.Codice the staff member may see: those its sede enabled.
func (h *Handlers) riempiStrutturaSede(c *fiber.Ctx, vm *operatoreStrutturaVM) error {
	u := utenteDi(c)
	if err := domain.ConsentiStruttura(u, domain.OpVediStruttura, vm.Codice, nil, false); err != nil {
		return errStrutturaDellaSede
	}
	dellaSede := func(ab *domain.Abilitazione) bool { return u.Ruolo.Amministratore() || ab.Sede == u.Sede }
	conti, err := h.Store.AccountStruttura(vm.Codice)
	if err != nil {
		return err
	}
	vm.Struttura = domain.Struttura{Codice: vm.Codice}
	for _, x := range conti {
		for _, ab := range x.Abilitazioni {
			if !ab.Profilo.Referente() || ab.CodiceStruttura != vm.Codice || !dellaSede(&ab) {
				continue
			}
			vm.Referenti = append(vm.Referenti, referenteVista{Abilitazione: ab, ID: x.ID, Nome: x.NomeCompleto(), CodiceFiscale: x.CodiceFiscale,
				Email: x.Email, RichiestaID: ab.RichiestaID})
			if vm.Struttura.Denominazione == "" {
				if vm.Struttura, err = h.strutturaDi(&ab); err != nil {
					return err
				}
			}
		}
	}
	if vm.Medici, err = h.mediciDi(conti, vm.Codice, dellaSede); err != nil {
		return err
	}
	if len(vm.Referenti) == 0 && len(vm.Medici) == 0 {
		return errStrutturaDellaSede
	}
	return nil
}

// sospendiMedicoSede has the operator suspend a doctor of a structure
// enabled under its sede, or lift its sede's suspension; the doctor and
// the referente who enabled it are told.
func (h *Handlers) sospendiMedicoSede(c *fiber.Ctx) error {
	codice := strings.TrimSpace(c.FormValue("struttura"))
	u, err := h.medicoDi(c, codice)
	if err != nil {
		return err
	}
	e := domain.Errori{}
	m := motivo(c, e, true)
	sospendi := sceltaSospensione(c, e, "l'abilitazione")
	if len(e) == 0 {
		st := domain.Struttura{Codice: codice, Denominazione: u.MedicoDi(codice).Struttura}
		msgs, err := h.avvisiMedico(u, st, sospendi, false, m, true)
		if err != nil {
			return err
		}
		_, err = h.Store.SospendiMedico(h.atto(c), codice, u.ID, sospendi, m, msgs)
		if err = rifiutoNelModulo(err, e, "azione"); err != nil {
			return err
		}
	}
	if len(e) > 0 {
		vm := operatoreStrutturaVM{Base: h.personale(c, "Strutture ospedaliere"), Codice: codice, Aperto: u.ID, Errori: domain.Errori{}, Valori: url.Values{}}
		if err := h.riempiStrutturaSede(c, &vm); err != nil {
			return err
		}
		for k, msg := range e {
			vm.Errori["sospensione_"+itoa(u.ID)+"_"+k] = msg
		}
		vm.Valori.Set("motivo", c.FormValue("motivo"))
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaOperatoreStruttura, vm)
	}
	msg := "Abilitazione di " + u.NomeCompleto() + " riattivata."
	if sospendi {
		msg = "Abilitazione di " + u.NomeCompleto() + " sospesa dalla sede: le sue sessioni sono state chiuse. Il medico e il referente che lo ha abilitato ne sono informati per e-mail."
	}
	return h.avviso(c, "/operatore/struttura?struttura="+url.QueryEscape(codice), msg)
}
