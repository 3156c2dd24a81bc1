package cns_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"abilita/forte/cns"
	"abilita/internal/testcns"
)

// ora is the installation's clock in these tests; the cards' dates are
// relative to it, not to the machine's.
var ora = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

const intestazione = "X-Client-Cert"

// risposta is what the test sign-in route answers: the identity, or the
// reason and the message of the refusal.
type risposta struct {
	CodiceFiscale string
	Cognome, Nome string
	Seriale       string
	Emittente     string
	Scadenza      time.Time
	Motivo        cns.Motivo
	Messaggio     string
}

// accesso is the sign-in route as a handler writes it (see the package
// documentation).
func accesso(v *cns.Verificatore) fiber.Handler {
	return func(c *fiber.Ctx) error {
		catena, err := cns.Certificati(c.Context().TLSConnectionState(), c.Get(intestazione), c.IsProxyTrusted())
		var id cns.Identita
		if err == nil {
			id, err = v.Verifica(catena)
		}
		var e *cns.Errore
		if errors.As(err, &e) {
			return c.Status(fiber.StatusForbidden).JSON(risposta{Motivo: e.Motivo, Messaggio: e.Messaggio})
		} else if err != nil {
			return err
		}
		return c.JSON(risposta{CodiceFiscale: id.CodiceFiscale.String(), Cognome: id.Cognome, Nome: id.Nome,
			Seriale: id.Seriale, Emittente: id.Emittente, Scadenza: id.Scadenza})
	}
}

// servi serves app on a loopback listener, over TLS when conf is not nil,
// and returns its base URL.
func servi(t *testing.T, app *fiber.App, conf *tls.Config) string {
	t.Helper()
	var ln net.Listener
	var err error
	schema := "http://"
	if conf != nil {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", conf)
		schema = "https://"
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.ShutdownWithTimeout(5 * time.Second) })
	return schema + ln.Addr().String()
}

func nuovaApp(proxyFidati ...string) *fiber.App {
	return fiber.New(fiber.Config{DisableStartupMessage: true, EnableTrustedProxyCheck: true, TrustedProxies: proxyFidati})
}

func leggi(t *testing.T, res *http.Response) risposta {
	t.Helper()
	defer res.Body.Close()
	var r risposta
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		t.Fatalf("answer %d: %v", res.StatusCode, err)
	}
	return r
}

type caso struct {
	nome  string
	carta tls.Certificate
	// cf, cognome, nome: the identity expected; "" when a refusal is.
	cf, cognome, nomeProprio string
	motivo                   cns.Motivo
	messaggio                string
}

// casi issues, under ca and its intermediate, a card for every case, and
// one under another authority.
func casi(t *testing.T, ca *testcns.CA) []caso {
	valida := func(c testcns.Carta) testcns.Carta {
		c.Da, c.A = ora.AddDate(-1, 0, 0), ora.AddDate(2, 0, 0)
		return c
	}
	const cnRossi = "RSSMRA85T10A562S/7420091000049623.FmJ5H8Yw2Zqk1Xn6rS9n0A=="
	altra := testcns.NuovaCA(t, "Altra CA", ora.AddDate(-5, 0, 0), ora.AddDate(5, 0, 0))
	intermedia := ca.Intermedia(t, "CA Cittadini di prova")
	return []caso{
		{nome: "common name CF/serial.hash, surname and given name",
			carta: ca.Rilascia(t, valida(testcns.Carta{CommonName: cnRossi, Cognome: "ROSSI", Nome: "MARIO"})),
			cf:    "RSSMRA85T10A562S", cognome: "ROSSI", nomeProprio: "MARIO"},
		{nome: "serialNumber TINIT-CF",
			carta: ca.Rilascia(t, valida(testcns.Carta{CommonName: "BIANCHI LUCIA", SerialNumber: "TINIT-BNCLCU80A41F205X", Cognome: "BIANCHI", Nome: "LUCIA"})),
			cf:    "BNCLCU80A41F205X", cognome: "BIANCHI", nomeProprio: "LUCIA"},
		{nome: "both formats, in lower case, omocodia kept",
			carta: ca.Rilascia(t, valida(testcns.Carta{CommonName: "rssmra85t10a56nh/1234.abc=", SerialNumber: "tinit-RSSMRA85T10A56NH"})),
			cf:    "RSSMRA85T10A56NH"},
		{nome: "through an intermediate the card sends",
			carta: intermedia.Rilascia(t, valida(testcns.Carta{CommonName: "VRDGPP70M01H501J/99.x=="})),
			cf:    "VRDGPP70M01H501J"},
		{nome: "no extended key usage (any usage)",
			carta: ca.Rilascia(t, valida(testcns.Carta{CommonName: cnRossi, ExtKeyUsage: testcns.Nessuna})),
			cf:    "RSSMRA85T10A562S"},
		{nome: "expired",
			carta:  ca.Rilascia(t, testcns.Carta{CommonName: cnRossi, Da: ora.AddDate(-3, 0, 0), A: time.Date(2025, 5, 3, 10, 0, 0, 0, time.UTC)}),
			motivo: cns.MotivoScaduto, messaggio: "Il certificato della carta è scaduto il 03/05/2025."},
		{nome: "not valid yet",
			carta:  ca.Rilascia(t, testcns.Carta{CommonName: cnRossi, Da: time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC), A: ora.AddDate(3, 0, 0)}),
			motivo: cns.MotivoNonAncoraValido, messaggio: "Il certificato della carta sarà valido dal 01/04/2026."},
		{nome: "signed by another CA",
			carta:  altra.Rilascia(t, valida(testcns.Carta{CommonName: cnRossi})),
			motivo: cns.MotivoNonFidato, messaggio: "Il certificato non è stato rilasciato da un'autorità riconosciuta."},
		{nome: "intermediate not sent",
			carta: func() tls.Certificate {
				c := intermedia.Rilascia(t, valida(testcns.Carta{CommonName: cnRossi}))
				c.Certificate = c.Certificate[:1]
				return c
			}(),
			motivo: cns.MotivoNonFidato},
		{nome: "malformed codice fiscale (check character)",
			carta:  ca.Rilascia(t, valida(testcns.Carta{CommonName: "RSSMRA85T10A562X/7420091000049623.FmJ5H8Yw2Zqk1Xn6rS9n0A=="})),
			motivo: cns.MotivoCodiceFiscale, messaggio: "Il certificato non contiene un codice fiscale valido."},
		{nome: "malformed serialNumber, valid common name",
			carta:  ca.Rilascia(t, valida(testcns.Carta{CommonName: cnRossi, SerialNumber: "TINIT-RSSMRA85T10A562"})),
			motivo: cns.MotivoCodiceFiscale},
		{nome: "common name and serialNumber disagree",
			carta:  ca.Rilascia(t, valida(testcns.Carta{CommonName: cnRossi, SerialNumber: "TINIT-BNCLCU80A41F205X"})),
			motivo: cns.MotivoCodiceFiscale},
		{nome: "no codice fiscale in the subject",
			carta:  ca.Rilascia(t, valida(testcns.Carta{CommonName: "MARIO ROSSI", SerialNumber: "IT-12345"})),
			motivo: cns.MotivoCodiceFiscale},
		{nome: "server authentication only",
			carta:  ca.Rilascia(t, valida(testcns.Carta{CommonName: cnRossi, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})),
			motivo: cns.MotivoUsoChiave},
		{nome: "key usage without digitalSignature",
			carta:  ca.Rilascia(t, valida(testcns.Carta{CommonName: cnRossi, KeyUsage: x509.KeyUsageKeyEncipherment | x509.KeyUsageContentCommitment})),
			motivo: cns.MotivoUsoChiave},
	}
}

// Every card signs in, or is refused, over a real TLS connection to a
// listener configured by ConfigTLS: the browser's side presents the card
// and the route sees its chain.
func TestAccessoConCartaSuTLS(t *testing.T) {
	t.Parallel()
	ca := testcns.NuovaCA(t, "CA CNS di prova", ora.AddDate(-5, 0, 0), ora.AddDate(5, 0, 0))
	v, err := cns.NuovoVerificatore(ca.PEM(), func() time.Time { return ora })
	if err != nil {
		t.Fatal(err)
	}
	app := nuovaApp()
	app.Get(cns.Percorso, accesso(v))
	base := servi(t, app, v.ConfigTLS(ca.Server(t)))

	client := func(carta *tls.Certificate, richieste *[]string) *http.Client {
		conf := &tls.Config{RootCAs: ca.Pool(), GetClientCertificate: func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
			for _, dn := range cri.AcceptableCAs {
				*richieste = append(*richieste, string(dn))
			}
			if carta == nil {
				return &tls.Certificate{}, nil // the person cancels the chooser
			}
			return carta, nil
		}}
		return &http.Client{Transport: &http.Transport{TLSClientConfig: conf}, Timeout: 10 * time.Second}
	}
	for _, c := range casi(t, ca) {
		t.Run(c.nome, func(t *testing.T) {
			var autorita []string
			res, err := client(&c.carta, &autorita).Get(base + cns.Percorso)
			if err != nil {
				t.Fatal(err)
			}
			r := leggi(t, res)
			if len(autorita) != 1 || autorita[0] != string(ca.Cert.RawSubject) {
				t.Errorf("the server asked for a certificate of %d authorities, want only the bundle's", len(autorita))
			}
			if c.cf == "" {
				if res.StatusCode != fiber.StatusForbidden || r.Motivo != c.motivo || (c.messaggio != "" && r.Messaggio != c.messaggio) {
					t.Errorf("got %d %+v, want refusal %s %q", res.StatusCode, r, c.motivo, c.messaggio)
				}
				return
			}
			foglia := c.carta.Leaf
			if res.StatusCode != fiber.StatusOK || r.CodiceFiscale != c.cf || r.Cognome != c.cognome || r.Nome != c.nomeProprio {
				t.Fatalf("got %d %+v, want %s %s %s", res.StatusCode, r, c.cf, c.cognome, c.nomeProprio)
			}
			if r.Seriale != strings.ToUpper(foglia.SerialNumber.Text(16)) || r.Emittente != foglia.Issuer.String() || !r.Scadenza.Equal(foglia.NotAfter) {
				t.Errorf("card data %+v, want serial %X issuer %q expiry %v", r, foglia.SerialNumber, foglia.Issuer, foglia.NotAfter)
			}
		})
	}
	t.Run("no card", func(t *testing.T) {
		var autorita []string
		res, err := client(nil, &autorita).Get(base + cns.Percorso)
		if err != nil {
			t.Fatalf("the handshake without a certificate failed (%v): the person would see a TLS error, not a page", err)
		}
		if r := leggi(t, res); res.StatusCode != fiber.StatusForbidden || r.Motivo != cns.MotivoNessunCertificato || !strings.Contains(r.Messaggio, "Inserisci la carta") {
			t.Errorf("got %d %+v", res.StatusCode, r)
		}
	})
	t.Run("header from a client that is no trusted proxy", func(t *testing.T) {
		valida := ca.Rilascia(t, testcns.Carta{CommonName: "RSSMRA85T10A562S/1.a=", Da: ora.AddDate(-1, 0, 0), A: ora.AddDate(1, 0, 0)})
		var autorita []string
		req, _ := http.NewRequest(http.MethodGet, base+cns.Percorso, nil)
		req.Header.Set(intestazione, escapeNginx(pemDi(valida.Certificate[0])))
		res, err := client(nil, &autorita).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if r := leggi(t, res); r.Motivo != cns.MotivoNessunCertificato {
			t.Errorf("the header of an untrusted client was read: %d %+v", res.StatusCode, r)
		}
	})
}

func TestErroriConfrontabili(t *testing.T) {
	ca := testcns.NuovaCA(t, "CA", ora.AddDate(-5, 0, 0), ora.AddDate(5, 0, 0))
	v, err := cns.NuovoVerificatore(ca.PEM(), func() time.Time { return ora })
	if err != nil {
		t.Fatal(err)
	}
	scaduta := ca.Rilascia(t, testcns.Carta{CommonName: "RSSMRA85T10A562S/1.a=", Da: ora.AddDate(-2, 0, 0), A: ora.AddDate(0, 0, -1)})
	_, err = v.Verifica([]*x509.Certificate{scaduta.Leaf})
	if !errors.Is(err, cns.ErrScaduto) || errors.Is(err, cns.ErrNonFidato) {
		t.Errorf("errors.Is on %v", err)
	}
	if _, err := v.Verifica(nil); !errors.Is(err, cns.ErrNessunCertificato) {
		t.Errorf("no chain: %v", err)
	}
	altra := testcns.NuovaCA(t, "Altra", ora.AddDate(-5, 0, 0), ora.AddDate(5, 0, 0))
	estranea := altra.Rilascia(t, testcns.Carta{CommonName: "RSSMRA85T10A562S/1.a=", Da: ora.AddDate(-1, 0, 0), A: ora.AddDate(1, 0, 0)})
	_, err = v.Verifica([]*x509.Certificate{estranea.Leaf})
	var ua x509.UnknownAuthorityError
	if !errors.Is(err, cns.ErrNonFidato) || !errors.As(err, &ua) {
		t.Errorf("another CA: %v, want ErrNonFidato caused by x509.UnknownAuthorityError", err)
	}
}

func TestBundle(t *testing.T) {
	ca := testcns.NuovaCA(t, "CA", ora.AddDate(-5, 0, 0), ora.AddDate(5, 0, 0))
	for nome, bundle := range map[string]string{
		"empty":                 "",
		"only a key":            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
		"a certificate not DER": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
		"good then a bad one":   string(ca.PEM()) + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
		"text, no PEM":          "not a bundle",
	} {
		if _, err := cns.NuovoVerificatore([]byte(bundle), nil); err == nil {
			t.Errorf("%s: accepted", nome)
		}
	}
	if _, err := cns.CaricaVerificatore(t.TempDir()+"/nessuno.pem", nil); err == nil {
		t.Error("a missing file was accepted")
	}
}
