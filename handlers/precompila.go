package handlers

import (
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/pdf"
	"abilita/posta"
	"abilita/security"
	"abilita/views"
)

// Precompila (path A, no account): anyone fills in the module online, gets a
// code and the module to print with it; at the counter the operator loads the
// data by the code instead of typing them (nuovaRichiestaSportello).

const (
	// durataPrecompilata is how long a code is valid. DESIGN.md asks for it to
	// be configurable; until the configuration has a setting, this is it.
	durataPrecompilata = 30 * 24 * time.Hour
	// bitCodice is the strength of a code: 80 bits, 16 Crockford characters,
	// far beyond the ≥ 64 bits an unguessable code needs.
	bitCodice = 80
)

// passiPrecompila are the steps the one-page form holds: the attachments and
// the submission belong to the counter.
var passiPrecompila = []domain.Passo{domain.PassoProfilo, domain.PassoAnagrafica, domain.PassoProfessione, domain.PassoDocumento, domain.PassoDichiarazioni}

// moduloPrecompilaVM is the whole module on one page, drawn with the
// templates of the steps.
func (h *Handlers) moduloPrecompilaVM(c *fiber.Ctx, r *domain.Richiesta, e domain.Errori) passoVM {
	vm := h.passoVM(c, r, "", e)
	vm.Titolo, vm.Precompila = "Compila il modulo senza registrarti", true
	if r.Anagrafica.CodiceFiscale != "" {
		vm.Proposta = h.proposta(r)
	}
	return vm
}

func (h *Handlers) precompilaForm(c *fiber.Ctx) error {
	return h.render(c, fiber.StatusOK, views.PaginaPrecompila, h.moduloPrecompilaVM(c, &domain.Richiesta{Tipo: domain.TipoNuova}, nil))
}

type precompilataVM struct {
	views.Base
	Codice    string // formatted for reading
	CodiceURL string // as NewCode made it, for the link to the PDF
	Scade     time.Time
}

// precompila checks the module with the rules of the request and stores it
// under the hash of a new code, shown once on the answer and never again.
// Input no field may hold is refused and nothing is stored.
func (h *Handlers) precompila(c *fiber.Ctx) error {
	if err := h.limita(c, h.limiti().salva); err != nil {
		return err
	}
	r := &domain.Richiesta{}
	if e := leggiModulo(c, r); len(e) > 0 {
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaPrecompila, h.moduloPrecompilaVM(c, r, e))
	}
	if c.FormValue("azione") == "proponi" {
		if pr := h.proposta(r); pr != nil {
			applicaProposta(r, pr)
		}
		return h.render(c, fiber.StatusOK, views.PaginaPrecompila, h.moduloPrecompilaVM(c, r, nil))
	}
	now := h.Now()
	if e := validaModulo(r, now); len(e) > 0 {
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaPrecompila, h.moduloPrecompilaVM(c, r, e))
	}
	codice := security.NewCode(bitCodice)
	p := domain.Precompilata{Richiesta: *r, Creata: now, Scade: now.Add(durataPrecompilata)}
	if err := h.Store.SalvaPrecompilata(security.HashToken(codice), p); err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, views.PaginaPrecompilata, precompilataVM{
		Base: h.personale(c, "Modulo precompilato"), Codice: security.FormatCode(codice), CodiceURL: codice, Scade: p.Scade,
	})
}

// verificaPrecompila is the inline check of the module while it is typed,
// as the request form has it (verificaPasso), for every part of the module.
// Anyone may call it: it is limited per address, as saving is.
func (h *Handlers) verificaPrecompila(c *fiber.Ctx) error {
	if err := h.limita(c, h.limiti().verifica); err != nil {
		return err
	}
	r := &domain.Richiesta{}
	e := leggiModulo(c, r)
	if len(e) == 0 {
		e = validaModulo(r, h.Now())
	}
	vm := h.esitoVerifica(c, r, passiPrecompila, e)
	// The declarations are signed on paper: the module has no place for them.
	vm.Campi = slices.DeleteFunc(vm.Campi, func(k views.Campo) bool {
		_, dichiarazione := erroriSportello[k.Nome]
		return dichiarazione
	})
	return h.partial(c, fiber.StatusOK, "partials/verifica", vm)
}

// leggiModulo reads every step of the one-page form into r.
func leggiModulo(c *fiber.Ctx, r *domain.Richiesta) domain.Errori {
	e := domain.Errori{}
	for _, p := range passiPrecompila {
		for name, msg := range leggiPasso(c, r, p) {
			e.Add(name, msg)
		}
	}
	// The declarations are made by signing the printed module, in front of
	// the operator: the form does not ask for them, nor takes them.
	r.Dichiarazioni = domain.Dichiarazioni{}
	return e
}

// validaModulo checks the module with the rules of each step of the request,
// but the declarations.
func validaModulo(r *domain.Richiesta, now time.Time) domain.Errori {
	e := domain.Errori{}
	for _, p := range passiPrecompila {
		for name, msg := range r.Valida(p, now) {
			if _, dichiarazione := erroriSportello[name]; !dichiarazione {
				e.Add(name, msg)
			}
		}
	}
	return e
}

// precompilataPDF is the module with its code and QR code, for whoever holds
// the code.
func (h *Handlers) precompilataPDF(c *fiber.Ctx) error {
	if err := h.limita(c, h.limiti().scarica); err != nil {
		return err
	}
	codice := security.NormalizeCode(c.Query("c"))
	p, err := h.Store.Precompilata(security.HashToken(codice), h.Now())
	if err != nil {
		return err
	}
	r := &p.Richiesta
	data, err := pdf.ModuloConCodice(r, posta.SedePDF(h.sedeDi(r)), p.Creata, pdf.Codice{Testo: security.FormatCode(codice), Scade: p.Scade})
	if err != nil {
		return err
	}
	return inviaPDF(c, "modulo-abilitazione-precompilato.pdf", data, true)
}
