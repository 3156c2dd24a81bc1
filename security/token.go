package security

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"abilita/domain"
)

// NewToken returns 32 random bytes in unpadded base64url: 256 bits for
// session ids, links sent by e-mail and similar bearer secrets.
func NewToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails; it crashes the program instead
	return base64.RawURLEncoding.EncodeToString(b)
}

// crockford is Crockford's base32 alphabet: no I, L, O or U, so a code read
// aloud or copied from paper is hard to get wrong.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewCode returns a random code carrying at least bits bits, in upper-case
// Crockford base32 (5 bits a character), for codes people type, such as the
// two halves of an activation code. Show it with FormatCode; read user input
// back with NormalizeCode. It panics if bits < 1.
func NewCode(bits int) string {
	if bits < 1 {
		panic("security: NewCode needs at least one bit")
	}
	b := make([]byte, (bits+4)/5)
	_, _ = rand.Read(b)
	for i, v := range b {
		// 256 is a multiple of 32, so the low 5 bits of a random byte are uniform.
		b[i] = crockford[v&31]
	}
	return string(b)
}

// FormatCode groups a code by four characters with hyphens for reading:
// "ABCDEFGHJK" becomes "ABCD-EFGH-JK".
func FormatCode(code string) string {
	var sb strings.Builder
	for i, r := range code {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// NormalizeCode turns a code as typed by a person back into NewCode's form:
// it drops hyphens and spaces, upper-cases, and reads I and L as 1 and O as 0,
// as Crockford's decoding rules say.
func NormalizeCode(s string) string {
	var sb strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch r {
		case '-', ' ', '\t':
		case 'I', 'L':
			sb.WriteByte('1')
		case 'O':
			sb.WriteByte('0')
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// HashToken returns the hex SHA-256 of token: stores keep this instead of
// the token, so a copy of the database does not hand out live secrets. A
// plain hash is enough because tokens are random, not chosen by people.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// EqualTokens compares a and b in time that depends only on their lengths.
func EqualTokens(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// BitParteCodice is the strength of each part of an activation code.
const BitParteCodice = 50

// CodiceAttivazione is a new two-part activation code (DESIGN.md §4): its
// parts as people read them ("ABCD-EFGH-JK") and the hashes a store keeps.
type CodiceAttivazione struct {
	Parte1, Parte2 string
	Hash1, Hash2   string
}

// NuovoCodiceAttivazione makes a two-part activation code. It is the only
// place codes are made: approvals, staff accounts, re-issues, resets and the
// command line all take theirs from here.
func NuovoCodiceAttivazione() CodiceAttivazione {
	p1, p2 := NewCode(BitParteCodice), NewCode(BitParteCodice)
	return CodiceAttivazione{Parte1: FormatCode(p1), Parte2: FormatCode(p2), Hash1: HashToken(p1), Hash2: HashToken(p2)}
}

// Attivazione is the record of the code that a store keeps: its hashes,
// valid from ora to scade, issued for motivo.
func (k CodiceAttivazione) Attivazione(ora, scade time.Time, motivo string) domain.Attivazione {
	return domain.Attivazione{Parte1Hash: k.Hash1, Parte2Hash: k.Hash2, Creata: ora, Scade: scade, Motivo: motivo}
}
