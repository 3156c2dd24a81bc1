package store

import (
	"bytes"
	"errors"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// Sessione is a server-side login session. The cookie holds a secret whose
// hash is the key, so the database alone cannot be used to ride a session.
type Sessione struct {
	Hash      string    `json:"-"`
	UtenteID  uint64    `json:"utente_id"`
	Creata    time.Time `json:"creata"`
	UltimoUso time.Time `json:"ultimo_uso"`
	IP        string    `json:"ip"`
	UserAgent string    `json:"user_agent"`
}

// CreaSessione stores a new session.
func (s *Store) CreaSessione(ss Sessione) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := put(tx.Bucket(bucketSessioni), []byte(ss.Hash), ss); err != nil {
			return err
		}
		return tx.Bucket(bucketSessioniUtente).Put(key(itob(ss.UtenteID), []byte(ss.Hash)), nil)
	})
}

// Sessione returns the session with that hash.
func (s *Store) Sessione(hash string) (Sessione, error) {
	var ss Sessione
	err := s.db.View(func(tx *bolt.Tx) error { return get(tx.Bucket(bucketSessioni), []byte(hash), &ss) })
	if errors.Is(err, errNotFound) {
		return ss, domain.NonTrovato("Sessione non trovata.")
	}
	ss.Hash = hash
	return ss, err
}

// TocaSessione records that the session was used at t.
func (s *Store) TocaSessione(hash string, t time.Time) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSessioni)
		var ss Sessione
		if err := get(b, []byte(hash), &ss); err != nil {
			if errors.Is(err, errNotFound) {
				return nil
			}
			return err
		}
		ss.UltimoUso = t
		return put(b, []byte(hash), ss)
	})
}

// EliminaSessione ends one session.
func (s *Store) EliminaSessione(hash string) error {
	return s.db.Update(func(tx *bolt.Tx) error { return eliminaSessione(tx, hash) })
}

func eliminaSessione(tx *bolt.Tx, hash string) error {
	b := tx.Bucket(bucketSessioni)
	var ss Sessione
	if err := get(b, []byte(hash), &ss); err != nil {
		if errors.Is(err, errNotFound) {
			return nil
		}
		return err
	}
	if err := tx.Bucket(bucketSessioniUtente).Delete(key(itob(ss.UtenteID), []byte(hash))); err != nil {
		return err
	}
	return b.Delete([]byte(hash))
}

// EliminaSessioniUtente ends every session of a user.
func (s *Store) EliminaSessioniUtente(utenteID uint64) error {
	return s.db.Update(func(tx *bolt.Tx) error { return eliminaSessioniUtente(tx, utenteID) })
}

func eliminaSessioniUtente(tx *bolt.Tx, utenteID uint64) error {
	prefix := append(itob(utenteID), 0)
	var hashes []string
	c := tx.Bucket(bucketSessioniUtente).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		hashes = append(hashes, string(k[len(prefix):]))
	}
	for _, h := range hashes {
		if err := eliminaSessione(tx, h); err != nil {
			return err
		}
	}
	return nil
}
