package store

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
	"abilita/notify"
)

var errRichiestaNonTrovata = domain.NonTrovato("Richiesta non trovata.")

// CreaBozza stores a new draft request and gives it an ID.
func (s *Store) CreaBozza(r *domain.Richiesta) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRichieste)
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		r.ID, r.Schema, r.Stato = id, domain.SchemaRichiesta, domain.StatoBozza
		if err := tx.Bucket(bucketRichiesteUtente).Put(key(itob(r.Richiedente), itob(id)), nil); err != nil {
			return err
		}
		if k := chiaveCF(r); k != nil {
			if err := tx.Bucket(bucketRichiesteCF).Put(k, nil); err != nil {
				return err
			}
		}
		return put(b, itob(id), r)
	})
}

// Richiesta returns the request with that ID.
func (s *Store) Richiesta(id uint64) (*domain.Richiesta, error) {
	var r domain.Richiesta
	err := s.db.View(func(tx *bolt.Tx) error { return get(tx.Bucket(bucketRichieste), itob(id), &r) })
	if errors.Is(err, errNotFound) {
		return nil, errRichiestaNonTrovata
	}
	return &r, err
}

// RichiesteUtente returns the requests filed by a user, newest first.
func (s *Store) RichiesteUtente(utenteID uint64) ([]domain.Richiesta, error) {
	var out []domain.Richiesta
	err := s.db.View(func(tx *bolt.Tx) error {
		prefix := append(itob(utenteID), 0)
		b := tx.Bucket(bucketRichieste)
		c := tx.Bucket(bucketRichiesteUtente).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			var r domain.Richiesta
			if err := get(b, k[len(prefix):], &r); err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, err
}

// AggiornaRichiesta applies fn to the stored request and saves it with its
// indexes. fn decides whether the change is allowed; an error from it
// changes nothing.
func (s *Store) AggiornaRichiesta(id uint64, now time.Time, fn func(*domain.Richiesta) error) (*domain.Richiesta, error) {
	return s.ModificaRichiesta(id, now, fn, nil)
}

// ModificaRichiesta is AggiornaRichiesta that also appends e, when not nil,
// to the audit log in the same transaction.
func (s *Store) ModificaRichiesta(id uint64, now time.Time, fn func(*domain.Richiesta) error, e *EventoAudit) (*domain.Richiesta, error) {
	var out domain.Richiesta
	err := s.db.Update(func(tx *bolt.Tx) error {
		err := aggiornaRichiesta(tx, id, func(r *domain.Richiesta) error {
			if err := fn(r); err != nil {
				return err
			}
			r.Aggiornata = now
			out = *r
			return nil
		})
		if err != nil || e == nil {
			return err
		}
		ev := *e
		ev.Richiesta = id
		return audit(tx, ev)
	})
	return &out, err
}

// Transizione moves a request through the state machine in one transaction
// with its indexes and notifications. check runs first on the stored request
// (ownership, sede) and may refuse; prepare may change the request after the
// transition and return the notifications to queue, which see the final
// request (its protocol number, say).
type Transizione struct {
	Azione  domain.Azione
	Chi     uint64
	Quando  time.Time
	Nota    string
	Check   func(*domain.Richiesta) error
	Prepare func(*domain.Richiesta) ([]notify.Message, error)
	// Audit, when set, is appended to the audit log in the same transaction;
	// its Richiesta is filled in.
	Audit *EventoAudit
	// Credenziali, when set on an approval, issues the credentials in the
	// same transaction (account, profile, activation code) before Prepare
	// runs, and receives the account's ID and e-mail.
	Credenziali *Emissione
}

// Esegui runs the transition t on request id.
func (s *Store) Esegui(id uint64, t Transizione) (*domain.Richiesta, error) {
	var out domain.Richiesta
	var queued bool
	err := s.db.Update(func(tx *bolt.Tx) error {
		var msgs []notify.Message
		err := aggiornaRichiesta(tx, id, func(r *domain.Richiesta) error {
			if t.Check != nil {
				if err := t.Check(r); err != nil {
					return err
				}
			}
			if err := r.Esegui(t.Azione, t.Chi, t.Quando, t.Nota); err != nil {
				return err
			}
			switch {
			case t.Azione == domain.AzioneInvia:
				if err := assegnaProtocollo(tx, r); err != nil {
					return err
				}
			case t.Azione == domain.AzioneApprova && r.Profilo.Medico():
				if err := assegnaCodiceMedico(tx, r); err != nil {
					return err
				}
			}
			if t.Credenziali != nil {
				if err := emettiCredenziali(tx, r, t); err != nil {
					return err
				}
			}
			if t.Prepare != nil {
				var err error
				if msgs, err = t.Prepare(r); err != nil {
					return err
				}
			}
			out = *r
			return nil
		})
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if err := accoda(tx, m, id, t.Quando); err != nil {
				return err
			}
			queued = true
		}
		if t.Audit != nil {
			e := *t.Audit
			e.Richiesta = id
			return audit(tx, e)
		}
		return nil
	})
	if err == nil && queued {
		s.sveglia()
	}
	return &out, err
}

// assegnaProtocollo gives a submitted request its number, per sede and year:
// MI-2026-000123.
func assegnaProtocollo(tx *bolt.Tx, r *domain.Richiesta) error {
	if r.Sede == "" {
		return fmt.Errorf("request %d has no sede", r.ID)
	}
	year := strconv.Itoa(r.Inviata.In(domain.Roma).Year())
	counter := []byte(r.Sede + "-" + year)
	b := tx.Bucket(bucketContatori)
	var n uint64
	if v := b.Get(counter); v != nil {
		n = btoi(v)
	}
	n++
	if err := b.Put(counter, itob(n)); err != nil {
		return err
	}
	r.Protocollo = fmt.Sprintf("%s-%s-%06d", r.Sede, year, n)
	return tx.Bucket(bucketProtocolli).Put([]byte(r.Protocollo), itob(r.ID))
}

// assegnaCodiceMedico gives an approved doctor a codice medico from a
// counter that never goes back, so no code is ever given twice.
func assegnaCodiceMedico(tx *bolt.Tx, r *domain.Richiesta) error {
	if r.Esito == nil {
		r.Esito = &domain.Esito{}
	}
	if r.Esito.CodiceMedico != "" {
		return nil
	}
	b := tx.Bucket(bucketContatori)
	counter := []byte("codice_medico")
	var n uint64
	if v := b.Get(counter); v != nil {
		n = btoi(v)
	}
	n++
	if err := b.Put(counter, itob(n)); err != nil {
		return err
	}
	r.Esito.CodiceMedico = fmt.Sprintf("MED%07d", n)
	return nil
}

func aggiornaRichiesta(tx *bolt.Tx, id uint64, fn func(*domain.Richiesta) error) error {
	b := tx.Bucket(bucketRichieste)
	var r domain.Richiesta
	if err := get(b, itob(id), &r); err != nil {
		if errors.Is(err, errNotFound) {
			return errRichiestaNonTrovata
		}
		return err
	}
	old, oldCF := chiaveCoda(&r), chiaveCF(&r)
	if err := fn(&r); err != nil {
		return err
	}
	if k := chiaveCF(&r); !bytes.Equal(k, oldCF) {
		idx := tx.Bucket(bucketRichiesteCF)
		if oldCF != nil {
			if err := idx.Delete(oldCF); err != nil {
				return err
			}
		}
		if k != nil {
			if err := idx.Put(k, nil); err != nil {
				return err
			}
		}
	}
	coda := tx.Bucket(bucketCoda)
	if old != nil {
		if err := coda.Delete(old); err != nil {
			return err
		}
	}
	if k := chiaveCoda(&r); k != nil {
		if err := coda.Put(k, nil); err != nil {
			return err
		}
	}
	return put(b, itob(id), &r)
}

// chiaveCF is the key of a request in the index by codice fiscale, which
// finds a person's other requests in every sede (duplicates).
func chiaveCF(r *domain.Richiesta) []byte {
	if r.Anagrafica.CodiceFiscale == "" {
		return nil
	}
	return key([]byte(strings.ToUpper(r.Anagrafica.CodiceFiscale)), itob(r.ID))
}

// RichiestePerCF returns every request with that codice fiscale, in any sede
// and state, oldest first.
func (s *Store) RichiestePerCF(cf string) ([]domain.Richiesta, error) {
	var out []domain.Richiesta
	err := s.db.View(func(tx *bolt.Tx) error {
		prefix := key([]byte(strings.ToUpper(strings.TrimSpace(cf))), nil)
		b := tx.Bucket(bucketRichieste)
		c := tx.Bucket(bucketRichiesteCF).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			var r domain.Richiesta
			if err := get(b, k[len(prefix):], &r); err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// chiaveCoda is the key of a request in the operators' queue index:
// sede | stato | urgency (0 urgent, 1 not, so urgent ones sort first) |
// submission time | id. Drafts have no sede and are not in the queue.
func chiaveCoda(r *domain.Richiesta) []byte {
	if r.Sede == "" || r.Stato == domain.StatoBozza {
		return nil
	}
	urg := []byte{1}
	if r.Urgente {
		urg = []byte{0}
	}
	// A request withdrawn before submission (a counter draft, say) has no
	// submission time: its creation time orders it instead.
	quando := r.Inviata
	if quando.IsZero() {
		quando = r.Creata
	}
	return key([]byte(r.Sede), []byte(r.Stato), urg, itob(uint64(quando.UnixNano())), itob(r.ID))
}
