package notify

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"abilita/internal/testsmtp"
)

func TestFileSenderWritesEML(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "posta")
	log, logs := newLogger()
	s, err := NewFileSender(dir, mittente, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), ricevuta("maria.rossi@example.it")); err != nil {
		t.Fatal(err)
	}

	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o700 {
		t.Errorf("directory permissions = %v, want 0700", perm)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("files in %s = %v, want one .eml", dir, entries)
	}
	name := entries[0].Name()
	if !regexp.MustCompile(`^\d{8}T\d{6}\.\d{9}Z-[0-9a-f]{8}-maria\.rossi@example\.it-[a-z0-9-]+\.eml$`).MatchString(name) {
		t.Errorf("file name %q, want <time>-<random>-<recipient>-<subject>.eml", name)
	}
	path := filepath.Join(dir, name)
	if !strings.Contains(logs.String(), "posta scritta su file") || !strings.Contains(logs.String(), path) ||
		!strings.Contains(logs.String(), "maria.rossi@example.it") || !strings.Contains(logs.String(), "oggetto=") {
		t.Errorf("log does not give the path %s, the recipient and the subject:\n%s", path, logs)
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("è")) {
		t.Error("non-ASCII bytes left unencoded in the .eml")
	}
	m := testsmtp.Message{Data: data}
	if got := m.Subject(); got != oggettoRicevuta {
		t.Errorf("Subject = %q, want %q", got, oggettoRicevuta)
	}
	if got := m.Header("To"); got != "<maria.rossi@example.it>" {
		t.Errorf("To = %q", got)
	}
	if got := m.Header("From"); got != "<"+mittente+">" {
		t.Errorf("From = %q", got)
	}
	if !strings.Contains(m.Text(), "è stata inviata") || !strings.Contains(m.Text(), linkRichiesta) {
		t.Errorf("text body:\n%s", m.Text())
	}
	if !strings.Contains(m.HTML(), `href="`+linkRichiesta+`"`) {
		t.Errorf("HTML body:\n%s", m.HTML())
	}
	pdf, mediaType, ok := m.Attachment("ricevuta-42.pdf")
	if !ok || mediaType != "application/pdf" || !bytes.Equal(pdf, fakePDF) {
		t.Errorf("attachment ricevuta-42.pdf: found %v, type %q, %d bytes; attachments %v", ok, mediaType, len(pdf), m.Attachments())
	}
}

func TestFileSenderRejectsInvalidMessage(t *testing.T) {
	dir := t.TempDir()
	log, _ := newLogger()
	s, err := NewFileSender(dir, mittente, log)
	if err != nil {
		t.Fatal(err)
	}
	m := ricevuta("non è un indirizzo")
	err = s.Send(context.Background(), m)
	if err == nil || !Permanent(err) {
		t.Fatalf("Send to an invalid address: err = %v, want a permanent error", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left files behind: %v", entries)
	}
}

func TestNewFileSenderChecksSender(t *testing.T) {
	log, _ := newLogger()
	if _, err := NewFileSender(t.TempDir(), "abilita", log); err == nil {
		t.Error("accepted a sender that is not an address")
	}
}
