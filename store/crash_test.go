package store_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"abilita/domain"
	"abilita/sedi"
	"abilita/store"
)

// A process doing actions is killed with SIGKILL at a random moment, several
// times, on the same file. After each kill the file opens, Controlla finds
// nothing, every action the process had seen acknowledged is there, and no
// half action is: no account without its verification message, no
// activation code without its message, no decision without its audit entry.

const (
	envCrashDB    = "ABILITA_CRASH_DB"
	envCrashGiro  = "ABILITA_CRASH_GIRO"
	azioniPerGiro = 40 // acknowledged actions before the kill
)

// TestMain runs the tests, or, in the process TestCrashSenzaAzioniADimezzo
// starts, the actions that get killed.
func TestMain(m *testing.M) {
	if path := os.Getenv(envCrashDB); path != "" {
		figlioDaUccidere(path)
		return
	}
	os.Exit(m.Run())
}

// figlioDaUccidere acts on the store at path until it is killed, printing a
// line for every action acknowledged.
func figlioDaUccidere(path string) {
	giro, _ := strconv.Atoi(os.Getenv(envCrashGiro))
	s, err := store.Open(path)
	if err != nil {
		fmt.Println("errore", err)
		os.Exit(1)
	}
	ora := time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC).Add(time.Duration(giro) * 24 * time.Hour)
	atto := func(chi uint64) store.Atto { ora = ora.Add(time.Minute); return store.Atto{Chi: chi, Quando: ora} }
	elenco, _ := sedi.Default()
	must := func(err error) {
		if err != nil {
			fmt.Println("errore", err)
			os.Exit(1)
		}
	}
	must(s.SeminaSedi(elenco))
	// The people, created once; an admin and an operator of Pisa.
	admin, err := s.UtentePerEmail("admin@crash.test")
	if err != nil {
		admin = &domain.Utente{Ruolo: domain.RuoloAmministratore, Email: "admin@crash.test", PasswordHash: "x", Nome: "A", Cognome: "A"}
		must(s.CreaUtente(admin))
	}
	op, err := s.UtentePerEmail("op@crash.test")
	if err != nil {
		op = &domain.Utente{Ruolo: domain.RuoloOperatore, Email: "op@crash.test", Sede: "PI", PasswordHash: "x", Nome: "O", Cognome: "P"}
		must(s.CreaUtente(op))
	}
	ack := func(format string, args ...any) { fmt.Printf(format+"\n", args...) }
	for i := 0; ; i++ {
		email := fmt.Sprintf("g%d.r%d@crash.test", giro, i)
		verifica := domain.Messaggio{To: []string{email}, Subject: "verifica " + email, Text: "x"}
		_, err := s.Registra(atto(0), store.Registrazione{
			Utente:    domain.Utente{Email: email, Nome: "N", Cognome: "C", PasswordHash: "x"},
			TokenHash: fmt.Sprintf("tok-%d-%d", giro, i), Scade: ora.Add(24 * time.Hour),
			Verifica: verifica, GiaRegistrato: domain.Messaggio{To: []string{email}, Subject: "esistente", Text: "x"},
		})
		must(err)
		ack("registrato %s", email)

		staff := fmt.Sprintf("g%d.s%d@crash.test", giro, i)
		codice := domain.Attivazione{Parte1Hash: "h1-" + staff, Parte2Hash: "h2-" + staff, Creata: ora, Scade: ora.Add(72 * time.Hour), Motivo: "creazione"}
		_, err = s.CreaStaff(atto(admin.ID), domain.Utente{Ruolo: domain.RuoloOperatore, Email: staff, Sede: "PI", Nome: "S", Cognome: "T"}, codice,
			[]domain.Messaggio{{To: []string{staff}, Subject: "attivazione " + staff, Text: "x"}})
		must(err)
		ack("personale %s", staff)

		autore, err := s.UtentePerEmail(email)
		must(err)
		b := bozzaCompleta(cognomi[i%len(cognomi)], nomi[i%len(nomi)], time.Date(1970+i%30, 1, 1+i%28, 0, 0, 0, 0, time.UTC), 0, domain.ProfiloMedicoEsterno, ora)
		allegati := b.Allegati
		must(s.CreaBozza(atto(autore.ID), b))
		_, err = s.AllegaDocumenti(atto(autore.ID), b.ID, allegati)
		must(err)
		r, err := s.Invia(atto(autore.ID), b.ID)
		must(err)
		ack("inviata %d %s", r.ID, r.Protocollo)
		_, err = s.PrendiInCarico(atto(op.ID), r.ID)
		must(err)
		if i%2 == 0 {
			_, err = s.Respingi(atto(op.ID), r.ID, []domain.MotivoRifiuto{domain.MotivoDocumento}, "")
		} else {
			if _, err = s.SalvaChecklist(atto(op.ID), r.ID, domain.Checklist{DatiCorrispondenti: true, DocumentoValido: true, ModuloFirmato: true, OrdinePlausibile: true}); err == nil {
				_, err = s.Approva(atto(op.ID), r.ID, store.Approvazione{})
			}
		}
		must(err)
		ack("decisa %d", r.ID)
	}
}

func TestCrashSenzaAzioniADimezzo(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes")
	}
	path := filepath.Join(t.TempDir(), "abilita.db")
	confermate := map[string]bool{}
	for giro := range 5 {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), envCrashDB+"="+path, envCrashGiro+"="+strconv.Itoa(giro))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		righe := bufio.NewScanner(out)
		// Kill after a number of acknowledgements that varies by round, so
		// that the kill falls in different actions.
		limite := azioniPerGiro + 7*giro
		for n := 0; n < limite && righe.Scan(); n++ {
			riga := righe.Text()
			if strings.HasPrefix(riga, "errore") {
				t.Fatalf("round %d: the child failed: %s", giro, riga)
			}
			confermate[riga] = true
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		go func() {
			for righe.Scan() {
			}
		}()
		_ = cmd.Wait()
		controllaDopoIlCrash(t, path, confermate)
	}
}

// controllaDopoIlCrash opens the file and checks it.
func controllaDopoIlCrash(t *testing.T, path string, confermate map[string]bool) {
	t.Helper()
	s, err := store.Open(path)
	if err != nil {
		t.Fatalf("the file does not open after the kill: %v", err)
	}
	defer s.Close()
	problemi, err := s.Controlla()
	if err != nil || len(problemi) > 0 {
		t.Fatalf("Controlla after the kill: %v\n%s", err, strings.Join(problemi, "\n"))
	}
	posta, err := s.Posta(store.QueryPosta{PerPag: 100000})
	if err != nil {
		t.Fatal(err)
	}
	oggetti := map[string]bool{}
	for _, n := range posta.Notifiche {
		oggetti[n.Messaggio.Subject] = true
	}
	// Every acknowledged action is there.
	for riga := range confermate {
		campi := strings.Fields(riga)
		switch campi[0] {
		case "registrato", "personale":
			if _, err := s.UtentePerEmail(campi[1]); err != nil {
				t.Errorf("acknowledged %q, the account is not there: %v", riga, err)
			}
		case "inviata", "decisa":
			id, _ := strconv.ParseUint(campi[1], 10, 64)
			r, err := s.Richiesta(id)
			if err != nil || (campi[0] == "decisa" && r.Stato != domain.StatoApprovata && r.Stato != domain.StatoRespinta) ||
				(campi[0] == "inviata" && r.Protocollo != campi[2]) {
				t.Errorf("acknowledged %q, the request is %+v (%v)", riga, r, err)
			}
		}
	}
	// And no half action is: every account has the message of its action,
	// every decision its audit entry.
	for i := uint64(1); ; i++ {
		u, err := s.Utente(i)
		if domain.CodiceDi(err) == domain.ErrNonTrovato {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.Contains(u.Email, ".r"):
			if !oggetti["verifica "+u.Email] {
				t.Errorf("account %s without its verification message", u.Email)
			}
		case strings.Contains(u.Email, ".s"):
			if _, err := s.Attivazione(u.ID); err != nil || !oggetti["attivazione "+u.Email] {
				t.Errorf("staff account %s without its code (%v) or its message", u.Email, err)
			}
		}
	}
	for id := uint64(1); ; id++ {
		r, err := s.Richiesta(id)
		if domain.CodiceDi(err) == domain.ErrNonTrovato {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if r.Stato != domain.StatoApprovata && r.Stato != domain.StatoRespinta {
			continue
		}
		eventi, err := s.EventiAudit(store.FiltroAudit{Richiesta: id, Limite: 100})
		if err != nil {
			t.Fatal(err)
		}
		decisa := false
		for _, e := range eventi {
			decisa = decisa || (e.Azione == domain.AuditDecisione && (strings.HasPrefix(e.Dettaglio, "approvata") || strings.HasPrefix(e.Dettaglio, "respinta")))
		}
		if !decisa {
			t.Errorf("request %d is %s without the audit entry of the decision", id, r.Stato)
		}
	}
}
