package handlers

import (
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"abilita/cf"
	"abilita/domain"
	"abilita/security"
	"abilita/store"
	"abilita/views"
)

// MinPasswordSoloPassword is the shortest password of an account that logs in
// with the password alone (DESIGN.md §4).
const MinPasswordSoloPassword = 15

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
		CodiceFiscale: strings.ToUpper(strings.TrimSpace(c.FormValue("codice_fiscale"))),
		Cognome:       strings.TrimSpace(c.FormValue("cognome")),
		Nome:          strings.TrimSpace(c.FormValue("nome")),
		Email:         store.NormalizzaEmail(c.FormValue("email")),
		Privacy:       c.FormValue("privacy") == "si",
		Errori:        domain.Errori{},
	}
	password := c.FormValue("password")
	e := vm.Errori
	for field, v := range map[string]string{"codice_fiscale": vm.CodiceFiscale, "cognome": vm.Cognome, "nome": vm.Nome, "email": vm.Email} {
		if msg := domain.ControllaTesto(v); msg != "" {
			e.Add(field, msg)
		}
	}
	if len(e) == 0 {
		validaRegistrazione(e, &vm, password, c.FormValue("conferma"))
	}
	if len(e) > 0 {
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaRegistrazione, vm)
	}
	now := h.Now()
	hash, err := h.Hasher.Hash(c.Context(), password)
	if err != nil {
		return err
	}
	u := &domain.Utente{Ruolo: domain.RuoloRichiedente, Email: vm.Email, CodiceFiscale: vm.CodiceFiscale, Cognome: vm.Cognome, Nome: vm.Nome, PasswordHash: hash, Creato: now}
	err = h.Store.CreaUtente(u)
	switch {
	case domain.CodiceDi(err) == domain.ErrConflitto:
		if err := h.avvisaRegistrazioneEsistente(vm.Email); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		if err := h.inviaVerifica(u); err != nil {
			return err
		}
	}
	return h.render(c, fiber.StatusOK, views.PaginaRegistrazioneInviata, registrazioneVM{Base: h.base(c, "Controlla la tua e-mail"), Email: vm.Email})
}

func validaRegistrazione(e domain.Errori, vm *registrazioneVM, password, conferma string) {
	codice, err := cf.Parse(vm.CodiceFiscale)
	if err != nil {
		e.Add("codice_fiscale", err.Error())
	}
	if vm.Cognome == "" {
		e.Add("cognome", "Indica il cognome.")
	} else if err == nil && cf.CodiceCognome(vm.Cognome) != codice.String()[0:3] {
		e.Add("cognome", "Il cognome non corrisponde al codice fiscale.")
	}
	if vm.Nome == "" {
		e.Add("nome", "Indica il nome.")
	} else if err == nil && cf.CodiceNome(vm.Nome) != codice.String()[3:6] {
		e.Add("nome", "Il nome non corrisponde al codice fiscale.")
	}
	if !domain.EmailValida(vm.Email) {
		e.Add("email", "L'indirizzo e-mail non è valido (esempio: nome@dominio.it).")
	}
	local, _, _ := strings.Cut(vm.Email, "@")
	if err := security.CheckPassword(password, MinPasswordSoloPassword, vm.CodiceFiscale, vm.Cognome, vm.Nome, local); err != nil {
		e.Add("password", err.Error())
	} else if password != conferma {
		e.Add("conferma", "Le due password non coincidono.")
	}
	if !vm.Privacy {
		e.Add("privacy", "Per registrarti devi dichiarare di aver letto l'informativa privacy.")
	}
}

// inviaVerifica queues the e-mail with a fresh verification link.
func (h *Handlers) inviaVerifica(u *domain.Utente) error {
	token := security.NewToken()
	now := h.Now()
	if err := h.Store.CreaToken(security.HashToken(token), store.Token{Scopo: store.ScopoVerificaEmail, UtenteID: u.ID, Creato: now, Scade: now.Add(h.cfg.TokenTTL)}); err != nil {
		return err
	}
	m, err := messaggio("verifica_email", u.Email, map[string]string{"Nome": u.Nome, "Link": h.link("/verifica-email?t=" + token), "Validita": durata(h.cfg.TokenTTL)})
	if err != nil {
		return err
	}
	return h.Store.Accoda(m, now)
}

func (h *Handlers) avvisaRegistrazioneEsistente(email string) error {
	m, err := messaggio("registrazione_esistente", email, map[string]string{"Accedi": h.link("/accedi"), "Reimposta": h.link("/password-dimenticata")})
	if err != nil {
		return err
	}
	return h.Store.Accoda(m, h.Now())
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
	_, err := h.Store.TokenValido(security.HashToken(token), store.ScopoVerificaEmail, h.Now())
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
	if err := h.inviaVerifica(u); err != nil {
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
	return h.avviso(c, "/", "Sei uscito dal servizio.")
}

func (h *Handlers) passwordDimenticataForm(c *fiber.Ctx) error {
	return h.render(c, fiber.StatusOK, views.PaginaPasswordDimenticata, tokenVM{Base: h.base(c, "Password dimenticata"), Errori: domain.Errori{}})
}

// passwordDimenticata sends a reset link when the address is registered,
// and says the same thing either way.
func (h *Handlers) passwordDimenticata(c *fiber.Ctx) error {
	email := store.NormalizzaEmail(c.FormValue("email"))
	vm := tokenVM{Base: h.base(c, "Password dimenticata"), Email: email, Errori: domain.Errori{}}
	if !domain.EmailValida(email) {
		vm.Errori.Add("email", "L'indirizzo e-mail non è valido (esempio: nome@dominio.it).")
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaPasswordDimenticata, vm)
	}
	u, err := h.Store.UtentePerEmail(email)
	switch {
	case err == nil && !u.Sospeso:
		if err := h.inviaReset(u); err != nil {
			return err
		}
	case err != nil && domain.CodiceDi(err) != domain.ErrNonTrovato:
		return err
	}
	vm.Valido = true
	return h.render(c, fiber.StatusOK, views.PaginaPasswordDimenticata, vm)
}

const resetTTL = time.Hour

func (h *Handlers) inviaReset(u *domain.Utente) error {
	token := security.NewToken()
	now := h.Now()
	if err := h.Store.CreaToken(security.HashToken(token), store.Token{Scopo: store.ScopoResetPassword, UtenteID: u.ID, Creato: now, Scade: now.Add(resetTTL)}); err != nil {
		return err
	}
	m, err := messaggio("reimposta_password", u.Email, map[string]string{"Nome": u.Nome, "Link": h.link("/reimposta-password?t=" + token), "Validita": durata(resetTTL)})
	if err != nil {
		return err
	}
	return h.Store.Accoda(m, now)
}

func (h *Handlers) reimpostaPasswordForm(c *fiber.Ctx) error {
	token := c.Query("t")
	_, err := h.Store.TokenValido(security.HashToken(token), store.ScopoResetPassword, h.Now())
	return h.render(c, fiber.StatusOK, views.PaginaReimpostaPassword, tokenVM{Base: h.base(c, "Nuova password"), Token: token, Valido: err == nil, Errori: domain.Errori{}})
}

func (h *Handlers) reimpostaPassword(c *fiber.Ctx) error {
	token := c.FormValue("t")
	vm := tokenVM{Base: h.base(c, "Nuova password"), Token: token, Valido: true, Errori: domain.Errori{}}
	hashToken := security.HashToken(token)
	t, err := h.Store.TokenValido(hashToken, store.ScopoResetPassword, h.Now())
	if err != nil {
		vm.Valido = false
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaReimpostaPassword, vm)
	}
	u, err := h.Store.Utente(t.UtenteID)
	if err != nil {
		return err
	}
	password := c.FormValue("password")
	local, _, _ := strings.Cut(u.Email, "@")
	if err := security.CheckPassword(password, minimoPassword(u), u.CodiceFiscale, u.Cognome, u.Nome, local); err != nil {
		vm.Errori.Add("password", err.Error())
	} else if password != c.FormValue("conferma") {
		vm.Errori.Add("conferma", "Le due password non coincidono.")
	}
	if len(vm.Errori) > 0 {
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaReimpostaPassword, vm)
	}
	hash, err := h.Hasher.Hash(c.Context(), password)
	if err != nil {
		return err
	}
	if _, err := h.Store.ReimpostaPassword(hashToken, hash, h.Now()); err != nil {
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
