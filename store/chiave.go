package store

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
	"abilita/security"
)

// The master key lives outside the database, and the database records its
// fingerprint: a key that is not the one its data were sealed with (lost,
// regenerated, taken from another installation) is refused at start, before
// anything is sealed with it or anything sealed fails to open.

var chiaveImpronta = []byte("chiave_master_impronta")

// ErrChiaveDiversa says the master key is not the one of the data.
var ErrChiaveDiversa = fmt.Errorf("store: the master key is not the one the data were sealed with")

// ContieneDati reports whether the database holds what the master key
// sealed, or may have: a recorded fingerprint, or any account.
func (s *Store) ContieneDati() (bool, error) {
	var ok bool
	err := s.leggi(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketUtenti).Cursor().First()
		ok = tx.Bucket(bucketMeta).Get(chiaveImpronta) != nil || k != nil
		return nil
	})
	return ok, err
}

// VerificaChiave checks k against the fingerprint recorded in the database.
// A database without one (new, or written before fingerprints) gets k's,
// once a value it sealed, if any, opens with k: a TOTP secret, or else a
// document's data key.
func (s *Store) VerificaChiave(k *security.Keyring) error {
	return s.aggiorna(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if v := meta.Get(chiaveImpronta); v != nil {
			if !bytes.Equal(v, []byte(k.Impronta())) {
				return fmt.Errorf("%w (the data need the key %s, this one is %s)", ErrChiaveDiversa, v, k.Impronta())
			}
			return nil
		}
		if err := provaChiave(tx, k); err != nil {
			return err
		}
		return meta.Put(chiaveImpronta, []byte(k.Impronta()))
	})
}

// ImprontaChiave is the fingerprint of the master key the data need, "" if
// none is recorded.
func (s *Store) ImprontaChiave() (string, error) {
	var out string
	err := s.leggi(func(tx *bolt.Tx) error {
		out = string(tx.Bucket(bucketMeta).Get(chiaveImpronta))
		return nil
	})
	return out, err
}

// provaChiave opens with k the first sealed value found: once, for a
// database written before fingerprints.
func provaChiave(tx *bolt.Tx, k *security.Keyring) error {
	c := tx.Bucket(bucketUtenti).Cursor()
	for key, v := c.First(); key != nil; key, v = c.Next() {
		var u domain.Utente
		if err := getBytes(v, &u); err != nil {
			return err
		}
		if u.TOTP != nil && len(u.TOTP.SegretoCifrato) > 0 {
			if _, err := k.Open(u.TOTP.SegretoCifrato, domain.ContestoSegretoTOTP(u.ID)); err != nil {
				return fmt.Errorf("%w (the authenticator of account %d does not open)", ErrChiaveDiversa, u.ID)
			}
			return nil
		}
	}
	c = tx.Bucket(bucketRichieste).Cursor()
	for key, v := c.First(); key != nil; key, v = c.Next() {
		var r domain.Richiesta
		if err := getBytes(v, &r); err != nil {
			return err
		}
		for _, a := range r.Allegati {
			if _, err := k.UnwrapDataKey(a.ChiaveCifrata); err != nil {
				return fmt.Errorf("%w (the documents of request %d do not open)", ErrChiaveDiversa, r.ID)
			}
			return nil
		}
	}
	return nil
}
