package store

import (
	"errors"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// Scopo is what a single-use link is for.
type Scopo string

// The purposes of single-use links.
const (
	ScopoVerificaEmail Scopo = "verifica_email"
	ScopoResetPassword Scopo = "reset_password"
	ScopoSetupAdmin    Scopo = "setup_admin"
)

// Token is a single-use, expiring link. Only the hash of the secret is
// stored, so a copy of the database does not open anybody's account.
type Token struct {
	Scopo    Scopo     `json:"scopo"`
	UtenteID uint64    `json:"utente_id,omitempty"`
	Creato   time.Time `json:"creato"`
	Scade    time.Time `json:"scade"`
}

var errTokenNonValido = &domain.Errore{Codice: domain.ErrNonValido, Messaggio: "Il collegamento non è valido o è scaduto. Richiedine uno nuovo."}

// CreaToken stores a token under the hash of its secret. Older tokens of the
// same user and purpose stop working, and expired ones are removed.
func (s *Store) CreaToken(hash string, t Token) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketToken)
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var old Token
			if err := jsonUnmarshal(v, &old); err != nil {
				return err
			}
			if old.Scade.Before(t.Creato) || (old.Scopo == t.Scopo && old.UtenteID == t.UtenteID) {
				if err := c.Delete(); err != nil {
					return err
				}
			}
		}
		return put(b, []byte(hash), t)
	})
}

// TokenValido returns the token if it exists, has that purpose and has not expired.
func (s *Store) TokenValido(hash string, scopo Scopo, now time.Time) (Token, error) {
	var t Token
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		t, err = tokenValido(tx, hash, scopo, now)
		return err
	})
	return t, err
}

func tokenValido(tx *bolt.Tx, hash string, scopo Scopo, now time.Time) (Token, error) {
	var t Token
	if err := get(tx.Bucket(bucketToken), []byte(hash), &t); err != nil {
		if errors.Is(err, errNotFound) {
			return t, errTokenNonValido
		}
		return t, err
	}
	if t.Scopo != scopo || !now.Before(t.Scade) {
		return t, errTokenNonValido
	}
	return t, nil
}

// consumaToken checks the token and deletes it in the same transaction as the
// change it authorises, so it works once.
func consumaToken(tx *bolt.Tx, hash string, scopo Scopo, now time.Time) (Token, error) {
	t, err := tokenValido(tx, hash, scopo, now)
	if err != nil {
		return t, err
	}
	return t, tx.Bucket(bucketToken).Delete([]byte(hash))
}

// VerificaEmail consumes an e-mail verification token and marks the address verified.
func (s *Store) VerificaEmail(hash string, now time.Time) (*domain.Utente, error) {
	var u domain.Utente
	err := s.db.Update(func(tx *bolt.Tx) error {
		t, err := consumaToken(tx, hash, ScopoVerificaEmail, now)
		if err != nil {
			return err
		}
		return aggiornaUtente(tx, t.UtenteID, func(x *domain.Utente) error {
			if x.EmailVerificata.IsZero() {
				x.EmailVerificata = now
			}
			u = *x
			return nil
		})
	})
	return &u, err
}

// ReimpostaPassword consumes a reset token, sets the new password hash and
// ends every session of the user. Following the link also proves the e-mail.
func (s *Store) ReimpostaPassword(hash, passwordHash string, now time.Time) (*domain.Utente, error) {
	var u domain.Utente
	err := s.db.Update(func(tx *bolt.Tx) error {
		t, err := consumaToken(tx, hash, ScopoResetPassword, now)
		if err != nil {
			return err
		}
		err = aggiornaUtente(tx, t.UtenteID, func(x *domain.Utente) error {
			x.PasswordHash = passwordHash
			if x.EmailVerificata.IsZero() {
				x.EmailVerificata = now
			}
			u = *x
			return nil
		})
		if err != nil {
			return err
		}
		return eliminaSessioniUtente(tx, t.UtenteID)
	})
	return &u, err
}

// CreaPrimoAmministratore consumes the set-up token and creates the first
// administrator. It fails once any administrator exists.
func (s *Store) CreaPrimoAmministratore(hash string, u *domain.Utente, now time.Time) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if _, err := consumaToken(tx, hash, ScopoSetupAdmin, now); err != nil {
			return err
		}
		if ciSonoAmministratori(tx) {
			return domain.Conflitto("L'amministratore è già stato configurato.")
		}
		u.Ruolo, u.Creato, u.EmailVerificata = domain.RuoloAmministratore, now, now
		return creaUtente(tx, u)
	})
}
