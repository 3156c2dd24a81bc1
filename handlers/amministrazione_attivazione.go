package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/pdf"
	"abilita/security"
	"abilita/store"
	"abilita/views"
)

// Activation of operators and administrators: the first administrator
// through the set-up link printed at start-up, the others through the
// two-part code whose letter the administrator prints here.

type configurazioneVM struct {
	views.Base
	Token, Email, Cognome, Nome string
	Valido                      bool
	MinPassword                 int
	Errori                      domain.Errori
}

// configurazioneForm is the page of the one-time link printed at the first
// start, where the first administrator gives its name and address and
// chooses its password.
func (h *Handlers) configurazioneForm(c *fiber.Ctx) error {
	token := c.Query("t")
	_, err := h.Store.TokenValido(security.HashToken(token), domain.ScopoSetupAdmin, h.Now())
	return h.render(c, fiber.StatusOK, views.PaginaConfigurazione, configurazioneVM{Base: h.personale(c, "Primo amministratore"), Token: token, Valido: err == nil, MinPassword: domain.MinPassword, Errori: domain.Errori{}})
}

// configurazione creates the first administrator and takes it straight into
// its activation, past the password step: like every administrator it must
// enrol an authenticator and accept the confidentiality rules before it can
// log in. Its code is made and used up here, so nobody ever sees it: the
// set-up link was the secret.
func (h *Handlers) configurazione(c *fiber.Ctx) error {
	vm := configurazioneVM{
		Base: h.personale(c, "Primo amministratore"), Token: c.FormValue("t"), Valido: true, MinPassword: domain.MinPassword, Errori: domain.Errori{},
		Email: domain.NormalizzaEmail(c.FormValue("email")), Cognome: strings.TrimSpace(c.FormValue("cognome")), Nome: strings.TrimSpace(c.FormValue("nome")),
	}
	hash := security.HashToken(vm.Token)
	if _, err := h.Store.TokenValido(hash, domain.ScopoSetupAdmin, h.Now()); err != nil {
		vm.Valido = false
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaConfigurazione, vm)
	}
	password := c.FormValue("password")
	validaConfigurazione(vm.Errori, &vm, password, c.FormValue("conferma"))
	if len(vm.Errori) > 0 {
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaConfigurazione, vm)
	}
	pwHash, err := h.Hasher.Hash(c.Context(), password)
	if err != nil {
		return err
	}
	// The administrator's activation opens past the password step, with the
	// authenticator secret the next step shows.
	u := domain.Utente{Email: vm.Email, Cognome: vm.Cognome, Nome: vm.Nome}
	token := security.NewToken()
	p := store.PrimoAmministratore{Utente: u, PasswordHash: pwHash, AttivazioneHash: security.HashToken(token)}
	if p.Segreto, err = h.nuovoSegretoAttivazione(p.AttivazioneHash, &u); err != nil {
		return err
	}
	if _, err := h.Store.ConfiguraPrimoAmministratore(h.atto(c), hash, p); err != nil {
		if code := domain.CodiceDi(err); code == domain.ErrNonValido || code == domain.ErrConflitto {
			vm.Valido = false
			return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaConfigurazione, vm)
		}
		return err
	}
	return h.proseguiAttivazione(c, token)
}

func validaConfigurazione(e domain.Errori, vm *configurazioneVM, password, conferma string) {
	u := domain.Utente{Ruolo: domain.RuoloAmministratore, Email: vm.Email, Cognome: vm.Cognome, Nome: vm.Nome}
	u.Valida(e, nil)
	u.ValidaNuovaPassword(e, password, conferma, domain.MinPassword)
}

// letteraOperatore is the activation letter of a new operator or
// administrator, with part 2 of its code, for the administrator to print
// and hand over in person. Every download is audited.
func (h *Handlers) letteraOperatore(c *fiber.Ctx) error {
	u, err := h.accountStaff(c)
	if err != nil {
		return err
	}
	parte2, a, err := h.parte2DaStampare(u)
	if err != nil {
		return err
	}
	profilo := u.Ruolo.Etichetta()
	if u.Sede != "" {
		if sd, err := h.Store.Sede(u.Sede); err == nil {
			profilo += " – " + sd.Nome
		}
	}
	l := pdf.Lettera{Cognome: u.Cognome, Nome: u.Nome, Identificativo: u.Email, Profilo: profilo, Parte2: parte2, Scade: a.Scade, Indirizzo: h.link("/attivazione")}
	return h.inviaLettera(c, l, 0, "Lettera di attivazione scaricata per "+u.NomeCompleto()+" ("+u.Email+")", "lettera-attivazione-"+itoa(u.ID)+".pdf")
}
