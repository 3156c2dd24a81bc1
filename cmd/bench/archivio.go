package main

import (
	"slices"
	"time"

	"abilita/domain"
	"abilita/sedi"
	"abilita/store"
)

// The archive: the requests of a data set that no row changes, laid out
// over two years in every sede and moved to their states.

// The kinds of request in the archive's plan.
const (
	apertaQui     = iota // open, in sedeAperte
	apertaAltrove        // open, in another sede
	chiusa               // decided or withdrawn, in any sede
	abbandonata          // a draft never submitted
)

// voce is one request of the archive's plan: when, what kind, which sede.
type voce struct {
	quando time.Time
	genere uint8
	sede   uint16
}

// piano lays out the archive: Aperte open requests in sedeAperte submitted in
// the last four months, 5 % open elsewhere in the last two, 2 % abandoned
// drafts, and the rest decided or withdrawn over the last two years, in any
// sede; sorted by date.
func (g *generatore) piano() []voce {
	n, aperte := g.g.Insieme.Totale, g.g.Insieme.Aperte
	resto := n - aperte
	altrove, abbandonate := resto*5/100, resto*2/100
	qui := uint16(slices.IndexFunc(g.sedi, func(s sedi.Sede) bool { return s.Codice == sedeAperte }))
	v := make([]voce, 0, n)
	for i := range n {
		var x voce
		switch {
		case i < aperte:
			x = voce{g.ora.Add(-g.tra(time.Minute, 120*24*time.Hour)), apertaQui, qui}
		case i < aperte+altrove:
			x = voce{g.ora.Add(-g.tra(time.Minute, 60*24*time.Hour)), apertaAltrove, uint16(g.rng.IntN(len(g.sedi)))}
			if x.sede == qui {
				x.sede = (qui + 1) % uint16(len(g.sedi))
			}
		case i < aperte+altrove+abbandonate:
			x = voce{g.ora.Add(-g.tra(time.Hour, 730*24*time.Hour)), abbandonata, 0}
		default:
			x = voce{g.ora.Add(-g.tra(15*24*time.Hour, 730*24*time.Hour)), chiusa, uint16(g.rng.IntN(len(g.sedi)))}
		}
		v = append(v, x)
	}
	slices.SortFunc(v, func(a, b voce) int { return a.quando.Compare(b.quando) })
	return v
}

var (
	statiAperti  = []domain.Stato{domain.StatoInviata, domain.StatoInLavorazione, domain.StatoIntegrazioneRichiesta}
	pesiAperti   = []int{55, 35, 10}
	statiChiusi  = []domain.Stato{domain.StatoAttiva, domain.StatoApprovata, domain.StatoRespinta, domain.StatoAnnullata}
	pesiChiusi   = []int{45, 15, 25, 15}
	percorsi     = []domain.Percorso{domain.PercorsoOnline, domain.PercorsoSportello, domain.PercorsoInailRisponde}
	pesiPercorsi = []int{60, 30, 10}
	pesiProfili  = []int{70, 10, 20}
	tipi         = []domain.TipoRichiesta{domain.TipoNuova, domain.TipoVariazione, domain.TipoRevoca}
	pesiTipi     = []int{85, 10, 5}
)

// archivio writes the planned requests, each moved to its state.
func (g *generatore) archivio() error {
	piano := g.piano()
	return g.importa(len(piano), func(im *store.Importazione, i int) error {
		r, err := g.richiestaArchivio(piano[i])
		if err != nil {
			return err
		}
		return im.Richiesta(r)
	})
}

// richiestaArchivio builds the request of v, with its history.
func (g *generatore) richiestaArchivio(v voce) (*domain.Richiesta, error) {
	sd := g.sedi[v.sede]
	percorso := scegli(g.rng, percorsi, pesiPercorsi)
	var p persona
	var autore uint64
	if percorso == domain.PercorsoSportello {
		// Entered at the counter by an operator, for someone without an account.
		p, autore = nuovaPersona(g.rng.IntN(20_000_000)), g.operatori[sd.Codice][g.rng.IntN(operatoriSede)]
	} else {
		ric := g.richiedenti[g.rng.IntN(len(g.richiedenti))]
		p, autore = nuovaPersona(ric.persona), ric.id
	}
	residenza := luogo{Comune: sd.Citta, Provincia: sd.Provincia, CAP: "00100"}
	if i := slices.IndexFunc(luoghi, func(l luogo) bool { return l.Provincia == sd.Provincia }); i >= 0 {
		residenza = luoghi[i]
	}
	r := g.bozza(p, residenza, percorso, autore, v.quando.Add(-g.tra(10*time.Minute, 72*time.Hour)))
	if v.genere == abbandonata {
		r.Creata, r.Aggiornata = v.quando, v.quando
		return r, nil
	}
	if r.Urgente = g.rng.IntN(100) < 6; r.Urgente {
		r.MotivoUrgenza = "Inizio dell'attività presso la struttura a breve."
	}
	r.Sede = sd.Codice
	stato := scegli(g.rng, statiChiusi, pesiChiusi)
	if v.genere != chiusa {
		stato = scegli(g.rng, statiAperti, pesiAperti)
	}
	return r, g.evolvi(r, stato, v.quando, g.operatori[sd.Codice][g.rng.IntN(operatoriSede)])
}
