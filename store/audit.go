package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// Atto is who does an action, when and from where: what every action's
// audit entry records. Chi 0 is the system (the command line).
type Atto struct {
	Chi    uint64
	Quando time.Time
	IP     string
}

var chiaveUltimoAudit = []byte("audit_ultimo")

// hashAudit is the hash of an entry: sha256 of its JSON without the hash
// field, which includes the previous hash.
func hashAudit(e domain.EventoAudit) (string, error) {
	e.Hash = ""
	data, err := json.Marshal(e)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

// registra appends the audit entry of the action a to the log.
func (a Atto) registra(tx *bolt.Tx, azione string, richiesta uint64, dettaglio string) error {
	return audit(tx, domain.EventoAudit{Quando: a.Quando, Chi: a.Chi, IP: a.IP, Azione: azione, Richiesta: richiesta, Dettaglio: dettaglio})
}

func audit(tx *bolt.Tx, e domain.EventoAudit) error {
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
	if err := aggiornaDerivati(tx, derivato{}, derivaAudit(&e), nil); err != nil {
		return err
	}
	return put(b, itob(id), e)
}

// RegistraVisione records that the staff member of a looked at or
// downloaded an attachment of request id (azione: domain.AuditVisualizzaDocumento
// or AuditScaricaDocumento), after checking that it may see the request.
func (s *Store) RegistraVisione(a Atto, id uint64, azione, dettaglio string) error {
	return s.aggiorna(func(tx *bolt.Tx) error {
		if _, _, err := leggiPer(tx, a.Chi, id, domain.OpVedi); err != nil {
			return err
		}
		return a.registra(tx, azione, id, dettaglio)
	})
}

// RegistraEvento records an event that changes nothing else (a letter
// printed, say).
func (s *Store) RegistraEvento(a Atto, azione string, richiesta uint64, dettaglio string) error {
	return s.aggiorna(func(tx *bolt.Tx) error { return a.registra(tx, azione, richiesta, dettaglio) })
}

// AvvisaUtente queues m, a warning about the account utenteID (failed
// logins, say), and audits it, together.
func (s *Store) AvvisaUtente(a Atto, utenteID uint64, m domain.Messaggio, dettaglio string) error {
	err := s.aggiorna(func(tx *bolt.Tx) error {
		if err := accodaTutti(tx, []domain.Messaggio{m}, "", a.Quando); err != nil {
			return err
		}
		return audit(tx, domain.EventoAudit{Quando: a.Quando, Chi: utenteID, IP: a.IP, Azione: domain.AuditAccount, Dettaglio: dettaglio})
	})
	if err == nil {
		s.sveglia()
	}
	return err
}

// VerificaAudit walks the whole chain and returns the number of entries, or
// an error naming the first entry that does not match.
func (s *Store) VerificaAudit() (int, error) {
	n := 0
	err := s.leggi(func(tx *bolt.Tx) error {
		prec := ""
		c := tx.Bucket(bucketAudit).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var e domain.EventoAudit
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

// EventiAudit returns entries newest first, read from the index of the
// request or the user when the filter names one.
func (s *Store) EventiAudit(f FiltroAudit) ([]domain.EventoAudit, error) {
	if f.Limite <= 0 {
		f.Limite = 50
	}
	var out []domain.EventoAudit
	err := s.leggi(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAudit)
		var ids func(yield func([]byte) bool)
		switch {
		case f.Richiesta != 0:
			ids = indietro(tx.Bucket(bucketAuditRichiesta), prefisso(itob(f.Richiesta)), f.Prima)
		case f.Chi != 0:
			ids = indietro(tx.Bucket(bucketAuditChi), prefisso(itob(f.Chi)), f.Prima)
		default:
			ids = indietro(b, nil, f.Prima)
		}
		for id := range ids {
			var e domain.EventoAudit
			if err := get(b, id, &e); err != nil {
				return err
			}
			if (f.Richiesta == 0 || e.Richiesta == f.Richiesta) && (f.Chi == 0 || e.Chi == f.Chi) {
				out = append(out, e)
			}
			if len(out) == f.Limite {
				break
			}
		}
		return nil
	})
	return out, err
}

// indietro walks the keys of b that start with prefix, newest first, from
// the one before the id prima (all when 0), and yields the id at their end.
func indietro(b *bolt.Bucket, prefix []byte, prima uint64) func(yield func([]byte) bool) {
	return func(yield func([]byte) bool) {
		c := b.Cursor()
		inizio := fineDi(prefix)
		if prima > 0 {
			inizio = append(bytes.Clone(prefix), itob(prima)...)
		}
		var k []byte
		if inizio == nil {
			k, _ = c.Last()
		} else if k, _ = c.Seek(inizio); k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Prev() {
			if !yield(k[len(k)-8:]) {
				return
			}
		}
	}
}

// fineDi is the first key after every key that starts with prefix; nil
// (past everything) for an empty prefix.
func fineDi(prefix []byte) []byte {
	p := bytes.Clone(prefix)
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] < 0xff {
			p[i]++
			return p[:i+1]
		}
	}
	return nil
}
