package store

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// Reading requests, and the helpers every action on a request uses.

// Richiesta returns the request with that ID, whoever asks: the mail
// composer and the tools use it. Pages use RichiestaPer.
func (s *Store) Richiesta(id uint64) (*domain.Richiesta, error) {
	var r *domain.Richiesta
	err := s.leggi(func(tx *bolt.Tx) error {
		var err error
		r, err = leggiRichiesta(tx, id)
		return err
	})
	return r, err
}

// RichiestaPer returns request id if u may do op to it (domain.Consenti);
// a request u may not see is not found.
func (s *Store) RichiestaPer(u *domain.Utente, id uint64, op domain.Operazione) (*domain.Richiesta, error) {
	r, err := s.Richiesta(id)
	if err != nil {
		return nil, err
	}
	if err := domain.Consenti(u, op, r); err != nil {
		return nil, err
	}
	return r, nil
}

// RichiesteUtente returns the rows of the requests filed by a user, newest
// first, from its index: no request is read.
func (s *Store) RichiesteUtente(utenteID uint64) ([]domain.RigaCoda, error) {
	var out []domain.RigaCoda
	err := s.leggi(func(tx *bolt.Tx) error {
		for _, v := range indietroValori(tx.Bucket(bucketRichiesteUtente).Cursor(), prefisso(itob(utenteID))) {
			riga, err := decodificaRiga(v)
			if err != nil {
				return err
			}
			out = append(out, riga)
		}
		return nil
	})
	return out, err
}

// RichiestePerCF returns every request with that codice fiscale, in any sede
// and state, oldest first.
func (s *Store) RichiestePerCF(cf string) ([]domain.Richiesta, error) {
	var out []domain.Richiesta
	err := s.leggi(func(tx *bolt.Tx) error {
		prefix := prefisso([]byte(domain.NormalizzaCodiceFiscale(cf)))
		b := tx.Bucket(bucketRichieste)
		c := tx.Bucket(bucketRichiesteCF).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			var r domain.Richiesta
			if err := get(b, k[len(prefix):], &r); err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// RichiestaPerProtocollo finds a request by its protocol number.
func (s *Store) RichiestaPerProtocollo(protocollo string) (*domain.Richiesta, error) {
	var r *domain.Richiesta
	err := s.leggi(func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketProtocolli).Get([]byte(strings.ToUpper(strings.TrimSpace(protocollo))))
		if id == nil {
			return domain.ErrRichiestaNonTrovata
		}
		var err error
		r, err = leggiRichiesta(tx, btoi(id[:8]))
		return err
	})
	return r, err
}

func leggiRichiesta(tx *bolt.Tx, id uint64) (*domain.Richiesta, error) {
	var r domain.Richiesta
	if err := get(tx.Bucket(bucketRichieste), itob(id), &r); err != nil {
		if errors.Is(err, errNotFound) {
			return nil, domain.ErrRichiestaNonTrovata
		}
		return nil, err
	}
	return &r, nil
}

// leggiPer reads the acting user and request id inside an action's
// transaction and checks that the user may do op to it: the user as it is
// now (suspended meanwhile, moved to another sede), the request as it is now.
func leggiPer(tx *bolt.Tx, chi, id uint64, op domain.Operazione) (*domain.Utente, *domain.Richiesta, error) {
	u, err := leggiAttore(tx, chi)
	if err != nil {
		return nil, nil, err
	}
	r, err := leggiRichiesta(tx, id)
	if err != nil {
		return nil, nil, err
	}
	if err := domain.Consenti(u, op, r); err != nil {
		return nil, nil, err
	}
	return u, r, nil
}

var errAttoreNonAttivo = &domain.Errore{Codice: domain.ErrNonAmmesso, Messaggio: "Il tuo account è sospeso o revocato: rivolgiti alla tua sede o all'amministratore."}

// leggiAttore reads the user who acts, who must still be active.
func leggiAttore(tx *bolt.Tx, id uint64) (*domain.Utente, error) {
	u, err := leggiUtente(tx, id)
	if err != nil {
		return nil, err
	}
	if u.Sospeso || u.Revocato {
		return nil, errAttoreNonAttivo
	}
	return u, nil
}

// salvaRichiesta writes dopo over prima (nil for a new request) with every
// index and counter that changes.
func salvaRichiesta(tx *bolt.Tx, prima, dopo *domain.Richiesta) error {
	if prima != nil {
		dopo.Versione = prima.Versione + 1
	}
	if err := aggiornaDerivati(tx, derivaRichiesta(prima), derivaRichiesta(dopo), nil); err != nil {
		return err
	}
	return put(tx.Bucket(bucketRichieste), itob(dopo.ID), dopo)
}

// nuovaRichiesta stores a new request, giving it an ID.
func nuovaRichiesta(tx *bolt.Tx, r *domain.Richiesta) error {
	id, err := tx.Bucket(bucketRichieste).NextSequence()
	if err != nil {
		return err
	}
	r.ID, r.Schema = id, domain.SchemaRichiesta
	r.Anagrafica.CodiceFiscale = domain.NormalizzaCodiceFiscale(r.Anagrafica.CodiceFiscale)
	return salvaRichiesta(tx, nil, r)
}

// copia is a deep enough copy of r to compare with after changing it: the
// slices and maps an action appends to are copied.
func copia(r *domain.Richiesta) *domain.Richiesta {
	c := *r
	c.Storia = slices.Clone(r.Storia)
	c.Integrazioni = slices.Clone(r.Integrazioni)
	c.Comunicazioni = slices.Clone(r.Comunicazioni)
	if r.Allegati != nil {
		c.Allegati = make(map[domain.TipoAllegato]domain.Allegato, len(r.Allegati))
		for k, v := range r.Allegati {
			c.Allegati[k] = v
		}
	}
	if r.Esito != nil {
		e := *r.Esito
		c.Esito = &e
	}
	return &c
}

// assegnaProtocollo gives a submitted request its number, per sede and year:
// MI-2026-000123.
func assegnaProtocollo(tx *bolt.Tx, r *domain.Richiesta) error {
	if r.Sede == "" {
		return fmt.Errorf("request %d has no sede", r.ID)
	}
	year := strconv.Itoa(r.Inviata.In(domain.Roma).Year())
	n, err := prossimo(tx, []byte(r.Sede+"-"+year))
	if err != nil {
		return err
	}
	r.Protocollo = fmt.Sprintf("%s-%s-%06d", r.Sede, year, n)
	return nil
}

// assegnaCodiceMedico gives an approved doctor its codice medico: the one
// it already holds for the profile (a variation, a revocation, a new
// request for a profile it has), or a new one from a counter that never
// goes back, so that no code is ever given to two people.
func assegnaCodiceMedico(tx *bolt.Tx, r *domain.Richiesta) error {
	if r.Esito.CodiceMedico != "" {
		return nil
	}
	if u, err := utentePerIndice(tx, bucketUtentiCF, domain.NormalizzaCodiceFiscale(r.Anagrafica.CodiceFiscale)); err == nil {
		for _, ab := range u.Abilitazioni {
			if ab.Profilo == r.Profilo && ab.CodiceMedico != "" {
				r.Esito.CodiceMedico = ab.CodiceMedico
				return nil
			}
		}
	}
	n, err := prossimo(tx, []byte("codice_medico"))
	if err != nil {
		return err
	}
	r.Esito.CodiceMedico = fmt.Sprintf("MED%07d", n)
	return nil
}

// prossimo increments the counter name and returns its new value.
func prossimo(tx *bolt.Tx, name []byte) (uint64, error) {
	b := tx.Bucket(bucketContatori)
	var n uint64
	if v := b.Get(name); v != nil {
		n = btoi(v)
	}
	n++
	return n, b.Put(name, itob(n))
}

// AllegatiNominati says which of the attachment files ids some request
// names, from the index of attachments: the others are orphans.
func (s *Store) AllegatiNominati(ids []string) (map[string]bool, error) {
	out := make(map[string]bool, len(ids))
	err := s.leggi(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAllegati).Cursor()
		for _, id := range ids {
			p := prefisso([]byte(id))
			k, _ := c.Seek(p)
			out[id] = k != nil && bytes.HasPrefix(k, p)
		}
		return nil
	})
	return out, err
}
