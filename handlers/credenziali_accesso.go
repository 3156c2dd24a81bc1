package handlers

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/security"
	"abilita/views"
)

// Login, first factor (DESIGN.md §4): the login name (codice fiscale or
// e-mail address) and the password, throttled per account and per client
// address. Accounts with an authenticator go on to credenziali_codice.go.

type accediVM struct {
	views.Base
	Identificativo, Dopo, Errore string
	DaAttivare                   bool // the password was right, but the account must be activated first
	Forti                        []metodoForte
}

func (h *Handlers) accediForm(c *fiber.Ctx) error {
	if utenteDi(c) != nil {
		return h.redirect(c, "/area")
	}
	return h.render(c, fiber.StatusOK, views.PaginaAccedi, accediVM{Base: h.base(c, "Accedi"), Dopo: destinazioneSicura(c.Query("dopo")), Forti: h.metodiForti()})
}

// errCredenziali is the one answer to a failed login, whatever failed.
const errCredenziali = "Nome utente o password non corretti."

// accedi checks the login name (codice fiscale or e-mail address) and the
// password. Accounts that need a second factor go on to /accedi/codice
// without a session; the others are logged in. An unknown name costs the
// same hash computation as a wrong password and gets the same answer.
func (h *Handlers) accedi(c *fiber.Ctx) error {
	vm := accediVM{Base: h.base(c, "Accedi"), Identificativo: normalizzaIdentificativo(c.FormValue("identificativo")), Dopo: destinazioneSicura(c.FormValue("dopo")), Forti: h.metodiForti()}
	password := c.FormValue("password")
	if vm.Identificativo == "" || password == "" {
		vm.Errore = "Indica il nome utente (codice fiscale o indirizzo e-mail) e la password."
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaAccedi, vm)
	}
	u, err := h.Store.UtentePerIdentificativo(vm.Identificativo)
	if err != nil && domain.CodiceDi(err) != domain.ErrNonTrovato {
		return err
	}
	if u != nil && u.Scaduto(h.Now()) {
		u = nil // a registration never confirmed in time logs in no more
	}
	chiave := "nome:" + vm.Identificativo
	if u != nil {
		chiave = h.chiaveAccesso(c, u)
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
	switch {
	case !ok:
		h.fallito(c, u, domain.MetodoPassword)
		h.avvisaTentativi(c, u, chiave)
		vm.Errore = errCredenziali
		if h.passwordSostituita(c, u, password) {
			vm.Errore = errPasswordSostituita
		}
		return h.render(c, fiber.StatusUnauthorized, views.PaginaAccedi, vm)
	case u.DeveAttivare():
		h.fallito(c, u, domain.MetodoPassword)
		vm.DaAttivare = true
		return h.render(c, fiber.StatusForbidden, views.PaginaAccedi, vm)
	case u.RichiedeTOTP():
		// The login waits for its code: nothing is written until then.
		return h.attendiSecondoFattore(c, u, vm.Dopo)
	}
	token, in, err := h.ingresso(c, u, domain.MetodoPassword)
	if err != nil {
		return err
	}
	if _, err := h.Store.ApriSessione(in); err != nil {
		return err
	}
	h.impostaSessione(c, token)
	h.limiteAccount.Sblocca(chiave)
	if err := h.ricordaDispositivo(c, u); err != nil {
		return err
	}
	if vm.Dopo != "" {
		return h.redirect(c, vm.Dopo)
	}
	return h.redirect(c, "/area")
}

// chiaveAccount is the key of an account in the login throttles, the same
// whichever login name was typed.
func chiaveAccount(u *domain.Utente) string { return "utente:" + itoa(u.ID) }

// prenotaAccesso reserves a login attempt for the typed account and the
// client address. Unknown accounts are throttled like real ones, so the
// answer tells nothing about who is registered.
func (h *Handlers) prenotaAccesso(c *fiber.Ctx, account string) (func(bool), time.Duration) {
	esitoIP, attesa := h.limiteIP.Prenota(ip(c))
	if esitoIP == nil {
		h.metriche.limitati.WithLabelValues("indirizzo").Inc()
		return nil, attesa
	}
	esitoAccount, attesa := h.limiteAccount.Prenota(account)
	if esitoAccount == nil {
		h.metriche.limitati.WithLabelValues("account").Inc()
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
		h.aggiornaHash(c, u, password)
	}
	return ok && u.Attivo(), nil
}

// errPasswordSostituita answers the old password of an account whose
// credentials were activated since.
const errPasswordSostituita = "Questa era la password dell'account di registrazione: con l'attivazione delle credenziali l'hai sostituita con quella che hai scelto allora. Accedi con la nuova password; se non la ricordi, usa «Hai dimenticato la password?»."

// passwordSostituita reports whether a refused password is the one the
// activation replaced. Every refused login pays this second hash, with a
// dummy one when there is no old password to compare, so that the time of
// the answer tells nobody which accounts were activated; the message itself
// goes only to whoever knows the old password.
func (h *Handlers) passwordSostituita(c *fiber.Ctx, u *domain.Utente, password string) bool {
	if u == nil || !u.Attivo() || !u.PasswordSostituitaValida(h.Now()) {
		h.Hasher.VerifyDummy(c.Context(), password)
		return false
	}
	ok, _, err := h.Hasher.Verify(c.Context(), password, u.PasswordSostituita)
	return err == nil && ok
}

// aggiornaHash re-hashes a password whose hash has old parameters. A failure
// is logged, not shown: the login itself succeeded.
func (h *Handlers) aggiornaHash(c *fiber.Ctx, u *domain.Utente, password string) {
	hash, err := h.Hasher.Hash(c.Context(), password)
	if err == nil {
		err = h.Store.AggiornaHashPassword(u.ID, u.PasswordHash, hash)
	}
	if err != nil {
		h.Log.Error("rehashing password", "user", u.ID, "err", err)
	}
}
