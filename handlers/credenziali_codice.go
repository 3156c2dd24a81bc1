package handlers

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/security"
	"abilita/store"
	"abilita/views"
)

// The second factor at login (DESIGN.md §4). Once the password is right, an
// account that needs a TOTP code gets no session yet: a short-lived pending
// state (a single-use token, its secret in a cookie) remembers whose
// password it was, and /accedi/codice asks for the authenticator's code or
// a recovery code. The session opens in the same transaction that uses the
// code up, so a code opens at most one session.

// ScopoSecondoFattore is the purpose of the token of a login waiting for its
// second factor.
const ScopoSecondoFattore store.Scopo = "secondo_fattore"

// durataSecondoFattore is how long a correct password waits for the code.
const durataSecondoFattore = 5 * time.Minute

// cookieSecondoFattore holds the secret of the pending login.
const cookieSecondoFattore = "secondo_fattore"

// errCodice and errRecupero are the one answer to a wrong, reused or
// expired code.
const (
	errCodice   = "Codice non valido. Inserisci il codice che l'app mostra ora (ogni codice vale una sola volta: se l'hai appena usato, attendi il successivo)."
	errRecupero = "Codice di recupero non valido o già usato."
)

// attendiSecondoFattore keeps the login of u pending and sends the browser
// to the code page.
func (h *Handlers) attendiSecondoFattore(c *fiber.Ctx, u *domain.Utente, dopo string) error {
	token := security.NewToken()
	now := h.Now()
	t := store.Token{Scopo: ScopoSecondoFattore, UtenteID: u.ID, Creato: now, Scade: now.Add(durataSecondoFattore)}
	if err := h.Store.CreaToken(security.HashToken(token), t); err != nil {
		return err
	}
	h.setCookie(c, cookieSecondoFattore, token, durataSecondoFattore)
	dest := "/accedi/codice"
	if dopo != "" {
		dest += "?dopo=" + url.QueryEscape(dopo)
	}
	return h.redirect(c, dest)
}

// chiudiSecondoFattore ends the pending login of a user. The store drops a
// user's older tokens of the same purpose when it creates one: an already
// expired token takes the place of the pending one.
func (h *Handlers) chiudiSecondoFattore(c *fiber.Ctx, utenteID uint64) error {
	h.clearCookie(c, cookieSecondoFattore)
	now := h.Now()
	return h.Store.CreaToken(security.HashToken(security.NewToken()), store.Token{Scopo: ScopoSecondoFattore, UtenteID: utenteID, Creato: now, Scade: now})
}

// inAttesa returns the user whose login waits for its second factor in this
// browser, or nil.
func (h *Handlers) inAttesa(c *fiber.Ctx) (*domain.Utente, error) {
	token := c.Cookies(h.cookieName(cookieSecondoFattore))
	if token == "" {
		return nil, nil
	}
	t, err := h.Store.TokenValido(security.HashToken(token), ScopoSecondoFattore, h.Now())
	if err != nil {
		if domain.CodiceDi(err) == domain.ErrNonValido {
			return nil, nil
		}
		return nil, err
	}
	u, err := h.Store.Utente(t.UtenteID)
	if err != nil || !u.Attivo() || u.TOTP == nil {
		return nil, nil
	}
	return u, nil
}

type codiceVM struct {
	views.Base
	Dopo           string
	Errori         domain.Errori
	RecuperoAperto bool // the recovery code form is shown open (its error is there)
}

const errAccessoScaduto = "La verifica del codice è scaduta: accedi di nuovo con la password."

func (h *Handlers) codiceForm(c *fiber.Ctx) error {
	u, err := h.inAttesa(c)
	if err != nil {
		return err
	}
	if u == nil {
		return h.avviso(c, "/accedi", errAccessoScaduto)
	}
	vm := codiceVM{Base: h.personale(c, "Codice di verifica"), Dopo: destinazioneSicura(c.Query("dopo")), Errori: domain.Errori{}}
	return h.render(c, fiber.StatusOK, views.PaginaCodice, vm)
}

// codice completes a pending login with a code of the authenticator or,
// given in its own field, a recovery code. Attempts are throttled per
// account; a code already used (the enrolment's included) is refused like
// a wrong one.
func (h *Handlers) codice(c *fiber.Ctx) error {
	u, err := h.inAttesa(c)
	if err != nil {
		return err
	}
	if u == nil {
		return h.avviso(c, "/accedi", errAccessoScaduto)
	}
	vm := codiceVM{Base: h.personale(c, "Codice di verifica"), Dopo: destinazioneSicura(c.FormValue("dopo")), Errori: domain.Errori{}}
	totp, recupero := senzaSpazi(c.FormValue("codice")), strings.TrimSpace(c.FormValue("recupero"))
	campo := "codice"
	if totp == "" && recupero != "" {
		campo, vm.RecuperoAperto = "recupero", true
	}
	if totp == "" && recupero == "" {
		vm.Errori.Add("codice", "Indica il codice di 6 cifre dell'app di autenticazione.")
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaCodice, vm)
	}
	esito, attesa := h.limiteTOTP.Prenota("accesso:" + strconv.FormatUint(u.ID, 10))
	if esito == nil {
		vm.Errori.Add(campo, messaggioAttesa(attesa))
		return h.render(c, fiber.StatusTooManyRequests, views.PaginaCodice, vm)
	}
	metodo, rimasti, ok, err := h.apriSessioneConCodice(c, u, totp, recupero)
	esito(ok)
	if err != nil {
		return err
	}
	if errD := h.dopoAccesso(c, u, metodo, ok); errD != nil {
		h.Log.Error("recording a login", "user", u.ID, "err", errD)
	}
	if !ok {
		msg := errCodice
		if campo == "recupero" {
			msg = errRecupero
		}
		vm.Errori.Add(campo, msg)
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaCodice, vm)
	}
	if err := h.chiudiSecondoFattore(c, u.ID); err != nil {
		return err
	}
	h.limiteAccount.Sblocca(chiaveAccount(u))
	dest := vm.Dopo
	if dest == "" {
		dest = "/area"
	}
	if metodo == domain.MetodoRecupero {
		return h.avviso(c, dest, messaggioRecupero(rimasti))
	}
	return h.redirect(c, dest)
}

// apriSessioneConCodice opens the session if the code is right: ok false
// and no error for a wrong, reused or expired code.
func (h *Handlers) apriSessioneConCodice(c *fiber.Ctx, u *domain.Utente, totp, recupero string) (metodo domain.MetodoAccesso, rimasti int, ok bool, err error) {
	token, ss := h.nuovaSessione(c, u)
	if totp != "" {
		metodo = domain.MetodoTOTP
		err = h.apriSessioneConTOTP(u, ss, totp)
	} else {
		metodo = domain.MetodoRecupero
		rimasti, err = h.Store.ApriSessioneConRecupero(ss, security.HashToken(security.NormalizeCode(recupero)))
	}
	switch {
	case err == nil:
		return metodo, rimasti, true, h.impostaSessione(c, token)
	case domain.CodiceDi(err) == domain.ErrConflitto, domain.CodiceDi(err) == domain.ErrNonValido, domain.CodiceDi(err) == domain.ErrNonAmmesso:
		// Wrong code, used meanwhile by a parallel login, unknown recovery
		// code, account suspended: all a refused code to the person typing.
		return metodo, 0, false, nil
	}
	return metodo, 0, false, err
}

var errCodiceNonValido = &domain.Errore{Codice: domain.ErrNonValido, Messaggio: errCodice}

// apriSessioneConTOTP checks the code against the secret and the last step
// used, then lets the store use the step up and open the session together.
func (h *Handlers) apriSessioneConTOTP(u *domain.Utente, ss store.Sessione, totp string) error {
	segreto, err := h.Keys.Open(u.TOTP.SegretoCifrato, domain.ContestoSegretoTOTP(u.ID))
	if err != nil {
		return err
	}
	passo, ok := security.VerificaTOTP(string(segreto), totp, h.Now(), u.TOTP.UltimoPasso)
	if !ok {
		return errCodiceNonValido
	}
	return h.Store.ApriSessioneConTOTP(ss, passo)
}

// messaggioRecupero is said after a login with a recovery code.
func messaggioRecupero(rimasti int) string {
	msg := fmt.Sprintf("Hai usato un codice di recupero: te ne restano %d.", rimasti)
	if rimasti <= 3 {
		msg += " Se hai perso l'app di autenticazione, configurane una nuova da «App di autenticazione» nella tua area, o chiedi alla sede di azzerarla."
	}
	return msg
}
