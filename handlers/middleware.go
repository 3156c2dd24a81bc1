package handlers

import (
	"errors"
	"io"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"abilita/domain"
	"abilita/posta"
	"abilita/security"
	"abilita/store"
)

const (
	localIP       = "ip"
	localUtente   = "utente"
	localSessione = "sessione"
	localCSRF     = "csrf"
	csrfCampo     = "_csrf"
	csrfHeader    = "X-CSRF-Token"
)

// csp allows nothing inline: htmx is configured by a meta tag and every
// script is a file of ours.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// registro logs every request once it is answered: method, path (never the
// query, which may carry single-use tokens), status and duration; and times
// it in the metrics by its route.
func (h *Handlers) registro(c *fiber.Ctx) error {
	inizio := time.Now()
	c.Locals(localIP, h.indirizzoCliente(c))
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		status = statusDi(err)
	}
	durata := time.Since(inizio)
	h.metriche.durata.WithLabelValues(c.Route().Path, c.Method(), strconv.Itoa(status/100)+"xx").Observe(durata.Seconds())
	h.Log.Info("richiesta", "metodo", c.Method(), "percorso", c.Path(), "stato", status, "durata_ms", durata.Milliseconds(), "ip", ip(c))
	return err
}

// indirizzoCliente is the address of the client: the connecting one, or,
// when that is a trusted proxy, the one the proxies recorded in
// X-Forwarded-For. The header is read from the right, skipping the trusted
// proxies: entries further left were written by the client itself and
// could say anything.
func (h *Handlers) indirizzoCliente(c *fiber.Ctx) string {
	remoto := c.Context().RemoteIP().String()
	if len(h.cfg.ProxyFidati) == 0 || !c.IsProxyTrusted() {
		return remoto
	}
	voci := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	for i := len(voci) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(voci[i]))
		if err != nil {
			break // a proxy of ours never writes this: trust nothing further
		}
		a = a.Unmap()
		if !fidato(h.cfg.ProxyFidati, a) {
			return a.String()
		}
		remoto = a.String()
	}
	return remoto
}

func fidato(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ip is the client's address as indirizzoCliente found it.
func ip(c *fiber.Ctx) string {
	if s, ok := c.Locals(localIP).(string); ok {
		return s
	}
	return c.Context().RemoteIP().String()
}

// sicurezza sets the security headers of every dynamic response. Pages are
// never cached: most hold personal data.
func (h *Handlers) sicurezza(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", csp)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	c.Set("Cache-Control", "no-store")
	if h.cfg.SecureCookies {
		c.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	}
	return c.Next()
}

// cookieName adds the __Host- prefix under TLS, where browsers then refuse
// the cookie unless it is Secure, host-only and for the whole site.
func (h *Handlers) cookieName(base string) string {
	if h.cfg.SecureCookies {
		return "__Host-abilita_" + base
	}
	return "abilita_" + base
}

func (h *Handlers) setCookie(c *fiber.Ctx, name, value string, maxAge time.Duration) {
	c.Cookie(&fiber.Cookie{
		Name:     h.cookieName(name),
		Value:    value,
		Path:     "/",
		MaxAge:   int(maxAge.Seconds()),
		Secure:   h.cfg.SecureCookies,
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}

func (h *Handlers) clearCookie(c *fiber.Ctx, name string) {
	c.Cookie(&fiber.Cookie{
		Name: h.cookieName(name), Path: "/", Expires: fasthttp.CookieExpireDelete,
		Secure: h.cfg.SecureCookies, HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// sessione loads the logged-in user, if any, ending sessions that are idle
// or too old and those of suspended users.
func (h *Handlers) sessione(c *fiber.Ctx) error {
	token := c.Cookies(h.cookieName("sessione"))
	if token == "" {
		return c.Next()
	}
	hash := security.HashToken(token)
	ss, u, err := h.Store.SessioneAttiva(hash)
	if domain.CodiceDi(err) == domain.ErrNonTrovato && u == nil && ss.UtenteID == 0 {
		h.clearCookie(c, "sessione")
		return c.Next()
	}
	if err != nil && domain.CodiceDi(err) != domain.ErrNonTrovato {
		return err
	}
	now := h.Now()
	inattiva, vecchia := now.Sub(ss.UltimoUso) > h.cfg.SessionIdle, now.Sub(ss.Creata) > h.cfg.SessionMax
	if u == nil || u.Sospeso || u.Revocato || inattiva || vecchia {
		if delErr := h.Store.EliminaSessione(hash); delErr != nil {
			return delErr
		}
		h.clearCookie(c, "sessione")
		// Said on the next page, the login page when this one is private.
		switch {
		case vecchia:
			h.setCookie(c, "avviso", url.QueryEscape("La sessione è scaduta: dopo "+posta.Durata(h.cfg.SessionMax)+" è necessario accedere di nuovo."), 0)
		case inattiva:
			h.setCookie(c, "avviso", url.QueryEscape("La sessione è scaduta dopo "+posta.Durata(h.cfg.SessionIdle)+" di inattività: accedi di nuovo per continuare."), 0)
		}
		return c.Next()
	}
	// Writing on every request would serialise all of them on bbolt's single
	// writer; a minute of precision is enough for the idle timeout.
	if now.Sub(ss.UltimoUso) > time.Minute {
		if err := h.Store.TocaSessione(hash, now); err != nil {
			return err
		}
		ss.UltimoUso = now
	}
	c.Locals(localUtente, u)
	c.Locals(localSessione, ss)
	c.Set(headerSecondiSessione, strconv.FormatInt(h.secondiSessione(c), 10))
	return c.Next()
}

func utenteDi(c *fiber.Ctx) *domain.Utente {
	u, _ := c.Locals(localUtente).(*domain.Utente)
	return u
}

// limitaCorpo caps request bodies. Fiber streams bodies (for uploads) and then
// never enforces BodyLimit, so every route but the upload reads at most
// FormLimit bytes; more is answered 413 and the connection closed, since the
// rest of the body is left unread.
func (h *Handlers) limitaCorpo(c *fiber.Ctx) error {
	if c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead || h.rottaDiCaricamento(c) {
		return c.Next()
	}
	max := h.cfg.FormLimit
	if int64(c.Request().Header.ContentLength()) > max {
		return troppoGrande(c)
	}
	if stream := c.Context().RequestBodyStream(); stream != nil {
		body, err := io.ReadAll(io.LimitReader(stream, max+1))
		if err != nil {
			return fiber.ErrBadRequest
		}
		if int64(len(body)) > max {
			return troppoGrande(c)
		}
		c.Request().SetBody(body)
	}
	return c.Next()
}

func troppoGrande(c *fiber.Ctx) error {
	c.Context().SetConnectionClose()
	return fiber.ErrRequestEntityTooLarge
}

// rottaDiCaricamento reports whether the request is an upload, the one kind
// of request whose body is streamed and may be multipart: a multipart POST
// to a route registered with caricamento.
func (h *Handlers) rottaDiCaricamento(c *fiber.Ctx) bool {
	if c.Method() != fiber.MethodPost || !strings.HasPrefix(string(c.Request().Header.ContentType()), "multipart/") {
		return false
	}
	return slices.ContainsFunc(h.caricamenti, func(r *regexp.Regexp) bool { return r.MatchString(c.Path()) })
}

// csrf gives every visitor a random token in a cookie and requires it back,
// in the _csrf form field or the X-CSRF-Token header, on every unsafe
// request, together with a same-origin check. Uploads carry the token as
// their first multipart part and are checked by their handler, since reading
// the form here would consume the streamed body.
func (h *Handlers) csrf(c *fiber.Ctx) error {
	token := c.Cookies(h.cookieName(localCSRF))
	if len(token) < 32 {
		token = security.NewToken()
		h.setCookie(c, localCSRF, token, 0)
	}
	c.Locals(localCSRF, token)
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if !h.stessaOrigine(c) {
		return errCSRF
	}
	multipart := strings.HasPrefix(string(c.Request().Header.ContentType()), "multipart/")
	if multipart && !h.rottaDiCaricamento(c) {
		return fiber.ErrUnsupportedMediaType
	}
	sent := c.Get(csrfHeader)
	if sent == "" && !multipart {
		sent = c.FormValue(csrfCampo)
	}
	if sent == "" && multipart {
		return c.Next() // checked by the upload handler on its first part
	}
	if !security.EqualTokens(sent, token) {
		return errCSRF
	}
	return c.Next()
}

var errCSRF = &domain.Errore{Codice: domain.ErrNonAmmesso, Messaggio: "La sessione del modulo è scaduta o la richiesta non proviene da questo sito. Ricarica la pagina e riprova."}

// verificaCSRF checks a token read by a handler itself (uploads).
func (h *Handlers) verificaCSRF(c *fiber.Ctx, sent string) error {
	if c.Get(csrfHeader) != "" {
		return nil // already checked by the middleware
	}
	token, _ := c.Locals(localCSRF).(string)
	if sent == "" || !security.EqualTokens(sent, token) {
		return errCSRF
	}
	return nil
}

// stessaOrigine refuses requests that a browser marks as coming from another
// site, the second line of defence behind the token.
func (h *Handlers) stessaOrigine(c *fiber.Ctx) bool {
	switch c.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return false
	}
	origin := c.Get("Origin")
	if origin == "" || origin == "null" && c.Get("Sec-Fetch-Site") == "" {
		return true
	}
	o, err := url.Parse(origin)
	if err != nil {
		return false
	}
	if o.Host == string(c.Request().Host()) {
		return true
	}
	if pub, err := url.Parse(h.cfg.PublicURL); err == nil && pub.Host == o.Host {
		return true
	}
	return false
}

// utente lets only logged-in users through; others go to the login page.
func (h *Handlers) utente(c *fiber.Ctx) error {
	if utenteDi(c) == nil {
		if c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead {
			return h.redirect(c, "/accedi?dopo="+url.QueryEscape(c.OriginalURL()))
		}
		return &domain.Errore{Codice: domain.ErrNonAutentico, Messaggio: "Accedi per continuare."}
	}
	return c.Next()
}

// ruolo lets through only logged-in users with one of the roles.
func (h *Handlers) ruolo(ruoli ...domain.Ruolo) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u := utenteDi(c)
		if u == nil {
			return h.utente(c)
		}
		for _, r := range ruoli {
			if u.Ruolo == r {
				return c.Next()
			}
		}
		return &domain.Errore{Codice: domain.ErrNonAmmesso, Messaggio: "Questa pagina non è disponibile per il tuo profilo."}
	}
}

// verificato lets through only users who verified their e-mail address.
func (h *Handlers) verificato(c *fiber.Ctx) error {
	if u := utenteDi(c); u == nil || !u.Verificato() {
		return &domain.Errore{Codice: domain.ErrNonAmmesso, Messaggio: "Per continuare conferma il tuo indirizzo e-mail con il collegamento che ti abbiamo inviato."}
	}
	return c.Next()
}

// errore is the one place that turns errors into pages: domain codes become
// statuses, internal errors are logged and never shown.
func (h *Handlers) errore(c *fiber.Ctx, err error) error {
	if store.DiscoRifiuta(err) {
		err = h.Store.SegnalaScrittura(err) // an attachment's file: /readyz turns red too
	}
	status := statusDi(err)
	msg := domain.MessaggioDi(err)
	var fe *fiber.Error
	if errors.As(err, &fe) {
		msg = messaggioHTTP(fe.Code)
	}
	if status >= 500 {
		h.Log.Error("request failed", "method", c.Method(), "path", c.Path(), "err", err)
	}
	c.Set("Cache-Control", "no-store")
	if h.rottaDiCaricamento(c) {
		// The streamed body may be left unread: on a kept-alive connection
		// its rest would be parsed as the next request. What is left of an
		// upload within the limit is read first, so that the browser, still
		// sending, gets this page rather than a reset connection.
		if status != fiber.StatusRequestEntityTooLarge {
			if corpo := c.Context().RequestBodyStream(); corpo != nil {
				_, _ = io.CopyN(io.Discard, corpo, h.cfg.UploadLimit+1)
			}
		}
		c.Context().SetConnectionClose()
	}
	return h.paginaErrore(c, status, msg)
}

// statusDi maps an error to its HTTP status.
func statusDi(err error) int {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		return fe.Code
	}
	switch domain.CodiceDi(err) {
	case domain.ErrNonValido:
		return fiber.StatusUnprocessableEntity
	case domain.ErrNonTrovato:
		return fiber.StatusNotFound
	case domain.ErrNonAmmesso:
		return fiber.StatusForbidden
	case domain.ErrConflitto:
		return fiber.StatusConflict
	case domain.ErrNonAutentico:
		return fiber.StatusUnauthorized
	case domain.ErrSalvataggio:
		return fiber.StatusServiceUnavailable
	}
	return fiber.StatusInternalServerError
}

func messaggioHTTP(code int) string {
	switch code {
	case fiber.StatusNotFound:
		return "La pagina che cerchi non esiste o è stata spostata."
	case fiber.StatusMethodNotAllowed:
		return "Operazione non consentita su questa pagina."
	case fiber.StatusRequestEntityTooLarge:
		return "I dati inviati superano la dimensione massima consentita. Per gli allegati il limite è indicato accanto a ogni campo."
	case fiber.StatusUnsupportedMediaType:
		return "Il formato dei dati inviati non è ammesso su questa pagina."
	case fiber.StatusForbidden:
		return "Non hai i permessi per questa operazione."
	case fiber.StatusBadRequest:
		return "La richiesta non è valida."
	case fiber.StatusTooManyRequests:
		return "Troppi tentativi. Attendi qualche minuto e riprova."
	}
	if code >= 500 {
		return domain.MessaggioDi(errors.New(""))
	}
	return "La richiesta non può essere elaborata."
}

func (h *Handlers) nonTrovata(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (h *Handlers) healthz(c *fiber.Ctx) error { return c.SendString("ok") }

func (h *Handlers) readyz(c *fiber.Ctx) error {
	if err := h.Store.Pronto(); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).SendString("store non disponibile")
	}
	if err := h.Store.Scrive(); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).SendString("scritture non riuscite: il disco rifiuta i dati")
	}
	return c.SendString("ok")
}
