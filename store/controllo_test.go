package store_test

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
	"abilita/security"
	"abilita/store"
)

// molteAzioni does, at t0, a bit of everything the application does, so
// that every kind of record, index and counter is written.
func molteAzioni(tb testing.TB, s *store.Store) {
	tb.Helper()
	ok := func(_ any, err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	admin := creaAmministratore(tb, s, "admin@example.it")
	op := creaOperatore(tb, s, "op.pi@example.it", "PI")
	_, codiceStaff := nuovoCodice(t0)
	ok(s.CreaStaff(atto(admin.ID, t0), domain.Utente{Ruolo: domain.RuoloOperatore, Email: "op.mi@example.it", Sede: "MI", Nome: "Nome", Cognome: "Cognome"}, codiceStaff,
		[]domain.Messaggio{messaggio("Il tuo account")}))
	pisa, err := s.Sede("PI")
	ok(pisa, err)
	pisa.Telefono = "050 123456"
	ok(nil, s.SalvaSede(atto(admin.ID, t0), pisa, "telefono della sede di Pisa"))

	// Rossi registers, verifies, logs in from two devices and gets approved.
	u := registra(tb, s, rossi, "verifica", time.Hour)
	ok(s.VerificaEmail("verifica", t0))
	ok(nil, s.RegistraAccesso(u.ID, domain.Accesso{Quando: t0, UserAgent: chrome, Metodo: domain.MetodoPassword}))
	entra(tb, s, u.ID, "s1", firefox, t0)
	entra(tb, s, u.ID, "s2", chrome, t0)
	r1 := inLavorazione(tb, s, u.ID, op.ID, richiestaCompleta(rossi))
	ok(nil, s.RegistraVisione(atto(op.ID, t0), r1.ID, domain.AuditVisualizzaDocumento, "documento_fronte"))
	_, k := approva(tb, s, op.ID, r1.ID, u.Email, t0)
	attiva(tb, s, rossi.CF(), k.Parte1, k.Parte2, 100, t0)
	ok(s.ApriSessioneConTOTP(conTOTP(u.ID, "s3", t0), 101))
	ok(s.CambiaPassword(atto(u.ID, t0), store.Cambio{Fattore: &store.Fattore{Passo: 102}, Sessione: "s3"}, "nuova"))
	_, nuovo := nuovoCodice(t0)
	ok(s.AzzeraTOTP(atto(op.ID, t0), u.ID, "telefono smarrito", "carta d'identità", nuovo, []domain.Messaggio{messaggio("Nuovo codice")}))

	// Neri is rejected, Verdi rerouted and asked for more, Bianchi withdraws.
	uNeri, uVerdi, uBianchi := richiedente(tb, s, neri), richiedente(tb, s, verdi), richiedente(tb, s, bianchi)
	rNeri := inLavorazione(tb, s, uNeri.ID, op.ID, richiestaCompleta(neri))
	ok(s.Respingi(atto(op.ID, t0), rNeri.ID, []domain.MotivoRifiuto{domain.MotivoAltro}, "Manca la firma."))
	bozza(tb, s, uNeri.ID, richiestaCompleta(neri))
	rVerdi := invia(tb, s, uVerdi.ID, richiestaCompleta(verdi))
	ok(s.Reinstrada(atto(admin.ID, t0), rVerdi.ID, "PI", "residente a Pisa"))
	ok(s.PrendiInCarico(atto(op.ID, t0), rVerdi.ID))
	ok(s.ChiediIntegrazione(atto(op.ID, t0), rVerdi.ID, "Il documento è illeggibile."))
	ok(s.Rispondi(atto(uVerdi.ID, t0), rVerdi.ID, store.Risposta{Testo: "Eccolo.", Tipo: domain.AllegatoDocumentoFronte, Allegato: &domain.Allegato{ID: "nuovo"}}))
	ok(s.Annulla(atto(uBianchi.ID, t0), invia(tb, s, uBianchi.ID, richiestaCompleta(bianchi)).ID))

	// A module filled in online is loaded at the counter and approved: the
	// applicant gets an account, then loses it.
	codiceModulo := security.HashToken("modulo")
	gialli := persona{"Gialli", "Carlo", "Pisa", "PI", "56100"}
	modulo := richiestaCompleta(gialli)
	ok(nil, s.SalvaPrecompilata(codiceModulo, domain.Precompilata{Richiesta: *modulo, Creata: t0, Scade: t0.Add(24 * time.Hour)}))
	rs, err := s.ApriSportello(atto(op.ID, t0), codiceModulo)
	ok(rs, err)
	ok(s.SalvaBozza(atto(op.ID, t0), rs.ID, modulo))
	ok(s.AllegaDocumenti(atto(op.ID, t0), rs.ID, modulo.Allegati))
	ok(s.Invia(atto(op.ID, t0), rs.ID))
	ok(s.PrendiInCarico(atto(op.ID, t0), rs.ID))
	ok(s.SalvaChecklist(atto(op.ID, t0), rs.ID, checklistCompleta))
	esito, _ := approva(tb, s, op.ID, rs.ID, gialli.Email(), t0)
	ok(s.Sospendi(atto(op.ID, t0), esito.UtenteID, true, "controllo"))
	ok(s.Sospendi(atto(op.ID, t0), esito.UtenteID, false, ""))
	ok(s.Revoca(atto(op.ID, t0), esito.UtenteID, "richiesta dell'interessata"))

	// The other links and messages.
	registra(tb, s, persona{Cognome: "Blu", Nome: "Ada"}, "verifica-blu", time.Hour)
	ok(s.Registra(atto(0, t0), registrazione(rossi, "doppione", time.Hour)))
	chiediReset(tb, s, uNeri.Email, "reset", t0, time.Hour)
	ok(s.ReimpostaPassword(atto(0, t0), "reset", "nuova"))
	ok(s.ChiudiAltreSessioni(atto(u.ID, t0), ""))
	posta := tutta(tb, s)
	ok(nil, s.MarkSent(posta[0].ID, t0))
	ok(nil, s.MarkFailed(posta[1].ID, 3, "550"))
	ok(nil, s.MarkRetry(posta[2].ID, 1, t0.Add(time.Minute), "421"))
}

func TestControllaNonTrovaNullaDopoMolteAzioni(t *testing.T) {
	s := MustOpenConSedi(t)
	molteAzioni(t, s)
	if p, err := s.Controlla(); err != nil || len(p) > 0 {
		t.Fatalf("problemi in un database scritto solo dalle azioni: %q, %v", p, err)
	}
	if _, err := s.VerificaAudit(); err != nil {
		t.Errorf("VerificaAudit = %v", err)
	}
	// Rebuilding gives back exactly what the actions wrote.
	prima := istantanea(t, s)
	if err := s.Ricostruisci(); err != nil {
		t.Fatal(err)
	}
	invariato(t, s, prima)
}

func TestBackup(t *testing.T) {
	s := MustOpenConSedi(t)
	u := richiedente(t, s, rossi)
	r := invia(t, s, u.ID, richiestaCompleta(rossi))
	var buf bytes.Buffer
	if _, err := s.Backup(&buf); err != nil {
		t.Fatal(err)
	}
	copia := filepath.Join(t.TempDir(), "copia.db")
	if err := os.WriteFile(copia, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	c := MustOpenAt(t, copia)
	if got, err := c.Richiesta(r.ID); err != nil || got.Protocollo != "PI-2026-000001" {
		t.Fatalf("copia di sicurezza: %+v, %v", got, err)
	}
	if p, err := c.Controlla(); err != nil || len(p) > 0 {
		t.Errorf("Controlla della copia = %q, %v", p, err)
	}
}

// manometti changes the file at path with bbolt directly, as someone with
// access to the file and not to the application would.
func manometti(tb testing.TB, path string, fn func(tx *bolt.Tx) error) {
	tb.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(fn); err != nil {
		tb.Fatal(err)
	}
}

func be(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// primaChiave changes the first key of a bucket with fn.
func primaChiave(bucket string, fn func(b *bolt.Bucket, k, v []byte) error) func(*bolt.Tx) error {
	return func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucket))
		k, v := b.Cursor().First()
		return fn(b, bytes.Clone(k), bytes.Clone(v))
	}
}

func TestControllaTrovaLeManomissioni(t *testing.T) {
	sano := filepath.Join(t.TempDir(), "sano.db")
	s := MustOpenAt(t, sano)
	seminaSedi(t, s)
	molteAzioni(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	dati, err := os.ReadFile(sano)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		nome     string
		cambia   func(*bolt.Tx) error
		problema string // in one of the problems
		derivato bool   // Ricostruisci repairs it
	}{
		{"voce della coda tolta", primaChiave("idx_coda", func(b *bolt.Bucket, k, _ []byte) error { return b.Delete(k) }), "idx_coda: voce mancante", true},
		{"riga della coda cambiata", primaChiave("idx_coda", func(b *bolt.Bucket, k, v []byte) error {
			v[len(v)-1] ^= 1 // the operator in charge, the last field
			return b.Put(k, v)
		}), "idx_coda: voce", true},
		{"protocollo in più", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("idx_protocolli")).Put([]byte("XX-2026-000009"), be(99))
		}, "idx_protocolli: ", true},
		{"e-mail in più", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("idx_utenti_email")).Put([]byte("fantasma@example.it"), be(99))
		}, "idx_utenti_email: ", true},
		{"contatore cambiato", primaChiave("aggregati", func(b *bolt.Bucket, k, _ []byte) error { return b.Put(k, be(99)) }), "vale 99", true},
		{"contatore tolto", primaChiave("aggregati", func(b *bolt.Bucket, k, _ []byte) error { return b.Delete(k) }), "manca, i record danno", true},
		{"posta senza scadenza", primaChiave("idx_outbox_scadenze", func(b *bolt.Bucket, k, _ []byte) error { return b.Delete(k) }), "idx_outbox_scadenze: voce mancante", true},
		{"sessione orfana", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("sessioni")).Put([]byte("orfana"), []byte(`{"utente_id":999}`))
		}, `sessioni: "orfana" non corrisponde a un account`, false},
		{"codice di attivazione orfano", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("attivazioni")).Put(be(999), []byte(`{"utente_id":999,"parte1_hash":"a","parte2_hash":"b"}`))
		}, "attivazioni: il codice dell'utente 999", false},
		{"attivazione in corso orfana", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("attivazioni_in_corso")).Put([]byte("tok"), []byte(`{"utente_id":999}`))
		}, `attivazioni_in_corso: "tok"`, false},
		{"accesso orfano", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("accessi")).Put(append(be(999), 0, 1), []byte(`{}`))
		}, "accessi: ", false},
	} {
		t.Run(tc.nome, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "abilita.db")
			if err := os.WriteFile(path, dati, 0o600); err != nil {
				t.Fatal(err)
			}
			manometti(t, path, tc.cambia)
			s := MustOpenAt(t, path)
			trovato := func() bool {
				t.Helper()
				p, err := s.Controlla()
				if err != nil {
					t.Fatal(err)
				}
				for _, x := range p {
					if strings.Contains(x, tc.problema) {
						return true
					}
				}
				t.Logf("problemi: %q", p)
				return false
			}
			if !trovato() {
				t.Fatalf("Controlla non segnala %q", tc.problema)
			}
			if err := s.Ricostruisci(); err != nil {
				t.Fatal(err)
			}
			if tc.derivato {
				if p, err := s.Controlla(); err != nil || len(p) > 0 {
					t.Errorf("dopo Ricostruisci: %q, %v", p, err)
				}
			} else if !trovato() {
				t.Errorf("Ricostruisci ha nascosto un record orfano")
			}
		})
	}
}

// A database of schema version 1, before the indexes it has now, gets
// them at the first start.
func TestMigrazioneRicostruisceGliIndici(t *testing.T) {
	path := filepath.Join(t.TempDir(), "abilita.db")
	s := MustOpenAt(t, path)
	seminaSedi(t, s)
	molteAzioni(t, s)
	prima := istantanea(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	manometti(t, path, func(tx *bolt.Tx) error {
		for _, b := range []string{"idx_richieste_cf", "idx_coda", "idx_outbox", "aggregati"} {
			if err := tx.DeleteBucket([]byte(b)); err != nil {
				return err
			}
		}
		return tx.Bucket([]byte("meta")).Put([]byte("versione_schema"), be(1))
	})
	s = MustOpenAt(t, path)
	invariato(t, s, prima)
	if got, err := s.RichiestePerCF(rossi.CF()); err != nil || len(got) != 1 {
		t.Errorf("RichiestePerCF dopo la migrazione = %d, %v", len(got), err)
	}
}

// The index of attachments names every file a request holds, as its
// attachments change.
func TestAllegatiNominati(t *testing.T) {
	s := MustOpenConSedi(t)
	u := richiedente(t, s, rossi)
	r := richiestaCompleta(rossi)
	r.Allegati = map[domain.TipoAllegato]domain.Allegato{domain.AllegatoDocumentoFronte: {ID: "aaaa"}, domain.AllegatoDocumentoRetro: {ID: "bbbb"}}
	id := bozza(t, s, u.ID, r).ID
	noti, err := s.AllegatiNominati([]string{"aaaa", "bbbb", "cccc"})
	if err != nil || !noti["aaaa"] || !noti["bbbb"] || noti["cccc"] {
		t.Fatalf("AllegatiNominati = %v, %v", noti, err)
	}
	err = s.Importa(func(im *store.Importazione) error {
		_, err := im.AggiornaRichiesta(id, func(x *domain.Richiesta) error {
			x.Allegati[domain.AllegatoDocumentoFronte] = domain.Allegato{ID: "cccc"}
			return nil
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if noti, _ := s.AllegatiNominati([]string{"aaaa", "cccc"}); noti["aaaa"] || !noti["cccc"] {
		t.Errorf("after replacing the front: %v", noti)
	}
	if problemi, err := s.Controlla(); err != nil || len(problemi) > 0 {
		t.Errorf("check: %v, %v", problemi, err)
	}
}
