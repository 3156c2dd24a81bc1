package store

import (
	"errors"
	"strings"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// Settings an administrator edits are kept in bucketImpostazioni, one
// record per kind of setting, under its name.

var chiavePrivacy = []byte("privacy")

var errSoloAmministratorePrivacy = &domain.Errore{Codice: domain.ErrNonAmmesso, Messaggio: "Solo un amministratore modifica i contatti dell'informativa privacy."}

// SalvaImpostazioniPrivacy stores the contacts of the privacy notice, after
// the domain's checks, and records in the audit log which fields changed.
// It returns their Italian names; none when nothing changed, and then it
// writes nothing.
func (s *Store) SalvaImpostazioniPrivacy(a Atto, p domain.ImpostazioniPrivacy) ([]string, error) {
	p.Normalizza()
	e := domain.Errori{}
	p.Valida(e)
	if len(e) > 0 {
		return nil, &domain.Errore{Codice: domain.ErrNonValido, Messaggio: e.Primo()}
	}
	var cambiati []string
	err := s.aggiorna(func(tx *bolt.Tx) error {
		admin, err := leggiAttore(tx, a.Chi)
		if err != nil {
			return err
		}
		if admin.Ruolo != domain.RuoloAmministratore {
			return errSoloAmministratorePrivacy
		}
		prima, err := impostazioniPrivacy(tx)
		if err != nil {
			return err
		}
		if cambiati = prima.Cambiati(p); len(cambiati) == 0 {
			return nil
		}
		if err := put(tx.Bucket(bucketImpostazioni), chiavePrivacy, p); err != nil {
			return err
		}
		return a.registra(tx, domain.AuditImpostazioni, 0, "Modificati i contatti dell'informativa privacy: "+strings.Join(cambiati, ", "))
	})
	if err != nil {
		return nil, err
	}
	return cambiati, nil
}

// ImpostazioniPrivacy returns the contacts of the privacy notice; all empty
// until an administrator sets them.
func (s *Store) ImpostazioniPrivacy() (domain.ImpostazioniPrivacy, error) {
	var p domain.ImpostazioniPrivacy
	err := s.leggi(func(tx *bolt.Tx) error {
		var err error
		p, err = impostazioniPrivacy(tx)
		return err
	})
	return p, err
}

func impostazioniPrivacy(tx *bolt.Tx) (domain.ImpostazioniPrivacy, error) {
	var p domain.ImpostazioniPrivacy
	if err := get(tx.Bucket(bucketImpostazioni), chiavePrivacy, &p); err != nil && !errors.Is(err, errNotFound) {
		return p, err
	}
	return p, nil
}
