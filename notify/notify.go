// Package notify delivers the application's e-mail and PEC messages: an outbox
// worker that retries with back-off, an SMTP transport (two relays, e-mail and
// PEC) and a file transport for installations without a relay.
package notify

import (
	"context"
	"errors"
	"fmt"

	"abilita/domain"
)

// Message is one notification, in Italian: the domain's message, which the
// outbox stores.
type Message = domain.Messaggio

// Sender delivers a message.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Router sends each message through the sender for its Kind.
type Router struct {
	email Sender
	pec   Sender
}

// NewRouter returns a sender that routes PEC messages to pec and everything
// else to email. With pec nil, PEC messages go through email too: an
// installation without a PEC relay still notifies, by ordinary mail.
func NewRouter(email, pec Sender) *Router {
	if pec == nil {
		pec = email
	}
	return &Router{email: email, pec: pec}
}

// Send implements Sender.
func (r *Router) Send(ctx context.Context, m Message) error {
	switch m.Kind {
	case domain.MessaggioEmail, "":
		return r.email.Send(ctx, m)
	case domain.MessaggioPEC:
		return r.pec.Send(ctx, m)
	}
	return permanent(fmt.Errorf("notify: unknown message kind %q", m.Kind))
}

// permanentError marks failures that retrying cannot fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

func permanent(err error) error { return &permanentError{err: err} }

// Permanent reports whether err is a failure that retrying will not fix: the
// relay refused the message with a 5xx reply, or the message itself is invalid
// (bad address, unknown kind). Anything else, such as a 4xx reply, a refused
// connection or a timeout, is temporary.
//
// A 5xx reply while connecting or authenticating is temporary on purpose: it
// means the relay or its settings are wrong, which affects every message and
// is fixed by an administrator, after which the queued messages must go out.
func Permanent(err error) bool {
	var p *permanentError
	if errors.As(err, &p) {
		return true
	}
	// Errors of other packages say so themselves (a message that cannot be
	// composed, say).
	var marked interface{ Permanent() bool }
	if errors.As(err, &marked) && marked.Permanent() {
		return true
	}
	return permanentSMTP(err)
}
