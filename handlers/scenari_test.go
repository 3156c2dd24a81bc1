package handlers_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/internal/testsmtp"
	"abilita/security"
	"abilita/store"
)

// Path C of DESIGN.md §1 as a browser without JavaScript walks it: here the
// account (registration, e-mail verification, login, logout, password
// reset); the request itself is in scenari_richiesta_test.go.

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
	for _, oggetto := range []string{"Conferma il tuo indirizzo", "Tentativo di registrazione"} {
		app.SMTP.WaitFor(t, 10*time.Second, func(m testsmtp.Message) bool {
			return strings.Contains(strings.Join(m.To, ","), p.Email) && strings.Contains(m.Subject(), oggetto)
		})
	}
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
	now := app.Orologio.Now()
	// The user asked for a new link two days ago; it expired a minute ago.
	err = app.App.Store.ReinviaVerifica(store.Atto{Chi: u.ID, Quando: now.Add(-48 * time.Hour)}, security.HashToken(tok), now.Add(-time.Minute), domain.Messaggio{To: []string{p.Email}, Subject: "Conferma", Text: "x"})
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range []scenario{
		{name: "pagina", url: "/verifica-email?t=" + url.QueryEscape(tok), wantStatus: http.StatusOK,
			wantContains: []string{"Il collegamento non è valido o è scaduto."}, wantNotContains: []string{`name="t"`}},
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
	sbagliata := v.post("/accedi", url.Values{"identificativo": {p.Email}, "password": {"una password sbagliata qualsiasi"}})
	sconosciuto := nuovoVisitatore(t, app).post("/accedi", url.Values{"identificativo": {ignoto}, "password": {"una password sbagliata qualsiasi"}})
	for _, r := range []risposta{sbagliata, sconosciuto} {
		controlla(t, r, http.StatusUnauthorized, "", []string{"Nome utente o password non corretti."}, nil)
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
		{name: "vecchia password", method: http.MethodPost, url: "/accedi", form: url.Values{"identificativo": {p.Email}, "password": {p.Password}},
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

// TestAccediTornaSoloAPagineDelSito checks where the login sends the user
// back ("dopo"): only to a page of this site, and never with anything but a
// plain path in the Location header. Browsers drop tabs and line breaks
// from URLs, so "/\t/evil.example" is "//evil.example" to them.
func TestAccediTornaSoloAPagineDelSito(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	registra(t, app, nuovoVisitatore(t, app), p)
	for _, tc := range []struct{ name, dopo, want string }{
		{"pagina del sito", "/richieste", "/richieste"},
		{"altro sito", "https://evil.example/", "/area"},
		{"indirizzo senza schema", "//evil.example/", "/area"},
		{"barra rovesciata", "/\\evil.example/", "/area"},
		{"tabulazione", "/\t/evil.example/", "/area"},
		{"a capo", "/\n/evil.example/", "/area"},
		{"intestazione iniettata", "/\r\nSet-Cookie: iniettato=1", "/area"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := nuovoVisitatore(t, app)
			body := url.Values{"_csrf": {v.csrf()}, "identificativo": {p.Email}, "password": {p.Password}, "dopo": {tc.dopo}}.Encode()
			head := v.testa("POST", "/accedi", "Content-Type", "application/x-www-form-urlencoded", "Content-Length", strconv.Itoa(len(body)), "Connection", "close")
			intestazioni := intestazioniGrezze(t, app, head+body)
			if !strings.HasPrefix(intestazioni[0], "HTTP/1.1 303 ") {
				t.Fatalf("status line %q", intestazioni[0])
			}
			location := ""
			for _, l := range intestazioni[1:] {
				if !strings.HasSuffix(l, "\r\n") || !strings.Contains(l, ": ") {
					t.Errorf("malformed header line %q: the value of dopo was written into the headers", l)
				}
				if strings.Contains(l, "iniettato") {
					t.Errorf("injected header %q", l)
				}
				if v, ok := strings.CutPrefix(l, "Location: "); ok {
					location = strings.TrimSuffix(v, "\r\n")
				}
			}
			if location != tc.want {
				t.Errorf("Location %q, want %q", location, tc.want)
			}
		})
	}
	t.Run("modulo", func(t *testing.T) {
		r := nuovoVisitatore(t, app).get("/accedi?dopo=" + url.QueryEscape("/\t/evil.example/"))
		if strings.Contains(r.Body, "evil.example") {
			t.Error("the login form keeps a destination outside the site")
		}
	})
}
