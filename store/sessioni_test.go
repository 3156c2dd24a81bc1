package store_test

import (
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/store"
)

func TestSessioni(t *testing.T) {
	s := MustOpen(t)
	u := richiedente(t, s, rossi)
	entra(t, s, u.ID, "abc", firefox, t0)
	ss, v, err := s.SessioneAttiva("abc")
	if err != nil || ss.Hash != "abc" || ss.UtenteID != u.ID || !ss.Creata.Equal(t0) || ss.IP != "192.0.2.1" || ss.UserAgent != firefox || v.ID != u.ID {
		t.Fatalf("SessioneAttiva = %+v, %+v, %v", ss, v, err)
	}

	uso := t0.Add(5 * time.Minute)
	if err := s.TocaSessione("abc", uso); err != nil {
		t.Fatal(err)
	}
	if ss, _, _ := s.SessioneAttiva("abc"); !ss.UltimoUso.Equal(uso) || !ss.Creata.Equal(t0) {
		t.Errorf("dopo TocaSessione: %+v", ss)
	}
	if err := s.TocaSessione("sconosciuta", uso); err != nil {
		t.Errorf("TocaSessione(sconosciuta) = %v", err)
	}

	if err := s.EliminaSessione("abc"); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.SessioneAttiva("abc")
	codice(t, err, domain.ErrNonTrovato)
	if err := s.EliminaSessione("abc"); err != nil {
		t.Errorf("EliminaSessione due volte = %v", err)
	}
	if err := s.TocaSessione("abc", uso); err != nil {
		t.Errorf("TocaSessione dopo l'eliminazione = %v", err)
	}
	if _, _, err := s.SessioneAttiva("abc"); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("TocaSessione ha resuscitato la sessione: %v", err)
	}
	if p, err := s.Controlla(); err != nil || len(p) > 0 {
		t.Errorf("Controlla = %q, %v", p, err)
	}
}

// hashes lists the sessions of user id, the most recently used first.
func hashes(tb testing.TB, s *store.Store, id uint64) string {
	tb.Helper()
	ss, err := s.SessioniUtente(id)
	if err != nil {
		tb.Fatal(err)
	}
	out := ""
	for _, x := range ss {
		out += x.Hash
	}
	return out
}

func TestSessioniUtenteEChiudiSessione(t *testing.T) {
	s := MustOpen(t)
	// Users 1 and 256 differ in one byte of their big-endian IDs.
	utenti := creaUtenti(t, s, 256)
	u1, u256 := utenti[0].ID, utenti[255].ID
	// Last used: a at 0, b at 1, c at 2 minutes.
	for i, h := range []string{"a", "b", "c"} {
		entra(t, s, u1, h, firefox, t0.Add(time.Duration(i)*time.Minute))
	}
	entra(t, s, u256, "d", firefox, t0)
	if got := hashes(t, s, u1); got != "cba" {
		t.Errorf("SessioniUtente = %q", got)
	}

	prima := istantanea(t, s)
	codice(t, s.ChiudiSessione(atto(u1, t0), "d", "Firefox su Linux"), domain.ErrNonTrovato)
	codice(t, s.ChiudiSessione(atto(u1, t0), "z", "Firefox su Linux"), domain.ErrNonTrovato)
	invariato(t, s, prima)

	if err := s.ChiudiSessione(atto(u1, t0), "b", "Firefox su Linux"); err != nil {
		t.Fatal(err)
	}
	if got := hashes(t, s, u1); got != "ca" {
		t.Errorf("dopo ChiudiSessione: %q", got)
	}
	ev, _ := s.EventiAudit(store.FiltroAudit{Chi: u1})
	if len(ev) != 1 || ev[0].Azione != domain.AuditAccount || !strings.Contains(ev[0].Dettaglio, "Firefox su Linux") {
		t.Errorf("audit: %+v", ev)
	}
	entra(t, s, u1, "e", firefox, t0)
	if n, err := s.ChiudiAltreSessioni(atto(u1, t0), "a"); err != nil || n != 2 {
		t.Fatalf("ChiudiAltreSessioni = %d, %v", n, err)
	}
	if got := hashes(t, s, u1); got != "a" {
		t.Errorf("dopo ChiudiAltreSessioni: %q", got)
	}
	if got := hashes(t, s, u256); got != "d" {
		t.Errorf("sessioni dell'utente 256: %q", got)
	}
	if _, _, err := s.SessioneAttiva("c"); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("sessione c: %v", err)
	}
	if ev, _ := s.EventiAudit(store.FiltroAudit{Chi: u1, Limite: 1}); len(ev) != 1 || ev[0].Dettaglio != "il titolare ha chiuso le altre sessioni: 2" {
		t.Errorf("audit: %+v", ev)
	}
	if p, err := s.Controlla(); err != nil || len(p) > 0 {
		t.Errorf("Controlla = %q, %v", p, err)
	}
}

// Ending every session of a user leaves the others' alone, in the records
// and in the index.
func TestChiudiTutteLeSessioniDiUnUtente(t *testing.T) {
	s := MustOpen(t)
	utenti := creaUtenti(t, s, 256)
	u1, u2, u256 := utenti[0].ID, utenti[1].ID, utenti[255].ID
	sessioni := map[string]uint64{"a": u1, "b": u1, "c": u2, "d": u256, "e": u1}
	for h, u := range sessioni {
		entra(t, s, u, h, firefox, t0)
	}
	if n, err := s.ChiudiAltreSessioni(atto(u1, t0), ""); err != nil || n != 3 {
		t.Fatalf("ChiudiAltreSessioni = %d, %v", n, err)
	}
	for h, u := range sessioni {
		_, _, err := s.SessioneAttiva(h)
		if u == u1 && domain.CodiceDi(err) != domain.ErrNonTrovato {
			t.Errorf("sessione %s dell'utente 1 ancora aperta: %v", h, err)
		}
		if u != u1 && err != nil {
			t.Errorf("sessione %s dell'utente %d chiusa: %v", h, u, err)
		}
	}
	if n, err := s.ChiudiAltreSessioni(atto(utenti[2].ID, t0), ""); err != nil || n != 0 {
		t.Errorf("ChiudiAltreSessioni senza sessioni = %d, %v", n, err)
	}
	if idx := istantanea(t, s)["idx_sessioni_utente"]; len(idx) != 1+2 {
		t.Errorf("indice delle sessioni: %d voci, want 2", len(idx)-1)
	}
}
