package handlers

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/store"
	"abilita/views"
)

// Posta in uscita: the messages of the outbox with their delivery state, a
// page at a time from the index by sede and state. Operators see those about
// their sede's requests; administrators see all, including the messages that
// belong to no request (verification links).

// perPaginaPosta is how many messages a page shows.
const perPaginaPosta = 50

// rigaPosta is one message of the outbox.
type rigaPosta struct {
	domain.Notifica
	PEC          bool
	Fallita      bool // not delivered: it can be sent again
	Correggibile bool // to one address, which can be corrected
}

// filtroPosta is one choice of the state filter, with its count.
type filtroPosta struct {
	Etichetta string
	URL       string
	Numero    int
	Scelto    bool
}

type postaVM struct {
	views.Base
	Righe       []rigaPosta
	SedeNome    string
	Principale  bool // the administrator's view of every sede
	Filtri      []filtroPosta
	Altri       string // the next, older page
	DaRisolvere int    // messages not delivered
	InAttesa    int    // messages queued (some waiting after a failure)
	Ritorno     string // this page, where the actions come back
}

func (h *Handlers) postaInUscita(c *fiber.Ctx) error {
	u := utenteDi(c)
	admin := u.Ruolo == domain.RuoloAmministratore
	vm := postaVM{Base: h.personale(c, "Posta in uscita"), Principale: admin}
	sede := ""
	if !admin {
		sede, vm.SedeNome = u.Sede, h.nomeSede(u.Sede)
	}
	stato := domain.StatoNotifica(c.Query("stato"))
	if !slices.Contains(domain.StatiNotifica, stato) {
		stato = ""
	}
	prima, _ := strconv.ParseUint(c.Query("prima"), 10, 64)
	pagina, err := h.Store.Posta(store.QueryPosta{Sede: sede, Stato: stato, Prima: prima, PerPag: perPaginaPosta})
	if err != nil {
		return err
	}
	conti, err := h.Store.ContaPosta(sede)
	if err != nil {
		return err
	}
	totale := 0
	for _, n := range conti {
		totale += n
	}
	vm.Filtri = append(vm.Filtri, filtroPosta{Etichetta: "Tutti", URL: urlPosta("", 0), Numero: totale, Scelto: stato == ""})
	for _, s := range domain.StatiNotifica {
		vm.Filtri = append(vm.Filtri, filtroPosta{Etichetta: s.Etichetta(), URL: urlPosta(s, 0), Numero: conti[s], Scelto: stato == s})
	}
	vm.DaRisolvere, vm.InAttesa = conti[domain.NotificaFallita], conti[domain.NotificaInCoda]
	vm.Ritorno = urlPosta(stato, prima)
	for _, n := range pagina.Notifiche {
		vm.Righe = append(vm.Righe, rigaPosta{Notifica: n, PEC: n.Messaggio.PEC(), Fallita: n.Stato == domain.NotificaFallita,
			Correggibile: len(n.Messaggio.To) == 1})
	}
	if pagina.Altre {
		vm.Altri = urlPosta(stato, pagina.Notifiche[len(pagina.Notifiche)-1].ID)
	}
	return h.render(c, fiber.StatusOK, views.PaginaPostaUscita, vm)
}

// urlPosta is the address of the outbox page with the state filter, older
// than the message prima (0 for the newest).
func urlPosta(stato domain.StatoNotifica, prima uint64) string {
	v := url.Values{}
	if stato != "" {
		v.Set("stato", string(stato))
	}
	if prima > 0 {
		v.Set("prima", strconv.FormatUint(prima, 10))
	}
	if len(v) == 0 {
		return "/operatore/posta"
	}
	return "/operatore/posta?" + v.Encode()
}

// daRisolvere is how many messages of sede ("" for every sede) the relay
// refused: the dashboards show it until each is sent again.
func (h *Handlers) daRisolvere(sede string) (int, error) {
	conti, err := h.Store.ContaPosta(sede)
	return conti[domain.NotificaFallita], err
}

// reinviaMessaggio sends a message that was not delivered again, to the
// address typed if it was corrected ("Correggi indirizzo e reinvia").
func (h *Handlers) reinviaMessaggio(c *fiber.Ctx) error {
	id, err := strconv.ParseUint(c.Params("nid"), 10, 64)
	if err != nil {
		return domain.NonTrovato("Messaggio non trovato.")
	}
	ritorno := destinazioneSicura(c.FormValue("ritorno"))
	if !strings.HasPrefix(ritorno, "/operatore/posta") {
		ritorno = "/operatore/posta"
	}
	n, err := h.Store.ReinviaMessaggio(h.atto(c), id, c.FormValue("indirizzo"))
	if codice := domain.CodiceDi(err); err != nil && (codice == domain.ErrNonValido || codice == domain.ErrConflitto) {
		return h.avviso(c, ritorno, domain.MessaggioDi(err))
	}
	if err != nil {
		return err
	}
	return h.avviso(c, ritorno, "Il messaggio «"+n.Messaggio.Subject+"» è di nuovo in coda per "+strings.Join(n.Messaggio.To, ", ")+".")
}

// riprovaOra sends now the messages waiting for a new attempt after a
// failure, without waiting for their back-off: an administrator's button
// once the relay is fixed.
func (h *Handlers) riprovaOra(c *fiber.Ctx) error {
	n, err := h.Store.Anticipa("", h.Now())
	if err != nil {
		return err
	}
	msg := "Nessun messaggio attendeva un nuovo tentativo."
	if n > 0 {
		msg = strconv.Itoa(n) + " messaggi in attesa vengono inviati ora."
	}
	return h.avviso(c, "/operatore/posta", msg)
}
