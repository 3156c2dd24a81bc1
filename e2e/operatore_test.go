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
	carla := nuovaPersona("Verdi", "Carla", "F", "1979-02-20")
	idCarla := richiestaInviata(t, ta, carla, files)
	protMario, protAnna, protCarla := protocollo(t, ta, idMario), protocollo(t, ta, idAnna), protocollo(t, ta, idCarla)
	for _, o := range []struct{ nome, cognome string }{{"Lucia", "Neri"}, {"Paolo", "Gialli"}} {
		ta.CreaUtenteConTOTP(t, domain.Utente{Ruolo: domain.RuoloOperatore, Email: strings.ToLower(o.nome+"."+o.cognome) + "@inail.test",
			Nome: o.nome, Cognome: o.cognome, Sede: "PI"}, passwordOperatore)
	}

	b := newBrowser(t, ta.URL)

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

	// The request, opened from the queue: opening a free request takes it
	// in charge.
	revisione := "/operatore/richieste/" + strconv.FormatUint(idMario, 10)
	b.submit("#coda-risultati form[action='" + revisione + "/apri'] button[type=submit]")
	if b.location() != revisione {
		t.Fatalf("opening the request: at %s", b.location())
	}
	if got := b.text("main"); !strings.Contains(got, "In lavorazione") || !strings.Contains(got, "In carico a Lucia Neri") {
		t.Fatalf("after opening it from the queue: %q", got)
	}
	b.page("revisione")

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
	b.clicca("#decisione-respingi summary")
	b.check("#motivo-dati_non_corrispondenti")
	b.fill("#nota", nota)
	b.page("revisione-respingi")
	// The server checks the rejection first, then a dialog confirms it.
	b.clicca("form[action='" + revisione + "/respingi'] button[type=submit]")
	b.waitFor("the dialog confirming the rejection", `document.querySelector("#modale-conferma.show") !== null`)
	if q := b.text("#modale-conferma"); !strings.Contains(q, "Respingere la richiesta "+protMario) || !strings.Contains(q, "Dati anagrafici non corrispondenti al documento") || !strings.Contains(q, nota) {
		t.Fatalf("the confirmation asked before rejecting: %q", q)
	}
	b.page("revisione-conferma-rifiuto")
	b.submit("#modale-conferma button[type=submit]")
	esito := b.text("#pannello-decisione .esito-revisione")
	for _, want := range []string{"Respinta", "Dati anagrafici non corrispondenti al documento", nota, "Lucia Neri"} {
		if !strings.Contains(esito, want) {
			t.Fatalf("the outcome shown to the operator lacks %q: %q", want, esito)
		}
	}
	if b.conta("form[action$='/respingi'], form[action$='/approva']") != 0 {
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

	// Filing it again: everything is carried over, files included, and the
	// step the reason points to says what to correct. Mario retypes
	// nothing: three clicks from the rejected request to a new submission.
	azioni := 0
	b.submit("form[action='/richieste'] input[name=da][value='" + strconv.FormatUint(idMario, 10) + "'] ~ button[type=submit]")
	azioni++
	m := regexp.MustCompile(`^/richieste/(\d+)/passo/anagrafica$`).FindStringSubmatch(b.location())
	if m == nil || m[1] == strconv.FormatUint(idMario, 10) {
		t.Fatalf("Presenta una nuova richiesta: at %s", b.location())
	}
	for sel, want := range map[string]string{"#codice_fiscale": mario.CF, "#cognome": "Rossi", "#res_comune": "Pisa", "#email": mario.Email} {
		if got := b.value(sel); got != want {
			t.Fatalf("the new draft's %s: %q, want %q", sel, got, want)
		}
	}
	if segnalato := b.text(".callout.warning"); !strings.Contains(segnalato, "Dati anagrafici non corrispondenti al documento") || !strings.Contains(segnalato, nota) {
		t.Fatalf("the step the rejection points to does not say so: %q", segnalato)
	}
	b.page("nuova-bozza-anagrafica")
	b.submit("a[href='/richieste/" + m[1] + "/passo/riepilogo']")
	azioni++
	b.page("nuova-bozza-riepilogo")
	b.submit("form[action='/richieste/" + m[1] + "/invia'] button[type=submit]")
	azioni++
	nuova, _ := strconv.ParseUint(m[1], 10, 64)
	r, err := ta.App.Store.Richiesta(nuova)
	if err != nil || r.Stato != domain.StatoInviata || len(r.Allegati) != len(domain.TipiAllegato) || r.Documento.Numero == "" || r.Precedente != idMario {
		t.Fatalf("the request filed again: %+v, %v", r, err)
	}
	if azioni > 3 {
		t.Errorf("filing a rejected request again took %d actions, want at most 3 and nothing typed", azioni)
	}
	b.esci()

	// A colleague approves Anna's clean request in three actions from the
	// queue: open it (which takes it in charge), Approva, and confirm in the
	// dialog, which attests the checks not ticked one by one.
	if dove := b.accedi(ta, "collega", "paolo.gialli@inail.test", passwordOperatore); dove != "/operatore" {
		t.Fatalf("the colleague after login: at %s", dove)
	}
	revisione = "/operatore/richieste/" + strconv.FormatUint(idAnna, 10)
	azioni = 0
	b.submit("#coda-risultati form[action='" + revisione + "/apri'] button[type=submit]")
	azioni++
	if got := b.text("main"); !strings.Contains(got, "In carico a Paolo Gialli") {
		t.Fatalf("after opening it, the colleague's: %q", got)
	}
	b.page("revisione-anna")
	b.clicca("form[action='" + revisione + "/approva'] button[type=submit]")
	azioni++
	b.waitFor("the dialog confirming the approval", `document.querySelector("#modale-conferma.show") !== null`)
	q := b.text("#modale-conferma")
	for _, want := range []string{"Approvare la richiesta " + protAnna, "Confermando attesti di aver svolto questi controlli",
		"I dati dichiarati corrispondono al documento", "Il modulo è firmato", anna.Email, "Attesto i controlli e approvo"} {
		if !strings.Contains(q, want) {
			t.Fatalf("the confirmation asked before approving lacks %q: %q", want, q)
		}
	}
	b.page("revisione-conferma-approvazione")
	b.submit("#modale-conferma button[type=submit]")
	azioni++
	r, err = ta.App.Store.Richiesta(idAnna)
	if err != nil || r.Stato != domain.StatoApprovata || r.Esito == nil || r.Esito.CodiceMedico == "" || !r.Checklist.Completa(r.Profilo) {
		t.Fatalf("Anna's request after approval: %+v, %v", r, err)
	}
	if azioni > 3 {
		t.Errorf("a clean approval took %d actions from the queue, want at most 3", azioni)
	}
	codice := r.Esito.CodiceMedico
	esito = b.text("#pannello-decisione .esito-revisione")
	if !strings.Contains(esito, "Approvata") || !strings.Contains(esito, codice) || !strings.Contains(esito, "Paolo Gialli") {
		t.Fatalf("the outcome shown to the operator: %q", esito)
	}
	b.page("revisione-approvata")

	// "Prossima richiesta" opens the next free one, Carla's, in charge.
	b.submit("form[action='/operatore/prossima'] button[type=submit]")
	if dove := b.location(); dove != "/operatore/richieste/"+strconv.FormatUint(idCarla, 10) {
		t.Fatalf("Prossima richiesta: at %s", dove)
	}
	if got := b.text("main"); !strings.Contains(got, protCarla) || !strings.Contains(got, "In carico a Paolo Gialli") {
		t.Fatalf("the next request: %q", got)
	}
	// The checks may still be ticked one by one, each saved at once.
	b.aggiorna("#verifica-dati_corrispondenti", "#checklist", `e.querySelector("#verifica-dati_corrispondenti").checked && e.textContent.includes("Verifica salvata")`)
	if r, _ := ta.App.Store.Richiesta(idCarla); !r.Checklist.DatiCorrispondenti || r.Checklist.DocumentoValido {
		t.Fatalf("Carla's checklist after one tick: %+v", r.Checklist)
	}
	b.page("revisione-prossima")

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
