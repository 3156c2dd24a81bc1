package store_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"abilita/domain"
	"abilita/security"
	"abilita/store"
)

const (
	firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
	chrome  = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)

// titolareAttivo is an activated medico esterno whose last TOTP step is 100.
func titolareAttivo(tb testing.TB, s *store.Store) *domain.Utente {
	tb.Helper()
	u := creaTitolare(tb, s, "mario@example.it", cfRossi)
	err := s.AggiornaUtente(u.ID, func(x *domain.Utente) error {
		x.Abilitazioni = []domain.Abilitazione{{Profilo: domain.ProfiloMedicoEsterno, Dal: t0}}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	p1, p2 := emetti(tb, s, u.ID, t0)
	return attiva(tb, s, cfRossi, p1, p2, 100, t0)
}

func registra(tb testing.TB, s *store.Store, id uint64, a store.Accesso) bool {
	tb.Helper()
	nuovo, err := s.RegistraAccesso(id, a)
	if err != nil {
		tb.Fatal(err)
	}
	return nuovo
}

func TestRegistraAccessoENuovoDispositivo(t *testing.T) {
	s := MustOpen(t)
	ok := func(ua string, min int) store.Accesso {
		return store.Accesso{Quando: t0.Add(time.Duration(min) * time.Minute), IP: "192.0.2.1", UserAgent: ua, Riuscito: true, Metodo: domain.MetodoTOTP}
	}
	if registra(t, s, 1, store.Accesso{Quando: t0, UserAgent: chrome, Metodo: domain.MetodoPassword}) {
		t.Error("un tentativo fallito segnalato come nuovo dispositivo")
	}
	if registra(t, s, 1, ok(firefox, 1)) {
		t.Error("il primo accesso dell'account segnalato come nuovo dispositivo")
	}
	if registra(t, s, 1, ok("Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0", 2)) {
		t.Error("un aggiornamento del browser segnalato come nuovo dispositivo")
	}
	// Chrome failed before, but never logged in.
	if !registra(t, s, 1, ok(chrome, 3)) {
		t.Error("Chrome non segnalato come nuovo dispositivo")
	}
	if registra(t, s, 1, ok(chrome, 4)) {
		t.Error("Chrome segnalato due volte")
	}
	// Another user's devices are its own.
	if registra(t, s, 2, ok(firefox, 5)) || !registra(t, s, 2, ok(chrome, 6)) {
		t.Error("dispositivi mescolati tra utenti")
	}
	for _, tc := range []struct {
		utente uint64
		ua     string
		noto   bool
	}{{1, firefox, true}, {1, chrome, true}, {3, firefox, false}, {1, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Safari/604.1", false}} {
		noto, err := s.DispositivoNoto(tc.utente, domain.DispositivoDa(tc.ua).Impronta)
		if err != nil || noto != tc.noto {
			t.Errorf("DispositivoNoto(%d, %q) = %v, %v", tc.utente, tc.ua, noto, err)
		}
	}
	acc, err := s.AccessiRecenti(1, 10)
	if err != nil || len(acc) != 5 {
		t.Fatalf("AccessiRecenti = %d, %v", len(acc), err)
	}
	if a := acc[1]; !a.NuovoDispositivo || a.NomeDispositivo != "Chrome su Windows" || a.Dispositivo != domain.DispositivoDa(chrome).Impronta || a.IP != "192.0.2.1" || a.Metodo != domain.MetodoTOTP || !a.Riuscito {
		t.Errorf("accesso da Chrome: %+v", a)
	}
	if acc[4].Riuscito || acc[4].NuovoDispositivo || acc[4].Metodo != domain.MetodoPassword {
		t.Errorf("tentativo fallito: %+v", acc[4])
	}

	// No account, no history.
	prima := istantanea(t, s)
	if registra(t, s, 0, ok(firefox, 9)) {
		t.Error("utente 0")
	}
	invariato(t, s, prima)
}

func TestAccessiRecentiOrdineELimiti(t *testing.T) {
	s := MustOpen(t)
	// User 1 and user 256 differ in one byte of their big-endian IDs.
	for i := range 30 {
		for _, id := range []uint64{1, 256, 2} {
			registra(t, s, id, store.Accesso{Quando: t0.Add(time.Duration(i) * time.Minute), IP: fmt.Sprint(i), Metodo: domain.MetodoPassword})
		}
	}
	// Two attempts in the same instant keep both, in order.
	registra(t, s, 1, store.Accesso{Quando: t0.Add(time.Hour), IP: "a"})
	registra(t, s, 1, store.Accesso{Quando: t0.Add(time.Hour), IP: "b"})
	acc, err := s.AccessiRecenti(1, 5)
	if err != nil || len(acc) != 5 {
		t.Fatalf("AccessiRecenti = %+v, %v", acc, err)
	}
	for i, want := range []string{"b", "a", "29", "28", "27"} {
		if acc[i].IP != want {
			t.Errorf("accesso %d: IP %q, want %q", i, acc[i].IP, want)
		}
	}
	for _, id := range []uint64{2, 256} {
		acc, _ := s.AccessiRecenti(id, 0)
		if len(acc) != 30 || acc[0].IP != "29" || acc[29].IP != "0" {
			t.Errorf("utente %d: %d accessi, primo %+v", id, len(acc), acc[0])
		}
	}
	if acc, err := s.AccessiRecenti(3, 5); err != nil || len(acc) != 0 {
		t.Errorf("utente senza accessi: %+v, %v", acc, err)
	}
}

func TestAccessiConservatiAlPiuMaxAccessi(t *testing.T) {
	if testing.Short() {
		t.Skip("writes MaxAccessi transactions")
	}
	s := MustOpen(t)
	for i := range store.MaxAccessi + 3 {
		registra(t, s, 1, store.Accesso{Quando: t0.Add(time.Duration(i) * time.Second), IP: fmt.Sprint(i)})
	}
	registra(t, s, 2, store.Accesso{Quando: t0, IP: "altro"})
	acc, _ := s.AccessiRecenti(1, 0)
	if len(acc) != store.MaxAccessi || acc[0].IP != fmt.Sprint(store.MaxAccessi+2) || acc[len(acc)-1].IP != "3" {
		t.Errorf("%d accessi, dal %s al %s", len(acc), acc[0].IP, acc[len(acc)-1].IP)
	}
	if acc, _ := s.AccessiRecenti(2, 0); len(acc) != 1 {
		t.Errorf("utente 2: %+v", acc)
	}
}

func TestSessioniUtente(t *testing.T) {
	s := MustOpen(t)
	for i, ss := range []store.Sessione{{Hash: "a", UtenteID: 1}, {Hash: "b", UtenteID: 1}, {Hash: "c", UtenteID: 1}, {Hash: "d", UtenteID: 256}} {
		ss.Creata, ss.UltimoUso, ss.UserAgent = t0, t0.Add(time.Duration((i*7)%3)*time.Minute), firefox
		if err := s.CreaSessione(ss); err != nil {
			t.Fatal(err)
		}
	}
	hashes := func(id uint64) string {
		t.Helper()
		ss, err := s.SessioniUtente(id)
		if err != nil {
			t.Fatal(err)
		}
		out := ""
		for _, x := range ss {
			out += x.Hash
		}
		return out
	}
	// Last used: a at 0, b at 1, c at 2 minutes.
	if got := hashes(1); got != "cba" {
		t.Errorf("SessioniUtente(1) = %q", got)
	}
	err := s.EliminaSessioneUtente(1, "d")
	codice(t, err, domain.ErrNonTrovato)
	if err := s.EliminaSessioneUtente(1, "b"); err != nil {
		t.Fatal(err)
	}
	if got := hashes(1); got != "ca" {
		t.Errorf("dopo EliminaSessioneUtente: %q", got)
	}
	if err := s.CreaSessione(store.Sessione{Hash: "e", UtenteID: 1, Creata: t0}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.EliminaAltreSessioni(1, "a"); err != nil || n != 2 {
		t.Fatalf("EliminaAltreSessioni = %d, %v", n, err)
	}
	if got := hashes(1); got != "a" {
		t.Errorf("dopo EliminaAltreSessioni: %q", got)
	}
	if got := hashes(256); got != "d" {
		t.Errorf("sessioni dell'utente 256: %q", got)
	}
	if _, err := s.Sessione("c"); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("sessione c: %v", err)
	}
}

func TestApriSessioneConTOTP(t *testing.T) {
	s := MustOpen(t)
	u := titolareAttivo(t, s)
	sessione := func(h string) store.Sessione {
		return store.Sessione{Hash: h, UtenteID: u.ID, Creata: t0, UltimoUso: t0}
	}

	prima := istantanea(t, s)
	for _, passo := range []int64{99, 100} {
		err := s.ApriSessioneConTOTP(sessione("x"), passo)
		codice(t, err, domain.ErrConflitto)
	}
	invariato(t, s, prima)
	if err := s.ApriSessioneConTOTP(sessione("s1"), 102); err != nil {
		t.Fatal(err)
	}
	if ss, err := s.Sessione("s1"); err != nil || ss.UtenteID != u.ID {
		t.Fatalf("Sessione = %+v, %v", ss, err)
	}
	if v, _ := s.Utente(u.ID); v.TOTP.UltimoPasso != 102 {
		t.Errorf("UltimoPasso = %d", v.TOTP.UltimoPasso)
	}
	// A step before the last one, though unused, is refused too.
	err := s.ApriSessioneConTOTP(sessione("s2"), 101)
	codice(t, err, domain.ErrConflitto)

	if err := s.AggiornaUltimoPassoTOTP(u.ID, 103); err != nil {
		t.Fatal(err)
	}
	codice(t, s.AggiornaUltimoPassoTOTP(u.ID, 103), domain.ErrConflitto)
	codice(t, s.ApriSessioneConTOTP(sessione("s2"), 103), domain.ErrConflitto)

	if err := s.ImpostaSospensione(u.ID, true, store.EventoAudit{}); err != nil {
		t.Fatal(err)
	}
	codice(t, s.ApriSessioneConTOTP(sessione("s3"), 200), domain.ErrNonAmmesso)
	codice(t, s.AggiornaUltimoPassoTOTP(u.ID, 200), domain.ErrNonAmmesso)

	senza := creaTitolare(t, s, "luigi@example.it", "BNCLGU80A01H501X")
	codice(t, s.ApriSessioneConTOTP(store.Sessione{Hash: "s4", UtenteID: senza.ID}, 200), domain.ErrConflitto)
	codice(t, s.ApriSessioneConTOTP(store.Sessione{Hash: "s5", UtenteID: 999}, 200), domain.ErrNonTrovato)
}

// Two logins with the same code at the same time: exactly one session.
func TestApriSessioneConTOTPConcorrenti(t *testing.T) {
	s := MustOpen(t)
	u := titolareAttivo(t, s)
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.ApriSessioneConTOTP(store.Sessione{Hash: fmt.Sprint("s", i), UtenteID: u.ID, Creata: t0}, 101)
		}()
	}
	wg.Wait()
	aperte := 0
	for _, err := range errs {
		switch {
		case err == nil:
			aperte++
		case domain.CodiceDi(err) != domain.ErrConflitto:
			t.Errorf("errore inatteso: %v", err)
		}
	}
	ss, _ := s.SessioniUtente(u.ID)
	if aperte != 1 || len(ss) != 1 {
		t.Errorf("%d accessi riusciti, %d sessioni; want 1", aperte, len(ss))
	}
}

func TestCodiciRecuperoMonouso(t *testing.T) {
	s := MustOpen(t)
	u := titolareAttivo(t, s) // recovery codes R1 and R2
	h1, h2 := security.HashToken("R1"), security.HashToken("R2")

	rimasti, err := s.ApriSessioneConRecupero(store.Sessione{Hash: "s1", UtenteID: u.ID, Creata: t0}, h1)
	if err != nil || rimasti != 1 {
		t.Fatalf("ApriSessioneConRecupero = %d, %v", rimasti, err)
	}
	if _, err := s.Sessione("s1"); err != nil {
		t.Fatal(err)
	}
	prima := istantanea(t, s)
	_, err = s.ApriSessioneConRecupero(store.Sessione{Hash: "s2", UtenteID: u.ID, Creata: t0}, h1)
	codice(t, err, domain.ErrNonValido)
	_, err = s.UsaCodiceRecupero(u.ID, security.HashToken("R3"))
	codice(t, err, domain.ErrNonValido)
	invariato(t, s, prima)

	if rimasti, err := s.UsaCodiceRecupero(u.ID, h2); err != nil || rimasti != 0 {
		t.Fatalf("UsaCodiceRecupero = %d, %v", rimasti, err)
	}
	_, err = s.UsaCodiceRecupero(u.ID, h2)
	codice(t, err, domain.ErrNonValido)
}

func TestRevoca(t *testing.T) {
	s := MustOpen(t)
	u := titolareAttivo(t, s)
	if err := s.ApriSessioneConTOTP(store.Sessione{Hash: "s1", UtenteID: u.ID, Creata: t0}, 101); err != nil {
		t.Fatal(err)
	}
	p1, p2 := emetti(t, s, u.ID, t0)
	if err := s.Revoca(u.ID, store.EventoAudit{Quando: t0, Chi: 99, Azione: store.AuditAccount, Dettaglio: "revoca"}); err != nil {
		t.Fatal(err)
	}
	v, _ := s.Utente(u.ID)
	if !v.Revocato || v.Attivo() {
		t.Fatalf("dopo la revoca: %+v", v)
	}
	if ss, _ := s.SessioniUtente(u.ID); len(ss) != 0 {
		t.Errorf("sessioni rimaste: %+v", ss)
	}
	_, err := s.IniziaAttivazione(cfRossi, p1, p2, "tok", t0)
	codice(t, err, domain.ErrNonValido)
	codice(t, s.ApriSessioneConTOTP(store.Sessione{Hash: "s2", UtenteID: u.ID}, 200), domain.ErrNonAmmesso)
	_, err = s.ApriSessioneConRecupero(store.Sessione{Hash: "s3", UtenteID: u.ID}, security.HashToken("R1"))
	codice(t, err, domain.ErrNonAmmesso)
	codice(t, s.EmettiAttivazione(store.Attivazione{UtenteID: u.ID, Parte1Hash: "a", Parte2Hash: "b", Creata: t0, Scade: t0.Add(time.Hour)}, store.EventoAudit{}), domain.ErrConflitto)
	codice(t, s.ResetTOTP(u.ID, "smarrito", store.Attivazione{Parte1Hash: "a", Parte2Hash: "b", Creata: t0, Scade: t0.Add(time.Hour)}, store.EventoAudit{}), domain.ErrConflitto)
	ev, _ := s.EventiAudit(store.FiltroAudit{Chi: 99})
	if len(ev) == 0 || ev[0].Dettaglio != "revoca" {
		t.Errorf("audit: %+v", ev)
	}
	codice(t, s.Revoca(999, store.EventoAudit{}), domain.ErrNonTrovato)
}

func TestResetTOTP(t *testing.T) {
	s := MustOpen(t)
	u := titolareAttivo(t, s)
	if err := s.ApriSessioneConTOTP(store.Sessione{Hash: "s1", UtenteID: u.ID, Creata: t0}, 101); err != nil {
		t.Fatal(err)
	}
	vecchio1, vecchio2 := emetti(t, s, u.ID, t0)
	p1, p2 := security.NewCode(50), security.NewCode(50)
	nuova := store.Attivazione{Parte1Hash: security.HashToken(p1), Parte2Hash: security.HashToken(p2), Creata: t0, Scade: t0.Add(72 * time.Hour)}

	prima := istantanea(t, s)
	err := s.ResetTOTP(u.ID, "", nuova, store.EventoAudit{})
	codice(t, err, domain.ErrNonValido)
	invariato(t, s, prima)

	if err := s.ResetTOTP(u.ID, "telefono smarrito", nuova, store.EventoAudit{Quando: t0, Chi: 99, Azione: store.AuditAccount}); err != nil {
		t.Fatal(err)
	}
	v, _ := s.Utente(u.ID)
	if v.TOTP != nil || v.CodiciRecupero != nil || !v.DeveAttivare() || !v.Attivo() {
		t.Fatalf("dopo l'azzeramento: %+v", v)
	}
	if ss, _ := s.SessioniUtente(u.ID); len(ss) != 0 {
		t.Errorf("sessioni rimaste: %+v", ss)
	}
	codice(t, s.ApriSessioneConTOTP(store.Sessione{Hash: "s2", UtenteID: u.ID}, 200), domain.ErrConflitto)
	if a, err := s.Attivazione(u.ID); err != nil || a.Motivo != "Azzeramento dell'app di autenticazione: telefono smarrito" {
		t.Errorf("Attivazione = %+v, %v", a, err)
	}
	ev, _ := s.EventiAudit(store.FiltroAudit{Chi: 99})
	if len(ev) == 0 || ev[0].Dettaglio != "azzeramento dell'app di autenticazione (motivo: telefono smarrito)" {
		t.Errorf("audit: %+v", ev)
	}
	codice(t, s.ResetTOTP(u.ID, "di nuovo", nuova, store.EventoAudit{}), domain.ErrConflitto)

	// The code issued before the reset no longer works; the new one does.
	_, err = s.IniziaAttivazione(cfRossi, vecchio1, vecchio2, "tok", t0)
	codice(t, err, domain.ErrNonValido)
	if v := attiva(t, s, cfRossi, p1, p2, 300, t0); v.TOTP == nil || v.TOTP.UltimoPasso != 300 || v.DeveAttivare() {
		t.Errorf("dopo la nuova attivazione: %+v", v.TOTP)
	}
}
