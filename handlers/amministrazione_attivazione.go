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
	_, err := h.Store.TokenValido(security.HashToken(token), store.ScopoSetupAdmin, h.Now())
	return h.render(c, fiber.StatusOK, views.PaginaConfigurazione, configurazioneVM{Base: h.personale(c, "Primo amministratore"), Token: token, Valido: err == nil, MinPassword: MinPasswordConTOTP, Errori: domain.Errori{}})
}

// configurazione creates the first administrator and takes it straight into
// its activation, past the password step: like every administrator it must
// enrol an authenticator and accept the confidentiality rules before it can
// log in. Its code is made and used up here, so nobody ever sees it: the
// set-up link was the secret.
func (h *Handlers) configurazione(c *fiber.Ctx) error {
	vm := configurazioneVM{
		Base: h.personale(c, "Primo amministratore"), Token: c.FormValue("t"), Valido: true, MinPassword: MinPasswordConTOTP, Errori: domain.Errori{},
		Email: store.NormalizzaEmail(c.FormValue("email")), Cognome: strings.TrimSpace(c.FormValue("cognome")), Nome: strings.TrimSpace(c.FormValue("nome")),
	}
	hash := security.HashToken(vm.Token)
	if _, err := h.Store.TokenValido(hash, store.ScopoSetupAdmin, h.Now()); err != nil {
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
	u := &domain.Utente{Email: vm.Email, Cognome: vm.Cognome, Nome: vm.Nome}
	if err := h.Store.CreaPrimoAmministratore(hash, u, h.Now()); err != nil {
		if code := domain.CodiceDi(err); code == domain.ErrNonValido || code == domain.ErrConflitto {
			vm.Valido = false
			return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaConfigurazione, vm)
		}
		return err
	}
	token, err := h.attivaPrimoAmministratore(c, u, pwHash)
	if err != nil {
		return err
	}
	return h.proseguiAttivazione(c, token)
}

func validaConfigurazione(e domain.Errori, vm *configurazioneVM, password, conferma string) {
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
	if err := security.CheckPassword(password, MinPasswordConTOTP, vm.Cognome, vm.Nome, local); err != nil {
		e.Add("password", err.Error())
	} else if password != conferma {
		e.Add("conferma", "Le due password non coincidono.")
	}
}

// attivaPrimoAmministratore issues the administrator's code, uses it up at
// once for an activation held by this browser, and records the password
// chosen on the set-up page; the next step is the authenticator.
func (h *Handlers) attivaPrimoAmministratore(c *fiber.Ctx, u *domain.Utente, pwHash string) (token string, err error) {
	now := h.Now()
	k := nuovoCodiceAttivazione()
	a := store.Attivazione{UtenteID: u.ID, Parte1Hash: k.hash1, Parte2Hash: k.hash2, Creata: now, Scade: now.Add(h.cfg.AttivazioneTTL), Motivo: "configurazione del primo amministratore"}
	ev := h.evento(c, store.AuditAccount, "Creato il primo amministratore "+u.NomeCompleto()+" ("+u.Email+") con il collegamento di configurazione")
	ev.Chi = u.ID
	if err := h.Store.EmettiAttivazione(a, ev); err != nil {
		return "", err
	}
	token = security.NewToken()
	tokenHash := security.HashToken(token)
	if _, err := h.Store.IniziaAttivazione(u.Email, k.parte1, k.parte2, tokenHash, now); err != nil {
		return "", err
	}
	if _, err := h.Store.ImpostaPasswordAttivazione(tokenHash, pwHash, now); err != nil {
		return "", err
	}
	return token, h.nuovoSegretoAttivazione(tokenHash, u, now)
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
	ev := h.evento(c, store.AuditCredenziali, "Lettera di attivazione scaricata per "+u.NomeCompleto()+" ("+u.Email+")")
	return h.inviaLettera(c, l, ev, "lettera-attivazione-"+itoa(u.ID)+".pdf")
}
