package store

import (
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
	"abilita/security"
)

// Credential issuance (DESIGN.md §4): the index of accounts by codice
// fiscale, the two-part activation codes, their issuance when a request is
// approved, and the activation that consumes a code. Logins with a second
// factor and the operators' actions on credentials are in accessi.go.

// AuditCredenziali is the audit action of issuing, re-issuing and
// activating credentials.
const AuditCredenziali = "credenziali"

// NormalizzaCodiceFiscale is the form in which codici fiscali are compared and indexed.
func NormalizzaCodiceFiscale(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

var errCFOccupato = domain.Conflitto("Esiste già un account con questo codice fiscale.")

// indicizzaCF moves user id's entry in the codice fiscale index from prima
// to dopo (either may be empty). A codice fiscale belongs to one account.
func indicizzaCF(tx *bolt.Tx, id uint64, prima, dopo string) error {
	if prima == dopo {
		return nil
	}
	idx := tx.Bucket(bucketUtentiCF)
	if dopo != "" {
		if v := idx.Get([]byte(dopo)); v != nil && btoi(v) != id {
			return errCFOccupato
		}
		if err := idx.Put([]byte(dopo), itob(id)); err != nil {
			return err
		}
	}
	if v := idx.Get([]byte(prima)); prima != "" && v != nil && btoi(v) == id {
		return idx.Delete([]byte(prima))
	}
	return nil
}

// UtentePerCF returns the account of a codice fiscale.
func (s *Store) UtentePerCF(cf string) (*domain.Utente, error) {
	return s.utentePerIndice(func(tx *bolt.Tx) []byte {
		return tx.Bucket(bucketUtentiCF).Get([]byte(NormalizzaCodiceFiscale(cf)))
	})
}

// UtentePerIdentificativo returns the account of a login name: an e-mail
// address (generic users, operators, administrators) when it contains "@",
// otherwise a codice fiscale (credential holders).
func (s *Store) UtentePerIdentificativo(nome string) (*domain.Utente, error) {
	return s.utentePerIndice(func(tx *bolt.Tx) []byte { return idPerIdentificativo(tx, nome) })
}

func idPerIdentificativo(tx *bolt.Tx, nome string) []byte {
	if strings.Contains(nome, "@") {
		return tx.Bucket(bucketUtentiEmail).Get([]byte(NormalizzaEmail(nome)))
	}
	return tx.Bucket(bucketUtentiCF).Get([]byte(NormalizzaCodiceFiscale(nome)))
}

// utentePerIndice returns the user whose ID cerca finds in an index.
func (s *Store) utentePerIndice(cerca func(*bolt.Tx) []byte) (*domain.Utente, error) {
	var u domain.Utente
	err := s.db.View(func(tx *bolt.Tx) error {
		id := cerca(tx)
		if id == nil {
			return errNotFound
		}
		return get(tx.Bucket(bucketUtenti), id, &u)
	})
	if errors.Is(err, errNotFound) {
		return nil, domain.NonTrovato("Utente non trovato.")
	}
	return &u, err
}

// Attivazione is an account's live activation code. Only the hashes of its
// two parts are kept (security.HashToken of security.NewCode's output, which
// is already normalised). An account has at most one: issuing another
// replaces it, so the old code stops working.
type Attivazione struct {
	UtenteID   uint64 `json:"utente_id"`
	Parte1Hash string `json:"parte1_hash"`
	Parte2Hash string `json:"parte2_hash"`
	// Parte2Cifrata, when set, is part 2 sealed by security.Keyring with
	// domain.ContestoParte2(UtenteID): the applicant's own area shows it
	// (online requests without a PEC). Nil when part 2 went by PEC or on paper.
	Parte2Cifrata []byte    `json:"parte2_cifrata,omitempty"`
	Creata        time.Time `json:"creata"`
	Scade         time.Time `json:"scade"`
	Motivo        string    `json:"motivo,omitempty"` // why it was issued, for the operator
	RichiestaID   uint64    `json:"richiesta_id,omitempty"`
}

// Valida reports whether the code can still be used at now.
func (a *Attivazione) Valida(now time.Time) bool { return now.Before(a.Scade) }

var errAttivazioneNonValida = &domain.Errore{Codice: domain.ErrNonValido, Messaggio: "Codice fiscale o codici di attivazione non validi o scaduti."}

// Attivazione returns the activation code of a user, expired or not, so that
// an operator sees whether one is pending and the user's area can show part
// 2. It is not found once used or when none was issued.
func (s *Store) Attivazione(utenteID uint64) (*Attivazione, error) {
	var a Attivazione
	err := s.db.View(func(tx *bolt.Tx) error { return get(tx.Bucket(bucketAttivazioni), itob(utenteID), &a) })
	if errors.Is(err, errNotFound) {
		return nil, domain.NonTrovato("Nessun codice di attivazione in sospeso.")
	}
	return &a, err
}

// EmettiAttivazione issues a new activation code for an existing account
// (re-issue by an operator, or the first code of an operator or
// administrator) and records e in the audit log. The previous code and any
// activation in progress stop working. A revoked account gets none. Part 1
// goes to the account's e-mail: completing the activation verifies it.
func (s *Store) EmettiAttivazione(a Attivazione, e EventoAudit) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		var u domain.Utente
		if err := get(tx.Bucket(bucketUtenti), itob(a.UtenteID), &u); err != nil {
			if errors.Is(err, errNotFound) {
				return domain.NonTrovato("Utente non trovato.")
			}
			return err
		}
		if u.Revocato {
			return errRevocato
		}
		if err := salvaAttivazione(tx, a); err != nil {
			return err
		}
		return audit(tx, e)
	})
}

var errRevocato = domain.Conflitto("L'account è stato revocato: non è possibile emettere nuove credenziali.")

// salvaAttivazione stores a as its user's only code and ends any activation
// in progress of that user.
func salvaAttivazione(tx *bolt.Tx, a Attivazione) error {
	if a.UtenteID == 0 || a.Parte1Hash == "" || a.Parte2Hash == "" || !a.Scade.After(a.Creata) {
		return fmt.Errorf("store: incomplete activation code for user %d", a.UtenteID)
	}
	if err := interrompiAttivazioni(tx, a.UtenteID, time.Time{}); err != nil {
		return err
	}
	return put(tx.Bucket(bucketAttivazioni), itob(a.UtenteID), a)
}

// Emissione asks Esegui to issue credentials when it approves a request (see
// Transizione.Credenziali). The handler makes the two parts with
// security.NewCode, passes their security.HashToken here and sends them
// itself (Prepare may read the fields Esegui fills in).
type Emissione struct {
	Parte1Hash, Parte2Hash string
	Scade                  time.Time
	// SigillaParte2, when set, returns part 2 sealed for the account that
	// receives it (with domain.ContestoParte2(utenteID)), kept for the
	// applicant's own area.
	SigillaParte2 func(utenteID uint64) ([]byte, error)

	// Filled in by Esegui, valid when it returns no error.
	UtenteID     uint64 // the account created or upgraded
	Email        string // its e-mail: where part 1 goes
	NuovoAccount bool   // true when the applicant had no account
}

// emettiCredenziali creates or upgrades the account of the approved request
// r, adds the enabled profile and stores the activation code, inside the
// transaction of the approval.
func emettiCredenziali(tx *bolt.Tx, r *domain.Richiesta, t Transizione) error {
	e := t.Credenziali
	if t.Azione != domain.AzioneApprova {
		return fmt.Errorf("store: credentials are issued on approval, not on %q", t.Azione)
	}
	if r.Tipo == domain.TipoRevoca {
		return domain.Conflitto("Una richiesta di revoca non emette credenziali.")
	}
	u, nuovo, err := accountDellaRichiesta(tx, r, t.Quando)
	if err != nil {
		return err
	}
	ab := domain.Abilitazione{Profilo: r.Profilo, Sede: r.Sede, Dal: t.Quando, RichiestaID: r.ID}
	if r.Esito != nil {
		ab.CodiceMedico = r.Esito.CodiceMedico
	}
	if r.Profilo == domain.ProfiloReferentePresidio {
		ab.CodiceStruttura = r.Struttura.Codice
	}
	err = aggiornaUtente(tx, u.ID, func(x *domain.Utente) error {
		x.Abilitazioni = conAbilitazione(x.Abilitazioni, ab)
		return nil
	})
	if err != nil {
		return err
	}
	a := Attivazione{UtenteID: u.ID, Parte1Hash: e.Parte1Hash, Parte2Hash: e.Parte2Hash, Creata: t.Quando, Scade: e.Scade,
		Motivo: "Approvazione della richiesta " + r.Protocollo, RichiestaID: r.ID}
	if e.SigillaParte2 != nil {
		if a.Parte2Cifrata, err = e.SigillaParte2(u.ID); err != nil {
			return err
		}
	}
	if err := salvaAttivazione(tx, a); err != nil {
		return err
	}
	e.UtenteID, e.Email, e.NuovoAccount = u.ID, u.Email, nuovo
	ev := EventoAudit{Quando: t.Quando, Chi: t.Chi, Azione: AuditCredenziali, Richiesta: r.ID,
		Dettaglio: fmt.Sprintf("credenziali emesse per l'utente %d (%s)", u.ID, r.Profilo.Etichetta())}
	if nuovo {
		ev.Dettaglio += ", account creato"
	}
	if t.Audit != nil {
		ev.IP = t.Audit.IP
	}
	return audit(tx, ev)
}

// accountDellaRichiesta returns the account of the request's codice fiscale,
// creating it for an applicant who has none (at the counter, say): a generic
// account with the request's e-mail and no password yet.
func accountDellaRichiesta(tx *bolt.Tx, r *domain.Richiesta, now time.Time) (*domain.Utente, bool, error) {
	cf := NormalizzaCodiceFiscale(r.Anagrafica.CodiceFiscale)
	if cf == "" {
		return nil, false, domain.Conflitto("La richiesta non indica il codice fiscale: non è possibile emettere le credenziali.")
	}
	if id := tx.Bucket(bucketUtentiCF).Get([]byte(cf)); id != nil {
		var u domain.Utente
		if err := get(tx.Bucket(bucketUtenti), id, &u); err != nil {
			return nil, false, err
		}
		if u.Revocato {
			return nil, false, errRevocato
		}
		return &u, false, nil
	}
	u := &domain.Utente{Ruolo: domain.RuoloRichiedente, Email: r.Contatti.Email, CodiceFiscale: cf,
		Cognome: r.Anagrafica.Cognome, Nome: r.Anagrafica.Nome, Creato: now}
	if NormalizzaEmail(u.Email) == "" {
		return nil, false, domain.Conflitto("La richiesta non indica un indirizzo e-mail: non è possibile emettere le credenziali.")
	}
	if err := creaUtente(tx, u); err != nil {
		if domain.CodiceDi(err) == domain.ErrConflitto {
			return nil, false, domain.Conflitto("L'indirizzo e-mail della richiesta appartiene già a un account con un altro codice fiscale: non è possibile emettere le credenziali.")
		}
		return nil, false, err
	}
	return u, true, nil
}

// conAbilitazione adds ab to list, replacing the one of the same profile
// (and structure, for referenti): a variation updates it. A profile already
// activated stays activated, so a variation never lowers the login to the
// password alone.
func conAbilitazione(list []domain.Abilitazione, ab domain.Abilitazione) []domain.Abilitazione {
	for i, x := range list {
		if x.Profilo == ab.Profilo && x.CodiceStruttura == ab.CodiceStruttura {
			ab.Attivata = x.Attivata
			if ab.CodiceMedico == "" {
				ab.CodiceMedico = x.CodiceMedico
			}
			list[i] = ab
			return list
		}
	}
	return append(list, ab)
}

// verificaAttivazione checks a login name and the two parts of its code as
// the person typed them. Every failure, an unknown name included, gets the
// same error after the same comparisons.
func verificaAttivazione(tx *bolt.Tx, identificativo, parte1, parte2 string, now time.Time) (*domain.Utente, error) {
	var u domain.Utente
	var a Attivazione
	trovato := false
	if id := idPerIdentificativo(tx, identificativo); id != nil {
		errU, errA := get(tx.Bucket(bucketUtenti), id, &u), get(tx.Bucket(bucketAttivazioni), id, &a)
		for _, err := range []error{errU, errA} {
			if err != nil && !errors.Is(err, errNotFound) {
				return nil, err
			}
		}
		trovato = errU == nil && errA == nil
	}
	ok1 := security.EqualTokens(security.HashToken(security.NormalizeCode(parte1)), a.Parte1Hash)
	ok2 := security.EqualTokens(security.HashToken(security.NormalizeCode(parte2)), a.Parte2Hash)
	if !trovato || !ok1 || !ok2 || !a.Valida(now) {
		return nil, errAttivazioneNonValida
	}
	return &u, nil
}

// DurataAttivazione is how long an activation in progress waits for its
// next step; each step done extends it.
const DurataAttivazione = 30 * time.Minute

// PassoAttivazione is the next thing an activation in progress needs.
type PassoAttivazione string

// The steps of an activation, in order.
const (
	PassoPassword PassoAttivazione = "password" // choose the password
	PassoTOTP     PassoAttivazione = "totp"     // enrol the authenticator and confirm it with a code
	PassoRegole   PassoAttivazione = "regole"   // accept the confidentiality rules
	PassoRecupero PassoAttivazione = "recupero" // receive the recovery codes, which completes the activation
)

// AttivazioneInCorso is an activation after its code was accepted: the
// person holds a short-lived token (only its hash is the key here) and goes
// through the steps. Nothing reaches the account until the last step, so an
// activation left half-way changes nothing.
type AttivazioneInCorso struct {
	UtenteID     uint64               `json:"utente_id"`
	Avviata      time.Time            `json:"avviata"`
	Scade        time.Time            `json:"scade"`
	PasswordHash string               `json:"password_hash,omitempty"`
	SegretoTOTP  []byte               `json:"segreto_totp,omitempty"` // sealed with domain.ContestoSegretoTOTP(UtenteID)
	PassoTOTP    int64                `json:"passo_totp,omitempty"`   // step of the code that confirmed the enrolment; 0 until then
	Regole       *domain.Accettazione `json:"regole,omitempty"`
}

// Passo is the step the activation is at.
func (a *AttivazioneInCorso) Passo() PassoAttivazione {
	switch {
	case a.PasswordHash == "":
		return PassoPassword
	case a.PassoTOTP == 0:
		return PassoTOTP
	case a.Regole == nil:
		return PassoRegole
	}
	return PassoRecupero
}

var (
	errAttivazioneScaduta = &domain.Errore{Codice: domain.ErrNonValido, Messaggio: "La procedura di attivazione è scaduta o non è valida. Se hai già usato i codici di attivazione, chiedi alla tua sede di emetterne di nuovi."}
	errPassoAttivazione   = domain.Conflitto("Questo passo dell'attivazione non è disponibile ora: prosegui dal passo indicato.")
	errAccountNonAttivo   = &domain.Errore{Codice: domain.ErrNonAmmesso, Messaggio: "L'account è sospeso o revocato: rivolgiti alla tua sede."}
)

// IniziaAttivazione checks the login name (the codice fiscale; the e-mail
// of operators and administrators, who have none) and the two parts of the
// code as typed, consumes the code and opens an activation in progress under
// tokenHash (security.HashToken of a security.NewToken the caller keeps in a
// cookie). Wrong, expired and unknown all get the same error.
func (s *Store) IniziaAttivazione(identificativo, parte1, parte2, tokenHash string, now time.Time) (*AttivazioneInCorso, error) {
	if tokenHash == "" {
		return nil, errors.New("store: empty activation token hash")
	}
	var out AttivazioneInCorso
	err := s.db.Update(func(tx *bolt.Tx) error {
		u, err := verificaAttivazione(tx, identificativo, parte1, parte2, now)
		if err != nil {
			return err
		}
		if u.Sospeso || u.Revocato {
			return errAccountNonAttivo
		}
		if err := tx.Bucket(bucketAttivazioni).Delete(itob(u.ID)); err != nil {
			return err
		}
		if err := interrompiAttivazioni(tx, u.ID, now); err != nil {
			return err
		}
		out = AttivazioneInCorso{UtenteID: u.ID, Avviata: now, Scade: now.Add(DurataAttivazione)}
		return put(tx.Bucket(bucketInAttivazione), []byte(tokenHash), out)
	})
	return &out, err
}

// interrompiAttivazioni removes the activations in progress of a user, and
// those expired before now.
func interrompiAttivazioni(tx *bolt.Tx, utenteID uint64, now time.Time) error {
	c := tx.Bucket(bucketInAttivazione).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var a AttivazioneInCorso
		if err := jsonUnmarshal(v, &a); err != nil {
			return err
		}
		if a.UtenteID == utenteID || !now.Before(a.Scade) {
			if err := c.Delete(); err != nil {
				return err
			}
		}
	}
	return nil
}

// AttivazioneInCorso returns the activation in progress of a token hash, so
// the handler knows which step to show.
func (s *Store) AttivazioneInCorso(tokenHash string, now time.Time) (*AttivazioneInCorso, error) {
	var a AttivazioneInCorso
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		a, _, err = attivazioneInCorso(tx, tokenHash, now)
		return err
	})
	return &a, err
}

// attivazioneInCorso loads a live activation and its account, which must
// still be neither suspended nor revoked.
func attivazioneInCorso(tx *bolt.Tx, tokenHash string, now time.Time) (AttivazioneInCorso, domain.Utente, error) {
	var a AttivazioneInCorso
	var u domain.Utente
	if err := get(tx.Bucket(bucketInAttivazione), []byte(tokenHash), &a); err != nil {
		if errors.Is(err, errNotFound) {
			return a, u, errAttivazioneScaduta
		}
		return a, u, err
	}
	if !now.Before(a.Scade) {
		return a, u, errAttivazioneScaduta
	}
	if err := get(tx.Bucket(bucketUtenti), itob(a.UtenteID), &u); err != nil {
		if errors.Is(err, errNotFound) {
			return a, u, errAttivazioneScaduta
		}
		return a, u, err
	}
	if u.Sospeso || u.Revocato {
		return a, u, errAccountNonAttivo
	}
	return a, u, nil
}

// passoAttivazione applies one step to a live activation that is at one of
// the steps ammessi, extends it and saves it.
func (s *Store) passoAttivazione(tokenHash string, now time.Time, ammessi []PassoAttivazione, fn func(*AttivazioneInCorso) error) (*AttivazioneInCorso, error) {
	var out AttivazioneInCorso
	err := s.db.Update(func(tx *bolt.Tx) error {
		a, _, err := attivazioneInCorso(tx, tokenHash, now)
		if err != nil {
			return err
		}
		ok := false
		for _, p := range ammessi {
			ok = ok || a.Passo() == p
		}
		if !ok {
			return errPassoAttivazione
		}
		if err := fn(&a); err != nil {
			return err
		}
		a.Scade = now.Add(DurataAttivazione)
		out = a
		return put(tx.Bucket(bucketInAttivazione), []byte(tokenHash), a)
	})
	return &out, err
}

// ImpostaPasswordAttivazione records the hash of the password chosen. It can
// be chosen again until the authenticator is confirmed.
func (s *Store) ImpostaPasswordAttivazione(tokenHash, passwordHash string, now time.Time) (*AttivazioneInCorso, error) {
	if passwordHash == "" {
		return nil, errors.New("store: empty password hash")
	}
	return s.passoAttivazione(tokenHash, now, []PassoAttivazione{PassoPassword, PassoTOTP}, func(a *AttivazioneInCorso) error {
		a.PasswordHash = passwordHash
		return nil
	})
}

// ImpostaTOTPAttivazione records the sealed secret shown to the person (QR
// code and key), pending its confirmation. A new secret replaces one not yet
// confirmed.
func (s *Store) ImpostaTOTPAttivazione(tokenHash string, segretoCifrato []byte, now time.Time) (*AttivazioneInCorso, error) {
	if len(segretoCifrato) == 0 {
		return nil, errors.New("store: empty TOTP secret")
	}
	return s.passoAttivazione(tokenHash, now, []PassoAttivazione{PassoTOTP}, func(a *AttivazioneInCorso) error {
		a.SegretoTOTP = segretoCifrato
		return nil
	})
}

// ConfermaTOTPAttivazione records that a code of the pending secret was
// right: passo is the step security.VerificaTOTP matched (with ultimo 0). It
// becomes the account's last used step, so the enrolment code cannot log in.
func (s *Store) ConfermaTOTPAttivazione(tokenHash string, passo int64, now time.Time) (*AttivazioneInCorso, error) {
	return s.passoAttivazione(tokenHash, now, []PassoAttivazione{PassoTOTP}, func(a *AttivazioneInCorso) error {
		if a.SegretoTOTP == nil || passo <= 0 {
			return errPassoAttivazione
		}
		a.PassoTOTP = passo
		return nil
	})
}

// AccettaRegoleAttivazione records the acceptance of the confidentiality
// rules in their version versione (domain.VersioneRegole).
func (s *Store) AccettaRegoleAttivazione(tokenHash, versione string, now time.Time) (*AttivazioneInCorso, error) {
	if versione == "" {
		return nil, errors.New("store: empty rules version")
	}
	return s.passoAttivazione(tokenHash, now, []PassoAttivazione{PassoRegole}, func(a *AttivazioneInCorso) error {
		a.Regole = &domain.Accettazione{Versione: versione, Quando: now}
		return nil
	})
}

// CompletaAttivazione is the last step: it stores the hashes of the recovery
// codes the caller is about to show (security.CodiciRecupero, then
// security.HashToken(security.NormalizeCode(c)) of each) and gives the
// account everything the activation gathered: password, authenticator,
// acceptance of the rules, activated profiles. The account's sessions end
// (its password changed), the activation is closed and e is audited.
func (s *Store) CompletaAttivazione(tokenHash string, codiciRecupero []string, now time.Time, e EventoAudit) (*domain.Utente, error) {
	if len(codiciRecupero) == 0 {
		return nil, errors.New("store: no recovery codes")
	}
	var out domain.Utente
	err := s.db.Update(func(tx *bolt.Tx) error {
		a, _, err := attivazioneInCorso(tx, tokenHash, now)
		if err != nil {
			return err
		}
		if a.Passo() != PassoRecupero {
			return errPassoAttivazione
		}
		var richieste []uint64
		err = aggiornaUtente(tx, a.UtenteID, func(u *domain.Utente) error {
			for _, ab := range u.Abilitazioni {
				if ab.Attivata.IsZero() && ab.RichiestaID != 0 {
					richieste = append(richieste, ab.RichiestaID)
				}
			}
			completa(u, a, codiciRecupero, now)
			out = *u
			return nil
		})
		if err != nil {
			return err
		}
		// The credentials are in use: the approved requests they came from
		// become attive (DESIGN.md §3), in the same transaction.
		for _, id := range richieste {
			err := aggiornaRichiesta(tx, id, func(r *domain.Richiesta) error {
				if r.Stato != domain.StatoApprovata {
					return nil
				}
				return r.Esegui(domain.AzioneAttiva, a.UtenteID, now, "Credenziali attivate dal titolare")
			})
			if err != nil && domain.CodiceDi(err) != domain.ErrNonTrovato {
				return err
			}
		}
		if err := tx.Bucket(bucketInAttivazione).Delete([]byte(tokenHash)); err != nil {
			return err
		}
		if err := eliminaSessioniUtente(tx, a.UtenteID); err != nil {
			return err
		}
		if e.Chi == 0 {
			e.Chi = a.UtenteID
		}
		if e.Azione == "" {
			e.Azione, e.Dettaglio = AuditCredenziali, "attivazione completata"
		}
		return audit(tx, e)
	})
	return &out, err
}

// completa applies a finished activation to its account.
func completa(u *domain.Utente, a AttivazioneInCorso, codiciRecupero []string, now time.Time) {
	ultimo := a.PassoTOTP
	if u.TOTP != nil && u.TOTP.UltimoPasso > ultimo {
		ultimo = u.TOTP.UltimoPasso
	}
	u.PasswordHash, u.PasswordCambiata = a.PasswordHash, now
	u.TOTP = &domain.TOTP{SegretoCifrato: a.SegretoTOTP, UltimoPasso: ultimo, Attivato: now}
	u.Regole = a.Regole
	u.CodiciRecupero = append([]string(nil), codiciRecupero...)
	for i := range u.Abilitazioni {
		if u.Abilitazioni[i].Attivata.IsZero() {
			u.Abilitazioni[i].Attivata = now
		}
	}
	// Part 1 of the code reached the account's e-mail.
	if u.EmailVerificata.IsZero() {
		u.EmailVerificata = now
	}
}
