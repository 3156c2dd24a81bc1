package notify

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	netmail "net/mail"
	"strings"

	"github.com/wneessen/go-mail"
)

// compose builds the RFC 5322 message both transports use, so a .eml file
// holds the same bytes SMTP would send. Problems with the message itself are
// permanent errors.
func compose(from string, m Message) (*mail.Msg, error) {
	if len(m.To) == 0 {
		return nil, permanent(errors.New("notify: message without recipients"))
	}
	if m.Text == "" {
		return nil, permanent(errors.New("notify: message without text"))
	}
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := msg.From(from); err != nil {
		return nil, permanent(fmt.Errorf("notify: sender address: %w", err))
	}
	if err := msg.To(m.To...); err != nil {
		return nil, permanent(fmt.Errorf("notify: recipient address: %w", err))
	}
	if m.MessageID != "" {
		dominio := "abilita.invalid"
		if a, err := netmail.ParseAddress(from); err == nil {
			if i := strings.LastIndexByte(a.Address, '@'); i >= 0 {
				dominio = a.Address[i+1:]
			}
		}
		msg.SetMessageIDWithValue(m.MessageID + "@" + dominio)
	} else {
		msg.SetMessageID()
	}
	msg.Subject(m.Subject)
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		if a.Name == "" {
			return nil, permanent(errors.New("notify: attachment without a name"))
		}
		var opts []mail.FileOption
		if a.ContentType != "" {
			opts = append(opts, mail.WithFileContentType(mail.ContentType(a.ContentType)))
		}
		msg.AttachReadSeeker(a.Name, bytes.NewReader(a.Data), opts...)
	}
	return msg, nil
}

// writeMessage writes m as composed by compose.
func writeMessage(w io.Writer, from string, m Message) error {
	msg, err := compose(from, m)
	if err != nil {
		return err
	}
	_, err = msg.WriteTo(w)
	return err
}
