package handlers

import (
	"regexp"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"abilita/cf"
	"abilita/domain"
	"abilita/sedi"
	"abilita/views"
)

type sedeVM struct {
	views.Base
	Sede   sedi.Sede // as stored: code and province are not editable
	Modulo moduloSede
	Errori domain.Errori
}

// moduloSede is the sede form as typed.
type moduloSede struct {
	Nome, Indirizzo, CAP, Citta, Orari, Telefono, Email, PEC, Province string
}

func moduloDi(s sedi.Sede) moduloSede {
	return moduloSede{Nome: s.Nome, Indirizzo: s.Indirizzo, CAP: s.CAP, Citta: s.Citta, Orari: s.Orari,
		Telefono: s.Telefono, Email: s.Email, PEC: s.PEC, Province: strings.Join(s.ProvinceServite, ", ")}
}

// sedeForm shows the data of one sede for editing.
func (h *Handlers) sedeForm(c *fiber.Ctx) error {
	sd, err := h.Store.Sede(c.Params("codice"))
	if err != nil {
		return err
	}
	vm := sedeVM{Base: h.personale(c, sd.Nome), Sede: sd, Modulo: moduloDi(sd), Errori: domain.Errori{}}
	return h.render(c, fiber.StatusOK, views.PaginaSede, vm)
}

// salvaSede stores the edited data of a sede. A province is served by one
// sede only: giving it to a second one is refused, naming the first.
func (h *Handlers) salvaSede(c *fiber.Ctx) error {
	old, err := h.Store.Sede(c.Params("codice"))
	if err != nil {
		return err
	}
	m := moduloSede{}
	for field, dst := range m.campi() {
		*dst = strings.TrimSpace(c.FormValue(field))
	}
	vm := sedeVM{Base: h.personale(c, old.Nome), Sede: old, Modulo: m, Errori: domain.Errori{}}
	elenco := h.Store.Sedi()
	nuova := vm.Modulo.valida(vm.Errori, old, elenco)
	if len(vm.Errori) > 0 {
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaSede, vm)
	}
	cambiati := campiCambiati(old, nuova)
	if len(cambiati) == 0 {
		return h.avviso(c, "/amministrazione", "Nessuna modifica ai dati della "+old.Nome+".")
	}
	if err := h.Store.SalvaSede(h.atto(c), nuova, "Modificati i dati della "+nuova.Nome+" ("+nuova.Codice+"): "+strings.Join(cambiati, ", ")); err != nil {
		return err
	}
	msg := "Dati della " + nuova.Nome + " salvati."
	if orfane := senzaSede(elenco, old, nuova); len(orfane) > 0 {
		msg += " Attenzione: nessuna sede serve ora " + strings.Join(orfane, ", ") + ". Assegnale a un'altra sede, altrimenti le richieste di chi vi risiede non possono essere inviate."
	}
	return h.avviso(c, "/amministrazione", msg)
}

// campi maps each form field to where it goes.
func (m *moduloSede) campi() map[string]*string {
	return map[string]*string{
		"nome": &m.Nome, "indirizzo": &m.Indirizzo, "cap": &m.CAP, "citta": &m.Citta, "orari": &m.Orari,
		"telefono": &m.Telefono, "email": &m.Email, "pec": &m.PEC, "province": &m.Province,
	}
}

var (
	reCAPSede      = regexp.MustCompile(`^[0-9]{5}$`)
	reTelefonoSede = regexp.MustCompile(`^\+?[0-9 ]{6,20}$`)
	reSepProvince  = regexp.MustCompile(`[\s,;]+`)
)

// valida checks the form and returns the sede to store.
func (m *moduloSede) valida(e domain.Errori, old sedi.Sede, elenco []sedi.Sede) sedi.Sede {
	for field, v := range m.campi() {
		if msg := domain.ControllaTesto(*v); msg != "" {
			e.Add(field, msg)
		}
	}
	m.Email, m.PEC = domain.NormalizzaEmail(m.Email), domain.NormalizzaEmail(m.PEC)
	switch {
	case m.Nome == "":
		e.Add("nome", "Indica il nome della sede.")
	case m.Citta == "":
		e.Add("citta", "Indica la città.")
	}
	if m.CAP != "" && !reCAPSede.MatchString(m.CAP) {
		e.Add("cap", "Il CAP è formato da 5 cifre.")
	}
	if m.Telefono != "" && !reTelefonoSede.MatchString(m.Telefono) {
		e.Add("telefono", "Il numero di telefono può contenere solo cifre, spazi e il prefisso +.")
	}
	if m.Email != "" && !domain.EmailValida(m.Email) {
		e.Add("email", "L'indirizzo e-mail non è valido (esempio: pisa@inail.it).")
	}
	if m.PEC != "" && !domain.EmailValida(m.PEC) {
		e.Add("pec", "L'indirizzo PEC non è valido (esempio: pisa@postacert.inail.it).")
	}
	province := leggiProvince(e, m.Province, old, elenco)
	m.Province = strings.Join(province, ", ")
	return sedi.Sede{Codice: old.Codice, Provincia: old.Provincia, Nome: m.Nome, Citta: m.Citta, Indirizzo: m.Indirizzo,
		CAP: m.CAP, Telefono: m.Telefono, Email: m.Email, PEC: m.PEC, Orari: m.Orari, ProvinceServite: province}
}

// leggiProvince reads the comma-separated sigle: each a real province,
// none served by another sede. None at all is allowed: it is how a province
// moves from one sede to another, in two steps.
func leggiProvince(e domain.Errori, testo string, old sedi.Sede, elenco []sedi.Sede) []string {
	var out []string
	for _, p := range reSepProvince.Split(strings.ToUpper(testo), -1) {
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	valide := cf.Province()
	for _, p := range out {
		if _, ok := slices.BinarySearch(valide, p); !ok {
			e.Add("province", "«"+p+"» non è la sigla di una provincia italiana.")
			return out
		}
	}
	for _, p := range out {
		for _, altra := range elenco {
			if altra.Codice != old.Codice && slices.Contains(altra.ProvinceServite, p) {
				e.Add("province", "La provincia "+p+" è già servita dalla "+altra.Nome+" ("+altra.Codice+"): toglila prima da quella sede.")
				return out
			}
		}
	}
	return out
}

// campiCambiati names, in Italian, the fields that differ.
func campiCambiati(a, b sedi.Sede) []string {
	var out []string
	add := func(nome string, diverso bool) {
		if diverso {
			out = append(out, nome)
		}
	}
	add("nome", a.Nome != b.Nome)
	add("indirizzo", a.Indirizzo != b.Indirizzo)
	add("CAP", a.CAP != b.CAP)
	add("città", a.Citta != b.Citta)
	add("orari", a.Orari != b.Orari)
	add("telefono", a.Telefono != b.Telefono)
	add("e-mail", a.Email != b.Email)
	add("PEC", a.PEC != b.PEC)
	if !slices.Equal(a.ProvinceServite, b.ProvinceServite) {
		out = append(out, "province servite ("+strings.Join(b.ProvinceServite, ", ")+")")
	}
	return out
}

// senzaSede lists the provinces the old sede served and, after the change,
// no sede serves.
func senzaSede(elenco []sedi.Sede, old, nuova sedi.Sede) []string {
	var out []string
	for _, p := range old.ProvinceServite {
		if slices.Contains(nuova.ProvinceServite, p) {
			continue
		}
		servita := false
		for _, altra := range elenco {
			servita = servita || (altra.Codice != old.Codice && slices.Contains(altra.ProvinceServite, p))
		}
		if !servita {
			out = append(out, p)
		}
	}
	return out
}
