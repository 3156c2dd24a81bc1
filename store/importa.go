package store

import (
	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// Importazione writes records in bulk, in one large transaction, with every
// derived entry, as the actions would: the data generator of cmd/bench
// builds archives of a million requests with it. It checks no permission
// and writes no audit entry: it is not a user action.
type Importazione struct{ tx *bolt.Tx }

// Importa runs fn in one write transaction.
func (s *Store) Importa(fn func(*Importazione) error) error {
	return s.db.Update(func(tx *bolt.Tx) error { return fn(&Importazione{tx: tx}) })
}

// Utente stores a new account and gives it its ID.
func (im *Importazione) Utente(u *domain.Utente) error { return creaUtente(im.tx, u) }

// Richiesta stores a new request as it is (state, history, times) and gives
// it its ID and, once submitted, its protocol number.
func (im *Importazione) Richiesta(r *domain.Richiesta) error {
	id, err := im.tx.Bucket(bucketRichieste).NextSequence()
	if err != nil {
		return err
	}
	r.ID, r.Schema = id, domain.SchemaRichiesta
	if r.Stato != domain.StatoBozza && r.Protocollo == "" && !r.Inviata.IsZero() {
		if err := assegnaProtocollo(im.tx, r); err != nil {
			return err
		}
	}
	return salvaRichiesta(im.tx, nil, r)
}

// AggiornaUtente applies fn to the stored account id and writes it with its
// indexes.
func (im *Importazione) AggiornaUtente(id uint64, fn func(*domain.Utente) error) (*domain.Utente, error) {
	return modificaUtente(im.tx, id, fn)
}

// AggiornaRichiesta applies fn to the stored request id and writes it with
// its indexes and counters, whatever its state: tests and tools set up
// situations with it that no action would make at once.
func (im *Importazione) AggiornaRichiesta(id uint64, fn func(*domain.Richiesta) error) (*domain.Richiesta, error) {
	prima, err := leggiRichiesta(im.tx, id)
	if err != nil {
		return nil, err
	}
	r := copia(prima)
	if err := fn(r); err != nil {
		return nil, err
	}
	return r, salvaRichiesta(im.tx, prima, r)
}
