package store

import (
	"bytes"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// ScopoAttivazione is the purpose of the link with which an operator or
// administrator created by an administrator chooses its own password.
const ScopoAttivazione Scopo = "attivazione"

// CreaAccount creates a user (an operator, say) together with its activation
// link, in one transaction, and records it in the audit log.
func (s *Store) CreaAccount(u *domain.Utente, hashToken string, t Token, e EventoAudit) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := creaUtente(tx, u); err != nil {
			return err
		}
		t.UtenteID = u.ID
		if err := put(tx.Bucket(bucketToken), []byte(hashToken), t); err != nil {
			return err
		}
		e.Dettaglio += " (utente " + u.Email + ")"
		return audit(tx, e)
	})
}

// AttivaAccount consumes an activation link and sets the password the user chose.
func (s *Store) AttivaAccount(hash, passwordHash string, now time.Time) (*domain.Utente, error) {
	var u domain.Utente
	err := s.db.Update(func(tx *bolt.Tx) error {
		t, err := consumaToken(tx, hash, ScopoAttivazione, now)
		if err != nil {
			return err
		}
		err = aggiornaUtente(tx, t.UtenteID, func(x *domain.Utente) error {
			x.PasswordHash = passwordHash
			if x.EmailVerificata.IsZero() {
				x.EmailVerificata = now
			}
			u = *x
			return nil
		})
		if err != nil {
			return err
		}
		return eliminaSessioniUtente(tx, t.UtenteID)
	})
	return &u, err
}

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
