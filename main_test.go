package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
	"abilita/store"
)

// TestAuditVerify runs `abilita audit verify` on a data folder: intact, then
// with an entry changed behind the store's back.
func TestAuditVerify(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "abilita.db")
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"prima", "seconda", "terza"} {
		if err := st.RegistraEvento(store.Atto{Quando: time.Now(), Chi: 1}, domain.AuditSede, 0, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	if err := auditVerify([]string{"--data", dir}, &out); err != nil {
		t.Fatalf("intact log: %v", err)
	}
	if got := strings.TrimSpace(out.String()); got != "Registro di audit integro: 3 voci" {
		t.Errorf("output %q", got)
	}

	bdb, err := bolt.Open(db, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = bdb.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("audit"))
		k, v := b.Cursor().First()
		var e map[string]any
		if err := json.Unmarshal(v, &e); err != nil {
			return err
		}
		e["dettaglio"] = "cambiata"
		data, err := json.Marshal(e)
		if err != nil {
			return err
		}
		return b.Put(k, data)
	})
	if cerr := bdb.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = auditVerify([]string{"--data", dir}, &out)
	if err == nil || !strings.Contains(err.Error(), "non integro") {
		t.Errorf("tampered log: err %v, output %q", err, out.String())
	}

	if err := auditVerify([]string{"--data", filepath.Join(dir, "nessuna")}, &out); err == nil || !strings.Contains(err.Error(), "non trovato") {
		t.Errorf("missing database: %v", err)
	}
}

// TestCheck runs `abilita check` on a data folder.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "abilita.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.RegistraEvento(store.Atto{Quando: time.Now(), Chi: 1}, domain.AuditSede, 0, ""); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := check([]string{"--data", dir}, &out); err != nil || !strings.Contains(out.String(), "Database integro") {
		t.Fatalf("check: %v, %q", err, out.String())
	}
	if err := check([]string{"--data", t.TempDir()}, &out); err == nil {
		t.Fatal("check of an empty folder succeeded")
	}
}

func TestComandoSconosciuto(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, args := range [][]string{{"dimostrazione", "-h"}, {"ripristino"}} {
		if err := run(args, log); err == nil || !strings.Contains(err.Error(), "comando sconosciuto") || !strings.Contains(err.Error(), "abilita demo") {
			t.Errorf("abilita %v: %v", args, err)
		}
	}
	// The issue's own case: "abilita demo -h" served on :8080 and never
	// returned. It now prints the demo's flags and returns.
	if err := run([]string{"demo", "-h"}, log); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("abilita demo -h: %v, want flag.ErrHelp", err)
	}
}
