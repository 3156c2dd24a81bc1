package handlers

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/store"
	"abilita/views"
)

// headerSecondiSessione tells the page's script, on every answer to a
// logged-in user, how many seconds the session has left: htmx requests and
// the renewal move the idle deadline without a new page.
const headerSecondiSessione = "X-Sessione-Secondi"

// dopoAccesso records a login (successful or not) in the user's history and,
// when a successful one comes from a device the account never used, tells
// the holder by e-mail. The login handlers call it once they know the outcome.
func (h *Handlers) dopoAccesso(c *fiber.Ctx, u *domain.Utente, metodo domain.MetodoAccesso, riuscito bool) error {
	a := store.Accesso{Quando: h.Now(), IP: c.IP(), UserAgent: c.Get(fiber.HeaderUserAgent), Riuscito: riuscito, Metodo: metodo}
	nuovo, err := h.Store.RegistraAccesso(u.ID, a)
	if err != nil || !nuovo || u.Email == "" {
		return err
	}
	m, err := messaggio("nuovo_dispositivo", u.Email, map[string]string{
		"Nome": u.Nome, "Quando": quandoTesto(a.Quando), "Dispositivo": domain.DispositivoDa(a.UserAgent).Nome, "IP": a.IP,
		"Sessioni": h.link("/account/sessioni"), "Password": h.link("/account/password"), "Dimenticata": h.link("/password-dimenticata"),
	})
	if err != nil {
		return err
	}
	return h.Store.Accoda(m, a.Quando)
}

// quandoTesto writes a moment as the pages do, for e-mails.
func quandoTesto(t time.Time) string { return t.In(views.Rome).Format("02/01/2006 alle 15:04") }

// scadenzaSessione is when the session ends if nothing happens: the idle
// timeout from its last use, or its absolute end if that comes first.
func (h *Handlers) scadenzaSessione(ss store.Sessione) time.Time {
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
	ss, ok := c.Locals(localSessione).(store.Sessione)
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
	ss, ok := c.Locals(localSessione).(store.Sessione)
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
