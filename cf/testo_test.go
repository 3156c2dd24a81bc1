package cf

import "testing"

func TestDisplay(t *testing.T) {
	tests := []struct {
		l    Luogo
		want string
	}{
		{Luogo{Nome: "MILANO"}, "Milano"},
		{Luogo{Nome: "REGGIO NELL'EMILIA"}, "Reggio nell'Emilia"},
		{Luogo{Nome: "L'AQUILA"}, "L'Aquila"},
		{Luogo{Nome: "ACI SANT'ANTONIO"}, "Aci Sant'Antonio"},
		{Luogo{Nome: "SANT'ANGELO IN VADO"}, "Sant'Angelo in Vado"},
		{Luogo{Nome: "CASSANO D'ADDA"}, "Cassano d'Adda"},
		{Luogo{Nome: "TREZZO SULL'ADDA"}, "Trezzo sull'Adda"},
		{Luogo{Nome: "ROCCA DE' BALDI"}, "Rocca de' Baldi"},
		{Luogo{Nome: "CA' D'ANDREA"}, "Ca' d'Andrea"},
		{Luogo{Nome: "VO'"}, "Vo'"},
		{Luogo{Nome: "TORTOLÌ"}, "Tortolì"},
		{Luogo{Nome: "TRINITÀ D'AGULTU E VIGNOLA"}, "Trinità d'Agultu e Vignola"},
		{Luogo{Nome: "CORIGLIANO-ROSSANO"}, "Corigliano-Rossano"},
		{Luogo{Nome: "SAINT-RHÉMY-EN-BOSSES"}, "Saint-Rhémy-en-Bosses"},
		{Luogo{Nome: "DUINO AURISINA-DEVIN NABREŽINA"}, "Duino Aurisina-Devin Nabrežina"},
		{Luogo{Nome: "SAN GIOVANNI A PIRO"}, "San Giovanni a Piro"},
		{Luogo{Nome: "FRANCIA", Estero: true}, "Francia"},
		{Luogo{Nome: "STATI UNITI D'AMERICA", Estero: true}, "Stati Uniti d'America"},
		{Luogo{Nome: "PERU'", Estero: true}, "Perù"},
		{Luogo{Nome: "STATO DELLA CITTA' DEL VATICANO", Estero: true}, "Stato della Città del Vaticano"},
		{Luogo{Nome: "COSTA D'AVORIO", Estero: true}, "Costa d'Avorio"},
		{Luogo{Nome: "BOSNIA-ERZEGOVINA", Estero: true}, "Bosnia-Erzegovina"},
		{Luogo{Nome: "TRINIDAD E TOBAGO", Estero: true}, "Trinidad e Tobago"},
		{Luogo{Nome: ""}, ""},
	}
	for _, tt := range tests {
		if got := tt.l.Display(); got != tt.want {
			t.Errorf("Display(%q) = %q, want %q", tt.l.Nome, got, tt.want)
		}
	}
}

func TestEtichetta(t *testing.T) {
	if got := (Luogo{Nome: "CASTRO", Provincia: "LE"}).Etichetta(); got != "Castro (LE)" {
		t.Errorf("got %q", got)
	}
	if got := (Luogo{Nome: "FRANCIA", Provincia: "EE", Estero: true}).Etichetta(); got != "Francia" {
		t.Errorf("got %q", got)
	}
}

func TestChiave(t *testing.T) {
	tests := []struct{ input, want string }{
		{"Sant'Antonio", "SANT ANTONIO"},
		{"  sant’antonio  ", "SANT ANTONIO"},
		{"SANT - ANTONIO", "SANT ANTONIO"},
		{"Tortolì", "TORTOLI"},
		{"Tortoli'", "TORTOLI"},
		{"Forlì-Cesena", "FORLI CESENA"},
		{"Nabrežina", "NABREZINA"},
		{"Straße", "STRASSE"},
		{"'", ""},
	}
	for _, tt := range tests {
		if got := chiave(tt.input); got != tt.want {
			t.Errorf("chiave(%q) = %q, want %q", tt.input, got, tt.want)
		}
	}
}

func TestLettere(t *testing.T) {
	tests := []struct{ input, want string }{
		{"D'Angelo", "DANGELO"},
		{"De Luca", "DELUCA"},
		{"Nicolò", "NICOLO"},
		{"María José", "MARIAJOSE"},
		{"Ærø", "AERO"},
		{"O'Brien-Smith", "OBRIENSMITH"},
		{"Luigi 2°", "LUIGI"},
		{"Марио", ""},
	}
	for _, tt := range tests {
		if got := lettere(tt.input); got != tt.want {
			t.Errorf("lettere(%q) = %q, want %q", tt.input, got, tt.want)
		}
	}
}
