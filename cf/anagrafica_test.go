package cf

import (
	"strings"
	"testing"
	"time"
)

func TestCodiceCognome(t *testing.T) {
	tests := []struct{ input, want string }{
		{"Rossi", "RSS"},
		{"Moretti", "MRT"},
		{"Bianchi", "BNC"},
		{"Esposito", "SPS"},
		{"Fo", "FOX"}, // consonant, vowel, then X
		{"Rè", "REX"}, // accent dropped
		{"Wu", "WUX"}, // W is a consonant
		{"Oe", "OEX"}, // vowels only
		{"Ng", "NGX"}, // consonants only
		{"O", "OXX"},  // one letter
		{"", "XXX"},   // nothing to encode
		{"D'Angelo", "DNG"},
		{"D’ANGELO", "DNG"}, // typographic apostrophe
		{"De Luca", "DLC"},
		{"de luca", "DLC"},
		{"Dell'Acqua", "DLL"},
		{"Lo Russo-Bianchi", "LRS"},
		{"Müller", "MLL"},
		{"Ñúñez", "NNZ"},
		{"Hoxha", "HXH"},
	}
	for _, tt := range tests {
		if got := CodiceCognome(tt.input); got != tt.want {
			t.Errorf("CodiceCognome(%q) = %q, want %q", tt.input, got, tt.want)
		}
	}
}

func TestCodiceNome(t *testing.T) {
	tests := []struct{ input, want string }{
		{"Mario", "MRA"},       // three letters from consonants and vowels
		{"Matteo", "MTT"},      // three consonants: all of them
		{"Gianfranco", "GFR"},  // G N F R N C: 1st, 3rd, 4th consonant
		{"Alessandro", "LSN"},  // L S S N D R
		{"Maria Luisa", "MLS"}, // the whole name counts: M R L S
		{"Anna", "NNA"},
		{"Ugo", "GUO"},
		{"Li", "LIX"},
		{"Emily", "MLY"}, // Y is a consonant
		{"Nicolò", "NCL"},
		{"María José", "MJS"},
		{"Jean-Luc", "JLC"},
		{"Zoe", "ZOE"},
		{"Io", "IOX"},
	}
	for _, tt := range tests {
		if got := CodiceNome(tt.input); got != tt.want {
			t.Errorf("CodiceNome(%q) = %q, want %q", tt.input, got, tt.want)
		}
	}
}

func mustParse(t *testing.T, s string) CodiceFiscale {
	t.Helper()
	c, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return c
}

func TestVerificaCoerente(t *testing.T) {
	tests := []struct {
		name string
		code string
		a    Anagrafica
	}{
		{"classico", "RSSMRA85T10A562S", Anagrafica{"Rossi", "Mario", "M", data(1985, time.December, 10), "A562"}},
		{"donna", "BNCMRA90A41H501G", Anagrafica{"Bianchi", "Maria", "F", data(1990, time.January, 1), "H501"}},
		{"nata nel 2005, nomi con accenti e spazi", "DLCMJS05S70F205T", Anagrafica{"De Luca", "María José", "F", data(2005, time.November, 30), "F205"}},
		{"apostrofo e accento", "DNGNCL72B29F839Y", Anagrafica{"D'Angelo", "Nicolò", "M", data(1972, time.February, 29), "F839"}},
		{"nato in Francia", "DPNJNE75C15Z110N", Anagrafica{"Dupont", "Jean", "M", data(1975, time.March, 15), "Z110"}},
		{"nata negli Stati Uniti", "JHNMLY80L44Z404L", Anagrafica{"Johnson", "Emily", "F", data(1980, time.July, 4), "Z404"}},
		{"nata in Cina, cognome e nome corti", "WUXLIX99R61Z210O", Anagrafica{"Wu", "Li", "F", data(1999, time.October, 21), "Z210"}},
		{"omocodia", "RSSMRAURTMLARSNL", Anagrafica{"ROSSI", "MARIO", "m", data(1985, time.December, 10), "a562"}},
		{"comune poi fuso: Rossano prima del 2018", "FOXGUO50H05H579X", Anagrafica{"Fo", "Ugo", "M", data(1950, time.June, 5), "H579"}},
		{"comune poi rinominato: Abano prima del 1924", "SPSNNA20E52A001T", Anagrafica{"Esposito", "Anna", "F", data(1920, time.May, 12), "A001"}},
		{"stesso codice dopo il cambio di nome", "REXGFR60M31A001G", Anagrafica{"Rè", "Gianfranco", "M", data(1960, time.August, 31), "A001"}},
		{"comune passato a un'altra provincia", "RCCGLI88P57D704K", Anagrafica{"Ricci", "Giulia", "F", data(1988, time.September, 17), "D704"}},
		{"ora del giorno ininfluente", "RSSMRA85T10A562S", Anagrafica{"Rossi", "Mario", "M", time.Date(1985, time.December, 10, 23, 30, 0, 0, time.FixedZone("CET", 3600)), "A562"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if pp := Verifica(mustParse(t, tt.code), tt.a); len(pp) != 0 {
				t.Errorf("Verifica = %+v, want no problems", pp)
			}
		})
	}
}

func TestVerificaProblemi(t *testing.T) {
	rossi := Anagrafica{"Rossi", "Mario", "M", data(1985, time.December, 10), "A562"}
	cambia := func(f func(*Anagrafica)) Anagrafica { a := rossi; f(&a); return a }
	tests := []struct {
		name         string
		code         string
		a            Anagrafica
		campi        []string
		wantContains string
	}{
		{"cognome diverso", "RSSMRA85T10A562S", cambia(func(a *Anagrafica) { a.Cognome = "Verdi" }), []string{CampoCognome}, "dal cognome si ottengono le lettere «VRD», nel codice fiscale ci sono «RSS»"},
		{"nome diverso", "RSSMRA85T10A562S", cambia(func(a *Anagrafica) { a.Nome = "Marco" }), []string{CampoNome}, "«MRC»"},
		{"cognome mancante", "RSSMRA85T10A562S", cambia(func(a *Anagrafica) { a.Cognome = " " }), []string{CampoCognome}, "Indica il cognome"},
		{"nome in alfabeto non latino", "RSSMRA85T10A562S", cambia(func(a *Anagrafica) { a.Nome = "Марио" }), []string{CampoNome}, "alfabeto latino"},
		{"sesso diverso, data non segnalata due volte", "RSSMRA85T10A562S", cambia(func(a *Anagrafica) { a.Sesso = "F" }), []string{CampoSesso}, "sesso"},
		{"sesso mancante", "RSSMRA85T10A562S", cambia(func(a *Anagrafica) { a.Sesso = "" }), []string{CampoSesso}, "M o F"},
		{"giorno diverso", "RSSMRA85T10A562S", cambia(func(a *Anagrafica) { a.DataNascita = data(1985, time.December, 11) }), []string{CampoDataNascita}, "data di nascita"},
		{"mese diverso", "RSSMRA85T10A562S", cambia(func(a *Anagrafica) { a.DataNascita = data(1985, time.November, 10) }), []string{CampoDataNascita}, "data di nascita"},
		{"anno diverso", "RSSMRA85T10A562S", cambia(func(a *Anagrafica) { a.DataNascita = data(1984, time.December, 10) }), []string{CampoDataNascita}, "data di nascita"},
		{"data mancante", "RSSMRA85T10A562S", cambia(func(a *Anagrafica) { a.DataNascita = time.Time{} }), []string{CampoDataNascita}, "Indica"},
		{"luogo diverso", "RSSMRA85T10A562S", cambia(func(a *Anagrafica) { a.CodiceLuogo = "F205" }), []string{CampoLuogoNascita}, "non corrisponde"},
		{"luogo mancante", "RSSMRA85T10A562S", cambia(func(a *Anagrafica) { a.CodiceLuogo = "" }), []string{CampoLuogoNascita}, "Indica"},
		{"donna dichiarata uomo", "BNCMRA90A41H501G", Anagrafica{"Bianchi", "Maria", "M", data(1990, time.January, 1), "H501"}, []string{CampoSesso}, "sesso"},
		{"nato a Rossano dopo la fusione in Corigliano-Rossano", "CLMLCU19C01H579C", Anagrafica{"Colombo", "Luca", "M", data(2019, time.March, 1), "H579"}, []string{CampoLuogoNascita}, "Rossano (CS) non esisteva"},
		{"nata ad Abano prima dell'istituzione", "SPSNNA20E52A001T", Anagrafica{"Esposito", "Anna", "F", data(1820, time.May, 12), "A001"}, []string{CampoLuogoNascita}, "dal 19/11/1866"},
		// The place is checked on the code's date when the declared one is wrong.
		{"data sbagliata, luogo valido alla data del codice", "RCCGLI88P57D704K", Anagrafica{"Ricci", "Giulia", "F", data(1850, time.September, 17), "D704"}, []string{CampoDataNascita}, "data di nascita"},
		{"stato estero sconosciuto", "RSSMRA85T10Z999S", cambia(func(a *Anagrafica) { a.CodiceLuogo = "Z999" }), []string{CampoCodiceFiscale}, "Z999"},
		{"tutto diverso", "RSSMRA85T10A562S", Anagrafica{"Bianchi", "Luigi", "F", data(1990, time.January, 1), "H501"},
			[]string{CampoCognome, CampoNome, CampoSesso, CampoDataNascita, CampoLuogoNascita}, ""},
		{"codice non letto", "", rossi, []string{CampoCodiceFiscale}, "non è valido"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c CodiceFiscale
			if tt.code != "" {
				c = mustParse(t, tt.code)
			}
			pp := Verifica(c, tt.a)
			var campi []string
			for _, p := range pp {
				campi = append(campi, p.Campo)
			}
			if strings.Join(campi, ",") != strings.Join(tt.campi, ",") {
				t.Fatalf("fields = %v, want %v (%+v)", campi, tt.campi, pp)
			}
			if !strings.Contains(pp[0].Messaggio, tt.wantContains) {
				t.Errorf("message %q does not contain %q", pp[0].Messaggio, tt.wantContains)
			}
		})
	}
}
