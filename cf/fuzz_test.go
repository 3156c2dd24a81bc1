package cf

import (
	"testing"
	"time"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"RSSMRA85T10A562S", "rssmraurtmlarsnl", " RSS MRA 85T10 A562S ", "RSSMRA85B31A562S",
		"RSSMRA85T10A562", "RSSMRÀ85T10A562S", "", "ZZZZZZ99Z99Z999Z", "\u00a0RSSMRA85T10A562S\u2003",
	} {
		f.Add(s)
	}
	ref := time.Date(2025, time.June, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s)
		if err != nil {
			if _, ok := err.(*Errore); !ok {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		// Whatever Parse accepts must be usable without surprises.
		got := c.String()
		if len(got) != 16 || !utf8.ValidString(got) || CarattereControllo(got[:15]) != got[15] {
			t.Fatalf("Parse(%q) accepted %q", s, got)
		}
		if again, err := Parse(got); err != nil || again != c {
			t.Fatalf("normalized code %q does not parse back: %v", got, err)
		}
		base, err := Parse(c.Base())
		if err != nil || base.Omocodico() || base.CodiceLuogo() != c.CodiceLuogo() {
			t.Fatalf("Base of %q = %q: %v", got, c.Base(), err)
		}
		d := c.DataNascita(ref)
		if d.AddDate(EtaMinima, 0, 0).After(ref) || d.Year() < ref.Year()-500 {
			t.Fatalf("DataNascita of %q = %s", got, d)
		}
		if !base.DataNascita(ref).Equal(d) || base.Sesso() != c.Sesso() {
			t.Fatalf("omocodia changes the data of %q", got)
		}
		Verifica(c, Anagrafica{Cognome: s, Nome: s, Sesso: c.Sesso(), DataNascita: d, CodiceLuogo: c.CodiceLuogo()})
	})
}
