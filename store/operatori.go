package store

import (
	"bytes"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// Utenti returns every user with one of the roles, in creation order.
func (s *Store) Utenti(ruoli ...domain.Ruolo) ([]domain.Utente, error) {
	var out []domain.Utente
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketUtenti).ForEach(func(_, v []byte) error {
			var u domain.Utente
			if err := jsonUnmarshal(v, &u); err != nil {
				return err
			}
			for _, r := range ruoli {
				if u.Ruolo == r {
					out = append(out, u)
				}
			}
			return nil
		})
	})
	return out, err
}

// OperatoriSede returns the operators of a sede, from its index.
func (s *Store) OperatoriSede(sede string) ([]domain.Utente, error) {
	var out []domain.Utente
	err := s.db.View(func(tx *bolt.Tx) error {
		prefix := key([]byte(sede), nil)
		b := tx.Bucket(bucketUtenti)
		c := tx.Bucket(bucketUtentiSede).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			var u domain.Utente
			if err := get(b, k[len(prefix):], &u); err != nil {
				return err
			}
			out = append(out, u)
		}
		return nil
	})
	return out, err
}

// ImpostaSospensione suspends or reactivates a user; suspending ends its
// sessions at once.
func (s *Store) ImpostaSospensione(id uint64, sospeso bool, e EventoAudit) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		err := aggiornaUtente(tx, id, func(u *domain.Utente) error { u.Sospeso = sospeso; return nil })
		if err != nil {
			return err
		}
		if sospeso {
			if err := eliminaSessioniUtente(tx, id); err != nil {
				return err
			}
		}
		return audit(tx, e)
	})
}
