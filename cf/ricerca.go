package cf

import (
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"
)

// LuogoPerCodice returns the record of a Belfiore code (comune or foreign
// state) valid on the day il; a zero il means today.
func LuogoPerCodice(codice string, il time.Time) (Luogo, bool) {
	a := carica()
	giorno := giornoDi(il)
	for _, i := range a.perCodice[strings.ToUpper(strings.TrimSpace(codice))] {
		if validoTra(a.voci[i].Dal, a.voci[i].Al, giorno) {
			return a.voci[i].Luogo, true
		}
	}
	return Luogo{}, false
}

// storia returns every record of a code, oldest first.
func storia(codice string) []Luogo {
	a := carica()
	var out []Luogo
	for _, i := range a.perCodice[codice] {
		out = append(out, a.voci[i].Luogo)
	}
	return out
}

// Ranks of a match in CercaLuoghi, best first.
const (
	rangoEsatto = iota
	rangoInizio
	rangoParola
	rangoContiene
	nessunRango
)

// ricerca is a query in the forms rango compares: its chiave, the chiave
// without spaces and the chiave after a space, to find a word start.
type ricerca struct{ q, qc, qs string }

// rango tells how well a query matches a name, given as chiave k and
// compatta kc.
func (r ricerca) rango(k, kc string) int {
	switch {
	case k == "":
		return nessunRango
	case k == r.q || kc == r.qc:
		return rangoEsatto
	case strings.HasPrefix(k, r.q) || strings.HasPrefix(kc, r.qc):
		return rangoInizio
	case strings.Contains(k, r.qs):
		return rangoParola
	case strings.Contains(k, r.q) || strings.Contains(kc, r.qc):
		return rangoContiene
	}
	return nessunRango
}

// CercaLuoghi finds the comuni and foreign places valid on the day il (today
// if zero) whose name matches testo, ignoring case, accents and punctuation,
// for autocompletion; a foreign place also matches by its common names
// ("USA" finds Stati Uniti d'America). Exact matches come first, then names
// starting with testo, then names with a word starting with testo, then
// names containing it; ties are in alphabetical order. limit ≤ 0 means no
// limit.
func CercaLuoghi(testo string, il time.Time, limit int) []Luogo {
	q := chiave(testo)
	if q == "" {
		return nil
	}
	r := ricerca{q, compatta(q), " " + q}
	giorno := giornoDi(il)
	type trovato struct {
		v     *voce
		rango int
	}
	var tt []trovato
	a := carica()
	for i := range a.voci {
		v := &a.voci[i]
		if !validoTra(v.Dal, v.Al, giorno) {
			continue
		}
		rg := min(r.rango(v.chiave, v.compatta), r.rango(v.chiaveAltro, v.compattaAltro))
		for _, f := range v.alias {
			rg = min(rg, r.rango(f.chiave, f.compatta))
		}
		if rg != nessunRango {
			tt = append(tt, trovato{v, rg})
		}
	}
	sort.Slice(tt, func(i, j int) bool {
		x, y := tt[i], tt[j]
		if x.rango != y.rango {
			return x.rango < y.rango
		}
		return minore(x.v, y.v)
	})
	if limit > 0 && len(tt) > limit {
		tt = tt[:limit]
	}
	out := make([]Luogo, len(tt))
	for i, t := range tt {
		out[i] = t.v.Luogo
	}
	return out
}

// minore orders places by name, comuni before states, then by provincia.
func minore(a, b *voce) bool {
	if a.chiave != b.chiave {
		return a.chiave < b.chiave
	}
	if a.Estero != b.Estero {
		return !a.Estero
	}
	if a.Provincia != b.Provincia {
		return a.Provincia < b.Provincia
	}
	return a.Codice < b.Codice
}

// TrovaComune resolves a comune name typed by a person (any case, accents
// or apostrophes; "Milano (MI)" is read as name and provincia) to the comuni
// of that name valid on the day il, today if zero. provincia, if not empty,
// narrows the search. ok reports whether at least one comune was found; more
// than one means the name is ambiguous (CASTRO is in BG and in LE) and the
// caller should ask for the provincia.
//
// When no comune had the name on that day, the other names and provinces a
// comune had over time are tried, and its record valid on the day is
// returned: someone born in 1920 in ABANO may type "Abano Terme", someone
// born in 1980 in ABBADIA CERRETO (then MI) may give LO, today's provincia.
func TrovaComune(nome, provincia string, il time.Time) ([]Luogo, bool) {
	nome, provincia = separaProvincia(nome, provincia)
	q := compatta(chiave(nome))
	if q == "" {
		return nil, false
	}
	provincia = strings.ToUpper(strings.TrimSpace(provincia))
	giorno := giornoDi(il)
	a := carica()
	var diNome []*voce // records with the name and provincia, on any date
	var out []Luogo
	for _, i := range a.perNome[q] {
		v := &a.voci[i]
		if v.Estero || (provincia != "" && v.Provincia != provincia) {
			continue
		}
		diNome = append(diNome, v)
		if validoTra(v.Dal, v.Al, giorno) {
			out = append(out, v.Luogo)
		}
	}
	if len(out) == 0 {
		visti := map[string]bool{}
		for _, v := range diNome {
			if visti[v.Codice] {
				continue
			}
			visti[v.Codice] = true
			if l, ok := LuogoPerCodice(v.Codice, giorno); ok {
				out = append(out, l)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Provincia != out[j].Provincia {
			return out[i].Provincia < out[j].Provincia
		}
		return out[i].Codice < out[j].Codice
	})
	return out, len(out) > 0
}

// separaProvincia reads "Milano (MI)" as the name Milano in provincia MI,
// when no provincia was given: the form autocompletion shows names that way.
func separaProvincia(nome, provincia string) (string, string) {
	nome = strings.TrimSpace(nome)
	i := strings.LastIndexByte(nome, '(')
	if i < 0 || !strings.HasSuffix(nome, ")") {
		return nome, provincia
	}
	sigla := strings.TrimSpace(nome[i+1 : len(nome)-1])
	if len(sigla) != 2 {
		return nome, provincia
	}
	if strings.TrimSpace(provincia) == "" {
		provincia = sigla
	}
	return strings.TrimSpace(nome[:i]), provincia
}

// TrovaStato resolves the name of a foreign state or territory typed by a
// person (any case, accents or apostrophes: "Perù", "stati uniti d'america"),
// official or common ("Stati Uniti", "USA", "Olanda", "URSS"), to the place
// valid on the day il, today if zero.
func TrovaStato(nome string, il time.Time) (Luogo, bool) {
	nome, _ = separaProvincia(nome, "")
	q := compatta(chiave(nome))
	if q == "" {
		return Luogo{}, false
	}
	giorno := giornoDi(il)
	a := carica()
	// Foreign places have no other name: their entries under q are by
	// official name or by alias.
	for _, i := range a.perNome[q] {
		v := &a.voci[i]
		if v.Estero && validoTra(v.Dal, v.Al, giorno) {
			return v.Luogo, true
		}
	}
	return Luogo{}, false
}

// Province returns, sorted, the sigle of the provinces (and metropolitan
// cities) with at least one comune today. The list is computed once a day:
// the request form asks for it on every step.
func Province() []string {
	giorno := giornoDi(time.Time{})
	if p := provinceDiOggi.Load(); p != nil && p.giorno.Equal(giorno) {
		return slices.Clone(p.sigle)
	}
	viste := map[string]bool{}
	var out []string
	a := carica()
	for i := range a.voci {
		v := &a.voci[i]
		if !v.Estero && !viste[v.Provincia] && validoTra(v.Dal, v.Al, giorno) {
			viste[v.Provincia] = true
			out = append(out, v.Provincia)
		}
	}
	sort.Strings(out)
	provinceDiOggi.Store(&province{giorno: giorno, sigle: out})
	return slices.Clone(out)
}

// province is the list Province computed on giorno.
type province struct {
	giorno time.Time
	sigle  []string
}

var provinceDiOggi atomic.Pointer[province]

// ComuniDellaProvincia returns the comuni of a provincia on the day il
// (today if zero), sorted by name.
func ComuniDellaProvincia(sigla string, il time.Time) []Luogo {
	sigla = strings.ToUpper(strings.TrimSpace(sigla))
	giorno := giornoDi(il)
	a := carica()
	var vv []*voce
	for i := range a.voci {
		v := &a.voci[i]
		if !v.Estero && v.Provincia == sigla && validoTra(v.Dal, v.Al, giorno) {
			vv = append(vv, v)
		}
	}
	sort.Slice(vv, func(i, j int) bool { return minore(vv[i], vv[j]) })
	out := make([]Luogo, len(vv))
	for i, v := range vv {
		out[i] = v.Luogo
	}
	return out
}
