package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"abilita/internal/testapp"
	"abilita/security"
)

// The idle timeout and its warning (DESIGN.md §4): the dialog in the pages
// of logged-in users, the seconds left, and the renewal.

var reSecondi = regexp.MustCompile(`id="avviso-sessione"[^>]*data-secondi="(\d+)"`)

func TestSessioniAvvisoNellePagine(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoVisitatore(t, app)
	registra(t, app, v, p)
	anonimo := nuovoVisitatore(t, app)
	for _, percorso := range []string{"/", "/accedi", "/guida"} {
		r := anonimo.get(percorso)
		controlla(t, r, http.StatusOK, "", nil, []string{`id="avviso-sessione"`, "Resta collegato"})
		if r.Header.Get("X-Sessione-Secondi") != "" {
			t.Errorf("%s: an anonymous page tells the seconds of a session", percorso)
		}
	}
	accediCon(t, v, p.Email, p.Password, uaFirefoxLinux)
	for _, percorso := range []string{"/", "/area", "/account/sessioni", "/richieste"} {
		r := v.get(percorso)
		controlla(t, r, http.StatusOK, "", []string{`<dialog id="avviso-sessione"`, `aria-labelledby="avviso-sessione-titolo"`,
			`aria-describedby="avviso-sessione-testo"`, `aria-live="polite"`, "Resta collegato", `action="/esci"`, `data-preavviso="120"`}, []string{"<script>", " style="})
		m := reSecondi.FindStringSubmatch(r.Body)
		if m == nil {
			t.Fatalf("%s: the dialog has no data-secondi", percorso)
		}
		if s, _ := strconv.Atoi(m[1]); s < 29*60 {
			t.Errorf("%s: data-secondi %s, want about 30 minutes", percorso, m[1])
		}
		secondi, _ := strconv.Atoi(r.Header.Get("X-Sessione-Secondi"))
		if secondi < 29*60 || secondi > 30*60 {
			t.Errorf("%s: X-Sessione-Secondi %q, want about 30 minutes", percorso, r.Header.Get("X-Sessione-Secondi"))
		}
	}
	// An htmx fragment carries the count in its header for the script.
	r := v.get("/account/sessioni", "HX-Request", "true")
	if r.Header.Get("X-Sessione-Secondi") == "" || strings.Contains(r.Body, "avviso-sessione") {
		t.Errorf("htmx answer: header %q, dialog in the fragment: %v", r.Header.Get("X-Sessione-Secondi"), strings.Contains(r.Body, "avviso-sessione"))
	}
}

func TestSessioniRinnova(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	tt := nuovoTitolareAttivo(t, app, mario(), "PI")
	v := nuovoVisitatore(t, app)
	tt.accedi(v, uaFirefoxLinux)
	hash := security.HashToken(v.cookie("abilita_sessione"))
	// Twenty minutes without a request: ten are left.
	ora := app.Orologio.Avanza(20 * time.Minute)

	rinnova := func(v *visitatore, header ...string) risposta {
		return v.do(v.richiesta(http.MethodPost, "/sessione/rinnova", nil), header...)
	}
	// Like fetch() from the page: no form, the token in the header.
	r := rinnova(v, "X-CSRF-Token", v.csrf())
	vuole(t, r, http.StatusNoContent)
	if r.Body != "" {
		t.Errorf("body %q", r.Body)
	}
	ss, _, err := app.App.Store.SessioneAttiva(hash)
	if err != nil {
		t.Fatal(err)
	}
	if !ss.UltimoUso.Equal(ora) {
		t.Errorf("last use %v after the renewal, want now (%v)", ss.UltimoUso, ora)
	}
	if s, _ := strconv.Atoi(r.Header.Get("X-Sessione-Secondi")); s < 29*60 {
		t.Errorf("X-Sessione-Secondi %q after the renewal", r.Header.Get("X-Sessione-Secondi"))
	}

	vuole(t, rinnova(v), http.StatusForbidden) // no CSRF token
	anonimo := nuovoVisitatore(t, app)
	vuole(t, rinnova(anonimo, "X-CSRF-Token", anonimo.csrf()), http.StatusUnauthorized)
	// The form without JavaScript works too.
	vuole(t, v.post("/sessione/rinnova", url.Values{}), http.StatusNoContent)
}

func TestSessioniScadutaPerInattivita(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	tt := nuovoTitolareAttivo(t, app, mario(), "PI")
	v := nuovoVisitatore(t, app)
	tt.accedi(v, uaFirefoxLinux)
	hash := security.HashToken(v.cookie("abilita_sessione"))
	app.Orologio.Avanza(31 * time.Minute)
	// What the page's script does when the time is up: the renewal fails,
	// then the login page says why.
	vuole(t, v.do(v.richiesta(http.MethodPost, "/sessione/rinnova", nil), "X-CSRF-Token", v.csrf()), http.StatusUnauthorized)
	controlla(t, v.get("/accedi?dopo=%2Farea"), http.StatusOK, "", []string{"La sessione è scaduta dopo 30 minuti di inattività"}, nil)
	if _, _, err := app.App.Store.SessioneAttiva(hash); err == nil {
		t.Error("the expired session is still stored")
	}
}

func TestSessioniScadutaDopoDodiciOre(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	tt := nuovoTitolareAttivo(t, app, mario(), "PI")
	v := nuovoVisitatore(t, app)
	tt.accedi(v, uaFirefoxLinux)
	ss, _, err := app.App.Store.SessioneAttiva(security.HashToken(v.cookie("abilita_sessione")))
	if err != nil {
		t.Fatal(err)
	}
	limite := ss.Creata.Add(12 * time.Hour)
	rinnova := func() risposta {
		return v.do(v.richiesta(http.MethodPost, "/sessione/rinnova", nil), "X-CSRF-Token", v.csrf())
	}
	// Kept alive well within the idle timeout, until 90 seconds before the
	// absolute limit.
	for app.Orologio.Now().Add(25 * time.Minute).Before(limite.Add(-90 * time.Second)) {
		app.Orologio.Avanza(25 * time.Minute)
		vuole(t, rinnova(), http.StatusNoContent)
	}
	app.Orologio.Imposta(limite.Add(-90 * time.Second))
	// Near the absolute limit the seconds left are those to the limit, however recent the last use.
	r := rinnova()
	vuole(t, r, http.StatusNoContent)
	if s, _ := strconv.Atoi(r.Header.Get("X-Sessione-Secondi")); s > 90 || s < 60 {
		t.Errorf("X-Sessione-Secondi %q near the absolute limit, want at most 90", r.Header.Get("X-Sessione-Secondi"))
	}

	// Just renewed, the session still ends at the limit.
	app.Orologio.Imposta(limite.Add(time.Second))
	vuole(t, v.get("/area"), http.StatusSeeOther, "/accedi")
	controlla(t, v.get("/accedi"), http.StatusOK, "", []string{"dopo 12 ore è necessario accedere di nuovo"}, nil)
}
