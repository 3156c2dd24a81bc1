package security

import (
	"crypto/subtle"
	"fmt"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
)

// TOTPPeriodo is the length of a TOTP step (RFC 6238).
const TOTPPeriodo = 30 * time.Second

// NuovoTOTP creates a TOTP key for an account: SHA-1, 6 digits, 30 s, the
// parameters every authenticator app understands.
func NuovoTOTP(emittente, account string) (*otp.Key, error) {
	return totp.Generate(totp.GenerateOpts{Issuer: emittente, AccountName: account, Period: uint(TOTPPeriodo / time.Second), Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}

// PassoTOTP is the TOTP step of a moment.
func PassoTOTP(t time.Time) int64 { return t.Unix() / int64(TOTPPeriodo/time.Second) }

// VerificaTOTP checks code against the secret at now, accepting the steps
// now-1, now and now+1 (clock drift), but only steps after ultimo: a code is
// accepted once. It returns the step matched, which the caller stores as the
// new ultimo in the same transaction that opens the session.
func VerificaTOTP(segreto, code string, now time.Time, ultimo int64) (int64, bool) {
	if len(code) != 6 {
		return 0, false
	}
	passo := PassoTOTP(now)
	var trovato int64
	ok := false
	for _, p := range []int64{passo - 1, passo, passo + 1} {
		atteso, err := hotp.GenerateCodeCustom(segreto, uint64(p), hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return 0, false
		}
		// Compare every candidate, so the time taken does not tell which one matched.
		if subtle.ConstantTimeCompare([]byte(atteso), []byte(code)) == 1 && p > ultimo && !ok {
			trovato, ok = p, true
		}
	}
	return trovato, ok
}

// CodiceTOTP computes the code of a step; tests and the enrolment page use it.
func CodiceTOTP(segreto string, t time.Time) (string, error) {
	code, err := totp.GenerateCodeCustom(segreto, t, totp.ValidateOpts{Period: uint(TOTPPeriodo / time.Second), Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", fmt.Errorf("totp: %w", err)
	}
	return code, nil
}

// CodiciRecupero returns n one-time recovery codes (50 bits each) to show the
// user once; only their hashes (HashToken of the normalised code) are kept.
func CodiciRecupero(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = FormatCode(NewCode(50))
	}
	return out
}
