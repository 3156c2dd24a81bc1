// Package statistiche computes the figures of the statistics page and its CSV
// export: requests per path, profile and state, the time from submission to
// decision and the requests waiting too long. It is pure: the caller feeds it
// the requests one by one, as the store walks them.
package statistiche

import (
	"math"
	"slices"
	"strings"
	"time"

	"abilita/domain"
)

// Voce is one bar of a chart and one row of its table.
type Voce struct {
	Chiave    string // the code (state, path, profile, sede)
	Etichetta string // the Italian label
	Valore    int
}

// Attesa is a request waiting for a decision longer than the threshold.
type Attesa struct {
	ID         uint64
	Protocollo string
	Sede       string
	Stato      domain.Stato
	Inviata    time.Time
	Da         time.Duration
}

// Tempi summarises the times from submission to decision.
type Tempi struct {
	Decise  int           // requests with a decision
	Mediana time.Duration // zero when Decise is 0
	P90     time.Duration // 90th percentile
}

// Risultato is everything the page shows.
type Risultato struct {
	Totale      int
	PerPercorso []Voce
	PerProfilo  []Voce
	PerStato    []Voce
	PerSede     []Voce // only when the scope is every sede
	Tempi       Tempi
	Soglia      time.Duration
	InAttesa    []Attesa // oldest first
}

// Calcolo accumulates requests. Only submitted requests count: drafts have
// no sede and are nobody's work yet.
type Calcolo struct {
	ora      time.Time
	soglia   time.Duration
	sede     string // "" for every sede
	nomiSedi map[string]string

	totale    int
	percorsi  map[domain.Percorso]int
	profili   map[domain.Profilo]int
	stati     map[domain.Stato]int
	sedi      map[string]int
	decisioni []time.Duration
	attese    []Attesa
}

// Nuovo starts a computation for one sede (or every sede when sede is ""),
// as of ora, counting as late the open requests submitted more than soglia
// ago. nomiSedi maps sede codes to their names, for the per-sede chart.
func Nuovo(sede string, nomiSedi map[string]string, ora time.Time, soglia time.Duration) *Calcolo {
	return &Calcolo{
		ora: ora, soglia: soglia, sede: sede, nomiSedi: nomiSedi,
		percorsi: map[domain.Percorso]int{}, profili: map[domain.Profilo]int{},
		stati: map[domain.Stato]int{}, sedi: map[string]int{},
	}
}

// Aggiungi counts r if it is in scope.
func (c *Calcolo) Aggiungi(r *domain.Richiesta) {
	if r.Stato == domain.StatoBozza || (c.sede != "" && r.Sede != c.sede) {
		return
	}
	c.totale++
	c.percorsi[r.Percorso]++
	c.profili[r.Profilo]++
	c.stati[r.Stato]++
	c.sedi[r.Sede]++
	if d, ok := TempoDecisione(r); ok {
		c.decisioni = append(c.decisioni, d)
	}
	if Aperta(r.Stato) && !r.Inviata.IsZero() && c.ora.Sub(r.Inviata) > c.soglia {
		c.attese = append(c.attese, Attesa{ID: r.ID, Protocollo: r.Protocollo, Sede: r.Sede, Stato: r.Stato, Inviata: r.Inviata, Da: c.ora.Sub(r.Inviata)})
	}
}

// Risultato returns the figures of the requests added so far.
func (c *Calcolo) Risultato() Risultato {
	res := Risultato{Totale: c.totale, Soglia: c.soglia}
	for _, p := range []domain.Percorso{domain.PercorsoSportello, domain.PercorsoInailRisponde, domain.PercorsoOnline} {
		res.PerPercorso = append(res.PerPercorso, Voce{string(p), p.Etichetta(), c.percorsi[p]})
	}
	for _, p := range domain.Profili {
		res.PerProfilo = append(res.PerProfilo, Voce{string(p), p.Etichetta(), c.profili[p]})
	}
	for _, s := range domain.Stati {
		if s != domain.StatoBozza {
			res.PerStato = append(res.PerStato, Voce{string(s), s.Etichetta(), c.stati[s]})
		}
	}
	if c.sede == "" {
		for codice, n := range c.sedi {
			nome := c.nomiSedi[codice]
			if nome == "" {
				nome = codice
			}
			res.PerSede = append(res.PerSede, Voce{codice, nome, n})
		}
		slices.SortFunc(res.PerSede, func(a, b Voce) int {
			if a.Valore != b.Valore {
				return b.Valore - a.Valore
			}
			return strings.Compare(a.Etichetta, b.Etichetta)
		})
	}
	res.Tempi.Decise = len(c.decisioni)
	res.Tempi.Mediana, _ = Mediana(c.decisioni)
	res.Tempi.P90, _ = Percentile(c.decisioni, 0.9)
	res.InAttesa = slices.Clone(c.attese)
	slices.SortFunc(res.InAttesa, func(a, b Attesa) int { return a.Inviata.Compare(b.Inviata) })
	return res
}

// Aperta reports whether a request in state s waits for the Institute.
func Aperta(s domain.Stato) bool {
	return s == domain.StatoInviata || s == domain.StatoInLavorazione || s == domain.StatoIntegrazioneRichiesta
}

// TempoDecisione is the time from submission to the first approval or
// rejection in the request's history.
func TempoDecisione(r *domain.Richiesta) (time.Duration, bool) {
	if r.Inviata.IsZero() {
		return 0, false
	}
	for _, e := range r.Storia {
		if e.A == domain.StatoApprovata || e.A == domain.StatoRespinta {
			if d := e.Quando.Sub(r.Inviata); d >= 0 {
				return d, true
			}
			return 0, false
		}
	}
	return 0, false
}

// Mediana is the median of d: the middle value, or the mean of the two
// middle values for an even count. It reports false for no values.
func Mediana(d []time.Duration) (time.Duration, bool) { return Percentile(d, 0.5) }

// Percentile is the p-th quantile of d (0 ≤ p ≤ 1), interpolated linearly
// between the closest ranks (the method of spreadsheets' PERCENTILE.INC), so
// that Percentile(d, 0.5) is the median. It reports false for no values.
func Percentile(d []time.Duration, p float64) (time.Duration, bool) {
	if len(d) == 0 {
		return 0, false
	}
	s := slices.Clone(d)
	slices.Sort(s)
	p = math.Max(0, math.Min(1, p))
	pos := p * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	frac := pos - float64(lo)
	return s[lo] + time.Duration(math.Round(frac*float64(s[hi]-s[lo]))), true
}
