package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"abilita/domain"
	"abilita/internal/testapp"
)

// Public pages, security headers and the answers to htmx requests.

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
