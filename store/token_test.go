package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/store"
)

// registrazione is the sign-up of p with the verification link hash, valid
// for durata from t0.
func registrazione(p persona, hash string, durata time.Duration) store.Registrazione {
	return store.Registrazione{
		Utente:        domain.Utente{Email: p.Email(), CodiceFiscale: p.CF(), Cognome: p.Cognome, Nome: p.Nome, PasswordHash: "h"},
		TokenHash:     hash,
		Scade:         t0.Add(durata),
		Verifica:      domain.Messaggio{To: []string{p.Email()}, Subject: "Conferma il tuo indirizzo e-mail"},
		GiaRegistrato: domain.Messaggio{To: []string{p.Email()}, Subject: "Hai già un account Abilita"},
	}
}

// registra signs p up at t0 and returns its account.
func registra(tb testing.TB, s *store.Store, p persona, hash string, durata time.Duration) *domain.Utente {
	tb.Helper()
	if creato, err := s.Registra(atto(0, t0), registrazione(p, hash, durata)); err != nil || !creato {
		tb.Fatalf("Registra = %v, %v", creato, err)
	}
	u, err := s.UtentePerEmail(p.Email())
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// chiediReset asks at quando a password reset for email, and composes its
// e-mail as the mail worker would, with link hash valid for durata.
func chiediReset(tb testing.TB, s *store.Store, email, hash string, quando time.Time, durata time.Duration) (ok bool) {
	tb.Helper()
	if err := s.ChiediReset(atto(0, quando), email); err != nil {
		tb.Fatal(err)
	}
	pag, err := s.Posta(store.QueryPosta{PerPag: 1})
	if err != nil || len(pag.Notifiche) != 1 || pag.Notifiche[0].Messaggio.Modello != domain.ModelloReimpostaPassword {
		tb.Fatalf("queued: %+v, %v", pag.Notifiche, err)
	}
	_, ok, err = s.PreparaReset(pag.Notifiche[0].ID, hash, quando, quando.Add(durata))
	if err != nil {
		tb.Fatal(err)
	}
	return ok
}

func valido(s *store.Store, hash string, scopo domain.Scopo, now time.Time) bool {
	_, err := s.TokenValido(hash, scopo, now)
	return err == nil
}

func TestTokenValido(t *testing.T) {
	s := MustOpen(t)
	u := richiedente(t, s, rossi)
	chiediReset(t, s, u.Email, "h1", t0, time.Hour)
	tok, err := s.TokenValido("h1", domain.ScopoResetPassword, t0)
	if err != nil || tok.UtenteID != u.ID || tok.Scopo != domain.ScopoResetPassword || !tok.Scade.Equal(t0.Add(time.Hour)) || !tok.Creato.Equal(t0) {
		t.Fatalf("TokenValido = %+v, %v", tok, err)
	}
	for _, tt := range []struct {
		nome  string
		hash  string
		scopo domain.Scopo
		now   time.Time
		ok    bool
	}{
		{"appena prima della scadenza", "h1", domain.ScopoResetPassword, t0.Add(time.Hour - time.Nanosecond), true},
		{"alla scadenza", "h1", domain.ScopoResetPassword, t0.Add(time.Hour), false},
		{"dopo la scadenza", "h1", domain.ScopoResetPassword, t0.Add(2 * time.Hour), false},
		{"altro scopo", "h1", domain.ScopoVerificaEmail, t0, false},
		{"altro scopo: setup", "h1", domain.ScopoSetupAdmin, t0, false},
		{"hash sconosciuto", "h2", domain.ScopoResetPassword, t0, false},
	} {
		_, err := s.TokenValido(tt.hash, tt.scopo, tt.now)
		if tt.ok && err != nil {
			t.Errorf("%s: %v", tt.nome, err)
		}
		if !tt.ok && domain.CodiceDi(err) != domain.ErrNonValido {
			t.Errorf("%s: %v, want non valido", tt.nome, err)
		}
	}
}

// Registra writes the account, its verification link and the e-mail that
// carries it together; for an address or codice fiscale already registered
// it writes the warning and nothing else.
func TestRegistra(t *testing.T) {
	s := MustOpen(t)
	svegliato := sveglie(s)
	reg := registrazione(rossi, "verifica", 48*time.Hour)
	reg.Utente.Email, reg.Utente.CodiceFiscale = " Mario.Rossi@Example.it ", strings.ToLower(rossi.CF())
	creato, err := s.Registra(store.Atto{Quando: t0, IP: "192.0.2.7"}, reg)
	if err != nil || !creato {
		t.Fatalf("Registra = %v, %v", creato, err)
	}
	u, err := s.UtentePerEmail(rossi.Email())
	if err != nil || u.Ruolo != domain.RuoloRichiedente || u.CodiceFiscale != rossi.CF() || u.PasswordHash != "h" || u.Verificato() || !u.Creato.Equal(t0) {
		t.Fatalf("account: %+v, %v", u, err)
	}
	if tok, err := s.TokenValido("verifica", domain.ScopoVerificaEmail, t0); err != nil || tok.UtenteID != u.ID || !tok.Scade.Equal(t0.Add(48*time.Hour)) {
		t.Errorf("collegamento di verifica: %+v, %v", tok, err)
	}
	pag, _ := s.Posta(store.QueryPosta{})
	if len(pag.Notifiche) != 1 || pag.Notifiche[0].Messaggio.Subject != reg.Verifica.Subject || pag.Notifiche[0].Sede != "" {
		t.Errorf("posta: %+v", pag.Notifiche)
	}
	ev, _ := s.EventiAudit(store.FiltroAudit{})
	if len(ev) != 1 || ev[0].Chi != u.ID || ev[0].Azione != domain.AuditRegistrazione || ev[0].IP != "192.0.2.7" {
		t.Errorf("audit: %+v", ev)
	}
	if n := svegliato.Load(); n != 1 {
		t.Errorf("worker svegliato %d volte, want 1", n)
	}

	for _, tc := range []struct {
		nome      string
		email, cf string
	}{
		{"e-mail già registrata", "MARIO.ROSSI@example.it", verdi.CF()},
	} {
		t.Run(tc.nome, func(t *testing.T) {
			prima := istantanea(t, s)
			reg := registrazione(verdi, "secondo", 48*time.Hour)
			reg.Utente.Email, reg.Utente.CodiceFiscale = tc.email, tc.cf
			creato, err := s.Registra(atto(0, t0), reg)
			if err != nil || creato {
				t.Fatalf("Registra = %v, %v; want nessun account", creato, err)
			}
			if got := cambiati(t, s, prima); !slices.Equal(got, bucketPosta) {
				t.Errorf("scritti %v, want solo l'avviso %v", got, bucketPosta)
			}
			pag, _ := s.Posta(store.QueryPosta{PerPag: 1})
			if len(pag.Notifiche) != 1 || pag.Notifiche[0].Messaggio.Subject != reg.GiaRegistrato.Subject {
				t.Errorf("posta: %+v", pag.Notifiche)
			}
		})
	}

	// A codice fiscale typed by someone else claims nothing: another
	// address registers with it, and nobody is warned.
	stesso := registrazione(verdi, "terzo", 48*time.Hour)
	stesso.Utente.CodiceFiscale = " " + strings.ToLower(rossi.CF())
	if creato, err := s.Registra(atto(0, t0), stesso); err != nil || !creato {
		t.Fatalf("Registra with a codice fiscale already typed = %v, %v", creato, err)
	}
	pag, _ = s.Posta(store.QueryPosta{PerPag: 1})
	if len(pag.Notifiche) != 1 || pag.Notifiche[0].Messaggio.Subject != stesso.Verifica.Subject {
		t.Errorf("posta: %+v", pag.Notifiche)
	}

	// The link cannot be stored: no account either.
	prima := istantanea(t, s)
	if _, err := s.Registra(atto(0, t0), registrazione(bianchi, "", 48*time.Hour)); err == nil {
		t.Fatal("registrazione senza collegamento di verifica accettata")
	}
	invariato(t, s, prima)
}

func TestReinviaVerifica(t *testing.T) {
	s := MustOpen(t)
	u := registra(t, s, rossi, "v1", time.Hour)
	quando := t0.Add(30 * time.Minute)
	m := domain.Messaggio{To: []string{u.Email}, Subject: "Nuovo collegamento di verifica"}
	if err := s.ReinviaVerifica(atto(u.ID, quando), "v2", quando.Add(time.Hour), m); err != nil {
		t.Fatal(err)
	}
	if valido(s, "v1", domain.ScopoVerificaEmail, quando) || !valido(s, "v2", domain.ScopoVerificaEmail, quando.Add(59*time.Minute)) {
		t.Error("il nuovo collegamento deve sostituire il precedente")
	}
	if pag, _ := s.Posta(store.QueryPosta{PerPag: 1}); len(pag.Notifiche) != 1 || pag.Notifiche[0].Messaggio.Subject != m.Subject {
		t.Errorf("posta: %+v", pag.Notifiche)
	}
	if _, err := s.VerificaEmail("v2", quando); err != nil {
		t.Fatal(err)
	}
	prima := istantanea(t, s)
	if err := s.ReinviaVerifica(atto(u.ID, quando), "v3", quando.Add(time.Hour), m); err != nil {
		t.Fatal(err)
	}
	invariato(t, s, prima)
}

func TestVerificaEmailUnaVolta(t *testing.T) {
	s := MustOpen(t)
	u := registra(t, s, rossi, "v1", time.Hour)
	quando := t0.Add(10 * time.Minute)
	got, err := s.VerificaEmail("v1", quando)
	if err != nil || got.ID != u.ID || !got.EmailVerificata.Equal(quando) {
		t.Fatalf("VerificaEmail = %+v, %v", got, err)
	}
	if x, _ := s.Utente(u.ID); !x.Verificato() {
		t.Fatal("l'e-mail non risulta verificata nel database")
	}
	_, err = s.VerificaEmail("v1", quando)
	codice(t, err, domain.ErrNonValido)
}

func TestVerificaEmailRifiutata(t *testing.T) {
	s := MustOpen(t)
	u := registra(t, s, rossi, "scaduto", time.Hour)
	chiediReset(t, s, u.Email, "reset", t0, 5*time.Hour)
	prima := istantanea(t, s)
	_, err := s.VerificaEmail("scaduto", t0.Add(time.Hour))
	codice(t, err, domain.ErrNonValido)
	_, err = s.VerificaEmail("reset", t0)
	codice(t, err, domain.ErrNonValido)
	invariato(t, s, prima)
	if !valido(s, "reset", domain.ScopoResetPassword, t0) {
		t.Error("un collegamento usato per lo scopo sbagliato non deve essere consumato")
	}
}

// ChiediReset queues the same message whatever the address; composing it
// makes a link only for an account that may use it, and otherwise drops
// the message.
func TestChiediReset(t *testing.T) {
	s := MustOpenConSedi(t)
	u := registra(t, s, rossi, "verifica", time.Hour)
	op := creaOperatore(t, s, "op.pi@example.it", "PI")
	sospeso := titolare(t, s, verdi, "PI")
	revocato := titolare(t, s, bianchi, "PI")
	if _, err := s.Sospendi(atto(op.ID, t0), sospeso.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Revoca(atto(op.ID, t0), revocato.ID, "prova"); err != nil {
		t.Fatal(err)
	}
	svegliato := sveglie(s)
	prima := istantanea(t, s)
	for _, email := range []string{"nessuno@example.it", sospeso.Email, revocato.Email} {
		if chiediReset(t, s, email, "r-"+email, t0, time.Hour) {
			t.Errorf("a link for %q", email)
		}
	}
	// Asking wrote the message, composing removed it: only the outbox's
	// sequence moved on.
	if got := cambiati(t, s, prima); !slices.Equal(got, []string{"outbox"}) {
		t.Errorf("written %v, want only the outbox's sequence", got)
	}
	if pag, _ := s.Posta(store.QueryPosta{}); len(pag.Notifiche) != 1 {
		t.Errorf("messages left for nobody: %+v", pag.Notifiche)
	}
	if n := svegliato.Load(); n != 3 {
		t.Errorf("worker svegliato %d volte, want 3: each request is queued the same", n)
	}

	for _, h := range []string{"r1", "r2"} {
		if !chiediReset(t, s, " MARIO.Rossi@example.it", h, t0, time.Hour) {
			t.Fatal("no link for a registered address")
		}
	}
	if valido(s, "r1", domain.ScopoResetPassword, t0) || !valido(s, "r2", domain.ScopoResetPassword, t0) || !valido(s, "verifica", domain.ScopoVerificaEmail, t0) {
		t.Error("un nuovo collegamento deve sostituire il precedente dello stesso scopo, e solo quello")
	}
	pag, _ := s.Posta(store.QueryPosta{PerPag: 1})
	if len(pag.Notifiche) != 1 || !slices.Equal(pag.Notifiche[0].Messaggio.To, []string{u.Email}) {
		t.Errorf("messaggio: %+v, want all'indirizzo dell'account", pag.Notifiche)
	}
	if ev, _ := s.EventiAudit(store.FiltroAudit{Chi: u.ID, Limite: 1}); len(ev) != 1 || !strings.Contains(ev[0].Dettaglio, "reimpostazione della password") {
		t.Errorf("audit: %+v", ev)
	}
}

func TestReimpostaPassword(t *testing.T) {
	s := MustOpen(t)
	u := registra(t, s, rossi, "verifica", time.Hour)
	altro := registra(t, s, verdi, "verifica2", time.Hour)
	entra(t, s, u.ID, "s1", firefox, t0)
	entra(t, s, u.ID, "s2", chrome, t0)
	entra(t, s, altro.ID, "s3", firefox, t0)
	chiediReset(t, s, u.Email, "r1", t0, time.Hour)

	quando := t0.Add(time.Minute)
	got, err := s.ReimpostaPassword(atto(0, quando), "r1", "$argon2id$nuovo")
	if err != nil {
		t.Fatal(err)
	}
	if got.PasswordHash != "$argon2id$nuovo" || !got.EmailVerificata.Equal(quando) || !got.PasswordCambiata.Equal(quando) {
		t.Errorf("ReimpostaPassword = %+v", got)
	}
	if x, _ := s.Utente(u.ID); x.PasswordHash != "$argon2id$nuovo" {
		t.Errorf("hash salvato = %q", x.PasswordHash)
	}
	for _, h := range []string{"s1", "s2"} {
		if _, _, err := s.SessioneAttiva(h); domain.CodiceDi(err) != domain.ErrNonTrovato {
			t.Errorf("la sessione %s è sopravvissuta al cambio di password: %v", h, err)
		}
	}
	if ss, _, err := s.SessioneAttiva("s3"); err != nil || ss.UtenteID != altro.ID {
		t.Errorf("la sessione di un altro utente è stata chiusa: %+v, %v", ss, err)
	}
	if ev, _ := s.EventiAudit(store.FiltroAudit{Chi: u.ID, Limite: 1}); len(ev) != 1 || ev[0].Azione != domain.AuditAccount {
		t.Errorf("audit: %+v", ev)
	}

	prima := istantanea(t, s)
	_, err = s.ReimpostaPassword(atto(0, quando), "r1", "$argon2id$terzo")
	codice(t, err, domain.ErrNonValido)
	_, err = s.ReimpostaPassword(atto(0, quando), "verifica2", "$argon2id$terzo")
	codice(t, err, domain.ErrNonValido)
	invariato(t, s, prima)
}

func TestReimpostaPasswordNonVerificaDueVolte(t *testing.T) {
	s := MustOpen(t)
	u := registra(t, s, rossi, "v", time.Hour)
	if _, err := s.VerificaEmail("v", t0); err != nil {
		t.Fatal(err)
	}
	chiediReset(t, s, u.Email, "r", t0, time.Hour)
	got, err := s.ReimpostaPassword(atto(0, t0.Add(time.Minute)), "r", "h")
	if err != nil || !got.EmailVerificata.Equal(t0) {
		t.Fatalf("la prima verifica va conservata: %+v, %v", got, err)
	}
}

func TestNuovoTokenAnnullaIlPrecedente(t *testing.T) {
	s := MustOpen(t)
	u := registra(t, s, rossi, "verifica", time.Hour)
	altro := richiedente(t, s, verdi)
	chiediReset(t, s, u.Email, "vecchio", t0, time.Hour)
	chiediReset(t, s, altro.Email, "altrui", t0, time.Hour)
	chiediReset(t, s, u.Email, "nuovo", t0.Add(time.Minute), time.Hour)

	now := t0.Add(2 * time.Minute)
	if valido(s, "vecchio", domain.ScopoResetPassword, now) {
		t.Error("il collegamento precedente dello stesso utente e scopo funziona ancora")
	}
	for _, h := range []struct {
		hash  string
		scopo domain.Scopo
	}{{"nuovo", domain.ScopoResetPassword}, {"verifica", domain.ScopoVerificaEmail}, {"altrui", domain.ScopoResetPassword}} {
		if !valido(s, h.hash, h.scopo, now) {
			t.Errorf("il collegamento %q non deve essere toccato", h.hash)
		}
	}
}

// TestNuovoTokenDopoTokenScaduti puts expired links right before, in key
// order, the link the new one replaces: the clean-up deletes both, and must
// not step over the second.
func TestNuovoTokenDopoTokenScaduti(t *testing.T) {
	for _, scaduti := range []int{1, 2, 5} {
		t.Run(fmt.Sprint(scaduti), func(t *testing.T) {
			s := MustOpen(t)
			for i := range scaduti {
				p := persona{Cognome: "Scaduto", Nome: "Utente"}
				reg := registrazione(p, fmt.Sprintf("a%02d", i), time.Minute)
				reg.Utente.Email, reg.Utente.CodiceFiscale = fmt.Sprintf("scaduto%d@example.it", i), ""
				if creato, err := s.Registra(atto(0, t0), reg); err != nil || !creato {
					t.Fatal(creato, err)
				}
			}
			u := richiedente(t, s, rossi)
			chiediReset(t, s, u.Email, "b-vecchio", t0, 24*time.Hour)
			chiediReset(t, s, u.Email, "c-nuovo", t0.Add(time.Hour), 24*time.Hour)

			now := t0.Add(2 * time.Hour)
			if valido(s, "b-vecchio", domain.ScopoResetPassword, now) {
				t.Error("il collegamento precedente funziona ancora dopo che ne è stato creato uno nuovo")
			}
			if !valido(s, "c-nuovo", domain.ScopoResetPassword, now) {
				t.Error("il collegamento nuovo non funziona")
			}
			if m := istantanea(t, s)["token"]; len(m) != 2 { // "#sequence" and c-nuovo
				t.Errorf("restano %d collegamenti, want solo quello nuovo: %v", len(m)-1, m)
			}
			if p, err := s.Controlla(); err != nil || len(p) > 0 {
				t.Errorf("Controlla = %q, %v", p, err)
			}
		})
	}
}

// primoAmministratore is what the set-up page gathers for Anna Bianchi.
func primoAmministratore() store.PrimoAmministratore {
	return store.PrimoAmministratore{
		Utente:       domain.Utente{Email: "Admin@Example.it", Cognome: "Bianchi", Nome: "Anna", Ruolo: domain.RuoloRichiedente},
		PasswordHash: "hash-admin", AttivazioneHash: "attivazione-admin", Segreto: []byte("segreto in attivazione"),
	}
}

func TestPrimoAmministratore(t *testing.T) {
	s := MustOpen(t)
	if creato, err := s.NuovoCollegamentoConfigurazione("setup", t0, t0.Add(time.Hour)); err != nil || !creato {
		t.Fatalf("NuovoCollegamentoConfigurazione = %v, %v", creato, err)
	}
	if creato, err := s.NuovoCollegamentoConfigurazione("setup2", t0, t0.Add(time.Hour)); err != nil || !creato {
		t.Fatalf("NuovoCollegamentoConfigurazione = %v, %v", creato, err)
	}
	quando := t0.Add(time.Minute)
	admin, err := s.ConfiguraPrimoAmministratore(atto(0, quando), "setup", primoAmministratore())
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.UtentePerEmail("admin@example.it")
	if err != nil || got.ID != admin.ID || got.Ruolo != domain.RuoloAmministratore || !got.Verificato() || !got.Creato.Equal(quando) || !got.DeveAttivare() {
		t.Fatalf("amministratore = %+v, %v", got, err)
	}
	// Like every administrator it enrols an authenticator before it logs in:
	// its activation starts past the password.
	a, v, err := s.AttivazioneInCorso("attivazione-admin", quando)
	if err != nil || v.ID != admin.ID || a.Passo() != domain.PassoTOTP || a.PasswordHash != "hash-admin" {
		t.Fatalf("AttivazioneInCorso = %+v, %+v, %v", a, v, err)
	}
	if ev, _ := s.EventiAudit(store.FiltroAudit{Chi: admin.ID}); len(ev) != 1 || ev[0].Azione != domain.AuditAccount {
		t.Errorf("audit: %+v", ev)
	}

	// The same link again, a link made before and a new one: all refused
	// once an administrator exists.
	_, err = s.ConfiguraPrimoAmministratore(atto(0, quando), "setup", primoAmministratore())
	codice(t, err, domain.ErrNonValido)
	prima := istantanea(t, s)
	p := primoAmministratore()
	p.Utente.Email, p.AttivazioneHash = "secondo@example.it", "altra"
	_, err = s.ConfiguraPrimoAmministratore(atto(0, quando), "setup2", p)
	codice(t, err, domain.ErrConflitto)
	if creato, err := s.NuovoCollegamentoConfigurazione("setup3", quando, quando.Add(time.Hour)); err != nil || creato {
		t.Errorf("NuovoCollegamentoConfigurazione con un amministratore = %v, %v", creato, err)
	}
	invariato(t, s, prima)

	if _, err := s.ConfermaTOTPAttivazione("attivazione-admin", 500, quando); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CompletaAttivazione(atto(0, quando), "attivazione-admin", store.Completamento{VersioneRegole: domain.VersioneRegole, Segreto: []byte("s"), CodiciRecupero: recupero}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApriSessioneConTOTP(conTOTP(admin.ID, "sessione-admin", quando), 501); err != nil {
		t.Errorf("l'amministratore attivato non entra: %v", err)
	}
}

// A first administrator stuck half-way gets a new code from the command
// line (Atto.Chi 0), which ends the activation in progress.
func TestPrimoAmministratoreRiemessoDallaRigaDiComando(t *testing.T) {
	s := MustOpen(t)
	if _, err := s.NuovoCollegamentoConfigurazione("setup", t0, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	admin, err := s.ConfiguraPrimoAmministratore(atto(0, t0), "setup", primoAmministratore())
	if err != nil {
		t.Fatal(err)
	}
	k := riemetti(t, s, 0, admin.ID, t0)
	_, _, err = s.AttivazioneInCorso("attivazione-admin", t0)
	codice(t, err, domain.ErrNonValido)
	if v := attiva(t, s, admin.Email, k.Parte1, k.Parte2, 9, t0); v.DeveAttivare() {
		t.Errorf("dopo l'attivazione: %+v", v)
	}
	_, att := nuovoCodice(t0)
	_, err = s.RiemettiCodice(atto(0, t0), admin.ID, att, nil, "di nuovo")
	codice(t, err, domain.ErrNonTrovato)
}

func TestConfiguraPrimoAmministratoreTokenSbagliato(t *testing.T) {
	s := MustOpen(t)
	registra(t, s, rossi, "verifica", time.Hour)
	_, err := s.ConfiguraPrimoAmministratore(atto(0, t0), "verifica", primoAmministratore())
	codice(t, err, domain.ErrNonValido)
	if _, err := s.NuovoCollegamentoConfigurazione("setup", t0, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	_, err = s.ConfiguraPrimoAmministratore(atto(0, t0.Add(time.Hour)), "setup", primoAmministratore())
	codice(t, err, domain.ErrNonValido)
	if ok, _ := s.CiSonoAmministratori(); ok {
		t.Error("creato un amministratore con un collegamento non valido")
	}
}
