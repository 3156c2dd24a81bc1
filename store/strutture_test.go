package store_test

import (
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/store"
)

// The hospital structures: a referente enables, suspends, reactivates and
// revokes its doctors; the sede suspends them.

const ospedale, altroOspedale = "OSP-PI-01", "OSP-MI-07"

// referente stores p as the activated referente of the structure codice,
// approved by sede through its request for the structure named
// "Ospedale Santa Chiara".
func referente(tb testing.TB, s *store.Store, p persona, codice, sede string) *domain.Utente {
	tb.Helper()
	u := richiedente(tb, s, p)
	r := richiestaCompleta(p)
	r.Profilo = domain.ProfiloReferentePresidio
	r.Struttura = domain.Struttura{Denominazione: "Ospedale Santa Chiara", Codice: codice, Azienda: "AOU Pisana", Indirizzo: "Via Roma 67, Pisa", PEC: "aoupisa@pec.example.it"}
	r = bozza(tb, s, u.ID, r)
	err := s.Importa(func(im *store.Importazione) error {
		_, err := im.AggiornaUtente(u.ID, func(x *domain.Utente) error {
			x.TOTP = &domain.TOTP{SegretoCifrato: []byte("sigillato"), Attivato: t0}
			x.Abilitazioni = []domain.Abilitazione{{Profilo: domain.ProfiloReferentePresidio, CodiceStruttura: codice, Sede: sede, Dal: t0, RichiestaID: r.ID, Attivata: t0}}
			return nil
		})
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	got, err := s.Utente(u.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return got
}

// medico is what a referente types to enable p at the structure codice.
func medico(p persona, codice string) domain.NuovoMedico {
	return domain.NuovoMedico{CodiceStruttura: codice, CodiceFiscale: strings.ToLower(p.CF()), Cognome: " " + p.Cognome, Nome: p.Nome, Email: p.Email()}
}

// abilita has referente ref enable m at quando, with a new code and its
// e-mail, and returns the outcome and the code.
func abilita(tb testing.TB, s *store.Store, ref uint64, m domain.NuovoMedico, quando time.Time) (store.MedicoAbilitato, string, string) {
	tb.Helper()
	k, att := nuovoCodice(quando)
	att.Motivo = "Abilitazione come medico ospedaliero"
	out, err := s.AbilitaMedico(atto(ref, quando), store.AbilitazioneMedico{Medico: m, Codice: att,
		Messaggi: []domain.Messaggio{{To: []string{m.Email}, Subject: "Codice di attivazione (prima parte)", Text: k.Parte1}}})
	if err != nil {
		tb.Fatal(err)
	}
	return out, k.Parte1, k.Parte2
}

func TestAbilitaMedicoCreaLAccount(t *testing.T) {
	s := MustOpenConSedi(t)
	ref := referente(t, s, neri, ospedale, "PI")
	svegliato := sveglie(s)
	quando := t0.Add(time.Hour)
	out, p1, p2 := abilita(t, s, ref.ID, medico(verdi, ospedale), quando)
	u := out.Utente
	if !out.NuovoAccount || u.CodiceFiscale != verdi.CF() || u.Email != verdi.Email() || u.Cognome != "Verdi" || u.Nome != "Giuseppe" ||
		u.Ruolo != domain.RuoloRichiedente || u.PasswordHash != "" {
		t.Fatalf("AbilitaMedico = %+v, account %+v", out, u)
	}
	want := domain.Abilitazione{Profilo: domain.ProfiloMedicoOspedaliero, CodiceStruttura: ospedale, Struttura: "Ospedale Santa Chiara",
		Sede: "PI", Referente: ref.ID, Dal: quando}
	if v, _ := s.Utente(u.ID); len(v.Abilitazioni) != 1 || v.Abilitazioni[0] != want || !v.IdentitaVerificata() {
		t.Fatalf("abilitazioni %+v, want %+v", v.Abilitazioni, want)
	}
	if got, err := s.UtentePerCF(verdi.CF()); err != nil || got.ID != u.ID {
		t.Errorf("UtentePerCF = %+v, %v", got, err)
	}
	a, err := s.Attivazione(u.ID)
	if err != nil || a.Struttura != ospedale || !a.Creata.Equal(quando) || a.RichiestaID != 0 {
		t.Fatalf("Attivazione = %+v, %v", a, err)
	}
	pag, _ := s.Posta(store.QueryPosta{Sede: "PI", PerPag: 5})
	if len(pag.Notifiche) != 1 || pag.Notifiche[0].Messaggio.To[0] != verdi.Email() || pag.Notifiche[0].Messaggio.Text != p1 {
		t.Errorf("posta della sede: %+v", pag.Notifiche)
	}
	if svegliato.Load() != 1 {
		t.Errorf("worker svegliato %d volte", svegliato.Load())
	}
	e := audit(t, s, ref.ID, domain.AuditStruttura, "Abilitato come medico ospedaliero della struttura "+ospedale, "Giuseppe Verdi", "account creato")
	if e.IP != "192.0.2.1" {
		t.Errorf("audit %+v", e)
	}
	audit(t, s, ref.ID, domain.AuditCredenziali, "Codice di attivazione emesso per Giuseppe Verdi")

	elenco, err := s.AccountStruttura(ospedale)
	if err != nil || len(elenco) != 2 || elenco[0].ID != ref.ID || elenco[1].ID != u.ID {
		t.Fatalf("AccountStruttura = %+v, %v", elenco, err)
	}
	if altri, _ := s.AccountStruttura(altroOspedale); len(altri) != 0 {
		t.Errorf("un'altra struttura elenca %+v", altri)
	}

	// The doctor activates with the two parts, like any holder.
	attivato := attiva(t, s, verdi.CF(), p1, p2, 100, quando)
	if ab := attivato.MedicoDi(ospedale); ab == nil || !ab.InVigore() || !attivato.RichiedeTOTP() {
		t.Fatalf("dopo l'attivazione: %+v", attivato.Abilitazioni)
	}
	if problemi, err := s.Controlla(); err != nil || len(problemi) > 0 {
		t.Fatalf("Controlla = %q, %v", problemi, err)
	}
}

// A holder who already has credentials keeps its account, its name as the
// sede checked it and its other enablements.
func TestAbilitaMedicoAggiornaIlTitolare(t *testing.T) {
	s := MustOpenConSedi(t)
	u, _ := titolareAttivo(t, s)
	ref := referente(t, s, neri, ospedale, "PI")
	m := medico(rossi, ospedale)
	m.Cognome = "ROSSI"
	m.Email = "  MARIO.ROSSI@example.it"
	out, _, _ := abilita(t, s, ref.ID, m, t0)
	if out.NuovoAccount || out.Utente.ID != u.ID || out.Utente.Cognome != "Rossi" || len(out.Utente.Abilitazioni) != 2 {
		t.Fatalf("AbilitaMedico = %+v, %+v", out, out.Utente)
	}
	if out.Utente.Abilitazioni[0].Profilo != domain.ProfiloMedicoEsterno || !out.Utente.Abilitazioni[0].InVigore() {
		t.Errorf("l'abilitazione esistente è cambiata: %+v", out.Utente.Abilitazioni[0])
	}
}

func TestAbilitaMedicoRifiuti(t *testing.T) {
	s := MustOpenConSedi(t)
	ref := referente(t, s, neri, ospedale, "PI")
	altro := referente(t, s, bianchi, altroOspedale, "MI")
	inattivo := richiedente(t, s, persona{"Gialli", "Carla", "Pisa", "PI", "56100"})
	s.Importa(func(im *store.Importazione) error {
		_, err := im.AggiornaUtente(inattivo.ID, func(x *domain.Utente) error {
			x.Abilitazioni = []domain.Abilitazione{{Profilo: domain.ProfiloReferentePresidio, CodiceStruttura: ospedale, Sede: "PI", Dal: t0}}
			return nil
		})
		return err
	})
	titolare, op := titolareAttivo(t, s)
	// Verdi is already a doctor of the structure.
	abilita(t, s, ref.ID, medico(verdi, ospedale), t0)

	conEmail := func(p persona, email string) domain.NuovoMedico { m := medico(p, ospedale); m.Email = email; return m }
	moro := persona{"Moro", "Luca", "Pisa", "PI", "56100"}
	sbagliato := medico(persona{"Gallo", "Elena", "Pisa", "PI", "56100"}, ospedale)
	sbagliato.Cognome = "Rossi"
	prima := istantanea(t, s)
	for _, tc := range []struct {
		nome  string
		chi   uint64
		m     domain.NuovoMedico
		want  domain.Codice
		testo string
	}{
		{"referente di un'altra struttura", altro.ID, medico(bianchi, ospedale), domain.ErrNonTrovato, "Struttura non trovata"},
		{"referente senza attivazione", inattivo.ID, medico(bianchi, ospedale), domain.ErrNonTrovato, "Struttura non trovata"},
		{"operatore", op.ID, medico(bianchi, ospedale), domain.ErrNonTrovato, "Struttura non trovata"},
		{"struttura vuota", ref.ID, medico(bianchi, ""), domain.ErrNonTrovato, "Struttura non trovata"},
		{"cognome che non corrisponde", ref.ID, sbagliato, domain.ErrNonValido, "Il cognome non corrisponde al codice fiscale."},
		{"e-mail non valida", ref.ID, conEmail(bianchi, "bianchi@"), domain.ErrNonValido, "L'indirizzo e-mail non è valido"},
		{"se stesso", ref.ID, medico(neri, ospedale), domain.ErrConflitto, "Non puoi abilitare te stesso"},
		{"codice fiscale con credenziali su un altro indirizzo", ref.ID, conEmail(rossi, "mario@altro.example.it"), domain.ErrConflitto, "Questo codice fiscale ha già le credenziali su un account con un altro indirizzo"},
		{"indirizzo di un'altra persona", ref.ID, conEmail(moro, titolare.Email), domain.ErrConflitto, "un account con le credenziali di un'altra persona"},
		{"indirizzo del personale", ref.ID, conEmail(moro, op.Email), domain.ErrConflitto, "account del personale Inail"},
		{"già abilitato", ref.ID, medico(verdi, ospedale), domain.ErrConflitto, "già abilitato per questa struttura"},
	} {
		t.Run(tc.nome, func(t *testing.T) {
			_, att := nuovoCodice(t0)
			_, err := s.AbilitaMedico(atto(tc.chi, t0), store.AbilitazioneMedico{Medico: tc.m, Codice: att,
				Messaggi: []domain.Messaggio{{To: []string{tc.m.Email}, Subject: "x"}}})
			codice(t, err, tc.want)
			if !strings.Contains(domain.MessaggioDi(err), tc.testo) {
				t.Errorf("messaggio %q, want %q", domain.MessaggioDi(err), tc.testo)
			}
		})
	}
	invariato(t, s, prima)
}

func TestSospendiMedico(t *testing.T) {
	s := MustOpenConSedi(t)
	ref := referente(t, s, neri, ospedale, "PI")
	altro := referente(t, s, bianchi, altroOspedale, "PI")
	opPI := creaOperatore(t, s, "op.pi@example.it", "PI")
	opMI := creaOperatore(t, s, "op.mi@example.it", "MI")
	out, p1, p2 := abilita(t, s, ref.ID, medico(verdi, ospedale), t0)
	id := out.Utente.ID
	attiva(t, s, verdi.CF(), p1, p2, 100, t0)
	if _, err := s.ApriSessioneConTOTP(ingresso(id, "s1", firefox, t0), 101); err != nil {
		t.Fatal(err)
	}
	avviso := []domain.Messaggio{{To: []string{verdi.Email()}, Subject: "Abilitazione sospesa"}}

	prima := istantanea(t, s)
	for _, tc := range []struct {
		nome string
		chi  uint64
		want domain.Codice
	}{
		{"referente di un'altra struttura", altro.ID, domain.ErrNonTrovato},
		{"operatore di un'altra sede", opMI.ID, domain.ErrNonTrovato},
		{"il medico stesso", id, domain.ErrNonTrovato},
	} {
		_, err := s.SospendiMedico(atto(tc.chi, t0), ospedale, id, true, "", avviso)
		if domain.CodiceDi(err) != tc.want {
			t.Errorf("%s: %v, want %s", tc.nome, err, tc.want)
		}
	}
	_, err := s.SospendiMedico(atto(ref.ID, t0), ospedale, 999, true, "", avviso)
	codice(t, err, domain.ErrNonTrovato)
	_, err = s.SospendiMedico(atto(ref.ID, t0), ospedale, id, false, "", avviso)
	codice(t, err, domain.ErrConflitto)
	invariato(t, s, prima)

	quando := t0.Add(time.Hour)
	got, err := s.SospendiMedico(atto(ref.ID, quando), ospedale, id, true, "trasferito in un altro reparto", avviso)
	if err != nil {
		t.Fatal(err)
	}
	if ab := got.MedicoDi(ospedale); ab.Sospesa == nil || ab.Sospesa.Chi != ref.ID || ab.Sospesa.DallaSede || ab.InVigore() || got.Sospeso {
		t.Fatalf("dopo la sospensione: %+v, account sospeso %v", ab, got.Sospeso)
	}
	if ss, _ := s.SessioniUtente(id); len(ss) != 0 {
		t.Errorf("sessioni rimaste: %+v", ss)
	}
	audit(t, s, ref.ID, domain.AuditStruttura, "Sospesa l'abilitazione", "Giuseppe Verdi", "motivo: trasferito in un altro reparto")
	if pag, _ := s.Posta(store.QueryPosta{Sede: "PI", PerPag: 10}); pag.Notifiche[0].Messaggio.Subject != "Abilitazione sospesa" {
		t.Errorf("ultimo messaggio della sede: %+v", pag.Notifiche[0])
	}
	if _, err := s.SospendiMedico(atto(ref.ID, quando), ospedale, id, false, "", nil); err != nil {
		t.Fatal(err)
	}

	// The sede's suspension only the sede lifts.
	got, err = s.SospendiMedico(atto(opPI.ID, quando), ospedale, id, true, "verifica in corso", nil)
	if err != nil || !got.MedicoDi(ospedale).Sospesa.DallaSede {
		t.Fatalf("sospensione della sede: %+v, %v", got, err)
	}
	audit(t, s, opPI.ID, domain.AuditStruttura, "Sospesa dalla sede l'abilitazione", "verifica in corso")
	_, err = s.SospendiMedico(atto(ref.ID, quando), ospedale, id, false, "", nil)
	codice(t, err, domain.ErrConflitto)
	if _, err := s.SospendiMedico(atto(opPI.ID, quando), ospedale, id, false, "", nil); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Utente(id); !v.MedicoDi(ospedale).InVigore() {
		t.Errorf("dopo la riattivazione: %+v", v.MedicoDi(ospedale))
	}
}

func TestRevocaMedico(t *testing.T) {
	s := MustOpenConSedi(t)
	ref := referente(t, s, neri, ospedale, "PI")
	opPI := creaOperatore(t, s, "op.pi@example.it", "PI")
	out, p1, p2 := abilita(t, s, ref.ID, medico(verdi, ospedale), t0)
	id := out.Utente.ID

	_, err := s.RevocaMedico(atto(ref.ID, t0), ospedale, id, " ", nil)
	codice(t, err, domain.ErrNonValido)
	_, err = s.RevocaMedico(atto(opPI.ID, t0), ospedale, id, "x", nil)
	codice(t, err, domain.ErrNonTrovato)

	got, err := s.RevocaMedico(atto(ref.ID, t0), ospedale, id, "ha lasciato la struttura", nil)
	if err != nil || got.MedicoDi(ospedale).Revocata == nil || got.Revocato {
		t.Fatalf("RevocaMedico = %+v, %v", got, err)
	}
	// Nothing else waited for the code: it is gone.
	_, err = s.Attivazione(id)
	codice(t, err, domain.ErrNonTrovato)
	_, err = s.IniziaAttivazione(verdi.CF(), p1, p2, "tok", t0)
	codice(t, err, domain.ErrNonValido)
	audit(t, s, ref.ID, domain.AuditStruttura, "Revocata l'abilitazione", "ha lasciato la struttura")

	prima := istantanea(t, s)
	_, att := nuovoCodice(t0)
	for nome, err := range map[string]error{
		"seconda revoca": func() error { _, err := s.RevocaMedico(atto(ref.ID, t0), ospedale, id, "x", nil); return err }(),
		"sospensione":    func() error { _, err := s.SospendiMedico(atto(ref.ID, t0), ospedale, id, true, "", nil); return err }(),
		"nuovo codice":   func() error { _, err := s.RiemettiCodiceMedico(atto(ref.ID, t0), ospedale, id, att, nil); return err }(),
	} {
		if domain.CodiceDi(err) != domain.ErrConflitto {
			t.Errorf("%s dopo la revoca: %v", nome, err)
		}
	}
	invariato(t, s, prima)

	// Enabled again, the doctor gets a new enablement in place of the revoked one.
	abilita(t, s, ref.ID, medico(verdi, ospedale), t0.Add(time.Hour))
	if v, _ := s.Utente(id); len(v.Abilitazioni) != 1 || v.Abilitazioni[0].Revocata != nil {
		t.Errorf("abilitato di nuovo: %+v", v.Abilitazioni)
	}
}

// Revoking one structure's enablement leaves the code that another one
// still waits for.
func TestRevocaMedicoLasciaIlCodiceDiAltreAbilitazioni(t *testing.T) {
	s := MustOpenConSedi(t)
	ref := referente(t, s, neri, ospedale, "PI")
	altro := referente(t, s, bianchi, altroOspedale, "MI")
	out, _, _ := abilita(t, s, ref.ID, medico(verdi, ospedale), t0)
	_, p1, p2 := abilita(t, s, altro.ID, medico(verdi, altroOspedale), t0)
	if _, err := s.RevocaMedico(atto(ref.ID, t0), ospedale, out.Utente.ID, "errore", nil); err != nil {
		t.Fatal(err)
	}
	u := attiva(t, s, verdi.CF(), p1, p2, 100, t0)
	if !u.MedicoDi(altroOspedale).InVigore() || u.MedicoDi(ospedale).InVigore() {
		t.Errorf("abilitazioni dopo l'attivazione: %+v", u.Abilitazioni)
	}
}

func TestRiemettiCodiceMedico(t *testing.T) {
	s := MustOpenConSedi(t)
	ref := referente(t, s, neri, ospedale, "PI")
	out, vecchio1, vecchio2 := abilita(t, s, ref.ID, medico(verdi, ospedale), t0)
	id := out.Utente.ID
	k, att := nuovoCodice(t0)
	if _, err := s.RiemettiCodiceMedico(atto(ref.ID, t0), ospedale, id, att, nil); err != nil {
		t.Fatal(err)
	}
	if a, err := s.Attivazione(id); err != nil || a.Parte1Hash != k.Hash1 || a.Struttura != ospedale {
		t.Fatalf("Attivazione = %+v, %v", a, err)
	}
	_, err := s.IniziaAttivazione(verdi.CF(), vecchio1, vecchio2, "tok", t0)
	codice(t, err, domain.ErrNonValido)
	attiva(t, s, verdi.CF(), k.Parte1, k.Parte2, 100, t0)
	_, att = nuovoCodice(t0)
	_, err = s.RiemettiCodiceMedico(atto(ref.ID, t0), ospedale, id, att, nil)
	codice(t, err, domain.ErrConflitto)
}
