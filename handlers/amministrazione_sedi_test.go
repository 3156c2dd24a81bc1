package handlers_test

import (
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/sedi"
)

// moduloSedePisa is a valid form for the sede of Pisa.
func moduloSedePisa() url.Values {
	return url.Values{
		"nome": {"Sede di Pisa"}, "indirizzo": {"Via Battelli 5"}, "cap": {"56127"}, "citta": {"Pisa"},
		"orari": {"Dal lunedì al venerdì 8:30–12:30"}, "telefono": {"+39 050 123456"},
		"email": {"Pisa@Inail.it"}, "pec": {"pisa@postacert.inail.it"}, "province": {"pi"},
	}
}

func TestAmministrazioneSedi(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	admin := amministratore(t, app)
	con := func(k, v string) url.Values {
		f := moduloSedePisa()
		f.Set(k, v)
		return f
	}
	prima := sedeSalvata(t, app, "PI")
	for _, sc := range []scenario{
		{name: "home con il collegamento", url: "/amministrazione", wantStatus: http.StatusOK,
			wantContains: []string{`href="/amministrazione/sedi/PI"`, `href="/amministrazione/operatori"`, `href="/amministrazione/audit"`, `href="/statistiche"`, `href="/operatore/posta"`}},
		{name: "modulo", url: "/amministrazione/sedi/PI", wantStatus: http.StatusOK, wantContains: []string{"Sede di Pisa", `name="province" value="PI"`}},
		{name: "sede inesistente", url: "/amministrazione/sedi/ZZ", wantStatus: http.StatusNotFound},
		{name: "provincia di un'altra sede", method: http.MethodPost, url: "/amministrazione/sedi/PI", form: con("province", "PI, LU"),
			wantStatus: http.StatusUnprocessableEntity, wantContains: []string{"La provincia LU è già servita dalla Sede di Lucca (LU)"}},
		{name: "provincia inesistente", method: http.MethodPost, url: "/amministrazione/sedi/PI", form: con("province", "PI, ZZ"),
			wantStatus: http.StatusUnprocessableEntity, wantContains: []string{"«ZZ» non è la sigla di una provincia italiana."}},
		{name: "e-mail non valida", method: http.MethodPost, url: "/amministrazione/sedi/PI", form: con("email", "pisa-inail.it"),
			wantStatus: http.StatusUnprocessableEntity, wantContains: []string{"L'indirizzo e-mail non è valido"}},
		{name: "PEC non valida", method: http.MethodPost, url: "/amministrazione/sedi/PI", form: con("pec", "Sede <pisa@pec.it>"),
			wantStatus: http.StatusUnprocessableEntity, wantContains: []string{"I caratteri < e > non sono ammessi."}},
		{name: "CAP non valido", method: http.MethodPost, url: "/amministrazione/sedi/PI", form: con("cap", "561"),
			wantStatus: http.StatusUnprocessableEntity, wantContains: []string{"Il CAP è formato da 5 cifre."}},
		{name: "telefono non valido", method: http.MethodPost, url: "/amministrazione/sedi/PI", form: con("telefono", "chiamare"),
			wantStatus: http.StatusUnprocessableEntity, wantContains: []string{"Il numero di telefono"}},
		{name: "nome vuoto", method: http.MethodPost, url: "/amministrazione/sedi/PI", form: con("nome", ""),
			wantStatus: http.StatusUnprocessableEntity, wantContains: []string{"Indica il nome della sede."}},
		{name: "markup negli orari", method: http.MethodPost, url: "/amministrazione/sedi/PI", form: con("orari", "<script>x</script>"),
			wantStatus: http.StatusUnprocessableEntity, wantContains: []string{"I caratteri < e > non sono ammessi."}, wantNotContains: []string{"<script>x"}},
		{name: "testo troppo lungo", method: http.MethodPost, url: "/amministrazione/sedi/PI", form: con("indirizzo", strings.Repeat("a", 300)),
			wantStatus: http.StatusUnprocessableEntity, wantContains: []string{"Il testo è troppo lungo"}},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.esegui(t, admin) })
	}
	if dopo := sedeSalvata(t, app, "PI"); !reflect.DeepEqual(prima, dopo) {
		t.Fatalf("a refused edit changed the sede: %+v", dopo)
	}

	vuole(t, admin.post("/amministrazione/sedi/PI", moduloSedePisa()), http.StatusSeeOther, "/amministrazione")
	sd := sedeSalvata(t, app, "PI")
	if sd.Indirizzo != "Via Battelli 5" || sd.CAP != "56127" || sd.Email != "pisa@inail.it" || sd.PEC != "pisa@postacert.inail.it" ||
		sd.Orari != "Dal lunedì al venerdì 8:30–12:30" || !slices.Equal(sd.ProvinceServite, []string{"PI"}) || sd.Codice != "PI" || sd.Provincia != "PI" {
		t.Errorf("stored sede %+v", sd)
	}
	controlla(t, admin.get("/amministrazione"), http.StatusOK, "", []string{"Dati della Sede di Pisa salvati.", "Via Battelli 5, 56127 Pisa (PI)"}, nil)
	controlla(t, nuovoVisitatore(t, app).get("/sedi?comune=Pisa"), http.StatusOK, "", []string{"Via Battelli 5, 56127 Pisa (PI)", "pisa@inail.it"}, nil)
	if e := vociAudit(t, app, domain.AuditSede, "Modificati i dati della Sede di Pisa (PI): indirizzo, CAP, orari, telefono, e-mail, PEC"); len(e) != 1 {
		t.Errorf("audit entries of the edit: %+v", e)
	}

	// A province moves in two steps: the sede that serves it lets it go
	// (with a warning while no sede serves it), then another takes it.
	lucca := url.Values{"nome": {"Sede di Lucca"}, "citta": {"Lucca"}, "province": {""}}
	vuole(t, admin.post("/amministrazione/sedi/LU", lucca), http.StatusSeeOther, "/amministrazione")
	controlla(t, admin.get("/amministrazione"), http.StatusOK, "", []string{"nessuna sede serve ora LU"}, nil)
	vuole(t, admin.post("/amministrazione/sedi/PI", con("province", "PI LU")), http.StatusSeeOther, "/amministrazione")
	if sd, err := app.App.Store.SedePerProvincia("LU"); err != nil || sd.Codice != "PI" {
		t.Errorf("LU is served by %q, %v", sd.Codice, err)
	}

	op, _ := collega(t, app, domain.RuoloOperatore, "PI", "Olga", "olga.collega@inail.test")
	vuole(t, op.get("/amministrazione/sedi/PI"), http.StatusForbidden)
	vuole(t, op.post("/amministrazione/sedi/PI", moduloSedePisa()), http.StatusForbidden)
}

func sedeSalvata(t testing.TB, app *testapp.T, codice string) sedi.Sede {
	t.Helper()
	sd, err := app.App.Store.Sede(codice)
	if err != nil {
		t.Fatal(err)
	}
	return sd
}

// A sede whose data are incomplete shows the public what exists and the
// contact centre, never a note meant for the administrator, whose home
// lists what each sede lacks; its receipts print no empty boxes.
func TestSedeIncompleta(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	pubblico := nuovoVisitatore(t, app)
	controlla(t, pubblico.get("/sedi?comune=Pisa"), http.StatusOK, "", []string{"Sede di Pisa", "contact center Inail al", "06.6001"},
		[]string{"da completare", "amministratore"})

	p := mario()
	v := nuovoRichiedente(t, app, p)
	id := v.richiestaInviata(p)
	testo := testoPDF(t, []byte(v.get(urlRichiesta(id)+"/ricevuta.pdf").Body))
	if !strings.Contains(testo, "contact center Inail 06.6001") {
		t.Errorf("the receipt of an incomplete sede:\n%s", testo)
	}

	admin := amministratore(t, app)
	controlla(t, admin.get("/amministrazione"), http.StatusOK, "", []string{"sedi hanno dati incompleti", "Sede di Pisa</a>: manca indirizzo, orari, telefono o e-mail"}, nil)
	vuole(t, admin.post("/amministrazione/sedi/PI", moduloSedePisa()), http.StatusSeeOther)
	controlla(t, pubblico.get("/sedi?comune=Pisa"), http.StatusOK, "", []string{"Via Battelli 5", "+39 050 123456"}, []string{"contact center"})
	controlla(t, admin.get("/amministrazione"), http.StatusOK, "", nil, []string{"Sede di Pisa</a>: manca"})
	testo = testoPDF(t, []byte(v.get(urlRichiesta(id)+"/ricevuta.pdf").Body))
	if !strings.Contains(testo, "Via Battelli 5") || !strings.Contains(testo, "pisa@postacert.inail.it") || strings.Contains(testo, "contact center") {
		t.Errorf("the receipt of a complete sede:\n%s", testo)
	}
}
