package app

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"abilita/forte/cns"
)

// configuraCNS checks the settings of the CNS sign-in together and derives
// CNSURL when it is not given.
func (c *Config) configuraCNS() error {
	if c.CNSCA == "" {
		if c.CNSAddr != "" || c.CNSHeader != "" || c.CNSURL != "" {
			return errors.New("cns-addr, cns-header e cns-url richiedono cns-ca, il bundle delle autorità che rilasciano le carte")
		}
		return nil
	}
	switch {
	case c.CNSAddr == "" && c.CNSHeader == "":
		return errors.New("cns-ca richiede cns-addr (Abilita chiede il certificato della carta) o cns-header (lo chiede il proxy inverso)")
	case c.CNSAddr != "" && c.TLSCert == "":
		return errors.New("cns-addr richiede tls-cert e tls-key: il certificato della carta si chiede solo in TLS")
	case c.CNSAddr != "" && c.CNSAddr == c.Addr:
		return errors.New("cns-addr deve essere diverso da addr: il certificato della carta si chiede solo sull'indirizzo dell'accesso con CNS")
	case c.CNSHeader != "" && len(c.ProxyFidati) == 0:
		return errors.New("cns-header richiede trusted-proxies: l'intestazione con il certificato si accetta solo dai proxy fidati")
	}
	if c.CNSURL == "" {
		c.CNSURL = indirizzoCNS(c.PublicURL, c.CNSAddr)
	}
	if u, err := url.Parse(c.CNSURL); err != nil || u.Scheme != "https" || u.Host == "" {
		return errors.New("cns-url deve essere un indirizzo https")
	}
	return nil
}

// indirizzoCNS is the sign-in address on the host of the public address:
// with the port of the CNS listener, or, without one, the proxy's.
func indirizzoCNS(publicURL, cnsAddr string) string {
	u, err := url.Parse(publicURL)
	if err != nil {
		return ""
	}
	u.Scheme, u.Path, u.RawQuery = "https", cns.Percorso, ""
	if _, porta, err := net.SplitHostPort(cnsAddr); err == nil {
		u.Host = net.JoinHostPort(u.Hostname(), porta)
	}
	return u.String()
}

// ascoltaCNS opens the listener of the CNS sign-in, when CNSAddr is set,
// and returns the server to run on it. The listener asks the browser for
// the card's certificate during the TLS handshake (cns.Verificatore.ConfigTLS);
// the server runs the application only for cns.Percorso and the static
// files, and sends every other address to the public one, so that the
// certificate chooser never opens outside the sign-in.
func (a *App) ascoltaCNS() (*fasthttp.Server, net.Listener, error) {
	if a.Config.CNSAddr == "" {
		return nil, nil, nil
	}
	if a.CNS == nil {
		return nil, nil, errors.New("accesso con CNS: manca il bundle delle autorità (cns-ca)")
	}
	cert, err := tls.LoadX509KeyPair(a.Config.TLSCert, a.Config.TLSKey)
	if err != nil {
		return nil, nil, fmt.Errorf("accesso con CNS: %w", err)
	}
	ln, err := tls.Listen("tcp", a.Config.CNSAddr, a.CNS.ConfigTLS(cert))
	if err != nil {
		return nil, nil, fmt.Errorf("accesso con CNS: %w", err)
	}
	srv := &fasthttp.Server{
		Handler:               soloAccessoCNS(a.Fiber.Handler(), a.Config.PublicURL),
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          time.Minute,
		IdleTimeout:           2 * time.Minute,
		MaxRequestBodySize:    64 << 10,
		NoDefaultServerHeader: true,
		Logger:                registroCNS{a.Log},
	}
	return srv, ln, nil
}

// soloAccessoCNS runs h for the sign-in and the static files its page
// loads, and redirects any other request to the same address on publicURL.
func soloAccessoCNS(h fasthttp.RequestHandler, publicURL string) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		if p := string(ctx.Path()); p == cns.Percorso || strings.HasPrefix(p, "/static/") {
			h(ctx)
			return
		}
		ctx.Response.Header.Set(fasthttp.HeaderLocation, publicURL+string(ctx.URI().RequestURI()))
		ctx.SetStatusCode(fasthttp.StatusSeeOther)
	}
}

// registroCNS writes the server's messages, mostly handshakes that failed,
// at debug level: a browser that gives up the chooser is no news.
type registroCNS struct{ log *slog.Logger }

func (r registroCNS) Printf(format string, args ...any) {
	r.log.Debug("accesso con CNS: " + fmt.Sprintf(format, args...))
}
