package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// Backup writes a consistent copy of the whole database to w while the
// service keeps running (a read transaction sees one snapshot).
func (s *Store) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.leggi(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// Conteggi are the records a copy holds, for its manifest.
type Conteggi struct {
	Utenti, Richieste, Messaggi, Audit int
	Schema                             int
}

// Copia hands scrivi a consistent snapshot of the whole database, its size
// and what it holds, while the service keeps running: the read transaction
// that writes it sees one moment.
func (s *Store) Copia(scrivi func(size int64, c Conteggi, w func(io.Writer) (int64, error)) error) error {
	return s.leggi(func(tx *bolt.Tx) error {
		c := Conteggi{Schema: versione(tx),
			Utenti:    tx.Bucket(bucketUtenti).Stats().KeyN,
			Richieste: tx.Bucket(bucketRichieste).Stats().KeyN,
			Messaggi:  tx.Bucket(bucketOutbox).Stats().KeyN,
			Audit:     tx.Bucket(bucketAudit).Stats().KeyN,
		}
		return scrivi(tx.Size(), c, tx.WriteTo)
	})
}

// maxProblemi bounds the problems Controlla lists; the count is always whole.
const maxProblemi = 200

// Controlla checks the file and that every derived entry matches the
// records: bbolt's own page check first, then every index entry and counter
// recomputed from the records (derivati.go) and compared with the stored
// ones, in both directions, and the records that point to others (codes,
// sessions, activations to their accounts). It returns the problems found,
// none when all is well. It reads each record once and keeps in memory only
// the counters, so it runs on a whole archive.
func (s *Store) Controlla() ([]string, error) {
	var problemi []string
	segnala := func(format string, args ...any) {
		if len(problemi) < maxProblemi {
			problemi = append(problemi, fmt.Sprintf(format, args...))
		} else if len(problemi) == maxProblemi {
			problemi = append(problemi, "… altri problemi non elencati")
		}
	}
	err := s.leggi(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			segnala("file: %v", err)
		}
		attese := map[string]int{} // entries each derived bucket should hold
		conti := map[string]int64{}
		for _, src := range sorgenti {
			err := tx.Bucket(src.bucket).ForEach(func(k, v []byte) error {
				d, err := src.deriva(k, v)
				if err != nil {
					segnala("%s %q: record illeggibile: %v", src.bucket, printable(k), err)
					return nil
				}
				for _, x := range append(d.voci, d.uniche...) {
					attese[string(x.bucket)]++
					got := tx.Bucket(x.bucket).Get(x.k)
					switch {
					case got == nil:
						segnala("%s: voce mancante %q (da %s %q)", x.bucket, printable(x.k), src.bucket, printable(k))
					case !bytes.Equal(got, x.v):
						segnala("%s: voce %q diversa da quella del record (%s %q)", x.bucket, printable(x.k), src.bucket, printable(k))
					}
				}
				for _, c := range d.conti {
					conti[string(c)]++
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		for _, b := range bucketDerivati {
			if string(b) == string(bucketAggregati) {
				continue
			}
			if n := tx.Bucket(b).Stats().KeyN; n != attese[string(b)] {
				segnala("%s: %d voci, i record ne danno %d (voci senza record o record con la stessa chiave)", b, n, attese[string(b)])
			}
		}
		err := tx.Bucket(bucketAggregati).ForEach(func(k, v []byte) error {
			if int64(btoi(v)) != conti[string(k)] {
				segnala("aggregati: %q vale %d, i record danno %d", printable(k), btoi(v), conti[string(k)])
			}
			delete(conti, string(k))
			return nil
		})
		if err != nil {
			return err
		}
		mancanti := make([]string, 0, len(conti))
		for k := range conti {
			mancanti = append(mancanti, k)
		}
		slices.Sort(mancanti)
		for _, k := range mancanti {
			segnala("aggregati: %q manca, i record danno %d", printable([]byte(k)), conti[k])
		}
		return controllaRiferimenti(tx, segnala)
	})
	return problemi, err
}

// controllaRiferimenti checks that codes, activations in progress, sessions,
// devices and login attempts belong to existing accounts.
func controllaRiferimenti(tx *bolt.Tx, segnala func(string, ...any)) error {
	utenti := tx.Bucket(bucketUtenti)
	esiste := func(id uint64) bool { return utenti.Get(itob(id)) != nil }
	err := tx.Bucket(bucketAttivazioni).ForEach(func(k, v []byte) error {
		var a domain.Attivazione
		if err := json.Unmarshal(v, &a); err != nil || a.UtenteID != btoi(k) || !esiste(a.UtenteID) {
			segnala("attivazioni: il codice dell'utente %d non corrisponde a un account", btoi(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = tx.Bucket(bucketInAttivazione).ForEach(func(k, v []byte) error {
		var a domain.AttivazioneInCorso
		if err := json.Unmarshal(v, &a); err != nil || !esiste(a.UtenteID) {
			segnala("attivazioni_in_corso: %q non corrisponde a un account", printable(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = tx.Bucket(bucketSessioni).ForEach(func(k, v []byte) error {
		var ss domain.Sessione
		if err := json.Unmarshal(v, &ss); err != nil || !esiste(ss.UtenteID) {
			segnala("sessioni: %q non corrisponde a un account", printable(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, b := range [][]byte{bucketDispositivi, bucketAccessi} {
		err := tx.Bucket(b).ForEach(func(k, _ []byte) error {
			if len(k) < 8 || !esiste(btoi(k[:8])) {
				segnala("%s: %q non corrisponde a un account", b, printable(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Ricostruisci derives every index and counter again from the records, as
// the migration does: the repair for what Controlla reports. Run it with
// the service stopped.
func (s *Store) Ricostruisci() error { return ricostruisciDerivati(s.db) }

func printable(k []byte) string {
	return string(bytes.Map(func(r rune) rune {
		if r < 32 || r > 126 {
			return '.'
		}
		return r
	}, k))
}
