package handlers

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/store"
	"abilita/views"
)

// The operators' queue: the requests of the operator's sede, filtered and
// paged by the store from its index, never by reading every request.

// perPaginaCoda is the number of requests on one page of the queue.
const perPaginaCoda = 20

// statiAperti are the states the queue shows when no state is chosen: the
// requests still waiting for the sede.
var statiAperti = []domain.Stato{domain.StatoInviata, domain.StatoInLavorazione, domain.StatoIntegrazioneRichiesta}

// giorniAnzianita are the choices of the "older than" filter.
var giorniAnzianita = []int{3, 7, 15, 30}

// filtriCoda is the filter form of the queue, as read from the query string.
type filtriCoda struct {
	Stati    []domain.Stato
	Percorso domain.Percorso
	Profilo  domain.Profilo
	Urgenti  bool
	Giorni   int
	Testo    string
	Dopo     string // cursor: the page after this row
	Prima    string // cursor: the page before this row
}

func leggiFiltri(c *fiber.Ctx) filtriCoda {
	f := filtriCoda{
		Percorso: domain.Percorso(c.Query("percorso")),
		Profilo:  domain.Profilo(c.Query("profilo")),
		Urgenti:  c.Query("urgenti") == "si",
		Testo:    strings.TrimSpace(c.Query("q")),
	}
	for _, v := range c.Context().QueryArgs().PeekMulti("stato") {
		if s := domain.Stato(v); slices.Contains(domain.Stati, s) && s != domain.StatoBozza && !slices.Contains(f.Stati, s) {
			f.Stati = append(f.Stati, s)
		}
	}
	if len(f.Stati) == 0 {
		f.Stati = statiAperti
	}
	if !slices.Contains([]domain.Percorso{domain.PercorsoSportello, domain.PercorsoInailRisponde, domain.PercorsoOnline}, f.Percorso) {
		f.Percorso = ""
	}
	if !slices.Contains(domain.Profili, f.Profilo) {
		f.Profilo = ""
	}
	if g, err := strconv.Atoi(c.Query("giorni")); err == nil && slices.Contains(giorniAnzianita, g) {
		f.Giorni = g
	}
	if domain.ControllaTesto(f.Testo) != "" {
		f.Testo = ""
	}
	f.Dopo, f.Prima = c.Query("dopo"), c.Query("prima")
	return f
}

// query is the address of the queue with these filters, from its first page.
func (f filtriCoda) query() string { return f.pagina("", "") }

// pagina is the address of the queue with these filters on the page after
// the cursor dopo, or before the cursor prima.
func (f filtriCoda) pagina(dopo, prima string) string {
	v := url.Values{}
	for _, s := range f.Stati {
		v.Add("stato", string(s))
	}
	if f.Percorso != "" {
		v.Set("percorso", string(f.Percorso))
	}
	if f.Profilo != "" {
		v.Set("profilo", string(f.Profilo))
	}
	if f.Urgenti {
		v.Set("urgenti", "si")
	}
	if f.Giorni > 0 {
		v.Set("giorni", strconv.Itoa(f.Giorni))
	}
	if f.Testo != "" {
		v.Set("q", f.Testo)
	}
	if dopo != "" {
		v.Set("dopo", dopo)
	}
	if prima != "" {
		v.Set("prima", prima)
	}
	return "/operatore?" + v.Encode()
}

// opzione is one choice of a filter, as the form draws it.
type opzione struct {
	Valore, Etichetta string
	Scelta            bool
}

// rigaCoda is one request in the queue table, every cell already text: the
// template prints fields and calls nothing, since each call in a template
// costs as much as the rest of the cell.
type rigaCoda struct {
	ID            uint64
	Protocollo    string
	Urgente       bool
	Richiedente   string
	CodiceFiscale string
	Profilo       string
	Percorso      string
	Inviata       string // dd/mm/yyyy
	Anzianita     string // "oggi", "1 giorno fa", "12 giorni fa"
	Stato         statoVM
	Operatore     string
	Libera        bool // waiting for an operator: opening it takes it in charge
}

// statoVM is a state as the badges draw it.
type statoVM struct{ Etichetta, Colore string }

func vistaStato(s domain.Stato) statoVM { return statoVM{Etichetta: s.Etichetta(), Colore: s.Colore()} }

func nuovaRigaCoda(r domain.RigaCoda, nomi map[uint64]string, now time.Time) rigaCoda {
	anzianita := "oggi"
	switch g := giorniDa(r.Inviata, now); g {
	case 0:
	case 1:
		anzianita = "1 giorno fa"
	default:
		anzianita = strconv.Itoa(g) + " giorni fa"
	}
	return rigaCoda{
		ID: r.ID, Protocollo: r.Protocollo, Urgente: r.Urgente, Richiedente: r.Cognome + " " + r.Nome, CodiceFiscale: r.CodiceFiscale,
		Profilo: r.Profilo.Etichetta(), Percorso: r.Percorso.Etichetta(), Inviata: r.Inviata.In(domain.Roma).Format("02/01/2006"),
		Anzianita: anzianita, Stato: vistaStato(r.Stato), Operatore: nomi[r.Operatore], Libera: r.Stato == domain.StatoInviata,
	}
}

// conteggioCoda is the number of requests of the sede in one state.
type conteggioCoda struct {
	Stato  statoVM
	Numero int
	URL    string
}

type codaVM struct {
	views.Base
	SedeNome   string
	Conteggi   []conteggioCoda
	Stati      []opzione
	Percorsi   []opzione
	Profili    []opzione
	Giorni     []opzione
	Urgenti    bool
	Testo      string
	Righe      []rigaCoda
	Totale     int
	TotaleNoto bool // the counters give the total (not with the age filter)
	Ricerca    bool // a search: at most store.MaxRicerca rows
	Troncata   bool // … and more matched
	Prec       string
	Succ       string
	Filtrata   bool
	Aggiorna   bool // an htmx answer: the announcement is swapped out of band
	// DaRisolvere: the sede's messages the relay refused, to send again.
	DaRisolvere int
}

// coda is the dashboard of the sede. An htmx request from the filter form
// or the pagination gets the results block alone.
func (h *Handlers) coda(c *fiber.Ctx) error {
	u := utenteDi(c)
	f := leggiFiltri(c)
	now := h.Now()
	res, err := h.Store.Coda(store.QueryCoda{
		Sede: u.Sede, Stati: f.Stati, Percorso: f.Percorso, Profilo: f.Profilo, Urgenti: f.Urgenti,
		Vecchie: time.Duration(f.Giorni) * 24 * time.Hour, Testo: f.Testo, Ora: now, Dopo: f.Dopo, Prima: f.Prima, PerPag: perPaginaCoda,
	})
	if err != nil {
		return err
	}
	conteggi, err := h.Store.ConteggiCoda(u.Sede)
	if err != nil {
		return err
	}
	vm := vistaCoda(h.personale(c, "Coda della sede"), f, DatiCoda{SedeNome: h.nomeSede(u.Sede), Pagina: res, Conteggi: conteggi, Nomi: h.nomiOperatori(u.Sede)}, now)
	if vm.DaRisolvere, err = h.daRisolvere(u.Sede); err != nil {
		return err
	}
	c.Vary("HX-Target")
	if c.Get("HX-Request") == "true" && c.Get("HX-Target") == "coda-risultati" {
		vm.Aggiorna = true
		return h.partial(c, fiber.StatusOK, "coda_risultati", vm)
	}
	return h.render(c, fiber.StatusOK, views.PaginaCoda, vm)
}

// DatiCoda is what the queue page shows, as read from the store.
type DatiCoda struct {
	SedeNome string
	Pagina   store.PaginaCoda
	Conteggi map[domain.Stato]int
	Nomi     map[uint64]string // the operators of the sede
}

// VistaCodaIniziale is the view model of the queue's first page, without
// filters, for d: what the handler renders, given to cmd/bench so that its
// anchor renders the same page from the same data without the server.
func VistaCodaIniziale(base views.Base, d DatiCoda, now time.Time) any {
	return vistaCoda(base, filtriCoda{Stati: statiAperti}, d, now)
}

// vistaCoda turns the queue's data into text for the template.
func vistaCoda(base views.Base, f filtriCoda, d DatiCoda, now time.Time) codaVM {
	res := d.Pagina
	vm := codaVM{
		Base: base, SedeNome: d.SedeNome, Conteggi: righeConteggi(d.Conteggi),
		Urgenti: f.Urgenti, Testo: f.Testo, Totale: res.Totale, TotaleNoto: res.TotaleNoto, Ricerca: res.Ricerca, Troncata: res.Troncata,
		Filtrata: f.Percorso != "" || f.Profilo != "" || f.Urgenti || f.Giorni > 0 || f.Testo != "" || !slices.Equal(f.Stati, statiAperti),
	}
	vm.Stati, vm.Percorsi, vm.Profili, vm.Giorni = opzioniFiltri(f)
	vm.Righe = make([]rigaCoda, 0, len(res.Righe))
	for _, r := range res.Righe {
		vm.Righe = append(vm.Righe, nuovaRigaCoda(r, d.Nomi, now))
	}
	if res.Prec != "" {
		vm.Prec = f.pagina("", res.Prec)
	}
	if res.Succ != "" {
		vm.Succ = f.pagina(res.Succ, "")
	}
	return vm
}

func opzioniFiltri(f filtriCoda) (stati, percorsi, profili, giorni []opzione) {
	for _, s := range domain.Stati {
		if s != domain.StatoBozza {
			stati = append(stati, opzione{Valore: string(s), Etichetta: s.Etichetta(), Scelta: slices.Contains(f.Stati, s)})
		}
	}
	for _, p := range []domain.Percorso{domain.PercorsoSportello, domain.PercorsoInailRisponde, domain.PercorsoOnline} {
		percorsi = append(percorsi, opzione{Valore: string(p), Etichetta: p.Etichetta(), Scelta: p == f.Percorso})
	}
	for _, p := range domain.Profili {
		profili = append(profili, opzione{Valore: string(p), Etichetta: p.Etichetta(), Scelta: p == f.Profilo})
	}
	for _, g := range giorniAnzianita {
		giorni = append(giorni, opzione{Valore: strconv.Itoa(g), Etichetta: "Più vecchie di " + strconv.Itoa(g) + " giorni", Scelta: g == f.Giorni})
	}
	return stati, percorsi, profili, giorni
}

type conteggiVM struct {
	Conteggi []conteggioCoda
}

// conteggi is the counts block, which refreshes itself every 30 seconds.
func (h *Handlers) conteggi(c *fiber.Ctx) error {
	n, err := h.Store.ConteggiCoda(utenteDi(c).Sede)
	if err != nil {
		return err
	}
	return h.partial(c, fiber.StatusOK, "coda_conteggi", conteggiVM{Conteggi: righeConteggi(n)})
}

// righeConteggi are the sede's counts in each state but draft, each linked
// to the queue filtered on it.
func righeConteggi(n map[domain.Stato]int) []conteggioCoda {
	out := make([]conteggioCoda, 0, len(domain.Stati))
	for _, s := range domain.Stati {
		if s != domain.StatoBozza {
			out = append(out, conteggioCoda{Stato: vistaStato(s), Numero: n[s], URL: filtriCoda{Stati: []domain.Stato{s}}.query()})
		}
	}
	return out
}

// nomiOperatori maps the IDs of the sede's operators to their names.
func (h *Handlers) nomiOperatori(sede string) map[uint64]string {
	out, err := h.Store.NomiOperatori(sede)
	if err != nil {
		h.Log.Error("reading the operators of a sede", "sede", sede, "err", err)
		return map[uint64]string{}
	}
	return out
}

func (h *Handlers) nomeSede(codice string) string {
	if sd, err := h.Store.Sede(codice); err == nil {
		return sd.Nome
	}
	return codice
}

// giorniDa is the age in whole days of something that happened at t.
func giorniDa(t, now time.Time) int {
	if t.IsZero() || now.Before(t) {
		return 0
	}
	return int(now.Sub(t) / (24 * time.Hour))
}
