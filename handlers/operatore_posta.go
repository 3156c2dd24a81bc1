package handlers

import (
	"net/url"
	"slices"
	"strconv"

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
	PEC bool
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
	Righe      []rigaPosta
	SedeNome   string
	Principale bool // the administrator's view of every sede
	Filtri     []filtroPosta
	Altri      string // the next, older page
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
	for _, n := range pagina.Notifiche {
		vm.Righe = append(vm.Righe, rigaPosta{Notifica: n, PEC: n.Messaggio.PEC()})
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
