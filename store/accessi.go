package store

import (
	"bytes"
	"errors"
	"slices"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
	"abilita/security"
)

// Logins, sessions, the login history and devices of each account, and the
// changes of a holder's own factors. A login is one write: the second
// factor used up, the session opened, the attempt recorded and, from a new
// device, the warning queued.

// maxUserAgent bounds the stored User-Agent header.
const maxUserAgent = 512

var (
	errCodiceGiaUsato     = domain.Conflitto("Questo codice è già stato usato: attendi il prossimo codice dell'app e riprova.")
	errSenzaTOTP          = domain.Conflitto("L'app di autenticazione non è configurata: completa l'attivazione con i codici ricevuti dalla sede.")
	errRecuperoNonValido  = &domain.Errore{Codice: domain.ErrNonValido, Messaggio: "Il codice di recupero non è valido o è già stato usato."}
	errSessioneNonTrovata = domain.NonTrovato("Sessione non trovata.")
)

// SessioneAttiva returns the session with that hash and its account, in one
// read.
func (s *Store) SessioneAttiva(hash string) (domain.Sessione, *domain.Utente, error) {
	var ss domain.Sessione
	var u *domain.Utente
	err := s.leggi(func(tx *bolt.Tx) error {
		if err := get(tx.Bucket(bucketSessioni), []byte(hash), &ss); err != nil {
			if errors.Is(err, errNotFound) {
				return errSessioneNonTrovata
			}
			return err
		}
		var err error
		u, err = leggiUtente(tx, ss.UtenteID)
		return err
	})
	ss.Hash = hash
	return ss, u, err
}

// TocaSessione records that the session was used at t.
func (s *Store) TocaSessione(hash string, t time.Time) error {
	return s.aggiorna(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSessioni)
		var ss domain.Sessione
		if err := get(b, []byte(hash), &ss); err != nil {
			if errors.Is(err, errNotFound) {
				return nil
			}
			return err
		}
		ss.UltimoUso = t
		return put(b, []byte(hash), ss)
	})
}

// EliminaSessione ends one session: a logout, or an expired one.
func (s *Store) EliminaSessione(hash string) error {
	return s.aggiorna(func(tx *bolt.Tx) error { return eliminaSessione(tx, hash) })
}

func creaSessione(tx *bolt.Tx, ss domain.Sessione) error {
	if err := aggiornaDerivati(tx, derivato{}, derivaSessione(&ss), nil); err != nil {
		return err
	}
	return put(tx.Bucket(bucketSessioni), []byte(ss.Hash), ss)
}

func eliminaSessione(tx *bolt.Tx, hash string) error {
	b := tx.Bucket(bucketSessioni)
	var ss domain.Sessione
	if err := get(b, []byte(hash), &ss); err != nil {
		if errors.Is(err, errNotFound) {
			return nil
		}
		return err
	}
	ss.Hash = hash
	if err := aggiornaDerivati(tx, derivaSessione(&ss), derivato{}, nil); err != nil {
		return err
	}
	return b.Delete([]byte(hash))
}

// eliminaSessioniUtente ends every session of a user but tranne, and says
// how many it ended.
func eliminaSessioniUtente(tx *bolt.Tx, utenteID uint64, tranne string) (int, error) {
	prefix := prefisso(itob(utenteID))
	var hashes []string
	c := tx.Bucket(bucketSessioniUtente).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if h := string(k[len(prefix):]); h != tranne {
			hashes = append(hashes, h)
		}
	}
	for _, h := range hashes {
		if err := eliminaSessione(tx, h); err != nil {
			return 0, err
		}
	}
	return len(hashes), nil
}

// Ingresso is a successful login: the session it opens, the attempt to
// record, the e-mail that warns the holder when the device is new (sent
// only then), and the session this browser had before, which ends.
type Ingresso struct {
	Sessione domain.Sessione
	Accesso  domain.Accesso
	Avviso   domain.Messaggio
	Vecchia  string
}

var errSecondoFattore = domain.Conflitto("L'account ora richiede il codice dell'app di autenticazione: accedi di nuovo.")

// ApriSessione completes a login with the password alone, which only an
// account that needs no second factor may do: one activated meanwhile is
// refused.
func (s *Store) ApriSessione(in Ingresso) (nuovoDispositivo bool, err error) {
	return s.entra(in, func(_ *bolt.Tx, u *domain.Utente) error {
		if u.RichiedeTOTP() {
			return errSecondoFattore
		}
		return nil
	})
}

// ApriSessioneConTOTP completes a login with a TOTP code: passo is the step
// security.VerificaTOTP matched against the stored last step. In one
// transaction the step becomes the last used one (a step not after it is
// refused: of two logins with one code, one opens a session) and the session
// opens.
func (s *Store) ApriSessioneConTOTP(in Ingresso, passo int64) (nuovoDispositivo bool, err error) {
	return s.entra(in, func(tx *bolt.Tx, u *domain.Utente) error { return usaPasso(u, passo) })
}

// ApriSessioneConRecupero completes a login with a recovery code: the code
// with that hash (security.HashToken(security.NormalizeCode(typed))) is used
// up and the session opens. It returns how many codes remain, so the user
// can be told to renew them.
func (s *Store) ApriSessioneConRecupero(in Ingresso, hash string) (rimasti int, nuovoDispositivo bool, err error) {
	nuovoDispositivo, err = s.entra(in, func(tx *bolt.Tx, u *domain.Utente) error {
		var err error
		rimasti, err = usaRecupero(u, hash)
		return err
	})
	return rimasti, nuovoDispositivo, err
}

// entra is the transaction of every login: fattore checks and uses up the
// second factor on the account, then the session opens.
func (s *Store) entra(in Ingresso, fattore func(*bolt.Tx, *domain.Utente) error) (bool, error) {
	var nuovo bool
	err := s.aggiorna(func(tx *bolt.Tx) error {
		_, err := modificaUtente(tx, in.Sessione.UtenteID, func(u *domain.Utente) error {
			if !u.Attivo() {
				return errAccountNonAttivo
			}
			return fattore(tx, u)
		})
		if err != nil {
			return err
		}
		if nuovo, err = apriSessione(tx, in); err != nil {
			return err
		}
		if nuovo && len(in.Avviso.To) > 0 {
			return accodaTutti(tx, []domain.Messaggio{in.Avviso}, "", in.Accesso.Quando)
		}
		return nil
	})
	if err == nil && nuovo {
		s.sveglia()
	}
	return nuovo, err
}

// apriSessione opens the session of in, ending the one the browser had,
// and records the successful attempt; it reports whether the device is new.
func apriSessione(tx *bolt.Tx, in Ingresso) (bool, error) {
	if in.Vecchia != "" {
		if err := eliminaSessione(tx, in.Vecchia); err != nil {
			return false, err
		}
	}
	if err := creaSessione(tx, in.Sessione); err != nil {
		return false, err
	}
	in.Accesso.Riuscito = true
	return registraAccesso(tx, in.Sessione.UtenteID, in.Accesso)
}

// usaPasso records passo as the account's last TOTP step, refusing it
// unless it comes after the last one used: a code is accepted once.
func usaPasso(u *domain.Utente, passo int64) error {
	if u.TOTP == nil {
		return errSenzaTOTP
	}
	if passo <= u.TOTP.UltimoPasso {
		return errCodiceGiaUsato
	}
	u.TOTP.UltimoPasso = passo
	return nil
}

// usaRecupero removes the recovery code with that hash from the account's
// unused ones and returns how many remain.
func usaRecupero(u *domain.Utente, hash string) (int, error) {
	trovato := -1
	for i, h := range u.CodiciRecupero {
		if security.EqualTokens(h, hash) && trovato < 0 {
			trovato = i
		}
	}
	if trovato < 0 {
		return 0, errRecuperoNonValido
	}
	u.CodiciRecupero = slices.Delete(u.CodiciRecupero, trovato, trovato+1)
	return len(u.CodiciRecupero), nil
}

// RegistraAccesso records a login attempt that opened no session (a wrong
// password or code). For an unknown name (utenteID 0) it writes an empty
// transaction, so that the answer takes as long as for a real account.
func (s *Store) RegistraAccesso(utenteID uint64, a domain.Accesso) error {
	return s.aggiorna(func(tx *bolt.Tx) error {
		if utenteID == 0 || tx.Bucket(bucketUtenti).Get(itob(utenteID)) == nil {
			return nil
		}
		_, err := registraAccesso(tx, utenteID, a)
		return err
	})
}

// registraAccesso appends a login attempt to the account's history and
// reports whether a successful one came from a new device: one never used in
// a successful login before, on an account that had logged in before (the
// very first login is not news).
func registraAccesso(tx *bolt.Tx, utenteID uint64, a domain.Accesso) (bool, error) {
	if len(a.UserAgent) > maxUserAgent {
		a.UserAgent = troncaUTF8(a.UserAgent, maxUserAgent)
	}
	d := domain.DispositivoDa(a.UserAgent)
	a.Dispositivo, a.NomeDispositivo = d.Impronta, d.Nome
	if a.Riuscito {
		disp := tx.Bucket(bucketDispositivi)
		prefix := prefisso(itob(utenteID))
		k, _ := disp.Cursor().Seek(prefix)
		giaEntrato := k != nil && bytes.HasPrefix(k, prefix)
		dk := key(itob(utenteID), []byte(a.Dispositivo))
		a.NuovoDispositivo = giaEntrato && disp.Get(dk) == nil
		if err := disp.Put(dk, itob(uint64(a.Quando.UnixNano()))); err != nil {
			return false, err
		}
	}
	b := tx.Bucket(bucketAccessi)
	seq, err := b.NextSequence()
	if err != nil {
		return false, err
	}
	if err := put(b, key(itob(utenteID), itob(uint64(a.Quando.UnixNano())), itob(seq)), a); err != nil {
		return false, err
	}
	return a.NuovoDispositivo, potaAccessi(tx, utenteID)
}

func troncaUTF8(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// potaAccessi drops the oldest attempts of a user beyond domain.MaxAccessi,
// reading from the newest back to the first one too many.
func potaAccessi(tx *bolt.Tx, utenteID uint64) error {
	prefix := prefisso(itob(utenteID))
	c := tx.Bucket(bucketAccessi).Cursor()
	var via [][]byte
	n := 0
	for k := range indietroChiavi(c, prefix) {
		if n++; n > domain.MaxAccessi {
			via = append(via, bytes.Clone(k))
		}
	}
	for _, k := range via {
		if err := tx.Bucket(bucketAccessi).Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// indietroChiavi walks the keys that start with prefix from the last one.
func indietroChiavi(c *bolt.Cursor, prefix []byte) func(yield func([]byte) bool) {
	return func(yield func([]byte) bool) {
		for k := range indietroValori(c, prefix) {
			if !yield(k) {
				return
			}
		}
	}
}

// indietroValori walks the keys that start with prefix, and their values, from
// the last one.
func indietroValori(c *bolt.Cursor, prefix []byte) func(yield func(k, v []byte) bool) {
	return func(yield func(k, v []byte) bool) {
		var k, v []byte
		if fine := fineDi(prefix); fine == nil {
			k, v = c.Last()
		} else if k, _ = c.Seek(fine); k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Prev() {
			if !yield(k, v) {
				return
			}
		}
	}
}

// AccessiRecenti returns the user's last n login attempts (all when n <= 0
// or above domain.MaxAccessi), newest first.
func (s *Store) AccessiRecenti(utenteID uint64, n int) ([]domain.Accesso, error) {
	if n <= 0 || n > domain.MaxAccessi {
		n = domain.MaxAccessi
	}
	var out []domain.Accesso
	err := s.leggi(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAccessi)
		for k := range indietroChiavi(b.Cursor(), prefisso(itob(utenteID))) {
			var a domain.Accesso
			if err := get(b, k, &a); err != nil {
				return err
			}
			if out = append(out, a); len(out) == n {
				break
			}
		}
		return nil
	})
	return out, err
}

// DispositivoNoto reports whether the user logged in successfully from the
// device with that fingerprint (domain.Dispositivo.Impronta) before.
func (s *Store) DispositivoNoto(utenteID uint64, impronta string) (bool, error) {
	noto := false
	err := s.leggi(func(tx *bolt.Tx) error {
		noto = tx.Bucket(bucketDispositivi).Get(key(itob(utenteID), []byte(impronta))) != nil
		return nil
	})
	return noto, err
}

// SessioniUtente returns the open sessions of a user, the most recently used
// first, with their Hash filled in.
func (s *Store) SessioniUtente(utenteID uint64) ([]domain.Sessione, error) {
	var out []domain.Sessione
	err := s.leggi(func(tx *bolt.Tx) error {
		prefix := prefisso(itob(utenteID))
		b := tx.Bucket(bucketSessioni)
		c := tx.Bucket(bucketSessioniUtente).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			var ss domain.Sessione
			if err := get(b, k[len(prefix):], &ss); err != nil {
				return err
			}
			ss.Hash = string(k[len(prefix):])
			out = append(out, ss)
		}
		return nil
	})
	slices.SortStableFunc(out, func(a, b domain.Sessione) int { return b.UltimoUso.Compare(a.UltimoUso) })
	return out, err
}

// ChiudiSessione ends one session of the user a.Chi, described in the
// audit entry as descrizione; a session of somebody else is not found.
func (s *Store) ChiudiSessione(a Atto, hash, descrizione string) error {
	return s.aggiorna(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketSessioniUtente).Get(key(itob(a.Chi), []byte(hash))) == nil {
			return errSessioneNonTrovata
		}
		if err := eliminaSessione(tx, hash); err != nil {
			return err
		}
		return a.registra(tx, domain.AuditAccount, 0, "il titolare ha chiuso una sessione ("+descrizione+")")
	})
}

// ChiudiAltreSessioni ends every session of the user a.Chi but the one with
// hash tranne (the one in use), and returns how many it ended.
func (s *Store) ChiudiAltreSessioni(a Atto, tranne string) (int, error) {
	var n int
	err := s.aggiorna(func(tx *bolt.Tx) error {
		var err error
		if n, err = eliminaSessioniUtente(tx, a.Chi, tranne); err != nil {
			return err
		}
		return a.registra(tx, domain.AuditAccount, 0, "il titolare ha chiuso le altre sessioni: "+itoa(n))
	})
	return n, err
}

// Fattore is the second factor a holder gives again to change its
// credentials: a TOTP step already matched by security.VerificaTOTP, or the
// hash of a recovery code. An account without an authenticator gives none.
type Fattore struct {
	Passo        int64
	RecuperoHash string
}

func (f *Fattore) usa(u *domain.Utente) error {
	switch {
	case f == nil && u.TOTP == nil:
		return nil
	case f == nil:
		return errSenzaTOTP
	case f.RecuperoHash != "":
		_, err := usaRecupero(u, f.RecuperoHash)
		return err
	}
	return usaPasso(u, f.Passo)
}

// Cambio is a change of a holder's own credentials: the factor it gave
// again, the session it is using (the others end), and the e-mail that
// tells it the change happened.
type Cambio struct {
	Fattore  *Fattore
	Sessione string
	Avviso   domain.Messaggio
}

// CambiaPassword sets the new password hash of the holder a.Chi.
func (s *Store) CambiaPassword(a Atto, c Cambio, passwordHash string) (chiuse int, err error) {
	return s.cambia(a, c, "password cambiata dal titolare", func(u *domain.Utente) error {
		u.PasswordHash, u.PasswordCambiata, u.PasswordSostituita = passwordHash, a.Quando, ""
		return nil
	})
}

var errSenzaApp = domain.Conflitto("Il tuo account non ha un'app di autenticazione da cambiare.")

// CambiaTOTP replaces the authenticator of the holder a.Chi with the secret
// sealed for it (domain.ContestoSegretoTOTP); passo is the step of the code
// of the new app that confirmed it, which becomes the last used.
func (s *Store) CambiaTOTP(a Atto, c Cambio, segreto []byte, passo int64) (chiuse int, err error) {
	return s.cambia(a, c, "app di autenticazione cambiata dal titolare", func(u *domain.Utente) error {
		if u.TOTP == nil { // reset by the sede meanwhile: only a new activation enrols again
			return errSenzaApp
		}
		u.TOTP = &domain.TOTP{SegretoCifrato: segreto, UltimoPasso: passo, Attivato: a.Quando}
		return nil
	})
}

// cambia is the transaction of a change of credentials: the factor used
// up, the change, the other sessions ended, the audit entry, the e-mail.
func (s *Store) cambia(a Atto, c Cambio, dettaglio string, fn func(*domain.Utente) error) (int, error) {
	var chiuse int
	err := s.aggiorna(func(tx *bolt.Tx) error {
		_, err := modificaUtente(tx, a.Chi, func(u *domain.Utente) error {
			if !u.Attivo() {
				return errAccountNonAttivo
			}
			if err := c.Fattore.usa(u); err != nil {
				return err
			}
			return fn(u)
		})
		if err != nil {
			return err
		}
		if chiuse, err = eliminaSessioniUtente(tx, a.Chi, c.Sessione); err != nil {
			return err
		}
		if len(c.Avviso.To) > 0 {
			if err := accodaTutti(tx, []domain.Messaggio{c.Avviso}, "", a.Quando); err != nil {
				return err
			}
		}
		return a.registra(tx, domain.AuditAccount, 0, dettaglio+"; altre sessioni chiuse: "+itoa(chiuse))
	})
	if err == nil {
		s.sveglia()
	}
	return chiuse, err
}

// AggiornaHashPassword replaces the password hash of account id, computed
// with old parameters, with one of the current parameters: a login does it
// once the password is right. A password changed meanwhile is left alone.
func (s *Store) AggiornaHashPassword(id uint64, vecchio, nuovo string) error {
	return s.aggiorna(func(tx *bolt.Tx) error {
		_, err := modificaUtente(tx, id, func(u *domain.Utente) error {
			if u.PasswordHash == vecchio {
				u.PasswordHash = nuovo
			}
			return nil
		})
		return err
	})
}
