package cf

import (
	"strings"
	"testing"
	"time"
)

// TestCaricamento parses the embedded data and logs how long it takes: it
// happens once, on the first lookup, so it delays one request.
func TestCaricamento(t *testing.T) {
	inizio := time.Now()
	a, err := leggiArchivio(comuniTSV, statiTSV, altriEsteriTSV, aliasEsteri)
	durata := time.Since(inizio)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d records parsed in %s", len(a.voci), durata)
	var comuni, stati int
	for _, v := range a.voci {
		if v.Estero {
			stati++
		} else {
			comuni++
		}
		if len(v.Codice) != 4 || v.Nome == "" || len(v.Provincia) != 2 || v.Dal.IsZero() {
			t.Errorf("incomplete record %+v", v.Luogo)
		}
		if v.Estero != strings.HasPrefix(v.Codice, "Z") {
			t.Errorf("%s: Estero = %v", v.Codice, v.Estero)
		}
		if !v.Al.IsZero() && v.Al.Before(v.Dal) {
			t.Errorf("%s: ends before it starts", v.Codice)
		}
	}
	if comuni < 19000 || stati < 200 {
		t.Errorf("%d comuni and %d states", comuni, stati)
	}
}

func TestLeggiArchivioErrori(t *testing.T) {
	const comuni = "codice\tnome\taltro_nome\tprovincia\tdal\tal\n"
	const stati = "codice\tnome\tdal\tal\n"
	const altri = "codice\tnome\tdal\tal\ttipo\tfonte\n"
	const jugoslavia = "Z118\tJUGOSLAVIA\t1900-01-01\t2003-02-04\tstato\tpcf\n"
	alias := map[string]string{"Iugoslavia": "Z118"}
	if _, err := leggiArchivio(comuni, stati, altri+jugoslavia, alias); err != nil {
		t.Fatalf("valid data refused: %v", err)
	}
	tests := []struct {
		name, comuni, stati, altri string
		alias                      map[string]string
	}{
		{"intestazione", "codice\tnome\n", stati, altri, nil},
		{"campi mancanti", comuni + "A001\tABANO\tPD\t1866-11-19\n", stati, altri, nil},
		{"data", comuni + "A001\tABANO\t\tPD\t1866-13-19\t\n", stati, altri, nil},
		{"data corta", comuni, stati + "Z110\tFRANCIA\t1900-1-1\t\n", altri, nil},
		{"intestazione degli altri esteri", comuni, stati, stati, nil},
		{"altri esteri senza fonte", comuni, stati, altri + "Z118\tJUGOSLAVIA\t1900-01-01\t2003-02-04\tstato\n", nil},
		{"alias di un codice assente", comuni, stati, altri + jugoslavia, map[string]string{"URSS": "Z135"}},
		{"alias di un comune", comuni + "A001\tABANO\t\tPD\t1866-11-19\t\n", stati, altri, map[string]string{"Abano": "A001"}},
	}
	for _, tt := range tests {
		if _, err := leggiArchivio(tt.comuni, tt.stati, tt.altri, tt.alias); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}

func BenchmarkCaricamento(b *testing.B) {
	for b.Loop() {
		if _, err := leggiArchivio(comuniTSV, statiTSV, altriEsteriTSV, aliasEsteri); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCercaLuoghi(b *testing.B) {
	carica()
	oggi := time.Now()
	for b.Loop() {
		CercaLuoghi("san gio", oggi, 10)
	}
}
