package oidc

import (
	"cmp"
	"fmt"
)

// attributi are the claims Abilita reads, from the ID token or UserInfo.
type attributi struct {
	codiceFiscale string
	nome          string
	cognome       string
	email         string
	acr           string
}

// leggiAttributi decodes the claims through claims (IDToken.Claims or
// UserInfo.Claims). A fiscal number that is not a string is kept in its
// printed form, for cf.Parse to refuse.
func leggiAttributi(claims func(any) error, claimCodiceFiscale string) (attributi, error) {
	var standard struct {
		GivenName  string `json:"given_name"`
		FamilyName string `json:"family_name"`
		Email      string `json:"email"`
		Acr        string `json:"acr"`
	}
	var tutti map[string]any
	if err := claims(&standard); err != nil {
		return attributi{}, errore(MotivoToken, err)
	}
	if err := claims(&tutti); err != nil {
		return attributi{}, errore(MotivoToken, err)
	}
	a := attributi{
		nome:    standard.GivenName,
		cognome: standard.FamilyName,
		email:   standard.Email,
		acr:     standard.Acr,
	}
	switch v := tutti[claimCodiceFiscale].(type) {
	case nil:
	case string:
		a.codiceFiscale = v
	default:
		a.codiceFiscale = fmt.Sprint(v)
	}
	return a, nil
}

// mancaQualcosa tells whether UserInfo is worth asking: the ID token lacks
// the codice fiscale or a name.
func (a attributi) mancaQualcosa() bool {
	return a.codiceFiscale == "" || a.nome == "" || a.cognome == ""
}

// completaCon fills the fields a lacks from UserInfo. The acr is not taken:
// it describes the authentication, and only the signed ID token says it.
func (a *attributi) completaCon(ui attributi) {
	a.codiceFiscale = cmp.Or(a.codiceFiscale, ui.codiceFiscale)
	a.nome = cmp.Or(a.nome, ui.nome)
	a.cognome = cmp.Or(a.cognome, ui.cognome)
	a.email = cmp.Or(a.email, ui.email)
}
