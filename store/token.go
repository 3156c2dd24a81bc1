package store

import (
	"bytes"
	"errors"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// Single-use links (e-mail verification, password reset, the first
// administrator's set-up), kept under the hash of their secret, and the
// actions that create and consume them.

var errTokenNonValido = &domain.Errore{Codice: domain.ErrNonValido, Messaggio: "Il collegamento non è valido o è scaduto. Richiedine uno nuovo."}

// scadutiPerScrittura bounds how many expired links or modules one write
// removes, so that no action pays for a backlog.
const scadutiPerScrittura = 20

// creaToken stores t under hash. The user's older links of the same purpose
// stop working, and a few expired links are removed.
func creaToken(tx *bolt.Tx, hash string, t domain.Token) error {
	if t.UtenteID != 0 {
		prefix := prefisso(itob(t.UtenteID), []byte(t.Scopo))
		var vecchi []string
		c := tx.Bucket(bucketTokenUtente).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			vecchi = append(vecchi, string(k[len(prefix):]))
		}
		for _, h := range vecchi {
			if err := eliminaToken(tx, h); err != nil {
				return err
			}
		}
	}
	if _, err := eliminaScaduti(tx, bucketTokenScadenze, t.Creato, eliminaToken); err != nil {
		return err
	}
	if err := aggiornaDerivati(tx, derivato{}, derivaToken(hash, &t), nil); err != nil {
		return err
	}
	return put(tx.Bucket(bucketToken), []byte(hash), t)
}

// eliminaScaduti removes up to scadutiPerScrittura records whose expiry,
// in the schedule bucket (expiry | hash), is not after now, and says how
// many.
func eliminaScaduti(tx *bolt.Tx, schedule []byte, now time.Time, elimina func(*bolt.Tx, string) error) (int, error) {
	var hashes []string
	end := itob(uint64(now.UnixNano()))
	c := tx.Bucket(schedule).Cursor()
	for k, _ := c.First(); k != nil && bytes.Compare(k[:8], end) <= 0 && len(hashes) < scadutiPerScrittura; k, _ = c.Next() {
		hashes = append(hashes, string(k[8:]))
	}
	for _, h := range hashes {
		if err := elimina(tx, h); err != nil {
			return 0, err
		}
	}
	return len(hashes), nil
}

func eliminaToken(tx *bolt.Tx, hash string) error {
	var t domain.Token
	if err := get(tx.Bucket(bucketToken), []byte(hash), &t); err != nil {
		if errors.Is(err, errNotFound) {
			return nil
		}
		return err
	}
	if err := aggiornaDerivati(tx, derivaToken(hash, &t), derivato{}, nil); err != nil {
		return err
	}
	return tx.Bucket(bucketToken).Delete([]byte(hash))
}

// TokenValido returns the link if it exists, has that purpose and has not expired.
func (s *Store) TokenValido(hash string, scopo domain.Scopo, now time.Time) (domain.Token, error) {
	var t domain.Token
	err := s.leggi(func(tx *bolt.Tx) error {
		var err error
		t, err = tokenValido(tx, hash, scopo, now)
		return err
	})
	return t, err
}

func tokenValido(tx *bolt.Tx, hash string, scopo domain.Scopo, now time.Time) (domain.Token, error) {
	var t domain.Token
	if err := get(tx.Bucket(bucketToken), []byte(hash), &t); err != nil {
		if errors.Is(err, errNotFound) {
			return t, errTokenNonValido
		}
		return t, err
	}
	if t.Scopo != scopo || !now.Before(t.Scade) {
		return t, errTokenNonValido
	}
	return t, nil
}

// consumaToken checks the link and deletes it in the same transaction as the
// change it authorises, so it works once.
func consumaToken(tx *bolt.Tx, hash string, scopo domain.Scopo, now time.Time) (domain.Token, error) {
	t, err := tokenValido(tx, hash, scopo, now)
	if err != nil {
		return t, err
	}
	return t, eliminaToken(tx, hash)
}
