package domain

// Who may do what (DESIGN.md §2): one function for requests and one for
// accounts. The store calls them inside the transaction that reads the
// record, so what is checked is what is written; pages that only show a
// record call them on the record they read.

// Operazione is something a user does to a request.
type Operazione string

// The operations on a request.
const (
	OpVedi           Operazione = "vedi"             // its author, or the staff of its sede
	OpSegui          Operazione = "segui"            // the applicant's own pages: its author
	OpModulo         Operazione = "modulo"           // its form, module and receipt: its author, on its path
	OpCompila        Operazione = "compila"          // edit, attach, submit a draft: its author, on its path
	OpAnnulla        Operazione = "annulla"          // withdraw: its author
	OpPrendiInCarico Operazione = "prendi_in_carico" // an operator of its sede
	OpLavora         Operazione = "lavora"           // checklist and decisions: the operator who has it
	OpRispondi       Operazione = "rispondi"         // answer a request for more information: its author
	OpScrivi         Operazione = "scrivi"           // a message on a ticket of path B: its author, the operators of its sede
	OpReinstrada     Operazione = "reinstrada"       // move it to another sede: an administrator
)

// ErrRichiestaNonTrovata answers a request that does not exist and one the
// user may not see alike, so that request numbers reveal nothing.
var ErrRichiestaNonTrovata = NonTrovato("Richiesta non trovata.")

var (
	errNonInCarico         = &Errore{Codice: ErrNonAmmesso, Messaggio: "Solo l'operatore che ha preso in carico la richiesta può lavorarla."}
	errGiaInviata          = Conflitto("La richiesta è già stata inviata e non può più essere modificata.")
	errConversazioneChiusa = Conflitto("La conversazione è chiusa: la richiesta è stata decisa o annullata.")
	errNonAttesa           = Conflitto("La sede non attende una tua risposta su questa richiesta: forse l'hai già inviata.")
)

// GiaInCarico refuses to take in charge a request another operator (or the
// same one) already has; the page names Operatore.
type GiaInCarico struct{ Operatore uint64 }

func (e *GiaInCarico) Error() string { return "La richiesta è già stata presa in carico." }

// CodiceErrore makes it a conflict.
func (e *GiaInCarico) CodiceErrore() Codice { return ErrConflitto }

// Consenti says whether u may do op to r: nil, or the error to show. It
// does not check the state machine, which Richiesta.Esegui does.
func Consenti(u *Utente, op Operazione, r *Richiesta) error {
	if u == nil {
		return ErrRichiestaNonTrovata
	}
	autore := r.Richiedente == u.ID
	switch op {
	case OpVedi:
		if autore || dellaSede(u, r) {
			return nil
		}
		return ErrRichiestaNonTrovata
	case OpSegui:
		if !autore {
			return ErrRichiestaNonTrovata
		}
		return nil
	case OpModulo, OpCompila:
		if !autore || !delPercorso(u, r) {
			return ErrRichiestaNonTrovata
		}
		if op == OpCompila && !r.Modificabile() {
			return errGiaInviata
		}
		return nil
	case OpAnnulla:
		if !autore || r.Percorso == PercorsoSportello {
			return ErrRichiestaNonTrovata
		}
		return nil
	case OpRispondi:
		if !autore || r.Percorso == PercorsoSportello {
			return ErrRichiestaNonTrovata
		}
		if i := r.UltimaIntegrazione(); r.Stato != StatoIntegrazioneRichiesta || i == nil || !i.Risposto.IsZero() {
			return errNonAttesa
		}
		return nil
	case OpScrivi:
		if !autore && (u.Ruolo != RuoloOperatore || !dellaSede(u, r)) {
			return ErrRichiestaNonTrovata
		}
		if !r.Conversazione() {
			return errConversazioneChiusa
		}
		return nil
	case OpPrendiInCarico:
		if u.Ruolo != RuoloOperatore || !dellaSede(u, r) {
			return ErrRichiestaNonTrovata
		}
		if r.Operatore != 0 && (r.Stato == StatoInLavorazione || r.Stato == StatoIntegrazioneRichiesta) {
			return &GiaInCarico{Operatore: r.Operatore}
		}
		return nil
	case OpLavora:
		if u.Ruolo != RuoloOperatore || !dellaSede(u, r) {
			return ErrRichiestaNonTrovata
		}
		if r.Operatore != u.ID {
			return errNonInCarico
		}
		return nil
	case OpReinstrada:
		if u.Ruolo != RuoloAmministratore || r.Stato == StatoBozza {
			return ErrRichiestaNonTrovata
		}
		switch r.Stato {
		case StatoInviata:
			return nil
		case StatoInLavorazione, StatoIntegrazioneRichiesta:
			return Conflitto("La richiesta è già in carico a un operatore della sede: si può cambiarne la sede solo prima della presa in carico.")
		}
		return Conflitto("La richiesta è conclusa (" + r.Stato.Etichetta() + "): non si può più cambiarne la sede.")
	}
	return ErrRichiestaNonTrovata
}

// dellaSede reports whether r is the business of u as staff: every
// submitted request for an administrator, those of its sede for an
// operator. Drafts are nobody's business but their author's.
func dellaSede(u *Utente, r *Richiesta) bool {
	switch {
	case r.Stato == StatoBozza:
		return false
	case u.Ruolo == RuoloAmministratore:
		return true
	}
	return u.Ruolo == RuoloOperatore && u.Sede != "" && r.Sede == u.Sede
}

// delPercorso reports whether the draft r belongs to u's path: operators
// record counter requests of their sede, applicants file the others.
func delPercorso(u *Utente, r *Richiesta) bool {
	sportello := r.Percorso == PercorsoSportello
	if sportello != (u.Ruolo == RuoloOperatore) {
		return false
	}
	return !sportello || r.Sede == u.Sede
}

// OperazioneAccount is something staff do to an account.
type OperazioneAccount string

// The operations on accounts.
const (
	OpSospendi       OperazioneAccount = "sospendi"        // suspend or reactivate
	OpRevoca         OperazioneAccount = "revoca"          // revoke for good
	OpAzzeraTOTP     OperazioneAccount = "azzera_totp"     // remove a lost authenticator
	OpRiemettiCodice OperazioneAccount = "riemetti_codice" // issue a new activation code
)

var (
	errNessunAccount      = NonTrovato("Nessun account di questa sede con questo codice fiscale.")
	errAccountStaff       = NonTrovato("Account non trovato.")
	errAccountRevocato    = Conflitto("L'account è stato revocato: non è possibile emettere nuove credenziali.")
	errSenzaAppDaAzzerare = Conflitto("L'account non ha un'app di autenticazione da azzerare: emetti un nuovo codice di attivazione.")
)

// ConsentiAccount says whether chi may do op to the account u. Operators
// act on the credential holders their sede enabled; administrators on
// operators and administrators.
func ConsentiAccount(chi *Utente, op OperazioneAccount, u *Utente) error {
	if chi == nil {
		return errNessunAccount
	}
	switch chi.Ruolo {
	case RuoloOperatore:
		if !AbilitatoDallaSede(u, chi.Sede) {
			return errNessunAccount
		}
		switch {
		case u.Revocato && op == OpRevoca:
			return Conflitto("L'account è già revocato.")
		case u.Revocato && op == OpSospendi:
			return Conflitto("L'account è revocato: non può essere sospeso né riattivato.")
		case u.Revocato:
			return errAccountRevocato
		case op == OpAzzeraTOTP && u.TOTP == nil:
			return errSenzaAppDaAzzerare
		}
		return nil
	case RuoloAmministratore:
		if u.Ruolo != RuoloOperatore && u.Ruolo != RuoloAmministratore {
			return errAccountStaff
		}
		switch op {
		case OpSospendi:
			if u.ID == chi.ID {
				return Conflitto("Non puoi sospendere il tuo stesso account.")
			}
			return nil
		case OpRiemettiCodice:
			if !u.DeveAttivare() {
				return Conflitto("L'account è già attivo: se la persona ha perso l'app di autenticazione, sospendi l'account e creane uno nuovo.")
			}
			return nil
		}
	}
	return errAccountStaff
}

// AbilitatoDallaSede reports whether u is a credential holder with an
// enablement given by sede.
func AbilitatoDallaSede(u *Utente, sede string) bool {
	if u.Ruolo != RuoloRichiedente || sede == "" {
		return false
	}
	for _, a := range u.Abilitazioni {
		if a.Sede == sede {
			return true
		}
	}
	return false
}

// errMessaggioNonTrovato answers a message the user may not see.
var errMessaggioNonTrovato = NonTrovato("Messaggio non trovato.")

// ConsentiPosta says whether u may act on the outbox message n (send it
// again, correct its address): an administrator on any, an operator on
// those of its sede. The messages of no sede (applicants' own links) are
// the administrators'.
func ConsentiPosta(u *Utente, n *Notifica) error {
	switch {
	case u == nil:
		return errMessaggioNonTrovato
	case u.Ruolo == RuoloAmministratore:
		return nil
	case u.Ruolo == RuoloOperatore && u.Sede != "" && n.Sede == u.Sede:
		return nil
	}
	return errMessaggioNonTrovato
}
