package notify

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"abilita/internal/testsmtp"
)

func TestSMTPSenderDelivers(t *testing.T) {
	srv := testsmtp.Start(t)
	s := newSMTPSender(t, srv)

	if err := s.Send(context.Background(), ricevuta("maria.rossi@example.it")); err != nil {
		t.Fatal(err)
	}

	got := srv.WaitFor(t, time.Second, func(m testsmtp.Message) bool { return true })
	if got.From != mittente || !slices.Equal(got.To, []string{"maria.rossi@example.it"}) {
		t.Errorf("envelope from %q to %v", got.From, got.To)
	}
	if got.Username != "" {
		t.Errorf("authenticated as %q without a username configured", got.Username)
	}
	if s := got.Subject(); s != oggettoRicevuta {
		t.Errorf("Subject = %q, want %q", s, oggettoRicevuta)
	}
	if !strings.Contains(got.Text(), "è stata inviata") || !strings.Contains(got.Text(), linkRichiesta) {
		t.Errorf("text body:\n%s", got.Text())
	}
	if !slices.Equal(got.Attachments(), []string{"ricevuta-42.pdf"}) {
		t.Errorf("attachments = %v", got.Attachments())
	}
	if pdf, _, _ := got.Attachment("ricevuta-42.pdf"); !bytes.Equal(pdf, fakePDF) {
		t.Errorf("PDF arrived as %q", pdf)
	}
}

func TestSMTPSenderAuthenticates(t *testing.T) {
	srv := testsmtp.Start(t)
	cfg := smtpConfig(srv)
	cfg.Username, cfg.Password = "abilita", "segreta"
	s, err := NewSMTPSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), ricevuta("maria.rossi@example.it")); err != nil {
		t.Fatal(err)
	}
	if got := srv.WaitFor(t, time.Second, func(testsmtp.Message) bool { return true }); got.Username != "abilita" {
		t.Errorf("authenticated as %q, want abilita", got.Username)
	}
}

func TestSMTPSenderErrors(t *testing.T) {
	srv := testsmtp.Start(t)
	s := newSMTPSender(t, srv)
	canceled, cancel := context.WithCancel(context.Background())
	cancel()

	tests := []struct {
		name          string
		setup         func(t *testing.T)
		ctx           context.Context
		to            string
		wantErr       string
		wantPermanent bool
	}{
		{name: "relay busy (451)", setup: func(*testing.T) { srv.SetFailing(true) }, to: "maria.rossi@example.it", wantErr: "451"},
		{name: "relay down", setup: func(*testing.T) { srv.Stop() }, to: "maria.rossi@example.it", wantErr: "connection refused"},
		{name: "shutting down", ctx: canceled, to: "maria.rossi@example.it", wantErr: "canceled"},
		{name: "mailbox refused (550)", to: "rifiuta.rossi@example.it", wantErr: "550", wantPermanent: true},
		{name: "invalid address", to: "maria.rossi@", wantErr: "recipient address", wantPermanent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.SetFailing(false)
			srv.Restart(t)
			if tt.setup != nil {
				tt.setup(t)
			}
			ctx := tt.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			err := s.Send(ctx, ricevuta(tt.to))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Send: err = %v, want one about %q", err, tt.wantErr)
			}
			if got := Permanent(err); got != tt.wantPermanent {
				t.Errorf("Permanent(%v) = %v, want %v", err, got, tt.wantPermanent)
			}
		})
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("the relay received %d messages", n)
	}
}

func TestSMTPSenderRequiresSTARTTLS(t *testing.T) {
	srv := testsmtp.Start(t) // offers no STARTTLS
	cfg := smtpConfig(srv)
	cfg.TLS = TLSStartTLS
	s, err := NewSMTPSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), ricevuta("maria.rossi@example.it"))
	if err == nil {
		t.Fatal("sent in clear to a relay configured for STARTTLS")
	}
	if Permanent(err) {
		t.Errorf("a relay misconfiguration is permanent: %v", err)
	}
}

func TestNewSMTPSenderChecksConfig(t *testing.T) {
	ok := SMTPConfig{Host: "smtp.example.it", From: mittente}
	tests := []struct {
		name   string
		change func(*SMTPConfig)
	}{
		{"no host", func(c *SMTPConfig) { c.Host = "" }},
		{"no sender", func(c *SMTPConfig) { c.From = "" }},
		{"unknown TLS mode", func(c *SMTPConfig) { c.TLS = "ssl" }},
		{"port out of range", func(c *SMTPConfig) { c.Port = 70000 }},
	}
	if _, err := NewSMTPSender(ok); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.change(&cfg)
			if _, err := NewSMTPSender(cfg); err == nil {
				t.Error("accepted")
			}
		})
	}
}

func TestPermanentWrapped(t *testing.T) {
	err := permanent(errors.New("bad"))
	if !Permanent(err) || !Permanent(errors.Join(errors.New("context"), err)) {
		t.Error("permanent error not recognised through wrapping")
	}
	if Permanent(nil) || Permanent(context.DeadlineExceeded) {
		t.Error("temporary error reported permanent")
	}
}
