package oidc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Provider is one OpenID Connect provider (usually a SPID or CIE gateway)
// as configured.
type Provider struct {
	// Nome identifies the provider in addresses and records: lower-case
	// letters, digits and hyphens ("spid", "cie"). It is the Metodo of the
	// identities it verifies.
	Nome string
	// Etichetta is the short name people read: "SPID", "CIE".
	Etichetta    string
	Issuer       string
	ClientID     string
	ClientSecret string
	// Scope always includes "openid"; DefaultScope when left empty.
	Scope []string
	// ClaimCodiceFiscale names the claim carrying the fiscal number:
	// "fiscalNumber" on most gateways (SPID sends "TINIT-" and the code,
	// CIE the bare code), "https://attributes.eid.gov.it/fiscal_number" in
	// the AgID OIDC profile. DefaultClaimCodiceFiscale when left empty.
	ClaimCodiceFiscale string
	// AcrMinimo is the lowest acr accepted ("https://www.spid.gov.it/SpidL2");
	// empty accepts any level, or none.
	AcrMinimo string
	// LivelliAcr lists the acr values from the lowest to the highest, to
	// compare them: AcrMinimo must be one of them.
	LivelliAcr []string
}

// Defaults of the fields a configuration may leave empty.
const DefaultClaimCodiceFiscale = "fiscalNumber"

// DefaultScope is the Scope of a provider that does not set one.
var DefaultScope = []string{"openid", "profile", "email"}

// LivelliSPID are the acr values of SPID, also used by CIE: levels 1 to 3.
var LivelliSPID = []string{
	"https://www.spid.gov.it/SpidL1",
	"https://www.spid.gov.it/SpidL2",
	"https://www.spid.gov.it/SpidL3",
}

var nomeValido = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)

// Valida checks a provider as it will be used: it returns the first problem,
// in Italian, for the administrator who wrote the configuration.
func (p Provider) Valida() error {
	switch {
	case !nomeValido.MatchString(p.Nome):
		return fmt.Errorf("il nome %q non è valido: usa da 1 a 32 lettere minuscole, cifre e trattini", p.Nome)
	case strings.TrimSpace(p.Etichetta) == "":
		return errors.New("manca l'etichetta mostrata agli utenti (per esempio \"SPID\")")
	case p.ClientID == "":
		return errors.New("manca il client id")
	case p.ClientSecret == "":
		return errors.New("manca il client secret")
	case !slices.Contains(p.Scope, "openid"):
		return errors.New("lo scope deve comprendere \"openid\"")
	case p.ClaimCodiceFiscale == "":
		return errors.New("manca il nome del claim del codice fiscale")
	}
	if err := validaIssuer(p.Issuer); err != nil {
		return err
	}
	for i, l := range p.LivelliAcr {
		if l == "" || slices.Index(p.LivelliAcr, l) != i {
			return fmt.Errorf("i livelli acr devono essere valori non vuoti e diversi tra loro: %q", l)
		}
	}
	if p.AcrMinimo != "" && !slices.Contains(p.LivelliAcr, p.AcrMinimo) {
		return fmt.Errorf("l'acr minimo %q non è tra i livelli acr elencati", p.AcrMinimo)
	}
	return nil
}

// validaIssuer accepts https addresses, and http only on the loopback
// interface, where a development or test provider runs.
func validaIssuer(issuer string) error {
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("l'issuer %q non è un indirizzo valido", issuer)
	}
	if u.Scheme == "https" {
		return nil
	}
	ip := net.ParseIP(u.Hostname())
	if u.Scheme == "http" && (u.Hostname() == "localhost" || ip != nil && ip.IsLoopback()) {
		return nil
	}
	return fmt.Errorf("l'issuer %q deve usare https", issuer)
}

// DescriviLivello names an acr for people: "SPID livello 2", from the
// position of acr in LivelliAcr; the acr itself when it is not listed.
func (p Provider) DescriviLivello(acr string) string {
	i := slices.Index(p.LivelliAcr, acr)
	if i < 0 {
		return acr
	}
	return p.Etichetta + " livello " + strconv.Itoa(i+1)
}

// voceFile is one provider as written in the configuration file.
type voceFile struct {
	Nome               string   `json:"nome"`
	Etichetta          string   `json:"etichetta"`
	Issuer             string   `json:"issuer"`
	ClientID           string   `json:"client_id"`
	ClientSecret       string   `json:"client_secret"`
	ClientSecretEnv    string   `json:"client_secret_env"`
	Scope              []string `json:"scope"`
	ClaimCodiceFiscale string   `json:"claim_codice_fiscale"`
	AcrMinimo          string   `json:"acr_minimo"`
	LivelliAcr         []string `json:"livelli_acr"`
}

// CaricaProvider reads the providers from a JSON file: an array of objects
// with the keys of voceFile. The client secret is written either in the
// file (client_secret, and then the file is readable by the service only)
// or in the environment variable that client_secret_env names, never both.
// Unknown keys are refused, so that a misspelt "acr_minimo" cannot silently
// turn the minimum level off. Each provider is checked with Valida and the
// names must differ.
func CaricaProvider(path string) ([]Provider, error) {
	dati, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("oidc: il file dei fornitori di identità non si legge: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(dati))
	dec.DisallowUnknownFields()
	var voci []voceFile
	if err := dec.Decode(&voci); err != nil {
		return nil, fmt.Errorf("oidc: il file %s non è un elenco JSON di fornitori valido: %w", path, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("oidc: il file %s contiene altro dopo l'elenco dei fornitori", path)
	}
	if len(voci) == 0 {
		return nil, fmt.Errorf("oidc: il file %s non elenca alcun fornitore", path)
	}
	provider := make([]Provider, 0, len(voci))
	for i, v := range voci {
		p, err := v.provider()
		if err == nil {
			err = p.Valida()
		}
		if err == nil && slices.ContainsFunc(provider, func(q Provider) bool { return q.Nome == p.Nome }) {
			err = fmt.Errorf("il nome %q è già usato da un altro fornitore", p.Nome)
		}
		if err != nil {
			return nil, fmt.Errorf("oidc: %s, fornitore %d (%q): %w", path, i+1, v.Nome, err)
		}
		provider = append(provider, p)
	}
	return provider, nil
}

func (v voceFile) provider() (Provider, error) {
	p := Provider{
		Nome: v.Nome, Etichetta: v.Etichetta, Issuer: v.Issuer, ClientID: v.ClientID,
		ClientSecret: v.ClientSecret, Scope: v.Scope, ClaimCodiceFiscale: v.ClaimCodiceFiscale,
		AcrMinimo: v.AcrMinimo, LivelliAcr: v.LivelliAcr,
	}
	switch {
	case v.ClientSecret != "" && v.ClientSecretEnv != "":
		return Provider{}, errors.New("indica il client secret o la variabile d'ambiente che lo contiene, non entrambi")
	case v.ClientSecretEnv != "":
		p.ClientSecret = os.Getenv(v.ClientSecretEnv)
		if p.ClientSecret == "" {
			return Provider{}, fmt.Errorf("la variabile d'ambiente %s del client secret è vuota o non esiste", v.ClientSecretEnv)
		}
	}
	return p.conValoriPredefiniti(), nil
}

// conValoriPredefiniti fills the fields left empty with their defaults.
func (p Provider) conValoriPredefiniti() Provider {
	if len(p.Scope) == 0 {
		p.Scope = slices.Clone(DefaultScope)
	}
	if p.ClaimCodiceFiscale == "" {
		p.ClaimCodiceFiscale = DefaultClaimCodiceFiscale
	}
	return p
}
