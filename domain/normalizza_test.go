package domain_test

import (
	"testing"

	"abilita/domain"
)

// A codice fiscale is the same however it is typed or pasted: case, spaces
// of any kind, zero-width characters and the usual separators do not count.
func TestNormalizzaCodiceFiscale(t *testing.T) {
	const cf = "RSSMRA85T10A562S"
	for _, in := range []string{
		cf, "rssmra85t10a562s", " RSSMRA85T10A562S ", "RSS MRA 85T10 A562S", "RSSMRA85T10\u00a0A562S", "RSSMRA85T10\u2009A562S",
		"RSSMRA85\u200bT10A562S", "\u200eRSSMRA85T10A562S\u200f", "RSS-MRA-85T10-A562S", "RSS.MRA.85T10.A562S", "RSS/MRA_85T10\tA562S", "RSSMRA85T10A562S\r\n",
	} {
		if got := domain.NormalizzaCodiceFiscale(in); got != cf {
			t.Errorf("NormalizzaCodiceFiscale(%q) = %q, want %q", in, got, cf)
		}
	}
}
