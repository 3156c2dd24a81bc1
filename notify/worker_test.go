package notify

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"abilita/domain"
	"abilita/internal/testsmtp"
)

// memOutbox is the store side of the outbox, in memory.
type memOutbox struct {
	mu         sync.Mutex
	entries    []*entry
	anticipati int
}

type entry struct {
	domain.Notifica
	next    time.Time
	sentAt  time.Time
	failed  bool
	lastErr string
}

func (o *memOutbox) add(m Message, at time.Time) uint64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	id := uint64(len(o.entries) + 1)
	o.entries = append(o.entries, &entry{Notifica: domain.Notifica{ID: id, Messaggio: m}, next: at})
	return id
}

func (o *memOutbox) get(id uint64) entry {
	o.mu.Lock()
	defer o.mu.Unlock()
	return *o.entries[id-1]
}

func (o *memOutbox) Due(now time.Time, limit int) ([]domain.Notifica, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var due []domain.Notifica
	for _, e := range o.entries {
		if len(due) < limit && e.sentAt.IsZero() && !e.failed && !e.next.After(now) {
			due = append(due, e.Notifica)
		}
	}
	return due, nil
}

func (o *memOutbox) MarkSent(id uint64, at time.Time) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.entries[id-1].sentAt = at
	return nil
}

func (o *memOutbox) MarkRetry(id uint64, attempts int, next time.Time, lastErr string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	e := o.entries[id-1]
	e.Tentativi, e.next, e.lastErr = attempts, next, lastErr
	return nil
}

func (o *memOutbox) MarkFailed(id uint64, attempts int, lastErr string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	e := o.entries[id-1]
	e.Tentativi, e.failed, e.lastErr = attempts, true, lastErr
	return nil
}

func (o *memOutbox) Anticipa(kind domain.TipoMessaggio, now time.Time) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, e := range o.entries {
		if !e.failed && e.sentAt.IsZero() && e.Tentativi > 0 && e.next.After(now) && cmp.Or(e.Messaggio.Kind, domain.MessaggioEmail) == kind {
			e.next = now
			n++
		}
	}
	o.anticipati += n
	return n, nil
}

// clock is a settable time for the worker.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type workerTest struct {
	srv    *testsmtp.Server
	outbox *memOutbox
	clock  *clock
	worker *Worker
	logs   *logBuffer
}

func newWorkerTest(t *testing.T) *workerTest {
	srv := testsmtp.Start(t)
	wt := &workerTest{
		srv:    srv,
		outbox: &memOutbox{},
		clock:  &clock{now: time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)},
	}
	logger, logs := newLogger()
	wt.logs = logs
	wt.worker = NewWorker(wt.outbox, newSMTPSender(t, srv), logger)
	wt.worker.Now = wt.clock.Now
	return wt
}

func (wt *workerTest) runOnce(t *testing.T, wantSent, wantRetried, wantFailed int) {
	t.Helper()
	sent, retried, failed := wt.worker.RunOnce(context.Background())
	if sent != wantSent || retried != wantRetried || failed != wantFailed {
		t.Fatalf("RunOnce = %d sent, %d retried, %d failed; want %d, %d, %d",
			sent, retried, failed, wantSent, wantRetried, wantFailed)
	}
}

func TestWorkerDelivers(t *testing.T) {
	wt := newWorkerTest(t)
	first := wt.outbox.add(ricevuta("maria.rossi@example.it"), wt.clock.Now())
	second := wt.outbox.add(ricevuta("luca.bianchi@example.it"), wt.clock.Now())

	wt.runOnce(t, 2, 0, 0)
	wt.runOnce(t, 0, 0, 0)

	var to []string
	for _, m := range wt.srv.Messages() {
		to = append(to, m.To...)
	}
	if !slices.Equal(to, []string{"maria.rossi@example.it", "luca.bianchi@example.it"}) {
		t.Errorf("delivered to %v, oldest first", to)
	}
	for _, id := range []uint64{first, second} {
		if e := wt.outbox.get(id); !e.sentAt.Equal(wt.clock.Now()) {
			t.Errorf("notification %d: sent at %v", id, e.sentAt)
		}
	}
}

func TestWorkerRetriesWhileRelayDown(t *testing.T) {
	wt := newWorkerTest(t)
	id := wt.outbox.add(ricevuta("maria.rossi@example.it"), wt.clock.Now())
	wt.srv.Stop()

	// Each failure doubles the wait, give or take 20 %.
	for attempt, wait := range []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second} {
		wt.runOnce(t, 0, 1, 0)
		e := wt.outbox.get(id)
		if e.Tentativi != attempt+1 {
			t.Fatalf("attempts = %d, want %d", e.Tentativi, attempt+1)
		}
		got := e.next.Sub(wt.clock.Now())
		if got < wait*8/10 || got > wait*12/10 {
			t.Errorf("attempt %d: next try in %v, want %v ± 20 %%", e.Tentativi, got, wait)
		}
		if e.lastErr != "Il server di posta non è raggiungibile." {
			t.Errorf("last error = %q", e.lastErr)
		}
		wt.runOnce(t, 0, 0, 0) // not due yet
		wt.clock.advance(got)
	}

	wt.srv.Restart(t)
	wt.runOnce(t, 1, 0, 0)
	wt.srv.WaitFor(t, time.Second, func(m testsmtp.Message) bool {
		return slices.Contains(m.To, "maria.rossi@example.it")
	})
	if e := wt.outbox.get(id); e.sentAt.IsZero() || e.Tentativi != 3 {
		t.Errorf("after restart: sent at %v after %d failed attempts", e.sentAt, e.Tentativi)
	}
}

func TestWorkerGivesUpOnPermanentError(t *testing.T) {
	wt := newWorkerTest(t)
	refused := wt.outbox.add(ricevuta("rifiuta.rossi@example.it"), wt.clock.Now())
	fine := wt.outbox.add(ricevuta("maria.rossi@example.it"), wt.clock.Now())

	wt.runOnce(t, 1, 0, 1)

	e := wt.outbox.get(refused)
	if !e.failed || e.Tentativi != 1 || !strings.Contains(e.lastErr, "550") {
		t.Errorf("refused notification: failed %v after %d attempts, error %q", e.failed, e.Tentativi, e.lastErr)
	}
	if e := wt.outbox.get(fine); e.sentAt.IsZero() {
		t.Error("one refusal stopped the other notification")
	}
}

func TestWorkerGivesUpAfterMaxAttempts(t *testing.T) {
	wt := newWorkerTest(t)
	wt.worker.MaxAttempts = 3
	id := wt.outbox.add(ricevuta("maria.rossi@example.it"), wt.clock.Now())
	wt.srv.SetFailing(true)

	wt.runOnce(t, 0, 1, 0)
	wt.clock.advance(time.Hour)
	wt.runOnce(t, 0, 1, 0)
	wt.clock.advance(time.Hour)
	wt.runOnce(t, 0, 0, 1)

	if e := wt.outbox.get(id); !e.failed || e.Tentativi != 3 || !strings.Contains(e.lastErr, "451") {
		t.Errorf("failed %v after %d attempts, error %q", e.failed, e.Tentativi, e.lastErr)
	}
}

// TestWorkerNeverGivesUpOnTemporaryFailures: by default a relay that stays
// down for days delays the message, it does not lose it.
func TestWorkerNeverGivesUpOnTemporaryFailures(t *testing.T) {
	wt := newWorkerTest(t)
	id := wt.outbox.add(ricevuta("maria.rossi@example.it"), wt.clock.Now())
	wt.srv.SetFailing(true)
	for range 60 { // more than two days at the 1 h cap
		wt.runOnce(t, 0, 1, 0)
		wt.clock.advance(2 * time.Hour)
	}
	if e := wt.outbox.get(id); e.failed || e.Tentativi != 60 {
		t.Fatalf("after 60 temporary failures: failed %v, attempts %d", e.failed, e.Tentativi)
	}
	wt.srv.SetFailing(false)
	wt.runOnce(t, 1, 0, 0)
}

func TestWorkerLogsNoPersonalData(t *testing.T) {
	wt := newWorkerTest(t)
	wt.outbox.add(ricevuta("maria.rossi@example.it"), wt.clock.Now())
	wt.srv.SetFailing(true)

	wt.runOnce(t, 0, 1, 0)

	logs := wt.logs.String()
	if !strings.Contains(logs, "id=1") || !strings.Contains(logs, "attempt=1") || !strings.Contains(logs, "451") {
		t.Errorf("log lacks id, attempt or error:\n%s", logs)
	}
	for _, private := range []string{"Maria Rossi", "Ricevuta", linkRichiesta} {
		if strings.Contains(logs, private) {
			t.Errorf("log contains %q:\n%s", private, logs)
		}
	}
}

// TestWorkerShutdown checks that an attempt cut short by shutdown is neither
// counted nor lost.
func TestWorkerShutdown(t *testing.T) {
	outbox := &memOutbox{}
	id := outbox.add(ricevuta("maria.rossi@example.it"), time.Now())
	ctx, cancel := context.WithCancel(context.Background())
	log, _ := newLogger()
	w := NewWorker(outbox, senderFunc(func(ctx context.Context, _ Message) error {
		cancel()
		<-ctx.Done()
		return ctx.Err()
	}), log)

	sent, retried, failed := w.RunOnce(ctx)

	if sent+retried+failed != 0 {
		t.Errorf("RunOnce = %d, %d, %d; want nothing recorded", sent, retried, failed)
	}
	if e := outbox.get(id); e.Tentativi != 0 || e.failed || !e.sentAt.IsZero() {
		t.Errorf("notification changed: %+v", e)
	}
}

type senderFunc func(context.Context, Message) error

func (f senderFunc) Send(ctx context.Context, m Message) error { return f(ctx, m) }

func TestWorkerRunWakesUp(t *testing.T) {
	wt := newWorkerTest(t)
	wt.worker.Interval = time.Hour // after the first pass, only Wake makes it look again
	wt.outbox.add(ricevuta("primo@example.it"), wt.clock.Now())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		wt.worker.Run(ctx)
	}()

	wt.srv.WaitFor(t, 2*time.Second, func(m testsmtp.Message) bool { return slices.Contains(m.To, "primo@example.it") })
	wt.outbox.add(ricevuta("secondo@example.it"), wt.clock.Now())
	wt.worker.Wake()
	wt.srv.WaitFor(t, 2*time.Second, func(m testsmtp.Message) bool { return slices.Contains(m.To, "secondo@example.it") })

	cancel()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func TestWorkerDrainsBacklog(t *testing.T) {
	wt := newWorkerTest(t)
	wt.worker.Batch = 2
	for range 5 {
		wt.outbox.add(ricevuta("maria.rossi@example.it"), wt.clock.Now())
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wt.worker.drain(ctx)
	if n := len(wt.srv.Messages()); n != 5 {
		t.Errorf("delivered %d of 5 in one drain", n)
	}
}

func TestBackoff(t *testing.T) {
	w := NewWorker(nil, nil, nil)
	tests := []struct {
		attempts int
		want     time.Duration
	}{
		{1, 10 * time.Second},
		{2, 20 * time.Second},
		{5, 160 * time.Second},
		{9, 2560 * time.Second},
		{10, time.Hour},
		{1000, time.Hour},
	}
	for _, tt := range tests {
		for range 20 {
			got := w.backoff(tt.attempts)
			if got < tt.want*8/10 || got > min(tt.want*12/10, time.Hour) {
				t.Fatalf("backoff(%d) = %v, want %v ± 20 %% and at most 1 h", tt.attempts, got, tt.want)
			}
		}
	}
}

// A message stored as a template is composed just before each attempt, by
// the worker's composer; without a composer it fails for good and stays
// visible, like any refused message.
func TestWorkerComponeIMessaggiDaModello(t *testing.T) {
	wt := newWorkerTest(t)
	var composti int
	wt.worker.Componi = func(_ context.Context, n domain.Notifica) (Message, error) {
		composti++
		if n.RichiestaID == 0 {
			return Message{}, errors.New("temporarily unavailable")
		}
		m := ricevuta(n.Messaggio.To[0])
		m.Subject = "Richiesta PI-2026-000007 ricevuta"
		return m, nil
	}
	daComporre := Message{To: []string{"anna.neri@example.it"}, Subject: "riassunto", Modello: domain.ModelloRicevuta}
	wt.outbox.add(daComporre, wt.clock.Now())
	wt.outbox.entries[0].RichiestaID = 7
	wt.outbox.add(daComporre, wt.clock.Now()) // no request: the composer fails, temporarily
	wt.runOnce(t, 1, 1, 0)
	if composti != 2 || len(wt.srv.Messages()) != 1 || wt.srv.Messages()[0].Subject() != "Richiesta PI-2026-000007 ricevuta" {
		t.Errorf("composed %d, delivered %+v", composti, wt.srv.Messages())
	}

	wt.worker.Componi = nil
	id := wt.outbox.add(daComporre, wt.clock.Now())
	wt.clock.advance(time.Hour)
	wt.runOnce(t, 0, 0, 2)
	if e := wt.outbox.get(id); !e.failed || !strings.Contains(e.lastErr, "non può essere composto") {
		t.Errorf("without a composer: failed %v, error %q", e.failed, e.lastErr)
	}
}

// A relay that got the message but whose reply was lost gets it again at
// the next attempt, with the same Message-ID, so that the mailbox keeps one.
func TestWorkerStessoMessageIDAdOgniTentativo(t *testing.T) {
	wt := newWorkerTest(t)
	wt.outbox.add(ricevuta("maria.rossi@example.it"), wt.clock.Now())
	senzaID := ricevuta("luca.bianchi@example.it")
	wt.srv.PerdiRisposte(2)
	wt.outbox.add(senzaID, wt.clock.Now())
	wt.runOnce(t, 0, 2, 0)
	wt.clock.advance(time.Hour)
	wt.runOnce(t, 2, 0, 0)
	ids := map[string][]string{}
	for _, m := range wt.srv.Messages() {
		ids[m.To[0]] = append(ids[m.To[0]], m.Header("Message-Id"))
	}
	for to, got := range ids {
		if len(got) != 2 || got[0] != got[1] || !strings.HasSuffix(got[0], "@comune.example.it>") {
			t.Errorf("%s received Message-IDs %q, want the same twice, in the sender's domain", to, got)
		}
	}
	if len(ids) != 2 || ids["maria.rossi@example.it"][0] == ids["luca.bianchi@example.it"][0] {
		t.Errorf("two messages, one Message-ID each: %v", ids)
	}
}

// When the relay answers again, the messages that waited for it go at once,
// not at their next back-off time.
func TestWorkerDopoIlGuastoAnticipa(t *testing.T) {
	wt := newWorkerTest(t)
	wt.srv.SetFailing(true)
	a := wt.outbox.add(ricevuta("maria.rossi@example.it"), wt.clock.Now())
	b := wt.outbox.add(ricevuta("luca.bianchi@example.it"), wt.clock.Now())
	wt.runOnce(t, 0, 2, 0)
	wt.srv.SetFailing(false)
	c := wt.outbox.add(ricevuta("anna.verdi@example.it"), wt.clock.Now())
	wt.runOnce(t, 1, 0, 0) // the new one goes, and shows the relay is back
	if wt.outbox.get(c).sentAt.IsZero() || wt.outbox.anticipati != 2 {
		t.Fatalf("after the first success %d messages brought forward, want 2", wt.outbox.anticipati)
	}
	wt.runOnce(t, 2, 0, 0) // no need to wait for their back-off
	for _, id := range []uint64{a, b} {
		if wt.outbox.get(id).sentAt.IsZero() {
			t.Errorf("message %d still waits", id)
		}
	}
}
