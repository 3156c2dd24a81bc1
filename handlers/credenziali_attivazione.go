package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/security"
	"abilita/views"
)

// Activation (DESIGN.md §4): the login name and both parts of the code open
// a short activation, held by a cookie, whose steps are in
// credenziali_passi.go. The same pages activate credential holders,
// operators and administrators.

// cookieAttivazione holds the token of an activation in progress.
const cookieAttivazione = "attivazione"

type attivazioneVM struct {
	views.Base
	Identificativo string
	Errori         domain.Errori
	Errore         string // the code was refused: one message, whatever was wrong
}

func (h *Handlers) attivazioneForm(c *fiber.Ctx) error {
	vm := attivazioneVM{Base: h.personale(c, "Attiva le credenziali"), Errori: domain.Errori{}}
	return h.render(c, fiber.StatusOK, views.PaginaAttivazione, vm)
}

// attivazione checks the login name and the two parts of the code. Unknown
// name, wrong part, expired or used code: one answer for all. A code that
// works is used up here, and the person goes on through the steps.
func (h *Handlers) attivazione(c *fiber.Ctx) error {
	vm := attivazioneVM{Base: h.personale(c, "Attiva le credenziali"), Identificativo: normalizzaIdentificativo(c.FormValue("identificativo")), Errori: domain.Errori{}}
	parte1, parte2 := strings.TrimSpace(c.FormValue("parte1")), strings.TrimSpace(c.FormValue("parte2"))
	for campo, v := range map[string]string{"identificativo": vm.Identificativo, "parte1": parte1, "parte2": parte2} {
		if msg := domain.ControllaTesto(v); msg != "" {
			vm.Errori.Add(campo, msg)
		}
	}
	if vm.Identificativo == "" {
		vm.Errori.Add("identificativo", "Indica il codice fiscale (o l'indirizzo e-mail, se sei un operatore o un amministratore).")
	}
	if parte1 == "" {
		vm.Errori.Add("parte1", "Indica la prima parte del codice, ricevuta per e-mail.")
	}
	if parte2 == "" {
		vm.Errori.Add("parte2", "Indica la seconda parte del codice.")
	}
	if len(vm.Errori) > 0 {
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaAttivazione, vm)
	}
	// Codes cannot be guessed, but every attempt takes bbolt's one writer:
	// attempts count like failed logins from the same address.
	esito, attesa := h.limiteIP.Prenota(ip(c))
	if esito == nil {
		vm.Errore = messaggioAttesa(attesa)
		return h.render(c, fiber.StatusTooManyRequests, views.PaginaAttivazione, vm)
	}
	token := security.NewToken()
	_, err := h.Store.IniziaAttivazione(vm.Identificativo, parte1, parte2, security.HashToken(token), h.Now())
	rifiutato := err != nil && domain.CodiceDi(err) == domain.ErrNonValido
	esito(!rifiutato)
	switch {
	case rifiutato:
		vm.Errore = domain.MessaggioDi(err)
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaAttivazione, vm)
	case domain.CodiceDi(err) == domain.ErrNonAmmesso: // a suspended account, with the right code
		vm.Errore = domain.MessaggioDi(err)
		return h.render(c, fiber.StatusForbidden, views.PaginaAttivazione, vm)
	case err != nil:
		return err
	}
	return h.proseguiAttivazione(c, token)
}

// normalizzaIdentificativo is a login name as the store compares it.
func normalizzaIdentificativo(s string) string {
	if strings.Contains(s, "@") {
		return domain.NormalizzaEmail(s)
	}
	return domain.NormalizzaCodiceFiscale(s)
}

// attivazioneInCorso is the activation this browser is going through.
type attivazioneInCorso struct {
	hash   string // of the token in the cookie
	stato  *domain.AttivazioneInCorso
	utente *domain.Utente
}

// attivazioneCorrente loads the activation of the cookie; without one, or
// once expired, it returns the store's ErrNonValido error.
func (h *Handlers) attivazioneCorrente(c *fiber.Ctx) (*attivazioneInCorso, error) {
	hash := security.HashToken(c.Cookies(h.cookieName(cookieAttivazione)))
	a, u, err := h.Store.AttivazioneInCorso(hash, h.Now())
	if err != nil {
		return nil, err
	}
	return &attivazioneInCorso{hash: hash, stato: a, utente: u}, nil
}

// senzaAttivazione answers a step asked for without a live activation:
// back to the first page, saying why.
func (h *Handlers) senzaAttivazione(c *fiber.Ctx, err error) error {
	if codice := domain.CodiceDi(err); codice != domain.ErrNonValido && codice != domain.ErrNonAmmesso {
		return err
	}
	h.clearCookie(c, cookieAttivazione)
	return h.avviso(c, "/attivazione", domain.MessaggioDi(err))
}
