package domain

import (
	"strings"
	"time"
)

// Hospital structures (DESIGN.md §2): a referente di presidio ospedaliero,
// once approved by a sede and activated, enables the structure's medici
// ospedalieri, suspends and revokes them. The sede that approved the
// referente sees them and can suspend any of them. Nobody files a request
// for this profile, so it is not in Profili.

// ProfiloMedicoOspedaliero is a doctor of a hospital structure, enabled by
// the structure's referente.
const ProfiloMedicoOspedaliero Profilo = "medico_ospedaliero"

// MedicoOspedaliero reports whether p is the profile a referente enables.
func (p Profilo) MedicoOspedaliero() bool { return p == ProfiloMedicoOspedaliero }

// Provvedimento is a suspension or a revocation of one enablement: who
// decided it, when, why, and whether it was the sede, whose suspension only
// the sede lifts.
type Provvedimento struct {
	Quando    time.Time `json:"quando"`
	Chi       uint64    `json:"chi"`
	DallaSede bool      `json:"dalla_sede,omitempty"`
	Motivo    string    `json:"motivo,omitempty"`
}

// InVigore reports whether the enablement can be used: activated, neither
// suspended nor revoked.
func (a Abilitazione) InVigore() bool {
	return !a.Attivata.IsZero() && a.Sospesa == nil && a.Revocata == nil
}

// Stato is the state of the enablement in Italian, with the colour of its
// badge.
func (a Abilitazione) Stato() (string, string) {
	switch {
	case a.Revocata != nil:
		return "Revocata", "danger"
	case a.Sospesa != nil && a.Sospesa.DallaSede:
		return "Sospesa dalla sede", "warning"
	case a.Sospesa != nil:
		return "Sospesa", "warning"
	case a.Attivata.IsZero():
		return "Da attivare", "secondary"
	}
	return "Attiva", "success"
}

// EtichettaStato and ColoreStato are Stato for the templates.
func (a Abilitazione) EtichettaStato() string { s, _ := a.Stato(); return s }
func (a Abilitazione) ColoreStato() string    { _, c := a.Stato(); return c }

// Rappresentata is the enablement by which u represents the structure
// codice: an activated referente's, in force, on an account that may log
// in. Nil when u does not represent it.
func (u *Utente) Rappresentata(codice string) *Abilitazione {
	if u == nil || u.Ruolo != RuoloRichiedente || u.Sospeso || u.Revocato || u.TOTP == nil || codice == "" {
		return nil
	}
	for i, a := range u.Abilitazioni {
		if a.Profilo.Referente() && a.CodiceStruttura == codice && a.InVigore() {
			return &u.Abilitazioni[i]
		}
	}
	return nil
}

// StruttureRappresentate are the codes of the structures u represents, in
// the order of its enablements.
func (u *Utente) StruttureRappresentate() []string {
	var out []string
	for _, a := range u.Abilitazioni {
		if a.Profilo.Referente() && u.Rappresentata(a.CodiceStruttura) != nil {
			out = append(out, a.CodiceStruttura)
		}
	}
	return out
}

// Referente reports whether u represents a structure, for the menu.
func (u *Utente) Referente() bool { return len(u.StruttureRappresentate()) > 0 }

// MedicoDi is u's enablement as a medico ospedaliero of the structure
// codice, revoked or not; nil when it has none.
func (u *Utente) MedicoDi(codice string) *Abilitazione {
	for i, a := range u.Abilitazioni {
		if a.Profilo.MedicoOspedaliero() && a.CodiceStruttura == codice {
			return &u.Abilitazioni[i]
		}
	}
	return nil
}

// OperazioneStruttura is something done to a structure's doctors.
type OperazioneStruttura string

// The operations on a structure's doctors.
const (
	OpVediStruttura  OperazioneStruttura = "vedi"     // list the doctors: the referente, the sede
	OpAbilitaMedico  OperazioneStruttura = "abilita"  // enable a doctor: the referente
	OpSospendiMedico OperazioneStruttura = "sospendi" // suspend or reactivate one: the referente, the sede
	OpRevocaMedico   OperazioneStruttura = "revoca"   // revoke one for good: the referente
	OpCodiceMedico   OperazioneStruttura = "codice"   // a new activation code, its letter: the referente
)

// Errors of ConsentiStruttura.
var (
	ErrStrutturaNonTrovata   = NonTrovato("Struttura non trovata tra quelle che puoi gestire.")
	ErrMedicoNonTrovato      = NonTrovato("Medico non trovato tra quelli della struttura.")
	errMedicoRevocato        = Conflitto("L'abilitazione del medico per questa struttura è revocata: per abilitarlo di nuovo inserisci i suoi dati nel modulo «Abilita un medico».")
	errSospesaDallaSede      = Conflitto("L'abilitazione è stata sospesa dalla sede Inail: solo la sede può riattivarla.")
	errSospesaDallaStruttura = Conflitto("L'abilitazione è stata sospesa dal referente della struttura: solo il referente può riattivarla.")
	errMedicoAttivo          = Conflitto("Il medico ha già attivato le credenziali: non serve un nuovo codice. Se ha perso l'app di autenticazione, si rivolga alla sede Inail.")
)

// ConsentiStruttura says whether chi may do op on the structure codice and,
// for the operations on a doctor, on the account medico (nil to enable one
// or to list them). A referente acts on the structures it represents; an
// operator sees and suspends the doctors enabled under its sede (by the
// referenti it approved); an administrator sees every structure. sospendi
// tells, for OpSospendiMedico, whether the doctor is suspended or
// reactivated.
func ConsentiStruttura(chi *Utente, op OperazioneStruttura, codice string, medico *Utente, sospendi bool) error {
	if chi == nil || codice == "" {
		return ErrStrutturaNonTrovata
	}
	dallaSede := false
	switch {
	case chi.Rappresentata(codice) != nil:
	case chi.Ruolo == RuoloOperatore && (op == OpVediStruttura || op == OpSospendiMedico):
		dallaSede = true
	case chi.Ruolo == RuoloAmministratore && op == OpVediStruttura:
		return nil
	default:
		return ErrStrutturaNonTrovata
	}
	if medico == nil {
		if op == OpVediStruttura || op == OpAbilitaMedico {
			return nil
		}
		return ErrMedicoNonTrovato
	}
	ab := medico.MedicoDi(codice)
	if ab == nil || medico.Ruolo != RuoloRichiedente || dallaSede && (chi.Sede == "" || ab.Sede != chi.Sede) {
		return ErrMedicoNonTrovato
	}
	switch op {
	case OpVediStruttura:
		return nil
	case OpSospendiMedico:
		switch {
		case ab.Revocata != nil:
			return errMedicoRevocato
		case sospendi && ab.Sospesa != nil:
			return Conflitto("L'abilitazione del medico è già sospesa.")
		case !sospendi && ab.Sospesa == nil:
			return Conflitto("L'abilitazione del medico non è sospesa.")
		case !sospendi && ab.Sospesa.DallaSede && !dallaSede:
			return errSospesaDallaSede
		case !sospendi && !ab.Sospesa.DallaSede && dallaSede:
			return errSospesaDallaStruttura
		}
		return nil
	case OpRevocaMedico:
		if ab.Revocata != nil {
			return Conflitto("L'abilitazione del medico è già revocata.")
		}
		return nil
	case OpCodiceMedico:
		switch {
		case ab.Revocata != nil:
			return errMedicoRevocato
		case medico.Sospeso || medico.Revocato:
			return Conflitto("L'account del medico è sospeso o revocato dalla sede Inail: rivolgiti alla sede.")
		case !ab.Attivata.IsZero():
			return errMedicoAttivo
		}
		return nil
	}
	return ErrMedicoNonTrovato
}

// NuovoMedico is what a referente types to enable a doctor of its
// structure.
type NuovoMedico struct {
	CodiceStruttura string
	CodiceFiscale   string
	Cognome, Nome   string
	Email           string
}

// Normalizza writes the data as they are stored.
func (m *NuovoMedico) Normalizza() {
	m.CodiceFiscale = NormalizzaCodiceFiscale(m.CodiceFiscale)
	m.Email = NormalizzaEmail(m.Email)
	m.Cognome, m.Nome = strings.Join(strings.Fields(m.Cognome), " "), strings.Join(strings.Fields(m.Nome), " ")
}

// Valida checks the doctor's data as those of a person registering: the
// codice fiscale well formed and matching the surname and name, and the
// e-mail address.
func (m *NuovoMedico) Valida(e Errori) {
	u := Utente{Ruolo: RuoloRichiedente, CodiceFiscale: m.CodiceFiscale, Cognome: m.Cognome, Nome: m.Nome, Email: m.Email}
	u.Valida(e, nil)
}

// AuditStruttura is the audited action of a referente or a sede on a
// structure's doctors: enabled, suspended, reactivated, revoked, a new code.
const AuditStruttura = "struttura"
