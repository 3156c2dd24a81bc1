package handlers

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"abilita/views"
)

// base fills the part of the view model every page shares.
func (h *Handlers) base(c *fiber.Ctx, titolo string) views.Base {
	csrf, _ := c.Locals(localCSRF).(string)
	b := views.Base{Titolo: titolo, CSRF: csrf, Utente: utenteDi(c), Percorso: c.Path(), ScadenzaSessione: h.secondiSessione(c)}
	if f := c.Cookies(h.cookieName("avviso")); f != "" {
		if msg, err := url.QueryUnescape(f); err == nil {
			b.Avviso = msg
		}
		h.clearCookie(c, "avviso")
	}
	return b
}

// personale is base for pages that hold personal data.
func (h *Handlers) personale(c *fiber.Ctx, titolo string) views.Base {
	b := h.base(c, titolo)
	b.Personale = true
	return b
}

// render writes page p: the whole document, or only its content block for
// an htmx request that is not a boosted navigation.
func (h *Handlers) render(c *fiber.Ctx, status int, p views.Pagina, vm any) error {
	c.Vary("HX-Request")
	name := p.Documento()
	if soloBlocco(c) {
		name = p.Blocco()
	}
	c.Status(status)
	return c.Render(name, vm)
}

// soloBlocco reports whether c is an htmx request that is not a boosted
// navigation: it gets the page's content block, not the whole document.
func soloBlocco(c *fiber.Ctx) bool {
	return c.Get("HX-Request") == "true" && c.Get("HX-Boosted") == ""
}

// partial writes a named partial template, the answer to an htmx swap.
func (h *Handlers) partial(c *fiber.Ctx, status int, name string, vm any) error {
	c.Vary("HX-Request")
	c.Status(status)
	return c.Render(name, vm)
}

// csrfDi is the CSRF token of the session, for forms drawn outside the page.
func csrfDi(c *fiber.Ctx) string {
	t, _ := c.Locals(localCSRF).(string)
	return t
}

// redirect sends the browser to path: with HX-Redirect for htmx requests
// (a 303 would be followed inside the swap), a 303 otherwise.
func (h *Handlers) redirect(c *fiber.Ctx, path string) error {
	if c.Get("HX-Request") == "true" {
		c.Set("HX-Redirect", path)
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect(path, fiber.StatusSeeOther)
}

// avviso redirects and shows msg once on the next page.
func (h *Handlers) avviso(c *fiber.Ctx, path, msg string) error {
	h.setCookie(c, "avviso", url.QueryEscape(msg), 0)
	return h.redirect(c, path)
}

type paginaErroreVM struct {
	views.Base
	Stato     int
	Messaggio string
}

func (h *Handlers) paginaErrore(c *fiber.Ctx, status int, msg string) error {
	titolo := "Errore"
	switch status {
	case fiber.StatusNotFound:
		titolo = "Pagina non trovata"
	case fiber.StatusForbidden:
		titolo = "Accesso non consentito"
	case fiber.StatusRequestEntityTooLarge:
		titolo = "Dati troppo grandi"
	}
	vm := paginaErroreVM{Base: h.base(c, titolo), Stato: status, Messaggio: msg}
	if err := h.render(c, status, views.PaginaErrore, vm); err != nil {
		h.Log.Error("rendering the error page", "err", err)
		return c.Status(status).SendString(msg)
	}
	return nil
}
