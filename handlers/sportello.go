package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/security"
	"abilita/views"
)

// Path A: the operator records at the counter the request the applicant
// brings, typing it in the same form as path C or loading the data of a
// module filled in with Precompila by its code.

type sportelloVM struct {
	views.Base
	Codice   string
	Errori   domain.Errori
	SedeNome string
	Bozze    []domain.RigaCoda // the operator's counter requests not yet registered
}

func (h *Handlers) paginaSportello(c *fiber.Ctx, codice string, e domain.Errori) (sportelloVM, error) {
	u := utenteDi(c)
	vm := sportelloVM{Base: h.personale(c, "Nuova richiesta allo sportello"), Codice: codice, Errori: e}
	if vm.Errori == nil {
		vm.Errori = domain.Errori{}
	}
	if sd, err := h.Store.Sede(u.Sede); err == nil {
		vm.SedeNome = sd.Nome
	}
	righe, err := h.Store.RichiesteUtente(u.ID)
	for _, r := range righe {
		// The drafts this operator may still complete: the one rule, on what
		// the row tells of the request.
		bozza := domain.Richiesta{Richiedente: u.ID, Percorso: r.Percorso, Stato: r.Stato, Sede: r.Sede}
		if domain.Consenti(u, domain.OpCompila, &bozza) == nil {
			vm.Bozze = append(vm.Bozze, r)
		}
	}
	return vm, err
}

// sportello is the start of a counter request: a code to type or scan, or a
// blank request.
func (h *Handlers) sportello(c *fiber.Ctx) error {
	vm, err := h.paginaSportello(c, "", nil)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, views.PaginaSportello, vm)
}

// nuovaRichiestaSportello opens a counter draft owned by the operator, in its
// sede, blank or with the data of a Precompila code, which the same
// transaction deletes: two counters cannot load one module.
func (h *Handlers) nuovaRichiestaSportello(c *fiber.Ctx) error {
	digitato := strings.TrimSpace(c.FormValue("codice"))
	if msg := domain.ControllaTesto(digitato); msg != "" {
		return h.codiceRifiutato(c, "", msg)
	}
	hash, avviso := "", "Nuova richiesta allo sportello: compila i dati con il richiedente."
	if digitato != "" {
		hash = security.HashToken(security.NormalizeCode(digitato))
		avviso = "Dati del modulo precompilato caricati: controllali passo per passo con il documento del richiedente."
	}
	r, err := h.Store.ApriSportello(h.atto(c), hash)
	if digitato != "" && domain.CodiceDi(err) == domain.ErrNonTrovato {
		return h.codiceRifiutato(c, digitato, domain.MessaggioDi(err))
	}
	if err != nil {
		return err
	}
	return h.avviso(c, urlPasso(r.ID, domain.PassoProfilo), avviso)
}

// codiceRifiutato shows the start page again with msg next to the code.
func (h *Handlers) codiceRifiutato(c *fiber.Ctx, codice, msg string) error {
	vm, err := h.paginaSportello(c, codice, domain.Errori{"codice": msg})
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaSportello, vm)
}
