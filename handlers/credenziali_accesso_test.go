package handlers_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/security"
)

// The second factor at login (DESIGN.md §4): a TOTP code is accepted once,
// within one step of the server's clock; a recovery code once; the
// enrolment code never; and the answer to a failed password tells nothing
// about who is registered.

// codiceA is the code of the secret at the installation's clock plus d.
func codiceA(t testing.TB, app *testapp.T, segreto string, d time.Duration) string {
	t.Helper()
	code, err := security.CodiceTOTP(segreto, app.Orologio.Now().Add(d))
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func TestAccessoTOTPFinestraEUnSoloUso(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	const email, password = "lucia.neri@inail.test", "ruscello d'argento sotto la luna"
	u, segreto := app.CreaUtenteConTOTP(t, domain.Utente{Ruolo: domain.RuoloOperatore, Email: email, Nome: "Lucia", Cognome: "Neri", Sede: "PI"}, password)

	v := nuovoVisitatore(t, app)
	csrfPrima := v.csrf()
	r := v.password(email, password)
	vuole(t, r, http.StatusSeeOther, "/accedi/codice")
	if v.cookie("abilita_sessione") != "" {
		t.Fatal("a session opened with the password alone")
	}
	vuole(t, v.get("/area"), http.StatusSeeOther, "/accedi")
	controlla(t, v.get("/accedi/codice"), http.StatusOK, "", []string{"Codice di verifica", `name="codice"`, `name="recupero"`, `autocomplete="one-time-code"`}, nil)
	attesa := v.cookie("abilita_secondo_fattore")
	if attesa == "" {
		t.Fatal("no cookie for the pending login")
	}

	// Every code below is relative to the step of the server's clock, which
	// stands still meanwhile.
	for _, sc := range []scenario{
		{name: "due passi indietro", method: http.MethodPost, url: "/accedi/codice", form: url.Values{"codice": {codiceA(t, app, segreto, -60*time.Second)}},
			wantStatus: http.StatusUnprocessableEntity, wantContains: []string{"Codice non valido"}},
		{name: "due passi avanti", method: http.MethodPost, url: "/accedi/codice", form: url.Values{"codice": {codiceA(t, app, segreto, 60*time.Second)}},
			wantStatus: http.StatusUnprocessableEntity, wantContains: []string{"Codice non valido"}},
		{name: "non numerico", method: http.MethodPost, url: "/accedi/codice", form: url.Values{"codice": {"abcdef"}},
			wantStatus: http.StatusUnprocessableEntity, wantContains: []string{"Codice non valido"}},
		{name: "un passo indietro", method: http.MethodPost, url: "/accedi/codice", form: url.Values{"codice": {codiceA(t, app, segreto, -30*time.Second)}},
			wantStatus: http.StatusSeeOther, wantLocation: "/area"},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.esegui(t, v) })
	}
	vuole(t, v.get("/area"), http.StatusSeeOther, "/operatore")
	if v.cookie("abilita_secondo_fattore") != "" {
		t.Error("the pending login's cookie survived the login")
	}
	if v.cookie("abilita_csrf") == csrfPrima {
		t.Error("the CSRF token was not renewed at login")
	}
	accessi, err := app.App.Store.AccessiRecenti(u.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(accessi) != 4 || !accessi[0].Riuscito || accessi[0].Metodo != domain.MetodoTOTP || accessi[1].Riuscito {
		t.Errorf("login history: %+v", accessi)
	}

	// The pending login is over: its token, replayed, opens nothing.
	ladro := nuovoVisitatore(t, app)
	ladro.c.Jar.SetCookies(mustURL(t, app.URL), []*http.Cookie{{Name: "abilita_secondo_fattore", Value: attesa, Path: "/"}})
	vuole(t, ladro.codice(codiceA(t, app, segreto, 30*time.Second)), http.StatusSeeOther, "/accedi")
	vuole(t, ladro.get("/area"), http.StatusSeeOther, "/accedi")

	// The code just used, in a new login, is refused; the next one works.
	w := nuovoVisitatore(t, app)
	vuole(t, w.password(email, password), http.StatusSeeOther, "/accedi/codice")
	controlla(t, w.codice(codiceA(t, app, segreto, -30*time.Second)), http.StatusUnprocessableEntity, "", []string{"Codice non valido"}, nil)
	vuole(t, w.codice(codiceA(t, app, segreto, 30*time.Second)), http.StatusSeeOther, "/area")
	// Now the current step is older than the last one used.
	x := nuovoVisitatore(t, app)
	vuole(t, x.password(email, password), http.StatusSeeOther, "/accedi/codice")
	controlla(t, x.codice(codiceA(t, app, segreto, 0)), http.StatusUnprocessableEntity, "", []string{"Codice non valido"}, nil)
}

func TestAccessoTOTPTentativiLimitati(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	const email, password = "lucia.neri@inail.test", "ruscello d'argento sotto la luna"
	_, segreto := app.CreaUtenteConTOTP(t, domain.Utente{Ruolo: domain.RuoloOperatore, Email: email, Nome: "Lucia", Cognome: "Neri", Sede: "PI"}, password)
	v := nuovoVisitatore(t, app)
	vuole(t, v.password(email, password), http.StatusSeeOther, "/accedi/codice")
	sbagliato := codiceA(t, app, segreto, 10*time.Minute)
	stati := []int{}
	for range 7 {
		stati = append(stati, v.codice(sbagliato).Status)
	}
	if !slices.Contains(stati, http.StatusTooManyRequests) || stati[0] != http.StatusUnprocessableEntity {
		t.Fatalf("answers to seven wrong codes in a row: %v", stati)
	}
	controlla(t, v.codice(app.CodiceTOTP(t, email)), http.StatusTooManyRequests, "", []string{"Troppi tentativi"}, nil)
	// The delay after the fifth failure (2 s) passes; the right code works.
	app.Orologio.Avanza(2 * time.Second)
	vuole(t, v.codice(app.CodiceTOTP(t, email)), http.StatusSeeOther, "/area")
}

func TestAccessoConCodiceDiRecupero(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	admin := amministratore(t, app)
	const email, password = "carla.bassi@inail.test", "tramonto sulla collina verde"
	vuole(t, admin.post("/amministrazione/operatori", url.Values{"nome": {"Carla"}, "cognome": {"Bassi"}, "email": {email}, "sede": {"PI"}, "ruolo": {"operatore"}}),
		http.StatusSeeOther)
	u, err := app.App.Store.UtentePerEmail(email)
	if err != nil {
		t.Fatal(err)
	}
	lettera := admin.get("/amministrazione/operatori/" + strconv.FormatUint(u.ID, 10) + "/lettera.pdf")
	_, recupero := nuovoVisitatore(t, app).attiva(email, parte1(t, app, email), codiceIn(t, testoPDF(t, []byte(lettera.Body))), password)

	v := nuovoVisitatore(t, app)
	vuole(t, v.password(email, password), http.StatusSeeOther, "/accedi/codice")
	r := v.post("/accedi/codice", url.Values{"recupero": {recupero[0]}})
	vuole(t, r, http.StatusSeeOther, "/area")
	controlla(t, v.get(r.Location()), http.StatusSeeOther, "/operatore", nil, nil)
	controlla(t, v.get("/operatore"), http.StatusOK, "", []string{"Hai usato un codice di recupero: te ne restano 9."}, nil)
	vuole(t, v.post("/esci", nil), http.StatusSeeOther, "/")

	w := nuovoVisitatore(t, app)
	vuole(t, w.password(email, password), http.StatusSeeOther, "/accedi/codice")
	r = w.post("/accedi/codice", url.Values{"recupero": {recupero[0]}})
	controlla(t, r, http.StatusUnprocessableEntity, "", []string{"Codice di recupero non valido o già usato."}, nil)
	if !strings.Contains(r.Body, "<details class=\"mt-5\" open>") {
		t.Error("the recovery form is not open beside its error")
	}
	// Typed in lower case, without dashes: it is the same code.
	vuole(t, w.post("/accedi/codice", url.Values{"recupero": {strings.ToLower(strings.ReplaceAll(recupero[1], "-", " "))}}), http.StatusSeeOther, "/area")
	if u, _ := app.App.Store.Utente(u.ID); len(u.CodiciRecupero) != 8 {
		t.Errorf("%d recovery codes left, want 8", len(u.CodiciRecupero))
	}
	accessi, _ := app.App.Store.AccessiRecenti(u.ID, 1)
	if len(accessi) != 1 || accessi[0].Metodo != domain.MetodoRecupero || !accessi[0].Riuscito {
		t.Errorf("last login: %+v", accessi)
	}
}

func TestAccessoSenzaAttivazioneRifiutato(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	// An operator with a password but no authenticator (as before TOTP).
	const email, password = "vecchio.operatore@inail.test", "sentiero nebbioso lanterna nove"
	app.CreaUtente(t, domain.Utente{Ruolo: domain.RuoloOperatore, Email: email, Nome: "Paolo", Cognome: "Vecchi", Sede: "PI"}, password)
	v := nuovoVisitatore(t, app)
	r := v.password(email, password)
	controlla(t, r, http.StatusForbidden, "", []string{"Per accedere devi prima attivare le credenziali", `href="/attivazione"`}, nil)
	if v.cookie("abilita_sessione") != "" || v.cookie("abilita_secondo_fattore") != "" {
		t.Error("an account to activate got a session or a pending login")
	}
	// The wrong password gets the usual answer: the hint is for the holder of the password.
	controlla(t, v.password(email, password+"x"), http.StatusUnauthorized, "", []string{"Nome utente o password non corretti."}, []string{"prima attivare"})
}

// TestAccessoIgnotoESbagliatoUguali: an unknown login name and a wrong
// password get the same status and page, in the same time.
func TestAccessoIgnotoESbagliatoUguali(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	// One account per attempt, so that no account throttle kicks in; 24
	// failures stay within the 30 the client address may make.
	const n = 12
	var noti, ignoti []string
	for i := range n {
		email := "utente" + strconv.Itoa(i) + "@example.it"
		app.CreaUtente(t, domain.Utente{Ruolo: domain.RuoloRichiedente, Email: email, Nome: "Nome", Cognome: "Cognome"}, "una password giusta e lunga")
		noti = append(noti, email)
		ignoti = append(ignoti, "ignoto"+strconv.Itoa(i)+"@example.it")
	}
	misura := func(email string) (risposta, time.Duration) {
		v := nuovoVisitatore(t, app)
		v.csrf()
		inizio := time.Now()
		r := v.password(email, "una password sbagliata")
		return r, time.Since(inizio)
	}
	var tNoti, tIgnoti []time.Duration
	for i := range n {
		a, da := misura(noti[i])
		b, db := misura(ignoti[i])
		tNoti, tIgnoti = append(tNoti, da), append(tIgnoti, db)
		if a.Status != http.StatusUnauthorized || b.Status != a.Status {
			t.Fatalf("statuses: wrong password %d, unknown name %d", a.Status, b.Status)
		}
		if x, y := senzaSegreti(a.Body, noti[i]), senzaSegreti(b.Body, ignoti[i]); x != y {
			t.Fatalf("wrong password and unknown name get different pages:\n%s\n%s", estratto(x), estratto(y))
		}
	}
	mNoti, mIgnoti := mediana(tNoti), mediana(tIgnoti)
	t.Logf("median time: wrong password %v, unknown name %v", mNoti, mIgnoti)
	if mNoti > 3*mIgnoti || mIgnoti > 3*mNoti {
		t.Errorf("median times differ too much: wrong password %v, unknown name %v", mNoti, mIgnoti)
	}
}

func mediana(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// TestAccessoTOTPStessoCodiceInParallelo: the same code sent twice at once
// opens one session.
func TestAccessoTOTPStessoCodiceInParallelo(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	const email, password = "lucia.neri@inail.test", "ruscello d'argento sotto la luna"
	u, _ := app.CreaUtenteConTOTP(t, domain.Utente{Ruolo: domain.RuoloOperatore, Email: email, Nome: "Lucia", Cognome: "Neri", Sede: "PI"}, password)
	v := nuovoVisitatore(t, app)
	vuole(t, v.password(email, password), http.StatusSeeOther, "/accedi/codice")
	code := app.CodiceTOTP(t, email)
	var wg sync.WaitGroup
	risposte := make([]risposta, 4)
	for i := range risposte {
		wg.Go(func() { risposte[i] = v.codice(code) })
	}
	wg.Wait()
	aperte := 0
	for _, r := range risposte {
		if r.Location() == "/area" {
			aperte++
		}
	}
	sessioni, err := app.App.Store.SessioniUtente(u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if aperte != 1 || len(sessioni) != 1 {
		t.Errorf("%d logins succeeded and %d sessions opened with one code, want 1", aperte, len(sessioni))
	}
}
