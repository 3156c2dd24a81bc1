package cf

import (
	"slices"
	"testing"
	"time"
)

func etichette(ll []Luogo) []string {
	out := make([]string, len(ll))
	for i, l := range ll {
		out[i] = l.Codice + " " + l.Etichetta()
	}
	return out
}

func TestLuogoPerCodice(t *testing.T) {
	tests := []struct {
		codice string
		il     time.Time
		want   string // Codice Etichetta, "" when not found
	}{
		{"F205", data(2000, time.January, 1), "F205 Milano (MI)"},
		{" f205 ", data(2000, time.January, 1), "F205 Milano (MI)"},
		{"A001", data(1920, time.January, 1), "A001 Abano (PD)"},
		{"A001", data(1924, time.November, 13), "A001 Abano (PD)"}, // last day of the old name
		{"A001", data(1924, time.November, 14), "A001 Abano Terme (PD)"},
		{"A001", data(1800, time.January, 1), ""},
		{"D704", data(1980, time.January, 1), "D704 Forlì (FO)"},
		{"D704", data(2000, time.January, 1), "D704 Forlì (FC)"},
		{"H579", data(2018, time.March, 30), "H579 Rossano (CS)"},
		{"H579", data(2018, time.March, 31), ""},
		{"M403", data(2018, time.March, 31), "M403 Corigliano-Rossano (CS)"},
		{"Z110", data(1980, time.January, 1), "Z110 Francia"},
		{"Z404", data(1980, time.January, 1), "Z404 Stati Uniti d'America"},
		{"Z999", data(1980, time.January, 1), ""},
		{"", data(1980, time.January, 1), ""},
	}
	for _, tt := range tests {
		l, ok := LuogoPerCodice(tt.codice, tt.il)
		got := ""
		if ok {
			got = l.Codice + " " + l.Etichetta()
		}
		if got != tt.want {
			t.Errorf("LuogoPerCodice(%q, %s) = %q, want %q", tt.codice, tt.il.Format(time.DateOnly), got, tt.want)
		}
	}
}

func TestLuogoPerCodiceOggi(t *testing.T) {
	l, ok := LuogoPerCodice("A001", time.Time{})
	if !ok || l.Nome != "ABANO TERME" || !l.Al.IsZero() {
		t.Errorf("LuogoPerCodice(A001, today) = %+v, %v", l, ok)
	}
}

func TestCercaLuoghi(t *testing.T) {
	oggi := data(2025, time.June, 1)
	tests := []struct {
		testo string
		il    time.Time
		limit int
		want  []string // the first results
	}{
		{"Milano", oggi, 1, []string{"F205 Milano (MI)"}},
		{"milano", oggi, 3, []string{"F205 Milano (MI)", "A127 Albairate (MI)"}[:1]},
		{"castro", oggi, 2, []string{"C337 Castro (BG)", "M261 Castro (LE)"}},
		{"perù", oggi, 0, []string{"Z611 Perù", "G478 Perugia (PG)"}},
		{"PERU'", oggi, 1, []string{"Z611 Perù"}},
		{"francia", oggi, 1, []string{"Z110 Francia"}},
		{"reggio nell'emilia", oggi, 1, []string{"H223 Reggio nell'Emilia (RE)"}},
		{"reggio nellemilia", oggi, 1, []string{"H223 Reggio nell'Emilia (RE)"}},
		{"tortoli'", oggi, 1, []string{"A355 Tortolì (NU)"}},
		{"bozen", oggi, 1, []string{"A952 Bolzano (BZ)"}},
		{"abano", data(1920, time.January, 1), 0, []string{"A001 Abano (PD)"}},
		{"corigliano-rossano", data(2000, time.January, 1), 0, nil},
		{"", oggi, 10, nil},
		{"'  -", oggi, 10, nil},
	}
	for _, tt := range tests {
		got := etichette(CercaLuoghi(tt.testo, tt.il, tt.limit))
		if len(got) < len(tt.want) || !slices.Equal(got[:len(tt.want)], tt.want) || (tt.want == nil && len(got) != 0) {
			t.Errorf("CercaLuoghi(%q) = %v, want it to start with %v", tt.testo, got, tt.want)
		}
		if tt.limit > 0 && len(got) > tt.limit {
			t.Errorf("CercaLuoghi(%q, limit %d) returned %d", tt.testo, tt.limit, len(got))
		}
	}
}

func TestCercaLuoghiOrdine(t *testing.T) {
	got := CercaLuoghi("Roma", data(2025, time.June, 1), 0)
	if len(got) < 10 || got[0].Codice != "H501" {
		t.Fatalf("the exact match must come first: %v", etichette(got))
	}
	rangoDi := func(l Luogo) int {
		k := chiave(l.Nome)
		return ricerca{"ROMA", "ROMA", " ROMA"}.rango(k, compatta(k))
	}
	visti := map[int]bool{}
	for i, l := range got {
		visti[rangoDi(l)] = true
		if i > 0 && rangoDi(got[i-1]) > rangoDi(l) {
			t.Errorf("%s before %s", got[i-1].Nome, l.Nome)
		}
	}
	if len(visti) != 4 {
		t.Errorf("want matches of every rank, got ranks %v: %v", visti, etichette(got))
	}
}

func TestTrovaComune(t *testing.T) {
	oggi := data(2025, time.June, 1)
	tests := []struct {
		nome, provincia string
		il              time.Time
		want            []string
	}{
		{"Milano", "", oggi, []string{"F205 Milano (MI)"}},
		{"MILANO", "mi", oggi, []string{"F205 Milano (MI)"}},
		{"Milano (MI)", "", oggi, []string{"F205 Milano (MI)"}},
		{"Milano", "RM", oggi, nil},
		{"Castro", "", oggi, []string{"C337 Castro (BG)", "M261 Castro (LE)"}},
		{"Castro", "LE", oggi, []string{"M261 Castro (LE)"}},
		{"Castro", "", data(1970, time.January, 1), []string{"C337 Castro (BG)"}}, // Castro (LE) since 1975
		{"Samone", "", oggi, []string{"H754 Samone (TN)", "H753 Samone (TO)"}},
		{"Samone", "TN", data(1935, time.January, 1), nil}, // part of another comune 1928-1947
		{"sant'antonio di gallura", "", oggi, []string{"M276 Sant'Antonio di Gallura (SS)"}},
		{"Sant Antonio di Gallura", "SS", oggi, []string{"M276 Sant'Antonio di Gallura (SS)"}},
		{"Bozen", "", oggi, []string{"A952 Bolzano (BZ)"}},
		{"Rossano", "", data(1950, time.June, 5), []string{"H579 Rossano (CS)"}},
		{"Rossano", "", data(2019, time.March, 1), nil},
		// Names and provinces of other periods lead to the record valid on the date.
		{"Abano Terme", "", data(1920, time.May, 12), []string{"A001 Abano (PD)"}},
		{"Forlì", "FC", data(1988, time.September, 17), []string{"D704 Forlì (FO)"}},
		{"", "", oggi, nil},
	}
	for _, tt := range tests {
		ll, ok := TrovaComune(tt.nome, tt.provincia, tt.il)
		if got := etichette(ll); !slices.Equal(got, tt.want) && (len(got) != 0 || len(tt.want) != 0) {
			t.Errorf("TrovaComune(%q, %q, %s) = %v, want %v", tt.nome, tt.provincia, tt.il.Format(time.DateOnly), got, tt.want)
		}
		if ok != (len(tt.want) > 0) {
			t.Errorf("TrovaComune(%q, %q) ok = %v", tt.nome, tt.provincia, ok)
		}
	}
}

func TestTrovaStato(t *testing.T) {
	tests := []struct{ nome, want string }{
		{"Francia", "Z110"},
		{"FRANCIA", "Z110"},
		{"Stati Uniti d'America", "Z404"},
		{"stati uniti d’america", "Z404"},
		{"Perù", "Z611"},
		{"Stato della Città del Vaticano", "Z106"},
		{"Francia (EE)", "Z110"},
		{"Milano", ""},
		{"Italia", ""},
		{"", ""},
	}
	for _, tt := range tests {
		l, ok := TrovaStato(tt.nome, data(1980, time.January, 1))
		if got := l.Codice; got != tt.want || ok != (tt.want != "") {
			t.Errorf("TrovaStato(%q) = %q, %v, want %q", tt.nome, got, ok, tt.want)
		}
		if ok && (!l.Estero || l.Provincia != "EE") {
			t.Errorf("TrovaStato(%q) = %+v, want a foreign state", tt.nome, l)
		}
	}
}

func TestProvince(t *testing.T) {
	pp := Province()
	if !slices.IsSorted(pp) {
		t.Error("not sorted")
	}
	for _, p := range []string{"MI", "RM", "BZ", "AO", "FC", "PU", "SU", "MB", "BT"} {
		if !slices.Contains(pp, p) {
			t.Errorf("%s missing", p)
		}
	}
	// Sigle of provinces that no longer exist, or of lands no longer Italian.
	for _, p := range []string{"FO", "PS", "CI", "OG", "OT", "VS", "PL", "FU", "ZA", "EE"} {
		if slices.Contains(pp, p) {
			t.Errorf("%s should not be listed", p)
		}
	}
	if len(pp) < 100 || len(pp) > 110 {
		t.Errorf("%d provinces", len(pp))
	}
	// Computed once a day and kept: a caller changing its copy changes
	// nobody else's.
	pp[0] = "XX"
	if again := Province(); again[0] == "XX" || !slices.Equal(again[1:], pp[1:]) {
		t.Errorf("the second call gave %v", again[:3])
	}
}

func TestComuniDellaProvincia(t *testing.T) {
	mi := ComuniDellaProvincia("mi", data(2025, time.June, 1))
	if len(mi) < 100 {
		t.Fatalf("%d comuni in MI", len(mi))
	}
	nomi := make([]string, len(mi))
	for i, l := range mi {
		nomi[i] = l.Nome
		if l.Provincia != "MI" {
			t.Errorf("%s is in %s", l.Nome, l.Provincia)
		}
	}
	if !slices.Contains(nomi, "MILANO") || slices.Contains(nomi, "LODI") || !slices.IsSorted(nomi) {
		t.Errorf("unexpected comuni of MI: %v", nomi)
	}
	// Lodi was in the provincia of Milano until 1992.
	prima := ComuniDellaProvincia("MI", data(1990, time.January, 1))
	if !slices.ContainsFunc(prima, func(l Luogo) bool { return l.Nome == "LODI" }) {
		t.Error("LODI missing from MI in 1990")
	}
	if got := ComuniDellaProvincia("FO", data(2025, time.June, 1)); len(got) != 0 {
		t.Errorf("FO today: %d comuni", len(got))
	}
}

func TestValidoIl(t *testing.T) {
	l := Luogo{Dal: data(1924, time.November, 14), Al: data(1930, time.January, 31)}
	aperto := Luogo{Dal: data(1924, time.November, 14)}
	anpr := Luogo{Dal: data(1924, time.November, 14), Al: data(9999, time.December, 31)}
	tests := []struct {
		l    Luogo
		d    time.Time
		want bool
	}{
		{l, data(1924, time.November, 13), false},
		{l, data(1924, time.November, 14), true},
		{l, time.Date(1930, time.January, 31, 23, 59, 0, 0, time.FixedZone("CET", 3600)), true},
		{l, data(1930, time.February, 1), false},
		{aperto, data(2100, time.January, 1), true},
		{anpr, data(2100, time.January, 1), true},
	}
	for _, tt := range tests {
		if got := tt.l.ValidoIl(tt.d); got != tt.want {
			t.Errorf("ValidoIl(%s) = %v, want %v", tt.d, got, tt.want)
		}
	}
}
