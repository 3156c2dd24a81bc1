package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"abilita/forte/cns"
	"abilita/internal/testcns"
)

func TestConfigCNS(t *testing.T) {
	dir := t.TempDir()
	base := []string{"--tls-cert", "s.crt", "--tls-key", "s.key", "--addr", "127.0.0.1:8443", "--cns-ca", "ca.pem"}
	for _, c := range []struct {
		nome string
		args []string
		env  map[string]string
		url  string // CNSURL wanted, "" for a refusal
	}{
		{"own listener, address derived", append(base, "--cns-addr", ":9443"), nil, "https://127.0.0.1:9443" + cns.Percorso},
		{"from the environment", []string{"--trusted-proxies", "10.0.0.1"},
			map[string]string{"ABILITA_CNS_CA": "ca.pem", "ABILITA_CNS_HEADER": "X-Client-Cert", "ABILITA_PUBLIC_URL": "https://abilita.example.it"},
			"https://abilita.example.it" + cns.Percorso},
		{"behind a proxy, address given", []string{"--cns-ca", "ca.pem", "--cns-header", "X-Client-Cert", "--trusted-proxies", "10.0.0.1", "--cns-url", "https://cns.abilita.example.it/accedi/cns"},
			nil, "https://cns.abilita.example.it/accedi/cns"},
		{"cns-addr without cns-ca", []string{"--tls-cert", "s.crt", "--tls-key", "s.key", "--cns-addr", ":9443"}, nil, ""},
		{"cns-ca alone", []string{"--cns-ca", "ca.pem"}, nil, ""},
		{"cns-addr without TLS", []string{"--cns-ca", "ca.pem", "--cns-addr", ":9443"}, nil, ""},
		{"cns-addr equal to addr", append(base, "--cns-addr", "127.0.0.1:8443"), nil, ""},
		{"cns-header without trusted proxies", []string{"--cns-ca", "ca.pem", "--cns-header", "X-Client-Cert"}, nil, ""},
		{"cns-url not https", append(base, "--cns-addr", ":9443", "--cns-url", "http://abilita.example.it/accedi/cns"), nil, ""},
		{"tls-cert without tls-key", []string{"--tls-cert", "s.crt"}, nil, ""},
	} {
		cfg, err := ParseConfig(append([]string{"--data", dir}, c.args...), func(k string) string { return c.env[k] })
		switch {
		case c.url == "" && err == nil:
			t.Errorf("%s: accepted", c.nome)
		case c.url != "" && (err != nil || cfg.CNSURL != c.url):
			t.Errorf("%s: CNSURL %q, %v; want %q", c.nome, cfg.CNSURL, err, c.url)
		}
	}
}

// portaLibera returns a loopback address nobody listens on.
func portaLibera(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// conCNS opens an installation serving TLS with a certificate of ca, and
// the CNS sign-in for the cards of ca, on the addresses given.
func conCNS(t *testing.T, ca *testcns.CA, addr, cnsAddr string) *App {
	t.Helper()
	dir := t.TempDir()
	certFile, keyFile := testcns.ScriviCoppia(t, dir, ca.Server(t))
	bundle := filepath.Join(dir, "cns-ca.pem")
	if err := os.WriteFile(bundle, ca.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	return apriDiProva(t, "--addr", addr, "--tls-cert", certFile, "--tls-key", keyFile, "--cns-ca", bundle, "--cns-addr", cnsAddr)
}

// browser presents carta, when asked, and records whether it was.
type browser struct {
	*http.Client
	chiesto []string // the authorities of each certificate request
}

func nuovoBrowser(ca *testcns.CA, carta tls.Certificate) *browser {
	b := &browser{}
	conf := &tls.Config{RootCAs: ca.Pool(), GetClientCertificate: func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
		for _, dn := range cri.AcceptableCAs {
			b.chiesto = append(b.chiesto, string(dn))
		}
		return &carta, nil
	}}
	b.Client = &http.Client{
		Transport:     &http.Transport{TLSClientConfig: conf},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       10 * time.Second,
	}
	return b
}

func (b *browser) get(t *testing.T, url string) *http.Response {
	t.Helper()
	res, err := b.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// The pages are served over TLS without asking for a certificate; the CNS
// listener asks for one, naming the bundle's authority, serves the sign-in
// and sends everything else to the public address. A stop closes both.
func TestServeConAccessoCNS(t *testing.T) {
	ca := testcns.NuovaCA(t, "CA CNS di prova", time.Now().AddDate(-1, 0, 0), time.Now().AddDate(1, 0, 0))
	carta := ca.Rilascia(t, testcns.Carta{CommonName: "RSSMRA85T10A562S/1.a=", Da: time.Now().AddDate(0, -1, 0), A: time.Now().AddDate(0, 1, 0)})
	a := conCNS(t, ca, portaLibera(t), portaLibera(t))
	ctx, cancel := context.WithCancel(context.Background())
	servito := make(chan error, 1)
	go func() { servito <- a.Serve(ctx) }()
	for _, addr := range []string{a.Config.Addr, a.Config.CNSAddr} {
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			c, err := net.Dial("tcp", addr)
			if err == nil {
				c.Close()
				break
			}
			if time.Now().After(deadline) {
				t.Fatal(err)
			}
		}
	}

	pagine := nuovoBrowser(ca, carta)
	if res := pagine.get(t, a.Config.PublicURL+"/healthz"); res.StatusCode != http.StatusOK || len(pagine.chiesto) != 0 {
		t.Errorf("pages: %d, certificate asked for %d times", res.StatusCode, len(pagine.chiesto))
	}
	accesso := nuovoBrowser(ca, carta)
	cnsBase := strings.TrimSuffix(a.Config.CNSURL, cns.Percorso)
	res := accesso.get(t, cnsBase+"/area?x=1")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != a.Config.PublicURL+"/area?x=1" {
		t.Errorf("another page on the CNS listener: %d to %q, want a redirect to the public address", res.StatusCode, res.Header.Get("Location"))
	}
	if len(accesso.chiesto) != 1 || accesso.chiesto[0] != string(ca.Cert.RawSubject) {
		t.Errorf("the CNS listener asked for a certificate of %d authorities, want the bundle's", len(accesso.chiesto))
	}
	// The sign-in itself runs there: the card is read and, its holder
	// having no account yet, the browser goes on to the public address to
	// give an e-mail address.
	if res := accesso.get(t, cnsBase+cns.Percorso); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != a.Config.PublicURL+"/accedi/forte" {
		t.Errorf("the sign-in on the CNS listener: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res := accesso.get(t, cnsBase+"/static/nessuno.css"); res.StatusCode == http.StatusSeeOther {
		t.Error("a static file on the CNS listener was redirected")
	}

	cancel()
	select {
	case err := <-servito:
		if err != nil {
			t.Errorf("Serve = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after the stop")
	}
	if c, err := net.Dial("tcp", a.Config.CNSAddr); err == nil {
		c.Close()
		t.Error("the CNS listener is still open after the stop")
	}
}

// The card the browser presents on the CNS listener reaches the
// application, which verifies it.
func TestServerCNSPassaLaCarta(t *testing.T) {
	ca := testcns.NuovaCA(t, "CA CNS di prova", time.Now().AddDate(-1, 0, 0), time.Now().AddDate(1, 0, 0))
	carta := ca.Rilascia(t, testcns.Carta{CommonName: "RSSMRA85T10A562S/1.a=", Da: time.Now().AddDate(0, -1, 0), A: time.Now().AddDate(0, 1, 0)})
	a := conCNS(t, ca, portaLibera(t), "127.0.0.1:0")
	srv, ln, err := a.ascoltaCNS()
	if err != nil {
		t.Fatal(err)
	}
	viste := make(chan []*x509.Certificate, 1)
	applicazione := srv.Handler
	srv.Handler = func(ctx *fasthttp.RequestCtx) {
		if s := ctx.TLSConnectionState(); s != nil {
			viste <- s.PeerCertificates
		}
		applicazione(ctx)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Shutdown() })

	nuovoBrowser(ca, carta).get(t, "https://"+ln.Addr().String()+cns.Percorso)
	select {
	case catena := <-viste:
		id, err := a.CNS.Verifica(catena)
		if err != nil || id.CodiceFiscale.String() != "RSSMRA85T10A562S" {
			t.Errorf("the application got %v, %v", id, err)
		}
	default:
		t.Fatal("the request reached the application without the TLS state")
	}
}
