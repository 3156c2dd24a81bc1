package store_test

import (
	"path/filepath"
	"reflect"
	"testing"

	"abilita/domain"
	"abilita/sedi"
	"abilita/store"
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
	got := s.Sedi()
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
	got := s.Sedi()
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
	if got := s.Sedi(); len(got) != 0 {
		t.Errorf("Sedi() senza semina = %v", got)
	}
	if _, err := s.SedePerProvincia("MI"); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("SedePerProvincia senza sedi = %v", err)
	}
}

// A sede saved is audited and read at once, by this store and after a
// restart; pages that drew the old data see a new version.
func TestSalvaSede(t *testing.T) {
	path := filepath.Join(t.TempDir(), "abilita.db")
	s := MustOpenAt(t, path)
	seminaSedi(t, s)
	admin := creaAmministratore(t, s, "admin@example.it")
	versione := s.VersioneSedi()
	pisa, err := s.Sede("PI")
	if err != nil {
		t.Fatal(err)
	}
	pisa.Indirizzo, pisa.CAP, pisa.ProvinceServite = "Via Nino Bixio 8", "56125", []string{"PI", "LU"}
	if err := s.SalvaSede(atto(admin.ID, t0), pisa, "modificati indirizzo e province della sede di Pisa"); err != nil {
		t.Fatal(err)
	}
	if s.VersioneSedi() == versione {
		t.Error("VersioneSedi non è cambiata")
	}
	if got, err := s.Sede("PI"); err != nil || !reflect.DeepEqual(got, pisa) {
		t.Errorf("Sede(PI) = %+v, %v", got, err)
	}
	if got, err := s.SedePerProvincia("LU"); err != nil || got.Codice != "LU" {
		t.Errorf("SedePerProvincia(LU) = %q, %v: la sede di Lucca resta la prima a servirla", got.Codice, err)
	}
	ev, _ := s.EventiAudit(store.FiltroAudit{Chi: admin.ID})
	if len(ev) != 1 || ev[0].Azione != domain.AuditSede || ev[0].Dettaglio != "modificati indirizzo e province della sede di Pisa" {
		t.Errorf("audit: %+v", ev)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = MustOpenAt(t, path)
	if got, err := s.Sede("PI"); err != nil || got.Indirizzo != "Via Nino Bixio 8" {
		t.Errorf("dopo la riapertura Sede(PI) = %+v, %v", got, err)
	}
}

// Only an administrator edits the sedi, as it alone reroutes requests
// between them.
func TestSalvaSedeSoloAmministratori(t *testing.T) {
	s := MustOpenConSedi(t)
	op := creaOperatore(t, s, "op.pi@example.it", "PI")
	pisa, _ := s.Sede("PI")
	pisa.ProvinceServite = []string{"PI", "LI", "LU", "MS"}
	versione := s.VersioneSedi()
	prima := istantanea(t, s)
	for _, chi := range []uint64{op.ID, 0, 999} {
		err := s.SalvaSede(atto(chi, t0), pisa, "la sede di Pisa serve tutta la costa")
		if err == nil {
			t.Errorf("SalvaSede dell'utente %d accettata", chi)
		}
	}
	invariato(t, s, prima)
	if s.VersioneSedi() != versione {
		t.Error("VersioneSedi è cambiata senza che le sedi cambiassero")
	}
}
