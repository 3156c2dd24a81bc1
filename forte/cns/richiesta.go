package cns

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// Percorso is the sign-in route: the only page, with the static files, that
// the CNS listener serves.
const Percorso = "/accedi/cns"

// ConfigTLS is the TLS configuration of the sign-in listener: it presents
// the server certificate and asks the browser for a card's certificate,
// naming the bundle's authorities, without requiring it or verifying it:
// Verifica does, and answers in Italian.
func (v *Verificatore) ConfigTLS(server tls.Certificate) *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{server},
		ClientAuth:   tls.RequestClientCert,
		ClientCAs:    v.radici,
	}
}

// Certificati returns the chain the client presented: the peer certificates
// of its TLS connection (the CNS listener) or, only when daProxyFidato, the
// one in the header a TLS-terminating proxy wrote (intestazione is its
// value). Without either it returns ErrNessunCertificato.
func Certificati(stato *tls.ConnectionState, intestazione string, daProxyFidato bool) ([]*x509.Certificate, error) {
	if stato != nil && len(stato.PeerCertificates) > 0 {
		return stato.PeerCertificates, nil
	}
	if daProxyFidato && strings.TrimSpace(intestazione) != "" {
		return DaIntestazione(intestazione)
	}
	return nil, ErrNessunCertificato
}

const (
	// massimoIntestazione bounds the header: a chain of a few certificates
	// is a few kilobytes.
	massimoIntestazione = 64 << 10
	massimoCertificati  = 8
	inizioPEM           = "-----BEGIN CERTIFICATE-----"
	finePEM             = "-----END CERTIFICATE-----"
)

// DaIntestazione reads the certificates a reverse proxy passed in a header,
// leaf first, in the forms proxies write them:
//   - URL-encoded PEM, as nginx's $ssl_client_escaped_cert and HAProxy's or
//     Envoy's escaped forms (a value with a '%' is URL-decoded first);
//   - PEM whose line breaks became spaces, as Apache's and some load
//     balancers' headers, or PEM as it is;
//   - base64 DER without PEM markers, several separated by commas, as
//     Traefik's X-Forwarded-Tls-Client-Cert.
//
// Errors are *Errore values (ErrNessunCertificato, ErrIntestazione).
func DaIntestazione(valore string) ([]*x509.Certificate, error) {
	valore = strings.TrimSpace(valore)
	if valore == "" {
		return nil, ErrNessunCertificato
	}
	if len(valore) > massimoIntestazione {
		return nil, ErrIntestazione.Con(fmt.Errorf("intestazione di %d byte", len(valore)))
	}
	if strings.Contains(valore, "%") {
		s, err := url.QueryUnescape(valore)
		if err != nil {
			return nil, ErrIntestazione.Con(err)
		}
		valore = strings.TrimSpace(s)
	}
	var blocchi []string
	if strings.Contains(valore, inizioPEM) {
		var err error
		if blocchi, err = blocchiPEM(valore); err != nil {
			return nil, ErrIntestazione.Con(err)
		}
	} else {
		blocchi = strings.Split(valore, ",")
	}
	if len(blocchi) > massimoCertificati {
		return nil, ErrIntestazione.Con(fmt.Errorf("%d certificati", len(blocchi)))
	}
	catena := make([]*x509.Certificate, 0, len(blocchi))
	for _, b := range blocchi {
		der, err := base64.StdEncoding.DecodeString(senzaSpazi(b))
		if err != nil {
			return nil, ErrIntestazione.Con(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, ErrIntestazione.Con(err)
		}
		catena = append(catena, c)
	}
	return catena, nil
}

// blocchiPEM returns the base64 bodies of the CERTIFICATE blocks of s,
// whatever white space separates their lines.
func blocchiPEM(s string) ([]string, error) {
	var blocchi []string
	for {
		prima, dopo, ok := strings.Cut(s, inizioPEM)
		if strings.TrimSpace(prima) != "" {
			return nil, errors.New("testo fuori dai blocchi PEM")
		}
		if !ok {
			return blocchi, nil
		}
		corpo, resto, ok := strings.Cut(dopo, finePEM)
		if !ok {
			return nil, errors.New("blocco PEM senza fine")
		}
		blocchi = append(blocchi, corpo)
		s = resto
	}
}

func senzaSpazi(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}
