package cns

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"abilita/cf"
)

// Identita is what a verified certificate says about its holder.
type Identita struct {
	CodiceFiscale cf.CodiceFiscale
	// Cognome and Nome are the subject's surname and givenName
	// attributes, empty when the certificate has none.
	Cognome, Nome string
	// Seriale is the certificate's serial number in upper-case hex;
	// Emittente the issuer's distinguished name. With the codice fiscale
	// they say which card was used, for the audit.
	Seriale   string
	Emittente string
	// Scadenza is the end of the certificate's validity.
	Scadenza time.Time
}

// Verificatore verifies the certificates of the cards against a CA bundle.
// It is safe for concurrent use.
type Verificatore struct {
	radici *x509.CertPool
	now    func() time.Time
}

// NuovoVerificatore reads the PEM bundle of the authorities that issue the
// cards. now is the clock the validity is checked at; nil is time.Now.
func NuovoVerificatore(bundle []byte, now func() time.Time) (*Verificatore, error) {
	radici := x509.NewCertPool()
	n := 0
	for {
		var b *pem.Block
		b, bundle = pem.Decode(bundle)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificato %d del bundle delle autorità CNS: %w", n+1, err)
		}
		radici.AddCert(c)
		n++
	}
	if n == 0 {
		return nil, errors.New("il bundle delle autorità CNS non contiene certificati PEM")
	}
	if now == nil {
		now = time.Now
	}
	return &Verificatore{radici: radici, now: now}, nil
}

// CaricaVerificatore reads the bundle from a file (--cns-ca).
func CaricaVerificatore(percorso string, now func() time.Time) (*Verificatore, error) {
	bundle, err := os.ReadFile(percorso)
	if err != nil {
		return nil, err
	}
	v, err := NuovoVerificatore(bundle, now)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", percorso, err)
	}
	return v, nil
}

// Verifica checks the chain a client presented, leaf first, and returns
// the holder's identity. Errors are *Errore values.
func (v *Verificatore) Verifica(catena []*x509.Certificate) (Identita, error) {
	if len(catena) == 0 || catena[0] == nil {
		return Identita{}, ErrNessunCertificato
	}
	foglia, ora := catena[0], v.now()
	switch {
	case ora.After(foglia.NotAfter):
		return Identita{}, scaduto(foglia.NotAfter)
	case ora.Before(foglia.NotBefore):
		return Identita{}, nonAncoraValido(foglia.NotBefore)
	}
	intermedi := x509.NewCertPool()
	for _, c := range catena[1:] {
		intermedi.AddCert(c)
	}
	_, err := foglia.Verify(x509.VerifyOptions{
		Roots:         v.radici,
		Intermediates: intermedi,
		CurrentTime:   ora,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	var invalido x509.CertificateInvalidError
	switch {
	case errors.As(err, &invalido) && invalido.Reason == x509.IncompatibleUsage:
		return Identita{}, ErrUsoChiave.Con(err)
	case err != nil:
		return Identita{}, ErrNonFidato.Con(err)
	case foglia.KeyUsage&x509.KeyUsageDigitalSignature == 0:
		return Identita{}, ErrUsoChiave.Con(errors.New("key usage senza digitalSignature"))
	}
	codice, err := codiceFiscale(foglia.Subject)
	if err != nil {
		return Identita{}, ErrCodiceFiscale.Con(err)
	}
	return Identita{
		CodiceFiscale: codice,
		Cognome:       attributo(foglia.Subject, oidCognome),
		Nome:          attributo(foglia.Subject, oidNome),
		Seriale:       strings.ToUpper(foglia.SerialNumber.Text(16)),
		Emittente:     foglia.Issuer.String(),
		Scadenza:      foglia.NotAfter,
	}, nil
}

// prefissoSeriale is the ETSI semantics identifier of a tax number issued
// in Italy, in front of the codice fiscale in the serialNumber attribute.
const prefissoSeriale = "TINIT-"

// codiceFiscale reads the codice fiscale from the common name
// "CODICEFISCALE/serial.hash" and from a serialNumber "TINIT-…". A code in
// either place must be valid, and both must agree: a malformed one is not
// skipped for the other.
func codiceFiscale(soggetto pkix.Name) (cf.CodiceFiscale, error) {
	var trovati []string
	if codice, _, ok := strings.Cut(soggetto.CommonName, "/"); ok {
		trovati = append(trovati, codice)
	}
	if s := soggetto.SerialNumber; len(s) > len(prefissoSeriale) && strings.EqualFold(s[:len(prefissoSeriale)], prefissoSeriale) {
		trovati = append(trovati, s[len(prefissoSeriale):])
	}
	if len(trovati) == 0 {
		return cf.CodiceFiscale{}, fmt.Errorf("nessun codice fiscale nel soggetto %q", soggetto.String())
	}
	var codice cf.CodiceFiscale
	for i, s := range trovati {
		c, err := cf.Parse(s)
		if err != nil {
			return cf.CodiceFiscale{}, fmt.Errorf("%q: %w", s, err)
		}
		if i > 0 && c != codice {
			return cf.CodiceFiscale{}, fmt.Errorf("common name e serialNumber con codici diversi: %s, %s", codice, c)
		}
		codice = c
	}
	return codice, nil
}

var (
	oidCognome = asn1.ObjectIdentifier{2, 5, 4, 4}
	oidNome    = asn1.ObjectIdentifier{2, 5, 4, 42}
)

// attributo is the first string value of the attribute oid in the name.
func attributo(n pkix.Name, oid asn1.ObjectIdentifier) string {
	for _, a := range n.Names {
		if s, ok := a.Value.(string); ok && a.Type.Equal(oid) {
			return strings.TrimSpace(s)
		}
	}
	return ""
}
