package handlers

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/security"
	"abilita/store"
	"abilita/views"
)

// Login, first factor (DESIGN.md §4): the login name (codice fiscale or
// e-mail address) and the password, throttled per account and per client
// address. Accounts with an authenticator go on to credenziali_codice.go.

type accediVM struct {
	views.Base
	Identificativo, Dopo, Errore string
	DaAttivare                   bool // the password was right, but the account must be activated first
}

func (h *Handlers) accediForm(c *fiber.Ctx) error {
	if utenteDi(c) != nil {
		return h.redirect(c, "/area")
	}
	return h.render(c, fiber.StatusOK, views.PaginaAccedi, accediVM{Base: h.base(c, "Accedi"), Dopo: destinazioneSicura(c.Query("dopo"))})
}

// errCredenziali is the one answer to a failed login, whatever failed.
const errCredenziali = "Nome utente o password non corretti."

// accedi checks the login name (codice fiscale or e-mail address) and the
// password. Accounts that need a second factor go on to /accedi/codice
// without a session; the others are logged in. An unknown name costs the
// same hash computation as a wrong password and gets the same answer.
func (h *Handlers) accedi(c *fiber.Ctx) error {
	vm := accediVM{Base: h.base(c, "Accedi"), Identificativo: normalizzaIdentificativo(c.FormValue("identificativo")), Dopo: destinazioneSicura(c.FormValue("dopo"))}
	password := c.FormValue("password")
	if vm.Identificativo == "" || password == "" {
		vm.Errore = "Indica il nome utente (codice fiscale o indirizzo e-mail) e la password."
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaAccedi, vm)
	}
	u, err := h.Store.UtentePerIdentificativo(vm.Identificativo)
	if err != nil && domain.CodiceDi(err) != domain.ErrNonTrovato {
		return err
	}
	chiave := "nome:" + vm.Identificativo
	if u != nil {
		chiave = chiaveAccount(u)
	}
	esito, attesa := h.prenotaAccesso(c, chiave)
	if esito == nil {
		vm.Errore = messaggioAttesa(attesa)
		return h.render(c, fiber.StatusTooManyRequests, views.PaginaAccedi, vm)
	}
	ok, err := h.verificaPassword(c, u, password)
	esito(ok)
	if err != nil {
		return err
	}
	h.registraPassword(c, u, ok)
	switch {
	case !ok:
		vm.Errore = errCredenziali
		return h.render(c, fiber.StatusUnauthorized, views.PaginaAccedi, vm)
	case u.DeveAttivare():
		vm.DaAttivare = true
		return h.render(c, fiber.StatusForbidden, views.PaginaAccedi, vm)
	case u.RichiedeTOTP():
		return h.attendiSecondoFattore(c, u, vm.Dopo)
	}
	if err := h.apriSessione(c, u); err != nil {
		return err
	}
	h.limiteAccount.Sblocca(chiave)
	if vm.Dopo != "" {
		return h.redirect(c, vm.Dopo)
	}
	return h.redirect(c, "/area")
}

// registraPassword records the outcome of the password in the account's
// history, except when the login goes on to its second factor, which
// records it. An unknown name costs the same write, so that the time of
// the answer does not tell it from a wrong password.
func (h *Handlers) registraPassword(c *fiber.Ctx, u *domain.Utente, ok bool) {
	var err error
	switch {
	case u == nil:
		err = h.Store.EliminaSessione(security.HashToken(security.NewToken()))
	case ok && u.RichiedeTOTP() && !u.DeveAttivare():
	default:
		err = h.dopoAccesso(c, u, domain.MetodoPassword, ok && !u.RichiedeTOTP())
	}
	if err != nil {
		h.Log.Error("recording a login", "err", err)
	}
}

// chiaveAccount is the key of an account in the login throttles, the same
// whichever login name was typed.
func chiaveAccount(u *domain.Utente) string { return "utente:" + itoa(u.ID) }

// prenotaAccesso reserves a login attempt for the typed account and the
// client address. Unknown accounts are throttled like real ones, so the
// answer tells nothing about who is registered.
func (h *Handlers) prenotaAccesso(c *fiber.Ctx, account string) (func(bool), time.Duration) {
	esitoIP, attesa := h.limiteIP.Prenota(c.IP())
	if esitoIP == nil {
		return nil, attesa
	}
	esitoAccount, attesa := h.limiteAccount.Prenota(account)
	if esitoAccount == nil {
		esitoIP(true) // the address did nothing wrong this time
		return nil, attesa
	}
	return func(ok bool) { esitoAccount(ok); esitoIP(ok) }, 0
}

func messaggioAttesa(d time.Duration) string {
	if d == security.Bloccato {
		return "Troppi tentativi non riusciti: l'accesso è bloccato. Reimposta la password con «Hai dimenticato la password?»."
	}
	if d < time.Minute {
		return "Troppi tentativi non riusciti. Riprova tra qualche secondo."
	}
	return fmt.Sprintf("Troppi tentativi non riusciti. Riprova tra %d minuti.", int(d.Round(time.Minute)/time.Minute))
}

// verificaPassword checks the password of u, which may be nil (an unknown
// name): that costs the same hash computation as a wrong password. A
// suspended or revoked account fails like a wrong password.
func (h *Handlers) verificaPassword(c *fiber.Ctx, u *domain.Utente, password string) (bool, error) {
	if u == nil || u.PasswordHash == "" {
		h.Hasher.VerifyDummy(c.Context(), password)
		return false, nil
	}
	ok, rehash, err := h.Hasher.Verify(c.Context(), password, u.PasswordHash)
	if err != nil {
		h.Log.Warn("password hash refused", "user", u.ID, "err", err)
		ok = false
	}
	if ok && rehash {
		h.aggiornaHash(c, u.ID, password)
	}
	return ok && u.Attivo(), nil
}

// aggiornaHash re-hashes a password whose hash has old parameters. A failure
// is logged, not shown: the login itself succeeded.
func (h *Handlers) aggiornaHash(c *fiber.Ctx, id uint64, password string) {
	hash, err := h.Hasher.Hash(c.Context(), password)
	if err == nil {
		err = h.Store.AggiornaUtente(id, func(u *domain.Utente) error { u.PasswordHash = hash; return nil })
	}
	if err != nil {
		h.Log.Error("rehashing password", "user", id, "err", err)
	}
}

// apriSessione starts a session of u with a password-only login.
func (h *Handlers) apriSessione(c *fiber.Ctx, u *domain.Utente) error {
	token, ss := h.nuovaSessione(c, u)
	if err := h.Store.CreaSessione(ss); err != nil {
		return err
	}
	return h.impostaSessione(c, token)
}

// nuovaSessione prepares a new session, with a new id, for u; the caller
// stores it (alone, or together with the use of a second factor) and then
// calls impostaSessione.
func (h *Handlers) nuovaSessione(c *fiber.Ctx, u *domain.Utente) (string, store.Sessione) {
	token := security.NewToken()
	now := h.Now()
	ua := c.Get(fiber.HeaderUserAgent)
	if len(ua) > 200 {
		ua = ua[:200]
	}
	return token, store.Sessione{Hash: security.HashToken(token), UtenteID: u.ID, Creata: now, UltimoUso: now, IP: c.IP(), UserAgent: ua}
}

// impostaSessione ends the session this browser had, if any, and gives it
// the new session's token and a new CSRF token, so that nothing set before
// the login survives it.
func (h *Handlers) impostaSessione(c *fiber.Ctx, token string) error {
	if old := c.Cookies(h.cookieName("sessione")); old != "" {
		if err := h.Store.EliminaSessione(security.HashToken(old)); err != nil {
			return err
		}
	}
	h.setCookie(c, "sessione", token, 0)
	h.setCookie(c, localCSRF, security.NewToken(), 0)
	return nil
}
