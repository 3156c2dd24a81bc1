// Package handlers holds Abilita's HTTP routes: one small handler per action,
// the middleware every request passes through and the render helper.
package handlers

import (
	"log/slog"
	"net/http"
	"net/netip"
	"regexp"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/template/html/v2"

	"abilita/attach"
	"abilita/forte/cns"
	"abilita/forte/oidc"
	"abilita/security"
	"abilita/store"
	"abilita/views"
)

// Config is what the handlers need to know about the installation.
type Config struct {
	PublicURL     string        // base of the links written in e-mails, e.g. https://abilita.example.it
	SecureCookies bool          // served over TLS: __Host- cookies with Secure, HSTS
	FormLimit     int64         // largest non-upload request body
	UploadLimit   int64         // largest upload request body (all files together)
	FileLimit     int64         // largest single attachment, as configured in the archive
	TokenTTL      time.Duration // validity of e-mail verification and reset links
	SessionIdle   time.Duration
	SessionMax    time.Duration

	AttivazioneTTL         time.Duration // validity of a two-part activation code (DESIGN.md §4)
	ServizioCertificatiURL string        // the certificate service the reserved area links to

	// Who may read /metrics: client addresses, or a bearer token. Neither:
	// /metrics is off.
	MetricheIndirizzi []netip.Prefix
	MetricheToken     string

	// ProxyFidati are the reverse proxies (IPs and CIDR ranges) whose
	// X-Forwarded-For says who the client is. Empty: the connecting address
	// is the client, and forwarded headers are ignored.
	ProxyFidati []netip.Prefix

	// Strong sign-in: the address of the CNS sign-in (its own TLS listener
	// asks for the card) and the header in which a trusted proxy passes the
	// card's certificate instead.
	CNSURL, CNSHeader string
	// InailRispondeURL is the Institute's help desk, where the requests
	// Abilita does not handle go.
	InailRispondeURL string
}

// Deps are the services the handlers use.
type Deps struct {
	Store   *store.Store
	Archive *attach.Archivio
	Hasher  *security.Hasher
	Keys    *security.Keyring // seals TOTP secrets and the second parts of activation codes
	Log     *slog.Logger
	Now     func() time.Time

	// Strong sign-in: the verifier of CNS cards (nil: not configured), the
	// SPID/CIE OpenID Connect providers, and the HTTP client that reaches
	// them (nil: the default).
	CNS        *cns.Verificatore
	OIDC       []oidc.Provider
	ClientOIDC *http.Client
}

// Handlers carries the dependencies of every route.
type Handlers struct {
	cfg Config
	Deps
	// Failed logins are throttled per account and per client address.
	limiteAccount, limiteIP *security.Limitatore
	// Wrong TOTP and recovery codes are throttled per account, at login and
	// while enrolling at activation.
	limiteTOTP *security.Limitatore
	// Precompila has no account: it is limited per client address.
	limitiPrecompila limitiPrecompila
	// Pages the same for every anonymous visitor, rendered once.
	pagine pagineFisse
	// The SPID/CIE providers, each connected at its first use.
	fornitori []*fornitoreOIDC
	// The paths of the upload routes (see caricamento in routes.go).
	caricamenti []*regexp.Regexp
	// What /metrics exports.
	metriche *metriche
}

// New builds the Fiber application with every route. main and the tests call it.
func New(cfg Config, d Deps) (*fiber.App, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	engine := html.NewFileSystem(http.FS(views.FS), ".html")
	engine.AddFuncMap(views.Funcs())
	if err := engine.Load(); err != nil {
		return nil, err
	}
	h := &Handlers{cfg: cfg, Deps: d,
		limiteAccount:    security.NuovoLimitatore(5, time.Second, 15*time.Minute, 100),
		limiteIP:         security.NuovoLimitatore(30, time.Second, 15*time.Minute, 0),
		limiteTOTP:       security.NuovoLimitatore(5, 2*time.Second, 15*time.Minute, 0),
		limitiPrecompila: nuoviLimitiPrecompila(),
	}
	h.limiteAccount.Now, h.limiteIP.Now, h.limiteTOTP.Now = d.Now, d.Now, d.Now
	for _, p := range d.OIDC {
		h.fornitori = append(h.fornitori, &fornitoreOIDC{provider: p})
	}
	h.metriche = nuoveMetriche(h)
	app := fiber.New(fiber.Config{
		Views:                        engine,
		ErrorHandler:                 h.errore,
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		BodyLimit:                    int(cfg.UploadLimit),
		ReadTimeout:                  2 * time.Minute,
		WriteTimeout:                 2 * time.Minute,
		IdleTimeout:                  2 * time.Minute,
		DisableStartupMessage:        true,
		AppName:                      "Abilita",
		// Forwarded headers (X-Forwarded-Proto, …) count only from the
		// trusted proxies; the client address is read by indirizzoCliente.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          prefissiTesto(cfg.ProxyFidati),
	})
	h.routes(app)
	return app, nil
}

// prefissiTesto writes prefixes as Fiber's trusted proxies list takes them.
func prefissiTesto(ps []netip.Prefix) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}
