package store

import (
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// The actions of staff on accounts: the first administrator, operators and
// administrators created by an administrator, and the actions on an
// account's credentials (new activation code, suspension, revocation,
// authenticator reset), each with its domain.ConsentiAccount check, audit
// entry and messages.

// NuovoCollegamentoConfigurazione stores the single-use set-up link of the
// first administrator under hash, unless an administrator exists
// (creato false).
func (s *Store) NuovoCollegamentoConfigurazione(hash string, now, scade time.Time) (creato bool, err error) {
	err = s.aggiorna(func(tx *bolt.Tx) error {
		if creato = !ciSonoAmministratori(tx); !creato {
			return nil
		}
		return creaToken(tx, hash, domain.Token{Scopo: domain.ScopoSetupAdmin, Creato: now, Scade: scade})
	})
	return creato, err
}

// PrimoAmministratore is what the set-up page gathers: the account, its
// password, and the authenticator secret its activation shows next.
type PrimoAmministratore struct {
	Utente       domain.Utente
	PasswordHash string
	// AttivazioneHash is the hash of the activation token the browser keeps;
	// Segreto the TOTP secret sealed with
	// domain.ContestoSegretoInAttivazione(AttivazioneHash).
	AttivazioneHash string
	Segreto         []byte
}

var errGiaConfigurato = domain.Conflitto("L'amministratore è già stato configurato.")

// ConfiguraPrimoAmministratore consumes the set-up link setupHash, creates
// the first administrator and opens its activation past the password step:
// like every administrator it must enrol an authenticator and accept the
// confidentiality rules before it can log in. It fails once any
// administrator exists.
func (s *Store) ConfiguraPrimoAmministratore(a Atto, setupHash string, p PrimoAmministratore) (*domain.Utente, error) {
	var out domain.Utente
	err := s.aggiorna(func(tx *bolt.Tx) error {
		if _, err := consumaToken(tx, setupHash, domain.ScopoSetupAdmin, a.Quando); err != nil {
			return err
		}
		if ciSonoAmministratori(tx) {
			return errGiaConfigurato
		}
		u := p.Utente
		u.Ruolo, u.Creato, u.EmailVerificata = domain.RuoloAmministratore, a.Quando, a.Quando
		if err := liberaEmail(tx, u.Email, a.Quando, "l'indirizzo è del primo amministratore"); err != nil {
			return err
		}
		if err := creaUtente(tx, &u); err != nil {
			return err
		}
		att := domain.AttivazioneInCorso{UtenteID: u.ID, Avviata: a.Quando, Scade: a.Quando.Add(domain.DurataAttivazione),
			PasswordHash: p.PasswordHash, SegretoTOTP: p.Segreto, Contesto: p.AttivazioneHash}
		if err := put(tx.Bucket(bucketInAttivazione), []byte(p.AttivazioneHash), att); err != nil {
			return err
		}
		out = u
		return audit(tx, domain.EventoAudit{Quando: a.Quando, Chi: u.ID, IP: a.IP, Azione: domain.AuditAccount,
			Dettaglio: "Creato il primo amministratore " + u.NomeCompleto() + " (" + u.Email + ") con il collegamento di configurazione"})
	})
	return &out, err
}

// CreaStaff creates the operator or administrator u, bound to its sede, with
// its activation code and the e-mail with part 1 (msgs); the administrator
// a.Chi prints part 2. Nobody but the new user ever sets its password.
func (s *Store) CreaStaff(a Atto, u domain.Utente, codice domain.Attivazione, msgs []domain.Messaggio) (*domain.Utente, error) {
	var out domain.Utente
	err := s.aggiorna(func(tx *bolt.Tx) error {
		admin, err := leggiAttore(tx, a.Chi)
		if err != nil {
			return err
		}
		if admin.Ruolo != domain.RuoloAmministratore {
			return &domain.Errore{Codice: domain.ErrNonAmmesso, Messaggio: "Solo un amministratore crea gli account del personale."}
		}
		// Only what the form gives: a role of staff, the person and its sede.
		x := domain.Utente{Ruolo: u.Ruolo, Email: domain.NormalizzaEmail(u.Email), Nome: u.Nome, Cognome: u.Cognome, Sede: u.Sede, Creato: a.Quando}
		e := domain.Errori{}
		x.Valida(e, func(codice string) bool { _, err := s.Sede(codice); return err == nil })
		if len(e) > 0 {
			return &domain.Errore{Codice: domain.ErrNonValido, Messaggio: e.Primo()}
		}
		// The administrator vouches for the address: a registration never
		// confirmed that holds it does not keep it.
		if err := liberaEmail(tx, x.Email, a.Quando, "l'indirizzo è di un nuovo account del personale"); err != nil {
			return err
		}
		if err := creaUtente(tx, &x); err != nil {
			return err
		}
		codice.UtenteID = x.ID
		if err := salvaAttivazione(tx, codice); err != nil {
			return err
		}
		if err := accodaTutti(tx, msgs, x.Sede, a.Quando); err != nil {
			return err
		}
		out = x
		dettaglio := "Creato l'account di " + strings.ToLower(x.Ruolo.Etichetta()) + " " + x.NomeCompleto()
		if sd, err := s.Sede(x.Sede); err == nil {
			dettaglio += " per la " + sd.Nome
		}
		if err := a.registra(tx, domain.AuditAccount, 0, dettaglio+" (utente "+x.Email+")"); err != nil {
			return err
		}
		return a.registra(tx, domain.AuditCredenziali, 0, "Codice di attivazione emesso per "+chiAccount(&x)+": "+codice.Motivo)
	})
	if err == nil {
		s.sveglia()
	}
	return &out, err
}

// RiemettiCodice issues a new activation code for account id, which
// replaces the previous one and any activation in progress, and queues its
// messages. An operator does it for the holders of its sede, an
// administrator for staff who have not activated yet, the command line
// (a.Chi 0) for a first administrator stuck half-way.
func (s *Store) RiemettiCodice(a Atto, id uint64, codice domain.Attivazione, msgs []domain.Messaggio, motivo string) (*domain.Utente, error) {
	var out *domain.Utente
	err := s.aggiorna(func(tx *bolt.Tx) error {
		u, sede, err := accountEAttore(tx, a, id, domain.OpRiemettiCodice)
		if err != nil {
			return err
		}
		if motivo == "" {
			return &domain.Errore{Codice: domain.ErrNonValido, Messaggio: "Indica il motivo della nuova emissione."}
		}
		codice.UtenteID = u.ID
		if err := salvaAttivazione(tx, codice); err != nil {
			return err
		}
		if err := accodaTutti(tx, msgs, sede, a.Quando); err != nil {
			return err
		}
		out = u
		return a.registra(tx, domain.AuditCredenziali, 0, "Codice di attivazione emesso per "+chiAccount(u)+": "+motivo)
	})
	if err == nil {
		s.sveglia()
	}
	return out, err
}

// Sospendi suspends account id, ending its sessions at once, or reactivates
// it (sospeso false).
func (s *Store) Sospendi(a Atto, id uint64, sospeso bool, motivo string) (*domain.Utente, error) {
	var out *domain.Utente
	err := s.aggiorna(func(tx *bolt.Tx) error {
		u, err := accountPer(tx, a, id, domain.OpSospendi)
		if err != nil {
			return err
		}
		if out, err = modificaUtente(tx, u.ID, func(x *domain.Utente) error { x.Sospeso = sospeso; return nil }); err != nil {
			return err
		}
		dettaglio := "riattivato l'account di " + chiAccount(u)
		if sospeso {
			dettaglio = "sospeso l'account di " + chiAccount(u)
			if _, err := eliminaSessioniUtente(tx, u.ID, ""); err != nil {
				return err
			}
		}
		if motivo != "" {
			dettaglio += " (motivo: " + motivo + ")"
		}
		return a.registra(tx, domain.AuditAccount, 0, dettaglio)
	})
	return out, err
}

// Revoca revokes account id for good: its sessions, its activation code and
// any activation in progress end at once, and it can no longer log in.
func (s *Store) Revoca(a Atto, id uint64, motivo string) (*domain.Utente, error) {
	var out *domain.Utente
	err := s.aggiorna(func(tx *bolt.Tx) error {
		u, err := accountPer(tx, a, id, domain.OpRevoca)
		if err != nil {
			return err
		}
		if out, err = modificaUtente(tx, u.ID, func(x *domain.Utente) error { x.Revocato = true; return nil }); err != nil {
			return err
		}
		if err := tx.Bucket(bucketAttivazioni).Delete(itob(u.ID)); err != nil {
			return err
		}
		if err := interrompiAttivazioni(tx, u.ID, time.Time{}); err != nil {
			return err
		}
		if _, err := eliminaSessioniUtente(tx, u.ID, ""); err != nil {
			return err
		}
		return a.registra(tx, domain.AuditAccount, 0, "revocato l'account di "+chiAccount(u)+" (motivo: "+motivo+")")
	})
	return out, err
}

// AzzeraTOTP removes the authenticator and the recovery codes of account id,
// whose holder lost them, after the operator a.Chi re-checked its identity
// on documento, and issues the activation code nuovo (with its messages)
// through which the holder enrols again: with the password alone nobody can
// enrol a new authenticator. Its sessions end.
func (s *Store) AzzeraTOTP(a Atto, id uint64, motivo, documento string, nuovo domain.Attivazione, msgs []domain.Messaggio) (*domain.Utente, error) {
	if motivo == "" {
		return nil, &domain.Errore{Codice: domain.ErrNonValido, Messaggio: "Indica il motivo dell'azzeramento."}
	}
	var out *domain.Utente
	err := s.aggiorna(func(tx *bolt.Tx) error {
		u, sede, err := accountEAttore(tx, a, id, domain.OpAzzeraTOTP)
		if err != nil {
			return err
		}
		if out, err = modificaUtente(tx, u.ID, func(x *domain.Utente) error { x.TOTP, x.CodiciRecupero = nil, nil; return nil }); err != nil {
			return err
		}
		nuovo.UtenteID = u.ID
		if err := salvaAttivazione(tx, nuovo); err != nil {
			return err
		}
		if _, err := eliminaSessioniUtente(tx, u.ID, ""); err != nil {
			return err
		}
		if err := accodaTutti(tx, msgs, sede, a.Quando); err != nil {
			return err
		}
		if err := a.registra(tx, domain.AuditAccount, 0, "azzerata l'app di autenticazione di "+chiAccount(u)+"; identità verificata su "+documento+
			" (motivo: "+motivo+")"); err != nil {
			return err
		}
		return a.registra(tx, domain.AuditCredenziali, 0, "Codice di attivazione emesso per "+chiAccount(u)+": "+nuovo.Motivo)
	})
	if err == nil {
		s.sveglia()
	}
	return out, err
}

// accountPer reads the acting user and account id, and checks that the one
// may do op to the other. The command line (a.Chi 0) acts on administrators
// who never activated.
func accountPer(tx *bolt.Tx, a Atto, id uint64, op domain.OperazioneAccount) (*domain.Utente, error) {
	u, _, err := accountEAttore(tx, a, id, op)
	return u, err
}

// accountEAttore is accountPer that also returns the sede whose outbox lists
// the messages of the action: the staff member's own, or the one of the
// operator acting on a holder.
func accountEAttore(tx *bolt.Tx, a Atto, id uint64, op domain.OperazioneAccount) (*domain.Utente, string, error) {
	u, err := leggiUtente(tx, id)
	if err != nil && domain.CodiceDi(err) != domain.ErrNonTrovato {
		return nil, "", err
	}
	if a.Chi == 0 {
		if err != nil || u.Ruolo != domain.RuoloAmministratore || !u.DeveAttivare() {
			return nil, "", errUtenteNonTrovato
		}
		return u, "", nil
	}
	chi, errChi := leggiAttore(tx, a.Chi)
	if errChi != nil {
		return nil, "", errChi
	}
	if err != nil {
		return nil, "", domain.ConsentiAccount(chi, op, &domain.Utente{})
	}
	if err := domain.ConsentiAccount(chi, op, u); err != nil {
		return nil, "", err
	}
	if u.Ruolo == domain.RuoloRichiedente {
		return u, chi.Sede, nil
	}
	return u, u.Sede, nil
}

// chiAccount names an account in the audit log: by its login name, the
// codice fiscale of a credential holder, the e-mail of the others.
func chiAccount(u *domain.Utente) string {
	if u.CodiceFiscale != "" {
		return u.NomeCompleto() + " (" + u.CodiceFiscale + ")"
	}
	return u.NomeCompleto() + " (" + u.Email + ")"
}
