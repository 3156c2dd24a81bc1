package testsmtp

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// send delivers raw with a plain SMTP client.
func send(s *Server, to string, raw string) error {
	c, err := smtp.Dial(s.Addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.SendMail("abilita@comune.example.it", []string{to}, strings.NewReader(raw)); err != nil {
		return err
	}
	return c.Quit()
}

const multipartMessage = "From: abilita@comune.example.it\r\n" +
	"To: maria.rossi@example.it\r\n" +
	"Subject: =?UTF-8?q?Ricevuta_della_richiesta_=E2=80=93_=C3=A8_stata_inviata?=\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=esterno\r\n" +
	"\r\n" +
	"--esterno\r\n" +
	"Content-Type: multipart/alternative; boundary=interno\r\n" +
	"\r\n" +
	"--interno\r\n" +
	"Content-Type: text/plain; charset=UTF-8\r\n" +
	"Content-Transfer-Encoding: quoted-printable\r\n" +
	"\r\n" +
	"La richiesta =C3=A8 stata inviata: https://abilita.example.it/richieste/=\r\n" +
	"42\r\n" +
	"--interno\r\n" +
	"Content-Type: text/html; charset=UTF-8\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"PHA+TGEgcmljaGllc3RhIMOoIHN0YXRh\r\n" +
	"IGludmlhdGEuPC9wPg==\r\n" +
	"--interno--\r\n" +
	"--esterno\r\n" +
	"Content-Type: application/pdf; name=\"ricevuta.pdf\"\r\n" +
	"Content-Disposition: attachment; filename*=UTF-8''ricevuta%20n%C2%B0%2042.pdf\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"JVBERi0xLjQK\r\n" +
	"--esterno--\r\n"

func TestMessageDecoding(t *testing.T) {
	s := Start(t)
	if err := send(s, "maria.rossi@example.it", multipartMessage); err != nil {
		t.Fatal(err)
	}
	m := s.WaitFor(t, time.Second, func(Message) bool { return true })

	if got, want := m.Subject(), "Ricevuta della richiesta – è stata inviata"; got != want {
		t.Errorf("Subject = %q, want %q", got, want)
	}
	if got, want := m.Text(), "La richiesta è stata inviata: https://abilita.example.it/richieste/42"; got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
	if got, want := m.HTML(), "<p>La richiesta è stata inviata.</p>"; got != want {
		t.Errorf("HTML = %q, want %q", got, want)
	}
	if got := m.Attachments(); !slices.Equal(got, []string{"ricevuta n° 42.pdf"}) {
		t.Errorf("Attachments = %q", got)
	}
	if data, mediaType, _ := m.Attachment("ricevuta n° 42.pdf"); string(data) != "%PDF-1.4\n" || mediaType != "application/pdf" {
		t.Errorf("attachment: %q of type %q", data, mediaType)
	}
	if m.From != "abilita@comune.example.it" || !slices.Equal(m.To, []string{"maria.rossi@example.it"}) {
		t.Errorf("envelope from %q to %v", m.From, m.To)
	}
}

func TestPlainMessage(t *testing.T) {
	m := Message{Data: []byte("Subject: Prova\r\n\r\nSolo testo.\r\n")}
	if m.Subject() != "Prova" || m.Text() != "Solo testo.\n" || m.Attachments() != nil {
		t.Errorf("Subject %q, Text %q, Attachments %q", m.Subject(), m.Text(), m.Attachments())
	}
}

func TestFailures(t *testing.T) {
	s := Start(t)
	const raw = "Subject: Prova\r\n\r\nTesto.\r\n"

	err := send(s, "rifiuta.rossi@example.it", raw)
	if code := smtpCode(err); code != 550 {
		t.Errorf("recipient %q: err = %v, want 550", "rifiuta.rossi@example.it", err)
	}

	s.SetFailing(true)
	if code := smtpCode(send(s, "maria.rossi@example.it", raw)); code != 451 {
		t.Errorf("while failing: code %d, want 451", code)
	}
	s.SetFailing(false)

	s.Stop()
	if err := send(s, "maria.rossi@example.it", raw); err == nil {
		t.Error("delivered while stopped")
	}
	s.Restart(t)
	if err := send(s, "maria.rossi@example.it", raw); err != nil {
		t.Errorf("after restart on %s: %v", s.Addr, err)
	}

	if got := s.Messages(); len(got) != 1 || got[0].To[0] != "maria.rossi@example.it" {
		t.Errorf("received %d messages, want only the one after restart", len(got))
	}
}

func smtpCode(err error) int {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

func TestHostPort(t *testing.T) {
	s := Start(t)
	if s.Host() != "127.0.0.1" || s.Port() == 0 {
		t.Errorf("Host %q, Port %d from Addr %q", s.Host(), s.Port(), s.Addr)
	}
}
