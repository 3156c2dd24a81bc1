package oidc

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"abilita/cf"
	"abilita/security"
)

func mustCF(t *testing.T, s string) cf.CodiceFiscale {
	t.Helper()
	c, err := cf.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestAccesso drives the whole login as a browser would: a client with a
// cookie jar, following redirects, from a small Abilita that keeps the
// Attesa server-side under a cookie, through the provider, and back.
func TestAccesso(t *testing.T) {
	m := avviaFornitore(t)
	m.QueueUser(rossi())

	var (
		rp       *RelyingParty
		mu       sync.Mutex
		attese   = map[string]Attesa{}
		verifica Identita
	)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /accedi", func(w http.ResponseWriter, r *http.Request) {
		indirizzo, a := rp.Inizia()
		id := security.NewToken()
		mu.Lock()
		attese[id] = a
		mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "accesso", Value: id, Path: "/", HttpOnly: true})
		http.Redirect(w, r, indirizzo, http.StatusFound)
	})
	mux.HandleFunc("GET /ritorno", func(w http.ResponseWriter, r *http.Request) {
		var a Attesa
		if c, err := r.Cookie("accesso"); err == nil {
			mu.Lock()
			a = attese[c.Value]
			delete(attese, c.Value) // an Attesa is used once
			mu.Unlock()
		}
		id, err := rp.Completa(r.Context(), a, r.URL.Query())
		if err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		mu.Lock()
		verifica = id
		mu.Unlock()
		fmt.Fprintf(w, "Benvenuto, %s %s", id.Nome, id.Cognome)
	})
	abilita := httptest.NewServer(mux)
	t.Cleanup(abilita.Close)
	rp = nuovoRP(t, providerDi(m), Opzioni{RedirectURL: abilita.URL + "/ritorno"})

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Jar: jar}
	resp, err := browser.Get(abilita.URL + "/accedi")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "Benvenuto, Mario Rossi" {
		t.Fatalf("the return page answers %d %q", resp.StatusCode, body)
	}
	want := Identita{
		CodiceFiscale: mustCF(t, "RSSMRA80A01H501U"),
		Nome:          "Mario",
		Cognome:       "Rossi",
		Email:         "mario.rossi@example.it",
		Metodo:        "spid",
		Livello:       "https://www.spid.gov.it/SpidL2",
		Issuer:        m.Issuer(),
		Subject:       "spid-rossi",
	}
	mu.Lock()
	defer mu.Unlock()
	if verifica != want {
		t.Errorf("identity\n got %+v\nwant %+v", verifica, want)
	}
	if got := rp.Provider().DescriviLivello(verifica.Livello); got != "SPID livello 2" {
		t.Errorf("DescriviLivello = %q", got)
	}
}

// TestAccessoConUserInfo: a CIE gateway of the AgID profile, whose ID token
// carries only the level, and whose UserInfo carries the rest.
func TestAccessoConUserInfo(t *testing.T) {
	m := avviaFornitore(t)
	claim := "https://attributes.eid.gov.it/fiscal_number"
	m.QueueUser(&utente{
		Sub:     "cie-bianchi",
		IDToken: map[string]any{"acr": LivelliSPID[2]},
		UserInfo: map[string]any{
			claim:         "BNCLRA85M41F205C",
			"given_name":  "Laura",
			"family_name": "Bianchi",
		},
	})
	p := providerDi(m)
	p.Nome, p.Etichetta, p.ClaimCodiceFiscale = "cie", "CIE", claim
	rp := nuovoRP(t, p, Opzioni{})
	indirizzo, a := rp.Inizia()
	id, err := rp.Completa(context.Background(), a, autorizza(t, indirizzo))
	if err != nil {
		t.Fatal(err)
	}
	want := Identita{
		CodiceFiscale: mustCF(t, "BNCLRA85M41F205C"),
		Nome:          "Laura",
		Cognome:       "Bianchi",
		Metodo:        "cie",
		Livello:       LivelliSPID[2],
		Issuer:        m.Issuer(),
		Subject:       "cie-bianchi",
	}
	if id != want {
		t.Errorf("identity\n got %+v\nwant %+v", id, want)
	}
}

// TestAccessoSenzaLivelloMinimo: with no AcrMinimo any level, or none, is
// accepted and recorded as sent.
func TestAccessoSenzaLivelloMinimo(t *testing.T) {
	m := avviaFornitore(t)
	u := rossi()
	delete(u.IDToken, "acr")
	m.QueueUser(u)
	p := providerDi(m)
	p.AcrMinimo = ""
	rp := nuovoRP(t, p, Opzioni{})
	indirizzo, a := rp.Inizia()
	id, err := rp.Completa(context.Background(), a, autorizza(t, indirizzo))
	if err != nil {
		t.Fatal(err)
	}
	if id.Livello != "" || id.CodiceFiscale.String() != "RSSMRA80A01H501U" {
		t.Errorf("identity %+v", id)
	}
}

// TestInizia checks the authorization request: code flow, PKCE S256 with a
// challenge derived from the verifier kept, state and nonce kept, the
// minimum level asked for, and new secrets on every login.
func TestInizia(t *testing.T) {
	m := avviaFornitore(t)
	rp := nuovoRP(t, providerDi(m), Opzioni{})
	indirizzo, a := rp.Inizia()
	u, err := url.Parse(indirizzo)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	somma := sha256.Sum256([]byte(a.Verifier))
	for k, want := range map[string]string{
		"response_type":         "code",
		"client_id":             m.ClientID,
		"redirect_uri":          "http://127.0.0.1:1/accesso/oidc/spid/ritorno",
		"scope":                 "openid profile email",
		"state":                 a.State,
		"nonce":                 a.Nonce,
		"code_challenge_method": "S256",
		"code_challenge":        base64.RawURLEncoding.EncodeToString(somma[:]),
		"acr_values":            LivelliSPID[1],
	} {
		if got := q.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if !strings.HasPrefix(indirizzo, m.AuthorizationEndpoint()+"?") {
		t.Errorf("address %s is not the provider's authorization endpoint", indirizzo)
	}
	if a.Provider != "spid" || !a.Scade.Equal(istante.Add(DurataAttesa)) {
		t.Errorf("attesa %+v", a)
	}
	_, b := rp.Inizia()
	if b.State == a.State || b.Nonce == a.Nonce || b.Verifier == a.Verifier {
		t.Error("two logins share a secret")
	}
}

// TestCodiceRiusato: the code of a completed login, presented again with
// the same Attesa, is refused by the provider.
func TestCodiceRiusato(t *testing.T) {
	m := avviaFornitore(t)
	m.QueueUser(rossi())
	rp := nuovoRP(t, providerDi(m), Opzioni{})
	indirizzo, a := rp.Inizia()
	q := autorizza(t, indirizzo)
	if _, err := rp.Completa(context.Background(), a, q); err != nil {
		t.Fatal(err)
	}
	_, err := rp.Completa(context.Background(), a, q)
	e := comeErrore(t, err)
	if e.Motivo != MotivoCodiceUsato || e.Messaggio != "L'accesso è già stato usato o è scaduto: riprova ad accedere." {
		t.Errorf("replayed code: %s (%s), cause %v", e.Messaggio, e.Motivo, e.Causa)
	}
}

// TestAccessoRifiutato: each way a login can go wrong is refused with its
// reason and an Italian message.
func TestAccessoRifiutato(t *testing.T) {
	scenari := []struct {
		nome string
		// utente and provider change the person at the provider and
		// Abilita's configuration.
		utente   func(*utente)
		provider func(*Provider)
		// avanti sets Abilita's clock ahead of the provider's from the
		// start; attesa is the time between Inizia and Completa.
		avanti, attesa time.Duration
		// risposta changes what reaches Completa.
		risposta  func(q url.Values, a *Attesa)
		motivo    Motivo
		messaggio string
	}{
		{
			nome:      "state di un'altra richiesta",
			risposta:  func(q url.Values, _ *Attesa) { q.Set("state", security.NewToken()) },
			motivo:    MotivoState,
			messaggio: "La risposta del fornitore di identità non corrisponde alla richiesta di accesso (state non valido): riprova ad accedere.",
		},
		{
			nome:      "state assente",
			risposta:  func(q url.Values, _ *Attesa) { q.Del("state") },
			motivo:    MotivoState,
			messaggio: "La risposta del fornitore di identità non corrisponde alla richiesta di accesso (state non valido): riprova ad accedere.",
		},
		{
			nome:      "nessuna richiesta di accesso",
			risposta:  func(_ url.Values, a *Attesa) { *a = Attesa{} },
			motivo:    MotivoState,
			messaggio: "La risposta del fornitore di identità non corrisponde alla richiesta di accesso (state non valido): riprova ad accedere.",
		},
		{
			nome:     "richiesta di un altro fornitore",
			risposta: func(_ url.Values, a *Attesa) { a.Provider = "cie" },
			motivo:   MotivoState,
		},
		{
			nome:      "richiesta scaduta",
			attesa:    DurataAttesa,
			motivo:    MotivoScaduto,
			messaggio: "La richiesta di accesso è scaduta: riprova ad accedere.",
		},
		{
			nome: "accesso annullato dalla persona",
			risposta: func(q url.Values, _ *Attesa) {
				q.Del("code")
				q.Set("error", "access_denied")
			},
			motivo:    MotivoRifiutato,
			messaggio: "L'accesso con il fornitore di identità non è stato completato: riprova ad accedere.",
		},
		{
			nome:      "verifier PKCE di un'altra richiesta",
			risposta:  func(_ url.Values, a *Attesa) { a.Verifier = oauth2.GenerateVerifier() },
			motivo:    MotivoCodiceUsato,
			messaggio: "L'accesso è già stato usato o è scaduto: riprova ad accedere.",
		},
		{
			nome:      "nonce di un'altra richiesta",
			utente:    func(u *utente) { u.Nonce = security.NewToken() },
			motivo:    MotivoNonce,
			messaggio: "La risposta del fornitore di identità non corrisponde alla richiesta di accesso (nonce non valido): riprova ad accedere.",
		},
		{
			nome:      "token di un altro issuer",
			utente:    func(u *utente) { u.Issuer = "https://idp.altro.example.it" },
			motivo:    MotivoIssuer,
			messaggio: "Il token di identità non è stato emesso dal fornitore configurato.",
		},
		{
			nome:      "token per un altro client",
			utente:    func(u *utente) { u.Audience = "un-altro-servizio" },
			motivo:    MotivoToken,
			messaggio: "Il token di identità non è valido: riprova ad accedere.",
		},
		{
			nome:      "token scaduto",
			avanti:    11 * time.Minute,
			motivo:    MotivoTokenScaduto,
			messaggio: "Il token di identità è scaduto: riprova ad accedere.",
		},
		{
			nome: "UserInfo di un'altra persona",
			utente: func(u *utente) {
				delete(u.IDToken, "fiscalNumber")
				u.UserInfo = map[string]any{"fiscalNumber": "BNCLRA85M41F205C"}
				u.SubUserInfo = "spid-bianchi"
			},
			motivo: MotivoToken,
		},
		{
			nome:      "codice fiscale assente",
			utente:    func(u *utente) { delete(u.IDToken, "fiscalNumber") },
			motivo:    MotivoCodiceFiscaleAssente,
			messaggio: "Il fornitore di identità non ha comunicato il codice fiscale.",
		},
		{
			nome:      "codice fiscale malformato",
			utente:    func(u *utente) { u.IDToken["fiscalNumber"] = "TINIT-RSSMRA80A01H501A" },
			motivo:    MotivoCodiceFiscale,
			messaggio: "Il fornitore di identità ha comunicato un codice fiscale non valido. Il carattere di controllo del codice fiscale non è corretto.",
		},
		{
			nome:      "codice fiscale non testuale",
			utente:    func(u *utente) { u.IDToken["fiscalNumber"] = 12345 },
			motivo:    MotivoCodiceFiscale,
			messaggio: "Il fornitore di identità ha comunicato un codice fiscale non valido. Il codice fiscale deve avere 16 caratteri.",
		},
		{
			nome:      "livello inferiore al minimo",
			utente:    func(u *utente) { u.IDToken["acr"] = LivelliSPID[0] },
			motivo:    MotivoLivello,
			messaggio: "Il livello di sicurezza dell'accesso (SPID livello 1) è inferiore a quello richiesto (livello 2).",
		},
		{
			nome:      "livello 2 richiesto il 3",
			provider:  func(p *Provider) { p.AcrMinimo = LivelliSPID[2] },
			motivo:    MotivoLivello,
			messaggio: "Il livello di sicurezza dell'accesso (SPID livello 2) è inferiore a quello richiesto (livello 3).",
		},
		{
			nome:      "livello non comunicato",
			utente:    func(u *utente) { delete(u.IDToken, "acr") },
			motivo:    MotivoLivello,
			messaggio: "Il fornitore di identità non ha comunicato il livello di sicurezza dell'accesso, che deve essere almeno il livello 2.",
		},
		{
			nome:      "livello sconosciuto",
			utente:    func(u *utente) { u.IDToken["acr"] = "urn:example:forte" },
			motivo:    MotivoLivello,
			messaggio: "Il livello di sicurezza dell'accesso (urn:example:forte) non è tra quelli riconosciuti: serve almeno il livello 2.",
		},
	}
	for _, s := range scenari {
		t.Run(s.nome, func(t *testing.T) {
			m := avviaFornitore(t)
			u := rossi()
			if s.utente != nil {
				s.utente(u)
			}
			m.QueueUser(u)
			p := providerDi(m)
			if s.provider != nil {
				s.provider(&p)
			}
			adesso := istante.Add(s.avanti)
			rp := nuovoRP(t, p, Opzioni{Now: func() time.Time { return adesso }})
			indirizzo, a := rp.Inizia()
			q := autorizza(t, indirizzo)
			if s.risposta != nil {
				s.risposta(q, &a)
			}
			adesso = adesso.Add(s.attesa)
			id, err := rp.Completa(context.Background(), a, q)
			if err == nil {
				t.Fatalf("accepted: %+v", id)
			}
			e := comeErrore(t, err)
			if e.Motivo != s.motivo {
				t.Errorf("motivo %q, want %q (%s; cause %v)", e.Motivo, s.motivo, e.Messaggio, e.Causa)
			}
			if s.messaggio != "" && e.Messaggio != s.messaggio {
				t.Errorf("message\n got %q\nwant %q", e.Messaggio, s.messaggio)
			}
			if e.Messaggio == "" {
				t.Error("no message for the person")
			}
		})
	}
}
