// Package statistiche computes the figures of the statistics page and its CSV
// export from the aggregates the store keeps (domain.Aggregati): requests per
// path, profile, state, sede and month, the time from submission to decision
// from its histogram, the decisions later than a threshold and the requests
// still waiting past it. It is pure: no request is read here.
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

// Tempi summarises the times from submission to decision. Mediana and P90
// come from a histogram whose buckets are an hour wide for a week, a day
// wide after: they are within that of the exact figure.
type Tempi struct {
	Decise  int           // requests with a decision
	Mediana time.Duration // zero when Decise is 0
	P90     time.Duration // 90th percentile
	Oltre   int           // decided later than the threshold
}

// Mese is one month of submissions, by the state its requests are in now.
type Mese struct {
	Mese                                          string // "2026-03"
	Etichetta                                     string // "marzo 2026"
	Inviate, Aperte, Accolte, Respinte, Annullate int
}

// Risultato is everything the page shows.
type Risultato struct {
	Totale         int
	PerPercorso    []Voce
	PerProfilo     []Voce
	PerStato       []Voce
	PerSede        []Voce // only when the scope is every sede
	Mesi           []Mese // the last MesiMostrati months with submissions, oldest first
	Tempi          Tempi
	Soglia         time.Duration
	InAttesa       []Attesa // the oldest, oldest first
	NumeroInAttesa int      // all of them
}

// MesiMostrati is how many months the monthly table shows.
const MesiMostrati = 12

// Da computes the figures of the scope sede ("" for every sede) from its
// aggregates, as of ora, with the waiting threshold soglia. nomiSedi maps
// sede codes to their names, for the per-sede chart.
func Da(a domain.Aggregati, sede string, nomiSedi map[string]string, ora time.Time, soglia time.Duration) Risultato {
	res := Risultato{Totale: a.Totale, Soglia: soglia, NumeroInAttesa: a.NumeroInAttesa}
	for _, p := range []domain.Percorso{domain.PercorsoSportello, domain.PercorsoInailRisponde, domain.PercorsoOnline} {
		res.PerPercorso = append(res.PerPercorso, Voce{string(p), p.Etichetta(), a.PerPercorso[p]})
	}
	for _, p := range domain.Profili {
		res.PerProfilo = append(res.PerProfilo, Voce{string(p), p.Etichetta(), a.PerProfilo[p]})
	}
	for _, s := range domain.Stati {
		if s != domain.StatoBozza {
			res.PerStato = append(res.PerStato, Voce{string(s), s.Etichetta(), a.PerStato[s]})
		}
	}
	if sede == "" {
		for codice, n := range a.PerSede {
			if n == 0 {
				continue
			}
			nome := nomiSedi[codice]
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
	for _, m := range a.Mesi[max(0, len(a.Mesi)-MesiMostrati):] {
		res.Mesi = append(res.Mesi, meseDi(m))
	}
	res.Tempi = tempi(a.Tempi, soglia)
	for _, r := range a.InAttesa {
		res.InAttesa = append(res.InAttesa, Attesa{ID: r.ID, Protocollo: r.Protocollo, Sede: r.Sede, Stato: r.Stato, Inviata: r.Inviata, Da: ora.Sub(r.Inviata)})
	}
	return res
}

func meseDi(m domain.AggregatoMese) Mese {
	out := Mese{Mese: m.Mese, Etichetta: m.Mese}
	if t, err := time.Parse("2006-01", m.Mese); err == nil {
		out.Etichetta = mesi[t.Month()-1] + " " + t.Format("2006")
	}
	for s, n := range m.PerStato {
		out.Inviate += n
		switch {
		case s.Aperta():
			out.Aperte += n
		case s == domain.StatoApprovata || s == domain.StatoAttiva:
			out.Accolte += n
		case s == domain.StatoRespinta:
			out.Respinte += n
		case s == domain.StatoAnnullata:
			out.Annullate += n
		}
	}
	return out
}

var mesi = [...]string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}

// tempi summarises the histogram of the times to decision.
func tempi(conti []int, soglia time.Duration) Tempi {
	var t Tempi
	for i, n := range conti {
		t.Decise += n
		if lo, _ := domain.LimitiBucketTempo(i); lo >= soglia {
			t.Oltre += n
		}
	}
	t.Mediana, _ = PercentileIstogramma(conti, 0.5)
	t.P90, _ = PercentileIstogramma(conti, 0.9)
	return t
}

// PercentileIstogramma is the p-th quantile (0 ≤ p ≤ 1) of the times
// counted in the buckets of domain.BucketTempo, interpolated linearly
// between the closest ranks as spreadsheets' PERCENTILE.INC does, each time
// taken at the middle of its bucket spread evenly across it. It reports
// false for no values.
func PercentileIstogramma(conti []int, p float64) (time.Duration, bool) {
	n := 0
	for _, c := range conti {
		n += c
	}
	if n == 0 {
		return 0, false
	}
	p = math.Max(0, math.Min(1, p))
	pos := p * float64(n-1)
	lo := valoreDiRango(conti, int(math.Floor(pos)))
	hi := valoreDiRango(conti, int(math.Ceil(pos)))
	frac := pos - math.Floor(pos)
	return lo + time.Duration(math.Round(frac*float64(hi-lo))), true
}

// valoreDiRango is the rank-th time (from 0) of the histogram, the times of
// a bucket of k spread at the middles of k equal slices of it.
func valoreDiRango(conti []int, rank int) time.Duration {
	for i, c := range conti {
		if rank < c {
			lo, hi := domain.LimitiBucketTempo(i)
			if hi <= lo {
				return lo
			}
			slice := (hi - lo) / time.Duration(c)
			return lo + slice*time.Duration(rank) + slice/2
		}
		rank -= c
	}
	return 0
}
