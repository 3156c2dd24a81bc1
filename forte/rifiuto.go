// Package forte holds what the strong sign-ins share: cns (the card's
// certificate) and oidc (SPID and CIE gateways) refuse an identity with the
// same error, which the handlers log and show in one way.
package forte

// Motivo tells, in a word for the logs and the tests, why an identity was
// refused; each sign-in names its own.
type Motivo string

// Rifiuto is a refused identity. Messaggio is an Italian sentence that can
// be shown to the person as it is; Causa, when set, is the technical detail
// (crypto/x509, the provider, cf), for the logs, never for the page.
type Rifiuto struct {
	Motivo    Motivo
	Messaggio string
	Causa     error
}

func (e *Rifiuto) Error() string { return e.Messaggio }

// Unwrap gives the cause to errors.Is and errors.As.
func (e *Rifiuto) Unwrap() error { return e.Causa }

// Is matches any *Rifiuto with the same Motivo, so that errors.Is(err,
// cns.ErrScaduto) holds whatever the date in the message.
func (e *Rifiuto) Is(target error) bool {
	t, ok := target.(*Rifiuto)
	return ok && t.Motivo == e.Motivo
}

// Con returns a copy of e with the cause.
func (e *Rifiuto) Con(causa error) *Rifiuto {
	c := *e
	c.Causa = causa
	return &c
}
