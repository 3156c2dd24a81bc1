package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/internal/testapp"
)

// TestCodaPaginataPostaEStatistiche walks, as an operator of a sede with
// more requests than a page holds, the queue page by page with its cursor
// (forward and back, swapped in place by htmx and kept in the address bar),
// the search by name, the outbox filtered by delivery state and the
// statistics drawn from the counters.
func TestCodaPaginataPostaEStatistiche(t *testing.T) {
	ta := testapp.Start(t)
	ora := ta.Orologio.Now()
	// 45 requests waiting in Pisa, one urgent, submitted on different days;
	// one request of Milan that Pisa never sees.
	for i := range 45 {
		quando := ora.Add(-time.Duration(45-i) * 24 * time.Hour)
		r := &domain.Richiesta{Percorso: domain.PercorsoOnline, Tipo: domain.TipoNuova, Profilo: domain.ProfiloMedicoEsterno, Stato: domain.StatoBozza,
			Sede: "PI", Creata: quando, Urgente: i == 30, MotivoUrgenza: "Inizio attività",
			Anagrafica: domain.Anagrafica{Cognome: fmt.Sprintf("Cognome%02d", i), Nome: "Nome", CodiceFiscale: fmt.Sprintf("CGNNMO80A01G702%c", 'A'+i%26)}}
		if err := r.Esegui(domain.AzioneInvia, 0, quando, "Inviata online"); err != nil {
			t.Fatal(err)
		}
		ta.ImportaRichiesta(t, r)
	}
	milano := &domain.Richiesta{Percorso: domain.PercorsoOnline, Tipo: domain.TipoNuova, Profilo: domain.ProfiloMedicoEsterno, Stato: domain.StatoBozza,
		Sede: "MI", Creata: ora, Anagrafica: domain.Anagrafica{Cognome: "Milanese", Nome: "Nome"}}
	if err := milano.Esegui(domain.AzioneInvia, 0, ora, ""); err != nil {
		t.Fatal(err)
	}
	ta.ImportaRichiesta(t, milano)
	ta.CreaUtenteConTOTP(t, domain.Utente{Ruolo: domain.RuoloOperatore, Email: "lucia.neri@inail.test", Nome: "Lucia", Cognome: "Neri", Sede: "PI"}, passwordOperatore)

	b := newBrowser(t, ta.URL)
	if dove := b.accedi(ta, "operatore", "lucia.neri@inail.test", passwordOperatore); dove != "/operatore" {
		t.Fatalf("operator after login: at %s", dove)
	}
	righe := func() []string {
		var out []string
		for _, r := range strings.Split(b.text("#coda-risultati tbody"), "\n") {
			if i := strings.Index(r, "PI-"); i >= 0 {
				out = append(out, strings.Fields(r[i:])[0])
			}
		}
		return out
	}
	prima := righe()
	if len(prima) != 20 || prima[0] != "PI-2026-000031" || prima[1] != "PI-2026-000001" {
		t.Fatalf("first page: %v, want 20 rows, the urgent one then the oldest", prima)
	}
	if msg := b.text("#coda-annuncio"); !strings.Contains(msg, "45 richieste trovate, 20 per pagina") {
		t.Errorf("announcement %q", msg)
	}
	b.page("coda-prima-pagina")

	ultima := `e.querySelectorAll("tbody tr").length === 5`
	seconda := `e.querySelectorAll("tbody tr").length === 20 && !e.textContent.includes("PI-2026-000001")`
	b.aggiorna("#coda-risultati a.page-link:last-child", "#coda-risultati", seconda)
	if !strings.Contains(b.location(), "dopo=") {
		t.Errorf("the address bar does not follow the page: %s", b.location())
	}
	b.aggiorna("#coda-risultati .pagination li:last-child a", "#coda-risultati", ultima)
	b.page("coda-ultima-pagina")
	if got := righe(); got[len(got)-1] != "PI-2026-000045" || strings.Contains(b.text("#coda-risultati"), "Successive") {
		t.Errorf("last page: %v, and it offers more", got)
	}
	b.aggiorna("#coda-risultati .pagination li:first-child a", "#coda-risultati", seconda)
	b.aggiorna("#coda-risultati .pagination li:first-child a", "#coda-risultati", `e.querySelectorAll("tbody tr").length === 20 && e.textContent.includes("PI-2026-000001")`)
	if got := righe(); fmt.Sprint(got) != fmt.Sprint(prima) {
		t.Errorf("back on the first page: %v, want %v", got, prima)
	}
	// Reloading the address of a page shows that page.
	b.aggiorna("#coda-risultati .pagination li:last-child a", "#coda-risultati", seconda)
	b.open(b.location())
	if got := righe(); len(got) != 20 || got[0] == prima[0] {
		t.Errorf("the address of the second page reloaded: %v", got)
	}

	b.open("/operatore")
	b.segna("#coda-risultati")
	b.fill("#q", "cognome07")
	b.aggiornato("#coda-risultati", `e.querySelectorAll("tbody tr").length === 1 && e.textContent.includes("PI-2026-000008")`)
	b.page("coda-ricerca")

	b.open("/operatore/posta")
	b.page("posta-in-uscita")
	if testo := b.text("main"); !strings.Contains(testo, "Tutti") || !strings.Contains(testo, "Non consegnato") {
		t.Errorf("outbox page without its state filters: %q", testo)
	}
	b.open("/statistiche")
	b.page("statistiche")
	testo := strings.Join(strings.Fields(b.text("main")), " ")
	// An operator's statistics are those of its sede: 45 requests.
	for _, want := range []string{"Richieste inviate 45", "Richieste per mese di invio", "Richieste in attesa da più di 7 giorni"} {
		if !strings.Contains(testo, want) {
			t.Errorf("statistics without %q", want)
		}
	}
	if strings.Contains(testo, "Milanese") {
		t.Error("the statistics of Pisa list a request of Milan")
	}
}
