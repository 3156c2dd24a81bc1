package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/security"
	"abilita/store"
)

// The account pages of a logged-in user: its sessions and login history
// (account_sessioni.go), its password (account_password.go) and its
// authenticator (account_totp.go). The operators' actions on the accounts
// of their sede are in account_operatore*.go.

// MinPasswordConTOTP is the shortest password of an account that also gives
// an authenticator code at login (DESIGN.md §4).
const MinPasswordConTOTP = 12

// minimoPassword is the shortest password the account may choose.
func minimoPassword(u *domain.Utente) int {
	if u.RichiedeTOTP() {
		return MinPasswordConTOTP
	}
	return MinPasswordSoloPassword
}

// fattoriAttuali is what a user types to prove, again, that it is the holder
// before a change to its credentials: its password and, for accounts with an
// authenticator, a code of the app or a recovery code.
type fattoriAttuali struct {
	Password, Codice string
}

func leggiFattori(c *fiber.Ctx) fattoriAttuali {
	return fattoriAttuali{Password: c.FormValue("password_attuale"), Codice: strings.TrimSpace(c.FormValue("codice_attuale"))}
}

// verificaFattori checks the factors and records any error under the fields
// password_attuale and codice_attuale; it returns the status of the page
// that shows them. A code is used up once accepted, so it cannot confirm a
// second change. Wrong passwords are throttled like failed logins: a stolen
// session cannot be used to guess the password.
func (h *Handlers) verificaFattori(c *fiber.Ctx, u *domain.Utente, f fattoriAttuali, e domain.Errori) (int, error) {
	if f.Password == "" {
		e.Add("password_attuale", "Indica la password attuale.")
	}
	if u.TOTP != nil && f.Codice == "" {
		e.Add("codice_attuale", "Indica il codice generato ora dall'app di autenticazione, o un codice di recupero.")
	}
	if len(e) > 0 {
		return fiber.StatusUnprocessableEntity, nil
	}
	esito, attesa := h.limiteAccount.Prenota(chiaveAccount(u))
	if esito == nil {
		e.Add("password_attuale", messaggioAttesa(attesa))
		return fiber.StatusTooManyRequests, nil
	}
	ok, _, err := h.Hasher.Verify(c.Context(), f.Password, u.PasswordHash)
	if err != nil {
		h.Log.Warn("password hash refused", "user", u.ID, "err", err)
		ok = false
	}
	esito(ok)
	if !ok {
		e.Add("password_attuale", "La password attuale non è corretta.")
		return fiber.StatusUnprocessableEntity, nil
	}
	if u.TOTP == nil {
		return fiber.StatusUnprocessableEntity, nil
	}
	return h.usaCodiceAttuale(u, f.Codice, e)
}

// usaCodiceAttuale accepts a code of the app or a recovery code, and uses it
// up. Wrong codes share the throttle of the codes typed at login.
func (h *Handlers) usaCodiceAttuale(u *domain.Utente, codice string, e domain.Errori) (int, error) {
	esito, attesa := h.limiteTOTP.Prenota("accesso:" + strconv.FormatUint(u.ID, 10))
	if esito == nil {
		e.Add("codice_attuale", messaggioAttesa(attesa))
		return fiber.StatusTooManyRequests, nil
	}
	var err error
	if recupero := security.NormalizeCode(codice); len(recupero) > 6 {
		_, err = h.Store.UsaCodiceRecupero(u.ID, security.HashToken(recupero))
	} else {
		err = h.usaCodiceApp(u, codice)
	}
	esito(err == nil)
	return fiber.StatusUnprocessableEntity, erroreDiCampo(err, e, "codice_attuale")
}

var errCodiceAttuale = &domain.Errore{Codice: domain.ErrNonValido, Messaggio: "Il codice non è valido o è già stato usato: inserisci il codice che l'app mostra ora."}

// usaCodiceApp checks a code of the account's app and records its step.
func (h *Handlers) usaCodiceApp(u *domain.Utente, codice string) error {
	segreto, err := h.Keys.Open(u.TOTP.SegretoCifrato, domain.ContestoSegretoTOTP(u.ID))
	if err != nil {
		return err
	}
	passo, ok := security.VerificaTOTP(string(segreto), senzaSpazi(codice), h.Now(), u.TOTP.UltimoPasso)
	if !ok {
		return errCodiceAttuale
	}
	return h.Store.AggiornaUltimoPassoTOTP(u.ID, passo)
}

// erroreDiCampo shows a refusal of the store next to a field; other errors
// are returned.
func erroreDiCampo(err error, e domain.Errori, campo string) error {
	switch domain.CodiceDi(err) {
	case domain.ErrNonValido, domain.ErrConflitto, domain.ErrNonAmmesso:
		e.Add(campo, domain.MessaggioDi(err))
		return nil
	}
	return err
}

// chiudiAltreSessioni ends the user's sessions but the current one, after a
// change of its credentials.
func (h *Handlers) chiudiAltreSessioni(c *fiber.Ctx, u *domain.Utente) (int, error) {
	ss, _ := c.Locals(localSessione).(store.Sessione)
	return h.Store.EliminaAltreSessioni(u.ID, ss.Hash)
}

// avvisaCambio tells the holder by e-mail that its credentials changed, so
// that a change it did not make does not go unnoticed.
func (h *Handlers) avvisaCambio(c *fiber.Ctx, u *domain.Utente, cosa string) error {
	if u.Email == "" {
		return nil
	}
	now := h.Now()
	m, err := messaggio("credenziali_cambiate", u.Email, map[string]string{
		"Nome": u.Nome, "Cosa": cosa, "Quando": quandoTesto(now), "Dispositivo": domain.DispositivoDa(c.Get(fiber.HeaderUserAgent)).Nome,
		"IP": c.IP(), "Dimenticata": h.link("/password-dimenticata"),
	})
	if err != nil {
		return err
	}
	return h.Store.Accoda(m, now)
}
