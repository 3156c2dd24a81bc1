package store_test

import (
	"testing"
	"time"

	"abilita/domain"
	"abilita/store"
)

func TestSessioni(t *testing.T) {
	s := MustOpen(t)
	ss := store.Sessione{Hash: "abc", UtenteID: 1, Creata: t0, UltimoUso: t0, IP: "192.0.2.1", UserAgent: "Firefox"}
	if err := s.CreaSessione(ss); err != nil {
		t.Fatal(err)
	}
	got, err := s.Sessione("abc")
	if err != nil || got.Hash != "abc" || got.UtenteID != 1 || !got.Creata.Equal(t0) || got.IP != "192.0.2.1" || got.UserAgent != "Firefox" {
		t.Fatalf("Sessione = %+v, %v", got, err)
	}

	uso := t0.Add(5 * time.Minute)
	if err := s.TocaSessione("abc", uso); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Sessione("abc"); !got.UltimoUso.Equal(uso) || !got.Creata.Equal(t0) {
		t.Errorf("dopo TocaSessione: %+v", got)
	}
	if err := s.TocaSessione("sconosciuta", uso); err != nil {
		t.Errorf("TocaSessione(sconosciuta) = %v", err)
	}

	if err := s.EliminaSessione("abc"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Sessione("abc")
	codice(t, err, domain.ErrNonTrovato)
	if err := s.EliminaSessione("abc"); err != nil {
		t.Errorf("EliminaSessione due volte = %v", err)
	}
	if err := s.TocaSessione("abc", uso); err != nil {
		t.Errorf("TocaSessione dopo l'eliminazione = %v", err)
	}
	if _, err := s.Sessione("abc"); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("TocaSessione ha resuscitato la sessione: %v", err)
	}
}

func TestEliminaSessioniUtente(t *testing.T) {
	s := MustOpen(t)
	// User 1 and user 256 differ in one byte of their big-endian IDs.
	sessioni := map[string]uint64{"a": 1, "b": 1, "c": 2, "d": 256, "e": 1}
	for h, u := range sessioni {
		if err := s.CreaSessione(store.Sessione{Hash: h, UtenteID: u, Creata: t0}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.EliminaSessioniUtente(1); err != nil {
		t.Fatal(err)
	}
	for h, u := range sessioni {
		_, err := s.Sessione(h)
		if u == 1 && domain.CodiceDi(err) != domain.ErrNonTrovato {
			t.Errorf("sessione %s dell'utente 1 ancora aperta: %v", h, err)
		}
		if u != 1 && err != nil {
			t.Errorf("sessione %s dell'utente %d chiusa: %v", h, u, err)
		}
	}
	if err := s.EliminaSessioniUtente(99); err != nil {
		t.Errorf("EliminaSessioniUtente senza sessioni = %v", err)
	}
	idx := istantanea(t, s)["idx_sessioni_utente"]
	if len(idx) != 1+2 {
		t.Errorf("indice delle sessioni: %d voci, want 2", len(idx)-1)
	}
}
