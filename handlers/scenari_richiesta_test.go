package handlers_test

import (
	"bytes"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/internal/testsmtp"
)

// Path C, continued: the request step by step, its submission, receipt
// and withdrawal.

func TestPassiDellaRichiesta(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	id := v.nuovaBozza()
	dati := datiPassi(p, app.Orologio.Now())
	vuole(t, v.post(urlPasso(id, domain.PassoProfilo), dati[domain.PassoProfilo]), http.StatusSeeOther, urlPasso(id, domain.PassoAnagrafica))

	anagrafica := func(campo, valore string) url.Values {
		f := maps.Clone(dati[domain.PassoAnagrafica])
		f.Set("res_indirizzo", "Via delle Prove 7")
		f.Set(campo, valore)
		return f
	}
	t.Run("codice fiscale con carattere di controllo errato", func(t *testing.T) {
		r := v.post(urlPasso(id, domain.PassoAnagrafica), anagrafica("codice_fiscale", "RSSMRA85T10A562T"))
		vuole(t, r, http.StatusUnprocessableEntity)
		if got := erroreCampo(r.Body, "codice_fiscale"); got != "Il carattere di controllo del codice fiscale non è corretto." {
			t.Errorf("error next to codice_fiscale: %q", got)
		}
	})
	t.Run("codice fiscale di un'altra persona", func(t *testing.T) {
		r := v.post(urlPasso(id, domain.PassoAnagrafica), anagrafica("codice_fiscale", anna().CF))
		vuole(t, r, http.StatusUnprocessableEntity)
		if got := erroreCampo(r.Body, "cognome"); !strings.HasPrefix(got, "Il cognome non corrisponde al codice fiscale") {
			t.Errorf("error next to cognome: %q", got)
		}
	})
	t.Run("la bozza conserva quanto scritto", func(t *testing.T) {
		r, err := app.App.Store.Richiesta(id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Anagrafica.CodiceFiscale != anna().CF || r.Residenza.Indirizzo != "Via delle Prove 7" {
			t.Errorf("stored draft: codice fiscale %q, indirizzo %q", r.Anagrafica.CodiceFiscale, r.Residenza.Indirizzo)
		}
		controlla(t, v.get(urlPasso(id, domain.PassoAnagrafica)), http.StatusOK, "",
			[]string{`value="` + anna().CF + `"`, `value="Via delle Prove 7"`}, nil)
	})
	t.Run("controllo in linea", func(t *testing.T) {
		prima := salvata(t, app, id)
		r := v.post(urlPasso(id, domain.PassoAnagrafica)+"/verifica", url.Values{"codice_fiscale": {"RSSMRA85T10A562T"}, "cognome": {"Rossi"}},
			"HX-Request", "true")
		vuole(t, r, http.StatusOK)
		oob := regexp.MustCompile(`<div id="codice_fiscale-errore"[^>]*hx-swap-oob="true"[^>]*>`)
		if !oob.MatchString(r.Body) {
			t.Errorf("no out-of-band error element for codice_fiscale:\n%s", r.Body)
		}
		if got := erroreCampo(r.Body, "codice_fiscale"); got != "Il carattere di controllo del codice fiscale non è corretto." {
			t.Errorf("inline error for codice_fiscale: %q", got)
		}
		if got := erroreCampo(r.Body, "res_indirizzo"); got != "" {
			t.Errorf("a field not typed yet has an error: %q", got)
		}
		if strings.Contains(r.Body, "<html") {
			t.Error("the inline check answered with a whole page")
		}
		if salvata(t, app, id) != prima {
			t.Error("the inline check changed the draft")
		}
	})
	t.Run("anagrafica corretta", func(t *testing.T) {
		vuole(t, v.post(urlPasso(id, domain.PassoAnagrafica), dati[domain.PassoAnagrafica]), http.StatusSeeOther, urlPasso(id, domain.PassoProfessione))
	})
	t.Run("documento scaduto", func(t *testing.T) {
		f := maps.Clone(dati[domain.PassoDocumento])
		f.Set("doc_scadenza", app.Orologio.Now().AddDate(0, 0, -2).Format(domain.Data))
		r := v.post(urlPasso(id, domain.PassoDocumento), f)
		vuole(t, r, http.StatusUnprocessableEntity)
		if got := erroreCampo(r.Body, "doc_scadenza"); !strings.HasPrefix(got, "Il documento è scaduto") {
			t.Errorf("error next to doc_scadenza: %q", got)
		}
	})
	t.Run("invio di una bozza incompleta", func(t *testing.T) {
		vuole(t, v.post(urlRichiesta(id)+"/invia", nil), http.StatusSeeOther, urlPasso(id, domain.PassoProfessione))
		if r, _ := app.App.Store.Richiesta(id); r.Stato != domain.StatoBozza || r.Protocollo != "" {
			t.Errorf("an incomplete draft was submitted: %s %q", r.Stato, r.Protocollo)
		}
	})
}

var reProtocollo = regexp.MustCompile(`^PI-\d{4}-000001$`)

func TestInvioRicevutaEAnnullamento(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	id := v.richiestaInviata(p)
	r, err := app.App.Store.Richiesta(id)
	if err != nil {
		t.Fatal(err)
	}
	prot := r.Protocollo
	if !reProtocollo.MatchString(prot) || r.Stato != domain.StatoInviata || r.Sede != "PI" {
		t.Fatalf("submitted request: protocol %q, state %s, sede %q", prot, r.Stato, r.Sede)
	}
	base := urlRichiesta(id)
	for _, sc := range []scenario{
		{name: "ricevuta", url: base + "/ricevuta", wantStatus: http.StatusOK, wantContains: []string{prot, "Sede di Pisa", p.Email}},
		{name: "le mie richieste", url: "/richieste", wantStatus: http.StatusOK, wantContains: []string{prot, ">Inviata<"}},
		{name: "dettaglio", url: base, wantStatus: http.StatusOK, wantContains: []string{prot}},
		{name: "passo dopo l'invio", url: urlPasso(id, domain.PassoAnagrafica), wantStatus: http.StatusSeeOther, wantLocation: base},
		{name: "modifica dopo l'invio", method: http.MethodPost, url: urlPasso(id, domain.PassoAnagrafica), form: datiPassi(p, app.Orologio.Now())[domain.PassoAnagrafica],
			wantStatus: http.StatusConflict, wantContains: []string{"non può più essere modificata"}},
		{name: "secondo invio", method: http.MethodPost, url: base + "/invia", wantStatus: http.StatusConflict},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.esegui(t, v) })
	}
	t.Run("PDF", func(t *testing.T) {
		for _, u := range []string{base + "/ricevuta.pdf", base + "/modulo.pdf", "/modulo.pdf"} {
			r := v.get(u)
			vuole(t, r, http.StatusOK)
			if ct := r.Header.Get("Content-Type"); ct != "application/pdf" || !strings.HasPrefix(r.Body, "%PDF-") {
				t.Errorf("%s: Content-Type %q, starts with %q", u, ct, r.Body[:min(len(r.Body), 8)])
			}
			if cc := r.Header.Get("Cache-Control"); u != "/modulo.pdf" && !strings.Contains(cc, "no-store") {
				t.Errorf("%s holds personal data and may be cached: Cache-Control %q", u, cc)
			}
		}
		if cd := v.get(base + "/modulo.pdf").Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
			t.Errorf("pre-filled module Content-Disposition %q", cd)
		}
	})
	t.Run("e-mail di ricevuta", func(t *testing.T) {
		m := app.SMTP.WaitFor(t, 10*time.Second, func(m testsmtp.Message) bool {
			return strings.Contains(strings.Join(m.To, ","), p.Email) && strings.Contains(m.Subject(), "Richiesta "+prot+" ricevuta")
		})
		data, tipo, ok := m.Attachment("ricevuta-" + prot + ".pdf")
		if !ok || tipo != "application/pdf" || !bytes.HasPrefix(data, []byte("%PDF-")) {
			t.Errorf("receipt attachment: present %v, type %q; attachments %v", ok, tipo, m.Attachments())
		}
		if !strings.Contains(m.Text(), prot) || !strings.Contains(m.Text(), "Sede di Pisa") {
			t.Errorf("mail text:\n%s", m.Text())
		}
	})
	t.Run("annulla", func(t *testing.T) {
		vuole(t, v.post(base+"/annulla", nil), http.StatusSeeOther, "/richieste")
		if r, _ := app.App.Store.Richiesta(id); r.Stato != domain.StatoAnnullata {
			t.Fatalf("state after annulla: %s", r.Stato)
		}
		controlla(t, v.get("/richieste"), http.StatusOK, "", []string{prot, ">Annullata<", "è stata annullata"}, nil)
		controlla(t, v.post(base+"/annulla", nil), http.StatusConflict, "", []string{"L'operazione non è possibile"}, nil)
		if r, _ := app.App.Store.Richiesta(id); r.Stato != domain.StatoAnnullata || len(r.Storia) != 2 {
			t.Errorf("after a second annulla: state %s, %d events", r.Stato, len(r.Storia))
		}
	})
}
