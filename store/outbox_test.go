package store_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"abilita/domain"
	"abilita/notify"
	"abilita/store"
)

var _ notify.Outbox = (*store.Store)(nil)

func messaggio(oggetto string) domain.Messaggio {
	return domain.Messaggio{To: []string{"mario.rossi@example.it"}, Subject: oggetto, Text: "Gentile Mario Rossi, …"}
}

const occupato = "occupato@example.it"

// accoda queues m at quando through an action that queues nothing else (a
// registration with an address already taken) and returns its ID.
func accoda(tb testing.TB, s *store.Store, m domain.Messaggio, quando time.Time) uint64 {
	tb.Helper()
	if _, err := s.UtentePerEmail(occupato); err != nil {
		creaUtente(tb, s, occupato, domain.RuoloRichiedente)
	}
	reg := store.Registrazione{Utente: domain.Utente{Email: occupato}, TokenHash: "x", GiaRegistrato: m}
	if creato, err := s.Registra(atto(0, quando), reg); err != nil || creato {
		tb.Fatalf("Registra = %v, %v", creato, err)
	}
	pag, err := s.Posta(store.QueryPosta{PerPag: 1})
	if err != nil || len(pag.Notifiche) != 1 || pag.Notifiche[0].Messaggio.Subject != m.Subject {
		tb.Fatalf("Posta dopo l'accodamento = %+v, %v", pag, err)
	}
	return pag.Notifiche[0].ID
}

func oggetti(nn []domain.Notifica) []string {
	var out []string
	for _, n := range nn {
		out = append(out, n.Messaggio.Subject)
	}
	return out
}

func due(tb testing.TB, s *store.Store, now time.Time, limit int) []string {
	tb.Helper()
	nn, err := s.Due(now, limit)
	if err != nil {
		tb.Fatal(err)
	}
	return oggetti(nn)
}

// tutta is the whole outbox, newest first.
func tutta(tb testing.TB, s *store.Store) []domain.Notifica {
	tb.Helper()
	pag, err := s.Posta(store.QueryPosta{PerPag: 1000})
	if err != nil {
		tb.Fatal(err)
	}
	return pag.Notifiche
}

func notifica(tb testing.TB, s *store.Store, id uint64) domain.Notifica {
	tb.Helper()
	for _, n := range tutta(tb, s) {
		if n.ID == id {
			return n
		}
	}
	tb.Fatalf("notifica %d non elencata", id)
	return domain.Notifica{}
}

func TestMessaggioInCodaEDue(t *testing.T) {
	s := MustOpen(t)
	svegliato := sveglie(s)
	id := accoda(t, s, messaggio("Hai già un account"), t0)
	if n := svegliato.Load(); n != 1 {
		t.Errorf("il worker è stato svegliato %d volte, want 1", n)
	}
	if got := due(t, s, t0.Add(-time.Nanosecond), 10); len(got) != 0 {
		t.Errorf("Due prima dell'ora = %v", got)
	}
	nn, err := s.Due(t0, 10)
	if err != nil || len(nn) != 1 || nn[0].ID != id || nn[0].Tentativi != 0 || nn[0].Messaggio.Text != messaggio("").Text {
		t.Fatalf("Due(t0) = %+v, %v", nn, err)
	}
	n := notifica(t, s, id)
	if n.Stato != domain.NotificaInCoda || n.RichiestaID != 0 || n.Sede != "" || !n.Creata.Equal(t0) || !n.Prossimo.Equal(t0) {
		t.Errorf("notifica in coda = %+v", n)
	}
}

func TestMarkRetry(t *testing.T) {
	s := MustOpen(t)
	id := accoda(t, s, messaggio("Ricevuta"), t0)
	poi := t0.Add(10 * time.Minute)
	if err := s.MarkRetry(id, 1, poi, "421 try again later"); err != nil {
		t.Fatal(err)
	}
	for _, now := range []time.Time{t0, poi.Add(-time.Nanosecond)} {
		if got := due(t, s, now, 10); len(got) != 0 {
			t.Errorf("Due(%v) prima del nuovo tentativo = %v", now, got)
		}
	}
	nn, _ := s.Due(poi, 10)
	if len(nn) != 1 || nn[0].ID != id || nn[0].Tentativi != 1 {
		t.Fatalf("Due(%v) = %+v", poi, nn)
	}
	n := notifica(t, s, id)
	if n.Stato != domain.NotificaInCoda || n.Tentativi != 1 || n.UltimoErrore != "421 try again later" || !n.Prossimo.Equal(poi) {
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
	inviata := accoda(t, s, messaggio("Inviata"), t0)
	fallita := accoda(t, s, messaggio("Fallita"), t0)
	resta := accoda(t, s, messaggio("Resta"), t0)
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
	if n := notifica(t, s, inviata); n.Stato != domain.NotificaInviata || !n.Inviata.Equal(quando) || n.UltimoErrore != "" || n.Tentativi != 1 {
		t.Errorf("inviata: %+v", n)
	}
	if n := notifica(t, s, fallita); n.Stato != domain.NotificaFallita || n.Tentativi != 12 || n.UltimoErrore != "550 mailbox unavailable" {
		t.Errorf("fallita: %+v", n)
	}
	if n := notifica(t, s, resta); n.Stato != domain.NotificaInCoda {
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
	if n := notifica(t, s, inviata); n.Stato != domain.NotificaInviata {
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
	if nn := tutta(t, s); len(nn) != 3 {
		t.Errorf("%d notifiche, want 3: nessuna notifica si perde", len(nn))
	}
	conti, err := s.ContaPosta("")
	if want := map[domain.StatoNotifica]int{domain.NotificaInCoda: 1, domain.NotificaInviata: 1, domain.NotificaFallita: 1}; err != nil || !equalMap(conti, want) {
		t.Errorf("ContaPosta = %v, %v; want %v", conti, err, want)
	}
	if p, err := s.Controlla(); err != nil || len(p) > 0 {
		t.Errorf("Controlla = %q, %v", p, err)
	}
}

func equalMap[K comparable](a, b map[K]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

func TestDueOrdineELimite(t *testing.T) {
	s := MustOpen(t)
	accoda(t, s, messaggio("terza"), t0.Add(2*time.Second))
	accoda(t, s, messaggio("prima"), t0)
	accoda(t, s, messaggio("seconda"), t0.Add(time.Second))
	accoda(t, s, messaggio("prima bis"), t0) // same time: in order of queuing
	accoda(t, s, messaggio("futura"), t0.Add(time.Hour))

	now := t0.Add(time.Minute)
	want := []string{"prima", "prima bis", "seconda", "terza"}
	if got := due(t, s, now, 10); !slices.Equal(got, want) {
		t.Errorf("Due = %v, want %v", got, want)
	}
	if got := due(t, s, now, 2); !slices.Equal(got, want[:2]) {
		t.Errorf("Due(limit 2) = %v, want %v", got, want[:2])
	}
	pag, _ := s.Posta(store.QueryPosta{PerPag: 2})
	if got := oggetti(pag.Notifiche); !slices.Equal(got, []string{"futura", "prima bis"}) || !pag.Altre {
		t.Errorf("Posta(2) = %v, altre %v; want le due più recenti", got, pag.Altre)
	}
}

// The outbox pages read the index by sede and state: each page lists what
// was queued for it, newest first, and the counts agree with the lists.
func TestPostaPerSedeEStato(t *testing.T) {
	s := MustOpenConSedi(t)
	op := creaOperatore(t, s, "op.pi@example.it", "PI")
	uRossi, uVerdi, uNeri := richiedente(t, s, rossi), richiedente(t, s, verdi), richiedente(t, s, neri)
	conPEC := richiestaCompleta(rossi)
	conPEC.Contatti.PEC = "mario.rossi@pec.example.it"
	r := inLavorazione(t, s, uRossi.ID, op.ID, conPEC)                                                               // PI: the receipt
	invia(t, s, uVerdi.ID, richiestaCompleta(verdi))                                                                 // MI: the receipt
	senzaSede := accoda(t, s, messaggio("Hai già un account"), t0)                                                   // no sede
	invia(t, s, uNeri.ID, richiestaCompleta(neri))                                                                   // PI: the receipt
	if _, err := s.Respingi(atto(op.ID, t0), r.ID, []domain.MotivoRifiuto{domain.MotivoDocumento}, ""); err != nil { // PI: e-mail and PEC
		t.Fatal(err)
	}
	tutte := tutta(t, s)
	if len(tutte) != 6 {
		t.Fatalf("%d messaggi, want 6", len(tutte))
	}
	perSede := map[string]int{}
	for _, n := range tutte {
		perSede[n.Sede]++
		if n.Sede != "" && (n.RichiestaID == 0 || n.Protocollo == "") {
			t.Errorf("messaggio di una richiesta senza richiesta o protocollo: %+v", n)
		}
	}
	if want := map[string]int{"PI": 4, "MI": 1, "": 1}; !equalMap(perSede, want) {
		t.Fatalf("messaggi per sede %v, want %v", perSede, want)
	}
	ricevutaPI := tutte[len(tutte)-1].ID
	ricevutaMI := tutte[len(tutte)-2].ID
	if err := s.MarkSent(ricevutaPI, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkFailed(ricevutaMI, 3, "550"); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSent(senzaSede, t0); err != nil {
		t.Fatal(err)
	}
	tutte = tutta(t, s)

	for _, sede := range []string{"", "PI", "MI", "RM"} {
		conti, err := s.ContaPosta(sede)
		if err != nil {
			t.Fatal(err)
		}
		for _, stato := range append([]domain.StatoNotifica{""}, domain.StatiNotifica...) {
			var want []uint64
			for _, n := range tutte {
				if (sede == "" || n.Sede == sede) && (stato == "" || n.Stato == stato) {
					want = append(want, n.ID)
				}
			}
			if stato != "" && conti[stato] != len(want) {
				t.Errorf("ContaPosta(%q)[%s] = %d, want %d", sede, stato, conti[stato], len(want))
			}
			// A page at a time, two messages a page.
			var got []uint64
			q := store.QueryPosta{Sede: sede, Stato: stato, PerPag: 2}
			for pagine := 0; pagine < 10; pagine++ {
				pag, err := s.Posta(q)
				if err != nil {
					t.Fatal(err)
				}
				for _, n := range pag.Notifiche {
					got = append(got, n.ID)
				}
				if want := len(got) < len(want); pag.Altre != want {
					t.Errorf("Posta(%q, %q) dopo %d messaggi: Altre = %v, want %v", sede, stato, len(got), pag.Altre, want)
				}
				if !pag.Altre {
					break
				}
				q.Prima = got[len(got)-1]
			}
			if !slices.Equal(got, want) {
				t.Errorf("Posta(%q, %q) = %v, want %v", sede, stato, got, want)
			}
		}
	}
	if conti, _ := s.ContaPosta("PI"); conti[domain.NotificaInCoda] != 3 || conti[domain.NotificaInviata] != 1 {
		t.Errorf("ContaPosta(PI) = %v, want 3 in coda e 1 inviato", conti)
	}
	if p, err := s.Controlla(); err != nil || len(p) > 0 {
		t.Errorf("Controlla = %q, %v", p, err)
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
	accoda(t, s, messaggio("Verifica l'indirizzo"), t0)
	if sent, retried, failed := w.RunOnce(context.Background()); sent != 1 || retried+failed != 0 {
		t.Fatalf("RunOnce = %d, %d, %d", sent, retried, failed)
	}
	if got := snd.oggetti(); !slices.Equal(got, []string{"Verifica l'indirizzo"}) {
		t.Errorf("consegnati %v", got)
	}
	if sent, _, _ := w.RunOnce(context.Background()); sent != 0 {
		t.Errorf("la notifica è stata consegnata due volte")
	}
	if nn := tutta(t, s); len(nn) != 1 || nn[0].Stato != domain.NotificaInviata || !nn[0].Inviata.Equal(t0) {
		t.Errorf("posta = %+v", nn)
	}
}

func TestWorkerRiprovaDopoUnErrore(t *testing.T) {
	s := MustOpen(t)
	snd := newFakeSender(1)
	now := t0
	w := worker(s, snd, &now)
	id := accoda(t, s, messaggio("Ricevuta"), t0)
	if _, retried, _ := w.RunOnce(context.Background()); retried != 1 {
		t.Fatalf("primo tentativo: %d rinviate, want 1", retried)
	}
	n := notifica(t, s, id)
	if n.Stato != domain.NotificaInCoda || n.Tentativi != 1 || n.UltimoErrore == "" || !n.Prossimo.After(t0) {
		t.Fatalf("dopo il primo errore: %+v", n)
	}
	if sent, retried, _ := w.RunOnce(context.Background()); sent+retried != 0 {
		t.Errorf("ritentata prima del tempo di attesa")
	}
	now = n.Prossimo
	if sent, _, _ := w.RunOnce(context.Background()); sent != 1 {
		t.Fatalf("secondo tentativo non consegnato")
	}
	if n := notifica(t, s, id); n.Stato != domain.NotificaInviata || n.UltimoErrore != "" {
		t.Errorf("dopo la consegna: %+v", n)
	}
}

func TestWorkerErrorePermanenteResta(t *testing.T) {
	s := MustOpen(t)
	snd := newFakeSender(0)
	now := t0
	w := worker(s, notify.NewRouter(snd, nil), &now)
	accoda(t, s, domain.Messaggio{To: []string{"a@example.it"}, Subject: "fax", Kind: "fax"}, t0)
	if _, _, failed := w.RunOnce(context.Background()); failed != 1 {
		t.Fatalf("un tipo di messaggio sconosciuto deve fallire subito")
	}
	if nn := tutta(t, s); len(nn) != 1 || nn[0].Stato != domain.NotificaFallita || nn[0].UltimoErrore == "" {
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
	accoda(t, s, messaggio("Prima del riavvio"), t0)
	accoda(t, s, messaggio("In attesa"), t0)
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

// An action that queues a message wakes the worker, which composes it from
// the stored request and delivers it.
func TestWorkerSvegliatoDalloStore(t *testing.T) {
	s := MustOpenConSedi(t)
	u := richiedente(t, s, rossi)
	b := bozza(t, s, u.ID, richiestaCompleta(rossi))
	snd := newFakeSender(0)
	w := notify.NewWorker(s, snd, slog.New(slog.NewTextHandler(io.Discard, nil)))
	w.Interval = time.Hour // only Wake can make it look again
	w.Componi = func(_ context.Context, n domain.Notifica) (notify.Message, error) {
		r, err := s.Richiesta(n.RichiestaID)
		if err != nil {
			return notify.Message{}, err
		}
		return notify.Message{To: n.Messaggio.To, Subject: n.Messaggio.Modello + " " + r.Protocollo}, nil
	}
	s.SetWaker(w.Wake)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	defer func() { cancel(); <-done }()

	if _, err := s.Invia(atto(u.ID, t0), b.ID); err != nil {
		t.Fatal(err)
	}
	select {
	case <-snd.arrivato:
	case <-time.After(10 * time.Second):
		t.Fatal("la ricevuta dell'invio non è stata consegnata")
	}
	if got := snd.oggetti(); !slices.Equal(got, []string{domain.ModelloRicevuta + " PI-2026-000001"}) {
		t.Errorf("consegnati %v", got)
	}
}

// Every queued message gets its own Message-ID, kept with it.
func TestAccodaDaUnMessageID(t *testing.T) {
	s := MustOpen(t)
	for _, p := range []persona{rossi, verdi} {
		registra(t, s, p, "verifica-"+p.Cognome, time.Hour)
	}
	pag, err := s.Posta(store.QueryPosta{})
	if err != nil || len(pag.Notifiche) != 2 {
		t.Fatalf("outbox: %+v, %v", pag.Notifiche, err)
	}
	a, b := pag.Notifiche[0].Messaggio.MessageID, pag.Notifiche[1].Messaggio.MessageID
	if a == "" || b == "" || a == b || pag.Notifiche[0].IDMessaggio() != a {
		t.Errorf("Message-IDs %q and %q", a, b)
	}
}

// A message the relay refused is sent again by whoever may see it, to a
// corrected address if need be, and the audit log says so.
func TestReinviaMessaggio(t *testing.T) {
	s := MustOpenConSedi(t)
	admin := creaAmministratore(t, s, "admin@example.it")
	op := creaOperatore(t, s, "op.pi@example.it", "PI")
	fallita := accoda(t, s, messaggio("Fallita"), t0)
	inCoda := accoda(t, s, messaggio("In coda"), t0)
	if err := s.MarkFailed(fallita, 1, "rifiutato"); err != nil {
		t.Fatal(err)
	}
	prima := istantanea(t, s)
	_, err := s.ReinviaMessaggio(atto(op.ID, t0), fallita, "")
	codice(t, err, domain.ErrNonTrovato) // not of its sede
	_, err = s.ReinviaMessaggio(atto(admin.ID, t0), fallita, "non è un indirizzo")
	codice(t, err, domain.ErrNonValido)
	_, err = s.ReinviaMessaggio(atto(admin.ID, t0), inCoda, "")
	codice(t, err, domain.ErrConflitto)
	invariato(t, s, prima)

	quando := t0.Add(time.Hour)
	n, err := s.ReinviaMessaggio(atto(admin.ID, quando), fallita, " Mario.Rossi@Example.ORG ")
	if err != nil {
		t.Fatal(err)
	}
	if n.Stato != domain.NotificaInCoda || n.Messaggio.To[0] != "mario.rossi@example.org" || !n.Prossimo.Equal(quando) {
		t.Errorf("sent again: %+v", n)
	}
	if got := due(t, s, quando, 10); len(got) != 2 {
		t.Errorf("due after resending: %v", got)
	}
	if !auditContiene(t, s, "inviato di nuovo all'indirizzo corretto mario.rossi@example.org (era mario.rossi@example.it)") {
		t.Error("not audited")
	}
	_, err = s.ReinviaMessaggio(atto(admin.ID, quando), fallita, "")
	codice(t, err, domain.ErrConflitto)
}

// Anticipa brings forward the messages waiting after a failure, of one
// kind, and no other.
func TestAnticipa(t *testing.T) {
	s := MustOpen(t)
	email := accoda(t, s, messaggio("E-mail"), t0)
	pec := messaggio("PEC")
	pec.Kind = domain.MessaggioPEC
	perPEC := accoda(t, s, pec, t0)
	for _, id := range []uint64{email, perPEC} {
		if err := s.MarkRetry(id, 3, t0.Add(time.Hour), "giù"); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.Anticipa(domain.MessaggioEmail, t0.Add(time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("Anticipa = %d, %v; want the e-mail only", n, err)
	}
	if got := due(t, s, t0.Add(time.Minute), 10); len(got) != 1 || got[0] != "E-mail" {
		t.Errorf("due: %v", got)
	}
	if n, _ := s.Anticipa("", t0.Add(2*time.Minute)); n != 1 {
		t.Errorf("Anticipa of both kinds = %d, want the PEC left", n)
	}
}
