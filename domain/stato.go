package domain

import (
	"fmt"
	"time"
)

// Stato is the state of a request (DESIGN.md §3).
type Stato string

// The states of a request.
const (
	StatoBozza                 Stato = "bozza"
	StatoInviata               Stato = "inviata"
	StatoInLavorazione         Stato = "in_lavorazione"
	StatoIntegrazioneRichiesta Stato = "integrazione_richiesta"
	StatoApprovata             Stato = "approvata"
	StatoRespinta              Stato = "respinta"
	StatoAnnullata             Stato = "annullata"
	StatoAttiva                Stato = "attiva"
)

// Stati lists every state, in the order of the process.
var Stati = []Stato{StatoBozza, StatoInviata, StatoInLavorazione, StatoIntegrazioneRichiesta,
	StatoApprovata, StatoRespinta, StatoAnnullata, StatoAttiva}

// Etichetta is the Italian label of the state.
func (s Stato) Etichetta() string {
	switch s {
	case StatoBozza:
		return "Bozza"
	case StatoInviata:
		return "Inviata"
	case StatoInLavorazione:
		return "In lavorazione"
	case StatoIntegrazioneRichiesta:
		return "Integrazione richiesta"
	case StatoApprovata:
		return "Approvata"
	case StatoRespinta:
		return "Respinta"
	case StatoAnnullata:
		return "Annullata"
	case StatoAttiva:
		return "Credenziali attivate"
	}
	return string(s)
}

// Colore is the Bootstrap Italia badge colour that goes with the state.
func (s Stato) Colore() string {
	switch s {
	case StatoBozza, StatoAnnullata:
		return "secondary"
	case StatoInviata, StatoInLavorazione:
		return "primary"
	case StatoIntegrazioneRichiesta:
		return "warning"
	case StatoApprovata, StatoAttiva:
		return "success"
	case StatoRespinta:
		return "danger"
	}
	return "secondary"
}

// Azione is something that moves a request from one state to another.
type Azione string

// The actions of the state machine.
const (
	AzioneInvia              Azione = "invia"
	AzioneAnnulla            Azione = "annulla"
	AzionePrendiInCarico     Azione = "prendi_in_carico"
	AzioneApprova            Azione = "approva"
	AzioneRespingi           Azione = "respingi"
	AzioneChiediIntegrazione Azione = "chiedi_integrazione"
	AzioneRisposta           Azione = "risposta"
	AzioneAttiva             Azione = "attiva"
)

// transizioni is the whole state machine: from a state, an action leads to a state.
var transizioni = map[Stato]map[Azione]Stato{
	StatoBozza:                 {AzioneInvia: StatoInviata, AzioneAnnulla: StatoAnnullata},
	StatoInviata:               {AzionePrendiInCarico: StatoInLavorazione, AzioneAnnulla: StatoAnnullata},
	StatoInLavorazione:         {AzioneApprova: StatoApprovata, AzioneRespingi: StatoRespinta, AzioneChiediIntegrazione: StatoIntegrazioneRichiesta},
	StatoIntegrazioneRichiesta: {AzioneRisposta: StatoInLavorazione},
	StatoApprovata:             {AzioneAttiva: StatoAttiva},
}

// Prossimo returns the state that action leads to from s, or an error when the
// state machine does not allow it.
func Prossimo(s Stato, a Azione) (Stato, error) {
	if next, ok := transizioni[s][a]; ok {
		return next, nil
	}
	return "", &Errore{Codice: ErrConflitto, Messaggio: fmt.Sprintf("L'operazione non è possibile: la richiesta è nello stato «%s».", s.Etichetta())}
}

// Esegui applies action a to r on behalf of user chi, recording it in the
// history. It changes nothing when the transition is not allowed.
func (r *Richiesta) Esegui(a Azione, chi uint64, quando time.Time, nota string) error {
	next, err := Prossimo(r.Stato, a)
	if err != nil {
		return err
	}
	r.Storia = append(r.Storia, Evento{Quando: quando, Da: r.Stato, A: next, Chi: chi, Nota: nota})
	r.Stato = next
	r.Aggiornata = quando
	if a == AzioneInvia {
		r.Inviata = quando
	}
	return nil
}

// Annullabile reports whether the applicant may still withdraw the request.
func (r *Richiesta) Annullabile() bool {
	_, err := Prossimo(r.Stato, AzioneAnnulla)
	return err == nil
}

// Modificabile reports whether the applicant may still edit the request.
func (r *Richiesta) Modificabile() bool { return r.Stato == StatoBozza }

// One question per state, so that templates say .Stato.Respinta rather than
// compare with a literal a renamed state would silently stop matching.
func (s Stato) Bozza() bool                 { return s == StatoBozza }
func (s Stato) Inviata() bool               { return s == StatoInviata }
func (s Stato) InLavorazione() bool         { return s == StatoInLavorazione }
func (s Stato) IntegrazioneRichiesta() bool { return s == StatoIntegrazioneRichiesta }
func (s Stato) Approvata() bool             { return s == StatoApprovata }
func (s Stato) Respinta() bool              { return s == StatoRespinta }
func (s Stato) Annullata() bool             { return s == StatoAnnullata }
func (s Stato) Attiva() bool                { return s == StatoAttiva }
