package store

import (
	"bytes"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// QueryCoda selects requests of one sede for the operators' queue.
type QueryCoda struct {
	Sede     string
	Stati    []domain.Stato // empty: every state but bozza
	Percorso domain.Percorso
	Profilo  domain.Profilo
	Urgenti  bool
	Vecchie  time.Duration // only requests submitted at least this long ago
	Testo    string        // protocol number, codice fiscale or name
	Ora      time.Time     // for Vecchie
	Pagina   int           // from 1
	PerPag   int
}

// RisultatoCoda is one page of the queue.
type RisultatoCoda struct {
	Richieste []domain.Richiesta
	Totale    int
}

// Coda reads the queue index of the sede: urgent requests first, then the
// oldest. Only the sede's index entries are read, never every request; the
// records read are those of the states asked for.
func (s *Store) Coda(q QueryCoda) (RisultatoCoda, error) {
	var res RisultatoCoda
	if q.PerPag <= 0 {
		q.PerPag = 20
	}
	if q.Pagina <= 0 {
		q.Pagina = 1
	}
	stati := q.Stati
	if len(stati) == 0 {
		stati = slices.DeleteFunc(slices.Clone(domain.Stati), func(s domain.Stato) bool { return s == domain.StatoBozza })
	}
	testo := strings.ToUpper(strings.TrimSpace(q.Testo))
	err := s.db.View(func(tx *bolt.Tx) error {
		var keys [][]byte
		c := tx.Bucket(bucketCoda).Cursor()
		for _, st := range stati {
			prefix := key([]byte(q.Sede), []byte(st), nil)
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
				keys = append(keys, k)
			}
		}
		// Urgency byte then submission time: the order of the key's tail.
		slices.SortFunc(keys, func(a, b []byte) int { return bytes.Compare(codaCoda(a), codaCoda(b)) })
		b := tx.Bucket(bucketRichieste)
		skip := (q.Pagina - 1) * q.PerPag
		for _, k := range keys {
			id := k[len(k)-8:]
			var r domain.Richiesta
			if err := get(b, id, &r); err != nil {
				return err
			}
			if !q.accetta(&r, testo) {
				continue
			}
			res.Totale++
			if skip > 0 {
				skip--
				continue
			}
			if len(res.Richieste) < q.PerPag {
				res.Richieste = append(res.Richieste, r)
			}
		}
		return nil
	})
	return res, err
}

// codaCoda is the part of a queue key after sede and state:
// urgency(1) 0 time(8) 0 id(8).
func codaCoda(k []byte) []byte { return k[len(k)-19:] }

func (q QueryCoda) accetta(r *domain.Richiesta, testo string) bool {
	switch {
	case q.Percorso != "" && r.Percorso != q.Percorso:
		return false
	case q.Profilo != "" && r.Profilo != q.Profilo:
		return false
	case q.Urgenti && !r.Urgente:
		return false
	case q.Vecchie > 0 && (r.Inviata.IsZero() || q.Ora.Sub(r.Inviata) < q.Vecchie):
		return false
	}
	if testo == "" {
		return true
	}
	nome := strings.ToUpper(r.Anagrafica.Cognome + " " + r.Anagrafica.Nome)
	return strings.Contains(r.Protocollo, testo) || strings.Contains(r.Anagrafica.CodiceFiscale, testo) ||
		strings.Contains(nome, testo) || strings.Contains(strings.ToUpper(r.Anagrafica.Nome+" "+r.Anagrafica.Cognome), testo)
}

// ConteggiCoda counts the requests of a sede per state, from the index alone.
func (s *Store) ConteggiCoda(sede string) (map[domain.Stato]int, error) {
	out := map[domain.Stato]int{}
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketCoda).Cursor()
		for _, st := range domain.Stati {
			prefix := key([]byte(sede), []byte(st), nil)
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
				out[st]++
			}
		}
		return nil
	})
	return out, err
}

// RichiestaPerProtocollo finds a request by its protocol number.
func (s *Store) RichiestaPerProtocollo(protocollo string) (*domain.Richiesta, error) {
	var id []byte
	_ = s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketProtocolli).Get([]byte(strings.ToUpper(strings.TrimSpace(protocollo)))); v != nil {
			id = bytes.Clone(v)
		}
		return nil
	})
	if id == nil {
		return nil, errRichiestaNonTrovata
	}
	return s.Richiesta(btoi(id))
}

// TutteLeRichieste calls fn for every request; statistics and consistency
// checks use it, never the operators' pages.
func (s *Store) TutteLeRichieste(fn func(*domain.Richiesta) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRichieste).ForEach(func(_, v []byte) error {
			var r domain.Richiesta
			if err := jsonUnmarshal(v, &r); err != nil {
				return err
			}
			return fn(&r)
		})
	})
}
