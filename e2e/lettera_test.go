package e2e

import (
	"bytes"
	"compress/zlib"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"abilita/domain"
	"abilita/internal/testapp"
)

// TestAttivazioneConLettera is the counter path of the credentials: an
// operator registers and approves a request at the sede and prints the
// activation letter; the doctor, who has no account, activates its
// credentials with part 1 from its mailbox and part 2 from the letter, logs
// in with its authenticator, sees its reserved area and logs out.
func TestAttivazioneConLettera(t *testing.T) {
	ta := testapp.Start(t)
	b := newBrowser(t, ta.URL)

	const email, password = "carla.sportelli@inail.test", "scrivania lampada quaderno matita"
	ta.CreaUtenteConTOTP(t, domain.Utente{Ruolo: domain.RuoloOperatore, Email: email, Nome: "Carla", Cognome: "Sportelli", Sede: "PI"}, password)
	op := &cliente{t: t, ta: ta, c: testapp.Client()}
	op.post("/accedi", url.Values{"identificativo": {email}, "password": {password}}, http.StatusSeeOther)
	op.post("/accedi/codice", url.Values{"codice": {ta.CodiceTOTP(t, email)}}, http.StatusSeeOther)
	dove := op.post("/operatore/sportello", nil, http.StatusSeeOther)
	m := regexp.MustCompile(`^/richieste/(\d+)/passo/profilo$`).FindStringSubmatch(dove)
	if m == nil {
		t.Fatalf("new counter request redirected to %q", dove)
	}
	id, _ := strconv.ParseUint(m[1], 10, 64)
	elena := nuovaPersona("Galli", "Elena", "F", "1979-04-22")
	op.compilaEInvia(id, elena, allegatiDiProva(t))
	base := "/operatore/richieste/" + m[1]
	op.post(base+"/prendi", nil, http.StatusSeeOther)
	op.post(base+"/checklist", url.Values{"dati_corrispondenti": {"si"}, "documento_valido": {"si"}, "modulo_firmato": {"si"}, "ordine_plausibile": {"si"}}, http.StatusSeeOther)
	op.post(base+"/approva", url.Values{"conferma": {"si"}}, http.StatusSeeOther)

	res, err := op.c.Get(ta.URL + base + "/lettera.pdf")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("the letter: %v, %v", res, err)
	}
	lettera, _ := io.ReadAll(res.Body)
	res.Body.Close()
	parte2 := metaCodice.FindString(testoPDF(t, lettera))
	if parte2 == "" {
		t.Fatal("no code on the activation letter")
	}
	parte1 := primaParte(t, ta, elena.Email)

	b.open("/attivazione")
	b.page("attivazione")
	const nuova = "girasole orologio pianoforte"
	b.iniziaAttivazione(elena.CF, parte1, parte2, nuova)
	b.attivaDallApp(ta, "titolare")

	if dove := b.accedi(ta, "titolare", elena.CF, nuova); dove != "/area" {
		t.Fatalf("holder after login: at %s", dove)
	}
	b.page("area")
	for _, want := range []string{"Le tue abilitazioni", "Medico esterno", "Sede di Pisa", "Vai al servizio dei certificati medici"} {
		if area := b.text("main"); !strings.Contains(area, want) {
			t.Errorf("the reserved area lacks %q: %q", want, area)
		}
	}
	if r, err := ta.App.Store.Richiesta(id); err != nil || r.Stato != domain.StatoAttiva || r.Percorso != domain.PercorsoSportello {
		t.Errorf("the request after the activation: %+v, %v", r, err)
	}
	b.esci()
	b.page("uscito")
}

// testoPDF returns the text drawn in a PDF made by fpdf: its compressed
// content streams, inflated.
func testoPDF(t *testing.T, pdf []byte) string {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:min(len(pdf), 20)])
	}
	var out strings.Builder
	for _, m := range regexp.MustCompile(`(?s)/Filter /FlateDecode[^>]*>>\nstream\n(.*?)\nendstream`).FindAllSubmatch(pdf, -1) {
		r, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue // an image, say
		}
		data, _ := io.ReadAll(r)
		out.Write(data)
	}
	return out.String()
}
