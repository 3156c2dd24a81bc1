package store

import (
	"bytes"
	"encoding/hex"
	"strconv"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// Istantanea returns every key and value of every bucket, and each bucket's
// sequence, so that a test can prove a refused operation wrote nothing.
func (s *Store) Istantanea() (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			m := map[string]string{"#sequence": strconv.FormatUint(b.Sequence(), 10)}
			out[string(name)] = m
			return b.ForEach(func(k, v []byte) error {
				m[hex.EncodeToString(k)] = string(v)
				return nil
			})
		})
	})
	return out, err
}

// TrattieniScritture holds the writer inside a write of its own until the
// returned function is called: the writes submitted meanwhile wait, and are
// then committed as one group, in the order they were submitted. Calling the
// function again does nothing.
func (s *Store) TrattieniScritture() (rilascia func()) {
	dentro, via := make(chan struct{}), make(chan struct{})
	var entrato, uscito sync.Once
	go s.aggiorna(func(*bolt.Tx) error {
		entrato.Do(func() { close(dentro) })
		<-via
		return nil
	})
	<-dentro
	return func() { uscito.Do(func() { close(via) }) }
}

// ScrittureInAttesa is how many submitted writes wait for the writer.
func (s *Store) ScrittureInAttesa() int { return len(s.scritture) }

// VoceCoda is one key of the operators' queue index, decoded.
type VoceCoda struct {
	Sede    string
	Stato   domain.Stato
	Urgente bool
	ID      uint64
}

// CodaPer scans the queue index by the prefix sede|stato, as the operators'
// queue does, and returns the entries in index order.
func (s *Store) CodaPer(sede string, stato domain.Stato) ([]VoceCoda, error) {
	return s.scansioneCoda(key([]byte(sede), []byte(stato), nil))
}

// IndiceCoda returns every entry of the queue index.
func (s *Store) IndiceCoda() ([]VoceCoda, error) { return s.scansioneCoda(nil) }

func (s *Store) scansioneCoda(prefix []byte) ([]VoceCoda, error) {
	var out []VoceCoda
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketCoda).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			// sede 0 stato 0 urgency 0 time(8) 0 id(8)
			id := btoi(k[len(k)-8:])
			rest := k[:len(k)-8-1-8-1-1-1]
			i := bytes.IndexByte(rest, 0)
			out = append(out, VoceCoda{Sede: string(rest[:i]), Stato: domain.Stato(rest[i+1:]), Urgente: k[len(rest)+1] == 0, ID: id})
		}
		return nil
	})
	return out, err
}

// ProvaSubito makes Scrive try a write at every call while writes fail.
func (s *Store) ProvaSubito() { s.intervalloProva = time.Nanosecond }
