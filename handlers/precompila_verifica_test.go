package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"abilita/internal/testapp"
)

// Precompila checks the module while it is typed, as the request form does:
// errors swapped next to their fields, and what the codice fiscale says
// offered to fill in the rest.

func TestPrecompilaPaginaInParti(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	controlla(t, nuovoVisitatore(t, app).get("/precompila"), http.StatusOK, "", []string{
		`hx-post="/precompila/verifica"`,
		`<legend><h2 class="h4">1. Tipo di richiesta e profilo</h2></legend>`,
		`<legend><h2 class="h4">2. Dati anagrafici</h2></legend>`,
		`<legend><h2 class="h4">3. Residenza</h2></legend>`,
		`<legend><h2 class="h4">4. Recapiti</h2></legend>`,
		`<legend><h2 class="h4">5. Dati professionali</h2></legend>`,
		`<legend><h2 class="h4">6. Documento di riconoscimento</h2></legend>`,
		`<legend><h2 class="h4">7. Dichiarazioni e urgenza</h2></legend>`,
		`<div id="proposta-cf"`,
		// The provinces by name, in order of name.
		`<option value="PI" >Pisa (PI)</option>`,
	}, []string{`>PI</option>`})
}

func TestPrecompilaVerificaInLinea(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	v := nuovoVisitatore(t, app)
	p := mario()
	con := func(coppie ...string) url.Values {
		f := url.Values{}
		for i := 0; i+1 < len(coppie); i += 2 {
			f.Set(coppie[i], coppie[i+1])
		}
		return f
	}
	htmx := []string{"HX-Request", "true"}
	proposta := "Dati letti dal codice fiscale"
	casi := []struct {
		scenario
		errori map[string]string // how the error begins; "" for a field with no error
	}{
		{scenario{name: "codice fiscale errato", form: con("codice_fiscale", "RSSMRA85T10A562T", "cognome", "Rossi"),
			wantContains: []string{`<div id="proposta-cf" hx-swap-oob="true"`}, wantNotContains: []string{proposta}},
			map[string]string{"codice_fiscale": "Il carattere di controllo del codice fiscale non è corretto.", "res_indirizzo": ""}},
		{scenario{name: "proposta dal codice fiscale", form: con("codice_fiscale", p.CF, "cognome", p.Cognome, "nome", p.Nome),
			wantContains: []string{proposta, "Sesso: Maschile; data di nascita 10/12/1985; luogo di nascita San Giuliano Terme (PI)", `name="azione" value="proponi"`}},
			map[string]string{"codice_fiscale": "", "cognome": "", "nome": ""}},
		{scenario{name: "nessuna proposta a dati completi", form: con("codice_fiscale", p.CF, "cognome", p.Cognome, "nome", p.Nome,
			"sesso", "M", "data_nascita", "1985-12-10", "luogo_nascita", "San Giuliano Terme"), wantNotContains: []string{proposta}},
			map[string]string{"codice_fiscale": "", "data_nascita": ""}},
		{scenario{name: "codice fiscale di un altro nome", form: con("codice_fiscale", p.CF, "cognome", "Bianchi", "nome", p.Nome)},
			map[string]string{"cognome": "Il cognome non corrisponde al codice fiscale", "nome": ""}},
		{scenario{name: "ogni parte del modulo", form: con("res_cap", "561", "doc_scadenza", "2001-01-01", "profilo", "medico_esterno", "ordine_numero", "12 345", "email", "mario@"),
			wantNotContains: []string{`id="dpr445-errore"`}},
			map[string]string{"res_cap": "Il CAP è formato da 5 cifre.", "doc_scadenza": "Il documento è scaduto: serve un documento in corso di validità.",
				"ordine_numero": "Il numero di iscrizione può contenere solo lettere, cifre, / e -.", "email": "L'indirizzo e-mail non è valido (esempio: nome@dominio.it).",
				"doc_numero": ""}},
		{scenario{name: "testo ostile", form: con("cognome", "<script>alert(1)</script>"), wantNotContains: []string{"<script>alert"}},
			map[string]string{"cognome": "I caratteri < e > non sono ammessi."}},
	}
	oob := regexp.MustCompile(`<div id="[a-z_0-9]+-errore" class="campo-errore" aria-live="polite" hx-swap-oob="true">`)
	for _, c := range casi {
		t.Run(c.name, func(t *testing.T) {
			c.method, c.url, c.headers, c.wantStatus = http.MethodPost, "/precompila/verifica", htmx, http.StatusOK
			c.wantNotContains = append(c.wantNotContains, "<html", `id="codice"`)
			prima := impronta(t, app)
			r := c.esegui(t, v)
			for campo, msg := range c.errori {
				if !strings.Contains(r.Body, `<div id="`+campo+`-errore"`) {
					t.Errorf("no error element for %s", campo)
				}
				if got := erroreCampo(r.Body, campo); !strings.HasPrefix(got, msg) || msg == "" && got != "" {
					t.Errorf("error next to %s: %q, want %q", campo, got, msg)
				}
			}
			if n := len(oob.FindAllString(r.Body, -1)); n < 20 {
				t.Errorf("%d error elements swapped out of band, want every field of the module", n)
			}
			if impronta(t, app) != prima {
				t.Error("an inline check changed the database")
			}
		})
	}
}

func TestPrecompilaVerificaProtetta(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	v := nuovoVisitatore(t, app)
	controlla(t, v.post("/precompila/verifica", url.Values{"_csrf": {""}, "cognome": {"Rossi"}}, "HX-Request", "true"),
		http.StatusForbidden, "", nil, []string{"-errore"})
	for i := range 200 {
		if r := v.post("/precompila/verifica", url.Values{"cognome": {"Rossi"}}, "HX-Request", "true"); r.Status != http.StatusOK {
			t.Fatalf("check %d: status %d", i+1, r.Status)
		}
	}
	r := v.post("/precompila/verifica", url.Values{"cognome": {"Rossi"}}, "HX-Request", "true")
	controlla(t, r, http.StatusTooManyRequests, "", nil, []string{"-errore"})
	if ra := r.Header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After %q", ra)
	}
	// Checks and saves are counted apart: typing does not use up the saves.
	vuole(t, v.post("/precompila", datiPrecompila(mario(), app.Orologio.Now())), http.StatusOK)
}
