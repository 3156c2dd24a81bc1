package domain

import "time"

// Scopo is what a single-use link is for.
type Scopo string

// The purposes of single-use links.
const (
	ScopoVerificaEmail Scopo = "verifica_email"
	ScopoResetPassword Scopo = "reset_password"
	ScopoSetupAdmin    Scopo = "setup_admin"
)

// Token is a single-use, expiring link. Only the hash of the secret is
// stored, so a copy of the database does not open anybody's account.
type Token struct {
	Scopo    Scopo     `json:"scopo"`
	UtenteID uint64    `json:"utente_id,omitempty"`
	Creato   time.Time `json:"creato"`
	Scade    time.Time `json:"scade"`
}

// Precompilata is a module filled in online without an account (path A),
// kept under the hash of its code until it expires or a counter request
// takes its data.
type Precompilata struct {
	Richiesta Richiesta `json:"richiesta"`
	Creata    time.Time `json:"creata"`
	Scade     time.Time `json:"scade"`
}

// DurataReset is how long a password reset link works.
const DurataReset = time.Hour
