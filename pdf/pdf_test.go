package pdf

import (
	"bytes"
	"compress/zlib"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"abilita/domain"

	"github.com/go-pdf/fpdf"
)

var (
	generato = time.Date(2026, 11, 25, 9, 40, 0, 0, time.UTC)
	sede     = Sede{Codice: "FC", Nome: "Forlì", Indirizzo: "Viale Roma 12, 47121 Forlì (FC)", Email: "forli@inail.it", PEC: "forli@postacert.inail.it"}
)

func richiesta(p domain.Profilo) *domain.Richiesta {
	return &domain.Richiesta{
		ID: 42, Stato: domain.StatoBozza, Percorso: domain.PercorsoOnline, Sede: "FC",
		Tipo: domain.TipoNuova, Profilo: p,
		Anagrafica: domain.Anagrafica{Cognome: "D'Alò", Nome: "Nicolò", CodiceFiscale: "DLANCL80C15D704X", Sesso: "M",
			DataNascita: "1980-03-15", LuogoNascita: "Forlì", ProvinciaNascita: "FC", Cittadinanza: "Italiana"},
		Residenza:     domain.Residenza{Indirizzo: "Via dell'Età d'Oro 3", CAP: "47121", Comune: "Forlì", Provincia: "FC"},
		Contatti:      domain.Contatti{Email: "nicolo.dalo@example.it", PEC: "nicolo.dalo@pec.example.it", Telefono: "0543 123456"},
		Ordine:        domain.Ordine{Provincia: "Forlì-Cesena", Numero: "4821", DataIscrizione: "2006-07-01"},
		Struttura:     domain.Struttura{Denominazione: "Ospedale G.B. Morgagni – L. Pierantoni", Codice: "080104", Azienda: "AUSL della Romagna", Indirizzo: "Via Carlo Forlanini 34, 47121 Forlì (FC)", PEC: "ausl@pec.auslromagna.it", FirmatarioDesignazione: "Maria Rossi, direttrice sanitaria"},
		Patronato:     domain.Patronato{Denominazione: "Patronato INCA CGIL", Sede: "Forlì", CodiceFiscale: "80187590587"},
		Documento:     domain.Documento{Tipo: "Carta d'identità elettronica", Numero: "CA12345AB", RilasciatoDa: "Comune di Forlì", DataRilascio: "2022-05-10"},
		Dichiarazioni: domain.Dichiarazioni{DPR445: true, Privacy: true, Riservatezza: true},
		Urgente:       true, MotivoUrgenza: "Età avanzata degli assistiti e certificati da trasmettere entro la settimana",
	}
}

func inviata() *domain.Richiesta {
	r := richiesta(domain.ProfiloMedicoEsterno)
	r.Protocollo = "FC-2026-000123"
	r.Stato = domain.StatoInviata
	r.Inviata = time.Date(2026, 11, 25, 9, 32, 0, 0, time.UTC)
	r.Allegati = map[domain.TipoAllegato]domain.Allegato{
		domain.AllegatoModuloFirmato:   {NomeOriginale: "modulo_firmato.pdf.p7m", Byte: 250_000, SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
		domain.AllegatoDocumentoFronte: {NomeOriginale: "carta identità fronte.jpg", Byte: 1_300_000, SHA256: "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"},
		domain.AllegatoDocumentoRetro:  {NomeOriginale: "retro.png", Byte: 100, SHA256: "fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9"},
	}
	return r
}

// testo extracts the strings drawn in every content stream, in drawing order,
// joined by spaces so that wrapped lines read as the original sentence, and
// converted back from cp1252 to UTF-8.
func testo(t *testing.T, doc []byte) string {
	t.Helper()
	if !bytes.HasPrefix(doc, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimRight(doc, "\n"), []byte("%%EOF")) {
		t.Fatalf("not a PDF: %q … %q", doc[:min(20, len(doc))], doc[max(0, len(doc)-20):])
	}
	flussi := regexp.MustCompile(`(?s)/Filter /FlateDecode[^>]*>>\nstream\n(.*?)\nendstream`)
	stringhe := regexp.MustCompile(`\(((?:[^\\()]|\\.)*)\)\s*Tj`)
	var parti []string
	for _, m := range flussi.FindAllSubmatch(doc, -1) {
		zr, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			t.Fatal(err)
		}
		dati, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range stringhe.FindAllSubmatch(dati, -1) {
			parti = append(parti, daCP1252(rimuoviEscape(string(s[1]))))
		}
	}
	if len(parti) == 0 {
		t.Fatal("no text in the content streams")
	}
	return strings.Join(parti, " ")
}

func rimuoviEscape(s string) string {
	return strings.NewReplacer(`\\`, `\`, `\(`, `(`, `\)`, `)`, `\r`, "\r").Replace(s)
}

// daCP1252 inverts fpdf's translator, so the assertions read in plain UTF-8.
var daCP1252 = func() func(string) string {
	tr := fpdf.New("P", "mm", "A4", "").UnicodeTranslatorFromDescriptor("")
	inverso := map[byte]rune{}
	for r := rune(0x80); r < 0x2200; r++ {
		if b := tr(string(r)); b != "." {
			inverso[b[0]] = r
		}
	}
	return func(s string) string {
		var sb strings.Builder
		for i := 0; i < len(s); i++ {
			if r, ok := inverso[s[i]]; ok {
				sb.WriteRune(r)
			} else {
				sb.WriteByte(s[i])
			}
		}
		return sb.String()
	}
}()

func contiene(t *testing.T, nome, testo string, voci ...string) {
	t.Helper()
	for _, v := range voci {
		if !strings.Contains(testo, v) {
			t.Errorf("%s: missing %q", nome, v)
		}
	}
}

func nonContiene(t *testing.T, nome, testo string, voci ...string) {
	t.Helper()
	for _, v := range voci {
		if strings.Contains(testo, v) {
			t.Errorf("%s: unexpected %q", nome, v)
		}
	}
}

// pagine checks the footer of every page and returns how many there are.
func pagine(t *testing.T, testo, nota string) int {
	t.Helper()
	m := regexp.MustCompile(`Pagina 1 di (\d+)`).FindStringSubmatch(testo)
	if m == nil {
		t.Fatal("no page numbers")
	}
	n, _ := strconv.Atoi(m[1])
	for i := 1; i <= n; i++ {
		contiene(t, "footer", testo, "Pagina "+strconv.Itoa(i)+" di "+m[1])
	}
	if got := strings.Count(testo, nota); got != n {
		t.Errorf("footer note printed %d times on %d pages", got, n)
	}
	return n
}

func TestModuloProfili(t *testing.T) {
	ordine, struttura, patronato := "Iscrizione all'Ordine dei Medici", "Struttura sanitaria", "Patronato (medico di patronato)"
	casi := []struct {
		profilo  domain.Profilo
		presenti []string
		assenti  []string
	}{
		{domain.ProfiloMedicoEsterno, []string{ordine, "Forlì-Cesena", "4821", "01/07/2006"}, []string{struttura, patronato, "AUSL della Romagna", "INCA"}},
		{domain.ProfiloReferentePresidio, []string{struttura, "Ospedale G.B. Morgagni – L. Pierantoni", "080104", "AUSL della Romagna",
			"Maria Rossi, direttrice sanitaria", "Firma del legale rappresentante / direttore sanitario"}, []string{ordine, patronato, "4821"}},
		{domain.ProfiloMedicoPatronato, []string{ordine, patronato, "Patronato INCA CGIL", "80187590587"}, []string{struttura, "AUSL della Romagna"}},
	}
	for _, c := range casi {
		t.Run(string(c.profilo), func(t *testing.T) {
			doc, err := Modulo(richiesta(c.profilo), sede, generato)
			if err != nil {
				t.Fatal(err)
			}
			s := testo(t, doc)
			contiene(t, "modulo", s, istituto, titoloModulo, "Bozza n. 42", "25/11/2026", "Forlì (FC)",
				"D'Alò", "Nicolò", "DLANCL80C15D704X", "15/03/1980", "Forlì", "Via dell'Età d'Oro 3",
				"nicolo.dalo@pec.example.it", "Carta d'identità elettronica", "10/05/2022", vuotoData,
				"Motivo dell'urgenza", "Età avanzata degli assistiti e certificati da trasmettere entro la settimana",
				dichiarazioneDPR445, dichiarazionePrivacy, dichiarazioneRiservatezza,
				"Luogo e data", "Firma del richiedente", c.profilo.Etichetta())
			contiene(t, string(c.profilo), s, c.presenti...)
			nonContiene(t, string(c.profilo), s, c.assenti...)
			pagine(t, s, notaAllegati)
		})
	}
}

func TestModuloConProtocolloSenzaUrgenza(t *testing.T) {
	r := inviata()
	r.Urgente, r.MotivoUrgenza = false, ""
	doc, err := Modulo(r, Sede{}, generato)
	if err != nil {
		t.Fatal(err)
	}
	s := testo(t, doc)
	contiene(t, "modulo", s, "Protocollo", "FC-2026-000123", "FC")
	nonContiene(t, "modulo", s, "Bozza n.", "Urgenza", "Motivo dell'urgenza")
}

func TestModuloValoriLunghiVannoACapo(t *testing.T) {
	r := richiesta(domain.ProfiloReferentePresidio)
	lungo := strings.Repeat("Azienda Ospedaliero-Universitaria di Forlì e Cesena ", 4)
	r.Struttura.Denominazione = strings.TrimSpace(lungo)
	r.Contatti.Email = strings.Repeat("x", 60) + "@example.it"
	doc, err := Modulo(r, sede, generato)
	if err != nil {
		t.Fatal(err)
	}
	s := testo(t, doc)
	contiene(t, "modulo", s, r.Struttura.Denominazione)
	nonContiene(t, "modulo", s, r.Contatti.Email) // the address has no spaces, so it is broken across lines
}

func TestRicevuta(t *testing.T) {
	doc, err := Ricevuta(inviata(), sede, generato)
	if err != nil {
		t.Fatal(err)
	}
	s := testo(t, doc)
	contiene(t, "ricevuta", s, "Ricevuta di invio", "FC-2026-000123", "25/11/2026, ore 10:32",
		"D'Alò Nicolò", "DLANCL80C15D704X", "Medico esterno", "Nuova abilitazione", "Inviata",
		"Forlì (FC)", "Viale Roma 12, 47121 Forlì (FC)", "forli@inail.it", "forli@postacert.inail.it",
		"Documento di riconoscimento (fronte)", "carta identità fronte.jpg", "1.270 KB", "2c26b46b68ffc68f",
		"Modulo di richiesta firmato", "modulo_firmato.pdf.p7m", "245 KB", "9f86d081884c7d65",
		"retro.png", "1 KB", "fcde2b2edba56bf4", prossimiPassi)
	nonContiene(t, "ricevuta", s, "9f86d081884c7d659") // only the first 16 hex digits
	if i, j := strings.Index(s, "(fronte)"), strings.Index(s, "Modulo di richiesta firmato"); i > j {
		t.Error("attachments not in the order of the form")
	}
	pagine(t, s, "Ricevuta generata il 25/11/2026 alle 10:40.")
}

func TestDeterministico(t *testing.T) {
	for nome, genera := range map[string]func(*domain.Richiesta, Sede, time.Time) ([]byte, error){"modulo": Modulo, "ricevuta": Ricevuta} {
		a, err := genera(inviata(), sede, generato)
		if err != nil {
			t.Fatal(err)
		}
		b, err := genera(inviata(), sede, generato)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two renderings of the same input differ", nome)
		}
		for _, meta := range []string{"/CreationDate (D:20261125104000)", "/Author ", "/Title "} {
			if !bytes.Contains(a, []byte(meta)) {
				t.Errorf("%s: metadata %q missing", nome, meta)
			}
		}
	}
}

func TestRichiestaMancante(t *testing.T) {
	if _, err := Modulo(nil, sede, generato); err == nil {
		t.Error("Modulo(nil) gave no error")
	}
	if _, err := Ricevuta(nil, sede, generato); err == nil {
		t.Error("Ricevuta(nil) gave no error")
	}
}

// TestPdftotext reads the documents as a PDF viewer would, when poppler is
// installed; the assertions above do not depend on it.
func TestPdftotext(t *testing.T) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext not installed")
	}
	doc, err := Modulo(richiesta(domain.ProfiloMedicoEsterno), sede, generato)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "modulo.pdf")
	if err := os.WriteFile(file, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	contiene(t, "pdftotext", string(out), "Nicolò", "D'Alò", "Forlì", "Età", "DLANCL80C15D704X", "Pagina 1 di")
}

// A sede whose data are partly filled: the receipt prints the rows it has,
// no empty box, and no contact-centre line (that stands for a sede with none).
func TestRicevutaSedeIncompleta(t *testing.T) {
	parziale := Sede{Codice: sede.Codice, Nome: sede.Nome, Email: sede.Email}
	doc, err := Ricevuta(inviata(), parziale, generato)
	if err != nil {
		t.Fatal(err)
	}
	s := testo(t, doc)
	i := strings.Index(s, "Sede Inail competente")
	j := strings.Index(s, "Allegati ricevuti")
	if i < 0 || j < i {
		t.Fatalf("the sede's section is not where expected:\n%s", s)
	}
	sezione := s[i:j]
	contiene(t, "sede incompleta", sezione, "E-mail", sede.Email)
	nonContiene(t, "sede incompleta", sezione, "Indirizzo", "PEC", ContactCenter)
}
