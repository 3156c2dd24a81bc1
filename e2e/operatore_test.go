package e2e

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/internal/testapp"
)

const passwordOperatore = "scrivania lampada quaderno matita"

// TestRevisioneOperatore is the sede's review as its operators live it: two
// doctors of Pisa have filed their requests online; an operator finds one
// in the queue by its codice fiscale, takes it, looks at the document and
// rejects it; the doctor reads the reasons and starts again from its data;
// a colleague takes the other request, completes the checks and approves
// it, and that doctor gets the e-mail with its codice medico.
func TestRevisioneOperatore(t *testing.T) {
	ta := testapp.Start(t)
	files := allegatiDiProva(t)
	mario := nuovaPersona("Rossi", "Mario", "M", "1985-12-10")
	anna := nuovaPersona("Bianchi", "Anna", "F", "1990-05-15")
	idMario := richiestaInviata(t, ta, mario, files)
	idAnna := richiestaInviata(t, ta, anna, files)
	protMario, protAnna := protocollo(t, ta, idMario), protocollo(t, ta, idAnna)
	for _, o := range []struct{ nome, cognome string }{{"Lucia", "Neri"}, {"Paolo", "Gialli"}} {
		ta.CreaUtenteConTOTP(t, domain.Utente{Ruolo: domain.RuoloOperatore, Email: strings.ToLower(o.nome+"."+o.cognome) + "@inail.test",
			Nome: o.nome, Cognome: o.cognome, Sede: "PI"}, passwordOperatore)
	}

	b := newBrowser(t, ta.URL)
	risposte := b.accettaConferme()

	// The first operator lands on the queue of its sede, with both requests.
	if dove := b.accedi(ta, "operatore", "lucia.neri@inail.test", passwordOperatore); dove != "/operatore" {
		t.Fatalf("operator after login: at %s", dove)
	}
	if coda := b.text("#coda-risultati"); !strings.Contains(coda, protMario) || !strings.Contains(coda, protAnna) {
		t.Fatalf("the queue does not list both requests: %q", coda)
	}
	b.page("coda")

	// The search by codice fiscale, answered by htmx in place while typing
	// and again on Applica i filtri.
	soloMario := `e.querySelectorAll("tbody tr").length === 1 && e.textContent.includes(` + strconv.Quote(mario.CF) + `)`
	b.segna("#coda-risultati")
	b.fill("#q", mario.CF)
	b.aggiornato("#coda-risultati", soloMario)
	b.aggiorna("form.filtri-coda button[type=submit]", "#coda-risultati", soloMario)
	if coda := b.text("#coda-risultati"); !strings.Contains(coda, protMario) || strings.Contains(coda, protAnna) || strings.Contains(coda, anna.CF) {
		t.Fatalf("the queue filtered by %s: %q", mario.CF, coda)
	}
	if msg := b.text("#coda-annuncio"); !strings.Contains(msg, "1 richiesta trovata") {
		t.Fatalf("the announcement of the filtered queue: %q", msg)
	}
	if dove := b.location(); !strings.Contains(dove, "q="+mario.CF) {
		t.Fatalf("the filtered queue's address: %s", dove)
	}
	b.page("coda-filtrata")

	// The request, taken in charge.
	revisione := "/operatore/richieste/" + strconv.FormatUint(idMario, 10)
	b.submit("#coda-risultati a[href='" + revisione + "']")
	if b.location() != revisione {
		t.Fatalf("opening the request: at %s", b.location())
	}
	b.page("revisione")
	b.submit("form[action='" + revisione + "/prendi'] button[type=submit]")
	if got := b.text("main"); !strings.Contains(got, "In lavorazione") || !strings.Contains(got, "In carico a Lucia Neri") {
		t.Fatalf("after Prendi in carico: %q", got)
	}
	b.page("revisione-in-carico")

	// The front of the document at full size: every view is audited.
	prima := visualizzazioni(t, ta, idMario, domain.AllegatoDocumentoFronte)
	link := b.attributo("a[target=_blank][href$='/allegati/documento_fronte']", "href")
	b.open(link)
	b.waitFor("the image", `document.images.length === 1 && document.images[0].complete && document.images[0].naturalWidth === 320`)
	// A bare image, served with a CSP sandbox that lets no script run: not a
	// page of the application, and axe cannot run in it (it never answers).
	b.shot("documento-fronte")
	if dopo := visualizzazioni(t, ta, idMario, domain.AllegatoDocumentoFronte); dopo != prima+1 {
		t.Fatalf("views of the front in the audit log: %d before opening it, %d after", prima, dopo)
	}

	// The rejection, with its reason and a note.
	const nota = "Il cognome sul documento è diverso da quello dichiarato: presenta una nuova richiesta con i dati del documento."
	b.open(revisione)
	b.check("#motivo-dati_non_corrispondenti")
	b.fill("#nota", nota)
	b.page("revisione-respingi")
	b.submit("form[action='" + revisione + "/respingi'] button[type=submit]")
	if q := risposte.ultima(); !strings.Contains(q, "rifiuto") || !strings.Contains(q, protMario) {
		t.Fatalf("the confirmation asked before rejecting: %q", q)
	}
	esito := b.text("#titolo-esito + dl")
	for _, want := range []string{"Respinta", "Dati anagrafici non corrispondenti al documento", nota, "Lucia Neri"} {
		if !strings.Contains(esito, want) {
			t.Fatalf("the outcome shown to the operator lacks %q: %q", want, esito)
		}
	}
	if b.conta("#decisione") != 0 {
		t.Fatal("the decision forms are still offered after the rejection")
	}
	b.page("revisione-respinta")
	b.esci()

	// Mario reads the reasons and starts again from its data.
	b.accedi(ta, "mario", mario.Email, mario.Password)
	b.open("/richieste")
	b.page("mie-richieste-respinta")
	b.submit("a[href='/richieste/" + strconv.FormatUint(idMario, 10) + "']")
	callout := b.text(".callout.danger")
	for _, want := range []string{"Richiesta respinta", "Dati anagrafici non corrispondenti al documento", nota} {
		if !strings.Contains(strings.ToLower(callout), strings.ToLower(want)) { // the callout's title is in capitals
			t.Fatalf("the applicant's page lacks %q: %q", want, callout)
		}
	}
	b.page("richiesta-respinta")
	b.submit("form[action='/richieste'] input[name=da][value='" + strconv.FormatUint(idMario, 10) + "'] ~ button[type=submit]")
	m := regexp.MustCompile(`^/richieste/(\d+)/passo/profilo$`).FindStringSubmatch(b.location())
	if m == nil || m[1] == strconv.FormatUint(idMario, 10) {
		t.Fatalf("Presenta una nuova richiesta: at %s", b.location())
	}
	if b.conta("#profilo-medico_esterno:checked") != 1 || b.conta("#tipo-nuova:checked") != 1 {
		t.Fatal("the new draft does not keep the profile of the rejected request")
	}
	b.page("nuova-bozza-profilo")
	b.submit("button[value=avanti]")
	for sel, want := range map[string]string{"#codice_fiscale": mario.CF, "#cognome": "Rossi", "#res_comune": "Pisa", "#email": mario.Email} {
		if got := b.value(sel); got != want {
			t.Fatalf("the new draft's %s: %q, want %q", sel, got, want)
		}
	}
	b.page("nuova-bozza-anagrafica")
	nuova, _ := strconv.ParseUint(m[1], 10, 64)
	if r, err := ta.App.Store.Richiesta(nuova); err != nil || r.Stato != domain.StatoBozza || len(r.Allegati) != 0 || r.Documento.Numero != "" {
		t.Fatalf("the new draft: %+v, %v (the document and the files must be given again)", r, err)
	}
	b.esci()

	// A colleague approves Anna's request.
	if dove := b.accedi(ta, "collega", "paolo.gialli@inail.test", passwordOperatore); dove != "/operatore" {
		t.Fatalf("the colleague after login: at %s", dove)
	}
	revisione = "/operatore/richieste/" + strconv.FormatUint(idAnna, 10)
	b.submit("#coda-risultati a[href='" + revisione + "']")
	b.page("revisione-anna")
	b.submit("form[action='" + revisione + "/prendi'] button[type=submit]")
	if got := b.text("main"); !strings.Contains(got, "In carico a Paolo Gialli") {
		t.Fatalf("after Prendi in carico by the colleague: %q", got)
	}
	for _, voce := range []string{"dati_corrispondenti", "documento_valido", "modulo_firmato", "ordine_plausibile"} {
		sel := "#verifica-" + voce
		b.aggiorna(sel, "#checklist", `e.querySelector(`+strconv.Quote(sel)+`).checked`)
	}
	if stato := b.text("#verifica-stato"); !strings.Contains(stato, "Tutti i controlli sono spuntati") {
		t.Fatalf("the checklist after ticking everything: %q", stato)
	}
	b.page("revisione-verificata")
	b.submit("form[action='" + revisione + "/approva'] button[type=submit]")
	if q := risposte.ultima(); !strings.Contains(q, "approvazione") || !strings.Contains(q, protAnna) {
		t.Fatalf("the confirmation asked before approving: %q", q)
	}
	r, err := ta.App.Store.Richiesta(idAnna)
	if err != nil || r.Stato != domain.StatoApprovata || r.Esito == nil || r.Esito.CodiceMedico == "" {
		t.Fatalf("Anna's request after approval: %+v, %v", r, err)
	}
	codice := r.Esito.CodiceMedico
	esito = b.text("#titolo-esito + dl")
	if !strings.Contains(esito, "Approvata") || !strings.Contains(esito, codice) || !strings.Contains(esito, "Paolo Gialli") {
		t.Fatalf("the outcome shown to the operator: %q", esito)
	}
	b.page("revisione-approvata")

	ta.SMTP.WaitFor(t, 10*time.Second, func(m testsmtpMessage) bool {
		return strings.Contains(strings.Join(m.To, ","), anna.Email) && strings.Contains(m.Subject(), protAnna+" approvata") &&
			strings.Contains(m.Text(), "Codice medico: "+codice)
	})
	ta.SMTP.WaitFor(t, 10*time.Second, func(m testsmtpMessage) bool {
		return strings.Contains(strings.Join(m.To, ","), mario.Email) && strings.Contains(m.Subject(), protMario+" non accolta") &&
			strings.Contains(m.Text(), "Dati anagrafici non corrispondenti al documento") && strings.Contains(m.Text(), nota)
	})
}

// protocollo is the protocol number a submitted request was given.
func protocollo(t *testing.T, ta *testapp.T, id uint64) string {
	t.Helper()
	r, err := ta.App.Store.Richiesta(id)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.Protocollo, "PI-") {
		t.Fatalf("request %d: protocol %q, want one of Pisa", id, r.Protocollo)
	}
	return r.Protocollo
}
