package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"

	"abilita/internal/disco"
)

// FileSender writes each message to a .eml file instead of sending it; it is
// the transport when no SMTP relay is configured.
type FileSender struct {
	dir  string
	from string
	log  *slog.Logger
}

// NewFileSender returns a sender that writes messages from the address from
// into dir, creating it if needed.
func NewFileSender(dir, from string, log *slog.Logger) (*FileSender, error) {
	if _, err := mail.ParseAddress(from); err != nil {
		return nil, fmt.Errorf("notify: sender address %q: %w", from, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("notify: mail directory: %w", err)
	}
	return &FileSender{dir: dir, from: from, log: log}, nil
}

// Send writes m to <dir>/<time>-<recipient>-<subject>.eml and logs the
// path with the recipient and subject. The file appears whole or not at
// all, and is on disk (fsync of the file and of the folder) before Send
// returns, since the outbox then marks the message sent.
func (s *FileSender) Send(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(s.dir, ".scrittura-*")
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if err := writeMessage(tmp, s.from, m); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("notify: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	path := filepath.Join(s.dir, fileName(time.Now(), m))
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	if err := disco.SincronizzaCartella(s.dir); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	s.log.Info("posta scritta su file", "path", path, "destinatari", strings.Join(m.To, ", "), "oggetto", m.Subject)
	return nil
}

// fileName sorts by time, then says to whom and about what; the random part
// keeps names unique within the same instant.
func fileName(now time.Time, m Message) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return now.UTC().Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(b[:]) +
		"-" + pulito(strings.Join(m.To, ","), 60) + "-" + pulito(m.Subject, 60) + ".eml"
}

// pulito keeps of s, for a file name, letters, digits and "@._-", lower
// case, the rest as "-", at most n bytes.
func pulito(s string, n int) string {
	var b strings.Builder
	trattino := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '@', r == '.', r == '_':
			b.WriteRune(r)
			trattino = false
		case !trattino && b.Len() > 0:
			b.WriteByte('-')
			trattino = true
		}
		if b.Len() >= n {
			break
		}
	}
	return strings.Trim(b.String(), "-.")
}
