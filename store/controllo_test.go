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
