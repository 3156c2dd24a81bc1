package handlers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"maps"
	"net/http"
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

// The people of the tests and the steps they take through the site.

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

// accedi logs the visitor in with a login name (e-mail address or codice
// fiscale) and password, and with a code of its authenticator when the
// account asks for one.
func (v *visitatore) accedi(identificativo, password string) {
	v.t.Helper()
	r := v.post("/accedi", url.Values{"identificativo": {identificativo}, "password": {password}})
	vuole(v.t, r, http.StatusSeeOther)
	if strings.HasPrefix(r.Location(), "/accedi/codice") {
		vuole(v.t, v.post("/accedi/codice", url.Values{"codice": {v.app.CodiceTOTP(v.t, identificativo)}}), http.StatusSeeOther)
	}
}

// nuovoRichiedente registers p, confirms its address and logs it in.
func nuovoRichiedente(t testing.TB, app *testapp.T, p persona) *visitatore {
	t.Helper()
	v := nuovoVisitatore(t, app)
	registra(t, app, v, p)
	v.accedi(p.Email, p.Password)
	return v
}

// amministratore creates the first administrator through the set-up link,
// goes through its activation (authenticator, rules, recovery codes) and
// logs it in.
func amministratore(t testing.TB, app *testapp.T) *visitatore {
	t.Helper()
	link, err := app.App.SetupLink()
	if err != nil || link == "" {
		t.Fatalf("setup link: %q, %v", link, err)
	}
	v := nuovoVisitatore(t, app)
	tok := tokenDi(t, link)
	vuole(t, v.get("/configurazione?t="+url.QueryEscape(tok)), http.StatusOK)
	vuole(t, v.post("/configurazione", url.Values{
		"t": {tok}, "email": {emailAmministratore}, "cognome": {"Verdi"}, "nome": {"Giuseppe"}, "password": {passwordAmministratore}, "conferma": {passwordAmministratore},
	}), http.StatusSeeOther, "/attivazione/passo")
	v.completaAttivazione()
	v.accedi(emailAmministratore, passwordAmministratore)
	return v
}

// The first administrator's login.
const emailAmministratore, passwordAmministratore = "responsabile@abilita.test", "quercia fontana tramonto azzurro"

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
	dati := datiPassi(p, v.app.Orologio.Now())
	for i, passo := range passiConCampi {
		form := maps.Clone(dati[passo])
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
