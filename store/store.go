// Package store keeps Abilita's data in one bbolt file. Every exported method
// is one transaction; unexported helpers take the *bbolt.Tx. Values are JSON
// with a schema version; index buckets have composite big-endian keys so that
// lists never scan every record.
package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// Bucket names. Index buckets start with "idx_".
var (
	bucketMeta            = []byte("meta")
	bucketUtenti          = []byte("utenti")
	bucketUtentiEmail     = []byte("idx_utenti_email")
	bucketSessioni        = []byte("sessioni")
	bucketSessioniUtente  = []byte("idx_sessioni_utente")
	bucketToken           = []byte("token")
	bucketRichieste       = []byte("richieste")
	bucketRichiesteUtente = []byte("idx_richieste_utente")
	bucketCoda            = []byte("idx_coda")
	bucketProtocolli      = []byte("idx_protocolli")
	bucketContatori       = []byte("contatori")
	bucketOutbox          = []byte("outbox")
	bucketOutboxScadenze  = []byte("idx_outbox_scadenze")
	bucketSedi            = []byte("sedi")
	bucketAudit           = []byte("audit")
	bucketPrecompilate    = []byte("precompilate")
	bucketUtentiSede      = []byte("idx_utenti_sede")
	bucketUtentiCF        = []byte("idx_utenti_cf")
	bucketAttivazioni     = []byte("attivazioni")          // user id → its one live activation code
	bucketInAttivazione   = []byte("attivazioni_in_corso") // hash of an activation session token → its progress
	bucketAccessi         = []byte("accessi")              // user id | time | seq → login attempt
	bucketDispositivi     = []byte("dispositivi")          // user id | device fingerprint → last successful login
	bucketRichiesteCF     = []byte("idx_richieste_cf")     // codice fiscale | request id
	allBuckets            = [][]byte{bucketMeta, bucketUtenti, bucketUtentiEmail, bucketSessioni, bucketSessioniUtente, bucketToken, bucketRichieste, bucketRichiesteUtente, bucketCoda, bucketProtocolli, bucketContatori, bucketOutbox, bucketOutboxScadenze, bucketSedi, bucketAudit, bucketPrecompilate, bucketUtentiSede, bucketUtentiCF, bucketAttivazioni, bucketInAttivazione, bucketAccessi, bucketDispositivi, bucketRichiesteCF}
)

// Store is the bbolt database.
type Store struct {
	db   *bolt.DB
	now  func() time.Time
	wake func()
}

// Open opens (or creates) the database file at path, creating its folder.
func Open(path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating data folder: %w", err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return ricostruisciIndiceCF(tx)
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("creating buckets: %w", err)
	}
	return &Store{db: db, now: time.Now}, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Path is the database file.
func (s *Store) Path() string { return s.db.Path() }

// errNotFound is turned into domain errors by the exported methods.
var errNotFound = errors.New("not found")

func itob(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func btoi(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

// key joins parts into a composite index key; parts are separated by 0x00,
// which no part contains.
func key(parts ...[]byte) []byte {
	var k []byte
	for i, p := range parts {
		if i > 0 {
			k = append(k, 0)
		}
		k = append(k, p...)
	}
	return k
}

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

func jsonUnmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

var chiaveIndiceCFPronto = []byte("idx_richieste_cf_pronto")

// ricostruisciIndiceCF fills, once, the index by codice fiscale of a
// database made before the index existed.
func ricostruisciIndiceCF(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	if meta.Get(chiaveIndiceCFPronto) != nil {
		return nil
	}
	if err := meta.Put(chiaveIndiceCFPronto, []byte{1}); err != nil {
		return err
	}
	idx := tx.Bucket(bucketRichiesteCF)
	return tx.Bucket(bucketRichieste).ForEach(func(_, v []byte) error {
		var r domain.Richiesta
		if err := json.Unmarshal(v, &r); err != nil {
			return err
		}
		if k := chiaveCF(&r); k != nil {
			return idx.Put(k, nil)
		}
		return nil
	})
}
