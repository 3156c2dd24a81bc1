package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/notify"
	"abilita/security"
	"abilita/sedi"
	"abilita/store"
	"abilita/views"
)

type configurazioneVM struct {
	views.Base
	Token, Email, Cognome, Nome string
	Valido                      bool
	Errori                      domain.Errori
}

// configurazioneForm is the page of the one-time link printed at the first
// start, where the first administrator chooses its own password.
func (h *Handlers) configurazioneForm(c *fiber.Ctx) error {
	token := c.Query("t")
	_, err := h.Store.TokenValido(security.HashToken(token), store.ScopoSetupAdmin, h.Now())
	return h.render(c, fiber.StatusOK, views.PaginaConfigurazione, configurazioneVM{Base: h.base(c, "Primo amministratore"), Token: token, Valido: err == nil, Errori: domain.Errori{}})
}

func (h *Handlers) configurazione(c *fiber.Ctx) error {
	vm := configurazioneVM{
		Base: h.personale(c, "Primo amministratore"), Token: c.FormValue("t"), Valido: true, Errori: domain.Errori{},
		Email: store.NormalizzaEmail(c.FormValue("email")), Cognome: strings.TrimSpace(c.FormValue("cognome")), Nome: strings.TrimSpace(c.FormValue("nome")),
	}
	hash := security.HashToken(vm.Token)
	if _, err := h.Store.TokenValido(hash, store.ScopoSetupAdmin, h.Now()); err != nil {
		vm.Valido = false
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaConfigurazione, vm)
	}
	password := c.FormValue("password")
	e := vm.Errori
	for field, v := range map[string]string{"email": vm.Email, "cognome": vm.Cognome, "nome": vm.Nome} {
		if msg := domain.ControllaTesto(v); msg != "" {
			e.Add(field, msg)
		} else if v == "" {
			e.Add(field, "Campo obbligatorio.")
		}
	}
	if e["email"] == "" && !domain.EmailValida(vm.Email) {
		e.Add("email", "L'indirizzo e-mail non è valido.")
	}
	local, _, _ := strings.Cut(vm.Email, "@")
	if err := security.CheckPassword(password, MinPasswordSoloPassword, vm.Cognome, vm.Nome, local); err != nil {
		e.Add("password", err.Error())
	} else if password != c.FormValue("conferma") {
		e.Add("conferma", "Le due password non coincidono.")
	}
	if len(e) > 0 {
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaConfigurazione, vm)
	}
	pwHash, err := h.Hasher.Hash(c.Context(), password)
	if err != nil {
		return err
	}
	u := &domain.Utente{Email: vm.Email, Cognome: vm.Cognome, Nome: vm.Nome, PasswordHash: pwHash}
	if err := h.Store.CreaPrimoAmministratore(hash, u, h.Now()); err != nil {
		if code := domain.CodiceDi(err); code == domain.ErrNonValido || code == domain.ErrConflitto {
			vm.Valido = false
			return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaConfigurazione, vm)
		}
		return err
	}
	return h.avviso(c, "/accedi", "Amministratore creato. Accedi con l'indirizzo e-mail e la password scelti.")
}

type areaVM struct {
	views.Base
	Richieste []domain.Richiesta
}

// area is the page after login: each role lands where its work is.
func (h *Handlers) area(c *fiber.Ctx) error {
	u := utenteDi(c)
	switch u.Ruolo {
	case domain.RuoloAmministratore:
		return h.redirect(c, "/amministrazione")
	case domain.RuoloOperatore:
		return h.redirect(c, "/operatore")
	case domain.RuoloRichiedente:
		richieste, err := h.Store.RichiesteUtente(u.ID)
		if err != nil {
			return err
		}
		return h.render(c, fiber.StatusOK, views.PaginaArea, areaVM{Base: h.personale(c, "La tua area"), Richieste: richieste})
	}
	return h.render(c, fiber.StatusOK, views.PaginaArea, areaVM{Base: h.personale(c, "La tua area")})
}

type amministrazioneVM struct {
	views.Base
	Sedi      []sedi.Sede
	Notifiche []store.Notifica
}

// amministrazione shows the sedi and the outgoing mail with its delivery state.
func (h *Handlers) amministrazione(c *fiber.Ctx) error {
	elenco, err := h.Store.Sedi()
	if err != nil {
		return err
	}
	notifiche, err := h.Store.Notifiche(50)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, views.PaginaAmministrazione, amministrazioneVM{Base: h.personale(c, "Amministrazione"), Sedi: elenco, Notifiche: notifiche})
}

var _ notify.Outbox = (*store.Store)(nil)
