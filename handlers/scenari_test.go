package handlers_test

import (
	"bytes"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/internal/testsmtp"
	"abilita/security"
	"abilita/store"
)

// Path C of DESIGN.md §1, from registration to submission, as a browser
// without JavaScript walks it.

func TestRegistrazioneRifiutaDatiNonValidi(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	v := nuovoVisitatore(t, app)
	p := mario()
	con := func(campo, valore string) url.Values {
		f := moduloRegistrazione(p)
		if valore == "" {
			f.Del(campo)
		} else {
			f.Set(campo, valore)
		}
		return f
	}
	conPassword := func(pw string) url.Values {
		f := moduloRegistrazione(p)
		f.Set("password", pw)
		f.Set("conferma", pw)
		return f
	}
	cases := []struct {
		scenario
		campo string // where the message must be shown
	}{
		{scenario{name: "carattere di controllo errato", form: con("codice_fiscale", "RSSMRA85T10A562T"),
			wantContains: []string{"Il carattere di controllo del codice fiscale non è corretto."}}, "codice_fiscale"},
		{scenario{name: "cognome diverso dal codice fiscale", form: con("cognome", "Bianchi"),
			wantContains: []string{"Il cognome non corrisponde al codice fiscale."}}, "cognome"},
		{scenario{name: "password corta", form: conPassword("corta"),
			wantContains: []string{"La password deve contenere almeno 15 caratteri."}}, "password"},
		{scenario{name: "password con la parola inail", form: conPassword("la mia password inail segreta"),
			wantContains: []string{"La password non può contenere la parola «inail»."}}, "password"},
		{scenario{name: "conferma diversa", form: con("conferma", "una frase completamente diversa"),
			wantContains: []string{"Le due password non coincidono."}}, "conferma"},
		{scenario{name: "informativa privacy non letta", form: con("privacy", ""),
			wantContains: []string{"Per registrarti devi dichiarare di aver letto l'informativa privacy."}}, "privacy"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.method, tc.url, tc.wantStatus = http.MethodPost, "/registrazione", http.StatusUnprocessableEntity
			tc.wantNotContains = []string{p.Password}
			r := tc.esegui(t, v)
			if got := erroreCampo(r.Body, tc.campo); got != tc.wantContains[0] {
				t.Errorf("error next to %s is %q, want %q", tc.campo, got, tc.wantContains[0])
			}
			if !strings.Contains(r.Body, `value="`+p.Email+`"`) {
				t.Error("the e-mail typed is not kept in the form")
			}
			if _, err := app.App.Store.UtentePerEmail(p.Email); domain.CodiceDi(err) != domain.ErrNonTrovato {
				t.Errorf("a refused registration stored a user (err %v)", err)
			}
		})
	}
}

func TestRegistrazioneConEmailGiaUsata(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	primo := nuovoVisitatore(t, app)
	r1 := primo.post("/registrazione", moduloRegistrazione(p))
	vuole(t, r1, http.StatusOK)

	// Someone else tries the same address: same page, and the owner of the
	// address is told by e-mail.
	altro := anna()
	altro.Email = strings.ToUpper(p.Email)
	r2 := nuovoVisitatore(t, app).post("/registrazione", moduloRegistrazione(altro))
	vuole(t, r2, http.StatusOK)
	if a, b := senzaSegreti(r1.Body), senzaSegreti(r2.Body); a != b {
		t.Errorf("a registration with a used address gets another page:\nfirst:  %s\nsecond: %s", estratto(a), estratto(b))
	}
	app.SMTP.WaitFor(t, 10*time.Second, func(m testsmtp.Message) bool {
		return strings.Contains(strings.Join(m.To, ","), p.Email) && strings.Contains(m.Subject(), "Tentativo di registrazione")
	})
	conferme := 0
	for _, m := range app.SMTP.Messages() {
		if strings.Contains(m.Subject(), "Conferma il tuo indirizzo") {
			conferme++
		}
	}
	if conferme != 1 {
		t.Errorf("%d verification mails, want 1", conferme)
	}
	u, err := app.App.Store.UtentePerEmail(p.Email)
	if err != nil || u.CodiceFiscale != p.CF {
		t.Errorf("the account was changed by the second registration: %+v, %v", u, err)
	}
}

func TestVerificaEmailUnaSolaVolta(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoVisitatore(t, app)
	vuole(t, v.post("/registrazione", moduloRegistrazione(p)), http.StatusOK)
	tok := tokenDi(t, app.WaitLink(t, p.Email, "Conferma il tuo indirizzo", "/verifica-email"))

	// A GET (a mail scanner) changes nothing.
	r := v.get("/verifica-email?t=" + url.QueryEscape(tok))
	controlla(t, r, http.StatusOK, "", []string{"Conferma l'indirizzo e-mail"}, nil)
	if u, _ := app.App.Store.UtentePerEmail(p.Email); u.Verificato() {
		t.Fatal("opening the link verified the address without pressing the button")
	}
	r = v.post("/verifica-email", url.Values{"t": {tok}})
	vuole(t, r, http.StatusSeeOther, "/accedi")
	if u, _ := app.App.Store.UtentePerEmail(p.Email); !u.Verificato() {
		t.Fatal("the address is not verified")
	}
	for _, sc := range []scenario{
		{name: "secondo uso", method: http.MethodPost, url: "/verifica-email", form: url.Values{"t": {tok}},
			wantStatus: http.StatusUnprocessableEntity, wantContains: []string{"non è valido"}},
		{name: "pagina del collegamento usato", url: "/verifica-email?t=" + url.QueryEscape(tok),
			wantStatus: http.StatusOK, wantContains: []string{"non è valido"}, wantNotContains: []string{`name="t"`}},
		{name: "collegamento inventato", method: http.MethodPost, url: "/verifica-email", form: url.Values{"t": {security.NewToken()}},
			wantStatus: http.StatusUnprocessableEntity, wantContains: []string{"non è valido"}},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.esegui(t, v) })
	}
}

func TestVerificaEmailCollegamentoScaduto(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoVisitatore(t, app)
	vuole(t, v.post("/registrazione", moduloRegistrazione(p)), http.StatusOK)
	u, err := app.App.Store.UtentePerEmail(p.Email)
	if err != nil {
		t.Fatal(err)
	}
	tok := security.NewToken()
	now := time.Now()
	err = app.App.Store.CreaToken(security.HashToken(tok), store.Token{Scopo: store.ScopoVerificaEmail, UtenteID: u.ID, Creato: now.Add(-48 * time.Hour), Scade: now.Add(-time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range []scenario{
		{name: "pagina", url: "/verifica-email?t=" + url.QueryEscape(tok), wantStatus: http.StatusOK,
			wantContains: []string{"Il collegamento non è valido o è scaduto."}, wantNotContains: []string{"Conferma l&#39;indirizzo e-mail</button>"}},
		{name: "conferma", method: http.MethodPost, url: "/verifica-email", form: url.Values{"t": {tok}},
			wantStatus: http.StatusUnprocessableEntity, wantContains: []string{"Il collegamento non è valido o è scaduto."}},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.esegui(t, v) })
	}
	if u, _ := app.App.Store.UtentePerEmail(p.Email); u.Verificato() {
		t.Error("an expired link verified the address")
	}
}

func TestUtenteNonVerificatoNonPuoPresentareRichieste(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoVisitatore(t, app)
	vuole(t, v.post("/registrazione", moduloRegistrazione(p)), http.StatusOK)
	v.accedi(p.Email, p.Password)
	for _, sc := range []scenario{
		{name: "nuova richiesta", method: http.MethodPost, url: "/richieste", wantStatus: http.StatusForbidden,
			wantContains: []string{"conferma il tuo indirizzo e-mail"}},
		{name: "elenco con l'avviso", url: "/richieste", wantStatus: http.StatusOK,
			wantContains: []string{"conferma prima il tuo indirizzo e-mail"}, wantNotContains: []string{`action="/richieste"`}},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.esegui(t, v) })
	}
	u, _ := app.App.Store.UtentePerEmail(p.Email)
	if rr, err := app.App.Store.RichiesteUtente(u.ID); err != nil || len(rr) != 0 {
		t.Errorf("requests of an unverified user: %d, %v", len(rr), err)
	}
}

func TestAccessoFallitoNonRivelaGliUtenti(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	registra(t, app, nuovoVisitatore(t, app), p)
	const ignoto = "nessuno.qui@example.it"

	v := nuovoVisitatore(t, app)
	sbagliata := v.post("/accedi", url.Values{"email": {p.Email}, "password": {"una password sbagliata qualsiasi"}})
	sconosciuto := nuovoVisitatore(t, app).post("/accedi", url.Values{"email": {ignoto}, "password": {"una password sbagliata qualsiasi"}})
	for _, r := range []risposta{sbagliata, sconosciuto} {
		controlla(t, r, http.StatusUnauthorized, "", []string{"Indirizzo e-mail o password non corretti."}, nil)
		if r.Header.Get("Set-Cookie") != "" && strings.Contains(r.Header.Get("Set-Cookie"), "abilita_sessione=") &&
			!strings.Contains(r.Header.Get("Set-Cookie"), "abilita_sessione=;") {
			t.Errorf("a failed login set a session cookie: %s", r.Header.Get("Set-Cookie"))
		}
	}
	if a, b := senzaSegreti(sbagliata.Body, p.Email), senzaSegreti(sconosciuto.Body, ignoto); a != b {
		t.Errorf("wrong password and unknown user get different pages:\n%s\n%s", estratto(a), estratto(b))
	}
	vuole(t, v.get("/area"), http.StatusSeeOther, "/accedi")
}

func TestEsciChiudeLaSessione(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	vuole(t, v.get("/area"), http.StatusOK)
	vecchia := v.cookie("abilita_sessione")
	if vecchia == "" {
		t.Fatal("no session cookie after login")
	}
	vuole(t, v.post("/esci", nil), http.StatusSeeOther, "/")
	vuole(t, v.get("/area"), http.StatusSeeOther, "/accedi")

	// Whoever kept the old cookie is not logged in either.
	ladro := nuovoVisitatore(t, app)
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(app.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: "abilita_sessione", Value: vecchia, Path: "/"}})
	ladro.c.Jar = jar
	vuole(t, ladro.get("/area"), http.StatusSeeOther, "/accedi")
	vuole(t, ladro.get("/richieste"), http.StatusSeeOther, "/accedi")
}

func TestReimpostazionePassword(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	sessione := nuovoRichiedente(t, app, p)
	vuole(t, sessione.get("/area"), http.StatusOK)

	v := nuovoVisitatore(t, app)
	noto := v.post("/password-dimenticata", url.Values{"email": {p.Email}})
	ignoto := v.post("/password-dimenticata", url.Values{"email": {"nessuno.qui@example.it"}})
	vuole(t, noto, http.StatusOK)
	vuole(t, ignoto, http.StatusOK)
	if a, b := senzaSegreti(noto.Body, p.Email), senzaSegreti(ignoto.Body, "nessuno.qui@example.it"); a != b {
		t.Errorf("the reset page tells registered addresses from others:\n%s\n%s", estratto(a), estratto(b))
	}
	tok := tokenDi(t, app.WaitLink(t, p.Email, "Reimpostazione della password", "/reimposta-password"))

	const nuova = "lanterna sentiero nebbia mattino"
	for _, sc := range []scenario{
		{name: "pagina", url: "/reimposta-password?t=" + url.QueryEscape(tok), wantStatus: http.StatusOK,
			wantContains: []string{"Salva la nuova password"}},
		{name: "password troppo corta", method: http.MethodPost, url: "/reimposta-password",
			form: url.Values{"t": {tok}, "password": {"corta"}, "conferma": {"corta"}}, wantStatus: http.StatusUnprocessableEntity,
			wantContains: []string{"La password deve contenere almeno 15 caratteri."}},
		{name: "nuova password", method: http.MethodPost, url: "/reimposta-password",
			form: url.Values{"t": {tok}, "password": {nuova}, "conferma": {nuova}}, wantStatus: http.StatusSeeOther, wantLocation: "/accedi"},
		{name: "collegamento già usato", method: http.MethodPost, url: "/reimposta-password",
			form:       url.Values{"t": {tok}, "password": {"altra frase ancora diversa"}, "conferma": {"altra frase ancora diversa"}},
			wantStatus: http.StatusUnprocessableEntity, wantContains: []string{"Il collegamento non è valido o è scaduto."}},
		{name: "vecchia password", method: http.MethodPost, url: "/accedi", form: url.Values{"email": {p.Email}, "password": {p.Password}},
			wantStatus: http.StatusUnauthorized},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.esegui(t, v) })
	}
	t.Run("sessioni chiuse", func(t *testing.T) {
		vuole(t, sessione.get("/area"), http.StatusSeeOther, "/accedi")
	})
	t.Run("nuova password funziona", func(t *testing.T) {
		w := nuovoVisitatore(t, app)
		w.accedi(p.Email, nuova)
		vuole(t, w.get("/area"), http.StatusOK)
	})
}

func TestPassiDellaRichiesta(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	id := v.nuovaBozza()
	dati := datiPassi(p, time.Now())
	vuole(t, v.post(urlPasso(id, domain.PassoProfilo), dati[domain.PassoProfilo]), http.StatusSeeOther, urlPasso(id, domain.PassoAnagrafica))

	anagrafica := func(campo, valore string) url.Values {
		f := cloneValues(dati[domain.PassoAnagrafica])
		f.Set("res_indirizzo", "Via delle Prove 7")
		f.Set(campo, valore)
		return f
	}
	t.Run("codice fiscale con carattere di controllo errato", func(t *testing.T) {
		r := v.post(urlPasso(id, domain.PassoAnagrafica), anagrafica("codice_fiscale", "RSSMRA85T10A562T"))
		vuole(t, r, http.StatusUnprocessableEntity)
		if got := erroreCampo(r.Body, "codice_fiscale"); got != "Il carattere di controllo del codice fiscale non è corretto." {
			t.Errorf("error next to codice_fiscale: %q", got)
		}
	})
	t.Run("codice fiscale di un'altra persona", func(t *testing.T) {
		r := v.post(urlPasso(id, domain.PassoAnagrafica), anagrafica("codice_fiscale", anna().CF))
		vuole(t, r, http.StatusUnprocessableEntity)
		if got := erroreCampo(r.Body, "cognome"); !strings.HasPrefix(got, "Il cognome non corrisponde al codice fiscale") {
			t.Errorf("error next to cognome: %q", got)
		}
	})
	t.Run("la bozza conserva quanto scritto", func(t *testing.T) {
		r, err := app.App.Store.Richiesta(id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Anagrafica.CodiceFiscale != anna().CF || r.Residenza.Indirizzo != "Via delle Prove 7" {
			t.Errorf("stored draft: codice fiscale %q, indirizzo %q", r.Anagrafica.CodiceFiscale, r.Residenza.Indirizzo)
		}
		controlla(t, v.get(urlPasso(id, domain.PassoAnagrafica)), http.StatusOK, "",
			[]string{`value="` + anna().CF + `"`, `value="Via delle Prove 7"`}, nil)
	})
	t.Run("controllo in linea", func(t *testing.T) {
		prima := salvata(t, app, id)
		r := v.post(urlPasso(id, domain.PassoAnagrafica)+"/verifica", url.Values{"codice_fiscale": {"RSSMRA85T10A562T"}, "cognome": {"Rossi"}},
			"HX-Request", "true")
		vuole(t, r, http.StatusOK)
		oob := regexp.MustCompile(`<div id="codice_fiscale-errore"[^>]*hx-swap-oob="true"[^>]*>`)
		if !oob.MatchString(r.Body) {
			t.Errorf("no out-of-band error element for codice_fiscale:\n%s", r.Body)
		}
		if got := erroreCampo(r.Body, "codice_fiscale"); got != "Il carattere di controllo del codice fiscale non è corretto." {
			t.Errorf("inline error for codice_fiscale: %q", got)
		}
		if got := erroreCampo(r.Body, "res_indirizzo"); got != "" {
			t.Errorf("a field not typed yet has an error: %q", got)
		}
		if strings.Contains(r.Body, "<html") {
			t.Error("the inline check answered with a whole page")
		}
		if salvata(t, app, id) != prima {
			t.Error("the inline check changed the draft")
		}
	})
	t.Run("anagrafica corretta", func(t *testing.T) {
		vuole(t, v.post(urlPasso(id, domain.PassoAnagrafica), dati[domain.PassoAnagrafica]), http.StatusSeeOther, urlPasso(id, domain.PassoProfessione))
	})
	t.Run("documento scaduto", func(t *testing.T) {
		f := cloneValues(dati[domain.PassoDocumento])
		f.Set("doc_scadenza", time.Now().AddDate(0, 0, -2).Format(domain.Data))
		r := v.post(urlPasso(id, domain.PassoDocumento), f)
		vuole(t, r, http.StatusUnprocessableEntity)
		if got := erroreCampo(r.Body, "doc_scadenza"); !strings.HasPrefix(got, "Il documento è scaduto") {
			t.Errorf("error next to doc_scadenza: %q", got)
		}
	})
	t.Run("invio di una bozza incompleta", func(t *testing.T) {
		vuole(t, v.post(urlRichiesta(id)+"/invia", nil), http.StatusSeeOther, urlPasso(id, domain.PassoProfessione))
		if r, _ := app.App.Store.Richiesta(id); r.Stato != domain.StatoBozza || r.Protocollo != "" {
			t.Errorf("an incomplete draft was submitted: %s %q", r.Stato, r.Protocollo)
		}
	})
}

var reProtocollo = regexp.MustCompile(`^PI-\d{4}-000001$`)

func TestInvioRicevutaEAnnullamento(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	id := v.richiestaInviata(p)
	r, err := app.App.Store.Richiesta(id)
	if err != nil {
		t.Fatal(err)
	}
	prot := r.Protocollo
	if !reProtocollo.MatchString(prot) || r.Stato != domain.StatoInviata || r.Sede != "PI" {
		t.Fatalf("submitted request: protocol %q, state %s, sede %q", prot, r.Stato, r.Sede)
	}
	base := urlRichiesta(id)
	for _, sc := range []scenario{
		{name: "ricevuta", url: base + "/ricevuta", wantStatus: http.StatusOK, wantContains: []string{prot, "Sede di Pisa", p.Email}},
		{name: "le mie richieste", url: "/richieste", wantStatus: http.StatusOK, wantContains: []string{prot, ">Inviata<"}},
		{name: "dettaglio", url: base, wantStatus: http.StatusOK, wantContains: []string{prot}},
		{name: "passo dopo l'invio", url: urlPasso(id, domain.PassoAnagrafica), wantStatus: http.StatusSeeOther, wantLocation: base},
		{name: "modifica dopo l'invio", method: http.MethodPost, url: urlPasso(id, domain.PassoAnagrafica), form: datiPassi(p, time.Now())[domain.PassoAnagrafica],
			wantStatus: http.StatusConflict, wantContains: []string{"non può più essere modificata"}},
		{name: "secondo invio", method: http.MethodPost, url: base + "/invia", wantStatus: http.StatusConflict},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.esegui(t, v) })
	}
	t.Run("PDF", func(t *testing.T) {
		for _, u := range []string{base + "/ricevuta.pdf", base + "/modulo.pdf", "/modulo.pdf"} {
			r := v.get(u)
			vuole(t, r, http.StatusOK)
			if ct := r.Header.Get("Content-Type"); ct != "application/pdf" || !strings.HasPrefix(r.Body, "%PDF-") {
				t.Errorf("%s: Content-Type %q, starts with %q", u, ct, r.Body[:min(len(r.Body), 8)])
			}
		}
		if cd := v.get(base + "/modulo.pdf").Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
			t.Errorf("pre-filled module Content-Disposition %q", cd)
		}
	})
	t.Run("e-mail di ricevuta", func(t *testing.T) {
		m := app.SMTP.WaitFor(t, 10*time.Second, func(m testsmtp.Message) bool {
			return strings.Contains(strings.Join(m.To, ","), p.Email) && strings.Contains(m.Subject(), "Richiesta "+prot+" ricevuta")
		})
		data, tipo, ok := m.Attachment("ricevuta-" + prot + ".pdf")
		if !ok || tipo != "application/pdf" || !bytes.HasPrefix(data, []byte("%PDF-")) {
			t.Errorf("receipt attachment: present %v, type %q; attachments %v", ok, tipo, m.Attachments())
		}
		if !strings.Contains(m.Text(), prot) || !strings.Contains(m.Text(), "Sede di Pisa") {
			t.Errorf("mail text:\n%s", m.Text())
		}
	})
	t.Run("annulla", func(t *testing.T) {
		vuole(t, v.post(base+"/annulla", nil), http.StatusSeeOther, "/richieste")
		if r, _ := app.App.Store.Richiesta(id); r.Stato != domain.StatoAnnullata {
			t.Fatalf("state after annulla: %s", r.Stato)
		}
		controlla(t, v.get("/richieste"), http.StatusOK, "", []string{prot, ">Annullata<", "è stata annullata"}, nil)
		controlla(t, v.post(base+"/annulla", nil), http.StatusConflict, "", []string{"L'operazione non è possibile"}, nil)
		if r, _ := app.App.Store.Richiesta(id); r.Stato != domain.StatoAnnullata || len(r.Storia) != 2 {
			t.Errorf("after a second annulla: state %s, %d events", r.Stato, len(r.Storia))
		}
	})
}

func TestPaginePubbliche(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	v := nuovoVisitatore(t, app)
	for _, sc := range []scenario{
		{name: "home", url: "/", wantStatus: http.StatusOK, wantContains: []string{"<html", "Abilita"}},
		{name: "sede di un comune", url: "/sedi?comune=Pisa", wantStatus: http.StatusOK, wantContains: []string{`id="sede-trovata">Sede di Pisa<`}},
		{name: "comune inesistente", url: "/sedi?comune=Paperopoli", wantStatus: http.StatusOK, wantContains: []string{"Comune non trovato"}},
		{name: "markup nella ricerca della sede", url: "/sedi?comune=" + url.QueryEscape("<script>alert(1)</script>"), wantStatus: http.StatusOK,
			wantContains: []string{"I caratteri < e > non sono ammessi."}, wantNotContains: []string{"<script>alert(1)"}},
		{name: "guida con credenziali forti", url: "/guida?forti=si", wantStatus: http.StatusOK, wantContains: []string{"InailRisponde", `href="/percorsi/inailrisponde"`}},
		{name: "guida urgente", url: "/guida?forti=no&modo=online&urgente=si", wantStatus: http.StatusOK, wantContains: []string{"sede Inail più vicina"}},
		{name: "guida online", url: "/guida?forti=no&modo=online", wantStatus: http.StatusOK, wantContains: []string{`href="/percorsi/online"`}},
		{name: "healthz", url: "/healthz", wantStatus: http.StatusOK, wantContains: []string{"ok"}},
		{name: "readyz", url: "/readyz", wantStatus: http.StatusOK},
		{name: "pagina inesistente", url: "/non-esiste", wantStatus: http.StatusNotFound,
			wantContains: []string{"Pagina non trovata", "La pagina che cerchi non esiste"}, wantNotContains: []string{"Cannot GET"}},
		{name: "passo inesistente", url: "/richieste/1/passo/nessuno", wantStatus: http.StatusSeeOther, wantLocation: "/accedi"},
		{name: "modulo vuoto", url: "/modulo.pdf", wantStatus: http.StatusOK, wantContains: []string{"%PDF-"}},
		{name: "suggerimenti dei comuni", url: "/luoghi?q=Pis&solo=comuni", wantStatus: http.StatusOK, wantContains: []string{"Pisa"}, wantNotContains: []string{"<html"}},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.esegui(t, v) })
	}
}

func TestIntestazioniDiSicurezza(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	id := v.nuovaBozza()
	anonimo := nuovoVisitatore(t, app)
	pagine := []struct {
		name string
		v    *visitatore
		url  string
	}{
		{"home", anonimo, "/"},
		{"accedi", anonimo, "/accedi"},
		{"pagina inesistente", anonimo, "/non-esiste"},
		{"area", v, "/area"},
		{"le mie richieste", v, "/richieste"},
		{"richiesta", v, urlRichiesta(id)},
		{"passo", v, urlPasso(id, domain.PassoAnagrafica)},
		{"accesso negato", v, "/amministrazione"},
	}
	for _, pg := range pagine {
		t.Run(pg.name, func(t *testing.T) {
			r := pg.v.get(pg.url)
			if r.Status >= 300 && r.Status < 400 {
				t.Fatalf("%s redirected to %s", pg.url, r.Location())
			}
			controllaIntestazioni(t, r)
		})
	}
	t.Run("personali non in cache htmx", func(t *testing.T) {
		r := v.get("/richieste")
		if !strings.Contains(r.Body, `hx-history="false"`) {
			t.Error(`a page with personal data lacks hx-history="false"`)
		}
	})
}

// controllaIntestazioni checks the security headers of a page.
func controllaIntestazioni(t testing.TB, r risposta) {
	t.Helper()
	direttive := map[string]string{}
	for _, d := range strings.Split(r.Header.Get("Content-Security-Policy"), ";") {
		name, val, _ := strings.Cut(strings.TrimSpace(d), " ")
		if name != "" {
			direttive[name] = val
		}
	}
	script, ok := direttive["script-src"]
	if !ok {
		script, ok = direttive["default-src"]
	}
	if !ok || strings.Contains(script, "'unsafe-inline'") || strings.Contains(script, "'unsafe-eval'") || strings.Contains(script, "*") {
		t.Errorf("script-src %q (CSP %q)", script, r.Header.Get("Content-Security-Policy"))
	}
	if direttive["frame-ancestors"] != "'none'" {
		t.Errorf("frame-ancestors %q", direttive["frame-ancestors"])
	}
	if direttive["object-src"] != "'none'" {
		t.Errorf("object-src %q", direttive["object-src"])
	}
	if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options %q", got)
	}
	switch got := r.Header.Get("Referrer-Policy"); got {
	case "same-origin", "no-referrer", "strict-origin", "strict-origin-when-cross-origin":
	default:
		t.Errorf("Referrer-Policy %q", got)
	}
	if got := r.Header.Get("Cache-Control"); !strings.Contains(got, "no-store") {
		t.Errorf("Cache-Control %q", got)
	}
	if got := strings.Join(r.Header.Values("Vary"), ","); !strings.Contains(got, "HX-Request") {
		t.Errorf("Vary %q", got)
	}
	if r.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS over plain HTTP")
	}
}

func TestRisposteHtmx(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	for _, sc := range []scenario{
		{name: "pagina pubblica", url: "/guida", headers: []string{"HX-Request", "true"}, wantStatus: http.StatusOK,
			wantContains: []string{"Come fare domanda"}, wantNotContains: []string{"<html", "<footer"}},
		{name: "pagina personale", url: "/richieste", headers: []string{"HX-Request", "true"}, wantStatus: http.StatusOK,
			wantContains: []string{"Le mie richieste"}, wantNotContains: []string{"<html", "<footer"}},
		{name: "pagina d'errore", url: "/non-esiste", headers: []string{"HX-Request", "true"}, wantStatus: http.StatusNotFound,
			wantContains: []string{"Pagina non trovata"}, wantNotContains: []string{"<html"}},
		{name: "navigazione potenziata", url: "/guida", headers: []string{"HX-Request", "true", "HX-Boosted", "true"}, wantStatus: http.StatusOK,
			wantContains: []string{"<html"}},
		{name: "senza htmx", url: "/guida", wantStatus: http.StatusOK, wantContains: []string{"<html", "</html>"}},
		{name: "reindirizzamento htmx", method: http.MethodGet, url: "/accedi", headers: []string{"HX-Request", "true"},
			wantStatus: http.StatusNoContent},
	} {
		t.Run(sc.name, func(t *testing.T) {
			r := sc.esegui(t, v)
			if got := strings.Join(r.Header.Values("Vary"), ","); r.Status != http.StatusNoContent && !strings.Contains(got, "HX-Request") {
				t.Errorf("Vary %q", got)
			}
			if r.Status == http.StatusNoContent && r.Header.Get("HX-Redirect") != "/area" {
				t.Errorf("HX-Redirect %q", r.Header.Get("HX-Redirect"))
			}
		})
	}
}
