package e2e

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/pdf"
)

// TestRichiestaOnline is path C as a doctor lives it: register, confirm the
// e-mail from the link received, fill in the request making mistakes and
// correcting them on the inline errors, upload the three files, submit, see
// the receipt and the request in "Le mie richieste".
func TestRichiestaOnline(t *testing.T) {
	ta := testapp.Start(t)
	b := newBrowser(t, ta.URL)
	files := allegatiDiProva(t)

	b.open("/")
	b.page("home")
	b.open("/guida?forti=no&modo=online&urgente=no")
	if !strings.Contains(b.text("#esito"), "online") {
		t.Fatalf("the guided choice does not lead to the online path: %q", b.text("#esito"))
	}
	b.page("guida")
	b.open("/sedi?comune=Pisa")
	if !strings.Contains(b.text("#sede-trovata"), "Pisa") {
		t.Fatalf("sede finder: %q", b.text("#sede-trovata"))
	}
	b.page("sedi")

	// Registration, with a mistake first.
	b.open("/registrazione")
	b.page("registrazione")
	b.fill("#codice_fiscale", "RSSMRA85T10A562S")
	b.fill("#cognome", "Rossi")
	b.fill("#nome", "Mario")
	b.fill("#email", "mario.rossi@example.it")
	b.fill("#password", "corta")
	b.fill("#conferma", "corta")
	b.check("#privacy")
	b.submit("form[action='/registrazione'] button[type=submit]")
	if msg := b.text("#password-errore"); !strings.Contains(msg, "almeno 15 caratteri") {
		t.Fatalf("short password: error %q", msg)
	}
	b.page("registrazione-errori")
	const password = "la mia frase per certificati sicuri"
	b.fill("#password", password)
	b.fill("#conferma", password)
	b.submit("form[action='/registrazione'] button[type=submit]")
	if h := b.text("h1"); !strings.Contains(h, "Controlla la tua e-mail") {
		t.Fatalf("after registration: %q: %q", h, b.text("main"))
	}
	b.page("registrazione-inviata")

	link := ta.WaitLink(t, "mario.rossi@example.it", "Conferma il tuo indirizzo", "/verifica-email")
	b.open(strings.TrimPrefix(link, ta.URL))
	b.page("verifica-email")
	b.submit("form[action='/verifica-email'] button[type=submit]")
	if !strings.HasPrefix(b.location(), "/accedi") {
		t.Fatalf("after verification: at %s", b.location())
	}

	b.fill("#identificativo", "mario.rossi@example.it")
	b.fill("#password", password)
	b.page("accedi")
	b.submit("form[action='/accedi'] button[type=submit]")
	b.page("area")
	b.submit("form[action='/richieste'] button[type=submit]")

	// Step 1: profile.
	b.page("passo-profilo")
	b.check("#profilo-medico_esterno")
	b.submit("button[value=avanti]")

	// Step 2: personal data, with a wrong check character typed first.
	b.fill("#codice_fiscale", "RSSMRA85T10A562X")
	b.waitFor("the inline error on the codice fiscale", `document.querySelector("#codice_fiscale-errore").textContent.includes("controllo")`)
	b.page("passo-anagrafica-errore-inline")
	b.fill("#codice_fiscale", "RSSMRA85T10A562S")
	b.waitFor("the inline error to go away", `document.querySelector("#codice_fiscale-errore").textContent.trim() === ""`)
	b.waitFor("the proposal from the codice fiscale", `document.querySelector("#proposta-cf button")`)
	b.submit("#proposta-cf button")
	if v := b.value("#data_nascita"); v != "1985-12-10" {
		t.Fatalf("proposed birth date: %q", v)
	}
	b.fill("#cittadinanza", "Italiana")
	b.fill("#res_indirizzo", "Via Roma 1")
	b.fill("#res_cap", "561")
	b.fill("#res_comune", "Pisa")
	b.waitFor("the inline error on the CAP", `document.querySelector("#res_cap-errore").textContent.includes("5 cifre")`)
	b.page("passo-anagrafica-cap")
	b.fill("#res_cap", "56121")
	b.fill("#res_provincia", "PI")
	b.submit("button[value=avanti]")
	if !strings.HasSuffix(b.location(), "/passo/professione") {
		t.Fatalf("after anagrafica: at %s, errors %q", b.location(), b.text("main"))
	}

	// Step 3: Ordine dei Medici.
	b.page("passo-professione")
	b.set("#ordine_provincia", "PI")
	b.fill("#ordine_numero", "12345")
	b.set("#ordine_data", "2012-03-01")
	b.submit("button[value=avanti]")

	// Step 4: the document, expired first.
	b.set("#doc_tipo", "Carta d'identità elettronica")
	b.fill("#doc_numero", "CA12345AB")
	b.fill("#doc_rilasciato_da", "Comune di Pisa")
	b.set("#doc_rilascio", "2015-01-10")
	b.set("#doc_scadenza", ta.Orologio.Now().AddDate(0, 0, -1).Format(domain.Data))
	b.submit("button[value=avanti]")
	if msg := b.text("#doc_scadenza-errore"); !strings.Contains(msg, "scaduto") {
		t.Fatalf("expired document: error %q", msg)
	}
	b.page("passo-documento-scaduto")
	b.set("#doc_scadenza", ta.Orologio.Now().AddDate(5, 0, 0).Format(domain.Data))
	b.submit("button[value=avanti]")

	// Step 5: declarations.
	b.page("passo-dichiarazioni")
	b.check("#dpr445")
	b.check("#privacy")
	b.check("#riservatezza")
	b.submit("button[value=avanti]")

	// Step 6: attachments.
	b.page("passo-allegati")
	b.run("upload", setUpload("#documento_fronte", files.fronte), setUpload("#documento_retro", files.retro), setUpload("#modulo_firmato", files.modulo))
	b.submit("form[enctype='multipart/form-data'] button[type=submit]")
	if got := b.text("main"); !strings.Contains(got, "File caricati") || strings.Count(got, "Caricato:") != 3 {
		t.Fatalf("after upload: %q", got)
	}
	b.page("allegati-caricati")

	// Step 7: summary and submission.
	b.open(strings.Replace(b.location(), "/passo/allegati", "/passo/riepilogo", 1))
	b.page("riepilogo")
	b.submit("form[action$='/invia'] button[type=submit]")
	protocollo := strings.TrimSpace(b.text("#protocollo"))
	if !strings.HasPrefix(protocollo, "PI-") {
		t.Fatalf("protocol number: %q", protocollo)
	}
	b.page("ricevuta")
	ta.SMTP.WaitFor(t, 10*time.Second, func(m testsmtpMessage) bool {
		return strings.Contains(m.Subject(), protocollo) && len(m.Attachments()) == 1
	})

	b.open("/richieste")
	if row := b.text("tbody"); !strings.Contains(row, protocollo) || !strings.Contains(row, "Inviata") {
		t.Fatalf("Le mie richieste: %q", row)
	}
	b.page("mie-richieste")
}

type allegati struct{ fronte, retro, modulo string }

// allegatiDiProva writes the files a doctor would upload: two photos of the
// document and the signed module.
func allegatiDiProva(t *testing.T) allegati {
	dir := t.TempDir()
	img := image.NewRGBA(image.Rect(0, 0, 320, 200))
	for x := 0; x < 320; x++ {
		for y := 0; y < 200; y++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 180, 255})
		}
	}
	var pngBuf, jpgBuf bytes.Buffer
	if err := png.Encode(&pngBuf, img); err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(&jpgBuf, img, nil); err != nil {
		t.Fatal(err)
	}
	modulo, err := pdf.Modulo(&domain.Richiesta{Anagrafica: domain.Anagrafica{Cognome: "Rossi", Nome: "Mario"}}, pdf.Sede{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	a := allegati{fronte: filepath.Join(dir, "fronte.png"), retro: filepath.Join(dir, "retro.jpg"), modulo: filepath.Join(dir, "modulo-firmato.pdf")}
	for name, data := range map[string][]byte{a.fronte: pngBuf.Bytes(), a.retro: jpgBuf.Bytes(), a.modulo: modulo} {
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return a
}
