package handlers

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/security"
	"abilita/views"
)

// sessioneVM is one open session as its owner sees it. ID names it in forms
// without revealing the key of the session in the store.
type sessioneVM struct {
	ID, Dispositivo, IP string
	Creata, UltimoUso   time.Time
	Corrente            bool
	hash                string // never shown
}

type sessioniVM struct {
	views.Base
	Sessioni []sessioneVM
	Altre    int
}

// idSessione is the name of a session in the pages: a hash of its key,
// short enough for a form, long enough never to collide among one user's
// sessions.
func idSessione(hash string) string { return security.HashToken(hash)[:16] }

// sessioniAperte returns the user's sessions still in force, the current
// one marked: ended ones wait in the store for their next request.
func (h *Handlers) sessioniAperte(c *fiber.Ctx) ([]sessioneVM, error) {
	corrente, _ := c.Locals(localSessione).(domain.Sessione)
	tutte, err := h.Store.SessioniUtente(utenteDi(c).ID)
	if err != nil {
		return nil, err
	}
	now := h.Now()
	var out []sessioneVM
	for _, ss := range tutte {
		if ss.Hash != corrente.Hash && !now.Before(h.scadenzaSessione(ss)) {
			continue
		}
		out = append(out, sessioneVM{ID: idSessione(ss.Hash), Dispositivo: domain.DispositivoDa(ss.UserAgent).Nome, IP: ss.IP,
			Creata: ss.Creata, UltimoUso: ss.UltimoUso, Corrente: ss.Hash == corrente.Hash, hash: ss.Hash})
	}
	return out, nil
}

// sessioniAttive lists where the user is logged in.
func (h *Handlers) sessioniAttive(c *fiber.Ctx) error {
	vms, err := h.sessioniAperte(c)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, views.PaginaSessioni, sessioniVM{Base: h.personale(c, "Sessioni attive"), Sessioni: vms, Altre: len(vms) - 1})
}

// terminaSessione ends one of the user's other sessions (sessione = its
// ID), or all of them (tutte=si). The current one ends with "Esci".
func (h *Handlers) terminaSessione(c *fiber.Ctx) error {
	if c.FormValue("tutte") == "si" {
		ss, _ := c.Locals(localSessione).(domain.Sessione)
		n, err := h.Store.ChiudiAltreSessioni(h.atto(c), ss.Hash)
		if err != nil {
			return err
		}
		return h.avviso(c, "/account/sessioni", chiuseDaTe(n))
	}
	vms, err := h.sessioniAperte(c)
	if err != nil {
		return err
	}
	id := c.FormValue("sessione")
	for _, s := range vms {
		if s.ID != id || id == "" {
			continue
		}
		if s.Corrente {
			return domain.Conflitto("Questa è la sessione che stai usando: per chiuderla usa «Esci».")
		}
		if err := h.Store.ChiudiSessione(h.atto(c), s.hash, s.Dispositivo+", "+s.IP); err != nil {
			return err
		}
		return h.avviso(c, "/account/sessioni", "Sessione chiusa: su "+s.Dispositivo+" dovrà essere eseguito di nuovo l'accesso.")
	}
	return domain.NonTrovato("Sessione non trovata: forse è già stata chiusa o è scaduta.")
}

func chiuseDaTe(n int) string {
	switch n {
	case 0:
		return "Non c'erano altre sessioni aperte."
	case 1:
		return "Hai chiuso l'altra sessione aperta."
	}
	return "Hai chiuso le altre " + strconv.Itoa(n) + " sessioni aperte."
}

type accessiVM struct {
	views.Base
	Accessi []domain.Accesso
}

// accessiMostrati is how many attempts the history page shows.
const accessiMostrati = 50

// accessiRecenti shows the user's last login attempts, failed ones included,
// so that it notices logins it did not make.
func (h *Handlers) accessiRecenti(c *fiber.Ctx) error {
	accessi, err := h.Store.AccessiRecenti(utenteDi(c).ID, accessiMostrati)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, views.PaginaAccessi, accessiVM{Base: h.personale(c, "Accessi recenti"), Accessi: accessi})
}
