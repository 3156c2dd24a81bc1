package attach

import (
	"fmt"
	"strconv"
	"strings"
)

// Rifiuto is an upload refused because of the file itself. Messaggio, in
// Italian, is meant for the user; anything else Salva returns is an
// internal error.
type Rifiuto struct {
	Messaggio string
}

func (r *Rifiuto) Error() string { return r.Messaggio }

func rifiutoNonAmmesso(nome string) *Rifiuto {
	return &Rifiuto{fmt.Sprintf("Il file «%s» non è ammesso: sono accettati solo PDF, JPEG e PNG.", nome)}
}

func rifiutoVuoto(nome string) *Rifiuto {
	return &Rifiuto{fmt.Sprintf("Il file «%s» è vuoto.", nome)}
}

func rifiutoTroppoGrande(max int64) *Rifiuto {
	return &Rifiuto{fmt.Sprintf("Il file supera la dimensione massima di %s.", dimensione(max))}
}

func rifiutoImmagineGrande(lim Limiti) *Rifiuto {
	mp := strconv.FormatFloat(float64(lim.MaxPixel)/1e6, 'f', -1, 64)
	return &Rifiuto{fmt.Sprintf("L'immagine è troppo grande: sono ammessi al massimo %d pixel per lato e %s megapixel in tutto.",
		lim.MaxLato, strings.Replace(mp, ".", ",", 1))}
}

var (
	rifiutoEstensione      = &Rifiuto{"L'estensione del file non corrisponde al suo contenuto."}
	rifiutoTipoDichiarato  = &Rifiuto{"Il tipo del file indicato dal browser non corrisponde al suo contenuto."}
	rifiutoImmagineRotta   = &Rifiuto{"L'immagine è danneggiata o non può essere letta."}
	rifiutoTroppeScansioni = &Rifiuto{"L'immagine JPEG è composta da troppe scansioni: salvala di nuovo come JPEG normale o come PNG."}
	rifiutoCodaEstranea    = &Rifiuto{"L'immagine contiene altri dati dopo la fine dell'immagine: salvala di nuovo come JPEG o PNG, o fotografa di nuovo il documento."}
)
