package store_test

import (
	"reflect"
	"testing"

	"abilita/domain"
	"abilita/sedi"
)

func TestSeminaSediUnaVolta(t *testing.T) {
	s := MustOpen(t)
	prime := []sedi.Sede{
		{Codice: "PI", Nome: "Sede di Pisa", Citta: "Pisa", Provincia: "PI", ProvinceServite: []string{"PI", "LI"}},
		{Codice: "MI", Nome: "Sede di Milano", Citta: "Milano", Provincia: "MI", ProvinceServite: []string{"MI", "MB"}},
	}
	if err := s.SeminaSedi(prime); err != nil {
		t.Fatal(err)
	}
	altre := []sedi.Sede{{Codice: "RM", Nome: "Sede di Roma", Citta: "Roma", Provincia: "RM", ProvinceServite: []string{"RM"}}}
	if err := s.SeminaSedi(altre); err != nil {
		t.Fatal(err)
	}
	got, err := s.Sedi()
	if err != nil {
		t.Fatal(err)
	}
	want := []sedi.Sede{prime[1], prime[0]} // by city
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Sedi = %+v, want %+v", got, want)
	}
	if _, err := s.Sede("RM"); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("la seconda semina ha aggiunto RM: %v", err)
	}
	if sd, err := s.Sede("PI"); err != nil || !reflect.DeepEqual(sd, prime[0]) {
		t.Errorf("Sede(PI) = %+v, %v", sd, err)
	}

	for _, tt := range []struct{ sigla, sede string }{{"PI", "PI"}, {"LI", "PI"}, {"MB", "MI"}, {"MI", "MI"}} {
		sd, err := s.SedePerProvincia(tt.sigla)
		if err != nil || sd.Codice != tt.sede {
			t.Errorf("SedePerProvincia(%s) = %q, %v; want %q", tt.sigla, sd.Codice, err, tt.sede)
		}
	}
	for _, sigla := range []string{"RM", "", "pi", "XX"} {
		if _, err := s.SedePerProvincia(sigla); domain.CodiceDi(err) != domain.ErrNonTrovato {
			t.Errorf("SedePerProvincia(%q) = %v, want non trovato", sigla, err)
		}
	}
}

func TestSediPredefinite(t *testing.T) {
	s := MustOpen(t)
	elenco, err := sedi.Default()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SeminaSedi(elenco); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Sedi()
	if len(got) != len(elenco) {
		t.Fatalf("%d sedi salvate, %d nell'elenco predefinito", len(got), len(elenco))
	}
	for _, sd := range elenco {
		for _, p := range sd.ProvinceServite {
			if x, err := s.SedePerProvincia(p); err != nil || x.Codice != sd.Codice {
				t.Errorf("SedePerProvincia(%s) = %q, %v; want %q", p, x.Codice, err, sd.Codice)
			}
		}
	}
	if _, err := s.Sede("ZZ"); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("Sede(ZZ) = %v", err)
	}
}

func TestSediVuote(t *testing.T) {
	s := MustOpen(t)
	if got, err := s.Sedi(); err != nil || len(got) != 0 {
		t.Errorf("Sedi() senza semina = %v, %v", got, err)
	}
	if _, err := s.SedePerProvincia("MI"); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("SedePerProvincia senza sedi = %v", err)
	}
}
