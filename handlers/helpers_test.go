package handlers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"abilita/cf"
	"abilita/domain"
	"abilita/internal/testapp"
)

// persona is someone who registers and files a request, with the data of
// its codice fiscale.
type persona struct {
	CF, Cognome, Nome, Sesso   string
	Nascita, Luogo, Provincia  string // YYYY-MM-DD, comune of birth, its sigla
	Email, Password            string
	Comune, ProvinciaResidenza string
}

// mario is the owner of the requests in most tests.
func mario() persona {
	return persona{
		CF: "RSSMRA85T10A562S", Cognome: "Rossi", Nome: "Mario", Sesso: "M",
		Nascita: "1985-12-10", Luogo: "San Giuliano Terme", Provincia: "PI",
		Email: "mario.rossi@example.it", Password: "cavallo batteria graffetta corretta",
		Comune: "Pisa", ProvinciaResidenza: "PI",
	}
}

// anna is another applicant, who must never see Mario's requests.
func anna() persona {
	return persona{
		CF: codiceFiscale("Bianchi", "Anna", "F", "1990-05-15", "H501"), Cognome: "Bianchi", Nome: "Anna", Sesso: "F",
		Nascita: "1990-05-15", Luogo: "Roma", Provincia: "RM",
		Email: "anna.bianchi@example.it", Password: "gatto lampione ombrello verde",
		Comune: "Roma", ProvinciaResidenza: "RM",
	}
}

// codiceFiscale computes the code of a person born in the comune with that
// Belfiore code, check character included.
func codiceFiscale(cognome, nome, sesso, nascita, belfiore string) string {
	d, err := time.Parse(domain.Data, nascita)
	if err != nil {
		panic(err)
	}
	giorno := d.Day()
	if sesso == "F" {
		giorno += 40
	}
	s := fmt.Sprintf("%s%s%02d%c%02d%s", cf.CodiceCognome(cognome), cf.CodiceNome(nome), d.Year()%100, "ABCDEHLMPRST"[d.Month()-1], giorno, belfiore)
	return s + string(cf.CarattereControllo(s))
}

// visitatore is one browser: its own cookie jar, redirects not followed.
type visitatore struct {
	t   testing.TB
	app *testapp.T
	c   *http.Client
}

func nuovoVisitatore(t testing.TB, app *testapp.T) *visitatore {
	return &visitatore{t: t, app: app, c: testapp.Client()}
}

// risposta is a response read whole.
type risposta struct {
	Status int
	Header http.Header
	Body   string // as sent
	Testo  string // with HTML entities decoded, for matching Italian text
}

func leggi(t testing.TB, res *http.Response) risposta {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading the response: %v", err)
	}
	return risposta{Status: res.StatusCode, Header: res.Header, Body: string(b), Testo: html.UnescapeString(string(b))}
}

// Location is the redirect target.
func (r risposta) Location() string { return r.Header.Get("Location") }

func (v *visitatore) cookie(name string) string {
	u, _ := url.Parse(v.app.URL)
	for _, c := range v.c.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// csrf returns the visitor's CSRF token, visiting a page first if it has none.
func (v *visitatore) csrf() string {
	v.t.Helper()
	if tok := v.cookie("abilita_csrf"); tok != "" {
		return tok
	}
	v.get("/accedi")
	tok := v.cookie("abilita_csrf")
	if tok == "" {
		v.t.Fatal("no CSRF cookie after visiting a page")
	}
	return tok
}

// do sends req with the visitor's cookies; header is pairs of name, value.
func (v *visitatore) do(req *http.Request, header ...string) risposta {
	v.t.Helper()
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := v.c.Do(req)
	if err != nil {
		v.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	return leggi(v.t, res)
}

func (v *visitatore) richiesta(method, path string, body io.Reader) *http.Request {
	v.t.Helper()
	req, err := http.NewRequest(method, v.app.URL+path, body)
	if err != nil {
		v.t.Fatal(err)
	}
	return req
}

func (v *visitatore) get(path string, header ...string) risposta {
	v.t.Helper()
	return v.do(v.richiesta(http.MethodGet, path, nil), header...)
}

// post sends form, adding the visitor's CSRF token unless form has a
// _csrf field already (possibly empty, to test its absence).
func (v *visitatore) post(path string, form url.Values, header ...string) risposta {
	v.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if !form.Has("_csrf") {
		form = cloneValues(form)
		form.Set("_csrf", v.csrf())
	} else if form.Get("_csrf") == "" {
		form = cloneValues(form)
		form.Del("_csrf")
	}
	req := v.richiesta(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return v.do(req, header...)
}

func cloneValues(f url.Values) url.Values {
	out := url.Values{}
	for k, vs := range f {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// parte is one file of an upload.
type parte struct {
	Campo, File, Tipo string
	Dati              []byte
}

// corpoMultipart builds an upload body: the CSRF token first when csrf is
// not empty, then the parts.
func corpoMultipart(t testing.TB, csrf string, parti ...parte) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if csrf != "" {
		if err := w.WriteField("_csrf", csrf); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range parti {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p.Campo, p.File))
		if p.Tipo != "" {
			h.Set("Content-Type", p.Tipo)
		}
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

// carica uploads parts to a request, the CSRF token as the first part.
func (v *visitatore) carica(id uint64, parti ...parte) risposta {
	v.t.Helper()
	body, ct := corpoMultipart(v.t, v.csrf(), parti...)
	req := v.richiesta(http.MethodPost, urlRichiesta(id)+"/allegati", bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	return v.do(req)
}

func urlRichiesta(id uint64) string { return "/richieste/" + strconv.FormatUint(id, 10) }

func urlPasso(id uint64, p domain.Passo) string { return urlRichiesta(id) + "/passo/" + string(p) }

// vuole fails the test unless the response has the status and, for a
// redirect, a Location starting with dove.
func vuole(t testing.TB, r risposta, status int, dove ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; Location %q; body:\n%s", r.Status, status, r.Location(), estratto(r.Testo))
	}
	for _, d := range dove {
		if !strings.HasPrefix(r.Location(), d) {
			t.Fatalf("Location %q, want it to start with %q", r.Location(), d)
		}
	}
}

// estratto is the main content of a page, to keep failure messages short.
func estratto(s string) string {
	if i := strings.Index(s, `<main`); i >= 0 {
		s = s[i:]
	}
	if i := strings.Index(s, `</main>`); i >= 0 {
		s = s[:i]
	}
	s = regexp.MustCompile(`\s+`).ReplaceAllString(s, " ")
	if len(s) > 3000 {
		s = s[:3000] + "…"
	}
	return s
}

// scenario is one request and what must come back (the pocketbase style).
type scenario struct {
	name            string
	method          string
	url             string
	form            url.Values // POST body, with the visitor's CSRF token unless it has _csrf
	headers         []string   // pairs of name, value
	wantStatus      int
	wantLocation    string   // prefix of the redirect target
	wantContains    []string // in the text, entities decoded
	wantNotContains []string // in the body as sent
}

func (sc scenario) esegui(t testing.TB, v *visitatore) risposta {
	t.Helper()
	var r risposta
	switch sc.method {
	case http.MethodPost:
		r = v.post(sc.url, sc.form, sc.headers...)
	default:
		r = v.do(v.richiesta(cmpOr(sc.method, http.MethodGet), sc.url, nil), sc.headers...)
	}
	controlla(t, r, sc.wantStatus, sc.wantLocation, sc.wantContains, sc.wantNotContains)
	return r
}

func controlla(t testing.TB, r risposta, status int, location string, contains, notContains []string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("status %d, want %d (Location %q); body:\n%s", r.Status, status, r.Location(), estratto(r.Testo))
	}
	if location != "" && !strings.HasPrefix(r.Location(), location) {
		t.Errorf("Location %q, want it to start with %q", r.Location(), location)
	}
	for _, s := range contains {
		if !strings.Contains(r.Testo, s) && !strings.Contains(r.Body, s) {
			t.Errorf("body does not contain %q:\n%s", s, estratto(r.Testo))
		}
	}
	for _, s := range notContains {
		if strings.Contains(r.Body, s) {
			t.Errorf("body contains %q", s)
		}
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// moduloRegistrazione is a valid registration form for p.
func moduloRegistrazione(p persona) url.Values {
	return url.Values{
		"codice_fiscale": {p.CF}, "cognome": {p.Cognome}, "nome": {p.Nome}, "email": {p.Email},
		"password": {p.Password}, "conferma": {p.Password}, "privacy": {"si"},
	}
}

// registra registers p and confirms its address through the mailed link.
func registra(t testing.TB, app *testapp.T, v *visitatore, p persona) {
	t.Helper()
	vuole(t, v.post("/registrazione", moduloRegistrazione(p)), http.StatusOK)
	conferma(t, app, v, p)
}

// conferma opens the verification link mailed to p and presses its button.
func conferma(t testing.TB, app *testapp.T, v *visitatore, p persona) {
	t.Helper()
	tok := tokenDi(t, app.WaitLink(t, p.Email, "Conferma il tuo indirizzo", "/verifica-email"))
	r := v.get("/verifica-email?t=" + url.QueryEscape(tok))
	controlla(t, r, http.StatusOK, "", []string{"Conferma l'indirizzo e-mail"}, nil)
	vuole(t, v.post("/verifica-email", url.Values{"t": {tok}}), http.StatusSeeOther)
}

// tokenDi reads the t parameter of a mailed link.
func tokenDi(t testing.TB, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatalf("link %q: %v", link, err)
	}
	tok := u.Query().Get("t")
	if tok == "" {
		t.Fatalf("link %q has no token", link)
	}
	return tok
}

// accedi logs the visitor in as p.
func (v *visitatore) accedi(email, password string) {
	v.t.Helper()
	vuole(v.t, v.post("/accedi", url.Values{"email": {email}, "password": {password}}), http.StatusSeeOther)
}

// nuovoRichiedente registers p, confirms its address and logs it in.
func nuovoRichiedente(t testing.TB, app *testapp.T, p persona) *visitatore {
	t.Helper()
	v := nuovoVisitatore(t, app)
	registra(t, app, v, p)
	v.accedi(p.Email, p.Password)
	return v
}

// amministratore creates the first administrator through the set-up link
// and logs it in.
func amministratore(t testing.TB, app *testapp.T) *visitatore {
	t.Helper()
	link, err := app.App.SetupLink()
	if err != nil || link == "" {
		t.Fatalf("setup link: %q, %v", link, err)
	}
	v := nuovoVisitatore(t, app)
	tok := tokenDi(t, link)
	vuole(t, v.get("/configurazione?t="+url.QueryEscape(tok)), http.StatusOK)
	const email, password = "responsabile@abilita.test", "quercia fontana tramonto azzurro"
	vuole(t, v.post("/configurazione", url.Values{
		"t": {tok}, "email": {email}, "cognome": {"Verdi"}, "nome": {"Giuseppe"}, "password": {password}, "conferma": {password},
	}), http.StatusSeeOther, "/accedi")
	v.accedi(email, password)
	return v
}

// nuovaBozza starts a request and returns its ID.
func (v *visitatore) nuovaBozza() uint64 {
	v.t.Helper()
	r := v.post("/richieste", nil)
	vuole(v.t, r, http.StatusSeeOther, "/richieste/")
	m := regexp.MustCompile(`^/richieste/(\d+)/passo/profilo$`).FindStringSubmatch(r.Location())
	if m == nil {
		v.t.Fatalf("new request redirected to %q", r.Location())
	}
	id, _ := strconv.ParseUint(m[1], 10, 64)
	return id
}

// datiPassi are valid answers to every step with fields, for p, as of now:
// a medico esterno whose document expires in five years.
func datiPassi(p persona, now time.Time) map[domain.Passo]url.Values {
	return map[domain.Passo]url.Values{
		domain.PassoProfilo: {"tipo": {"nuova"}, "profilo": {"medico_esterno"}},
		domain.PassoAnagrafica: {
			"cognome": {p.Cognome}, "nome": {p.Nome}, "codice_fiscale": {p.CF}, "sesso": {p.Sesso},
			"data_nascita": {p.Nascita}, "luogo_nascita": {p.Luogo}, "provincia_nascita": {p.Provincia},
			"cittadinanza": {"Italiana"}, "res_indirizzo": {"Via Roma 1"}, "res_cap": {"56100"},
			"res_comune": {p.Comune}, "res_provincia": {p.ProvinciaResidenza},
			"email": {p.Email}, "pec": {""}, "telefono": {"+39 050 123456"},
		},
		domain.PassoProfessione: {"ordine_provincia": {"PI"}, "ordine_numero": {"12345"}, "ordine_data": {"2012-03-01"}},
		domain.PassoDocumento: {
			"doc_tipo": {"Carta d'identità"}, "doc_numero": {"CA12345AB"}, "doc_rilasciato_da": {"Comune di " + p.Comune},
			"doc_rilascio": {now.AddDate(-2, 0, 0).Format(domain.Data)}, "doc_scadenza": {now.AddDate(5, 0, 0).Format(domain.Data)},
		},
		domain.PassoDichiarazioni: {"dpr445": {"si"}, "privacy": {"si"}, "riservatezza": {"si"}},
	}
}

// passiConCampi are the steps that post a form of fields, in order.
var passiConCampi = []domain.Passo{domain.PassoProfilo, domain.PassoAnagrafica, domain.PassoProfessione, domain.PassoDocumento, domain.PassoDichiarazioni}

// compila fills every step of the draft with valid data for p.
func (v *visitatore) compila(id uint64, p persona) {
	v.t.Helper()
	dati := datiPassi(p, time.Now())
	for i, passo := range passiConCampi {
		form := cloneValues(dati[passo])
		form.Set("azione", "avanti")
		vuole(v.t, v.post(urlPasso(id, passo), form), http.StatusSeeOther, urlPasso(id, domain.Passi[i+1]))
	}
}

// pdfMinimo is a valid one-page PDF, extra inserted before the trailer.
func pdfMinimo(extra string) []byte {
	return []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" +
		"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" +
		"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n" +
		"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n" +
		extra +
		"trailer\n<< /Size 4 /Root 1 0 R >>\n%%EOF\n")
}

func immagine(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{uint8(x * 40), uint8(y * 40), 200, 255})
		}
	}
	return img
}

func pngPiccolo(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, immagine(4, 4)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jpegPiccolo(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, immagine(4, 4), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fileValidi are the three attachments of a complete request.
func fileValidi(t testing.TB) []parte {
	return []parte{
		{Campo: "documento_fronte", File: "fronte.jpg", Tipo: "image/jpeg", Dati: jpegPiccolo(t)},
		{Campo: "documento_retro", File: "retro.png", Tipo: "image/png", Dati: pngPiccolo(t)},
		{Campo: "modulo_firmato", File: "modulo firmato.pdf", Tipo: "application/pdf", Dati: pdfMinimo("")},
	}
}

// caricaValidi uploads the three attachments.
func (v *visitatore) caricaValidi(id uint64) []parte {
	v.t.Helper()
	files := fileValidi(v.t)
	vuole(v.t, v.carica(id, files...), http.StatusSeeOther, urlPasso(id, domain.PassoAllegati))
	return files
}

// invia submits the draft.
func (v *visitatore) invia(id uint64) {
	v.t.Helper()
	vuole(v.t, v.post(urlRichiesta(id)+"/invia", nil), http.StatusSeeOther, urlRichiesta(id)+"/ricevuta")
}

// richiestaInviata files a complete request for p and returns its ID.
func (v *visitatore) richiestaInviata(p persona) uint64 {
	v.t.Helper()
	id := v.nuovaBozza()
	v.compila(id, p)
	v.caricaValidi(id)
	v.invia(id)
	return id
}

// salvata returns the stored request as JSON, to compare before and after.
func salvata(t testing.TB, app *testapp.T, id uint64) string {
	t.Helper()
	r, err := app.App.Store.Richiesta(id)
	if err != nil {
		t.Fatalf("request %d: %v", id, err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var reCSRF = regexp.MustCompile(`[A-Za-z0-9_-]{32,}`)

// senzaSegreti removes tokens (CSRF values) from a page and the strings
// given, so that two answers can be compared.
func senzaSegreti(body string, togli ...string) string {
	for _, s := range togli {
		body = strings.ReplaceAll(body, s, "…")
	}
	return reCSRF.ReplaceAllString(body, "TOKEN")
}

var reTag = regexp.MustCompile(`<[^>]*>`)

// erroreCampo is the text of the error element next to field name, the
// first one in the page ("" if it has none or is empty).
func erroreCampo(body, name string) string {
	re := regexp.MustCompile(`(?s)id="` + regexp.QuoteMeta(name) + `-errore"[^>]*>(.*?)</div>`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(html.UnescapeString(reTag.ReplaceAllString(m[1], "")))
}

func mustRichiesta(t testing.TB, app *testapp.T, id uint64) *domain.Richiesta {
	t.Helper()
	r, err := app.App.Store.Richiesta(id)
	if err != nil {
		t.Fatalf("request %d: %v", id, err)
	}
	return r
}

// fileAllegati lists the names in the attachments folder, temporary files
// included.
func fileAllegati(t testing.TB, app *testapp.T) []string {
	t.Helper()
	entries, err := os.ReadDir(app.App.Config.AllegatiDir())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// trovaNelDisco reports whether any file in dir contains data.
func trovaNelDisco(t testing.TB, dir string, data []byte) bool {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, data) {
			return true
		}
	}
	return false
}
