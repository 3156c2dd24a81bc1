package posta_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/notify"
	"abilita/posta"
	"abilita/sedi"
)

// archivio is the composer's view of the store, in memory.
type archivio map[uint64]*domain.Richiesta

func (a archivio) Richiesta(id uint64) (*domain.Richiesta, error) {
	if r, ok := a[id]; ok {
		return r, nil
	}
	return nil, domain.ErrRichiestaNonTrovata
}

func (a archivio) Sede(codice string) (sedi.Sede, error) {
	return sedi.Sede{Codice: codice, Nome: "Sede di Pisa", Email: "pisa@inail.it"}, nil
}

// PreparaReset knows one account, notification 1's, and one failure.
func (a archivio) PreparaReset(notifica uint64, tokenHash string, now, scade time.Time) (string, bool, error) {
	switch notifica {
	case 1:
		if tokenHash == "" || !scade.Equal(now.Add(domain.DurataReset)) {
			return "", false, errors.New("bad link")
		}
		return "Mario", true, nil
	case 3:
		return "", false, errors.New("disk full")
	}
	return "", false, nil
}

// TestComponi composes each message stored as a template from the stored
// request as it is now: the protocol and codice medico the transaction
// assigned, the receipt PDF, the right request for more information, the
// link only for those who have an account; and refuses for good what can
// never be composed.
func TestComponi(t *testing.T) {
	inviata := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	online := &domain.Richiesta{ID: 1, Protocollo: "PI-2026-000001", Percorso: domain.PercorsoOnline, Sede: "PI", Profilo: domain.ProfiloMedicoEsterno,
		Tipo: domain.TipoNuova, Stato: domain.StatoApprovata, Inviata: inviata, Anagrafica: domain.Anagrafica{Cognome: "Rossi", Nome: "Mario"},
		Esito:        &domain.Esito{CodiceMedico: "MED0000042", Motivi: []domain.MotivoRifiuto{domain.MotivoDocumento}, Nota: "Scaduto."},
		Integrazioni: []domain.Integrazione{{Messaggio: "Prima domanda."}, {Messaggio: "Seconda domanda."}}}
	sportello := *online
	sportello.ID, sportello.Percorso = 2, domain.PercorsoSportello
	c := &posta.Compositore{Archivio: archivio{1: online, 2: &sportello}, PublicURL: "https://abilita.example.it/"}
	componi := func(id uint64, m domain.Messaggio) (domain.Messaggio, error) {
		m.To, m.Kind = []string{"mario@example.it"}, domain.MessaggioPEC
		return c.Componi(context.Background(), domain.Notifica{ID: 9, RichiestaID: id, Messaggio: m})
	}
	for _, tt := range []struct {
		nome     string
		id       uint64
		m        domain.Messaggio
		contiene []string
		manca    []string
		allegati int
	}{
		{"ricevuta", 1, domain.Messaggio{Modello: domain.ModelloRicevuta}, []string{"PI-2026-000001", "https://abilita.example.it/richieste/1", "Sede di Pisa"}, nil, 1},
		{"approvata", 1, domain.Messaggio{Modello: domain.ModelloApprovata}, []string{"approvata", "MED0000042"}, nil, 0},
		{"respinta", 1, domain.Messaggio{Modello: domain.ModelloRespinta}, []string{"Documento scaduto o illeggibile", "Scaduto."}, nil, 0},
		{"la prima integrazione", 1, domain.Messaggio{Modello: domain.ModelloIntegrazione, Voce: 1}, []string{"Prima domanda."}, []string{"Seconda domanda."}, 0},
		{"la seconda", 1, domain.Messaggio{Modello: domain.ModelloIntegrazione, Voce: 2}, []string{"Seconda domanda."}, []string{"Prima domanda."}, 0},
		{"allo sportello, senza collegamento", 2, domain.Messaggio{Modello: domain.ModelloRicevuta}, []string{"rivolgiti alla sede"}, []string{"/richieste/"}, 1},
	} {
		t.Run(tt.nome, func(t *testing.T) {
			m, err := componi(tt.id, tt.m)
			if err != nil {
				t.Fatal(err)
			}
			testo := m.Subject + "\n" + m.Text
			for _, w := range tt.contiene {
				if !strings.Contains(testo, w) {
					t.Errorf("no %q in:\n%s", w, testo)
				}
			}
			for _, w := range tt.manca {
				if strings.Contains(testo, w) {
					t.Errorf("%q in:\n%s", w, testo)
				}
			}
			if len(m.Attachments) != tt.allegati || m.To[0] != "mario@example.it" || m.Kind != domain.MessaggioPEC || !strings.Contains(m.Subject, "PI-2026-000001") {
				t.Errorf("message %q to %v by %s with %d attachments", m.Subject, m.To, m.Kind, len(m.Attachments))
			}
		})
	}
	for _, tt := range []struct {
		nome string
		id   uint64
		m    domain.Messaggio
	}{
		{"richiesta sparita", 7, domain.Messaggio{Modello: domain.ModelloRicevuta}},
		{"integrazione che non c'è", 1, domain.Messaggio{Modello: domain.ModelloIntegrazione, Voce: 3}},
		{"modello sconosciuto", 1, domain.Messaggio{Modello: "boh"}},
	} {
		t.Run(tt.nome, func(t *testing.T) {
			if _, err := componi(tt.id, tt.m); err == nil || !notify.Permanent(err) {
				t.Errorf("error %v, want a permanent one", err)
			}
		})
	}
}

// The reset e-mail is composed only when the store finds an account for
// it; otherwise it is dropped, not failed.
func TestComponiReimpostaPassword(t *testing.T) {
	adesso := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	c := &posta.Compositore{Archivio: archivio{}, PublicURL: "https://abilita.example.it", Now: func() time.Time { return adesso }}
	reset := func(id uint64) (domain.Messaggio, error) {
		return c.Componi(context.Background(), domain.Notifica{ID: id, Messaggio: domain.Messaggio{To: []string{"mario@example.it"}, Modello: domain.ModelloReimpostaPassword}})
	}
	m, err := reset(1)
	if err != nil || m.To[0] != "mario@example.it" || !strings.Contains(m.Text, "Gentile Mario") || !strings.Contains(m.Text, "https://abilita.example.it/reimposta-password?t=") ||
		!strings.Contains(m.Text, "un'ora") {
		t.Errorf("composed %+v, %v", m, err)
	}
	if _, err := reset(2); !notify.Dropped(err) || notify.Permanent(err) {
		t.Errorf("an address without account: %v, want dropped", err)
	}
	if _, err := reset(3); err == nil || notify.Dropped(err) || notify.Permanent(err) {
		t.Errorf("a store error: %v, want a temporary failure", err)
	}
}
