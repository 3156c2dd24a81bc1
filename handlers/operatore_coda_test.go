package handlers_test

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"abilita/domain"
	"abilita/internal/testapp"
)

// The operators' queue: only the own sede, filters, paging and counts.

// A row's protocol opens the request: a link, or for a free request a
// button that takes it in charge.
var reRigaCoda = regexp.MustCompile(`<th scope="row">(?:<a class="testo-codice text-nowrap" href="/operatore/richieste/\d+">|<form method="post" action="/operatore/richieste/\d+/apri" class="d-inline"><input type="hidden" name="_csrf" value="[^"]*"><button type="submit" class="btn btn-link p-0 testo-codice text-nowrap align-baseline">)([A-Z]{2}-\d{4}-\d{6})</`)

// protocolliInPagina lists the protocol numbers of the queue's rows, in order.
func protocolliInPagina(body string) []string {
	var out []string
	for _, m := range reRigaCoda.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestCodaDellaSede(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	// 24 requests in Pisa: one urgent, submitted last; two patronato
	// doctors; one old; one withdrawn. Two in Milan.
	var pisa []*domain.Richiesta
	for i := range 20 {
		pisa = append(pisa, inviataNelloStore(t, app, domanda{Cognome: "Pisano", Nome: "Utente" + strings.Repeat("a", i+1), Sede: "PI", Giorni: 2}))
	}
	vecchia := inviataNelloStore(t, app, domanda{Cognome: "Antichi", Nome: "Lorenzo", Sede: "PI", Giorni: 12, Profilo: domain.ProfiloMedicoPatronato})
	patronato := inviataNelloStore(t, app, domanda{Cognome: "Galilei", Nome: "Galileo", Sede: "PI", Giorni: 1, Profilo: domain.ProfiloMedicoPatronato, Percorso: domain.PercorsoSportello})
	urgente := inviataNelloStore(t, app, domanda{Cognome: "Fermi", Nome: "Enrico", Sede: "PI", Urgente: true})
	annullata := inviataNelloStore(t, app, domanda{Cognome: "Chiuso", Nome: "Carlo", Sede: "PI"})
	esegui(t, app, annullata.ID, domain.AzioneAnnulla, annullata.Richiedente)
	milano := []*domain.Richiesta{
		inviataNelloStore(t, app, domanda{Cognome: "Manzoni", Nome: "Alessandro", Sede: "MI"}),
		inviataNelloStore(t, app, domanda{Cognome: "Verri", Nome: "Pietro", Sede: "MI", Urgente: true}),
	}
	opPI, _ := nuovoOperatore(t, app, "Laura", "Pisani", "PI")
	opMI, _ := nuovoOperatore(t, app, "Marco", "Milanesi", "MI")

	t.Run("prima pagina: urgenti prima, poi le più vecchie, solo la sede", func(t *testing.T) {
		r := opPI.get("/operatore")
		vuole(t, r, http.StatusOK)
		righe := protocolliInPagina(r.Body)
		if len(righe) != 20 {
			t.Fatalf("%d rows on the first page, want 20: %v", len(righe), righe)
		}
		if righe[0] != urgente.Protocollo || righe[1] != vecchia.Protocollo {
			t.Errorf("first rows %v, want the urgent %s then the oldest %s", righe[:2], urgente.Protocollo, vecchia.Protocollo)
		}
		controlla(t, r, http.StatusOK, "", []string{"23 richieste trovate, 20 per pagina.", "Urgente", "Successive", "Fermi Enrico", urgente.Anagrafica.CodiceFiscale,
			"Medico di patronato", "Sportello", "12 giorni fa", `<caption`, `scope="col"`, `hx-history="false"`},
			[]string{milano[0].Protocollo, milano[1].Protocollo, annullata.Protocollo, "Precedenti"})
	})
	t.Run("pagina successiva e precedente", func(t *testing.T) {
		prima := opPI.get("/operatore")
		r := opPI.get(collegamento(t, prima.Body, "Successive"))
		righe := protocolliInPagina(r.Body)
		if len(righe) != 3 || righe[2] != patronato.Protocollo {
			t.Fatalf("rows on page 2 %v, want 3 ending with the newest, %s", righe, patronato.Protocollo)
		}
		controlla(t, r, http.StatusOK, "", []string{"23 richieste trovate", "Precedenti"}, []string{"Successive"})
		indietro := opPI.get(collegamento(t, r.Body, "Precedenti"))
		if got, want := protocolliInPagina(indietro.Body), protocolliInPagina(prima.Body); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("back to the first page: %v, want %v", got, want)
		}
		controlla(t, indietro, http.StatusOK, "", []string{"Successive"}, []string{"Precedenti"})
	})
	for _, sc := range []struct {
		name, query string
		want        []string
	}{
		{"urgenti", "urgenti=si", []string{urgente.Protocollo}},
		{"codice fiscale", "q=" + patronato.Anagrafica.CodiceFiscale, []string{patronato.Protocollo}},
		{"protocollo", "q=" + strings.ToLower(vecchia.Protocollo), []string{vecchia.Protocollo}},
		{"nome e cognome", "q=enrico+fermi", []string{urgente.Protocollo}},
		{"cognome e nome", "q=FERMI+en", []string{urgente.Protocollo}},
		{"inizio del cognome", "q=ferm", []string{urgente.Protocollo}},
		{"profilo", "profilo=medico_patronato", []string{vecchia.Protocollo, patronato.Protocollo}},
		{"percorso", "percorso=sportello", []string{patronato.Protocollo}},
		{"più vecchie di 7 giorni", "giorni=7", []string{vecchia.Protocollo}},
		{"stato annullata", "stato=annullata", []string{annullata.Protocollo}},
		{"stato sconosciuto: le aperte", "stato=nessuno&q=Fermi", []string{urgente.Protocollo}},
	} {
		t.Run("filtro "+sc.name, func(t *testing.T) {
			r := opPI.get("/operatore?" + sc.query)
			vuole(t, r, http.StatusOK)
			if got := protocolliInPagina(r.Body); fmt.Sprint(got) != fmt.Sprint(sc.want) {
				t.Errorf("rows %v, want %v", got, sc.want)
			}
		})
	}
	t.Run("nessun risultato", func(t *testing.T) {
		controlla(t, opPI.get("/operatore?stato=approvata"), http.StatusOK, "", []string{"Nessuna richiesta trovata.", "I filtri scelti non trovano richieste."}, []string{"<table"})
	})
	t.Run("markup nella ricerca", func(t *testing.T) {
		controlla(t, opPI.get("/operatore?q=%3Cscript%3E"), http.StatusOK, "", nil, []string{"<script>"})
	})
	t.Run("htmx: solo i risultati", func(t *testing.T) {
		r := opPI.get("/operatore?urgenti=si", "HX-Request", "true", "HX-Target", "coda-risultati")
		controlla(t, r, http.StatusOK, "", []string{`id="coda-risultati"`, urgente.Protocollo, `hx-swap-oob="true"`, "1 richiesta trovata."},
			[]string{"<html", `<form method="get"`, pisa[0].Protocollo})
	})
	t.Run("conteggi", func(t *testing.T) {
		r := opPI.get("/operatore/conteggi", "HX-Request", "true")
		controlla(t, r, http.StatusOK, "", []string{`id="coda-conteggi"`, `hx-trigger="every 30s`, `<span class="conteggio">23</span> <span class="badge bg-primary">Inviata</span>`,
			`<span class="conteggio">1</span> <span class="badge bg-secondary">Annullata</span>`}, []string{"<html"})
	})
	t.Run("l'altra sede vede solo le sue", func(t *testing.T) {
		r := opMI.get("/operatore")
		if got := protocolliInPagina(r.Body); fmt.Sprint(got) != fmt.Sprint([]string{milano[1].Protocollo, milano[0].Protocollo}) {
			t.Errorf("Milan sees %v", got)
		}
		controlla(t, opMI.get("/operatore?q="+urgente.Anagrafica.CodiceFiscale), http.StatusOK, "", []string{"Nessuna richiesta"}, []string{urgente.Protocollo})
		controlla(t, opMI.get("/operatore/conteggi"), http.StatusOK, "", []string{`<span class="conteggio">2</span> <span class="badge bg-primary">Inviata</span>`}, nil)
	})
}

func TestCodaVuota(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	op, _ := nuovoOperatore(t, app, "Laura", "Pisani", "PI")
	r := op.get("/operatore")
	controlla(t, r, http.StatusOK, "", []string{"Nessuna richiesta trovata.", "La sede non ha richieste da esaminare: la coda è vuota."}, []string{"<table"})
	if n := strings.Count(r.Testo, "Nessuna richiesta"); n != 1 {
		t.Errorf("an empty queue says \"Nessuna richiesta\" %d times", n)
	}
	// After login an operator lands on its queue.
	vuole(t, op.get("/area"), http.StatusSeeOther, "/operatore")
}

// collegamento is the address of the link with that text in body.
func collegamento(t *testing.T, body, testo string) string {
	t.Helper()
	m := regexp.MustCompile(`<a class="page-link" href="([^"]+)"[^>]*>` + regexp.QuoteMeta(testo) + `</a>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link %q in the page", testo)
	}
	return html.UnescapeString(m[1])
}
