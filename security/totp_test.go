package security

import (
	"testing"
	"time"
)

func TestVerificaTOTP(t *testing.T) {
	key, err := NuovoTOTP("Abilita", "RSSMRA85T10A562S")
	if err != nil {
		t.Fatal(err)
	}
	segreto := key.Secret()
	now := time.Date(2026, 11, 25, 10, 0, 15, 0, time.UTC)
	passo := PassoTOTP(now)
	codeAt := func(d time.Duration) string {
		c, err := CodiceTOTP(segreto, now.Add(d))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	cases := []struct {
		name   string
		code   string
		ultimo int64
		ok     bool
		passo  int64
	}{
		{"current step", codeAt(0), 0, true, passo},
		{"previous step", codeAt(-TOTPPeriodo), 0, true, passo - 1},
		{"next step", codeAt(TOTPPeriodo), 0, true, passo + 1},
		{"two steps back", codeAt(-2 * TOTPPeriodo), 0, false, 0},
		{"two steps ahead", codeAt(2 * TOTPPeriodo), 0, false, 0},
		{"replayed: step already used", codeAt(0), passo, false, 0},
		{"older than the last used", codeAt(-TOTPPeriodo), passo, false, 0},
		{"newer than the last used", codeAt(TOTPPeriodo), passo, true, passo + 1},
		{"wrong code", "000000", 0, codeAt(0) == "000000", passo},
		{"not six digits", "12345", 0, false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, ok := VerificaTOTP(segreto, c.code, now, c.ultimo)
			if ok != c.ok || (ok && p != c.passo) {
				t.Errorf("VerificaTOTP = (%d, %v), want (%d, %v)", p, ok, c.passo, c.ok)
			}
		})
	}
}

func TestCodiciRecupero(t *testing.T) {
	codes := CodiciRecupero(10)
	seen := map[string]bool{}
	for _, c := range codes {
		if seen[c] || len(NormalizeCode(c)) < 10 {
			t.Errorf("code %q repeated or too short", c)
		}
		seen[c] = true
	}
}
