package store

import (
	"bytes"
	"fmt"
	"io"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// Backup writes a consistent copy of the whole database to w while the
// service keeps running (a read transaction sees one snapshot).
func (s *Store) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// Controlla checks the file and that every index matches the records:
// bbolt's own page check first, then each index against what its records
// say it should hold. It returns the problems found, none when all is well.
func (s *Store) Controlla() ([]string, error) {
	var problemi []string
	err := s.db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			problemi = append(problemi, "file: "+err.Error())
		}
		attese := map[string]map[string]bool{}
		atteso := func(bucket []byte, k []byte) {
			m := attese[string(bucket)]
			if m == nil {
				m = map[string]bool{}
				attese[string(bucket)] = m
			}
			m[string(k)] = true
		}
		err := tx.Bucket(bucketRichieste).ForEach(func(k, v []byte) error {
			var r domain.Richiesta
			if err := jsonUnmarshal(v, &r); err != nil {
				problemi = append(problemi, fmt.Sprintf("richiesta %d: %v", btoi(k), err))
				return nil
			}
			atteso(bucketRichiesteUtente, key(itob(r.Richiedente), itob(r.ID)))
			if ck := chiaveCoda(&r); ck != nil {
				atteso(bucketCoda, ck)
			}
			if r.Protocollo != "" {
				atteso(bucketProtocolli, []byte(r.Protocollo))
			}
			if k := chiaveCF(&r); k != nil {
				atteso(bucketRichiesteCF, k)
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = tx.Bucket(bucketUtenti).ForEach(func(k, v []byte) error {
			var u domain.Utente
			if err := jsonUnmarshal(v, &u); err != nil {
				problemi = append(problemi, fmt.Sprintf("utente %d: %v", btoi(k), err))
				return nil
			}
			atteso(bucketUtentiEmail, []byte(u.Email))
			if u.Sede != "" {
				atteso(bucketUtentiSede, key([]byte(u.Sede), itob(u.ID)))
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = tx.Bucket(bucketOutbox).ForEach(func(_, v []byte) error {
			var n Notifica
			if err := jsonUnmarshal(v, &n); err == nil && n.Stato == NotificaInCoda {
				atteso(bucketOutboxScadenze, chiaveScadenza(n))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, b := range [][]byte{bucketRichiesteUtente, bucketCoda, bucketProtocolli, bucketUtentiEmail, bucketUtentiSede, bucketOutboxScadenze, bucketRichiesteCF} {
			problemi = append(problemi, confrontaIndice(tx, b, attese[string(b)])...)
		}
		return nil
	})
	return problemi, err
}

// confrontaIndice compares the keys of an index bucket with the expected ones.
func confrontaIndice(tx *bolt.Tx, bucket []byte, attese map[string]bool) []string {
	var problemi []string
	trovate := map[string]bool{}
	c := tx.Bucket(bucket).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		trovate[string(k)] = true
		if !attese[string(k)] {
			problemi = append(problemi, fmt.Sprintf("%s: voce senza record (%q)", bucket, printable(k)))
		}
	}
	for k := range attese {
		if !trovate[k] {
			problemi = append(problemi, fmt.Sprintf("%s: voce mancante (%q)", bucket, printable([]byte(k))))
		}
	}
	return problemi
}

func printable(k []byte) string {
	return string(bytes.Map(func(r rune) rune {
		if r < 32 || r > 126 {
			return '.'
		}
		return r
	}, k))
}
