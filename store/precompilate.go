package store

import (
	"errors"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// Precompila (path A without an account): modules kept under the hash of
// their code until they expire or a counter request takes their data
// (ApriSportello).

var errPrecompilataNonTrovata = domain.NonTrovato("Codice non trovato o scaduto: controlla il codice o fai compilare di nuovo il modulo.")

// SalvaPrecompilata stores a pre-filled module and removes a few expired ones.
func (s *Store) SalvaPrecompilata(hash string, p domain.Precompilata) error {
	return s.aggiorna(func(tx *bolt.Tx) error {
		if _, err := eliminaScaduti(tx, bucketPrecompilateScadenze, p.Creata, eliminaPrecompilata); err != nil {
			return err
		}
		if err := aggiornaDerivati(tx, derivato{}, derivaPrecompilata(hash, &p), nil); err != nil {
			return err
		}
		return put(tx.Bucket(bucketPrecompilate), []byte(hash), p)
	})
}

// Precompilata returns the pre-filled module with that code hash, if not expired.
func (s *Store) Precompilata(hash string, now time.Time) (domain.Precompilata, error) {
	var p domain.Precompilata
	err := s.leggi(func(tx *bolt.Tx) error {
		var err error
		p, err = precompilata(tx, hash, now)
		return err
	})
	return p, err
}

func precompilata(tx *bolt.Tx, hash string, now time.Time) (domain.Precompilata, error) {
	var p domain.Precompilata
	err := get(tx.Bucket(bucketPrecompilate), []byte(hash), &p)
	if errors.Is(err, errNotFound) || (err == nil && !now.Before(p.Scade)) {
		return p, errPrecompilataNonTrovata
	}
	return p, err
}

// usaPrecompilata reads the module and deletes it, in the transaction of
// the counter request that takes its data.
func usaPrecompilata(tx *bolt.Tx, hash string, now time.Time) (domain.Precompilata, error) {
	p, err := precompilata(tx, hash, now)
	if err != nil {
		return p, err
	}
	return p, eliminaPrecompilata(tx, hash)
}

func eliminaPrecompilata(tx *bolt.Tx, hash string) error {
	var p domain.Precompilata
	if err := get(tx.Bucket(bucketPrecompilate), []byte(hash), &p); err != nil {
		if errors.Is(err, errNotFound) {
			return nil
		}
		return err
	}
	if err := aggiornaDerivati(tx, derivaPrecompilata(hash, &p), derivato{}, nil); err != nil {
		return err
	}
	return tx.Bucket(bucketPrecompilate).Delete([]byte(hash))
}
