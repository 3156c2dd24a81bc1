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

// ingresso is the login of user id from a browser with User-Agent ua at
// quando, opening the session hash; the warning of a new device is ready.
func ingresso(id uint64, hash, ua string, quando time.Time) store.Ingresso {
	return store.Ingresso{
		Sessione: domain.Sessione{Hash: hash, UtenteID: id, Creata: quando, UltimoUso: quando, IP: "192.0.2.1", UserAgent: ua},
		Accesso:  domain.Accesso{Quando: quando, IP: "192.0.2.1", UserAgent: ua, Metodo: domain.MetodoPassword},
		Avviso:   domain.Messaggio{To: []string{fmt.Sprintf("utente%d@example.it", id)}, Subject: "Nuovo accesso al tuo account"},
	}
}

// entra logs user id in with its password alone and reports whether the
// device was new.
func entra(tb testing.TB, s *store.Store, id uint64, hash, ua string, quando time.Time) bool {
	tb.Helper()
	nuovo, err := s.ApriSessione(ingresso(id, hash, ua, quando))
	if err != nil {
		tb.Fatal(err)
	}
	return nuovo
}

// conTOTP is ingresso with the TOTP method.
func conTOTP(id uint64, hash string, quando time.Time) store.Ingresso {
	in := ingresso(id, hash, firefox, quando)
	in.Accesso.Metodo = domain.MetodoTOTP
	return in
}

func TestApriSessioneENuovoDispositivo(t *testing.T) {
	s := MustOpen(t)
	u := richiedente(t, s, rossi)
	altro := richiedente(t, s, verdi)
	quando := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	avvisi := func() int {
		t.Helper()
		pag, err := s.Posta(store.QueryPosta{})
		if err != nil {
			t.Fatal(err)
		}
		return len(pag.Notifiche)
	}
	// Chrome fails first, and never logs in.
	if err := s.RegistraAccesso(u.ID, domain.Accesso{Quando: t0, UserAgent: chrome, Metodo: domain.MetodoPassword}); err != nil {
		t.Fatal(err)
	}
	if entra(t, s, u.ID, "s1", firefox, quando(1)) {
		t.Error("il primo accesso dell'account segnalato come nuovo dispositivo")
	}
	if entra(t, s, u.ID, "s2", "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0", quando(2)) {
		t.Error("un aggiornamento del browser segnalato come nuovo dispositivo")
	}
	if n := avvisi(); n != 0 {
		t.Errorf("%d avvisi senza un dispositivo nuovo", n)
	}
	if !entra(t, s, u.ID, "s3", chrome, quando(3)) {
		t.Error("Chrome non segnalato come nuovo dispositivo")
	}
	if n := avvisi(); n != 1 {
		t.Errorf("%d avvisi dopo un dispositivo nuovo, want 1", n)
	}
	if entra(t, s, u.ID, "s4", chrome, quando(4)) {
		t.Error("Chrome segnalato due volte")
	}
	// Another user's devices are its own.
	if entra(t, s, altro.ID, "s5", firefox, quando(5)) || !entra(t, s, altro.ID, "s6", chrome, quando(6)) {
		t.Error("dispositivi mescolati tra utenti")
	}
	if n := avvisi(); n != 2 {
		t.Errorf("%d avvisi, want 2", n)
	}
	for _, tc := range []struct {
		utente uint64
		ua     string
		noto   bool
	}{{u.ID, firefox, true}, {u.ID, chrome, true}, {999, firefox, false}, {u.ID, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Safari/604.1", false}} {
		noto, err := s.DispositivoNoto(tc.utente, domain.DispositivoDa(tc.ua).Impronta)
		if err != nil || noto != tc.noto {
			t.Errorf("DispositivoNoto(%d, %q) = %v, %v", tc.utente, tc.ua, noto, err)
		}
	}
	acc, err := s.AccessiRecenti(u.ID, 10)
	if err != nil || len(acc) != 5 {
		t.Fatalf("AccessiRecenti = %d, %v", len(acc), err)
	}
	if a := acc[1]; !a.NuovoDispositivo || a.NomeDispositivo != "Chrome su Windows" || a.Dispositivo != domain.DispositivoDa(chrome).Impronta ||
		a.IP != "192.0.2.1" || a.Metodo != domain.MetodoPassword || !a.Riuscito || !a.Quando.Equal(quando(3)) {
		t.Errorf("accesso da Chrome: %+v", a)
	}
	if acc[4].Riuscito || acc[4].NuovoDispositivo || acc[4].Metodo != domain.MetodoPassword {
		t.Errorf("tentativo fallito: %+v", acc[4])
	}

	// No account, no history.
	prima := istantanea(t, s)
	if err := s.RegistraAccesso(0, domain.Accesso{Quando: t0, UserAgent: firefox}); err != nil {
		t.Fatal(err)
	}
	invariato(t, s, prima)
}

func TestAccessiRecentiOrdineELimiti(t *testing.T) {
	s := MustOpen(t)
	// Users 1 and 256 differ in one byte of their big-endian IDs.
	utenti := creaUtenti(t, s, 256)
	u1, u2, u256 := utenti[0].ID, utenti[1].ID, utenti[255].ID
	registra := func(id uint64, a domain.Accesso) {
		t.Helper()
		if err := s.RegistraAccesso(id, a); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 30 {
		for _, id := range []uint64{u1, u256, u2} {
			registra(id, domain.Accesso{Quando: t0.Add(time.Duration(i) * time.Minute), IP: fmt.Sprint(i), Metodo: domain.MetodoPassword})
		}
	}
	// Two attempts in the same instant keep both, in order.
	registra(u1, domain.Accesso{Quando: t0.Add(time.Hour), IP: "a"})
	registra(u1, domain.Accesso{Quando: t0.Add(time.Hour), IP: "b"})
	acc, err := s.AccessiRecenti(u1, 5)
	if err != nil || len(acc) != 5 {
		t.Fatalf("AccessiRecenti = %+v, %v", acc, err)
	}
	for i, want := range []string{"b", "a", "29", "28", "27"} {
		if acc[i].IP != want {
			t.Errorf("accesso %d: IP %q, want %q", i, acc[i].IP, want)
		}
	}
	for _, id := range []uint64{u2, u256} {
		acc, _ := s.AccessiRecenti(id, 0)
		if len(acc) != 30 || acc[0].IP != "29" || acc[29].IP != "0" {
			t.Errorf("utente %d: %d accessi, primo %+v", id, len(acc), acc[0])
		}
	}
	if acc, err := s.AccessiRecenti(utenti[2].ID, 5); err != nil || len(acc) != 0 {
		t.Errorf("utente senza accessi: %+v, %v", acc, err)
	}
}

func TestAccessiConservatiAlPiuMaxAccessi(t *testing.T) {
	if testing.Short() {
		t.Skip("writes MaxAccessi transactions")
	}
	s := MustOpen(t)
	utenti := creaUtenti(t, s, 2)
	for i := range domain.MaxAccessi + 3 {
		if err := s.RegistraAccesso(utenti[0].ID, domain.Accesso{Quando: t0.Add(time.Duration(i) * time.Second), IP: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RegistraAccesso(utenti[1].ID, domain.Accesso{Quando: t0, IP: "altro"}); err != nil {
		t.Fatal(err)
	}
	acc, _ := s.AccessiRecenti(utenti[0].ID, 0)
	if len(acc) != domain.MaxAccessi || acc[0].IP != fmt.Sprint(domain.MaxAccessi+2) || acc[len(acc)-1].IP != "3" {
		t.Errorf("%d accessi, dal %s al %s", len(acc), acc[0].IP, acc[len(acc)-1].IP)
	}
	if acc, _ := s.AccessiRecenti(utenti[1].ID, 0); len(acc) != 1 {
		t.Errorf("utente 2: %+v", acc)
	}
}

func TestApriSessioneConTOTP(t *testing.T) {
	s := MustOpenConSedi(t)
	u, op := titolareAttivo(t, s)

	prima := istantanea(t, s)
	for _, passo := range []int64{99, 100} {
		_, err := s.ApriSessioneConTOTP(conTOTP(u.ID, "x", t0), passo)
		codice(t, err, domain.ErrConflitto)
	}
	invariato(t, s, prima)
	if _, err := s.ApriSessioneConTOTP(conTOTP(u.ID, "s1", t0), 102); err != nil {
		t.Fatal(err)
	}
	if ss, v, err := s.SessioneAttiva("s1"); err != nil || ss.UtenteID != u.ID || v.ID != u.ID {
		t.Fatalf("SessioneAttiva = %+v, %+v, %v", ss, v, err)
	}
	if v, _ := s.Utente(u.ID); v.TOTP.UltimoPasso != 102 {
		t.Errorf("UltimoPasso = %d", v.TOTP.UltimoPasso)
	}
	if acc, _ := s.AccessiRecenti(u.ID, 1); len(acc) != 1 || !acc[0].Riuscito || acc[0].Metodo != domain.MetodoTOTP {
		t.Errorf("accesso registrato: %+v", acc)
	}
	// A step before the last one, though unused, is refused too.
	_, err := s.ApriSessioneConTOTP(conTOTP(u.ID, "s2", t0), 101)
	codice(t, err, domain.ErrConflitto)

	// A code confirming a change of the password is used up as well.
	if _, err := s.CambiaPassword(atto(u.ID, t0), store.Cambio{Fattore: &store.Fattore{Passo: 103}}, "hash-nuovo"); err != nil {
		t.Fatal(err)
	}
	_, err = s.CambiaPassword(atto(u.ID, t0), store.Cambio{Fattore: &store.Fattore{Passo: 103}}, "hash-altro")
	codice(t, err, domain.ErrConflitto)
	_, err = s.ApriSessioneConTOTP(conTOTP(u.ID, "s2", t0), 103)
	codice(t, err, domain.ErrConflitto)

	if _, err := s.Sospendi(atto(op.ID, t0), u.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	_, err = s.ApriSessioneConTOTP(conTOTP(u.ID, "s3", t0), 200)
	codice(t, err, domain.ErrNonAmmesso)

	senza := richiedente(t, s, verdi)
	_, err = s.ApriSessioneConTOTP(conTOTP(senza.ID, "s4", t0), 200)
	codice(t, err, domain.ErrConflitto)
	_, err = s.ApriSessioneConTOTP(conTOTP(999, "s5", t0), 200)
	codice(t, err, domain.ErrNonTrovato)
}

// A suspended holder uses up no factor, as it opens no session.
func TestCambioDiUnAccountSospeso(t *testing.T) {
	s := MustOpenConSedi(t)
	u, op := titolareAttivo(t, s)
	if _, err := s.Sospendi(atto(op.ID, t0), u.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	prima := istantanea(t, s)
	_, err := s.CambiaPassword(atto(u.ID, t0), store.Cambio{Fattore: &store.Fattore{Passo: 200}}, "h")
	codice(t, err, domain.ErrNonAmmesso)
	_, err = s.CambiaPassword(atto(u.ID, t0), store.Cambio{Fattore: &store.Fattore{RecuperoHash: recupero[0]}}, "h")
	codice(t, err, domain.ErrNonAmmesso)
	invariato(t, s, prima)
}

// Two logins with the same code at the same time: exactly one session.
func TestApriSessioneConTOTPConcorrenti(t *testing.T) {
	s := MustOpenConSedi(t)
	u, _ := titolareAttivo(t, s)
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = s.ApriSessioneConTOTP(conTOTP(u.ID, fmt.Sprint("s", i), t0), 101)
		})
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
	acc, _ := s.AccessiRecenti(u.ID, 0)
	if aperte != 1 || len(ss) != 1 || len(acc) != 1 {
		t.Errorf("%d accessi riusciti, %d sessioni, %d accessi registrati; want 1", aperte, len(ss), len(acc))
	}
}

func TestCodiciRecuperoMonouso(t *testing.T) {
	s := MustOpenConSedi(t)
	u, _ := titolareAttivo(t, s) // recovery codes R1 and R2
	in := ingresso(u.ID, "s1", firefox, t0)
	in.Accesso.Metodo = domain.MetodoRecupero
	rimasti, _, err := s.ApriSessioneConRecupero(in, recupero[0])
	if err != nil || rimasti != 1 {
		t.Fatalf("ApriSessioneConRecupero = %d, %v", rimasti, err)
	}
	if _, _, err := s.SessioneAttiva("s1"); err != nil {
		t.Fatal(err)
	}
	prima := istantanea(t, s)
	in.Sessione.Hash = "s2"
	_, _, err = s.ApriSessioneConRecupero(in, recupero[0])
	codice(t, err, domain.ErrNonValido)
	cambio := func(hash string) error {
		_, err := s.CambiaPassword(atto(u.ID, t0), store.Cambio{Fattore: &store.Fattore{RecuperoHash: hash}}, "h")
		return err
	}
	codice(t, cambio(security.HashToken("R3")), domain.ErrNonValido)
	invariato(t, s, prima)

	if err := cambio(recupero[1]); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Utente(u.ID); len(v.CodiciRecupero) != 0 {
		t.Errorf("codici rimasti: %v", v.CodiciRecupero)
	}
	codice(t, cambio(recupero[1]), domain.ErrNonValido)
}

// A login is one write: if the session cannot be opened, the code is not
// used up, the attempt is not recorded and no warning leaves.
func TestApriSessioneTuttoONiente(t *testing.T) {
	s := MustOpenConSedi(t)
	u, _ := titolareAttivo(t, s)
	if _, err := s.ApriSessioneConTOTP(conTOTP(u.ID, "s1", t0), 101); err != nil {
		t.Fatal(err)
	}
	prima := istantanea(t, s)
	in := conTOTP(u.ID, "", t0) // no session key: bbolt refuses the write
	in.Sessione.UserAgent, in.Accesso.UserAgent = chrome, chrome
	if _, err := s.ApriSessioneConTOTP(in, 102); err == nil {
		t.Fatal("aperta una sessione senza chiave")
	}
	invariato(t, s, prima)
	if _, err := s.ApriSessioneConTOTP(conTOTP(u.ID, "s2", t0), 102); err != nil {
		t.Errorf("il codice del tentativo fallito risulta usato: %v", err)
	}
}

// The browser's previous session ends when it logs in again.
func TestApriSessioneChiudeLaPrecedente(t *testing.T) {
	s := MustOpen(t)
	u := richiedente(t, s, rossi)
	entra(t, s, u.ID, "vecchia", firefox, t0)
	in := ingresso(u.ID, "nuova", firefox, t0.Add(time.Minute))
	in.Vecchia = "vecchia"
	if _, err := s.ApriSessione(in); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessioneAttiva("vecchia"); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("la sessione precedente è ancora aperta: %v", err)
	}
	if ss, _ := s.SessioniUtente(u.ID); len(ss) != 1 || ss[0].Hash != "nuova" {
		t.Errorf("sessioni: %+v", ss)
	}
}

// The password alone does not open a session of an account that needs a
// second factor, even if the caller asks.
func TestApriSessioneSenzaSecondoFattoreRifiutata(t *testing.T) {
	s := MustOpenConSedi(t)
	u, _ := titolareAttivo(t, s)
	prima := istantanea(t, s)
	if _, err := s.ApriSessione(ingresso(u.ID, "s1", firefox, t0)); err == nil {
		t.Error("aperta con la sola password la sessione di un account con l'app di autenticazione")
	}
	invariato(t, s, prima)
}

func TestCambiaPassword(t *testing.T) {
	s := MustOpenConSedi(t)
	u, _ := titolareAttivo(t, s)
	for i, h := range []string{"s1", "s2", "s3"} {
		if _, err := s.ApriSessioneConTOTP(conTOTP(u.ID, h, t0), int64(101+i)); err != nil {
			t.Fatal(err)
		}
	}
	avviso := domain.Messaggio{To: []string{u.Email}, Subject: "La tua password è cambiata"}
	prima := istantanea(t, s)
	for _, tc := range []struct {
		nome    string
		fattore *store.Fattore
		want    domain.Codice
	}{
		{"senza secondo fattore", nil, domain.ErrConflitto},
		{"codice già usato", &store.Fattore{Passo: 103}, domain.ErrConflitto},
		{"codice di recupero sbagliato", &store.Fattore{RecuperoHash: security.HashToken("R9")}, domain.ErrNonValido},
	} {
		_, err := s.CambiaPassword(atto(u.ID, t0), store.Cambio{Fattore: tc.fattore, Sessione: "s1", Avviso: avviso}, "nuovo-hash")
		if domain.CodiceDi(err) != tc.want {
			t.Errorf("%s: %v, want codice %s", tc.nome, err, tc.want)
		}
	}
	invariato(t, s, prima)

	quando := t0.Add(time.Hour)
	chiuse, err := s.CambiaPassword(atto(u.ID, quando), store.Cambio{Fattore: &store.Fattore{Passo: 104}, Sessione: "s1", Avviso: avviso}, "nuovo-hash")
	if err != nil || chiuse != 2 {
		t.Fatalf("CambiaPassword = %d, %v; want 2 sessioni chiuse", chiuse, err)
	}
	v, _ := s.Utente(u.ID)
	if v.PasswordHash != "nuovo-hash" || !v.PasswordCambiata.Equal(quando) || v.TOTP.UltimoPasso != 104 {
		t.Errorf("dopo il cambio: %+v", v)
	}
	if ss, _ := s.SessioniUtente(u.ID); len(ss) != 1 || ss[0].Hash != "s1" {
		t.Errorf("sessioni: %+v, want solo quella in uso", ss)
	}
	if pag, _ := s.Posta(store.QueryPosta{PerPag: 1}); len(pag.Notifiche) != 1 || pag.Notifiche[0].Messaggio.Subject != avviso.Subject {
		t.Errorf("avviso: %+v", pag.Notifiche)
	}
	if ev, _ := s.EventiAudit(store.FiltroAudit{Chi: u.ID, Limite: 1}); len(ev) != 1 || ev[0].Dettaglio != "password cambiata dal titolare; altre sessioni chiuse: 2" {
		t.Errorf("audit: %+v", ev)
	}

	// An account without an authenticator gives no second factor.
	generico := richiedente(t, s, verdi)
	if _, err := s.CambiaPassword(atto(generico.ID, t0), store.Cambio{}, "altro-hash"); err != nil {
		t.Errorf("cambio della password di un utente generico: %v", err)
	}
}

func TestCambiaTOTP(t *testing.T) {
	s := MustOpenConSedi(t)
	u, _ := titolareAttivo(t, s)
	quando := t0.Add(time.Hour)
	if _, err := s.CambiaTOTP(atto(u.ID, quando), store.Cambio{Fattore: &store.Fattore{Passo: 101}}, []byte("nuovo segreto"), 5000); err != nil {
		t.Fatal(err)
	}
	v, _ := s.Utente(u.ID)
	if v.TOTP == nil || string(v.TOTP.SegretoCifrato) != "nuovo segreto" || v.TOTP.UltimoPasso != 5000 || !v.TOTP.Attivato.Equal(quando) {
		t.Errorf("TOTP dopo il cambio: %+v", v.TOTP)
	}
	_, err := s.ApriSessioneConTOTP(conTOTP(u.ID, "s1", quando), 5000)
	codice(t, err, domain.ErrConflitto)

	generico := richiedente(t, s, verdi)
	prima := istantanea(t, s)
	_, err = s.CambiaTOTP(atto(generico.ID, t0), store.Cambio{}, []byte("segreto"), 1)
	codice(t, err, domain.ErrConflitto)
	invariato(t, s, prima)
}

// A hash computed with old parameters is replaced once, and never over a
// password changed meanwhile.
func TestAggiornaHashPassword(t *testing.T) {
	s := MustOpen(t)
	u := richiedente(t, s, rossi) // password hash "vecchia"
	if err := s.AggiornaHashPassword(u.ID, "vecchia", "aggiornata"); err != nil {
		t.Fatal(err)
	}
	if err := s.AggiornaHashPassword(u.ID, "vecchia", "di un altro login"); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Utente(u.ID); v.PasswordHash != "aggiornata" {
		t.Errorf("PasswordHash = %q, want aggiornata", v.PasswordHash)
	}
}
