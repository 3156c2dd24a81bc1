package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"abilita/internal/testapp"
	"abilita/internal/testsmtp"
	"abilita/security"
)

// Helpers of the credentials tests: the parts of an activation code as the
// mail, the PEC, the letter and the area show them, and the steps of an
// activation.

// passwordTitolare is the password holders choose at activation.
const passwordTitolare = "orologio pianoforte girasole"

// reCodice finds a code as printed: groups of four letters or digits.
var reCodice = regexp.MustCompile(`\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}\b`)

// ultimoMessaggio waits for a message to `to` whose subject contains
// subject and returns the most recent one.
func ultimoMessaggio(t testing.TB, srv *testsmtp.Server, to, subject string) testsmtp.Message {
	t.Helper()
	match := func(m testsmtp.Message) bool {
		return strings.Contains(strings.Join(m.To, ","), to) && strings.Contains(m.Subject(), subject)
	}
	srv.WaitFor(t, 10*time.Second, match)
	msgs := srv.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if match(msgs[i]) {
			return msgs[i]
		}
	}
	panic("unreachable")
}

// contaMessaggi counts the messages to `to` whose subject contains subject.
func contaMessaggi(srv *testsmtp.Server, to, subject string) int {
	n := 0
	for _, m := range srv.Messages() {
		if strings.Contains(strings.Join(m.To, ","), to) && strings.Contains(m.Subject(), subject) {
			n++
		}
	}
	return n
}

// codiceIn returns the only code in text.
func codiceIn(t testing.TB, text string) string {
	t.Helper()
	codici := reCodice.FindAllString(text, -1)
	if len(codici) != 1 {
		t.Fatalf("want one code, found %q in:\n%s", codici, text)
	}
	return codici[0]
}

// parte1 is the first part of the latest code mailed to email.
func parte1(t testing.TB, app *testapp.T, email string) string {
	t.Helper()
	return codiceIn(t, ultimoMessaggio(t, app.SMTP, email, "(prima parte)").Text())
}

// parte2PEC is the second part of the latest code sent by PEC to pec.
func parte2PEC(t testing.TB, app *testapp.T, pec string) string {
	t.Helper()
	return codiceIn(t, ultimoMessaggio(t, app.PEC, pec, "(seconda parte)").Text())
}

// parte2Area is part 2 as the holder's area shows it.
func (v *visitatore) parte2Area() string {
	v.t.Helper()
	r := v.get("/area")
	vuole(v.t, r, http.StatusOK)
	m := regexp.MustCompile(`id="parte2">([^<]+)<`).FindStringSubmatch(r.Body)
	if m == nil {
		v.t.Fatalf("the area shows no part 2:\n%s", estratto(r.Testo))
	}
	return m[1]
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// iniziaAttivazione sends the login name and the two parts of a code.
func (v *visitatore) iniziaAttivazione(identificativo, p1, p2 string) risposta {
	v.t.Helper()
	return v.post("/attivazione", url.Values{"identificativo": {identificativo}, "parte1": {p1}, "parte2": {p2}})
}

// attiva goes through a whole activation with password and returns the
// authenticator's secret and the recovery codes.
func (v *visitatore) attiva(identificativo, p1, p2, password string) (string, []string) {
	v.t.Helper()
	vuole(v.t, v.iniziaAttivazione(identificativo, p1, p2), http.StatusSeeOther, "/attivazione/passo")
	vuole(v.t, v.post("/attivazione/passo", url.Values{"passo": {"password"}, "password": {password}, "conferma": {password}}),
		http.StatusSeeOther, "/attivazione/passo")
	return v.completaAttivazione()
}

// completaAttivazione goes through the steps after the password: the
// authenticator (confirmed with a code of the key the page shows), the
// rules and the recovery codes.
func (v *visitatore) completaAttivazione() (segreto string, recupero []string) {
	v.t.Helper()
	segreto = v.chiaveTOTP()
	code, err := security.CodiceTOTP(segreto, v.app.Orologio.Now())
	if err != nil {
		v.t.Fatal(err)
	}
	vuole(v.t, v.post("/attivazione/passo", url.Values{"passo": {"totp"}, "codice": {code}}), http.StatusSeeOther, "/attivazione/passo")
	controlla(v.t, v.get("/attivazione/passo"), http.StatusOK, "", []string{"Regole di riservatezza delle credenziali", "Nessun terzo"}, nil)
	r := v.post("/attivazione/passo", url.Values{"passo": {"regole"}, "accetto": {"si"}})
	controlla(v.t, r, http.StatusOK, "", []string{"Le tue credenziali sono attive", "Ho conservato i codici"}, nil)
	recupero = regexp.MustCompile(`<li>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2})</li>`).FindAllString(r.Body, -1)
	for i, c := range recupero {
		recupero[i] = strings.TrimSuffix(strings.TrimPrefix(c, "<li>"), "</li>")
	}
	if len(recupero) != 10 {
		v.t.Fatalf("%d recovery codes shown, want 10", len(recupero))
	}
	return segreto, recupero
}

// chiaveTOTP reads the key of the authenticator step, as a person types it.
func (v *visitatore) chiaveTOTP() string {
	v.t.Helper()
	r := v.get("/attivazione/passo")
	vuole(v.t, r, http.StatusOK)
	m := regexp.MustCompile(`id="chiave-totp">([A-Z2-7 ]+)<`).FindStringSubmatch(r.Body)
	if m == nil {
		v.t.Fatalf("no key on the authenticator step:\n%s", estratto(r.Testo))
	}
	if !strings.Contains(r.Body, `src="data:image/png;base64,`) {
		v.t.Error("the authenticator step has no QR code image")
	}
	return strings.ReplaceAll(m[1], " ", "")
}

// password posts the first step of a login; the answer says what is next.
func (v *visitatore) password(identificativo, password string) risposta {
	v.t.Helper()
	return v.post("/accedi", url.Values{"identificativo": {identificativo}, "password": {password}})
}

// codice posts the second step of a login with an authenticator code.
func (v *visitatore) codice(code string) risposta {
	v.t.Helper()
	return v.post("/accedi/codice", url.Values{"codice": {code}})
}
