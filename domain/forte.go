package domain

import (
	"strings"
	"time"
)

// Strong sign-in (DESIGN.md §1, path B): a CNS card, or SPID and CIE reached
// through an OpenID Connect gateway, proves who the person is. The account
// it finds or creates holds a codice fiscale verified by that method.

// The strong ways of logging in.
const (
	MetodoCNS  MetodoAccesso = "cns"  // Carta nazionale dei servizi (TLS client certificate)
	MetodoOIDC MetodoAccesso = "oidc" // SPID or CIE through an OpenID Connect provider
)

// Forte reports whether the method proves the identity by itself.
func (m MetodoAccesso) Forte() bool { return m == MetodoCNS || m == MetodoOIDC }

// IdentitaForte is an identity proven by a strong credential.
type IdentitaForte struct {
	Metodo        MetodoAccesso `json:"metodo"`
	Fornitore     string        `json:"fornitore"`          // "SPID", "CIE" (the provider's label), or the card's issuer
	Livello       string        `json:"livello,omitempty"`  // the acr of SPID/CIE, as the provider sent it
	Descrizione   string        `json:"descrizione"`        // "SPID livello 2", "Carta nazionale dei servizi": what people read
	Soggetto      string        `json:"soggetto,omitempty"` // the provider's issuer and subject, or the card's serial
	CodiceFiscale string        `json:"codice_fiscale"`
	Nome          string        `json:"nome,omitempty"`
	Cognome       string        `json:"cognome,omitempty"`
	Email         string        `json:"email,omitempty"` // as the provider gave it: not verified by Abilita
	Quando        time.Time     `json:"quando"`
}

// Etichetta says how the identity was verified, for operators and the holder.
func (i IdentitaForte) Etichetta() string {
	if i.Descrizione != "" {
		return i.Descrizione
	}
	switch i.Metodo {
	case MetodoCNS:
		return "Carta nazionale dei servizi"
	case MetodoOIDC:
		return strings.TrimSpace(i.Fornitore)
	}
	return string(i.Metodo)
}

// ControllaIdentitaForte checks what a strong sign-in carries before it
// finds or creates an account: a well-formed codice fiscale and a method.
func ControllaIdentitaForte(i IdentitaForte) error {
	if !i.Metodo.Forte() {
		return Conflitto("Metodo di accesso non riconosciuto.")
	}
	if len(NormalizzaCodiceFiscale(i.CodiceFiscale)) != 16 {
		return Conflitto("La credenziale non contiene un codice fiscale valido.")
	}
	for _, s := range []string{i.Nome, i.Cognome, i.Fornitore, i.Livello, i.Descrizione} {
		if msg := ControllaTesto(s); msg != "" {
			return Conflitto("La credenziale contiene dati non validi: " + msg)
		}
	}
	return nil
}

// PercorsoDi is the path of the requests u files: B for an account whose
// identity a strong credential verified, or that holds Inail dispositive
// credentials (an operator verified it and it logs in with its
// authenticator); C otherwise.
func PercorsoDi(u *Utente) Percorso {
	if u.Forte != nil || u.Dispositive() {
		return PercorsoInailRisponde
	}
	return PercorsoOnline
}

// Dispositive reports whether u holds activated dispositive credentials:
// an identity verified by an operator, a password and an authenticator.
func (u *Utente) Dispositive() bool {
	return u.Ruolo == RuoloRichiedente && u.TOTP != nil && u.IdentitaVerificata()
}

// FissaIdentita writes into a request of path B the identity already
// verified: codice fiscale, surname and name are not the applicant's to
// type.
func (r *Richiesta) FissaIdentita(u *Utente) {
	if r.Percorso != PercorsoInailRisponde || !u.IdentitaVerificata() {
		return
	}
	r.Anagrafica.CodiceFiscale = u.CodiceFiscale
	switch {
	case u.Forte != nil && u.Forte.Cognome != "" && u.Forte.Nome != "":
		r.Anagrafica.Cognome, r.Anagrafica.Nome = u.Forte.Cognome, u.Forte.Nome
	case u.Cognome != "" && u.Nome != "":
		r.Anagrafica.Cognome, r.Anagrafica.Nome = u.Cognome, u.Nome
	}
}

// VerificataCon says how the identity of u was verified, for the operator
// and the holder: by the strong credential, or by the sede that issued the
// dispositive credentials.
func (u *Utente) VerificataCon() string {
	switch {
	case u.Forte != nil:
		return u.Forte.Etichetta()
	case u.Dispositive() && u.soloDaStruttura():
		return "le credenziali dispositive Inail (identità verificata dal referente della struttura)"
	case u.Dispositive():
		return "le credenziali dispositive Inail (identità verificata dalla sede)"
	}
	return ""
}

// soloDaStruttura reports whether every enablement of u was given by the
// referente of a hospital structure.
func (u *Utente) soloDaStruttura() bool {
	for _, a := range u.Abilitazioni {
		if a.Profilo != ProfiloMedicoOspedaliero {
			return false
		}
	}
	return len(u.Abilitazioni) > 0
}
