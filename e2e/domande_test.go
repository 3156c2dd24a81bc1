package e2e

import (
	"bytes"
	"fmt"
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
	"abilita/store"
)

// The requests the sede's tests start from, filed through HTTP as a browser
// would file them, so that the browser is spent on the operator's work.

// persona is an applicant, with the data of its codice fiscale. All live
// in Pisa, so their requests go to the sede of Pisa.
type persona struct {
	CF, Cognome, Nome, Sesso  string
	Nascita, Luogo, Provincia string // YYYY-MM-DD, comune of birth, its sigla
	Email, Password           string
}

// nuovaPersona is someone born in Pisa (Belfiore G702) on that date.
func nuovaPersona(cognome, nome, sesso, nascita string) persona {
	return persona{
		CF: codiceFiscale(cognome, nome, sesso, nascita, "G702"), Cognome: cognome, Nome: nome, Sesso: sesso,
		Nascita: nascita, Luogo: "Pisa", Provincia: "PI",
		Email:    strings.ToLower(nome + "." + cognome + "@example.it"),
		Password: "cavallo batteria graffetta corretta",
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

// cliente is one applicant's HTTP client: its own cookies, redirects not
// followed, so every answer is checked.
type cliente struct {
	t  *testing.T
	ta *testapp.T
	c  *http.Client
}

// richiestaInviata registers p, marks its address as verified, logs it in
// and files a complete request of a medico esterno with the three files;
// it returns the request's ID.
func richiestaInviata(t *testing.T, ta *testapp.T, p persona, files allegati) uint64 {
	t.Helper()
	k := &cliente{t: t, ta: ta, c: testapp.Client()}
	k.post("/registrazione", url.Values{
		"codice_fiscale": {p.CF}, "cognome": {p.Cognome}, "nome": {p.Nome}, "email": {p.Email},
		"password": {p.Password}, "conferma": {p.Password}, "privacy": {"si"},
	}, http.StatusOK)
	u, err := ta.App.Store.UtentePerEmail(p.Email)
	if err != nil {
		t.Fatalf("registered %s: %v", p.Email, err)
	}
	ta.AggiornaUtente(t, u.ID, func(u *domain.Utente) error { u.EmailVerificata = ta.Orologio.Now(); return nil })
	k.post("/accedi", url.Values{"identificativo": {p.Email}, "password": {p.Password}}, http.StatusSeeOther)

	dove := k.post("/richieste", nil, http.StatusSeeOther)
	m := regexp.MustCompile(`^/richieste/(\d+)/passo/profilo$`).FindStringSubmatch(dove)
	if m == nil {
		t.Fatalf("new request redirected to %q", dove)
	}
	id, _ := strconv.ParseUint(m[1], 10, 64)
	k.compilaEInvia(id, p, files)
	return id
}

// compilaEInvia fills every step of draft id with p's data, uploads the
// files and submits it; the request goes to the sede of Pisa.
func (k *cliente) compilaEInvia(id uint64, p persona, files allegati) {
	t, ta := k.t, k.ta
	t.Helper()
	base := "/richieste/" + strconv.FormatUint(id, 10)
	now := ta.Orologio.Now()
	passi := []url.Values{
		{"tipo": {"nuova"}, "profilo": {"medico_esterno"}},
		{
			"cognome": {p.Cognome}, "nome": {p.Nome}, "codice_fiscale": {p.CF}, "sesso": {p.Sesso},
			"data_nascita": {p.Nascita}, "luogo_nascita": {p.Luogo}, "provincia_nascita": {p.Provincia},
			"cittadinanza": {"Italiana"}, "res_indirizzo": {"Via Roma 1"}, "res_cap": {"56121"},
			"res_comune": {"Pisa"}, "res_provincia": {"PI"}, "email": {p.Email}, "telefono": {"+39 050 123456"},
		},
		{"ordine_provincia": {"PI"}, "ordine_numero": {"12345"}, "ordine_data": {"2012-03-01"}},
		{
			"doc_tipo": {"Carta d'identità"}, "doc_numero": {"CA12345AB"}, "doc_rilasciato_da": {"Comune di Pisa"},
			"doc_rilascio": {now.AddDate(-2, 0, 0).Format(domain.Data)}, "doc_scadenza": {now.AddDate(5, 0, 0).Format(domain.Data)},
		},
		{"dpr445": {"si"}, "privacy": {"si"}, "riservatezza": {"si"}},
	}
	for i, form := range passi {
		form.Set("azione", "avanti")
		want := base + "/passo/" + string(domain.Passi[i+1])
		if got := k.post(base+"/passo/"+string(domain.Passi[i]), form, http.StatusSeeOther); got != want {
			t.Fatalf("step %s of %s: redirected to %q, want %q", domain.Passi[i], p.Email, got, want)
		}
	}
	k.carica(base+"/allegati", files)
	k.post(base+"/invia", nil, http.StatusSeeOther)
	if r, err := ta.App.Store.Richiesta(id); err != nil || r.Stato != domain.StatoInviata || r.Sede != "PI" {
		t.Fatalf("request of %s after submission: %+v, %v", p.Email, r, err)
	}
}

// csrf returns the client's CSRF token, visiting a page first if it has none.
func (k *cliente) csrf() string {
	k.t.Helper()
	for range 2 {
		u, _ := url.Parse(k.ta.URL)
		for _, c := range k.c.Jar.Cookies(u) {
			if c.Name == "abilita_csrf" {
				return c.Value
			}
		}
		res, err := k.c.Get(k.ta.URL + "/accedi")
		if err != nil {
			k.t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	k.t.Fatal("no CSRF cookie after visiting a page")
	return ""
}

// post sends a form with the CSRF token and returns the redirect target.
func (k *cliente) post(path string, form url.Values, status int) string {
	k.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("_csrf", k.csrf())
	req, err := http.NewRequest(http.MethodPost, k.ta.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		k.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return k.do(req, status)
}

// carica uploads the three files as the form does: the CSRF token first.
func (k *cliente) carica(path string, files allegati) {
	k.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if err := w.WriteField("_csrf", k.csrf()); err != nil {
		k.t.Fatal(err)
	}
	for _, f := range []struct{ campo, file, tipo string }{
		{"documento_fronte", files.fronte, "image/png"},
		{"documento_retro", files.retro, "image/jpeg"},
		{"modulo_firmato", files.modulo, "application/pdf"},
	} {
		data, err := os.ReadFile(f.file)
		if err != nil {
			k.t.Fatal(err)
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, f.campo, filepath.Base(f.file)))
		h.Set("Content-Type", f.tipo)
		pw, err := w.CreatePart(h)
		if err != nil {
			k.t.Fatal(err)
		}
		if _, err := pw.Write(data); err != nil {
			k.t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		k.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, k.ta.URL+path, &buf)
	if err != nil {
		k.t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	k.do(req, http.StatusSeeOther)
}

func (k *cliente) do(req *http.Request, status int) string {
	k.t.Helper()
	res, err := k.c.Do(req)
	if err != nil {
		k.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != status {
		k.t.Fatalf("%s %s: status %d, want %d; Location %q; page:\n%.3000s", req.Method, req.URL.Path, res.StatusCode, status, res.Header.Get("Location"), principale(string(body)))
	}
	return res.Header.Get("Location")
}

// principale is the main content of a page, to keep failure messages short.
func principale(s string) string {
	if i := strings.Index(s, "<main"); i >= 0 {
		s = s[i:]
	}
	return strings.Join(strings.Fields(s), " ")
}

// visualizzazioni counts the audited views of one document of a request.
func visualizzazioni(t *testing.T, ta *testapp.T, id uint64, tipo domain.TipoAllegato) int {
	t.Helper()
	eventi, err := ta.App.Store.EventiAudit(store.FiltroAudit{Richiesta: id, Limite: 1000})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range eventi {
		if e.Azione == domain.AuditVisualizzaDocumento && e.Dettaglio == string(tipo) {
			n++
		}
	}
	return n
}
