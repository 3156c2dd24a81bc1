package oidc

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"abilita/internal/testoidc"
)

// istante is the time on both clocks, the provider's and Abilita's, unless
// a test moves Abilita's.
var istante = time.Date(2026, time.March, 2, 9, 30, 0, 0, time.UTC)

// avviaFornitore starts a real OpenID Connect provider on the loopback
// interface, its clock stopped at istante.
func avviaFornitore(t *testing.T) *mockoidc.MockOIDC {
	t.Helper()
	return testoidc.Avvia(t, func() time.Time { return istante })
}

// providerDi is the configuration of Abilita for the test provider m: SPID
// levels, level 2 at least.
func providerDi(m *mockoidc.MockOIDC) Provider {
	return Provider{
		Nome:               "spid",
		Etichetta:          "SPID",
		Issuer:             m.Issuer(),
		ClientID:           m.ClientID,
		ClientSecret:       m.ClientSecret,
		Scope:              []string{"openid", "profile", "email"},
		ClaimCodiceFiscale: "fiscalNumber",
		AcrMinimo:          LivelliSPID[1],
		LivelliAcr:         LivelliSPID,
	}
}

// nuovoRP builds Abilita's relying party for p. Options left empty get a
// return address nobody serves and the clock stopped at istante.
func nuovoRP(t *testing.T, p Provider, o Opzioni) *RelyingParty {
	t.Helper()
	if o.RedirectURL == "" {
		o.RedirectURL = "http://127.0.0.1:1/accesso/oidc/spid/ritorno"
	}
	if o.Now == nil {
		o.Now = func() time.Time { return istante }
	}
	rp, err := NuovoRelyingParty(context.Background(), p, o)
	if err != nil {
		t.Fatal(err)
	}
	return rp
}

// utente is a person at the test provider.
type utente = testoidc.Utente

// rossi is a SPID level 2 user whose ID token carries everything.
func rossi() *utente {
	return &utente{
		Sub: "spid-rossi",
		IDToken: map[string]any{
			"fiscalNumber": "TINIT-RSSMRA80A01H501U",
			"given_name":   "Mario",
			"family_name":  "Rossi",
			"email":        "mario.rossi@example.it",
			"acr":          LivelliSPID[1],
		},
	}
}

// autorizza plays the browser at the provider: it opens the authorization
// address and returns the query with which the provider sends it back.
func autorizza(t *testing.T, indirizzo string) url.Values {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(indirizzo)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("the provider answers %d to the authorization request, want 302", resp.StatusCode)
	}
	ritorno, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return ritorno.Query()
}

// comeErrore returns err as an *Errore, failing the test if it is not one.
func comeErrore(t *testing.T, err error) *Errore {
	t.Helper()
	var e *Errore
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want an *Errore", err, err)
	}
	return e
}
