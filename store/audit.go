package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The audited actions.
const (
	AuditVisualizzaDocumento = "visualizza_documento"
	AuditScaricaDocumento    = "scarica_documento"
	AuditDecisione           = "decisione"
	AuditPresaInCarico       = "presa_in_carico"
	AuditReinstradamento     = "reinstradamento"
	AuditRichiestaSportello  = "richiesta_sportello"
	AuditAccount             = "account"
	AuditSede                = "sede"
)

// EventoAudit is one entry of the append-only audit log. Each entry carries
// the hash of the previous one, so changing or removing an entry breaks the
// chain from there on.
type EventoAudit struct {
	ID        uint64    `json:"id"`
	Quando    time.Time `json:"quando"`
	Chi       uint64    `json:"chi"`
	Azione    string    `json:"azione"`
	Richiesta uint64    `json:"richiesta,omitempty"`
	IP        string    `json:"ip,omitempty"`
	Dettaglio string    `json:"dettaglio,omitempty"`
	Prec      string    `json:"prec"`
	Hash      string    `json:"hash"`
}

var chiaveUltimoAudit = []byte("audit_ultimo")

// hashAudit is the hash of an entry: sha256 of its JSON without the hash
// field, which includes the previous hash.
func hashAudit(e EventoAudit) (string, error) {
	e.Hash = ""
	data, err := json.Marshal(e)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

// Audit appends an entry to the audit log.
func (s *Store) Audit(e EventoAudit) error {
	return s.db.Update(func(tx *bolt.Tx) error { return audit(tx, e) })
}

func audit(tx *bolt.Tx, e EventoAudit) error {
	b := tx.Bucket(bucketAudit)
	id, err := b.NextSequence()
	if err != nil {
		return err
	}
	e.ID = id
	e.Prec = string(tx.Bucket(bucketMeta).Get(chiaveUltimoAudit))
	if e.Hash, err = hashAudit(e); err != nil {
		return err
	}
	if err := tx.Bucket(bucketMeta).Put(chiaveUltimoAudit, []byte(e.Hash)); err != nil {
		return err
	}
	return put(b, itob(id), e)
}

// VerificaAudit walks the whole chain and returns the number of entries, or
// an error naming the first entry that does not match.
func (s *Store) VerificaAudit() (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		prec := ""
		c := tx.Bucket(bucketAudit).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var e EventoAudit
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("entry %d: %w", btoi(k), err)
			}
			h, err := hashAudit(e)
			if err != nil {
				return err
			}
			switch {
			case e.ID != btoi(k):
				return fmt.Errorf("entry %d: stored under key %d", e.ID, btoi(k))
			case e.Prec != prec:
				return fmt.Errorf("entry %d: the previous hash does not match: an entry before it was changed or removed", e.ID)
			case e.Hash != h:
				return fmt.Errorf("entry %d: its content does not match its hash", e.ID)
			}
			prec = e.Hash
			n++
		}
		if last := string(tx.Bucket(bucketMeta).Get(chiaveUltimoAudit)); last != prec {
			return fmt.Errorf("the last entries of the log were removed (chain ends at %d entries)", n)
		}
		return nil
	})
	return n, err
}

// FiltroAudit selects audit entries.
type FiltroAudit struct {
	Richiesta uint64
	Chi       uint64
	Prima     uint64 // entries with an ID below this one (paging backwards); 0 for the newest
	Limite    int
}

// EventiAudit returns entries newest first.
func (s *Store) EventiAudit(f FiltroAudit) ([]EventoAudit, error) {
	if f.Limite <= 0 {
		f.Limite = 50
	}
	var out []EventoAudit
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAudit).Cursor()
		// Start at the newest entry, or at the newest before Prima.
		k, v := c.Last()
		if f.Prima > 0 {
			if k, _ = c.Seek(itob(f.Prima)); k != nil {
				k, v = c.Prev()
			} else {
				k, v = c.Last()
			}
		}
		for ; k != nil && len(out) < f.Limite; k, v = c.Prev() {
			var e EventoAudit
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			if (f.Richiesta == 0 || e.Richiesta == f.Richiesta) && (f.Chi == 0 || e.Chi == f.Chi) {
				out = append(out, e)
			}
		}
		return nil
	})
	return out, err
}
