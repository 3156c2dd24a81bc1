package store

import (
	"bytes"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// Registrations never confirmed (domain.Utente.NonConfermato) hold an
// e-mail address and nothing else. They expire, and an account whose
// address somebody else proved (a new member of staff, the holder of
// credentials issued at the counter) takes their address: they never block
// anyone.

// scartaNonConfermato removes the registration u, never confirmed, with
// its links, sessions and login records, and audits why.
func scartaNonConfermato(tx *bolt.Tx, u *domain.Utente, quando time.Time, perche string) error {
	id := itob(u.ID)
	if err := aggiornaDerivati(tx, derivaUtente(u), derivato{}, id); err != nil {
		return err
	}
	if err := tx.Bucket(bucketUtenti).Delete(id); err != nil {
		return err
	}
	if _, err := eliminaSessioniUtente(tx, u.ID, ""); err != nil {
		return err
	}
	var token []string
	p := prefisso(id)
	c := tx.Bucket(bucketTokenUtente).Cursor()
	for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
		// user id | purpose | 0 | hash: the hash follows the last separator.
		token = append(token, string(k[bytes.LastIndexByte(k, 0)+1:]))
	}
	for _, h := range token {
		if err := eliminaToken(tx, h); err != nil {
			return err
		}
	}
	for _, b := range [][]byte{bucketAccessi, bucketDispositivi} {
		if err := eliminaPrefisso(tx.Bucket(b), id); err != nil {
			return err
		}
	}
	return audit(tx, domain.EventoAudit{Quando: quando, Chi: 0, Azione: domain.AuditAccount,
		Dettaglio: "Eliminata la registrazione non confermata dell'utente " + u.Email + " (" + perche + ")"})
}

// eliminaPrefisso deletes the keys of b that start with p.
func eliminaPrefisso(b *bolt.Bucket, p []byte) error {
	var ks [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
		ks = append(ks, bytes.Clone(k))
	}
	for _, k := range ks {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// eliminaNonConfermatiScaduti removes up to scadutiPerScrittura
// registrations left unconfirmed past domain.DurataNonConfermato.
func eliminaNonConfermatiScaduti(tx *bolt.Tx, now time.Time) (int, error) {
	return eliminaScaduti(tx, bucketUtentiNonConfermati, now, func(tx *bolt.Tx, id string) error {
		u, err := leggiUtente(tx, btoi([]byte(id)))
		if err != nil || !u.Scaduto(now) {
			return err // the entry is derived from the record: no record, no entry
		}
		return scartaNonConfermato(tx, u, now, "non confermata entro 7 giorni")
	})
}

// EliminaNonConfermati removes every registration left unconfirmed past
// domain.DurataNonConfermato, a few per transaction, and says how many.
// The server calls it at start and then every hour; registrations also
// remove a few each.
func (s *Store) EliminaNonConfermati(now time.Time) (int, error) {
	n := 0
	for {
		var tolti int
		err := s.aggiorna(func(tx *bolt.Tx) error {
			var err error
			tolti, err = eliminaNonConfermatiScaduti(tx, now)
			return err
		})
		n += tolti
		if err != nil || tolti < scadutiPerScrittura {
			return n, err
		}
	}
}

// liberaEmail makes the address email available to an account whose owner
// proved it, or an operator or administrator vouched for: a registration
// never confirmed that holds it is removed. An account that holds it for
// good is a conflict.
func liberaEmail(tx *bolt.Tx, email string, quando time.Time, perche string) error {
	u, err := utentePerIndice(tx, bucketUtentiEmail, domain.NormalizzaEmail(email))
	switch {
	case domain.CodiceDi(err) == domain.ErrNonTrovato:
		return nil
	case err != nil:
		return err
	case !u.NonConfermato():
		return errUnico(bucketUtentiEmail)
	}
	return scartaNonConfermato(tx, u, quando, perche)
}
