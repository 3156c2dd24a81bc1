package handlers

import (
	"cmp"
	"time"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/notify"
	"abilita/sedi"
	"abilita/store"
	"abilita/views"
)

type areaVM struct {
	views.Base
	Richieste    []domain.RigaCoda
	Abilitazioni []abilitazioneVista
	Codice       *codiceInSospeso
	Servizio     string // the certificate service, once an enablement is active
}

// abilitazioneVista is an enablement as the area shows it.
type abilitazioneVista struct {
	domain.Abilitazione
	NomeSede string
}

// codiceInSospeso is the activation code waiting for the holder.
type codiceInSospeso struct {
	Parte2  string // shown in the area (online applicants without a PEC)
	Scade   time.Time
	Scaduto bool
	PerPEC  bool // part 2 went by PEC; otherwise, unless shown, it is on the letter
	// Struttura is the hospital structure whose referente issued the code
	// and hands part 2 over, for a medico ospedaliero.
	Struttura string
}

// area is the page after login: each role lands where its work is. An
// applicant sees its requests, the profiles it was enabled for with the way
// into the certificate service, and the activation code it is waiting for.
func (h *Handlers) area(c *fiber.Ctx) error {
	u := utenteDi(c)
	switch u.Ruolo {
	case domain.RuoloAmministratore:
		return h.redirect(c, "/amministrazione")
	case domain.RuoloOperatore:
		return h.redirect(c, "/operatore")
	}
	vm := areaVM{Base: h.personale(c, "La tua area")}
	var err error
	if vm.Richieste, err = h.Store.RichiesteUtente(u.ID); err != nil {
		return err
	}
	if vm.Abilitazioni, err = h.abilitazioniVista(u); err != nil {
		return err
	}
	for _, ab := range vm.Abilitazioni {
		if ab.InVigore() {
			vm.Servizio = h.cfg.ServizioCertificatiURL
		}
	}
	if vm.Codice, err = h.codiceInSospeso(u); err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, views.PaginaArea, vm)
}

func (h *Handlers) abilitazioniVista(u *domain.Utente) ([]abilitazioneVista, error) {
	out := make([]abilitazioneVista, 0, len(u.Abilitazioni))
	for _, ab := range u.Abilitazioni {
		v := abilitazioneVista{Abilitazione: ab, NomeSede: ab.Sede}
		sd, err := h.Store.Sede(ab.Sede)
		switch {
		case err == nil:
			v.NomeSede = sd.Nome
		case domain.CodiceDi(err) != domain.ErrNonTrovato:
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// codiceInSospeso is u's activation code, nil when none waits.
func (h *Handlers) codiceInSospeso(u *domain.Utente) (*codiceInSospeso, error) {
	a, err := h.Store.Attivazione(u.ID)
	if domain.CodiceDi(err) == domain.ErrNonTrovato {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	cs := &codiceInSospeso{Scade: a.Scade, Scaduto: !a.Valida(h.Now()), PerPEC: a.Parte2Cifrata == nil}
	if ab := u.MedicoDi(a.Struttura); a.Struttura != "" && ab != nil {
		cs.Struttura = cmp.Or(ab.Struttura, a.Struttura)
		return cs, nil
	}
	if cs.Scaduto || cs.PerPEC || !h.parte2NellArea(u, a.RichiestaID) {
		return cs, nil
	}
	parte2, err := h.apriParte2(a)
	if err != nil {
		return nil, err
	}
	cs.Parte2 = parte2
	return cs, nil
}

type amministrazioneVM struct {
	views.Base
	Sedi        []sedi.Sede
	Notifiche   []domain.Notifica
	DaRisolvere int
	// SediIncomplete are the sedi whose data lack what the public needs.
	SediIncomplete []sedi.Sede
}

// amministrazione shows the sedi and the outgoing mail with its delivery state.
func (h *Handlers) amministrazione(c *fiber.Ctx) error {
	posta, err := h.Store.Posta(store.QueryPosta{PerPag: 50})
	if err != nil {
		return err
	}
	vm := amministrazioneVM{Base: h.personale(c, "Amministrazione"), Sedi: h.Store.Sedi(), Notifiche: posta.Notifiche}
	for _, sd := range vm.Sedi {
		if !sd.Completa() {
			vm.SediIncomplete = append(vm.SediIncomplete, sd)
		}
	}
	if vm.DaRisolvere, err = h.daRisolvere(""); err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, views.PaginaAmministrazione, vm)
}

var _ notify.Outbox = (*store.Store)(nil)
