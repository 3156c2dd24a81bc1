package store

import (
	"bytes"
	"encoding/binary"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// Aggregati reads the statistics of a sede ("" for every sede) from the
// counters: the requests by state, path, profile and sede, by month of
// submission, the times to decision, and the open requests submitted before
// ora - soglia, counted from the queue index (the oldest maxAttese of them
// as rows). Nothing reads a request.
func (s *Store) Aggregati(sede string, ora time.Time, soglia time.Duration, maxAttese int) (domain.Aggregati, error) {
	a := domain.Aggregati{PerStato: map[domain.Stato]int{}, PerPercorso: map[domain.Percorso]int{}, PerProfilo: map[domain.Profilo]int{},
		PerSede: map[string]int{}, Tempi: make([]int, domain.NumeroBucketTempo)}
	sedi := []string{sede}
	if sede == "" {
		sedi = sedi[:0]
		for _, sd := range s.Sedi() {
			sedi = append(sedi, sd.Codice)
		}
	}
	err := s.leggi(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAggregati).Cursor()
		mesi := map[string]map[domain.Stato]int{}
		for _, sd := range sedi {
			// sede | stato | percorso | profilo | urgenza
			prefix := append(conto(contoCoda, []byte(sd)), 0)
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				p := bytes.Split(k[len(prefix):], []byte{0})
				n := int(btoi(v))
				a.PerStato[domain.Stato(p[0])] += n
				a.PerPercorso[domain.Percorso(p[1])] += n
				a.PerProfilo[domain.Profilo(p[2])] += n
				a.PerSede[sd] += n
				a.Totale += n
			}
			// sede | mese | percorso | profilo | stato
			prefix = append(conto(contoMese, []byte(sd)), 0)
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				p := bytes.Split(k[len(prefix):], []byte{0})
				m := mesi[string(p[0])]
				if m == nil {
					m = map[domain.Stato]int{}
					mesi[string(p[0])] = m
				}
				m[domain.Stato(p[3])] += int(btoi(v))
			}
			// sede | "*" | bucket
			prefix = append(conto(contoTempo, []byte(sd), []byte(meseQualsiasi)), 0)
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				if i := int(binary.BigEndian.Uint16(k[len(prefix):])); i < len(a.Tempi) {
					a.Tempi[i] += int(btoi(v))
				}
			}
		}
		for _, m := range slices.Sorted(func(yield func(string) bool) {
			for k := range mesi {
				if !yield(k) {
					return
				}
			}
		}) {
			a.Mesi = append(a.Mesi, domain.AggregatoMese{Mese: m, PerStato: mesi[m]})
		}
		var err error
		a.InAttesa, a.NumeroInAttesa, err = inAttesa(tx, sedi, ora.Add(-soglia), maxAttese)
		return err
	})
	return a, err
}

// inAttesa counts the open requests of the sedi submitted before limite and
// returns the oldest n of them, oldest first.
func inAttesa(tx *bolt.Tx, sedi []string, limite time.Time, n int) ([]domain.RigaCoda, int, error) {
	fine := itob(uint64(limite.UnixNano()))
	c := tx.Bucket(bucketCoda).Cursor()
	var righe []domain.RigaCoda
	totale := 0
	for _, sd := range sedi {
		for _, st := range []domain.Stato{domain.StatoInviata, domain.StatoInLavorazione, domain.StatoIntegrazioneRichiesta} {
			for _, u := range [][]byte{urgenza(true), urgenza(false)} {
				prefix := append(prefisso([]byte(sd), []byte(st)), u[0], 0)
				prese := 0
				for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
					tail := k[len(k)-lunghezzaCoda:]
					if bytes.Compare(tail[2:10], fine) >= 0 {
						break
					}
					totale++
					if prese < n {
						riga, err := decodificaRiga(v)
						if err != nil {
							return nil, 0, err
						}
						if !riga.Inviata.IsZero() {
							righe = append(righe, riga)
							prese++
						}
					}
				}
			}
		}
	}
	slices.SortFunc(righe, func(a, b domain.RigaCoda) int { return a.Inviata.Compare(b.Inviata) })
	return righe[:min(len(righe), n)], totale, nil
}
