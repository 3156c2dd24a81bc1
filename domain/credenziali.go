package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// VersioneRegole is the version of the confidentiality rules a credential
// holder accepts at activation (DESIGN.md §1.4). Change it whenever their
// text changes, so that the acceptance on record names the text accepted.
const VersioneRegole = "2026-1"

// Abilitazione is a profile an approved request enabled on an account.
type Abilitazione struct {
	Profilo         Profilo   `json:"profilo"`
	CodiceMedico    string    `json:"codice_medico,omitempty"`    // medici: the never-reused code given at approval
	CodiceStruttura string    `json:"codice_struttura,omitempty"` // referenti di presidio: the structure represented
	Sede            string    `json:"sede,omitempty"`             // the sede that approved it
	Dal             time.Time `json:"dal"`                        // approval
	RichiestaID     uint64    `json:"richiesta_id"`
	// Attivata is when the holder completed the activation that followed
	// the approval; zero while the activation is pending.
	Attivata time.Time `json:"attivata,omitzero"`

	// Medici ospedalieri (struttura.go): the structure's name and the
	// referente who enabled the doctor; Sede is that of the referente's
	// approval. Sospesa and Revocata concern this enablement alone, not
	// the account, which may hold others.
	Struttura string         `json:"struttura,omitempty"`
	Referente uint64         `json:"referente,omitempty"`
	Sospesa   *Provvedimento `json:"sospesa,omitempty"`
	Revocata  *Provvedimento `json:"revocata,omitempty"`
}

// TOTP is an account's enrolled authenticator.
type TOTP struct {
	// SegretoCifrato is the secret sealed by security.Keyring with
	// ContestoSegretoTOTP(user id) as additional data; never stored in clear.
	SegretoCifrato []byte `json:"segreto_cifrato"`
	// UltimoPasso is the last TOTP step accepted, the enrolment code
	// included: a code is accepted once (security.VerificaTOTP).
	UltimoPasso int64     `json:"ultimo_passo"`
	Attivato    time.Time `json:"attivato"`
}

// Accettazione records which version of a text a user accepted, and when.
type Accettazione struct {
	Versione string    `json:"versione"`
	Quando   time.Time `json:"quando"`
}

// RichiedeTOTP reports whether the user must give a TOTP code (or a recovery
// code) after its password: operators and administrators always, anybody
// who enrolled an authenticator, and anybody who activated an Abilitazione.
// A generic user whose request was approved but who has not activated yet
// still logs in with its password alone, so it can read part 2 of the
// activation code in its own area.
func (u *Utente) RichiedeTOTP() bool {
	if u.Ruolo == RuoloOperatore || u.Ruolo == RuoloAmministratore || u.TOTP != nil {
		return true
	}
	for _, a := range u.Abilitazioni {
		if !a.Attivata.IsZero() {
			return true
		}
	}
	return false
}

// DeveAttivare reports whether the user needs a TOTP code but has no
// authenticator (never activated, or reset by an operator): it cannot log
// in until it completes an activation with a new code.
func (u *Utente) DeveAttivare() bool { return u.RichiedeTOTP() && u.TOTP == nil }

// Attivo reports whether the account may log in at all: it has a password
// or signs in with a strong credential, and is neither suspended nor revoked.
func (u *Utente) Attivo() bool {
	return !u.Sospeso && !u.Revocato && (u.PasswordHash != "" || u.Forte != nil)
}

// ContestoSegretoTOTP is the additional data a user's TOTP secret is sealed
// with, so that a sealed secret moved onto another record does not open.
func ContestoSegretoTOTP(utenteID uint64) []byte {
	return []byte("abilita/totp/v1/" + strconv.FormatUint(utenteID, 10))
}

// ContestoParte2 is the additional data part 2 of an activation code is
// sealed with, for the activation letter and the applicant's own area: it
// binds the sealed part to its code, whose part 1 hash is known before the
// account that receives it is (a counter applicant's is created with the
// approval).
func ContestoParte2(parte1Hash string) []byte {
	return []byte("abilita/attivazione-parte2/v2/" + parte1Hash)
}

// ContestoParte2Utente is the additional data of the codes sealed before
// ContestoParte2 existed, bound to the account; they open with it until
// they expire.
func ContestoParte2Utente(utenteID uint64) []byte {
	return []byte("abilita/attivazione-parte2/v1/" + strconv.FormatUint(utenteID, 10))
}

// MetodoAccesso is how a login was attempted or completed.
type MetodoAccesso string

// The ways of logging in.
const (
	MetodoPassword MetodoAccesso = "password" // the password alone, or its check before the second factor
	MetodoTOTP     MetodoAccesso = "totp"     // password and authenticator code
	MetodoRecupero MetodoAccesso = "recupero" // password and recovery code
)

// Etichetta is the Italian label of the method.
func (m MetodoAccesso) Etichetta() string {
	switch m {
	case MetodoPassword:
		return "Password"
	case MetodoTOTP:
		return "Password e codice dell'app di autenticazione"
	case MetodoRecupero:
		return "Password e codice di recupero"
	case MetodoCNS:
		return "Carta nazionale dei servizi"
	case MetodoOIDC:
		return "SPID o CIE"
	}
	return string(m)
}

// Dispositivo is the kind of browser a login came from: browser family and
// operating system, without versions, so that updates do not make a known
// device look new.
type Dispositivo struct {
	Impronta string // stable hash of Nome, what is compared
	Nome     string // "Firefox su Linux", what the user reads
}

// DispositivoDa recognises the device of a User-Agent header.
func DispositivoDa(userAgent string) Dispositivo {
	nome := browserDi(userAgent) + " su " + sistemaDi(userAgent)
	sum := sha256.Sum256([]byte(nome))
	return Dispositivo{Impronta: hex.EncodeToString(sum[:8]), Nome: nome}
}

// famiglia pairs a marker found in a User-Agent with the name it stands for.
type famiglia struct{ marker, nome string }

// Order matters: Edge and Opera also say Chrome, Chrome also says Safari,
// Android also says Linux, iOS also says Mac OS X.
var (
	browsers = []famiglia{
		{"Edg", "Edge"}, {"OPR/", "Opera"}, {"Opera", "Opera"}, {"SamsungBrowser", "Samsung Internet"},
		{"Firefox/", "Firefox"}, {"FxiOS", "Firefox"}, {"CriOS", "Chrome"}, {"Chrome/", "Chrome"},
		{"Chromium/", "Chrome"}, {"Safari/", "Safari"},
	}
	sistemi = []famiglia{
		{"Windows", "Windows"}, {"Android", "Android"}, {"iPhone", "iOS"}, {"iPad", "iOS"}, {"iPod", "iOS"},
		{"CrOS", "ChromeOS"}, {"Mac OS X", "macOS"}, {"Macintosh", "macOS"}, {"Linux", "Linux"},
	}
)

func browserDi(ua string) string { return cerca(ua, browsers, "Browser sconosciuto") }

func sistemaDi(ua string) string { return cerca(ua, sistemi, "sistema sconosciuto") }

func cerca(ua string, famiglie []famiglia, altrimenti string) string {
	for _, f := range famiglie {
		if strings.Contains(ua, f.marker) {
			return f.nome
		}
	}
	return altrimenti
}
