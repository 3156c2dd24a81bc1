package store

import (
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// The actions of people on their own generic account: registration, the
// verification of the e-mail address, the password reset by e-mail.

// Registrazione is a new generic account and what goes with it: the
// verification link and its e-mail, or the warning sent instead to an
// address already registered.
type Registrazione struct {
	Utente        domain.Utente    // the account, with its password hash
	TokenHash     string           // of the verification link
	Scade         time.Time        // of the verification link
	Verifica      domain.Messaggio // the e-mail with the link
	GiaRegistrato domain.Messaggio // the warning, when the address is taken
}

// Registra creates the generic account of reg, its verification link and
// the e-mail that carries it, in one transaction; when the e-mail address
// is taken, it creates nothing and queues the warning to that address
// instead. The caller answers the same either way. The codice fiscale typed
// is kept to fill in the request, and claims nothing: an operator verifies
// it (domain.Utente.IdentitaVerificata). A few registrations left
// unconfirmed too long are removed on the way.
func (s *Store) Registra(a Atto, reg Registrazione) (creato bool, err error) {
	err = s.aggiorna(func(tx *bolt.Tx) error {
		if _, err := eliminaNonConfermatiScaduti(tx, a.Quando); err != nil {
			return err
		}
		// Only what the form gives: the rest of an account is not chosen by
		// the person registering.
		u := domain.Utente{Email: domain.NormalizzaEmail(reg.Utente.Email), CodiceFiscale: domain.NormalizzaCodiceFiscale(reg.Utente.CodiceFiscale),
			Cognome: reg.Utente.Cognome, Nome: reg.Utente.Nome, PasswordHash: reg.Utente.PasswordHash}
		if creato = tx.Bucket(bucketUtentiEmail).Get([]byte(u.Email)) == nil; !creato {
			return accodaTutti(tx, []domain.Messaggio{reg.GiaRegistrato}, "", a.Quando)
		}
		u.Ruolo, u.Creato = domain.RuoloRichiedente, a.Quando
		if err := creaUtente(tx, &u); err != nil {
			return err
		}
		t := domain.Token{Scopo: domain.ScopoVerificaEmail, UtenteID: u.ID, Creato: a.Quando, Scade: reg.Scade}
		if err := creaToken(tx, reg.TokenHash, t); err != nil {
			return err
		}
		if err := accodaTutti(tx, []domain.Messaggio{reg.Verifica}, "", a.Quando); err != nil {
			return err
		}
		return audit(tx, domain.EventoAudit{Quando: a.Quando, Chi: u.ID, IP: a.IP, Azione: domain.AuditRegistrazione, Dettaglio: "registrazione come utente generico"})
	})
	if err == nil {
		s.sveglia()
	}
	return creato, err
}

// ReinviaVerifica gives the account a.Chi a new verification link (the
// previous one stops working) and queues m, the e-mail that carries it. An
// address already verified gets nothing.
func (s *Store) ReinviaVerifica(a Atto, tokenHash string, scade time.Time, m domain.Messaggio) error {
	err := s.aggiorna(func(tx *bolt.Tx) error {
		u, err := leggiAttore(tx, a.Chi)
		if err != nil || u.Verificato() {
			return err
		}
		if err := creaToken(tx, tokenHash, domain.Token{Scopo: domain.ScopoVerificaEmail, UtenteID: u.ID, Creato: a.Quando, Scade: scade}); err != nil {
			return err
		}
		return accodaTutti(tx, []domain.Messaggio{m}, "", a.Quando)
	})
	if err == nil {
		s.sveglia()
	}
	return err
}

// VerificaEmail consumes an e-mail verification link and marks the address
// verified.
func (s *Store) VerificaEmail(hash string, now time.Time) (*domain.Utente, error) {
	var out *domain.Utente
	err := s.aggiorna(func(tx *bolt.Tx) error {
		t, err := consumaToken(tx, hash, domain.ScopoVerificaEmail, now)
		if err != nil {
			return err
		}
		out, err = modificaUtente(tx, t.UtenteID, func(u *domain.Utente) error {
			if u.EmailVerificata.IsZero() {
				u.EmailVerificata = now
			}
			return nil
		})
		return err
	})
	return out, err
}

// ChiediReset queues the password reset e-mail for the address typed:
// one write, the same whether or not an account has it. The mail worker
// composes it (PreparaReset), and only then is the account looked up.
func (s *Store) ChiediReset(a Atto, email string) error {
	m := domain.Messaggio{To: []string{domain.NormalizzaEmail(email)}, Subject: "Reimpostazione della password",
		Kind: domain.MessaggioEmail, Modello: domain.ModelloReimpostaPassword}
	err := s.aggiorna(func(tx *bolt.Tx) error { return accodaTutti(tx, []domain.Messaggio{m}, "", a.Quando) })
	if err == nil {
		s.sveglia()
	}
	return err
}

// PreparaReset composes, at delivery, the reset e-mail notifica asked for:
// when the address belongs to an account that may use a link (not
// suspended, revoked or an expired registration) it stores the link
// tokenHash, valid until scade, audits the request and returns the
// account's name; otherwise it removes the message, which was never meant
// for anyone, and ok is false.
func (s *Store) PreparaReset(notifica uint64, tokenHash string, now, scade time.Time) (nome string, ok bool, err error) {
	err = s.aggiorna(func(tx *bolt.Tx) error {
		ok = false
		var n domain.Notifica
		if err := get(tx.Bucket(bucketOutbox), itob(notifica), &n); err != nil {
			if errors.Is(err, errNotFound) {
				return nil
			}
			return err
		}
		if n.Messaggio.Modello != domain.ModelloReimpostaPassword || len(n.Messaggio.To) != 1 {
			return fmt.Errorf("store: notification %d is not a password reset", notifica)
		}
		u, err := utentePerIndice(tx, bucketUtentiEmail, n.Messaggio.To[0])
		switch {
		case domain.CodiceDi(err) == domain.ErrNonTrovato || (err == nil && (u.Sospeso || u.Revocato || u.Scaduto(now))):
			return eliminaNotifica(tx, &n)
		case err != nil:
			return err
		}
		if err := creaToken(tx, tokenHash, domain.Token{Scopo: domain.ScopoResetPassword, UtenteID: u.ID, Creato: now, Scade: scade}); err != nil {
			return err
		}
		nome, ok = u.Nome, true
		return audit(tx, domain.EventoAudit{Quando: now, Chi: u.ID, Azione: domain.AuditAccount,
			Dettaglio: "richiesta la reimpostazione della password: collegamento inviato per e-mail"})
	})
	return nome, ok, err
}

// ReimpostaPassword consumes a reset link, sets the new password hash and
// ends every session of the account. Following the link also proves the
// e-mail address.
func (s *Store) ReimpostaPassword(a Atto, tokenHash, passwordHash string) (*domain.Utente, error) {
	var out *domain.Utente
	err := s.aggiorna(func(tx *bolt.Tx) error {
		t, err := consumaToken(tx, tokenHash, domain.ScopoResetPassword, a.Quando)
		if err != nil {
			return err
		}
		out, err = modificaUtente(tx, t.UtenteID, func(u *domain.Utente) error {
			u.PasswordHash, u.PasswordCambiata, u.PasswordSostituita = passwordHash, a.Quando, ""
			if u.EmailVerificata.IsZero() {
				u.EmailVerificata = a.Quando
			}
			return nil
		})
		if err != nil {
			return err
		}
		if _, err := eliminaSessioniUtente(tx, t.UtenteID, ""); err != nil {
			return err
		}
		return audit(tx, domain.EventoAudit{Quando: a.Quando, Chi: t.UtenteID, IP: a.IP, Azione: domain.AuditAccount, Dettaglio: "password reimpostata con il collegamento ricevuto per e-mail"})
	})
	return out, err
}
