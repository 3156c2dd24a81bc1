package handlers_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"testing"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/store"
)

// The applicant's answer to a request for more information (POST
// /richieste/:id/risposta). The operator's side is driven through the store,
// so that these tests depend on no operator page.

const messaggioIntegrazione = "Il documento allegato è illeggibile: carica una scansione più nitida del fronte."

// integrazioneAperta files Mario's request and has an operator of Pisa take
// it and ask for more information. It returns the bench (the request being
// the submitted one) and the operator.
func integrazioneAperta(t *testing.T) (*banco, *domain.Utente) {
	t.Helper()
	app := testapp.Start(t)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	id := v.richiestaInviata(p)
	op := app.CreaUtente(t, domain.Utente{Ruolo: domain.RuoloOperatore, Email: "op.integrazioni@abilita.test", Nome: "Lucia", Cognome: "Neri", Sede: "PI"},
		"castello fiume lanterna bosco")
	prendiInCaricoNelloStore(t, app, id, op)
	_, err := app.App.Store.ChiediIntegrazione(store.Atto{Chi: op.ID, Quando: app.Orologio.Now()}, id, messaggioIntegrazione)
	if err != nil {
		t.Fatalf("asking for more information: %v", err)
	}
	return &banco{app: app, p: p, v: v, id: id}, op
}

func prendiInCaricoNelloStore(t testing.TB, app *testapp.T, id uint64, op *domain.Utente) {
	t.Helper()
	_, err := app.App.Store.PrendiInCarico(store.Atto{Chi: op.ID, Quando: app.Orologio.Now()}, id)
	if err != nil {
		t.Fatalf("taking the request in charge: %v", err)
	}
}

// corpoRisposta builds the answer form as a browser sends it: the CSRF token
// first when csrf is not empty, then the fields (pairs of name, value), then
// the files.
func corpoRisposta(t testing.TB, csrf string, campi []string, files ...parte) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if csrf != "" {
		campi = append([]string{"_csrf", csrf}, campi...)
	}
	for i := 0; i+1 < len(campi); i += 2 {
		if err := w.WriteField(campi[i], campi[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p.Campo, p.File))
		h.Set("Content-Type", p.Tipo)
		pw, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pw.Write(p.Dati); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), w.FormDataContentType()
}

// rispondi sends the answer form with the visitor's CSRF token as its first part.
func (v *visitatore) rispondi(id uint64, campi []string, files ...parte) risposta {
	v.t.Helper()
	return v.rispondiCon(id, v.csrf(), campi, files)
}

func (v *visitatore) rispondiCon(id uint64, csrf string, campi []string, files []parte, header ...string) risposta {
	v.t.Helper()
	body, ct := corpoRisposta(v.t, csrf, campi, files...)
	req := v.richiesta(http.MethodPost, urlRichiesta(id)+"/risposta", bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	return v.do(req, header...)
}

// nessunFile is the empty file part a browser sends when no file was chosen.
var nessunFile = parte{Campo: "file", File: "", Tipo: "application/octet-stream"}

func TestRispostaPaginaConIntegrazione(t *testing.T) {
	t.Parallel()
	b, _ := integrazioneAperta(t)
	r := b.v.get(urlRichiesta(b.id))
	controlla(t, r, http.StatusOK, "", []string{
		"La sede chiede un'integrazione", messaggioIntegrazione,
		`action="/richieste/` + fmt.Sprint(b.id) + `/risposta" enctype="multipart/form-data"`,
		`<textarea`, `name="risposta"`, `name="tipo"`, `type="file"`, `name="file"`,
		`<option value="documento_fronte"`, `<option value="documento_retro"`, `<option value="modulo_firmato"`,
		"(ora: fronte.jpg)",
	}, []string{"style=", "<script>", `onclick=`})
	form := r.Body[strings.Index(r.Body, `/risposta" enctype`):]
	if i, j := strings.Index(form, `name="_csrf"`), strings.Index(form, `name="risposta"`); i < 0 || i > j {
		t.Error("the CSRF token is not the first field of the answer form")
	}
}

func TestRispostaRifiutata(t *testing.T) {
	t.Parallel()
	b, _ := integrazioneAperta(t)
	altra := nuovoRichiedente(t, b.app, anna())
	testo := []string{"risposta", "Ecco la scansione nuova."}
	html := parte{Campo: "file", File: "pagina.pdf", Tipo: "application/pdf", Dati: []byte("<html><script>alert(1)</script></html>")}
	buono := parte{Campo: "file", File: "fronte nuovo.png", Tipo: "image/png", Dati: pngPiccolo(t)}
	cases := []struct {
		name     string
		v        *visitatore
		csrf     string // "-" for none
		campi    []string
		files    []parte
		status   int
		campo    string // where the error is shown, for 422
		messaggi []string
	}{
		{name: "senza testo", campi: []string{"risposta", "  \r\n "}, files: []parte{nessunFile}, status: http.StatusUnprocessableEntity,
			campo: "risposta", messaggi: []string{"Scrivi la tua risposta alla sede."}},
		{name: "senza il campo", status: http.StatusUnprocessableEntity, campo: "risposta", messaggi: []string{"Scrivi la tua risposta alla sede."}},
		{name: "markup", campi: []string{"risposta", markup}, status: http.StatusUnprocessableEntity,
			campo: "risposta", messaggi: []string{"I caratteri < e > non sono ammessi."}},
		{name: "troppo lunga", campi: []string{"risposta", strings.Repeat("è", domain.MaxTestoLungo+1)}, status: http.StatusUnprocessableEntity,
			campo: "risposta", messaggi: []string{"troppo lungo"}},
		{name: "lunghissima", campi: []string{"risposta", strings.Repeat("a", 100_000)}, status: http.StatusUnprocessableEntity,
			campo: "risposta", messaggi: []string{"troppo lunga"}},
		{name: "caratteri di controllo", campi: []string{"risposta", "ciao\x00"}, status: http.StatusUnprocessableEntity,
			campo: "risposta", messaggi: []string{"caratteri di controllo"}},
		{name: "file HTML chiamato PDF", campi: append(testo, "tipo", "modulo_firmato"), files: []parte{html}, status: http.StatusUnprocessableEntity,
			campo: "file", messaggi: []string{"non è ammesso", "Ecco la scansione nuova."}},
		{name: "file senza documento da sostituire", campi: testo, files: []parte{buono}, status: http.StatusUnprocessableEntity,
			campo: "tipo", messaggi: []string{"Indica quale documento sostituisce il file scelto.", "Scegli di nuovo il file"}},
		{name: "documento sconosciuto", campi: append(testo, "tipo", "passaporto"), files: []parte{buono}, status: http.StatusUnprocessableEntity,
			campo: "tipo", messaggi: []string{"Scegli il documento da sostituire dall'elenco."}},
		{name: "testo non valido con un file buono", campi: []string{"risposta", "", "tipo", "documento_fronte"}, files: []parte{buono},
			status: http.StatusUnprocessableEntity, campo: "file", messaggi: []string{"Scegli di nuovo il file"}},
		{name: "senza token", csrf: "-", campi: testo, files: []parte{buono}, status: http.StatusForbidden},
		{name: "token sbagliato", csrf: strings.Repeat("x", 43), campi: testo, files: []parte{buono}, status: http.StatusForbidden},
		{name: "richiesta di un altro", v: altra, campi: testo, status: http.StatusNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := b.v
			if tc.v != nil {
				v = tc.v
			}
			csrf := v.csrf()
			switch tc.csrf {
			case "-":
				csrf = ""
			case "":
			default:
				csrf = tc.csrf
			}
			prima := b.scatta(t)
			r := v.rispondiCon(b.id, csrf, tc.campi, tc.files)
			controlla(t, r, tc.status, "", tc.messaggi, []string{markup, "<script>alert(1)"})
			if tc.campo != "" {
				if got := erroreCampo(r.Body, tc.campo); got == "" {
					t.Errorf("no error next to %s", tc.campo)
				}
			}
			b.invariato(t, prima)
		})
	}
	t.Run("non multipart", func(t *testing.T) {
		prima := b.scatta(t)
		r := b.v.post(urlRichiesta(b.id)+"/risposta", url.Values{"risposta": {"Ecco."}})
		controlla(t, r, http.StatusUnsupportedMediaType, "", nil, nil)
		b.invariato(t, prima)
	})
}

func TestRispostaConDocumentoSostitutivo(t *testing.T) {
	t.Parallel()
	b, op := integrazioneAperta(t)
	prima := mustRichiesta(t, b.app, b.id)
	vecchio := prima.Allegati[domain.AllegatoDocumentoFronte]
	if !slices.Contains(fileAllegati(t, b.app), vecchio.ID) {
		t.Fatalf("the old front %s is not in the attachments folder", vecchio.ID)
	}
	// The file comes before the choice of the document it replaces: the
	// handler must wait for the whole form.
	nuovo := pngPiccolo(t)
	body, ct := corpoRispostaOrdinata(t, b.v.csrf(), nuovo)
	req := b.v.richiesta(http.MethodPost, urlRichiesta(b.id)+"/risposta", bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	r := b.v.do(req)
	vuole(t, r, http.StatusSeeOther, urlRichiesta(b.id))
	if r.Location() != urlRichiesta(b.id) {
		t.Errorf("redirected to %q", r.Location())
	}

	dopo := mustRichiesta(t, b.app, b.id)
	if dopo.Stato != domain.StatoInLavorazione || dopo.Operatore != op.ID {
		t.Errorf("state %s, operator %d; want in_lavorazione with operator %d", dopo.Stato, dopo.Operatore, op.ID)
	}
	i := dopo.UltimaIntegrazione()
	if i == nil || i.Risposta != "Ecco la scansione nuova,\nfatta con lo scanner." || i.Risposto.IsZero() || i.Sostituito != string(domain.AllegatoDocumentoFronte) {
		t.Errorf("integration after the answer: %+v", i)
	}
	fronte := dopo.Allegati[domain.AllegatoDocumentoFronte]
	if fronte.ID == vecchio.ID || fronte.NomeOriginale != "fronte nitido.png" || fronte.Tipo != "image/png" {
		t.Errorf("front after the answer: %+v", fronte)
	}
	for _, tipo := range []domain.TipoAllegato{domain.AllegatoDocumentoRetro, domain.AllegatoModuloFirmato} {
		if dopo.Allegati[tipo].ID != prima.Allegati[tipo].ID {
			t.Errorf("%s changed", tipo)
		}
	}
	files := fileAllegati(t, b.app)
	if slices.Contains(files, vecchio.ID) || !slices.Contains(files, fronte.ID) || len(files) != 3 {
		t.Errorf("attachments folder %v: want the new front %s and not the old %s, three files in all", files, fronte.ID, vecchio.ID)
	}
	if ultimo := dopo.Storia[len(dopo.Storia)-1]; ultimo.Da != domain.StatoIntegrazioneRichiesta || ultimo.A != domain.StatoInLavorazione || ultimo.Chi != dopo.Richiedente {
		t.Errorf("last history event %+v", ultimo)
	}
	eventi, err := b.app.App.Store.EventiAudit(store.FiltroAudit{Richiesta: b.id})
	if err != nil {
		t.Fatal(err)
	}
	if len(eventi) == 0 || eventi[0].Chi != dopo.Richiedente || !strings.Contains(eventi[0].Dettaglio, "risposta all'integrazione") ||
		!strings.Contains(eventi[0].Dettaglio, "documento_fronte") {
		t.Errorf("audit log of the request: %+v", eventi)
	}

	// Back in the operator's queue of the sede.
	coda, err := b.app.App.Store.Coda(store.QueryCoda{Sede: "PI", Stati: []domain.Stato{domain.StatoInLavorazione}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(coda.Righe, func(r domain.RigaCoda) bool { return r.ID == b.id }) {
		t.Errorf("request %d not in the queue of PI: %d requests", b.id, coda.Totale)
	}

	// The applicant sees the flash, the new state and the answered pair.
	pagina := b.v.get(urlRichiesta(b.id))
	controlla(t, pagina, http.StatusOK, "", []string{"Risposta inviata alla sede.", "All'esame della sede", "Integrazioni",
		messaggioIntegrazione, "La tua risposta", "fatta con lo scanner.", "Documento sostituito: Documento di riconoscimento (fronte)",
		"fronte nitido.png"}, []string{`name="risposta"`})
	got := b.v.get(urlRichiesta(b.id) + "/allegati/documento_fronte")
	if got.Status != http.StatusOK || got.Body != string(nuovo) {
		t.Errorf("downloading the new front: status %d, %d bytes", got.Status, len(got.Body))
	}

	// Once answered, the request waits for the sede: a second answer is refused.
	prima2 := b.scatta(t)
	r = b.v.rispondi(b.id, []string{"risposta", "Ancora io."}, nessunFile)
	controlla(t, r, http.StatusConflict, "", []string{"non attende una tua risposta"}, nil)
	b.invariato(t, prima2)
}

// corpoRispostaOrdinata is an answer whose file comes before the choice of
// the document it replaces.
func corpoRispostaOrdinata(t testing.TB, csrf string, png []byte) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.WriteField("_csrf", csrf))
	must(w.WriteField("risposta", "Ecco la scansione nuova,\r\nfatta con lo scanner."))
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="fronte nitido.png"`)
	h.Set("Content-Type", "image/png")
	pw, err := w.CreatePart(h)
	must(err)
	_, err = pw.Write(png)
	must(err)
	must(w.WriteField("tipo", "documento_fronte"))
	must(w.Close())
	return buf.Bytes(), w.FormDataContentType()
}

func TestRispostaSoloTesto(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		file  parte
		htmx  bool
		campi []string
	}{
		{name: "nessun file scelto", file: nessunFile, campi: []string{"tipo", ""}},
		{name: "file vuoto con documento scelto", file: parte{Campo: "file", File: "vuoto.png", Tipo: "image/png"}, campi: []string{"tipo", "documento_retro"}},
		{name: "token nell'intestazione htmx", file: nessunFile, htmx: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, _ := integrazioneAperta(t)
			prima := mustRichiesta(t, b.app, b.id)
			files := fileAllegati(t, b.app)
			campi := append([]string{"risposta", "Il documento è quello giusto: l'ho ricontrollato."}, tc.campi...)
			var r risposta
			if tc.htmx {
				r = b.v.rispondiCon(b.id, "", campi, []parte{tc.file}, "X-CSRF-Token", b.v.csrf(), "HX-Request", "true")
				vuole(t, r, http.StatusNoContent)
				if r.Header.Get("HX-Redirect") != urlRichiesta(b.id) {
					t.Errorf("HX-Redirect %q", r.Header.Get("HX-Redirect"))
				}
			} else {
				r = b.v.rispondi(b.id, campi, tc.file)
				vuole(t, r, http.StatusSeeOther, urlRichiesta(b.id))
			}
			dopo := mustRichiesta(t, b.app, b.id)
			if i := dopo.UltimaIntegrazione(); dopo.Stato != domain.StatoInLavorazione || i.Sostituito != "" || i.Risposta == "" {
				t.Errorf("state %s, integration %+v", dopo.Stato, i)
			}
			for tipo, a := range prima.Allegati {
				if dopo.Allegati[tipo].ID != a.ID {
					t.Errorf("%s changed", tipo)
				}
			}
			if got := fileAllegati(t, b.app); !slices.Equal(got, files) {
				t.Errorf("attachments folder %v, was %v", got, files)
			}
		})
	}
}

func TestRispostaSenzaIntegrazioneAperta(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	inviata := v.richiestaInviata(p)
	bozza := v.nuovaBozza()
	op := app.CreaUtente(t, domain.Utente{Ruolo: domain.RuoloOperatore, Email: "op.attesa@abilita.test", Nome: "Lucia", Cognome: "Neri", Sede: "PI"},
		"castello fiume lanterna bosco")
	inLavorazione := v.richiestaInviata(p)
	prendiInCaricoNelloStore(t, app, inLavorazione, op)
	for name, id := range map[string]uint64{"inviata": inviata, "bozza": bozza, "in lavorazione": inLavorazione} {
		t.Run(name, func(t *testing.T) {
			b := &banco{app: app, p: p, v: v, id: id}
			prima := b.scatta(t)
			r := v.rispondi(id, []string{"risposta", "Eccomi.", "tipo", "documento_fronte"},
				parte{Campo: "file", File: "fronte.png", Tipo: "image/png", Dati: pngPiccolo(t)})
			controlla(t, r, http.StatusConflict, "", []string{"non attende una tua risposta"}, nil)
			b.invariato(t, prima)
		})
	}
}

// TestRispostaTroppoGrande sends an answer past the upload limit without
// announcing its length: the file already stored is removed, the answer is
// refused with 413 and the server is fine for the next client.
func TestRispostaTroppoGrande(t *testing.T) {
	t.Parallel()
	b, _ := integrazioneAperta(t)
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if err := w.SetBoundary(confine); err != nil {
		t.Fatal(err)
	}
	_ = w.WriteField("_csrf", b.v.csrf())
	_ = w.WriteField("tipo", "documento_fronte")
	pw, _ := w.CreateFormFile("file", "fronte.png")
	_, _ = pw.Write(pngPiccolo(t))
	_, _ = w.CreateFormField("risposta")
	body := io.MultiReader(&buf, io.LimitReader(riempitivo{}, uploadLimit+1<<20), strings.NewReader("\r\n--"+confine+"--\r\n"))
	prima := b.scatta(t)
	head := b.v.testa("POST", urlRichiesta(b.id)+"/risposta", "Content-Type", "multipart/form-data; boundary="+confine, "Transfer-Encoding", "chunked")
	r := grezza(t, b.app, head, aPezzi(body))
	controlla(t, r, http.StatusRequestEntityTooLarge, "", []string{msgTroppoGrande}, nil)
	b.invariato(t, prima)
	vuole(t, nuovoVisitatore(t, b.app).get("/healthz"), http.StatusOK)
}

// TestRispostaSecondaIntegrazione: after an answer the sede may ask again;
// the page shows the new question with its form and the first pair in the
// history, and the second answer goes to the second question.
func TestRispostaSecondaIntegrazione(t *testing.T) {
	t.Parallel()
	b, op := integrazioneAperta(t)
	vuole(t, b.v.rispondi(b.id, []string{"risposta", "Prima risposta."}, nessunFile), http.StatusSeeOther)
	const seconda = "Manca la firma sull'ultima pagina del modulo."
	_, err := b.app.App.Store.ChiediIntegrazione(store.Atto{Chi: op.ID, Quando: b.app.Orologio.Now()}, b.id, seconda)
	if err != nil {
		t.Fatal(err)
	}
	r := b.v.get(urlRichiesta(b.id))
	controlla(t, r, http.StatusOK, "", []string{seconda, `name="risposta"`, "Integrazioni", messaggioIntegrazione, "Prima risposta."}, nil)
	if strings.Index(r.Testo, seconda) > strings.Index(r.Testo, messaggioIntegrazione) {
		t.Error("the open question is not shown before the history")
	}

	vuole(t, b.v.rispondi(b.id, []string{"risposta", "Ho caricato il modulo firmato.", "tipo", "modulo_firmato"},
		parte{Campo: "file", File: "modulo firmato.pdf", Tipo: "application/pdf", Dati: pdfMinimo("")}), http.StatusSeeOther)
	integrazioni := mustRichiesta(t, b.app, b.id).Integrazioni
	if len(integrazioni) != 2 || integrazioni[0].Risposta != "Prima risposta." || integrazioni[0].Sostituito != "" ||
		integrazioni[1].Risposta != "Ho caricato il modulo firmato." || integrazioni[1].Sostituito != string(domain.AllegatoModuloFirmato) {
		t.Errorf("integrations %+v", integrazioni)
	}
}
