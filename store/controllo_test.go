package store

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

func TestControllaEBackup(t *testing.T) {
	path := filepath.Join(t.TempDir(), "abilita.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	u := &domain.Utente{Email: "a@example.it", Ruolo: domain.RuoloOperatore, Sede: "PI"}
	if err := s.CreaUtente(u); err != nil {
		t.Fatal(err)
	}
	r := &domain.Richiesta{Richiedente: u.ID, Creata: now, Sede: "PI"}
	if err := s.CreaBozza(r); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Esegui(r.ID, Transizione{Azione: domain.AzioneInvia, Quando: now}); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Controlla(); err != nil || len(p) > 0 {
		t.Fatalf("a consistent database: problems %v, err %v", p, err)
	}

	var buf bytes.Buffer
	if _, err := s.Backup(&buf); err != nil {
		t.Fatal(err)
	}
	copia := filepath.Join(t.TempDir(), "copia.db")
	if err := os.WriteFile(copia, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Open(copia)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.Richiesta(r.ID); err != nil || got.Protocollo != "PI-2026-000001" {
		t.Fatalf("backup copy: %+v, %v", got, err)
	}
	c.Close()

	// Remove a queue entry behind the store's back: the check must say so.
	if err := s.db.Update(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketCoda).Cursor().First()
		return tx.Bucket(bucketCoda).Delete(k)
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketProtocolli).Put([]byte("XX-2026-000009"), itob(99)) }); err != nil {
		t.Fatal(err)
	}
	p, err := s.Controlla()
	if err != nil || len(p) != 2 {
		t.Fatalf("after tampering: problems %q, err %v; want 2", p, err)
	}
	s.Close()
}

// TestRichiestePerCF: the index by codice fiscale finds a person's requests
// in every sede, follows a changed code, and is rebuilt for a database made
// before it existed.
func TestRichiestePerCF(t *testing.T) {
	path := filepath.Join(t.TempDir(), "abilita.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	var ids []uint64
	for _, sede := range []string{"PI", "MI"} {
		r := &domain.Richiesta{Richiedente: 1, Creata: now, Sede: sede, Anagrafica: domain.Anagrafica{CodiceFiscale: "RSSMRA85T10A562S"}}
		if err := s.CreaBozza(r); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	altra := &domain.Richiesta{Richiedente: 2, Creata: now, Anagrafica: domain.Anagrafica{CodiceFiscale: "BNCNNA90E55H501X"}}
	if err := s.CreaBozza(altra); err != nil {
		t.Fatal(err)
	}
	trova := func(cf string) []uint64 {
		t.Helper()
		rr, err := s.RichiestePerCF(cf)
		if err != nil {
			t.Fatal(err)
		}
		var out []uint64
		for _, r := range rr {
			out = append(out, r.ID)
		}
		return out
	}
	if got := trova("rssmra85t10a562s"); len(got) != 2 || got[0] != ids[0] || got[1] != ids[1] {
		t.Fatalf("requests of RSSMRA85T10A562S: %v, want %v", got, ids)
	}
	if _, err := s.AggiornaRichiesta(ids[1], now, func(r *domain.Richiesta) error { r.Anagrafica.CodiceFiscale = "BNCNNA90E55H501X"; return nil }); err != nil {
		t.Fatal(err)
	}
	if got := trova("RSSMRA85T10A562S"); len(got) != 1 {
		t.Fatalf("after the change of code: %v", got)
	}
	if got := trova("BNCNNA90E55H501X"); len(got) != 2 {
		t.Fatalf("the changed code: %v", got)
	}

	// A database from before the index: emptied index and flag, reopened.
	if err := s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bucketRichiesteCF); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Delete(chiaveIndiceCFPronto)
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := trova("BNCNNA90E55H501X"); len(got) != 2 {
		t.Fatalf("after the rebuild: %v", got)
	}
	if p, err := s.Controlla(); err != nil || len(p) > 0 {
		t.Fatalf("after the rebuild: problems %v, %v", p, err)
	}
}
