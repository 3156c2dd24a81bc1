package store

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// Bucket names. Records are kept in the plain buckets; index buckets start
// with "idx_" and, with the counters of "aggregati", are derived from the
// records (derivati.go).
var (
	bucketMeta                 = []byte("meta")
	bucketUtenti               = []byte("utenti")
	bucketSessioni             = []byte("sessioni")
	bucketToken                = []byte("token")
	bucketRichieste            = []byte("richieste")
	bucketContatori            = []byte("contatori") // protocol numbers per sede and year, codici medici
	bucketOutbox               = []byte("outbox")
	bucketSedi                 = []byte("sedi")
	bucketAudit                = []byte("audit")
	bucketPrecompilate         = []byte("precompilate")
	bucketAttivazioni          = []byte("attivazioni")               // user id → its one live activation code
	bucketInAttivazione        = []byte("attivazioni_in_corso")      // hash of an activation session token → its progress
	bucketAccessi              = []byte("accessi")                   // user id | time | seq → login attempt
	bucketDispositivi          = []byte("dispositivi")               // user id | device fingerprint → last successful login
	bucketImpostazioni         = []byte("impostazioni")              // name → settings an administrator edits (impostazioni.go)
	bucketAggregati            = []byte("aggregati")                 // derived counters (derivati.go)
	bucketUtentiEmail          = []byte("idx_utenti_email")          // e-mail → user id
	bucketUtentiCF             = []byte("idx_utenti_cf")             // codice fiscale → user id
	bucketUtentiSede           = []byte("idx_utenti_sede")           // sede | user id → name
	bucketUtentiRuolo          = []byte("idx_utenti_ruolo")          // ruolo | user id
	bucketUtentiNonConfermati  = []byte("idx_utenti_non_confermati") // expiry | user id, registrations never confirmed
	bucketSessioniUtente       = []byte("idx_sessioni_utente")       // user id | session hash
	bucketRichiesteUtente      = []byte("idx_richieste_utente")      // applicant id | request id
	bucketRichiesteCF          = []byte("idx_richieste_cf")          // codice fiscale | request id
	bucketRichiesteNome        = []byte("idx_richieste_nome")        // sede | COGNOME NOME | request id → queue row
	bucketCoda                 = []byte("idx_coda")                  // sede | stato | urgency | time | id → queue row
	bucketProtocolli           = []byte("idx_protocolli")            // protocol → request id
	bucketOutboxScadenze       = []byte("idx_outbox_scadenze")       // next attempt | id, while queued
	bucketOutboxIndice         = []byte("idx_outbox")                // sede | stato | id
	bucketTokenUtente          = []byte("idx_token_utente")          // user id | purpose | token hash
	bucketTokenScadenze        = []byte("idx_token_scadenze")        // expiry | token hash
	bucketPrecompilateScadenze = []byte("idx_precompilate_scadenze") // expiry | code hash
	bucketAuditRichiesta       = []byte("idx_audit_richiesta")       // request id | entry id
	bucketAuditChi             = []byte("idx_audit_chi")             // user id | entry id
	bucketAllegati             = []byte("idx_allegati")              // attachment file id | request id
	bucketUtentiStruttura      = []byte("idx_utenti_struttura")      // structure code | user id → profile: referenti and medici ospedalieri
)

// bucketRecord are the buckets of records, kept by every migration.
var bucketRecord = [][]byte{bucketMeta, bucketUtenti, bucketSessioni, bucketToken, bucketRichieste, bucketContatori,
	bucketOutbox, bucketSedi, bucketAudit, bucketPrecompilate, bucketAttivazioni, bucketInAttivazione, bucketAccessi,
	bucketDispositivi, bucketImpostazioni}

// bucketDerivati are the buckets rebuilt from the records.
var bucketDerivati = [][]byte{bucketAggregati, bucketUtentiEmail, bucketUtentiCF, bucketUtentiSede, bucketUtentiRuolo,
	bucketUtentiNonConfermati, bucketSessioniUtente, bucketRichiesteUtente, bucketRichiesteCF, bucketRichiesteNome, bucketCoda, bucketProtocolli,
	bucketOutboxScadenze, bucketOutboxIndice, bucketTokenUtente, bucketTokenScadenze, bucketPrecompilateScadenze,
	bucketAuditRichiesta, bucketAuditChi, bucketAllegati, bucketUtentiStruttura}

// VersioneSchema is the version of the data this code writes. A database
// without a version in meta was written before versions existed: 1.
const VersioneSchema = 7

var chiaveVersione = []byte("versione_schema")

// migrazione brings a database from version Da to Da+1: Applica changes
// the records, if they need it, and Derivati says whether the derived
// buckets must be rebuilt afterwards. Applica must be idempotent: an
// interrupted migration runs again from the start at the next start.
type migrazione struct {
	Da       int
	Descr    string
	Applica  func(db *bolt.DB) error
	Derivati bool
}

// migrazioni are applied in order at start, each once.
var migrazioni = []migrazione{
	{Da: 1, Descr: "sede e protocollo dei messaggi in uscita; indici e contatori ricostruiti dai record: coda con le righe, ricerca per nome, aggregati delle statistiche, posta per sede e stato, scadenze",
		Applica: assegnaSediNotifiche, Derivati: true},
	{Da: 2, Descr: "righe degli elenchi in formato binario, anche per gli elenchi dei richiedenti; contatori di tutte le sedi insieme",
		Derivati: true},
	{Da: 3, Descr: "nomi degli operatori nell'indice per sede", Derivati: true},
	{Da: 4, Descr: "il codice fiscale appartiene solo agli account con l'identità verificata; scadenze delle registrazioni non confermate", Derivati: true},
	{Da: 5, Descr: "indice dei file degli allegati, per riconoscere all'avvio quelli che nessuna richiesta nomina", Derivati: true},
	{Da: 6, Descr: "indice degli account per struttura ospedaliera: referenti e medici ospedalieri", Derivati: true},
}

// versione reads the schema version of a database; 0 when it is new.
func versione(tx *bolt.Tx) int {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return 0
	}
	if v := meta.Get(chiaveVersione); v != nil {
		return int(btoi(v))
	}
	// Written before versions existed: version 1 if it holds anything.
	if b := tx.Bucket(bucketUtenti); b != nil {
		if k, _ := b.Cursor().First(); k != nil {
			return 1
		}
	}
	if b := tx.Bucket(bucketSedi); b != nil {
		if k, _ := b.Cursor().First(); k != nil {
			return 1
		}
	}
	return 0
}

// migra creates the buckets of a new database, or applies the migrations
// an older one needs. A database newer than this code is refused.
func migra(db *bolt.DB) error {
	var v int
	err := db.Update(func(tx *bolt.Tx) error {
		v = versione(tx)
		for _, b := range append(append([][]byte{}, bucketRecord...), bucketDerivati...) {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		if v == 0 {
			v = VersioneSchema
			return tx.Bucket(bucketMeta).Put(chiaveVersione, itob(VersioneSchema))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("creating buckets: %w", err)
	}
	if v > VersioneSchema {
		return fmt.Errorf("il database è alla versione %d dello schema, più recente di questo programma (%d): aggiorna Abilita", v, VersioneSchema)
	}
	// The records are migrated step by step; the derived buckets are
	// rebuilt once, after the last step that needs it, and only then does
	// the version change.
	var derivati bool
	for _, m := range migrazioni {
		if m.Da < v {
			continue
		}
		if m.Applica != nil {
			if err := m.Applica(db); err != nil {
				return fmt.Errorf("migrazione dalla versione %d (%s): %w", m.Da, m.Descr, err)
			}
		}
		derivati = derivati || m.Derivati
	}
	if v == VersioneSchema {
		return nil
	}
	if derivati {
		if err := ricostruisciDerivati(db); err != nil {
			return fmt.Errorf("migrazione dalla versione %d: ricostruzione di indici e contatori: %w", v, err)
		}
	}
	return db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(chiaveVersione, itob(VersioneSchema)) })
}

// recordPerTransazione is how many records the rebuild reads in one
// transaction, so that a large archive does not make one huge transaction.
const recordPerTransazione = 20000

// ricostruisciDerivati empties every derived bucket and derives it again
// from the records, a few thousand records per transaction; the counters
// are written in the last one. Interrupted, it starts again at the next
// start, since the version changes only after it.
func ricostruisciDerivati(db *bolt.DB) error {
	err := db.Update(func(tx *bolt.Tx) error {
		for _, b := range bucketDerivati {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
			if _, err := tx.CreateBucket(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	conti := map[string]int64{}
	for _, src := range sorgenti {
		var dopo []byte
		for {
			var fine bool
			err := db.Update(func(tx *bolt.Tx) error {
				c := tx.Bucket(src.bucket).Cursor()
				k, v := c.First()
				if dopo != nil {
					if k, v = c.Seek(dopo); k != nil && string(k) == string(dopo) {
						k, v = c.Next()
					}
				}
				for n := 0; k != nil && n < recordPerTransazione; k, v = c.Next() {
					d, err := src.deriva(k, v)
					if err != nil {
						return fmt.Errorf("%s %q: %w", src.bucket, printable(k), err)
					}
					for _, x := range append(d.voci, d.uniche...) {
						if err := tx.Bucket(x.bucket).Put(x.k, x.v); err != nil {
							return err
						}
					}
					for _, c := range d.conti {
						conti[string(c)]++
					}
					dopo = append(dopo[:0], k...)
					n++
				}
				fine = k == nil
				return nil
			})
			if err != nil || fine {
				if err != nil {
					return err
				}
				break
			}
		}
	}
	return db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAggregati)
		for k, n := range conti {
			if err := b.Put([]byte(k), itob(uint64(n))); err != nil {
				return err
			}
		}
		return nil
	})
}

// sorgente is a bucket of records and what each record derives.
type sorgente struct {
	bucket []byte
	deriva func(k, v []byte) (derivato, error)
}

// sorgenti are every bucket of records that derives something.
var sorgenti = []sorgente{
	{bucketRichieste, func(_, v []byte) (derivato, error) {
		var r domain.Richiesta
		err := json.Unmarshal(v, &r)
		return derivaRichiesta(&r), err
	}},
	{bucketUtenti, func(_, v []byte) (derivato, error) {
		var u domain.Utente
		err := json.Unmarshal(v, &u)
		return derivaUtente(&u), err
	}},
	{bucketOutbox, func(_, v []byte) (derivato, error) {
		var n domain.Notifica
		err := json.Unmarshal(v, &n)
		return derivaNotifica(&n), err
	}},
	{bucketToken, func(k, v []byte) (derivato, error) {
		var t domain.Token
		err := json.Unmarshal(v, &t)
		return derivaToken(string(k), &t), err
	}},
	{bucketPrecompilate, func(k, v []byte) (derivato, error) {
		var p domain.Precompilata
		err := json.Unmarshal(v, &p)
		return derivaPrecompilata(string(k), &p), err
	}},
	{bucketSessioni, func(k, v []byte) (derivato, error) {
		var ss domain.Sessione
		err := json.Unmarshal(v, &ss)
		ss.Hash = string(k)
		return derivaSessione(&ss), err
	}},
	{bucketAudit, func(_, v []byte) (derivato, error) {
		var e domain.EventoAudit
		err := json.Unmarshal(v, &e)
		return derivaAudit(&e), err
	}},
}

// assegnaSediNotifiche gives the outbox messages written before they had a
// sede the sede of their request, so that the sede's "Posta in uscita"
// lists them.
func assegnaSediNotifiche(db *bolt.DB) error {
	var dopo []byte
	for {
		var fine bool
		err := db.Update(func(tx *bolt.Tx) error {
			b, richieste := tx.Bucket(bucketOutbox), tx.Bucket(bucketRichieste)
			c := b.Cursor()
			k, v := c.First()
			if dopo != nil {
				if k, v = c.Seek(dopo); k != nil && string(k) == string(dopo) {
					k, v = c.Next()
				}
			}
			var cambiate []domain.Notifica
			for n := 0; k != nil && n < recordPerTransazione; k, v = c.Next() {
				var x domain.Notifica
				if err := json.Unmarshal(v, &x); err != nil {
					return fmt.Errorf("outbox %d: %w", btoi(k), err)
				}
				if x.Sede == "" && x.RichiestaID != 0 {
					var r domain.Richiesta
					if err := get(richieste, itob(x.RichiestaID), &r); err == nil && r.Sede != "" {
						x.Sede, x.Protocollo = r.Sede, r.Protocollo
						cambiate = append(cambiate, x)
					}
				}
				dopo = append(dopo[:0], k...)
				n++
			}
			fine = k == nil
			for _, x := range cambiate {
				if err := put(b, itob(x.ID), x); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil || fine {
			return err
		}
	}
}
