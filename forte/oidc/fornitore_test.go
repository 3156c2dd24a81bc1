package oidc

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"
)

// istante is the time on both clocks, the provider's and Abilita's, unless
// a test moves Abilita's.
var istante = time.Date(2026, time.March, 2, 9, 30, 0, 0, time.UTC)

// chiave signs the tokens of every test provider: one RSA key generated per
// run instead of one per provider.
var chiave *rsa.PrivateKey

func TestMain(m *testing.M) {
	var err error
	chiave, err = rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	// mockoidc reads its clock from this package variable; it is set before
	// any provider starts and never again.
	mockoidc.NowFunc = func() time.Time { return istante }
	os.Exit(m.Run())
}

// avviaFornitore starts a real OpenID Connect provider on the loopback
// interface: discovery, authorization (it signs in the next queued user
// without asking), token with PKCE, UserInfo and JWKS endpoints.
func avviaFornitore(t *testing.T) *mockoidc.MockOIDC {
	t.Helper()
	m, err := mockoidc.NewServer(chiave)
	if err != nil {
		t.Fatal(err)
	}
	// mockoidc keeps its sessions in a map without a lock: one request at a
	// time keeps the race detector quiet and changes nothing for a login.
	var mu sync.Mutex
	_ = m.AddMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			next.ServeHTTP(w, r)
		})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(ln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	return m
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

// utente is a person at the test provider. Its fields beyond the claims
// make the provider misbehave the way the tests need.
type utente struct {
	sub         string
	idToken     map[string]any // claims added to the ID token
	userInfo    map[string]any // claims of the UserInfo answer, besides sub
	issuer      string         // replaces the iss of the ID token
	nonce       string         // replaces the nonce of the ID token
	audience    string         // replaces the aud of the ID token
	subUserInfo string         // replaces the sub of the UserInfo answer
}

// rossi is a SPID level 2 user whose ID token carries everything.
func rossi() *utente {
	return &utente{
		sub: "spid-rossi",
		idToken: map[string]any{
			"fiscalNumber": "TINIT-RSSMRA80A01H501U",
			"given_name":   "Mario",
			"family_name":  "Rossi",
			"email":        "mario.rossi@example.it",
			"acr":          LivelliSPID[1],
		},
	}
}

func (u *utente) ID() string { return u.sub }

func (u *utente) Userinfo([]string) ([]byte, error) {
	c := maps.Clone(u.userInfo)
	if c == nil {
		c = map[string]any{}
	}
	c["sub"] = u.sub
	if u.subUserInfo != "" {
		c["sub"] = u.subUserInfo
	}
	return json.Marshal(c)
}

func (u *utente) Claims(_ []string, base *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	if u.issuer != "" {
		base.Issuer = u.issuer
	}
	if u.nonce != "" {
		base.Nonce = u.nonce
	}
	if u.audience != "" {
		base.Audience = jwt.ClaimStrings{u.audience}
	}
	return claimsConAggiunte{base, u.idToken}, nil
}

// claimsConAggiunte is an ID token's standard claims plus any others.
type claimsConAggiunte struct {
	*mockoidc.IDTokenClaims
	aggiunte map[string]any
}

func (c claimsConAggiunte) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(c.IDTokenClaims)
	if err != nil {
		return nil, err
	}
	var tutti map[string]any
	if err := json.Unmarshal(b, &tutti); err != nil {
		return nil, err
	}
	maps.Copy(tutti, c.aggiunte)
	return json.Marshal(tutti)
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
