package store

import (
	"encoding/json"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
	"abilita/sedi"
)

// The sedi are a few hundred small records that every page about a request
// names: the store reads them once and keeps them in memory, replaced
// whole after each change, so that reading them costs no transaction.

// elencoSedi is one version of the sedi.
type elencoSedi struct {
	versione     uint64
	ordinate     []sedi.Sede // by city
	perCodice    map[string]sedi.Sede
	perProvincia map[string]sedi.Sede
}

type cacheSedi struct{ p atomic.Pointer[elencoSedi] }

func (c *cacheSedi) carica(db *bolt.DB) error {
	var elenco []sedi.Sede
	err := db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSedi).ForEach(func(_, v []byte) error {
			var sd sedi.Sede
			if err := json.Unmarshal(v, &sd); err != nil {
				return err
			}
			elenco = append(elenco, sd)
			return nil
		})
	})
	if err != nil {
		return err
	}
	var v uint64
	if old := c.p.Load(); old != nil {
		v = old.versione + 1
	}
	e := &elencoSedi{versione: v, perCodice: map[string]sedi.Sede{}, perProvincia: map[string]sedi.Sede{}}
	slices.SortFunc(elenco, func(a, b sedi.Sede) int { return strings.Compare(a.Citta, b.Citta) })
	for _, sd := range elenco {
		e.ordinate = append(e.ordinate, sd)
		e.perCodice[sd.Codice] = sd
		for _, p := range sd.ProvinceServite {
			if _, ok := e.perProvincia[p]; !ok {
				e.perProvincia[p] = sd
			}
		}
	}
	c.p.Store(e)
	return nil
}

// SeminaSedi stores the given sedi when none is stored yet: the first start
// loads the default data set, which administrators then edit.
func (s *Store) SeminaSedi(elenco []sedi.Sede) error {
	err := s.aggiorna(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSedi)
		if k, _ := b.Cursor().First(); k != nil {
			return nil
		}
		for _, sd := range elenco {
			if err := put(b, []byte(sd.Codice), sd); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.sedi.carica(s.db)
}

// Sedi returns every sede sorted by city. The slice is shared: do not change it.
func (s *Store) Sedi() []sedi.Sede { return s.sedi.p.Load().ordinate }

// VersioneSedi changes whenever the sedi change, so that pages drawn from
// them know when to draw again.
func (s *Store) VersioneSedi() uint64 { return s.sedi.p.Load().versione }

// Sede returns the sede with that code.
func (s *Store) Sede(codice string) (sedi.Sede, error) {
	if sd, ok := s.sedi.p.Load().perCodice[codice]; ok {
		return sd, nil
	}
	return sedi.Sede{}, domain.NonTrovato("Sede non trovata.")
}

// SedePerProvincia returns the sede that serves the province with that sigla.
func (s *Store) SedePerProvincia(sigla string) (sedi.Sede, error) {
	if sd, ok := s.sedi.p.Load().perProvincia[sigla]; ok {
		return sd, nil
	}
	return sedi.Sede{}, domain.NonTrovato("Nessuna sede serve la provincia " + sigla + ".")
}

// SalvaSede stores a sede's data (new or changed) and records it in the
// audit log.
func (s *Store) SalvaSede(a Atto, sd sedi.Sede, dettaglio string) error {
	err := s.aggiorna(func(tx *bolt.Tx) error {
		admin, err := leggiAttore(tx, a.Chi)
		if err != nil {
			return err
		}
		if admin.Ruolo != domain.RuoloAmministratore {
			return &domain.Errore{Codice: domain.ErrNonAmmesso, Messaggio: "Solo un amministratore modifica i dati delle sedi."}
		}
		if err := put(tx.Bucket(bucketSedi), []byte(sd.Codice), sd); err != nil {
			return err
		}
		return a.registra(tx, domain.AuditSede, 0, dettaglio)
	})
	if err != nil {
		return err
	}
	return s.sedi.carica(s.db)
}

// sedeCompetente is the sede that handles r when it is submitted: for a
// counter request the sede that registered it, otherwise the one that
// serves the province of the comune of residence.
func (s *Store) sedeCompetente(r *domain.Richiesta, quando time.Time) (sedi.Sede, error) {
	if r.Percorso == domain.PercorsoSportello {
		return s.Sede(r.Sede)
	}
	comune, ok := r.ComuneResidenza(quando)
	if !ok {
		return sedi.Sede{}, &Incompleta{Passo: domain.PassoAnagrafica}
	}
	return s.SedePerProvincia(comune.Provincia)
}
