package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"abilita/cf"
	"abilita/security"
	"abilita/views"
)

// Pages that every anonymous visitor sees the same, but for the CSRF token,
// are rendered once and served from memory (DESIGN.md §5): through the
// template engine a page costs several times what sending it does.

// pagineFisse holds the pages rendered once. The zero value is ready to use.
type pagineFisse struct {
	statiche sync.Map // views.Pagina → *memo[paginaFissa]
	sedi     memo[sediDelGiorno]
	privacy  memo[privacyAttuale]
}

// paginaFissa is a page as an anonymous visitor gets it, whole and as its
// content block, each split where the CSRF token goes: sending it is writing
// the parts with the visitor's token between them.
type paginaFissa struct {
	documento, blocco [][]byte
}

// soloBase is the view model of a page that needs nothing but the base:
// the pages hand their header and footer .Base, since a field reached
// through an embedded struct costs templates a reflective search each time.
type soloBase struct{ views.Base }

// statica writes page p, whose view model is the base alone.
func (h *Handlers) statica(c *fiber.Ctx, p views.Pagina, titolo string) error {
	return h.fissa(c, h.pagine.di(p), p, titolo, func(b views.Base) any { return soloBase{b} })
}

// di returns where page p is kept, for a page that depends on nothing stored.
func (f *pagineFisse) di(p views.Pagina) *memo[paginaFissa] {
	m, ok := f.statiche.Load(p)
	if !ok {
		m, _ = f.statiche.LoadOrStore(p, new(memo[paginaFissa]))
	}
	return m.(*memo[paginaFissa])
}

// fissa writes page p, whose view model vm builds from the base: from m for
// an anonymous visitor, rendered as usual for everyone else.
func (h *Handlers) fissa(c *fiber.Ctx, m *memo[paginaFissa], p views.Pagina, titolo string, vm func(views.Base) any) error {
	token, _ := c.Locals(localCSRF).(string)
	if !h.daMemoria(c, token) {
		return h.render(c, fiber.StatusOK, p, vm(h.base(c, titolo)))
	}
	pg, err := m.prendi(nil, func() (*paginaFissa, error) {
		segnaposto := security.NewToken()
		return componi(c.App().Config().Views, p, vm(views.Base{Titolo: titolo, CSRF: segnaposto, Percorso: c.Path()}), segnaposto)
	})
	if err != nil {
		return err
	}
	parti := pg.documento
	if soloBlocco(c) {
		parti = pg.blocco
	}
	// The headers render sets; the middleware set the others already.
	c.Vary("HX-Request")
	c.Status(fiber.StatusOK)
	c.Response().Header.SetContentType(fiber.MIMETextHTMLCharsetUTF8)
	scriviConToken(c.Response(), parti, token)
	return nil
}

// daMemoria reports whether the page kept in memory is the answer to c: the
// visitor is anonymous, has no one-time message (base would show it and
// clear its cookie), asks for the page by its route's own spelling (the menu
// marks the entry equal to the path) and has a token that html/template
// writes unchanged (the csrf middleware keeps any cookie of 32 characters or more).
func (h *Handlers) daMemoria(c *fiber.Ctx, token string) bool {
	return utenteDi(c) == nil && c.Cookies(h.cookieName("avviso")) == "" && c.Path() == c.Route().Path && senzaEscape(token)
}

// senzaEscape reports whether s is base64url, the alphabet of
// security.NewToken: html/template writes such a string unchanged in text,
// attribute, JavaScript and URL contexts alike.
func senzaEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9', ch == '-', ch == '_':
		default:
			return false
		}
	}
	return s != ""
}

// componi renders page p, whole and as its content block, with vm whose
// CSRF token is segnaposto, and splits both where segnaposto is.
func componi(v fiber.Views, p views.Pagina, vm any, segnaposto string) (*paginaFissa, error) {
	if !senzaEscape(segnaposto) {
		return nil, errors.New("pagine fisse: the CSRF placeholder would be escaped")
	}
	var pg paginaFissa
	for _, r := range []struct {
		nome  string
		parti *[][]byte
	}{{p.Documento(), &pg.documento}, {p.Blocco(), &pg.blocco}} {
		var buf bytes.Buffer
		if err := v.Render(&buf, r.nome, vm); err != nil {
			return nil, fmt.Errorf("failed to render: %w", err)
		}
		*r.parti = bytes.Split(buf.Bytes(), []byte(segnaposto))
	}
	return &pg, nil
}

// scriviConToken sets the body to the parts with token between them.
func scriviConToken(res *fasthttp.Response, parti [][]byte, token string) {
	res.ResetBody()
	res.AppendBody(parti[0])
	for _, p := range parti[1:] {
		res.AppendBodyString(token)
		res.AppendBody(p)
	}
}

// senzaQuery reports whether the request has no query string.
func senzaQuery(c *fiber.Ctx) bool { return len(c.Request().URI().QueryString()) == 0 }

// sediDelGiorno holds the provinces the lists offer (the sedi page, the
// request form) and the sedi page itself. Both are drawn again when the sedi change (the store's
// VersioneSedi) and from one day to the next: cf.Province depends on the day.
type sediDelGiorno struct {
	province []provincia
	scade    time.Time // the next midnight
	versione uint64    // of the sedi drawn
	pagina   memo[paginaFissa]
}

// sediDiOggi returns today's provinces and where the sedi page is kept.
func (h *Handlers) sediDiOggi() *sediDelGiorno {
	ora, versione := h.Now(), h.Store.VersioneSedi()
	fresco := func(sg *sediDelGiorno) bool { return ora.Before(sg.scade) && sg.versione == versione }
	sg, _ := h.pagine.sedi.prendi(fresco, func() (*sediDelGiorno, error) {
		a, m, g := ora.Date()
		return &sediDelGiorno{province: elencoProvince(cf.Province()), scade: time.Date(a, m, g+1, 0, 0, 0, 0, ora.Location()), versione: versione}, nil
	})
	return sg // never nil: computing it cannot fail
}

// memo is a value computed on first use and kept until it is no longer
// fresh.
type memo[T any] struct {
	mu sync.Mutex // one computation at a time
	v  atomic.Pointer[T]
}

// prendi returns the value kept, computing it with calcola when there is none
// or fresco (if not nil) says it is stale. Errors are not kept.
func (m *memo[T]) prendi(fresco func(*T) bool, calcola func() (*T, error)) (*T, error) {
	if v := m.v.Load(); v != nil && (fresco == nil || fresco(v)) {
		return v, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if v := m.v.Load(); v != nil && (fresco == nil || fresco(v)) {
		return v, nil
	}
	v, err := calcola()
	if err != nil {
		return nil, err
	}
	m.v.Store(v)
	return v, nil
}
