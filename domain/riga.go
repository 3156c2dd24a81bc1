package domain

import (
	"strings"
	"time"
	"unicode"
)

// RigaCoda is what a list shows of a request (the operators' queue, the
// applicant's requests): the store keeps it in the lists' indexes, so that a
// page reads its rows and nothing else.
type RigaCoda struct {
	ID            uint64    `json:"id"`
	Protocollo    string    `json:"p,omitempty"`
	Cognome       string    `json:"c,omitempty"`
	Nome          string    `json:"n,omitempty"`
	CodiceFiscale string    `json:"cf,omitempty"`
	Sede          string    `json:"s,omitempty"`
	Percorso      Percorso  `json:"pe,omitempty"`
	Profilo       Profilo   `json:"pr,omitempty"`
	Stato         Stato     `json:"st"`
	Urgente       bool      `json:"u,omitempty"`
	Inviata       time.Time `json:"i,omitzero"`
	Creata        time.Time `json:"cr,omitzero"` // only when never submitted: it orders the row then
	Aggiornata    time.Time `json:"ag,omitzero"`
	Operatore     uint64    `json:"o,omitempty"`
}

// Riga is the queue row of r.
func (r *Richiesta) Riga() RigaCoda {
	riga := RigaCoda{ID: r.ID, Protocollo: r.Protocollo, Cognome: r.Anagrafica.Cognome, Nome: r.Anagrafica.Nome,
		CodiceFiscale: r.Anagrafica.CodiceFiscale, Sede: r.Sede, Percorso: r.Percorso, Profilo: r.Profilo, Stato: r.Stato,
		Urgente: r.Urgente, Inviata: r.Inviata, Aggiornata: r.Aggiornata, Operatore: r.Operatore}
	if r.Inviata.IsZero() {
		riga.Creata = r.Creata
	}
	return riga
}

// NomeCompleto is "Cognome Nome" as the Institute writes it.
func (r RigaCoda) NomeCompleto() string { return r.Cognome + " " + r.Nome }

// Aperta reports whether a request in state s waits for the Institute.
func (s Stato) Aperta() bool {
	return s == StatoInviata || s == StatoInLavorazione || s == StatoIntegrazioneRichiesta
}

// TempoDecisione is the time from submission to the first approval or
// rejection in the request's history.
func (r *Richiesta) TempoDecisione() (time.Duration, bool) {
	if r.Inviata.IsZero() {
		return 0, false
	}
	for _, e := range r.Storia {
		if e.A == StatoApprovata || e.A == StatoRespinta {
			if d := e.Quando.Sub(r.Inviata); d >= 0 {
				return d, true
			}
			return 0, false
		}
	}
	return 0, false
}

// Mese is the month a request counts in for the statistics: that of its
// submission, or of its creation if it was never submitted ("2026-03").
func (r *Richiesta) Mese() string {
	t := r.Inviata
	if t.IsZero() {
		t = r.Creata
	}
	return t.In(Roma).Format("2006-01")
}

// Times from submission to decision are counted in buckets (the
// statistics keep counts, not every time): an hour wide for the first week,
// a day wide up to a year, then one bucket for anything longer. A
// threshold of whole hours within a week, or of whole days, falls on a
// bucket's edge, so the count of decisions past it is exact.
const (
	giorniAOre        = 7
	bucketOre         = giorniAOre * 24
	bucketGiorni      = 365 - giorniAOre // from day 7 to day 365
	NumeroBucketTempo = bucketOre + bucketGiorni + 1
)

// BucketTempo is the bucket of a time from submission to decision.
func BucketTempo(d time.Duration) int {
	switch {
	case d < 0:
		return 0
	case d < bucketOre*time.Hour:
		return int(d / time.Hour)
	case d < 365*24*time.Hour:
		return bucketOre + int(d/(24*time.Hour)) - giorniAOre
	}
	return NumeroBucketTempo - 1
}

// LimitiBucketTempo are the bounds of bucket i: from lo included to hi
// excluded; the last bucket has no upper bound and returns lo for hi.
func LimitiBucketTempo(i int) (lo, hi time.Duration) {
	switch {
	case i < bucketOre:
		return time.Duration(i) * time.Hour, time.Duration(i+1) * time.Hour
	case i < NumeroBucketTempo-1:
		g := time.Duration(i-bucketOre+giorniAOre) * 24 * time.Hour
		return g, g + 24*time.Hour
	}
	return 365 * 24 * time.Hour, 365 * 24 * time.Hour
}

// NormalizzaEmail is the form in which e-mail addresses are compared and indexed.
func NormalizzaEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// NormalizzaCodiceFiscale is the form in which codici fiscali are compared,
// indexed and stored: upper case, without the spaces, dots and dashes
// people type inside them.
func NormalizzaCodiceFiscale(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r), unicode.Is(unicode.Cf, r), r == '.', r == '-', r == '_', r == '/':
			return -1 // any space (also no-break), zero-width characters, the usual separators
		}
		return unicode.ToUpper(r)
	}, s)
}

// NormalizzaNome is the form of "Cognome Nome" the search by name compares:
// upper case, single spaces.
func NormalizzaNome(s string) string { return strings.Join(strings.Fields(strings.ToUpper(s)), " ") }
