package store_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/notify"
	"abilita/security"
	"abilita/store"
)

const cfRossi = "RSSMRA85T10A562S"

// creaTitolare stores a generic user with a codice fiscale and a password.
func creaTitolare(tb testing.TB, s *store.Store, email, cf string) *domain.Utente {
	tb.Helper()
	u := &domain.Utente{Ruolo: domain.RuoloRichiedente, Email: email, CodiceFiscale: cf, Cognome: "Rossi", Nome: "Mario", PasswordHash: "vecchia", Creato: t0}
	if err := s.CreaUtente(u); err != nil {
		tb.Fatal(err)
	}
	return u
}

// emetti issues an activation code to user id at quando, valid 72 hours,
// and returns its two parts as the person reads them.
func emetti(tb testing.TB, s *store.Store, id uint64, quando time.Time) (string, string) {
	tb.Helper()
	p1, p2 := security.NewCode(50), security.NewCode(50)
	a := store.Attivazione{UtenteID: id, Parte1Hash: security.HashToken(p1), Parte2Hash: security.HashToken(p2), Creata: quando, Scade: quando.Add(72 * time.Hour), Motivo: "prova"}
	if err := s.EmettiAttivazione(a, store.EventoAudit{Quando: quando, Chi: 99, Azione: store.AuditCredenziali}); err != nil {
		tb.Fatal(err)
	}
	return security.FormatCode(p1), security.FormatCode(p2)
}

// attiva goes through every step of the activation at quando, with TOTP
// step passo, and returns the activated user.
func attiva(tb testing.TB, s *store.Store, cf, p1, p2 string, passo int64, quando time.Time) *domain.Utente {
	tb.Helper()
	tok := security.HashToken(security.NewToken())
	steps := []func() error{
		func() error { _, err := s.IniziaAttivazione(cf, p1, p2, tok, quando); return err },
		func() error { _, err := s.ImpostaPasswordAttivazione(tok, "nuova", quando); return err },
		func() error { _, err := s.ImpostaTOTPAttivazione(tok, []byte("sigillato"), quando); return err },
		func() error { _, err := s.ConfermaTOTPAttivazione(tok, passo, quando); return err },
		func() error { _, err := s.AccettaRegoleAttivazione(tok, domain.VersioneRegole, quando); return err },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			tb.Fatalf("passo %d dell'attivazione: %v", i, err)
		}
	}
	u, err := s.CompletaAttivazione(tok, []string{security.HashToken("R1"), security.HashToken("R2")}, quando, store.EventoAudit{Quando: quando})
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

func TestIndiceCodiceFiscale(t *testing.T) {
	s := MustOpen(t)
	u := creaTitolare(t, s, "mario@example.it", " rssmra85t10a562s ")
	if u.CodiceFiscale != cfRossi {
		t.Fatalf("codice fiscale salvato %q", u.CodiceFiscale)
	}
	for _, nome := range []string{cfRossi, "rssmra85t10a562s", " RSSMRA85T10A562S", "Mario@Example.it"} {
		got, err := s.UtentePerIdentificativo(nome)
		if err != nil || got.ID != u.ID {
			t.Errorf("UtentePerIdentificativo(%q) = %+v, %v", nome, got, err)
		}
	}
	_, err := s.UtentePerCF("BNCLGU80A01H501X")
	codice(t, err, domain.ErrNonTrovato)
	_, err = s.UtentePerIdentificativo("nessuno@example.it")
	codice(t, err, domain.ErrNonTrovato)

	// Accounts without a codice fiscale (operators) do not collide.
	creaUtente(t, s, "op1@example.it", domain.RuoloOperatore)
	creaUtente(t, s, "op2@example.it", domain.RuoloOperatore)

	prima := istantanea(t, s)
	err = s.CreaUtente(&domain.Utente{Ruolo: domain.RuoloRichiedente, Email: "altro@example.it", CodiceFiscale: "rssmra85t10a562s"})
	codice(t, err, domain.ErrConflitto)
	invariato(t, s, prima)
	v := creaTitolare(t, s, "luigi@example.it", "BNCLGU80A01H501X")
	prima = istantanea(t, s)
	err = s.AggiornaUtente(v.ID, func(x *domain.Utente) error { x.CodiceFiscale = cfRossi; return nil })
	codice(t, err, domain.ErrConflitto)
	invariato(t, s, prima)

	// A codice fiscale that changes moves in the index.
	if err := s.AggiornaUtente(v.ID, func(x *domain.Utente) error { x.CodiceFiscale = "vrdgpp80a01h501y"; return nil }); err != nil {
		t.Fatal(err)
	}
	if got, err := s.UtentePerCF("VRDGPP80A01H501Y"); err != nil || got.ID != v.ID || got.CodiceFiscale != "VRDGPP80A01H501Y" {
		t.Errorf("dopo il cambio: %+v, %v", got, err)
	}
	_, err = s.UtentePerCF("BNCLGU80A01H501X")
	codice(t, err, domain.ErrNonTrovato)
	creaTitolare(t, s, "terzo@example.it", "BNCLGU80A01H501X") // free again
}

func TestEmettiAttivazioneSostituisceLaPrecedente(t *testing.T) {
	s := MustOpen(t)
	u := creaTitolare(t, s, "mario@example.it", cfRossi)
	vecchio1, vecchio2 := emetti(t, s, u.ID, t0)
	nuovo1, nuovo2 := emetti(t, s, u.ID, t0.Add(time.Hour))

	a, err := s.Attivazione(u.ID)
	if err != nil || !a.Creata.Equal(t0.Add(time.Hour)) || a.Motivo != "prova" || !a.Valida(t0.Add(2*time.Hour)) || a.Valida(t0.Add(74*time.Hour)) {
		t.Fatalf("Attivazione = %+v, %v", a, err)
	}
	_, err = s.IniziaAttivazione(cfRossi, vecchio1, vecchio2, "t1", t0.Add(2*time.Hour))
	codice(t, err, domain.ErrNonValido)
	if _, err := s.IniziaAttivazione(cfRossi, nuovo1, nuovo2, "t2", t0.Add(2*time.Hour)); err != nil {
		t.Fatalf("il codice nuovo non funziona: %v", err)
	}
	_, err = s.Attivazione(u.ID)
	codice(t, err, domain.ErrNonTrovato)

	_, err = s.Attivazione(999)
	codice(t, err, domain.ErrNonTrovato)
	err = s.EmettiAttivazione(store.Attivazione{UtenteID: 999, Parte1Hash: "a", Parte2Hash: "b", Creata: t0, Scade: t0.Add(time.Hour)}, store.EventoAudit{})
	codice(t, err, domain.ErrNonTrovato)
	if err := s.EmettiAttivazione(store.Attivazione{UtenteID: u.ID, Creata: t0, Scade: t0.Add(time.Hour)}, store.EventoAudit{}); err == nil {
		t.Error("EmettiAttivazione senza hash accettata")
	}
}

// Unknown codice fiscale, wrong parts, swapped parts and an expired code all
// get the same answer, and a refusal writes nothing.
func TestIniziaAttivazioneRispostaUnica(t *testing.T) {
	s := MustOpen(t)
	u := creaTitolare(t, s, "mario@example.it", cfRossi)
	p1, p2 := emetti(t, s, u.ID, t0)
	altro := creaTitolare(t, s, "luigi@example.it", "BNCLGU80A01H501X")
	q1, q2 := emetti(t, s, altro.ID, t0)
	now := t0.Add(time.Hour)

	prima := istantanea(t, s)
	var messaggi []string
	for _, tc := range []struct {
		nome, cf, p1, p2 string
		now              time.Time
	}{
		{"codice fiscale sconosciuto", "VRDGPP80A01H501Y", p1, p2, now},
		{"parte 1 sbagliata", cfRossi, q1, p2, now},
		{"parte 2 sbagliata", cfRossi, p1, q2, now},
		{"parti scambiate", cfRossi, p2, p1, now},
		{"codici di un altro", cfRossi, q1, q2, now},
		{"parti vuote", cfRossi, "", "", now},
		{"scaduto", cfRossi, p1, p2, t0.Add(72 * time.Hour)},
	} {
		_, err := s.IniziaAttivazione(tc.cf, tc.p1, tc.p2, "tok", tc.now)
		codice(t, err, domain.ErrNonValido)
		messaggi = append(messaggi, domain.MessaggioDi(err))
	}
	for _, m := range messaggi {
		if m != "Codice fiscale o codici di attivazione non validi o scaduti." {
			t.Errorf("messaggio %q", m)
		}
	}
	invariato(t, s, prima)

	// As a person types it: lower case, spaces, O for 0 and I/L for 1.
	digitato := func(c string) string {
		c = strings.ToLower(strings.ReplaceAll(c, "-", " "))
		return strings.NewReplacer("0", "o", "1", "l").Replace(c)
	}
	a, err := s.IniziaAttivazione(strings.ToLower(cfRossi), digitato(p1), digitato(p2), "tok", now)
	if err != nil || a.UtenteID != u.ID || a.Passo() != store.PassoPassword || !a.Scade.Equal(now.Add(store.DurataAttivazione)) {
		t.Fatalf("IniziaAttivazione = %+v, %v", a, err)
	}
	// Single use.
	_, err = s.IniziaAttivazione(cfRossi, p1, p2, "tok2", now)
	codice(t, err, domain.ErrNonValido)
}

func TestAttivazioneCompleta(t *testing.T) {
	s := MustOpen(t)
	u := creaTitolare(t, s, "mario@example.it", cfRossi)
	if err := s.AggiornaUtente(u.ID, func(x *domain.Utente) error {
		x.Abilitazioni = []domain.Abilitazione{{Profilo: domain.ProfiloMedicoEsterno, Dal: t0, RichiestaID: 3}}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreaSessione(store.Sessione{Hash: "vecchia", UtenteID: u.ID, Creata: t0}); err != nil {
		t.Fatal(err)
	}
	p1, p2 := emetti(t, s, u.ID, t0)

	// What the handler does, with the real TOTP and sealing.
	keyring, err := security.NewKeyring(bytes.Repeat([]byte{7}, security.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	key, err := security.NuovoTOTP("Abilita", cfRossi)
	if err != nil {
		t.Fatal(err)
	}
	sigillato, _ := keyring.Seal([]byte(key.Secret()), domain.ContestoSegretoTOTP(u.ID))

	now := t0.Add(time.Hour)
	tok := security.HashToken(security.NewToken())
	if _, err := s.IniziaAttivazione(cfRossi, p1, p2, tok, now); err != nil {
		t.Fatal(err)
	}
	fuoriOrdine := []func() error{
		func() error { _, err := s.ImpostaTOTPAttivazione(tok, sigillato, now); return err },
		func() error { _, err := s.ConfermaTOTPAttivazione(tok, 5, now); return err },
		func() error { _, err := s.AccettaRegoleAttivazione(tok, domain.VersioneRegole, now); return err },
		func() error {
			_, err := s.CompletaAttivazione(tok, []string{"h"}, now, store.EventoAudit{})
			return err
		},
	}
	prima := istantanea(t, s)
	for i, f := range fuoriOrdine {
		if err := f(); domain.CodiceDi(err) != domain.ErrConflitto {
			t.Errorf("passo %d prima della password: %v", i, err)
		}
	}
	invariato(t, s, prima)

	passi := func(a *store.AttivazioneInCorso, err error) store.PassoAttivazione {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return a.Passo()
	}
	now = now.Add(20 * time.Minute)
	if p := passi(s.ImpostaPasswordAttivazione(tok, "prima-scelta", now)); p != store.PassoTOTP {
		t.Fatalf("dopo la password: %s", p)
	}
	now = now.Add(20 * time.Minute) // 40 minutes after the start: each step extends the deadline
	if p := passi(s.ImpostaPasswordAttivazione(tok, "hash-password", now)); p != store.PassoTOTP {
		t.Fatalf("dopo la seconda password: %s", p)
	}
	_, err = s.ConfermaTOTPAttivazione(tok, 5, now)
	codice(t, err, domain.ErrConflitto) // no secret yet
	if p := passi(s.ImpostaTOTPAttivazione(tok, []byte("da sostituire"), now)); p != store.PassoTOTP {
		t.Fatalf("dopo il segreto: %s", p)
	}
	if p := passi(s.ImpostaTOTPAttivazione(tok, sigillato, now)); p != store.PassoTOTP {
		t.Fatalf("dopo il secondo segreto: %s", p)
	}

	// The handler opens the pending secret and checks the code typed.
	inCorso, err := s.AttivazioneInCorso(tok, now)
	if err != nil {
		t.Fatal(err)
	}
	segreto, err := keyring.Open(inCorso.SegretoTOTP, domain.ContestoSegretoTOTP(inCorso.UtenteID))
	if err != nil {
		t.Fatal(err)
	}
	code, _ := security.CodiceTOTP(string(segreto), now)
	passo, ok := security.VerificaTOTP(string(segreto), code, now, 0)
	if !ok {
		t.Fatal("codice di iscrizione rifiutato")
	}
	if p := passi(s.ConfermaTOTPAttivazione(tok, passo, now)); p != store.PassoRegole {
		t.Fatalf("dopo la conferma: %s", p)
	}
	for _, f := range []func() error{
		func() error { _, err := s.ImpostaTOTPAttivazione(tok, []byte("altro"), now); return err },
		func() error { _, err := s.ConfermaTOTPAttivazione(tok, passo+1, now); return err },
		func() error { _, err := s.ImpostaPasswordAttivazione(tok, "tardi", now); return err },
	} {
		codice(t, f(), domain.ErrConflitto)
	}
	if p := passi(s.AccettaRegoleAttivazione(tok, domain.VersioneRegole, now)); p != store.PassoRecupero {
		t.Fatalf("dopo le regole: %s", p)
	}
	if v, err := s.Utente(u.ID); err != nil || v.PasswordHash != "vecchia" || v.TOTP != nil || v.Regole != nil {
		t.Fatalf("l'account è cambiato prima della fine: %+v, %v", v, err)
	}

	codici := security.CodiciRecupero(10)
	hashes := make([]string, len(codici))
	for i, c := range codici {
		hashes[i] = security.HashToken(security.NormalizeCode(c))
	}
	got, err := s.CompletaAttivazione(tok, hashes, now, store.EventoAudit{Quando: now, IP: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := s.Utente(u.ID)
	for _, v := range []*domain.Utente{got, stored} {
		switch {
		case v.PasswordHash != "hash-password" || !v.PasswordCambiata.Equal(now):
			t.Errorf("password: %q, cambiata %v", v.PasswordHash, v.PasswordCambiata)
		case v.TOTP == nil || !bytes.Equal(v.TOTP.SegretoCifrato, sigillato) || v.TOTP.UltimoPasso != passo || !v.TOTP.Attivato.Equal(now):
			t.Errorf("TOTP: %+v", v.TOTP)
		case v.Regole == nil || v.Regole.Versione != domain.VersioneRegole || v.Regole.Quando.IsZero():
			t.Errorf("regole: %+v", v.Regole)
		case len(v.CodiciRecupero) != 10 || v.CodiciRecupero[0] != hashes[0]:
			t.Errorf("codici di recupero: %v", v.CodiciRecupero)
		case !v.Abilitazioni[0].Attivata.Equal(now) || !v.RichiedeTOTP() || v.DeveAttivare():
			t.Errorf("abilitazioni: %+v", v.Abilitazioni)
		}
	}
	if _, err := s.Sessione("vecchia"); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("la sessione aperta prima dell'attivazione è rimasta: %v", err)
	}
	_, err = s.AttivazioneInCorso(tok, now)
	codice(t, err, domain.ErrNonValido)
	_, err = s.CompletaAttivazione(tok, hashes, now, store.EventoAudit{})
	codice(t, err, domain.ErrNonValido)
	ev, _ := s.EventiAudit(store.FiltroAudit{Chi: u.ID})
	if len(ev) != 1 || ev[0].Azione != store.AuditCredenziali || ev[0].IP != "192.0.2.1" {
		t.Errorf("audit: %+v", ev)
	}

	// The enrolment code cannot log in; the next one can.
	err = s.ApriSessioneConTOTP(store.Sessione{Hash: "s1", UtenteID: u.ID, Creata: now}, passo)
	codice(t, err, domain.ErrConflitto)
	if err := s.ApriSessioneConTOTP(store.Sessione{Hash: "s2", UtenteID: u.ID, Creata: now}, passo+1); err != nil {
		t.Fatal(err)
	}
}

func TestAttivazioneInCorsoScade(t *testing.T) {
	s := MustOpen(t)
	u := creaTitolare(t, s, "mario@example.it", cfRossi)
	p1, p2 := emetti(t, s, u.ID, t0)
	if _, err := s.IniziaAttivazione(cfRossi, p1, p2, "tok", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AttivazioneInCorso("tok", t0.Add(store.DurataAttivazione-time.Second)); err != nil {
		t.Fatal(err)
	}
	_, err := s.ImpostaPasswordAttivazione("tok", "h", t0.Add(store.DurataAttivazione))
	codice(t, err, domain.ErrNonValido)
	_, err = s.AttivazioneInCorso("sconosciuto", t0)
	codice(t, err, domain.ErrNonValido)
}

// Re-issuing, suspending and revoking stop an activation in progress.
func TestAttivazioneInCorsoInterrotta(t *testing.T) {
	s := MustOpen(t)
	u := creaTitolare(t, s, "mario@example.it", cfRossi)
	p1, p2 := emetti(t, s, u.ID, t0)
	if _, err := s.IniziaAttivazione(cfRossi, p1, p2, "tok", t0); err != nil {
		t.Fatal(err)
	}
	emetti(t, s, u.ID, t0)
	_, err := s.ImpostaPasswordAttivazione("tok", "h", t0)
	codice(t, err, domain.ErrNonValido)

	p1, p2 = emetti(t, s, u.ID, t0)
	if _, err := s.IniziaAttivazione(cfRossi, p1, p2, "tok", t0); err != nil {
		t.Fatal(err)
	}
	if err := s.ImpostaSospensione(u.ID, true, store.EventoAudit{}); err != nil {
		t.Fatal(err)
	}
	_, err = s.ImpostaPasswordAttivazione("tok", "h", t0)
	codice(t, err, domain.ErrNonAmmesso)
	if err := s.ImpostaSospensione(u.ID, false, store.EventoAudit{}); err != nil {
		t.Fatal(err)
	}

	// A suspended account cannot start one either.
	p1, p2 = emetti(t, s, u.ID, t0)
	if err := s.ImpostaSospensione(u.ID, true, store.EventoAudit{}); err != nil {
		t.Fatal(err)
	}
	_, err = s.IniziaAttivazione(cfRossi, p1, p2, "tok2", t0)
	codice(t, err, domain.ErrNonAmmesso)
}

// approvabile returns a request of sede MI in charge of operator 99.
func approvabile(tb testing.TB, s *store.Store, richiedente uint64, modifica func(*domain.Richiesta)) *domain.Richiesta {
	tb.Helper()
	r := creaBozza(tb, s, richiedente, "MI")
	if modifica != nil {
		if _, err := s.AggiornaRichiesta(r.ID, t0, func(x *domain.Richiesta) error { modifica(x); return nil }); err != nil {
			tb.Fatal(err)
		}
	}
	esegui(tb, s, r.ID, domain.AzioneInvia, t0)
	return esegui(tb, s, r.ID, domain.AzionePrendiInCarico, t0)
}

func emissione(p1, p2 string) *store.Emissione {
	return &store.Emissione{Parte1Hash: security.HashToken(p1), Parte2Hash: security.HashToken(p2), Scade: t0.Add(73 * time.Hour)}
}

func TestApprovazioneAggiornaLAccountEsistente(t *testing.T) {
	s := MustOpen(t)
	u := creaTitolare(t, s, "mario.rossi@example.it", cfRossi)
	r := approvabile(t, s, u.ID, nil)
	quando := t0.Add(time.Hour)
	em := emissione("PARTE1", "PARTE2")
	em.SigillaParte2 = func(id uint64) ([]byte, error) {
		return []byte("sigillata per " + string(domain.ContestoParte2(id))), nil
	}
	var vistoDaPrepare uint64
	got, err := s.Esegui(r.ID, store.Transizione{
		Azione: domain.AzioneApprova, Chi: 99, Quando: quando, Credenziali: em, Audit: &store.EventoAudit{Quando: quando, Chi: 99, Azione: store.AuditDecisione, IP: "192.0.2.9"},
		Prepare: func(*domain.Richiesta) ([]notify.Message, error) { vistoDaPrepare = em.UtenteID; return nil, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if em.UtenteID != u.ID || em.NuovoAccount || em.Email != "mario.rossi@example.it" || vistoDaPrepare != u.ID {
		t.Fatalf("Emissione = %+v, vista da Prepare %d", em, vistoDaPrepare)
	}
	v, _ := s.Utente(u.ID)
	want := domain.Abilitazione{Profilo: domain.ProfiloMedicoEsterno, CodiceMedico: got.Esito.CodiceMedico, Sede: "MI", Dal: quando, RichiestaID: r.ID}
	if len(v.Abilitazioni) != 1 || v.Abilitazioni[0] != want || got.Esito.CodiceMedico == "" || v.PasswordHash != "vecchia" {
		t.Fatalf("abilitazioni %+v, want %+v", v.Abilitazioni, want)
	}
	if v.RichiedeTOTP() {
		t.Error("prima dell'attivazione l'utente generico deve poter entrare con la password per leggere la parte 2")
	}
	a, err := s.Attivazione(u.ID)
	if err != nil || a.RichiestaID != r.ID || !a.Scade.Equal(em.Scade) || !strings.Contains(a.Motivo, got.Protocollo) || string(a.Parte2Cifrata) != "sigillata per "+string(domain.ContestoParte2(u.ID)) {
		t.Fatalf("Attivazione = %+v, %v", a, err)
	}
	ev, _ := s.EventiAudit(store.FiltroAudit{Richiesta: r.ID})
	if len(ev) < 2 || ev[1].Azione != store.AuditCredenziali || ev[1].IP != "192.0.2.9" || ev[0].Azione != store.AuditDecisione {
		t.Errorf("audit: %+v", ev)
	}

	attivato := attiva(t, s, cfRossi, "parte1", "parte2", 100, quando)
	if attivato.Abilitazioni[0].Attivata.IsZero() {
		t.Fatal("abilitazione non attivata")
	}
	// A variation of the same profile replaces it and stays activated.
	r2 := approvabile(t, s, u.ID, func(x *domain.Richiesta) { x.Tipo = domain.TipoVariazione })
	if _, err := s.Esegui(r2.ID, store.Transizione{Azione: domain.AzioneApprova, Chi: 99, Quando: quando, Credenziali: emissione("A", "B")}); err != nil {
		t.Fatal(err)
	}
	v, _ = s.Utente(u.ID)
	if len(v.Abilitazioni) != 1 || v.Abilitazioni[0].RichiestaID != r2.ID || v.Abilitazioni[0].Attivata.IsZero() || !v.RichiedeTOTP() {
		t.Errorf("dopo la variazione: %+v", v.Abilitazioni)
	}
}

func TestApprovazioneCreaLAccountAlloSportello(t *testing.T) {
	s := MustOpen(t)
	creaTitolare(t, s, "altro@example.it", "BNCLGU80A01H501X")
	r := approvabile(t, s, 99, func(x *domain.Richiesta) {
		x.Percorso, x.Profilo = domain.PercorsoSportello, domain.ProfiloReferentePresidio
		x.Anagrafica.CodiceFiscale = "vrdgpp80a01h501y"
		x.Anagrafica.Cognome, x.Anagrafica.Nome = "Verdi", "Giuseppe"
		x.Contatti.Email = "G.Verdi@Example.it"
		x.Struttura = domain.Struttura{Denominazione: "Ospedale", Codice: "030001"}
	})
	em := emissione("P1", "P2")
	if _, err := s.Esegui(r.ID, store.Transizione{Azione: domain.AzioneApprova, Chi: 99, Quando: t0, Credenziali: em}); err != nil {
		t.Fatal(err)
	}
	u, err := s.UtentePerCF("VRDGPP80A01H501Y")
	if err != nil || u.ID != em.UtenteID || !em.NuovoAccount || em.Email != "g.verdi@example.it" {
		t.Fatalf("UtentePerCF = %+v, %v; Emissione %+v", u, err, em)
	}
	if u.Ruolo != domain.RuoloRichiedente || u.PasswordHash != "" || u.Attivo() || u.Cognome != "Verdi" || !u.Creato.Equal(t0) {
		t.Errorf("account nuovo: %+v", u)
	}
	if ab := u.Abilitazioni; len(ab) != 1 || ab[0].Profilo != domain.ProfiloReferentePresidio || ab[0].CodiceStruttura != "030001" || ab[0].CodiceMedico != "" {
		t.Errorf("abilitazioni: %+v", ab)
	}
	if byEmail, err := s.UtentePerEmail("g.verdi@example.it"); err != nil || byEmail.ID != u.ID {
		t.Errorf("UtentePerEmail = %+v, %v", byEmail, err)
	}
	// Activating verifies the e-mail that received part 1.
	if v := attiva(t, s, "VRDGPP80A01H501Y", "P1", "P2", 7, t0); !v.Verificato() || !v.Attivo() || v.DeveAttivare() {
		t.Errorf("dopo l'attivazione: %+v", v)
	}
}

// When the approval is refused, or the credentials cannot be issued, nothing
// is written: no account, no code, no state change.
func TestApprovazioneRifiutataNonEmetteNulla(t *testing.T) {
	s := MustOpen(t)
	creaTitolare(t, s, "occupata@example.it", "BNCLGU80A01H501X")
	revocato := creaTitolare(t, s, "revocato@example.it", "VRDGPP80A01H501Y")
	if err := s.Revoca(revocato.ID, store.EventoAudit{}); err != nil {
		t.Fatal(err)
	}
	r := approvabile(t, s, 99, func(x *domain.Richiesta) { x.Percorso = domain.PercorsoSportello })
	revoca := approvabile(t, s, 99, func(x *domain.Richiesta) { x.Tipo = domain.TipoRevoca })
	for _, tc := range []struct {
		nome   string
		id     uint64
		t      store.Transizione
		codice domain.Codice
	}{
		{"Check rifiuta", r.ID, store.Transizione{Check: func(*domain.Richiesta) error { return domain.Conflitto("no") }}, domain.ErrConflitto},
		{"Prepare fallisce", r.ID, store.Transizione{Prepare: func(*domain.Richiesta) ([]notify.Message, error) { return nil, domain.Conflitto("no") }}, domain.ErrConflitto},
		{"e-mail di un altro account", r.ID, store.Transizione{Check: func(x *domain.Richiesta) error { x.Contatti.Email = "occupata@example.it"; return nil }}, domain.ErrConflitto},
		{"account revocato", r.ID, store.Transizione{Check: func(x *domain.Richiesta) error { x.Anagrafica.CodiceFiscale = "VRDGPP80A01H501Y"; return nil }}, domain.ErrConflitto},
		{"senza codice fiscale", r.ID, store.Transizione{Check: func(x *domain.Richiesta) error { x.Anagrafica.CodiceFiscale = ""; return nil }}, domain.ErrConflitto},
		{"richiesta di revoca", revoca.ID, store.Transizione{}, domain.ErrConflitto},
		{"sigillo fallito", r.ID, store.Transizione{Check: func(*domain.Richiesta) error { return nil }}, domain.ErrInterno},
		{"non un'approvazione", r.ID, store.Transizione{Azione: domain.AzioneRespingi}, domain.ErrInterno},
	} {
		t.Run(tc.nome, func(t *testing.T) {
			prima := istantanea(t, s)
			tc.t.Chi, tc.t.Quando, tc.t.Credenziali = 99, t0, emissione("P1", "P2")
			if tc.t.Azione == "" {
				tc.t.Azione = domain.AzioneApprova
			}
			if tc.nome == "sigillo fallito" {
				tc.t.Credenziali.SigillaParte2 = func(uint64) ([]byte, error) { return nil, security.ErrOpen }
			}
			_, err := s.Esegui(tc.id, tc.t)
			if domain.CodiceDi(err) != tc.codice || err == nil {
				t.Fatalf("Esegui = %v, want codice %s", err, tc.codice)
			}
			invariato(t, s, prima)
		})
	}
	if _, err := s.UtentePerCF(cfRossi); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("account creato da un'approvazione rifiutata: %v", err)
	}
}

// Operators and administrators have no codice fiscale: they activate with
// their e-mail.
func TestAttivazioneOperatorePerEmail(t *testing.T) {
	s := MustOpen(t)
	op := &domain.Utente{Ruolo: domain.RuoloOperatore, Email: "op@example.it", Sede: "MI", Creato: t0}
	if err := s.CreaUtente(op); err != nil {
		t.Fatal(err)
	}
	if op.Attivo() || !op.DeveAttivare() {
		t.Fatalf("operatore appena creato: %+v", op)
	}
	p1, p2 := emetti(t, s, op.ID, t0)
	v := attiva(t, s, " OP@Example.it ", p1, p2, 42, t0)
	if !v.Attivo() || v.DeveAttivare() || v.TOTP.UltimoPasso != 42 || v.Sede != "MI" {
		t.Errorf("operatore attivato: %+v", v)
	}
}
