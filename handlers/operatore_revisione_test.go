package handlers_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/store"
)

// The review page, the attachments served to operators and their audit.

func TestRevisionePagina(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	id := nuovoRichiedente(t, app, p).richiestaInviata(p)
	r := mustRichiesta(t, app, id)
	op, _ := nuovoOperatore(t, app, "Laura", "Pisani", "PI")
	altraSede, _ := nuovoOperatore(t, app, "Marco", "Milanesi", "MI")

	res := op.get(urlOperatore(id, ""))
	controlla(t, res, http.StatusOK, "", []string{
		r.Protocollo, "Rossi", "Mario", p.CF, "San Giuliano Terme", "CA12345AB", "Ordine dei Medici",
		"Controlli automatici",
		"Il codice fiscale è corretto e coerente con cognome, nome, sesso, data e luogo di nascita.",
		"Il documento era in corso di validità alla data della richiesta",
		"Non ci sono altre richieste aperte",
		"Verificato con il collegamento inviato all'account del richiedente.",
		`<img src="` + urlOperatore(id, "allegati/documento_fronte") + `"`,
		`<iframe src="` + urlOperatore(id, "allegati/modulo_firmato") + `"`,
		"Prendi in carico", `hx-history="false"`,
		// The checklist cannot be ticked before taking the request in charge.
		"La verifica si compila dopo aver preso in carico la richiesta.", "L'iscrizione all'Ordine dei Medici è plausibile",
	}, []string{`name="dati_corrispondenti"`, `href="/richieste/` + strings.TrimPrefix(urlRichiesta(id), "/richieste/") + `/allegati`, "Approva la richiesta", ` style="`})

	t.Run("duplicati e indirizzo non verificato", func(t *testing.T) {
		doppia := inviataNelloStore(t, app, domanda{Cognome: p.Cognome, Nome: p.Nome, Sede: "PI"})
		doppia = app.AggiornaRichiesta(t, doppia.ID, func(x *domain.Richiesta) error {
			x.Anagrafica = r.Anagrafica
			x.Documento.DataScadenza = "2001-01-01"
			return nil
		})
		controlla(t, op.get(urlOperatore(id, "")), http.StatusOK, "", []string{"Con lo stesso codice fiscale ci sono altre richieste o abilitazioni:", doppia.Protocollo}, nil)
		controlla(t, op.get(urlOperatore(doppia.ID, "")), http.StatusOK, "", []string{
			r.Protocollo, "Data di scadenza: Il documento è scaduto", "L'account del richiedente non ha confermato l'indirizzo e-mail.",
			"Documento di riconoscimento (fronte): Carica il file",
		}, nil)
	})
	t.Run("duplicati in un'altra sede", func(t *testing.T) {
		milano := inviataNelloStore(t, app, domanda{Cognome: p.Cognome, Nome: p.Nome, Sede: "MI"})
		milano = app.AggiornaRichiesta(t, milano.ID, func(x *domain.Richiesta) error {
			x.Anagrafica = r.Anagrafica
			return nil
		})
		controlla(t, op.get(urlOperatore(id, "")), http.StatusOK, "", []string{"Con lo stesso codice fiscale ci sono altre richieste o abilitazioni:", milano.Protocollo}, nil)
	})
	t.Run("operatore di un'altra sede", func(t *testing.T) {
		vuole(t, altraSede.get(urlOperatore(id, "")), http.StatusNotFound)
	})
	t.Run("amministratore", func(t *testing.T) {
		controlla(t, amministratore(t, app).get(urlOperatore(id, "")), http.StatusOK, "", []string{r.Protocollo, "Controlli automatici"}, []string{"Prendi in carico"})
	})
}

func TestRevisioneDocumentoAuditato(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	id := nuovoRichiedente(t, app, p).richiestaInviata(p)
	op, u := nuovoOperatore(t, app, "Laura", "Pisani", "PI")
	altraSede, _ := nuovoOperatore(t, app, "Marco", "Milanesi", "MI")

	eventi := func() []domain.EventoAudit {
		t.Helper()
		ee, err := app.App.Store.EventiAudit(store.FiltroAudit{Richiesta: id})
		if err != nil {
			t.Fatal(err)
		}
		return ee
	}
	for _, sc := range []struct {
		tipo, query, contentType, disposizione, azione, csp string
		magic                                               []byte
	}{
		{"documento_fronte", "", "image/jpeg", "inline", domain.AuditVisualizzaDocumento, "sandbox", []byte{0xff, 0xd8}},
		{"documento_retro", "", "image/png", "inline", domain.AuditVisualizzaDocumento, "sandbox", []byte("\x89PNG")},
		{"modulo_firmato", "", "application/pdf", "inline", domain.AuditVisualizzaDocumento, "frame-ancestors 'self'", []byte("%PDF-")},
		{"documento_fronte", "?scarica=si", "image/jpeg", "attachment", domain.AuditScaricaDocumento, "sandbox", []byte{0xff, 0xd8}},
	} {
		t.Run(sc.tipo+sc.query, func(t *testing.T) {
			prima := len(eventi())
			res := op.get(urlOperatore(id, "allegati/"+sc.tipo) + sc.query)
			vuole(t, res, http.StatusOK)
			if !bytes.HasPrefix([]byte(res.Body), sc.magic) {
				t.Errorf("body starts with %q", res.Body[:min(len(res.Body), 8)])
			}
			for name, want := range map[string]string{
				"Content-Type": sc.contentType, "Content-Disposition": sc.disposizione + `; filename="` + sc.tipo,
				"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store", "Content-Security-Policy": "default-src 'none'",
			} {
				if got := res.Header.Get(name); !strings.HasPrefix(got, want) {
					t.Errorf("%s %q, want %q", name, got, want)
				}
			}
			if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, sc.csp) || strings.Contains(csp, "script-src") {
				t.Errorf("CSP %q", csp)
			}
			ee := eventi()
			if len(ee) != prima+1 {
				t.Fatalf("%d audit entries after the view, %d before", len(ee), prima)
			}
			if e := ee[0]; e.Azione != sc.azione || e.Dettaglio != sc.tipo || e.Chi != u.ID || e.Richiesta != id || e.IP != "127.0.0.1" || e.Quando.IsZero() {
				t.Errorf("audit entry %+v", e)
			}
		})
	}
	t.Run("nessun accesso da un'altra sede né senza accesso", func(t *testing.T) {
		prima := len(eventi())
		vuole(t, altraSede.get(urlOperatore(id, "allegati/documento_fronte")), http.StatusNotFound)
		vuole(t, nuovoVisitatore(t, app).get(urlOperatore(id, "allegati/documento_fronte")), http.StatusSeeOther, "/accedi")
		vuole(t, op.get(urlOperatore(id, "allegati/sconosciuto")), http.StatusNotFound)
		if n := len(eventi()); n != prima {
			t.Errorf("%d audit entries, want %d", n, prima)
		}
	})
	if _, err := app.App.Store.VerificaAudit(); err != nil {
		t.Errorf("audit chain: %v", err)
	}
}

func TestRevisioneChecklist(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	id := nuovoRichiedente(t, app, p).richiestaInviata(p)
	op, _ := nuovoOperatore(t, app, "Laura", "Pisani", "PI")
	collega, _ := nuovoOperatore(t, app, "Paolo", "Pisacane", "PI")

	// Before taking it in charge nobody may tick.
	vuole(t, op.post(urlOperatore(id, "checklist"), url.Values{"dati_corrispondenti": {"si"}}), http.StatusForbidden)
	op.prendi(id)
	vuole(t, collega.post(urlOperatore(id, "checklist"), url.Values{"dati_corrispondenti": {"si"}}), http.StatusForbidden)

	res := op.post(urlOperatore(id, "checklist"), url.Values{"dati_corrispondenti": {"si"}, "modulo_firmato": {"si"}}, "HX-Request", "true")
	controlla(t, res, http.StatusOK, "", []string{`<form id="checklist"`, "Verifica salvata.", "oppure attestarli tutti quando confermi l'approvazione"}, []string{"<html", "<fieldset disabled"})
	k := mustRichiesta(t, app, id).Checklist
	if !k.DatiCorrispondenti || k.DocumentoValido || !k.ModuloFirmato || k.OrdinePlausibile {
		t.Errorf("checklist %+v", k)
	}
	op.spuntaTutto(id)
	if k := mustRichiesta(t, app, id).Checklist; !k.Completa(domain.ProfiloMedicoEsterno) {
		t.Errorf("checklist %+v not complete", k)
	}
	controlla(t, op.get(urlOperatore(id, "")), http.StatusOK, "", []string{"Verifica salvata.", "Tutti i controlli sono spuntati."}, nil)
	controlla(t, collega.get(urlOperatore(id, "")), http.StatusOK, "", []string{"La richiesta è in carico a Laura Pisani"}, []string{">Approva</button>", "Respingi la richiesta"})
}

// The applicant's summary and the operator's review page name the declared
// data with the same words, from one partial.
func TestStesseEtichetteRiepilogoERevisione(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	id := v.richiestaInviata(p)
	op, _ := nuovoOperatore(t, app, "Laura", "Pisani", "PI")
	dt := regexp.MustCompile(`<dl class="row dati-dichiarati">((?s:.*?))</dl>`)
	etichette := func(body string) []string {
		var out []string
		for _, m := range dt.FindAllStringSubmatch(body, -1) {
			for _, e := range regexp.MustCompile(`<dt class="col-sm-5">([^<]+)</dt>`).FindAllStringSubmatch(m[1], -1) {
				out = append(out, e[1])
			}
		}
		return out
	}
	riepilogo := v.get(urlRichiesta(id))
	revisione := op.get(urlOperatore(id, ""))
	vuole(t, riepilogo, http.StatusOK)
	vuole(t, revisione, http.StatusOK)
	a, b := etichette(riepilogo.Body), etichette(revisione.Body)
	// The summary adds what the request asks (Tipo, Profilo) before the data.
	if len(a) < 2 || !slices.Equal(a[2:], b) || !slices.Contains(b, "Data di nascita") {
		t.Errorf("summary labels %q\nreview labels %q", a, b)
	}
}
