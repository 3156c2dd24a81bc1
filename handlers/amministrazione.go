package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/posta"
	"abilita/sedi"
	"abilita/views"
)

// moduloAccount is the form that creates an operator or administrator.
// It has no password: the new user chooses it when activating the account.
type moduloAccount struct {
	Nome, Cognome, Email, Sede string
	Ruolo                      domain.Ruolo
}

// rigaAccount is one staff account in the list.
type rigaAccount struct {
	domain.Utente
	NomeSede string
	Io       bool // the administrator looking at the page
	// Lettera: the account waits for its activation and the letter with part
	// 2 of its code can still be printed.
	Lettera bool
}

// Stato is the account's state as the list shows it.
func (r rigaAccount) Stato() string {
	switch {
	case r.Sospeso:
		return "Sospeso"
	case r.DeveAttivare():
		return "In attesa di attivazione"
	}
	return "Attivo"
}

// Colore is the badge colour of the state.
func (r rigaAccount) Colore() string {
	switch {
	case r.Sospeso:
		return "danger"
	case r.DeveAttivare():
		return "warning"
	}
	return "success"
}

type operatoriVM struct {
	views.Base
	Account []rigaAccount
	Sedi    []sedi.Sede
	Ruoli   []domain.Ruolo
	Modulo  moduloAccount
	Errori  domain.Errori
}

// operatori lists operators and administrators, with the form that creates one.
func (h *Handlers) operatori(c *fiber.Ctx) error {
	return h.paginaOperatori(c, fiber.StatusOK, moduloAccount{Ruolo: domain.RuoloOperatore}, domain.Errori{})
}

func (h *Handlers) paginaOperatori(c *fiber.Ctx, status int, m moduloAccount, e domain.Errori) error {
	elenco := h.Store.Sedi()
	utenti, err := h.Store.Staff()
	if err != nil {
		return err
	}
	nomi := nomiSedi(elenco)
	me := utenteDi(c)
	vm := operatoriVM{Base: h.personale(c, "Operatori e amministratori"), Sedi: elenco, Modulo: m, Errori: e,
		Ruoli: []domain.Ruolo{domain.RuoloOperatore, domain.RuoloAmministratore}}
	for _, u := range utenti {
		riga := rigaAccount{Utente: u, NomeSede: nomi[u.Sede], Io: u.ID == me.ID}
		if u.DeveAttivare() {
			if riga.Lettera, err = h.letteraDisponibile(u.ID); err != nil {
				return err
			}
		}
		vm.Account = append(vm.Account, riga)
	}
	return h.render(c, status, views.PaginaOperatori, vm)
}

// creaOperatore creates an account bound to a sede and issues its
// activation code: part 1 goes to the new user by e-mail, part 2 is printed
// on the letter the administrator downloads and hands over. Nobody but the
// new user ever sees or sets its password.
func (h *Handlers) creaOperatore(c *fiber.Ctx) error {
	m := moduloAccount{
		Nome: strings.TrimSpace(c.FormValue("nome")), Cognome: strings.TrimSpace(c.FormValue("cognome")),
		Email: domain.NormalizzaEmail(c.FormValue("email")), Sede: strings.TrimSpace(c.FormValue("sede")),
		Ruolo: domain.Ruolo(c.FormValue("ruolo")),
	}
	e := h.validaAccount(&m)
	if len(e) > 0 {
		return h.paginaOperatori(c, fiber.StatusUnprocessableEntity, m, e)
	}
	u := domain.Utente{Ruolo: m.Ruolo, Email: m.Email, Nome: m.Nome, Cognome: m.Cognome, Sede: m.Sede}
	codice, err := h.codiceAccount(&u, "", "creazione dell'account")
	if err != nil {
		return err
	}
	creato, err := h.Store.CreaStaff(h.atto(c), u, codice.attivazione, codice.messaggi)
	if domain.CodiceDi(err) == domain.ErrConflitto {
		e.Add("email", domain.MessaggioDi(err))
		return h.paginaOperatori(c, fiber.StatusUnprocessableEntity, m, e)
	}
	if err != nil {
		return err
	}
	return h.avviso(c, "/amministrazione/operatori", "Account creato per "+creato.NomeCompleto()+". La prima parte del codice di attivazione è stata inviata a "+creato.Email+
		"; stampa la lettera con la seconda parte e consegnala di persona. Il codice vale "+posta.Durata(h.cfg.AttivazioneTTL)+".")
}

// validaAccount checks the creation form; an operator needs a sede, an
// administrator sees every sede and gets none.
func (h *Handlers) validaAccount(m *moduloAccount) domain.Errori {
	e := domain.Errori{}
	u := domain.Utente{Ruolo: m.Ruolo, Email: m.Email, Nome: m.Nome, Cognome: m.Cognome, Sede: m.Sede}
	u.Valida(e, func(codice string) bool { _, err := h.Store.Sede(codice); return err == nil })
	m.Sede = u.Sede
	return e
}

// sospensioneOperatore suspends a staff account, ending its sessions at
// once, or reactivates it.
func (h *Handlers) sospensioneOperatore(c *fiber.Ctx) error {
	u, err := h.accountStaff(c)
	if err != nil {
		return err
	}
	var sospeso bool
	switch c.FormValue("azione") {
	case "sospendi":
		sospeso = true
	case "riattiva":
	default:
		return &domain.Errore{Codice: domain.ErrNonValido, Messaggio: "Operazione non valida: scegli se sospendere o riattivare l'account."}
	}
	esito := " è stato riattivato."
	if sospeso {
		esito = " è stato sospeso e le sue sessioni sono state chiuse."
	}
	if _, err := h.Store.Sospendi(h.atto(c), u.ID, sospeso, ""); err != nil {
		return err
	}
	return h.avviso(c, "/amministrazione/operatori", "L'account di "+u.NomeCompleto()+esito)
}

var errAccountNonTrovato = domain.NonTrovato("Account non trovato.")

// accountStaff loads the operator or administrator in the URL (:uid); any
// other account is not found here.
func (h *Handlers) accountStaff(c *fiber.Ctx) (*domain.Utente, error) {
	id, err := strconv.ParseUint(c.Params("uid"), 10, 64)
	if err != nil {
		return nil, errAccountNonTrovato
	}
	u, err := h.Store.Utente(id)
	if domain.CodiceDi(err) == domain.ErrNonTrovato {
		return nil, errAccountNonTrovato
	}
	if err != nil {
		return nil, err
	}
	if u.Ruolo != domain.RuoloOperatore && u.Ruolo != domain.RuoloAmministratore {
		return nil, errAccountNonTrovato
	}
	return u, nil
}

// riemettiAttivazioneStaff issues a new two-part code to an operator or
// administrator that has not activated its account yet (its code expired,
// or the letter was lost): the old code stops working, part 1 goes by
// e-mail again and a new letter can be printed.
func (h *Handlers) riemettiAttivazioneStaff(c *fiber.Ctx) error {
	u, err := h.accountStaff(c)
	if err != nil {
		return err
	}
	motivo := strings.TrimSpace(c.FormValue("motivo"))
	if msg := domain.ControllaTesto(motivo); msg != "" {
		return &domain.Errore{Codice: domain.ErrNonValido, Messaggio: msg}
	}
	codice, err := h.codiceAccount(u, "", motivo)
	if err != nil {
		return err
	}
	if _, err := h.Store.RiemettiCodice(h.atto(c), u.ID, codice.attivazione, codice.messaggi, motivo); err != nil {
		return err
	}
	return h.avviso(c, "/amministrazione/operatori", "Nuovo codice di attivazione emesso per "+u.NomeCompleto()+": la prima parte è stata inviata per e-mail, scarica la nuova lettera con la seconda parte. Il codice precedente non vale più.")
}

// nomiSedi maps each sede code to its name.
func nomiSedi(elenco []sedi.Sede) map[string]string {
	m := make(map[string]string, len(elenco))
	for _, s := range elenco {
		m[s.Codice] = s.Nome
	}
	return m
}
