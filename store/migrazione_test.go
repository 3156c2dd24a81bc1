package store_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"abilita/domain"
	"abilita/security"
	"abilita/store"
)

// The fixture store/testdata/schema1.db was written by the code before
// schema versions existed (commit e34a044; see testdata/README.md), and
// schema1.json lists what it holds. Opened by this code it is migrated, and
// every request, account, code, session, link, message and audit entry must
// still be there, found through the new indexes too.

type manifesto struct {
	OraFixture   time.Time `json:"ora_fixture"`
	ChiaveBase64 string    `json:"chiave_master_base64"`
	Richieste    []struct {
		ID            uint64       `json:"id"`
		Protocollo    string       `json:"protocollo"`
		Stato         domain.Stato `json:"stato"`
		Sede          string       `json:"sede"`
		Percorso      domain.Percorso
		Profilo       domain.Profilo
		CodiceFiscale string `json:"codice_fiscale"`
		Richiedente   uint64 `json:"richiedente"`
		Urgente       bool   `json:"urgente"`
		Inviata       string `json:"inviata"`
		CodiceMedico  string `json:"codice_medico"`
		Storia        int    `json:"storia"`
	} `json:"richieste"`
	Utenti []struct {
		ID            uint64       `json:"id"`
		Email         string       `json:"email"`
		CodiceFiscale string       `json:"codice_fiscale"`
		Ruolo         domain.Ruolo `json:"ruolo"`
		Sospeso       bool         `json:"sospeso"`
		Revocato      bool         `json:"revocato"`
		HasTOTP       bool         `json:"has_totp"`
		Password      bool         `json:"password_hash_nonempty"`
		Recupero      int          `json:"codici_recupero"`
	} `json:"utenti"`
	Attivazioni []struct {
		UtenteID   uint64    `json:"utente_id"`
		Parte1Hash string    `json:"parte1_hash"`
		Parte1     string    `json:"parte1"`
		Parte2     string    `json:"parte2"`
		Cifrata    bool      `json:"parte2_cifrata"`
		Scade      time.Time `json:"scade"`
	} `json:"attivazioni_in_sospeso"`
	InCorso struct {
		TokenHash string                  `json:"token_hash"`
		UtenteID  uint64                  `json:"utente_id"`
		Passo     domain.PassoAttivazione `json:"passo"`
		Avviata   time.Time               `json:"avviata"`
	} `json:"attivazione_in_corso"`
	Audit struct {
		Voci       int    `json:"voci"`
		UltimoHash string `json:"ultimo_hash"`
	} `json:"audit"`
	Outbox struct {
		Totale   int                          `json:"totale"`
		PerStato map[domain.StatoNotifica]int `json:"per_stato"`
	} `json:"outbox"`
	Sessioni struct {
		Hash []string `json:"hash"`
	} `json:"sessioni"`
	Token []struct {
		Hash  string       `json:"hash"`
		Scopo domain.Scopo `json:"scopo"`
		Scade time.Time    `json:"scade"`
	} `json:"token"`
	Precompilate []struct {
		Hash    string `json:"hash"`
		Cognome string `json:"cognome"`
	} `json:"precompilate"`
	CodaPerSede map[string]map[domain.Stato]int `json:"coda_per_sede"`
}

// apriFixture copies the fixture to a temporary folder (opening migrates
// it) and opens it.
func apriFixture(t *testing.T, fixture string) (*store.Store, manifesto, string) {
	t.Helper()
	var m manifesto
	data, err := os.ReadFile(filepath.Join("testdata", "schema1.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "abilita.db")
	src, err := os.Open(filepath.Join("testdata", fixture))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(path)
	if err != nil {
		t.Fatalf("opening the fixture %s: %v", fixture, err)
	}
	t.Cleanup(func() { s.Close() })
	return s, m, path
}

// schema2.db is schema1.db opened by the code of commit 8eb19de, at
// version 2 (list rows in JSON, counters per sede only): the same content,
// so the same manifest.
func TestMigrazioneDalloSchema1(t *testing.T) { controllaMigrazione(t, "schema1.db") }
func TestMigrazioneDalloSchema2(t *testing.T) { controllaMigrazione(t, "schema2.db") }

func controllaMigrazione(t *testing.T, fixture string) {
	s, m, path := apriFixture(t, fixture)
	if v, err := s.Versione(); err != nil || v != store.VersioneSchema {
		t.Fatalf("schema version %d (%v), want %d", v, err, store.VersioneSchema)
	}
	problemi, err := s.Controlla()
	if err != nil || len(problemi) > 0 {
		t.Fatalf("Controlla after the migration: %v %v", err, problemi)
	}

	for _, w := range m.Richieste {
		r, err := s.Richiesta(w.ID)
		if err != nil {
			t.Fatalf("request %d: %v", w.ID, err)
		}
		if r.Protocollo != w.Protocollo || r.Stato != w.Stato || r.Sede != w.Sede || r.Percorso != w.Percorso || r.Profilo != w.Profilo ||
			r.Anagrafica.CodiceFiscale != w.CodiceFiscale || r.Richiedente != w.Richiedente || r.Urgente != w.Urgente ||
			inviata(r) != w.Inviata || len(r.Storia) != w.Storia || (r.Esito != nil && r.Esito.CodiceMedico != w.CodiceMedico) {
			t.Errorf("request %d changed: %+v", w.ID, r)
		}
		if w.Protocollo != "" {
			if p, err := s.RichiestaPerProtocollo(w.Protocollo); err != nil || p.ID != w.ID {
				t.Errorf("protocol %s: %v", w.Protocollo, err)
			}
		}
	}
	for sede, stati := range m.CodaPerSede {
		conteggi, err := s.ConteggiCoda(sede)
		if err != nil {
			t.Fatal(err)
		}
		for st, n := range stati {
			if conteggi[st] != n {
				t.Errorf("queue of %s: %d %s, the fixture has %d", sede, conteggi[st], st, n)
			}
		}
		// Every page of the sede's queue reads the rows the counters count.
		p, err := s.Coda(store.QueryCoda{Sede: sede, PerPag: 100})
		if err != nil || p.Totale != len(p.Righe) {
			t.Errorf("queue of %s: %d rows for a total of %d (%v)", sede, len(p.Righe), p.Totale, err)
		}
	}

	cfVerificati := map[bool]int{}
	for _, w := range m.Utenti {
		u, err := s.Utente(w.ID)
		if err != nil {
			t.Fatalf("account %d: %v", w.ID, err)
		}
		if u.Email != w.Email || u.CodiceFiscale != w.CodiceFiscale || u.Ruolo != w.Ruolo || u.Sospeso != w.Sospeso || u.Revocato != w.Revocato ||
			(u.TOTP != nil) != w.HasTOTP || (u.PasswordHash != "") != w.Password || len(u.CodiciRecupero) != w.Recupero {
			t.Errorf("account %d changed: %+v", w.ID, u)
		}
		if x, err := s.UtentePerEmail(w.Email); err != nil || x.ID != w.ID {
			t.Errorf("account %d not found by its e-mail: %v", w.ID, err)
		}
		// Since schema 5 a codice fiscale belongs only to the account an
		// approval verified it for; one typed at registration claims nothing.
		x, err := s.UtentePerCF(w.CodiceFiscale)
		if w.CodiceFiscale != "" {
			cfVerificati[u.IdentitaVerificata()]++
		}
		switch {
		case u.IdentitaVerificata() && (err != nil || x.ID != w.ID):
			t.Errorf("account %d not found by its verified codice fiscale: %v", w.ID, err)
		case !u.IdentitaVerificata() && w.CodiceFiscale != "" && err == nil && x.ID == w.ID:
			t.Errorf("account %d holds the codice fiscale typed at registration", w.ID)
		}
	}
	if cfVerificati[true] == 0 || cfVerificati[false] == 0 {
		t.Errorf("the fixture's codici fiscali: %d verified, %d typed at registration; the test needs both", cfVerificati[true], cfVerificati[false])
	}
	staff, err := s.Staff()
	if err != nil || len(staff) != 3 {
		t.Errorf("%d staff accounts (%v), the fixture has 3", len(staff), err)
	}

	chiave, err := base64.StdEncoding.DecodeString(m.ChiaveBase64)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := security.NewKeyring(chiave)
	if err != nil {
		t.Fatal(err)
	}
	// Written before fingerprints: the key is tried on a sealed value, and a
	// wrong one refused; the right one's fingerprint is recorded.
	altra, _ := security.NewKeyring(make([]byte, security.KeySize))
	if err := s.VerificaChiave(altra); !errors.Is(err, store.ErrChiaveDiversa) {
		t.Errorf("another key: %v, want ErrChiaveDiversa", err)
	}
	if imp, _ := s.ImprontaChiave(); imp != "" {
		t.Errorf("a refused key left the fingerprint %q", imp)
	}
	if err := s.VerificaChiave(keys); err != nil {
		t.Errorf("the fixture's key: %v", err)
	}
	if imp, _ := s.ImprontaChiave(); imp != keys.Impronta() {
		t.Errorf("fingerprint %q, want %q", imp, keys.Impronta())
	}
	for _, w := range m.Attivazioni {
		a, err := s.Attivazione(w.UtenteID)
		if err != nil || a.Parte1Hash != w.Parte1Hash || !a.Scade.Equal(w.Scade) {
			t.Errorf("code of account %d: %+v, %v", w.UtenteID, a, err)
			continue
		}
		if w.Cifrata {
			// Sealed before codes were bound to themselves: it opens with the
			// account's context, which the pages fall back to.
			if p2, err := keys.Open(a.Parte2Cifrata, domain.ContestoParte2Utente(w.UtenteID)); err != nil || string(p2) != w.Parte2 {
				t.Errorf("part 2 of account %d: %q, %v", w.UtenteID, p2, err)
			}
		}
	}
	// A code of the fixture still starts an activation, while it is valid.
	w := m.Attivazioni[0]
	u, _ := s.Utente(w.UtenteID)
	nome := u.CodiceFiscale
	if nome == "" {
		nome = u.Email
	}
	if _, err := s.IniziaAttivazione(nome, w.Parte1, w.Parte2, security.HashToken("nuovo"), w.Scade.Add(-time.Minute)); err != nil {
		t.Errorf("the fixture's code of account %d: %v", w.UtenteID, err)
	}
	a, au, err := s.AttivazioneInCorso(m.InCorso.TokenHash, m.InCorso.Avviata.Add(time.Minute))
	if err != nil || au.ID != m.InCorso.UtenteID || a.Passo() != m.InCorso.Passo {
		t.Errorf("activation in progress: %+v of %v, %v", a, au, err)
	}

	for _, h := range m.Sessioni.Hash {
		if _, _, err := s.SessioneAttiva(h); err != nil {
			t.Errorf("session %s: %v", h, err)
		}
	}
	for _, tok := range m.Token {
		if _, err := s.TokenValido(tok.Hash, tok.Scopo, tok.Scade.Add(-time.Minute)); err != nil {
			t.Errorf("link %s: %v", tok.Scopo, err)
		}
	}
	for _, p := range m.Precompilate {
		if x, err := s.Precompilata(p.Hash, m.OraFixture); err != nil || x.Richiesta.Anagrafica.Cognome != p.Cognome {
			t.Errorf("Precompila module: %+v, %v", x, err)
		}
	}

	if n, err := s.VerificaAudit(); err != nil || n != m.Audit.Voci {
		t.Errorf("audit log: %d entries, %v; the fixture has %d", n, err, m.Audit.Voci)
	}
	eventi, err := s.EventiAudit(store.FiltroAudit{Limite: 1})
	if err != nil || len(eventi) != 1 || eventi[0].Hash != m.Audit.UltimoHash {
		t.Errorf("last audit entry %+v, %v", eventi, err)
	}

	conti, err := s.ContaPosta("")
	if err != nil {
		t.Fatal(err)
	}
	for st, n := range m.Outbox.PerStato {
		if conti[st] != n {
			t.Errorf("outbox: %d %s, the fixture has %d", conti[st], st, n)
		}
	}
	// The messages of requests now belong to the sede of their request.
	perSede := 0
	for _, sede := range []string{"MI", "RM", "NA"} {
		p, err := s.Posta(store.QueryPosta{Sede: sede, PerPag: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range p.Notifiche {
			if r, err := s.Richiesta(n.RichiestaID); err != nil || r.Sede != sede || n.Protocollo != r.Protocollo {
				t.Errorf("message %d listed in %s, its request %d is in %s (%v)", n.ID, sede, n.RichiestaID, r.Sede, err)
			}
		}
		perSede += len(p.Notifiche)
	}
	if perSede == 0 {
		t.Error("no message of the fixture belongs to a sede")
	}

	// The migration runs once; the file is usable and stays consistent.
	if _, err := s.PrendiInCarico(store.Atto{Chi: 2, Quando: m.OraFixture}, primaInviataDi(t, m, "MI")); err != nil {
		t.Errorf("taking a fixture request in charge: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if problemi, err := s.Controlla(); err != nil || len(problemi) > 0 {
		t.Fatalf("Controlla after an action and a reopening: %v %v", err, problemi)
	}
}

func primaInviataDi(t *testing.T, m manifesto, sede string) uint64 {
	t.Helper()
	for _, r := range m.Richieste {
		if r.Sede == sede && r.Stato == domain.StatoInviata {
			return r.ID
		}
	}
	t.Fatalf("no request inviata in %s in the fixture", sede)
	return 0
}

// TestDatabasePiuRecenteRifiutato refuses a file written by a newer version.
func TestDatabasePiuRecenteRifiutato(t *testing.T) {
	s, _, path := apriFixture(t, "schema1.db")
	if err := s.ImpostaVersione(store.VersioneSchema + 1); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err := store.Open(path); err == nil {
		s.Close()
		t.Fatal("a database of a newer schema was opened")
	}
}

func inviata(r *domain.Richiesta) string {
	if r.Inviata.IsZero() {
		return ""
	}
	return r.Inviata.UTC().Format(time.RFC3339)
}
