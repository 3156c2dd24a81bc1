package store_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"abilita/domain"
	"abilita/store"
)

// inviate reports whether every request was submitted: only those have a
// place in the queue's order (a draft annulled before submission has none).
func inviate(rr []domain.Richiesta) bool {
	for _, r := range rr {
		if r.Inviata.IsZero() {
			return false
		}
	}
	return true
}

// TestIndiceCodaCoincideConLeRichieste drives random requests through the
// state machine, re-routes and flags some, then checks that the prefix scan
// the operators' queue uses gives exactly what a full scan of the requests
// gives, in the queue's order (urgent first, then oldest submission).
func TestIndiceCodaCoincideConLeRichieste(t *testing.T) {
	for seed := range uint64(5) {
		rng := rand.New(rand.NewPCG(seed, 42))
		s := MustOpen(t)
		sedi := []string{"MI", "MB", "PI", "RM"} // MB and MI share a first letter
		var ids []uint64
		for i := range 60 {
			sede := sedi[rng.IntN(len(sedi))]
			if rng.IntN(10) == 0 {
				sede = "" // a draft not routed yet
			}
			r := creaBozza(t, s, uint64(1+i%7), sede)
			if rng.IntN(4) == 0 {
				if _, err := s.AggiornaRichiesta(r.ID, t0, func(x *domain.Richiesta) error { x.Urgente = true; return nil }); err != nil {
					t.Fatal(err)
				}
			}
			ids = append(ids, r.ID)
		}
		azioni := []domain.Azione{domain.AzioneInvia, domain.AzioneInvia, domain.AzioneAnnulla, domain.AzionePrendiInCarico,
			domain.AzioneApprova, domain.AzioneRespingi, domain.AzioneChiediIntegrazione, domain.AzioneRisposta, domain.AzioneAttiva}
		quando := t0
		for range 400 {
			id := ids[rng.IntN(len(ids))]
			quando = quando.Add(time.Duration(rng.IntN(3600)) * time.Second)
			switch rng.IntN(6) {
			case 0: // an operator re-routes the request, or flags it urgent
				_, err := s.AggiornaRichiesta(id, quando, func(x *domain.Richiesta) error {
					if x.Stato == domain.StatoBozza {
						return domain.Conflitto("bozza")
					}
					x.Sede, x.Urgente = sedi[rng.IntN(len(sedi))], rng.IntN(2) == 0
					return nil
				})
				if err != nil && domain.CodiceDi(err) != domain.ErrConflitto {
					t.Fatal(err)
				}
			default:
				_, err := s.Esegui(id, store.Transizione{Azione: azioni[rng.IntN(len(azioni))], Chi: 9, Quando: quando})
				if err != nil && domain.CodiceDi(err) != domain.ErrConflitto && domain.CodiceDi(err) != domain.ErrInterno {
					t.Fatal(err)
				}
			}
		}

		var tutte []domain.Richiesta
		for _, id := range ids {
			r, err := s.Richiesta(id)
			if err != nil {
				t.Fatal(err)
			}
			tutte = append(tutte, *r)
		}
		nellaCoda := 0
		for _, sede := range sedi {
			for _, stato := range domain.Stati {
				var want []domain.Richiesta
				for _, r := range tutte {
					if r.Sede == sede && r.Stato == stato && stato != domain.StatoBozza {
						want = append(want, r)
					}
				}
				slices.SortFunc(want, func(a, b domain.Richiesta) int {
					switch {
					case a.Urgente != b.Urgente && a.Urgente:
						return -1
					case a.Urgente != b.Urgente:
						return 1
					case !a.Inviata.Equal(b.Inviata):
						return a.Inviata.Compare(b.Inviata)
					}
					return int(a.ID) - int(b.ID)
				})
				got, err := s.CodaPer(sede, stato)
				if err != nil {
					t.Fatal(err)
				}
				var gotIDs, wantIDs []uint64
				for _, v := range got {
					gotIDs = append(gotIDs, v.ID)
					if v.Sede != sede || v.Stato != stato {
						t.Errorf("seed %d: voce %+v nella scansione %s|%s", seed, v, sede, stato)
					}
				}
				for _, r := range want {
					wantIDs = append(wantIDs, r.ID)
					if r.Stato != domain.StatoBozza && r.Stato != domain.StatoAnnullata && r.Protocollo == "" {
						t.Errorf("seed %d: richiesta %d nello stato %s senza protocollo", seed, r.ID, r.Stato)
					}
				}
				if !slices.Equal(slices.Sorted(slices.Values(gotIDs)), slices.Sorted(slices.Values(wantIDs))) {
					t.Errorf("seed %d, %s|%s: indice %v, richieste %v", seed, sede, stato, gotIDs, wantIDs)
				} else if inviate(want) && !slices.Equal(gotIDs, wantIDs) {
					t.Errorf("seed %d, %s|%s: ordine dell'indice %v, want %v", seed, sede, stato, gotIDs, wantIDs)
				}
				nellaCoda += len(want)
			}
		}
		// No stale entries anywhere else in the index.
		if all, err := s.IndiceCoda(); err != nil || len(all) != nellaCoda {
			t.Errorf("seed %d: l'indice ha %d voci, le richieste in coda sono %d (%v)", seed, len(all), nellaCoda, err)
		}
		if nellaCoda == 0 {
			t.Fatalf("seed %d: nessuna richiesta in coda, il test non prova nulla", seed)
		}
		for _, sede := range sedi {
			confrontaCoda(t, s, seed, sede, tutte, quando)
		}
	}
}

// confrontaCoda checks the queue the operators read (Store.Coda, filters and
// pages) against a full scan of the requests with the same filters.
func confrontaCoda(t *testing.T, s *store.Store, seed uint64, sede string, tutte []domain.Richiesta, ora time.Time) {
	t.Helper()
	var unProtocollo string
	for _, r := range tutte {
		if r.Sede == sede && r.Protocollo != "" {
			unProtocollo = r.Protocollo
		}
	}
	query := []store.QueryCoda{
		{Sede: sede},
		{Sede: sede, Stati: []domain.Stato{domain.StatoInviata}},
		{Sede: sede, Stati: []domain.Stato{domain.StatoInLavorazione, domain.StatoIntegrazioneRichiesta}},
		{Sede: sede, Urgenti: true},
		{Sede: sede, Vecchie: 24 * time.Hour, Ora: ora},
		{Sede: sede, Testo: unProtocollo},
		{Sede: sede, Testo: "rssmra"},
		{Sede: sede, Testo: "mario rossi"},
	}
	for _, q := range query {
		var want []uint64
		for _, r := range tutte {
			if r.Sede != sede || r.Stato == domain.StatoBozza || (len(q.Stati) > 0 && !slices.Contains(q.Stati, r.Stato)) {
				continue
			}
			if q.Urgenti && !r.Urgente || q.Vecchie > 0 && (r.Inviata.IsZero() || q.Ora.Sub(r.Inviata) < q.Vecchie) {
				continue
			}
			if q.Testo == unProtocollo && q.Testo != "" && r.Protocollo != unProtocollo {
				continue
			}
			want = append(want, r.ID)
		}
		var got []uint64
		totale := -1
		for pagina := 1; ; pagina++ {
			q.Pagina, q.PerPag = pagina, 7
			res, err := s.Coda(q)
			if err != nil {
				t.Fatal(err)
			}
			if totale >= 0 && res.Totale != totale {
				t.Errorf("seed %d, %+v: il totale cambia tra le pagine", seed, q)
			}
			totale = res.Totale
			for _, r := range res.Richieste {
				got = append(got, r.ID)
			}
			if len(res.Richieste) < q.PerPag {
				break
			}
		}
		if totale != len(got) || !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
			t.Errorf("seed %d, sede %s, %+v: coda %v (totale %d), scansione %v", seed, sede, q, got, totale, want)
		}
	}
}
