package handlers

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/posta"
	"abilita/security"
	"abilita/store"
	"abilita/views"
)

type registrazioneVM struct {
	views.Base
	CodiceFiscale, Cognome, Nome, Email string
	Privacy                             bool
	Errori                              domain.Errori
}

func (h *Handlers) registrazioneForm(c *fiber.Ctx) error {
	if utenteDi(c) != nil {
		return h.redirect(c, "/area")
	}
	return h.render(c, fiber.StatusOK, views.PaginaRegistrazione, registrazioneVM{Base: h.base(c, "Registrazione"), Errori: domain.Errori{}})
}

// registrazione creates a generic user and sends the verification link. An
// address already registered gets the same answer on screen and a warning by
// e-mail, so the form does not reveal who is registered.
func (h *Handlers) registrazione(c *fiber.Ctx) error {
	vm := registrazioneVM{
		Base:          h.personale(c, "Registrazione"),
		CodiceFiscale: domain.NormalizzaCodiceFiscale(c.FormValue("codice_fiscale")),
		Cognome:       strings.TrimSpace(c.FormValue("cognome")),
		Nome:          strings.TrimSpace(c.FormValue("nome")),
		Email:         domain.NormalizzaEmail(c.FormValue("email")),
		Privacy:       c.FormValue("privacy") == "si",
		Errori:        domain.Errori{},
	}
	password := c.FormValue("password")
	nuovo := domain.Utente{Ruolo: domain.RuoloRichiedente, Email: vm.Email, CodiceFiscale: vm.CodiceFiscale, Cognome: vm.Cognome, Nome: vm.Nome}
	nuovo.Valida(vm.Errori, nil)
	nuovo.ValidaNuovaPassword(vm.Errori, password, c.FormValue("conferma"), domain.MinPassword)
	if !vm.Privacy {
		vm.Errori.Add("privacy", "Per registrarti devi dichiarare di aver letto l'informativa privacy.")
	}
	if len(vm.Errori) > 0 {
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaRegistrazione, vm)
	}
	hash, err := h.Hasher.Hash(c.Context(), password)
	if err != nil {
		return err
	}
	now := h.Now()
	token := security.NewToken()
	reg := store.Registrazione{
		Utente:    domain.Utente{Email: vm.Email, CodiceFiscale: vm.CodiceFiscale, Cognome: vm.Cognome, Nome: vm.Nome, PasswordHash: hash},
		TokenHash: security.HashToken(token), Scade: now.Add(h.cfg.TokenTTL),
	}
	if reg.Verifica, err = h.messaggioVerifica(vm.Email, vm.Nome, token); err != nil {
		return err
	}
	if reg.GiaRegistrato, err = posta.Messaggio("registrazione_esistente", vm.Email, map[string]string{"Accedi": h.link("/accedi"), "Reimposta": h.link("/password-dimenticata")}); err != nil {
		return err
	}
	if _, err := h.Store.Registra(h.atto(c), reg); err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, views.PaginaRegistrazioneInviata, registrazioneVM{Base: h.base(c, "Controlla la tua e-mail"), Email: vm.Email})
}

// messaggioVerifica is the e-mail with the verification link of token.
func (h *Handlers) messaggioVerifica(email, nome, token string) (domain.Messaggio, error) {
	return posta.Messaggio("verifica_email", email, map[string]string{"Nome": nome, "Link": h.link("/verifica-email?t=" + token), "Validita": posta.Durata(h.cfg.TokenTTL)})
}

type tokenVM struct {
	views.Base
	Token  string
	Valido bool
	Errori domain.Errori
	Email  string
}

// verificaEmailForm shows a button rather than verifying on GET: mail
// scanners open links, and a GET must not change anything.
func (h *Handlers) verificaEmailForm(c *fiber.Ctx) error {
	token := c.Query("t")
	_, err := h.Store.TokenValido(security.HashToken(token), domain.ScopoVerificaEmail, h.Now())
	return h.render(c, fiber.StatusOK, views.PaginaVerificaEmail, tokenVM{Base: h.base(c, "Conferma dell'indirizzo e-mail"), Token: token, Valido: err == nil})
}

func (h *Handlers) verificaEmail(c *fiber.Ctx) error {
	u, err := h.Store.VerificaEmail(security.HashToken(c.FormValue("t")), h.Now())
	if err != nil {
		if domain.CodiceDi(err) == domain.ErrNonValido {
			return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaVerificaEmail, tokenVM{Base: h.base(c, "Conferma dell'indirizzo e-mail")})
		}
		return err
	}
	dest := "/accedi"
	if cur := utenteDi(c); cur != nil && cur.ID == u.ID {
		dest = "/area"
	}
	return h.avviso(c, dest, "Indirizzo e-mail confermato. Ora puoi presentare la richiesta di abilitazione.")
}

func (h *Handlers) reinviaVerifica(c *fiber.Ctx) error {
	u := utenteDi(c)
	if u.Verificato() {
		return h.redirect(c, "/area")
	}
	token := security.NewToken()
	m, err := h.messaggioVerifica(u.Email, u.Nome, token)
	if err != nil {
		return err
	}
	if err := h.Store.ReinviaVerifica(h.atto(c), security.HashToken(token), h.Now().Add(h.cfg.TokenTTL), m); err != nil {
		return err
	}
	return h.avviso(c, "/area", "Ti abbiamo inviato un nuovo collegamento di conferma a "+u.Email+".")
}

// destinazioneSicura keeps only local paths, so the login cannot be turned
// into an open redirect.
func destinazioneSicura(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.Contains(p, "\\") {
		return ""
	}
	// url.Parse refuses control characters, which would otherwise reach the
	// Location header (header injection) or be dropped by browsers ("/\t/x").
	if u, err := url.Parse(p); err != nil || u.Scheme != "" || u.Host != "" {
		return ""
	}
	return p
}

func (h *Handlers) esci(c *fiber.Ctx) error {
	if token := c.Cookies(h.cookieName("sessione")); token != "" {
		if err := h.Store.EliminaSessione(security.HashToken(token)); err != nil {
			return err
		}
	}
	h.clearCookie(c, "sessione")
	h.setCookie(c, localCSRF, security.NewToken(), 0)
	return h.avviso(c, "/", "Hai chiuso la sessione.")
}

func (h *Handlers) passwordDimenticataForm(c *fiber.Ctx) error {
	return h.render(c, fiber.StatusOK, views.PaginaPasswordDimenticata, tokenVM{Base: h.base(c, "Password dimenticata"), Errori: domain.Errori{}})
}

// passwordDimenticata queues a reset link for the address typed and says
// the same thing, in the same time, whether or not it is registered: the
// account is looked up only when the mail worker composes the e-mail
// (store.PreparaReset).
func (h *Handlers) passwordDimenticata(c *fiber.Ctx) error {
	email := domain.NormalizzaEmail(c.FormValue("email"))
	vm := tokenVM{Base: h.base(c, "Password dimenticata"), Email: email, Errori: domain.Errori{}}
	if !domain.EmailValida(email) {
		vm.Errori.Add("email", "L'indirizzo e-mail non è valido (esempio: nome@dominio.it).")
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaPasswordDimenticata, vm)
	}
	if err := h.Store.ChiediReset(h.atto(c), email); err != nil {
		return err
	}
	vm.Valido = true
	return h.render(c, fiber.StatusOK, views.PaginaPasswordDimenticata, vm)
}

func (h *Handlers) reimpostaPasswordForm(c *fiber.Ctx) error {
	token := c.Query("t")
	_, err := h.Store.TokenValido(security.HashToken(token), domain.ScopoResetPassword, h.Now())
	return h.render(c, fiber.StatusOK, views.PaginaReimpostaPassword, tokenVM{Base: h.base(c, "Nuova password"), Token: token, Valido: err == nil, Errori: domain.Errori{}})
}

func (h *Handlers) reimpostaPassword(c *fiber.Ctx) error {
	token := c.FormValue("t")
	vm := tokenVM{Base: h.base(c, "Nuova password"), Token: token, Valido: true, Errori: domain.Errori{}}
	hashToken := security.HashToken(token)
	t, err := h.Store.TokenValido(hashToken, domain.ScopoResetPassword, h.Now())
	if err != nil {
		vm.Valido = false
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaReimpostaPassword, vm)
	}
	u, err := h.Store.Utente(t.UtenteID)
	if err != nil {
		return err
	}
	password := c.FormValue("password")
	u.ValidaNuovaPassword(vm.Errori, password, c.FormValue("conferma"), u.MinimoPassword())
	if len(vm.Errori) > 0 {
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaReimpostaPassword, vm)
	}
	hash, err := h.Hasher.Hash(c.Context(), password)
	if err != nil {
		return err
	}
	if _, err := h.Store.ReimpostaPassword(h.atto(c), hashToken, hash); err != nil {
		if domain.CodiceDi(err) == domain.ErrNonValido {
			vm.Valido = false
			return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaReimpostaPassword, vm)
		}
		return err
	}
	h.clearCookie(c, "sessione")
	h.limiteAccount.Sblocca(chiaveAccount(u)) // proving the mailbox lifts a lock
	return h.avviso(c, "/accedi", "Password aggiornata. Accedi con la nuova password.")
}
