package handlers

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"abilita/cf"
	"abilita/domain"
	"abilita/views"
)

type passoVM struct {
	richiestaVM
	Passo     domain.Passo
	Passi     []domain.Passo
	Indice    int // 1-based, for people
	Corrente  int // 0-based, for templates
	Proposta  *propostaCF
	Province  []provincia
	MaxFileMB int64
	Oggi      string

	Sportello  bool // an operator records the request at the counter (path A)
	Precompila bool // the module filled in without an account, on one page

	TipiRichiesta []domain.TipoRichiesta
	TipiDocumento []string

	// Segnalazione: what the rejection of the request this draft was filed
	// again from says about the step.
	Segnalazione *segnalazioneVM
}

// segnalazioneVM is the rejection's word on a step; on the summary, with
// the files still to replace.
type segnalazioneVM struct {
	*domain.Segnalazione
	Riepilogo          bool
	AncoraDaSostituire []string
}

// propostaCF is what the codice fiscale says about sex, birth date and
// birthplace, offered to the applicant to confirm.
type propostaCF struct {
	Sesso, DataNascita, Luogo, Provincia string
}

func passoDaURL(c *fiber.Ctx) (domain.Passo, error) {
	p := domain.Passo(c.Params("passo"))
	if !slices.Contains(domain.Passi, p) {
		return "", fiber.ErrNotFound
	}
	return p, nil
}

// bozzaPropria loads the draft and the step in the URL.
func (h *Handlers) bozzaPropria(c *fiber.Ctx) (*domain.Richiesta, domain.Passo, error) {
	p, err := passoDaURL(c)
	if err != nil {
		return nil, "", err
	}
	r, err := h.richiestaCompilata(c)
	if err != nil {
		return nil, "", err
	}
	return r, p, nil
}

func (h *Handlers) passoVM(c *fiber.Ctx, r *domain.Richiesta, p domain.Passo, e domain.Errori) passoVM {
	vm := passoVM{
		richiestaVM: h.richiestaVM(c, p.Titolo(), r), Passo: p, Passi: domain.Passi, Indice: slices.Index(domain.Passi, p) + 1, Corrente: slices.Index(domain.Passi, p),
		Province: h.sediDiOggi().province, MaxFileMB: h.cfg.FileLimit >> 20, Oggi: h.Now().Format(domain.Data),
		TipiRichiesta: domain.TipiRichiesta, TipiDocumento: domain.TipiDocumento,
		Sportello: r.Percorso == domain.PercorsoSportello,
	}
	if vm.Sportello {
		vm.Titolo = p.Titolo() + " – richiesta allo sportello"
	}
	if e != nil {
		vm.Errori = e
	}
	if p == domain.PassoAnagrafica {
		vm.Proposta = h.proposta(r)
	}
	if p == domain.PassoRiepilogo {
		vm.PassoErr, vm.Errori = r.ValidaTutto(h.Now())
		vm.Completa = vm.PassoErr == ""
		if vm.Errori == nil {
			vm.Errori = domain.Errori{}
		}
	}
	if r.Precedente != 0 {
		h.segnalaRifiuto(&vm, r, p)
	}
	perLoSportello(r, vm.Errori)
	return vm
}

// segnalaRifiuto marks, in a draft filed again from a rejected request,
// what the rejection points to: the reasons that concern step p, the files
// carried over and those to replace.
func (h *Handlers) segnalaRifiuto(vm *passoVM, r *domain.Richiesta, p domain.Passo) {
	prec, err := h.Store.Richiesta(r.Precedente)
	if err != nil {
		h.Log.Error("reading the rejected request of a draft", "id", r.ID, "precedente", r.Precedente, "err", err)
		return
	}
	var ancora []string
	allegati := domain.SegnalazionePer(prec, domain.PassoAllegati)
	for i, a := range vm.Allegati {
		vecchio, ok := prec.Allegati[a.Tipo]
		vm.Allegati[i].Ripreso = a.Presente && ok && vecchio.SHA256 == a.Allegato.SHA256
		vm.Allegati[i].DaSostituire = vm.Allegati[i].Ripreso && allegati.DaSostituire(a.Tipo)
		if vm.Allegati[i].DaSostituire {
			ancora = append(ancora, a.Tipo.Etichetta())
		}
	}
	if s := domain.SegnalazionePer(prec, p); s != nil {
		vm.Segnalazione = &segnalazioneVM{Segnalazione: s, Riepilogo: p == domain.PassoRiepilogo}
		if vm.Segnalazione.Riepilogo {
			vm.Segnalazione.AncoraDaSostituire = ancora
		}
	}
}

// proposta reads sex, birth date and birthplace from a well-formed codice
// fiscale when the applicant has not filled them in yet.
func (h *Handlers) proposta(r *domain.Richiesta) *propostaCF {
	a := r.Anagrafica
	if a.Sesso != "" && a.DataNascita != "" && a.LuogoNascita != "" {
		return nil
	}
	codice, err := cf.Parse(a.CodiceFiscale)
	if err != nil {
		return nil
	}
	nascita := codice.DataNascita(h.Now())
	p := &propostaCF{Sesso: codice.Sesso(), DataNascita: nascita.Format(domain.Data)}
	if l, ok := cf.LuogoPerCodice(codice.CodiceLuogo(), nascita); ok {
		p.Luogo, p.Provincia = l.Display(), l.Provincia
	}
	return p
}

func (h *Handlers) passoForm(c *fiber.Ctx) error {
	r, p, err := h.bozzaPropria(c)
	if err != nil {
		return err
	}
	if !r.Modificabile() {
		return h.redirect(c, urlDettaglio(r))
	}
	return h.render(c, fiber.StatusOK, views.PaginaPasso, h.passoVM(c, r, p, nil))
}

// salvaPasso saves the step in the draft, whatever its mistakes, so that
// nothing typed is lost; it moves on only when the step is valid. Input no
// field may hold is refused and nothing is saved.
func (h *Handlers) salvaPasso(c *fiber.Ctx) error {
	r, p, err := h.bozzaPropria(c)
	if err != nil {
		return err
	}
	if err := domain.Consenti(utenteDi(c), domain.OpCompila, r); err != nil {
		return err
	}
	if p == domain.PassoAllegati || p == domain.PassoRiepilogo {
		return h.redirect(c, urlPasso(r.ID, prossimo(p)))
	}
	if e := leggiPasso(c, r, p); len(e) > 0 {
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaPasso, h.passoVM(c, r, p, e))
	}
	azione := c.FormValue("azione")
	if azione == "proponi" {
		if pr := h.proposta(r); pr != nil {
			applicaProposta(r, pr)
		}
	}
	now := h.Now()
	errori := r.Valida(p, now) // also resolves the birthplace code into r
	if r, err = h.Store.SalvaBozza(h.atto(c), r.ID, r); err != nil {
		return err
	}
	switch {
	case azione == "indietro":
		return h.redirect(c, urlPasso(r.ID, precedente(p)))
	case azione == "proponi" || len(errori) > 0:
		status := fiber.StatusUnprocessableEntity
		if azione == "proponi" {
			status, errori = fiber.StatusOK, nil
		}
		return h.render(c, status, views.PaginaPasso, h.passoVM(c, r, p, errori))
	}
	return h.redirect(c, urlPasso(r.ID, prossimo(p)))
}

func applicaProposta(r *domain.Richiesta, p *propostaCF) {
	a := &r.Anagrafica
	if a.Sesso == "" {
		a.Sesso = p.Sesso
	}
	if a.DataNascita == "" {
		a.DataNascita = p.DataNascita
	}
	if a.LuogoNascita == "" && p.Luogo != "" {
		a.LuogoNascita, a.ProvinciaNascita = p.Luogo, p.Provincia
	}
}

// verificaPasso is the inline check run while the applicant types: it reads
// the step without saving it and answers with every error element of the
// step, swapped out of band.
func (h *Handlers) verificaPasso(c *fiber.Ctx) error {
	r, p, err := h.bozzaPropria(c)
	if err != nil {
		return err
	}
	e := leggiPasso(c, r, p)
	if len(e) == 0 {
		e = r.Valida(p, h.Now())
	}
	perLoSportello(r, e)
	return h.partial(c, fiber.StatusOK, "partials/verifica", h.esitoVerifica(c, r, []domain.Passo{p}, e))
}

// verificaVM is the answer of an inline check (partials/verifica).
type verificaVM struct {
	Campi      []views.Campo
	Proposta   *propostaCF
	Anagrafica bool // the form holds the anagrafica, and the place of the proposal
}

// esitoVerifica is the answer of an inline check of the steps passi of r,
// read from the form with the errors e: every field of those steps with its
// error, and the proposal from the codice fiscale.
func (h *Handlers) esitoVerifica(c *fiber.Ctx, r *domain.Richiesta, passi []domain.Passo, e domain.Errori) verificaVM {
	// A field the applicant has not reached yet is not an error yet.
	for name := range e {
		if c.FormValue(name) == "" && c.FormValue("_tutto") != "si" {
			delete(e, name)
		}
	}
	var vm verificaVM
	for _, p := range passi {
		vm.Campi = append(vm.Campi, campiErrore(r, p, e)...)
		if p == domain.PassoAnagrafica {
			vm.Anagrafica, vm.Proposta = true, h.proposta(r)
		}
	}
	return vm
}

func prossimo(p domain.Passo) domain.Passo {
	i := slices.Index(domain.Passi, p)
	if i+1 < len(domain.Passi) {
		return domain.Passi[i+1]
	}
	return p
}

func precedente(p domain.Passo) domain.Passo {
	if i := slices.Index(domain.Passi, p); i > 0 {
		return domain.Passi[i-1]
	}
	return p
}
