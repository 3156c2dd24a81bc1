package store_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"abilita/domain"
	"abilita/store"
)

func creaUtente(tb testing.TB, s *store.Store, email string, ruolo domain.Ruolo) *domain.Utente {
	tb.Helper()
	u := &domain.Utente{Email: email, Ruolo: ruolo, Cognome: "Rossi", Nome: "Mario", Creato: t0}
	if err := s.CreaUtente(u); err != nil {
		tb.Fatal(err)
	}
	return u
}

// numeroUtente makes the addresses of creaUtenti unique.
var numeroUtente atomic.Int64

func creaOperatore(tb testing.TB, s *store.Store, email, sede string) *domain.Utente {
	tb.Helper()
	u := &domain.Utente{Email: email, Ruolo: domain.RuoloOperatore, Sede: sede, Cognome: "Bruni", Nome: "Anna", Creato: t0}
	if err := s.CreaUtente(u); err != nil {
		tb.Fatal(err)
	}
	return u
}

func creaAmministratore(tb testing.TB, s *store.Store, email string) *domain.Utente {
	tb.Helper()
	return creaUtente(tb, s, email, domain.RuoloAmministratore)
}

// creaUtenti stores n generic users with a password in one transaction.
func creaUtenti(tb testing.TB, s *store.Store, n int) []*domain.Utente {
	tb.Helper()
	out := make([]*domain.Utente, n)
	err := s.Importa(func(im *store.Importazione) error {
		for i := range out {
			out[i] = &domain.Utente{Ruolo: domain.RuoloRichiedente, Email: fmt.Sprintf("utente%d@example.it", numeroUtente.Add(1)),
				PasswordHash: "h", Creato: t0}
			if err := im.Utente(out[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// richiedente is the registered, verified generic account of p, with its
// codice fiscale and the password hash "vecchia".
func richiedente(tb testing.TB, s *store.Store, p persona) *domain.Utente {
	tb.Helper()
	u := &domain.Utente{Ruolo: domain.RuoloRichiedente, Email: p.Email(), CodiceFiscale: p.CF(), Cognome: p.Cognome, Nome: p.Nome,
		PasswordHash: "vecchia", EmailVerificata: t0, Creato: t0}
	if err := s.CreaUtente(u); err != nil {
		tb.Fatal(err)
	}
	return u
}

// titolare is the account of p with an enablement given by sede and not
// activated yet: it still logs in with its password alone.
func titolare(tb testing.TB, s *store.Store, p persona, sede string) *domain.Utente {
	tb.Helper()
	u := richiedente(tb, s, p)
	err := s.Importa(func(im *store.Importazione) error {
		var err error
		u, err = im.AggiornaUtente(u.ID, func(x *domain.Utente) error {
			x.Abilitazioni = []domain.Abilitazione{{Profilo: domain.ProfiloMedicoEsterno, Sede: sede, Dal: t0, CodiceMedico: "MED0000042"}}
			return nil
		})
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

func TestCreaUtente(t *testing.T) {
	s := MustOpen(t)
	u := creaUtente(t, s, "  Mario.Rossi@Example.IT ", domain.RuoloRichiedente)
	if u.ID == 0 || u.Schema != domain.SchemaUtente || u.Email != "mario.rossi@example.it" {
		t.Fatalf("dopo CreaUtente: ID %d, Schema %d, Email %q", u.ID, u.Schema, u.Email)
	}
	v := creaUtente(t, s, "luigi@example.it", domain.RuoloRichiedente)
	if v.ID == u.ID {
		t.Fatalf("due utenti con lo stesso ID %d", u.ID)
	}

	prima := istantanea(t, s)
	for _, email := range []string{"mario.rossi@example.it", "MARIO.ROSSI@EXAMPLE.IT", " mario.rossi@example.it"} {
		err := s.CreaUtente(&domain.Utente{Email: email, Ruolo: domain.RuoloRichiedente})
		codice(t, err, domain.ErrConflitto)
	}
	codice(t, s.CreaUtente(&domain.Utente{Email: "  ", Ruolo: domain.RuoloRichiedente}), domain.ErrNonValido)
	invariato(t, s, prima)

	got, err := s.Utente(u.ID)
	if err != nil || got.Email != u.Email || got.Cognome != "Rossi" || !got.Creato.Equal(t0) {
		t.Fatalf("Utente(%d) = %+v, %v", u.ID, got, err)
	}
	for _, email := range []string{"mario.rossi@example.it", "MARIO.Rossi@example.it", " mario.rossi@example.it "} {
		got, err := s.UtentePerEmail(email)
		if err != nil || got.ID != u.ID {
			t.Errorf("UtentePerEmail(%q) = %+v, %v; want utente %d", email, got, err, u.ID)
		}
	}
	_, err = s.Utente(999)
	codice(t, err, domain.ErrNonTrovato)
	_, err = s.UtentePerEmail("nessuno@example.it")
	codice(t, err, domain.ErrNonTrovato)
}

// A codice fiscale is a login name, and unique, only for the account an
// approval verified it for; typed at registration it claims nothing.
func TestIndiceCodiceFiscale(t *testing.T) {
	s := MustOpen(t)
	abilitazione := []domain.Abilitazione{{Profilo: domain.ProfiloMedicoEsterno, Sede: "PI", Dal: t0}}
	u := &domain.Utente{Ruolo: domain.RuoloRichiedente, Email: "mario@example.it", CodiceFiscale: " " + strings.ToLower(rossi.CF()) + " ", Abilitazioni: abilitazione}
	if err := s.CreaUtente(u); err != nil {
		t.Fatal(err)
	}
	if u.CodiceFiscale != rossi.CF() {
		t.Fatalf("codice fiscale salvato %q", u.CodiceFiscale)
	}
	for _, nome := range []string{rossi.CF(), strings.ToLower(rossi.CF()), " " + rossi.CF(), "Mario@Example.it"} {
		got, err := s.UtentePerIdentificativo(nome)
		if err != nil || got.ID != u.ID {
			t.Errorf("UtentePerIdentificativo(%q) = %+v, %v", nome, got, err)
		}
	}
	_, err := s.UtentePerCF(verdi.CF())
	codice(t, err, domain.ErrNonTrovato)
	_, err = s.UtentePerIdentificativo("nessuno@example.it")
	codice(t, err, domain.ErrNonTrovato)

	// Accounts without a codice fiscale (operators) do not collide.
	creaOperatore(t, s, "op1@example.it", "PI")
	creaOperatore(t, s, "op2@example.it", "PI")

	// Registrations typing the same codice fiscale do not collide either,
	// and do not log in with it.
	generico := &domain.Utente{Ruolo: domain.RuoloRichiedente, Email: "altro@example.it", CodiceFiscale: strings.ToLower(rossi.CF())}
	if err := s.CreaUtente(generico); err != nil {
		t.Fatalf("a registration with a verified codice fiscale: %v", err)
	}
	if got, err := s.UtentePerCF(rossi.CF()); err != nil || got.ID != u.ID {
		t.Errorf("the codice fiscale moved to %+v (%v)", got, err)
	}
	prima := istantanea(t, s)
	err = s.CreaUtente(&domain.Utente{Ruolo: domain.RuoloRichiedente, Email: "terzo@example.it", CodiceFiscale: rossi.CF(), Abilitazioni: abilitazione})
	codice(t, err, domain.ErrConflitto)
	invariato(t, s, prima)

	v := titolare(t, s, verdi, "PI")
	cambiaCF := func(cf string) error {
		return s.Importa(func(im *store.Importazione) error {
			_, err := im.AggiornaUtente(v.ID, func(x *domain.Utente) error { x.CodiceFiscale = cf; return nil })
			return err
		})
	}
	prima = istantanea(t, s)
	codice(t, cambiaCF(rossi.CF()), domain.ErrConflitto)
	invariato(t, s, prima)

	// A codice fiscale that changes moves in the index.
	if err := cambiaCF(strings.ToLower(bianchi.CF())); err != nil {
		t.Fatal(err)
	}
	if got, err := s.UtentePerCF(bianchi.CF()); err != nil || got.ID != v.ID || got.CodiceFiscale != bianchi.CF() {
		t.Errorf("dopo il cambio: %+v, %v", got, err)
	}
	_, err = s.UtentePerCF(verdi.CF())
	codice(t, err, domain.ErrNonTrovato)
	libero := &domain.Utente{Ruolo: domain.RuoloRichiedente, Email: "libero@example.it", CodiceFiscale: verdi.CF(), Abilitazioni: abilitazione}
	if err := s.CreaUtente(libero); err != nil {
		t.Errorf("il codice fiscale lasciato non è tornato libero: %v", err)
	}
}

// However an account is changed, its e-mail, the login name of most
// accounts, stays.
func TestAggiornaUtenteNonCambiaLEmail(t *testing.T) {
	s := MustOpen(t)
	u := creaUtente(t, s, "mario@example.it", domain.RuoloRichiedente)
	aggiorna := func(id uint64, fn func(*domain.Utente) error) error {
		return s.Importa(func(im *store.Importazione) error { _, err := im.AggiornaUtente(id, fn); return err })
	}
	err := aggiorna(u.ID, func(x *domain.Utente) error {
		x.Cognome, x.Email = "Bianchi", "altro@example.it"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := s.Utente(u.ID)
	if got.Cognome != "Bianchi" || got.Email != "mario@example.it" {
		t.Errorf("dopo l'aggiornamento: cognome %q, e-mail %q", got.Cognome, got.Email)
	}
	if _, err := s.UtentePerEmail("altro@example.it"); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("UtentePerEmail(nuova) = %v, want non trovato", err)
	}

	prima := istantanea(t, s)
	rifiuto := domain.Conflitto("no")
	if err := aggiorna(u.ID, func(x *domain.Utente) error { x.Cognome = "Verdi"; return rifiuto }); err != rifiuto {
		t.Fatalf("errore della funzione = %v, want %v", err, rifiuto)
	}
	codice(t, aggiorna(999, func(*domain.Utente) error { return nil }), domain.ErrNonTrovato)
	invariato(t, s, prima)
}

func TestCiSonoAmministratori(t *testing.T) {
	s := MustOpen(t)
	creaOperatore(t, s, "op@example.it", "PI")
	if ok, err := s.CiSonoAmministratori(); err != nil || ok {
		t.Fatalf("CiSonoAmministratori = %v, %v; want false", ok, err)
	}
	creaAmministratore(t, s, "admin@example.it")
	if ok, err := s.CiSonoAmministratori(); err != nil || !ok {
		t.Fatalf("CiSonoAmministratori = %v, %v; want true", ok, err)
	}
}

func TestStaffEOperatoriSede(t *testing.T) {
	s := MustOpen(t)
	a1 := creaAmministratore(t, s, "a1@example.it")
	pi1 := creaOperatore(t, s, "pi1@example.it", "PI")
	richiedente(t, s, rossi)
	mi := creaOperatore(t, s, "mi@example.it", "MI")
	pi2 := creaOperatore(t, s, "pi2@example.it", "PI")
	a2 := creaAmministratore(t, s, "a2@example.it")
	ids := func(uu []domain.Utente, err error) []uint64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var out []uint64
		for _, u := range uu {
			out = append(out, u.ID)
		}
		return out
	}
	for _, tc := range []struct {
		nome      string
		got, want []uint64
	}{
		{"Staff", ids(s.Staff()), []uint64{a1.ID, pi1.ID, mi.ID, pi2.ID, a2.ID}},
		{"Amministratori", ids(s.Amministratori()), []uint64{a1.ID, a2.ID}},
		{"OperatoriSede(PI)", ids(s.OperatoriSede("PI")), []uint64{pi1.ID, pi2.ID}},
		{"OperatoriSede(P)", ids(s.OperatoriSede("P")), nil},
	} {
		if !slices.Equal(tc.got, tc.want) {
			t.Errorf("%s = %v, want %v", tc.nome, tc.got, tc.want)
		}
	}
}

func TestNomiOperatoriDallIndice(t *testing.T) {
	s := MustOpen(t)
	pi1 := creaOperatore(t, s, "pi1@example.it", "PI")
	creaOperatore(t, s, "mi@example.it", "MI")
	pi2 := creaOperatore(t, s, "pi2@example.it", "PI")
	err := s.Importa(func(im *store.Importazione) error {
		_, err := im.AggiornaUtente(pi2.ID, func(u *domain.Utente) error {
			u.Cognome, u.Nome = "Pisani", "Laura"
			return nil
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	nomi, err := s.NomiOperatori("PI")
	if err != nil {
		t.Fatal(err)
	}
	if want := map[uint64]string{pi1.ID: "Anna Bruni", pi2.ID: "Laura Pisani"}; !maps.Equal(nomi, want) {
		t.Errorf("NomiOperatori(PI) = %v, want %v", nomi, want)
	}
	if nomi, err := s.NomiOperatori("P"); err != nil || len(nomi) != 0 {
		t.Errorf("NomiOperatori(P) = %v, %v; want none", nomi, err)
	}
}

func TestCreaStaff(t *testing.T) {
	s := MustOpenConSedi(t)
	admin := creaAmministratore(t, s, "admin@example.it")
	svegliato := sveglie(s)
	k, codiceAtt := nuovoCodice(t0)
	msg := domain.Messaggio{To: []string{"anna.neri@example.it"}, Subject: "Il tuo account Abilita: prima parte del codice", Text: k.Parte1}
	quando := t0.Add(time.Hour)
	nuovo := domain.Utente{Ruolo: domain.RuoloOperatore, Email: "Anna.Neri@Example.it", Nome: "Anna", Cognome: "Neri", Sede: "MI"}
	u, err := s.CreaStaff(atto(admin.ID, quando), nuovo, codiceAtt, []domain.Messaggio{msg})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.UtentePerEmail("anna.neri@example.it")
	if err != nil || got.ID != u.ID || got.Ruolo != domain.RuoloOperatore || got.Sede != "MI" || !got.Creato.Equal(quando) ||
		got.PasswordHash != "" || !got.DeveAttivare() {
		t.Fatalf("account creato: %+v, %v", got, err)
	}
	if a, err := s.Attivazione(u.ID); err != nil || a.Parte1Hash != k.Hash1 || a.Parte2Hash != k.Hash2 || a.UtenteID != u.ID {
		t.Errorf("codice di attivazione: %+v, %v", a, err)
	}
	if pag, _ := s.Posta(store.QueryPosta{}); len(pag.Notifiche) != 1 || pag.Notifiche[0].Messaggio.Subject != msg.Subject {
		t.Errorf("posta in uscita: %+v", pag.Notifiche)
	}
	audit(t, s, admin.ID, domain.AuditAccount, "anna.neri@example.it")
	audit(t, s, admin.ID, domain.AuditCredenziali, "anna.neri@example.it")
	if n := svegliato.Load(); n != 1 {
		t.Errorf("worker svegliato %d volte, want 1", n)
	}

	op := creaOperatore(t, s, "op@example.it", "PI")
	sospeso := creaAmministratore(t, s, "sospeso@example.it")
	if _, err := s.Sospendi(atto(admin.ID, t0), sospeso.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	_, incompleto := nuovoCodice(t0)
	incompleto.Parte2Hash = ""
	prima := istantanea(t, s)
	for _, tc := range []struct {
		nome   string
		chi    uint64
		u      domain.Utente
		codice domain.Attivazione
		want   domain.Codice
	}{
		{"da un operatore", op.ID, domain.Utente{Ruolo: domain.RuoloOperatore, Email: "x@example.it", Sede: "PI", Nome: "Nome", Cognome: "Cognome"}, codiceAtt, domain.ErrNonAmmesso},
		{"da un amministratore sospeso", sospeso.ID, domain.Utente{Ruolo: domain.RuoloOperatore, Email: "x@example.it", Sede: "PI", Nome: "Nome", Cognome: "Cognome"}, codiceAtt, domain.ErrNonAmmesso},
		{"e-mail già usata", admin.ID, domain.Utente{Ruolo: domain.RuoloOperatore, Email: "ANNA.NERI@example.it", Sede: "PI", Nome: "Nome", Cognome: "Cognome"}, codiceAtt, domain.ErrConflitto},
		{"codice incompleto", admin.ID, domain.Utente{Ruolo: domain.RuoloOperatore, Email: "x@example.it", Sede: "PI", Nome: "Nome", Cognome: "Cognome"}, incompleto, domain.ErrInterno},
	} {
		t.Run(tc.nome, func(t *testing.T) {
			_, err := s.CreaStaff(atto(tc.chi, quando), tc.u, tc.codice, []domain.Messaggio{msg})
			if err == nil || domain.CodiceDi(err) != tc.want {
				t.Fatalf("CreaStaff = %v, want codice %s", err, tc.want)
			}
			invariato(t, s, prima)
		})
	}
}

// CreaStaff creates staff: an operator bound to a sede, or an
// administrator, with nothing but what its activation gives it. A generic
// account, an operator of no sede or a password chosen by somebody else
// would bypass the registration or the activation.
func TestCreaStaffSoloPersonale(t *testing.T) {
	s := MustOpenConSedi(t)
	admin := creaAmministratore(t, s, "admin@example.it")
	_, att := nuovoCodice(t0)
	pronto := domain.Utente{Ruolo: domain.RuoloOperatore, Email: "op@example.it", Sede: "PI", Nome: "Nome", Cognome: "Cognome", PasswordHash: "scelta-da-altri",
		TOTP: &domain.TOTP{UltimoPasso: 1}, Abilitazioni: []domain.Abilitazione{{Profilo: domain.ProfiloMedicoEsterno, Sede: "PI"}}}
	u, err := s.CreaStaff(atto(admin.ID, t0), pronto, att, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Utente(u.ID); got.PasswordHash != "" || got.TOTP != nil || len(got.Abilitazioni) != 0 || !got.DeveAttivare() {
		t.Errorf("l'account creato non aspetta la sua attivazione: %+v", got)
	}

	prima := istantanea(t, s)
	for _, u := range []domain.Utente{
		{Ruolo: domain.RuoloRichiedente, Email: "generico@example.it"},
		{Email: "senza.ruolo@example.it"},
		{Ruolo: domain.RuoloOperatore, Email: "senza.sede@example.it"},
	} {
		if _, err := s.CreaStaff(atto(admin.ID, t0), u, att, nil); err == nil {
			t.Errorf("CreaStaff(%s, ruolo %q, sede %q) accettata", u.Email, u.Ruolo, u.Sede)
		}
	}
	invariato(t, s, prima)
}

// The messages about a staff account are listed in the outbox of its sede
// (domain.Notifica.Sede), so that its sede sees whether the first part of
// the code reached the new operator.
func TestCreaStaffMessaggiNellaPostaDellaSede(t *testing.T) {
	s := MustOpenConSedi(t)
	admin := creaAmministratore(t, s, "admin@example.it")
	_, codiceAtt := nuovoCodice(t0)
	msg := domain.Messaggio{To: []string{"anna.neri@example.it"}, Subject: "Il tuo account Abilita"}
	nuovo := domain.Utente{Ruolo: domain.RuoloOperatore, Email: "anna.neri@example.it", Sede: "MI", Nome: "Nome", Cognome: "Cognome"}
	if _, err := s.CreaStaff(atto(admin.ID, t0), nuovo, codiceAtt, []domain.Messaggio{msg}); err != nil {
		t.Fatal(err)
	}
	pag, err := s.Posta(store.QueryPosta{Sede: "MI"})
	if err != nil || len(pag.Notifiche) != 1 || pag.Notifiche[0].Sede != "MI" {
		t.Errorf("posta della sede MI = %+v, %v; want il messaggio al nuovo operatore", pag.Notifiche, err)
	}
}

func TestSospendi(t *testing.T) {
	s := MustOpenConSedi(t)
	u := titolare(t, s, rossi, "PI")
	op := creaOperatore(t, s, "op.pi@example.it", "PI")
	opMI := creaOperatore(t, s, "op.mi@example.it", "MI")
	admin := creaAmministratore(t, s, "admin@example.it")
	generico := richiedente(t, s, verdi)
	entra(t, s, u.ID, "s1", firefox, t0)

	got, err := s.Sospendi(atto(op.ID, t0), u.ID, true, "documento smarrito")
	if err != nil || !got.Sospeso {
		t.Fatalf("Sospendi = %+v, %v", got, err)
	}
	if v, _ := s.Utente(u.ID); !v.Sospeso || v.Attivo() {
		t.Errorf("dopo la sospensione: %+v", v)
	}
	if ss, _ := s.SessioniUtente(u.ID); len(ss) != 0 {
		t.Errorf("sessioni rimaste aperte: %+v", ss)
	}
	_, err = s.ApriSessione(ingresso(u.ID, "s2", firefox, t0))
	codice(t, err, domain.ErrNonAmmesso)
	audit(t, s, op.ID, domain.AuditAccount, "sospeso", rossi.CF(), "documento smarrito")

	prima := istantanea(t, s)
	for _, tc := range []struct {
		nome    string
		chi, id uint64
		want    domain.Codice
	}{
		{"operatore di un'altra sede", opMI.ID, u.ID, domain.ErrNonTrovato},
		{"utente senza abilitazioni della sede", op.ID, generico.ID, domain.ErrNonTrovato},
		{"amministratore su un titolare", admin.ID, u.ID, domain.ErrNonTrovato},
		{"amministratore su sé stesso", admin.ID, admin.ID, domain.ErrConflitto},
		{"account inesistente", op.ID, 999, domain.ErrNonTrovato},
		{"chi è sospeso", u.ID, op.ID, domain.ErrNonAmmesso},
	} {
		t.Run(tc.nome, func(t *testing.T) {
			_, err := s.Sospendi(atto(tc.chi, t0), tc.id, false, "")
			codice(t, err, tc.want)
			invariato(t, s, prima)
		})
	}

	if got, err := s.Sospendi(atto(op.ID, t0), u.ID, false, ""); err != nil || got.Sospeso {
		t.Fatalf("riattivazione = %+v, %v", got, err)
	}
	entra(t, s, u.ID, "s3", firefox, t0)

	// An operator suspended by an administrator can no longer act.
	if _, err := s.Sospendi(atto(admin.ID, t0), op.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	_, err = s.Sospendi(atto(op.ID, t0), u.ID, true, "")
	codice(t, err, domain.ErrNonAmmesso)
}
