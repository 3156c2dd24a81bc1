package e2e

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"abilita/domain"
	"abilita/internal/testapp"
)

// TestSportelloDaPrecompila is path A with Precompila: a doctor with no
// account fills in the module at home and gets its code; at the counter of
// Pisa the operator types the code, finds the data already in a draft,
// completes the declarations and the scans, registers the request with the
// protocol of its own sede (the doctor lives in Lucca) and, the case being
// urgent, decides at once.
func TestSportelloDaPrecompila(t *testing.T) {
	ta := testapp.Start(t)
	files := allegatiDiProva(t)
	luca := nuovaPersona("Verdi", "Luca", "M", "1978-03-22")
	ta.CreaUtenteConTOTP(t, domain.Utente{Ruolo: domain.RuoloOperatore, Email: "lucia.neri@inail.test", Nome: "Lucia", Cognome: "Neri", Sede: "PI"}, passwordOperatore)
	oggi := ta.Orologio.Now()

	b := newBrowser(t, ta.URL)
	b.open("/precompila")
	b.page("precompila")
	b.check("#profilo-medico_esterno")
	b.fill("#cognome", luca.Cognome)
	b.fill("#nome", luca.Nome)
	// A wrong check character is pointed out while typing, before saving.
	sbagliato := luca.CF[:15] + "X"
	if luca.CF[15] == 'X' {
		sbagliato = luca.CF[:15] + "Y"
	}
	b.fill("#codice_fiscale", sbagliato)
	b.waitFor("the inline error on the codice fiscale", `document.querySelector("#codice_fiscale-errore").textContent.includes("carattere di controllo")`)
	b.page("precompila-errore-inline")
	// Corrected as a person would, the last character deleted and typed again.
	b.run("correcting the codice fiscale", chromedp.SendKeys("#codice_fiscale", kb.Backspace+luca.CF[15:], chromedp.ByQuery))
	b.waitFor("the inline error to go away", `document.querySelector("#codice_fiscale-errore").textContent.trim() === ""`)
	// What the codice fiscale says fills in sex, birth date and birthplace.
	b.waitFor("the proposal from the codice fiscale", `document.querySelector("#proposta-cf button")`)
	b.page("precompila-proposta")
	b.submit("#proposta-cf button")
	if sesso, nascita, luogo := b.value("#sesso"), b.value("#data_nascita"), b.value("#luogo_nascita"); sesso != "M" || nascita != luca.Nascita || luogo != luca.Luogo {
		t.Fatalf("proposed from the codice fiscale: sesso %q, nascita %q, luogo %q", sesso, nascita, luogo)
	}
	b.fill("#cittadinanza", "Italiana")
	b.fill("#res_indirizzo", "Via Fillungo 10")
	b.fill("#res_cap", "55100")
	b.fill("#res_comune", "Lucca")
	b.fill("#res_provincia", "LU")
	b.fill("#email", luca.Email)
	b.fill("#telefono", "+39 0583 123456")
	b.set("#ordine_provincia", "LU")
	b.fill("#ordine_numero", "4321")
	b.set("#ordine_data", "2008-09-15")
	b.set("#doc_tipo", "Carta d'identità elettronica")
	b.fill("#doc_numero", "CA98765ZX")
	b.fill("#doc_rilasciato_da", "Comune di Lucca")
	b.set("#doc_rilascio", oggi.AddDate(-3, 0, 0).Format(domain.Data))
	b.set("#doc_scadenza", oggi.AddDate(7, 0, 0).Format(domain.Data))
	b.check("#urgente")
	b.fill("#motivo_urgenza", "Apertura dell'ambulatorio la prossima settimana")
	b.page("precompila-compilato")
	b.submit("form[action='/precompila'] button[name=azione][value=salva]")
	codice := strings.TrimSpace(b.text("#codice"))
	if !regexp.MustCompile(`^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$`).MatchString(codice) {
		t.Fatalf("the Precompila code: %q; page: %q", codice, b.text("main"))
	}
	b.page("precompilata")

	// At the counter of Pisa.
	if dove := b.accedi(ta, "operatore", "lucia.neri@inail.test", passwordOperatore); dove != "/operatore" {
		t.Fatalf("operator after login: at %s", dove)
	}
	b.submit("a.nav-link[href='/operatore/sportello']")
	b.page("sportello")
	b.fill("#codice", strings.ToLower(strings.ReplaceAll(codice, "-", " ")))
	b.submit("form[action='/operatore/sportello'][novalidate] button[type=submit]")
	m := regexp.MustCompile(`^/richieste/(\d+)/passo/profilo$`).FindStringSubmatch(b.location())
	if m == nil {
		t.Fatalf("after the code: at %s: %q", b.location(), b.text("main"))
	}
	id, _ := strconv.ParseUint(m[1], 10, 64)
	if avviso := b.text("main"); !strings.Contains(avviso, "Dati del modulo precompilato caricati") {
		t.Fatalf("the draft from the code: %q", avviso)
	}
	if b.conta("#profilo-medico_esterno:checked") != 1 {
		t.Fatal("the profile chosen in Precompila is not in the draft")
	}
	b.page("sportello-profilo")
	b.submit("button[value=avanti]")
	for sel, want := range map[string]string{"#codice_fiscale": luca.CF, "#cognome": "Verdi", "#data_nascita": luca.Nascita, "#res_comune": "Lucca", "#email": luca.Email} {
		if got := b.value(sel); got != want {
			t.Fatalf("the counter draft's %s: %q, want %q", sel, got, want)
		}
	}
	b.page("sportello-anagrafica")
	b.submit("button[value=avanti]")
	if got := b.value("#ordine_numero"); got != "4321" {
		t.Fatalf("the counter draft's Ordine number: %q", got)
	}
	b.page("sportello-professione")
	b.submit("button[value=avanti]")
	if got := b.value("#doc_numero"); got != "CA98765ZX" {
		t.Fatalf("the counter draft's document number: %q", got)
	}
	b.page("sportello-documento")
	b.submit("button[value=avanti]")

	// What Precompila cannot hold: the signed declarations and the scans.
	if b.conta("#dpr445:checked, #privacy:checked, #riservatezza:checked") != 0 {
		t.Fatal("the declarations came ticked from Precompila: the applicant makes them by signing at the counter")
	}
	if b.conta("#urgente:checked") != 1 {
		t.Fatal("the urgency declared in Precompila is not in the draft")
	}
	b.page("sportello-dichiarazioni")
	b.check("#dpr445")
	b.check("#privacy")
	b.check("#riservatezza")
	b.submit("button[value=avanti]")
	if !strings.HasSuffix(b.location(), "/passo/allegati") {
		t.Fatalf("after the declarations: at %s: %q", b.location(), b.text("main"))
	}
	b.page("sportello-allegati")
	b.run("upload", setUpload("#documento_fronte", files.fronte), setUpload("#documento_retro", files.retro), setUpload("#modulo_firmato", files.modulo))
	b.submit("form[enctype='multipart/form-data'] button[type=submit]")
	if got := b.text("main"); strings.Count(got, "Caricato:") != 3 {
		t.Fatalf("after the upload: %q", got)
	}
	b.page("sportello-allegati-caricati")
	b.submit("a[href$='/passo/riepilogo']")
	b.page("sportello-riepilogo")
	b.submit("form[action$='/invia'] button[type=submit]")

	protocollo := strings.TrimSpace(b.text("#protocollo"))
	if !strings.HasPrefix(protocollo, "PI-") {
		t.Fatalf("protocol of the counter request: %q (the operator's sede is Pisa)", protocollo)
	}
	if got := b.text("main"); !strings.Contains(got, "Richiesta registrata") || !strings.Contains(got, "Verdi") {
		t.Fatalf("the counter receipt: %q", got)
	}
	b.page("sportello-ricevuta")
	ta.SMTP.WaitFor(t, 10*time.Second, func(m testsmtpMessage) bool {
		return strings.Contains(strings.Join(m.To, ","), luca.Email) && strings.Contains(m.Subject(), protocollo)
	})

	// Urgent: the operator decides now, with the doctor still at the counter.
	b.submit("form[action$='/prendi'] button[type=submit]")
	revisione := "/operatore/richieste/" + strconv.FormatUint(id, 10)
	if b.location() != revisione {
		t.Fatalf("Decidi subito: at %s", b.location())
	}
	if got := b.text("main"); !strings.Contains(got, protocollo) || !strings.Contains(got, "In lavorazione") || !strings.Contains(got, "In carico a Lucia Neri") {
		t.Fatalf("the review after Decidi subito: %q", got)
	}
	if b.conta("#checklist input[type=checkbox]") == 0 || b.conta("form[action='"+revisione+"/approva']") != 1 {
		t.Fatal("the review after Decidi subito does not offer the checks and the decision")
	}
	b.page("sportello-revisione")
	r, err := ta.App.Store.Richiesta(id)
	if err != nil || r.Percorso != domain.PercorsoSportello || r.Sede != "PI" || r.Stato != domain.StatoInLavorazione || r.Residenza.Provincia != "LU" {
		t.Fatalf("the counter request: %+v, %v", r, err)
	}
}
