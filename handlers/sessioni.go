package handlers

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/posta"
	"abilita/security"
	"abilita/store"
)

// headerSecondiSessione tells the page's script, on every answer to a
// logged-in user, how many seconds the session has left: htmx requests and
// the renewal move the idle deadline without a new page.
const headerSecondiSessione = "X-Sessione-Secondi"

// tentativo is a login attempt by this browser on u, as the history keeps it.
func (h *Handlers) tentativo(c *fiber.Ctx, metodo domain.MetodoAccesso) domain.Accesso {
	return domain.Accesso{Quando: h.Now(), IP: ip(c), UserAgent: c.Get(fiber.HeaderUserAgent), Metodo: metodo}
}

// fallito records a failed attempt on u (nil: an unknown name, which costs
// the same write, so that the time of the answer does not tell it from a
// wrong password). A failure to record is logged: the answer stands.
func (h *Handlers) fallito(c *fiber.Ctx, u *domain.Utente, metodo domain.MetodoAccesso) {
	var id uint64
	if u != nil {
		id = u.ID
	}
	h.metriche.falliti.WithLabelValues(string(metodo)).Inc()
	if err := h.Store.RegistraAccesso(id, h.tentativo(c, metodo)); err != nil {
		h.Log.Error("recording a login", "user", id, "err", err)
	}
}

// ingresso prepares the successful login of u by this browser: a new
// session with a new id, the attempt for the history, the e-mail the store
// sends if the device is new, and the session the browser had, which ends.
// The caller passes it to the store with the second factor, then calls
// impostaSessione with the token.
func (h *Handlers) ingresso(c *fiber.Ctx, u *domain.Utente, metodo domain.MetodoAccesso) (string, store.Ingresso, error) {
	token, in := h.nuovaSessione(c, metodo)
	in.Sessione.UtenteID = u.ID
	a := in.Accesso
	if u.Email != "" {
		m, err := posta.Messaggio("nuovo_dispositivo", u.Email, map[string]string{
			"Nome": u.Nome, "Quando": posta.Quando(a.Quando), "Dispositivo": domain.DispositivoDa(a.UserAgent).Nome, "IP": a.IP,
			"Sessioni": h.link("/account/sessioni"), "Password": h.link("/account/password"), "Dimenticata": h.link("/password-dimenticata"),
		})
		if err != nil {
			return "", in, err
		}
		in.Avviso = m
	}
	return token, in, nil
}

// nuovaSessione is the session a login opens, its token, and the attempt
// to record; the caller names the account.
func (h *Handlers) nuovaSessione(c *fiber.Ctx, metodo domain.MetodoAccesso) (string, store.Ingresso) {
	token := security.NewToken()
	a := h.tentativo(c, metodo)
	ua := a.UserAgent
	if len(ua) > 200 {
		ua = ua[:200]
	}
	in := store.Ingresso{
		Sessione: domain.Sessione{Hash: security.HashToken(token), Creata: a.Quando, UltimoUso: a.Quando, IP: a.IP, UserAgent: ua},
		Accesso:  a,
	}
	if old := c.Cookies(h.cookieName("sessione")); old != "" {
		in.Vecchia = security.HashToken(old)
	}
	return token, in
}

// impostaSessione gives this browser the new session's token and a new
// CSRF token, so that nothing set before the login survives it.
func (h *Handlers) impostaSessione(c *fiber.Ctx, token string) {
	h.setCookie(c, "sessione", token, 0)
	h.setCookie(c, localCSRF, security.NewToken(), 0)
}

// scadenzaSessione is when the session ends if nothing happens: the idle
// timeout from its last use, or its absolute end if that comes first.
func (h *Handlers) scadenzaSessione(ss domain.Sessione) time.Time {
	idle, fine := ss.UltimoUso.Add(h.cfg.SessionIdle), ss.Creata.Add(h.cfg.SessionMax)
	if fine.Before(idle) {
		return fine
	}
	return idle
}

// secondiSessione is how many seconds the current session has left, 0
// without one. Pages carry it rather than a time of day, so that a client
// whose clock is wrong still warns the user in time.
func (h *Handlers) secondiSessione(c *fiber.Ctx) int64 {
	ss, ok := c.Locals(localSessione).(domain.Sessione)
	if !ok {
		return 0
	}
	// Rounded up: the page must not count the session over before the server does.
	return max(0, int64((h.scadenzaSessione(ss).Sub(h.Now())+time.Second-1)/time.Second))
}

// rinnovaSessione is the "Resta collegato" of the idle warning: it records
// the session as used now and answers with the seconds it has left, which
// stay short when the absolute limit is near.
func (h *Handlers) rinnovaSessione(c *fiber.Ctx) error {
	ss, ok := c.Locals(localSessione).(domain.Sessione)
	if !ok {
		return &domain.Errore{Codice: domain.ErrNonAutentico, Messaggio: "Accedi per continuare."}
	}
	ss.UltimoUso = h.Now()
	if err := h.Store.TocaSessione(ss.Hash, ss.UltimoUso); err != nil {
		return err
	}
	c.Locals(localSessione, ss)
	c.Set(headerSecondiSessione, strconv.FormatInt(h.secondiSessione(c), 10))
	return c.SendStatus(fiber.StatusNoContent)
}
