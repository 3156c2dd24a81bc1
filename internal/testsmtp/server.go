// Package testsmtp runs a real SMTP server on the loopback interface for tests:
// it records what it receives and can simulate a relay that is down, busy
// (451) or that refuses a recipient (550).
package testsmtp

import (
	"fmt"
	"io"
	"log"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// RejectPrefix marks recipients the server refuses with a permanent 550:
// any address whose local part starts with it, e.g. "rifiuta@example.it".
const RejectPrefix = "rifiuta"

var (
	errBusy = &smtp.SMTPError{
		Code:         451,
		EnhancedCode: smtp.EnhancedCode{4, 3, 0},
		Message:      "Temporary failure, try again later",
	}
	errNoMailbox = &smtp.SMTPError{
		Code:         550,
		EnhancedCode: smtp.EnhancedCode{5, 1, 1},
		Message:      "Mailbox does not exist",
	}
)

// Server is an SMTP server listening on 127.0.0.1 on a random port. It needs no
// authentication but accepts AUTH PLAIN with any credentials, without TLS.
type Server struct {
	// Addr is host:port; it stays the same across Stop and Restart.
	Addr string

	mu       sync.Mutex
	srv      *smtp.Server
	listener net.Listener
	serving  chan struct{} // closed when the Serve goroutine returns
	failing  bool
	perdi    int           // replies to DATA still to lose (PerdiRisposte)
	tiene    chan struct{} // while set, DATA is recorded and its reply held (Trattieni)
	tenuti   int           // messages whose reply is held now
	messages []Message
}

// Start starts a server and stops it when the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("testsmtp: listen: %v", err)
	}
	s := &Server{Addr: l.Addr().String()}
	s.serve(l)
	tb.Cleanup(s.Stop)
	return s
}

// Host returns the address the server listens on, without the port.
func (s *Server) Host() string {
	host, _, _ := net.SplitHostPort(s.Addr)
	return host
}

// Port returns the port the server listens on.
func (s *Server) Port() int {
	_, port, _ := net.SplitHostPort(s.Addr)
	n, _ := strconv.Atoi(port)
	return n
}

// Stop closes the listener and every open connection, as if the relay were
// down: clients get "connection refused" until Restart. Stopping a stopped
// server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	srv, l, serving := s.srv, s.listener, s.serving
	s.srv, s.listener = nil, nil
	s.mu.Unlock()
	if srv == nil {
		return
	}
	_ = srv.Close()
	// srv.Close misses the listener if Serve has not registered it yet.
	_ = l.Close()
	<-serving
}

// Restart listens again on the same port, stopping the server first if it is
// running. Messages received before are kept.
func (s *Server) Restart(tb testing.TB) {
	tb.Helper()
	s.Stop()
	// The port was ours a moment ago; give the kernel a little time should it
	// still hold it.
	deadline := time.Now().Add(2 * time.Second)
	for {
		l, err := net.Listen("tcp", s.Addr)
		if err == nil {
			s.serve(l)
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("testsmtp: listen again on %s: %v", s.Addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// SetFailing makes the server answer 451 (temporary failure) to every MAIL
// and DATA command while failing is true.
func (s *Server) SetFailing(failing bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing = failing
}

// PerdiRisposte makes the server, for the next n messages, keep the message
// and then drop the connection instead of answering DATA: the sender cannot
// know the message arrived, as when a relay crashes or the network fails
// between the data and the reply.
func (s *Server) PerdiRisposte(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.perdi = n
}

func (s *Server) perdiRisposta() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.perdi > 0 {
		s.perdi--
		return true
	}
	return false
}

// Trattieni makes the server record each message and then hold its reply
// until Rilascia, which drops those connections without replying: as when
// the sender is killed while the relay holds its message. Tenuti says how
// many are held.
func (s *Server) Trattieni() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tiene = make(chan struct{})
}

// Rilascia ends Trattieni.
func (s *Server) Rilascia() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tiene != nil {
		close(s.tiene)
		s.tiene = nil
	}
}

// Tenuti is how many messages are held by Trattieni now.
func (s *Server) Tenuti() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tenuti
}

// Messages returns a copy of the messages received so far, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// WaitFor waits until a received message satisfies match and returns it. On
// timeout it fails the test, listing what did arrive; like tb.Fatal, call it
// from the test's goroutine.
func (s *Server) WaitFor(tb testing.TB, timeout time.Duration, match func(Message) bool) Message {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		msgs := s.Messages()
		for _, m := range msgs {
			if match(m) {
				return m
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("testsmtp: no matching message within %v; received %d:%s", timeout, len(msgs), summary(msgs))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func summary(msgs []Message) string {
	var b strings.Builder
	for i, m := range msgs {
		fmt.Fprintf(&b, "\n  %d. from %s to %s: %q", i+1, m.From, strings.Join(m.To, ", "), m.Subject())
	}
	return b.String()
}

func (s *Server) serve(l net.Listener) {
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{server: s, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.MaxMessageBytes = 10 << 20
	// Connections cut by Stop are expected; don't let them write to the test
	// output, possibly after the test has ended.
	srv.ErrorLog = log.New(io.Discard, "", 0)

	serving := make(chan struct{})
	s.mu.Lock()
	s.srv, s.listener, s.serving = srv, l, serving
	s.mu.Unlock()
	go func() {
		defer close(serving)
		_ = srv.Serve(l)
	}()
}

func (s *Server) isFailing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failing
}

func (s *Server) record(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, m)
}

// session is one SMTP connection.
type session struct {
	server   *Server
	conn     *smtp.Conn
	username string
	from     string
	to       []string
}

var _ smtp.AuthSession = (*session)(nil)

func (c *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (c *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, username, _ string) error {
		c.username = username
		return nil
	}), nil
}

func (c *session) Mail(from string, _ *smtp.MailOptions) error {
	if c.server.isFailing() {
		return errBusy
	}
	c.from = from
	return nil
}

func (c *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.HasPrefix(strings.ToLower(to), RejectPrefix) {
		return errNoMailbox
	}
	c.to = append(c.to, to)
	return nil
}

func (c *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if c.server.isFailing() {
		return errBusy
	}
	c.server.record(Message{From: c.from, To: c.to, Data: data, Username: c.username})
	if c.server.perdiRisposta() {
		_ = c.conn.Conn().Close()
	}
	c.server.mu.Lock()
	tiene := c.server.tiene
	if tiene != nil {
		c.server.tenuti++
	}
	c.server.mu.Unlock()
	if tiene != nil {
		<-tiene
		c.server.mu.Lock()
		c.server.tenuti--
		c.server.mu.Unlock()
		_ = c.conn.Conn().Close()
	}
	return nil
}

func (c *session) Reset() {
	c.from, c.to = "", nil
}

func (c *session) Logout() error { return nil }
