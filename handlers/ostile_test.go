package handlers_test

import (
	"bufio"
	"bytes"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httputil"
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

// The limits are app.Open's defaults.
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

// ospite is a newcomer whose registrations must all be refused.
func ospite() persona {
	p := mario()
	p.Email = "ostile@example.it"
	return p
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
	passoGrande := maps.Clone(datiPassi(b.p, b.app.Orologio.Now())[domain.PassoAnagrafica])
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

	// Behind a proxy that reuses its connections to Abilita, what the
	// server takes for a request in the rest of a body is a request
	// smuggled past the proxy: here one placed right after the 8 KiB that
	// fasthttp reads ahead with the headers.
	var nascosta bytes.Buffer
	nascosta.WriteString("--" + confine + "\r\nContent-Disposition: form-data; name=\"documento_fronte\"; filename=\"a.pdf\"\r\n\r\n%PDF-1.4\n")
	nascosta.WriteString(strings.Repeat("x", 8<<10-nascosta.Len()))
	nascosta.WriteString("GET /healthz HTTP/1.1\r\nHost: abilita\r\n\r\n")
	nascosta.WriteString(strings.Repeat("x", 16<<10) + "\r\n--" + confine + "--\r\n")

	cases := []struct {
		name   string
		v      *visitatore
		id     uint64
		csrf   string
		header []string
		status int
		corpo  []byte // the raw body, instead of an upload of grosso
	}{
		{"senza token", b.v, b.id, "", nil, http.StatusForbidden, nil},
		{"token sbagliato nell'intestazione", b.v, b.id, "", []string{"X-CSRF-Token", strings.Repeat("x", 43)}, http.StatusForbidden, nil},
		{"anonimo", anon, b.id, anon.csrf(), nil, http.StatusUnauthorized, nil},
		{"richiesta di un altro", altra, b.id, altra.csrf(), nil, http.StatusNotFound, nil},
		{"richiesta già inviata", b.v, inviataID, b.v.csrf(), nil, http.StatusConflict, nil},
		{"richiesta nascosta nel corpo", anon, b.id, "", nil, http.StatusUnauthorized, nascosta.Bytes()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prima := b.scatta(t)
			body, ct := tc.corpo, "multipart/form-data; boundary="+confine
			if body == nil {
				body, ct = corpoMultipart(t, tc.csrf, grosso)
			}
			head := tc.v.testa("POST", urlRichiesta(tc.id)+"/allegati", append([]string{"Content-Type", ct, "Content-Length", strconv.Itoa(len(body))}, tc.header...)...)
			conn := connetti(t, b.app, 20*time.Second)
			defer conn.Close()
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
				t.Fatalf("after answering %d on a kept-alive connection, the server read the rest of the upload as a request and answered %d %.80q",
					tc.status, res.StatusCode, leggi(t, res).Body)
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

func TestCaricamentoMalformato(t *testing.T) {
	t.Parallel()
	b := nuovoBanco(t)
	prima := b.scatta(t)
	body := "--" + confine + "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + b.v.csrf() +
		"\r\n--" + confine + "\r\nContent-Disposition: form-data; name=\"documento_fronte\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n" +
		string(pngPiccolo(t)) // no closing boundary
	req := b.v.richiesta(http.MethodPost, urlRichiesta(b.id)+"/allegati", strings.NewReader(body))
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+confine)
	r := b.v.do(req)
	controlla(t, r, http.StatusBadRequest, "", []string{"La richiesta non è valida."}, nil)
	b.invariato(t, prima)
}
