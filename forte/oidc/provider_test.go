package oidc

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func scriviFile(t *testing.T, contenuto string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "oidc.json")
	if err := os.WriteFile(path, []byte(contenuto), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCaricaProvider(t *testing.T) {
	t.Setenv("ABILITA_OIDC_SPID_SECRET", "segreto-spid")
	path := scriviFile(t, `[
  {
    "nome": "spid",
    "etichetta": "SPID",
    "issuer": "https://gateway.example.it/oidc",
    "client_id": "abilita",
    "client_secret_env": "ABILITA_OIDC_SPID_SECRET",
    "acr_minimo": "https://www.spid.gov.it/SpidL2",
    "livelli_acr": ["https://www.spid.gov.it/SpidL1", "https://www.spid.gov.it/SpidL2", "https://www.spid.gov.it/SpidL3"]
  },
  {
    "nome": "cie",
    "etichetta": "CIE",
    "issuer": "http://127.0.0.1:9999",
    "client_id": "abilita-cie",
    "client_secret": "segreto-cie",
    "scope": ["openid", "profile"],
    "claim_codice_fiscale": "https://attributes.eid.gov.it/fiscal_number"
  }
]`)
	got, err := CaricaProvider(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []Provider{
		{
			Nome: "spid", Etichetta: "SPID", Issuer: "https://gateway.example.it/oidc",
			ClientID: "abilita", ClientSecret: "segreto-spid", Scope: DefaultScope,
			ClaimCodiceFiscale: "fiscalNumber", AcrMinimo: LivelliSPID[1], LivelliAcr: LivelliSPID,
		},
		{
			Nome: "cie", Etichetta: "CIE", Issuer: "http://127.0.0.1:9999",
			ClientID: "abilita-cie", ClientSecret: "segreto-cie", Scope: []string{"openid", "profile"},
			ClaimCodiceFiscale: "https://attributes.eid.gov.it/fiscal_number",
		},
	}
	if !slices.EqualFunc(got, want, func(a, b Provider) bool {
		return a.Nome == b.Nome && a.Etichetta == b.Etichetta && a.Issuer == b.Issuer &&
			a.ClientID == b.ClientID && a.ClientSecret == b.ClientSecret && slices.Equal(a.Scope, b.Scope) &&
			a.ClaimCodiceFiscale == b.ClaimCodiceFiscale && a.AcrMinimo == b.AcrMinimo &&
			slices.Equal(a.LivelliAcr, b.LivelliAcr)
	}) {
		t.Errorf("providers\n got %+v\nwant %+v", got, want)
	}
}

func TestCaricaProviderRifiuta(t *testing.T) {
	t.Setenv("ABILITA_OIDC_VUOTA", "")
	// voce is a valid provider with the given JSON members replacing or
	// adding to its own.
	voce := func(membri string) string {
		base := `"nome": "spid", "etichetta": "SPID", "issuer": "https://gateway.example.it", "client_id": "abilita", "client_secret": "s"`
		if membri != "" {
			base = membri + ", " + base
		}
		return "[{" + base + "}]"
	}
	scenari := []struct {
		nome, contenuto, errore string
	}{
		{"non JSON", `nome = "spid"`, "non è un elenco JSON di fornitori valido"},
		{"oggetto invece di elenco", `{"nome": "spid"}`, "non è un elenco JSON di fornitori valido"},
		{"elenco vuoto", `[]`, "non elenca alcun fornitore"},
		{"chiave sconosciuta", voce(`"acr_minmo": "x"`), `unknown field "acr_minmo"`},
		{"altro dopo l'elenco", voce("") + "[]", "contiene altro dopo l'elenco"},
		{"nome con maiuscole", `[{"nome": "SPID", "etichetta": "SPID", "issuer": "https://a.it", "client_id": "a", "client_secret": "s"}]`, `il nome "SPID" non è valido`},
		{"etichetta assente", `[{"nome": "spid", "issuer": "https://a.it", "client_id": "a", "client_secret": "s"}]`, "manca l'etichetta"},
		{"issuer in chiaro", `[{"nome": "spid", "etichetta": "SPID", "issuer": "http://gateway.example.it", "client_id": "a", "client_secret": "s"}]`, "deve usare https"},
		{"issuer non valido", `[{"nome": "spid", "etichetta": "SPID", "issuer": "gateway", "client_id": "a", "client_secret": "s"}]`, "non è un indirizzo valido"},
		{"client id assente", `[{"nome": "spid", "etichetta": "SPID", "issuer": "https://a.it", "client_secret": "s"}]`, "manca il client id"},
		{"client secret assente", `[{"nome": "spid", "etichetta": "SPID", "issuer": "https://a.it", "client_id": "a"}]`, "manca il client secret"},
		{"client secret in due posti", voce(`"client_secret_env": "ABILITA_OIDC_VUOTA"`), "non entrambi"},
		{"variabile del secret vuota", `[{"nome": "spid", "etichetta": "SPID", "issuer": "https://a.it", "client_id": "a", "client_secret_env": "ABILITA_OIDC_VUOTA"}]`, "ABILITA_OIDC_VUOTA del client secret è vuota"},
		{"scope senza openid", voce(`"scope": ["profile"]`), `deve comprendere "openid"`},
		{"acr minimo non elencato", voce(`"acr_minimo": "https://www.spid.gov.it/SpidL2"`), "non è tra i livelli acr elencati"},
		{"livelli ripetuti", voce(`"livelli_acr": ["a", "b", "a"]`), "diversi tra loro"},
		{"nomi ripetuti", `[` + strings.Trim(voce(""), "[]") + `, ` + strings.Trim(voce(""), "[]") + `]`, `fornitore 2 ("spid"): il nome "spid" è già usato`},
	}
	for _, s := range scenari {
		t.Run(s.nome, func(t *testing.T) {
			_, err := CaricaProvider(scriviFile(t, s.contenuto))
			if err == nil || !strings.Contains(err.Error(), s.errore) {
				t.Errorf("error %v, want one containing %q", err, s.errore)
			}
		})
	}
	if _, err := CaricaProvider(filepath.Join(t.TempDir(), "assente.json")); err == nil || !strings.Contains(err.Error(), "non si legge") {
		t.Errorf("missing file: %v", err)
	}
}

// TestNuovoRelyingPartyRifiuta: a provider that fails Valida, one whose
// discovery names another issuer, and one that does not answer, all stop
// the start with the provider named.
func TestNuovoRelyingPartyRifiuta(t *testing.T) {
	m := avviaFornitore(t)
	scenari := []struct {
		nome     string
		provider func(*Provider)
		errore   string
	}{
		{"client id assente", func(p *Provider) { p.ClientID = "" }, "manca il client id"},
		{"issuer diverso da quello della discovery", func(p *Provider) { p.Issuer += "/" }, "la configurazione di"},
		{"fornitore che non risponde", func(p *Provider) { p.Issuer = "http://127.0.0.1:1/oidc" }, "la configurazione di"},
	}
	for _, s := range scenari {
		t.Run(s.nome, func(t *testing.T) {
			p := providerDi(m)
			s.provider(&p)
			_, err := NuovoRelyingParty(context.Background(), p, Opzioni{RedirectURL: "http://127.0.0.1:1/ritorno"})
			if err == nil || !strings.Contains(err.Error(), s.errore) || !strings.Contains(err.Error(), `"spid"`) {
				t.Errorf("error %v, want one naming \"spid\" and containing %q", err, s.errore)
			}
		})
	}
	if _, err := NuovoRelyingParty(context.Background(), providerDi(m), Opzioni{}); err == nil {
		t.Error("accepted a relying party without a return address")
	}
}
