package domain

import "time"

// The audited actions.
const (
	AuditVisualizzaDocumento = "visualizza_documento"
	AuditScaricaDocumento    = "scarica_documento"
	AuditDecisione           = "decisione"
	AuditPresaInCarico       = "presa_in_carico"
	AuditReinstradamento     = "reinstradamento"
	AuditRichiestaSportello  = "richiesta_sportello"
	AuditAccount             = "account"
	AuditSede                = "sede"
	AuditCredenziali         = "credenziali" // issuing, re-issuing and activating credentials
	AuditInvio               = "invio"
	AuditRegistrazione       = "registrazione"
	AuditPosta               = "posta"         // a message sent again, its address corrected
	AuditImpostazioni        = "impostazioni"  // the contacts of the privacy notice
	AuditAccessoForte        = "accesso_forte" // an account found or created by a strong sign-in (CNS, SPID, CIE)
	AuditComunicazione       = "comunicazione" // a message on a ticket of path B
)

// EventoAudit is one entry of the append-only audit log. Each entry carries
// the hash of the previous one, so changing or removing an entry breaks the
// chain from there on. The order and names of the fields are part of the
// hash: never change them.
type EventoAudit struct {
	ID        uint64    `json:"id"`
	Quando    time.Time `json:"quando"`
	Chi       uint64    `json:"chi"`
	Azione    string    `json:"azione"`
	Richiesta uint64    `json:"richiesta,omitempty"`
	IP        string    `json:"ip,omitempty"`
	Dettaglio string    `json:"dettaglio,omitempty"`
	Prec      string    `json:"prec"`
	Hash      string    `json:"hash"`
}
