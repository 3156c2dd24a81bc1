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
	"abilita/store"
)

// T is a running installation.
type T struct {
	App  *app.App
	SMTP *testsmtp.Server // e-mail relay
	PEC  *testsmtp.Server // PEC relay
	URL  string           // http://127.0.0.1:port
	Dir  string           // data folder
	// Orologio is the installation's clock, kept across restarts: tests
	// move it instead of waiting.
	Orologio *Orologio

	stop   func()
	config []func(*app.Config)
}

// Start starts Abilita and stops it when the test ends. Each function in
// config changes the configuration first.
func Start(tb testing.TB, config ...func(*app.Config)) *T {
	tb.Helper()
	t := &T{SMTP: testsmtp.Start(tb), PEC: testsmtp.Start(tb), Dir: tb.TempDir(), Orologio: nuovoOrologio(), config: config}
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
	cfg.Now = t.Orologio.Now
	for _, fn := range t.config {
		fn(&cfg)
	}
	sender := notify.NewRouter(t.relay(tb, t.SMTP, "noreply@abilita.test"), t.relay(tb, t.PEC, "abilita@pec.abilita.test"))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{tb}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	a, err := app.Open(cfg, log, sender)
	if err != nil {
		tb.Fatal(err)
	}
	// The worker keeps its delays between attempts, which pass on the
	// installation's clock; only its look at the outbox, a real ticker, is
	// quicker, as a backstop to the wake-up after each commit.
	a.Worker.Interval = 50 * time.Millisecond
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

// AttendiPostaSpedita waits until the outbox holds no message still to
// send: everything written so far has reached its relay or been given up,
// so what the relays received is all they will receive until the next
// action.
func (t *T) AttendiPostaSpedita(tb testing.TB) {
	tb.Helper()
	t.App.Worker.Wake()
	deadline := time.Now().Add(10 * time.Second)
	for {
		conti, err := t.App.Store.ContaPosta("")
		if err != nil {
			tb.Fatal(err)
		}
		if conti[domain.NotificaInCoda] == 0 {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("outbox: %d messages still queued after 10s", conti[domain.NotificaInCoda])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// CreaUtente stores a ready account (an operator or administrator, say)
// with the given password, as if it had been activated.
func (t *T) CreaUtente(tb testing.TB, u domain.Utente, password string) *domain.Utente {
	tb.Helper()
	hash, err := t.App.Hasher.Hash(context.Background(), password)
	if err != nil {
		tb.Fatal(err)
	}
	now := t.Orologio.Now()
	u.PasswordHash, u.Creato, u.EmailVerificata = hash, now, now
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

// AggiornaUtente changes a stored account as no single action would, to set
// up a test.
func (t *T) AggiornaUtente(tb testing.TB, id uint64, fn func(*domain.Utente) error) *domain.Utente {
	tb.Helper()
	var u *domain.Utente
	err := t.App.Store.Importa(func(im *store.Importazione) error {
		var err error
		u, err = im.AggiornaUtente(id, fn)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// AggiornaRichiesta changes a stored request as no single action would, to
// set up a test.
func (t *T) AggiornaRichiesta(tb testing.TB, id uint64, fn func(*domain.Richiesta) error) *domain.Richiesta {
	tb.Helper()
	var r *domain.Richiesta
	err := t.App.Store.Importa(func(im *store.Importazione) error {
		var err error
		r, err = im.AggiornaRichiesta(id, fn)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// ImportaRichiesta stores a request as it is (state, times, sede), to set
// up a test that needs many.
func (t *T) ImportaRichiesta(tb testing.TB, r *domain.Richiesta) {
	tb.Helper()
	if err := t.App.Store.Importa(func(im *store.Importazione) error { return im.Richiesta(r) }); err != nil {
		tb.Fatal(err)
	}
}
