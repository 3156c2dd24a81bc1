package handlers

import "abilita/statistiche"

// Geometry of the horizontal bar charts, in SVG user units. The template
// "statistiche_grafico" draws them; here only the numbers are computed.
const (
	graficoEtichette = 270 // width of the label column
	graficoBarre     = 360 // length of the longest bar
	graficoRiga      = 34  // height of one row
	graficoBarra     = 22  // thickness of a bar
)

// grafico is one bar chart and the table with the same numbers.
type grafico struct {
	ID           string // prefix of the element ids
	Titolo       string // heading, SVG title and table caption
	Intestazione string // header of the label column
	Barre        []barra
	Totale       int
	Larghezza    int
	Altezza      int
	XEtichette   int // right edge of the labels
	XBarre       int // where bars start
}

// barra is one bar: its value and where it is drawn.
type barra struct {
	statistiche.Voce
	Y, YTesto, Lunghezza, XValore int
	Percentuale                   string
}

func nuovoGrafico(id, titolo, intestazione string, voci []statistiche.Voce) grafico {
	g := grafico{ID: id, Titolo: titolo, Intestazione: intestazione, XEtichette: graficoEtichette - 10, XBarre: graficoEtichette,
		Larghezza: graficoEtichette + graficoBarre + 60, Altezza: len(voci)*graficoRiga + 8}
	massimo := 0
	for _, v := range voci {
		massimo = max(massimo, v.Valore)
		g.Totale += v.Valore
	}
	for i, v := range voci {
		b := barra{Voce: v, Y: 4 + i*graficoRiga, Percentuale: "0"}
		b.YTesto = b.Y + graficoBarra/2 + 5
		if massimo > 0 {
			b.Lunghezza = v.Valore * graficoBarre / massimo
		}
		if g.Totale > 0 {
			b.Percentuale = decimale(float64(v.Valore) * 100 / float64(g.Totale))
		}
		b.XValore = graficoEtichette + b.Lunghezza + 8
		g.Barre = append(g.Barre, b)
	}
	return g
}

// graficiDi are the charts of the page, in the order shown.
func graficiDi(r statistiche.Risultato) []grafico {
	out := []grafico{
		nuovoGrafico("grafico-stato", "Richieste per stato", "Stato", r.PerStato),
		nuovoGrafico("grafico-percorso", "Richieste per percorso", "Percorso", r.PerPercorso),
		nuovoGrafico("grafico-profilo", "Richieste per profilo", "Profilo", r.PerProfilo),
	}
	if len(r.PerSede) > 0 {
		out = append(out, nuovoGrafico("grafico-sede", "Richieste per sede", "Sede", r.PerSede))
	}
	return out
}
