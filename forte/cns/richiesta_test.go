package cns_test

import (
	"encoding/base64"
	"encoding/pem"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"abilita/forte/cns"
	"abilita/internal/testcns"
)

func pemDi(der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// escapeNginx escapes as nginx writes $ssl_client_escaped_cert: every
// byte but the unreserved ones, space as %20.
func escapeNginx(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

func TestDaIntestazione(t *testing.T) {
	ca := testcns.NuovaCA(t, "CA", ora.AddDate(-5, 0, 0), ora.AddDate(5, 0, 0))
	carta := ca.Intermedia(t, "Intermedia").Rilascia(t, testcns.Carta{CommonName: "RSSMRA85T10A562S/1.a=", Da: ora.AddDate(-1, 0, 0), A: ora.AddDate(1, 0, 0)})
	foglia, intermedia := carta.Certificate[0], carta.Certificate[1]
	catenaPEM := pemDi(foglia) + pemDi(intermedia)
	b64 := base64.StdEncoding.EncodeToString

	for _, c := range []struct {
		nome, valore string
		certificati  int
	}{
		{"nginx $ssl_client_escaped_cert", escapeNginx(pemDi(foglia)), 1},
		{"nginx, chain", escapeNginx(catenaPEM), 2},
		{"query escaping, + for space", url.QueryEscape(pemDi(foglia)), 1},
		{"PEM as it is", pemDi(foglia), 1},
		{"PEM with spaces for line breaks", strings.ReplaceAll(strings.TrimSpace(catenaPEM), "\n", " "), 2},
		{"base64 DER", b64(foglia), 1},
		{"base64 DER, chain with commas", b64(foglia) + ", " + b64(intermedia), 2},
		{"base64 DER, URL-escaped", url.QueryEscape(b64(foglia)), 1},
	} {
		catena, err := cns.DaIntestazione(c.valore)
		if err != nil || len(catena) != c.certificati || string(catena[0].Raw) != string(foglia) {
			t.Errorf("%s: %d certificates, %v", c.nome, len(catena), err)
		}
	}

	for _, c := range []struct {
		nome, valore string
		motivo       error
	}{
		{"empty", "  ", cns.ErrNessunCertificato},
		{"not base64", "certificato!", cns.ErrIntestazione},
		{"base64, not a certificate", b64([]byte("ciao")), cns.ErrIntestazione},
		{"bad escaping", "%ZZ", cns.ErrIntestazione},
		{"PEM without end", "-----BEGIN CERTIFICATE-----\n" + b64(foglia), cns.ErrIntestazione},
		{"text around the PEM", "cert=" + pemDi(foglia), cns.ErrIntestazione},
		{"too many", strings.Repeat(b64(foglia)+",", 9) + b64(foglia), cns.ErrIntestazione},
		{"too long", strings.Repeat("A", 100<<10), cns.ErrIntestazione},
	} {
		if _, err := cns.DaIntestazione(c.valore); !errors.Is(err, c.motivo) {
			t.Errorf("%s: %v, want %v", c.nome, err, c.motivo)
		}
	}
}

// Behind a proxy that terminates TLS, the card comes in the header: read
// from a trusted proxy, ignored from anyone else.
func TestAccessoDietroProxy(t *testing.T) {
	t.Parallel()
	ca := testcns.NuovaCA(t, "CA CNS di prova", ora.AddDate(-5, 0, 0), ora.AddDate(5, 0, 0))
	v, err := cns.NuovoVerificatore(ca.PEM(), func() time.Time { return ora })
	if err != nil {
		t.Fatal(err)
	}
	valida := ca.Rilascia(t, testcns.Carta{CommonName: "RSSMRA85T10A562S/7420091000049623.FmJ5H8Yw2Zqk1Xn6rS9n0A==", Da: ora.AddDate(-1, 0, 0), A: ora.AddDate(1, 0, 0)})
	scaduta := ca.Rilascia(t, testcns.Carta{CommonName: "RSSMRA85T10A562S/1.a=", Da: ora.AddDate(-3, 0, 0), A: ora.AddDate(0, -1, 0)})

	fidato := nuovaApp("127.0.0.1")
	fidato.Get(cns.Percorso, accesso(v))
	estraneo := nuovaApp("192.0.2.1")
	estraneo.Get(cns.Percorso, accesso(v))
	baseFidato, baseEstraneo := servi(t, fidato, nil), servi(t, estraneo, nil)

	for _, c := range []struct {
		nome, base, valore string
		status             int
		cf                 string
		motivo             cns.Motivo
	}{
		{"trusted proxy, valid card", baseFidato, escapeNginx(pemDi(valida.Certificate[0])), http.StatusOK, "RSSMRA85T10A562S", ""},
		{"trusted proxy, expired card", baseFidato, escapeNginx(pemDi(scaduta.Certificate[0])), http.StatusForbidden, "", cns.MotivoScaduto},
		{"trusted proxy, no card", baseFidato, "", http.StatusForbidden, "", cns.MotivoNessunCertificato},
		{"trusted proxy, garbage", baseFidato, "%2D%2D", http.StatusForbidden, "", cns.MotivoIntestazione},
		{"untrusted client writes the header", baseEstraneo, escapeNginx(pemDi(valida.Certificate[0])), http.StatusForbidden, "", cns.MotivoNessunCertificato},
	} {
		req, _ := http.NewRequest(http.MethodGet, c.base+cns.Percorso, nil)
		if c.valore != "" {
			req.Header.Set(intestazione, c.valore)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if r := leggi(t, res); res.StatusCode != c.status || r.CodiceFiscale != c.cf || r.Motivo != c.motivo {
			t.Errorf("%s: %d %+v", c.nome, res.StatusCode, r)
		}
	}
}
