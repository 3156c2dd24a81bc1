package store

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// Derived data: every index entry and every counter is a function of one
// record. Saving a record compares what its old and new versions derive and
// writes the difference, in the transaction that saves it; the migration
// rebuilds them all from the records, and Controlla recomputes them and
// compares (controllo.go). Nothing else writes an index or a counter.

// voce is one key a record puts in an index bucket, with its value.
type voce struct {
	bucket []byte
	k, v   []byte
}

// derivato is what a record derives: index entries, the unique ones among
// them (a conflict when another record holds the key), and the aggregate
// counters it adds one to.
type derivato struct {
	voci   []voce
	uniche []voce
	conti  [][]byte
}

// aggiornaDerivati replaces what prima derived with what dopo derives.
// id is the record whose unique entries may already be in place.
func aggiornaDerivati(tx *bolt.Tx, prima, dopo derivato, id []byte) error {
	for _, v := range dopo.uniche {
		if old := tx.Bucket(v.bucket).Get(v.k); old != nil && !bytes.Equal(old, id) {
			return errUnico(v.bucket)
		}
	}
	nuove := map[string]bool{}
	for _, v := range append(dopo.voci, dopo.uniche...) {
		nuove[string(v.bucket)+"\x00"+string(v.k)] = true
	}
	for _, v := range append(prima.voci, prima.uniche...) {
		if !nuove[string(v.bucket)+"\x00"+string(v.k)] {
			if err := tx.Bucket(v.bucket).Delete(v.k); err != nil {
				return err
			}
		}
	}
	for _, v := range append(dopo.voci, dopo.uniche...) {
		b := tx.Bucket(v.bucket)
		if old := b.Get(v.k); old != nil && bytes.Equal(old, v.v) {
			continue
		}
		if err := b.Put(v.k, v.v); err != nil {
			return err
		}
	}
	delta := map[string]int64{}
	for _, k := range prima.conti {
		delta[string(k)]--
	}
	for _, k := range dopo.conti {
		delta[string(k)]++
	}
	agg := tx.Bucket(bucketAggregati)
	for k, d := range delta {
		if d != 0 {
			if err := somma(agg, []byte(k), d); err != nil {
				return err
			}
		}
	}
	return nil
}

// somma adds d to the counter at k, deleting it at zero.
func somma(b *bolt.Bucket, k []byte, d int64) error {
	var n int64
	if v := b.Get(k); v != nil {
		n = int64(binary.BigEndian.Uint64(v))
	}
	n += d
	switch {
	case n < 0:
		return fmt.Errorf("store: counter %q below zero", printable(k))
	case n == 0:
		return b.Delete(k)
	}
	return b.Put(k, itob(uint64(n)))
}

// errUnico is the conflict of a unique index.
func errUnico(bucket []byte) error {
	switch string(bucket) {
	case string(bucketUtentiEmail):
		return domain.Conflitto("Esiste già un account con questo indirizzo e-mail.")
	case string(bucketUtentiCF):
		return domain.Conflitto("Esiste già un account con questo codice fiscale.")
	}
	return domain.Conflitto("Il dato è già registrato.")
}

// The kinds of aggregate counter; the first byte of their keys. The
// counters of requests are kept for each sede and, under "*", for all.
const (
	contoCoda     = 'c' // sede | stato | percorso | profilo | urgenza: the queue's counts
	contoMese     = 'm' // sede | mese | percorso | profilo | stato: submissions and outcomes by month
	contoTempo    = 't' // sede | mese or "*" | bucket: times from submission to decision
	contoPosta    = 'o' // sede | stato: the outbox by sede and delivery state
	contoSede     = 's' // sede: the submitted requests of each sede
	meseQualsiasi = "*"
)

func conto(tipo byte, parti ...[]byte) []byte { return append([]byte{tipo, 0}, key(parti...)...) }

// urgenza is the byte of urgency in keys: urgent requests sort first.
func urgenza(urgente bool) []byte {
	if urgente {
		return []byte{0}
	}
	return []byte{1}
}

// derivaRichiesta is what a request derives.
func derivaRichiesta(r *domain.Richiesta) derivato {
	if r == nil {
		return derivato{}
	}
	id := itob(r.ID)
	riga := codificaRiga(r.Riga())
	d := derivato{voci: []voce{{bucketRichiesteUtente, key(itob(r.Richiedente), id), riga}}}
	for _, a := range r.Allegati {
		// Which files a request names: the others are orphans (Orfani).
		d.voci = append(d.voci, voce{bucketAllegati, key([]byte(a.ID), id), nil})
	}
	for _, c := range r.Comunicazioni {
		if c.Allegato != nil {
			d.voci = append(d.voci, voce{bucketAllegati, key([]byte(c.Allegato.ID), id), nil})
		}
	}
	if cf := domain.NormalizzaCodiceFiscale(r.Anagrafica.CodiceFiscale); cf != "" {
		d.voci = append(d.voci, voce{bucketRichiesteCF, key([]byte(cf), id), nil})
	}
	if r.Sede == "" || r.Stato == domain.StatoBozza {
		return d
	}
	if r.Protocollo != "" {
		// The id, then the row, for the search by protocol.
		d.voci = append(d.voci, voce{bucketProtocolli, []byte(r.Protocollo), append(bytes.Clone(id), riga...)})
	}
	sede := []byte(r.Sede)
	d.voci = append(d.voci, voce{bucketCoda, chiaveCoda(r), riga})
	// The search by name finds "Cognome Nome" and "Nome Cognome" alike.
	cognomeNome := domain.NormalizzaNome(r.Anagrafica.Cognome + " " + r.Anagrafica.Nome)
	nomeCognome := domain.NormalizzaNome(r.Anagrafica.Nome + " " + r.Anagrafica.Cognome)
	d.voci = append(d.voci, voce{bucketRichiesteNome, key(sede, []byte(cognomeNome), id), riga})
	if nomeCognome != cognomeNome {
		d.voci = append(d.voci, voce{bucketRichiesteNome, key(sede, []byte(nomeCognome), id), riga})
	}
	percorso, profilo, stato := []byte(r.Percorso), []byte(r.Profilo), []byte(r.Stato)
	mese := []byte(r.Mese())
	d.conti = append(d.conti, conto(contoSede, sede))
	// The counters of the sede, and the same for every sede ("*"), which
	// the statistics of the whole Institute read.
	for _, ambito := range [][]byte{sede, []byte(tutteLeSedi)} {
		d.conti = append(d.conti,
			conto(contoCoda, ambito, stato, percorso, profilo, urgenza(r.Urgente)),
			conto(contoMese, ambito, mese, percorso, profilo, stato))
		if t, ok := r.TempoDecisione(); ok {
			b := binary.BigEndian.AppendUint16(nil, uint16(domain.BucketTempo(t)))
			d.conti = append(d.conti, conto(contoTempo, ambito, mese, b), conto(contoTempo, ambito, []byte(meseQualsiasi), b))
		}
	}
	return d
}

// chiaveCoda is the key of a request in the operators' queue index, in the
// queue's order: sede | stato | urgency | submission time | id. A request
// withdrawn before submission (a counter draft) is ordered by its creation.
func chiaveCoda(r *domain.Richiesta) []byte {
	quando := r.Inviata
	if quando.IsZero() {
		quando = r.Creata
	}
	return key([]byte(r.Sede), []byte(r.Stato), urgenza(r.Urgente), itob(uint64(quando.UnixNano())), itob(r.ID))
}

// A row in an index value: the codes of its path and profile first, so that
// the queue's filters read two bytes, then the row's fields in a compact
// binary form (riga.go), since pages decode many rows.
var (
	codiciPercorso = []domain.Percorso{domain.PercorsoSportello, domain.PercorsoInailRisponde, domain.PercorsoOnline}
	codiciProfilo  = domain.Profili
)

func codice[T comparable](elenco []T, v T) byte {
	for i, x := range elenco {
		if x == v {
			return byte(i + 1)
		}
	}
	return 0
}

// derivaUtente is what an account derives.
func derivaUtente(u *domain.Utente) derivato {
	if u == nil {
		return derivato{}
	}
	id := itob(u.ID)
	d := derivato{
		uniche: []voce{{bucketUtentiEmail, []byte(u.Email), id}},
		voci:   []voce{{bucketUtentiRuolo, key([]byte(u.Ruolo), id), nil}},
	}
	if u.IdentitaVerificata() {
		d.uniche = append(d.uniche, voce{bucketUtentiCF, []byte(u.CodiceFiscale), id})
	}
	if u.NonConfermato() {
		scade := itob(uint64(u.Creato.Add(domain.DurataNonConfermato).UnixNano()))
		d.voci = append(d.voci, voce{bucketUtentiNonConfermati, append(scade, id...), nil})
	}
	if u.Sede != "" {
		// The name, for the pages that show who holds a request.
		d.voci = append(d.voci, voce{bucketUtentiSede, key([]byte(u.Sede), id), []byte(u.NomeCompleto())})
	}
	for _, a := range u.Abilitazioni {
		if a.CodiceStruttura != "" {
			// The structure's referenti and doctors, for their pages.
			d.voci = append(d.voci, voce{bucketUtentiStruttura, key([]byte(a.CodiceStruttura), id), []byte(a.Profilo)})
		}
	}
	return d
}

// derivaNotifica is what an outbox message derives: the worker's schedule
// while it waits, and the outbox pages' index by sede and state, both for
// its sede and for every sede ("*" is no sede's code).
func derivaNotifica(n *domain.Notifica) derivato {
	if n == nil {
		return derivato{}
	}
	id := itob(n.ID)
	sede, stato := []byte(n.Sede), []byte(n.Stato)
	d := derivato{
		voci: []voce{
			{bucketOutboxIndice, key(sede, stato, id), nil},
			{bucketOutboxIndice, key(sede, []byte(tuttiGliStati), id), nil},
			{bucketOutboxIndice, key([]byte(tutteLeSedi), stato, id), nil},
			{bucketOutboxIndice, key([]byte(tutteLeSedi), []byte(tuttiGliStati), id), nil},
		},
		conti: [][]byte{conto(contoPosta, sede, stato)},
	}
	if n.Stato == domain.NotificaInCoda {
		d.voci = append(d.voci, voce{bucketOutboxScadenze, append(itob(uint64(n.Prossimo.UnixNano())), id...), nil})
	}
	return d
}

// tutteLeSedi and tuttiGliStati stand for any sede and any state in the
// outbox index; neither is a sede code or a state.
const (
	tutteLeSedi   = "*"
	tuttiGliStati = "*"
)

// derivaToken is what a single-use link derives: its user's links by
// purpose (a new one replaces them) and the expiry schedule.
func derivaToken(hash string, t *domain.Token) derivato {
	if t == nil {
		return derivato{}
	}
	d := derivato{voci: []voce{{bucketTokenScadenze, append(itob(uint64(t.Scade.UnixNano())), hash...), nil}}}
	if t.UtenteID != 0 {
		d.voci = append(d.voci, voce{bucketTokenUtente, key(itob(t.UtenteID), []byte(t.Scopo), []byte(hash)), nil})
	}
	return d
}

// derivaPrecompilata is what a pre-filled module derives: its expiry.
func derivaPrecompilata(hash string, p *domain.Precompilata) derivato {
	if p == nil {
		return derivato{}
	}
	return derivato{voci: []voce{{bucketPrecompilateScadenze, append(itob(uint64(p.Scade.UnixNano())), hash...), nil}}}
}

// derivaSessione is what a session derives: its user's sessions.
func derivaSessione(ss *domain.Sessione) derivato {
	if ss == nil {
		return derivato{}
	}
	return derivato{voci: []voce{{bucketSessioniUtente, key(itob(ss.UtenteID), []byte(ss.Hash)), nil}}}
}

// derivaAudit is what an audit entry derives: the entries of a request and
// of a user, newest last.
func derivaAudit(e *domain.EventoAudit) derivato {
	if e == nil {
		return derivato{}
	}
	id := itob(e.ID)
	var d derivato
	if e.Richiesta != 0 {
		d.voci = append(d.voci, voce{bucketAuditRichiesta, key(itob(e.Richiesta), id), nil})
	}
	if e.Chi != 0 {
		d.voci = append(d.voci, voce{bucketAuditChi, key(itob(e.Chi), id), nil})
	}
	return d
}
