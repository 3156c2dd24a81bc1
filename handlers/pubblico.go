package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"abilita/cf"
	"abilita/domain"
	"abilita/pdf"
	"abilita/sedi"
	"abilita/views"
)

func (h *Handlers) home(c *fiber.Ctx) error {
	return h.statica(c, views.PaginaHome, "Abilitazione ai servizi telematici")
}

type guidaVM struct {
	views.Base
	Forti, Modo, Urgente string
	Esito                domain.Percorso
}

// guida asks the few questions that lead each applicant to the right path.
// It is a GET form, so the answer works without JavaScript and can be bookmarked.
func (h *Handlers) guida(c *fiber.Ctx) error {
	const titolo = "Come fare domanda"
	if senzaQuery(c) {
		return h.fissa(c, h.pagine.di(views.PaginaGuida), views.PaginaGuida, titolo, func(b views.Base) any { return guidaVM{Base: b} })
	}
	vm := guidaVM{Base: h.base(c, titolo), Forti: c.Query("forti"), Modo: c.Query("modo"), Urgente: c.Query("urgente")}
	switch {
	case vm.Urgente == "si":
		vm.Esito = domain.PercorsoSportello
	case vm.Forti == "si":
		vm.Esito = domain.PercorsoInailRisponde
	case vm.Forti == "no" && vm.Modo == "sportello":
		vm.Esito = domain.PercorsoSportello
	case vm.Forti == "no" && vm.Modo == "online":
		vm.Esito = domain.PercorsoOnline
	}
	return h.render(c, fiber.StatusOK, views.PaginaGuida, vm)
}

func (h *Handlers) percorsoSportello(c *fiber.Ctx) error {
	return h.statica(c, views.PaginaPercorsoSportello, "Domanda allo sportello di una sede")
}

// percorsoInailRispondeVM is the path-B page: the strong sign-ins this
// installation offers (or why not), and the Institute's help desk.
type percorsoInailRispondeVM struct {
	views.Base
	Forti    []metodoForte
	InailURL string
}

func (h *Handlers) percorsoInailRisponde(c *fiber.Ctx) error {
	p := views.PaginaPercorsoInailRisponde
	return h.fissa(c, h.pagine.di(p), p, "Domanda con InailRisponde", func(b views.Base) any {
		return percorsoInailRispondeVM{Base: b, Forti: h.metodiForti(), InailURL: h.cfg.InailRispondeURL}
	})
}

func (h *Handlers) percorsoOnline(c *fiber.Ctx) error {
	return h.statica(c, views.PaginaPercorsoOnline, "Domanda online")
}

func (h *Handlers) regoleRiservatezza(c *fiber.Ctx) error {
	return h.statica(c, views.PaginaRegole, "Regole di riservatezza delle credenziali")
}

type sediVM struct {
	views.Base
	Provincia, Comune string
	Province          []provincia
	Trovata           *sedi.Sede
	Errore            string
	Elenco            []sedi.Sede
}

// sedi finds the sede that serves a comune or a province, and lists them all.
func (h *Handlers) sedi(c *fiber.Ctx) error {
	const titolo = "Trova la sede Inail"
	oggi := h.sediDiOggi()
	if senzaQuery(c) {
		return h.fissa(c, &oggi.pagina, views.PaginaSedi, titolo, func(b views.Base) any { return sediVM{Base: b, Province: oggi.province, Elenco: h.Store.Sedi()} })
	}
	vm := sediVM{Base: h.base(c, titolo), Provincia: strings.ToUpper(c.Query("provincia")), Comune: strings.TrimSpace(c.Query("comune")), Province: oggi.province, Elenco: h.Store.Sedi()}
	if msg := domain.ControllaTesto(vm.Comune); msg != "" {
		vm.Errore, vm.Comune = msg, ""
	}
	sigla := vm.Provincia
	if vm.Comune != "" {
		nome, prov := separaProvincia(vm.Comune)
		if prov == "" {
			prov = vm.Provincia
		}
		luoghi, _ := cf.TrovaComune(nome, prov, h.Now())
		switch len(luoghi) {
		case 0:
			vm.Errore = "Comune non trovato: controlla il nome o scegli la provincia."
			sigla = ""
		case 1:
			sigla = luoghi[0].Provincia
		default:
			vm.Errore = "Più comuni hanno questo nome: scegli anche la provincia."
			sigla = ""
		}
	}
	if sigla != "" && vm.Errore == "" {
		sd, err := h.Store.SedePerProvincia(sigla)
		if err != nil {
			vm.Errore = domain.MessaggioDi(err)
		} else {
			vm.Trovata = &sd
		}
	}
	return h.render(c, fiber.StatusOK, views.PaginaSedi, vm)
}

// separaProvincia splits "Roma (RM)", the form the suggestions use, into name and sigla.
func separaProvincia(s string) (nome, sigla string) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "("); i > 0 && strings.HasSuffix(s, ")") {
		return strings.TrimSpace(s[:i]), strings.ToUpper(strings.TrimSpace(s[i+1 : len(s)-1]))
	}
	return s, ""
}

type luoghiVM struct {
	ID     string
	Luoghi []cf.Luogo
}

// luoghi answers the autocompletion of comuni and foreign states with the
// options of a <datalist>.
func (h *Handlers) luoghi(c *fiber.Ctx) error {
	q := c.Query("q")
	for _, name := range []string{"luogo_nascita", "res_comune", "comune"} {
		if q == "" {
			q = c.Query(name)
		}
	}
	vm := luoghiVM{ID: c.Query("lista", "luoghi")}
	if len([]rune(strings.TrimSpace(q))) >= 2 && domain.ControllaTesto(q) == "" {
		nome, _ := separaProvincia(q)
		for _, l := range cf.CercaLuoghi(nome, h.Now(), 12) {
			if l.Estero && c.Query("solo") == "comuni" {
				continue
			}
			vm.Luoghi = append(vm.Luoghi, l)
		}
	}
	c.Set("Cache-Control", "public, max-age=3600")
	return h.partial(c, fiber.StatusOK, "partials/luoghi", vm)
}

// moduloVuoto is the blank module to fill in by hand and bring to a sede.
func (h *Handlers) moduloVuoto(c *fiber.Ctx) error {
	data, err := pdf.Modulo(&domain.Richiesta{}, pdf.Sede{}, h.Now())
	if err != nil {
		return err
	}
	c.Set("Cache-Control", "public, max-age=86400")
	return inviaPDF(c, "modulo-abilitazione.pdf", data, false)
}

// inviaPDF sends a generated PDF, inline or as a download.
func inviaPDF(c *fiber.Ctx, nome string, data []byte, scarica bool) error {
	c.Set(fiber.HeaderContentType, "application/pdf")
	disp := "inline"
	if scarica {
		disp = "attachment"
	}
	c.Set(fiber.HeaderContentDisposition, disp+`; filename="`+nome+`"`)
	return c.Send(data)
}
