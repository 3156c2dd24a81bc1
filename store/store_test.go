package store_test

import (
	"fmt"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"abilita/domain"
	"abilita/sedi"
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

// MustOpenConSedi opens a store with the default sedi, as the first start
// does, so that a submitted request finds the sede of its comune.
func MustOpenConSedi(tb testing.TB) *store.Store {
	tb.Helper()
	s := MustOpen(tb)
	seminaSedi(tb, s)
	return s
}

func seminaSedi(tb testing.TB, s *store.Store) {
	tb.Helper()
	elenco, err := sedi.Default()
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.SeminaSedi(elenco); err != nil {
		tb.Fatal(err)
	}
}

// t0 is the fixed clock of the tests: every action happens at t0 or a
// given time after it.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// atto is an action of user chi at quando.
func atto(chi uint64, quando time.Time) store.Atto {
	return store.Atto{Chi: chi, Quando: quando, IP: "192.0.2.1"}
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
			if w, ok := prima[b][k]; !ok || w != v {
				tb.Errorf("%s[%s] = %q, prima era %q", b, k, v, w)
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

// cambiati returns the buckets whose content differs between prima and
// the database now, sorted.
func cambiati(tb testing.TB, s *store.Store, prima map[string]map[string]string) []string {
	tb.Helper()
	var out []string
	for b, m := range istantanea(tb, s) {
		if !reflect.DeepEqual(prima[b], m) {
			out = append(out, b)
		}
	}
	slices.Sort(out)
	return out
}

// bucketPosta are the buckets a queued message writes, and nothing else.
var bucketPosta = []string{"aggregati", "idx_outbox", "idx_outbox_scadenze", "outbox"}

// codice fails the test unless err carries the domain code want.
func codice(tb testing.TB, err error, want domain.Codice) {
	tb.Helper()
	if err == nil || domain.CodiceDi(err) != want {
		tb.Fatalf("errore = %v (%T), want codice %q", err, err, want)
	}
}

// audit returns the audit entry of user chi with action azione whose detail
// contains every one of parole, failing the test when there is none.
func audit(tb testing.TB, s *store.Store, chi uint64, azione string, parole ...string) domain.EventoAudit {
	tb.Helper()
	ev, err := s.EventiAudit(store.FiltroAudit{Chi: chi, Limite: 1000})
	if err != nil {
		tb.Fatal(err)
	}
cerca:
	for _, e := range ev {
		if e.Azione != azione {
			continue
		}
		for _, p := range parole {
			if !strings.Contains(e.Dettaglio, p) {
				continue cerca
			}
		}
		return e
	}
	tb.Fatalf("nessuna voce di audit %q dell'utente %d con %q tra %+v", azione, chi, parole, ev)
	return domain.EventoAudit{}
}

// sveglie counts the times the store wakes the mail worker.
func sveglie(s *store.Store) *atomic.Int32 {
	n := new(atomic.Int32)
	s.SetWaker(func() { n.Add(1) })
	return n
}

// attendiInCoda waits until n writes wait for the held writer.
func attendiInCoda(s *store.Store, n int) {
	for s.ScrittureInAttesa() < n {
		runtime.Gosched()
	}
}

func TestOpenCreaLaCartellaERiapre(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sotto", "cartella", "abilita.db")
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Path() != path {
		t.Errorf("Path = %q, want %q", s.Path(), path)
	}
	if err := s.Pronto(); err != nil {
		t.Errorf("Pronto = %v", err)
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

// Many applicants submit at once: their writes share commits, and each gets
// its own protocol number, on disk.
func TestInviiConcorrenti(t *testing.T) {
	path := filepath.Join(t.TempDir(), "abilita.db")
	s := MustOpenAt(t, path)
	seminaSedi(t, s)
	const n = 50
	utenti := creaUtenti(t, s, n)
	ids := make([]uint64, n)
	for i, u := range utenti {
		ids[i] = bozza(t, s, u.ID, richiestaCompleta(rossi)).ID
	}
	protocolli := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r, err := s.Invia(atto(utenti[i].ID, t0), ids[i])
			if errs[i] = err; err == nil {
				protocolli[i] = r.Protocollo
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("invio %d: %v", i, err)
		}
	}
	ordinati := slices.Sorted(slices.Values(protocolli))
	for i, p := range ordinati {
		if want := fmt.Sprintf("PI-2026-%06d", i+1); p != want {
			t.Fatalf("protocolli = %v: al posto %d c'è %q, want %q", ordinati, i, p, want)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = MustOpenAt(t, path)
	for i, p := range protocolli {
		r, err := s.RichiestaPerProtocollo(p)
		if err != nil || r.ID != ids[i] || r.Stato != domain.StatoInviata {
			t.Errorf("dopo la riapertura %s = %+v, %v; want la richiesta %d inviata", p, r, err, ids[i])
		}
	}
	if conti, _ := s.ConteggiCoda("PI"); conti[domain.StatoInviata] != n {
		t.Errorf("ConteggiCoda(PI) = %v, want %d inviate", conti, n)
	}
	if p, err := s.Controlla(); err != nil || len(p) > 0 {
		t.Errorf("Controlla = %q, %v", p, err)
	}
}

// One commit holds the writes of many people: a write refused in it is
// told so, and the others are committed as if it had never been there.
func TestGruppoConRifiutiNonAnnullaGliAltri(t *testing.T) {
	path := filepath.Join(t.TempDir(), "abilita.db")
	s := MustOpenAt(t, path)
	seminaSedi(t, s)
	const n = 6
	autori := creaUtenti(t, s, 2*n)
	estraneo := creaUtenti(t, s, 1)[0]
	valide, altrui := make([]uint64, n), make([]*domain.Richiesta, n)
	for i := range n {
		valide[i] = bozza(t, s, autori[i].ID, richiestaCompleta(rossi)).ID
		altrui[i] = bozza(t, s, autori[n+i].ID, richiestaCompleta(verdi))
	}

	rilascia := s.TrattieniScritture()
	defer rilascia()
	type esito struct {
		r   *domain.Richiesta
		err error
	}
	esiti := make([]chan esito, 2*n)
	for i := range 2 * n {
		esiti[i] = make(chan esito, 1)
		// In turn: an author submits its draft, then either the stranger
		// someone else's (refused before it writes) or a registration
		// without its link (refused half-way, after the account).
		chi, id := autori[i/2].ID, valide[i/2]
		go func() {
			var e esito
			switch i % 4 {
			case 1:
				e.r, e.err = s.Invia(atto(estraneo.ID, t0), altrui[i/2].ID)
			case 3:
				reg := registrazione(persona{Cognome: "Fantasma", Nome: fmt.Sprint("N", i)}, "", time.Hour)
				_, e.err = s.Registra(atto(0, t0), reg)
			default:
				e.r, e.err = s.Invia(atto(chi, t0), id)
			}
			esiti[i] <- e
		}()
		attendiInCoda(s, i+1)
	}
	rilascia()

	for i := range 2 * n {
		e := <-esiti[i]
		switch i % 4 {
		case 1:
			codice(t, e.err, domain.ErrNonTrovato)
			continue
		case 3:
			if e.err == nil {
				t.Errorf("registrazione %d senza collegamento accettata", i)
			}
			if _, err := s.UtentePerEmail(persona{Cognome: "Fantasma", Nome: fmt.Sprint("N", i)}.Email()); domain.CodiceDi(err) != domain.ErrNonTrovato {
				t.Errorf("l'account della registrazione rifiutata %d esiste: %v", i, err)
			}
			continue
		}
		// In the order of submission, with no number taken by a refusal.
		if want := fmt.Sprintf("PI-2026-%06d", i/2+1); e.err != nil || e.r.Protocollo != want {
			t.Errorf("invio %d: %+v, %v; want protocollo %s", i/2, e.r, e.err, want)
		}
	}
	for _, r := range altrui {
		if got, _ := s.Richiesta(r.ID); !reflect.DeepEqual(got, r) {
			t.Errorf("la bozza rifiutata è cambiata:\n%+v\nera\n%+v", got, r)
		}
	}
	if pag, _ := s.Posta(store.QueryPosta{}); len(pag.Notifiche) != n {
		t.Errorf("%d messaggi in uscita, want %d ricevute", len(pag.Notifiche), n)
	}
	if ev, _ := s.EventiAudit(store.FiltroAudit{}); len(ev) != n {
		t.Errorf("%d voci di audit, want %d invii", len(ev), n)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = MustOpenAt(t, path)
	for i, id := range valide {
		if r, err := s.Richiesta(id); err != nil || r.Protocollo != fmt.Sprintf("PI-2026-%06d", i+1) {
			t.Errorf("dopo la riapertura: %+v, %v", r, err)
		}
	}
	if p, err := s.Controlla(); err != nil || len(p) > 0 {
		t.Errorf("Controlla = %q, %v", p, err)
	}
	if voci, err := s.VerificaAudit(); err != nil || voci != n {
		t.Errorf("VerificaAudit = %d, %v; want %d voci", voci, err, n)
	}
	// No ID was taken by a refused account either.
	if u := creaUtenti(t, s, 1)[0]; u.ID != estraneo.ID+1 {
		t.Errorf("il primo account dopo il gruppo ha ID %d, want %d", u.ID, estraneo.ID+1)
	}
}

// A group made only of refusals commits nothing, however many times the
// writer runs it.
func TestGruppoDiRifiutiNonLasciaTracce(t *testing.T) {
	s := MustOpenConSedi(t)
	autore := richiedente(t, s, rossi)
	estraneo := richiedente(t, s, verdi)
	op := creaOperatore(t, s, "op.pi@example.it", "PI")
	altroOp := creaOperatore(t, s, "op2.pi@example.it", "PI")
	b := bozza(t, s, autore.ID, richiestaCompleta(rossi))
	r := inLavorazione(t, s, autore.ID, op.ID, richiestaCompleta(rossi))
	svegliato := sveglie(s)

	prima := istantanea(t, s)
	rilascia := s.TrattieniScritture()
	defer rilascia()
	azioni := []func() error{
		func() error { _, err := s.Invia(atto(estraneo.ID, t0), b.ID); return err },
		func() error { _, err := s.Approva(atto(altroOp.ID, t0), r.ID, store.Approvazione{}); return err },
		func() error { _, err := s.PrendiInCarico(atto(altroOp.ID, t0), r.ID); return err },
		func() error {
			_, err := s.Respingi(atto(op.ID, t0), b.ID, []domain.MotivoRifiuto{domain.MotivoDocumento}, "")
			return err
		},
		func() error { _, err := s.Annulla(atto(autore.ID, t0), r.ID); return err },
		// Refused half-way: after the decision, the codice medico and the
		// account, the code cannot be stored.
		func() error {
			_, err := s.Approva(atto(op.ID, t0), r.ID, store.Approvazione{Codice: &domain.Attivazione{}, Destinatario: autore.Email})
			return err
		},
		// Refused half-way: after the account, its link cannot be stored.
		func() error { _, err := s.Registra(atto(0, t0), registrazione(neri, "", time.Hour)); return err },
	}
	errs := make([]chan error, len(azioni))
	for i, f := range azioni {
		errs[i] = make(chan error, 1)
		go func() { errs[i] <- f() }()
		attendiInCoda(s, i+1)
	}
	rilascia()
	for i := range azioni {
		if err := <-errs[i]; err == nil {
			t.Errorf("azione %d accettata, want un rifiuto", i)
		}
	}
	invariato(t, s, prima)
	if n := svegliato.Load(); n != 0 {
		t.Errorf("worker svegliato %d volte da azioni rifiutate", n)
	}
}

// Close waits for the writes already submitted; later ones fail.
func TestCloseAttendeLeScrittureAccodate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "abilita.db")
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	rilascia := s.TrattieniScritture()
	defer rilascia()
	const n = 5
	errs := make(chan error, n)
	for i := range n {
		go func() {
			errs <- s.CreaUtente(&domain.Utente{Email: fmt.Sprintf("u%d@example.it", i), Ruolo: domain.RuoloRichiedente})
		}()
		attendiInCoda(s, i+1)
	}
	chiuso := make(chan error)
	go func() { chiuso <- s.Close() }()
	rilascia()
	if err := <-chiuso; err != nil {
		t.Fatal(err)
	}
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("scrittura accodata prima di Close: %v", err)
		}
	}
	if err := s.CreaUtente(&domain.Utente{Email: "tardi@example.it"}); err == nil {
		t.Error("una scrittura dopo Close è riuscita")
	}

	s = MustOpenAt(t, path)
	for i := range n {
		if _, err := s.UtentePerEmail(fmt.Sprintf("u%d@example.it", i)); err != nil {
			t.Errorf("utente %d perso alla chiusura: %v", i, err)
		}
	}
}

// While the disk refuses writes, Scrive says so, and tries a write of its
// own, a few seconds apart, until one succeeds.
func TestScriveDopoUnGuasto(t *testing.T) {
	s := MustOpen(t)
	if err := s.Scrive(); err != nil {
		t.Fatalf("a healthy store: %v", err)
	}
	s.SimulaDiscoPieno(true)
	err := s.RegistraEvento(atto(1, t0), domain.AuditSede, 0, "x")
	if domain.CodiceDi(err) != domain.ErrSalvataggio || !store.DiscoRifiuta(err) {
		t.Fatalf("a refused write: %v (%s)", err, domain.CodiceDi(err))
	}
	if err := s.Scrive(); domain.CodiceDi(err) != domain.ErrSalvataggio {
		t.Errorf("Scrive during the failure = %v", err)
	}
	// The probe, itself refused, keeps it red; once there is room it clears
	// it, with no action needed.
	s.ProvaSubito()
	if err := s.Scrive(); domain.CodiceDi(err) != domain.ErrSalvataggio {
		t.Errorf("the probe during the failure = %v", err)
	}
	s.SimulaDiscoPieno(false)
	if err := s.Scrive(); err != nil {
		t.Errorf("the probe once there is room = %v", err)
	}
	// And an action's write clears it as well.
	s.SimulaDiscoPieno(true)
	_ = s.RegistraEvento(atto(1, t0), domain.AuditSede, 0, "z")
	s.SimulaDiscoPieno(false)
	if err := s.RegistraEvento(atto(1, t0), domain.AuditSede, 0, "y"); err != nil {
		t.Fatal(err)
	}
	if err := s.Scrive(); err != nil {
		t.Errorf("Scrive after a successful write = %v", err)
	}
}
