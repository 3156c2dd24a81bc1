package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"abilita/domain"
	"abilita/handlers"
	"abilita/posta"
	"abilita/security"
	"abilita/store"
)

// The steps the demo's story is told with: each makes what a page makes
// before calling the store (hashes, codes, secrets, messages) and calls the
// store action the page calls, at the story's time. After the first error
// every step does nothing, so the story reads as a plain list of steps and
// is checked once at its end.

// riempimento is the demo being written.
type riempimento struct {
	a    *App
	fine time.Time // when the story ends: the moment of the demo's start
	ora  time.Time // the story's clock
	err  error     // the first failure
	d    *Dimostrazione

	richieste []RichiestaDemo // the requests made, in order, with their notes
}

// alle moves the story's clock to giorni days before its end, at ore:minuti
// in Rome. The clock only goes forward, so that the audit log, the
// requests' histories and the protocol numbers follow the dates.
func (r *riempimento) alle(giorni, ore, minuti int) {
	f := r.fine.In(domain.Roma)
	t := time.Date(f.Year(), f.Month(), f.Day()-giorni, ore, minuti, 0, 0, domain.Roma)
	if r.err == nil && (t.Before(r.ora) || !t.Before(r.fine)) {
		r.err = fmt.Errorf("il passo del %s è fuori ordine nella storia", t.Format("02/01/2006 15:04"))
	}
	r.ora = t
}

// poi moves the clock on by a few minutes, between the steps of one action.
func (r *riempimento) poi(minuti int) { r.ora = r.ora.Add(time.Duration(minuti) * time.Minute) }

// atto is the action of user chi now.
func (r *riempimento) atto(chi uint64) store.Atto { return store.Atto{Chi: chi, Quando: r.ora} }

// fallito records err, said of cosa, unless a failure came first, and
// reports whether the story has failed.
func (r *riempimento) fallito(err error, cosa string) bool {
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("%s: %w", cosa, err)
	}
	return r.err != nil
}

// password makes a random password u may choose, by the rule of the pages.
func (r *riempimento) password(u *domain.Utente) (string, string) {
	for range 5 {
		pw := security.FormatCode(security.NewCode(80))
		e := domain.Errori{}
		u.ValidaNuovaPassword(e, pw, pw, domain.MinPassword)
		if len(e) > 0 {
			continue
		}
		hash, err := r.a.Hasher.Hash(context.Background(), pw)
		r.fallito(err, "password di "+u.NomeCompleto())
		return pw, hash
	}
	r.fallito(errors.New("nessuna password generata è ammessa"), "password di "+u.NomeCompleto())
	return "", ""
}

// sigilla seals a secret as the pages do.
func (r *riempimento) sigilla(segreto string, contesto []byte) []byte {
	b, err := r.a.Keys.Seal([]byte(segreto), contesto)
	r.fallito(err, "cifratura")
	return b
}

// primoAmministratore creates the first administrator through the set-up
// link, as its page does, and completes its activation.
func (r *riempimento) primoAmministratore(u domain.Utente) uint64 {
	if r.err != nil {
		return 0
	}
	link := security.NewToken()
	creato, err := r.a.Store.NuovoCollegamentoConfigurazione(security.HashToken(link), r.ora, r.ora.Add(7*24*time.Hour))
	if !creato && err == nil {
		err = errors.New("esiste già un amministratore")
	}
	if r.fallito(err, "collegamento di configurazione") {
		return 0
	}
	r.poi(4)
	u.Ruolo = domain.RuoloAmministratore
	e := domain.Errori{}
	if u.Valida(e, nil); len(e) > 0 {
		r.fallito(errors.New(e.Primo()), "primo amministratore")
		return 0
	}
	password, hash := r.password(&u)
	key, err := security.NuovoTOTP(handlers.EmittenteTOTP, u.Email)
	if r.fallito(err, "app di autenticazione") {
		return 0
	}
	token := security.HashToken(security.NewToken())
	p := store.PrimoAmministratore{Utente: u, PasswordHash: hash, AttivazioneHash: token,
		Segreto: r.sigilla(key.Secret(), domain.ContestoSegretoInAttivazione(token))}
	admin, err := r.a.Store.ConfiguraPrimoAmministratore(r.atto(0), security.HashToken(link), p)
	if r.fallito(err, "primo amministratore") {
		return 0
	}
	r.completaAttivazione(token, admin.ID, key.Secret())
	r.d.Account = append(r.d.Account, AccountDemo{Profilo: "Amministratore", Nome: admin.NomeCompleto(), Identificativo: admin.Email,
		Password: password, SegretoTOTP: key.Secret(), URLTOTP: key.URL()})
	return admin.ID
}

// creaOperatore creates the account of an operator of sede, as the
// administrator's page does, and returns its activation code.
func (r *riempimento) creaOperatore(admin uint64, u domain.Utente, sede string) CodiceDemo {
	if r.err != nil {
		return CodiceDemo{}
	}
	u.Ruolo, u.Sede = domain.RuoloOperatore, sede
	c, att, msgs := r.nuovoCodice(u.Nome, u.Email, u.Email, doveParte2{Amministratore: true}, "creazione dell'account")
	_, err := r.a.Store.CreaStaff(r.atto(admin), u, att, msgs)
	r.fallito(err, "account di "+u.NomeCompleto())
	return c
}

// attiva goes through the activation pages with code c: the password, the
// authenticator, the rules; the account is listed with profilo, and
// returned.
func (r *riempimento) attiva(c CodiceDemo, profilo string) uint64 {
	if r.err != nil {
		return 0
	}
	token := security.HashToken(security.NewToken()) // of the cookie a browser would keep
	att, err := r.a.Store.IniziaAttivazione(c.Identificativo, c.Parte1, c.Parte2, token, r.ora)
	if r.fallito(err, "attivazione di "+c.Nome) {
		return 0
	}
	u, err := r.a.Store.Utente(att.UtenteID)
	if r.fallito(err, "attivazione di "+c.Nome) {
		return 0
	}
	r.poi(2)
	password, hash := r.password(u)
	key, err := security.NuovoTOTP(handlers.EmittenteTOTP, c.Identificativo)
	if r.fallito(err, "app di autenticazione") {
		return 0
	}
	_, err = r.a.Store.ImpostaPasswordAttivazione(token, hash, r.sigilla(key.Secret(), att.ContestoSegreto(token)), r.ora)
	if r.fallito(err, "password di "+c.Nome) {
		return 0
	}
	r.completaAttivazione(token, u.ID, key.Secret())
	r.d.Account = append(r.d.Account, AccountDemo{Profilo: profilo, Nome: u.NomeCompleto(), Identificativo: c.Identificativo,
		Password: password, SegretoTOTP: key.Secret(), URLTOTP: key.URL()})
	return u.ID
}

// completaAttivazione confirms the authenticator with a code of its secret
// and accepts the rules, as the last steps of the activation pages do.
func (r *riempimento) completaAttivazione(token string, utenteID uint64, segreto string) {
	if r.err != nil {
		return
	}
	r.poi(2)
	codice, err := security.CodiceTOTP(segreto, r.ora)
	if r.fallito(err, "codice dell'app") {
		return
	}
	passo, ok := security.VerificaTOTP(segreto, codice, r.ora, 0)
	if !ok {
		r.fallito(errors.New("codice rifiutato"), "codice dell'app")
		return
	}
	if _, err := r.a.Store.ConfermaTOTPAttivazione(token, passo, r.ora); r.fallito(err, "conferma dell'app") {
		return
	}
	r.poi(1)
	codici := security.CodiciRecupero(10) // as many as the activation pages hand out
	fatto := store.Completamento{VersioneRegole: domain.VersioneRegole, CodiciRecupero: make([]string, len(codici)),
		Segreto: r.sigilla(segreto, domain.ContestoSegretoTOTP(utenteID))}
	for i, k := range codici {
		fatto.CodiciRecupero[i] = security.HashToken(security.NormalizeCode(k))
	}
	_, err = r.a.Store.CompletaAttivazione(r.atto(0), token, fatto)
	r.fallito(err, "completamento dell'attivazione")
}

// doveParte2 and datiAttivazione are the data of the mail templates of an
// activation code (views/mail/attivazione_parte*.txt), as the handlers
// fill them in.
type doveParte2 struct {
	PEC                  string
	Area, Amministratore bool
	Sede                 string
	Struttura            string // the hospital structure whose referente hands part 2 over
}

type datiAttivazione struct {
	Nome, Identificativo, Parte1, Parte2, Scade, Link string
	Dove                                              doveParte2
}

// nuovoCodice makes an activation code for the account identificativo,
// whose part 1 goes to email and part 2 where dove says, with its record
// and messages, as the handlers make one.
func (r *riempimento) nuovoCodice(nome, identificativo, email string, dove doveParte2, motivo string) (CodiceDemo, domain.Attivazione, []domain.Messaggio) {
	k := security.NuovoCodiceAttivazione()
	att := k.Attivazione(r.ora, r.ora.Add(r.a.Config.AttivazioneTTL), motivo)
	if dove.PEC == "" {
		att.Parte2Cifrata = r.sigilla(k.Parte2, domain.ContestoParte2(k.Hash1))
	}
	d := datiAttivazione{Nome: nome, Identificativo: identificativo, Parte1: k.Parte1, Parte2: k.Parte2,
		Scade: posta.Quando(att.Scade), Link: r.a.Config.PublicURL + "/attivazione", Dove: dove}
	m, err := posta.Messaggio("attivazione_parte1", email, d)
	r.fallito(err, "messaggio del codice")
	msgs := []domain.Messaggio{m}
	if dove.PEC != "" {
		p, err := posta.Messaggio("attivazione_parte2", dove.PEC, d)
		r.fallito(err, "messaggio del codice")
		p.Kind = domain.MessaggioPEC
		msgs = append(msgs, p)
	}
	return CodiceDemo{Nome: nome, Identificativo: identificativo, Parte1: k.Parte1, Parte2: k.Parte2, Scade: att.Scade}, att, msgs
}

// registra registers p as a generic user and confirms its address, as the
// registration page and the link of its e-mail do. The password it chooses
// is forgotten: an activation replaces it, and the console lists holders.
func (r *riempimento) registra(p persona) uint64 {
	if r.err != nil {
		return 0
	}
	codice, err := p.codiceFiscale()
	if r.fallito(err, "codice fiscale di "+p.Nome+" "+p.Cognome) {
		return 0
	}
	u := domain.Utente{Ruolo: domain.RuoloRichiedente, Email: p.Email, CodiceFiscale: codice, Cognome: p.Cognome, Nome: p.Nome}
	e := domain.Errori{}
	if u.Valida(e, nil); len(e) > 0 {
		r.fallito(errors.New(e.Primo()), "registrazione di "+u.NomeCompleto())
		return 0
	}
	_, hash := r.password(&u)
	link := security.NewToken()
	u.PasswordHash = hash
	reg := store.Registrazione{Utente: u, TokenHash: security.HashToken(link), Scade: r.ora.Add(r.a.Config.TokenTTL)}
	var err2 error
	reg.Verifica, err = posta.Messaggio("verifica_email", u.Email, map[string]string{"Nome": u.Nome,
		"Link": r.a.Config.PublicURL + "/verifica-email?t=" + link, "Validita": posta.Durata(r.a.Config.TokenTTL)})
	reg.GiaRegistrato, err2 = posta.Messaggio("registrazione_esistente", u.Email, map[string]string{
		"Accedi": r.a.Config.PublicURL + "/accedi", "Reimposta": r.a.Config.PublicURL + "/password-dimenticata"})
	if r.fallito(errors.Join(err, err2), "registrazione di "+u.NomeCompleto()) {
		return 0
	}
	creato, err := r.a.Store.Registra(r.atto(0), reg)
	if !creato && err == nil {
		err = errors.New("indirizzo già registrato")
	}
	if r.fallito(err, "registrazione di "+u.NomeCompleto()) {
		return 0
	}
	r.poi(6)
	confermato, err := r.a.Store.VerificaEmail(security.HashToken(link), r.ora)
	if r.fallito(err, "conferma dell'indirizzo di "+u.NomeCompleto()) {
		return 0
	}
	return confermato.ID
}
