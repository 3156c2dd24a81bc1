package handlers_test

import (
	"bytes"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"net/http"
	"strings"
	"testing"
)

// Uploads refused for what the file is (DESIGN.md §6: extension allowlist,
// magic bytes, never SVG or HTML, size cap, no scripts in PDFs).

func TestFileRifiutati(t *testing.T) {
	t.Parallel()
	b := nuovoBanco(t)
	png := pngPiccolo(t)
	svg := []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>`)
	enorme := append(append([]byte{}, png...), bytes.Repeat([]byte{0}, fileLimit)...)
	cases := []struct {
		name   string
		parti  []parte
		campo  string
		errore string
	}{
		{"più di 8 MB", []parte{{"documento_fronte", "grande.png", "image/png", enorme}}, "documento_fronte", "supera la dimensione massima"},
		{"eseguibile", []parte{{"documento_fronte", "virus.exe", "application/x-msdownload", []byte("MZ\x90\x00\x03\x00\x00\x00")}}, "documento_fronte", "non è ammesso"},
		{"testo", []parte{{"documento_fronte", "note.txt", "text/plain", []byte("solo testo")}}, "documento_fronte", "non è ammesso"},
		{"HTML", []parte{{"documento_fronte", "pagina.html", "text/html", []byte("<html><script>alert(1)</script></html>")}}, "documento_fronte", "non è ammesso"},
		{"HTML chiamato PDF", []parte{{"documento_fronte", "pagina.pdf", "application/pdf", []byte("<html><script>alert(1)</script></html>")}}, "documento_fronte", "non è ammesso"},
		{"PNG chiamato PDF", []parte{{"documento_fronte", "documento.pdf", "application/pdf", png}}, "documento_fronte", "L'estensione del file non corrisponde al suo contenuto."},
		{"PNG chiamato PDF senza tipo", []parte{{"documento_fronte", "documento.pdf", "application/octet-stream", png}}, "documento_fronte", "L'estensione del file non corrisponde al suo contenuto."},
		{"tipo dichiarato diverso", []parte{{"documento_fronte", "documento.png", "application/pdf", png}}, "documento_fronte", "Il tipo del file indicato dal browser non corrisponde al suo contenuto."},
		{"SVG", []parte{{"documento_fronte", "firma.svg", "image/svg+xml", svg}}, "documento_fronte", "non è ammesso"},
		{"SVG chiamato PNG", []parte{{"documento_fronte", "firma.png", "image/png", svg}}, "documento_fronte", "non è ammesso"},
		{"PDF con JavaScript", []parte{{"modulo_firmato", "modulo.pdf", "application/pdf",
			pdfMinimo("4 0 obj\n<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>\nendobj\n")}}, "modulo_firmato", "JavaScript"},
		{"PDF con JavaScript mascherato", []parte{{"modulo_firmato", "modulo.pdf", "application/pdf",
			pdfMinimo("4 0 obj\n<< /Type /Action /S /J#61vaScript /JS (app.alert(1)) >>\nendobj\n")}}, "modulo_firmato", "JavaScript"},
		{"file vuoto", []parte{{"documento_retro", "retro.jpg", "image/jpeg", nil}}, "documento_retro", "è vuoto"},
		{"nome del file con markup", []parte{{"documento_fronte", `"><img src=x onerror=alert(1)>.exe`, "application/octet-stream", []byte("MZ")}}, "documento_fronte", "non è ammesso"},
		{"nessun file", nil, "documento_fronte", "Scegli almeno un file da caricare."},
		{"un file in un campo sconosciuto", []parte{{"altro", "altro.png", "image/png", png}}, "documento_fronte", "Scegli almeno un file da caricare."},
		{"un file buono e uno cattivo", []parte{
			{"modulo_firmato", "nuovo modulo.pdf", "application/pdf", pdfMinimo("")},
			{"documento_fronte", "virus.exe", "application/octet-stream", []byte("MZ")}}, "documento_fronte", "non è ammesso"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prima := b.scatta(t)
			r := b.v.carica(b.id, tc.parti...)
			controlla(t, r, http.StatusUnprocessableEntity, "", []string{tc.errore}, []string{"<script>alert(1)", "<img src=x"})
			if got := erroreCampo(r.Body, tc.campo); !strings.Contains(got, tc.errore) {
				t.Errorf("error next to %s: %q, want %q", tc.campo, got, tc.errore)
			}
			b.invariato(t, prima)
		})
	}
}

// comeCaricato fails unless got is what an upload of sent stores: a PDF
// byte for byte, an image encoded again (no byte of its metadata kept) with
// the same type and size.
func comeCaricato(t testing.TB, tipo string, sent, got []byte) {
	t.Helper()
	if tipo == "application/pdf" {
		if !bytes.Equal(got, sent) {
			t.Errorf("downloaded %d bytes, uploaded %d; they differ", len(got), len(sent))
		}
		return
	}
	a, fa, err := image.DecodeConfig(bytes.NewReader(sent))
	if err != nil {
		t.Fatal(err)
	}
	b, fb, err := image.DecodeConfig(bytes.NewReader(got))
	if err != nil || fa != fb || "image/"+fb != tipo || a.Width != b.Width || a.Height != b.Height {
		t.Errorf("downloaded %s %dx%d (%v), uploaded %s %dx%d", fb, b.Width, b.Height, err, fa, a.Width, a.Height)
	}
}
