package handlers_test

import (
	"encoding/csv"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/internal/testapp"
)

const giorno = 24 * time.Hour

// richiestaDatata stores a request submitted at inviata and taken through
// the actions, each dopo after submission (or half of it, to take it in
// charge before deciding).
func richiestaDatata(t testing.TB, app *testapp.T, sede string, perc domain.Percorso, prof domain.Profilo, inviata time.Time, dopo time.Duration, azioni ...domain.Azione) uint64 {
	t.Helper()
	r := &domain.Richiesta{Richiedente: 777, Percorso: perc, Profilo: prof, Tipo: domain.TipoNuova, Sede: sede, Creata: inviata.Add(-time.Hour), Stato: domain.StatoBozza}
	quando := inviata
	for i, a := range append([]domain.Azione{domain.AzioneInvia}, azioni...) {
		switch {
		case i == len(azioni) && i > 0:
			quando = inviata.Add(dopo)
		case i > 0:
			quando = inviata.Add(dopo / 2)
		}
		if err := r.Esegui(a, 1, quando, ""); err != nil {
			t.Fatalf("%s: %v", a, err)
		}
	}
	app.ImportaRichiesta(t, r)
	return r.ID
}

// datiStatistiche stores the known data set of the statistics tests.
func datiStatistiche(t testing.TB, app *testapp.T) {
	t.Helper()
	now := app.Orologio.Now()
	prendi, approva, respingi := domain.AzionePrendiInCarico, domain.AzioneApprova, domain.AzioneRespingi
	richiestaDatata(t, app, "PI", domain.PercorsoOnline, domain.ProfiloMedicoEsterno, now.Add(-30*giorno), 10*time.Hour, prendi, approva)
	richiestaDatata(t, app, "PI", domain.PercorsoOnline, domain.ProfiloMedicoEsterno, now.Add(-20*giorno), 30*time.Hour, prendi, respingi)
	richiestaDatata(t, app, "PI", domain.PercorsoSportello, domain.ProfiloReferentePresidio, now.Add(-10*giorno), 0)
	richiestaDatata(t, app, "PI", domain.PercorsoOnline, domain.ProfiloMedicoPatronato, now.Add(-2*giorno), time.Hour, prendi)
	richiestaDatata(t, app, "LU", domain.PercorsoOnline, domain.ProfiloMedicoEsterno, now.Add(-40*giorno), 50*time.Hour, prendi, approva)
	richiestaDatata(t, app, "LU", domain.PercorsoInailRisponde, domain.ProfiloMedicoEsterno, now.Add(-8*giorno), 2*time.Hour, prendi, domain.AzioneChiediIntegrazione)
	app.ImportaRichiesta(t, &domain.Richiesta{Richiedente: 777, Percorso: domain.PercorsoOnline, Stato: domain.StatoBozza, Creata: now})
}

func TestStatistiche(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	datiStatistiche(t, app)
	admin := amministratore(t, app)
	op, _ := collega(t, app, domain.RuoloOperatore, "PI", "Rita", "rita.collega@inail.test")
	senzaSede, _ := collega(t, app, domain.RuoloOperatore, "", "Remo", "remo.collega@inail.test")
	const (
		percorsoPI = "Richieste per percorso, grafico a barre: Sportello 1; InailRisponde 0; Online 3."
		statoPI    = "Richieste per stato, grafico a barre: Inviata 1; In lavorazione 1; Integrazione richiesta 0; Approvata 1; Respinta 1; Annullata 0; Credenziali attivate 0."
		profiloPI  = "Richieste per profilo, grafico a barre: Medico esterno 2; Referente di presidio ospedaliero 1; Medico di patronato 1."
	)
	// The statistics count decision times by the hour, and take each at the
	// middle of its hour: 10 h is 10,5.
	tempi := func(mediana, p90 string) []string {
		return []string{`Mediana (circa)</th><td class="text-end">` + mediana + `</td>`, `90° percentile (circa)</th><td class="text-end">` + p90 + `</td>`}
	}
	for _, sc := range []struct {
		scenario
		v *visitatore
	}{
		{scenario{name: "operatore", url: "/statistiche", wantStatus: http.StatusOK,
			wantContains: append([]string{"Sede di Pisa", percorsoPI, statoPI, profiloPI, `role="img"`, "<caption>Richieste per percorso: i valori del grafico</caption>",
				"Richieste in attesa da più di 7 giorni", "PI-", `href="/statistiche.csv?soglia=7&amp;sede=PI"`}, tempi("20,5", "28,5")...),
			wantNotContains: []string{"LU-", "Richieste per sede", `name="sede"`, "<script>", ` style="`}}, op},
		{scenario{name: "operatore chiede un'altra sede", url: "/statistiche?sede=LU", wantStatus: http.StatusOK, wantContains: []string{percorsoPI}}, op},
		{scenario{name: "soglia più lunga", url: "/statistiche?soglia=15", wantStatus: http.StatusOK, wantContains: []string{"Nessuna richiesta attende da più di 15 giorni."}}, op},
		{scenario{name: "soglia non valida", url: "/statistiche?soglia=mille", wantStatus: http.StatusUnprocessableEntity,
			wantContains: []string{"La soglia è un numero di giorni da 1 a 365.", percorsoPI}}, op},
		{scenario{name: "amministratore, tutte le sedi", url: "/statistiche", wantStatus: http.StatusOK,
			wantContains: append([]string{"Tutte le sedi", "Richieste per percorso, grafico a barre: Sportello 1; InailRisponde 1; Online 4.",
				"Richieste per sede, grafico a barre: Sede di Pisa 4; Sede di Lucca 2.", `name="sede"`, "PI-", "LU-"}, tempi("30,5", "46,5")...)}, admin},
		{scenario{name: "amministratore, una sede", url: "/statistiche?sede=LU", wantStatus: http.StatusOK,
			wantContains:    append([]string{"Sede di Lucca", "Richieste per percorso, grafico a barre: Sportello 0; InailRisponde 1; Online 1."}, tempi("50,5", "50,5")...),
			wantNotContains: []string{"PI-"}}, admin},
		{scenario{name: "sede inesistente", url: "/statistiche?sede=ZZ", wantStatus: http.StatusUnprocessableEntity,
			wantContains: []string{"Scegli una delle sedi dell'elenco."}}, admin},
		{scenario{name: "htmx", url: "/statistiche?sede=LU", headers: []string{"HX-Request", "true"}, wantStatus: http.StatusOK,
			wantContains: []string{"Sede di Lucca"}, wantNotContains: []string{"<html"}}, admin},
		{scenario{name: "operatore senza sede", url: "/statistiche", wantStatus: http.StatusForbidden, wantNotContains: []string{"PI-", "LU-"}}, senzaSede},
		{scenario{name: "richiedente", url: "/statistiche", wantStatus: http.StatusForbidden}, nuovoRichiedente(t, app, mario())},
		{scenario{name: "anonimo", url: "/statistiche", wantStatus: http.StatusSeeOther, wantLocation: "/accedi"}, nuovoVisitatore(t, app)},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.esegui(t, sc.v) })
	}
}

func TestStatisticheCSV(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	datiStatistiche(t, app)
	admin := amministratore(t, app)
	op, _ := collega(t, app, domain.RuoloOperatore, "PI", "Rita", "rita.collega@inail.test")

	leggiCSV := func(t *testing.T, r risposta) [][]string {
		t.Helper()
		vuole(t, r, http.StatusOK)
		if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="statistiche-`) || !strings.HasSuffix(cd, `.csv"`) {
			t.Errorf("Content-Disposition %q", cd)
		}
		body, ok := strings.CutPrefix(r.Body, "\ufeff")
		if !ok {
			t.Error("no byte-order mark")
		}
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rows[0], []string{"Sezione", "Voce", "Valore"}) {
			t.Errorf("header %q", rows[0])
		}
		return rows
	}
	has := func(t *testing.T, rows [][]string, want ...[]string) {
		t.Helper()
		for _, w := range want {
			if !slices.ContainsFunc(rows, func(r []string) bool { return slices.Equal(r, w) }) {
				t.Errorf("no row %q in\n%q", w, rows)
			}
		}
	}

	t.Run("operatore", func(t *testing.T) {
		rows := leggiCSV(t, op.get("/statistiche.csv?sede=LU"))
		has(t, rows,
			[]string{"Ambito", "Sede", "Sede di Pisa"},
			[]string{"Ambito", "Soglia di attesa (giorni)", "7"},
			[]string{"Totale", "Richieste inviate", "4"},
			[]string{"Percorso", "Online", "3"},
			[]string{"Percorso", "Sportello", "1"},
			[]string{"Profilo", "Medico esterno", "2"},
			[]string{"Stato", "Respinta", "1"},
			[]string{"Tempi di decisione", "Richieste decise", "2"},
			[]string{"Tempi di decisione", "Mediana (ore)", "20.5"},
			[]string{"Tempi di decisione", "Mediana (giorni)", "0.85"},
			[]string{"Tempi di decisione", "90° percentile (ore)", "28.5"},
			[]string{"In attesa oltre la soglia", "Richieste", "1"},
		)
		for _, r := range rows {
			if r[0] == "Sede" || strings.HasPrefix(r[1], "LU-") {
				t.Errorf("an operator's export shows another sede: %q", r)
			}
		}
	})
	t.Run("amministratore", func(t *testing.T) {
		rows := leggiCSV(t, admin.get("/statistiche.csv?soglia=9"))
		has(t, rows,
			[]string{"Ambito", "Sede", "Tutte le sedi"},
			[]string{"Totale", "Richieste inviate", "6"},
			[]string{"Sede", "Sede di Pisa", "4"},
			[]string{"Sede", "Sede di Lucca", "2"},
			[]string{"Tempi di decisione", "90° percentile (ore)", "46.5"},
			[]string{"In attesa oltre la soglia", "Richieste", "1"},
		)
	})
	t.Run("errori", func(t *testing.T) {
		vuole(t, admin.get("/statistiche.csv?sede=ZZ"), http.StatusUnprocessableEntity)
		vuole(t, op.get("/statistiche.csv?soglia=0"), http.StatusUnprocessableEntity)
		vuole(t, nuovoVisitatore(t, app).get("/statistiche.csv"), http.StatusSeeOther, "/accedi")
	})
}
