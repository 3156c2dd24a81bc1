package notify

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLS modes of an SMTP relay.
const (
	TLSNone     = "none"     // plain connection, for a relay on a trusted network
	TLSStartTLS = "starttls" // upgrade with STARTTLS, refuse the relay if it can't
	TLSImplicit = "tls"      // TLS from the first byte (SMTPS)
)

// SMTPConfig holds the settings of one relay.
type SMTPConfig struct {
	Host               string
	Port               int // 0: 25, 587 or 465 according to TLS
	Username, Password string
	From               string
	TLS                string        // TLSNone, TLSStartTLS or TLSImplicit; "" means TLSStartTLS
	Timeout            time.Duration // per connection; 0 means 30 s
}

// Enabled reports whether a relay is configured.
func (c SMTPConfig) Enabled() bool { return c.Host != "" }

// SMTPSender delivers messages through an SMTP relay, one connection per
// message.
type SMTPSender struct {
	host   string
	from   string
	opts   []gomail.Option
	dialer interface {
		DialContext(ctx context.Context, network, addr string) (net.Conn, error)
	}
}

// NewSMTPSender checks cfg and returns a sender for it. It does not connect:
// a relay that is down at start-up only delays delivery.
func NewSMTPSender(cfg SMTPConfig) (*SMTPSender, error) {
	if !cfg.Enabled() {
		return nil, errors.New("notify: SMTP host not set")
	}
	if _, err := mail.ParseAddress(cfg.From); err != nil {
		return nil, fmt.Errorf("notify: SMTP sender address %q: %w", cfg.From, err)
	}
	s := &SMTPSender{host: cfg.Host, from: cfg.From, dialer: &net.Dialer{}}
	s.opts = []gomail.Option{gomail.WithTimeout(cmp.Or(cfg.Timeout, 30*time.Second))}
	port := cfg.Port
	switch cfg.TLS {
	case TLSNone:
		s.opts = append(s.opts, gomail.WithTLSPolicy(gomail.NoTLS))
		port = cmp.Or(port, 25)
	case TLSStartTLS, "":
		s.opts = append(s.opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		port = cmp.Or(port, 587)
	case TLSImplicit:
		s.opts = append(s.opts, gomail.WithSSL())
		s.dialer = &tls.Dialer{Config: &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12}}
		port = cmp.Or(port, 465)
	default:
		return nil, fmt.Errorf("notify: SMTP TLS mode %q: want %q, %q or %q", cfg.TLS, TLSNone, TLSStartTLS, TLSImplicit)
	}
	if port < 1 || port > 65535 {
		return nil, fmt.Errorf("notify: SMTP port %d out of range", port)
	}
	s.opts = append(s.opts, gomail.WithPort(port))
	if cfg.Username != "" {
		// go-mail refuses PLAIN over an unencrypted connection, except to
		// localhost.
		s.opts = append(s.opts,
			gomail.WithSMTPAuth(gomail.SMTPAuthPlain),
			gomail.WithUsername(cfg.Username),
			gomail.WithPassword(cfg.Password))
	}
	return s, nil
}

// client returns a go-mail client that stores the connection it dials in
// conn.
func (s *SMTPSender) client(conn *net.Conn) (*gomail.Client, error) {
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := s.dialer.DialContext(ctx, network, addr)
		*conn = c
		return c, err
	}
	client, err := gomail.NewClient(s.host, append(s.opts, gomail.WithDialContextFunc(dial))...)
	if err != nil {
		return nil, fmt.Errorf("notify: SMTP client: %w", err)
	}
	return client, nil
}

// Send implements Sender.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	msg, err := compose(s.from, m)
	if err != nil {
		return err
	}
	var conn net.Conn
	client, err := s.client(&conn)
	if err != nil {
		return err
	}
	err = client.DialAndSendWithContext(ctx, msg)
	// go-mail leaves the connection open when the greeting, STARTTLS, AUTH
	// or QUIT fails; a worker retrying for hours would pile them up.
	if conn != nil {
		_ = conn.Close()
	}
	// Once the relay has accepted the data, a failing RSET or QUIT must not
	// make the outbox send the message again.
	if err != nil && !msg.IsDelivered() {
		return fmt.Errorf("notify: SMTP %s: %w", client.ServerAddr(), err)
	}
	return nil
}

// permanentSMTP reports whether go-mail failed on the message itself: a 5xx
// reply to MAIL, RCPT or DATA, or addresses it could not use.
func permanentSMTP(err error) bool {
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return false
	}
	switch se.Reason {
	case gomail.ErrGetSender, gomail.ErrGetRcpts, gomail.ErrNoUnencoded:
		return true
	}
	return se.ErrorCode()/100 == 5
}
