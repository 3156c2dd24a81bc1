// Package testcns issues, inside a test, the certificates a CNS sign-in
// meets: certification authorities, the smart cards' authentication
// certificates and the server certificate of the TLS listener. Keys are
// ECDSA P-256, so a whole set is made in milliseconds.
package testcns

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// CA is a certification authority: a root, or an intermediate when
// Catena is not empty.
type CA struct {
	Cert *x509.Certificate
	Key  *ecdsa.PrivateKey
	// Catena is the DER of the authorities above this one, up to the root
	// excluded: what a card sends after its own certificate.
	Catena [][]byte
}

// NuovaCA makes a root authority valid from da to a.
func NuovaCA(tb testing.TB, nome string, da, a time.Time) *CA {
	tb.Helper()
	tmpl := &x509.Certificate{
		Subject:               pkix.Name{CommonName: nome, Organization: []string{"Autorità di prova"}, Country: []string{"IT"}},
		NotBefore:             da,
		NotAfter:              a,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	cert, key := firma(tb, tmpl, nil, nil)
	return &CA{Cert: cert, Key: key}
}

// Intermedia makes an intermediate authority signed by ca, with ca's
// validity.
func (ca *CA) Intermedia(tb testing.TB, nome string) *CA {
	tb.Helper()
	tmpl := &x509.Certificate{
		Subject:               pkix.Name{CommonName: nome, Organization: []string{"Autorità di prova"}, Country: []string{"IT"}},
		NotBefore:             ca.Cert.NotBefore,
		NotAfter:              ca.Cert.NotAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	cert, key := firma(tb, tmpl, ca.Cert, ca.Key)
	return &CA{Cert: cert, Key: key, Catena: append([][]byte{cert.Raw}, ca.Catena...)}
}

// PEM is the authority's certificate, as a CA bundle holds it.
func (ca *CA) PEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Cert.Raw})
}

// Carta describes the authentication certificate of a card. The zero
// KeyUsage and ExtKeyUsage are those of a real CNS (digitalSignature,
// clientAuth); Nessuna leaves the extension out.
type Carta struct {
	CommonName   string // "RSSMRA85T10A562S/7420091000049623.FmJ5H8Yw2Zqk1Xn6rS9n0A=="
	SerialNumber string // "TINIT-RSSMRA85T10A562S"
	Cognome      string // surname attribute, OID 2.5.4.4
	Nome         string // given name attribute, OID 2.5.4.42
	Da, A        time.Time
	KeyUsage     x509.KeyUsage
	ExtKeyUsage  []x509.ExtKeyUsage
}

// Nessuna, as Carta.ExtKeyUsage, issues a certificate without the extended
// key usage extension.
var Nessuna = []x509.ExtKeyUsage{}

var (
	oidCognome = []int{2, 5, 4, 4}
	oidNome    = []int{2, 5, 4, 42}
)

// Rilascia issues the card's certificate, signed by ca, with its private
// key and the chain up to the root excluded: what a browser presents.
func (ca *CA) Rilascia(tb testing.TB, c Carta) tls.Certificate {
	tb.Helper()
	soggetto := pkix.Name{CommonName: c.CommonName, SerialNumber: c.SerialNumber, Country: []string{"IT"}}
	if c.Cognome != "" {
		soggetto.ExtraNames = append(soggetto.ExtraNames, pkix.AttributeTypeAndValue{Type: oidCognome, Value: c.Cognome})
	}
	if c.Nome != "" {
		soggetto.ExtraNames = append(soggetto.ExtraNames, pkix.AttributeTypeAndValue{Type: oidNome, Value: c.Nome})
	}
	tmpl := &x509.Certificate{
		Subject:     soggetto,
		NotBefore:   c.Da,
		NotAfter:    c.A,
		KeyUsage:    c.KeyUsage,
		ExtKeyUsage: c.ExtKeyUsage,
	}
	if tmpl.KeyUsage == 0 {
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	}
	if tmpl.ExtKeyUsage == nil {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	cert, key := firma(tb, tmpl, ca.Cert, ca.Key)
	return tls.Certificate{Certificate: append([][]byte{cert.Raw}, ca.Catena...), PrivateKey: key, Leaf: cert}
}

// Server issues a server certificate for the loopback address, valid for
// an hour around the real time: the browser side of a test handshake
// checks it against the wall clock.
func (ca *CA) Server(tb testing.TB) tls.Certificate {
	tb.Helper()
	ora := time.Now()
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: "localhost"},
		DNSNames:    []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		NotBefore:   ora.Add(-time.Hour),
		NotAfter:    ora.Add(time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	cert, key := firma(tb, tmpl, ca.Cert, ca.Key)
	return tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key, Leaf: cert}
}

// Pool is a pool holding the authority, for a client's RootCAs.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// ScriviCoppia writes cert and its key as PEM files in dir, as
// --tls-cert and --tls-key take them, and returns their paths.
func ScriviCoppia(tb testing.TB, dir string, cert tls.Certificate) (certFile, keyFile string) {
	tb.Helper()
	var catena []byte
	for _, der := range cert.Certificate {
		catena = append(catena, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	der, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		tb.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "server.crt"), filepath.Join(dir, "server.key")
	if err := os.WriteFile(certFile, catena, 0o600); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		tb.Fatal(err)
	}
	return certFile, keyFile
}

// firma makes a key and a certificate from tmpl, signed by the parent's
// key, or self-signed when parent is nil.
func firma(tb testing.TB, tmpl, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl.SerialNumber, err = rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		tb.Fatal(err)
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		tb.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	return cert, key
}
