package domain

import "strings"

// The messages a request's life sends to its applicant. They are composed
// when they are delivered, from the stored request (Messaggio.Modello): the
// transaction that queues them only decides who gets them and why.
const (
	ModelloRicevuta     = "ricevuta"               // submitted: the acknowledgement with the receipt PDF
	ModelloApprovata    = "esito_approvata"        // approved
	ModelloRespinta     = "esito_respinta"         // rejected, with the reasons
	ModelloIntegrazione = "integrazione_richiesta" // more information asked
)

// MessaggiEsito are the messages of an event of r with template modello:
// an e-mail to the applicant's address and one by PEC to each PEC address
// it gave (the structure's too, for a referente di presidio). oggetto is
// their subject as the outbox pages show it.
func MessaggiEsito(r *Richiesta, modello, oggetto string) []Messaggio {
	var out []Messaggio
	if r.Contatti.Email != "" {
		out = append(out, Messaggio{To: []string{r.Contatti.Email}, Subject: oggetto, Kind: MessaggioEmail, Modello: modello})
	}
	for _, pec := range r.DestinatariPEC() {
		out = append(out, Messaggio{To: []string{pec}, Subject: oggetto, Kind: MessaggioPEC, Modello: modello})
	}
	return out
}

// DestinatariPEC are the applicant's PEC and, for a referente di presidio,
// the structure's, once each.
func (r *Richiesta) DestinatariPEC() []string {
	var out []string
	if r.Contatti.PEC != "" {
		out = append(out, r.Contatti.PEC)
	}
	if s := r.Struttura.PEC; r.Profilo == ProfiloReferentePresidio && s != "" && !strings.EqualFold(s, r.Contatti.PEC) {
		out = append(out, s)
	}
	return out
}

// CopiaDati copies into r the data of the form in d, as the applicant
// saves a step: everything but what belongs to the life of the request.
func (r *Richiesta) CopiaDati(d *Richiesta) {
	r.CopiaModulo(d)
	r.Dichiarazioni = d.Dichiarazioni
}

// CopiaModulo copies into r what the applicant filled in on modulo, and
// nothing that belongs to the life of a request (state, owner, sede,
// history, attachments). The declarations are not copied: the applicant
// makes them by signing the module in front of the operator.
func (r *Richiesta) CopiaModulo(modulo *Richiesta) {
	r.Tipo, r.Profilo = modulo.Tipo, modulo.Profilo
	r.Anagrafica, r.Residenza, r.Contatti = modulo.Anagrafica, modulo.Residenza, modulo.Contatti
	r.Ordine, r.Struttura, r.Patronato = modulo.Ordine, modulo.Struttura, modulo.Patronato
	r.Documento = modulo.Documento
	r.Urgente, r.MotivoUrgenza = modulo.Urgente, modulo.MotivoUrgenza
}
