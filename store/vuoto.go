package store

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SenzaDati reports whether the database file at path holds no account, no
// request and no audit entry: Abilita was started on it, at most, and
// nobody did anything yet. It opens the file read-only, so a database that
// holds data is never changed, not even brought to the current schema; a
// file another process holds (the service running) is an error.
func SenzaDati(path string) (bool, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 2 * time.Second})
	if err != nil {
		return false, fmt.Errorf("opening %s: %w", path, err)
	}
	defer db.Close()
	vuoto := true
	err = db.View(func(tx *bolt.Tx) error {
		for _, nome := range [][]byte{bucketUtenti, bucketRichieste, bucketAudit} {
			if b := tx.Bucket(nome); b != nil {
				if k, _ := b.Cursor().First(); k != nil {
					vuoto = false
				}
			}
		}
		return nil
	})
	return vuoto, err
}
