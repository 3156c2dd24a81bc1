package store

import (
	"errors"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// Precompilata is a module filled in online without an account (path A),
// kept under the hash of its code until it expires or a counter request
// takes its data.
type Precompilata struct {
	Richiesta domain.Richiesta `json:"richiesta"`
	Creata    time.Time        `json:"creata"`
	Scade     time.Time        `json:"scade"`
}

var errPrecompilataNonTrovata = domain.NonTrovato("Codice non trovato o scaduto: controlla il codice o fai compilare di nuovo il modulo.")

// SalvaPrecompilata stores a pre-filled module and removes expired ones.
func (s *Store) SalvaPrecompilata(hash string, p Precompilata) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPrecompilate)
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var old Precompilata
			if err := jsonUnmarshal(v, &old); err != nil {
				return err
			}
			if !old.Scade.After(p.Creata) {
				if err := c.Delete(); err != nil {
					return err
				}
			}
		}
		return put(b, []byte(hash), p)
	})
}

// Precompilata returns the pre-filled module with that code hash, if not expired.
func (s *Store) Precompilata(hash string, now time.Time) (Precompilata, error) {
	var p Precompilata
	err := s.db.View(func(tx *bolt.Tx) error { return get(tx.Bucket(bucketPrecompilate), []byte(hash), &p) })
	if errors.Is(err, errNotFound) || (err == nil && !now.Before(p.Scade)) {
		return p, errPrecompilataNonTrovata
	}
	return p, err
}

// EliminaPrecompilata removes a pre-filled module once its data were used.
func (s *Store) EliminaPrecompilata(hash string) error {
	return s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketPrecompilate).Delete([]byte(hash)) })
}
