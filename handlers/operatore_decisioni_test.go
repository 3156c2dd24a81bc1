package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/store"
)

// Taking in charge and the three decisions, with the applicant's mail.

func TestOperatorePresaInCaricoConcorrente(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	laura, uLaura := nuovoOperatore(t, app, "Laura", "Pisani", "PI")
	paolo, uPaolo := nuovoOperatore(t, app, "Paolo", "Pisacane", "PI")
	nomi := map[uint64]string{uLaura.ID: "Laura Pisani", uPaolo.ID: "Paolo Pisacane"}
	for i := range 5 {
		r := inviataNelloStore(t, app, domanda{Cognome: "Conteso", Nome: "Utente" + strings.Repeat("o", i+1), Sede: "PI"})
		var wg sync.WaitGroup
		risposte := make([]risposta, 2)
		for j, v := range []*visitatore{laura, paolo} {
			wg.Go(func() { risposte[j] = v.post(urlOperatore(r.ID, "prendi"), nil) })
		}
		wg.Wait()
		stored := mustRichiesta(t, app, r.ID)
		if stored.Stato != domain.StatoInLavorazione {
			t.Fatalf("state %s", stored.Stato)
		}
		var ok, rifiuti int
		for _, res := range risposte {
			switch res.Status {
			case http.StatusSeeOther:
				ok++
			case http.StatusConflict:
				rifiuti++
				if want := "La richiesta è già stata presa in carico da " + nomi[stored.Operatore] + "."; !strings.Contains(res.Testo, want) {
					t.Errorf("refusal without %q:\n%s", want, estratto(res.Testo))
				}
			default:
				t.Errorf("status %d", res.Status)
			}
		}
		if ok != 1 || rifiuti != 1 {
			t.Fatalf("%d successes and %d refusals, want one each", ok, rifiuti)
		}
		if n := len(stored.Storia); n != 2 {
			t.Errorf("%d history entries, want 2 (submission, taking in charge)", n)
		}
		ee, err := app.App.Store.EventiAudit(store.FiltroAudit{Richiesta: r.ID})
		if err != nil || len(ee) != 1 || ee[0].Azione != domain.AuditPresaInCarico || ee[0].Chi != stored.Operatore {
			t.Errorf("audit %+v, %v", ee, err)
		}
	}
	t.Run("di nuovo, da chi l'ha già", func(t *testing.T) {
		r := inviataNelloStore(t, app, domanda{Cognome: "Ripetuto", Nome: "Utente", Sede: "PI"})
		laura.prendi(r.ID)
		vuole(t, laura.post(urlOperatore(r.ID, "prendi"), nil), http.StatusSeeOther, urlOperatore(r.ID, ""))
		controlla(t, laura.get(urlOperatore(r.ID, "")), http.StatusOK, "", []string{"La richiesta è già in carico a te."}, nil)
	})
}

func TestDecisioneApprova(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	id := nuovoRichiedente(t, app, p).richiestaInviata(p)
	op, u := nuovoOperatore(t, app, "Laura", "Pisani", "PI")
	op.prendi(id)

	prima := salvata(t, app, id)
	// Asked first, the server checks the decision and asks to confirm it,
	// listing the checks the operator attests by confirming.
	controlla(t, op.post(urlOperatore(id, "approva"), nil), http.StatusOK, "",
		[]string{"Approvare la richiesta", "Confermando attesti di aver svolto questi controlli", "Il documento è valido e leggibile",
			"L&#39;iscrizione all&#39;Ordine dei Medici è plausibile", `name="attesto" value="si"`, `name="conferma" value="si"`, "Attesto i controlli e approvo",
			"Le credenziali vanno all&#39;account con l&#39;indirizzo mario.rossi@example.it", "Al medico è assegnato il codice medico"},
		[]string{`class="modal fade"`})
	modale := op.post(urlOperatore(id, "approva"), nil, "HX-Request", "true")
	controlla(t, modale, http.StatusOK, "", []string{`class="modal fade"`, `id="modale-conferma"`, "Attesto i controlli e approvo"}, []string{"<html", "<main"})
	// Confirmed without the attestation and without the ticks, it is refused.
	controlla(t, op.post(urlOperatore(id, "approva"), url.Values{"conferma": {"si"}}), http.StatusUnprocessableEntity, "",
		[]string{"Per approvare spunta tutte le voci della verifica e salvala."}, nil)
	if salvata(t, app, id) != prima {
		t.Fatal("a refused or unconfirmed approval changed the request")
	}
	// The page of the refusal is at the address posted to: reloading it opens
	// the review page, never a 404; htmx gets the decision panel with the error.
	vuole(t, op.get(urlOperatore(id, "approva")), http.StatusSeeOther, urlOperatore(id, ""))
	if r := op.post(urlOperatore(id, "approva"), url.Values{"conferma": {"si"}}, "HX-Request", "true"); r.Status != http.StatusUnprocessableEntity ||
		r.Header.Get("HX-Retarget") != "#pannello-decisione" || !strings.Contains(r.Body, `id="pannello-decisione"`) || strings.Contains(r.Body, "<main") {
		t.Errorf("htmx refusal: %d, HX-Retarget %q", r.Status, r.Header.Get("HX-Retarget"))
	}
	vuole(t, op.post(urlOperatore(id, "approva"), url.Values{"conferma": {"si"}, "attesto": {"si"}}), http.StatusSeeOther, urlOperatore(id, ""))
	r := mustRichiesta(t, app, id)
	if r.Stato != domain.StatoApprovata || r.Esito == nil || r.Esito.Chi != u.ID || !strings.HasPrefix(r.Esito.CodiceMedico, "MED") {
		t.Fatalf("state %s, outcome %+v", r.Stato, r.Esito)
	}
	if r.Checklist != domain.ChecklistCompleta(r.Profilo) {
		t.Errorf("checks attested on confirmation not recorded: %+v", r.Checklist)
	}
	controlla(t, op.get(urlOperatore(id, "")), http.StatusOK, "", []string{"approvata. Codice medico assegnato: " + r.Esito.CodiceMedico, "Codice medico", "Laura Pisani", "Prossima richiesta"},
		[]string{">Approva</button>"})
	m := attendi(t, app.SMTP, p.Email, r.Protocollo+" approvata")
	for _, want := range []string{"Gentile Mario Rossi", "è stata approvata", "Codice medico: " + r.Esito.CodiceMedico, "con un messaggio separato"} {
		if !strings.Contains(m.Text(), want) {
			t.Errorf("mail without %q:\n%s", want, m.Text())
		}
	}
	ee, err := app.App.Store.EventiAudit(store.FiltroAudit{Richiesta: id, Chi: u.ID})
	if err != nil || ee[0].Azione != domain.AuditDecisione || ee[0].Dettaglio != "approvata; verifica alla conferma: dati_corrispondenti, documento_valido, modulo_firmato, ordine_plausibile" {
		t.Errorf("audit %+v, %v", ee, err)
	}
	vuole(t, op.post(urlOperatore(id, "respingi"), url.Values{"motivi": {"altro"}, "nota": {"ripensamento"}, "conferma": {"si"}}), http.StatusConflict)
}

func TestDecisioneRespingi(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	id := nuovoRichiedente(t, app, p).richiestaConPEC(p, pecMario)
	op, _ := nuovoOperatore(t, app, "Laura", "Pisani", "PI")
	op.prendi(id)
	prima := salvata(t, app, id)

	for _, sc := range []struct {
		name  string
		form  url.Values
		campo string
		msg   string
	}{
		{"nessun motivo", url.Values{"nota": {"Manca tutto"}}, "motivi", "Indica almeno un motivo del rifiuto."},
		{"motivo inventato", url.Values{"motivi": {"antipatia"}}, "motivi", "Motivo non valido."},
		{"altro senza testo", url.Values{"motivi": {"altro"}}, "nota", "Spiega il motivo «Altro» nel testo."},
		{"markup nel testo", url.Values{"motivi": {"documento"}, "nota": {"<b>no</b>"}}, "nota", "I caratteri < e > non sono ammessi."},
	} {
		t.Run(sc.name, func(t *testing.T) {
			res := op.post(urlOperatore(id, "respingi"), sc.form)
			vuole(t, res, http.StatusUnprocessableEntity)
			if got := erroreCampo(res.Body, sc.campo); got != sc.msg {
				t.Errorf("error of %s %q, want %q", sc.campo, got, sc.msg)
			}
			if salvata(t, app, id) != prima {
				t.Fatal("a refused rejection changed the request")
			}
		})
	}
	const nota = "La data di nascita dichiarata non coincide con quella del documento."
	motivi := url.Values{"motivi": {"dati_non_corrispondenti", "modulo_non_firmato"}, "nota": {nota}}
	controlla(t, op.post(urlOperatore(id, "respingi"), motivi), http.StatusOK, "",
		[]string{"Respingere la richiesta", "Dati anagrafici non corrispondenti al documento", "Modulo non firmato", nota,
			`name="motivi" value="modulo_non_firmato"`, `name="conferma" value="si"`, "riceverà l&#39;esito per e-mail e PEC"}, nil)
	if salvata(t, app, id) != prima {
		t.Fatal("an unconfirmed rejection changed the request")
	}
	motivi.Set("conferma", "si")
	vuole(t, op.post(urlOperatore(id, "respingi"), motivi), http.StatusSeeOther, urlOperatore(id, ""))
	r := mustRichiesta(t, app, id)
	if r.Stato != domain.StatoRespinta || r.Esito == nil || len(r.Esito.Motivi) != 2 || r.Esito.Nota != nota {
		t.Fatalf("state %s, outcome %+v", r.Stato, r.Esito)
	}
	email := attendi(t, app.SMTP, p.Email, r.Protocollo+" non accolta")
	pec := attendi(t, app.PEC, pecMario, r.Protocollo+" non accolta")
	for _, m := range []string{email.Text(), pec.Text()} {
		for _, want := range []string{"Dati anagrafici non corrispondenti al documento", "Modulo non firmato", nota, "Sede di Pisa"} {
			if !strings.Contains(m, want) {
				t.Errorf("message without %q:\n%s", want, m)
			}
		}
	}
	ee, err := app.App.Store.EventiAudit(store.FiltroAudit{Richiesta: id})
	if err != nil || ee[0].Azione != domain.AuditDecisione || ee[0].Dettaglio != "respinta: dati_non_corrispondenti, modulo_non_firmato" {
		t.Errorf("audit %+v, %v", ee[0], err)
	}
	controlla(t, op.get(urlOperatore(id, "")), http.StatusOK, "", []string{"Esito", "Dati anagrafici non corrispondenti al documento", nota}, []string{"Respingi la richiesta"})
}

func TestDecisioneIntegrazione(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	id := nuovoRichiedente(t, app, p).richiestaInviata(p)
	op, _ := nuovoOperatore(t, app, "Laura", "Pisani", "PI")
	op.prendi(id)

	res := op.post(urlOperatore(id, "integrazione"), url.Values{"messaggio": {"   "}})
	vuole(t, res, http.StatusUnprocessableEntity)
	if got := erroreCampo(res.Body, "messaggio"); got != "Scrivi che cosa deve integrare il richiedente." {
		t.Errorf("error %q", got)
	}
	const msg = "Il retro del documento è illeggibile.\nCarica una scansione più nitida."
	vuole(t, op.post(urlOperatore(id, "integrazione"), url.Values{"messaggio": {msg}}), http.StatusSeeOther, urlOperatore(id, ""))
	r := mustRichiesta(t, app, id)
	if r.Stato != domain.StatoIntegrazioneRichiesta || len(r.Integrazioni) != 1 || r.Integrazioni[0].Messaggio != msg || r.Integrazioni[0].Chiesta.IsZero() {
		t.Fatalf("state %s, integrations %+v", r.Stato, r.Integrazioni)
	}
	m := attendi(t, app.SMTP, p.Email, r.Protocollo+": servono integrazioni")
	for _, want := range []string{msg, app.URL + urlRichiesta(id)} {
		if !strings.Contains(m.Text(), want) {
			t.Errorf("mail without %q:\n%s", want, m.Text())
		}
	}
	if n := len(app.PEC.Messages()); n != 0 {
		t.Errorf("%d PEC messages for an applicant without PEC", n)
	}
	controlla(t, op.get(urlOperatore(id, "")), http.StatusOK, "", []string{"Integrazioni", "Il retro del documento è illeggibile.", "In attesa di risposta"}, nil)

	// The applicant's answer (written by its own handler) shows on the page.
	app.AggiornaRichiesta(t, id, func(x *domain.Richiesta) error {
		i := x.UltimaIntegrazione()
		i.Risposta, i.Risposto, i.Sostituito = "Ecco la nuova scansione.", i.Chiesta, string(domain.AllegatoDocumentoRetro)
		return nil
	})
	controlla(t, op.get(urlOperatore(id, "")), http.StatusOK, "", []string{"Ecco la nuova scansione.", "File sostituito con la risposta: Documento di riconoscimento (retro)"}, []string{"In attesa di risposta"})
}

func TestDecisioneNonAmmessa(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	richiedente := nuovoRichiedente(t, app, p)
	id := richiedente.richiestaInviata(p)
	laura, _ := nuovoOperatore(t, app, "Laura", "Pisani", "PI")
	paolo, _ := nuovoOperatore(t, app, "Paolo", "Pisacane", "PI")
	marco, _ := nuovoOperatore(t, app, "Marco", "Milanesi", "MI")
	admin := amministratore(t, app)

	decisioni := map[string]url.Values{
		"approva":      nil,
		"respingi":     {"motivi": {"altro"}, "nota": {"no"}},
		"integrazione": {"messaggio": {"Serve altro."}},
		"checklist":    {"dati_corrispondenti": {"si"}},
	}
	prova := func(t *testing.T, v *visitatore, status int) {
		t.Helper()
		prima := salvata(t, app, id)
		for azione, form := range decisioni {
			if r := v.post(urlOperatore(id, azione), form); r.Status != status {
				t.Errorf("%s: status %d, want %d", azione, r.Status, status)
			}
		}
		if salvata(t, app, id) != prima {
			t.Fatal("a refused decision changed the request")
		}
	}
	t.Run("non ancora in carico", func(t *testing.T) { prova(t, laura, http.StatusForbidden) })
	t.Run("altra sede non la prende", func(t *testing.T) {
		vuole(t, marco.post(urlOperatore(id, "prendi"), nil), http.StatusNotFound)
	})
	laura.prendi(id)
	t.Run("altra sede", func(t *testing.T) { prova(t, marco, http.StatusNotFound) })
	t.Run("collega non assegnato", func(t *testing.T) { prova(t, paolo, http.StatusForbidden) })
	t.Run("amministratore", func(t *testing.T) { prova(t, admin, http.StatusForbidden) })
	t.Run("richiedente", func(t *testing.T) { prova(t, richiedente, http.StatusForbidden) })
	t.Run("senza token CSRF", func(t *testing.T) {
		prima := salvata(t, app, id)
		vuole(t, laura.post(urlOperatore(id, "approva"), url.Values{"_csrf": {""}}), http.StatusForbidden)
		if salvata(t, app, id) != prima {
			t.Fatal("changed without a CSRF token")
		}
	})
}

func TestOperatorePostaInUscita(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	id := nuovoRichiedente(t, app, p).richiestaConPEC(p, pecMario)
	laura, _ := nuovoOperatore(t, app, "Laura", "Pisani", "PI")
	marco, _ := nuovoOperatore(t, app, "Marco", "Milanesi", "MI")
	laura.prendi(id)
	vuole(t, laura.post(urlOperatore(id, "respingi"), url.Values{"motivi": {"documento"}, "conferma": {"si"}}), http.StatusSeeOther)
	r := mustRichiesta(t, app, id)
	attendi(t, app.PEC, pecMario, "non accolta")
	attendi(t, app.SMTP, p.Email, "non accolta")

	// The worker marks a message sent just after the relay took it.
	app.AttendiPostaSpedita(t)
	controlla(t, laura.get("/operatore/posta"), http.StatusOK, "", []string{
		"Posta in uscita", r.Protocollo, "Richiesta " + r.Protocollo + " ricevuta", "Richiesta " + r.Protocollo + " non accolta",
		pecMario, "PEC", "Consegnato", `scope="col"`,
	}, []string{"Conferma il tuo indirizzo"})
	controlla(t, marco.get("/operatore/posta"), http.StatusOK, "", []string{"Nessun messaggio"}, []string{r.Protocollo, p.Email})
	controlla(t, amministratore(t, app).get("/operatore/posta"), http.StatusOK, "", []string{r.Protocollo, "Conferma il tuo indirizzo"}, nil)
}
