package notify

import (
	"abilita/domain"
	"bytes"
	"log/slog"
	"sync"
	"testing"
	"time"

	"abilita/internal/testsmtp"
)

const (
	mittente        = "abilita@comune.example.it"
	oggettoRicevuta = "Ricevuta della richiesta – è stata inviata"
	linkRichiesta   = "https://abilita.example.it/richieste/42"
)

// fakePDF is enough of a PDF for mail clients to pick the right icon.
var fakePDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// ricevuta is the receipt a citizen gets after submitting a request.
func ricevuta(to string) Message {
	return Message{
		To:      []string{to},
		Subject: oggettoRicevuta,
		Text: "Gentile Maria Rossi,\n\nla sua richiesta di abilitazione è stata inviata il 3 marzo 2025.\n" +
			"Può seguirne lo stato all'indirizzo " + linkRichiesta + "\n\nCordiali saluti,\nUfficio Servizi Demografici\n",
		HTML:        `<p>Gentile Maria Rossi,</p><p>la sua richiesta è stata inviata. <a href="` + linkRichiesta + `">Segui la richiesta</a></p>`,
		Attachments: []domain.AllegatoMessaggio{{Name: "ricevuta-42.pdf", ContentType: "application/pdf", Data: fakePDF}},
		Kind:        domain.MessaggioEmail,
	}
}

func smtpConfig(srv *testsmtp.Server) SMTPConfig {
	return SMTPConfig{Host: srv.Host(), Port: srv.Port(), From: mittente, TLS: TLSNone, Timeout: 2 * time.Second}
}

func newSMTPSender(t *testing.T, srv *testsmtp.Server) *SMTPSender {
	t.Helper()
	s, err := NewSMTPSender(smtpConfig(srv))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// logBuffer collects log output; the worker logs from its own goroutine.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newLogger() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewTextHandler(b, nil)), b
}
