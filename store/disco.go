package store

import (
	"cmp"
	"errors"
	"os"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// When the disk refuses writes (full, over quota, read-only), every action
// answers that the service cannot save now, /readyz says so, and the first
// write that succeeds again, an action's or the probe's, clears it.

// DiscoRifiuta reports whether err is the disk refusing a write.
func DiscoRifiuta(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) || errors.Is(err, syscall.EROFS) || errors.Is(err, syscall.EIO)
}

// esitoScrittura records the outcome of a commit, or of another write of
// the service (an attachment), and turns a refusal of the disk into the
// error the pages explain.
func (s *Store) esitoScrittura(err error) error {
	switch {
	case err == nil:
		s.guasto.Store(0)
	case DiscoRifiuta(err):
		s.guasto.Store(time.Now().UnixNano())
		var e *domain.ErroreSalvataggio
		if !errors.As(err, &e) {
			err = &domain.ErroreSalvataggio{Causa: err}
		}
	}
	return err
}

// SimulaDiscoPieno makes every commit fail as on a full disk while on is
// true: for the tests of a full disk where no small filesystem can be
// mounted (not as root, or in a container).
func (s *Store) SimulaDiscoPieno(on bool) { s.pieno.Store(on) }

// errDiscoPienoSimulato is the error of SimulaDiscoPieno.
var errDiscoPienoSimulato = &os.PathError{Op: "write", Path: "abilita.db", Err: syscall.ENOSPC}

// SegnalaScrittura tells the store the outcome of a write it did not make
// (an attachment's file): a refusal of the disk turns /readyz red too.
func (s *Store) SegnalaScrittura(err error) error { return s.esitoScrittura(err) }

// intervalloProva is how often, while writes fail, Scrive tries one.
const intervalloProva = 5 * time.Second

var chiaveProva = []byte("prova_scrittura")

// Scrive says whether writes succeed: nil unless the last one was refused
// by the disk and a probe write (at most every intervalloProva) is refused
// too. /readyz calls it.
func (s *Store) Scrive() error {
	t := s.guasto.Load()
	if t == 0 {
		return nil
	}
	if time.Since(time.Unix(0, t)) < cmp.Or(s.intervalloProva, intervalloProva) {
		return &domain.ErroreSalvataggio{Causa: errors.New("store: the last write was refused by the disk")}
	}
	return s.aggiorna(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(chiaveProva, []byte(time.Now().UTC().Format(time.RFC3339)))
	})
}
