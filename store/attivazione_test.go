package store_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/security"
	"abilita/store"
)

// recupero are the recovery codes attiva gives every account.
var recupero = []string{security.HashToken("R1"), security.HashToken("R2")}

// attiva goes through every step of the activation at quando, with the code
// parts as typed and TOTP step passo, and returns the activated account.
func attiva(tb testing.TB, s *store.Store, identificativo, parte1, parte2 string, passo int64, quando time.Time) *domain.Utente {
	tb.Helper()
	tok := security.HashToken(security.NewToken())
	steps := []func() error{
		func() error { _, err := s.IniziaAttivazione(identificativo, parte1, parte2, tok, quando); return err },
		func() error {
			_, err := s.ImpostaPasswordAttivazione(tok, "nuova", []byte("segreto in attivazione"), quando)
			return err
		},
		func() error { _, err := s.ConfermaTOTPAttivazione(tok, passo, quando); return err },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			tb.Fatalf("passo %d dell'attivazione: %v", i, err)
		}
	}
	u, err := s.CompletaAttivazione(atto(0, quando), tok, store.Completamento{VersioneRegole: domain.VersioneRegole, Segreto: []byte("sigillato"), CodiciRecupero: recupero})
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// Unknown codice fiscale, wrong parts, swapped parts and an expired code all
// get the same answer, and a refusal writes nothing.
func TestIniziaAttivazioneRispostaUnica(t *testing.T) {
	s := MustOpenConSedi(t)
	op := creaOperatore(t, s, "op.pi@example.it", "PI")
	u := titolare(t, s, rossi, "PI")
	k := riemetti(t, s, op.ID, u.ID, t0)
	altro := titolare(t, s, verdi, "PI")
	q := riemetti(t, s, op.ID, altro.ID, t0)
	now := t0.Add(time.Hour)

	prima := istantanea(t, s)
	for _, tc := range []struct {
		nome, cf, p1, p2 string
		now              time.Time
	}{
		{"codice fiscale sconosciuto", bianchi.CF(), k.Parte1, k.Parte2, now},
		{"parte 1 sbagliata", rossi.CF(), q.Parte1, k.Parte2, now},
		{"parte 2 sbagliata", rossi.CF(), k.Parte1, q.Parte2, now},
		{"parti scambiate", rossi.CF(), k.Parte2, k.Parte1, now},
		{"codici di un altro", rossi.CF(), q.Parte1, q.Parte2, now},
		{"parti vuote", rossi.CF(), "", "", now},
		{"scaduto", rossi.CF(), k.Parte1, k.Parte2, t0.Add(72 * time.Hour)},
	} {
		_, err := s.IniziaAttivazione(tc.cf, tc.p1, tc.p2, "tok", tc.now)
		codice(t, err, domain.ErrNonValido)
		if m := domain.MessaggioDi(err); m != "Codice fiscale o codici di attivazione non validi o scaduti." {
			t.Errorf("%s: messaggio %q", tc.nome, m)
		}
	}
	invariato(t, s, prima)

	// As a person types it: lower case, spaces, O for 0 and I/L for 1.
	digitato := func(c string) string {
		c = strings.ToLower(strings.ReplaceAll(c, "-", " "))
		return strings.NewReplacer("0", "o", "1", "l").Replace(c)
	}
	a, err := s.IniziaAttivazione(strings.ToLower(rossi.CF()), digitato(k.Parte1), digitato(k.Parte2), "tok", now)
	if err != nil || a.UtenteID != u.ID || a.Passo() != domain.PassoPassword || !a.Scade.Equal(now.Add(domain.DurataAttivazione)) {
		t.Fatalf("IniziaAttivazione = %+v, %v", a, err)
	}
}

// The code is not used up by starting: typed again, in another browser, it
// resumes the activation where it stopped; the first browser's token ends.
// Once the activation completes the code activates nothing more.
func TestAttivazioneRipresa(t *testing.T) {
	s := MustOpenConSedi(t)
	op := creaOperatore(t, s, "op.pi@example.it", "PI")
	u := titolare(t, s, rossi, "PI")
	k := riemetti(t, s, op.ID, u.ID, t0)
	if _, err := s.IniziaAttivazione(rossi.CF(), k.Parte1, k.Parte2, "primo", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImpostaPasswordAttivazione("primo", "h", []byte("segreto"), t0); err != nil {
		t.Fatal(err)
	}
	dopo := t0.Add(time.Minute)
	a, err := s.IniziaAttivazione(rossi.CF(), k.Parte1, k.Parte2, "secondo", dopo)
	if err != nil || a.Passo() != domain.PassoTOTP || a.PasswordHash != "h" || a.Contesto != "primo" || !a.Scade.Equal(dopo.Add(domain.DurataAttivazione)) {
		t.Fatalf("resumed: %+v, %v", a, err)
	}
	if _, _, err := s.AttivazioneInCorso("primo", dopo); domain.CodiceDi(err) != domain.ErrNonValido {
		t.Errorf("the first browser's token still works: %v", err)
	}
	tok := "terzo"
	if _, err := s.IniziaAttivazione(rossi.CF(), k.Parte1, k.Parte2, tok, dopo); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfermaTOTPAttivazione(tok, 77, dopo); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CompletaAttivazione(atto(0, dopo), tok, store.Completamento{CodiciRecupero: []string{"r"}, Segreto: []byte("s"), VersioneRegole: domain.VersioneRegole}); err != nil {
		t.Fatal(err)
	}
	_, err = s.IniziaAttivazione(rossi.CF(), k.Parte1, k.Parte2, "quarto", dopo)
	codice(t, err, domain.ErrNonValido)
	_, err = s.Attivazione(u.ID)
	codice(t, err, domain.ErrNonTrovato)
}

func TestAttivazioneInCorsoScade(t *testing.T) {
	s := MustOpenConSedi(t)
	op := creaOperatore(t, s, "op.pi@example.it", "PI")
	u := titolare(t, s, rossi, "PI")
	k := riemetti(t, s, op.ID, u.ID, t0)
	if _, err := s.IniziaAttivazione(rossi.CF(), k.Parte1, k.Parte2, "tok", t0); err != nil {
		t.Fatal(err)
	}
	if a, v, err := s.AttivazioneInCorso("tok", t0.Add(domain.DurataAttivazione-time.Second)); err != nil || a.UtenteID != u.ID || v.ID != u.ID {
		t.Fatalf("AttivazioneInCorso = %+v, %+v, %v", a, v, err)
	}
	_, err := s.ImpostaPasswordAttivazione("tok", "h", []byte("segreto"), t0.Add(domain.DurataAttivazione))
	codice(t, err, domain.ErrNonValido)
	_, _, err = s.AttivazioneInCorso("sconosciuto", t0)
	codice(t, err, domain.ErrNonValido)
}

// Re-issuing, suspending and revoking stop an activation in progress.
func TestAttivazioneInCorsoInterrotta(t *testing.T) {
	s := MustOpenConSedi(t)
	op := creaOperatore(t, s, "op.pi@example.it", "PI")
	u := titolare(t, s, rossi, "PI")
	inizia := func(tok string) {
		t.Helper()
		k := riemetti(t, s, op.ID, u.ID, t0)
		if _, err := s.IniziaAttivazione(rossi.CF(), k.Parte1, k.Parte2, tok, t0); err != nil {
			t.Fatal(err)
		}
	}
	passo := func(tok string) error {
		_, err := s.ImpostaPasswordAttivazione(tok, "h", []byte("segreto"), t0)
		return err
	}

	inizia("tok1")
	riemetti(t, s, op.ID, u.ID, t0)
	codice(t, passo("tok1"), domain.ErrNonValido)

	inizia("tok2")
	if _, err := s.Sospendi(atto(op.ID, t0), u.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	codice(t, passo("tok2"), domain.ErrNonAmmesso)
	// A suspended account cannot start one either.
	k := riemetti(t, s, op.ID, u.ID, t0)
	_, err := s.IniziaAttivazione(rossi.CF(), k.Parte1, k.Parte2, "tok3", t0)
	codice(t, err, domain.ErrNonAmmesso)
	if _, err := s.Sospendi(atto(op.ID, t0), u.ID, false, ""); err != nil {
		t.Fatal(err)
	}

	inizia("tok4")
	if _, err := s.Revoca(atto(op.ID, t0), u.ID, "prova"); err != nil {
		t.Fatal(err)
	}
	codice(t, passo("tok4"), domain.ErrNonValido)
}

// Operators and administrators have no codice fiscale: they activate with
// their e-mail.
func TestAttivazioneOperatorePerEmail(t *testing.T) {
	s := MustOpenConSedi(t)
	admin := creaAmministratore(t, s, "admin@example.it")
	k, att := nuovoCodice(t0)
	op, err := s.CreaStaff(atto(admin.ID, t0), domain.Utente{Ruolo: domain.RuoloOperatore, Email: "op@example.it", Sede: "MI", Nome: "Nome", Cognome: "Cognome"}, att, nil)
	if err != nil {
		t.Fatal(err)
	}
	if op.Attivo() || !op.DeveAttivare() {
		t.Fatalf("operatore appena creato: %+v", op)
	}
	v := attiva(t, s, " OP@Example.it ", k.Parte1, k.Parte2, 42, t0)
	if !v.Attivo() || v.DeveAttivare() || v.TOTP.UltimoPasso != 42 || v.Sede != "MI" || v.Regole == nil {
		t.Errorf("operatore attivato: %+v", v)
	}
	// Once active, its code cannot be issued again by an administrator.
	_, err = s.RiemettiCodice(atto(admin.ID, t0), op.ID, att, nil, "prova")
	codice(t, err, domain.ErrConflitto)
}

func TestAttivazioneCompleta(t *testing.T) {
	s := MustOpenConSedi(t)
	op := creaOperatore(t, s, "op.pi@example.it", "PI")
	u := titolare(t, s, rossi, "PI")
	entra(t, s, u.ID, "vecchia", firefox, t0)
	k := riemetti(t, s, op.ID, u.ID, t0)

	// What the handler does, with the real TOTP and sealing.
	keyring, err := security.NewKeyring(bytes.Repeat([]byte{7}, security.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	key, err := security.NuovoTOTP("Abilita", rossi.CF())
	if err != nil {
		t.Fatal(err)
	}
	now := t0.Add(time.Hour)
	tok := security.HashToken(security.NewToken())
	inAttivazione, _ := keyring.Seal([]byte(key.Secret()), domain.ContestoSegretoInAttivazione(tok))
	perAccount, _ := keyring.Seal([]byte(key.Secret()), domain.ContestoSegretoTOTP(u.ID))
	if _, err := s.IniziaAttivazione(rossi.CF(), k.Parte1, k.Parte2, tok, now); err != nil {
		t.Fatal(err)
	}
	completa := func(at time.Time, codici []string) (*domain.Utente, error) {
		return s.CompletaAttivazione(atto(0, at), tok, store.Completamento{VersioneRegole: domain.VersioneRegole, Segreto: perAccount, CodiciRecupero: codici})
	}
	prima := istantanea(t, s)
	for i, f := range []func() error{
		func() error { _, err := s.ConfermaTOTPAttivazione(tok, 5, now); return err },
		func() error { _, err := completa(now, []string{"h"}); return err },
	} {
		if err := f(); domain.CodiceDi(err) != domain.ErrConflitto {
			t.Errorf("passo %d prima della password: %v", i, err)
		}
	}
	invariato(t, s, prima)

	passi := func(a *domain.AttivazioneInCorso, err error) domain.PassoAttivazione {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return a.Passo()
	}
	now = now.Add(20 * time.Minute)
	if p := passi(s.ImpostaPasswordAttivazione(tok, "prima-scelta", []byte("da sostituire"), now)); p != domain.PassoTOTP {
		t.Fatalf("dopo la password: %s", p)
	}
	now = now.Add(20 * time.Minute) // 40 minutes after the start: each step extends the deadline
	if p := passi(s.ImpostaPasswordAttivazione(tok, "hash-password", inAttivazione, now)); p != domain.PassoTOTP {
		t.Fatalf("dopo la seconda password: %s", p)
	}
	_, err = s.ConfermaTOTPAttivazione(tok, 0, now)
	codice(t, err, domain.ErrConflitto)

	// The handler opens the pending secret and checks the code typed.
	inCorso, chi, err := s.AttivazioneInCorso(tok, now)
	if err != nil || chi.ID != u.ID || inCorso.PasswordHash != "hash-password" {
		t.Fatalf("AttivazioneInCorso = %+v, %+v, %v", inCorso, chi, err)
	}
	segreto, err := keyring.Open(inCorso.SegretoTOTP, domain.ContestoSegretoInAttivazione(tok))
	if err != nil {
		t.Fatal(err)
	}
	code, _ := security.CodiceTOTP(string(segreto), now)
	passo, ok := security.VerificaTOTP(string(segreto), code, now, 0)
	if !ok {
		t.Fatal("codice di iscrizione rifiutato")
	}
	if p := passi(s.ConfermaTOTPAttivazione(tok, passo, now)); p != domain.PassoRegole {
		t.Fatalf("dopo la conferma: %s", p)
	}
	for _, f := range []func() error{
		func() error { _, err := s.ConfermaTOTPAttivazione(tok, passo+1, now); return err },
		func() error { _, err := s.ImpostaPasswordAttivazione(tok, "tardi", []byte("altro"), now); return err },
	} {
		codice(t, f(), domain.ErrConflitto)
	}
	if v, err := s.Utente(u.ID); err != nil || v.PasswordHash != "vecchia" || v.TOTP != nil || v.Regole != nil {
		t.Fatalf("l'account è cambiato prima della fine: %+v, %v", v, err)
	}

	codici := security.CodiciRecupero(10)
	hashes := make([]string, len(codici))
	for i, c := range codici {
		hashes[i] = security.HashToken(security.NormalizeCode(c))
	}
	got, err := completa(now, hashes)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := s.Utente(u.ID)
	for _, v := range []*domain.Utente{got, stored} {
		switch {
		case v.PasswordHash != "hash-password" || !v.PasswordCambiata.Equal(now):
			t.Errorf("password: %q, cambiata %v", v.PasswordHash, v.PasswordCambiata)
		case v.TOTP == nil || !bytes.Equal(v.TOTP.SegretoCifrato, perAccount) || v.TOTP.UltimoPasso != passo || !v.TOTP.Attivato.Equal(now):
			t.Errorf("TOTP: %+v", v.TOTP)
		case v.Regole == nil || v.Regole.Versione != domain.VersioneRegole || !v.Regole.Quando.Equal(now):
			t.Errorf("regole: %+v", v.Regole)
		case len(v.CodiciRecupero) != 10 || v.CodiciRecupero[0] != hashes[0]:
			t.Errorf("codici di recupero: %v", v.CodiciRecupero)
		case !v.Abilitazioni[0].Attivata.Equal(now) || !v.RichiedeTOTP() || v.DeveAttivare():
			t.Errorf("abilitazioni: %+v", v.Abilitazioni)
		}
	}
	if _, _, err := s.SessioneAttiva("vecchia"); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("la sessione aperta prima dell'attivazione è rimasta: %v", err)
	}
	_, _, err = s.AttivazioneInCorso(tok, now)
	codice(t, err, domain.ErrNonValido)
	_, err = completa(now, hashes)
	codice(t, err, domain.ErrNonValido)
	ev, _ := s.EventiAudit(store.FiltroAudit{Chi: u.ID})
	if len(ev) != 1 || ev[0].Azione != domain.AuditCredenziali || ev[0].IP != "192.0.2.1" {
		t.Errorf("audit: %+v", ev)
	}

	// The enrolment code cannot log in; the next one can.
	_, err = s.ApriSessioneConTOTP(ingresso(u.ID, "s1", firefox, now), passo)
	codice(t, err, domain.ErrConflitto)
	if _, err := s.ApriSessioneConTOTP(ingresso(u.ID, "s2", firefox, now), passo+1); err != nil {
		t.Fatal(err)
	}
}
