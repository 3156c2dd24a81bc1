package handlers

import (
	"slices"
	"strings"

	"abilita/sedi"
)

// Province lists offer each province by its name (its capoluogo, which
// names it), not by its sigla alone: "Pisa (PI)", in order of name.

// provincia is one choice of a province list.
type provincia struct{ Sigla, Etichetta string }

// nomiProvince names each province after its capoluogo, from the embedded
// default sedi, one in each.
var nomiProvince = func() map[string]string {
	elenco, err := sedi.Default()
	if err != nil {
		panic(err) // embedded data: a test catches it first
	}
	out := make(map[string]string, len(elenco))
	for _, s := range elenco {
		out[s.Provincia] = s.Citta
	}
	return out
}()

// elencoProvince turns sigle into the choices of a list, sorted by name.
func elencoProvince(sigle []string) []provincia {
	out := make([]provincia, len(sigle))
	for i, s := range sigle {
		out[i] = provincia{Sigla: s, Etichetta: s}
		if nome := nomiProvince[s]; nome != "" {
			out[i].Etichetta = nome + " (" + s + ")"
		}
	}
	slices.SortFunc(out, func(a, b provincia) int { return strings.Compare(a.Etichetta, b.Etichetta) })
	return out
}
