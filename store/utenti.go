package store

import (
	"bytes"
	"cmp"
	"errors"
	"slices"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// Accounts: reading them, and the helpers that write them with their
// indexes (e-mail and codice fiscale, which are unique; sede; role).

var errUtenteNonTrovato = domain.NonTrovato("Utente non trovato.")

// Utente returns the user with that ID.
func (s *Store) Utente(id uint64) (*domain.Utente, error) {
	var u *domain.Utente
	err := s.leggi(func(tx *bolt.Tx) error {
		var err error
		u, err = leggiUtente(tx, id)
		return err
	})
	return u, err
}

// UtentePerEmail returns the user that logs in with that e-mail.
func (s *Store) UtentePerEmail(email string) (*domain.Utente, error) {
	return s.utentePerIndice(bucketUtentiEmail, domain.NormalizzaEmail(email))
}

// UtentePerCF returns the account of a codice fiscale.
func (s *Store) UtentePerCF(cf string) (*domain.Utente, error) {
	return s.utentePerIndice(bucketUtentiCF, domain.NormalizzaCodiceFiscale(cf))
}

// UtentePerIdentificativo returns the account of a login name: an e-mail
// address (generic users, operators, administrators) when it contains "@",
// otherwise a codice fiscale (credential holders).
func (s *Store) UtentePerIdentificativo(nome string) (*domain.Utente, error) {
	b, k := indiceIdentificativo(nome)
	return s.utentePerIndice(b, k)
}

func indiceIdentificativo(nome string) ([]byte, string) {
	if bytes.ContainsRune([]byte(nome), '@') {
		return bucketUtentiEmail, domain.NormalizzaEmail(nome)
	}
	return bucketUtentiCF, domain.NormalizzaCodiceFiscale(nome)
}

func (s *Store) utentePerIndice(bucket []byte, k string) (*domain.Utente, error) {
	var u *domain.Utente
	err := s.leggi(func(tx *bolt.Tx) error {
		var err error
		u, err = utentePerIndice(tx, bucket, k)
		return err
	})
	return u, err
}

func utentePerIndice(tx *bolt.Tx, bucket []byte, k string) (*domain.Utente, error) {
	if k == "" {
		return nil, errUtenteNonTrovato
	}
	id := tx.Bucket(bucket).Get([]byte(k))
	if id == nil {
		return nil, errUtenteNonTrovato
	}
	return leggiUtente(tx, btoi(id))
}

func leggiUtente(tx *bolt.Tx, id uint64) (*domain.Utente, error) {
	var u domain.Utente
	if err := get(tx.Bucket(bucketUtenti), itob(id), &u); err != nil {
		if errors.Is(err, errNotFound) {
			return nil, errUtenteNonTrovato
		}
		return nil, err
	}
	return &u, nil
}

// CreaUtente stores a ready account as it is: the tests and the data
// generator use it. An e-mail or a codice fiscale already taken is a
// conflict.
func (s *Store) CreaUtente(u *domain.Utente) error {
	dati := *u
	var out domain.Utente
	err := s.aggiorna(func(tx *bolt.Tx) error {
		x := dati
		if err := creaUtente(tx, &x); err != nil {
			return err
		}
		out = x
		return nil
	})
	if err == nil {
		*u = out
	}
	return err
}

func creaUtente(tx *bolt.Tx, u *domain.Utente) error {
	u.Email = domain.NormalizzaEmail(u.Email)
	u.CodiceFiscale = domain.NormalizzaCodiceFiscale(u.CodiceFiscale)
	if u.Email == "" {
		return &domain.Errore{Codice: domain.ErrNonValido, Messaggio: "Indica l'indirizzo e-mail."}
	}
	b := tx.Bucket(bucketUtenti)
	id, err := b.NextSequence()
	if err != nil {
		return err
	}
	u.ID, u.Schema = id, domain.SchemaUtente
	return salvaUtente(tx, nil, u)
}

// salvaUtente writes dopo over prima (nil for a new account) with its
// indexes. The e-mail is the login name of most accounts: it never changes
// here.
func salvaUtente(tx *bolt.Tx, prima, dopo *domain.Utente) error {
	if prima != nil {
		dopo.Email = prima.Email
	}
	dopo.CodiceFiscale = domain.NormalizzaCodiceFiscale(dopo.CodiceFiscale)
	if err := aggiornaDerivati(tx, derivaUtente(prima), derivaUtente(dopo), itob(dopo.ID)); err != nil {
		return err
	}
	return put(tx.Bucket(bucketUtenti), itob(dopo.ID), dopo)
}

// modificaUtente applies fn to the stored account id and writes it.
func modificaUtente(tx *bolt.Tx, id uint64, fn func(*domain.Utente) error) (*domain.Utente, error) {
	prima, err := leggiUtente(tx, id)
	if err != nil {
		return nil, err
	}
	dopo := *prima
	dopo.Abilitazioni = append([]domain.Abilitazione(nil), prima.Abilitazioni...)
	dopo.CodiciRecupero = append([]string(nil), prima.CodiciRecupero...)
	if prima.TOTP != nil {
		t := *prima.TOTP
		dopo.TOTP = &t
	}
	if err := fn(&dopo); err != nil {
		return nil, err
	}
	return &dopo, salvaUtente(tx, prima, &dopo)
}

// CiSonoAmministratori reports whether at least one administrator exists.
func (s *Store) CiSonoAmministratori() (bool, error) {
	found := false
	err := s.leggi(func(tx *bolt.Tx) error {
		found = ciSonoAmministratori(tx)
		return nil
	})
	return found, err
}

func ciSonoAmministratori(tx *bolt.Tx) bool {
	prefix := prefisso([]byte(domain.RuoloAmministratore))
	k, _ := tx.Bucket(bucketUtentiRuolo).Cursor().Seek(prefix)
	return k != nil && bytes.HasPrefix(k, prefix)
}

// Staff returns the operators and administrators, in creation order, from
// the index by role.
func (s *Store) Staff() ([]domain.Utente, error) {
	var out []domain.Utente
	err := s.leggi(func(tx *bolt.Tx) error {
		for _, ruolo := range []domain.Ruolo{domain.RuoloOperatore, domain.RuoloAmministratore} {
			if err := perIndice(tx, bucketUtentiRuolo, prefisso([]byte(ruolo)), func(u domain.Utente) { out = append(out, u) }); err != nil {
				return err
			}
		}
		return nil
	})
	sortByID(out)
	return out, err
}

// Amministratori returns the administrators, in creation order.
func (s *Store) Amministratori() ([]domain.Utente, error) {
	var out []domain.Utente
	err := s.leggi(func(tx *bolt.Tx) error {
		return perIndice(tx, bucketUtentiRuolo, prefisso([]byte(domain.RuoloAmministratore)), func(u domain.Utente) { out = append(out, u) })
	})
	return out, err
}

// OperatoriSede returns the operators of a sede, from its index.
func (s *Store) OperatoriSede(sede string) ([]domain.Utente, error) {
	var out []domain.Utente
	err := s.leggi(func(tx *bolt.Tx) error {
		return perIndice(tx, bucketUtentiSede, prefisso([]byte(sede)), func(u domain.Utente) { out = append(out, u) })
	})
	return out, err
}

// NomiOperatori maps the IDs of a sede's accounts to their names, from the
// index alone: the queue shows who holds each request without reading
// every operator's record.
func (s *Store) NomiOperatori(sede string) (map[uint64]string, error) {
	out := map[uint64]string{}
	err := s.leggi(func(tx *bolt.Tx) error {
		p := prefisso([]byte(sede))
		c := tx.Bucket(bucketUtentiSede).Cursor()
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			out[btoi(k[len(k)-8:])] = string(v)
		}
		return nil
	})
	return out, err
}

// perIndice calls fn with each account whose id ends a key of bucket that
// starts with prefix.
func perIndice(tx *bolt.Tx, bucket, prefix []byte, fn func(domain.Utente)) error {
	b := tx.Bucket(bucketUtenti)
	c := tx.Bucket(bucket).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		var u domain.Utente
		if err := get(b, k[len(k)-8:], &u); err != nil {
			return err
		}
		fn(u)
	}
	return nil
}

func sortByID(us []domain.Utente) {
	slices.SortFunc(us, func(a, b domain.Utente) int { return cmp.Compare(a.ID, b.ID) })
}
