package store_test

import (
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"abilita/domain"
	"abilita/store"
)

// MustOpen opens a store in a new temporary folder and closes it when the
// test ends.
func MustOpen(tb testing.TB) *store.Store {
	tb.Helper()
	return MustOpenAt(tb, filepath.Join(tb.TempDir(), "abilita.db"))
}

// MustOpenAt opens the store at path and closes it when the test ends.
func MustOpenAt(tb testing.TB, path string) *store.Store {
	tb.Helper()
	s, err := store.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// istantanea is the whole content of the database.
func istantanea(tb testing.TB, s *store.Store) map[string]map[string]string {
	tb.Helper()
	m, err := s.Istantanea()
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// invariato fails the test if the database differs from prima.
func invariato(tb testing.TB, s *store.Store, prima map[string]map[string]string) {
	tb.Helper()
	dopo := istantanea(tb, s)
	if reflect.DeepEqual(prima, dopo) {
		return
	}
	for b, m := range dopo {
		for k, v := range m {
			if prima[b][k] != v {
				tb.Errorf("%s[%s] = %q, prima era %q", b, k, v, prima[b][k])
			}
		}
		for k, v := range prima[b] {
			if _, ok := m[k]; !ok {
				tb.Errorf("%s[%s] cancellato, era %q", b, k, v)
			}
		}
	}
	tb.FailNow()
}

// codice fails the test unless err carries the domain code want.
func codice(tb testing.TB, err error, want domain.Codice) {
	tb.Helper()
	var de *domain.Errore
	if !errors.As(err, &de) || de.Codice != want {
		tb.Fatalf("errore = %v (%T), want codice %q", err, err, want)
	}
}

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestOpenCreaLaCartellaERiapre(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sotto", "cartella", "abilita.db")
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Path() != path {
		t.Errorf("Path = %q, want %q", s.Path(), path)
	}
	u := &domain.Utente{Email: "mario@example.it", Ruolo: domain.RuoloRichiedente}
	if err := s.CreaUtente(u); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = MustOpenAt(t, path)
	got, err := s.UtentePerEmail("mario@example.it")
	if err != nil || got.ID != u.ID {
		t.Fatalf("dopo la riapertura: %+v, %v", got, err)
	}
}

func TestOpenFileGiaInUso(t *testing.T) {
	s := MustOpen(t)
	if _, err := store.Open(s.Path()); err == nil {
		t.Fatal("un secondo Open dello stesso file deve fallire (bbolt tiene un lock)")
	}
}
