// Command abilita serves the Abilita web application and its administrative
// commands. See README.md.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
	_ "time/tzdata" // dates are shown in Europe/Rome even where the system has no zoneinfo

	"abilita/app"
	"abilita/backup"
	"abilita/domain"
	"abilita/notify"
	"abilita/store"
)

const uso = `Uso:
  abilita [serve] [opzioni]     avvia il servizio (predefinito)
  abilita admin create [opzioni] stampa un collegamento monouso per creare il primo amministratore
  abilita audit verify [opzioni] verifica la catena di impronte del registro di audit (a servizio fermo)
  abilita check [opzioni]       verifica il file dei dati e che ogni indice corrisponda ai record (a servizio fermo)
  abilita backup FILE [opzioni] scrive in FILE la copia di sicurezza: database, allegati e manifesto
                                (anche a servizio avviato: la chiede al servizio sul socket locale)
  abilita restore FILE [opzioni] ripristina una copia in una cartella dei dati vuota, dopo averla verificata
  abilita demo [opzioni]        riempie una cartella dei dati vuota con una sede dimostrativa (account,
                                password e segreti stampati qui) e avvia il servizio
  abilita help                  mostra questo aiuto

Opzioni di serve, demo, admin e audit: abilita serve -h`

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	if err := run(os.Args[1:], log); err != nil {
		fmt.Fprintln(os.Stderr, "abilita:", err)
		os.Exit(1)
	}
}

func run(args []string, log *slog.Logger) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	} else if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		cmd = "help"
	}
	switch cmd {
	case "serve":
		return serve(args, log)
	case "demo":
		return demo(args, os.Stdout, log)
	case "admin":
		if len(args) == 0 || args[0] != "create" {
			return fmt.Errorf("sottocomando di admin sconosciuto\n%s", uso)
		}
		return adminCreate(args[1:], log)
	case "audit":
		if len(args) == 0 || args[0] != "verify" {
			return fmt.Errorf("sottocomando di audit sconosciuto\n%s", uso)
		}
		return auditVerify(args[1:], os.Stdout)
	case "check":
		return check(args, os.Stdout)
	case "backup", "restore":
		if len(args) == 0 || args[0] == "" || args[0][0] == '-' {
			return fmt.Errorf("indica il file della copia\n%s", uso)
		}
		if cmd == "backup" {
			return copia(args[1:], args[0], os.Stdout, log)
		}
		return ripristina(args[1:], args[0], os.Stdout)
	case "help":
		fmt.Println(uso)
		return nil
	}
	return fmt.Errorf("comando sconosciuto %q\n%s", cmd, uso)
}

func serve(args []string, log *slog.Logger) error {
	cfg, err := app.ParseConfig(args, app.Getenv)
	if err != nil {
		return err
	}
	a, err := app.Open(cfg, log, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	return servi(a, log)
}

// demo fills an empty data folder with the demo, prints its accounts and
// serves it as serve does.
func demo(args []string, out io.Writer, log *slog.Logger) error {
	cfg, err := app.ParseConfig(args, app.Getenv)
	if err != nil {
		return err
	}
	a, d, err := app.ApriDemo(cfg, log, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	d.Stampa(out, cfg.PublicURL)
	return servi(a, log)
}

// servi serves a until SIGINT or SIGTERM, announcing the set-up link of
// the first administrator while there is none.
func servi(a *app.App, log *slog.Logger) error {
	link, err := a.SetupLink()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if link != "" {
		go func() {
			if err := a.AnnunciaCollegamento(ctx, link, os.Stderr, time.Minute); err != nil {
				log.Error("collegamento di configurazione", "err", err)
			}
		}()
	}
	return a.Serve(ctx)
}

func adminCreate(args []string, log *slog.Logger) error {
	cfg, err := app.ParseConfig(args, app.Getenv)
	if err != nil {
		return err
	}
	a, err := app.Open(cfg, log, nil)
	if err != nil {
		return fmt.Errorf("%w (se il servizio è in esecuzione, usa il collegamento stampato al suo avvio)", err)
	}
	defer a.Close()
	link, err := a.SetupLink()
	if err != nil {
		return err
	}
	if link != "" {
		fmt.Printf("Collegamento monouso per creare il primo amministratore (vale 7 giorni):\n\n  %s\n", link)
		return nil
	}
	// An administrator exists: if none finished its activation, nobody can
	// log in to help, so a new code is issued here.
	email, p1, p2, ok, err := a.RiemettiPrimoAmministratore()
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("esiste già un amministratore attivo: accedi e gestisci gli account da «Amministrazione»")
	}
	fmt.Printf("L'amministratore %s non ha completato l'attivazione. Nuovo codice di attivazione (il precedente non vale più):\n\n"+
		"  prima parte:   %s\n  seconda parte: %s\n\nApri %s/attivazione e indica l'indirizzo e-mail e le due parti.\n", email, p1, p2, a.Config.PublicURL)
	return nil
}

// apriEsistente opens the store of the data folder, refusing to create one.
func apriEsistente(args []string) (*store.Store, error) {
	cfg, err := app.ParseConfig(args, app.Getenv)
	if err != nil {
		return nil, err
	}
	// store.Open would create an empty database where none is.
	if _, err := os.Stat(cfg.DBPath()); err != nil {
		return nil, fmt.Errorf("database non trovato: %w", err)
	}
	st, err := store.Open(cfg.DBPath())
	if err != nil {
		return nil, fmt.Errorf("%w (se il servizio è in esecuzione il database è bloccato: fermalo o usa una copia di backup)", err)
	}
	return st, nil
}

// check verifies the file and that every index matches the records.
func check(args []string, out io.Writer) error {
	st, err := apriEsistente(args)
	if err != nil {
		return err
	}
	defer st.Close()
	problemi, err := st.Controlla()
	if err != nil {
		return err
	}
	for _, p := range problemi {
		fmt.Fprintln(out, p)
	}
	if len(problemi) > 0 {
		return fmt.Errorf("%d problemi trovati", len(problemi))
	}
	fmt.Fprintln(out, "Database integro: file e indici corrispondono ai record.")
	return nil
}

// copia writes the archive of the installation to file, never over an
// existing one: asked to the running service on its local socket, or, with
// the service stopped, taken here.
func copia(args []string, file string, out io.Writer, log *slog.Logger) error {
	cfg, err := app.ParseConfig(args, app.Getenv)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	dove, err := scriviCopia(cfg, f, log)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	var m *backup.Manifesto
	if err == nil {
		m, err = backup.Verifica(file) // what was written, read back
	}
	if err != nil {
		os.Remove(file)
		return err
	}
	fmt.Fprintf(out, "Copia scritta in %s (%s): %d account, %d richieste, %d messaggi, %d voci di audit, %d allegati.\n"+
		"La chiave master non è nella copia: per ripristinarla serve il file della chiave con impronta %s. Conservalo a parte.\n",
		file, dove, m.Conteggi.Utenti, m.Conteggi.Richieste, m.Conteggi.Messaggi, m.Conteggi.Audit, m.Allegati(), m.ImprontaChiave)
	return nil
}

// scriviCopia writes the archive to w and says where it came from.
func scriviCopia(cfg app.Config, w io.Writer, log *slog.Logger) (string, error) {
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", cfg.SocketPath())
	}}}
	res, err := client.Get("http://abilita/backup")
	if err == nil {
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return "", fmt.Errorf("il servizio ha risposto %s", res.Status)
		}
		_, err = io.Copy(w, res.Body)
		return "dal servizio in esecuzione", err
	}
	if _, serr := os.Stat(cfg.DBPath()); serr != nil {
		return "", fmt.Errorf("database non trovato: %w", serr)
	}
	a, err := app.Open(cfg, log, notify.NewRouter(nil, nil))
	if err != nil {
		return "", fmt.Errorf("%w (il servizio non risponde sul socket %s)", err, cfg.SocketPath())
	}
	defer a.Close()
	_, err = a.Copia(w)
	return "a servizio fermo", err
}

// ripristina restores an archive into the configured data folder, which
// must hold no data yet, after checking it whole and the master key.
func ripristina(args []string, file string, out io.Writer) error {
	cfg, err := app.ParseConfig(args, app.Getenv)
	if err != nil {
		return err
	}
	m, err := backup.Ripristina(file, cfg.DataDir, cfg.MasterKeyFile)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Copia del %s ripristinata in %s: %d account, %d richieste, %d allegati.\n"+
		"Controlla i dati con «abilita check --data %s», poi avvia il servizio.\n",
		m.Creato.In(domain.Roma).Format("02/01/2006 15:04"), cfg.DataDir, m.Conteggi.Utenti, m.Conteggi.Richieste, m.Allegati(), cfg.DataDir)
	return nil
}

// auditVerify walks the hash chain of the audit log of the data folder and
// reports how many entries it holds, or fails naming the first broken one.
func auditVerify(args []string, out io.Writer) error {
	st, err := apriEsistente(args)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.VerificaAudit()
	if err != nil {
		return fmt.Errorf("registro di audit non integro: %w", err)
	}
	fmt.Fprintf(out, "Registro di audit integro: %d voci\n", n)
	return nil
}
