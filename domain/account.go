package domain

import "abilita/cf"

// The validation of a new account, for the three ways one is made: a
// person registering, the first administrator, an administrator creating a
// member of staff.

// Valida checks the data of a new account u and records the errors by
// field: name and surname, the e-mail address, the codice fiscale of an
// account that gives one (well formed and matching the surname and name),
// and the role of staff, with the sede an operator needs (esisteSede tells
// whether a sede code exists; nil for accounts that are not staff).
func (u *Utente) Valida(e Errori, esisteSede func(string) bool) {
	for field, v := range map[string]string{"codice_fiscale": u.CodiceFiscale, "cognome": u.Cognome, "nome": u.Nome, "email": u.Email, "sede": u.Sede} {
		if msg := ControllaTesto(v); msg != "" {
			e.Add(field, msg)
		}
	}
	if u.Cognome == "" {
		e.Add("cognome", "Indica il cognome.")
	}
	if u.Nome == "" {
		e.Add("nome", "Indica il nome.")
	}
	if !EmailValida(u.Email) {
		e.Add("email", "L'indirizzo e-mail non è valido (esempio: nome@dominio.it).")
	}
	if u.Ruolo == RuoloRichiedente {
		u.validaCodiceFiscale(e)
	}
	if esisteSede == nil {
		return
	}
	switch u.Ruolo {
	case RuoloAmministratore:
		u.Sede = ""
	case RuoloOperatore:
		if u.Sede == "" {
			e.Add("sede", "Scegli la sede dell'operatore.")
		} else if !esisteSede(u.Sede) {
			e.Add("sede", "Sede non trovata.")
		}
	default:
		e.Add("ruolo", "Scegli il ruolo: operatore di sede o amministratore.")
	}
}

// validaCodiceFiscale checks the codice fiscale of a person registering
// against the surname and name it gives.
func (u *Utente) validaCodiceFiscale(e Errori) {
	codice, err := cf.Parse(u.CodiceFiscale)
	if err != nil {
		e.Add("codice_fiscale", err.Error())
		return
	}
	if u.Cognome != "" && cf.CodiceCognome(u.Cognome) != codice.String()[0:3] {
		e.Add("cognome", "Il cognome non corrisponde al codice fiscale.")
	}
	if u.Nome != "" && cf.CodiceNome(u.Nome) != codice.String()[3:6] {
		e.Add("nome", "Il nome non corrisponde al codice fiscale.")
	}
}

// ValidaNuovaPassword checks a password u chooses, at least minimo
// characters long, and its confirmation.
func (u *Utente) ValidaNuovaPassword(e Errori, password, conferma string, minimo int) {
	if err := u.ControllaPassword(password, minimo); err != nil {
		e.Add("password", MessaggioDi(err))
	} else if password != conferma {
		e.Add("conferma", "Le due password non coincidono.")
	}
}
