package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/views"
)

// campiTesto are the text fields of each step, by form name, pointing into
// the request they are read into.
func campiTesto(r *domain.Richiesta, p domain.Passo) map[string]*string {
	switch p {
	case domain.PassoAnagrafica:
		a, res, k := &r.Anagrafica, &r.Residenza, &r.Contatti
		return map[string]*string{
			"cognome": &a.Cognome, "nome": &a.Nome, "codice_fiscale": &a.CodiceFiscale, "sesso": &a.Sesso,
			"data_nascita": &a.DataNascita, "luogo_nascita": &a.LuogoNascita, "provincia_nascita": &a.ProvinciaNascita,
			"cittadinanza": &a.Cittadinanza, "res_indirizzo": &res.Indirizzo, "res_cap": &res.CAP, "res_comune": &res.Comune,
			"res_provincia": &res.Provincia, "email": &k.Email, "pec": &k.PEC, "telefono": &k.Telefono,
		}
	case domain.PassoProfessione:
		// Only the sections of the chosen profile are on the page.
		o, s, pt := &r.Ordine, &r.Struttura, &r.Patronato
		m := map[string]*string{}
		if r.Profilo.Medico() {
			m["ordine_provincia"], m["ordine_numero"], m["ordine_data"] = &o.Provincia, &o.Numero, &o.DataIscrizione
		}
		if r.Profilo == domain.ProfiloMedicoPatronato {
			m["pat_denominazione"], m["pat_sede"], m["pat_cf"] = &pt.Denominazione, &pt.Sede, &pt.CodiceFiscale
		}
		if r.Profilo == domain.ProfiloReferentePresidio {
			m["str_denominazione"], m["str_codice"], m["str_azienda"] = &s.Denominazione, &s.Codice, &s.Azienda
			m["str_indirizzo"], m["str_pec"], m["str_firmatario"] = &s.Indirizzo, &s.PEC, &s.FirmatarioDesignazione
		}
		return m
	case domain.PassoDocumento:
		d := &r.Documento
		return map[string]*string{"doc_tipo": &d.Tipo, "doc_numero": &d.Numero, "doc_rilasciato_da": &d.RilasciatoDa, "doc_rilascio": &d.DataRilascio, "doc_scadenza": &d.DataScadenza}
	case domain.PassoDichiarazioni:
		return map[string]*string{"motivo_urgenza": &r.MotivoUrgenza}
	}
	return nil
}

// maiuscoli are the fields kept in upper case, as on official documents.
var maiuscoli = map[string]bool{"provincia_nascita": true, "res_provincia": true, "ordine_provincia": true, "doc_numero": true, "str_codice": true}

// codiciFiscali are the fields of codici fiscali, kept as
// domain.NormalizzaCodiceFiscale writes them, from the draft on.
var codiciFiscali = map[string]bool{"codice_fiscale": true, "pat_cf": true}

// leggiPasso reads the fields of step p from the posted form into r. It
// returns the errors of input no field may hold (markup, control characters,
// invalid UTF-8): such a form is refused whole and nothing is stored.
func leggiPasso(c *fiber.Ctx, r *domain.Richiesta, p domain.Passo) domain.Errori {
	e := domain.Errori{}
	for name, ptr := range campiTesto(r, p) {
		v := strings.TrimSpace(c.FormValue(name))
		if msg := domain.ControllaTesto(v); msg != "" {
			e.Add(name, msg)
			continue
		}
		switch {
		case maiuscoli[name]:
			v = strings.ToUpper(v)
		case codiciFiscali[name]:
			v = domain.NormalizzaCodiceFiscale(v)
		}
		*ptr = v
	}
	switch p {
	case domain.PassoProfilo:
		r.Tipo = domain.TipoRichiesta(c.FormValue("tipo"))
		r.Profilo = domain.Profilo(c.FormValue("profilo"))
	case domain.PassoAnagrafica:
		// The suggestions read "Roma (RM)": split the sigla into its own field.
		if nome, sigla := separaProvincia(r.Anagrafica.LuogoNascita); sigla != "" {
			r.Anagrafica.LuogoNascita, r.Anagrafica.ProvinciaNascita = nome, sigla
		}
		if nome, sigla := separaProvincia(r.Residenza.Comune); sigla != "" {
			r.Residenza.Comune, r.Residenza.Provincia = nome, sigla
		}
	case domain.PassoDichiarazioni:
		r.Dichiarazioni = domain.Dichiarazioni{DPR445: c.FormValue("dpr445") == "si", Privacy: c.FormValue("privacy") == "si", Riservatezza: c.FormValue("riservatezza") == "si"}
		r.Urgente = c.FormValue("urgente") == "si"
		if !r.Urgente {
			r.MotivoUrgenza = ""
		}
	}
	return e
}

// richiestaCompilata loads the request in the URL for its form, its module
// and its receipt: the author's, on its path (domain.OpModulo).
func (h *Handlers) richiestaCompilata(c *fiber.Ctx) (*domain.Richiesta, error) {
	return h.richiestaPer(c, domain.OpModulo)
}

// erroriSportello are the messages of the declarations step at the counter,
// where the operator records declarations the applicant signed on paper.
var erroriSportello = map[string]string{
	"dpr445":       "Verifica sul modulo che il richiedente abbia reso e firmato la dichiarazione sostitutiva.",
	"privacy":      "Verifica sul modulo che il richiedente abbia firmato la presa visione dell'informativa privacy.",
	"riservatezza": "Verifica sul modulo che il richiedente abbia firmato l'impegno alle regole di riservatezza.",
}

// perLoSportello rewrites the errors of r for the operator, when r is a counter request.
func perLoSportello(r *domain.Richiesta, e domain.Errori) {
	if r.Percorso != domain.PercorsoSportello {
		return
	}
	for name, msg := range erroriSportello {
		if _, ok := e[name]; ok {
			e[name] = msg
		}
	}
}

// campiErrore lists every field of the step with its error, for the
// out-of-band answer of an inline check.
func campiErrore(r *domain.Richiesta, p domain.Passo, e domain.Errori) []views.Campo {
	var out []views.Campo
	names := []string{}
	for name := range campiTesto(r, p) {
		names = append(names, name)
	}
	switch p {
	case domain.PassoProfilo:
		names = append(names, "tipo", "profilo")
	case domain.PassoDichiarazioni:
		names = append(names, "dpr445", "privacy", "riservatezza")
	}
	for _, n := range names {
		out = append(out, views.Campo{Nome: n, Errore: e[n]})
	}
	return out
}
