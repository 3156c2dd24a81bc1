package handlers

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/sedi"
	"abilita/statistiche"
	"abilita/views"
)

// sogliaPredefinita is how long a request may wait before the statistics
// count it as late, unless the page asks otherwise (?soglia=giorni).
const sogliaPredefinita = 7

// maxAttese is the number of late requests the page lists, and
// maxAtteseCSV the export; the count is always whole.
const (
	maxAttese    = 50
	maxAtteseCSV = 5000
)

// ambito is what the statistics are about: one sede or all of them, and
// the waiting threshold.
type ambito struct {
	Sede        string // "" for every sede
	NomeSede    string
	Soglia      int // days
	SogliaTesto string
	Elenco      []sedi.Sede
}

// leggiAmbito reads the scope: an operator always gets its own sede, an
// administrator every sede or the one in ?sede=.
func (h *Handlers) leggiAmbito(c *fiber.Ctx) (ambito, domain.Errori, error) {
	e := domain.Errori{}
	a := ambito{Soglia: sogliaPredefinita, SogliaTesto: c.Query("soglia", strconv.Itoa(sogliaPredefinita))}
	if n, err := strconv.Atoi(a.SogliaTesto); err != nil || n < 1 || n > 365 {
		e.Add("soglia", "La soglia è un numero di giorni da 1 a 365.")
	} else {
		a.Soglia = n
	}
	elenco := h.Store.Sedi()
	a.Elenco = elenco
	u := utenteDi(c)
	a.Sede = c.Query("sede")
	if u.Ruolo != domain.RuoloAmministratore {
		if u.Sede == "" {
			// "" would mean every sede: an operator without one sees nothing.
			return a, e, &domain.Errore{Codice: domain.ErrNonAmmesso, Messaggio: "Il tuo account non è assegnato a una sede: chiedi all'amministratore."}
		}
		a.Sede = u.Sede
	}
	a.NomeSede = "Tutte le sedi"
	if a.Sede != "" {
		nome, ok := nomiSedi(elenco)[a.Sede]
		switch {
		case ok:
			a.NomeSede = nome
		case u.Ruolo == domain.RuoloAmministratore:
			e.Add("sede", "Scegli una delle sedi dell'elenco.")
			a.Sede = ""
		default:
			a.NomeSede = "Sede " + a.Sede
		}
	}
	return a, e, nil
}

// calcola computes the figures of the scope from the store's aggregates,
// listing up to maxRighe of the late requests.
func (h *Handlers) calcola(a ambito, ora time.Time, maxRighe int) (statistiche.Risultato, error) {
	soglia := time.Duration(a.Soglia) * 24 * time.Hour
	agg, err := h.Store.Aggregati(a.Sede, ora, soglia, maxRighe)
	if err != nil {
		return statistiche.Risultato{}, err
	}
	return statistiche.Da(agg, a.Sede, nomiSedi(a.Elenco), ora, soglia), nil
}

type statisticheVM struct {
	views.Base
	Ambito      ambito
	Amministra  bool // shows the sede selector
	Calcolate   string
	R           statistiche.Risultato
	Grafici     []grafico
	Tempi       []rigaTempo
	Attese      []rigaAttesa
	AltreAttese int
	CSV         string // address of the export with the same scope
	Errori      domain.Errori
}

// statistiche shows the figures of the operator's sede, or of every sede or
// one of them to an administrator, as charts with their tables.
func (h *Handlers) statistiche(c *fiber.Ctx) error {
	a, e, err := h.leggiAmbito(c)
	if err != nil {
		return err
	}
	now := h.Now()
	res, err := h.calcola(a, now, maxAttese)
	if err != nil {
		return err
	}
	vm := statisticheVM{
		Base: h.personale(c, "Statistiche"), Ambito: a, R: res, Errori: e,
		Amministra: utenteDi(c).Ruolo == domain.RuoloAmministratore,
		Calcolate:  now.In(views.Rome).Format("02/01/2006 alle 15:04"),
		Grafici:    graficiDi(res), Tempi: righeTempi(res.Tempi),
		CSV: "/statistiche.csv?" + queryAmbito(a),
	}
	nomi := nomiSedi(a.Elenco)
	vm.AltreAttese = res.NumeroInAttesa - len(res.InAttesa)
	for _, w := range res.InAttesa {
		vm.Attese = append(vm.Attese, rigaAttesa{Attesa: w, NomeSede: nomi[w.Sede], Giorni: int(w.Da / (24 * time.Hour)),
			Dal: w.Inviata.In(views.Rome).Format("02/01/2006")})
	}
	status := fiber.StatusOK
	if len(e) > 0 {
		status = fiber.StatusUnprocessableEntity
	}
	return h.render(c, status, views.PaginaStatistiche, vm)
}

// queryAmbito is the query string that gives the same scope.
func queryAmbito(a ambito) string {
	q := "soglia=" + strconv.Itoa(a.Soglia)
	if a.Sede != "" {
		q += "&sede=" + a.Sede
	}
	return q
}

// rigaAttesa is a late request in the page's list.
type rigaAttesa struct {
	statistiche.Attesa
	NomeSede string
	Dal      string
	Giorni   int
}

// rigaTempo is one row of the decision-time table.
type rigaTempo struct {
	Voce        string
	Ore, Giorni string // Italian decimals; "–" when there is no decision
}

func righeTempi(t statistiche.Tempi) []rigaTempo {
	riga := func(voce string, d time.Duration) rigaTempo {
		if t.Decise == 0 {
			return rigaTempo{voce, "–", "–"}
		}
		return rigaTempo{voce, decimale(d.Hours()), decimale(d.Hours() / 24)}
	}
	return []rigaTempo{riga("Mediana (circa)", t.Mediana), riga("90° percentile (circa)", t.P90)}
}

// decimale writes x with one decimal and the Italian comma.
func decimale(x float64) string {
	return strings.Replace(strconv.FormatFloat(x, 'f', 1, 64), ".", ",", 1)
}
