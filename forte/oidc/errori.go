package oidc

import "abilita/forte"

// Motivo tells why Completa refused a sign-in.
type Motivo = forte.Motivo

// Reasons a sign-in is refused.
const (
	// MotivoRifiutato: the provider answered with an error (the person
	// cancelled, or the provider refused) or without a code.
	MotivoRifiutato Motivo = "rifiutato"
	// MotivoState: the state is not the one of the Attesa, or the Attesa
	// belongs to another provider.
	MotivoState Motivo = "state"
	// MotivoScaduto: the Attesa is older than DurataAttesa.
	MotivoScaduto Motivo = "scaduto"
	// MotivoCodiceUsato: the provider did not exchange the code: used
	// already, expired, or sent with another PKCE verifier.
	MotivoCodiceUsato Motivo = "codice_usato"
	// MotivoFornitore: the provider could not be reached or answered
	// something that is not OpenID Connect.
	MotivoFornitore Motivo = "fornitore"
	// MotivoIssuer: the ID token names another issuer.
	MotivoIssuer Motivo = "issuer"
	// MotivoTokenScaduto: the ID token is expired on the relying party's clock.
	MotivoTokenScaduto Motivo = "token_scaduto"
	// MotivoToken: the ID token is missing, badly signed, for another client,
	// or its UserInfo belongs to another subject.
	MotivoToken Motivo = "token"
	// MotivoNonce: the nonce of the ID token is not the one of the Attesa.
	MotivoNonce Motivo = "nonce"
	// MotivoCodiceFiscaleAssente: no codice fiscale in the configured claim.
	MotivoCodiceFiscaleAssente Motivo = "codice_fiscale_assente"
	// MotivoCodiceFiscale: the codice fiscale is malformed (cf.Parse).
	MotivoCodiceFiscale Motivo = "codice_fiscale"
	// MotivoLivello: the acr is missing, unknown or below Provider.AcrMinimo.
	MotivoLivello Motivo = "livello"
)

// messaggi are the texts shown to the person for the reasons whose text
// does not depend on the case.
var messaggi = map[Motivo]string{
	MotivoRifiutato:            "L'accesso con il fornitore di identità non è stato completato: riprova ad accedere.",
	MotivoState:                "La risposta del fornitore di identità non corrisponde alla richiesta di accesso (state non valido): riprova ad accedere.",
	MotivoScaduto:              "La richiesta di accesso è scaduta: riprova ad accedere.",
	MotivoCodiceUsato:          "L'accesso è già stato usato o è scaduto: riprova ad accedere.",
	MotivoFornitore:            "Il fornitore di identità non risponde come previsto: riprova più tardi.",
	MotivoIssuer:               "Il token di identità non è stato emesso dal fornitore configurato.",
	MotivoTokenScaduto:         "Il token di identità è scaduto: riprova ad accedere.",
	MotivoToken:                "Il token di identità non è valido: riprova ad accedere.",
	MotivoNonce:                "La risposta del fornitore di identità non corrisponde alla richiesta di accesso (nonce non valido): riprova ad accedere.",
	MotivoCodiceFiscaleAssente: "Il fornitore di identità non ha comunicato il codice fiscale.",
}

// Errore is the error Completa returns (forte.Rifiuto): its Messaggio can be
// shown to the person as it is; Causa is for the logs, never for the page.
type Errore = forte.Rifiuto

func errore(m Motivo, causa error) *Errore {
	return &Errore{Motivo: m, Messaggio: messaggi[m], Causa: causa}
}
