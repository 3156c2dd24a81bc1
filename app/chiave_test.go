package app

import (
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/notify"
	"abilita/security"
)

// A database that holds data never starts with a missing or another master
// key: it would make every document and authenticator unreadable.
func TestChiaveMasterMancanteODiversa(t *testing.T) {
	dir := t.TempDir()
	cfg, err := ParseConfig([]string{"--data", dir}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Argon = security.Params{Memory: 8 * 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	apri := func() (*App, error) { return Open(cfg, log, notify.NewRouter(nil, nil)) }
	a, err := apri()
	if err != nil {
		t.Fatal(err)
	}
	u := &domain.Utente{Ruolo: domain.RuoloOperatore, Email: "op@inail.test", Nome: "A", Cognome: "B", Sede: "PI", Creato: time.Now()}
	if err := a.Store.CreaUtente(u); err != nil {
		t.Fatal(err)
	}
	giusta, err := os.ReadFile(cfg.MasterKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()

	if err := os.Remove(cfg.MasterKeyFile); err != nil {
		t.Fatal(err)
	}
	if _, err := apri(); err == nil || !strings.Contains(err.Error(), "manca il file della chiave master") {
		t.Errorf("start without the key: %v", err)
	}
	if _, err := os.Stat(cfg.MasterKeyFile); !os.IsNotExist(err) {
		t.Errorf("a new key was written: %v", err)
	}

	altra, err := os.ReadFile(cfg.MasterKeyFile + ".altra")
	if os.IsNotExist(err) {
		if _, err := security.LoadOrCreateMasterKey(cfg.MasterKeyFile + ".altra"); err != nil {
			t.Fatal(err)
		}
		altra, _ = os.ReadFile(cfg.MasterKeyFile + ".altra")
	}
	if err := os.WriteFile(cfg.MasterKeyFile, altra, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := apri(); err == nil || !strings.Contains(err.Error(), "non è quella con cui sono cifrati i dati") {
		t.Errorf("start with another key: %v", err)
	}

	if err := os.WriteFile(cfg.MasterKeyFile, giusta, 0o600); err != nil {
		t.Fatal(err)
	}
	a, err = apri()
	if err != nil {
		t.Fatalf("start with the right key: %v", err)
	}
	a.Close()
}
