package cf

import "time"

// Luogo is a place of birth or residence: an Italian comune or a foreign
// state or territory, in one period of its history. A Belfiore code can have several
// records over time (A001 is ABANO until 1924, then ABANO TERME).
type Luogo struct {
	Codice    string // Belfiore code: "F205", or "Z110" for a foreign state
	Nome      string // official upper-case name, ANPR's where ANPR has the place: "MILANO"
	AltroNome string // name in the other official language, if any: "BOZEN"
	Provincia string // sigla on the date, "MI"; "EE" for a foreign place
	Estero    bool
	Dal, Al   time.Time // validity, both days included; Al is zero while still valid
}

// provinciaEstero is the sigla used for foreign states, as in ANPR.
const provinciaEstero = "EE"

// ValidoIl reports whether the place existed, with this name and provincia,
// on the calendar day of d.
func (l Luogo) ValidoIl(d time.Time) bool {
	return validoTra(l.Dal, l.Al, giornoDi(d))
}

// validoTra is ValidoIl for a day already made by giornoDi; it takes the
// dates alone because lookups call it for every record.
func validoTra(dal, al, giorno time.Time) bool {
	return !giorno.Before(dal) && (al.IsZero() || !giorno.After(al))
}

// Display returns the name as written in running text: "Milano",
// "Reggio nell'Emilia", "Stati Uniti d'America", "Perù".
func (l Luogo) Display() string {
	return titolo(l.Nome, l.Estero)
}

// Etichetta returns the name with its provincia, "Castro (BG)", or the bare
// name of a foreign state: what to show in a list where names repeat.
func (l Luogo) Etichetta() string {
	if l.Estero {
		return l.Display()
	}
	return l.Display() + " (" + l.Provincia + ")"
}
