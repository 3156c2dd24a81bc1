package handlers

import (
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/security"
	"abilita/store"
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
	Bozze    []domain.Richiesta // the operator's counter requests not yet registered
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
	richieste, err := h.Store.RichiesteUtente(u.ID)
	for _, r := range richieste {
		if r.Modificabile() && delPercorso(u, &r) == nil {
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

// usoCodici makes looking a code up, copying its data and deleting it one
// step, so that two counters cannot load the same module at once.
var usoCodici sync.Mutex

// nuovaRichiestaSportello opens a counter draft owned by the operator, in its
// sede, blank or with the data of a Precompila code, which is then deleted.
func (h *Handlers) nuovaRichiestaSportello(c *fiber.Ctx) error {
	u := utenteDi(c)
	if u.Sede == "" {
		return &domain.Errore{Codice: domain.ErrNonAmmesso, Messaggio: "Il tuo profilo non ha una sede: chiedi all'amministratore di assegnartela."}
	}
	digitato := strings.TrimSpace(c.FormValue("codice"))
	if msg := domain.ControllaTesto(digitato); msg != "" {
		return h.codiceRifiutato(c, "", msg)
	}
	now := h.Now()
	r := &domain.Richiesta{Percorso: domain.PercorsoSportello, Richiedente: u.ID, Sede: u.Sede, Tipo: domain.TipoNuova, Creata: now, Aggiornata: now}
	dettaglio, avviso, hash := "richiesta vuota", "Nuova richiesta allo sportello: compila i dati con il richiedente.", ""
	if digitato != "" {
		usoCodici.Lock()
		defer usoCodici.Unlock()
		hash = security.HashToken(security.NormalizeCode(digitato))
		p, err := h.Store.Precompilata(hash, now)
		if domain.CodiceDi(err) == domain.ErrNonTrovato {
			return h.codiceRifiutato(c, digitato, domain.MessaggioDi(err))
		}
		if err != nil {
			return err
		}
		copiaModulo(r, &p.Richiesta)
		dettaglio, avviso = "dati di un modulo precompilato", "Dati del modulo precompilato caricati: controllali passo per passo con il documento del richiedente."
	}
	if err := h.Store.CreaBozza(r); err != nil {
		return err
	}
	if hash != "" {
		if err := h.Store.EliminaPrecompilata(hash); err != nil {
			return err
		}
	}
	e := h.evento(c, store.AuditRichiestaSportello, dettaglio)
	e.Richiesta = r.ID
	if err := h.Store.Audit(e); err != nil {
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

// copiaModulo copies into r what the applicant filled in, and nothing that
// belongs to the life of a request (state, owner, sede, history, attachments).
// The declarations are not copied: the applicant makes them by signing the
// module in front of the operator.
func copiaModulo(r, modulo *domain.Richiesta) {
	r.Tipo, r.Profilo = modulo.Tipo, modulo.Profilo
	r.Anagrafica, r.Residenza, r.Contatti = modulo.Anagrafica, modulo.Residenza, modulo.Contatti
	r.Ordine, r.Struttura, r.Patronato = modulo.Ordine, modulo.Struttura, modulo.Patronato
	r.Documento = modulo.Documento
	r.Urgente, r.MotivoUrgenza = modulo.Urgente, modulo.MotivoUrgenza
}
