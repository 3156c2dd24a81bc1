package handlers_test

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/security"
)

// Precompila: the module filled in without an account, kept under the hash
// of a code that only its author sees, and its PDF with the code.

// datiPrecompila is a valid one-page module for p: the steps of the request
// but the declarations, which the applicant makes by signing the paper.
func datiPrecompila(p persona, now time.Time) url.Values {
	dati := datiPassi(p, now)
	form := url.Values{}
	for _, passo := range []domain.Passo{domain.PassoProfilo, domain.PassoAnagrafica, domain.PassoProfessione, domain.PassoDocumento} {
		maps.Copy(form, dati[passo])
	}
	return form
}

var reCodicePrecompilato = regexp.MustCompile(`id="codice">([0-9A-Z-]+)<`)

// precompilaModulo fills in the module for p and returns its code as shown.
func (v *visitatore) precompilaModulo(p persona) string {
	v.t.Helper()
	r := v.post("/precompila", datiPrecompila(p, v.app.Orologio.Now()))
	vuole(v.t, r, http.StatusOK)
	m := reCodicePrecompilato.FindStringSubmatch(r.Body)
	if m == nil {
		v.t.Fatalf("no code on the answer:\n%s", estratto(r.Testo))
	}
	return m[1]
}

// testoPDF is the text drawn in a PDF's compressed content streams.
func testoPDF(t testing.TB, doc []byte) string {
	t.Helper()
	if !bytes.HasPrefix(doc, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", doc[:min(len(doc), 20)])
	}
	var out strings.Builder
	for _, m := range regexp.MustCompile(`(?s)/Filter /FlateDecode[^>]*>>\nstream\n(.*?)\nendstream`).FindAllSubmatch(doc, -1) {
		zr, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue // an image, say
		}
		b, _ := io.ReadAll(zr)
		out.Write(b)
	}
	return out.String()
}

// impronta is the hash of the database file: equal before and after a
// request if the request wrote nothing.
func impronta(t testing.TB, app *testapp.T) [32]byte {
	t.Helper()
	b, err := os.ReadFile(app.App.Store.Path())
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func TestPrecompilaModuloECodice(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	v := nuovoVisitatore(t, app)
	p := mario()

	controlla(t, v.get("/precompila"), http.StatusOK, "", []string{"Compila il modulo senza registrarti", `action="/precompila"`,
		`name="cognome"`, `name="ordine_numero"`, `name="str_denominazione"`, `name="pat_denominazione"`, `name="doc_numero"`, `name="urgente"`},
		[]string{`name="dpr445"`})

	r := v.post("/precompila", datiPrecompila(p, app.Orologio.Now()))
	controlla(t, r, http.StatusOK, "", []string{"Modulo precompilato", `hx-history="false"`}, nil)
	if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control %q", cc)
	}
	m := reCodicePrecompilato.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no code on the answer:\n%s", estratto(r.Testo))
	}
	mostrato := m[1]
	codice := security.NormalizeCode(mostrato)
	if len(codice) < 16 || strings.Trim(codice, "0123456789ABCDEFGHJKMNPQRSTVWXYZ") != "" {
		t.Fatalf("code %q: want at least 16 Crockford characters (80 bits)", mostrato)
	}
	if mostrato != security.FormatCode(codice) {
		t.Errorf("code shown as %q, want %q", mostrato, security.FormatCode(codice))
	}
	link := "/precompila/modulo.pdf?c=" + codice
	if !strings.Contains(r.Body, `href="`+link+`"`) {
		t.Errorf("no link to %s", link)
	}

	t.Run("conservato sotto l'hash del codice", func(t *testing.T) {
		pc, err := app.App.Store.Precompilata(security.HashToken(codice), app.Orologio.Now())
		if err != nil {
			t.Fatal(err)
		}
		a := pc.Richiesta.Anagrafica
		if a.CodiceFiscale != p.CF || a.Cognome != p.Cognome || pc.Richiesta.Ordine.Numero != "12345" || pc.Richiesta.Profilo != domain.ProfiloMedicoEsterno {
			t.Errorf("stored module: %+v", pc.Richiesta)
		}
		if pc.Richiesta.Dichiarazioni != (domain.Dichiarazioni{}) {
			t.Errorf("declarations stored before the signature: %+v", pc.Richiesta.Dichiarazioni)
		}
		if d := pc.Scade.Sub(pc.Creata); d != 30*24*time.Hour {
			t.Errorf("valid for %v, want 30 days", d)
		}
		db, err := os.ReadFile(app.App.Store.Path())
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(db, []byte(codice)) {
			t.Error("the code is stored in clear")
		}
	})
	t.Run("modulo PDF con il codice", func(t *testing.T) {
		pdf := v.get(link)
		vuole(t, pdf, http.StatusOK)
		if ct := pdf.Header.Get("Content-Type"); ct != "application/pdf" {
			t.Errorf("Content-Type %q", ct)
		}
		if cd := pdf.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
			t.Errorf("Content-Disposition %q", cd)
		}
		if cc := pdf.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("Cache-Control %q", cc)
		}
		testo := testoPDF(t, []byte(pdf.Body))
		for _, s := range []string{"(" + mostrato + ")", "RSSMRA85T10A562S", "Rossi"} {
			if !strings.Contains(testo, s) {
				t.Errorf("the PDF lacks %q", s)
			}
		}
		if !strings.Contains(pdf.Body, "/Subtype /Image") {
			t.Error("the PDF has no QR code")
		}
		// The code as typed by a person reads the same module.
		vuole(t, v.get("/precompila/modulo.pdf?c="+url.QueryEscape(strings.ToLower(mostrato))), http.StatusOK)
	})
	t.Run("solo al suo autore", func(t *testing.T) {
		for _, pagina := range []string{"/precompila", "/"} {
			if strings.Contains(v.get(pagina).Body, codice[:8]) {
				t.Errorf("%s shows the code", pagina)
			}
		}
		altro := codice[:15] + string("0123456789ABCDEFGHJKMNPQRSTVWXYZ"[(strings.IndexByte("0123456789ABCDEFGHJKMNPQRSTVWXYZ", codice[15])+1)%32])
		controlla(t, v.get("/precompila/modulo.pdf?c="+altro), http.StatusNotFound, "", []string{"Codice non trovato o scaduto"}, []string{"%PDF"})
		controlla(t, v.get("/precompila/modulo.pdf"), http.StatusNotFound, "", nil, []string{"%PDF"})
	})
}

func TestPrecompilaErrori(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	v := nuovoVisitatore(t, app)
	p := mario()
	con := func(cambi ...string) url.Values {
		f := datiPrecompila(p, app.Orologio.Now())
		for i := 0; i+1 < len(cambi); i += 2 {
			f.Set(cambi[i], cambi[i+1])
		}
		return f
	}
	casi := []struct {
		nome   string
		form   url.Values
		errori map[string]string
	}{
		{"campi mancanti", con("cognome", "", "doc_numero", ""), map[string]string{"cognome": "Indica il cognome.", "doc_numero": "Indica il numero del documento."}},
		{"codice fiscale errato", con("codice_fiscale", "RSSMRA85T10A562T"), map[string]string{"codice_fiscale": "Il carattere di controllo del codice fiscale non è corretto."}},
		{"documento scaduto", con("doc_scadenza", app.Orologio.Now().AddDate(0, 0, -1).Format(domain.Data)), map[string]string{"doc_scadenza": "Il documento è scaduto: serve un documento in corso di validità."}},
		{"struttura del referente", con("profilo", "referente_presidio"), map[string]string{"str_denominazione": "Indica la denominazione della struttura."}},
		{"urgenza senza motivo", con("urgente", "si"), map[string]string{"motivo_urgenza": "Spiega il motivo dell'urgenza."}},
		{"nessun profilo", con("profilo", ""), map[string]string{"profilo": "Scegli il profilo per cui chiedi l'abilitazione."}},
	}
	for _, c := range casi {
		t.Run(c.nome, func(t *testing.T) {
			prima := impronta(t, app)
			r := v.post("/precompila", c.form)
			controlla(t, r, http.StatusUnprocessableEntity, "", []string{"Correggi i dati segnalati"}, []string{`id="codice"`})
			for campo, msg := range c.errori {
				if got := erroreCampo(r.Body, campo); got != msg {
					t.Errorf("error next to %s: %q, want %q", campo, got, msg)
				}
			}
			if got := erroreCampo(r.Body, "dpr445"); got != "" {
				t.Errorf("the declarations are asked for: %q", got)
			}
			if impronta(t, app) != prima {
				t.Error("a refused module changed the database")
			}
		})
	}
	t.Run("quanto scritto resta nel modulo", func(t *testing.T) {
		r := v.post("/precompila", con("cognome", ""))
		controlla(t, r, http.StatusUnprocessableEntity, "", []string{`value="` + p.CF + `"`, `value="CA12345AB"`}, nil)
	})
	t.Run("dati proposti dal codice fiscale", func(t *testing.T) {
		r := v.post("/precompila", con("sesso", "", "data_nascita", "", "luogo_nascita", "", "provincia_nascita", "", "azione", "proponi"))
		controlla(t, r, http.StatusOK, "", []string{`value="1985-12-10"`, `value="San Giuliano Terme"`}, []string{`id="codice"`})
	})
}

func TestPrecompilaInputOstile(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	v := nuovoVisitatore(t, app)
	for campo, valore := range map[string]string{
		"cognome":        "<script>alert(1)</script>",
		"res_indirizzo":  "Via Roma 1\x00",
		"motivo_urgenza": "urgente\x1b[31m",
		"str_azienda":    "<img src=x onerror=alert(1)>",
		"email":          "mario\xff@example.it",
	} {
		t.Run(campo, func(t *testing.T) {
			form := datiPrecompila(mario(), app.Orologio.Now())
			form.Set(campo, valore)
			form.Set("urgente", "si")
			form.Set("profilo", "referente_presidio")
			prima := impronta(t, app)
			r := v.post("/precompila", form)
			controlla(t, r, http.StatusUnprocessableEntity, "", nil, []string{"<script>alert", "<img src=x", `id="codice"`})
			if erroreCampo(r.Body, campo) == "" {
				t.Errorf("no error next to %s", campo)
			}
			if impronta(t, app) != prima {
				t.Error("hostile input changed the database")
			}
		})
	}
}

func TestPrecompilaLimiteDiRichieste(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	v := nuovoVisitatore(t, app)
	for i := range 10 {
		if r := v.post("/precompila", url.Values{}); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("request %d: status %d", i+1, r.Status)
		}
	}
	r := v.post("/precompila", datiPrecompila(mario(), app.Orologio.Now()))
	controlla(t, r, http.StatusTooManyRequests, "", []string{"Troppi tentativi"}, []string{`id="codice"`})
	if ra := r.Header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After %q", ra)
	}

	for i := range 10 {
		if r := v.get("/precompila/modulo.pdf?c=NESSUNCODICE" + string(rune('A'+i))); r.Status != http.StatusNotFound {
			t.Fatalf("download %d: status %d", i+1, r.Status)
		}
	}
	controlla(t, v.get("/precompila/modulo.pdf?c=NESSUNCODICE"), http.StatusTooManyRequests, "", []string{"Troppi tentativi"}, []string{"%PDF"})
	// The form itself stays open: only saving and downloading cost.
	vuole(t, v.get("/precompila"), http.StatusOK)
}

func TestPrecompilaScaduta(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	now := app.Orologio.Now()
	codice := security.NewCode(80)
	hash := security.HashToken(codice)
	r := domain.Richiesta{Tipo: domain.TipoNuova, Profilo: domain.ProfiloMedicoEsterno, Anagrafica: domain.Anagrafica{Cognome: "Rossi", Nome: "Mario"}}
	creata := now.Add(-30*24*time.Hour - time.Minute)
	if err := app.App.Store.SalvaPrecompilata(hash, domain.Precompilata{Richiesta: r, Creata: creata, Scade: creata.Add(30 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := app.App.Store.Precompilata(hash, creata.Add(30*24*time.Hour-time.Second)); err != nil {
		t.Errorf("refused a second before it expires: %v", err)
	}
	if _, err := app.App.Store.Precompilata(hash, now); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("expired module: %v, want not found", err)
	}
	controlla(t, nuovoVisitatore(t, app).get("/precompila/modulo.pdf?c="+codice), http.StatusNotFound, "", []string{"Codice non trovato o scaduto"}, []string{"%PDF"})

	op, opU := nuovoOperatore(t, app, "Carla", "Sportelli", "PI")
	controlla(t, op.post("/operatore/sportello", url.Values{"codice": {security.FormatCode(codice)}}), http.StatusUnprocessableEntity, "",
		[]string{"Codice non trovato o scaduto"}, nil)
	if n := len(bozzeDi(t, app, opU.ID)); n != 0 {
		t.Errorf("%d drafts from an expired code", n)
	}
}
