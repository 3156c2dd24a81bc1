package pdf

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"abilita/domain"
)

// titoloModulo is the title of the request module.
const titoloModulo = "Richiesta di abilitazione ai servizi telematici per la certificazione medica di infortunio e malattia professionale"

// The declarations the applicant signs, word for word.
const (
	dichiarazioneDPR445       = "Il/La sottoscritto/a, consapevole delle sanzioni penali previste dall'art. 76 del D.P.R. 28 dicembre 2000, n. 445 per le ipotesi di falsità in atti e dichiarazioni mendaci, dichiara ai sensi degli artt. 46 e 47 del medesimo decreto che i dati sopra riportati corrispondono al vero."
	dichiarazionePrivacy      = "Dichiara di aver preso visione dell'informativa sul trattamento dei dati personali ai sensi dell'art. 13 del Regolamento (UE) 2016/679."
	dichiarazioneRiservatezza = "Si impegna a custodire le credenziali con la massima riservatezza: a non comunicarle né cederle a terzi, a non consentirne l'uso ad altri e a non utilizzare credenziali altrui."
)

// Fixed sentences of the module.
const (
	designazione = "Il legale rappresentante o il direttore sanitario della struttura designa il/la richiedente quale referente del presidio ospedaliero per i servizi telematici Inail di certificazione medica di infortunio e malattia professionale."
	urgenza      = "Il/La richiedente chiede che la richiesta sia trattata con urgenza per il motivo indicato. Nei casi urgenti è consigliabile rivolgersi alla sede Inail più vicina."
	spazioFirme  = 4.0 // between the declarations and the signature boxes
)

// notaAllegati closes every page of the module.
const notaAllegati = "Allegare copia fronte/retro di un documento di riconoscimento in corso di validità."

// Modulo renders the request module pre-filled with the applicant's data, to be printed, signed and uploaded
// (or brought to the sede). Empty fields are left blank to be filled in by hand.
func Modulo(r *domain.Richiesta, s Sede, generato time.Time) ([]byte, error) {
	if r == nil {
		return nil, errors.New("pdf: richiesta mancante")
	}
	etichetta, rif := riferimento(r)
	return genera(impostazioniModulo(r, generato, rif, nil, []campo{
		casella("Sede Inail competente", sedeCompleta(r, s), 2.2),
		casella(etichetta, rif, 1),
		casella("Generato il", generato.In(roma).Format("02/01/2006"), 0.8),
	}, "Modulo precompilato con i dati inseriti. Verificare i dati, completare a mano le parti vuote, firmare e consegnare o caricare il modulo insieme al documento di riconoscimento."))
}

// ModuloConCodice is the module filled in with Precompila: it carries the
// code, printed and as a QR code, that loads its data into a request at the
// counter, in place of the draft or protocol number.
func ModuloConCodice(r *domain.Richiesta, s Sede, generato time.Time, c Codice) ([]byte, error) {
	if r == nil {
		return nil, errors.New("pdf: richiesta mancante")
	}
	cq, err := nuovoCodiceQR(c)
	if err != nil {
		return nil, err
	}
	return genera(impostazioniModulo(r, generato, "Codice "+c.Testo, cq, []campo{
		casella("Sede Inail competente", sedeCompleta(r, s), 2.2),
		casella(etichettaScadenza, c.Scade.In(roma).Format("02/01/2006"), 1),
		casella("Generato il", generato.In(roma).Format("02/01/2006"), 0.8),
	}, sottotitoloCodice))
}

// impostazioniModulo lays out the module named rif: the header with
// riferimenti and sottotitolo, then the sections of the request.
func impostazioniModulo(r *domain.Richiesta, generato time.Time, rif string, c *codiceQR, riferimenti []campo, sottotitolo string) impostazioni {
	return impostazioni{
		titolo:      titoloModulo,
		oggetto:     "Modulo di richiesta – " + rif,
		testata:     "Inail – Richiesta di abilitazione ai servizi telematici",
		riferimento: unisci(rif, r.NomeCompleto(), r.Anagrafica.CodiceFiscale),
		nota:        notaAllegati,
		generato:    generato,
		codice:      c,
		disegnaCorpo: func(d *documento) {
			d.intestazione(riferimenti, titoloModulo, sottotitolo)
			moduloRichiedente(d, r)
			moduloProfessione(d, r)
			moduloDocumento(d, r)
			moduloDichiarazioni(d, r)
		},
	}
}

func moduloRichiedente(d *documento, r *domain.Richiesta) {
	d.sezione("Tipo di richiesta e profilo")
	d.scelte("Tipo di richiesta", etichette(domain.TipiRichiesta), slices.Index(domain.TipiRichiesta, r.Tipo))
	d.scelte("Profilo richiesto", etichette(domain.Profili), slices.Index(domain.Profili, r.Profilo))

	a := r.Anagrafica
	d.sezione("Dati anagrafici")
	d.riga(casella("Cognome", a.Cognome, 1), casella("Nome", a.Nome, 1))
	d.riga(casella("Codice fiscale", a.CodiceFiscale, 1.3), casella("Sesso (M/F)", a.Sesso, 0.6),
		casella("Data di nascita", dataModulo(a.DataNascita), 0.9), casella("Cittadinanza", a.Cittadinanza, 1.2))
	d.riga(casella("Comune o Stato estero di nascita", a.LuogoNascita, 3.4), casella("Provincia", a.ProvinciaNascita, 0.6))

	res := r.Residenza
	d.sezione("Residenza")
	d.riga(casella("Indirizzo (via, numero civico)", res.Indirizzo, 3.4), casella("CAP", res.CAP, 0.6))
	d.riga(casella("Comune", res.Comune, 3.4), casella("Provincia", res.Provincia, 0.6))

	d.sezione("Recapiti")
	d.riga(casella("E-mail", r.Contatti.Email, 1.4), casella("PEC", r.Contatti.PEC, 1.4), casella("Telefono", r.Contatti.Telefono, 0.9))
}

// moduloProfessione prints the sections that belong to the requested profile only.
func moduloProfessione(d *documento, r *domain.Richiesta) {
	if r.Profilo.Medico() {
		o := r.Ordine
		d.sezione("Iscrizione all'Ordine dei Medici")
		d.riga(casella("Ordine dei Medici Chirurghi e degli Odontoiatri della provincia di", o.Provincia, 1.9),
			casella("Numero di iscrizione", o.Numero, 1), casella("Data di iscrizione", dataModulo(o.DataIscrizione), 0.9))
	}
	switch r.Profilo {
	case domain.ProfiloReferentePresidio:
		s := r.Struttura
		d.sezione("Struttura sanitaria (referente di presidio ospedaliero)")
		d.riga(casella("Denominazione della struttura", s.Denominazione, 3), casella("Codice struttura", s.Codice, 1))
		d.riga(casella("ASL / Azienda ospedaliera", s.Azienda, 2), casella("PEC della struttura", s.PEC, 2))
		d.riga(casella("Indirizzo della struttura", s.Indirizzo, 1))
		firme := []campo{casella("Firmatario della designazione (nome, cognome e qualifica)", s.FirmatarioDesignazione, 1),
			firma("Firma del legale rappresentante / direttore sanitario", 1)}
		d.spazio(d.altezzaParagrafo(designazione, "", 9) + d.altezzaRiga(firme...)) // the signature stays with what it signs
		d.paragrafo(designazione, "", 9, nero)
		d.riga(firme...)
	case domain.ProfiloMedicoPatronato:
		p := r.Patronato
		d.sezione("Patronato (medico di patronato)")
		d.riga(casella("Denominazione del patronato", p.Denominazione, 2), casella("Sede del patronato", p.Sede, 1.5),
			casella("Codice fiscale del patronato", p.CodiceFiscale, 1.2))
	}
}

func moduloDocumento(d *documento, r *domain.Richiesta) {
	doc := r.Documento
	d.sezione("Documento di riconoscimento")
	d.riga(casella("Tipo di documento", doc.Tipo, 1.4), casella("Numero", doc.Numero, 1), casella("Rilasciato da", doc.RilasciatoDa, 1.6))
	d.riga(casella("Data di rilascio", dataModulo(doc.DataRilascio), 1), casella("Data di scadenza", dataModulo(doc.DataScadenza), 1))

	if r.Urgente {
		d.sezione("Urgenza")
		motivo := casella("Motivo dell'urgenza", r.MotivoUrgenza, 1)
		d.spazio(d.altezzaParagrafo(urgenza, "", 9) + d.altezzaRiga(motivo))
		d.paragrafo(urgenza, "", 9, nero)
		d.riga(motivo)
	}
}

func moduloDichiarazioni(d *documento, r *domain.Richiesta) {
	d.sezione("Dichiarazioni")
	dichiarazioni := []struct {
		testo string
		resa  bool
	}{
		{dichiarazioneDPR445, r.Dichiarazioni.DPR445},
		{dichiarazionePrivacy, r.Dichiarazioni.Privacy},
		{dichiarazioneRiservatezza, r.Dichiarazioni.Riservatezza},
	}
	firme := []campo{firma("Luogo e data", 1), firma("Firma del richiedente", 1.4)}
	// The declarations and the signature under them stay on one page.
	h := spazioFirme + d.altezzaRiga(firme...)
	for _, x := range dichiarazioni {
		h += d.altezzaDichiarazione(x.testo)
	}
	d.spazio(h)
	for _, x := range dichiarazioni {
		d.dichiarazione(x.testo, x.resa)
	}
	d.f.Ln(spazioFirme)
	d.riga(firme...)
}

type etichettato interface{ Etichetta() string }

func etichette[T etichettato](valori []T) []string {
	out := make([]string, len(valori))
	for i, v := range valori {
		out[i] = v.Etichetta()
	}
	return out
}

// riferimento names the request: its protocol once submitted, its draft number before.
func riferimento(r *domain.Richiesta) (etichetta, valore string) {
	if r.Protocollo != "" {
		return "Protocollo", r.Protocollo
	}
	if r.ID == 0 {
		return "Riferimento", "Bozza"
	}
	return "Riferimento", fmt.Sprintf("Bozza n. %d", r.ID)
}

// sedeNome is the office's name, falling back on its code.
func sedeNome(r *domain.Richiesta, s Sede) string {
	switch {
	case s.Nome != "" && s.Codice != "":
		return s.Nome + " (" + s.Codice + ")"
	case s.Nome != "":
		return s.Nome
	case s.Codice != "":
		return s.Codice
	}
	return r.Sede
}

// unisci joins the non-empty parts with dashes.
func unisci(parti ...string) string {
	var piene []string
	for _, p := range parti {
		if p = strings.TrimSpace(p); p != "" {
			piene = append(piene, p)
		}
	}
	return strings.Join(piene, " – ")
}

func sedeCompleta(r *domain.Richiesta, s Sede) string {
	return strings.TrimSpace(sedeNome(r, s) + "\n" + s.Indirizzo)
}

// vuotoData is printed where a date is missing, to be written by hand.
const vuotoData = "____/____/________"

// dataModulo turns the domain's YYYY-MM-DD into dd/mm/yyyy, or a blank line to fill in.
func dataModulo(s string) string {
	if s == "" {
		return vuotoData
	}
	return dataIT(s)
}

// dataIT turns the domain's YYYY-MM-DD into dd/mm/yyyy; anything else is printed as it is.
func dataIT(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return t.Format("02/01/2006")
}
