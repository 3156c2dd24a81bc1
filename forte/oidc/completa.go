package oidc

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"abilita/cf"
)

// Identita is a person as a provider verified it.
type Identita struct {
	CodiceFiscale cf.CodiceFiscale
	Nome          string
	Cognome       string
	Email         string // as the provider gives it, when it does; not verified by Abilita
	Metodo        string // Provider.Nome
	Livello       string // the acr claim, as sent; Provider.DescriviLivello names it
	Issuer        string
	Subject       string
}

// Completa finishes a login: query is the query of the request with which
// the provider sent the browser back, attesa the one Inizia returned for
// it. Errors are *Errore values.
func (rp *RelyingParty) Completa(ctx context.Context, attesa Attesa, query url.Values) (Identita, error) {
	if e := query.Get("error"); e != "" {
		return Identita{}, errore(MotivoRifiutato, fmt.Errorf("il fornitore risponde %q: %s", e, query.Get("error_description")))
	}
	if err := rp.controllaAttesa(attesa, query.Get("state")); err != nil {
		return Identita{}, err
	}
	code := query.Get("code")
	if code == "" {
		return Identita{}, errore(MotivoRifiutato, errors.New("la risposta non ha il codice"))
	}
	ctx = gooidc.ClientContext(ctx, rp.client)
	tok, err := rp.scambia(ctx, code, attesa.Verifier)
	if err != nil {
		return Identita{}, err
	}
	idt, err := rp.verificaIDToken(ctx, tok, attesa.Nonce)
	if err != nil {
		return Identita{}, err
	}
	att, err := leggiAttributi(idt.Claims, rp.provider.ClaimCodiceFiscale)
	if err != nil {
		return Identita{}, err
	}
	if att.mancaQualcosa() && rp.oidc.UserInfoEndpoint() != "" {
		ui, err := rp.userInfo(ctx, tok, idt.Subject)
		if err != nil {
			return Identita{}, err
		}
		att.completaCon(ui)
	}
	codice, err := leggiCodiceFiscale(att.codiceFiscale)
	if err != nil {
		return Identita{}, err
	}
	if err := rp.controllaLivello(att.acr); err != nil {
		return Identita{}, err
	}
	return Identita{
		CodiceFiscale: codice,
		Nome:          att.nome,
		Cognome:       att.cognome,
		Email:         att.email,
		Metodo:        rp.provider.Nome,
		Livello:       att.acr,
		Issuer:        idt.Issuer,
		Subject:       idt.Subject,
	}, nil
}

// controllaAttesa checks that the answer belongs to the login that attesa
// started, and that it came back in time.
func (rp *RelyingParty) controllaAttesa(attesa Attesa, state string) error {
	if attesa.Provider != rp.provider.Nome || attesa.State == "" || attesa.Nonce == "" || attesa.Verifier == "" {
		return errore(MotivoState, errors.New("richiesta di accesso vuota o di un altro fornitore"))
	}
	if subtle.ConstantTimeCompare([]byte(attesa.State), []byte(state)) != 1 {
		return errore(MotivoState, errors.New("lo state della risposta non è quello della richiesta"))
	}
	if !rp.now().Before(attesa.Scade) {
		return errore(MotivoScaduto, fmt.Errorf("richiesta scaduta il %s", attesa.Scade))
	}
	return nil
}

// verificaIDToken checks the ID token of tok: signature, issuer, audience,
// expiry, nonce and, when the token carries one, the access token hash.
func (rp *RelyingParty) verificaIDToken(ctx context.Context, tok *oauth2.Token, nonce string) (*gooidc.IDToken, error) {
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, errore(MotivoToken, errors.New("la risposta del token endpoint non ha l'id_token"))
	}
	idt, err := rp.verifier.Verify(ctx, raw)
	var scaduto *gooidc.TokenExpiredError
	switch iss := issuerDichiarato(raw); {
	case err != nil && iss != "" && iss != rp.provider.Issuer:
		return nil, errore(MotivoIssuer, err)
	case errors.As(err, &scaduto):
		return nil, errore(MotivoTokenScaduto, err)
	case err != nil:
		return nil, errore(MotivoToken, err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return nil, errore(MotivoNonce, errors.New("il nonce del token non è quello della richiesta"))
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			return nil, errore(MotivoToken, err)
		}
	}
	return idt, nil
}

// issuerDichiarato reads the iss claim of a token without verifying it,
// only to tell a token from another issuer apart from other failures.
func issuerDichiarato(raw string) string {
	parti := strings.Split(raw, ".")
	if len(parti) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(parti[1])
	if err != nil {
		return ""
	}
	var c struct {
		Iss string `json:"iss"`
	}
	_ = json.Unmarshal(payload, &c)
	return c.Iss
}

// userInfo asks the UserInfo endpoint for the claims the ID token lacks.
// Its subject must be the one of the ID token (OpenID Connect Core 5.3.2).
func (rp *RelyingParty) userInfo(ctx context.Context, tok *oauth2.Token, subject string) (attributi, error) {
	ui, err := rp.oidc.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		return attributi{}, errore(MotivoFornitore, err)
	}
	if ui.Subject != subject {
		return attributi{}, errore(MotivoToken, fmt.Errorf("UserInfo di %q per un token di %q", ui.Subject, subject))
	}
	return leggiAttributi(ui.Claims, rp.provider.ClaimCodiceFiscale)
}

// controllaLivello enforces AcrMinimo, comparing positions in LivelliAcr.
func (rp *RelyingParty) controllaLivello(acr string) error {
	p := rp.provider
	if p.AcrMinimo == "" {
		return nil
	}
	minimo := slices.Index(p.LivelliAcr, p.AcrMinimo)
	livello := slices.Index(p.LivelliAcr, acr)
	var msg string
	switch {
	case acr == "":
		msg = fmt.Sprintf("Il fornitore di identità non ha comunicato il livello di sicurezza dell'accesso, che deve essere almeno il livello %d.", minimo+1)
	case livello < 0:
		msg = fmt.Sprintf("Il livello di sicurezza dell'accesso (%s) non è tra quelli riconosciuti: serve almeno il livello %d.", acr, minimo+1)
	case livello < minimo:
		msg = fmt.Sprintf("Il livello di sicurezza dell'accesso (%s) è inferiore a quello richiesto (livello %d).", p.DescriviLivello(acr), minimo+1)
	default:
		return nil
	}
	return &Errore{Motivo: MotivoLivello, Messaggio: msg, Causa: fmt.Errorf("acr %q, minimo %q", acr, p.AcrMinimo)}
}

// leggiCodiceFiscale removes the "TINIT-" prefix (SPID's fiscalNumber) and
// checks the code.
func leggiCodiceFiscale(s string) (cf.CodiceFiscale, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return cf.CodiceFiscale{}, errore(MotivoCodiceFiscaleAssente, nil)
	}
	if len(s) > 6 && strings.EqualFold(s[:6], "TINIT-") {
		s = s[6:]
	}
	codice, err := cf.Parse(s)
	if err != nil {
		return cf.CodiceFiscale{}, &Errore{
			Motivo:    MotivoCodiceFiscale,
			Messaggio: "Il fornitore di identità ha comunicato un codice fiscale non valido. " + err.Error(),
			Causa:     err,
		}
	}
	return codice, nil
}
