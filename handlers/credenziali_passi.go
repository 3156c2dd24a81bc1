package handlers

import (
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/security"
	"abilita/store"
	"abilita/views"
)

// The steps of an activation in progress: password, authenticator, rules,
// recovery codes. Each is one store call; the store knows the current step
// and refuses any other, so the pages follow domain.AttivazioneInCorso.Passo.

// numeroCodiciRecupero is how many recovery codes an activation hands out.
const numeroCodiciRecupero = 10

// voceAttivazione is one step in the list at the top of the pages.
type voceAttivazione struct {
	Titolo          string
	Fatto, Corrente bool
}

var titoliPassi = []struct {
	passo  domain.PassoAttivazione
	titolo string
}{
	{domain.PassoPassword, "Password"}, {domain.PassoTOTP, "App di autenticazione"},
	{domain.PassoRegole, "Regole di riservatezza"}, {domain.PassoRecupero, "Codici di recupero"},
}

type passoAttivazioneVM struct {
	views.Base
	Passo          domain.PassoAttivazione
	Passi          []voceAttivazione
	Numero         int // of the current step, from 1
	Titolare       *domain.Utente
	Identificativo string
	MinPassword    int
	QR             template.URL // the authenticator's secret as a QR code
	Chiave         string       // the same secret to type, in groups of four
	Emittente      string       // the name the app shows beside the codes
	Codici         []string     // the recovery codes, shown once
	Errori         domain.Errori
}

func (h *Handlers) vmPassoAttivazione(c *fiber.Ctx, att *attivazioneInCorso, passo domain.PassoAttivazione) passoAttivazioneVM {
	vm := passoAttivazioneVM{Base: h.personale(c, "Attivazione delle credenziali"), Passo: passo, Titolare: att.utente,
		Identificativo: identificativo(att.utente), MinPassword: domain.MinPassword, Errori: domain.Errori{}}
	fatto := true
	for i, p := range titoliPassi {
		corrente := p.passo == passo
		fatto = fatto && !corrente
		vm.Passi = append(vm.Passi, voceAttivazione{Titolo: p.titolo, Fatto: fatto, Corrente: corrente})
		if corrente {
			vm.Numero = i + 1
		}
	}
	return vm
}

// attivazionePassoForm shows the current step.
func (h *Handlers) attivazionePassoForm(c *fiber.Ctx) error {
	att, err := h.attivazioneCorrente(c)
	if err != nil {
		return h.senzaAttivazione(c, err)
	}
	return h.mostraPasso(c, fiber.StatusOK, h.vmPassoAttivazione(c, att, att.stato.Passo()), att)
}

// mostraPasso renders a step, with the authenticator's secret on its step.
func (h *Handlers) mostraPasso(c *fiber.Ctx, status int, vm passoAttivazioneVM, att *attivazioneInCorso) error {
	if vm.Passo == domain.PassoTOTP {
		segreto, err := h.segretoInAttivazione(att)
		if err != nil {
			return err
		}
		if vm.QR, err = qrTOTP(segreto, att.utente); err != nil {
			return err
		}
		vm.Chiave, vm.Emittente = strings.ReplaceAll(security.FormatCode(segreto), "-", " "), EmittenteTOTP
	}
	return h.render(c, status, views.PaginaAttivazionePasso, vm)
}

// segretoInAttivazione opens the secret being enrolled: sealed for the
// activation, or for its account when it began before that.
func (h *Handlers) segretoInAttivazione(att *attivazioneInCorso) (string, error) {
	b, err := h.Keys.Open(att.stato.SegretoTOTP, att.stato.ContestoSegreto(att.hash))
	if err != nil {
		var errVecchio error
		if b, errVecchio = h.Keys.Open(att.stato.SegretoTOTP, domain.ContestoSegretoTOTP(att.utente.ID)); errVecchio != nil {
			return "", err
		}
	}
	return string(b), nil
}

// attivazionePasso handles the form of the current step. A form of another
// step (the browser's back button, a second tab) just shows the current one.
func (h *Handlers) attivazionePasso(c *fiber.Ctx) error {
	att, err := h.attivazioneCorrente(c)
	if err != nil {
		return h.senzaAttivazione(c, err)
	}
	passo := att.stato.Passo()
	if c.FormValue("passo") != string(passo) {
		return h.redirect(c, "/attivazione/passo")
	}
	switch passo {
	case domain.PassoPassword:
		err = h.scegliPassword(c, att)
	case domain.PassoTOTP:
		err = h.confermaApp(c, att)
	case domain.PassoRegole:
		err = h.accettaRegole(c, att)
	default:
		err = h.consegnaCodiciRecupero(c, att)
	}
	switch domain.CodiceDi(err) {
	case domain.ErrNonValido, domain.ErrNonAmmesso: // expired meanwhile, or the account suspended
		return h.senzaAttivazione(c, err)
	case domain.ErrConflitto: // another tab moved the activation on
		return h.redirect(c, "/attivazione/passo")
	}
	return err
}

// avanti ends a step done.
func (h *Handlers) avanti(c *fiber.Ctx) error {
	return h.proseguiAttivazione(c, c.Cookies(h.cookieName(cookieAttivazione)))
}

// proseguiAttivazione sends the browser holding the activation token to the
// next step. The cookie lives as long as the activation, which each step
// extends.
func (h *Handlers) proseguiAttivazione(c *fiber.Ctx, token string) error {
	h.setCookie(c, cookieAttivazione, token, domain.DurataAttivazione)
	return h.redirect(c, "/attivazione/passo")
}

// scegliPassword records the password and makes the authenticator's secret
// the next step shows, so that showing it changes nothing.
func (h *Handlers) scegliPassword(c *fiber.Ctx, att *attivazioneInCorso) error {
	password := c.FormValue("password")
	vm := h.vmPassoAttivazione(c, att, domain.PassoPassword)
	att.utente.ValidaNuovaPassword(vm.Errori, password, c.FormValue("conferma"), domain.MinPassword)
	if len(vm.Errori) > 0 {
		return h.mostraPasso(c, fiber.StatusUnprocessableEntity, vm, att)
	}
	hash, err := h.Hasher.Hash(c.Context(), password)
	if err != nil {
		return err
	}
	segreto, err := h.nuovoSegretoAttivazione(att.stato.ChiaveContesto(att.hash), att.utente)
	if err != nil {
		return err
	}
	if _, err := h.Store.ImpostaPasswordAttivazione(att.hash, hash, segreto, h.Now()); err != nil {
		return err
	}
	return h.avanti(c)
}

// nuovoSegretoAttivazione makes a new authenticator secret for u, sealed
// for the activation tokenHash, for the next step to show.
func (h *Handlers) nuovoSegretoAttivazione(tokenHash string, u *domain.Utente) ([]byte, error) {
	key, err := security.NuovoTOTP(EmittenteTOTP, nomeTOTP(u))
	if err != nil {
		return nil, err
	}
	return h.Keys.Seal([]byte(key.Secret()), domain.ContestoSegretoInAttivazione(tokenHash))
}

// confermaApp checks a code of the new authenticator. Its step becomes the
// account's last used one, so the code that confirmed the enrolment can
// never log in.
func (h *Handlers) confermaApp(c *fiber.Ctx, att *attivazioneInCorso) error {
	vm := h.vmPassoAttivazione(c, att, domain.PassoTOTP)
	segreto, err := h.segretoInAttivazione(att)
	if err != nil {
		return err
	}
	esito, attesa := h.limiteTOTP.Prenota("attivazione:" + strconv.FormatUint(att.utente.ID, 10))
	if esito == nil {
		vm.Errori.Add("codice", messaggioAttesa(attesa))
		return h.mostraPasso(c, fiber.StatusTooManyRequests, vm, att)
	}
	passo, ok := security.VerificaTOTP(segreto, senzaSpazi(c.FormValue("codice")), h.Now(), 0)
	esito(ok)
	if !ok {
		vm.Errori.Add("codice", "Il codice non corrisponde. Inserisci il codice di 6 cifre che l'app mostra ora; se continua a non funzionare, controlla che l'ora del telefono sia impostata in automatico.")
		return h.mostraPasso(c, fiber.StatusUnprocessableEntity, vm, att)
	}
	if _, err := h.Store.ConfermaTOTPAttivazione(att.hash, passo, h.Now()); err != nil {
		return err
	}
	return h.avanti(c)
}

// senzaSpazi drops the spaces people type inside a code ("123 456").
func senzaSpazi(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// accettaRegole records the acceptance of the confidentiality rules, which
// completes the activation, and shows the recovery codes, this once: only
// their hashes are kept. The next page is the login, with a message that
// waits for it.
func (h *Handlers) accettaRegole(c *fiber.Ctx, att *attivazioneInCorso) error {
	if c.FormValue("accetto") != "si" {
		vm := h.vmPassoAttivazione(c, att, domain.PassoRegole)
		vm.Errori.Add("accetto", "Per attivare le credenziali devi dichiarare di aver letto e di accettare le regole di riservatezza.")
		return h.mostraPasso(c, fiber.StatusUnprocessableEntity, vm, att)
	}
	return h.consegnaCodiciRecupero(c, att)
}

// consegnaCodiciRecupero completes the activation and shows the recovery
// codes. The secret enrolled is sealed again, for the account.
func (h *Handlers) consegnaCodiciRecupero(c *fiber.Ctx, att *attivazioneInCorso) error {
	segreto, err := h.segretoInAttivazione(att)
	if err != nil {
		return err
	}
	sigillato, err := h.Keys.Seal([]byte(segreto), domain.ContestoSegretoTOTP(att.utente.ID))
	if err != nil {
		return err
	}
	codici := security.CodiciRecupero(numeroCodiciRecupero)
	fatto := store.Completamento{VersioneRegole: domain.VersioneRegole, Segreto: sigillato, CodiciRecupero: make([]string, len(codici))}
	for i, k := range codici {
		fatto.CodiciRecupero[i] = security.HashToken(security.NormalizeCode(k))
	}
	u, err := h.Store.CompletaAttivazione(h.atto(c), att.hash, fatto)
	if err != nil {
		return err
	}
	h.clearCookie(c, cookieAttivazione)
	// Whoever was logged in on this browser is not the new holder.
	if old := c.Cookies(h.cookieName("sessione")); old != "" {
		if err := h.Store.EliminaSessione(security.HashToken(old)); err != nil {
			return err
		}
		h.clearCookie(c, "sessione")
		c.Locals(localUtente, nil)
	}
	att.utente = u
	vm := h.vmPassoAttivazione(c, att, domain.PassoRecupero)
	vm.Codici = codici
	h.setCookie(c, "avviso", url.QueryEscape("Credenziali attivate. Accedi con "+identificativo(u)+", la password che hai scelto e il codice dell'app di autenticazione."), 0)
	return h.render(c, fiber.StatusOK, views.PaginaAttivazionePasso, vm)
}
