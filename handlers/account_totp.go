package handlers

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"image/png"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/pquerna/otp"

	"abilita/domain"
	"abilita/security"
	"abilita/views"
)

// EmittenteTOTP is the name authenticator apps show beside the codes.
const EmittenteTOTP = "Inail Abilita"

type cambioTOTPVM struct {
	views.Base
	Configurato bool         // the account has an authenticator to replace
	Sigillo     string       // the new secret, sealed for this session: the form carries it back
	QR          template.URL // the new secret as a QR code (PNG data URI)
	Chiave      string       // the new secret for manual entry (chiaveTOTP)
	Errori      domain.Errori
}

// cambioTOTPForm shows a new secret (QR code and key) to enrol in the new
// app. Nothing changes until a code of the new secret confirms it.
func (h *Handlers) cambioTOTPForm(c *fiber.Ctx) error {
	u := utenteDi(c)
	vm := cambioTOTPVM{Base: h.personale(c, "Cambia l'app di autenticazione"), Configurato: u.TOTP != nil, Errori: domain.Errori{}}
	if vm.Configurato {
		if err := h.nuovoSegreto(c, u, &vm); err != nil {
			return err
		}
	}
	return h.render(c, fiber.StatusOK, views.PaginaCambioTOTP, vm)
}

// cambioTOTP replaces the authenticator once the current factors are given
// again and a code of the new secret proves the new app works. The account's
// other sessions end.
func (h *Handlers) cambioTOTP(c *fiber.Ctx) error {
	u := utenteDi(c)
	if u.TOTP == nil {
		return errSenzaApp
	}
	vm := cambioTOTPVM{Base: h.personale(c, "Cambia l'app di autenticazione"), Configurato: true, Errori: domain.Errori{}}
	segreto, ok := h.apriSigillo(c, u, c.FormValue("sigillo"))
	if !ok {
		if err := h.nuovoSegreto(c, u, &vm); err != nil {
			return err
		}
		vm.Errori.Add("nuovo_codice", "La configurazione della nuova app non è più valida: inquadra il QR code qui sotto e riprova.")
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaCambioTOTP, vm)
	}
	if err := h.mostraSegreto(c, u, segreto, &vm); err != nil {
		return err
	}
	passo, ok := security.VerificaTOTP(segreto, senzaSpazi(c.FormValue("nuovo_codice")), h.Now(), 0)
	if !ok {
		vm.Errori.Add("nuovo_codice", "Il codice non corrisponde: inquadra il QR code di questa pagina con la nuova app e inserisci il codice che mostra ora.")
	}
	status, v := fiber.StatusUnprocessableEntity, fattoriVerificati{}
	if len(vm.Errori) == 0 {
		var err error
		if status, v, err = h.verificaFattori(c, u, leggiFattori(c), vm.Errori); err != nil {
			return err
		}
	}
	if len(vm.Errori) > 0 {
		return h.render(c, status, views.PaginaCambioTOTP, vm)
	}
	// The new secret is sealed for the account, with the step of the code
	// that confirmed it as the last used: that code cannot log in.
	sigillato, err := h.Keys.Seal([]byte(segreto), domain.ContestoSegretoTOTP(u.ID))
	if err != nil {
		return err
	}
	cambio, err := h.cambio(c, u, v, "l'app di autenticazione")
	if err != nil {
		return err
	}
	chiuse, err := h.Store.CambiaTOTP(h.atto(c), cambio, sigillato, passo)
	if err := esitoCambio(v, err, vm.Errori); err != nil {
		return err
	}
	if len(vm.Errori) > 0 {
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaCambioTOTP, vm)
	}
	return h.avviso(c, "/account/sessioni", "App di autenticazione cambiata: da ora usa i codici della nuova app. "+sessioniChiuse(chiuse))
}

var errSenzaApp = domain.Conflitto("Il tuo account non ha un'app di autenticazione da cambiare.")

// nuovoSegreto creates a secret for the account and puts it in the page.
func (h *Handlers) nuovoSegreto(c *fiber.Ctx, u *domain.Utente, vm *cambioTOTPVM) error {
	key, err := security.NuovoTOTP(EmittenteTOTP, nomeTOTP(u))
	if err != nil {
		return err
	}
	return h.mostraSegreto(c, u, key.Secret(), vm)
}

// mostraSegreto fills the page with the secret: sealed for the form, as a
// QR code and as a key to type.
func (h *Handlers) mostraSegreto(c *fiber.Ctx, u *domain.Utente, segreto string, vm *cambioTOTPVM) error {
	sigillo, err := h.Keys.Seal([]byte(segreto), contestoSegretoInCambio(c, u))
	if err != nil {
		return err
	}
	qr, err := qrTOTP(segreto, u)
	if err != nil {
		return err
	}
	vm.Sigillo, vm.QR, vm.Chiave = base64.RawURLEncoding.EncodeToString(sigillo), qr, chiaveTOTP(segreto)
	return nil
}

// apriSigillo reads back the secret the form carried. It opens only for the
// session and account that were shown it.
func (h *Handlers) apriSigillo(c *fiber.Ctx, u *domain.Utente, sigillo string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(sigillo)
	if err != nil || len(b) == 0 {
		return "", false
	}
	segreto, err := h.Keys.Open(b, contestoSegretoInCambio(c, u))
	return string(segreto), err == nil
}

// contestoSegretoInCambio binds a secret being enrolled to the account and
// the session, so that a sealed secret cannot be replayed elsewhere.
func contestoSegretoInCambio(c *fiber.Ctx, u *domain.Utente) []byte {
	ss, _ := c.Locals(localSessione).(domain.Sessione)
	return []byte("abilita/totp-in-cambio/v1/" + strconv.FormatUint(u.ID, 10) + "/" + ss.Hash)
}

// qrTOTP draws the otpauth:// address of the secret as a QR code, the way
// authenticator apps read it (the parameters of security.NuovoTOTP).
func qrTOTP(segreto string, u *domain.Utente) (template.URL, error) {
	q := url.Values{"secret": {segreto}, "issuer": {EmittenteTOTP}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	indirizzo := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + EmittenteTOTP + ":" + nomeTOTP(u), RawQuery: q.Encode()}
	key, err := otp.NewKeyFromURL(indirizzo.String())
	if err != nil {
		return "", err
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", err
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())), nil
}

// chiaveTOTP writes a secret for typing into an app by hand: groups of four
// separated by spaces, which the apps ignore.
func chiaveTOTP(segreto string) string {
	return strings.ReplaceAll(security.FormatCode(segreto), "-", " ")
}

// nomeTOTP is the account name the app shows: the login name.
func nomeTOTP(u *domain.Utente) string {
	if u.CodiceFiscale != "" {
		return u.CodiceFiscale
	}
	return u.Email
}
