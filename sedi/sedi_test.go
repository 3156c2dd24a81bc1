package sedi

import (
	"regexp"
	"strings"
	"testing"
)

// provinceAttive are the sigle of the provinces that have active comuni (STATO "A")
// in ANPR_archivio_comuni.csv, release V9.2.7: 107 sigle. Update together with the
// ANPR data when provinces change.
var provinceAttive = strings.Fields(`
AG AL AN AO AP AQ AR AT AV BA BG BI BL BN BO BR BS BT BZ CA CB CE CH CL CN CO CR
CS CT CZ EN FC FE FG FI FM FR GE GO GR IM IS KR LC LE LI LO LT LU MB MC ME MI MN
MO MS MT NA NO NU OR PA PC PD PE PG PI PN PO PR PT PU PV PZ RA RC RE RG RI RM RN
RO SA SI SO SP SR SS SU SV TA TE TN TO TP TR TS TV UD VA VB VC VE VI VR VT VV`)

func TestDefaultServesEveryProvinceOnce(t *testing.T) {
	if len(provinceAttive) != 107 {
		t.Fatalf("test list has %d sigle, want 107", len(provinceAttive))
	}
	sedi, err := Default()
	if err != nil {
		t.Fatal(err)
	}

	codice := regexp.MustCompile(`^[A-Z]{2}$`)
	codici := make(map[string]bool)
	servitaDa := make(map[string]string)
	for _, s := range sedi {
		if !codice.MatchString(s.Codice) {
			t.Errorf("sede %q: code is not a province sigla", s.Codice)
		}
		if codici[s.Codice] {
			t.Errorf("sede %q: code used twice", s.Codice)
		}
		codici[s.Codice] = true
		if s.Nome == "" || s.Citta == "" || s.Provincia == "" {
			t.Errorf("sede %q: nome, citta and provincia are required", s.Codice)
		}
		for _, p := range s.ProvinceServite {
			if altra, ok := servitaDa[p]; ok {
				t.Errorf("province %s served by both %s and %s", p, altra, s.Codice)
			}
			servitaDa[p] = s.Codice
		}
		if servitaDa[s.Provincia] != s.Codice {
			t.Errorf("sede %q does not serve its own province %s", s.Codice, s.Provincia)
		}
	}

	attive := make(map[string]bool)
	for _, p := range provinceAttive {
		attive[p] = true
		if _, ok := servitaDa[p]; !ok {
			t.Errorf("province %s is served by no sede", p)
		}
	}
	for p, c := range servitaDa {
		if !attive[p] {
			t.Errorf("sede %s serves %s, not an active province", c, p)
		}
	}
}

func TestIndirizzoCompleto(t *testing.T) {
	tests := []struct {
		name string
		sede Sede
		want string
	}{
		{"complete", Sede{Indirizzo: "Via Roma 1", CAP: "20121", Citta: "Milano", Provincia: "MI"}, "Via Roma 1, 20121 Milano (MI)"},
		{"no CAP", Sede{Indirizzo: "Via Roma 1", Citta: "Milano", Provincia: "MI"}, "Via Roma 1, Milano (MI)"},
		{"street missing", Sede{CAP: "20121", Citta: "Milano", Provincia: "MI"}, ""},
		{"blank street", Sede{Indirizzo: "  ", Citta: "Milano"}, ""},
	}
	for _, tt := range tests {
		if got := tt.sede.IndirizzoCompleto(); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}
