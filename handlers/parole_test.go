package handlers_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"abilita/internal/testapp"
	"abilita/internal/testsmtp"
)

// The words people read: gender-neutral greetings, the sex written out,
// a counter request said to be registered at the counter.
func TestParole(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	controlla(t, v.get("/area"), http.StatusOK, "", []string{"Ti diamo il benvenuto, Mario Rossi"}, []string{"Benvenuto"})
	id := v.nuovaBozza()
	v.compila(id, p)
	controlla(t, v.get(urlPasso(id, "riepilogo")), http.StatusOK, "", []string{"Maschile"}, nil)
	r := v.post("/esci", nil)
	vuole(t, r, http.StatusSeeOther, "/")
	controlla(t, v.get("/"), http.StatusOK, "", []string{"Hai chiuso la sessione."}, []string{"uscito"})

	op, _ := nuovoOperatore(t, app, "Carla", "Sportelli", "PI")
	q := anna()
	sid := op.richiestaAlloSportello("")
	op.compila(sid, q)
	op.caricaValidi(sid)
	op.invia(sid)
	m := app.SMTP.WaitFor(t, 10*time.Second, func(m testsmtp.Message) bool { return m.To[0] == q.Email && strings.Contains(m.Subject(), "PI-") })
	if !strings.Contains(m.Text(), "è stata registrata allo sportello della Sede di Pisa") || !strings.Contains(m.Text(), "Registrata il:") {
		t.Errorf("the counter receipt:\n%s", m.Text())
	}
}

// The province of residence is filled in from the comune.
func TestProvinciaResidenzaDerivata(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	id := v.nuovaBozza()
	dati := datiPassi(p, app.Orologio.Now())
	vuole(t, v.post(urlPasso(id, "profilo"), dati["profilo"]), http.StatusSeeOther)
	form := dati["anagrafica"]
	form.Set("res_provincia", "")
	form.Set("azione", "avanti")
	vuole(t, v.post(urlPasso(id, "anagrafica"), form), http.StatusSeeOther, urlPasso(id, "professione"))
	if got := mustRichiesta(t, app, id).Residenza.Provincia; got != p.ProvinciaResidenza {
		t.Errorf("province of residence %q, want %q", got, p.ProvinciaResidenza)
	}
}

// The operator's pages are reached from one set of tabs, shown on each of
// them; the top menu keeps the way in, not the same links again.
func TestNavigazioneOperatore(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	op, _ := nuovoOperatore(t, app, "Carla", "Sportelli", "PI")
	for _, pagina := range []string{"/operatore", "/operatore/sportello", "/operatore/posta", "/statistiche", "/operatore/account"} {
		r := op.get(pagina)
		vuole(t, r, http.StatusOK)
		if n := strings.Count(r.Body, `href="/statistiche"`); n != 1 {
			t.Errorf("%s links the statistics %d times, want once (the tab)", pagina, n)
		}
		if !strings.Contains(r.Body, `aria-label="Pagine dell&#39;operatore"`) && !strings.Contains(r.Body, `aria-label="Pagine dell'operatore"`) {
			t.Errorf("%s has no operator tabs", pagina)
		}
	}
}

// Province lists name each province, in order of name.
func TestProvinceConNome(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	for _, pagina := range []string{"/sedi", "/precompila"} {
		r := nuovoVisitatore(t, app).get(pagina)
		controlla(t, r, http.StatusOK, "", []string{`<option value="PI" >Pisa (PI)</option>`, `>Agrigento (AG)</option>`}, nil)
		if strings.Index(r.Body, ">Bari (BA)<") > strings.Index(r.Body, ">Bergamo (BG)<") {
			t.Errorf("%s: provinces not in order of name", pagina)
		}
	}
}
