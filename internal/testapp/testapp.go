// Package testapp starts a whole Abilita for tests: a real bbolt file in a
// temporary folder, real SMTP servers (internal/testsmtp) receiving the
// e-mail and the PEC, the outbox worker running, and the HTTP server on a
// loopback port.
package testapp

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strings"
	"testing"
	"time"

	"abilita/app"
	"abilita/domain"
	"abilita/internal/testsmtp"
	"abilita/notify"
	"abilita/security"
)

// T is a running installation.
type T struct {
	App  *app.App
	SMTP *testsmtp.Server // e-mail relay
	PEC  *testsmtp.Server // PEC relay
	URL  string           // http://127.0.0.1:port
	Dir  string           // data folder

	stop func()
}

// Start starts Abilita and stops it when the test ends.
func Start(tb testing.TB) *T {
	tb.Helper()
	t := &T{SMTP: testsmtp.Start(tb), PEC: testsmtp.Start(tb), Dir: tb.TempDir()}
	t.open(tb)
	tb.Cleanup(func() { t.stop() })
	return t
}

// Restart stops Abilita and starts it again on the same data folder, as a
// restart of the service would (on a new port).
func (t *T) Restart(tb testing.TB) {
	tb.Helper()
	t.stop()
	t.open(tb)
}

func (t *T) open(tb testing.TB) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	t.URL = "http://" + ln.Addr().String()
	cfg, err := app.ParseConfig([]string{"--data", t.Dir, "--public-url", t.URL}, func(string) string { return "" })
	if err != nil {
		tb.Fatal(err)
	}
	// Cheap hashes keep the suite fast; the parameters' handling is tested in security.
	cfg.Argon = security.Params{Memory: 8 * 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	sender := notify.NewRouter(t.relay(tb, t.SMTP, "noreply@abilita.test"), t.relay(tb, t.PEC, "abilita@pec.abilita.test"))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{tb}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	a, err := app.Open(cfg, log, sender)
	if err != nil {
		tb.Fatal(err)
	}
	a.Worker.Interval = 50 * time.Millisecond
	a.Worker.BaseDelay = 100 * time.Millisecond
	a.Worker.MaxDelay = 500 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); a.Worker.Run(ctx) }()
	go func() { _ = a.Fiber.Listener(ln) }()
	t.App = a
	t.stop = func() {
		cancel()
		_ = a.Fiber.ShutdownWithTimeout(5 * time.Second)
		<-done
		_ = a.Close()
		t.stop = func() {}
	}
}

func (t *T) relay(tb testing.TB, srv *testsmtp.Server, from string) notify.Sender {
	s, err := notify.NewSMTPSender(notify.SMTPConfig{Host: srv.Host(), Port: srv.Port(), From: from, TLS: notify.TLSNone, Timeout: 5 * time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

type testWriter struct{ tb testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.tb.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

var reLink = regexp.MustCompile(`https?://\S+`)

// WaitLink waits for a message to `to` whose subject contains subject and
// returns the first link in it that contains path.
func (t *T) WaitLink(tb testing.TB, to, subject, path string) string {
	tb.Helper()
	m := t.SMTP.WaitFor(tb, 10*time.Second, func(m testsmtp.Message) bool {
		return strings.Contains(strings.Join(m.To, ","), to) && strings.Contains(m.Subject(), subject)
	})
	for _, l := range reLink.FindAllString(m.Text(), -1) {
		if strings.Contains(l, path) {
			return l
		}
	}
	tb.Fatalf("no link with %q in %q", path, m.Text())
	return ""
}

// CreaUtente stores a ready account (an operator or administrator, say)
// with the given password, as if it had been activated.
func (t *T) CreaUtente(tb testing.TB, u domain.Utente, password string) *domain.Utente {
	tb.Helper()
	hash, err := t.App.Hasher.Hash(context.Background(), password)
	if err != nil {
		tb.Fatal(err)
	}
	u.PasswordHash, u.Creato, u.EmailVerificata = hash, time.Now(), time.Now()
	if err := t.App.Store.CreaUtente(&u); err != nil {
		tb.Fatal(err)
	}
	return &u
}

// Client is an HTTP client with its own cookie jar that does not follow
// redirects, so tests see every answer.
func Client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
