package notify

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"abilita/domain"
)

// Outbox is the store side of the transactional outbox: notifications are
// written there in the same transaction as the state change they announce.
type Outbox interface {
	// Due returns up to limit notifications whose next attempt time is ≤ now,
	// oldest first.
	Due(now time.Time, limit int) ([]domain.Notifica, error)
	MarkSent(id uint64, at time.Time) error
	// MarkRetry records a failed attempt and when to try again; MarkFailed
	// gives up (permanent error or too many attempts) — the message stays
	// visible with its error, never silently dropped.
	MarkRetry(id uint64, attempts int, next time.Time, lastErr string) error
	MarkFailed(id uint64, attempts int, lastErr string) error
	// Anticipa brings forward to now the messages of kind waiting for a
	// new attempt after a failure.
	Anticipa(kind domain.TipoMessaggio, now time.Time) (int, error)
}

// Worker delivers the outbox. Set its fields before calling Run.
type Worker struct {
	Interval    time.Duration    // how often to look for due notifications
	Batch       int              // notifications per pass
	MaxAttempts int              // attempts before giving up on temporary failures; 0: never give up
	BaseDelay   time.Duration    // wait after the first failure, doubled after each
	MaxDelay    time.Duration    // longest wait between attempts
	Now         func() time.Time // clock, replaceable in tests
	// Componi composes, just before each attempt, a message stored as a
	// template to fill from stored data (domain.Messaggio.Modello). Nil:
	// such messages fail as permanent errors.
	Componi func(ctx context.Context, n domain.Notifica) (Message, error)

	outbox Outbox
	sender Sender
	log    *slog.Logger
	wake   chan struct{}
	// dopoGuasto says, for each kind of message, that a delivery failed
	// since the last success (or since start): the next success shows the
	// relay is back, and the messages waiting for it go at once.
	dopoGuasto map[domain.TipoMessaggio]bool
}

// NewWorker returns a worker that polls every 2 s, 20 notifications at a time,
// and keeps retrying temporary failures for as long as they last — a relay
// down for a day must not turn an outcome into an undelivered one — while
// permanent failures are given up at once and stay visible. The wait between
// attempts starts at 10 s and doubles up to 1 h, with ±20 % jitter so that
// messages failed together don't retry together.
func NewWorker(o Outbox, s Sender, log *slog.Logger) *Worker {
	return &Worker{
		Interval:    2 * time.Second,
		Batch:       20,
		MaxAttempts: 0,
		BaseDelay:   10 * time.Second,
		MaxDelay:    time.Hour,
		Now:         time.Now,
		outbox:      o,
		sender:      s,
		log:         log,
		wake:        make(chan struct{}, 1),
		dopoGuasto:  map[domain.TipoMessaggio]bool{domain.MessaggioEmail: true, domain.MessaggioPEC: true},
	}
}

// Run delivers until ctx is done. Notifications left behind, even halfway
// through a pass, stay in the outbox for the next start.
func (w *Worker) Run(ctx context.Context) {
	ticker := time.NewTicker(w.Interval)
	defer ticker.Stop()
	for {
		w.drain(ctx)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		case <-w.wake:
		}
	}
}

// Wake makes Run look at the outbox now instead of at the next tick. It never
// blocks; call it after committing a new notification.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// drain repeats passes while they come back full, so a backlog doesn't wait
// one interval per batch.
func (w *Worker) drain(ctx context.Context) {
	for ctx.Err() == nil {
		sent, retried, failed := w.RunOnce(ctx)
		if sent+retried+failed < w.Batch {
			return
		}
	}
}

// RunOnce makes one attempt at each due notification, up to Batch of them,
// and reports how many were sent, rescheduled and given up.
func (w *Worker) RunOnce(ctx context.Context) (sent, retried, failed int) {
	due, err := w.outbox.Due(w.Now(), w.Batch)
	if err != nil {
		w.log.Error("posta: lettura della coda non riuscita", "err", err)
		return 0, 0, 0
	}
	for _, p := range due {
		if ctx.Err() != nil {
			return sent, retried, failed
		}
		switch w.deliver(ctx, p) {
		case outcomeSent:
			sent++
		case outcomeRetry:
			retried++
		case outcomeFailed:
			failed++
		}
	}
	return sent, retried, failed
}

type outcome int

const (
	outcomeNone outcome = iota // interrupted, or the outbox could not record it
	outcomeSent
	outcomeRetry
	outcomeFailed
)

// deliver makes one attempt and records it. Logs carry the id, the attempt
// and the error, never the message: it holds personal data.
func (w *Worker) deliver(ctx context.Context, p domain.Notifica) outcome {
	err := w.send(ctx, p)
	if Dropped(err) {
		// Composing found the message meant for nobody, and removed it.
		return outcomeSent
	}
	kind := cmp.Or(p.Messaggio.Kind, domain.MessaggioEmail)
	if err == nil {
		if err := w.outbox.MarkSent(p.ID, w.Now()); err != nil {
			// The message went out but will be sent again: better twice than
			// never.
			w.log.Error("posta: consegna non registrata", "id", p.ID, "err", err)
			return outcomeNone
		}
		if w.dopoGuasto[kind] {
			w.dopoGuasto[kind] = false
			if n, err := w.outbox.Anticipa(kind, w.Now()); err != nil {
				w.log.Error("posta: messaggi in attesa non anticipati", "err", err)
			} else if n > 0 {
				w.log.Info("posta: il relay risponde di nuovo, messaggi in attesa anticipati", "quanti", n)
			}
		}
		return outcomeSent
	}
	if !Permanent(err) {
		w.dopoGuasto[kind] = true
	}
	if ctx.Err() != nil {
		// Shutting down: the attempt was ours to abandon, not the relay's
		// failure, so it isn't counted.
		return outcomeNone
	}
	attempts := p.Tentativi + 1
	if Permanent(err) || (w.MaxAttempts > 0 && attempts >= w.MaxAttempts) {
		w.log.Error("posta: consegna abbandonata", "id", p.ID, "attempt", attempts, "err", err)
		if err := w.outbox.MarkFailed(p.ID, attempts, Riassunto(err)); err != nil {
			w.log.Error("posta: abbandono non registrato", "id", p.ID, "err", err)
			return outcomeNone
		}
		return outcomeFailed
	}
	next := w.Now().Add(w.backoff(attempts))
	w.log.Warn("posta: consegna rinviata", "id", p.ID, "attempt", attempts, "next", next, "err", err)
	if err := w.outbox.MarkRetry(p.ID, attempts, next, Riassunto(err)); err != nil {
		w.log.Error("posta: rinvio non registrato", "id", p.ID, "err", err)
		return outcomeNone
	}
	return outcomeRetry
}

// Dropped reports whether composing found a message meant for nobody (a
// password reset for an address without an account) and removed it from
// the outbox: nothing is sent, and nothing is left to record. Errors say so
// with a method Dropped() bool.
func Dropped(err error) bool {
	var marked interface{ Dropped() bool }
	return errors.As(err, &marked) && marked.Dropped()
}

// backoff returns the wait after the given number of failed attempts.
func (w *Worker) backoff(attempts int) time.Duration {
	d := w.BaseDelay
	for i := 1; i < attempts && d < w.MaxDelay; i++ {
		d *= 2
	}
	d = time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
	return min(d, w.MaxDelay)
}

// send composes the message if it is stored as a template, and sends it.
func (w *Worker) send(ctx context.Context, n domain.Notifica) error {
	m := n.Messaggio
	if m.Modello != "" {
		if w.Componi == nil {
			return permanent(fmt.Errorf("notify: no composer for template %q", m.Modello))
		}
		var err error
		if m, err = w.Componi(ctx, n); err != nil {
			return err
		}
	}
	m.MessageID = n.IDMessaggio()
	return w.sender.Send(ctx, m)
}
