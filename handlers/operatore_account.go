package handlers

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/views"
)

// The operators' actions on the accounts of credential holders of their
// sede: find one by codice fiscale, suspend or reactivate it, revoke it,
// reset its authenticator after re-checking the holder's identity, and
// issue a new activation code (operatore_account_codici.go).

type accountOperatoreVM struct {
	views.Base
	CF           string
	Account      *domain.Utente
	Stato        string // in Italian
	Colore       string // of the state's badge
	Abilitazioni []domain.Abilitazione
	Attivazione  *domain.Attivazione // the pending activation code, if any
	Scaduta      bool                // … past its expiry
	Accessi      []domain.Accesso
	PEC          string // where part 2 of a new code can go: the PEC of the holder's last request
	Documenti    []string
	// The form that failed, its values and errors, shown again beside it.
	Modulo      string
	Valori      url.Values
	Errori      domain.Errori
	Parte2      string // part 2 of a code just issued for the counter, shown this once
	NonTrovato  bool   // no account of the sede has the codice fiscale searched
	CercaErrore string // the codice fiscale searched is not even text
}

// accessiOperatore is how many login attempts of an account the operator sees.
const accessiOperatore = 10

var errNessunAccount = domain.NonTrovato("Nessun account di questa sede con questo codice fiscale.")

// accountOperatore finds the account of a codice fiscale among the holders
// of the operator's sede and shows its state and the actions on it.
func (h *Handlers) accountOperatore(c *fiber.Ctx) error {
	vm := accountOperatoreVM{Base: h.personale(c, "Account dei titolari"), CF: domain.NormalizzaCodiceFiscale(c.Query("cf")), Errori: domain.Errori{}}
	if vm.CF == "" {
		return h.render(c, fiber.StatusOK, views.PaginaOperatoreAccount, vm)
	}
	if msg := domain.ControllaTesto(vm.CF); msg != "" {
		vm.CF, vm.CercaErrore = "", msg
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaOperatoreAccount, vm)
	}
	u, err := h.Store.UtentePerCF(vm.CF)
	if err == nil && !domain.AbilitatoDallaSede(u, utenteDi(c).Sede) {
		err = errNessunAccount
	}
	if domain.CodiceDi(err) == domain.ErrNonTrovato {
		vm.NonTrovato = true
		return h.render(c, fiber.StatusNotFound, views.PaginaOperatoreAccount, vm)
	}
	if err != nil {
		return err
	}
	if err := h.riempiAccount(&vm, u); err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, views.PaginaOperatoreAccount, vm)
}

// riempiAccount fills the page with what the operator needs to know of u.
func (h *Handlers) riempiAccount(vm *accountOperatoreVM, u *domain.Utente) error {
	vm.Account, vm.CF, vm.Abilitazioni, vm.Documenti = u, u.CodiceFiscale, u.Abilitazioni, domain.TipiDocumento
	vm.Stato, vm.Colore = statoAccount(u)
	a, err := h.Store.Attivazione(u.ID)
	switch {
	case err == nil:
		vm.Attivazione, vm.Scaduta = a, !a.Valida(h.Now())
	case domain.CodiceDi(err) != domain.ErrNonTrovato:
		return err
	}
	if vm.Accessi, err = h.Store.AccessiRecenti(u.ID, accessiOperatore); err != nil {
		return err
	}
	vm.PEC, err = h.pecDelTitolare(u)
	return err
}

// statoAccount is the state of an account in words, with a badge colour.
func statoAccount(u *domain.Utente) (string, string) {
	switch {
	case u.Revocato:
		return "Revocato", "danger"
	case u.Sospeso:
		return "Sospeso", "warning"
	case u.DeveAttivare():
		return "In attesa di attivazione", "secondary"
	}
	return "Attivo", "success"
}

// pecDelTitolare is the PEC address of the holder's most recent approved
// request, where part 2 of a new code can be sent; "" when it gave none.
func (h *Handlers) pecDelTitolare(u *domain.Utente) (string, error) {
	var ultima domain.Abilitazione
	for _, a := range u.Abilitazioni {
		if a.RichiestaID != 0 && !a.Dal.Before(ultima.Dal) {
			ultima = a
		}
	}
	if ultima.RichiestaID == 0 {
		return "", nil
	}
	r, err := h.Store.Richiesta(ultima.RichiestaID)
	if domain.CodiceDi(err) == domain.ErrNonTrovato {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return r.Contatti.PEC, nil
}

// accountDellaSede loads the account in the URL for an operator of a sede
// that enabled it; any other account is not found.
func (h *Handlers) accountDellaSede(c *fiber.Ctx) (*domain.Utente, error) {
	id, err := strconv.ParseUint(c.Params("uid"), 10, 64)
	if err != nil {
		return nil, errNessunAccount
	}
	u, err := h.Store.Utente(id)
	if domain.CodiceDi(err) == domain.ErrNonTrovato || err == nil && !domain.AbilitatoDallaSede(u, utenteDi(c).Sede) {
		return nil, errNessunAccount
	}
	return u, err
}

// erroriAccount shows the account page again with the errors of one form.
func (h *Handlers) erroriAccount(c *fiber.Ctx, u *domain.Utente, modulo string, e domain.Errori) error {
	vm := accountOperatoreVM{Base: h.personale(c, "Account dei titolari"), Modulo: modulo, Errori: domain.Errori{}, Valori: url.Values{}}
	// The page has a form per action: ids, and so errors, carry its name.
	for k, msg := range e {
		vm.Errori[modulo+"_"+k] = msg
	}
	for _, k := range []string{"motivo", "documento_tipo", "documento_numero", "consegna"} {
		vm.Valori.Set(k, c.FormValue(k))
	}
	if err := h.riempiAccount(&vm, u); err != nil {
		return err
	}
	return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaOperatoreAccount, vm)
}

// tornaAllAccount goes back to the account's page with a message.
func (h *Handlers) tornaAllAccount(c *fiber.Ctx, u *domain.Utente, msg string) error {
	return h.avviso(c, "/operatore/account?cf="+url.QueryEscape(u.CodiceFiscale), msg)
}

// motivo reads the reason of an action, required or not.
func motivo(c *fiber.Ctx, e domain.Errori, richiesto bool) string {
	m := strings.TrimSpace(c.FormValue("motivo"))
	if msg := domain.ControllaTesto(m); msg != "" {
		e.Add("motivo", msg)
	} else if m == "" && richiesto {
		e.Add("motivo", "Indica il motivo: resta nel registro delle operazioni.")
	}
	return m
}

// sceltaSospensione reads the form's choice: true to suspend, false to
// reactivate; anything else is an error of the field, naming cosa.
func sceltaSospensione(c *fiber.Ctx, e domain.Errori, cosa string) bool {
	switch c.FormValue("azione") {
	case "sospendi":
		return true
	case "riattiva":
		return false
	}
	e.Add("azione", "Scegli se sospendere o riattivare "+cosa+".")
	return false
}

// sospendiAccount suspends an account, ending its sessions at once, or
// reactivates it.
func (h *Handlers) sospendiAccount(c *fiber.Ctx) error {
	u, err := h.accountDellaSede(c)
	if err != nil {
		return err
	}
	e := domain.Errori{}
	m := motivo(c, e, false)
	sospendi := sceltaSospensione(c, e, "l'account")
	if len(e) == 0 {
		_, err = h.Store.Sospendi(h.atto(c), u.ID, sospendi, m)
		if err = rifiutoNelModulo(err, e, "azione"); err != nil {
			return err
		}
	}
	if len(e) > 0 {
		return h.erroriAccount(c, u, "sospensione", e)
	}
	msg := "Account riattivato: il titolare può di nuovo accedere."
	if sospendi {
		msg = "Account sospeso: le sue sessioni sono state chiuse e non può accedere finché non viene riattivato."
	}
	return h.tornaAllAccount(c, u, msg)
}

// revocaAccount revokes an account for good, once the operator confirms.
func (h *Handlers) revocaAccount(c *fiber.Ctx) error {
	u, err := h.accountDellaSede(c)
	if err != nil {
		return err
	}
	e := domain.Errori{}
	m := motivo(c, e, true)
	if c.FormValue("conferma") != "si" {
		e.Add("conferma", "Conferma che vuoi revocare l'account: l'operazione non si può annullare.")
	}
	if len(e) == 0 {
		_, err = h.Store.Revoca(h.atto(c), u.ID, m)
		if err = rifiutoNelModulo(err, e, "conferma"); err != nil {
			return err
		}
	}
	if len(e) > 0 {
		return h.erroriAccount(c, u, "revoca", e)
	}
	return h.tornaAllAccount(c, u, "Account revocato: le sue sessioni e il codice di attivazione in sospeso non valgono più e non potrà più accedere.")
}

// rifiutoNelModulo puts the store's refusal of an action (a conflict, a
// value it does not accept) in the form's errors under campo; other errors
// are returned.
func rifiutoNelModulo(err error, e domain.Errori, campo string) error {
	switch domain.CodiceDi(err) {
	case domain.ErrConflitto, domain.ErrNonValido:
		e.Add(campo, domain.MessaggioDi(err))
		return nil
	}
	return err
}
