package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"abilita/app"
	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/posta"
)

// moduloPrivacy is a valid form of the contacts of the privacy notice.
func moduloPrivacy() url.Values {
	return url.Values{
		"titolare_nome": {"Istituto di prova"}, "titolare_indirizzo": {"Piazzale di Prova 1, 00100 Roma"},
		"titolare_email": {"Titolare@Esempio.it"}, "titolare_pec": {"titolare@pec.esempio.it"},
		"dpo_nome": {"Ufficio del responsabile di prova"}, "dpo_email": {"dpo@esempio.it"}, "dpo_pec": {"dpo@pec.esempio.it"},
		"note": {"Prima nota di prova.\r\n\r\nSeconda nota di prova."},
	}
}

// Until the administrator sets the contacts, the notice says they are not
// published yet and gives the contact centre, inventing none.
var privacyNonImpostata = []string{"<p>Inail – Istituto nazionale per l'assicurazione contro gli infortuni sul lavoro</p>",
	"I recapiti del titolare non sono ancora pubblicati in questa pagina", "I recapiti del responsabile della protezione dei dati (RPD, in inglese DPO) non sono ancora pubblicati",
	`<a href="tel:+39066001">06.6001</a>`}

// The administrator edits the contacts of the privacy notice: mistakes are
// shown beside their field and change nothing; saved, they are audited and
// the public notice, kept in memory for anonymous visitors, shows them at once.
func TestAmministrazionePrivacy(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	admin := amministratore(t, app)
	pubblico := nuovoVisitatore(t, app)
	controlla(t, pubblico.get("/privacy"), http.StatusOK, "", privacyNonImpostata, []string{"Istituto di prova"})

	con := func(k, v string) url.Values {
		f := moduloPrivacy()
		f.Set(k, v)
		return f
	}
	for _, sc := range []struct {
		scenario
		campo, errore string
	}{
		{scenario{name: "e-mail del titolare", form: con("titolare_email", "titolare-esempio.it")}, "titolare_email", "L'indirizzo e-mail non è valido"},
		{scenario{name: "PEC del DPO", form: con("dpo_pec", "dpo@pec")}, "dpo_pec", "L'indirizzo PEC non è valido"},
		{scenario{name: "PEC con il nome", form: con("titolare_pec", "Titolare <titolare@pec.esempio.it>")}, "titolare_pec", "I caratteri < e > non sono ammessi."},
		{scenario{name: "markup nel nome del DPO", form: con("dpo_nome", "<script>x</script>"), wantNotContains: []string{"<script>x"}}, "dpo_nome", "I caratteri < e > non sono ammessi."},
		{scenario{name: "markup nelle note", form: con("note", "<b>nota</b>"), wantNotContains: []string{"<b>nota"}}, "note", "I caratteri < e > non sono ammessi."},
		{scenario{name: "indirizzo troppo lungo", form: con("titolare_indirizzo", strings.Repeat("a", domain.MaxTesto+1))}, "titolare_indirizzo", "Il testo è troppo lungo"},
		{scenario{name: "note troppo lunghe", form: con("note", strings.Repeat("a", domain.MaxTestoLungo+1))}, "note", "Il testo è troppo lungo"},
	} {
		t.Run(sc.name, func(t *testing.T) {
			sc.method, sc.url, sc.wantStatus = http.MethodPost, "/amministrazione/privacy", http.StatusUnprocessableEntity
			sc.wantContains = []string{"Correggi i dati segnalati", `value="dpo@esempio.it"`}
			r := sc.esegui(t, admin)
			if got := erroreCampo(r.Body, sc.campo); !strings.Contains(got, sc.errore) {
				t.Errorf("error beside %s: %q, want %q", sc.campo, got, sc.errore)
			}
		})
	}
	if p, err := app.App.Store.ImpostazioniPrivacy(); err != nil || p != (domain.ImpostazioniPrivacy{}) {
		t.Fatalf("a refused form changed the settings: %+v, %v", p, err)
	}

	controlla(t, admin.get("/amministrazione"), http.StatusOK, "", []string{`href="/amministrazione/privacy"`}, nil)
	controlla(t, admin.get("/amministrazione/privacy"), http.StatusOK, "", []string{"Titolare del trattamento", `name="_csrf"`,
		`<input type="email" class="form-control" id="dpo_pec" name="dpo_pec" value=""`}, nil)
	vuole(t, admin.post("/amministrazione/privacy", moduloPrivacy()), http.StatusSeeOther, "/amministrazione")
	controlla(t, admin.get("/amministrazione"), http.StatusOK, "", []string{"Contatti dell'informativa privacy salvati (denominazione del titolare,"}, nil)
	if e := vociAudit(t, app, domain.AuditImpostazioni, "Modificati i contatti dell'informativa privacy: denominazione del titolare, indirizzo del titolare,"); len(e) != 1 {
		t.Errorf("audit entries of the edit: %+v", e)
	}
	controlla(t, admin.get("/amministrazione/audit"), http.StatusOK, "", []string{"Contatti dell'informativa privacy"}, nil)
	controlla(t, admin.get("/amministrazione/privacy"), http.StatusOK, "", []string{`value="titolare@esempio.it"`, "Prima nota di prova.\r\n\r\nSeconda nota di prova.</textarea>"}, nil)

	impostata := []string{"<p>Istituto di prova</p>", "Indirizzo: Piazzale di Prova 1, 00100 Roma",
		`<a href="mailto:titolare@esempio.it">titolare@esempio.it</a>`, `<a href="mailto:titolare@pec.esempio.it">titolare@pec.esempio.it</a>`,
		"<p>Ufficio del responsabile di prova</p>", `<a href="mailto:dpo@esempio.it">dpo@esempio.it</a>`, `<a href="mailto:dpo@pec.esempio.it">dpo@pec.esempio.it</a>`,
		"<p>Prima nota di prova.</p>", "<p>Seconda nota di prova.</p>"}
	for _, sc := range []scenario{
		{name: "anonimo", url: "/privacy"},
		{name: "anonimo htmx", url: "/privacy", headers: []string{"HX-Request", "true"}},
	} {
		sc.wantStatus, sc.wantContains, sc.wantNotContains = http.StatusOK, impostata, []string{"non sono ancora pubblicati", "<p>Inail – Istituto"}
		t.Run("dopo "+sc.name, func(t *testing.T) { sc.esegui(t, pubblico) })
	}
	controlla(t, admin.get("/privacy"), http.StatusOK, "", impostata, nil)

	vuole(t, admin.post("/amministrazione/privacy", moduloPrivacy()), http.StatusSeeOther, "/amministrazione")
	controlla(t, admin.get("/amministrazione"), http.StatusOK, "", []string{"Nessuna modifica ai contatti dell'informativa privacy."}, nil)

	// Emptied, a contact falls back to the contact centre again.
	vuoto := moduloPrivacy()
	for _, k := range []string{"dpo_email", "dpo_pec"} {
		vuoto.Set(k, "")
	}
	vuole(t, admin.post("/amministrazione/privacy", vuoto), http.StatusSeeOther, "/amministrazione")
	controlla(t, pubblico.get("/privacy"), http.StatusOK, "", []string{"<p>Ufficio del responsabile di prova</p>", "I recapiti del responsabile della protezione dei dati (RPD, in inglese DPO) non sono ancora pubblicati", "Indirizzo: Piazzale di Prova 1"},
		[]string{"dpo@esempio.it", "I recapiti del titolare non"})

	op, _ := collega(t, app, domain.RuoloOperatore, "PI", "Olga", "olga.privacy@inail.test")
	vuole(t, op.get("/amministrazione/privacy"), http.StatusForbidden)
	vuole(t, op.post("/amministrazione/privacy", con("dpo_email", "altro@esempio.it")), http.StatusForbidden)
	if p, _ := app.App.Store.ImpostazioniPrivacy(); p.DPOEmail != "" {
		t.Errorf("an operator changed the DPO's e-mail: %+v", p)
	}
}

// The notice states the periods the code enforces, drawn from the same
// constants and configuration, and says what has no automatic limit.
func TestPrivacyTempiDiConservazione(t *testing.T) {
	t.Parallel()
	configura := func(c *app.Config) { c.TokenTTL, c.AttivazioneTTL = 48*time.Hour, 5*24*time.Hour }
	a := testapp.Start(t, configura)
	if a.App.Config.TokenTTL != 48*time.Hour {
		t.Fatalf("TokenTTL %v: the configuration was not applied", a.App.Config.TokenTTL)
	}
	tempi := []string{
		"entro " + posta.Durata(domain.DurataNonConfermato) + " dalla registrazione",
		"vale 2 giorni, quello per reimpostare la password " + posta.Durata(domain.DurataReset),
		"Vale 5 giorni dall'emissione",
		"si interrompe dopo " + posta.Durata(domain.DurataAttivazione),
		"con il codice per 30 giorni",
		"dopo 30 minuti di inattività e comunque 12 ore dopo l'accesso",
		"restano gli ultimi " + strconv.Itoa(domain.MaxAccessi) + " tentativi",
		"conserva per 365 giorni un cookie tecnico",
		"conservati senza un limite automatico",
	}
	if posta.Durata(domain.DurataNonConfermato) != "7 giorni" {
		t.Errorf("DurataNonConfermato is written %q", posta.Durata(domain.DurataNonConfermato))
	}
	for _, sc := range []scenario{
		{name: "anonimo", url: "/privacy"},
		{name: "anonimo htmx", url: "/privacy", headers: []string{"HX-Request", "true"}},
	} {
		sc.wantStatus, sc.wantContains = http.StatusOK, tempi
		t.Run(sc.name, func(t *testing.T) { sc.esegui(t, nuovoVisitatore(t, a)) })
	}
	controlla(t, nuovoRichiedente(t, a, mario()).get("/privacy"), http.StatusOK, "", tempi,
		[]string{"per il tempo necessario alla gestione dell'abilitazione"})
}
