package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// Riassunto is what the outbox pages say of a failed attempt: an Italian
// sentence for an operator, without the relay's address or its raw reply,
// which the log keeps.
func Riassunto(err error) string {
	var se *gomail.SendError
	if errors.As(err, &se) {
		codice := se.ErrorCode()
		switch {
		case se.Reason == gomail.ErrGetRcpts:
			return "L'indirizzo del destinatario non è valido."
		case se.Reason == gomail.ErrGetSender:
			return "L'indirizzo del mittente configurato non è valido."
		case se.Reason == gomail.ErrSMTPRcptTo && codice/100 == 5:
			return fmt.Sprintf("Il server di posta ha rifiutato il destinatario (codice %d): l'indirizzo è probabilmente inesistente o sbagliato.", codice)
		case codice/100 == 5:
			return fmt.Sprintf("Il server di posta ha rifiutato il messaggio (codice %d).", codice)
		case codice/100 == 4:
			return fmt.Sprintf("Il server di posta ha chiesto di riprovare più tardi (codice %d).", codice)
		}
	}
	var ne net.Error
	var te *tls.CertificateVerificationError
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "Il server di posta non ha risposto in tempo."
	case errors.As(err, &te):
		return "Il certificato del server di posta non è valido."
	case strings.Contains(err.Error(), "auth"):
		return "Il server di posta non ha accettato le credenziali di Abilita: controlla la configurazione del relay."
	case errors.As(err, &ne), errors.Is(err, net.ErrClosed):
		return "Il server di posta non è raggiungibile."
	case Permanent(err):
		return "Il messaggio non può essere composto: indirizzo o contenuto non validi."
	}
	return "Consegna non riuscita: i dettagli sono nel registro del servizio."
}
