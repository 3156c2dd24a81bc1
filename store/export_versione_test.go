package store

import bolt "go.etcd.io/bbolt"

// ImpostaVersione writes a schema version, as a newer program would.
func (s *Store) ImpostaVersione(v int) error {
	return s.aggiorna(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(chiaveVersione, itob(uint64(v))) })
}
