package domain

import (
	"strings"
	"time"

	"abilita/cf"
)

// Valida checks the fields of one step of the form as of the day oggi and
// returns the errors to show next to them.
func (r *Richiesta) Valida(p Passo, oggi time.Time) Errori {
	e := Errori{}
	switch p {
	case PassoProfilo:
		r.validaProfilo(e)
	case PassoAnagrafica:
		r.validaAnagrafica(e, oggi)
	case PassoProfessione:
		r.validaProfessione(e, oggi)
	case PassoDocumento:
		r.validaDocumento(e, oggi)
	case PassoDichiarazioni:
		r.validaDichiarazioni(e)
	case PassoAllegati:
		for _, t := range TipiAllegato {
			if _, ok := r.Allegati[t]; !ok {
				e.Add(string(t), "Carica il file: «"+t.Etichetta()+"».")
			}
		}
	}
	return e
}

// ValidaTutto checks every step; it returns the first step with errors, or "".
func (r *Richiesta) ValidaTutto(oggi time.Time) (Passo, Errori) {
	for _, p := range Passi {
		if e := r.Valida(p, oggi); len(e) > 0 {
			return p, e
		}
	}
	return "", nil
}

func (r *Richiesta) validaProfilo(e Errori) {
	if !contiene(TipiRichiesta, r.Tipo) {
		e.Add("tipo", "Scegli il tipo di richiesta.")
	}
	if !contiene(Profili, r.Profilo) {
		e.Add("profilo", "Scegli il profilo per cui chiedi l'abilitazione.")
	}
}

func (r *Richiesta) validaAnagrafica(e Errori, oggi time.Time) {
	a := &r.Anagrafica
	for _, f := range []struct{ field, v, nome string }{{"cognome", a.Cognome, "il cognome"}, {"nome", a.Nome, "il nome"}} {
		if richiesto(e, f.field, f.v, "Indica "+f.nome+".") && !reNome.MatchString(f.v) {
			e.Add(f.field, "Usa solo lettere, spazi, apostrofi e trattini.")
		}
	}
	if a.Sesso != "M" && a.Sesso != "F" {
		e.Add("sesso", "Indica il sesso come riportato sul documento.")
	}
	nascita, okNascita := data(e, "data_nascita", a.DataNascita, "la data di nascita")
	if okNascita {
		switch {
		case nascita.After(giorno(oggi)):
			e.Add("data_nascita", "La data di nascita non può essere nel futuro.")
		case nascita.AddDate(cf.EtaMinima, 0, 0).After(giorno(oggi)):
			e.Add("data_nascita", "Il richiedente deve essere maggiorenne.")
		}
	}
	if richiesto(e, "luogo_nascita", a.LuogoNascita, "Indica il comune o lo stato estero di nascita.") && okNascita {
		r.risolviLuogoNascita(e, nascita)
	}
	richiesto(e, "cittadinanza", a.Cittadinanza, "Indica la cittadinanza.")
	r.validaCodiceFiscale(e, nascita, okNascita && a.CodiceLuogo != "", oggi)

	res := &r.Residenza
	richiesto(e, "res_indirizzo", res.Indirizzo, "Indica l'indirizzo di residenza.")
	if richiesto(e, "res_cap", res.CAP, "Indica il CAP.") && !reCAP.MatchString(res.CAP) {
		e.Add("res_cap", "Il CAP è formato da 5 cifre.")
	}
	if richiesto(e, "res_comune", res.Comune, "Indica il comune di residenza.") {
		// The province follows from the comune, as the birth province does;
		// it is asked only of a name that several comuni share.
		luoghi, ok := cf.TrovaComune(res.Comune, res.Provincia, oggi)
		switch {
		case !ok || len(luoghi) == 0:
			e.Add("res_comune", "Comune non trovato: controlla il nome e la provincia.")
		case len(luoghi) > 1:
			e.Add("res_provincia", "Più comuni hanno questo nome: indica la provincia.")
		default:
			res.Provincia = luoghi[0].Provincia
		}
	}
	if richiesto(e, "email", r.Contatti.Email, "Indica l'indirizzo e-mail.") && !EmailValida(r.Contatti.Email) {
		e.Add("email", "L'indirizzo e-mail non è valido (esempio: nome@dominio.it).")
	}
	if r.Contatti.PEC != "" && !EmailValida(r.Contatti.PEC) {
		e.Add("pec", "L'indirizzo PEC non è valido (esempio: nome@pec.it).")
	}
	if r.Contatti.Telefono != "" && !reTelefono.MatchString(r.Contatti.Telefono) {
		e.Add("telefono", "Il numero di telefono può contenere solo cifre, spazi e il prefisso +.")
	}
}

// risolviLuogoNascita turns the typed birthplace into its Belfiore code,
// as valid on the birth date.
func (r *Richiesta) risolviLuogoNascita(e Errori, nascita time.Time) {
	a := &r.Anagrafica
	a.CodiceLuogo = ""
	if a.ProvinciaNascita == "EE" || a.ProvinciaNascita == "" {
		if l, ok := cf.TrovaStato(a.LuogoNascita, nascita); ok {
			a.CodiceLuogo, a.ProvinciaNascita = l.Codice, "EE"
			return
		}
		if a.ProvinciaNascita == "EE" {
			e.Add("luogo_nascita", "Stato estero non trovato: controlla il nome.")
			return
		}
	}
	luoghi, ok := cf.TrovaComune(a.LuogoNascita, a.ProvinciaNascita, nascita)
	switch {
	case !ok || len(luoghi) == 0:
		e.Add("luogo_nascita", "Comune non trovato alla data di nascita: controlla il nome e la provincia.")
	case len(luoghi) > 1:
		e.Add("provincia_nascita", "Più comuni hanno questo nome: indica la provincia.")
	default:
		a.CodiceLuogo, a.ProvinciaNascita = luoghi[0].Codice, luoghi[0].Provincia
	}
}

func (r *Richiesta) validaCodiceFiscale(e Errori, nascita time.Time, luogoOK bool, oggi time.Time) {
	a := &r.Anagrafica
	if !richiesto(e, "codice_fiscale", a.CodiceFiscale, "Indica il codice fiscale.") {
		return
	}
	c, err := cf.Parse(a.CodiceFiscale)
	if err != nil {
		e.Add("codice_fiscale", err.Error())
		return
	}
	a.CodiceFiscale = c.String()
	dich := cf.Anagrafica{Cognome: a.Cognome, Nome: a.Nome, Sesso: a.Sesso, DataNascita: nascita, CodiceLuogo: a.CodiceLuogo}
	if !luogoOK {
		dich.CodiceLuogo = c.CodiceLuogo() // the birthplace has its own error already
	}
	if nascita.IsZero() {
		dich.DataNascita = c.DataNascita(oggi)
	}
	for _, p := range cf.Verifica(c, dich) {
		e.Add(p.Campo, p.Messaggio)
	}
}

// ComuneResidenza resolves the comune of residence as of oggi.
func (r *Richiesta) ComuneResidenza(oggi time.Time) (cf.Luogo, bool) {
	luoghi, ok := cf.TrovaComune(r.Residenza.Comune, r.Residenza.Provincia, oggi)
	if !ok || len(luoghi) != 1 {
		return cf.Luogo{}, false
	}
	return luoghi[0], true
}

func (r *Richiesta) validaProfessione(e Errori, oggi time.Time) {
	switch r.Profilo {
	case ProfiloMedicoEsterno, ProfiloMedicoPatronato:
		o := &r.Ordine
		if richiesto(e, "ordine_provincia", o.Provincia, "Indica la provincia dell'Ordine dei Medici.") && !provinciaValida(o.Provincia) {
			e.Add("ordine_provincia", "Sigla di provincia non valida.")
		}
		if richiesto(e, "ordine_numero", o.Numero, "Indica il numero di iscrizione all'Ordine.") && !reNumero.MatchString(o.Numero) {
			e.Add("ordine_numero", "Il numero di iscrizione può contenere solo lettere, cifre, / e -.")
		}
		if t, ok := data(e, "ordine_data", o.DataIscrizione, "la data di iscrizione all'Ordine"); ok && t.After(giorno(oggi)) {
			e.Add("ordine_data", "La data di iscrizione non può essere nel futuro.")
		}
		if r.Profilo == ProfiloMedicoPatronato {
			richiesto(e, "pat_denominazione", r.Patronato.Denominazione, "Indica il patronato.")
			richiesto(e, "pat_sede", r.Patronato.Sede, "Indica la sede del patronato.")
		}
	case ProfiloReferentePresidio:
		s := &r.Struttura
		richiesto(e, "str_denominazione", s.Denominazione, "Indica la denominazione della struttura.")
		if richiesto(e, "str_codice", s.Codice, "Indica il codice della struttura.") && !reNumero.MatchString(s.Codice) {
			e.Add("str_codice", "Il codice struttura può contenere solo lettere, cifre, / e -.")
		}
		richiesto(e, "str_azienda", s.Azienda, "Indica l'ASL o l'azienda ospedaliera.")
		richiesto(e, "str_indirizzo", s.Indirizzo, "Indica l'indirizzo della struttura.")
		if richiesto(e, "str_pec", s.PEC, "Indica la PEC della struttura.") && !EmailValida(s.PEC) {
			e.Add("str_pec", "L'indirizzo PEC non è valido.")
		}
		richiesto(e, "str_firmatario", s.FirmatarioDesignazione, "Indica chi firma la designazione (legale rappresentante o direttore sanitario).")
	default:
		e.Add("profilo", "Scegli prima il profilo.")
	}
}

func (r *Richiesta) validaDocumento(e Errori, oggi time.Time) {
	d := &r.Documento
	if !contiene(TipiDocumento, d.Tipo) {
		e.Add("doc_tipo", "Scegli il tipo di documento.")
	}
	if richiesto(e, "doc_numero", d.Numero, "Indica il numero del documento.") && !reNumero.MatchString(strings.ReplaceAll(d.Numero, " ", "")) {
		e.Add("doc_numero", "Il numero del documento può contenere solo lettere e cifre.")
	}
	richiesto(e, "doc_rilasciato_da", d.RilasciatoDa, "Indica l'ente che ha rilasciato il documento.")
	rilascio, okR := data(e, "doc_rilascio", d.DataRilascio, "la data di rilascio")
	if okR && rilascio.After(giorno(oggi)) {
		e.Add("doc_rilascio", "La data di rilascio non può essere nel futuro.")
	}
	scadenza, okS := data(e, "doc_scadenza", d.DataScadenza, "la data di scadenza")
	if okS && scadenza.Before(giorno(oggi)) {
		e.Add("doc_scadenza", "Il documento è scaduto: serve un documento in corso di validità.")
	}
	if okR && okS && !scadenza.After(rilascio) {
		e.Add("doc_scadenza", "La data di scadenza deve essere successiva a quella di rilascio.")
	}
}

func (r *Richiesta) validaDichiarazioni(e Errori) {
	d := r.Dichiarazioni
	if !d.DPR445 {
		e.Add("dpr445", "Per inviare la richiesta devi rendere la dichiarazione sostitutiva.")
	}
	if !d.Privacy {
		e.Add("privacy", "Per inviare la richiesta devi dichiarare di aver letto l'informativa privacy.")
	}
	if !d.Riservatezza {
		e.Add("riservatezza", "Per inviare la richiesta devi accettare le regole di riservatezza delle credenziali.")
	}
	if r.Urgente {
		richiesto(e, "motivo_urgenza", r.MotivoUrgenza, "Spiega il motivo dell'urgenza.")
	}
}

func provinciaValida(s string) bool {
	if !reSigla.MatchString(s) {
		return false
	}
	for _, p := range cf.Province() {
		if p == s {
			return true
		}
	}
	return false
}

func contiene[T comparable](xs []T, x T) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
