package store

import (
	"encoding/binary"
	"errors"
	"time"

	"abilita/domain"
)

// The rows of the lists (domain.RigaCoda) as index values: two bytes for
// the filters (the codes of path and profile), a format byte, then each
// field in turn — numbers as varints, strings with their length, times as
// nanoseconds since 1970 (0 for none), urgency as a byte. Pages decode
// dozens of rows each; this is several times cheaper than JSON.

const formatoRiga = 1

var errRigaIllegibile = errors.New("store: unreadable list row")

func codificaRiga(r domain.RigaCoda) []byte {
	b := make([]byte, 0, 128)
	b = append(b, codice(codiciPercorso, r.Percorso), codice(codiciProfilo, r.Profilo), formatoRiga)
	b = binary.AppendUvarint(b, r.ID)
	for _, s := range []string{r.Protocollo, r.Cognome, r.Nome, r.CodiceFiscale, r.Sede, string(r.Percorso), string(r.Profilo), string(r.Stato)} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	urgente := byte(0)
	if r.Urgente {
		urgente = 1
	}
	b = append(b, urgente)
	for _, t := range []time.Time{r.Inviata, r.Creata, r.Aggiornata} {
		b = binary.AppendVarint(b, nanosecondi(t))
	}
	return binary.AppendUvarint(b, r.Operatore)
}

func nanosecondi(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func decodificaRiga(v []byte) (domain.RigaCoda, error) {
	var r domain.RigaCoda
	if len(v) < 3 || v[2] != formatoRiga {
		return r, errRigaIllegibile
	}
	// One string for the whole row: its fields are substrings of it, one
	// allocation per row instead of one per field.
	l := lettore{b: v[3:], s: string(v[3:])}
	r.ID = l.uvarint()
	stringhe := []*string{&r.Protocollo, &r.Cognome, &r.Nome, &r.CodiceFiscale, &r.Sede, nil, nil, nil}
	var percorso, profilo, stato string
	stringhe[5], stringhe[6], stringhe[7] = &percorso, &profilo, &stato
	for _, s := range stringhe {
		*s = l.stringa()
	}
	r.Percorso, r.Profilo, r.Stato = domain.Percorso(percorso), domain.Profilo(profilo), domain.Stato(stato)
	r.Urgente = l.byte() == 1
	for _, t := range []*time.Time{&r.Inviata, &r.Creata, &r.Aggiornata} {
		if n := l.varint(); n != 0 {
			*t = time.Unix(0, n).UTC()
		}
	}
	r.Operatore = l.uvarint()
	if l.err {
		return domain.RigaCoda{}, errRigaIllegibile
	}
	return r, nil
}

// lettore reads the fields of a row, remembering whether it ran short. s,
// when set, holds the same bytes as b did at the start: strings are cut
// from it.
type lettore struct {
	b   []byte
	s   string
	err bool
}

func (l *lettore) uvarint() uint64 {
	v, n := binary.Uvarint(l.b)
	if n <= 0 {
		l.err, l.b = true, nil
		return 0
	}
	l.b = l.b[n:]
	return v
}

func (l *lettore) varint() int64 {
	v, n := binary.Varint(l.b)
	if n <= 0 {
		l.err, l.b = true, nil
		return 0
	}
	l.b = l.b[n:]
	return v
}

func (l *lettore) stringa() string {
	n := l.uvarint()
	if n > uint64(len(l.b)) {
		l.err, l.b = true, nil
		return ""
	}
	var s string
	if l.s != "" {
		da := len(l.s) - len(l.b)
		s = l.s[da : da+int(n)]
	} else {
		s = string(l.b[:n])
	}
	l.b = l.b[n:]
	return s
}

func (l *lettore) byte() byte {
	if len(l.b) == 0 {
		l.err = true
		return 0
	}
	c := l.b[0]
	l.b = l.b[1:]
	return c
}
