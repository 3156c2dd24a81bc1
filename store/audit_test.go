package store_test

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
	"abilita/store"
)

// auditDi opens a store at path with n audit entries and closes it.
func auditDi(t *testing.T, path string, n int) {
	t.Helper()
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := range n {
		a := store.Atto{Chi: uint64(1 + i%2), Quando: base.Add(time.Duration(i) * time.Minute), IP: "192.0.2.1"}
		if err := s.RegistraEvento(a, domain.AuditVisualizzaDocumento, uint64(10+i%3), "voce "+string(rune('A'+i))); err != nil {
			t.Fatal(err)
		}
	}
}

// cambia rewrites entry id with one JSON field changed.
func cambia(field string, value any, id uint64) func(*bolt.Bucket) error {
	return func(b *bolt.Bucket) error {
		var e map[string]any
		if err := json.Unmarshal(b.Get(be(id)), &e); err != nil {
			return err
		}
		e[field] = value
		data, err := json.Marshal(e)
		if err != nil {
			return err
		}
		return b.Put(be(id), data)
	}
}

func verifica(t *testing.T, path string) (int, error) {
	t.Helper()
	s := MustOpenAt(t, path)
	n, err := s.VerificaAudit()
	if cerr := s.Close(); cerr != nil {
		t.Fatal(cerr)
	}
	return n, err
}

func TestAuditCatenaIntegra(t *testing.T) {
	path := filepath.Join(t.TempDir(), "abilita.db")
	if n, err := verifica(t, path); err != nil || n != 0 {
		t.Fatalf("empty log: %d, %v", n, err)
	}
	auditDi(t, path, 5)
	if n, err := verifica(t, path); err != nil || n != 5 {
		t.Fatalf("VerificaAudit = %d, %v; want 5, nil", n, err)
	}
}

func TestAuditManomissioni(t *testing.T) {
	tests := []struct {
		name   string
		change func(*bolt.Bucket) error
		want   string // in the error
	}{
		{"dettaglio cambiato", cambia("dettaglio", "nulla da vedere", 3), "entry 3"},
		{"autore cambiato", cambia("chi", 99, 1), "entry 1"},
		{"ora cambiata", cambia("quando", "2020-01-01T00:00:00Z", 5), "entry 5"},
		{"hash ricalcolato a mano", func(b *bolt.Bucket) error {
			// Rewriting an entry together with its own hash still breaks
			// the link from the next entry.
			var e domain.EventoAudit
			if err := json.Unmarshal(b.Get(be(2)), &e); err != nil {
				return err
			}
			e.Dettaglio, e.Hash = "riscritta", strings.Repeat("0", 64)
			data, _ := json.Marshal(e)
			return b.Put(be(2), data)
		}, "entry 2"},
		{"voce intermedia tolta", func(b *bolt.Bucket) error { return b.Delete(be(3)) }, "entry 4"},
		{"ultima voce tolta", func(b *bolt.Bucket) error { return b.Delete(be(5)) }, "removed"},
		{"ultime due voci tolte", func(b *bolt.Bucket) error {
			if err := b.Delete(be(5)); err != nil {
				return err
			}
			return b.Delete(be(4))
		}, "removed"},
		{"voce spostata", func(b *bolt.Bucket) error {
			v := append([]byte(nil), b.Get(be(5))...)
			if err := b.Delete(be(5)); err != nil {
				return err
			}
			return b.Put(be(6), v)
		}, "stored under key"},
		{"JSON rotto", func(b *bolt.Bucket) error { return b.Put(be(2), []byte("{")) }, "entry 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "abilita.db")
			auditDi(t, path, 5)
			manometti(t, path, func(tx *bolt.Tx) error { return tt.change(tx.Bucket([]byte("audit"))) })
			_, err := verifica(t, path)
			if err == nil {
				t.Fatal("VerificaAudit accepted a tampered log")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestEventiAuditPaginaEFiltri(t *testing.T) {
	path := filepath.Join(t.TempDir(), "abilita.db")
	auditDi(t, path, 7)
	s := MustOpenAt(t, path)
	ids := func(ee []domain.EventoAudit) []uint64 {
		var out []uint64
		for _, e := range ee {
			out = append(out, e.ID)
		}
		return out
	}
	tests := []struct {
		name string
		f    store.FiltroAudit
		want []uint64
	}{
		{"le più recenti", store.FiltroAudit{Limite: 3}, []uint64{7, 6, 5}},
		{"pagina seguente", store.FiltroAudit{Prima: 5, Limite: 3}, []uint64{4, 3, 2}},
		{"ultima pagina", store.FiltroAudit{Prima: 2, Limite: 3}, []uint64{1}},
		{"per richiesta", store.FiltroAudit{Richiesta: 10}, []uint64{7, 4, 1}},
		{"per utente", store.FiltroAudit{Chi: 2}, []uint64{6, 4, 2}},
		{"per richiesta e utente", store.FiltroAudit{Richiesta: 10, Chi: 2}, []uint64{4}},
		{"per richiesta, pagina seguente", store.FiltroAudit{Richiesta: 10, Prima: 4}, []uint64{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.EventiAudit(tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if g := ids(got); !slices.Equal(g, tt.want) {
				t.Errorf("IDs %v, want %v", g, tt.want)
			}
		})
	}
}

func TestEventiAuditVoceCompleta(t *testing.T) {
	path := filepath.Join(t.TempDir(), "abilita.db")
	auditDi(t, path, 2)
	s := MustOpenAt(t, path)
	ev, err := s.EventiAudit(store.FiltroAudit{})
	if err != nil || len(ev) != 2 {
		t.Fatalf("EventiAudit = %+v, %v", ev, err)
	}
	e := ev[0]
	if e.ID != 2 || e.Chi != 2 || e.Richiesta != 11 || e.Azione != domain.AuditVisualizzaDocumento || e.IP != "192.0.2.1" ||
		e.Dettaglio != "voce B" || !e.Quando.Equal(time.Date(2026, 3, 1, 9, 1, 0, 0, time.UTC)) || e.Prec != ev[1].Hash || len(e.Hash) != 64 {
		t.Errorf("voce = %+v", e)
	}
}

// Looking at a document is recorded only for who may see the request;
// anybody else is refused and leaves no trace.
func TestRegistraVisione(t *testing.T) {
	s := MustOpenConSedi(t)
	u := richiedente(t, s, rossi)
	op := creaOperatore(t, s, "op.pi@example.it", "PI")
	opMI := creaOperatore(t, s, "op.mi@example.it", "MI")
	r := invia(t, s, u.ID, richiestaCompleta(rossi))
	b := bozza(t, s, u.ID, richiestaCompleta(rossi))

	prima := istantanea(t, s)
	for _, tc := range []struct {
		nome    string
		chi, id uint64
	}{
		{"operatore di un'altra sede", opMI.ID, r.ID},
		{"bozza", op.ID, b.ID},
		{"richiesta inesistente", op.ID, 999},
	} {
		err := s.RegistraVisione(atto(tc.chi, t0), tc.id, domain.AuditVisualizzaDocumento, "documento_fronte")
		if domain.CodiceDi(err) != domain.ErrNonTrovato {
			t.Errorf("%s: %v, want non trovato", tc.nome, err)
		}
	}
	invariato(t, s, prima)

	if err := s.RegistraVisione(atto(op.ID, t0), r.ID, domain.AuditScaricaDocumento, "modulo_firmato"); err != nil {
		t.Fatal(err)
	}
	ev, _ := s.EventiAudit(store.FiltroAudit{Richiesta: r.ID, Limite: 1})
	if len(ev) != 1 || ev[0].Chi != op.ID || ev[0].Azione != domain.AuditScaricaDocumento || ev[0].Dettaglio != "modulo_firmato" {
		t.Errorf("audit: %+v", ev)
	}
}
