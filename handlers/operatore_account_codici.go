package handlers

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/views"
)

// consegnaParte2 reads where part 2 of a new code goes: by PEC to the
// holder's known address, or handed over at the counter ("" as PEC).
func consegnaParte2(c *fiber.Ctx, pec string, e domain.Errori) string {
	switch c.FormValue("consegna") {
	case "pec":
		if pec == "" {
			e.Add("consegna", "Il titolare non ha indicato una PEC: consegna la seconda parte allo sportello.")
		}
		return pec
	case "sportello":
		return ""
	}
	e.Add("consegna", "Scegli come consegnare la seconda parte del codice.")
	return ""
}

// riemettiAttivazione issues a new activation code for the account: the
// previous one stops working.
func (h *Handlers) riemettiAttivazione(c *fiber.Ctx) error {
	u, err := h.accountDellaSede(c)
	if err != nil {
		return err
	}
	e := domain.Errori{}
	m := motivo(c, e, true)
	pec, err := h.pecDelTitolare(u)
	if err != nil {
		return err
	}
	pec = consegnaParte2(c, pec, e)
	if len(e) == 0 {
		motivoCodice := "Nuovo codice emesso dalla sede: " + m
		codice, err := h.codiceAccount(u, pec, motivoCodice)
		if err != nil {
			return err
		}
		_, err = h.Store.RiemettiCodice(h.atto(c), u.ID, codice.attivazione, codice.messaggi, motivoCodice)
		if err = rifiutoNelModulo(err, e, "motivo"); err != nil {
			return err
		}
		if len(e) == 0 {
			return h.codiceEmesso(c, u, codice.parte2, pec, "Nuovo codice di attivazione emesso: quello precedente non vale più.")
		}
	}
	return h.erroriAccount(c, u, "attivazione", e)
}

// resetTOTPAccount removes the authenticator of a holder who lost it, after
// the operator re-checked its identity on a document, and issues a new
// activation code through which the holder enrols a new app.
func (h *Handlers) resetTOTPAccount(c *fiber.Ctx) error {
	u, err := h.accountDellaSede(c)
	if err != nil {
		return err
	}
	e := domain.Errori{}
	m := motivo(c, e, true)
	documento := h.documentoVerificato(c, e)
	pec, err := h.pecDelTitolare(u)
	if err != nil {
		return err
	}
	pec = consegnaParte2(c, pec, e)
	if len(e) == 0 {
		// The code is made for the account as it will be, without an app.
		senzaApp := *u
		senzaApp.TOTP = nil
		codice, err := h.codiceAccount(&senzaApp, pec, "Azzeramento dell'app di autenticazione: "+m)
		if err != nil {
			return err
		}
		_, err = h.Store.AzzeraTOTP(h.atto(c), u.ID, m, documento, codice.attivazione, codice.messaggi)
		if err = rifiutoNelModulo(err, e, "motivo"); err != nil {
			return err
		}
		if len(e) == 0 {
			return h.codiceEmesso(c, u, codice.parte2, pec, "App di autenticazione azzerata e nuovo codice di attivazione emesso: il titolare configurerà la nuova app attivando il codice.")
		}
	}
	return h.erroriAccount(c, u, "totp", e)
}

// documentoVerificato reads the document the operator checked the holder's
// identity on, as the audit log records it.
func (h *Handlers) documentoVerificato(c *fiber.Ctx, e domain.Errori) string {
	tipo := c.FormValue("documento_tipo")
	numero := strings.ToUpper(strings.TrimSpace(c.FormValue("documento_numero")))
	if !slices.Contains(domain.TipiDocumento, tipo) {
		e.Add("documento_tipo", "Scegli il tipo di documento esibito dal titolare.")
	}
	if msg := domain.ControllaTesto(numero); msg != "" {
		e.Add("documento_numero", msg)
	} else if numero == "" || len(numero) > 30 {
		e.Add("documento_numero", "Indica il numero del documento esibito.")
	}
	if c.FormValue("identita_verificata") != "si" {
		e.Add("identita_verificata", "Conferma di aver verificato l'identità del titolare sul documento.")
	}
	return tipo + " n. " + numero
}

// codiceEmesso shows the account again after a new code: with part 2 on
// screen, this once, when the operator hands it over at the counter.
func (h *Handlers) codiceEmesso(c *fiber.Ctx, u *domain.Utente, parte2, pec, msg string) error {
	if pec != "" {
		return h.tornaAllAccount(c, u, msg+" La prima parte è stata inviata per e-mail, la seconda per PEC a "+pec+".")
	}
	aggiornato, err := h.Store.Utente(u.ID)
	if err != nil {
		return err
	}
	vm := accountOperatoreVM{Base: h.personale(c, "Account dei titolari"), Errori: domain.Errori{}, Parte2: parte2}
	vm.Avviso = msg + " La prima parte è stata inviata per e-mail al titolare."
	if err := h.riempiAccount(&vm, aggiornato); err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, views.PaginaOperatoreAccount, vm)
}
