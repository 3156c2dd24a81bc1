package handlers

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"abilita/cf"
	"abilita/domain"
	"abilita/views"
)

// richiestaPropria loads the request in the URL if the logged-in user filed
// it. Someone else's request answers 404, exactly like a missing one, so
// that request numbers reveal nothing.
func (h *Handlers) richiestaPropria(c *fiber.Ctx) (*domain.Richiesta, error) {
	return h.richiestaPer(c, domain.OpSegui)
}

type mieRichiesteVM struct {
	views.Base
	Richieste []rigaMia
}

// rigaMia is one request in the applicant's list, every cell already text
// (see rigaCoda).
type rigaMia struct {
	ID         uint64
	Protocollo string
	Profilo    string
	Stato      statoVM
	Aggiornata string
}

func (h *Handlers) mieRichieste(c *fiber.Ctx) error {
	righe, err := h.Store.RichiesteUtente(utenteDi(c).ID)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, views.PaginaMieRichieste, vistaMieRichieste(h.personale(c, "Le mie richieste"), righe))
}

// VistaMieRichieste is the view model of "Le mie richieste" for these rows:
// what the handler renders, given to cmd/bench so that its anchor renders
// the same page from the same data without the server.
func VistaMieRichieste(base views.Base, righe []domain.RigaCoda) any {
	return vistaMieRichieste(base, righe)
}

func vistaMieRichieste(base views.Base, righe []domain.RigaCoda) mieRichiesteVM {
	vm := mieRichiesteVM{Base: base, Richieste: make([]rigaMia, len(righe))}
	for i, r := range righe {
		vm.Richieste[i] = rigaMia{ID: r.ID, Protocollo: r.Protocollo, Profilo: "—", Stato: vistaStato(r.Stato), Aggiornata: views.Quando(r.Aggiornata)}
		if r.Profilo != "" {
			vm.Richieste[i].Profilo = r.Profilo.Etichetta()
		}
	}
	return vm
}

// nuovaRichiesta starts a draft with what the account already knows.
func (h *Handlers) nuovaRichiesta(c *fiber.Ctx) error {
	u := utenteDi(c)
	now := h.Now()
	r := &domain.Richiesta{
		Percorso: domain.PercorsoOnline, Richiedente: u.ID, Tipo: domain.TipoNuova, Creata: now, Aggiornata: now,
		Anagrafica: domain.Anagrafica{Cognome: u.Cognome, Nome: u.Nome, CodiceFiscale: u.CodiceFiscale},
		Contatti:   domain.Contatti{Email: u.Email},
	}
	if da, err := strconv.ParseUint(c.FormValue("da"), 10, 64); err == nil {
		return h.ripresenta(c, da)
	}
	if err := h.Store.CreaBozza(h.atto(c), r); err != nil {
		return err
	}
	return h.redirect(c, urlPasso(r.ID, domain.PassoProfilo))
}

// ripresenta files again the rejected request da: a new draft with all its
// data and a copy of each of its files, sealed for the new request, opened
// at the first step the rejection's reasons point to.
func (h *Handlers) ripresenta(c *fiber.Ctx, da uint64) error {
	prec, err := h.Store.RichiestaPer(utenteDi(c), da, domain.OpSegui)
	if err != nil {
		return err
	}
	if prec.Stato != domain.StatoRespinta {
		return domain.Conflitto("Si può ripresentare solo una richiesta respinta.")
	}
	copie := make(map[domain.TipoAllegato]domain.Allegato, len(prec.Allegati))
	for t, a := range prec.Allegati {
		m, err := h.Archive.Copia(metaDi(a))
		if err != nil {
			return err // the copies made so far are swept as orphans
		}
		copie[t] = allegatoDi(m, h.Now())
	}
	r, err := h.Store.Ripresenta(h.atto(c), da, copie)
	if err != nil {
		return err
	}
	return h.avviso(c, urlPasso(r.ID, domain.PrimoPasso(prec)),
		"Abbiamo ripreso i dati e gli allegati della richiesta "+prec.Protocollo+": correggi quello che la sede ha segnalato e invia di nuovo.")
}

func urlPasso(id uint64, p domain.Passo) string {
	return "/richieste/" + strconv.FormatUint(id, 10) + "/passo/" + string(p)
}

func urlRichiesta(id uint64) string { return "/richieste/" + strconv.FormatUint(id, 10) }

type richiestaVM struct {
	views.Base
	R             *domain.Richiesta
	Conversazione *conversazioneVM // path B: the thread with the sede
	Luogo         string
	SedeNome      string
	Allegati      []allegatoVM
	Completa      bool
	Errori        domain.Errori
	PassoErr      domain.Passo
}

type allegatoVM struct {
	Tipo     domain.TipoAllegato
	Allegato domain.Allegato
	Presente bool
	Immagine bool // shown as a thumbnail
	Ripreso  bool // the copy of the rejected request's file, not yet replaced
	// DaSostituire: the rejection of the request filed again asks to
	// replace it.
	DaSostituire bool
}

func allegatiVM(r *domain.Richiesta) []allegatoVM {
	var out []allegatoVM
	for _, t := range domain.TipiAllegato {
		a, ok := r.Allegati[t]
		out = append(out, allegatoVM{Tipo: t, Allegato: a, Presente: ok, Immagine: a.Tipo == "image/jpeg" || a.Tipo == "image/png"})
	}
	return out
}

func (h *Handlers) richiestaVM(c *fiber.Ctx, titolo string, r *domain.Richiesta) richiestaVM {
	vm := richiestaVM{Base: h.personale(c, titolo), R: r, Allegati: allegatiVM(r), Errori: domain.Errori{}, Conversazione: h.conversazione(c, r, false)}
	if l, ok := cf.LuogoPerCodice(r.Anagrafica.CodiceLuogo, h.dataNascita(r)); ok {
		vm.Luogo = l.Display() + " (" + l.Provincia + ")"
	}
	if r.Sede != "" {
		if sd, err := h.Store.Sede(r.Sede); err == nil {
			vm.SedeNome = sd.Nome
		}
	}
	return vm
}

func (h *Handlers) dataNascita(r *domain.Richiesta) time.Time {
	t, _ := domain.ParseData(r.Anagrafica.DataNascita)
	return t
}

func (h *Handlers) dettaglioRichiesta(c *fiber.Ctx) error {
	r, err := h.richiestaPropria(c)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, views.PaginaRichiesta, h.richiestaVM(c, "Richiesta "+etichettaRichiesta(r), r))
}

// etichettaRichiesta is the protocol number, or the draft number before submission.
func etichettaRichiesta(r *domain.Richiesta) string {
	if r.Protocollo != "" {
		return r.Protocollo
	}
	return "in bozza n. " + strconv.FormatUint(r.ID, 10)
}

func (h *Handlers) annullaRichiesta(c *fiber.Ctx) error {
	r, err := h.richiestaPropria(c)
	if err != nil {
		return err
	}
	if _, err := h.Store.Annulla(h.atto(c), r.ID); err != nil {
		return err
	}
	return h.avviso(c, "/richieste", "La richiesta "+etichettaRichiesta(r)+" è stata annullata.")
}
