package store

import (
	"bytes"
	"encoding/base64"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// The operators' queue: read from the index whose keys are in the queue's
// order (sede, state, urgent first, oldest first) and whose values are the
// rows, one page at a time with a cursor, with its totals from the
// counters. A page reads its rows and the few keys around them; nothing
// decodes a request that is not on the page.

// QueryCoda selects requests of one sede for the operators' queue.
type QueryCoda struct {
	Sede     string
	Stati    []domain.Stato // empty: every state but bozza
	Percorso domain.Percorso
	Profilo  domain.Profilo
	Urgenti  bool
	Vecchie  time.Duration // only requests submitted at least this long ago
	Testo    string        // the start of a protocol number, a codice fiscale, or "cognome nome" or "nome cognome"
	Ora      time.Time     // for Vecchie
	Dopo     string        // the page after the row with this cursor
	Prima    string        // the page before the row with this cursor
	PerPag   int
}

// PaginaCoda is one page of the queue.
type PaginaCoda struct {
	Righe []domain.RigaCoda
	// Totale counts every row the filters select; it is known (TotaleNoto)
	// when the counters give it: not for the age filter.
	Totale     int
	TotaleNoto bool
	Prec, Succ string // cursors of the neighbouring pages; "" at either end
	// Ricerca: the rows are those whose protocol, codice fiscale or name
	// start with the text; Troncata: more than MaxRicerca matched.
	Ricerca, Troncata bool
}

// MaxRicerca is the most rows a search shows: it looks someone up, it does
// not browse.
const MaxRicerca = 50

// Coda reads one page of the queue.
func (s *Store) Coda(q QueryCoda) (PaginaCoda, error) {
	if q.PerPag <= 0 {
		q.PerPag = 20
	}
	if len(q.Stati) == 0 {
		q.Stati = slices.DeleteFunc(slices.Clone(domain.Stati), func(s domain.Stato) bool { return s == domain.StatoBozza })
	}
	var p PaginaCoda
	err := s.leggi(func(tx *bolt.Tx) error {
		if strings.TrimSpace(q.Testo) != "" {
			var err error
			p, err = cerca(tx, q)
			return err
		}
		avanti := q.Prima == ""
		da, _ := decodificaCursore(q.Dopo)
		if !avanti {
			da, _ = decodificaCursore(q.Prima)
		}
		righe, err := scorri(tx, q, da, avanti, q.PerPag+1)
		if err != nil {
			return err
		}
		altre := len(righe) > q.PerPag
		righe = righe[:min(len(righe), q.PerPag)]
		if !avanti {
			slices.Reverse(righe)
		}
		p.Righe = righe
		if len(righe) > 0 {
			primo, ultimo := cursoreDi(righe[0]), cursoreDi(righe[len(righe)-1])
			// The page on the other side of where we came from exists if one
			// row is there.
			if avanti {
				p.Succ = siAltre(altre, ultimo)
				prec, err := scorri(tx, q, primo, false, 1)
				if err != nil {
					return err
				}
				p.Prec = siAltre(len(prec) > 0, primo)
			} else {
				p.Prec = siAltre(altre, primo)
				succ, err := scorri(tx, q, ultimo, true, 1)
				if err != nil {
					return err
				}
				p.Succ = siAltre(len(succ) > 0, ultimo)
			}
		}
		if q.Vecchie == 0 {
			p.Totale, p.TotaleNoto = totale(tx, q), true
		}
		return nil
	})
	return p, err
}

func siAltre(ciSono bool, cursore []byte) string {
	if !ciSono {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(cursore)
}

// The cursor of a row is the tail of its queue key: urgency, time, id.
const lunghezzaCoda = 1 + 1 + 8 + 1 + 8

func cursoreDi(r domain.RigaCoda) []byte {
	k := chiaveCoda(&domain.Richiesta{ID: r.ID, Urgente: r.Urgente, Inviata: r.Inviata, Creata: r.Creata})
	return k[len(k)-lunghezzaCoda:]
}

func decodificaCursore(s string) ([]byte, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) != lunghezzaCoda {
		return nil, false
	}
	return b, true
}

// flusso is one state's part of the queue index, walked in one direction.
type flusso struct {
	c      *bolt.Cursor
	base   []byte // sede | stato |
	prefix []byte // base, and the urgency byte when only urgent rows count
	k, v   []byte
}

// scorri returns up to n rows after (avanti) or before the position da
// (nil: from the start or the end), merging the states' parts of the index
// in the queue's order and skipping the rows the filters leave out.
func scorri(tx *bolt.Tx, q QueryCoda, da []byte, avanti bool, n int) ([]domain.RigaCoda, error) {
	b := tx.Bucket(bucketCoda)
	var flussi []*flusso
	for _, st := range q.Stati {
		f := &flusso{c: b.Cursor(), base: prefisso([]byte(q.Sede), []byte(st))}
		f.prefix = f.base
		if q.Urgenti {
			f.prefix = append(bytes.Clone(f.base), urgenza(true)...)
		}
		f.posiziona(da, avanti)
		flussi = append(flussi, f)
	}
	percorso, profilo := codice(codiciPercorso, q.Percorso), codice(codiciProfilo, q.Profilo)
	limite := itob(uint64(q.Ora.Add(-q.Vecchie).UnixNano()))
	out := make([]domain.RigaCoda, 0, n)
	for len(out) < n {
		var scelto *flusso
		for _, f := range flussi {
			for f.k != nil {
				tail := f.k[len(f.k)-lunghezzaCoda:]
				if q.Vecchie > 0 && bytes.Compare(tail[2:10], limite) > 0 {
					f.saltaRecenti(tail[0], limite, avanti)
					continue
				}
				if (percorso != 0 && f.v[0] != percorso) || (profilo != 0 && f.v[1] != profilo) {
					f.passa(avanti)
					continue
				}
				break
			}
			if f.k == nil {
				continue
			}
			if scelto == nil {
				scelto = f
				continue
			}
			c := bytes.Compare(f.k[len(f.k)-lunghezzaCoda:], scelto.k[len(scelto.k)-lunghezzaCoda:])
			if (avanti && c < 0) || (!avanti && c > 0) {
				scelto = f
			}
		}
		if scelto == nil {
			break
		}
		riga, err := decodificaRiga(scelto.v)
		if err != nil {
			return nil, err
		}
		out = append(out, riga)
		scelto.passa(avanti)
	}
	return out, nil
}

// saltaRecenti skips the rows of urgency urg submitted after limite: going
// forward, the rest of that urgency; going back, to its last older row.
func (f *flusso) saltaRecenti(urg byte, limite []byte, avanti bool) {
	if avanti {
		if urg == 0 {
			f.k, f.v = f.c.Seek(append(bytes.Clone(f.base), 1))
		} else {
			f.k, f.v = nil, nil
		}
		f.fine()
		return
	}
	pos := append(bytes.Clone(f.base), urg, 0)
	pos = append(append(append(pos, limite...), 0), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	f.indietroDa(pos)
}

// posiziona puts the stream on its first row after (or before) da.
func (f *flusso) posiziona(da []byte, avanti bool) {
	switch {
	case da == nil && avanti:
		f.k, f.v = f.c.Seek(f.prefix)
		f.fine()
	case da == nil:
		f.indietroDa(fineDi(f.prefix))
	case avanti:
		pos := append(bytes.Clone(f.base), da...)
		if f.k, f.v = f.c.Seek(pos); f.k != nil && bytes.Equal(f.k, pos) {
			f.k, f.v = f.c.Next()
		}
		f.fine()
	default:
		f.indietroDa(append(bytes.Clone(f.base), da...))
	}
}

// indietroDa puts the stream on the last row before pos (nil: the end).
func (f *flusso) indietroDa(pos []byte) {
	switch {
	case pos == nil:
		f.k, f.v = f.c.Last()
	default:
		if f.k, f.v = f.c.Seek(pos); f.k == nil {
			f.k, f.v = f.c.Last()
		} else {
			f.k, f.v = f.c.Prev()
		}
	}
	f.fine()
}

func (f *flusso) passa(avanti bool) {
	if avanti {
		f.k, f.v = f.c.Next()
	} else {
		f.k, f.v = f.c.Prev()
	}
	f.fine()
}

// fine ends the stream at the edge of its prefix.
func (f *flusso) fine() {
	if f.k != nil && !bytes.HasPrefix(f.k, f.prefix) {
		f.k, f.v = nil, nil
	}
}

// totale counts the rows the filters select, from the counters.
func totale(tx *bolt.Tx, q QueryCoda) int {
	c := tx.Bucket(bucketAggregati).Cursor()
	n := 0
	// One short scan per state: the counters of a sede and state are
	// keyed by path, profile and urgency after it.
	for _, st := range q.Stati {
		p := append(conto(contoCoda, []byte(q.Sede), []byte(st)), 0)
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			percorso, resto, _ := bytes.Cut(k[len(p):], []byte{0})
			profilo, urg, _ := bytes.Cut(resto, []byte{0})
			if (q.Percorso != "" && string(percorso) != string(q.Percorso)) ||
				(q.Profilo != "" && string(profilo) != string(q.Profilo)) ||
				(q.Urgenti && !bytes.Equal(urg, urgenza(true))) {
				continue
			}
			n += int(btoi(v))
		}
	}
	return n
}

// ConteggiCoda counts the requests of a sede per state, from the counters.
func (s *Store) ConteggiCoda(sede string) (map[domain.Stato]int, error) {
	out := map[domain.Stato]int{}
	err := s.leggi(func(tx *bolt.Tx) error {
		prefix := append(conto(contoCoda, []byte(sede)), 0)
		c := tx.Bucket(bucketAggregati).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			rest := k[len(prefix):]
			out[domain.Stato(rest[:bytes.IndexByte(rest, 0)])] += int(btoi(v))
		}
		return nil
	})
	return out, err
}

// cerca is the queue's search: the rows of the sede whose protocol number,
// codice fiscale or name ("COGNOME NOME" or "NOME COGNOME") start with the
// text, through their indexes, in the queue's order, at most MaxRicerca.
func cerca(tx *bolt.Tx, q QueryCoda) (PaginaCoda, error) {
	p := PaginaCoda{Ricerca: true}
	testo := domain.NormalizzaNome(q.Testo)
	trovate := map[uint64]domain.RigaCoda{}
	// The names of the sede carry their rows.
	nomi := tx.Bucket(bucketRichiesteNome).Cursor()
	prefix := append(prefisso([]byte(q.Sede)), testo...)
	letti := 0
	for k, v := nomi.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && letti < maxLettiRicerca; k, v = nomi.Next() {
		letti++
		riga, err := decodificaRiga(v)
		if err != nil {
			return p, err
		}
		trovate[riga.ID] = riga
	}
	// Protocol numbers carry their rows too; a request keeps the one its
	// first sede gave it when it moves.
	if len(testo) >= 7 {
		c := tx.Bucket(bucketProtocolli).Cursor()
		letti = 0
		for k, v := c.Seek([]byte(testo)); k != nil && bytes.HasPrefix(k, []byte(testo)) && letti < maxLettiRicerca; k, v = c.Next() {
			letti++
			riga, err := decodificaRiga(v[8:])
			if err != nil {
				return p, err
			}
			if riga.Sede == q.Sede {
				trovate[riga.ID] = riga
			}
		}
	}
	// Codici fiscali lead to requests, read to know their sede and state;
	// they are few for a text this specific.
	if cf := domain.NormalizzaCodiceFiscale(q.Testo); len(cf) >= 6 {
		var ids [][]byte
		c := tx.Bucket(bucketRichiesteCF).Cursor()
		for k, _ := c.Seek([]byte(cf)); k != nil && bytes.HasPrefix(k, []byte(cf)) && len(ids) < maxLettiRicerca; k, _ = c.Next() {
			ids = append(ids, bytes.Clone(k[len(k)-8:]))
		}
		for _, id := range ids {
			if _, ok := trovate[btoi(id)]; ok {
				continue
			}
			r, err := leggiRichiesta(tx, btoi(id))
			if err != nil {
				return p, err
			}
			if r.Sede == q.Sede && r.Stato != domain.StatoBozza {
				trovate[r.ID] = r.Riga()
			}
		}
	}
	limite := q.Ora.Add(-q.Vecchie)
	for _, r := range trovate {
		switch {
		case !slices.Contains(q.Stati, r.Stato),
			q.Percorso != "" && r.Percorso != q.Percorso,
			q.Profilo != "" && r.Profilo != q.Profilo,
			q.Urgenti && !r.Urgente,
			q.Vecchie > 0 && (r.Inviata.IsZero() || r.Inviata.After(limite)):
			continue
		}
		p.Righe = append(p.Righe, r)
	}
	slices.SortFunc(p.Righe, func(a, b domain.RigaCoda) int { return bytes.Compare(cursoreDi(a), cursoreDi(b)) })
	if len(p.Righe) > MaxRicerca {
		p.Righe, p.Troncata = p.Righe[:MaxRicerca], true
	}
	p.Totale, p.TotaleNoto = len(p.Righe), !p.Troncata
	return p, nil
}

// maxLettiRicerca bounds the index entries a search reads.
const maxLettiRicerca = 500

// ConteggiPerSede counts the requests of every sede per state, from the
// counters: what the metrics export.
func (s *Store) ConteggiPerSede() (map[string]map[domain.Stato]int, error) {
	out := map[string]map[domain.Stato]int{}
	err := s.leggi(func(tx *bolt.Tx) error {
		prefix := []byte{contoCoda, 0}
		c := tx.Bucket(bucketAggregati).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			p := bytes.SplitN(k[len(prefix):], []byte{0}, 3)
			sede, stato := string(p[0]), domain.Stato(p[1])
			if sede == tutteLeSedi {
				continue
			}
			if out[sede] == nil {
				out[sede] = map[domain.Stato]int{}
			}
			out[sede][stato] += int(btoi(v))
		}
		return nil
	})
	return out, err
}
