package store

import (
	"bytes"
	"errors"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/notify"
)

// The delivery states of a notification.
const (
	NotificaInCoda  = "in_coda"
	NotificaInviata = "inviata"
	NotificaFallita = "fallita"
)

// Notifica is a message in the transactional outbox: written in the same
// transaction as the change it reports, delivered later by notify.Worker.
type Notifica struct {
	ID           uint64         `json:"id"`
	RichiestaID  uint64         `json:"richiesta_id,omitempty"`
	Messaggio    notify.Message `json:"messaggio"`
	Stato        string         `json:"stato"`
	Tentativi    int            `json:"tentativi"`
	Prossimo     time.Time      `json:"prossimo"`
	UltimoErrore string         `json:"ultimo_errore,omitempty"`
	Creata       time.Time      `json:"creata"`
	Inviata      time.Time      `json:"inviata,omitzero"`
}

// SetWaker registers fn to be called after a transaction queued notifications,
// so that the worker delivers them without waiting for its next poll.
func (s *Store) SetWaker(fn func()) { s.wake = fn }

func (s *Store) sveglia() {
	if s.wake != nil {
		s.wake()
	}
}

// Accoda queues a notification that belongs to no state change (a
// verification link, say).
func (s *Store) Accoda(m notify.Message, now time.Time) error {
	err := s.db.Update(func(tx *bolt.Tx) error { return accoda(tx, m, 0, now) })
	if err == nil {
		s.sveglia()
	}
	return err
}

func accoda(tx *bolt.Tx, m notify.Message, richiestaID uint64, now time.Time) error {
	b := tx.Bucket(bucketOutbox)
	id, err := b.NextSequence()
	if err != nil {
		return err
	}
	n := Notifica{ID: id, RichiestaID: richiestaID, Messaggio: m, Stato: NotificaInCoda, Prossimo: now, Creata: now}
	if err := tx.Bucket(bucketOutboxScadenze).Put(chiaveScadenza(n), nil); err != nil {
		return err
	}
	return put(b, itob(id), n)
}

func chiaveScadenza(n Notifica) []byte {
	return append(itob(uint64(n.Prossimo.UnixNano())), itob(n.ID)...)
}

// Due implements notify.Outbox: the queued notifications whose time has come.
func (s *Store) Due(now time.Time, limit int) ([]notify.Pending, error) {
	var out []notify.Pending
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		c := tx.Bucket(bucketOutboxScadenze).Cursor()
		end := itob(uint64(now.UnixNano()))
		for k, _ := c.First(); k != nil && bytes.Compare(k[:8], end) <= 0 && len(out) < limit; k, _ = c.Next() {
			var n Notifica
			if err := get(b, k[8:], &n); err != nil {
				return err
			}
			out = append(out, notify.Pending{ID: n.ID, Message: n.Messaggio, Attempts: n.Tentativi})
		}
		return nil
	})
	return out, err
}

func (s *Store) aggiornaNotifica(id uint64, fn func(*Notifica)) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		var n Notifica
		if err := get(b, itob(id), &n); err != nil {
			if errors.Is(err, errNotFound) {
				return nil
			}
			return err
		}
		idx := tx.Bucket(bucketOutboxScadenze)
		if err := idx.Delete(chiaveScadenza(n)); err != nil {
			return err
		}
		fn(&n)
		if n.Stato == NotificaInCoda {
			if err := idx.Put(chiaveScadenza(n), nil); err != nil {
				return err
			}
		}
		return put(b, itob(id), n)
	})
}

// MarkSent implements notify.Outbox.
func (s *Store) MarkSent(id uint64, at time.Time) error {
	return s.aggiornaNotifica(id, func(n *Notifica) {
		n.Stato, n.Inviata, n.Tentativi = NotificaInviata, at, n.Tentativi+1
		n.UltimoErrore = ""
	})
}

// MarkRetry implements notify.Outbox.
func (s *Store) MarkRetry(id uint64, attempts int, next time.Time, lastErr string) error {
	return s.aggiornaNotifica(id, func(n *Notifica) {
		n.Tentativi, n.Prossimo, n.UltimoErrore = attempts, next, lastErr
	})
}

// MarkFailed implements notify.Outbox: the message stays, visible with its error.
func (s *Store) MarkFailed(id uint64, attempts int, lastErr string) error {
	return s.aggiornaNotifica(id, func(n *Notifica) {
		n.Stato, n.Tentativi, n.UltimoErrore = NotificaFallita, attempts, lastErr
	})
}

// Notifiche returns the newest notifications, up to limit, for the "Posta in uscita" page.
func (s *Store) Notifiche(limit int) ([]Notifica, error) {
	var out []Notifica
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketOutbox).Cursor()
		for k, v := c.Last(); k != nil && len(out) < limit; k, v = c.Prev() {
			var n Notifica
			if err := jsonUnmarshal(v, &n); err != nil {
				return err
			}
			out = append(out, n)
		}
		return nil
	})
	return out, err
}
