package store

import (
	"errors"
	"sort"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
	"abilita/sedi"
)

// SeminaSedi stores the given sedi when none is stored yet: the first start
// loads the default data set, which administrators then edit.
func (s *Store) SeminaSedi(elenco []sedi.Sede) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSedi)
		if k, _ := b.Cursor().First(); k != nil {
			return nil
		}
		for _, sd := range elenco {
			if err := put(b, []byte(sd.Codice), sd); err != nil {
				return err
			}
		}
		return nil
	})
}

// Sedi returns every sede sorted by name.
func (s *Store) Sedi() ([]sedi.Sede, error) {
	var out []sedi.Sede
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSedi).ForEach(func(_, v []byte) error {
			var sd sedi.Sede
			if err := jsonUnmarshal(v, &sd); err != nil {
				return err
			}
			out = append(out, sd)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Citta < out[j].Citta })
	return out, err
}

// Sede returns the sede with that code.
func (s *Store) Sede(codice string) (sedi.Sede, error) {
	var sd sedi.Sede
	err := s.db.View(func(tx *bolt.Tx) error { return get(tx.Bucket(bucketSedi), []byte(codice), &sd) })
	if errors.Is(err, errNotFound) {
		return sd, domain.NonTrovato("Sede non trovata.")
	}
	return sd, err
}

// SedePerProvincia returns the sede that serves the province with that sigla.
func (s *Store) SedePerProvincia(sigla string) (sedi.Sede, error) {
	elenco, err := s.Sedi()
	if err != nil {
		return sedi.Sede{}, err
	}
	for _, sd := range elenco {
		for _, p := range sd.ProvinceServite {
			if p == sigla {
				return sd, nil
			}
		}
	}
	return sedi.Sede{}, domain.NonTrovato("Nessuna sede serve la provincia " + sigla + ".")
}

// SalvaSede stores a sede's data (new or changed) and records it in the audit log.
func (s *Store) SalvaSede(sd sedi.Sede, e EventoAudit) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := put(tx.Bucket(bucketSedi), []byte(sd.Codice), sd); err != nil {
			return err
		}
		return audit(tx, e)
	})
}
