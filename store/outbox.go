package store

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
	"abilita/security"
)

// The transactional outbox: each action writes its messages in its own
// transaction (accoda); the mail worker reads them with Due and records each
// attempt (notify.Outbox).

// accoda queues m in the transaction of the action that sends it; the
// request it is about, if any, says where the message is listed.
func accoda(tx *bolt.Tx, m domain.Messaggio, r *domain.Richiesta, now time.Time) error {
	b := tx.Bucket(bucketOutbox)
	id, err := b.NextSequence()
	if err != nil {
		return err
	}
	if m.MessageID == "" {
		m.MessageID = fmt.Sprintf("abilita.%d.%s", id, security.NewToken()[:16])
	}
	n := domain.Notifica{ID: id, Messaggio: m, Stato: domain.NotificaInCoda, Prossimo: now, Creata: now}
	if r != nil {
		n.RichiestaID, n.Sede, n.Protocollo = r.ID, r.Sede, r.Protocollo
	}
	if err := aggiornaDerivati(tx, derivato{}, derivaNotifica(&n), nil); err != nil {
		return err
	}
	return put(b, itob(id), n)
}

// accodaTutti queues the messages of an action that concerns no request,
// listed in the outbox of sede ("" for the administrators' only).
func accodaTutti(tx *bolt.Tx, msgs []domain.Messaggio, sede string, now time.Time) error {
	for _, m := range msgs {
		if err := accoda(tx, m, &domain.Richiesta{Sede: sede}, now); err != nil {
			return err
		}
	}
	return nil
}

// Due implements notify.Outbox: the queued notifications whose time has
// come, oldest first.
func (s *Store) Due(now time.Time, limit int) ([]domain.Notifica, error) {
	var out []domain.Notifica
	err := s.leggi(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		c := tx.Bucket(bucketOutboxScadenze).Cursor()
		end := itob(uint64(now.UnixNano()))
		for k, _ := c.First(); k != nil && bytes.Compare(k[:8], end) <= 0 && len(out) < limit; k, _ = c.Next() {
			var n domain.Notifica
			if err := get(b, k[8:], &n); err != nil {
				return err
			}
			out = append(out, n)
		}
		return nil
	})
	return out, err
}

func (s *Store) aggiornaNotifica(id uint64, fn func(*domain.Notifica)) error {
	return s.aggiorna(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		var n domain.Notifica
		if err := get(b, itob(id), &n); err != nil {
			if errors.Is(err, errNotFound) {
				return nil
			}
			return err
		}
		prima := n
		fn(&n)
		if err := aggiornaDerivati(tx, derivaNotifica(&prima), derivaNotifica(&n), nil); err != nil {
			return err
		}
		return put(b, itob(id), n)
	})
}

// eliminaNotifica removes n from the outbox.
func eliminaNotifica(tx *bolt.Tx, n *domain.Notifica) error {
	if err := aggiornaDerivati(tx, derivaNotifica(n), derivato{}, nil); err != nil {
		return err
	}
	return tx.Bucket(bucketOutbox).Delete(itob(n.ID))
}

// MarkSent implements notify.Outbox.
func (s *Store) MarkSent(id uint64, at time.Time) error {
	return s.aggiornaNotifica(id, func(n *domain.Notifica) {
		n.Stato, n.Inviata, n.Tentativi = domain.NotificaInviata, at, n.Tentativi+1
		n.UltimoErrore = ""
	})
}

// MarkRetry implements notify.Outbox.
func (s *Store) MarkRetry(id uint64, attempts int, next time.Time, lastErr string) error {
	return s.aggiornaNotifica(id, func(n *domain.Notifica) {
		n.Tentativi, n.Prossimo, n.UltimoErrore = attempts, next, lastErr
	})
}

// MarkFailed implements notify.Outbox: the message stays, visible with its error.
func (s *Store) MarkFailed(id uint64, attempts int, lastErr string) error {
	return s.aggiornaNotifica(id, func(n *domain.Notifica) {
		n.Stato, n.Tentativi, n.UltimoErrore = domain.NotificaFallita, attempts, lastErr
	})
}

// QueryPosta selects a page of the outbox, newest first.
type QueryPosta struct {
	Sede   string               // "" for every sede (administrators)
	Stato  domain.StatoNotifica // "" for every state
	Prima  uint64               // messages older than this id (the next page); 0 for the newest
	PerPag int
}

// PaginaPosta is one page of the outbox.
type PaginaPosta struct {
	Notifiche []domain.Notifica
	Altre     bool // older messages follow
}

// Posta reads one page of the outbox from its index by sede and state.
func (s *Store) Posta(q QueryPosta) (PaginaPosta, error) {
	if q.PerPag <= 0 {
		q.PerPag = 50
	}
	sede, stato := q.Sede, string(q.Stato)
	if sede == "" {
		sede = tutteLeSedi
	}
	if stato == "" {
		stato = tuttiGliStati
	}
	var p PaginaPosta
	err := s.leggi(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		for id := range indietro(tx.Bucket(bucketOutboxIndice), prefisso([]byte(sede), []byte(stato)), q.Prima) {
			if len(p.Notifiche) == q.PerPag {
				p.Altre = true
				break
			}
			var n domain.Notifica
			if err := get(b, id, &n); err != nil {
				return err
			}
			p.Notifiche = append(p.Notifiche, n)
		}
		return nil
	})
	return p, err
}

// ContaPosta counts the messages of a sede ("" for every sede) in each
// delivery state, from the counters.
func (s *Store) ContaPosta(sede string) (map[domain.StatoNotifica]int, error) {
	out := map[domain.StatoNotifica]int{}
	err := s.leggi(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAggregati).Cursor()
		var prefix []byte
		if sede == "" {
			prefix = []byte{contoPosta, 0}
		} else {
			prefix = append(conto(contoPosta, []byte(sede)), 0)
		}
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			stato := k[bytes.LastIndexByte(k, 0)+1:]
			out[domain.StatoNotifica(stato)] += int(btoi(v))
		}
		return nil
	})
	return out, err
}

// ReinviaMessaggio queues again the message id that could not be
// delivered, to indirizzo if not empty (a corrected address, which must be
// valid), and audits who did it: an operator of the message's sede or an
// administrator (domain.ConsentiPosta). Only one recipient's address is
// corrected: messages to several are sent again as they are.
func (s *Store) ReinviaMessaggio(a Atto, id uint64, indirizzo string) (*domain.Notifica, error) {
	indirizzo = domain.NormalizzaEmail(indirizzo)
	if indirizzo != "" && !domain.EmailValida(indirizzo) {
		return nil, &domain.Errore{Codice: domain.ErrNonValido, Messaggio: "L'indirizzo e-mail non è valido (esempio: nome@dominio.it)."}
	}
	var out domain.Notifica
	err := s.aggiorna(func(tx *bolt.Tx) error {
		u, err := leggiAttore(tx, a.Chi)
		if err != nil {
			return err
		}
		b := tx.Bucket(bucketOutbox)
		var n domain.Notifica
		if err := get(b, itob(id), &n); err != nil {
			if errors.Is(err, errNotFound) {
				return domain.NonTrovato("Messaggio non trovato.")
			}
			return err
		}
		if err := domain.ConsentiPosta(u, &n); err != nil {
			return err
		}
		if n.Stato != domain.NotificaFallita {
			return domain.Conflitto("Il messaggio non è tra quelli non consegnati: forse è già stato inviato di nuovo.")
		}
		prima := n
		dettaglio := fmt.Sprintf("Messaggio %d («%s») inviato di nuovo", n.ID, n.Messaggio.Subject)
		if indirizzo != "" && len(n.Messaggio.To) == 1 && n.Messaggio.To[0] != indirizzo {
			dettaglio += fmt.Sprintf(" all'indirizzo corretto %s (era %s)", indirizzo, n.Messaggio.To[0])
			n.Messaggio.To = []string{indirizzo}
		}
		n.Stato, n.Prossimo, n.Tentativi = domain.NotificaInCoda, a.Quando, 0
		if err := aggiornaDerivati(tx, derivaNotifica(&prima), derivaNotifica(&n), nil); err != nil {
			return err
		}
		if err := put(b, itob(id), n); err != nil {
			return err
		}
		out = n
		return a.registra(tx, domain.AuditPosta, n.RichiestaID, dettaglio)
	})
	if err == nil {
		s.sveglia()
	}
	return &out, err
}

// Anticipa brings forward to now the messages of kind (e-mail or PEC)
// waiting for a new attempt after a failure, and says how many: the mail
// worker calls it when a delivery succeeds after failures (the relay is
// back), an administrator with "Riprova ora" (kind "": both).
func (s *Store) Anticipa(kind domain.TipoMessaggio, now time.Time) (int, error) {
	n := 0
	err := s.aggiorna(func(tx *bolt.Tx) error {
		n = 0
		b := tx.Bucket(bucketOutbox)
		var ids [][]byte
		c := tx.Bucket(bucketOutboxScadenze).Cursor()
		for k, _ := c.Seek(itob(uint64(now.UnixNano()) + 1)); k != nil; k, _ = c.Next() {
			ids = append(ids, bytes.Clone(k[8:]))
		}
		for _, id := range ids {
			var x domain.Notifica
			if err := get(b, id, &x); err != nil {
				return err
			}
			if x.Tentativi == 0 || (kind != "" && x.Messaggio.Kind != kind && !(kind == domain.MessaggioEmail && x.Messaggio.Kind == "")) {
				continue
			}
			prima := x
			x.Prossimo = now
			if err := aggiornaDerivati(tx, derivaNotifica(&prima), derivaNotifica(&x), nil); err != nil {
				return err
			}
			if err := put(b, id, x); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err == nil && n > 0 {
		s.sveglia()
	}
	return n, err
}
