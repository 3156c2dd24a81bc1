package handlers

import (
	"fmt"
	"mime/multipart"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/posta"
	"abilita/views"
)

// The conversation on a request of path B, a ticket of the help desk: the
// applicant and the operators of the sede write messages, each with an
// optional file, and the other side is told by e-mail. Both forms are
// uploads (caricamento): the text and the file come in one streamed body.

// comunicazioneVM is one message as the pages show it.
type comunicazioneVM struct {
	domain.Comunicazione
	N       int    // its place in the conversation, 1-based: the file's address
	Autore  string // "Tu", "La sede (Lucia Neri)", "Il richiedente"
	FileURL string
}

// conversazioneVM is the thread and, while it is open, its form.
type conversazioneVM struct {
	Messaggi []comunicazioneVM
	Aperta   bool
	Azione   string // where the form posts
	CSRF     string
	Testo    string
	Errori   domain.Errori
}

// conversazione builds the thread of r for the applicant (operatore false)
// or for the sede.
func (h *Handlers) conversazione(c *fiber.Ctx, r *domain.Richiesta, operatore bool) *conversazioneVM {
	if !r.Percorso.InailRisponde() || r.Stato.Bozza() {
		return nil
	}
	vm := &conversazioneVM{Aperta: r.Conversazione(), CSRF: csrfDi(c), Errori: domain.Errori{}}
	base := "/richieste/" + itoa(r.ID)
	if operatore {
		base = urlRevisione(r.ID)
		vm.Aperta = vm.Aperta && utenteDi(c).Ruolo.Operatore()
	}
	vm.Azione = base + "/messaggi"
	nomi := map[uint64]string{}
	for i, m := range r.Comunicazioni {
		v := comunicazioneVM{Comunicazione: m, N: i + 1}
		switch {
		case !m.DallaSede && operatore:
			v.Autore = "Il richiedente"
		case !m.DallaSede:
			v.Autore = "Tu"
		default:
			if _, ok := nomi[m.Chi]; !ok {
				nomi[m.Chi] = "un operatore"
				if u, err := h.Store.Utente(m.Chi); err == nil {
					nomi[m.Chi] = u.NomeCompleto()
				}
			}
			v.Autore = "La sede (" + nomi[m.Chi] + ")"
		}
		if m.Allegato != nil {
			v.FileURL = base + "/messaggi/" + strconv.Itoa(i+1) + "/file"
		}
		vm.Messaggi = append(vm.Messaggi, v)
	}
	return vm
}

// messaggioLetto is the message form as read from the stream.
type messaggioLetto struct {
	Testo    string
	Allegato *domain.Allegato
	Errori   domain.Errori
}

func (h *Handlers) leggiMessaggio(c *fiber.Ctx) (*messaggioLetto, error) {
	corpo, err := h.corpoMultipart(c)
	if err != nil {
		return nil, err
	}
	m := &messaggioLetto{Errori: domain.Errori{}}
	err = h.leggiParti(c, corpo.parti, func(part *multipart.Part) error {
		switch part.FormName() {
		case "testo":
			testo, troppo, err := leggiTestoLungo(part)
			if troppo {
				m.Errori.Add("testo", fmt.Sprintf("Il messaggio è troppo lungo: al massimo %d caratteri.", domain.MaxTestoLungo))
			}
			m.Testo = testo
			return err
		case "file":
			return h.fileFacoltativo(part, &m.Allegato, m.Errori, "file")
		}
		return nil
	})
	if err == nil {
		err = corpo.finisci()
	}
	if err == nil {
		for k, v := range domain.ValidaComunicazione(m.Testo) {
			if _, ok := m.Errori[k]; !ok {
				m.Errori.Add(k, v)
			}
		}
	}
	if err != nil || len(m.Errori) > 0 {
		if m.Allegato != nil {
			h.eliminaFile(*m.Allegato)
		}
	}
	return m, err
}

// scriviRichiedente is the applicant's message to the sede.
func (h *Handlers) scriviRichiedente(c *fiber.Ctx) error { return h.scrivi(c, false) }

// scriviOperatore is an operator's message to the applicant.
func (h *Handlers) scriviOperatore(c *fiber.Ctx) error { return h.scrivi(c, true) }

// scrivi reads a message of the conversation and stores it with the e-mail
// that tells the other side; a refused one comes back on the writer's page.
func (h *Handlers) scrivi(c *fiber.Ctx, dallaSede bool) error {
	r, err := h.richiestaPer(c, domain.OpScrivi)
	if err != nil {
		return err
	}
	m, err := h.leggiMessaggio(c)
	if err != nil {
		return uploadFallito(c, err)
	}
	if len(m.Errori) > 0 {
		if dallaSede {
			vm := h.revisioneVM(c, r, nil)
			vm.Conversazione.Testo, vm.Conversazione.Errori = m.Testo, m.Errori
			return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaRevisione, vm)
		}
		vm := h.richiestaVM(c, "Richiesta "+etichettaRichiesta(r), r)
		vm.Conversazione.Testo, vm.Conversazione.Errori = m.Testo, m.Errori
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaRichiesta, vm)
	}
	avvisi, pagina, fatto := h.avvisiDallaRichiesta, urlRichiesta(r.ID), "Messaggio inviato alla sede."
	if dallaSede {
		avvisi, pagina, fatto = h.avvisoAlRichiedente, urlRevisione(r.ID), "Messaggio inviato al richiedente."
	}
	msgs, err := avvisi(r, m)
	if err == nil {
		_, err = h.Store.Scrivi(h.atto(c), r.ID, m.Testo, m.Allegato, msgs)
	}
	if err != nil {
		if m.Allegato != nil {
			h.eliminaFile(*m.Allegato)
		}
		return err
	}
	return h.avviso(c, pagina+"#conversazione", fatto)
}

// avvisoAlRichiedente is the e-mail that brings the sede's message to the
// applicant's verified address.
func (h *Handlers) avvisoAlRichiedente(r *domain.Richiesta, m *messaggioLetto) ([]domain.Messaggio, error) {
	email := r.Contatti.Email
	if u, err := h.Store.Utente(r.Richiedente); err == nil && u.Verificato() {
		email = u.Email
	}
	e, err := posta.Messaggio("messaggio_sede", email, map[string]any{
		"R": r, "Sede": h.nomeSede(r.Sede), "Testo": m.Testo, "File": m.Allegato != nil, "Link": h.link(urlRichiesta(r.ID)),
	})
	return []domain.Messaggio{e}, err
}

// avvisiDallaRichiesta are the e-mails that bring the applicant's message
// to the sede: to the operator who has the request, or else to the sede's
// address; none when neither is known (the review page shows it).
func (h *Handlers) avvisiDallaRichiesta(r *domain.Richiesta, m *messaggioLetto) ([]domain.Messaggio, error) {
	var email string
	if r.Operatore != 0 {
		if u, err := h.Store.Utente(r.Operatore); err == nil && u.Attivo() {
			email = u.Email
		}
	}
	if email == "" {
		if sd, err := h.Store.Sede(r.Sede); err == nil {
			email = sd.Email
		}
	}
	if email == "" {
		return nil, nil
	}
	e, err := posta.Messaggio("messaggio_richiedente", email, map[string]any{
		"R": r, "Testo": m.Testo, "File": m.Allegato != nil, "Link": h.link(urlRevisione(r.ID)),
	})
	return []domain.Messaggio{e}, err
}

// fileComunicazione sends the file of message n: to its applicant as a
// download, to the sede inline and audited like the documents.
func (h *Handlers) fileComunicazione(c *fiber.Ctx, r *domain.Richiesta, sede bool) error {
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil || n < 1 || n > len(r.Comunicazioni) || r.Comunicazioni[n-1].Allegato == nil {
		return domain.NonTrovato("File non trovato.")
	}
	a := *r.Comunicazioni[n-1].Allegato
	disposizione := "attachment"
	if sede {
		if err := h.Store.RegistraVisione(h.atto(c), r.ID, domain.AuditVisualizzaDocumento, "file del messaggio "+strconv.Itoa(n)); err != nil {
			return err
		}
		disposizione = "inline"
	}
	return h.inviaAllegato(c, a, disposizione, "messaggio-"+strconv.Itoa(n))
}

func (h *Handlers) fileComunicazioneRichiedente(c *fiber.Ctx) error {
	r, err := h.richiestaPropria(c)
	if err != nil {
		return err
	}
	return h.fileComunicazione(c, r, false)
}

func (h *Handlers) fileComunicazioneSede(c *fiber.Ctx) error {
	r, err := h.richiestaDellaSede(c)
	if err != nil {
		return err
	}
	return h.fileComunicazione(c, r, true)
}
