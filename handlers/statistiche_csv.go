package handlers

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/statistiche"
	"abilita/views"
)

// statisticheCSV exports the figures of the statistics page, same scope, as
// CSV: comma-separated, UTF-8 with a byte-order mark (so that spreadsheets
// read the accents), one row per figure under the header
// Sezione,Voce,Valore; decimals with a point, times in hours and days.
func (h *Handlers) statisticheCSV(c *fiber.Ctx) error {
	a, e, err := h.leggiAmbito(c)
	if err != nil {
		return err
	}
	if msg := cmp.Or(e["sede"], e["soglia"]); msg != "" {
		return &domain.Errore{Codice: domain.ErrNonValido, Messaggio: msg}
	}
	now := h.Now()
	res, err := h.calcola(a, now, maxAtteseCSV)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	for _, row := range righeCSV(a, res, now) {
		if err := w.Write(row); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	nome := "tutte-le-sedi"
	if a.Sede != "" {
		nome = a.Sede
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="statistiche-`+nome+"-"+now.In(views.Rome).Format("2006-01-02")+`.csv"`)
	return c.Send(buf.Bytes())
}

// righeCSV are the rows of the export, header first.
func righeCSV(a ambito, r statistiche.Risultato, ora time.Time) [][]string {
	rows := [][]string{
		{"Sezione", "Voce", "Valore"},
		{"Ambito", "Sede", testoCSV(a.NomeSede)},
		{"Ambito", "Calcolate il", ora.In(views.Rome).Format("2006-01-02 15:04")},
		{"Ambito", "Soglia di attesa (giorni)", strconv.Itoa(a.Soglia)},
		{"Totale", "Richieste inviate", strconv.Itoa(r.Totale)},
	}
	sezioni := []struct {
		nome string
		voci []statistiche.Voce
	}{{"Stato", r.PerStato}, {"Percorso", r.PerPercorso}, {"Profilo", r.PerProfilo}, {"Sede", r.PerSede}}
	for _, s := range sezioni {
		for _, v := range s.voci {
			rows = append(rows, []string{s.nome, testoCSV(v.Etichetta), strconv.Itoa(v.Valore)})
		}
	}
	for _, m := range r.Mesi {
		rows = append(rows,
			[]string{"Mese di invio", m.Mese + " inviate", strconv.Itoa(m.Inviate)},
			[]string{"Mese di invio", m.Mese + " in corso", strconv.Itoa(m.Aperte)},
			[]string{"Mese di invio", m.Mese + " accolte", strconv.Itoa(m.Accolte)},
			[]string{"Mese di invio", m.Mese + " respinte", strconv.Itoa(m.Respinte)},
			[]string{"Mese di invio", m.Mese + " annullate", strconv.Itoa(m.Annullate)})
	}
	rows = append(rows, []string{"Tempi di decisione", "Richieste decise", strconv.Itoa(r.Tempi.Decise)},
		[]string{"Tempi di decisione", "Decise oltre la soglia", strconv.Itoa(r.Tempi.Oltre)})
	if r.Tempi.Decise > 0 {
		for _, t := range []struct {
			voce string
			d    time.Duration
		}{{"Mediana", r.Tempi.Mediana}, {"90° percentile", r.Tempi.P90}} {
			rows = append(rows,
				[]string{"Tempi di decisione", t.voce + " (ore)", strconv.FormatFloat(t.d.Hours(), 'f', 1, 64)},
				[]string{"Tempi di decisione", t.voce + " (giorni)", strconv.FormatFloat(t.d.Hours()/24, 'f', 2, 64)})
		}
	}
	rows = append(rows, []string{"In attesa oltre la soglia", "Richieste", strconv.Itoa(r.NumeroInAttesa)})
	for _, w := range r.InAttesa {
		rows = append(rows, []string{"In attesa oltre la soglia", testoCSV(w.Protocollo) + " (giorni di attesa)", strconv.Itoa(int(w.Da / (24 * time.Hour)))})
	}
	return rows
}

// testoCSV keeps a spreadsheet from reading a text cell as a formula.
func testoCSV(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
