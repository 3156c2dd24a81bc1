package domain

import "time"

// SchemaUtente is the version of the stored shape of a Utente.
const SchemaUtente = 1

// Ruolo is what a user may do in Abilita (DESIGN.md §2).
type Ruolo string

// The roles.
const (
	RuoloRichiedente    Ruolo = "richiedente" // utente generico: files and follows its requests
	RuoloOperatore      Ruolo = "operatore"
	RuoloAmministratore Ruolo = "amministratore"
)

// Etichetta is the Italian label of the role.
func (r Ruolo) Etichetta() string {
	switch r {
	case RuoloRichiedente:
		return "Utente generico"
	case RuoloOperatore:
		return "Operatore di sede"
	case RuoloAmministratore:
		return "Amministratore"
	}
	return string(r)
}

// Richiedente, Operatore and Amministratore ask which role r is, so that
// templates never compare role names.
func (r Ruolo) Richiedente() bool    { return r == RuoloRichiedente }
func (r Ruolo) Operatore() bool      { return r == RuoloOperatore }
func (r Ruolo) Amministratore() bool { return r == RuoloAmministratore }

// Utente is an account.
type Utente struct {
	Schema          int       `json:"schema"`
	ID              uint64    `json:"id"`
	Ruolo           Ruolo     `json:"ruolo"`
	Email           string    `json:"email"` // lower case; the login name of generic users
	CodiceFiscale   string    `json:"codice_fiscale,omitempty"`
	Cognome         string    `json:"cognome"`
	Nome            string    `json:"nome"`
	PasswordHash    string    `json:"password_hash,omitempty"`
	EmailVerificata time.Time `json:"email_verificata,omitzero"`
	Sede            string    `json:"sede,omitempty"` // operators only
	Sospeso         bool      `json:"sospeso,omitempty"`
	Creato          time.Time `json:"creato"`

	// Credentials (DESIGN.md §4); see credenziali.go.
	Abilitazioni     []Abilitazione `json:"abilitazioni,omitempty"`
	Revocato         bool           `json:"revocato,omitempty"`        // for good: a revoked user never logs in again
	TOTP             *TOTP          `json:"totp,omitempty"`            // nil until enrolment is confirmed
	CodiciRecupero   []string       `json:"codici_recupero,omitempty"` // security.HashToken of each normalised code, unused ones only
	Regole           *Accettazione  `json:"regole,omitempty"`          // the confidentiality rules accepted at activation
	PasswordCambiata time.Time      `json:"password_cambiata,omitzero"`
	// PasswordSostituita is the hash of the password of the generic account
	// that the activation of the credentials replaced: a holder who types it
	// is told why it no longer works (see PasswordSostituitaValida).
	PasswordSostituita string `json:"password_sostituita,omitempty"`
	// Forte is the strong credential (CNS, SPID, CIE) that verified the
	// identity behind CodiceFiscale, as of its last sign-in; nil for
	// accounts never signed in so.
	Forte *IdentitaForte `json:"forte,omitempty"`
}

// DurataPasswordSostituita is how long after the activation a holder who
// types its old password is told that the credentials replaced it.
const DurataPasswordSostituita = 90 * 24 * time.Hour

// PasswordSostituitaValida reports whether a login with the old password
// should still be told that the activation replaced it.
func (u *Utente) PasswordSostituitaValida(now time.Time) bool {
	return u.PasswordSostituita != "" && now.Sub(u.PasswordCambiata) < DurataPasswordSostituita
}

// Verificato reports whether the user proved it owns its e-mail address.
func (u *Utente) Verificato() bool { return !u.EmailVerificata.IsZero() }

// NomeCompleto is "Nome Cognome" as a greeting shows it.
func (u *Utente) NomeCompleto() string { return u.Nome + " " + u.Cognome }

// DurataNonConfermato is how long a registration waits for its e-mail
// address to be confirmed; then the account is removed.
const DurataNonConfermato = 7 * 24 * time.Hour

// NonConfermato reports whether u is a registration whose address was never
// confirmed and that holds nothing: no credentials, no authenticator. Such
// an account claims no codice fiscale, blocks nobody, and is removed after
// DurataNonConfermato.
func (u *Utente) NonConfermato() bool {
	return u.Ruolo == RuoloRichiedente && !u.Verificato() && len(u.Abilitazioni) == 0 && !u.Revocato && u.TOTP == nil
}

// Scaduto reports whether u is a registration never confirmed in time: it
// logs in no more, and the store removes it.
func (u *Utente) Scaduto(now time.Time) bool {
	return u.NonConfermato() && !now.Before(u.Creato.Add(DurataNonConfermato))
}

// IdentitaVerificata reports whether the identity behind u's codice fiscale
// was checked: by an operator, whose approval issued it credentials (or
// revoked them), or by a strong credential (CNS, SPID, CIE).
// Only such an account holds its codice fiscale, logs in with it, and
// receives credentials issued for it; the codice fiscale typed at
// registration claims nothing.
func (u *Utente) IdentitaVerificata() bool {
	return u.CodiceFiscale != "" && (len(u.Abilitazioni) > 0 || u.Revocato || u.Forte != nil)
}
