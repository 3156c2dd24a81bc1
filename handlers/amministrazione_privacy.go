package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/views"
)

const titoloImpostazioniPrivacy = "Contatti dell'informativa privacy"

// impostazioniPrivacyVM is the administrator's form of the contacts the
// privacy notice gives.
type impostazioniPrivacyVM struct {
	views.Base
	Modulo  domain.ImpostazioniPrivacy // as stored, or as typed
	Errori  domain.Errori
	MaxNote int
}

// impostazioniPrivacyForm shows the contacts of the privacy notice for
// editing.
func (h *Handlers) impostazioniPrivacyForm(c *fiber.Ctx) error {
	p, err := h.Store.ImpostazioniPrivacy()
	if err != nil {
		return err
	}
	return h.paginaImpostazioniPrivacy(c, fiber.StatusOK, p, domain.Errori{})
}

// salvaImpostazioniPrivacy stores the contacts of the privacy notice; the
// public page shows them at once.
func (h *Handlers) salvaImpostazioniPrivacy(c *fiber.Ctx) error {
	var p domain.ImpostazioniPrivacy
	for campo, dst := range p.Campi() {
		*dst = c.FormValue(campo)
	}
	p.Normalizza()
	e := domain.Errori{}
	if p.Valida(e); len(e) > 0 {
		return h.paginaImpostazioniPrivacy(c, fiber.StatusUnprocessableEntity, p, e)
	}
	cambiati, err := h.Store.SalvaImpostazioniPrivacy(h.atto(c), p)
	if err != nil {
		return err
	}
	if len(cambiati) == 0 {
		return h.avviso(c, "/amministrazione", "Nessuna modifica ai contatti dell'informativa privacy.")
	}
	return h.avviso(c, "/amministrazione", "Contatti dell'informativa privacy salvati ("+strings.Join(cambiati, ", ")+"): la pagina pubblica li mostra già.")
}

func (h *Handlers) paginaImpostazioniPrivacy(c *fiber.Ctx, status int, p domain.ImpostazioniPrivacy, e domain.Errori) error {
	vm := impostazioniPrivacyVM{Base: h.personale(c, titoloImpostazioniPrivacy), Modulo: p, Errori: e, MaxNote: domain.MaxTestoLungo}
	return h.render(c, status, views.PaginaImpostazioniPrivacy, vm)
}
