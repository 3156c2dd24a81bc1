package domain

import (
	"fmt"
	"time"
)

// TipoMessaggio says which relay a message goes through.
type TipoMessaggio string

// The kinds of message.
const (
	MessaggioEmail TipoMessaggio = "email" // ordinary e-mail; also the zero value
	MessaggioPEC   TipoMessaggio = "pec"   // posta elettronica certificata
)

// Messaggio is one e-mail or PEC, in Italian. The field names are those of
// the outbox records written before this type moved here: keep them.
type Messaggio struct {
	To          []string
	Subject     string
	Text        string // plain-text body, always present once composed
	HTML        string `json:",omitempty"` // optional alternative body
	Attachments []AllegatoMessaggio
	Kind        TipoMessaggio
	// Modello, when set, names a message composed at delivery from the
	// stored request it belongs to (Notifica.RichiestaID): one that shows
	// what the transaction that queued it assigned, a protocol number or a
	// codice medico, or carries a PDF made from the request. Subject is
	// then a summary for the outbox pages.
	Modello string `json:",omitempty"`
	// Voce is, for a message about one of a request's requests for more
	// information, its number from 1.
	Voce int `json:",omitempty"`
	// MessageID is the left part of the message's Message-ID, the same at
	// every attempt: a relay that got the message but lost its reply, or a
	// server killed while the relay held it, sends it again, and receivers
	// drop the copy. The transport adds "@" and its sender's domain.
	MessageID string `json:",omitempty"`
}

// AllegatoMessaggio is a small file sent with a message, such as a PDF receipt.
type AllegatoMessaggio struct {
	Name        string
	ContentType string
	Data        []byte
}

// PEC reports whether the message goes by PEC.
func (m *Messaggio) PEC() bool { return m.Kind == MessaggioPEC }

// ModelloReimpostaPassword is the password reset e-mail. It is queued to
// whatever address is typed, the same way whether or not an account has
// it, and composed at delivery: only then is the account looked up and
// the link made, or the message dropped (store.PreparaReset). Neither the
// answer nor its time says who is registered.
const ModelloReimpostaPassword = "reimposta_password"

// StatoNotifica is the delivery state of a notification.
type StatoNotifica string

// The delivery states.
const (
	NotificaInCoda  StatoNotifica = "in_coda"
	NotificaInviata StatoNotifica = "inviata"
	NotificaFallita StatoNotifica = "fallita"
)

// Inviata and Fallita ask which state a message is in, for the templates.
func (s StatoNotifica) Inviata() bool { return s == NotificaInviata }
func (s StatoNotifica) Fallita() bool { return s == NotificaFallita }

// StatiNotifica lists the delivery states.
var StatiNotifica = []StatoNotifica{NotificaInCoda, NotificaInviata, NotificaFallita}

// Etichetta is the Italian label of the state.
func (s StatoNotifica) Etichetta() string {
	switch s {
	case NotificaInCoda:
		return "In coda"
	case NotificaInviata:
		return "Inviato"
	case NotificaFallita:
		return "Non consegnato"
	}
	return string(s)
}

// Notifica is a message in the transactional outbox: written in the same
// transaction as the change it reports, delivered later by the mail worker.
type Notifica struct {
	ID          uint64 `json:"id"`
	RichiestaID uint64 `json:"richiesta_id,omitempty"`
	// Sede is the sede whose "Posta in uscita" lists the message: the one of
	// its request, of the staff member it concerns, or of the operator who
	// acted on a holder's account; "" for the others (the applicants' own
	// links), which administrators see.
	Sede         string        `json:"sede,omitempty"`
	Protocollo   string        `json:"protocollo,omitempty"` // of its request, for the outbox pages
	Messaggio    Messaggio     `json:"messaggio"`
	Stato        StatoNotifica `json:"stato"`
	Tentativi    int           `json:"tentativi"`
	Prossimo     time.Time     `json:"prossimo"`
	UltimoErrore string        `json:"ultimo_errore,omitempty"`
	Creata       time.Time     `json:"creata"`
	Inviata      time.Time     `json:"inviata,omitzero"`
}

// IDMessaggio is the left part of n's Message-ID: the one stored with it,
// or, for a message queued before they were, one made of its number and
// the instant it was queued, which never change either.
func (n *Notifica) IDMessaggio() string {
	if n.Messaggio.MessageID != "" {
		return n.Messaggio.MessageID
	}
	return fmt.Sprintf("abilita.%d.%x", n.ID, n.Creata.UnixNano())
}
