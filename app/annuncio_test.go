package app

import (
	"bytes"
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"abilita/domain"
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
	a := apriDiProva(t)
	cfg := a.Config
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
