package store_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"abilita/domain"
	"abilita/notify"
	"abilita/store"
)

var _ notify.Outbox = (*store.Store)(nil)

func messaggio(oggetto string) notify.Message {
	return notify.Message{To: []string{"mario.rossi@example.it"}, Subject: oggetto, Text: "Gentile Mario Rossi, …"}
}

func accoda(tb testing.TB, s *store.Store, oggetto string, quando time.Time) uint64 {
	tb.Helper()
	if err := s.Accoda(messaggio(oggetto), quando); err != nil {
		tb.Fatal(err)
	}
	nn, err := s.Notifiche(1)
	if err != nil || len(nn) != 1 || nn[0].Messaggio.Subject != oggetto {
		tb.Fatalf("Notifiche(1) dopo Accoda = %+v, %v", nn, err)
	}
	return nn[0].ID
}

func oggetti(pp []notify.Pending) []string {
	var out []string
	for _, p := range pp {
		out = append(out, p.Message.Subject)
	}
	return out
}

func due(tb testing.TB, s *store.Store, now time.Time, limit int) []string {
	tb.Helper()
	pp, err := s.Due(now, limit)
	if err != nil {
		tb.Fatal(err)
	}
	return oggetti(pp)
}

func notifica(tb testing.TB, s *store.Store, id uint64) store.Notifica {
	tb.Helper()
	nn, err := s.Notifiche(1000)
	if err != nil {
		tb.Fatal(err)
	}
	for _, n := range nn {
		if n.ID == id {
			return n
		}
	}
	tb.Fatalf("notifica %d non elencata", id)
	return store.Notifica{}
}

func TestAccodaEDue(t *testing.T) {
	s := MustOpen(t)
	svegliato := 0
	s.SetWaker(func() { svegliato++ })
	id := accoda(t, s, "Verifica l'indirizzo", t0)
	if svegliato != 1 {
		t.Errorf("Accoda ha svegliato il worker %d volte, want 1", svegliato)
	}
	if got := due(t, s, t0.Add(-time.Nanosecond), 10); len(got) != 0 {
		t.Errorf("Due prima dell'ora = %v", got)
	}
	pp, err := s.Due(t0, 10)
	if err != nil || len(pp) != 1 || pp[0].ID != id || pp[0].Attempts != 0 || pp[0].Message.Text != messaggio("").Text {
		t.Fatalf("Due(t0) = %+v, %v", pp, err)
	}
	n := notifica(t, s, id)
	if n.Stato != store.NotificaInCoda || n.RichiestaID != 0 || !n.Creata.Equal(t0) || !n.Prossimo.Equal(t0) {
		t.Errorf("notifica in coda = %+v", n)
	}
}

func TestMarkRetry(t *testing.T) {
	s := MustOpen(t)
	id := accoda(t, s, "Ricevuta", t0)
	poi := t0.Add(10 * time.Minute)
	if err := s.MarkRetry(id, 1, poi, "421 try again later"); err != nil {
		t.Fatal(err)
	}
	for _, now := range []time.Time{t0, poi.Add(-time.Nanosecond)} {
		if got := due(t, s, now, 10); len(got) != 0 {
			t.Errorf("Due(%v) prima del nuovo tentativo = %v", now, got)
		}
	}
	pp, _ := s.Due(poi, 10)
	if len(pp) != 1 || pp[0].ID != id || pp[0].Attempts != 1 {
		t.Fatalf("Due(%v) = %+v", poi, pp)
	}
	n := notifica(t, s, id)
	if n.Stato != store.NotificaInCoda || n.Tentativi != 1 || n.UltimoErrore != "421 try again later" || !n.Prossimo.Equal(poi) {
		t.Errorf("dopo MarkRetry: %+v", n)
	}
	// Rescheduled earlier, it is due earlier: the old index entry is gone.
	if err := s.MarkRetry(id, 2, t0.Add(time.Minute), "timeout"); err != nil {
		t.Fatal(err)
	}
	if got := due(t, s, poi, 10); len(got) != 1 {
		t.Errorf("dopo due MarkRetry Due restituisce %v: una voce per notifica", got)
	}
}

func TestMarkSentEMarkFailed(t *testing.T) {
	s := MustOpen(t)
	inviata := accoda(t, s, "Inviata", t0)
	fallita := accoda(t, s, "Fallita", t0)
	resta := accoda(t, s, "Resta", t0)
	quando := t0.Add(time.Minute)
	if err := s.MarkSent(inviata, quando); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkFailed(fallita, 12, "550 mailbox unavailable"); err != nil {
		t.Fatal(err)
	}
	if got := due(t, s, t0.Add(1000*time.Hour), 10); len(got) != 1 || got[0] != "Resta" {
		t.Errorf("Due = %v, want solo «Resta»", got)
	}
	if n := notifica(t, s, inviata); n.Stato != store.NotificaInviata || !n.Inviata.Equal(quando) || n.UltimoErrore != "" {
		t.Errorf("inviata: %+v", n)
	}
	if n := notifica(t, s, fallita); n.Stato != store.NotificaFallita || n.Tentativi != 12 || n.UltimoErrore != "550 mailbox unavailable" {
		t.Errorf("fallita: %+v", n)
	}
	if n := notifica(t, s, resta); n.Stato != store.NotificaInCoda {
		t.Errorf("resta: %+v", n)
	}
	// A late record from a second worker must not bring a finished message back.
	for _, id := range []uint64{inviata, fallita} {
		if err := s.MarkRetry(id, 13, t0, "tardivo"); err != nil {
			t.Fatal(err)
		}
	}
	if got := due(t, s, t0.Add(1000*time.Hour), 10); len(got) != 1 {
		t.Errorf("dopo un MarkRetry tardivo Due = %v, want solo «Resta»", got)
	}
	if n := notifica(t, s, inviata); n.Stato != store.NotificaInviata {
		t.Errorf("MarkRetry ha cambiato lo stato di una notifica inviata: %+v", n)
	}
	if err := s.MarkSent(999, quando); err != nil {
		t.Errorf("MarkSent(sconosciuta) = %v", err)
	}
	if err := s.MarkRetry(999, 1, quando, "x"); err != nil {
		t.Errorf("MarkRetry(sconosciuta) = %v", err)
	}
	if err := s.MarkFailed(999, 1, "x"); err != nil {
		t.Errorf("MarkFailed(sconosciuta) = %v", err)
	}
	if nn, _ := s.Notifiche(10); len(nn) != 3 {
		t.Errorf("Notifiche = %d, want 3: nessuna notifica si perde", len(nn))
	}
}

func TestDueOrdineELimite(t *testing.T) {
	s := MustOpen(t)
	accoda(t, s, "terza", t0.Add(2*time.Second))
	accoda(t, s, "prima", t0)
	accoda(t, s, "seconda", t0.Add(time.Second))
	accoda(t, s, "prima bis", t0) // same time: in order of queuing
	accoda(t, s, "futura", t0.Add(time.Hour))

	now := t0.Add(time.Minute)
	want := []string{"prima", "prima bis", "seconda", "terza"}
	if got := due(t, s, now, 10); !slices.Equal(got, want) {
		t.Errorf("Due = %v, want %v", got, want)
	}
	if got := due(t, s, now, 2); !slices.Equal(got, want[:2]) {
		t.Errorf("Due(limit 2) = %v, want %v", got, want[:2])
	}
	nn, _ := s.Notifiche(2)
	if len(nn) != 2 || nn[0].Messaggio.Subject != "futura" || nn[1].Messaggio.Subject != "prima bis" {
		t.Errorf("Notifiche(2) = %+v, want le due più recenti", nn)
	}
}

// fakeSender records what it delivers; it fails the first fallimenti sends.
type fakeSender struct {
	mu         sync.Mutex
	fallimenti int
	inviati    []notify.Message
	arrivato   chan struct{}
}

func newFakeSender(fallimenti int) *fakeSender {
	return &fakeSender{fallimenti: fallimenti, arrivato: make(chan struct{}, 100)}
}

func (f *fakeSender) Send(_ context.Context, m notify.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fallimenti > 0 {
		f.fallimenti--
		return errors.New("dial tcp 192.0.2.25:25: connection refused")
	}
	f.inviati = append(f.inviati, m)
	f.arrivato <- struct{}{}
	return nil
}

func (f *fakeSender) oggetti() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, m := range f.inviati {
		out = append(out, m.Subject)
	}
	return out
}

func worker(s *store.Store, snd notify.Sender, now *time.Time) *notify.Worker {
	w := notify.NewWorker(s, snd, slog.New(slog.NewTextHandler(io.Discard, nil)))
	w.Now = func() time.Time { return *now }
	return w
}

func TestWorkerConsegnaLaCodaDelloStore(t *testing.T) {
	s := MustOpen(t)
	snd := newFakeSender(0)
	now := t0
	w := worker(s, snd, &now)
	accoda(t, s, "Verifica l'indirizzo", t0)
	if sent, retried, failed := w.RunOnce(context.Background()); sent != 1 || retried+failed != 0 {
		t.Fatalf("RunOnce = %d, %d, %d", sent, retried, failed)
	}
	if got := snd.oggetti(); !slices.Equal(got, []string{"Verifica l'indirizzo"}) {
		t.Errorf("consegnati %v", got)
	}
	if sent, _, _ := w.RunOnce(context.Background()); sent != 0 {
		t.Errorf("la notifica è stata consegnata due volte")
	}
	nn, _ := s.Notifiche(10)
	if len(nn) != 1 || nn[0].Stato != store.NotificaInviata || !nn[0].Inviata.Equal(t0) {
		t.Errorf("Notifiche = %+v", nn)
	}
}

func TestWorkerRiprovaDopoUnErrore(t *testing.T) {
	s := MustOpen(t)
	snd := newFakeSender(1)
	now := t0
	w := worker(s, snd, &now)
	id := accoda(t, s, "Ricevuta", t0)
	if _, retried, _ := w.RunOnce(context.Background()); retried != 1 {
		t.Fatalf("primo tentativo: %d rinviate, want 1", retried)
	}
	n := notifica(t, s, id)
	if n.Stato != store.NotificaInCoda || n.Tentativi != 1 || n.UltimoErrore == "" || !n.Prossimo.After(t0) {
		t.Fatalf("dopo il primo errore: %+v", n)
	}
	if sent, retried, _ := w.RunOnce(context.Background()); sent+retried != 0 {
		t.Errorf("ritentata prima del tempo di attesa")
	}
	now = n.Prossimo
	if sent, _, _ := w.RunOnce(context.Background()); sent != 1 {
		t.Fatalf("secondo tentativo non consegnato")
	}
	if n := notifica(t, s, id); n.Stato != store.NotificaInviata || n.UltimoErrore != "" {
		t.Errorf("dopo la consegna: %+v", n)
	}
}

func TestWorkerErrorePermanenteResta(t *testing.T) {
	s := MustOpen(t)
	snd := newFakeSender(0)
	now := t0
	w := worker(s, notify.NewRouter(snd, nil), &now)
	if err := s.Accoda(notify.Message{To: []string{"a@example.it"}, Subject: "fax", Kind: "fax"}, t0); err != nil {
		t.Fatal(err)
	}
	if _, _, failed := w.RunOnce(context.Background()); failed != 1 {
		t.Fatalf("un tipo di messaggio sconosciuto deve fallire subito")
	}
	nn, _ := s.Notifiche(10)
	if len(nn) != 1 || nn[0].Stato != store.NotificaFallita || nn[0].UltimoErrore == "" {
		t.Errorf("la notifica fallita deve restare visibile con il suo errore: %+v", nn)
	}
	if got := due(t, s, t0.Add(1000*time.Hour), 10); len(got) != 0 {
		t.Errorf("una notifica fallita torna in coda: %v", got)
	}
}

func TestWorkerDopoLaRiapertura(t *testing.T) {
	path := filepath.Join(t.TempDir(), "abilita.db")
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	snd := newFakeSender(1)
	now := t0
	w := worker(s, snd, &now)
	accoda(t, s, "Prima del riavvio", t0)
	accoda(t, s, "In attesa", t0)
	w.Batch = 1
	if _, retried, _ := w.RunOnce(context.Background()); retried != 1 {
		t.Fatal("il primo tentativo doveva fallire")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = MustOpenAt(t, path)
	now = t0.Add(24 * time.Hour)
	w = worker(s, snd, &now)
	if sent, _, _ := w.RunOnce(context.Background()); sent != 2 {
		t.Fatalf("dopo la riapertura consegnate %d notifiche, want 2", sent)
	}
	// "In attesa" was due first: the other one's retry is later.
	if got := snd.oggetti(); !slices.Equal(got, []string{"In attesa", "Prima del riavvio"}) {
		t.Errorf("consegnati %v", got)
	}
}

func TestWorkerSvegliatoDalloStore(t *testing.T) {
	s := MustOpen(t)
	snd := newFakeSender(0)
	w := notify.NewWorker(s, snd, slog.New(slog.NewTextHandler(io.Discard, nil)))
	w.Interval = time.Hour // only Wake can make it look again
	s.SetWaker(w.Wake)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	defer func() { cancel(); <-done }()

	r := creaBozza(t, s, 1, "MI")
	_, err := s.Esegui(r.ID, store.Transizione{
		Azione: domain.AzioneInvia, Chi: 1, Quando: time.Now(),
		Prepare: func(x *domain.Richiesta) ([]notify.Message, error) {
			return []notify.Message{messaggio("Ricevuta " + x.Protocollo)}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-snd.arrivato:
	case <-time.After(10 * time.Second):
		t.Fatal("la notifica della transizione non è stata consegnata")
	}
	if got := snd.oggetti(); len(got) != 1 || !strings.HasPrefix(got[0], "Ricevuta MI-") || !strings.HasSuffix(got[0], "-000001") {
		t.Errorf("consegnati %v", got)
	}
}
