package domain

import "time"

// A request of path B is a ticket of the help desk (DESIGN.md §1): the
// applicant and the sede exchange messages on it, each with an optional
// file, whatever the state of the request, until it is decided.

// Comunicazione is one message of the conversation on a request.
type Comunicazione struct {
	Quando    time.Time `json:"quando"`
	Chi       uint64    `json:"chi"`
	DallaSede bool      `json:"dalla_sede"` // written by an operator
	Testo     string    `json:"testo"`
	Allegato  *Allegato `json:"allegato,omitempty"`
}

// ValidaComunicazione checks a message before it is written.
func ValidaComunicazione(testo string) Errori {
	e := Errori{}
	switch msg := ControllaTestoLungo(testo); {
	case msg != "":
		e.Add("testo", msg)
	case testo == "":
		e.Add("testo", "Scrivi il messaggio.")
	}
	return e
}

// Conversazione reports whether the request is a ticket whose conversation
// is open: of path B, submitted, not decided.
func (r *Richiesta) Conversazione() bool {
	return r.Percorso == PercorsoInailRisponde && r.Stato.Aperta()
}
