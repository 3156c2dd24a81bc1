package app

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"time"

	"abilita/domain"
	"abilita/notify"
	"abilita/posta"
	"abilita/store"
)

// The demo (`abilita demo`, issue 9): an empty data folder filled with a
// sede at work, so that a newcomer sees the operator's queue in one
// command. An administrator, an operator of the Sede di Pisa and two
// doctors with active credentials, requests in every state, each the work
// of the store's actions as the pages would call them (demo_storia.go),
// dated over the last six weeks. The passwords and authenticator secrets
// are made at random and printed: there is no default password.

// Dimostrazione is what the demo made, for the console.
type Dimostrazione struct {
	Cartella  string
	Sede      string // the name of the demo's sede
	Account   []AccountDemo
	Richieste []RichiestaDemo
	// Posta is the folder where the messages are written as .eml files, ""
	// when they go through a relay.
	Posta string
	// InAttesa is the activation code of the approved request whose holder
	// has not activated yet: with it, a newcomer goes through /attivazione.
	InAttesa *CodiceDemo
}

// AccountDemo is an account of the demo and what logs it in.
type AccountDemo struct {
	Profilo        string // what the account is, as the console says it
	Nome           string
	Identificativo string // the login name: the e-mail of staff, the codice fiscale of holders
	Password       string
	SegretoTOTP    string // base32, for an authenticator app
	URLTOTP        string // the same secret as an otpauth:// URL
}

// RichiestaDemo is a request of the demo.
type RichiestaDemo struct {
	ID         uint64
	Protocollo string // "" for a draft
	Stato      domain.Stato
	Nome       string
	Nota       string // what a newcomer can do with it
}

// CodiceDemo is an activation code waiting to be used.
type CodiceDemo struct {
	Nome, Identificativo, Parte1, Parte2 string
	Scade                                time.Time
}

// controllaCartellaDemo refuses a data folder that holds data, without
// touching it: a database with accounts, requests or an audit log, or
// attachment files. A folder where Abilita was only started is accepted.
func controllaCartellaDemo(cfg Config) error {
	rifiuto := fmt.Errorf("la cartella dei dati %s contiene già dei dati: i dati dimostrativi si creano solo in una cartella vuota, "+
		"e questa non è stata toccata. Indicane un'altra, per esempio «abilita demo --data ./demo»", cfg.DataDir)
	if _, err := os.Stat(cfg.DBPath()); err == nil {
		vuoto, err := store.SenzaDati(cfg.DBPath())
		if err != nil {
			return fmt.Errorf("%w (database non leggibile: %v; se il servizio è in esecuzione, fermalo)", rifiuto, err)
		}
		if !vuoto {
			return rifiuto
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if voci, err := os.ReadDir(cfg.AllegatiDir()); err == nil && len(voci) > 0 {
		return rifiuto
	}
	return nil
}

// ApriDemo fills the data folder of cfg, which must hold no data
// (controllaCartellaDemo), with the demo, and returns the installation
// opened on it, ready to serve, and what the demo made.
func ApriDemo(cfg Config, log *slog.Logger, sender notify.Sender) (*App, *Dimostrazione, error) {
	if err := controllaCartellaDemo(cfg); err != nil {
		return nil, nil, err
	}
	a, err := Open(cfg, log, sender)
	if err != nil {
		return nil, nil, err
	}
	d, err := a.riempiDemo()
	if err != nil {
		a.Close()
		return nil, nil, fmt.Errorf("dati dimostrativi non creati: %w (la cartella %s è rimasta a metà: cancellala prima di riprovare)", err, cfg.DataDir)
	}
	// The demo made an administrator: a set-up link left by an earlier
	// start is of no use any more.
	if err := os.Remove(cfg.FileCollegamento()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		a.Log.Warn("collegamento di configurazione non eliminato", "err", err)
	}
	return a, d, nil
}

// riempiDemo tells the story of the demo's sede, ending now.
func (a *App) riempiDemo() (*Dimostrazione, error) {
	fine := a.adesso()
	r := &riempimento{a: a, fine: fine, d: &Dimostrazione{Cartella: a.Config.DataDir}}
	if !a.Config.SMTP.Enabled() {
		r.d.Posta = a.Config.PostaDir()
	}
	r.storia()
	if r.err != nil {
		return nil, r.err
	}
	return r.d, nil
}

// Stampa writes what the demo made for the person who started it: the
// accounts with their secrets, the requests by state, and where to begin.
func (d *Dimostrazione) Stampa(w io.Writer, publicURL string) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	linea := strings.Repeat("=", 78)
	p("%s\nDATI DIMOSTRATIVI creati in %s: %s.", linea, d.Cartella, d.Sede)
	p("Password e segreti sono stampati qui sotto: non usare questa cartella per dati veri.\n%s", linea)
	p("\nAccedi da %s/accedi con nome utente e password, poi con il codice di 6 cifre", publicURL)
	p("dell'app di autenticazione: aggiungi all'app il segreto (o l'indirizzo otpauth://),")
	p("oppure calcola il codice con «oathtool --totp -b SEGRETO».")
	for _, acc := range d.Account {
		p("\n  %s – %s", acc.Profilo, acc.Nome)
		p("    nome utente:  %s", acc.Identificativo)
		p("    password:     %s", acc.Password)
		p("    segreto TOTP: %s", acc.SegretoTOTP)
		p("    %s", acc.URLTOTP)
	}
	p("\nRichieste (la coda dell'operatore è su %s/operatore):", publicURL)
	for _, s := range domain.Stati {
		for _, r := range d.Richieste {
			if r.Stato != s {
				continue
			}
			numero := r.Protocollo
			if numero == "" {
				numero = fmt.Sprintf("bozza n. %d", r.ID)
			}
			riga := fmt.Sprintf("  %-23s %-16s %s", s.Etichetta(), numero, r.Nome)
			if r.Nota != "" {
				riga += " – " + r.Nota
			}
			p("%s", riga)
		}
	}
	if c := d.InAttesa; c != nil {
		p("\nCodice di attivazione in attesa di %s (nome utente %s), valido fino al %s:", c.Nome, c.Identificativo, posta.Quando(c.Scade))
		p("  prima parte %s, seconda parte %s: provalo su %s/attivazione.", c.Parte1, c.Parte2, publicURL)
	}
	if d.Posta != "" {
		p("\nLa posta del servizio (ricevute, esiti, codici) è scritta come file .eml in %s.", d.Posta)
	}
	p("%s\n", linea)
}
