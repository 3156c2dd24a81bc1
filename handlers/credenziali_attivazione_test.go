package handlers_test

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/security"
	"abilita/store"
)

// Issuance and activation (DESIGN.md §4): approval issues a code in two
// parts, each by its own way; the code opens one activation, in which the
// holder chooses its password, enrols an authenticator, accepts the rules
// and receives its recovery codes; then it logs in with the second factor.

// approvata takes the request in charge, completes the checklist and
// approves it as op; it returns the message the operator reads.
func approvata(t testing.TB, op *visitatore, id uint64) string {
	t.Helper()
	op.prendi(id)
	op.spuntaTutto(id)
	vuole(t, op.post(urlOperatore(id, "approva"), url.Values{"conferma": {"si"}}), http.StatusSeeOther, urlOperatore(id, ""))
	r := op.get(urlOperatore(id, ""))
	vuole(t, r, http.StatusOK)
	return r.Testo
}

func TestCredenzialiPercorsoOnlineConPEC(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	id := v.richiestaConPEC(p, pecMario)
	op, _ := nuovoOperatore(t, app, "Laura", "Pisani", "PI")
	pagina := approvata(t, op, id)
	if !strings.Contains(pagina, "la seconda per PEC") || strings.Contains(pagina, "Scarica la lettera") {
		t.Errorf("the operator is not told that part 2 went by PEC:\n%s", estratto(pagina))
	}
	r := mustRichiesta(t, app, id)

	p1, p2 := parte1(t, app, p.Email), parte2PEC(t, app, pecMario)
	mail := ultimoMessaggio(t, app.SMTP, p.Email, "(prima parte)").Text()
	for _, want := range []string{p.CF, "per PEC all'indirizzo " + pecMario, app.URL + "/attivazione"} {
		if !strings.Contains(mail, want) {
			t.Errorf("the mail with part 1 lacks %q:\n%s", want, mail)
		}
	}
	if strings.Contains(mail, p2) || contaMessaggi(app.PEC, pecMario, "(prima parte)") != 0 {
		t.Error("both parts travel the same way")
	}
	// The area says where part 2 is, and does not show it.
	area := v.get("/area")
	controlla(t, area, http.StatusOK, "", []string{"la seconda per PEC", "Da attivare", "Medico esterno", r.Esito.CodiceMedico}, []string{p2, `id="parte2"`})

	a := nuovoVisitatore(t, app)
	segreto, recupero := a.attiva(strings.ToLower(p.CF), p1, strings.ToLower(strings.ReplaceAll(p2, "-", "")), passwordTitolare)
	if len(recupero) != 10 || segreto == "" {
		t.Fatalf("activation gave %d recovery codes", len(recupero))
	}
	u, err := app.App.Store.UtentePerCF(p.CF)
	if err != nil {
		t.Fatal(err)
	}
	if u.TOTP == nil || u.Regole == nil || u.Regole.Versione != domain.VersioneRegole || len(u.CodiciRecupero) != 10 || u.Abilitazioni[0].Attivata.IsZero() {
		t.Errorf("the account after the activation: %+v", u)
	}
	// The credentials are in use: the request is attiva.
	if got := mustRichiesta(t, app, u.Abilitazioni[0].RichiestaID); got.Stato != domain.StatoAttiva {
		t.Errorf("the request after the activation: %s", got.Stato)
	}
	// The applicant's session, opened with the old password, is over.
	vuole(t, v.get("/area"), http.StatusSeeOther, "/accedi")
	vuole(t, a.get("/area"), http.StatusSeeOther, "/accedi")

	// From now on: codice fiscale, password, code.
	vuole(t, nuovoVisitatore(t, app).password(p.Email, p.Password), http.StatusUnauthorized)
	vuole(t, a.password(p.CF, passwordTitolare), http.StatusSeeOther, "/accedi/codice")
	vuole(t, a.codice(app.CodiceTOTP(t, p.CF)), http.StatusSeeOther, "/area")
	area = a.get("/area")
	controlla(t, area, http.StatusOK, "", []string{"Le tue abilitazioni", "Medico esterno", "Codice medico", r.Esito.CodiceMedico, "Sede di Pisa",
		"Attiva", "Vai al servizio dei certificati medici", `href="https://servizionline.inail.it"`, `href="/account/sessioni"`, `href="/account/accessi"`,
		`href="/account/password"`, `href="/account/totp"`}, []string{`target="_blank"`, `id="parte2"`, "Da attivare"})
}

func TestCredenzialiOnlineSenzaPECParte2NellArea(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	id := v.richiestaInviata(p)
	altra := nuovoRichiedente(t, app, anna())
	op, _ := nuovoOperatore(t, app, "Laura", "Pisani", "PI")
	pagina := approvata(t, op, id)
	if !strings.Contains(pagina, "nell'area riservata del richiedente") || !strings.Contains(pagina, "Scarica la lettera di attivazione") {
		t.Errorf("the operator is not told where part 2 is:\n%s", estratto(pagina))
	}

	p1 := parte1(t, app, p.Email)
	mail := ultimoMessaggio(t, app.SMTP, p.Email, "(prima parte)").Text()
	if !strings.Contains(mail, "nella tua area riservata") {
		t.Errorf("the mail does not say where part 2 is:\n%s", mail)
	}
	p2 := v.parte2Area()
	controlla(t, v.get("/area"), http.StatusOK, "", []string{"seconda parte", "Vale fino al", `href="/attivazione"`}, nil)
	if p1 == p2 || strings.Contains(mail, p2) || len(app.PEC.Messages()) != 0 {
		t.Errorf("part 2 %q: not only in the area (part 1 %q, %d PEC)", p2, p1, len(app.PEC.Messages()))
	}
	// Nobody else sees it: another applicant, the operator.
	controlla(t, altra.get("/area"), http.StatusOK, "", nil, []string{p2, `id="parte2"`})
	vuole(t, op.get("/area"), http.StatusSeeOther, "/operatore")
	// The stored code is sealed: part 2 is nowhere in the database in clear.
	if trovaNelFile(t, app, p2) || trovaNelFile(t, app, strings.ReplaceAll(p2, "-", "")) {
		t.Error("part 2 is stored in clear")
	}

	// A wrong part, then the right ones; the code works once.
	a := nuovoVisitatore(t, app)
	sbagliata := a.iniziaAttivazione(p.CF, p1, p1)
	controlla(t, sbagliata, http.StatusUnprocessableEntity, "", []string{"Codice fiscale o codici di attivazione non validi o scaduti."}, nil)
	a.attiva(p.CF, p1, p2, passwordTitolare)
	controlla(t, nuovoVisitatore(t, app).iniziaAttivazione(p.CF, p1, p2), http.StatusUnprocessableEntity, "",
		[]string{"Codice fiscale o codici di attivazione non validi o scaduti."}, nil)
	a.accedi(p.CF, passwordTitolare)
	controlla(t, a.get("/area"), http.StatusOK, "", []string{"Vai al servizio dei certificati medici", `href="/assistenza"`}, []string{p2, `id="parte2"`})
	// The dispositive credentials lead straight to path B: a new request
	// carries the identity the sede verified.
	nuova := a.post("/richieste", nil)
	vuole(t, nuova, http.StatusSeeOther, "/richieste/")
	if r := mustRichiesta(t, app, idDaURL(t, nuova.Location())); r.Percorso != domain.PercorsoInailRisponde || r.Anagrafica.CodiceFiscale != p.CF {
		t.Errorf("a holder's new request: %s, %+v", r.Percorso, r.Anagrafica)
	}

	// The password of the registration no longer works, and says why; any
	// other wrong password gets the usual answer. After a password change,
	// or long after the activation, the old one is just wrong.
	sostituita := "Questa era la password dell&#39;account di registrazione"
	for _, nome := range []string{p.CF, p.Email} {
		controlla(t, nuovoVisitatore(t, app).password(nome, p.Password), http.StatusUnauthorized, "", []string{sostituita}, nil)
	}
	controlla(t, nuovoVisitatore(t, app).password(p.CF, p.Password+"x"), http.StatusUnauthorized, "", []string{"Nome utente o password non corretti."}, []string{sostituita})
	app.Orologio.Avanza(domain.DurataPasswordSostituita)
	controlla(t, nuovoVisitatore(t, app).password(p.CF, p.Password), http.StatusUnauthorized, "", []string{"Nome utente o password non corretti."}, []string{sostituita})
	if u, err := app.App.Store.UtentePerCF(p.CF); err != nil || u.PasswordSostituita == "" {
		t.Fatalf("the replaced password's hash: %v", err)
	}
}

func TestCredenzialiSportelloLettera(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	op, _ := nuovoOperatore(t, app, "Carla", "Sportelli", "PI")
	id := op.richiestaAlloSportello("")
	op.compila(id, p)
	op.caricaValidi(id)
	op.invia(id)
	lettera := urlOperatore(id, "lettera.pdf")
	controlla(t, op.get(lettera), http.StatusNotFound, "", []string{"dopo l'approvazione"}, nil)
	pagina := approvata(t, op, id)
	if !strings.Contains(pagina, "stampa la lettera di attivazione") || !strings.Contains(pagina, `Scarica la lettera di attivazione (PDF)`) {
		t.Errorf("the operator is not asked to print the letter:\n%s", estratto(pagina))
	}
	r := mustRichiesta(t, app, id)

	// The applicant, who had no account, has one now, with no password.
	u, err := app.App.Store.UtentePerCF(p.CF)
	if err != nil {
		t.Fatal(err)
	}
	if u.Ruolo != domain.RuoloRichiedente || u.PasswordHash != "" || u.Email != p.Email {
		t.Errorf("account made at approval: %+v", u)
	}
	res := op.get(lettera)
	vuole(t, res, http.StatusOK)
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || res.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("letter served with %q", cd)
	}
	testo := testoPDF(t, []byte(res.Body))
	p2 := codiceIn(t, testo)
	for _, want := range []string{p.CF, r.Protocollo, r.Esito.CodiceMedico, "Sede di Pisa", app.URL + "/attivazione"} {
		if !strings.Contains(testo, want) {
			t.Errorf("the letter lacks %q", want)
		}
	}
	e, err := app.App.Store.EventiAudit(store.FiltroAudit{Richiesta: id})
	if err != nil {
		t.Fatal(err)
	}
	stampe := 0
	for _, ev := range e {
		if ev.Azione == domain.AuditCredenziali && strings.Contains(ev.Dettaglio, "Lettera di attivazione stampata") {
			stampe++
		}
	}
	if stampe != 1 {
		t.Errorf("%d audited prints of the letter, want 1", stampe)
	}
	// Another sede's operator finds no such request.
	altrove, _ := nuovoOperatore(t, app, "Marco", "Milanesi", "MI")
	vuole(t, altrove.get(lettera), http.StatusNotFound)

	p1 := parte1(t, app, p.Email)
	if mail := ultimoMessaggio(t, app.SMTP, p.Email, "(prima parte)").Text(); !strings.Contains(mail, "lettera di attivazione che ti consegnerà la Sede di Pisa") {
		t.Errorf("the mail does not say where part 2 is:\n%s", mail)
	}
	v := nuovoVisitatore(t, app)
	v.attiva(p.CF, p1, p2, passwordTitolare)
	v.accedi(p.CF, passwordTitolare)
	controlla(t, v.get("/area"), http.StatusOK, "", []string{r.Esito.CodiceMedico, "Vai al servizio dei certificati medici"}, nil)
	// Used: the letter is no longer printed.
	controlla(t, op.get(lettera), http.StatusConflict, "", []string{"Non c'è una lettera di attivazione da stampare"}, nil)
}

func TestCredenzialiCodiceScadutoERiemesso(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	id := v.richiestaInviata(p)
	op, opU := nuovoOperatore(t, app, "Laura", "Pisani", "PI")
	approvata(t, op, id)
	p1, p2 := parte1(t, app, p.Email), v.parte2Area()
	u, err := app.App.Store.UtentePerCF(p.CF)
	if err != nil {
		t.Fatal(err)
	}

	// A new code replaces the old one, which stops working.
	nuovo := func(scade time.Time) (string, string) {
		t.Helper()
		k := security.NuovoCodiceAttivazione()
		_, err := app.App.Store.RiemettiCodice(store.Atto{Chi: opU.ID, Quando: app.Orologio.Now()}, u.ID, k.Attivazione(scade.Add(-time.Hour), scade, "prova"), nil, "prova")
		if err != nil {
			t.Fatal(err)
		}
		return k.Parte1, k.Parte2
	}
	q1, q2 := nuovo(app.Orologio.Now().Add(time.Hour))
	rifiuto := []string{"Codice fiscale o codici di attivazione non validi o scaduti."}
	controlla(t, nuovoVisitatore(t, app).iniziaAttivazione(p.CF, p1, p2), http.StatusUnprocessableEntity, "", rifiuto, nil)

	// An expired one is refused like a wrong one, and the area says it expired.
	s1, s2 := nuovo(app.Orologio.Now().Add(-time.Minute))
	controlla(t, nuovoVisitatore(t, app).iniziaAttivazione(p.CF, s1, s2), http.StatusUnprocessableEntity, "", rifiuto, nil)
	controlla(t, nuovoVisitatore(t, app).iniziaAttivazione(p.CF, q1, q2), http.StatusUnprocessableEntity, "", rifiuto, nil)
	controlla(t, v.get("/area"), http.StatusOK, "", []string{"è scaduto"}, []string{`id="parte2"`})

	q1, q2 = nuovo(app.Orologio.Now().Add(time.Hour))
	a := nuovoVisitatore(t, app)
	a.attiva(p.CF, q1, q2, passwordTitolare)
	a.accedi(p.CF, passwordTitolare)
	vuole(t, a.get("/area"), http.StatusOK)
}

func TestAttivazioneCodiceNonValido(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	op, _ := nuovoOperatore(t, app, "Laura", "Pisani", "PI")
	approvata(t, op, v.richiestaInviata(p))
	p1, p2 := parte1(t, app, p.Email), v.parte2Area()

	w := nuovoVisitatore(t, app)
	controlla(t, w.get("/attivazione"), http.StatusOK, "", []string{"Attiva le credenziali", `name="identificativo"`, `name="parte1"`, `name="parte2"`}, nil)
	for _, sc := range []scenario{
		{name: "vuoto", method: http.MethodPost, url: "/attivazione", form: url.Values{}, wantStatus: http.StatusUnprocessableEntity,
			wantContains: []string{"Indica il codice fiscale", "Indica la prima parte", "Indica la seconda parte"}},
		{name: "markup", method: http.MethodPost, url: "/attivazione", form: url.Values{"identificativo": {"<b>x</b>"}, "parte1": {p1}, "parte2": {p2}},
			wantStatus: http.StatusUnprocessableEntity, wantContains: []string{"I caratteri < e > non sono ammessi."}, wantNotContains: []string{"<b>x"}},
		{name: "passo senza attivazione", url: "/attivazione/passo", wantStatus: http.StatusSeeOther, wantLocation: "/attivazione"},
		{name: "passo inviato senza attivazione", method: http.MethodPost, url: "/attivazione/passo", form: url.Values{"passo": {"password"}},
			wantStatus: http.StatusSeeOther, wantLocation: "/attivazione"},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.esegui(t, w) })
	}
	// Unknown codice fiscale, wrong part 1, wrong part 2, parts swapped:
	// the same page.
	vuole(t, w.get("/attivazione"), http.StatusOK) // shows the message of the last redirect
	var pagine []string
	for _, tc := range [][3]string{{anna().CF, p1, p2}, {p.CF, p2, p2}, {p.CF, p1, p1}, {p.CF, p2, p1}} {
		r := w.iniziaAttivazione(tc[0], tc[1], tc[2])
		vuole(t, r, http.StatusUnprocessableEntity)
		pagine = append(pagine, senzaSegreti(r.Body, tc[0], p1, p2))
	}
	for i := 1; i < len(pagine); i++ {
		if pagine[i] != pagine[0] {
			t.Errorf("attempt %d gets a different page:\n%s\n%s", i, estratto(pagine[0]), estratto(pagine[i]))
		}
	}
	// The code still works after the failures.
	w.attiva(p.CF, p1, p2, passwordTitolare)
}

// TestAttivazionePassiInOrdine: the steps cannot be skipped, a form of an
// earlier step only shows the current one, and the enrolment code never
// logs in.
func TestAttivazionePassiInOrdine(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	op, _ := nuovoOperatore(t, app, "Laura", "Pisani", "PI")
	approvata(t, op, v.richiestaInviata(p))
	p1, p2 := parte1(t, app, p.Email), v.parte2Area()

	a := nuovoVisitatore(t, app)
	vuole(t, a.iniziaAttivazione(p.CF, p1, p2), http.StatusSeeOther, "/attivazione/passo")
	if c := a.cookie("abilita_attivazione"); c == "" {
		t.Fatal("no activation cookie")
	}
	controlla(t, a.post("/attivazione/passo", url.Values{"passo": {"regole"}, "accetto": {"si"}}), http.StatusSeeOther, "/attivazione/passo", nil, nil)
	controlla(t, a.get("/attivazione/passo"), http.StatusOK, "", []string{"Passo 1 di 4", "scegli la password"}, []string{"Regole di riservatezza delle credenziali</span>"})
	controlla(t, a.post("/attivazione/passo", url.Values{"passo": {"password"}, "password": {"inail inail inail"}, "conferma": {"inail inail inail"}}),
		http.StatusUnprocessableEntity, "", []string{"non può contenere la parola «inail»"}, nil)
	controlla(t, a.post("/attivazione/passo", url.Values{"passo": {"password"}, "password": {"rssmra85t10a562s!"}, "conferma": {"rssmra85t10a562s!"}}),
		http.StatusUnprocessableEntity, "", []string{"dati personali"}, nil)
	vuole(t, a.post("/attivazione/passo", url.Values{"passo": {"password"}, "password": {passwordTitolare}, "conferma": {passwordTitolare}}),
		http.StatusSeeOther, "/attivazione/passo")

	pagina := a.get("/attivazione/passo")
	controlla(t, pagina, http.StatusOK, "", []string{"Passo 2 di 4", `alt="QR code da inquadrare`, `id="chiave-totp"`, "Inail Abilita", `autocomplete="one-time-code"`}, nil)
	segreto := a.chiaveTOTP()
	if again := a.chiaveTOTP(); again != segreto {
		t.Error("showing the step again changed the secret")
	}
	controlla(t, a.post("/attivazione/passo", url.Values{"passo": {"totp"}, "codice": {codiceA(t, app, segreto, 60*time.Second)}}),
		http.StatusUnprocessableEntity, "", []string{"Il codice non corrisponde"}, nil)
	iscrizione := codiceA(t, app, segreto, 0)
	vuole(t, a.post("/attivazione/passo", url.Values{"passo": {"totp"}, "codice": {iscrizione}}), http.StatusSeeOther, "/attivazione/passo")
	controlla(t, a.post("/attivazione/passo", url.Values{"passo": {"regole"}}), http.StatusUnprocessableEntity, "",
		[]string{"devi dichiarare di aver letto e di accettare le regole"}, nil)
	r := a.post("/attivazione/passo", url.Values{"passo": {"regole"}, "accetto": {"si"}})
	controlla(t, r, http.StatusOK, "", []string{"Le tue credenziali sono attive", "Li vedi solo ora"}, nil)
	if a.cookie("abilita_attivazione") != "" {
		t.Error("the activation cookie survived the activation")
	}
	controlla(t, a.get("/accedi"), http.StatusOK, "", []string{"Credenziali attivate. Accedi con " + p.CF}, nil)
	// Sending the last step again shows no codes again.
	vuole(t, a.post("/attivazione/passo", url.Values{"passo": {"regole"}, "accetto": {"si"}}), http.StatusSeeOther, "/attivazione")

	// The code that confirmed the enrolment does not log in; the next one does.
	vuole(t, a.password(p.CF, passwordTitolare), http.StatusSeeOther, "/accedi/codice")
	controlla(t, a.codice(iscrizione), http.StatusUnprocessableEntity, "", []string{"Codice non valido"}, nil)
	vuole(t, a.codice(codiceA(t, app, segreto, 30*time.Second)), http.StatusSeeOther, "/area")
}

func TestPrimoAmministratoreConApp(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	link, err := app.App.SetupLink()
	if err != nil {
		t.Fatal(err)
	}
	tok := tokenDi(t, link)
	v := nuovoVisitatore(t, app)
	controlla(t, v.get("/configurazione?t="+url.QueryEscape(tok)), http.StatusOK, "", []string{"Configurazione del primo amministratore", "app di autenticazione"}, nil)
	modulo := url.Values{"t": {tok}, "email": {emailAmministratore}, "cognome": {"Verdi"}, "nome": {"Giuseppe"}, "password": {"breve"}, "conferma": {"breve"}}
	controlla(t, v.post("/configurazione", modulo), http.StatusUnprocessableEntity, "", []string{"almeno 15 caratteri"}, nil)
	modulo.Set("password", passwordAmministratore)
	modulo.Set("conferma", passwordAmministratore)
	vuole(t, v.post("/configurazione", modulo), http.StatusSeeOther, "/attivazione/passo")

	// The link is used up; the administrator cannot log in before the end.
	controlla(t, nuovoVisitatore(t, app).get("/configurazione?t="+url.QueryEscape(tok)), http.StatusOK, "", []string{"non è valido"}, []string{`name="password"`})
	vuole(t, nuovoVisitatore(t, app).password(emailAmministratore, passwordAmministratore), http.StatusUnauthorized)
	controlla(t, v.get("/attivazione/passo"), http.StatusOK, "", []string{"Passo 2 di 4", "configura l'app di autenticazione", emailAmministratore}, nil)

	v.completaAttivazione()
	v.accedi(emailAmministratore, passwordAmministratore)
	vuole(t, v.get("/area"), http.StatusSeeOther, "/amministrazione")
	u, err := app.App.Store.UtentePerEmail(emailAmministratore)
	if err != nil {
		t.Fatal(err)
	}
	if u.Ruolo != domain.RuoloAmministratore || u.TOTP == nil || u.Regole == nil || len(u.CodiciRecupero) != 10 {
		t.Errorf("the first administrator: %+v", u)
	}
	if len(vociAudit(t, app, domain.AuditAccount, "Creato il primo amministratore Giuseppe Verdi")) != 1 {
		t.Error("the set-up is not in the audit log")
	}
}

// trovaNelFile reports whether the database file contains s.
func trovaNelFile(t testing.TB, app *testapp.T, s string) bool {
	t.Helper()
	b, err := os.ReadFile(app.App.Store.Path())
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Contains(b, []byte(s))
}

// TestAttivazioneInterrottaERipresa: the holder chooses the password and
// scans the QR code in one browser, then closes it; in another, the same
// code resumes at the step it stopped, with the same key already in the
// phone's app; once active, the code is used up.
func TestAttivazioneInterrottaERipresa(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	op, _ := nuovoOperatore(t, app, "Laura", "Pisani", "PI")
	approvata(t, op, v.richiestaInviata(p))
	p1, p2 := parte1(t, app, p.Email), v.parte2Area()

	primo := nuovoVisitatore(t, app)
	vuole(t, primo.iniziaAttivazione(p.CF, p1, p2), http.StatusSeeOther, "/attivazione/passo")
	vuole(t, primo.post("/attivazione/passo", url.Values{"passo": {"password"}, "password": {passwordTitolare}, "conferma": {passwordTitolare}}),
		http.StatusSeeOther, "/attivazione/passo")
	segreto := primo.chiaveTOTP() // scanned into the app; then the browser is closed

	secondo := nuovoVisitatore(t, app)
	vuole(t, secondo.iniziaAttivazione(p.CF, p1, p2), http.StatusSeeOther, "/attivazione/passo")
	controlla(t, secondo.get("/attivazione/passo"), http.StatusOK, "", []string{"Passo 2 di 4"}, nil)
	if got := secondo.chiaveTOTP(); got != segreto {
		t.Fatalf("resumed with another key: the app holds %s, the page shows %s", segreto, got)
	}
	vuole(t, primo.get("/attivazione/passo"), http.StatusSeeOther, "/attivazione")
	vuole(t, secondo.post("/attivazione/passo", url.Values{"passo": {"totp"}, "codice": {codiceA(t, app, segreto, 0)}}), http.StatusSeeOther, "/attivazione/passo")
	controlla(t, secondo.post("/attivazione/passo", url.Values{"passo": {"regole"}, "accetto": {"si"}}), http.StatusOK, "", []string{"Le tue credenziali sono attive"}, nil)

	// Used up: typed again, the code opens nothing.
	controlla(t, nuovoVisitatore(t, app).iniziaAttivazione(p.CF, p1, p2), http.StatusUnprocessableEntity, "", []string{"non validi o scaduti"}, nil)
	vuole(t, nuovoVisitatore(t, app).password(p.CF, passwordTitolare), http.StatusSeeOther, "/accedi/codice")
}
