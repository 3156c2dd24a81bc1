package domain

import "time"

// Activation codes (DESIGN.md §4): an account's live two-part code, and an
// activation in progress once the code was accepted.

// Attivazione is an account's live activation code. Only the hashes of its
// two parts are kept (security.HashToken of the normalised parts). An
// account has at most one: issuing another replaces it, so the old code
// stops working.
type Attivazione struct {
	UtenteID   uint64 `json:"utente_id"`
	Parte1Hash string `json:"parte1_hash"`
	Parte2Hash string `json:"parte2_hash"`
	// Parte2Cifrata, when set, is part 2 sealed by security.Keyring with
	// ContestoParte2(Parte1Hash): the activation letter and the applicant's
	// own area show it. Nil when part 2 went by PEC.
	Parte2Cifrata []byte    `json:"parte2_cifrata,omitempty"`
	Creata        time.Time `json:"creata"`
	Scade         time.Time `json:"scade"`
	Motivo        string    `json:"motivo,omitempty"` // why it was issued, for the operator
	RichiestaID   uint64    `json:"richiesta_id,omitempty"`
	// Struttura is the code of the hospital structure whose referente
	// issued it to one of its doctors, and hands part 2 over.
	Struttura string `json:"struttura,omitempty"`
}

// Valida reports whether the code can still be used at now.
func (a *Attivazione) Valida(now time.Time) bool { return now.Before(a.Scade) }

// Completa reports whether a is a code that can be stored.
func (a *Attivazione) Completa() bool {
	return a.Parte1Hash != "" && a.Parte2Hash != "" && a.Scade.After(a.Creata)
}

// DurataAttivazione is how long an activation in progress waits for its
// next step; each step done extends it.
const DurataAttivazione = 30 * time.Minute

// PassoAttivazione is the next thing an activation in progress needs.
type PassoAttivazione string

// The steps of an activation, in order.
const (
	PassoPassword PassoAttivazione = "password" // choose the password
	PassoTOTP     PassoAttivazione = "totp"     // enrol the authenticator and confirm it with a code
	PassoRegole   PassoAttivazione = "regole"   // accept the confidentiality rules, which completes the activation
	PassoRecupero PassoAttivazione = "recupero" // receive the recovery codes
)

// AttivazioneInCorso is an activation after its code was accepted: the
// person holds a short-lived token (only its hash is the key) and goes
// through the steps. Nothing reaches the account until the last step, so an
// activation left half-way changes nothing.
type AttivazioneInCorso struct {
	UtenteID     uint64    `json:"utente_id"`
	Avviata      time.Time `json:"avviata"`
	Scade        time.Time `json:"scade"`
	PasswordHash string    `json:"password_hash,omitempty"`
	// SegretoTOTP is the secret being enrolled, sealed with
	// ContestoSegreto (before 2026-12 with ContestoSegretoTOTP of the
	// account).
	SegretoTOTP []byte `json:"segreto_totp,omitempty"`
	// Contesto is the token hash the activation began with: the secret stays
	// sealed for it when the activation moves to another token (resumed in
	// another browser). Empty in activations begun before it existed, which
	// use their own token hash.
	Contesto  string        `json:"contesto,omitempty"`
	PassoTOTP int64         `json:"passo_totp,omitempty"` // step of the code that confirmed the enrolment; 0 until then
	Regole    *Accettazione `json:"regole,omitempty"`
}

// ChiaveContesto is the token hash SegretoTOTP is sealed for, for the
// activation now held under tokenHash: the one it began with.
func (a *AttivazioneInCorso) ChiaveContesto(tokenHash string) string {
	if a.Contesto != "" {
		return a.Contesto
	}
	return tokenHash
}

// ContestoSegreto is the additional data SegretoTOTP is sealed with.
func (a *AttivazioneInCorso) ContestoSegreto(tokenHash string) []byte {
	return ContestoSegretoInAttivazione(a.ChiaveContesto(tokenHash))
}

// Passo is the step the activation is at.
func (a *AttivazioneInCorso) Passo() PassoAttivazione {
	switch {
	case a.PasswordHash == "":
		return PassoPassword
	case a.PassoTOTP == 0:
		return PassoTOTP
	case a.Regole == nil:
		return PassoRegole
	}
	return PassoRecupero
}

// ContestoSegretoInAttivazione is the additional data of a TOTP secret
// being enrolled in the activation whose token hash is given: it is known
// before the account is, so the first administrator's activation can open
// in the transaction that creates the account.
func ContestoSegretoInAttivazione(tokenHash string) []byte {
	return []byte("abilita/totp-in-attivazione/v1/" + tokenHash)
}
