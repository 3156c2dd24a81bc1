package domain

import "strings"

// ImpostazioniPrivacy are what the privacy notice (art. 13 GDPR) says that
// only the installation knows: who the controller and the data protection
// officer (DPO) are, how to reach them, and a note of the administrator.
// An empty field is not set yet: the notice says so instead of guessing.
type ImpostazioniPrivacy struct {
	TitolareNome      string `json:"titolare_nome,omitempty"`
	TitolareIndirizzo string `json:"titolare_indirizzo,omitempty"`
	TitolareEmail     string `json:"titolare_email,omitempty"`
	TitolarePEC       string `json:"titolare_pec,omitempty"`
	DPONome           string `json:"dpo_nome,omitempty"` // a person or an office
	DPOEmail          string `json:"dpo_email,omitempty"`
	DPOPEC            string `json:"dpo_pec,omitempty"`
	Note              string `json:"note,omitempty"` // several lines, shown at the end of the notice
}

// campoPrivacy is one field of the settings: its form name, its Italian
// name in the audit log and what it holds. An address field has the message
// that refuses a malformed address; a long field holds several lines.
type campoPrivacy struct {
	nome, etichetta string
	valore          *string
	errIndirizzo    string
	lungo           bool
}

const (
	errEmailPrivacy = "L'indirizzo e-mail non è valido: scrivilo nella forma nome@dominio.it."
	errPECPrivacy   = "L'indirizzo PEC non è valido: scrivilo nella forma nome@dominio.it."
)

func (p *ImpostazioniPrivacy) campi() []campoPrivacy {
	return []campoPrivacy{
		{nome: "titolare_nome", etichetta: "denominazione del titolare", valore: &p.TitolareNome},
		{nome: "titolare_indirizzo", etichetta: "indirizzo del titolare", valore: &p.TitolareIndirizzo},
		{nome: "titolare_email", etichetta: "e-mail del titolare", valore: &p.TitolareEmail, errIndirizzo: errEmailPrivacy},
		{nome: "titolare_pec", etichetta: "PEC del titolare", valore: &p.TitolarePEC, errIndirizzo: errPECPrivacy},
		{nome: "dpo_nome", etichetta: "nome o ufficio del responsabile della protezione dei dati", valore: &p.DPONome},
		{nome: "dpo_email", etichetta: "e-mail del responsabile della protezione dei dati", valore: &p.DPOEmail, errIndirizzo: errEmailPrivacy},
		{nome: "dpo_pec", etichetta: "PEC del responsabile della protezione dei dati", valore: &p.DPOPEC, errIndirizzo: errPECPrivacy},
		{nome: "note", etichetta: "note", valore: &p.Note, lungo: true},
	}
}

// Campi maps each form field name to the setting it fills.
func (p *ImpostazioniPrivacy) Campi() map[string]*string {
	m := map[string]*string{}
	for _, c := range p.campi() {
		m[c.nome] = c.valore
	}
	return m
}

// Normalizza trims every field and writes the addresses in the form in
// which they are compared.
func (p *ImpostazioniPrivacy) Normalizza() {
	for _, c := range p.campi() {
		if c.errIndirizzo != "" {
			*c.valore = NormalizzaEmail(*c.valore)
		} else {
			*c.valore = strings.TrimSpace(*c.valore)
		}
	}
}

// Valida records in e, by form field, what is wrong with p: markup,
// control characters, overlong text, addresses that are not addresses.
// Every field may be empty.
func (p *ImpostazioniPrivacy) Valida(e Errori) {
	for _, c := range p.campi() {
		controlla := ControllaTesto
		if c.lungo {
			controlla = ControllaTestoLungo
		}
		v := *c.valore
		if msg := controlla(v); msg != "" {
			e.Add(c.nome, msg)
		} else if c.errIndirizzo != "" && v != "" && !EmailValida(v) {
			e.Add(c.nome, c.errIndirizzo)
		}
	}
}

// Cambiati names, in Italian and in the order of the form, the fields in
// which q differs from p.
func (p ImpostazioniPrivacy) Cambiati(q ImpostazioniPrivacy) []string {
	var out []string
	prima, dopo := p.campi(), q.campi()
	for i := range prima {
		if *prima[i].valore != *dopo[i].valore {
			out = append(out, prima[i].etichetta)
		}
	}
	return out
}

// ContattiTitolare reports whether the notice can give a contact of the
// controller.
func (p ImpostazioniPrivacy) ContattiTitolare() bool {
	return p.TitolareIndirizzo != "" || p.TitolareEmail != "" || p.TitolarePEC != ""
}

// ContattiDPO reports whether the notice can give a contact of the data
// protection officer.
func (p ImpostazioniPrivacy) ContattiDPO() bool { return p.DPOEmail != "" || p.DPOPEC != "" }
