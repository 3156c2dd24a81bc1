package statistiche_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"abilita/domain"
	"abilita/statistiche"
)

// esatto is the p-th quantile of d interpolated between the closest ranks
// (PERCENTILE.INC): what the histogram approximates.
func esatto(d []time.Duration, p float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	pos := p * float64(len(s)-1)
	lo, hi := int(math.Floor(pos)), int(math.Ceil(pos))
	return s[lo] + time.Duration((pos-float64(lo))*float64(s[hi]-s[lo]))
}

func istogramma(d []time.Duration) []int {
	conti := make([]int, domain.NumeroBucketTempo)
	for _, x := range d {
		conti[domain.BucketTempo(x)]++
	}
	return conti
}

// larghezza is the width of the bucket of d: how far the histogram's
// figure may be from the exact one.
func larghezza(d time.Duration) time.Duration {
	lo, hi := domain.LimitiBucketTempo(domain.BucketTempo(d))
	return hi - lo
}

// TestPercentileIstogrammaVicinoAlValoreEsatto compares the median and the
// 90th percentile of random decision times, from hours to months, with the
// exact ones: the histogram is off by at most the width of the bucket.
func TestPercentileIstogrammaVicinoAlValoreEsatto(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for round := range 200 {
		n := 1 + rng.IntN(300)
		d := make([]time.Duration, n)
		for i := range d {
			// Log-uniform from a minute to 200 days.
			d[i] = time.Duration(math.Exp(rng.Float64()*math.Log(float64(200*24*time.Hour/time.Minute)))) * time.Minute
		}
		for _, p := range []float64{0, 0.5, 0.9, 1} {
			got, ok := statistiche.PercentileIstogramma(istogramma(d), p)
			want := esatto(d, p)
			if !ok || math.Abs(float64(got-want)) > float64(larghezza(want)+larghezza(got)) {
				t.Fatalf("round %d, p %.1f, %d times: %v, want %v ± a bucket", round, p, n, got, want)
			}
		}
	}
	if _, ok := statistiche.PercentileIstogramma(make([]int, domain.NumeroBucketTempo), 0.5); ok {
		t.Error("a percentile of no times")
	}
}

func TestBucketTempoAlBordoDellaSoglia(t *testing.T) {
	for _, giorni := range []int{2, 3, 7, 30, 365} {
		soglia := time.Duration(giorni) * 24 * time.Hour
		lo, _ := domain.LimitiBucketTempo(domain.BucketTempo(soglia))
		if lo != soglia {
			t.Errorf("%d days: the bucket starts at %v, not at the threshold", giorni, lo)
		}
		if _, hi := domain.LimitiBucketTempo(domain.BucketTempo(soglia - time.Second)); hi != soglia {
			t.Errorf("%d days: the bucket before ends at %v", giorni, hi)
		}
	}
}

func TestStatisticheDaAggregati(t *testing.T) {
	ora := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	giorno := 24 * time.Hour
	tempi := make([]int, domain.NumeroBucketTempo)
	tempi[domain.BucketTempo(10*time.Hour)]++
	tempi[domain.BucketTempo(30*time.Hour)]++
	tempi[domain.BucketTempo(9*giorno)]++
	a := domain.Aggregati{
		Totale:      6,
		PerStato:    map[domain.Stato]int{domain.StatoApprovata: 2, domain.StatoRespinta: 1, domain.StatoInviata: 3},
		PerPercorso: map[domain.Percorso]int{domain.PercorsoOnline: 5, domain.PercorsoSportello: 1},
		PerProfilo:  map[domain.Profilo]int{domain.ProfiloMedicoEsterno: 6},
		PerSede:     map[string]int{"PI": 4, "LU": 2, "VUOTA": 0},
		Mesi: []domain.AggregatoMese{
			{Mese: "2026-02", PerStato: map[domain.Stato]int{domain.StatoApprovata: 2, domain.StatoRespinta: 1}},
			{Mese: "2026-03", PerStato: map[domain.Stato]int{domain.StatoInviata: 3}},
		},
		Tempi:          tempi,
		InAttesa:       []domain.RigaCoda{{ID: 3, Protocollo: "PI-2026-000003", Sede: "PI", Stato: domain.StatoInviata, Inviata: ora.Add(-10 * giorno)}},
		NumeroInAttesa: 2,
	}
	res := statistiche.Da(a, "", map[string]string{"PI": "Sede di Pisa"}, ora, 7*giorno)
	if res.Totale != 6 || len(res.PerStato) != 7 {
		t.Errorf("Totale %d, %d states", res.Totale, len(res.PerStato))
	}
	if len(res.PerSede) != 2 || res.PerSede[0] != (statistiche.Voce{Chiave: "PI", Etichetta: "Sede di Pisa", Valore: 4}) || res.PerSede[1].Etichetta != "LU" {
		t.Errorf("PerSede %+v: sorted by count, named, empty ones left out", res.PerSede)
	}
	if res.Tempi.Decise != 3 || res.Tempi.Oltre != 1 {
		t.Errorf("Tempi %+v: 3 decided, 1 past 7 days", res.Tempi)
	}
	if d := res.Tempi.Mediana - 30*time.Hour; d < -time.Hour || d > time.Hour {
		t.Errorf("median %v, want about 30h", res.Tempi.Mediana)
	}
	if len(res.InAttesa) != 1 || res.InAttesa[0].Da != 10*giorno || res.NumeroInAttesa != 2 {
		t.Errorf("InAttesa %+v of %d", res.InAttesa, res.NumeroInAttesa)
	}
	want := []statistiche.Mese{
		{Mese: "2026-02", Etichetta: "febbraio 2026", Inviate: 3, Accolte: 2, Respinte: 1},
		{Mese: "2026-03", Etichetta: "marzo 2026", Inviate: 3, Aperte: 3},
	}
	if !slices.Equal(res.Mesi, want) {
		t.Errorf("Mesi %+v, want %+v", res.Mesi, want)
	}
	if una := statistiche.Da(a, "PI", nil, ora, 7*giorno); una.PerSede != nil {
		t.Errorf("PerSede %v for one sede", una.PerSede)
	}
}

func TestTempoDecisione(t *testing.T) {
	inviata := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	r := &domain.Richiesta{Inviata: inviata, Storia: []domain.Evento{
		{Quando: inviata, A: domain.StatoInviata},
		{Quando: inviata.Add(3 * time.Hour), A: domain.StatoRespinta},
		{Quando: inviata.Add(9 * time.Hour), A: domain.StatoApprovata},
	}}
	if d, ok := r.TempoDecisione(); !ok || d != 3*time.Hour {
		t.Errorf("TempoDecisione = %v, %v; want the first decision, 3h", d, ok)
	}
	if _, ok := (&domain.Richiesta{Storia: r.Storia}).TempoDecisione(); ok {
		t.Error("a request never submitted has a decision time")
	}
	if _, ok := (&domain.Richiesta{Inviata: inviata}).TempoDecisione(); ok {
		t.Error("an undecided request has a decision time")
	}
}
