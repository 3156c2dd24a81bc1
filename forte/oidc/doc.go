// Package oidc signs people in with SPID and CIE: Abilita is a standard
// OpenID Connect relying party of one or more providers read from a
// configuration file (CaricaProvider), and returns the verified identity of
// the person, codice fiscale first (Identita).
//
// The AgID federations themselves (SPID OIDC and CIE OIDC) use OpenID
// Connect Federation: trust chains, entity statements and signed request
// objects, with the relying party registered in the federation. Public
// administrations usually reach them through a gateway (of the region, of a
// partner technology provider, or the Institute's own) that speaks plain
// OpenID Connect to the service and does the federation work itself. This
// package implements that plain side: discovery of the gateway
// (/.well-known/openid-configuration), the authorization code flow with
// PKCE (S256), state and nonce, and the checks of the ID token.
//
// A sign-in takes two requests. Inizia gives the address to send the
// browser to and an Attesa, the secrets of that one login (state, nonce,
// PKCE verifier), which the caller keeps for a few minutes in a server-side
// or sealed cookie store and uses once. Completa takes the Attesa back with
// the query of the return request, and either returns the Identita or an
// *Errore whose Messaggio can be shown to the person as it is, while its
// Causa goes to the logs.
//
// Completa refuses:
//   - a state that is not the one of the Attesa (compared in constant time),
//     or an Attesa of another provider or past its DurataAttesa;
//   - an authorization code the provider does not exchange: used already,
//     expired, or presented with another PKCE verifier;
//   - an ID token not signed by the provider's keys, from another issuer, for
//     another client, expired on the injected clock (Opzioni.Now), or with
//     another nonce;
//   - a missing or malformed codice fiscale, and an authentication level
//     (acr) below Provider.AcrMinimo.
//
// Where the data come from: the acr only from the ID token, since it
// describes the authentication and must be signed by the provider. The
// codice fiscale (the claim of Provider.ClaimCodiceFiscale, "TINIT-" prefix
// removed), given_name, family_name and email from the ID token; when the
// ID token lacks the codice fiscale or a name, and the provider publishes a
// UserInfo endpoint, from the UserInfo answer too, whose subject must be
// the one of the ID token. Many gateways put the SPID attributes only in
// UserInfo.
//
// The e-mail is the one the provider gives, when it gives one: Abilita has
// not verified it.
package oidc
