package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"abilita/attach"
	"abilita/backup"
	"abilita/domain"
	"abilita/forte/cns"
	"abilita/forte/oidc"
	"abilita/handlers"
	"abilita/notify"
	"abilita/posta"
	"abilita/security"
	"abilita/sedi"
	"abilita/store"
)

// App is a running installation: its store, its mail worker and its HTTP server.
type App struct {
	Config Config
	Store  *store.Store
	Fiber  *fiber.App
	Worker *notify.Worker
	Hasher *security.Hasher
	Keys   *security.Keyring // the master key: attachments, TOTP secrets, sealed activation codes
	Log    *slog.Logger
	// Archivio holds the encrypted attachments.
	Archivio *attach.Archivio
	// CNS verifies the cards' certificates; nil when the CNS sign-in is
	// not configured.
	CNS *cns.Verificatore
}

// Open opens the data folder (creating it), the store, the master key and the
// mail transport, and builds the HTTP application. sender may be nil: then
// mail goes through the configured relays or, without them, to .eml files.
func Open(cfg Config, log *slog.Logger, sender notify.Sender) (*App, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating %s: %w", cfg.DataDir, err)
	}
	st, err := store.Open(cfg.DBPath())
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Store: st, Log: log}
	if err := a.open(sender); err != nil {
		st.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) open(sender notify.Sender) error {
	cfg := a.Config
	elenco, err := sedi.Default()
	if err != nil {
		return err
	}
	if err := a.Store.SeminaSedi(elenco); err != nil {
		return err
	}
	keys, err := a.chiaveMaster()
	if err != nil {
		return err
	}
	a.Keys = keys
	lim := attach.DefaultLimiti()
	lim.MaxBytes = int64(cfg.MaxFileMB) << 20
	archive, err := attach.NewArchivio(cfg.AllegatiDir(), keys, lim)
	if err != nil {
		return err
	}
	a.Archivio = archive
	if sender == nil {
		if sender, err = a.mittente(); err != nil {
			return err
		}
	}
	a.Worker = notify.NewWorker(a.Store, sender, a.Log)
	if cfg.Now != nil {
		a.Worker.Now = cfg.Now
	}
	a.Worker.Componi = (&posta.Compositore{Archivio: a.Store, PublicURL: cfg.PublicURL, Now: cfg.Now}).Componi
	a.Store.SetWaker(a.Worker.Wake)
	var fornitori []oidc.Provider
	if cfg.OIDCProvider != "" {
		if fornitori, err = oidc.CaricaProvider(cfg.OIDCProvider); err != nil {
			return fmt.Errorf("accesso con SPID e CIE: %w", err)
		}
	}
	if cfg.CNSCA != "" {
		if a.CNS, err = cns.CaricaVerificatore(cfg.CNSCA, cfg.Now); err != nil {
			return fmt.Errorf("accesso con CNS: %w", err)
		}
	}
	a.Hasher = security.NewHasher(cfg.Argon, security.DefaultCeiling(), runtime.NumCPU())
	a.Fiber, err = handlers.New(handlers.Config{
		PublicURL:     cfg.PublicURL,
		SecureCookies: cfg.TLS(),
		FormLimit:     64 << 10,
		UploadLimit:   3*lim.MaxBytes + 64<<10,
		FileLimit:     lim.MaxBytes,
		TokenTTL:      cfg.TokenTTL,
		SessionIdle:   30 * time.Minute,
		SessionMax:    12 * time.Hour,

		AttivazioneTTL:         cfg.AttivazioneTTL,
		ServizioCertificatiURL: cfg.ServizioCertificatiURL,
		MetricheIndirizzi:      cfg.MetricheIndirizzi,
		MetricheToken:          cfg.MetricheToken,
		ProxyFidati:            cfg.ProxyFidati,
		CNSURL:                 cfg.CNSURL,
		CNSHeader:              cfg.CNSHeader,
		InailRispondeURL:       cfg.InailRispondeURL,
	}, handlers.Deps{Store: a.Store, Archive: archive, Hasher: a.Hasher, Keys: keys, Log: a.Log, Now: cfg.Now,
		CNS: a.CNS, OIDC: fornitori, ClientOIDC: cfg.ClientOIDC})
	return err
}

// chiaveMaster loads the master key, creating it only for a database that
// holds nothing yet, and checks it is the one the data were sealed with.
// A missing or different key stops the start: with it, every document and
// authenticator would be unreadable, and new ones sealed with the wrong key.
func (a *App) chiaveMaster() (*security.Keyring, error) {
	path := a.Config.MasterKeyFile
	dati, err := a.Store.ContieneDati()
	if err != nil {
		return nil, err
	}
	carica := security.LoadOrCreateMasterKey
	if dati {
		carica = security.LoadMasterKey
	}
	keys, err := carica(path)
	if errors.Is(err, fs.ErrNotExist) {
		impronta, _ := a.Store.ImprontaChiave()
		return nil, fmt.Errorf("manca il file della chiave master %s, e la base dati contiene dati cifrati con essa (impronta %s): "+
			"ripristina il file dal backup della chiave; una chiave nuova renderebbe illeggibili documenti e app di autenticazione", path, cmp.Or(impronta, "non registrata"))
	}
	if err != nil {
		return nil, err
	}
	if err := a.Store.VerificaChiave(keys); errors.Is(err, store.ErrChiaveDiversa) {
		return nil, fmt.Errorf("la chiave master %s non è quella con cui sono cifrati i dati: ripristina il file giusto dal backup della chiave (%v)", path, err)
	} else if err != nil {
		return nil, err
	}
	return keys, nil
}

// mittente builds the mail transport from the configuration.
func (a *App) mittente() (notify.Sender, error) {
	cfg := a.Config
	if !cfg.SMTP.Enabled() {
		a.Log.Info("nessun relay SMTP configurato: la posta è scritta su file", "cartella", cfg.PostaDir())
		return notify.NewFileSender(cfg.PostaDir(), cfg.MailFrom, a.Log)
	}
	if cfg.SMTP.From == "" {
		cfg.SMTP.From = cfg.MailFrom
	}
	if cfg.PEC.From == "" {
		cfg.PEC.From = cfg.MailFrom
	}
	email, err := notify.NewSMTPSender(cfg.SMTP)
	if err != nil {
		return nil, err
	}
	var pec notify.Sender
	if cfg.PEC.Enabled() {
		if pec, err = notify.NewSMTPSender(cfg.PEC); err != nil {
			return nil, err
		}
	}
	return notify.NewRouter(email, pec), nil
}

// SetupLink returns a one-time link for the first administrator, or "" when
// an administrator exists already.
func (a *App) SetupLink() (string, error) {
	token := security.NewToken()
	now := time.Now()
	creato, err := a.Store.NuovoCollegamentoConfigurazione(security.HashToken(token), now, now.Add(7*24*time.Hour))
	if err != nil || !creato {
		return "", err
	}
	return a.Config.PublicURL + "/configurazione?t=" + token, nil
}

// RiemettiPrimoAmministratore issues a new two-part activation code to an
// administrator created with the set-up link who never finished activating
// (its activation expired half-way), and returns its login name and the two
// parts to print on the console. ok is false when every administrator is
// active, or none exists.
func (a *App) RiemettiPrimoAmministratore() (email, parte1, parte2 string, ok bool, err error) {
	admins, err := a.Store.Amministratori()
	if err != nil || len(admins) == 0 {
		return "", "", "", false, err
	}
	for _, u := range admins {
		if !u.DeveAttivare() {
			return "", "", "", false, nil // someone can already log in and re-issue from the pages
		}
	}
	u := admins[0]
	now := time.Now()
	k := security.NuovoCodiceAttivazione()
	motivo := "nuovo codice dalla riga di comando (abilita admin create)"
	if _, err := a.Store.RiemettiCodice(store.Atto{Quando: now}, u.ID, k.Attivazione(now, now.Add(a.Config.AttivazioneTTL), motivo), nil, motivo); err != nil {
		return "", "", "", false, err
	}
	return u.Email, k.Parte1, k.Parte2, true, nil
}

// Serve runs the mail worker and the HTTP server until ctx is cancelled or a
// SIGINT/SIGTERM arrives, then shuts down gracefully.
func (a *App) Serve(ctx context.Context) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	cnsSrv, cnsLn, err := a.ascoltaCNS()
	if err != nil {
		return err
	}
	workerDone := make(chan struct{})
	go func() {
		defer close(workerDone)
		a.Worker.Run(ctx)
	}()
	go a.pulizia(ctx)
	if chiudi, err := a.serviSocket(); err != nil {
		// The administrators' download still takes copies.
		a.Log.Warn("socket locale per «abilita backup» non disponibile", "err", err)
	} else {
		defer chiudi()
	}
	errc := make(chan error, 2)
	if cnsSrv != nil {
		a.Log.Info("accesso con CNS in ascolto", "addr", a.Config.CNSAddr, "url", a.Config.CNSURL)
		go func() { errc <- cnsSrv.Serve(cnsLn) }()
	}
	go func() {
		a.Log.Info("Abilita in ascolto", "addr", a.Config.Addr, "url", a.Config.PublicURL)
		if a.Config.TLSCert != "" {
			errc <- a.Fiber.ListenTLS(a.Config.Addr, a.Config.TLSCert, a.Config.TLSKey)
		} else {
			errc <- a.Fiber.Listen(a.Config.Addr)
		}
	}()
	select {
	case err = <-errc:
		stop()
		_ = a.arresta(cnsSrv) // the other listener would go on serving
	case <-ctx.Done():
		a.Log.Info("arresto in corso: attendo le richieste in corso", "grazia", a.Config.Grazia)
		if err = a.arresta(cnsSrv); errors.Is(err, context.DeadlineExceeded) {
			// A stop asked for is a clean one: what was cut is logged, and
			// the uploads it cut left only temporary files, removed later.
			a.Log.Warn("arresto: richieste ancora in corso interrotte dopo la grazia", "grazia", a.Config.Grazia)
			err = nil
		}
	}
	<-workerDone
	return err
}

// arresta stops the application's server and the CNS one, if any, waiting
// for their requests in progress up to the grace.
func (a *App) arresta(cnsSrv *fasthttp.Server) error {
	ctx, cancel := context.WithTimeout(context.Background(), a.Config.Grazia)
	defer cancel()
	fatto := make(chan struct{})
	go func() {
		defer close(fatto)
		if cnsSrv != nil {
			_ = cnsSrv.ShutdownWithContext(ctx)
		}
	}()
	err := a.Fiber.ShutdownWithContext(ctx)
	<-fatto
	return err
}

// Copia writes the archive of the installation (backup.Scrivi) to w.
func (a *App) Copia(w io.Writer) (*backup.Manifesto, error) {
	return backup.Scrivi(w, a.Store, a.Archivio, a.Keys, a.adesso())
}

// SocketPath is the local socket on which the running service answers
// "abilita backup": in the data folder, readable by its owner only.
func (c Config) SocketPath() string { return filepath.Join(c.DataDir, "abilita.sock") }

// serviSocket answers, on the local socket, GET /backup with the archive of
// the installation, so that "abilita backup" takes a copy while the service
// runs. Only the owner of the data folder can connect.
func (a *App) serviSocket() (func(), error) {
	path := a.Config.SocketPath()
	_ = os.Remove(path) // left by a service that did not stop cleanly
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("socket locale %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		l.Close()
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /backup", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-tar")
		m, err := a.Copia(w)
		if err != nil {
			a.Log.Error("copia dal socket locale non riuscita", "err", err)
			return
		}
		a.Log.Info("copia presa dal socket locale", "allegati", m.Allegati())
		_ = a.Store.RegistraEvento(store.Atto{Quando: a.adesso()}, domain.AuditAccount, 0,
			fmt.Sprintf("Copia di sicurezza presa dalla riga di comando: %d richieste, %d allegati", m.Conteggi.Richieste, m.Allegati()))
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	return func() { _ = srv.Close(); _ = os.Remove(path) }, nil
}

// durataMassimaCaricamento is longer than any upload can take (the server's
// read timeout is 2 minutes): a file older than this that no request names
// is an orphan, never an upload whose request is being written.
const durataMassimaCaricamento = time.Hour

// PulisciAllegati removes the attachment files no request names and the
// temporary files of uploads, older than durataMassimaCaricamento: what a
// kill -9 or a stop during uploads leaves behind.
func (a *App) PulisciAllegati() {
	file, tmp, err := a.Archivio.Orfani(time.Now().Add(-durataMassimaCaricamento), a.Store.AllegatiNominati)
	if err != nil {
		a.Log.Error("pulizia degli allegati orfani", "err", err)
	}
	if file+tmp > 0 {
		a.Log.Info("allegati orfani eliminati", "file", file, "temporanei", tmp)
	}
}

// pulizia removes, at start and then every hour, the registrations left
// unconfirmed past their time and the orphan attachment files.
func (a *App) pulizia(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := a.Store.EliminaNonConfermati(a.adesso()); err != nil {
			a.Log.Error("eliminazione delle registrazioni non confermate", "err", err)
		} else if n > 0 {
			a.Log.Info("registrazioni non confermate eliminate", "quante", n)
		}
		a.PulisciAllegati()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Close closes the store.
func (a *App) Close() error {
	return errors.Join(a.Store.Close())
}

// adesso is the configured clock.
func (a *App) adesso() time.Time {
	if a.Config.Now != nil {
		return a.Config.Now()
	}
	return time.Now()
}
