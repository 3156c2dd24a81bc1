package store

import (
	"bytes"
	"container/heap"
	"encoding/binary"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// Aggregati reads the statistics of a sede ("" for every sede) from the
// counters: the requests by state, path, profile and sede, by month of
// submission, the times to decision, and the open requests submitted before
// ora - soglia, counted from the queue index (the oldest maxAttese of them
// as rows). Nothing reads a request, and what is read does not grow with
// the archive: counters per sede and month, and the keys of the late
// requests.
func (s *Store) Aggregati(sede string, ora time.Time, soglia time.Duration, maxAttese int) (domain.Aggregati, error) {
	a := domain.Aggregati{PerStato: map[domain.Stato]int{}, PerPercorso: map[domain.Percorso]int{}, PerProfilo: map[domain.Profilo]int{},
		PerSede: map[string]int{}, Tempi: make([]int, domain.NumeroBucketTempo)}
	ambito, sedi := []byte(sede), []string{sede}
	if sede == "" {
		ambito, sedi = []byte(tutteLeSedi), nil
		for _, sd := range s.Sedi() {
			sedi = append(sedi, sd.Codice)
		}
	}
	err := s.leggi(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAggregati).Cursor()
		// ambito | stato | percorso | profilo | urgenza
		prefix := append(conto(contoCoda, ambito), 0)
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			p := bytes.Split(k[len(prefix):], []byte{0})
			n := int(btoi(v))
			a.PerStato[domain.Stato(p[0])] += n
			a.PerPercorso[domain.Percorso(p[1])] += n
			a.PerProfilo[domain.Profilo(p[2])] += n
			a.Totale += n
		}
		if sede == "" {
			prefix = []byte{contoSede, 0}
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				a.PerSede[string(k[len(prefix):])] = int(btoi(v))
			}
		} else {
			a.PerSede[sede] = a.Totale
		}
		// ambito | mese | percorso | profilo | stato, months in order
		prefix = append(conto(contoMese, ambito), 0)
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			p := bytes.Split(k[len(prefix):], []byte{0})
			if n := len(a.Mesi); n == 0 || a.Mesi[n-1].Mese != string(p[0]) {
				a.Mesi = append(a.Mesi, domain.AggregatoMese{Mese: string(p[0]), PerStato: map[domain.Stato]int{}})
			}
			a.Mesi[len(a.Mesi)-1].PerStato[domain.Stato(p[3])] += int(btoi(v))
		}
		// ambito | "*" | bucket
		prefix = append(conto(contoTempo, ambito, []byte(meseQualsiasi)), 0)
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if i := int(binary.BigEndian.Uint16(k[len(prefix):])); i < len(a.Tempi) {
				a.Tempi[i] += int(btoi(v))
			}
		}
		var err error
		a.InAttesa, a.NumeroInAttesa, err = inAttesa(tx, sedi, ora.Add(-soglia), maxAttese)
		return err
	})
	return a, err
}

// inAttesa counts the open requests of the sedi submitted before limite and
// returns the oldest n of them, oldest first: each sede's open states are
// parts of the queue index ordered by time, merged here a row at a time, so
// only the rows returned are decoded.
func inAttesa(tx *bolt.Tx, sedi []string, limite time.Time, n int) ([]domain.RigaCoda, int, error) {
	fine := itob(uint64(limite.UnixNano()))
	b := tx.Bucket(bucketCoda)
	totale := 0
	var teste flussiPerTempo
	for _, sd := range sedi {
		for _, st := range []domain.Stato{domain.StatoInviata, domain.StatoInLavorazione, domain.StatoIntegrazioneRichiesta} {
			for _, u := range [][]byte{urgenza(true), urgenza(false)} {
				prefix := append(prefisso([]byte(sd), []byte(st)), u[0], 0)
				c := b.Cursor()
				// Count the late keys, then start the part at its first one.
				k, _ := c.Seek(prefix)
				for ; k != nil && bytes.HasPrefix(k, prefix) && tardiva(k, fine); k, _ = c.Next() {
					totale++
				}
				f := &flusso{c: c, base: prefix, prefix: prefix}
				if f.k, f.v = c.Seek(prefix); f.k != nil && bytes.HasPrefix(f.k, prefix) && tardiva(f.k, fine) {
					teste = append(teste, f)
				}
			}
		}
	}
	heap.Init(&teste)
	var righe []domain.RigaCoda
	for len(righe) < n && len(teste) > 0 {
		f := teste[0]
		riga, err := decodificaRiga(f.v)
		if err != nil {
			return nil, 0, err
		}
		righe = append(righe, riga)
		if f.passa(true); f.k != nil && tardiva(f.k, fine) {
			heap.Fix(&teste, 0)
		} else {
			heap.Pop(&teste)
		}
	}
	return righe, totale, nil
}

// tardiva reports whether the queue key k was submitted before fine.
func tardiva(k, fine []byte) bool { return bytes.Compare(tempoDi(k), fine) < 0 }

// tempoDi is the submission time in a queue key.
func tempoDi(k []byte) []byte { return k[len(k)-lunghezzaCoda+2 : len(k)-9] }

// flussiPerTempo is a heap of parts of the queue index by the time of their
// current row: the oldest first.
type flussiPerTempo []*flusso

func (h flussiPerTempo) Len() int { return len(h) }
func (h flussiPerTempo) Less(i, j int) bool {
	return bytes.Compare(tempoDi(h[i].k), tempoDi(h[j].k)) < 0
}
func (h flussiPerTempo) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *flussiPerTempo) Push(x any)   { *h = append(*h, x.(*flusso)) }
func (h *flussiPerTempo) Pop() any {
	old := *h
	f := old[len(old)-1]
	*h = old[:len(old)-1]
	return f
}
