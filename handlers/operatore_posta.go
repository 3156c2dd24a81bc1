package handlers

import (
	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/notify"
	"abilita/store"
	"abilita/views"
)

// Posta in uscita: the messages of the outbox with their delivery state.
// Operators see those about their sede's requests; administrators see all,
// including the messages that belong to no request (verification links).

// outboxLetta is how many of the newest notifications the page reads; an
// operator sees those of its sede among them.
const outboxLetta = 500

// outboxMostrata is the most the page shows.
const outboxMostrata = 100

// rigaPosta is one message of the outbox.
type rigaPosta struct {
	store.Notifica
	Protocollo string
	PEC        bool
}

type postaVM struct {
	views.Base
	Righe      []rigaPosta
	SedeNome   string
	Principale bool // the administrator's view of every sede
}

func (h *Handlers) postaInUscita(c *fiber.Ctx) error {
	u := utenteDi(c)
	notifiche, err := h.Store.Notifiche(outboxLetta)
	if err != nil {
		return err
	}
	admin := u.Ruolo == domain.RuoloAmministratore
	vm := postaVM{Base: h.personale(c, "Posta in uscita"), Principale: admin}
	if !admin {
		vm.SedeNome = h.nomeSede(u.Sede)
	}
	sedeDi := h.sedeNotifiche()
	for _, n := range notifiche {
		if len(vm.Righe) == outboxMostrata {
			break
		}
		sede, protocollo, err := sedeDi(n.RichiestaID)
		if err != nil {
			return err
		}
		if admin || (sede != "" && sede == u.Sede) {
			vm.Righe = append(vm.Righe, rigaPosta{Notifica: n, Protocollo: protocollo, PEC: n.Messaggio.Kind == notify.KindPEC})
		}
	}
	return h.render(c, fiber.StatusOK, views.PaginaPostaUscita, vm)
}

// sedeNotifiche returns a function that gives the sede and protocol number
// of the request a notification belongs to, reading each request once.
func (h *Handlers) sedeNotifiche() func(id uint64) (sede, protocollo string, err error) {
	lette := map[uint64][2]string{}
	return func(id uint64) (string, string, error) {
		if id == 0 {
			return "", "", nil
		}
		if v, ok := lette[id]; ok {
			return v[0], v[1], nil
		}
		r, err := h.Store.Richiesta(id)
		switch {
		case domain.CodiceDi(err) == domain.ErrNonTrovato:
			lette[id] = [2]string{}
		case err != nil:
			return "", "", err
		default:
			lette[id] = [2]string{r.Sede, r.Protocollo}
		}
		return lette[id][0], lette[id][1], nil
	}
}
