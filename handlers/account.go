package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/posta"
	"abilita/security"
	"abilita/store"
)

// The account pages of a logged-in user: its sessions and login history
// (account_sessioni.go), its password (account_password.go) and its
// authenticator (account_totp.go). The operators' actions on the accounts
// of their sede are in operatore_account*.go.

// fattoriAttuali is what a user types to prove, again, that it is the holder
// before a change to its credentials: its password and, for accounts with an
// authenticator, a code of the app or a recovery code.
type fattoriAttuali struct {
	Password, Codice string
}

func leggiFattori(c *fiber.Ctx) fattoriAttuali {
	return fattoriAttuali{Password: c.FormValue("password_attuale"), Codice: strings.TrimSpace(c.FormValue("codice_attuale"))}
}

// fattoriVerificati are the factors once checked here: the second one is
// used up by the store, in the transaction of the change, and esito then
// tells the code throttle whether it was accepted.
type fattoriVerificati struct {
	fattore *store.Fattore
	esito   func(bool)
}

// verificaFattori checks the factors and records any error under the fields
// password_attuale and codice_attuale; it returns the status of the page
// that shows them. Wrong passwords are throttled like failed logins (a
// stolen session cannot be used to guess the password), wrong codes like
// those typed at login.
func (h *Handlers) verificaFattori(c *fiber.Ctx, u *domain.Utente, f fattoriAttuali, e domain.Errori) (int, fattoriVerificati, error) {
	var v fattoriVerificati
	if f.Password == "" {
		e.Add("password_attuale", "Indica la password attuale.")
	}
	if u.TOTP != nil && f.Codice == "" {
		e.Add("codice_attuale", "Indica il codice generato ora dall'app di autenticazione, o un codice di recupero.")
	}
	if len(e) > 0 {
		return fiber.StatusUnprocessableEntity, v, nil
	}
	esito, attesa := h.limiteAccount.Prenota(chiaveAccount(u))
	if esito == nil {
		e.Add("password_attuale", messaggioAttesa(attesa))
		return fiber.StatusTooManyRequests, v, nil
	}
	ok, _, err := h.Hasher.Verify(c.Context(), f.Password, u.PasswordHash)
	if err != nil {
		h.Log.Warn("password hash refused", "user", u.ID, "err", err)
		ok = false
	}
	esito(ok)
	if !ok {
		e.Add("password_attuale", "La password attuale non è corretta.")
		return fiber.StatusUnprocessableEntity, v, nil
	}
	if u.TOTP == nil {
		return fiber.StatusOK, v, nil
	}
	if v.esito, attesa = h.limiteTOTP.Prenota("accesso:" + strconv.FormatUint(u.ID, 10)); v.esito == nil {
		e.Add("codice_attuale", messaggioAttesa(attesa))
		return fiber.StatusTooManyRequests, v, nil
	}
	if recupero := security.NormalizeCode(f.Codice); len(recupero) > 6 {
		v.fattore = &store.Fattore{RecuperoHash: security.HashToken(recupero)}
		return fiber.StatusOK, v, nil
	}
	segreto, err := h.Keys.Open(u.TOTP.SegretoCifrato, domain.ContestoSegretoTOTP(u.ID))
	if err != nil {
		return 0, v, err
	}
	passo, ok := security.VerificaTOTP(string(segreto), senzaSpazi(f.Codice), h.Now(), u.TOTP.UltimoPasso)
	if !ok {
		v.esito(false)
		e.Add("codice_attuale", errCodiceAttuale.Messaggio)
		return fiber.StatusUnprocessableEntity, v, nil
	}
	v.fattore = &store.Fattore{Passo: passo}
	return fiber.StatusOK, v, nil
}

var errCodiceAttuale = &domain.Errore{Codice: domain.ErrNonValido, Messaggio: "Il codice non è valido o è già stato usato: inserisci il codice che l'app mostra ora."}

// esitoCambio tells the throttle how the code went, and shows a refusal of
// the store (a code used meanwhile, a wrong recovery code, an account
// suspended) next to the code's field; other errors are returned.
func esitoCambio(v fattoriVerificati, err error, e domain.Errori) error {
	switch domain.CodiceDi(err) {
	case domain.ErrNonValido, domain.ErrConflitto, domain.ErrNonAmmesso:
		if v.esito != nil {
			v.esito(false)
		}
		e.Add("codice_attuale", domain.MessaggioDi(err))
		return nil
	}
	if v.esito != nil && err == nil {
		v.esito(true)
	}
	return err
}

// cambio is the change of the current user's credentials: the factor it
// gave, the session it uses (the others end) and the e-mail telling it that
// cosa ("la password") changed, so that a change it did not make does not
// go unnoticed.
func (h *Handlers) cambio(c *fiber.Ctx, u *domain.Utente, v fattoriVerificati, cosa string) (store.Cambio, error) {
	ss, _ := c.Locals(localSessione).(domain.Sessione)
	m, err := posta.Messaggio("credenziali_cambiate", u.Email, map[string]string{
		"Nome": u.Nome, "Cosa": cosa, "Quando": posta.Quando(h.Now()), "Dispositivo": domain.DispositivoDa(c.Get(fiber.HeaderUserAgent)).Nome,
		"IP": ip(c), "Dimenticata": h.link("/password-dimenticata"),
	})
	return store.Cambio{Fattore: v.fattore, Sessione: ss.Hash, Avviso: m}, err
}

// atto is the current user's action now, from this client: what the store
// records in the audit log.
func (h *Handlers) atto(c *fiber.Ctx) store.Atto {
	a := store.Atto{Quando: h.Now(), IP: ip(c)}
	if u := utenteDi(c); u != nil {
		a.Chi = u.ID
	}
	return a
}

// link is an absolute address for e-mails.
func (h *Handlers) link(path string) string { return strings.TrimRight(h.cfg.PublicURL, "/") + path }
