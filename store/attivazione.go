package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
	"abilita/security"
)

// Credential issuance (DESIGN.md §4): the approval that issues them, the
// two-part activation codes, and the activation that consumes a code and
// goes through its steps.

var (
	errAttivazioneNonValida = &domain.Errore{Codice: domain.ErrNonValido, Messaggio: "Codice fiscale o codici di attivazione non validi o scaduti."}
	errAttivazioneScaduta   = &domain.Errore{Codice: domain.ErrNonValido, Messaggio: "La procedura di attivazione è scaduta o è proseguita in un altro browser. Inserisci di nuovo il codice fiscale e le due parti del codice: riprenderai dal passo a cui eri arrivato, finché il codice è valido."}
	errPassoAttivazione     = domain.Conflitto("Questo passo dell'attivazione non è disponibile ora: prosegui dal passo indicato.")
	errAccountNonAttivo     = &domain.Errore{Codice: domain.ErrNonAmmesso, Messaggio: "L'account è sospeso o revocato: rivolgiti alla tua sede."}
	errRevocato             = domain.Conflitto("L'account è stato revocato: non è possibile emettere nuove credenziali.")
	// ErrChecklistIncompleta refuses an approval before every check is ticked.
	ErrChecklistIncompleta  = &domain.Errore{Codice: domain.ErrNonValido, Messaggio: "Per approvare spunta tutte le voci della verifica e salvala."}
	errDestinatarioCambiato = domain.Conflitto("L'account del richiedente è cambiato mentre approvavi la richiesta: riprova.")
)

// Approvazione is what an approval issues besides the decision: the
// activation code (nil for a revocation, which issues none), the address of
// the account the code's messages were written for, and those messages.
type Approvazione struct {
	Codice       *domain.Attivazione
	Destinatario string
	Messaggi     []domain.Messaggio
	// Attesta: the operator, confirming, attests every check of the
	// checklist that applies, which is recorded ticked with the decision.
	Attesta bool
}

// Approvata is the outcome of an approval.
type Approvata struct {
	Richiesta    *domain.Richiesta
	UtenteID     uint64 // the account created or upgraded; 0 without credentials
	NuovoAccount bool   // the applicant had no account
}

// Approva approves request id once the checklist is complete. In the same
// transaction a doctor gets its codice medico, the applicant's account
// (created for an applicant who has none, at the counter say) gets the
// enabled profile and the activation code, and the outcome and the code's
// parts are queued.
func (s *Store) Approva(a Atto, id uint64, ap Approvazione) (Approvata, error) {
	var out Approvata
	r, err := s.modifica(a, id, domain.OpLavora, func(tx *bolt.Tx, u *domain.Utente, r *domain.Richiesta) error {
		out = Approvata{}
		attestata := ""
		if ap.Attesta && r.Stato == domain.StatoInLavorazione && !r.Checklist.Completa(r.Profilo) {
			r.Checklist, attestata = domain.ChecklistCompleta(r.Profilo), " alla conferma"
		}
		if r.Stato == domain.StatoInLavorazione && !r.Checklist.Completa(r.Profilo) {
			return ErrChecklistIncompleta
		}
		r.Esito = &domain.Esito{Chi: u.ID, Quando: a.Quando}
		if err := r.Esegui(domain.AzioneApprova, u.ID, a.Quando, "Approvata"); err != nil {
			return err
		}
		if r.Profilo.Medico() {
			if err := assegnaCodiceMedico(tx, r); err != nil {
				return err
			}
		}
		if ap.Codice != nil {
			if r.Tipo == domain.TipoRevoca {
				return domain.Conflitto("Una richiesta di revoca non emette credenziali.")
			}
			var err error
			if out.UtenteID, out.NuovoAccount, err = emettiCredenziali(tx, a, r, ap); err != nil {
				return err
			}
		}
		if err := accodaEsito(tx, r, domain.ModelloApprovata, "Richiesta "+r.Protocollo+" approvata – Abilita", a); err != nil {
			return err
		}
		for _, m := range ap.Messaggi {
			if err := accoda(tx, m, r, a.Quando); err != nil {
				return err
			}
		}
		dettaglio := "approvata"
		if r.Stato == domain.StatoApprovata && len(r.Checklist.Spuntate()) > 0 {
			dettaglio += "; verifica" + attestata + ": " + strings.Join(r.Checklist.Spuntate(), ", ")
		}
		return a.registra(tx, domain.AuditDecisione, r.ID, dettaglio)
	})
	if err == nil {
		s.sveglia()
	}
	out.Richiesta = r
	return out, err
}

// emettiCredenziali gives the approved request r's credentials to the
// person whose identity the operator checked (titolareDi): their account
// gets the enabled profile, the verified codice fiscale, name and surname,
// and the activation code.
func emettiCredenziali(tx *bolt.Tx, a Atto, r *domain.Richiesta, ap Approvazione) (uint64, bool, error) {
	t, err := titolareDi(tx, r)
	if err != nil {
		return 0, false, err
	}
	if t.Email != domain.NormalizzaEmail(ap.Destinatario) {
		return 0, false, errDestinatarioCambiato
	}
	u := t.Utente
	nuovo := u == nil
	if nuovo {
		if t.Scartare != nil {
			if err := scartaNonConfermato(tx, t.Scartare, a.Quando, "l'indirizzo è quello del modulo firmato per la richiesta "+r.Protocollo); err != nil {
				return 0, false, err
			}
		}
		u = &domain.Utente{Ruolo: domain.RuoloRichiedente, Email: t.Email, Creato: a.Quando}
		if err := creaUtente(tx, u); err != nil {
			return 0, false, err
		}
	}
	ab := domain.Abilitazione{Profilo: r.Profilo, Sede: r.Sede, Dal: a.Quando, RichiestaID: r.ID, CodiceMedico: r.Esito.CodiceMedico}
	if r.Profilo == domain.ProfiloReferentePresidio {
		ab.CodiceStruttura = r.Struttura.Codice
	}
	if _, err := modificaUtente(tx, u.ID, func(x *domain.Utente) error {
		x.CodiceFiscale = t.CodiceFiscale
		x.Cognome, x.Nome = r.Anagrafica.Cognome, r.Anagrafica.Nome
		x.Abilitazioni = conAbilitazione(x.Abilitazioni, ab)
		return nil
	}); err != nil {
		return 0, false, err
	}
	codice := *ap.Codice
	codice.UtenteID, codice.RichiestaID, codice.Creata = u.ID, r.ID, a.Quando
	codice.Motivo = "Approvazione della richiesta " + r.Protocollo
	if err := salvaAttivazione(tx, codice); err != nil {
		return 0, false, err
	}
	dettaglio := fmt.Sprintf("credenziali emesse per l'utente %d (%s)", u.ID, r.Profilo.Etichetta())
	if nuovo {
		dettaglio += ", account creato"
	}
	return u.ID, nuovo, a.registra(tx, domain.AuditCredenziali, r.ID, dettaglio)
}

// Titolare is the person an approval issues credentials to.
type Titolare struct {
	Utente        *domain.Utente // their account; nil when the approval creates it
	Scartare      *domain.Utente // a registration never confirmed that holds Email, removed when the account is created
	Email         string         // where part 1 of the code goes
	CodiceFiscale string         // the one the operator checked, which the account holds from then on
}

// Errors of titolareDi, for the operator who approves.
var (
	errCFAltroAccount = domain.Conflitto("Il codice fiscale della richiesta ha già le credenziali su un altro account, con un altro indirizzo e-mail: " +
		"le credenziali non si emettono a due account. Il richiedente presenti la richiesta dal suo account (o, allo sportello, con l'indirizzo di quell'account).")
	errAccountAltroCF = domain.Conflitto("L'account del richiedente ha già le credenziali per un altro codice fiscale: non è possibile emetterle per questo.")
	errEmailStaff     = domain.Conflitto("L'indirizzo e-mail della richiesta appartiene a un account del personale: non è possibile emettervi le credenziali.")
)

// titolareDi finds who receives the credentials of request r: the person
// whose identity the operator checked, reached at the address they proved
// or signed.
//   - An online request: the account that filed it, whose address its owner
//     confirmed.
//   - A request from the counter (or by post, PEC): the account of the
//     e-mail written on the signed module, created if there is none; a
//     registration never confirmed that holds that address does not count
//     and is replaced.
//
// An account found by codice fiscale is never the answer: a codice fiscale
// is held only by the account an approval gave it to, and when that is
// another account the approval is refused rather than sending anything to
// an address the applicant did not give.
func titolareDi(tx *bolt.Tx, r *domain.Richiesta) (Titolare, error) {
	t := Titolare{CodiceFiscale: domain.NormalizzaCodiceFiscale(r.Anagrafica.CodiceFiscale)}
	if t.CodiceFiscale == "" {
		return t, domain.Conflitto("La richiesta non indica il codice fiscale: non è possibile emettere le credenziali.")
	}
	gia, err := utentePerIndice(tx, bucketUtentiCF, t.CodiceFiscale)
	switch {
	case err == nil && gia.Revocato:
		return t, errRevocato
	case err != nil && domain.CodiceDi(err) != domain.ErrNonTrovato:
		return t, err
	}
	var u *domain.Utente
	if r.Percorso.DaUnAccount() {
		if u, err = leggiUtente(tx, r.Richiedente); err != nil {
			return t, err
		}
		if u.Ruolo != domain.RuoloRichiedente || !u.Verificato() {
			return t, domain.Conflitto("L'account che ha presentato la richiesta non ha confermato il suo indirizzo e-mail: non è possibile emettere le credenziali.")
		}
	} else {
		if t.Email = domain.NormalizzaEmail(r.Contatti.Email); t.Email == "" {
			return t, domain.Conflitto("La richiesta non indica un indirizzo e-mail: non è possibile emettere le credenziali.")
		}
		u, err = utentePerIndice(tx, bucketUtentiEmail, t.Email)
		switch {
		case domain.CodiceDi(err) == domain.ErrNonTrovato:
			u = nil
		case err != nil:
			return t, err
		case u.Ruolo != domain.RuoloRichiedente:
			return t, errEmailStaff
		case u.NonConfermato():
			t.Scartare, u = u, nil
		}
	}
	switch {
	case gia != nil && (u == nil || gia.ID != u.ID):
		return t, errCFAltroAccount
	case u != nil && u.IdentitaVerificata() && u.CodiceFiscale != t.CodiceFiscale:
		return t, errAccountAltroCF
	case u != nil && u.Revocato:
		return t, errRevocato
	}
	if u != nil {
		t.Utente, t.Email = u, u.Email
	}
	return t, nil
}

// TitolareDi says who an approval of request id would issue credentials to,
// or why it cannot: the operator sees it before deciding, and the approval
// writes its messages for that address (the approval checks it is still the
// same).
func (s *Store) TitolareDi(r *domain.Richiesta) (Titolare, error) {
	var t Titolare
	err := s.leggi(func(tx *bolt.Tx) error {
		var err error
		t, err = titolareDi(tx, r)
		return err
	})
	return t, err
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

// Attivazione returns the activation code of a user, expired or not, so that
// an operator sees whether one is pending and the user's area can show part
// 2. It is not found once used or when none was issued.
func (s *Store) Attivazione(utenteID uint64) (*domain.Attivazione, error) {
	var a domain.Attivazione
	err := s.leggi(func(tx *bolt.Tx) error { return get(tx.Bucket(bucketAttivazioni), itob(utenteID), &a) })
	if errors.Is(err, errNotFound) {
		return nil, domain.NonTrovato("Nessun codice di attivazione in sospeso.")
	}
	return &a, err
}

// salvaAttivazione stores a as its user's only code and ends any activation
// in progress of that user.
func salvaAttivazione(tx *bolt.Tx, a domain.Attivazione) error {
	if a.UtenteID == 0 || !a.Completa() {
		return fmt.Errorf("store: incomplete activation code for user %d", a.UtenteID)
	}
	if err := interrompiAttivazioni(tx, a.UtenteID, time.Time{}); err != nil {
		return err
	}
	return put(tx.Bucket(bucketAttivazioni), itob(a.UtenteID), a)
}

// interrompiAttivazioni removes the activations in progress of a user, and
// those expired before now. They live half an hour, so there are few.
func interrompiAttivazioni(tx *bolt.Tx, utenteID uint64, now time.Time) error {
	var via [][]byte
	c := tx.Bucket(bucketInAttivazione).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var a domain.AttivazioneInCorso
		if err := getBytes(v, &a); err != nil {
			return err
		}
		if a.UtenteID == utenteID || !now.Before(a.Scade) {
			via = append(via, k)
		}
	}
	for _, k := range via {
		if err := tx.Bucket(bucketInAttivazione).Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// verificaAttivazione checks a login name and the two parts of its code as
// the person typed them. Every failure, an unknown name included, gets the
// same error after the same comparisons.
func verificaAttivazione(tx *bolt.Tx, identificativo, parte1, parte2 string, now time.Time) (*domain.Utente, error) {
	var a domain.Attivazione
	bucket, k := indiceIdentificativo(identificativo)
	u, err := utentePerIndice(tx, bucket, k)
	trovato := err == nil
	if err != nil && domain.CodiceDi(err) != domain.ErrNonTrovato {
		return nil, err
	}
	if trovato {
		if err := get(tx.Bucket(bucketAttivazioni), itob(u.ID), &a); err != nil {
			if !errors.Is(err, errNotFound) {
				return nil, err
			}
			trovato = false
		}
	}
	ok1 := security.EqualTokens(security.HashToken(security.NormalizeCode(parte1)), a.Parte1Hash)
	ok2 := security.EqualTokens(security.HashToken(security.NormalizeCode(parte2)), a.Parte2Hash)
	if !trovato || !ok1 || !ok2 || !a.Valida(now) {
		return nil, errAttivazioneNonValida
	}
	return u, nil
}

// IniziaAttivazione checks the login name (the codice fiscale; the e-mail
// of operators and administrators, who have none) and the two parts of the
// code as typed, and opens an activation in progress under tokenHash
// (security.HashToken of a security.NewToken the caller keeps in a cookie).
// The code stays valid until the activation completes or it expires: typed
// again (the browser closed, another device), it resumes the activation in
// progress where it stopped, now under tokenHash. Wrong, expired and
// unknown all get the same error.
func (s *Store) IniziaAttivazione(identificativo, parte1, parte2, tokenHash string, now time.Time) (*domain.AttivazioneInCorso, error) {
	if tokenHash == "" {
		return nil, errors.New("store: empty activation token hash")
	}
	var out domain.AttivazioneInCorso
	err := s.aggiorna(func(tx *bolt.Tx) error {
		u, err := verificaAttivazione(tx, identificativo, parte1, parte2, now)
		if err != nil {
			return err
		}
		if u.Sospeso || u.Revocato {
			return errAccountNonAttivo
		}
		out = domain.AttivazioneInCorso{UtenteID: u.ID, Avviata: now, Contesto: tokenHash}
		if prima, ok, err := attivazioneDellUtente(tx, u.ID, now); err != nil {
			return err
		} else if ok {
			out = prima // resumed where it stopped
		}
		if err := interrompiAttivazioni(tx, u.ID, now); err != nil {
			return err
		}
		out.Scade = now.Add(domain.DurataAttivazione)
		return put(tx.Bucket(bucketInAttivazione), []byte(tokenHash), out)
	})
	return &out, err
}

// attivazioneDellUtente returns the live activation in progress of an
// account, if there is one.
func attivazioneDellUtente(tx *bolt.Tx, utenteID uint64, now time.Time) (domain.AttivazioneInCorso, bool, error) {
	c := tx.Bucket(bucketInAttivazione).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var a domain.AttivazioneInCorso
		if err := getBytes(v, &a); err != nil {
			return a, false, err
		}
		if a.UtenteID == utenteID && now.Before(a.Scade) {
			return a, true, nil
		}
	}
	return domain.AttivazioneInCorso{}, false, nil
}

// AttivazioneInCorso returns the activation in progress of a token hash and
// its account, so the handler knows which step to show and to whom.
func (s *Store) AttivazioneInCorso(tokenHash string, now time.Time) (*domain.AttivazioneInCorso, *domain.Utente, error) {
	var a domain.AttivazioneInCorso
	var u *domain.Utente
	err := s.leggi(func(tx *bolt.Tx) error {
		var err error
		a, u, err = attivazioneInCorso(tx, tokenHash, now)
		return err
	})
	return &a, u, err
}

// attivazioneInCorso loads a live activation and its account, which must
// still be neither suspended nor revoked.
func attivazioneInCorso(tx *bolt.Tx, tokenHash string, now time.Time) (domain.AttivazioneInCorso, *domain.Utente, error) {
	var a domain.AttivazioneInCorso
	if err := get(tx.Bucket(bucketInAttivazione), []byte(tokenHash), &a); err != nil {
		if errors.Is(err, errNotFound) {
			return a, nil, errAttivazioneScaduta
		}
		return a, nil, err
	}
	if !now.Before(a.Scade) {
		return a, nil, errAttivazioneScaduta
	}
	u, err := leggiUtente(tx, a.UtenteID)
	if err != nil {
		if domain.CodiceDi(err) == domain.ErrNonTrovato {
			return a, nil, errAttivazioneScaduta
		}
		return a, nil, err
	}
	if u.Sospeso || u.Revocato {
		return a, nil, errAccountNonAttivo
	}
	return a, u, nil
}

// passoAttivazione applies one step to a live activation that is at one of
// the steps ammessi, extends it and saves it.
func (s *Store) passoAttivazione(tokenHash string, now time.Time, ammessi []domain.PassoAttivazione, fn func(*domain.AttivazioneInCorso) error) (*domain.AttivazioneInCorso, error) {
	var out domain.AttivazioneInCorso
	err := s.aggiorna(func(tx *bolt.Tx) error {
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
		a.Scade = now.Add(domain.DurataAttivazione)
		out = a
		return put(tx.Bucket(bucketInAttivazione), []byte(tokenHash), a)
	})
	return &out, err
}

// ImpostaPasswordAttivazione records the hash of the password chosen and the
// authenticator secret the next step shows (sealed with
// domain.ContestoSegretoInAttivazione(tokenHash)), so that showing it
// changes nothing. The password can be chosen again until the
// authenticator is confirmed.
func (s *Store) ImpostaPasswordAttivazione(tokenHash, passwordHash string, segreto []byte, now time.Time) (*domain.AttivazioneInCorso, error) {
	if passwordHash == "" || len(segreto) == 0 {
		return nil, errors.New("store: empty password hash or TOTP secret")
	}
	return s.passoAttivazione(tokenHash, now, []domain.PassoAttivazione{domain.PassoPassword, domain.PassoTOTP}, func(a *domain.AttivazioneInCorso) error {
		a.PasswordHash, a.SegretoTOTP = passwordHash, segreto
		return nil
	})
}

// ConfermaTOTPAttivazione records that a code of the pending secret was
// right: passo is the step security.VerificaTOTP matched (with ultimo 0). It
// becomes the account's last used step, so the enrolment code cannot log in.
func (s *Store) ConfermaTOTPAttivazione(tokenHash string, passo int64, now time.Time) (*domain.AttivazioneInCorso, error) {
	return s.passoAttivazione(tokenHash, now, []domain.PassoAttivazione{domain.PassoTOTP}, func(a *domain.AttivazioneInCorso) error {
		if a.SegretoTOTP == nil || passo <= 0 {
			return errPassoAttivazione
		}
		a.PassoTOTP = passo
		return nil
	})
}

// Completamento is the last step of an activation: the confidentiality
// rules accepted, the authenticator secret sealed for the account
// (domain.ContestoSegretoTOTP), and the hashes of the recovery codes the
// caller is about to show.
type Completamento struct {
	VersioneRegole string
	Segreto        []byte
	CodiciRecupero []string
}

// CompletaAttivazione accepts the confidentiality rules and completes the
// activation tokenHash: the account gets everything it gathered (password,
// authenticator, acceptance, recovery codes, activated profiles), the
// approved requests it came from become attive, its sessions end, the
// activation is closed and audited.
func (s *Store) CompletaAttivazione(a Atto, tokenHash string, c Completamento) (*domain.Utente, error) {
	if len(c.CodiciRecupero) == 0 || len(c.Segreto) == 0 || c.VersioneRegole == "" {
		return nil, errors.New("store: incomplete activation")
	}
	var out *domain.Utente
	err := s.aggiorna(func(tx *bolt.Tx) error {
		att, _, err := attivazioneInCorso(tx, tokenHash, a.Quando)
		if err != nil {
			return err
		}
		if p := att.Passo(); p != domain.PassoRegole && p != domain.PassoRecupero {
			return errPassoAttivazione
		}
		var richieste []uint64
		out, err = modificaUtente(tx, att.UtenteID, func(u *domain.Utente) error {
			for _, ab := range u.Abilitazioni {
				if ab.Attivata.IsZero() && ab.RichiestaID != 0 {
					richieste = append(richieste, ab.RichiestaID)
				}
			}
			completa(u, att, c, a.Quando)
			return nil
		})
		if err != nil {
			return err
		}
		// The credentials are in use: the approved requests they came from
		// become attive (DESIGN.md §3), in the same transaction.
		for _, id := range richieste {
			prima, err := leggiRichiesta(tx, id)
			if domain.CodiceDi(err) == domain.ErrNonTrovato {
				continue
			}
			if err != nil {
				return err
			}
			if prima.Stato != domain.StatoApprovata {
				continue
			}
			r := copia(prima)
			if err := r.Esegui(domain.AzioneAttiva, att.UtenteID, a.Quando, "Credenziali attivate dal titolare"); err != nil {
				return err
			}
			if err := salvaRichiesta(tx, prima, r); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bucketInAttivazione).Delete([]byte(tokenHash)); err != nil {
			return err
		}
		// Used: the code activates nothing more.
		if err := tx.Bucket(bucketAttivazioni).Delete(itob(att.UtenteID)); err != nil {
			return err
		}
		if _, err := eliminaSessioniUtente(tx, att.UtenteID, ""); err != nil {
			return err
		}
		return audit(tx, domain.EventoAudit{Quando: a.Quando, Chi: att.UtenteID, IP: a.IP, Azione: domain.AuditCredenziali, Dettaglio: "attivazione completata"})
	})
	return out, err
}

// completa applies a finished activation to its account.
func completa(u *domain.Utente, a domain.AttivazioneInCorso, c Completamento, now time.Time) {
	ultimo := a.PassoTOTP
	if u.TOTP != nil && u.TOTP.UltimoPasso > ultimo {
		ultimo = u.TOTP.UltimoPasso
	}
	if u.PasswordHash != "" && u.PasswordHash != a.PasswordHash {
		u.PasswordSostituita = u.PasswordHash
	}
	u.PasswordHash, u.PasswordCambiata = a.PasswordHash, now
	u.TOTP = &domain.TOTP{SegretoCifrato: c.Segreto, UltimoPasso: ultimo, Attivato: now}
	u.Regole = a.Regole
	if u.Regole == nil {
		u.Regole = &domain.Accettazione{Versione: c.VersioneRegole, Quando: now}
	}
	u.CodiciRecupero = append([]string(nil), c.CodiciRecupero...)
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

func getBytes(v []byte, x any) error { return json.Unmarshal(v, x) }
