package statistiche_test

import (
	"testing"
	"time"

	"abilita/domain"
	"abilita/statistiche"
)

func ore(h ...int) []time.Duration {
	out := make([]time.Duration, len(h))
	for i, v := range h {
		out[i] = time.Duration(v) * time.Hour
	}
	return out
}

func TestStatisticheMedianaEPercentile(t *testing.T) {
	tests := []struct {
		name    string
		valori  []time.Duration
		mediana time.Duration
		p90     time.Duration
		ok      bool
	}{
		{name: "vuoto", valori: nil, ok: false},
		{name: "uno", valori: ore(5), mediana: 5 * time.Hour, p90: 5 * time.Hour, ok: true},
		{name: "dispari", valori: ore(9, 1, 5), mediana: 5 * time.Hour, p90: 8*time.Hour + 12*time.Minute, ok: true},
		{name: "pari", valori: ore(4, 1, 3, 2), mediana: 2*time.Hour + 30*time.Minute, p90: 3*time.Hour + 42*time.Minute, ok: true},
		{name: "dieci", valori: ore(10, 9, 8, 7, 6, 5, 4, 3, 2, 1), mediana: 5*time.Hour + 30*time.Minute, p90: 9*time.Hour + 6*time.Minute, ok: true},
		{name: "undici", valori: ore(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10), mediana: 5 * time.Hour, p90: 9 * time.Hour, ok: true},
		{name: "uguali", valori: ore(3, 3, 3, 3), mediana: 3 * time.Hour, p90: 3 * time.Hour, ok: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prima := append([]time.Duration(nil), tt.valori...)
			m, ok := statistiche.Mediana(tt.valori)
			if ok != tt.ok || m != tt.mediana {
				t.Errorf("Mediana = %v, %v; want %v, %v", m, ok, tt.mediana, tt.ok)
			}
			p, ok := statistiche.Percentile(tt.valori, 0.9)
			if ok != tt.ok || p != tt.p90 {
				t.Errorf("Percentile(0.9) = %v, %v; want %v, %v", p, ok, tt.p90, tt.ok)
			}
			for i := range prima {
				if prima[i] != tt.valori[i] {
					t.Fatal("the input slice was reordered")
				}
			}
		})
	}
	if p, _ := statistiche.Percentile(ore(1, 2, 3), 0); p != time.Hour {
		t.Errorf("Percentile(0) = %v", p)
	}
	if p, _ := statistiche.Percentile(ore(1, 2, 3), 1); p != 3*time.Hour {
		t.Errorf("Percentile(1) = %v", p)
	}
}

// richiesta is a submitted request, decided after decisa when decisa > 0.
func richiesta(id uint64, sede string, perc domain.Percorso, prof domain.Profilo, stato domain.Stato, inviata time.Time, decisa time.Duration) *domain.Richiesta {
	r := &domain.Richiesta{ID: id, Sede: sede, Percorso: perc, Profilo: prof, Stato: stato, Inviata: inviata, Protocollo: sede + "-P"}
	r.Storia = []domain.Evento{{Quando: inviata, Da: domain.StatoBozza, A: domain.StatoInviata}}
	if decisa > 0 {
		r.Storia = append(r.Storia,
			domain.Evento{Quando: inviata.Add(decisa / 2), Da: domain.StatoInviata, A: domain.StatoInLavorazione},
			domain.Evento{Quando: inviata.Add(decisa), Da: domain.StatoInLavorazione, A: stato})
	}
	return r
}

func valore(t *testing.T, voci []statistiche.Voce, chiave string) int {
	t.Helper()
	for _, v := range voci {
		if v.Chiave == chiave {
			return v.Valore
		}
	}
	t.Fatalf("no %q in %v", chiave, voci)
	return 0
}

func TestStatisticheCalcolo(t *testing.T) {
	ora := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	giorno := 24 * time.Hour
	rr := []*domain.Richiesta{
		richiesta(1, "PI", domain.PercorsoOnline, domain.ProfiloMedicoEsterno, domain.StatoApprovata, ora.Add(-30*giorno), 10*time.Hour),
		richiesta(2, "PI", domain.PercorsoOnline, domain.ProfiloMedicoEsterno, domain.StatoRespinta, ora.Add(-20*giorno), 30*time.Hour),
		richiesta(3, "PI", domain.PercorsoSportello, domain.ProfiloReferentePresidio, domain.StatoInviata, ora.Add(-10*giorno), 0),
		richiesta(4, "PI", domain.PercorsoOnline, domain.ProfiloMedicoPatronato, domain.StatoInLavorazione, ora.Add(-2*giorno), 0),
		richiesta(5, "LU", domain.PercorsoOnline, domain.ProfiloMedicoEsterno, domain.StatoApprovata, ora.Add(-40*giorno), 50*time.Hour),
		richiesta(6, "LU", domain.PercorsoOnline, domain.ProfiloMedicoEsterno, domain.StatoIntegrazioneRichiesta, ora.Add(-8*giorno), 0),
		{ID: 7, Stato: domain.StatoBozza, Percorso: domain.PercorsoOnline},
	}
	// A request approved after an integration: the first decision counts.
	rr[4].Storia = append(rr[4].Storia, domain.Evento{Quando: rr[4].Inviata.Add(90 * time.Hour), Da: domain.StatoApprovata, A: domain.StatoAttiva})

	t.Run("una sede", func(t *testing.T) {
		c := statistiche.Nuovo("PI", nil, ora, 7*giorno)
		for _, r := range rr {
			c.Aggiungi(r)
		}
		res := c.Risultato()
		if res.Totale != 4 {
			t.Errorf("Totale %d, want 4", res.Totale)
		}
		if n := valore(t, res.PerPercorso, "online"); n != 3 {
			t.Errorf("online %d", n)
		}
		if n := valore(t, res.PerPercorso, "sportello"); n != 1 {
			t.Errorf("sportello %d", n)
		}
		if n := valore(t, res.PerProfilo, "medico_esterno"); n != 2 {
			t.Errorf("medico_esterno %d", n)
		}
		if n := valore(t, res.PerStato, "approvata"); n != 1 {
			t.Errorf("approvata %d", n)
		}
		for _, v := range res.PerStato {
			if v.Chiave == "bozza" {
				t.Error("drafts are counted")
			}
		}
		if res.PerSede != nil {
			t.Errorf("PerSede %v for one sede", res.PerSede)
		}
		want := statistiche.Tempi{Decise: 2, Mediana: 20 * time.Hour, P90: 28 * time.Hour}
		if res.Tempi != want {
			t.Errorf("Tempi %+v, want %+v", res.Tempi, want)
		}
		if len(res.InAttesa) != 1 || res.InAttesa[0].ID != 3 || res.InAttesa[0].Da != 10*giorno {
			t.Errorf("InAttesa %+v, want only request 3, waiting 10 days", res.InAttesa)
		}
	})
	t.Run("tutte le sedi", func(t *testing.T) {
		c := statistiche.Nuovo("", map[string]string{"PI": "Sede di Pisa", "LU": "Sede di Lucca"}, ora, 7*giorno)
		for _, r := range rr {
			c.Aggiungi(r)
		}
		res := c.Risultato()
		if res.Totale != 6 {
			t.Errorf("Totale %d, want 6", res.Totale)
		}
		if len(res.PerSede) != 2 || res.PerSede[0] != (statistiche.Voce{Chiave: "PI", Etichetta: "Sede di Pisa", Valore: 4}) {
			t.Errorf("PerSede %+v", res.PerSede)
		}
		if res.Tempi.Decise != 3 || res.Tempi.Mediana != 30*time.Hour || res.Tempi.P90 != 46*time.Hour {
			t.Errorf("Tempi %+v", res.Tempi)
		}
		if len(res.InAttesa) != 2 || res.InAttesa[0].ID != 3 || res.InAttesa[1].ID != 6 {
			t.Errorf("InAttesa %+v, want 3 then 6 (oldest first)", res.InAttesa)
		}
	})
	t.Run("nessuna richiesta", func(t *testing.T) {
		res := statistiche.Nuovo("", nil, ora, giorno).Risultato()
		if res.Totale != 0 || res.Tempi != (statistiche.Tempi{}) || len(res.InAttesa) != 0 || len(res.PerStato) != 7 {
			t.Errorf("empty result %+v", res)
		}
	})
}

func TestStatisticheTempoDecisione(t *testing.T) {
	inviata := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	r := &domain.Richiesta{Inviata: inviata, Storia: []domain.Evento{
		{Quando: inviata, A: domain.StatoInviata},
		{Quando: inviata.Add(3 * time.Hour), A: domain.StatoRespinta},
		{Quando: inviata.Add(9 * time.Hour), A: domain.StatoApprovata},
	}}
	if d, ok := statistiche.TempoDecisione(r); !ok || d != 3*time.Hour {
		t.Errorf("TempoDecisione = %v, %v; want the first decision, 3h", d, ok)
	}
	if _, ok := statistiche.TempoDecisione(&domain.Richiesta{Storia: r.Storia}); ok {
		t.Error("a request never submitted has a decision time")
	}
	if _, ok := statistiche.TempoDecisione(&domain.Richiesta{Inviata: inviata}); ok {
		t.Error("an undecided request has a decision time")
	}
}
