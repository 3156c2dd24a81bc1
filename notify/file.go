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
	"time"
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

// Send writes m to <dir>/<time>-<random>.eml and logs the path. The file
// appears whole or not at all.
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
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	path := filepath.Join(s.dir, fileName(time.Now()))
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	s.log.Info("posta scritta su file", "path", path)
	return nil
}

// fileName sorts by time; the random part keeps names unique within the
// same instant.
func fileName(now time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return now.UTC().Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(b[:]) + ".eml"
}
