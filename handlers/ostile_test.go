package handlers_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/internal/testapp"
)

// Hostile input (DESIGN.md §6): each is answered with a 4xx and a clear
// Italian message, and nothing is stored.

const (
	msgTroppoGrande = "I dati inviati superano la dimensione massima consentita."
	msgCSRF         = "non proviene da questo sito"
	msgFormato      = "Il formato dei dati inviati non è ammesso su questa pagina."
	msgMarkup       = "I caratteri < e > non sono ammessi."
	markup          = "<script>alert(1)</script>"
	formLimit       = 64 << 10
	fileLimit       = 8 << 20
	uploadLimit     = 3*fileLimit + formLimit
)

// banco is an installation with an owner, a draft that already has its
// three attachments, and what must not change.
type banco struct {
	app *testapp.T
	p   persona
	v   *visitatore
	id  uint64
}

func nuovoBanco(t *testing.T) *banco {
	app := testapp.Start(t)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	id := v.nuovaBozza()
	v.compila(id, p)
	v.caricaValidi(id)
	return &banco{app: app, p: p, v: v, id: id}
}

// fotografia is what a refused request must leave as it was.
type fotografia struct {
	richiesta string
	file      []string
}

func (b *banco) scatta(t testing.TB) fotografia {
	return fotografia{richiesta: salvata(t, b.app, b.id), file: fileAllegati(t, b.app)}
}

func (b *banco) invariato(t testing.TB, prima fotografia) {
	t.Helper()
	if salvata(t, b.app, b.id) != prima.richiesta {
		t.Error("the request was changed")
	}
	if dopo := fileAllegati(t, b.app); !slices.Equal(dopo, prima.file) {
		t.Errorf("the attachments folder changed: %v, was %v", dopo, prima.file)
	}
}

// nessunUtente checks that no account was created for email.
func nessunUtente(t testing.TB, app *testapp.T, email string) {
	t.Helper()
	if _, err := app.App.Store.UtentePerEmail(email); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("an account exists for %s (err %v)", email, err)
	}
}

func ospite() persona {
	p := mario()
	p.Email = "ostile@example.it"
	return p
}

// grezza sends a request on a new connection: head, then body while the
// answer is read, as a client that does not wait. It returns the answer.
func grezza(t testing.TB, app *testapp.T, head string, body io.Reader) risposta {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(app.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	scritto := make(chan struct{})
	go func() {
		defer close(scritto)
		if _, err := io.WriteString(conn, head); err == nil && body != nil {
			_, _ = io.Copy(conn, body) // fails when the server stops reading: expected
		}
		if c, ok := body.(io.Closer); ok {
			c.Close()
		}
	}()
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	r := leggi(t, res)
	conn.Close()
	<-scritto
	return r
}

// testa writes the request line and headers, with the visitor's cookies.
func (v *visitatore) testa(method, path string, header ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, path, strings.TrimPrefix(v.app.URL, "http://"))
	u, _ := url.Parse(v.app.URL)
	var cookies []string
	for _, c := range v.c.Jar.Cookies(u) {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	if len(cookies) > 0 {
		fmt.Fprintf(&b, "Cookie: %s\r\n", strings.Join(cookies, "; "))
	}
	for i := 0; i+1 < len(header); i += 2 {
		fmt.Fprintf(&b, "%s: %s\r\n", header[i], header[i+1])
	}
	b.WriteString("\r\n")
	return b.String()
}

// riempitivo is an endless stream of letters.
type riempitivo struct{}

func (riempitivo) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// aPezzi sends r with chunked transfer encoding, so the server cannot know
// its length in advance.
func aPezzi(r io.Reader) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		cw := httputil.NewChunkedWriter(pw)
		_, err := io.Copy(cw, r)
		if err == nil {
			err = cw.Close()
		}
		if err == nil {
			_, err = io.WriteString(pw, "\r\n")
		}
		pw.CloseWithError(err)
	}()
	return pr
}

const confine = "confine-di-prova-abilita"

// caricamentoEnorme is an upload of a valid image followed by a field of n
// letters: the image is written to disk before the limit is reached, and
// must be removed.
func caricamentoEnorme(t testing.TB, csrf string, n int64) io.Reader {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if err := w.SetBoundary(confine); err != nil {
		t.Fatal(err)
	}
	_ = w.WriteField("_csrf", csrf)
	pw, _ := w.CreateFormFile("documento_retro", "retro.png")
	_, _ = pw.Write(pngPiccolo(t))
	_, _ = w.CreateFormField("riempitivo")
	return io.MultiReader(&buf, io.LimitReader(riempitivo{}, n), strings.NewReader("\r\n--"+confine+"--\r\n"))
}

func TestCorpiTroppoGrandi(t *testing.T) {
	t.Parallel()
	b := nuovoBanco(t)
	v := b.v
	q := ospite()
	grande := moduloRegistrazione(q)
	grande.Set("_csrf", v.csrf())
	grande.Set("cognome", strings.Repeat("a", formLimit+1))
	corpoGrande := grande.Encode()
	passoGrande := cloneValues(datiPassi(b.p, time.Now())[domain.PassoAnagrafica])
	passoGrande.Set("_csrf", v.csrf())
	passoGrande.Set("res_indirizzo", strings.Repeat("a", formLimit+1))
	allegati := urlRichiesta(b.id) + "/allegati"
	const form = "application/x-www-form-urlencoded"

	cases := []struct {
		name string
		head string
		body func() io.Reader
	}{
		{"modulo oltre 64 KiB", v.testa("POST", "/registrazione", "Content-Type", form, "Content-Length", strconv.Itoa(len(corpoGrande))),
			func() io.Reader { return strings.NewReader(corpoGrande) }},
		{"modulo oltre 64 KiB senza lunghezza", v.testa("POST", "/registrazione", "Content-Type", form, "Transfer-Encoding", "chunked"),
			func() io.Reader { return aPezzi(strings.NewReader(corpoGrande)) }},
		{"passo oltre 64 KiB", v.testa("POST", urlPasso(b.id, domain.PassoAnagrafica), "Content-Type", form, "Transfer-Encoding", "chunked"),
			func() io.Reader { return aPezzi(strings.NewReader(passoGrande.Encode())) }},
		// Announced too big: refused before reading it.
		{"caricamento oltre il limite dichiarato", v.testa("POST", allegati, "Content-Type", "multipart/form-data; boundary="+confine,
			"Content-Length", strconv.Itoa(uploadLimit+1)),
			func() io.Reader { return io.LimitReader(caricamentoEnorme(t, v.csrf(), uploadLimit), 256<<10) }},
		// Not announced: refused once the limit is passed.
		{"caricamento oltre il limite senza lunghezza", v.testa("POST", allegati, "Content-Type", "multipart/form-data; boundary="+confine, "Transfer-Encoding", "chunked"),
			func() io.Reader { return aPezzi(caricamentoEnorme(t, v.csrf(), uploadLimit+1<<20)) }},
		// A form is not an upload, even at the upload's address: the form
		// limit applies, rather than the body being read whole into memory
		// whatever its size.
		{"modulo enorme all'indirizzo dei caricamenti", v.testa("POST", allegati, "Content-Type", form, "Transfer-Encoding", "chunked"),
			func() io.Reader {
				return aPezzi(io.MultiReader(strings.NewReader("_csrf="+v.csrf()+"&x="), io.LimitReader(riempitivo{}, 2<<20)))
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prima := b.scatta(t)
			r := grezza(t, b.app, tc.head, tc.body())
			controlla(t, r, http.StatusRequestEntityTooLarge, "", []string{msgTroppoGrande, "Dati troppo grandi"}, nil)
			b.invariato(t, prima)
			nessunUtente(t, b.app, q.Email)
			// The server is still healthy for the next client.
			vuole(t, nuovoVisitatore(t, b.app).get("/healthz"), http.StatusOK)
		})
	}
	t.Run("dopo, un caricamento normale funziona", func(t *testing.T) {
		vuole(t, v.carica(b.id, fileValidi(t)[1]), http.StatusSeeOther, urlPasso(b.id, domain.PassoAllegati))
	})
}

// TestConnessioneRiutilizzataDopoUnRifiuto sends a refused upload and then
// another request on the same keep-alive connection: the server must either
// close the connection or read the refused body to its end, or the rest of
// that body is taken for the next request.
func TestConnessioneRiutilizzataDopoUnRifiuto(t *testing.T) {
	t.Parallel()
	b := nuovoBanco(t)
	inviataID := b.v.richiestaInviata(b.p)
	altra := nuovoRichiedente(t, b.app, anna())
	anon := nuovoVisitatore(t, b.app)
	anon.csrf()
	// More than the 8 KiB fasthttp reads ahead with the headers.
	grosso := parte{Campo: "documento_fronte", File: "fronte.pdf", Tipo: "application/pdf", Dati: pdfMinimo("% " + strings.Repeat("x", 64<<10) + "\n")}

	cases := []struct {
		name   string
		v      *visitatore
		id     uint64
		csrf   string
		header []string
		status int
	}{
		{"senza token", b.v, b.id, "", nil, http.StatusForbidden},
		{"token sbagliato nell'intestazione", b.v, b.id, "", []string{"X-CSRF-Token", strings.Repeat("x", 43)}, http.StatusForbidden},
		{"anonimo", anon, b.id, anon.csrf(), nil, http.StatusUnauthorized},
		{"richiesta di un altro", altra, b.id, altra.csrf(), nil, http.StatusNotFound},
		{"richiesta già inviata", b.v, inviataID, b.v.csrf(), nil, http.StatusConflict},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prima := b.scatta(t)
			body, ct := corpoMultipart(t, tc.csrf, grosso)
			head := tc.v.testa("POST", urlRichiesta(tc.id)+"/allegati", append([]string{"Content-Type", ct, "Content-Length", strconv.Itoa(len(body))}, tc.header...)...)
			conn, err := net.Dial("tcp", strings.TrimPrefix(b.app.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
			scritto := make(chan error, 1)
			go func() {
				_, err := io.WriteString(conn, head+string(body))
				scritto <- err
			}()
			br := bufio.NewReader(conn)
			res, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			r := leggi(t, res)
			vuole(t, r, tc.status)
			b.invariato(t, prima)
			if res.Close {
				return // the server closed the connection: nothing left to misread
			}
			if err := <-scritto; err != nil {
				t.Fatalf("the server kept the connection open but stopped reading the upload: %v", err)
			}
			// An answer nobody asked for is the server's reply to the rest of
			// the upload, read as a request.
			_ = conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
			if res, err := http.ReadResponse(br, nil); err == nil {
				t.Fatalf("after answering %d on a kept-alive connection, the server read the rest of the upload as a request and answered %d %q",
					tc.status, res.StatusCode, estratto(leggi(t, res).Body))
			}
			_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
			if _, err := io.WriteString(conn, tc.v.testa("GET", "/healthz")); err != nil {
				t.Fatalf("the server kept the connection open, then dropped it: %v", err)
			}
			res, err = http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("the next request on the connection got no answer: %v", err)
			}
			r = leggi(t, res)
			if r.Status != http.StatusOK || r.Body != "ok" {
				t.Errorf("the next request on the same connection got %d %q: the rest of the refused upload was read as a request", r.Status, estratto(r.Body))
			}
		})
	}
}

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

func TestTestoNonValido(t *testing.T) {
	t.Parallel()
	b := nuovoBanco(t)
	q := ospite()
	reg := func(campo, valore string) url.Values {
		f := moduloRegistrazione(q)
		f.Set(campo, valore)
		return f
	}
	passo := func(campo, valore string) url.Values {
		f := cloneValues(datiPassi(b.p, time.Now())[domain.PassoAnagrafica])
		f.Set(campo, valore)
		return f
	}
	cases := []struct {
		name, url string
		form      url.Values
		campo     string
		errore    string
	}{
		{"UTF-8 non valido nella registrazione", "/registrazione", reg("cognome", "Ros\xffsi"), "cognome", "Il testo contiene caratteri non validi."},
		{"carattere di controllo nella registrazione", "/registrazione", reg("nome", "Ma\x00rio"), "nome", "Il testo contiene caratteri di controllo non ammessi."},
		{"UTF-8 non valido in un passo", urlPasso(b.id, domain.PassoAnagrafica), passo("res_indirizzo", "Via \xff\xfe 1"), "res_indirizzo", "Il testo contiene caratteri non validi."},
		{"testo troppo lungo in un passo", urlPasso(b.id, domain.PassoAnagrafica), passo("res_indirizzo", strings.Repeat("Via lunga ", 30)), "res_indirizzo", "Il testo è troppo lungo"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prima := b.scatta(t)
			r := b.v.post(tc.url, tc.form)
			vuole(t, r, http.StatusUnprocessableEntity)
			if got := erroreCampo(r.Body, tc.campo); !strings.HasPrefix(got, tc.errore) {
				t.Errorf("error next to %s: %q, want %q", tc.campo, got, tc.errore)
			}
			b.invariato(t, prima)
			nessunUtente(t, b.app, q.Email)
		})
	}
}

var (
	reInput = regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	reName  = regexp.MustCompile(`\bname="([^"]+)"`)
	reType  = regexp.MustCompile(`\btype="([^"]+)"`)
)

// campiDiTesto lists the fields of the forms of a page that take free text
// or a choice sent as text: not hidden fields, buttons, check boxes, radio
// buttons, files or passwords (which may hold any character).
func campiDiTesto(page string) []string {
	var out []string
	for _, m := range reInput.FindAllStringSubmatch(page, -1) {
		name := reName.FindStringSubmatch(m[0])
		if name == nil {
			continue
		}
		if tipo := reType.FindStringSubmatch(m[0]); m[1] == "input" && tipo != nil {
			switch tipo[1] {
			case "hidden", "checkbox", "radio", "file", "password", "submit", "button":
				continue
			}
		}
		if !slices.Contains(out, name[1]) {
			out = append(out, name[1])
		}
	}
	return out
}

func TestMarkupInOgniCampo(t *testing.T) {
	t.Parallel()
	b := nuovoBanco(t)
	q := ospite()
	v := nuovoVisitatore(t, b.app)

	t.Run("registrazione", func(t *testing.T) {
		campi := campiDiTesto(v.get("/registrazione").Body)
		if len(campi) < 4 {
			t.Fatalf("registration fields: %v", campi)
		}
		for _, campo := range campi {
			t.Run(campo, func(t *testing.T) {
				f := moduloRegistrazione(q)
				f.Set(campo, markup)
				r := v.post("/registrazione", f)
				controlla(t, r, http.StatusUnprocessableEntity, "", []string{msgMarkup}, []string{markup})
				if got := erroreCampo(r.Body, campo); got != msgMarkup {
					t.Errorf("error next to %s: %q", campo, got)
				}
				nessunUtente(t, b.app, q.Email)
			})
		}
	})

	dati := datiPassi(b.p, time.Now())
	for _, profilo := range domain.Profili {
		// The professional step shows the fields of the chosen profile.
		vuole(t, b.v.post(urlPasso(b.id, domain.PassoProfilo), url.Values{"tipo": {"nuova"}, "profilo": {string(profilo)}}), http.StatusSeeOther)
		for _, passo := range passiConCampi {
			if profilo != domain.Profili[0] && passo != domain.PassoProfessione {
				continue
			}
			t.Run(string(profilo)+"/"+string(passo), func(t *testing.T) {
				campi := campiDiTesto(b.v.get(urlPasso(b.id, passo)).Body)
				if len(campi) == 0 && passo != domain.PassoProfilo { // the first step has radio buttons only
					t.Fatalf("no fields on step %s", passo)
				}
				for _, campo := range campi {
					if campo == "tipo" || campo == "profilo" {
						continue
					}
					t.Run(campo, func(t *testing.T) {
						prima := b.scatta(t)
						f := cloneValues(dati[passo])
						f.Set(campo, markup)
						r := b.v.post(urlPasso(b.id, passo), f)
						controlla(t, r, http.StatusUnprocessableEntity, "", []string{msgMarkup}, []string{markup})
						if got := erroreCampo(r.Body, campo); got != msgMarkup {
							t.Errorf("error next to %s: %q", campo, got)
						}
						b.invariato(t, prima)
					})
				}
			})
		}
	}
}

func TestRichiesteFalsificate(t *testing.T) {
	t.Parallel()
	b := nuovoBanco(t)
	q := ospite()
	v := b.v
	tok := v.csrf()
	sbagliato := strings.Repeat("A", len(tok))
	anagrafica := cloneValues(datiPassi(b.p, time.Now())[domain.PassoAnagrafica])
	anagrafica.Set("res_indirizzo", "Via dei Falsari 13")
	con := func(f url.Values, csrf string) url.Values {
		f = cloneValues(f)
		f.Set("_csrf", csrf)
		return f
	}
	passo := urlPasso(b.id, domain.PassoAnagrafica)
	allegati := urlRichiesta(b.id) + "/allegati"
	nuovo := parte{"documento_fronte", "altro.png", "image/png", pngPiccolo(t)}

	// Forms.
	for _, sc := range []scenario{
		{name: "registrazione senza token", url: "/registrazione", form: con(moduloRegistrazione(q), "")},
		{name: "passo senza token", url: passo, form: con(anagrafica, "")},
		{name: "token sbagliato", url: passo, form: con(anagrafica, sbagliato)},
		{name: "token sbagliato nell'intestazione", url: passo, form: con(anagrafica, tok), headers: []string{"X-CSRF-Token", sbagliato}},
		{name: "da un altro sito", url: passo, form: anagrafica, headers: []string{"Sec-Fetch-Site", "cross-site"}},
		{name: "da un sito affine", url: passo, form: anagrafica, headers: []string{"Sec-Fetch-Site", "same-site"}},
		{name: "con l'origine di un altro sito", url: passo, form: anagrafica, headers: []string{"Origin", "https://evil.example"}},
		{name: "registrazione da un altro sito", url: "/registrazione", form: moduloRegistrazione(q), headers: []string{"Origin", "https://evil.example"}},
		{name: "uscita da un altro sito", url: "/esci", headers: []string{"Sec-Fetch-Site", "cross-site"}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			prima := b.scatta(t)
			sc.method, sc.wantStatus, sc.wantContains = http.MethodPost, http.StatusForbidden, []string{msgCSRF}
			sc.esegui(t, v)
			b.invariato(t, prima)
			nessunUtente(t, b.app, q.Email)
			vuole(t, v.get("/area"), http.StatusOK) // still logged in
		})
	}

	// Uploads.
	multipartA := func(path, csrf string, header []string, parti ...parte) risposta {
		body, ct := corpoMultipart(t, csrf, parti...)
		req := v.richiesta(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		return v.do(req, header...)
	}
	cases := []struct {
		name   string
		path   string
		csrf   string
		header []string
		parti  []parte
		status int
		msg    string
	}{
		{"caricamento senza token", allegati, "", nil, []parte{nuovo}, http.StatusForbidden, msgCSRF},
		{"caricamento col token dopo il file", allegati, "", nil, []parte{nuovo, {Campo: "_csrf", Dati: []byte(tok)}}, http.StatusForbidden, msgCSRF},
		{"caricamento con token sbagliato", allegati, sbagliato, nil, []parte{nuovo}, http.StatusForbidden, msgCSRF},
		{"caricamento con intestazione sbagliata", allegati, "", []string{"X-CSRF-Token", sbagliato}, []parte{nuovo}, http.StatusForbidden, msgCSRF},
		{"caricamento da un altro sito", allegati, tok, []string{"Sec-Fetch-Site", "cross-site"}, []parte{nuovo}, http.StatusForbidden, msgCSRF},
		{"caricamento con l'origine di un altro sito", allegati, tok, []string{"Origin", "https://evil.example"}, []parte{nuovo}, http.StatusForbidden, msgCSRF},
		{"multipart a un passo", passo, tok, nil, []parte{nuovo}, http.StatusUnsupportedMediaType, msgFormato},
		{"multipart alla registrazione", "/registrazione", tok, nil, []parte{nuovo}, http.StatusUnsupportedMediaType, msgFormato},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prima := b.scatta(t)
			r := multipartA(tc.path, tc.csrf, tc.header, tc.parti...)
			controlla(t, r, tc.status, "", []string{tc.msg}, nil)
			b.invariato(t, prima)
		})
	}
	t.Run("con token e stessa origine funziona", func(t *testing.T) {
		r := multipartA(allegati, "", []string{"X-CSRF-Token", tok, "Origin", b.app.URL, "Sec-Fetch-Site", "same-origin"}, nuovo)
		vuole(t, r, http.StatusSeeOther, urlPasso(b.id, domain.PassoAllegati))
	})
}
