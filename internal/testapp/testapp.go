// Package testapp starts a whole Abilita for tests: a real bbolt file in a
// temporary folder, a real SMTP server (internal/testsmtp) receiving the
// mail, the outbox worker running, and the HTTP server on a loopback port.
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
	"abilita/internal/testsmtp"
	"abilita/notify"
	"abilita/security"
)

// T is a running installation.
type T struct {
	App  *app.App
	SMTP *testsmtp.Server
	URL  string // http://127.0.0.1:port
}

// Start starts Abilita and stops it when the test ends.
func Start(tb testing.TB) *T {
	tb.Helper()
	smtpSrv := testsmtp.Start(tb)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	dir := tb.TempDir()
	cfg, err := app.ParseConfig([]string{"--data", dir, "--public-url", url}, func(string) string { return "" })
	if err != nil {
		tb.Fatal(err)
	}
	// Cheap hashes keep the suite fast; the parameters' handling is tested in security.
	cfg.Argon = security.Params{Memory: 8 * 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	sender, err := notify.NewSMTPSender(notify.SMTPConfig{Host: smtpSrv.Host(), Port: smtpSrv.Port(), From: "noreply@abilita.test", TLS: notify.TLSNone, Timeout: 5 * time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{tb}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	a, err := app.Open(cfg, log, sender)
	if err != nil {
		tb.Fatal(err)
	}
	a.Worker.Interval = 50 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); a.Worker.Run(ctx) }()
	go func() { _ = a.Fiber.Listener(ln) }()
	tb.Cleanup(func() {
		cancel()
		_ = a.Fiber.ShutdownWithTimeout(5 * time.Second)
		<-done
		_ = a.Close()
	})
	return &T{App: a, SMTP: smtpSrv, URL: url}
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

// Client is an HTTP client with its own cookie jar that does not follow
// redirects, so tests see every answer.
func Client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
