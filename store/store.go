// Package store keeps Abilita's data in one bbolt file. Every exported
// method that changes something is one user action and one transaction: the
// record, every index and counter it touches, its audit entry and its outbox
// messages are written together or not at all. Unexported helpers take the
// *bbolt.Tx. Values are JSON; index buckets have composite big-endian keys in
// the order pages show them, so that a page reads what it shows and never
// the whole archive.
package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Store is the bbolt database.
type Store struct {
	db *bolt.DB

	// Writes go through one goroutine that commits, in one transaction,
	// every write waiting when the previous commit ends (group commit).
	scritture chan *scrittura
	chiusura  sync.RWMutex // held for reading while sending, for writing by Close
	chiuso    bool
	fine      chan struct{}

	wake func() // wakes the mail worker after a write queued messages

	// guasto is when the disk last refused a write (UnixNano), 0 once a
	// write succeeds again (disco.go).
	guasto atomic.Int64
	pieno  atomic.Bool // SimulaDiscoPieno
	// intervalloProva replaces the constant in tests.
	intervalloProva time.Duration

	sedi cacheSedi // the sedi, read once and kept in memory
}

// Open opens (or creates) the database file at path, creating its folder,
// and brings its schema up to date (migrations.go).
func Open(path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating data folder: %w", err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	s := &Store{db: db, scritture: make(chan *scrittura, 1024), fine: make(chan struct{})}
	if err := migra(db); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.sedi.carica(db); err != nil {
		db.Close()
		return nil, err
	}
	go s.scrittore()
	return s, nil
}

// Close waits for the writes under way and closes the database.
func (s *Store) Close() error {
	s.chiusura.Lock()
	if !s.chiuso {
		s.chiuso = true
		close(s.scritture)
		<-s.fine
	}
	s.chiusura.Unlock()
	return s.db.Close()
}

// Pronto reports whether the database answers a read: what /readyz asks.
func (s *Store) Pronto() error {
	return s.leggi(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketMeta).Get(chiaveVersione) == nil {
			return errors.New("store: no schema version")
		}
		return nil
	})
}

// Versione is the schema version of the data (VersioneSchema once open).
func (s *Store) Versione() (int, error) {
	var v int
	err := s.leggi(func(tx *bolt.Tx) error {
		v = versione(tx)
		return nil
	})
	return v, err
}

// Path is the database file.
func (s *Store) Path() string { return s.db.Path() }

// SetWaker registers fn to be called after a transaction queued
// notifications, so that the worker delivers them without waiting for its
// next poll. Call it before serving.
func (s *Store) SetWaker(fn func()) { s.wake = fn }

func (s *Store) sveglia() {
	if s.wake != nil {
		s.wake()
	}
}

// scrittura is one write waiting for its commit.
type scrittura struct {
	fn    func(*bolt.Tx) error
	esito chan error
}

// maxGruppo bounds the writes committed together, so that one failing
// write does not make a huge group run again.
const maxGruppo = 256

var errChiuso = errors.New("store: closed")

// aggiorna runs fn in a write transaction and returns once it is committed
// to disk. Writes that arrive while another commit is under way are
// committed together, in one fsync, in the order they arrived: each sees
// the writes before it. fn must be a function of the transaction and of
// what it captures, with its outputs assigned, not appended, since it runs
// again when another write of its group fails.
func (s *Store) aggiorna(fn func(*bolt.Tx) error) error {
	w := &scrittura{fn: fn, esito: make(chan error, 1)}
	s.chiusura.RLock()
	if s.chiuso {
		s.chiusura.RUnlock()
		return errChiuso
	}
	s.scritture <- w
	s.chiusura.RUnlock()
	return <-w.esito
}

// scrittore commits the waiting writes, a group at a time.
func (s *Store) scrittore() {
	defer close(s.fine)
	for w := range s.scritture {
		gruppo := []*scrittura{w}
	raccogli:
		for len(gruppo) < maxGruppo {
			select {
			case altro, ok := <-s.scritture:
				if !ok {
					break raccogli
				}
				gruppo = append(gruppo, altro)
			default:
				break raccogli
			}
		}
		s.committa(gruppo)
	}
}

// fallita is the refusal of one write of a group.
type fallita struct {
	i   int
	err error
}

func (f *fallita) Error() string { return f.err.Error() }

// committa writes a group in one transaction. A write that fails is told
// its error and the others are committed again without it, so that a
// refusal never undoes somebody else's write.
func (s *Store) committa(gruppo []*scrittura) {
	for len(gruppo) > 0 {
		if s.pieno.Load() {
			err := s.esitoScrittura(errDiscoPienoSimulato)
			for _, w := range gruppo {
				w.esito <- err
			}
			return
		}
		err := s.db.Update(func(tx *bolt.Tx) error {
			for i, w := range gruppo {
				if err := esegui(w.fn, tx); err != nil {
					return &fallita{i: i, err: err}
				}
			}
			return nil
		})
		var f *fallita
		if !errors.As(err, &f) {
			err = s.esitoScrittura(err)
			for _, w := range gruppo {
				w.esito <- err
			}
			return
		}
		gruppo[f.i].esito <- f.err
		gruppo = append(gruppo[:f.i:f.i], gruppo[f.i+1:]...)
	}
}

// esegui runs fn, turning a panic into an error so that one bad write
// cannot stop the writer.
func esegui(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("store: panic in a write: %v", p)
		}
	}()
	return fn(tx)
}

// leggi runs fn in a read transaction.
func (s *Store) leggi(fn func(*bolt.Tx) error) error { return s.db.View(fn) }

// errNotFound is turned into domain errors by the exported methods.
var errNotFound = errors.New("not found")

func itob(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func btoi(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

// key joins parts into a composite index key; parts are separated by 0x00,
// which no text part contains.
func key(parts ...[]byte) []byte {
	n := len(parts)
	for _, p := range parts {
		n += len(p)
	}
	k := make([]byte, 0, n)
	for i, p := range parts {
		if i > 0 {
			k = append(k, 0)
		}
		k = append(k, p...)
	}
	return k
}

// prefisso is the prefix of the keys that start with parts.
func prefisso(parts ...[]byte) []byte { return append(key(parts...), 0) }

func put(b *bolt.Bucket, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(k, data)
}

// get decodes the value at k into v; the bytes are only valid inside the
// transaction, and json.Unmarshal copies them out.
func get(b *bolt.Bucket, k []byte, v any) error {
	data := b.Get(k)
	if data == nil {
		return errNotFound
	}
	return json.Unmarshal(data, v)
}

func itoa(n int) string { return strconv.Itoa(n) }
