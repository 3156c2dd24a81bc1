package store_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/notify"
	"abilita/store"
)

// creaBozza stores a draft of user richiedente for sede.
func creaBozza(tb testing.TB, s *store.Store, richiedente uint64, sede string) *domain.Richiesta {
	tb.Helper()
	r := &domain.Richiesta{
		Percorso: domain.PercorsoOnline, Richiedente: richiedente, Sede: sede, Tipo: domain.TipoNuova,
		Profilo:    domain.ProfiloMedicoEsterno,
		Anagrafica: domain.Anagrafica{Cognome: "Rossi", Nome: "Mario", CodiceFiscale: "RSSMRA85T10A562S"},
		Contatti:   domain.Contatti{Email: "mario.rossi@example.it"},
		Creata:     t0, Aggiornata: t0,
	}
	if err := s.CreaBozza(r); err != nil {
		tb.Fatal(err)
	}
	return r
}

// esegui runs action a on request id at quando, by user 99.
func esegui(tb testing.TB, s *store.Store, id uint64, a domain.Azione, quando time.Time) *domain.Richiesta {
	tb.Helper()
	r, err := s.Esegui(id, store.Transizione{Azione: a, Chi: 99, Quando: quando})
	if err != nil {
		tb.Fatalf("%s della richiesta %d: %v", a, id, err)
	}
	return r
}

func TestCreaBozza(t *testing.T) {
	s := MustOpen(t)
	r := &domain.Richiesta{Richiedente: 5, Stato: domain.StatoApprovata, Schema: 99, Protocollo: ""}
	if err := s.CreaBozza(r); err != nil {
		t.Fatal(err)
	}
	if r.ID == 0 || r.Stato != domain.StatoBozza || r.Schema != domain.SchemaRichiesta {
		t.Fatalf("CreaBozza: ID %d, Stato %q, Schema %d", r.ID, r.Stato, r.Schema)
	}
	got, err := s.Richiesta(r.ID)
	if err != nil || !reflect.DeepEqual(got, r) {
		t.Fatalf("Richiesta(%d) = %+v, %v; want %+v", r.ID, got, err, r)
	}
	r2 := creaBozza(t, s, 5, "MI")
	if r2.ID <= r.ID {
		t.Errorf("ID non crescenti: %d dopo %d", r2.ID, r.ID)
	}
	_, err = s.Richiesta(999)
	codice(t, err, domain.ErrNonTrovato)
}

func TestAggiornaRichiesta(t *testing.T) {
	s := MustOpen(t)
	r := creaBozza(t, s, 1, "")
	now := t0.Add(time.Hour)
	got, err := s.AggiornaRichiesta(r.ID, now, func(x *domain.Richiesta) error {
		x.Anagrafica.Cognome, x.Sede = "Bianchi", "PI"
		return nil
	})
	if err != nil || got.Anagrafica.Cognome != "Bianchi" || !got.Aggiornata.Equal(now) {
		t.Fatalf("AggiornaRichiesta = %+v, %v", got, err)
	}
	if stored, _ := s.Richiesta(r.ID); !reflect.DeepEqual(stored, got) {
		t.Errorf("salvata %+v, restituita %+v", stored, got)
	}

	prima := istantanea(t, s)
	rifiuto := domain.Conflitto("non modificabile")
	_, err = s.AggiornaRichiesta(r.ID, now.Add(time.Hour), func(x *domain.Richiesta) error {
		x.Anagrafica.Cognome, x.Stato, x.Sede = "Verdi", domain.StatoInviata, "MI"
		return rifiuto
	})
	if err != rifiuto {
		t.Fatalf("errore = %v, want quello della funzione", err)
	}
	_, err = s.AggiornaRichiesta(999, now, func(*domain.Richiesta) error { return nil })
	codice(t, err, domain.ErrNonTrovato)
	invariato(t, s, prima)
}

func TestRichiesteUtente(t *testing.T) {
	s := MustOpen(t)
	var mie []uint64
	for i := range 4 {
		mie = append(mie, creaBozza(t, s, 1, "MI").ID)
		creaBozza(t, s, 2, "MI")
		creaBozza(t, s, 256, "RM") // 256 and 1 differ in one byte of the key
		if i == 1 {
			esegui(t, s, mie[1], domain.AzioneInvia, t0)
		}
	}
	got, err := s.RichiesteUtente(1)
	if err != nil {
		t.Fatal(err)
	}
	var ids []uint64
	for _, r := range got {
		if r.Richiedente != 1 {
			t.Errorf("richiesta %d dell'utente %d nell'elenco dell'utente 1", r.ID, r.Richiedente)
		}
		ids = append(ids, r.ID)
	}
	slices.Reverse(mie)
	if !slices.Equal(ids, mie) {
		t.Errorf("RichiesteUtente(1) = %v, want %v (la più recente per prima)", ids, mie)
	}
	if got[2].Stato != domain.StatoInviata {
		t.Errorf("l'elenco non mostra lo stato salvato: %q", got[2].Stato)
	}
	if got, err := s.RichiesteUtente(3); err != nil || len(got) != 0 {
		t.Errorf("RichiesteUtente(senza richieste) = %v, %v", got, err)
	}
}

func TestEseguiRegistraLaTransizione(t *testing.T) {
	s := MustOpen(t)
	r := creaBozza(t, s, 1, "MI")
	quando := time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)
	got, err := s.Esegui(r.ID, store.Transizione{Azione: domain.AzioneInvia, Chi: 1, Quando: quando, Nota: "inviata online"})
	if err != nil {
		t.Fatal(err)
	}
	want := domain.Evento{Quando: quando, Da: domain.StatoBozza, A: domain.StatoInviata, Chi: 1, Nota: "inviata online"}
	if got.Stato != domain.StatoInviata || len(got.Storia) != 1 || got.Storia[0] != want || !got.Inviata.Equal(quando) {
		t.Fatalf("Esegui = %+v", got)
	}
	if stored, _ := s.Richiesta(r.ID); !reflect.DeepEqual(stored, got) {
		t.Errorf("salvata %+v\nrestituita %+v", stored, got)
	}
	_, err = s.Esegui(999, store.Transizione{Azione: domain.AzioneInvia, Quando: quando})
	codice(t, err, domain.ErrNonTrovato)
}

func TestProtocolloPerSedeEAnno(t *testing.T) {
	s := MustOpen(t)
	in2026 := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	in2027 := time.Date(2027, 1, 2, 12, 0, 0, 0, time.UTC)
	// Just after midnight of New Year in Rome, still 31 December in UTC.
	capodanno := time.Date(2027, 12, 31, 23, 30, 0, 0, time.UTC)
	tests := []struct {
		sede   string
		quando time.Time
		want   string
	}{
		{"MI", in2026, "MI-2026-000001"},
		{"MI", in2026, "MI-2026-000002"},
		{"RM", in2026, "RM-2026-000001"},
		{"MI", in2026.Add(time.Hour), "MI-2026-000003"},
		{"MI", in2027, "MI-2027-000001"},
		{"RM", in2027, "RM-2027-000001"},
		{"MI", in2027, "MI-2027-000002"},
		{"MI", capodanno, "MI-2028-000001"},
	}
	for _, tt := range tests {
		r := creaBozza(t, s, 1, tt.sede)
		got := esegui(t, s, r.ID, domain.AzioneInvia, tt.quando)
		if got.Protocollo != tt.want {
			t.Errorf("%s inviata il %v: protocollo %q, want %q", tt.sede, tt.quando, got.Protocollo, tt.want)
		}
		if stored, _ := s.Richiesta(r.ID); stored.Protocollo != tt.want {
			t.Errorf("protocollo salvato %q, want %q", stored.Protocollo, tt.want)
		}
	}
	// Later transitions keep the number.
	r := creaBozza(t, s, 1, "MI")
	esegui(t, s, r.ID, domain.AzioneInvia, in2026)
	got := esegui(t, s, r.ID, domain.AzionePrendiInCarico, in2027)
	if got.Protocollo != "MI-2026-000004" {
		t.Errorf("dopo la presa in carico il protocollo è %q", got.Protocollo)
	}
}

func TestEseguiRifiutataNonCambiaNulla(t *testing.T) {
	s := MustOpen(t)
	inviata := creaBozza(t, s, 1, "MI")
	esegui(t, s, inviata.ID, domain.AzioneInvia, t0)
	bozza := creaBozza(t, s, 1, "MI")
	if err := s.Accoda(notify.Message{To: []string{"x@example.it"}, Subject: "già in coda"}, t0); err != nil {
		t.Fatal(err)
	}
	svegliato := 0
	s.SetWaker(func() { svegliato++ })

	prepare := func(*domain.Richiesta) ([]notify.Message, error) {
		return []notify.Message{{To: []string{"mario@example.it"}, Subject: "non deve partire"}}, nil
	}
	prima := istantanea(t, s)
	for _, tt := range []struct {
		id uint64
		a  domain.Azione
	}{
		{inviata.ID, domain.AzioneApprova},
		{inviata.ID, domain.AzioneInvia},
		{inviata.ID, domain.AzioneRisposta},
		{bozza.ID, domain.AzionePrendiInCarico},
		{bozza.ID, domain.AzioneAttiva},
	} {
		_, err := s.Esegui(tt.id, store.Transizione{Azione: tt.a, Chi: 2, Quando: t0.Add(time.Hour), Prepare: prepare})
		codice(t, err, domain.ErrConflitto)
	}
	invariato(t, s, prima)
	if svegliato != 0 {
		t.Errorf("il worker è stato svegliato %d volte per transizioni rifiutate", svegliato)
	}
}

func TestEseguiCheckRifiuta(t *testing.T) {
	s := MustOpen(t)
	r := creaBozza(t, s, 1, "MI")
	prima := istantanea(t, s)
	nonTua := &domain.Errore{Codice: domain.ErrNonAmmesso, Messaggio: "Non è una tua richiesta."}
	var visto *domain.Richiesta
	_, err := s.Esegui(r.ID, store.Transizione{
		Azione: domain.AzioneInvia, Chi: 2, Quando: t0,
		Check: func(x *domain.Richiesta) error {
			visto = x
			if x.Richiedente != 2 {
				return nonTua
			}
			return nil
		},
		Prepare: func(*domain.Richiesta) ([]notify.Message, error) {
			t.Error("Prepare chiamata dopo un rifiuto di Check")
			return nil, nil
		},
	})
	if !errors.Is(err, nonTua) {
		t.Fatalf("errore = %v, want quello di Check", err)
	}
	if visto == nil || visto.Stato != domain.StatoBozza || visto.Richiedente != 1 {
		t.Errorf("Check deve vedere la richiesta salvata, prima della transizione: %+v", visto)
	}
	invariato(t, s, prima)
}

func TestEseguiInviaSenzaSede(t *testing.T) {
	s := MustOpen(t)
	r := creaBozza(t, s, 1, "")
	prima := istantanea(t, s)
	if _, err := s.Esegui(r.ID, store.Transizione{Azione: domain.AzioneInvia, Quando: t0}); err == nil {
		t.Fatal("inviata una richiesta senza sede: non avrebbe un protocollo")
	}
	invariato(t, s, prima)
}

func TestEseguiAccodaLeNotificheNellaStessaTransazione(t *testing.T) {
	s := MustOpen(t)
	svegliato := 0
	s.SetWaker(func() { svegliato++ })
	r := creaBozza(t, s, 1, "MI")
	quando := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	got, err := s.Esegui(r.ID, store.Transizione{
		Azione: domain.AzioneInvia, Chi: 1, Quando: quando,
		Prepare: func(x *domain.Richiesta) ([]notify.Message, error) {
			if x.Stato != domain.StatoInviata {
				t.Errorf("Prepare vede lo stato %q, want inviata", x.Stato)
			}
			return []notify.Message{
				{To: []string{x.Contatti.Email}, Subject: "Ricevuta " + x.Protocollo},
				{To: []string{"pec@pec.example.it"}, Subject: "Copia " + x.Protocollo, Kind: notify.KindPEC},
			}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if svegliato != 1 {
		t.Errorf("worker svegliato %d volte, want 1", svegliato)
	}
	nn, err := s.Notifiche(10)
	if err != nil {
		t.Fatal(err)
	}
	if len(nn) != 2 {
		t.Fatalf("%d notifiche in coda, want 2", len(nn))
	}
	for _, n := range nn {
		if n.RichiestaID != r.ID || n.Stato != store.NotificaInCoda || !n.Creata.Equal(quando) || !strings.HasSuffix(n.Messaggio.Subject, got.Protocollo) {
			t.Errorf("notifica %+v", n)
		}
	}
	due, _ := s.Due(quando, 10)
	if len(due) != 2 || due[0].Message.Subject != "Ricevuta MI-2026-000001" || due[1].Message.Kind != notify.KindPEC {
		t.Errorf("Due = %+v", due)
	}
}

func TestEseguiPrepareFallisceNonAccodaNulla(t *testing.T) {
	s := MustOpen(t)
	svegliato := 0
	s.SetWaker(func() { svegliato++ })
	r := creaBozza(t, s, 1, "MI")
	prima := istantanea(t, s)
	guasto := errors.New("modello della ricevuta illeggibile")
	_, err := s.Esegui(r.ID, store.Transizione{
		Azione: domain.AzioneInvia, Quando: t0,
		Prepare: func(x *domain.Richiesta) ([]notify.Message, error) {
			return []notify.Message{{To: []string{"mario@example.it"}, Subject: x.Protocollo}}, guasto
		},
	})
	if !errors.Is(err, guasto) {
		t.Fatalf("errore = %v, want %v", err, guasto)
	}
	invariato(t, s, prima)
	if svegliato != 0 {
		t.Errorf("worker svegliato %d volte", svegliato)
	}
	// The number the failed submission had taken is given again.
	if got := esegui(t, s, r.ID, domain.AzioneInvia, t0); got.Protocollo != "MI-2026-000001" {
		t.Errorf("protocollo dopo un invio fallito = %q, want MI-2026-000001", got.Protocollo)
	}
}

func TestInviiConcorrenti(t *testing.T) {
	s := MustOpen(t)
	const n = 50
	ids := make([]uint64, n)
	for i := range ids {
		ids[i] = creaBozza(t, s, uint64(i+1), "MI").ID
	}
	quando := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	protocolli := make([]string, n)
	errs := make([]error, n)
	start := make(chan struct{})
	done := make(chan struct{})
	for i := range n {
		go func() {
			defer func() { done <- struct{}{} }()
			<-start
			r, err := s.Esegui(ids[i], store.Transizione{Azione: domain.AzioneInvia, Chi: uint64(i + 1), Quando: quando})
			errs[i] = err
			if err == nil {
				protocolli[i] = r.Protocollo
			}
		}()
	}
	close(start)
	for range n {
		<-done
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("invio %d: %v", i, err)
		}
	}
	slices.Sort(protocolli)
	for i, p := range protocolli {
		if want := fmt.Sprintf("MI-2026-%06d", i+1); p != want {
			t.Fatalf("protocolli = %v: al posto %d c'è %q, want %q", protocolli, i, p, want)
		}
	}
	coda, err := s.CodaPer("MI", domain.StatoInviata)
	if err != nil || len(coda) != n {
		t.Fatalf("coda MI/inviata: %d voci, %v; want %d", len(coda), err, n)
	}
}
