package handlers

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/posta"
	"abilita/security"
)

// Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device
// Cookies"): a browser that has logged in to an account keeps a sealed
// cookie naming it. Its attempts on that account are throttled on their
// own, apart from everyone else's: someone guessing passwords elsewhere can
// slow down or block the anonymous attempts on an account, never its
// holder's own browser. The holder is told by e-mail when the anonymous
// failures pass a threshold, and when wrong codes follow a right password.

const (
	cookieDispositivo = "dispositivo"
	durataDispositivo = 365 * 24 * time.Hour
	// sogliaAvvisoTentativi anonymous failures in a row on an account send
	// the holder a warning; sogliaAvvisoCodici wrong codes after a right
	// password, another.
	sogliaAvvisoTentativi = 10
	sogliaAvvisoCodici    = 5
)

var contestoDispositivo = []byte("abilita/dispositivo/v1")

// dispositivo is what the device cookie holds, sealed.
type dispositivo struct {
	Utente uint64 `json:"u"`
	Nonce  string `json:"n"`
}

// dispositivoDi returns the nonce of this browser's device cookie when it
// names u, or "".
func (h *Handlers) dispositivoDi(c *fiber.Ctx, u *domain.Utente) string {
	if u == nil {
		return ""
	}
	sealed, err := base64.RawURLEncoding.DecodeString(c.Cookies(h.cookieName(cookieDispositivo)))
	if err != nil || len(sealed) == 0 {
		return ""
	}
	data, err := h.Keys.Open(sealed, contestoDispositivo)
	if err != nil {
		return ""
	}
	var d dispositivo
	if json.Unmarshal(data, &d) != nil || d.Utente != u.ID {
		return ""
	}
	return d.Nonce
}

// ricordaDispositivo gives this browser, which has just logged in to u, a
// device cookie for u (the same one if it has it already).
func (h *Handlers) ricordaDispositivo(c *fiber.Ctx, u *domain.Utente) error {
	nonce := h.dispositivoDi(c, u)
	if nonce == "" {
		nonce = security.NewToken()
	}
	data, err := json.Marshal(dispositivo{Utente: u.ID, Nonce: nonce})
	if err != nil {
		return err
	}
	sealed, err := h.Keys.Seal(data, contestoDispositivo)
	if err != nil {
		return err
	}
	h.setCookie(c, cookieDispositivo, base64.RawURLEncoding.EncodeToString(sealed), durataDispositivo)
	return nil
}

// chiaveAccesso is the key of a login attempt on u in the account throttle:
// the device's own when this browser has logged in to u before, the
// account's for everyone else.
func (h *Handlers) chiaveAccesso(c *fiber.Ctx, u *domain.Utente) string {
	if n := h.dispositivoDi(c, u); n != "" {
		return "dispositivo:" + n
	}
	return chiaveAccount(u)
}

// chiaveCodice is the same for the codes that follow a right password.
func (h *Handlers) chiaveCodice(c *fiber.Ctx, u *domain.Utente) string {
	k := "accesso:" + strconv.FormatUint(u.ID, 10)
	if n := h.dispositivoDi(c, u); n != "" {
		k += ":" + n
	}
	return k
}

// avvisaTentativi tells the holder of u, once the failures counted on
// chiave reach the threshold, that someone is trying to log in.
func (h *Handlers) avvisaTentativi(c *fiber.Ctx, u *domain.Utente, chiave string) {
	if u == nil || u.Email == "" || chiave != chiaveAccount(u) || h.limiteAccount.Fallimenti(chiave) != sogliaAvvisoTentativi {
		return
	}
	h.avvisa(c, u, "tentativi_falliti", "avvisato di "+strconv.Itoa(sogliaAvvisoTentativi)+" tentativi di accesso non riusciti")
}

// avvisaCodici tells the holder of u, once wrong codes after a right
// password reach the threshold, that someone seems to know the password.
func (h *Handlers) avvisaCodici(c *fiber.Ctx, u *domain.Utente, chiave string) {
	if u.Email == "" || h.limiteTOTP.Fallimenti(chiave) != sogliaAvvisoCodici {
		return
	}
	h.avvisa(c, u, "codici_errati", "avvisato di "+strconv.Itoa(sogliaAvvisoCodici)+" codici errati dopo la password corretta")
}

func (h *Handlers) avvisa(c *fiber.Ctx, u *domain.Utente, modello, dettaglio string) {
	a := h.tentativo(c, domain.MetodoPassword)
	m, err := posta.Messaggio(modello, u.Email, map[string]string{
		"Nome": u.Nome, "Quando": posta.Quando(a.Quando), "IP": a.IP,
		"Password": h.link("/account/password"), "Dimenticata": h.link("/password-dimenticata"), "Sessioni": h.link("/account/sessioni"),
	})
	if err == nil {
		err = h.Store.AvvisaUtente(h.atto(c), u.ID, m, dettaglio)
	}
	if err != nil {
		// The login's answer stands; the warning is logged as missing.
		h.Log.Error("warning the holder of failed logins", "user", u.ID, "err", err)
	}
}
