package oidc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"abilita/security"
)

// DurataAttesa is how long an Attesa stays valid: enough to sign in with
// SPID on a phone, short enough that a forgotten tab cannot be finished
// days later.
const DurataAttesa = 10 * time.Minute

// Opzioni are the settings of a RelyingParty that do not come from the
// provider's configuration.
type Opzioni struct {
	// RedirectURL is Abilita's return address for this provider, as
	// registered with it (for example <public-url>/accesso/oidc/spid/ritorno).
	RedirectURL string
	// Client makes every request to the provider: discovery, keys, token,
	// UserInfo. Nil means a client with a 10-second timeout.
	Client *http.Client
	// Now is the clock for the expiry of the Attesa and of the ID token.
	// Nil means time.Now.
	Now func() time.Time
}

// RelyingParty signs people in with one provider. It is safe for
// concurrent use.
type RelyingParty struct {
	provider Provider
	oauth    oauth2.Config
	oidc     *gooidc.Provider
	verifier *gooidc.IDTokenVerifier
	client   *http.Client
	now      func() time.Time
}

// NuovoRelyingParty checks p and reads the provider's discovery document
// (Issuer + "/.well-known/openid-configuration"), whose issuer must be
// p.Issuer. ctx bounds the discovery only; the signing keys are fetched
// later, when a token needs them, and again when the provider rotates them.
func NuovoRelyingParty(ctx context.Context, p Provider, o Opzioni) (*RelyingParty, error) {
	p = p.conValoriPredefiniti()
	if err := p.Valida(); err != nil {
		return nil, fmt.Errorf("oidc: fornitore %q: %w", p.Nome, err)
	}
	if o.RedirectURL == "" {
		return nil, fmt.Errorf("oidc: fornitore %q: manca l'indirizzo di ritorno", p.Nome)
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	prov, err := gooidc.NewProvider(gooidc.ClientContext(ctx, o.Client), p.Issuer)
	if err != nil {
		return nil, fmt.Errorf("oidc: fornitore %q: la configurazione di %s non si legge: %w", p.Nome, p.Issuer, err)
	}
	return &RelyingParty{
		provider: p,
		oauth: oauth2.Config{
			ClientID:     p.ClientID,
			ClientSecret: p.ClientSecret,
			Endpoint:     prov.Endpoint(),
			RedirectURL:  o.RedirectURL,
			Scopes:       p.Scope,
		},
		oidc:     prov,
		verifier: prov.Verifier(&gooidc.Config{ClientID: p.ClientID, Now: o.Now}),
		client:   o.Client,
		now:      o.Now,
	}, nil
}

// Provider returns the configuration of the provider, defaults filled in.
func (rp *RelyingParty) Provider() Provider { return rp.provider }

// Attesa holds the secrets of one login between Inizia and Completa. Keep
// it server-side or in a sealed, HttpOnly cookie, and use it once.
type Attesa struct {
	Provider string    `json:"provider"`
	State    string    `json:"state"`
	Nonce    string    `json:"nonce"`
	Verifier string    `json:"verifier"`
	Scade    time.Time `json:"scade"`
}

// Inizia starts a login: it returns the provider's authorization address
// to send the browser to, and the Attesa to keep until the browser comes
// back. A minimum level is asked for with acr_values too, which gateways
// use to choose the SPID level; Completa checks it anyway.
func (rp *RelyingParty) Inizia() (string, Attesa) {
	a := Attesa{
		Provider: rp.provider.Nome,
		State:    security.NewToken(),
		Nonce:    security.NewToken(),
		Verifier: oauth2.GenerateVerifier(),
		Scade:    rp.now().Add(DurataAttesa),
	}
	opts := []oauth2.AuthCodeOption{gooidc.Nonce(a.Nonce), oauth2.S256ChallengeOption(a.Verifier)}
	if rp.provider.AcrMinimo != "" {
		opts = append(opts, oauth2.SetAuthURLParam("acr_values", rp.provider.AcrMinimo))
	}
	return rp.oauth.AuthCodeURL(a.State, opts...), a
}

// scambia exchanges the code for the tokens, sending the PKCE verifier.
func (rp *RelyingParty) scambia(ctx context.Context, code, verifier string) (*oauth2.Token, error) {
	tok, err := rp.oauth.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &re) && re.ErrorCode == "invalid_grant":
		return nil, errore(MotivoCodiceUsato, err)
	case err != nil:
		return nil, errore(MotivoFornitore, err)
	}
	return tok, nil
}
