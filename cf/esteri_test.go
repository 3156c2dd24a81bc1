package cf

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// codicePer computes the codice fiscale of a person, without omocodia.
func codicePer(a Anagrafica) string {
	g := a.DataNascita.Day()
	if a.Sesso == "F" {
		g += 40
	}
	s := fmt.Sprintf("%s%s%02d%c%02d%s", CodiceCognome(a.Cognome), CodiceNome(a.Nome),
		a.DataNascita.Year()%100, mesi[a.DataNascita.Month()-1], g, a.CodiceLuogo)
	return s + string(CarattereControllo(s))
}

func TestCodicePer(t *testing.T) {
	for _, tt := range []struct {
		a    Anagrafica
		want string
	}{
		{Anagrafica{"Rossi", "Mario", "M", data(1985, time.December, 10), "A562"}, "RSSMRA85T10A562S"},
		{Anagrafica{"Johnson", "Emily", "F", data(1980, time.July, 4), "Z404"}, "JHNMLY80L44Z404L"},
	} {
		if got := codicePer(tt.a); got != tt.want {
			t.Errorf("codicePer(%v) = %s, want %s", tt.a, got, tt.want)
		}
	}
}

func TestTrovaStatoAlias(t *testing.T) {
	il := data(1980, time.January, 1)
	tests := []struct {
		nome string
		il   time.Time
		want string // "" when not found
	}{
		{"Stati Uniti", il, "Z404"},
		{"USA", il, "Z404"},
		{"u.s.a.", il, "Z404"},
		{"Regno Unito", il, "Z114"},
		{"Gran Bretagna", il, "Z114"},
		{"Inghilterra", il, "Z114"},
		{"Russia", il, "Z154"},
		{"Corea del Sud", il, "Z213"},
		{"Corea del Nord", il, "Z214"},
		{"Repubblica Ceca", il, "Z156"},
		{"Cechia", il, "Z156"},
		{"Paesi Bassi", il, "Z126"},
		{"Olanda", il, "Z126"},
		{"Germania", il, "Z112"},
		{"Città del Vaticano", il, "Z106"},
		{"citta' del vaticano", il, "Z106"},
		{"Vaticano", il, "Z106"},
		{"Bosnia", il, "Z153"},
		{"Congo", il, "Z311"},
		{"Congo Kinshasa", il, "Z312"},
		{"Moldavia", il, "Z140"},
		{"Macedonia del Nord", il, "Z148"},
		{"Macedonia", il, "Z148"},
		{"Costa d'Avorio", il, "Z313"},
		{"Côte d’Ivoire", il, "Z313"},
		{"Emirati Arabi", il, "Z215"},
		{"Emirati Arabi Uniti (EE)", il, "Z215"},
		// States that no longer exist, on their dates only.
		{"Jugoslavia", il, "Z118"},
		{"Iugoslavia", il, "Z118"},
		{"Jugoslavia", data(2010, time.January, 1), ""},
		{"URSS", il, "Z135"},
		{"Unione Sovietica", il, "Z135"},
		{"Unione Sovietica", data(1992, time.April, 1), ""},
		{"Cecoslovacchia", il, "Z105"},
		{"Germania Est", il, "Z111"},
		{"Repubblica Democratica Tedesca", il, "Z111"},
		{"DDR", data(1991, time.January, 1), ""},
		{"Serbia e Montenegro", data(2004, time.January, 1), "Z157"},
		{"Serbia e Montenegro", il, ""},
		// Territories.
		{"Isole del Canale", il, "Z124"},
		{"Jersey", il, "Z124"},
		{"Isola di Man", il, "Z122"},
		{"La Riunione", il, "Z324"},
		{"Réunion", il, "Z324"},
		{"Guyana francese", il, "Z607"},
		{"Groenlandia", il, "Z402"},
		{"Falkland", il, "Z609"},
		{"Isole Falkland", il, "Z609"},
		{"Montserrat", il, "Z531"},
		{"Marianne", il, "Z710"},
		// Not foreign places.
		{"Italia", il, ""},
		{"America", il, ""},
		{"Corea", il, ""},
	}
	for _, tt := range tests {
		l, ok := TrovaStato(tt.nome, tt.il)
		if got := l.Codice; got != tt.want || ok != (tt.want != "") {
			t.Errorf("TrovaStato(%q, %s) = %q, %v, want %q", tt.nome, tt.il.Format(time.DateOnly), got, ok, tt.want)
		}
		if ok && (!l.Estero || l.Provincia != "EE") {
			t.Errorf("TrovaStato(%q) = %+v, want a foreign place", tt.nome, l)
		}
	}
}

func TestCercaLuoghiAlias(t *testing.T) {
	oggi := data(2025, time.June, 1)
	tests := []struct {
		testo string
		il    time.Time
		want  string // the first result, "" for none
	}{
		{"USA", oggi, "Z404 Stati Uniti d'America"},
		{"olanda", oggi, "Z126 Paesi Bassi"},
		{"Inghil", oggi, "Z114 Regno Unito"},
		{"Jugoslavia", data(1980, time.January, 1), "Z118 Jugoslavia"},
		{"Jugoslavia", oggi, ""},
		{"Isola di Man", oggi, "Z122 Isola di Man"},
	}
	for _, tt := range tests {
		got := etichette(CercaLuoghi(tt.testo, tt.il, 1))
		if (tt.want == "" && len(got) != 0) || (tt.want != "" && (len(got) == 0 || got[0] != tt.want)) {
			t.Errorf("CercaLuoghi(%q, %s) = %v, want %q first", tt.testo, tt.il.Format(time.DateOnly), got, tt.want)
		}
	}
}

// TestAliasEsteri checks the hand-written list: every alias names a foreign
// place of the data, none is the official name of a place (its own, which
// would be useless, or another's, which would hide it), and no two aliases
// are the same once case, accents and spaces are ignored.
func TestAliasEsteri(t *testing.T) {
	a := carica()
	ufficiali := map[string]string{}
	for _, v := range a.voci {
		if v.Estero {
			ufficiali[v.compatta] = v.Codice
		}
	}
	visti := map[string]string{}
	for nome, codice := range aliasEsteri {
		k := compatta(chiave(nome))
		if c, ok := ufficiali[k]; ok {
			t.Errorf("alias %q (%s) is the official name of %s", nome, codice, c)
		}
		if altro, ok := visti[k]; ok {
			t.Errorf("aliases %q and %q are the same name", nome, altro)
		}
		visti[k] = nome
		st := storia(codice)
		if len(st) == 0 || !st[0].Estero {
			t.Fatalf("alias %q: %s is not a foreign place", nome, codice)
		}
		if l, ok := TrovaStato(nome, st[0].Dal); !ok || l.Codice != codice {
			t.Errorf("TrovaStato(%q, %s) = %q, %v, want %s", nome, st[0].Dal.Format(time.DateOnly), l.Codice, ok, codice)
		}
	}
}

// TestAltriEsteriNonInANPR keeps ANPR the primary source: a code comes from
// python-codicefiscale only when ANPR's table of foreign states lacks it.
func TestAltriEsteriNonInANPR(t *testing.T) {
	anpr := map[string]bool{}
	for _, riga := range strings.Split(statiTSV, "\n")[1:] {
		codice, _, _ := strings.Cut(riga, "\t")
		anpr[codice] = true
	}
	righe := strings.Split(strings.TrimSuffix(altriEsteriTSV, "\n"), "\n")[1:]
	if len(righe) < 30 {
		t.Fatalf("%d rows in altri_esteri.tsv", len(righe))
	}
	for _, riga := range righe {
		campi := strings.Split(riga, "\t")
		if anpr[campi[0]] {
			t.Errorf("%s is in ANPR's stati.tsv too", campi[0])
		}
		if !slices.Contains([]string{"stato", "territorio"}, campi[4]) || campi[5] == "" {
			t.Errorf("%s: tipo %q, fonte %q", campi[0], campi[4], campi[5])
		}
	}
}

func TestVerificaNatoNegliStatiUniti(t *testing.T) {
	nascita := data(1982, time.March, 3)
	l, ok := TrovaStato("Stati Uniti", nascita)
	if !ok {
		t.Fatal("Stati Uniti not found")
	}
	a := Anagrafica{"Smith", "John", "M", nascita, l.Codice}
	code := codicePer(a)
	if code != "SMTJHN82C03Z404X" {
		t.Errorf("code %s", code)
	}
	if pp := Verifica(mustParse(t, code), a); len(pp) != 0 {
		t.Errorf("Verifica(%s) = %+v, want no problems", code, pp)
	}
}

func TestVerificaStatiCessati(t *testing.T) {
	tests := []struct {
		codice  string
		nascita time.Time
		errore  string // "" when the code must be accepted
	}{
		{"Z118", data(1980, time.May, 17), ""},
		{"Z118", data(2003, time.February, 4), ""}, // last day
		{"Z118", data(2010, time.May, 17), "Lo stato Jugoslavia non è riconosciuto alla data di nascita."},
		{"Z135", data(1975, time.October, 2), ""},
		{"Z135", data(1995, time.October, 2), "Lo stato Unione Repubbliche Socialiste Sovietiche non è riconosciuto alla data di nascita."},
		{"Z105", data(1968, time.August, 21), ""},
		{"Z111", data(1970, time.January, 9), ""},
		{"Z157", data(2005, time.June, 30), ""},
		{"Z157", data(2001, time.June, 30), "Lo stato Serbia e Montenegro non è riconosciuto alla data di nascita."},
		{"Z350", data(1955, time.April, 1), ""},
	}
	for _, tt := range tests {
		a := Anagrafica{"Petrović", "Ivana", "F", tt.nascita, tt.codice}
		code := codicePer(a)
		pp := Verifica(mustParse(t, code), a)
		switch {
		case tt.errore == "" && len(pp) != 0:
			t.Errorf("%s born %s: %+v, want no problems", code, tt.nascita.Format(time.DateOnly), pp)
		case tt.errore != "" && (len(pp) != 1 || pp[0] != Problema{CampoLuogoNascita, tt.errore}):
			t.Errorf("%s born %s: %+v, want %q", code, tt.nascita.Format(time.DateOnly), pp, tt.errore)
		}
	}
}

// TestVerificaTerritori covers every place added to ANPR's table, the
// territories Abilita refused before among them: a code of someone born
// there on a date the place existed is accepted, and the place is found by
// the name shown for it.
func TestVerificaTerritori(t *testing.T) {
	for _, codice := range []string{"Z124", "Z122", "Z324", "Z607", "Z402", "Z609", "Z531", "Z710"} {
		if l, ok := LuogoPerCodice(codice, data(1990, time.January, 1)); !ok || !l.Estero {
			t.Errorf("%s not found", codice)
		}
	}
	for _, riga := range strings.Split(strings.TrimSuffix(altriEsteriTSV, "\n"), "\n")[1:] {
		codice, _, _ := strings.Cut(riga, "\t")
		st := storia(codice)
		if len(st) != 1 {
			t.Fatalf("%s: %d records", codice, len(st))
		}
		l := st[0]
		nascita := l.Dal.AddDate(0, 6, 0)
		if l.Al.IsZero() {
			nascita = data(1980, time.May, 17)
		}
		for _, sesso := range []string{"M", "F"} {
			a := Anagrafica{"Brown", "Mary", sesso, nascita, codice}
			code := codicePer(a)
			if pp := Verifica(mustParse(t, code), a); len(pp) != 0 {
				t.Errorf("%s (%s) born %s: %+v", code, l.Display(), nascita.Format(time.DateOnly), pp)
			}
		}
		if got, ok := TrovaStato(l.Display(), nascita); !ok || got.Codice != codice {
			t.Errorf("TrovaStato(%q) = %q, %v, want %s", l.Display(), got.Codice, ok, codice)
		}
	}
}
