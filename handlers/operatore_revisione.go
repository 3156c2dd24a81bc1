package handlers

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"abilita/cf"
	"abilita/domain"
	"abilita/views"
)

// The review page: the declared data beside the identity document, the
// automatic checks, the operator's checklist and the decisions.

// documentoVM is one attachment as the review page shows it.
type documentoVM struct {
	Tipo       domain.TipoAllegato
	Allegato   domain.Allegato
	Presente   bool
	Immagine   bool // JPEG or PNG, shown inline; PDFs are framed
	URL        string
	Sostituito bool // replaced after submission, with an integration
}

// voceChecklist is one check the operator ticks.
type voceChecklist struct {
	Nome, Etichetta, Aiuto string
	Spuntata               bool
}

// checklistVM is the swap target of the checklist form.
type checklistVM struct {
	ID            uint64
	CSRF          string
	Voci          []voceChecklist
	Modificabile  bool
	Completa      bool
	Salvata       bool
	DaPrendere    bool // not yet taken in charge
	InLavorazione bool
}

// integrazioneVM is one request for more information with its answer.
type integrazioneVM struct {
	domain.Integrazione
	FileSostituito string // label of the attachment replaced with the answer
}

// eventoVM is one step of the history, with who took it.
type eventoVM struct {
	domain.Evento
	Autore string
}

type revisioneVM struct {
	views.Base
	R            *domain.Richiesta
	Luogo        string
	SedeNome     string
	Operatore    string // who has it in charge
	Documenti    []documentoVM
	Modulo       documentoVM
	Controlli    []controlloVM
	Checklist    checklistVM
	PuoPrendere  bool
	PuoDecidere  bool
	Motivi       []opzione
	Nota         string
	Messaggio    string
	Errori       domain.Errori
	Storia       []eventoVM
	Integrazioni []integrazioneVM
	Decisore     string
	Reinstrada   *reinstradaVM // for administrators, while the request waits in the queue
	Conferma     *confermaVM   // a decision checked by the server, to be confirmed (page posted without script)
	// Conversazione: path B, the thread with the applicant.
	Conversazione *conversazioneVM
}

func (h *Handlers) revisione(c *fiber.Ctx) error {
	r, err := h.richiestaDellaSede(c)
	if err != nil {
		return err
	}
	vm := h.revisioneVM(c, r, nil)
	if vm.Reinstrada, err = h.moduloReinstrada(c, r); err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, views.PaginaRevisione, vm)
}

// revisioneVM builds the review page of r; motivi are the reasons ticked
// in a refused rejection, shown again.
func (h *Handlers) revisioneVM(c *fiber.Ctx, r *domain.Richiesta, motivi []domain.MotivoRifiuto) revisioneVM {
	u := utenteDi(c)
	nomi := h.nomiUtenti(r)
	vm := revisioneVM{
		Base: h.personale(c, "Richiesta "+etichettaRichiesta(r)), R: r, Errori: domain.Errori{},
		SedeNome: h.nomeSede(r.Sede), Operatore: nomi[r.Operatore], Controlli: h.controlliAutomatici(r),
		PuoPrendere: u.Ruolo == domain.RuoloOperatore && r.Stato == domain.StatoInviata,
		PuoDecidere: u.Ruolo == domain.RuoloOperatore && r.Stato == domain.StatoInLavorazione && r.Operatore == u.ID,
	}
	vm.Checklist = h.checklistVM(c, r)
	vm.Conversazione = h.conversazione(c, r, true)
	if l, ok := cf.LuogoPerCodice(r.Anagrafica.CodiceLuogo, h.dataNascita(r)); ok {
		vm.Luogo = l.Display() + " (" + l.Provincia + ")"
	}
	for _, t := range domain.TipiAllegato {
		d := documentoRevisione(r, t)
		if t == domain.AllegatoModuloFirmato {
			vm.Modulo = d
		} else {
			vm.Documenti = append(vm.Documenti, d)
		}
	}
	for _, m := range domain.MotiviRifiuto {
		vm.Motivi = append(vm.Motivi, opzione{Valore: string(m), Etichetta: m.Etichetta(), Scelta: slices.Contains(motivi, m)})
	}
	for _, i := range r.Integrazioni {
		v := integrazioneVM{Integrazione: i}
		if i.Sostituito != "" {
			v.FileSostituito = etichettaCampo(i.Sostituito)
		}
		vm.Integrazioni = append(vm.Integrazioni, v)
	}
	for _, e := range r.Storia {
		vm.Storia = append(vm.Storia, eventoVM{Evento: e, Autore: nomi[e.Chi]})
	}
	if r.Esito != nil {
		vm.Decisore = nomi[r.Esito.Chi]
	}
	return vm
}

func documentoRevisione(r *domain.Richiesta, t domain.TipoAllegato) documentoVM {
	a, ok := r.Allegati[t]
	return documentoVM{
		Tipo: t, Allegato: a, Presente: ok, Immagine: a.Tipo == "image/jpeg" || a.Tipo == "image/png",
		URL:        "/operatore/richieste/" + itoa(r.ID) + "/allegati/" + string(t),
		Sostituito: ok && !r.Inviata.IsZero() && a.Caricato.After(r.Inviata),
	}
}

// nomiUtenti names the people in the request's history: the applicant and
// the operators who acted on it.
func (h *Handlers) nomiUtenti(r *domain.Richiesta) map[uint64]string {
	ids := []uint64{r.Operatore}
	for _, e := range r.Storia {
		ids = append(ids, e.Chi)
	}
	if r.Esito != nil {
		ids = append(ids, r.Esito.Chi)
	}
	out := map[uint64]string{}
	for _, id := range ids {
		if _, done := out[id]; done || id == 0 {
			continue
		}
		switch u, err := h.Store.Utente(id); {
		case err != nil:
			out[id] = "utente n. " + itoa(id)
		case u.Ruolo == domain.RuoloRichiedente:
			out[id] = "il richiedente"
		default:
			out[id] = u.NomeCompleto()
		}
	}
	return out
}

func (h *Handlers) checklistVM(c *fiber.Ctx, r *domain.Richiesta) checklistVM {
	u := utenteDi(c)
	k := r.Checklist
	vm := checklistVM{
		ID: r.ID, CSRF: csrfDi(c), Completa: k.Completa(r.Profilo),
		DaPrendere: r.Stato == domain.StatoInviata, InLavorazione: r.Stato == domain.StatoInLavorazione,
		Modificabile: u.Ruolo == domain.RuoloOperatore && r.Stato == domain.StatoInLavorazione && r.Operatore == u.ID,
		Voci: []voceChecklist{
			{Nome: "dati_corrispondenti", Etichetta: "I dati dichiarati corrispondono al documento", Aiuto: "Cognome, nome, data e luogo di nascita, numero e date del documento.", Spuntata: k.DatiCorrispondenti},
			{Nome: "documento_valido", Etichetta: "Il documento è valido e leggibile", Aiuto: "Fronte e retro completi, non scaduto alla data della richiesta.", Spuntata: k.DocumentoValido},
			{Nome: "modulo_firmato", Etichetta: "Il modulo è firmato", Aiuto: "Firma autografa o digitale del richiedente.", Spuntata: k.ModuloFirmato},
		},
	}
	if r.Profilo.Medico() {
		vm.Voci = append(vm.Voci, voceChecklist{Nome: "ordine_plausibile", Etichetta: "L'iscrizione all'Ordine dei Medici è plausibile", Aiuto: "Provincia, numero e data di iscrizione coerenti.", Spuntata: k.OrdinePlausibile})
	}
	return vm
}

// salvaChecklist records the ticks of the operator who has the request in
// charge. htmx posts it at every change and gets the checklist back.
func (h *Handlers) salvaChecklist(c *fiber.Ctx) error {
	id, err := idRichiesta(c)
	if err != nil {
		return err
	}
	spunta := func(nome string) bool { return c.FormValue(nome) == "si" }
	r, err := h.Store.SalvaChecklist(h.atto(c), id, domain.Checklist{
		DatiCorrispondenti: spunta("dati_corrispondenti"), DocumentoValido: spunta("documento_valido"),
		ModuloFirmato: spunta("modulo_firmato"), OrdinePlausibile: spunta("ordine_plausibile"),
	})
	if err != nil {
		return err
	}
	if c.Get("HX-Request") == "true" {
		vm := h.checklistVM(c, r)
		vm.Salvata = true
		return h.partial(c, fiber.StatusOK, "revisione_checklist", vm)
	}
	return h.avviso(c, urlRevisione(r.ID)+"#verifica", "Verifica salvata.")
}

// Attachments are served with a policy of their own: no script, no plugin,
// and for images a sandbox, in case a browser ever took one for a page.
// Chromium refuses to run its PDF viewer in a sandbox, so PDFs get none, and
// may be framed by the review page (and only by it).
const (
	cspImmagine = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'"
	cspPDF      = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
)

// documentoOperatore streams an attachment, decrypted, to be viewed inline
// (or downloaded with ?scarica=si). Every view and download is written to
// the audit log before a byte is sent.
func (h *Handlers) documentoOperatore(c *fiber.Ctx) error {
	r, err := h.richiestaDellaSede(c)
	if err != nil {
		return err
	}
	tipo := domain.TipoAllegato(c.Params("tipo"))
	a, ok := r.Allegati[tipo]
	if !ok || !slices.Contains(domain.TipiAllegato, tipo) {
		return domain.NonTrovato("Allegato non trovato.")
	}
	azione, disposizione := domain.AuditVisualizzaDocumento, "inline"
	if c.Query("scarica") == "si" {
		azione, disposizione = domain.AuditScaricaDocumento, "attachment"
	}
	if err := h.Store.RegistraVisione(h.atto(c), r.ID, azione, string(tipo)); err != nil {
		return err
	}
	return h.inviaAllegato(c, a, disposizione, string(tipo))
}

func urlRevisione(id uint64) string { return "/operatore/richieste/" + itoa(id) }
