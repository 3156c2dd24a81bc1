package app

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"abilita/domain"
	"abilita/notify"
	"abilita/security"
)

type bufferSicuro struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *bufferSicuro) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *bufferSicuro) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The set-up link is printed framed, again and again, and kept in a file of
// the data folder (0600) until an administrator exists.
func TestAnnunciaCollegamento(t *testing.T) {
	cfg, err := ParseConfig([]string{"--data", t.TempDir()}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Argon = security.Params{Memory: 8 * 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	a, err := Open(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), notify.NewRouter(nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	link, err := a.SetupLink()
	if err != nil || link == "" {
		t.Fatalf("SetupLink = %q, %v", link, err)
	}
	var out bufferSicuro
	finito := make(chan error, 1)
	go func() { finito <- a.AnnunciaCollegamento(context.Background(), link, &out, 10*time.Millisecond) }()
	for strings.Count(out.String(), link) < 3 {
		time.Sleep(5 * time.Millisecond) // until it has been printed three times
	}
	if !strings.Contains(out.String(), "+-----") || !strings.Contains(out.String(), "| "+link) {
		t.Errorf("not framed:\n%s", out.String())
	}
	info, err := os.Stat(cfg.FileCollegamento())
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("the link's file: %v, %v", info, err)
	}
	if dati, _ := os.ReadFile(cfg.FileCollegamento()); strings.TrimSpace(string(dati)) != link {
		t.Errorf("the file holds %q", dati)
	}
	if err := a.Store.CreaUtente(&domain.Utente{Ruolo: domain.RuoloAmministratore, Email: "admin@inail.test", Nome: "A", Cognome: "B", Creato: time.Now()}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-finito:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("still announcing 30 s after an administrator exists")
	}
	if _, err := os.Stat(cfg.FileCollegamento()); !os.IsNotExist(err) {
		t.Errorf("the link's file is still there: %v", err)
	}
}
