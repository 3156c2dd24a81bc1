package store

import (
	"errors"
	"strings"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// NormalizzaEmail is the form in which e-mail addresses are compared and indexed.
func NormalizzaEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CreaUtente stores a new user and gives it an ID. An e-mail or a codice
// fiscale already taken is a conflict.
func (s *Store) CreaUtente(u *domain.Utente) error {
	return s.db.Update(func(tx *bolt.Tx) error { return creaUtente(tx, u) })
}

func creaUtente(tx *bolt.Tx, u *domain.Utente) error {
	u.Email = NormalizzaEmail(u.Email)
	idx := tx.Bucket(bucketUtentiEmail)
	if idx.Get([]byte(u.Email)) != nil {
		return domain.Conflitto("Esiste già un account con questo indirizzo e-mail.")
	}
	b := tx.Bucket(bucketUtenti)
	id, err := b.NextSequence()
	if err != nil {
		return err
	}
	u.ID, u.Schema = id, domain.SchemaUtente
	if err := idx.Put([]byte(u.Email), itob(id)); err != nil {
		return err
	}
	u.CodiceFiscale = NormalizzaCodiceFiscale(u.CodiceFiscale)
	if err := indicizzaCF(tx, id, "", u.CodiceFiscale); err != nil {
		return err
	}
	if u.Sede != "" {
		if err := tx.Bucket(bucketUtentiSede).Put(key([]byte(u.Sede), itob(id)), nil); err != nil {
			return err
		}
	}
	return put(b, itob(id), u)
}

// Utente returns the user with that ID.
func (s *Store) Utente(id uint64) (*domain.Utente, error) {
	var u domain.Utente
	err := s.db.View(func(tx *bolt.Tx) error { return get(tx.Bucket(bucketUtenti), itob(id), &u) })
	if errors.Is(err, errNotFound) {
		return nil, domain.NonTrovato("Utente non trovato.")
	}
	return &u, err
}

// UtentePerEmail returns the user that logs in with that e-mail.
func (s *Store) UtentePerEmail(email string) (*domain.Utente, error) {
	var u domain.Utente
	err := s.db.View(func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketUtentiEmail).Get([]byte(NormalizzaEmail(email)))
		if id == nil {
			return errNotFound
		}
		return get(tx.Bucket(bucketUtenti), id, &u)
	})
	if errors.Is(err, errNotFound) {
		return nil, domain.NonTrovato("Utente non trovato.")
	}
	return &u, err
}

// AggiornaUtente applies fn to the stored user and saves it. The e-mail is
// the key of an index and cannot change here; a codice fiscale may change
// unless another account holds it.
func (s *Store) AggiornaUtente(id uint64, fn func(*domain.Utente) error) error {
	return s.db.Update(func(tx *bolt.Tx) error { return aggiornaUtente(tx, id, fn) })
}

func aggiornaUtente(tx *bolt.Tx, id uint64, fn func(*domain.Utente) error) error {
	b := tx.Bucket(bucketUtenti)
	var u domain.Utente
	if err := get(b, itob(id), &u); err != nil {
		if errors.Is(err, errNotFound) {
			return domain.NonTrovato("Utente non trovato.")
		}
		return err
	}
	email, sede, cf := u.Email, u.Sede, u.CodiceFiscale
	if err := fn(&u); err != nil {
		return err
	}
	u.Email = email
	u.CodiceFiscale = NormalizzaCodiceFiscale(u.CodiceFiscale)
	if err := indicizzaCF(tx, id, cf, u.CodiceFiscale); err != nil {
		return err
	}
	if u.Sede != sede {
		idx := tx.Bucket(bucketUtentiSede)
		if sede != "" {
			if err := idx.Delete(key([]byte(sede), itob(id))); err != nil {
				return err
			}
		}
		if u.Sede != "" {
			if err := idx.Put(key([]byte(u.Sede), itob(id)), nil); err != nil {
				return err
			}
		}
	}
	return put(b, itob(id), &u)
}

// CiSonoAmministratori reports whether at least one administrator exists.
func (s *Store) CiSonoAmministratori() (bool, error) {
	found := false
	err := s.db.View(func(tx *bolt.Tx) error {
		found = ciSonoAmministratori(tx)
		return nil
	})
	return found, err
}

func ciSonoAmministratori(tx *bolt.Tx) bool {
	c := tx.Bucket(bucketUtenti).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var u domain.Utente
		if err := jsonUnmarshal(v, &u); err == nil && u.Ruolo == domain.RuoloAmministratore {
			return true
		}
	}
	return false
}
