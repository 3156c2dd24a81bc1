package store

import (
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// Strong sign-in (CNS, SPID, CIE): the identity it proves finds the account
// whose codice fiscale was verified, or creates one with the e-mail address
// the person gives, verified afterwards by the usual link.

// ErrSenzaAccountForte says that no account holds a verified identity for
// the codice fiscale of a strong sign-in: the person is asked for an e-mail
// address, and RegistraIdentitaForte creates the account.
var ErrSenzaAccountForte = domain.NonTrovato("Nessun account per questo codice fiscale.")

// AccediConIdentitaForte opens a session for the account whose identity
// was verified for id's codice fiscale, recording id as its last strong
// sign-in, in one transaction with the access and its audit entry. in
// names no account yet: the store fills it in.
func (s *Store) AccediConIdentitaForte(in Ingresso, id domain.IdentitaForte) (*domain.Utente, bool, error) {
	if err := domain.ControllaIdentitaForte(id); err != nil {
		return nil, false, err
	}
	var out *domain.Utente
	var nuovoDispositivo bool
	err := s.aggiorna(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketUtentiCF).Get([]byte(domain.NormalizzaCodiceFiscale(id.CodiceFiscale)))
		if v == nil {
			return ErrSenzaAccountForte
		}
		u, err := leggiUtente(tx, btoi(v))
		if err != nil {
			return err
		}
		if u.Ruolo != domain.RuoloRichiedente {
			return domain.Conflitto("Questo codice fiscale appartiene a un account del personale, che accede con le sue credenziali.")
		}
		if out, nuovoDispositivo, err = entraForte(tx, u.ID, in, id); err != nil {
			return err
		}
		return audit(tx, domain.EventoAudit{Quando: in.Accesso.Quando, Chi: u.ID, IP: in.Accesso.IP, Azione: domain.AuditAccessoForte,
			Dettaglio: "accesso con " + id.Etichetta() + " (" + id.Soggetto + ")"})
	})
	return out, nuovoDispositivo, err
}

// RegistraIdentitaForte creates the account of a strong sign-in whose
// codice fiscale no account holds: the identity verified by id, the e-mail
// address the person gave (to be confirmed with the link of verifica, whose
// token hash is tokenHash), and opens its session, in one transaction.
func (s *Store) RegistraIdentitaForte(in Ingresso, id domain.IdentitaForte, email, tokenHash string, scade time.Time, verifica domain.Messaggio) (*domain.Utente, error) {
	if err := domain.ControllaIdentitaForte(id); err != nil {
		return nil, err
	}
	var out *domain.Utente
	err := s.aggiorna(func(tx *bolt.Tx) error {
		cf := domain.NormalizzaCodiceFiscale(id.CodiceFiscale)
		if tx.Bucket(bucketUtentiCF).Get([]byte(cf)) != nil {
			return domain.Conflitto("Un account per questo codice fiscale esiste già: accedi di nuovo con la stessa credenziale.")
		}
		// The address is not proven yet: it frees no registration holding it.
		if tx.Bucket(bucketUtentiEmail).Get([]byte(domain.NormalizzaEmail(email))) != nil {
			return &domain.Errore{Codice: domain.ErrConflitto, Messaggio: "Questo indirizzo e-mail è già usato da un altro account: indicane un altro."}
		}
		u := &domain.Utente{Ruolo: domain.RuoloRichiedente, Email: email, CodiceFiscale: cf, Nome: id.Nome, Cognome: id.Cognome,
			Creato: in.Accesso.Quando, Forte: &id}
		if err := creaUtente(tx, u); err != nil {
			return err
		}
		if err := creaToken(tx, tokenHash, domain.Token{Scopo: domain.ScopoVerificaEmail, UtenteID: u.ID, Creato: in.Accesso.Quando, Scade: scade}); err != nil {
			return err
		}
		verifica.To = []string{u.Email}
		if err := accodaTutti(tx, []domain.Messaggio{verifica}, "", in.Accesso.Quando); err != nil {
			return err
		}
		var err error
		if out, _, err = entraForte(tx, u.ID, in, id); err != nil {
			return err
		}
		return audit(tx, domain.EventoAudit{Quando: in.Accesso.Quando, Chi: u.ID, IP: in.Accesso.IP, Azione: domain.AuditAccessoForte,
			Dettaglio: "account creato con " + id.Etichetta() + " (" + id.Soggetto + ")"})
	})
	if err == nil {
		s.sveglia()
	}
	return out, err
}

// entraForte records id on account uid and opens the session of in.
func entraForte(tx *bolt.Tx, uid uint64, in Ingresso, id domain.IdentitaForte) (*domain.Utente, bool, error) {
	id.CodiceFiscale = domain.NormalizzaCodiceFiscale(id.CodiceFiscale)
	u, err := modificaUtente(tx, uid, func(u *domain.Utente) error {
		if u.Sospeso || u.Revocato {
			return errAccountNonAttivo
		}
		u.Forte = &id
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	in.Sessione.UtenteID, in.Accesso.Metodo = uid, id.Metodo
	// No warning of a new device: the credential itself proved who came.
	nuovo, err := apriSessione(tx, in)
	return u, nuovo, err
}
