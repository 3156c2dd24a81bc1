package store

import (
	"bytes"
	"sort"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
	"abilita/security"
)

// Logins with a second factor, the login history and devices of each user,
// the sessions a user sees, and the operators' actions on credentials.

// MaxAccessi is how many login attempts are kept per user; older ones are
// dropped, so a flood of failures cannot grow the file without end.
const MaxAccessi = 500

// maxUserAgent bounds the stored User-Agent header.
const maxUserAgent = 512

// Accesso is one login attempt on an existing account.
type Accesso struct {
	Quando    time.Time            `json:"quando"`
	IP        string               `json:"ip,omitempty"`
	UserAgent string               `json:"user_agent,omitempty"`
	Riuscito  bool                 `json:"riuscito"`
	Metodo    domain.MetodoAccesso `json:"metodo"`
	// Set by RegistraAccesso from UserAgent.
	Dispositivo      string `json:"dispositivo"`      // domain.Dispositivo.Impronta
	NomeDispositivo  string `json:"nome_dispositivo"` // "Firefox su Linux"
	NuovoDispositivo bool   `json:"nuovo_dispositivo,omitempty"`
}

// RegistraAccesso appends a login attempt to the user's history and reports
// whether a successful one came from a new device: one never used in a
// successful login before, on an account that had logged in before (the very
// first login is not news). Attempts on no account (utenteID 0) are not kept.
func (s *Store) RegistraAccesso(utenteID uint64, a Accesso) (nuovoDispositivo bool, err error) {
	if utenteID == 0 {
		return false, nil
	}
	if len(a.UserAgent) > maxUserAgent {
		a.UserAgent = troncaUTF8(a.UserAgent, maxUserAgent)
	}
	d := domain.DispositivoDa(a.UserAgent)
	a.Dispositivo, a.NomeDispositivo = d.Impronta, d.Nome
	err = s.db.Update(func(tx *bolt.Tx) error {
		if a.Riuscito {
			disp := tx.Bucket(bucketDispositivi)
			prefix := key(itob(utenteID), nil)
			k, _ := disp.Cursor().Seek(prefix)
			giaEntrato := k != nil && bytes.HasPrefix(k, prefix)
			dk := key(itob(utenteID), []byte(a.Dispositivo))
			a.NuovoDispositivo = giaEntrato && disp.Get(dk) == nil
			if err := disp.Put(dk, itob(uint64(a.Quando.UnixNano()))); err != nil {
				return err
			}
		}
		b := tx.Bucket(bucketAccessi)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		if err := put(b, key(itob(utenteID), itob(uint64(a.Quando.UnixNano())), itob(seq)), a); err != nil {
			return err
		}
		return potaAccessi(tx, utenteID)
	})
	return a.NuovoDispositivo, err
}

func troncaUTF8(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// potaAccessi drops the oldest attempts of a user beyond MaxAccessi.
func potaAccessi(tx *bolt.Tx, utenteID uint64) error {
	prefix := key(itob(utenteID), nil)
	var tutte [][]byte
	c := tx.Bucket(bucketAccessi).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		tutte = append(tutte, bytes.Clone(k))
	}
	for _, k := range tutte[:max(0, len(tutte)-MaxAccessi)] {
		if err := tx.Bucket(bucketAccessi).Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// AccessiRecenti returns the user's last n login attempts (all when n <= 0
// or above MaxAccessi), newest first.
func (s *Store) AccessiRecenti(utenteID uint64, n int) ([]Accesso, error) {
	if n <= 0 || n > MaxAccessi {
		n = MaxAccessi
	}
	var out []Accesso
	err := s.db.View(func(tx *bolt.Tx) error {
		prefix := key(itob(utenteID), nil)
		c := tx.Bucket(bucketAccessi).Cursor()
		// Start after the last key of the user: the first key of the next one.
		var k, v []byte
		if k, _ = c.Seek(itob(utenteID + 1)); k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && len(out) < n; k, v = c.Prev() {
			var a Accesso
			if err := jsonUnmarshal(v, &a); err != nil {
				return err
			}
			out = append(out, a)
		}
		return nil
	})
	return out, err
}

// DispositivoNoto reports whether the user logged in successfully from the
// device with that fingerprint (domain.Dispositivo.Impronta) before.
func (s *Store) DispositivoNoto(utenteID uint64, impronta string) (bool, error) {
	noto := false
	err := s.db.View(func(tx *bolt.Tx) error {
		noto = tx.Bucket(bucketDispositivi).Get(key(itob(utenteID), []byte(impronta))) != nil
		return nil
	})
	return noto, err
}

// SessioniUtente returns the open sessions of a user, the most recently used
// first, with their Hash filled in.
func (s *Store) SessioniUtente(utenteID uint64) ([]Sessione, error) {
	var out []Sessione
	err := s.db.View(func(tx *bolt.Tx) error {
		prefix := key(itob(utenteID), nil)
		b := tx.Bucket(bucketSessioni)
		c := tx.Bucket(bucketSessioniUtente).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			var ss Sessione
			if err := get(b, k[len(prefix):], &ss); err != nil {
				return err
			}
			ss.Hash = string(k[len(prefix):])
			out = append(out, ss)
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].UltimoUso.After(out[j].UltimoUso) })
	return out, err
}

// EliminaSessioneUtente ends one session of a user; a session of somebody
// else is not found.
func (s *Store) EliminaSessioneUtente(utenteID uint64, hash string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketSessioniUtente).Get(key(itob(utenteID), []byte(hash))) == nil {
			return domain.NonTrovato("Sessione non trovata.")
		}
		return eliminaSessione(tx, hash)
	})
}

// EliminaAltreSessioni ends every session of a user but the one with hash
// tranne (the one in use), and returns how many it ended.
func (s *Store) EliminaAltreSessioni(utenteID uint64, tranne string) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		prefix := key(itob(utenteID), nil)
		var hashes []string
		c := tx.Bucket(bucketSessioniUtente).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if h := string(k[len(prefix):]); h != tranne {
				hashes = append(hashes, h)
			}
		}
		for _, h := range hashes {
			if err := eliminaSessione(tx, h); err != nil {
				return err
			}
		}
		n = len(hashes)
		return nil
	})
	return n, err
}

var (
	errCodiceGiaUsato    = domain.Conflitto("Questo codice è già stato usato: attendi il prossimo codice dell'app e riprova.")
	errSenzaTOTP         = domain.Conflitto("L'app di autenticazione non è configurata: completa l'attivazione con i codici ricevuti dalla sede.")
	errRecuperoNonValido = &domain.Errore{Codice: domain.ErrNonValido, Messaggio: "Il codice di recupero non è valido o è già stato usato."}
)

// usaPasso records passo as the user's last TOTP step, refusing it unless it
// comes after the last one used: a code is accepted once.
func usaPasso(tx *bolt.Tx, utenteID uint64, passo int64) error {
	return aggiornaUtente(tx, utenteID, func(u *domain.Utente) error {
		if !u.Attivo() {
			return errAccountNonAttivo
		}
		if u.TOTP == nil {
			return errSenzaTOTP
		}
		if passo <= u.TOTP.UltimoPasso {
			return errCodiceGiaUsato
		}
		u.TOTP.UltimoPasso = passo
		return nil
	})
}

// usaRecupero removes the recovery code with that hash from the user's
// unused ones and returns how many remain.
func usaRecupero(tx *bolt.Tx, utenteID uint64, hash string) (int, error) {
	rimasti := 0
	err := aggiornaUtente(tx, utenteID, func(u *domain.Utente) error {
		if !u.Attivo() {
			return errAccountNonAttivo
		}
		trovato := -1
		for i, h := range u.CodiciRecupero {
			if security.EqualTokens(h, hash) && trovato < 0 {
				trovato = i
			}
		}
		if trovato < 0 {
			return errRecuperoNonValido
		}
		u.CodiciRecupero = append(u.CodiciRecupero[:trovato], u.CodiciRecupero[trovato+1:]...)
		rimasti = len(u.CodiciRecupero)
		return nil
	})
	return rimasti, err
}

// creaSessione is CreaSessione inside a transaction that also checks the
// second factor.
func creaSessione(tx *bolt.Tx, ss Sessione) error {
	if err := put(tx.Bucket(bucketSessioni), []byte(ss.Hash), ss); err != nil {
		return err
	}
	return tx.Bucket(bucketSessioniUtente).Put(key(itob(ss.UtenteID), []byte(ss.Hash)), nil)
}

// ApriSessioneConTOTP completes a login with a TOTP code: in one transaction
// it checks that the account is active, stores passo (the step
// security.VerificaTOTP matched against the stored UltimoPasso) as the last
// used one, refusing a step not after it, and opens the session ss. Of two
// logins with the same code, one opens a session.
func (s *Store) ApriSessioneConTOTP(ss Sessione, passo int64) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := usaPasso(tx, ss.UtenteID, passo); err != nil {
			return err
		}
		return creaSessione(tx, ss)
	})
}

// ApriSessioneConRecupero completes a login with a recovery code: it uses up
// the code with that hash (security.HashToken(security.NormalizeCode(typed)))
// and opens the session ss in one transaction. It returns how many codes
// remain, so the user can be told to renew them.
func (s *Store) ApriSessioneConRecupero(ss Sessione, hash string) (rimasti int, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		if rimasti, err = usaRecupero(tx, ss.UtenteID, hash); err != nil {
			return err
		}
		return creaSessione(tx, ss)
	})
	return rimasti, err
}

// AggiornaUltimoPassoTOTP uses up a TOTP code outside a login (confirming a
// sensitive action, say): it refuses a step not after the last used one.
func (s *Store) AggiornaUltimoPassoTOTP(utenteID uint64, passo int64) error {
	return s.db.Update(func(tx *bolt.Tx) error { return usaPasso(tx, utenteID, passo) })
}

// UsaCodiceRecupero uses up a recovery code outside a login and returns how
// many remain.
func (s *Store) UsaCodiceRecupero(utenteID uint64, hash string) (rimasti int, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		rimasti, err = usaRecupero(tx, utenteID, hash)
		return err
	})
	return rimasti, err
}

// Revoca revokes an account for good: its sessions, its activation code and
// any activation in progress end at once, and it can no longer log in.
func (s *Store) Revoca(utenteID uint64, e EventoAudit) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := aggiornaUtente(tx, utenteID, func(u *domain.Utente) error { u.Revocato = true; return nil }); err != nil {
			return err
		}
		if err := tx.Bucket(bucketAttivazioni).Delete(itob(utenteID)); err != nil {
			return err
		}
		if err := interrompiAttivazioni(tx, utenteID, time.Time{}); err != nil {
			return err
		}
		if err := eliminaSessioniUtente(tx, utenteID); err != nil {
			return err
		}
		return audit(tx, e)
	})
}

// ResetTOTP removes the authenticator and the recovery codes of an account
// whose holder lost them, after an operator re-checked its identity, and
// issues the activation code nuova, through which the holder enrols again:
// with the password alone nobody can enrol a new authenticator. Its sessions
// end. motivo is recorded with the code and in the audit entry e.
func (s *Store) ResetTOTP(utenteID uint64, motivo string, nuova Attivazione, e EventoAudit) error {
	if motivo == "" {
		return &domain.Errore{Codice: domain.ErrNonValido, Messaggio: "Indica il motivo dell'azzeramento."}
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		err := aggiornaUtente(tx, utenteID, func(u *domain.Utente) error {
			switch {
			case u.Revocato:
				return errRevocato
			case u.TOTP == nil:
				return domain.Conflitto("L'account non ha un'app di autenticazione da azzerare: emetti un nuovo codice di attivazione.")
			}
			u.TOTP, u.CodiciRecupero = nil, nil
			return nil
		})
		if err != nil {
			return err
		}
		nuova.UtenteID, nuova.Motivo = utenteID, "Azzeramento dell'app di autenticazione: "+motivo
		if err := salvaAttivazione(tx, nuova); err != nil {
			return err
		}
		if err := eliminaSessioniUtente(tx, utenteID); err != nil {
			return err
		}
		if e.Dettaglio == "" {
			e.Dettaglio = "azzeramento dell'app di autenticazione"
		}
		e.Dettaglio += " (motivo: " + motivo + ")"
		return audit(tx, e)
	})
}
