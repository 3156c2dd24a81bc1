package cf

import (
	"errors"
	"testing"
	"time"
)

func data(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// The codes below were computed by this package and by an independent script,
// and checked by hand; RSSMRA85T10A562S and MRTMTT25D09F205Z are the examples
// published for the rule.
func TestParseValidi(t *testing.T) {
	ref := data(2025, time.June, 1)
	tests := []struct {
		input, want string
		sesso       string
		nascita     time.Time
		luogo       string
		omocodico   bool
	}{
		{"RSSMRA85T10A562S", "RSSMRA85T10A562S", "M", data(1985, time.December, 10), "A562", false},
		{" rssmra85t10a562s ", "RSSMRA85T10A562S", "M", data(1985, time.December, 10), "A562", false},
		{"RSS MRA 85T10 A562S", "RSSMRA85T10A562S", "M", data(1985, time.December, 10), "A562", false},
		{"rss\tmra85t10a562s\n", "RSSMRA85T10A562S", "M", data(1985, time.December, 10), "A562", false},
		{"BNCMRA90A41H501G", "BNCMRA90A41H501G", "F", data(1990, time.January, 1), "H501", false},
		{"DLCMJS05S70F205T", "DLCMJS05S70F205T", "F", data(2005, time.November, 30), "F205", false},
		{"DPNJNE75C15Z110N", "DPNJNE75C15Z110N", "M", data(1975, time.March, 15), "Z110", false},
		{"JHNMLY80L44Z404L", "JHNMLY80L44Z404L", "F", data(1980, time.July, 4), "Z404", false},
		{"DNGNCL72B29F839Y", "DNGNCL72B29F839Y", "M", data(1972, time.February, 29), "F839", false},
		{"RSSMRA85T10A56NH", "RSSMRA85T10A56NH", "M", data(1985, time.December, 10), "A562", true},
		{"RSSMRA85T10ARSNO", "RSSMRA85T10ARSNO", "M", data(1985, time.December, 10), "A562", true},
		{"rssmraurtmlarsnl", "RSSMRAURTMLARSNL", "M", data(1985, time.December, 10), "A562", true},
	}
	for _, tt := range tests {
		t.Run(tt.input, func(t *testing.T) {
			c, err := Parse(tt.input)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := c.String(); got != tt.want {
				t.Errorf("String = %q, want %q", got, tt.want)
			}
			if got := c.Sesso(); got != tt.sesso {
				t.Errorf("Sesso = %q, want %q", got, tt.sesso)
			}
			if got := c.DataNascita(ref); !got.Equal(tt.nascita) {
				t.Errorf("DataNascita = %v, want %v", got, tt.nascita)
			}
			if got := c.CodiceLuogo(); got != tt.luogo {
				t.Errorf("CodiceLuogo = %q, want %q", got, tt.luogo)
			}
			if got := c.Omocodico(); got != tt.omocodico {
				t.Errorf("Omocodico = %v, want %v", got, tt.omocodico)
			}
		})
	}
}

func TestParseErrori(t *testing.T) {
	tests := []struct {
		name, input string
		motivo      Motivo
	}{
		{"vuoto", "", MotivoVuoto},
		{"solo spazi", "   ", MotivoVuoto},
		{"corto", "RSSMRA85T10A562", MotivoLunghezza},
		{"lungo", "RSSMRA85T10A562SS", MotivoLunghezza},
		{"accento", "RSSMRÀ85T10A562S", MotivoFormato},
		{"cifra nel cognome", "R5SMRA85T10A562S", MotivoFormato},
		{"lettera non omocodica", "RSSMRA8AT10A562S", MotivoFormato},
		{"trattino", "RSSMRA-5T10A562S", MotivoFormato},
		{"mese inesistente", "RSSMRA85F10A562S", MotivoMese},
		{"giorno zero", "RSSMRA85T00A562S", MotivoGiorno},
		{"giorno 35", "RSSMRA85T35A562S", MotivoGiorno},
		{"giorno 72", "RSSMRA85T72A562S", MotivoGiorno},
		{"31 febbraio", "RSSMRA85B31A562S", MotivoData},
		{"29 febbraio non bisestile", "RSSMRA85B29A562S", MotivoData},
		{"71 aprile", "RSSMRA85D71A562S", MotivoData},
		{"controllo errato", "RSSMRA85T10A562T", MotivoControllo},
		{"omocodia con controllo non ricalcolato", "RSSMRA85T10A56NS", MotivoControllo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.input)
			var e *Errore
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) error = %v, want *Errore", tt.input, err)
			}
			if e.Motivo != tt.motivo {
				t.Errorf("Motivo = %q, want %q (%s)", e.Motivo, tt.motivo, e.Messaggio)
			}
			if e.Messaggio == "" || e.Error() != e.Messaggio {
				t.Errorf("message %q, Error() %q", e.Messaggio, e.Error())
			}
		})
	}
}

func TestParseMessaggi(t *testing.T) {
	for input, want := range map[string]string{
		"RSSMRA85T10A562":  "Il codice fiscale deve avere 16 caratteri.",
		"RSSMRA85T10A562T": "Il carattere di controllo del codice fiscale non è corretto.",
	} {
		if _, err := Parse(input); err == nil || err.Error() != want {
			t.Errorf("Parse(%q) = %v, want %q", input, err, want)
		}
	}
}

func TestCarattereControllo(t *testing.T) {
	tests := []struct {
		first15 string
		want    byte
	}{
		{"RSSMRA85T10A562", 'S'},
		{"MRTMTT25D09F205", 'Z'},
		{"RSSMRAURTMLARSN", 'L'},
		{"RSSMRA85T10A56", 0},
		{"rssmra85t10a562", 0},
	}
	for _, tt := range tests {
		if got := CarattereControllo(tt.first15); got != tt.want {
			t.Errorf("CarattereControllo(%q) = %q, want %q", tt.first15, got, tt.want)
		}
	}
}

func TestBase(t *testing.T) {
	for _, s := range []string{"RSSMRA85T10A562S", "RSSMRA85T10A56NH", "RSSMRA85T10ARSNO", "RSSMRAURTMLARSNL"} {
		c, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Base(); got != "RSSMRA85T10A562S" {
			t.Errorf("Base(%s) = %s", s, got)
		}
	}
}

func TestDataNascitaSecolo(t *testing.T) {
	tests := []struct {
		code string
		ref  time.Time
		want time.Time
	}{
		{"MRTMTT25D09F205Z", data(2024, time.December, 31), data(1925, time.April, 9)},
		{"MRTMTT25D09F205Z", data(2025, time.April, 8), data(1925, time.April, 9)},
		// The holder is an adult: not a newborn, whose code would be the same.
		{"MRTMTT25D09F205Z", data(2025, time.April, 9), data(1925, time.April, 9)},
		{"MRTMTT26D09F205A", data(2026, time.June, 1), data(1926, time.April, 9)},
		{"DLCMJS05S70F205T", data(2025, time.June, 1), data(2005, time.November, 30)},
		{"DLCMJS05S70F205T", data(2023, time.November, 30), data(2005, time.November, 30)}, // 18 that day
		{"DLCMJS05S70F205T", data(2023, time.November, 29), data(1905, time.November, 30)},
		{"DLCMJS05S70F205T", data(2005, time.November, 29), data(1905, time.November, 30)},
		{"FOXGUO50H05H579X", data(2025, time.June, 1), data(1950, time.June, 5)},
		{"FOXGUO50H05H579X", data(2050, time.June, 5), data(1950, time.June, 5)},
		{"FOXGUO50H05H579X", data(2068, time.June, 5), data(2050, time.June, 5)},
		// The time of day and location of ref do not matter, only its day.
		{"DLCMJS05S70F205T", time.Date(2023, time.November, 30, 0, 30, 0, 0, time.FixedZone("CET", 3600)), data(2005, time.November, 30)},
	}
	for _, tt := range tests {
		c, err := Parse(tt.code)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.DataNascita(tt.ref); !got.Equal(tt.want) {
			t.Errorf("%s.DataNascita(%s) = %s, want %s", tt.code, tt.ref.Format(time.DateOnly), got.Format(time.DateOnly), tt.want.Format(time.DateOnly))
		}
	}
}

func TestDataNascita29FebbraioDel2000(t *testing.T) {
	s := "RSSMRA00B29A562"
	c, err := Parse(s + string(CarattereControllo(s)))
	if err != nil {
		t.Fatalf("29 February of a year ending in 00 must be accepted (2000 was leap): %v", err)
	}
	if got := c.DataNascita(data(2025, time.January, 1)); !got.Equal(data(2000, time.February, 29)) {
		t.Errorf("DataNascita = %s", got)
	}
}

func TestCodiceFiscaleZero(t *testing.T) {
	var c CodiceFiscale
	if c.String() != "" || c.Base() != "" || c.CodiceLuogo() != "" || c.Sesso() != "" || c.Omocodico() || !c.DataNascita(time.Time{}).IsZero() {
		t.Error("the zero CodiceFiscale must give empty values")
	}
}
