package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"abilita/internal/testapp"
	"abilita/security"
)

// Pages the same for every anonymous visitor are rendered once and served
// from memory with the visitor's CSRF token.

// pagineFisse are the pages served from memory to anonymous visitors.
var pagineFisse = []string{"/", "/percorsi/sportello", "/percorsi/inailrisponde", "/percorsi/online", "/privacy", "/regole-riservatezza", "/guida", "/sedi"}

// modiDiChiedere are the ways a page is asked for: the whole document, the
// content block (htmx), the whole document again (a boosted link).
var modiDiChiedere = []struct {
	name    string
	headers []string
	blocco  bool
}{
	{"intera", nil, false},
	{"htmx", []string{"HX-Request", "true"}, true},
	{"htmx boosted", []string{"HX-Request", "true", "HX-Boosted", "true"}, false},
}

const testoAvviso = "Avviso di prova"

// avvisoHTML is how the page header shows testoAvviso.
const avvisoHTML = `<div class="alert alert-success" role="status">` + testoAvviso + `</div>`

// TestPagineFisseComeComposte compares, byte for byte, each page from memory
// with the page rendered for the same visitor, who has the same CSRF token
// and a one-time message: only the message may differ.
func TestPagineFisseComeComposte(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	tokenDelSito := security.NewToken()
	gettoni := []struct{ name, token, nellaPagina string }{
		{"gettone del sito", tokenDelSito, tokenDelSito},
		// The csrf middleware keeps any cookie of 32 characters or more:
		// html/template escapes this one, so it must not be pasted raw.
		{"gettone da sfuggire", strings.Repeat(`<'&+/`, 8), strings.Repeat(`&lt;&#39;&amp;&#43;/`, 8)},
	}
	for _, g := range gettoni {
		for _, pagina := range pagineFisse {
			for _, modo := range modiDiChiedere {
				t.Run(g.name+" "+pagina+" "+modo.name, func(t *testing.T) {
					v := nuovoVisitatore(t, app)
					composta := v.get(pagina, append(modo.headers, "Cookie", "abilita_csrf="+g.token+"; abilita_avviso="+url.QueryEscape(testoAvviso))...)
					fissa := v.get(pagina, append(modo.headers, "Cookie", "abilita_csrf="+g.token)...)
					vuole(t, composta, http.StatusOK)
					vuole(t, fissa, http.StatusOK)
					if !modo.blocco && !strings.Contains(composta.Body, avvisoHTML) {
						t.Fatalf("the one-time message is not in the rendered page:\n%s", estratto(composta.Body))
					}
					if got, want := fissa.Body, strings.Replace(composta.Body, avvisoHTML, "", 1); got != want {
						t.Errorf("the page from memory differs from the rendered one %s", primaDifferenza(got, want))
					}
					if !modo.blocco && !strings.Contains(fissa.Body, `<body hx-headers='{"X-CSRF-Token":"`+g.nellaPagina+`"}'>`) {
						t.Errorf("the page does not carry the visitor's token as %s", g.nellaPagina)
					}
					stesseIntestazioni(t, composta, fissa, "Set-Cookie", "Date", "Content-Length")
					controllaIntestazioni(t, fissa)
				})
			}
		}
	}
}

// TestPagineFisseGettoneDelVisitatore has new visitors, at once, ask for
// every page: each gets the token of the cookie it is given, never another's.
func TestPagineFisseGettoneDelVisitatore(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	for _, pagina := range pagineFisse {
		t.Run(pagina, func(t *testing.T) {
			t.Parallel()
			var gettoni []string
			for i := range 4 {
				v := nuovoVisitatore(t, app)
				r := v.get(pagina)
				vuole(t, r, http.StatusOK)
				tok := v.cookie("abilita_csrf")
				if len(tok) < 32 {
					t.Fatalf("visitor %d: CSRF cookie %q", i, tok)
				}
				if !strings.Contains(r.Body, `<body hx-headers='{"X-CSRF-Token":"`+tok+`"}'>`) {
					t.Errorf("visitor %d: its token is not in the page", i)
				}
				for _, altro := range gettoni {
					if strings.Contains(r.Body, altro) {
						t.Errorf("visitor %d got another visitor's token", i)
					}
				}
				gettoni = append(gettoni, tok)
				if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
					t.Errorf("Content-Type %q", ct)
				}
				controllaIntestazioni(t, r)
				// A second visit sends the cookie back and keeps the token.
				if r2 := v.get(pagina); r2.Body != r.Body || len(r2.Header.Values("Set-Cookie")) != 0 {
					t.Errorf("visitor %d: second visit differs or sets cookies %q", i, r2.Header.Values("Set-Cookie"))
				}
			}
		})
	}
}

// TestPagineFisseRestanoComposte checks the answers that are not the page
// kept in memory: a logged-in user's, a one-time message, a question in the
// query, a path spelt otherwise than the route.
func TestPagineFisseRestanoComposte(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	anonimo := nuovoVisitatore(t, app)
	for _, p := range pagineFisse {
		vuole(t, anonimo.get(p), http.StatusOK) // the pages are in memory now
	}
	mario := nuovoRichiedente(t, app, mario())
	tok := mario.csrf()
	collegato := []string{"Mario Rossi", `<input type="hidden" name="_csrf" value="` + tok + `">`, `href="/richieste"`}
	for _, p := range pagineFisse {
		t.Run("collegato "+p, func(t *testing.T) {
			scenario{url: p, wantStatus: http.StatusOK, wantContains: collegato, wantNotContains: []string{`href="/registrazione"><span>Registrati`}}.esegui(t, mario)
		})
	}
	t.Run("collegato percorso online", func(t *testing.T) {
		scenario{url: "/percorsi/online", wantStatus: http.StatusOK, wantContains: []string{"Vai alle tue richieste"}}.esegui(t, mario)
	})
	for _, p := range pagineFisse {
		t.Run("avviso "+p, func(t *testing.T) {
			v := nuovoVisitatore(t, app)
			v.get(p)
			r := v.get(p, "Cookie", "abilita_avviso="+url.QueryEscape(testoAvviso))
			controlla(t, r, http.StatusOK, "", []string{avvisoHTML}, nil)
			controlla(t, v.get(p), http.StatusOK, "", nil, []string{testoAvviso})
		})
	}
	for _, sc := range []scenario{
		{name: "guida con risposte", url: "/guida?forti=si", wantStatus: http.StatusOK, wantContains: []string{"Il percorso adatto a te", `href="/percorsi/inailrisponde"`}},
		{name: "sede di un comune", url: "/sedi?comune=Pisa", wantStatus: http.StatusOK, wantContains: []string{`id="sede-trovata">Sede di Pisa<`, "Tutte le sedi"}},
		{name: "sede di una provincia", url: "/sedi?provincia=LU", wantStatus: http.StatusOK, wantContains: []string{`id="sede-trovata">Sede di Lucca<`, `<option value="LU" selected>`}},
		{name: "provincia senza sede", url: "/sedi?provincia=ZZ", wantStatus: http.StatusOK, wantContains: []string{"Nessuna sede serve la provincia ZZ."}},
		{name: "percorso con la barra finale", url: "/sedi/", wantStatus: http.StatusOK, wantContains: []string{"Tutte le sedi"},
			wantNotContains: []string{`href="/sedi" aria-current="page"`}},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.esegui(t, anonimo) })
	}
}

// TestPagineFisseSedeSalvata checks that the sedi page, kept in memory,
// shows a sede as soon as an administrator saves it.
func TestPagineFisseSedeSalvata(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	anonimo := nuovoVisitatore(t, app)
	richieste := []scenario{
		{name: "elenco", url: "/sedi"},
		{name: "elenco htmx", url: "/sedi", headers: []string{"HX-Request", "true"}},
		{name: "ricerca", url: "/sedi?comune=Pisa"},
	}
	for _, sc := range richieste {
		sc.wantStatus, sc.wantContains = http.StatusOK, []string{"<td>Sede di Pisa</td>"}
		t.Run("prima "+sc.name, func(t *testing.T) { sc.esegui(t, anonimo) })
	}
	admin := amministratore(t, app)
	form := moduloSedePisa()
	form.Set("nome", "Sede Inail di Pisa")
	vuole(t, admin.post("/amministrazione/sedi/PI", form), http.StatusSeeOther, "/amministrazione")
	for _, sc := range richieste {
		sc.wantStatus, sc.wantContains, sc.wantNotContains = http.StatusOK, []string{"<td>Sede Inail di Pisa</td>", "<td>pisa@inail.it</td>"}, []string{"<td>Sede di Pisa</td>"}
		t.Run("dopo "+sc.name, func(t *testing.T) { sc.esegui(t, anonimo) })
	}
}

// stesseIntestazioni compares the headers of two answers but those named.
func stesseIntestazioni(t testing.TB, a, b risposta, tranne ...string) {
	t.Helper()
	for k := range a.Header {
		if !slices.Contains(tranne, k) && !slices.Equal(a.Header.Values(k), b.Header.Values(k)) {
			t.Errorf("header %s: %q, then %q", k, a.Header.Values(k), b.Header.Values(k))
		}
	}
	for k := range b.Header {
		if _, ok := a.Header[k]; !ok && !slices.Contains(tranne, k) {
			t.Errorf("header %s only in the second answer: %q", k, b.Header.Values(k))
		}
	}
}

// primaDifferenza shows where two texts part.
func primaDifferenza(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	return fmt.Sprintf("at byte %d:\n got %q\nwant %q", i, got[max(0, i-80):min(len(got), i+80)], want[max(0, i-80):min(len(want), i+80)])
}
