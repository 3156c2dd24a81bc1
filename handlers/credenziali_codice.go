package handlers

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
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

// durataSecondoFattore is how long a correct password waits for the code.
const durataSecondoFattore = 5 * time.Minute

// cookieSecondoFattore holds the pending login, sealed (attesa).
const cookieSecondoFattore = "secondo_fattore"

// contestoSecondoFattore is the additional data of the sealed pending login.
var contestoSecondoFattore = []byte("abilita/secondo-fattore/v1")

// attesa is a login whose password was right, waiting for its code: sealed
// in a cookie, so that a correct password writes nothing. It names the
// account, when it expires, and a fingerprint of the account's factors
// (impronta), which the login's own transaction changes: once a code has
// opened a session, or the password changed, the cookie opens nothing.
type attesa struct {
	Utente   uint64 `json:"u"`
	Scade    int64  `json:"s"`
	Impronta string `json:"i"`
}

// errCodice and errRecupero are the one answer to a wrong, reused or
// expired code.
const (
	errCodice   = "Codice non valido. Inserisci il codice che l'app mostra ora (ogni codice vale una sola volta: se l'hai appena usato, attendi il successivo)."
	errRecupero = "Codice di recupero non valido o già usato."
)

// impronta is a short fingerprint of the factors of u: its password hash,
// the last TOTP step used and how many recovery codes are left. A login
// with a second factor changes the last two.
func impronta(u *domain.Utente) string {
	var passo int64
	if u.TOTP != nil {
		passo = u.TOTP.UltimoPasso
	}
	return security.HashToken(fmt.Sprintf("%s|%d|%d", u.PasswordHash, passo, len(u.CodiciRecupero)))[:16]
}

// attendiSecondoFattore keeps the login of u pending and sends the browser
// to the code page.
func (h *Handlers) attendiSecondoFattore(c *fiber.Ctx, u *domain.Utente, dopo string) error {
	data, err := json.Marshal(attesa{Utente: u.ID, Scade: h.Now().Add(durataSecondoFattore).Unix(), Impronta: impronta(u)})
	if err != nil {
		return err
	}
	sealed, err := h.Keys.Seal(data, contestoSecondoFattore)
	if err != nil {
		return err
	}
	h.setCookie(c, cookieSecondoFattore, base64.RawURLEncoding.EncodeToString(sealed), durataSecondoFattore)
	dest := "/accedi/codice"
	if dopo != "" {
		dest += "?dopo=" + url.QueryEscape(dopo)
	}
	return h.redirect(c, dest)
}

// inAttesa returns the user whose login waits for its second factor in this
// browser, or nil.
func (h *Handlers) inAttesa(c *fiber.Ctx) (*domain.Utente, error) {
	sealed, err := base64.RawURLEncoding.DecodeString(c.Cookies(h.cookieName(cookieSecondoFattore)))
	if err != nil || len(sealed) == 0 {
		return nil, nil
	}
	data, err := h.Keys.Open(sealed, contestoSecondoFattore)
	if err != nil {
		return nil, nil
	}
	var a attesa
	if json.Unmarshal(data, &a) != nil || !h.Now().Before(time.Unix(a.Scade, 0)) {
		return nil, nil
	}
	u, err := h.Store.Utente(a.Utente)
	if domain.CodiceDi(err) == domain.ErrNonTrovato {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !u.Attivo() || u.TOTP == nil || impronta(u) != a.Impronta {
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
	chiave := h.chiaveCodice(c, u)
	esito, attesa := h.limiteTOTP.Prenota(chiave)
	if esito == nil {
		h.metriche.limitati.WithLabelValues("codice").Inc()
		vm.Errori.Add(campo, messaggioAttesa(attesa))
		return h.render(c, fiber.StatusTooManyRequests, views.PaginaCodice, vm)
	}
	metodo, rimasti, ok, err := h.apriSessioneConCodice(c, u, totp, recupero)
	esito(ok)
	if err != nil {
		return err
	}
	if !ok {
		h.fallito(c, u, metodo)
		h.avvisaCodici(c, u, chiave)
		msg := errCodice
		if campo == "recupero" {
			msg = errRecupero
		}
		vm.Errori.Add(campo, msg)
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaCodice, vm)
	}
	h.clearCookie(c, cookieSecondoFattore)
	h.limiteAccount.Sblocca(h.chiaveAccesso(c, u))
	if err := h.ricordaDispositivo(c, u); err != nil {
		return err
	}
	dest := vm.Dopo
	if dest == "" {
		dest = "/area"
	}
	if metodo == domain.MetodoRecupero {
		return h.avviso(c, dest, messaggioRecupero(rimasti))
	}
	return h.redirect(c, dest)
}

// apriSessioneConCodice opens the session if the code is right, in the
// transaction that uses the code up: ok false and no error for a wrong,
// reused or expired code.
func (h *Handlers) apriSessioneConCodice(c *fiber.Ctx, u *domain.Utente, totp, recupero string) (metodo domain.MetodoAccesso, rimasti int, ok bool, err error) {
	metodo = domain.MetodoRecupero
	if totp != "" {
		metodo = domain.MetodoTOTP
	}
	token, in, err := h.ingresso(c, u, metodo)
	if err != nil {
		return metodo, 0, false, err
	}
	if totp != "" {
		err = h.apriSessioneConTOTP(u, in, totp)
	} else {
		rimasti, _, err = h.Store.ApriSessioneConRecupero(in, security.HashToken(security.NormalizeCode(recupero)))
	}
	switch {
	case err == nil:
		h.impostaSessione(c, token)
		return metodo, rimasti, true, nil
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
func (h *Handlers) apriSessioneConTOTP(u *domain.Utente, in store.Ingresso, totp string) error {
	segreto, err := h.Keys.Open(u.TOTP.SegretoCifrato, domain.ContestoSegretoTOTP(u.ID))
	if err != nil {
		return err
	}
	passo, ok := security.VerificaTOTP(string(segreto), totp, h.Now(), u.TOTP.UltimoPasso)
	if !ok {
		return errCodiceNonValido
	}
	_, err = h.Store.ApriSessioneConTOTP(in, passo)
	return err
}

// messaggioRecupero is said after a login with a recovery code.
func messaggioRecupero(rimasti int) string {
	msg := fmt.Sprintf("Hai usato un codice di recupero: te ne restano %d.", rimasti)
	if rimasti <= 3 {
		msg += " Se hai perso l'app di autenticazione, configurane una nuova da «App di autenticazione» nella tua area, o chiedi alla sede di azzerarla."
	}
	return msg
}
