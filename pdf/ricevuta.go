package pdf

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"time"

	"abilita/domain"
)

// What happens next, for a request filed online and for one registered at
// the counter, whose applicant has no account to follow it with.
const (
	prossimiPassi          = "La sede verificherà i dati dichiarati con il documento di riconoscimento. Riceverai l'esito per e-mail (e PEC, se indicata). Puoi seguire la richiesta nella sezione «Le mie richieste»."
	prossimiPassiSportello = "La sede verificherà i dati dichiarati con il documento di riconoscimento. Riceverai l'esito per e-mail (e PEC, se indicata). Per informazioni sulla richiesta rivolgiti alla sede indicando il numero di protocollo."
)

// Ricevuta renders the receipt the applicant gets after submission: protocol,
// time of submission, who asked for what, the competent sede, the attachments
// received and what happens next.
func Ricevuta(r *domain.Richiesta, s Sede, generato time.Time) ([]byte, error) {
	if r == nil {
		return nil, errors.New("pdf: richiesta mancante")
	}
	etichetta, rif := riferimento(r)
	invio := "—"
	if !r.Inviata.IsZero() {
		invio = r.Inviata.In(roma).Format("02/01/2006, ore 15:04")
	}
	return genera(impostazioni{
		titolo:      "Ricevuta di invio – " + rif,
		oggetto:     titoloModulo,
		testata:     "Inail – Ricevuta di invio della richiesta di abilitazione",
		riferimento: unisci(rif, r.Anagrafica.CodiceFiscale),
		nota:        "Ricevuta generata il " + generato.In(roma).Format("02/01/2006 alle 15:04") + ". Conservarla per ogni comunicazione con la sede.",
		generato:    generato,
		disegnaCorpo: func(d *documento) {
			d.intestazione(nil, "Ricevuta di invio", titoloModulo)
			d.protocollo(etichetta, rif, "Data e ora di invio", invio)
			ricevutaRichiesta(d, r)
			ricevutaSede(d, r, s)
			ricevutaAllegati(d, r)
			d.sezione("Prossimi passi")
			if r.Percorso == domain.PercorsoSportello {
				d.paragrafo(prossimiPassiSportello, "", 10, nero)
			} else {
				d.paragrafo(prossimiPassi, "", 10, nero)
			}
		},
	})
}

func ricevutaRichiesta(d *documento, r *domain.Richiesta) {
	d.sezione("Richiedente")
	d.riga(casella("Cognome e nome", r.NomeCompleto(), 2), casella("Codice fiscale", r.Anagrafica.CodiceFiscale, 1))
	d.sezione("Richiesta")
	d.riga(casella("Profilo richiesto", r.Profilo.Etichetta(), 1.3), casella("Tipo di richiesta", r.Tipo.Etichetta(), 1.3),
		casella("Stato attuale", r.Stato.Etichetta(), 0.9))
	urgente := "No"
	if r.Urgente {
		urgente = "Sì"
		if r.MotivoUrgenza != "" {
			urgente += " – " + r.MotivoUrgenza
		}
	}
	d.riga(casella("Canale di presentazione", r.Percorso.Etichetta(), 1.3), casella("Richiesta urgente", urgente, 2.2))
}

func ricevutaSede(d *documento, r *domain.Richiesta, s Sede) {
	d.sezione("Sede Inail competente")
	// Only what the sede's data hold: an empty box tells the reader nothing.
	campi := []campo{casella("Sede", sedeNome(r, s), 1.3)}
	for _, c := range []campo{casella("Indirizzo", s.Indirizzo, 2.2), casella("E-mail", s.Email, 1.3), casella("PEC", s.PEC, 2.2)} {
		if strings.TrimSpace(c.valore) != "" {
			campi = append(campi, c)
		}
	}
	for len(campi) > 0 {
		n := min(2, len(campi))
		d.riga(campi[:n]...)
		campi = campi[n:]
	}
	if s.Indirizzo == "" && s.Email == "" && s.PEC == "" {
		d.paragrafo("Per informazioni: contact center Inail "+ContactCenter+".", "", 9, nero)
	}
}

func ricevutaAllegati(d *documento, r *domain.Richiesta) {
	d.sezione("Allegati ricevuti")
	if len(r.Allegati) == 0 {
		d.paragrafo("Nessun allegato ricevuto.", "", 10, nero)
		return
	}
	var righe [][]string
	for _, t := range ordineAllegati(r.Allegati) {
		a := r.Allegati[t]
		impronta := a.SHA256
		if len(impronta) > 16 {
			impronta = impronta[:16]
		}
		righe = append(righe, []string{t.Etichetta(), a.NomeOriginale, kb(a.Byte), impronta})
	}
	d.tabella([]string{"Allegato", "Nome del file", "Dimensione", "Impronta SHA-256"}, []float64{1.6, 1.6, 0.6, 1.1}, righe)
	d.paragrafo("L'impronta SHA-256 (prime 16 cifre esadecimali) identifica il file ricevuto: la sede esamina esattamente questi file.", "I", 8, grigio)
}

// ordineAllegati lists the attachments in the order the form asks for them,
// then any other kind alphabetically, so the output never depends on map order.
func ordineAllegati(m map[domain.TipoAllegato]domain.Allegato) []domain.TipoAllegato {
	var out []domain.TipoAllegato
	for _, t := range domain.TipiAllegato {
		if _, ok := m[t]; ok {
			out = append(out, t)
		}
	}
	for _, t := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(domain.TipiAllegato, t) {
			out = append(out, t)
		}
	}
	return out
}

// protocollo draws the highlighted band with the protocol number and the time of submission.
func (d *documento) protocollo(etichetta, numero, etichettaData, data string) {
	d.fascia(21, 0.58, etichetta, func(x, y, w float64) {
		d.font("B", 22, blu)
		d.scrivi(x, y+7.5, w, 10, []string{d.accorcia(d.tr(numero), w-2)}, "L")
	}, etichettaData, data)
}

// fascia draws a highlighted band h high: on the left, up to quota of the
// width, a label over the value that valore draws at (x, y) in width w; on
// the right, past a divider, a second label over a shorter text.
func (d *documento) fascia(h, quota float64, etichetta string, valore func(x, y, w float64), etichettaDestra, destra string) {
	d.f.Ln(2)
	d.spazio(h)
	x, y := margine, d.f.GetY()
	sinistra := larghezza * quota
	d.f.SetFillColor(azzurro.r, azzurro.g, azzurro.b)
	d.f.Rect(x, y, larghezza, h, "F")
	d.f.SetFillColor(blu.r, blu.g, blu.b)
	d.f.Rect(x, y, 1.6, h, "F")
	d.linea(x+sinistra, y+3, x+sinistra, y+h-3, bordo, 0.2)

	d.font("", 8, grigio)
	d.scrivi(x+4, y+2.5, sinistra-6, 4, []string{d.tr(etichetta)}, "L")
	valore(x+4, y, sinistra-6)

	d.font("", 8, grigio)
	d.scrivi(x+sinistra+3, y+2.5, larghezza-sinistra-6, 4, []string{d.tr(etichettaDestra)}, "L")
	d.font("B", 12, nero)
	d.scrivi(x+sinistra+3, y+9, larghezza-sinistra-6, 6, d.righe(destra, larghezza-sinistra-6), "L")
	d.f.SetXY(margine, y+h+1)
}
