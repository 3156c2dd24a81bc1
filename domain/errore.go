package domain

import "errors"

// Codice classifies an error so that one function can map it to an HTTP status.
type Codice string

// Error codes.
const (
	ErrNonValido    Codice = "non_valido"    // bad input: 422
	ErrNonTrovato   Codice = "non_trovato"   // 404
	ErrNonAmmesso   Codice = "non_ammesso"   // 403
	ErrConflitto    Codice = "conflitto"     // 409: state machine, duplicates
	ErrNonAutentico Codice = "non_autentico" // 401
	ErrSalvataggio  Codice = "salvataggio"   // 503: the disk refuses writes (full, read-only)
	ErrInterno      Codice = "interno"       // 500, logged, never shown
)

// Errore is an error with a code and an Italian message meant for the user.
type Errore struct {
	Codice    Codice
	Messaggio string
}

func (e *Errore) Error() string { return e.Messaggio }

// codificato is an error of another type that carries a code, and whose
// Error is a message for the user (GiaInCarico, say).
type codificato interface {
	error
	CodiceErrore() Codice
}

// CodiceDi returns the code of err, ErrInterno for errors that carry none.
func CodiceDi(err error) Codice {
	var e *Errore
	if errors.As(err, &e) {
		return e.Codice
	}
	var c codificato
	if errors.As(err, &c) {
		return c.CodiceErrore()
	}
	return ErrInterno
}

// MessaggioDi returns the user message of err, or a generic one for internal errors.
func MessaggioDi(err error) string {
	var e *Errore
	if errors.As(err, &e) && e.Codice != ErrInterno {
		return e.Messaggio
	}
	var c codificato
	if errors.As(err, &c) && c.CodiceErrore() != ErrInterno {
		return c.Error()
	}
	return "Si è verificato un errore interno. Riprova tra qualche minuto."
}

// MessaggioSalvataggio is said when the disk refuses a write.
const MessaggioSalvataggio = "In questo momento il servizio non riesce a salvare i dati: quello che hai inviato non è stato registrato. Riprova tra qualche minuto; se il problema continua, avvisa la tua sede."

// ErroreSalvataggio wraps a write the disk refused (full, over quota,
// read-only): the user is told the service cannot save now, and the cause
// stays for the log.
type ErroreSalvataggio struct{ Causa error }

func (e *ErroreSalvataggio) Error() string        { return MessaggioSalvataggio }
func (e *ErroreSalvataggio) Unwrap() error        { return e.Causa }
func (e *ErroreSalvataggio) CodiceErrore() Codice { return ErrSalvataggio }

// NonTrovato is the error for a missing record (also used for records the user may not see).
func NonTrovato(msg string) error { return &Errore{Codice: ErrNonTrovato, Messaggio: msg} }

// Conflitto is the error for an operation the current state does not allow.
func Conflitto(msg string) error { return &Errore{Codice: ErrConflitto, Messaggio: msg} }
