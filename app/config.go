// Package app wires Abilita together: configuration, the store, keys,
// attachments, mail and the HTTP handlers. main and the end-to-end tests
// both build the application through Open.
package app

import (
	"cmp"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"abilita/notify"
	"abilita/security"
)

// Config is the whole configuration; every setting has a flag and an
// environment variable, the flag winning.
type Config struct {
	Addr          string
	DataDir       string
	PublicURL     string
	MasterKeyFile string
	TLSCert       string
	TLSKey        string
	MailFrom      string
	SMTP          notify.SMTPConfig
	PEC           notify.SMTPConfig
	Argon         security.Params
	MaxFileMB     int
	TokenTTL      time.Duration
	// AttivazioneTTL is the validity of a two-part activation code.
	AttivazioneTTL time.Duration
	// ServizioCertificatiURL is the online service for medical certificates
	// that the reserved area sends enabled holders to.
	ServizioCertificatiURL string
	// InailRispondeURL is the Institute's help desk (InailRisponde), for
	// the requests Abilita does not handle.
	InailRispondeURL string
	// Metriche: who may read /metrics, by client address (IPs and CIDR
	// prefixes) or by bearer token; with neither, /metrics is off.
	MetricheIndirizzi []netip.Prefix
	MetricheToken     string
	// ProxyFidati: the reverse proxies whose X-Forwarded-For is believed.
	ProxyFidati []netip.Prefix
	// CNSCA is the PEM bundle of the authorities that issue the cards: set,
	// it turns the CNS sign-in on (forte/cns). The certificate comes from
	// the listener on CNSAddr, which asks the browser for it, or, behind a
	// TLS-terminating proxy, in the header CNSHeader, read only from the
	// trusted proxies. CNSURL is the address the sign-in page links to.
	CNSCA     string
	CNSAddr   string
	CNSHeader string
	CNSURL    string
	// OIDCProvider is the JSON file of the SPID/CIE OpenID Connect
	// providers (forte/oidc.CaricaProvider): set, it turns that sign-in on.
	OIDCProvider string
	// Grazia is how long a stop waits for the requests in progress
	// (uploads above all) before it cuts them.
	Grazia time.Duration
	// Now is the clock of the pages and the mail worker; nil is time.Now.
	// Tests set it to move time on without waiting.
	Now func() time.Time
	// ClientOIDC reaches the OpenID Connect providers (nil: the default
	// client); tests point it at their own provider.
	ClientOIDC *http.Client
}

// DBPath is the bbolt file.
func (c Config) DBPath() string { return filepath.Join(c.DataDir, "abilita.db") }

// AllegatiDir holds the encrypted attachments.
func (c Config) AllegatiDir() string { return filepath.Join(c.DataDir, "allegati") }

// PostaDir holds the messages written as .eml files when no relay is configured.
func (c Config) PostaDir() string { return filepath.Join(c.DataDir, "posta") }

// TLS reports whether Abilita terminates TLS itself or sits behind a proxy
// that does (its public address is https).
func (c Config) TLS() bool {
	return c.TLSCert != "" || strings.HasPrefix(c.PublicURL, "https://")
}

// ParseConfig reads flags from args with defaults from the environment.
func ParseConfig(args []string, getenv func(string) string) (Config, error) {
	env := func(name, def string) string { return cmp.Or(getenv("ABILITA_"+name), def) }
	def := security.DefaultParams()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var c Config
	fs.StringVar(&c.Addr, "addr", env("ADDR", ":8080"), "indirizzo di ascolto (ABILITA_ADDR)")
	fs.StringVar(&c.DataDir, "data", env("DATA", "./data"), "cartella dei dati (ABILITA_DATA)")
	fs.StringVar(&c.PublicURL, "public-url", env("PUBLIC_URL", ""), "indirizzo pubblico per i collegamenti nelle e-mail (ABILITA_PUBLIC_URL)")
	fs.StringVar(&c.MasterKeyFile, "master-key-file", env("MASTER_KEY_FILE", ""), "file della chiave master degli allegati (ABILITA_MASTER_KEY_FILE)")
	fs.StringVar(&c.TLSCert, "tls-cert", env("TLS_CERT", ""), "certificato TLS (ABILITA_TLS_CERT)")
	fs.StringVar(&c.TLSKey, "tls-key", env("TLS_KEY", ""), "chiave TLS (ABILITA_TLS_KEY)")
	fs.StringVar(&c.CNSCA, "cns-ca", env("CNS_CA", ""), "bundle PEM delle autorità che rilasciano le CNS: attiva l'accesso con CNS (ABILITA_CNS_CA)")
	fs.StringVar(&c.CNSAddr, "cns-addr", env("CNS_ADDR", ""),
		"indirizzo di ascolto, in TLS con --tls-cert e --tls-key, dell'accesso con CNS: solo qui il browser chiede il certificato della carta (ABILITA_CNS_ADDR)")
	fs.StringVar(&c.CNSHeader, "cns-header", env("CNS_HEADER", ""),
		"intestazione in cui il proxy inverso fidato passa il certificato della carta, per esempio X-Client-Cert con $ssl_client_escaped_cert di nginx (ABILITA_CNS_HEADER)")
	fs.StringVar(&c.OIDCProvider, "oidc-providers", env("OIDC_PROVIDERS", ""),
		"file JSON dei fornitori OpenID Connect di SPID e CIE: attiva l'accesso con SPID e CIE (ABILITA_OIDC_PROVIDERS)")
	fs.StringVar(&c.CNSURL, "cns-url", env("CNS_URL", ""),
		"indirizzo pubblico dell'accesso con CNS; predefinito: l'host di --public-url con la porta di --cns-addr (ABILITA_CNS_URL)")
	fs.StringVar(&c.MailFrom, "mail-from", env("MAIL_FROM", "Inail Abilita <noreply@abilita.local>"), "mittente delle e-mail (ABILITA_MAIL_FROM)")
	smtpFlags(fs, &c.SMTP, "smtp", "SMTP", env)
	smtpFlags(fs, &c.PEC, "pec", "PEC", env)
	mem, _ := strconv.Atoi(env("ARGON_MEMORY_KIB", strconv.Itoa(int(def.Memory))))
	iter, _ := strconv.Atoi(env("ARGON_ITERATIONS", strconv.Itoa(int(def.Iterations))))
	par, _ := strconv.Atoi(env("ARGON_PARALLELISM", strconv.Itoa(int(def.Parallelism))))
	fs.IntVar(&mem, "argon-memory-kib", mem, "memoria di argon2id in KiB (ABILITA_ARGON_MEMORY_KIB)")
	fs.IntVar(&iter, "argon-iterations", iter, "iterazioni di argon2id (ABILITA_ARGON_ITERATIONS)")
	fs.IntVar(&par, "argon-parallelism", par, "parallelismo di argon2id (ABILITA_ARGON_PARALLELISM)")
	maxMB, _ := strconv.Atoi(env("MAX_FILE_MB", "8"))
	fs.IntVar(&c.MaxFileMB, "max-file-mb", maxMB, "dimensione massima di un allegato in MB (ABILITA_MAX_FILE_MB)")
	ttl, err := time.ParseDuration(env("TOKEN_TTL", "24h"))
	if err != nil {
		return c, fmt.Errorf("ABILITA_TOKEN_TTL: %w", err)
	}
	fs.DurationVar(&c.TokenTTL, "token-ttl", ttl, "validità dei collegamenti di conferma e-mail (ABILITA_TOKEN_TTL)")
	attTTL, err := time.ParseDuration(env("ATTIVAZIONE_TTL", "72h"))
	if err != nil {
		return c, fmt.Errorf("ABILITA_ATTIVAZIONE_TTL: %w", err)
	}
	fs.DurationVar(&c.AttivazioneTTL, "attivazione-ttl", attTTL, "validità dei codici di attivazione delle credenziali (ABILITA_ATTIVAZIONE_TTL)")
	fs.StringVar(&c.InailRispondeURL, "inailrisponde-url", env("INAILRISPONDE_URL", "https://www.inail.it"),
		"indirizzo del servizio InailRisponde dell'Istituto, per le richieste che Abilita non tratta (ABILITA_INAILRISPONDE_URL)")
	fs.StringVar(&c.ServizioCertificatiURL, "servizio-certificati-url", env("SERVIZIO_CERTIFICATI_URL", "https://servizionline.inail.it"),
		"indirizzo del servizio online dei certificati medici, aperto dall'area riservata (ABILITA_SERVIZIO_CERTIFICATI_URL)")
	indirizzi := fs.String("metrics-addrs", env("METRICS_ADDRS", ""), "indirizzi (IP o CIDR, separati da virgola) che possono leggere /metrics (ABILITA_METRICS_ADDRS)")
	grazia, err := time.ParseDuration(env("SHUTDOWN_GRACE", "30s"))
	if err != nil {
		return c, fmt.Errorf("ABILITA_SHUTDOWN_GRACE: %w", err)
	}
	fs.DurationVar(&c.Grazia, "shutdown-grace", grazia, "attesa massima, all'arresto, delle richieste in corso come i caricamenti (ABILITA_SHUTDOWN_GRACE)")
	proxy := fs.String("trusted-proxies", env("TRUSTED_PROXIES", ""),
		"proxy inversi fidati (IP o CIDR, separati da virgola): solo da questi si legge l'indirizzo del client in X-Forwarded-For (ABILITA_TRUSTED_PROXIES)")
	c.MetricheToken = env("METRICS_TOKEN", "") // only from the environment: flags show up in ps
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.MetricheIndirizzi, err = prefissi(*indirizzi); err != nil {
		return c, fmt.Errorf("metrics-addrs: %w", err)
	}
	if c.ProxyFidati, err = prefissi(*proxy); err != nil {
		return c, fmt.Errorf("trusted-proxies: %w", err)
	}
	c.Argon = def
	c.Argon.Memory, c.Argon.Iterations, c.Argon.Parallelism = uint32(mem), uint32(iter), uint8(par)
	if c.MasterKeyFile == "" {
		c.MasterKeyFile = filepath.Join(c.DataDir, "chiave-master.key")
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return c, fmt.Errorf("tls-cert e tls-key vanno indicati insieme")
	}
	if c.PublicURL == "" {
		c.PublicURL = localURL(c.Addr, c.TLSCert != "")
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if err := c.configuraCNS(); err != nil {
		return c, err
	}
	if c.MaxFileMB < 1 || c.MaxFileMB > 64 {
		return c, fmt.Errorf("max-file-mb must be between 1 and 64")
	}
	if c.AttivazioneTTL < time.Hour || c.AttivazioneTTL > 30*24*time.Hour {
		return c, fmt.Errorf("attivazione-ttl must be between 1h and 720h")
	}
	if u, err := url.Parse(c.ServizioCertificatiURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return c, fmt.Errorf("servizio-certificati-url must be an http(s) address")
	}
	return c, nil
}

func smtpFlags(fs *flag.FlagSet, s *notify.SMTPConfig, prefix, envPrefix string, env func(string, string) string) {
	port, _ := strconv.Atoi(env(envPrefix+"_PORT", "0"))
	fs.StringVar(&s.Host, prefix+"-host", env(envPrefix+"_HOST", ""), "relay "+envPrefix+": host (ABILITA_"+envPrefix+"_HOST); vuoto: posta scritta su file")
	fs.IntVar(&s.Port, prefix+"-port", port, "relay "+envPrefix+": porta (ABILITA_"+envPrefix+"_PORT)")
	fs.StringVar(&s.Username, prefix+"-user", env(envPrefix+"_USER", ""), "relay "+envPrefix+": utente (ABILITA_"+envPrefix+"_USER)")
	s.Password = env(envPrefix+"_PASSWORD", "") // only from the environment: flags show up in ps
	fs.StringVar(&s.From, prefix+"-from", env(envPrefix+"_FROM", ""), "relay "+envPrefix+": mittente (ABILITA_"+envPrefix+"_FROM)")
	fs.StringVar(&s.TLS, prefix+"-tls", env(envPrefix+"_TLS", "starttls"), "relay "+envPrefix+": none, starttls o tls (ABILITA_"+envPrefix+"_TLS)")
}

// localURL is the address a browser on this machine uses to reach addr.
func localURL(addr string, tls bool) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://localhost:8080"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	scheme := "http"
	if tls {
		scheme = "https"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// Getenv is os.Getenv, named so tests can pass their own.
var Getenv = os.Getenv

// prefissi reads a comma-separated list of IP addresses and CIDR prefixes.
func prefissi(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range strings.Split(s, ",") {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if p, err := netip.ParsePrefix(v); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(v)
		if err != nil {
			return nil, fmt.Errorf("%q non è un indirizzo IP né un prefisso CIDR", v)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}
