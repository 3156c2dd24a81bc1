// Package posta writes Abilita's e-mail and PEC messages from the mail
// templates (views/mail): those an action renders before its transaction,
// and those stored as a template (domain.Messaggio.Modello) that the mail
// worker composes just before sending, from the stored request.
package posta

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"text/template"
	"time"

	"abilita/domain"
	"abilita/pdf"
	"abilita/security"
	"abilita/sedi"
	"abilita/views"
)

// Mail templates are plain text, each parsed on its own since every one
// defines "oggetto", the subject; the rest of the file is the body.
var modelli = func() map[string]*template.Template {
	files, err := fs.Glob(views.FS, "mail/*.txt")
	if err != nil {
		panic(err)
	}
	m := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".txt")
		m[name] = template.Must(template.New(name+".txt").ParseFS(views.FS, f))
	}
	return m
}()

// Messaggio renders the mail template name for the recipient to.
func Messaggio(name string, to string, data any) (domain.Messaggio, error) {
	t, ok := modelli[name]
	if !ok {
		return domain.Messaggio{}, fmt.Errorf("mail template %q missing", name)
	}
	var body, subject bytes.Buffer
	if err := t.ExecuteTemplate(&body, name+".txt", data); err != nil {
		return domain.Messaggio{}, fmt.Errorf("mail %s: %w", name, err)
	}
	if err := t.ExecuteTemplate(&subject, "oggetto", data); err != nil {
		return domain.Messaggio{}, fmt.Errorf("mail %s subject: %w", name, err)
	}
	return domain.Messaggio{To: []string{to}, Subject: strings.TrimSpace(subject.String()), Text: strings.TrimSpace(body.String()) + "\n", Kind: domain.MessaggioEmail}, nil
}

// Durata writes a validity the way a person says it.
func Durata(d time.Duration) string {
	if d >= 48*time.Hour && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d giorni", d/(24*time.Hour))
	}
	if d%time.Hour == 0 {
		if d == time.Hour {
			return "un'ora"
		}
		return fmt.Sprintf("%d ore", d/time.Hour)
	}
	return fmt.Sprintf("%d minuti", d/time.Minute)
}

// Quando writes a moment as the pages do.
func Quando(t time.Time) string { return t.In(domain.Roma).Format("02/01/2006 alle 15:04") }

// SedePDF is a sede as the PDFs print it.
func SedePDF(sd sedi.Sede) pdf.Sede {
	return pdf.Sede{Codice: sd.Codice, Nome: sd.Nome, Indirizzo: sd.IndirizzoCompleto(), Email: sd.Email, PEC: sd.PEC}
}

// Archivio is what the composer reads: the stored request and its sede;
// and, for a password reset, the link it stores (store.PreparaReset).
type Archivio interface {
	Richiesta(id uint64) (*domain.Richiesta, error)
	Sede(codice string) (sedi.Sede, error)
	PreparaReset(notifica uint64, tokenHash string, now, scade time.Time) (nome string, ok bool, err error)
}

// Compositore composes the messages stored as templates.
type Compositore struct {
	Archivio  Archivio
	PublicURL string           // base of the links, e.g. https://abilita.example.it
	Now       func() time.Time // nil: time.Now
}

// ErrNienteDaInviare is a message that turned out, at delivery, to be for
// nobody (a password reset for an address without an account): it was
// removed from the outbox, and nothing is sent (notify.Dropped).
var ErrNienteDaInviare error = nienteDaInviare{}

type nienteDaInviare struct{}

func (nienteDaInviare) Error() string { return "posta: nothing to send" }
func (nienteDaInviare) Dropped() bool { return true }

// errPermanente marks a message that cannot be composed, ever.
type errPermanente struct{ error }

// Permanent tells the mail worker not to try again.
func (errPermanente) Permanent() bool { return true }

// Componi implements the notify.Worker's composer: it fills the template of
// n from its request as stored now, keeping the recipient and the relay.
func (c *Compositore) Componi(_ context.Context, n domain.Notifica) (domain.Messaggio, error) {
	m := n.Messaggio
	if m.Modello == domain.ModelloReimpostaPassword {
		return c.reimpostaPassword(n)
	}
	r, err := c.Archivio.Richiesta(n.RichiestaID)
	if domain.CodiceDi(err) == domain.ErrNonTrovato {
		return m, errPermanente{fmt.Errorf("posta: request %d of notification %d not found", n.RichiestaID, n.ID)}
	}
	if err != nil {
		return m, err
	}
	sd, err := c.Archivio.Sede(r.Sede)
	if err != nil || sd.Nome == "" {
		sd.Nome = "sede Inail competente"
	}
	// An applicant served at the counter has no account, so no page to follow.
	link := strings.TrimRight(c.PublicURL, "/") + "/richieste/" + fmt.Sprint(r.ID)
	if r.Percorso == domain.PercorsoSportello {
		link = ""
	}
	data := map[string]any{"R": r, "Sede": sd, "Link": link}
	if r.Esito != nil {
		var motivi []string
		for _, x := range r.Esito.Motivi {
			motivi = append(motivi, x.Etichetta())
		}
		data["Motivi"] = motivi
	}
	var allegati []domain.AllegatoMessaggio
	switch m.Modello {
	case domain.ModelloRicevuta:
		data["Inviata"] = Quando(r.Inviata)
		ricevuta, err := pdf.Ricevuta(r, SedePDF(sd), r.Inviata)
		if err != nil {
			return m, err
		}
		allegati = []domain.AllegatoMessaggio{{Name: "ricevuta-" + r.Protocollo + ".pdf", ContentType: "application/pdf", Data: ricevuta}}
	case domain.ModelloIntegrazione:
		if m.Voce < 1 || m.Voce > len(r.Integrazioni) {
			return m, errPermanente{fmt.Errorf("posta: notification %d about request %d's missing request for information %d", n.ID, r.ID, m.Voce)}
		}
		data["Messaggio"] = r.Integrazioni[m.Voce-1].Messaggio
	case domain.ModelloApprovata, domain.ModelloRespinta:
	default:
		return m, errPermanente{fmt.Errorf("posta: unknown template %q", m.Modello)}
	}
	out, err := Messaggio(m.Modello, "", data)
	if err != nil {
		return m, errPermanente{err}
	}
	out.To, out.Kind, out.Attachments = m.To, m.Kind, allegati
	return out, nil
}

// reimpostaPassword makes the link of a password reset and its e-mail, if
// the address has an account that may use it.
func (c *Compositore) reimpostaPassword(n domain.Notifica) (domain.Messaggio, error) {
	now := time.Now()
	if c.Now != nil {
		now = c.Now()
	}
	token := security.NewToken()
	nome, ok, err := c.Archivio.PreparaReset(n.ID, security.HashToken(token), now, now.Add(domain.DurataReset))
	if err != nil {
		return n.Messaggio, err
	}
	if !ok {
		return n.Messaggio, ErrNienteDaInviare
	}
	link := strings.TrimRight(c.PublicURL, "/") + "/reimposta-password?t=" + token
	out, err := Messaggio(domain.ModelloReimpostaPassword, "", map[string]string{"Nome": nome, "Link": link, "Validita": Durata(domain.DurataReset)})
	if err != nil {
		return n.Messaggio, errPermanente{err}
	}
	out.To, out.Kind = n.Messaggio.To, n.Messaggio.Kind
	return out, nil
}
