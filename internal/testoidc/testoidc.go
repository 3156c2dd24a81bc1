// Package testoidc starts a real OpenID Connect provider inside a test
// (github.com/oauth2-proxy/mockoidc on the loopback interface: discovery,
// authorization, token with PKCE, UserInfo, JWKS), whose users carry the
// claims of SPID and CIE gateways and can make the provider misbehave the
// way a test needs.
package testoidc

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"maps"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"
)

var (
	chiaveUna sync.Once
	chiave    *rsa.PrivateKey
	orologio  sync.Mutex
)

// Avvia starts a provider whose clock is now (mockoidc reads one clock for
// all its servers: tests of one process must agree on it). It stops with
// the test.
func Avvia(t testing.TB, now func() time.Time) *mockoidc.MockOIDC {
	t.Helper()
	chiaveUna.Do(func() {
		var err error
		if chiave, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	orologio.Lock()
	mockoidc.NowFunc = now
	orologio.Unlock()
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

// Utente is a person at the test provider (m.QueueUser). The fields after
// the claims make the provider misbehave.
type Utente struct {
	Sub         string
	IDToken     map[string]any // claims added to the ID token
	UserInfo    map[string]any // claims of the UserInfo answer, besides sub
	Issuer      string         // replaces the iss of the ID token
	Nonce       string         // replaces the nonce of the ID token
	Audience    string         // replaces the aud of the ID token
	SubUserInfo string         // replaces the sub of the UserInfo answer
}

func (u *Utente) ID() string { return u.Sub }

func (u *Utente) Userinfo([]string) ([]byte, error) {
	c := maps.Clone(u.UserInfo)
	if c == nil {
		c = map[string]any{}
	}
	c["sub"] = u.Sub
	if u.SubUserInfo != "" {
		c["sub"] = u.SubUserInfo
	}
	return json.Marshal(c)
}

func (u *Utente) Claims(_ []string, base *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	if u.Issuer != "" {
		base.Issuer = u.Issuer
	}
	if u.Nonce != "" {
		base.Nonce = u.Nonce
	}
	if u.Audience != "" {
		base.Audience = jwt.ClaimStrings{u.Audience}
	}
	return claimsConAggiunte{base, u.IDToken}, nil
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
