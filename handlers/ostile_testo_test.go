package handlers_test

import (
	"bytes"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"abilita/domain"
)

// Text no field may hold, and forged requests (CSRF, cross-site).

func TestTestoNonValido(t *testing.T) {
	t.Parallel()
	b := nuovoBanco(t)
	q := ospite()
	reg := func(campo, valore string) url.Values {
		f := moduloRegistrazione(q)
		f.Set(campo, valore)
		return f
	}
	passo := func(campo, valore string) url.Values {
		f := maps.Clone(datiPassi(b.p, b.app.Orologio.Now())[domain.PassoAnagrafica])
		f.Set(campo, valore)
		return f
	}
	cases := []struct {
		name, url string
		form      url.Values
		campo     string
		errore    string
	}{
		{"UTF-8 non valido nella registrazione", "/registrazione", reg("cognome", "Ros\xffsi"), "cognome", "Il testo contiene caratteri non validi."},
		{"carattere di controllo nella registrazione", "/registrazione", reg("nome", "Ma\x00rio"), "nome", "Il testo contiene caratteri di controllo non ammessi."},
		{"UTF-8 non valido in un passo", urlPasso(b.id, domain.PassoAnagrafica), passo("res_indirizzo", "Via \xff\xfe 1"), "res_indirizzo", "Il testo contiene caratteri non validi."},
		{"inversione di direzione nella registrazione", "/registrazione", reg("cognome", "Rossi\u202Eifdp"), "cognome", "Il testo contiene caratteri invisibili"},
		{"spazio a larghezza zero in un passo", urlPasso(b.id, domain.PassoAnagrafica), passo("res_indirizzo", "Via\u200B Roma 1"), "res_indirizzo", "Il testo contiene caratteri invisibili"},
		{"testo troppo lungo in un passo", urlPasso(b.id, domain.PassoAnagrafica), passo("res_indirizzo", strings.Repeat("Via lunga ", 30)), "res_indirizzo", "Il testo è troppo lungo"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prima := b.scatta(t)
			r := b.v.post(tc.url, tc.form)
			vuole(t, r, http.StatusUnprocessableEntity)
			if got := erroreCampo(r.Body, tc.campo); !strings.HasPrefix(got, tc.errore) {
				t.Errorf("error next to %s: %q, want %q", tc.campo, got, tc.errore)
			}
			b.invariato(t, prima)
			nessunUtente(t, b.app, q.Email)
		})
	}
}

var (
	reInput = regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	reName  = regexp.MustCompile(`\bname="([^"]+)"`)
	reType  = regexp.MustCompile(`\btype="([^"]+)"`)
)

// campiDiTesto lists the fields of the forms of a page that take free text
// or a choice sent as text: not hidden fields, buttons, check boxes, radio
// buttons, files or passwords (which may hold any character).
func campiDiTesto(page string) []string {
	var out []string
	for _, m := range reInput.FindAllStringSubmatch(page, -1) {
		name := reName.FindStringSubmatch(m[0])
		if name == nil {
			continue
		}
		if tipo := reType.FindStringSubmatch(m[0]); m[1] == "input" && tipo != nil {
			switch tipo[1] {
			case "hidden", "checkbox", "radio", "file", "password", "submit", "button":
				continue
			}
		}
		if !slices.Contains(out, name[1]) {
			out = append(out, name[1])
		}
	}
	return out
}

func TestMarkupInOgniCampo(t *testing.T) {
	t.Parallel()
	b := nuovoBanco(t)
	q := ospite()
	v := nuovoVisitatore(t, b.app)

	t.Run("registrazione", func(t *testing.T) {
		campi := campiDiTesto(v.get("/registrazione").Body)
		if len(campi) < 4 {
			t.Fatalf("registration fields: %v", campi)
		}
		for _, campo := range campi {
			t.Run(campo, func(t *testing.T) {
				f := moduloRegistrazione(q)
				f.Set(campo, markup)
				r := v.post("/registrazione", f)
				controlla(t, r, http.StatusUnprocessableEntity, "", []string{msgMarkup}, []string{markup})
				if got := erroreCampo(r.Body, campo); got != msgMarkup {
					t.Errorf("error next to %s: %q", campo, got)
				}
				nessunUtente(t, b.app, q.Email)
			})
		}
	})

	dati := datiPassi(b.p, b.app.Orologio.Now())
	for _, profilo := range domain.Profili {
		// The professional step shows the fields of the chosen profile.
		vuole(t, b.v.post(urlPasso(b.id, domain.PassoProfilo), url.Values{"tipo": {"nuova"}, "profilo": {string(profilo)}}), http.StatusSeeOther)
		for _, passo := range passiConCampi {
			if profilo != domain.Profili[0] && passo != domain.PassoProfessione {
				continue
			}
			t.Run(string(profilo)+"/"+string(passo), func(t *testing.T) {
				campi := campiDiTesto(b.v.get(urlPasso(b.id, passo)).Body)
				if len(campi) == 0 && passo != domain.PassoProfilo { // the first step has radio buttons only
					t.Fatalf("no fields on step %s", passo)
				}
				for _, campo := range campi {
					if campo == "tipo" || campo == "profilo" {
						continue
					}
					t.Run(campo, func(t *testing.T) {
						prima := b.scatta(t)
						f := maps.Clone(dati[passo])
						f.Set(campo, markup)
						r := b.v.post(urlPasso(b.id, passo), f)
						controlla(t, r, http.StatusUnprocessableEntity, "", []string{msgMarkup}, []string{markup})
						if got := erroreCampo(r.Body, campo); got != msgMarkup {
							t.Errorf("error next to %s: %q", campo, got)
						}
						b.invariato(t, prima)
					})
				}
			})
		}
	}
}

func TestRichiesteFalsificate(t *testing.T) {
	t.Parallel()
	b := nuovoBanco(t)
	q := ospite()
	v := b.v
	tok := v.csrf()
	sbagliato := strings.Repeat("A", len(tok))
	anagrafica := maps.Clone(datiPassi(b.p, b.app.Orologio.Now())[domain.PassoAnagrafica])
	anagrafica.Set("res_indirizzo", "Via dei Falsari 13")
	con := func(f url.Values, csrf string) url.Values {
		f = maps.Clone(f)
		f.Set("_csrf", csrf)
		return f
	}
	passo := urlPasso(b.id, domain.PassoAnagrafica)
	allegati := urlRichiesta(b.id) + "/allegati"
	nuovo := parte{"documento_fronte", "altro.png", "image/png", pngPiccolo(t)}

	// Forms.
	for _, sc := range []scenario{
		{name: "registrazione senza token", url: "/registrazione", form: con(moduloRegistrazione(q), "")},
		{name: "passo senza token", url: passo, form: con(anagrafica, "")},
		{name: "token sbagliato", url: passo, form: con(anagrafica, sbagliato)},
		{name: "token sbagliato nell'intestazione", url: passo, form: con(anagrafica, tok), headers: []string{"X-CSRF-Token", sbagliato}},
		{name: "da un altro sito", url: passo, form: anagrafica, headers: []string{"Sec-Fetch-Site", "cross-site"}},
		{name: "da un sito affine", url: passo, form: anagrafica, headers: []string{"Sec-Fetch-Site", "same-site"}},
		{name: "con l'origine di un altro sito", url: passo, form: anagrafica, headers: []string{"Origin", "https://evil.example"}},
		{name: "registrazione da un altro sito", url: "/registrazione", form: moduloRegistrazione(q), headers: []string{"Origin", "https://evil.example"}},
		{name: "uscita da un altro sito", url: "/esci", headers: []string{"Sec-Fetch-Site", "cross-site"}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			prima := b.scatta(t)
			sc.method, sc.wantStatus, sc.wantContains = http.MethodPost, http.StatusForbidden, []string{msgCSRF}
			sc.esegui(t, v)
			b.invariato(t, prima)
			nessunUtente(t, b.app, q.Email)
			vuole(t, v.get("/area"), http.StatusOK) // still logged in
		})
	}

	// Uploads.
	multipartA := func(path, csrf string, header []string, parti ...parte) risposta {
		body, ct := corpoMultipart(t, csrf, parti...)
		req := v.richiesta(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		return v.do(req, header...)
	}
	cases := []struct {
		name   string
		path   string
		csrf   string
		header []string
		parti  []parte
		status int
		msg    string
	}{
		{"caricamento senza token", allegati, "", nil, []parte{nuovo}, http.StatusForbidden, msgCSRF},
		{"caricamento col token dopo il file", allegati, "", nil, []parte{nuovo, {Campo: "_csrf", Dati: []byte(tok)}}, http.StatusForbidden, msgCSRF},
		{"caricamento con token sbagliato", allegati, sbagliato, nil, []parte{nuovo}, http.StatusForbidden, msgCSRF},
		{"caricamento con intestazione sbagliata", allegati, "", []string{"X-CSRF-Token", sbagliato}, []parte{nuovo}, http.StatusForbidden, msgCSRF},
		{"caricamento da un altro sito", allegati, tok, []string{"Sec-Fetch-Site", "cross-site"}, []parte{nuovo}, http.StatusForbidden, msgCSRF},
		{"caricamento con l'origine di un altro sito", allegati, tok, []string{"Origin", "https://evil.example"}, []parte{nuovo}, http.StatusForbidden, msgCSRF},
		{"multipart a un passo", passo, tok, nil, []parte{nuovo}, http.StatusUnsupportedMediaType, msgFormato},
		{"multipart alla registrazione", "/registrazione", tok, nil, []parte{nuovo}, http.StatusUnsupportedMediaType, msgFormato},
		// Only the routes registered as uploads stream a multipart body: a
		// path that merely ends like one does not.
		{"multipart a un indirizzo che finisce come un caricamento", "/richieste/allegati", tok, nil, []parte{nuovo}, http.StatusUnsupportedMediaType, msgFormato},
		{"multipart sotto un caricamento", allegati + "/altro", tok, nil, []parte{nuovo}, http.StatusUnsupportedMediaType, msgFormato},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prima := b.scatta(t)
			r := multipartA(tc.path, tc.csrf, tc.header, tc.parti...)
			controlla(t, r, tc.status, "", []string{tc.msg}, nil)
			b.invariato(t, prima)
		})
	}
	t.Run("con token e stessa origine funziona", func(t *testing.T) {
		r := multipartA(allegati, "", []string{"X-CSRF-Token", tok, "Origin", b.app.URL, "Sec-Fetch-Site", "same-origin"}, nuovo)
		vuole(t, r, http.StatusSeeOther, urlPasso(b.id, domain.PassoAllegati))
	})
}
