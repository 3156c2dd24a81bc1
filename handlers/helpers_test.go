package handlers_test

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"html"
	"io"
	"maps"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/internal/testapp"
)

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
		form = maps.Clone(form)
		form.Set("_csrf", v.csrf())
	} else if form.Get("_csrf") == "" {
		form = maps.Clone(form)
		form.Del("_csrf")
	}
	req := v.richiesta(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return v.do(req, header...)
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

var reSpazi = regexp.MustCompile(`\s+`)

// estratto is the main content of a page, to keep failure messages short.
func estratto(s string) string {
	if i := strings.Index(s, `<main`); i >= 0 {
		s = s[i:]
	}
	if i := strings.Index(s, `</main>`); i >= 0 {
		s = s[:i]
	}
	s = reSpazi.ReplaceAllString(s, " ")
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
		r = v.do(v.richiesta(cmp.Or(sc.method, http.MethodGet), sc.url, nil), sc.headers...)
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

// grezza sends a request on a new connection: head, then body while the
// answer is read, as a client that does not wait. It returns the answer.
func grezza(t testing.TB, app *testapp.T, head string, body io.Reader) risposta {
	t.Helper()
	conn := connetti(t, app, 30*time.Second)
	defer conn.Close()
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

// intestazioniGrezze sends a raw request on a new connection and returns
// the status line and header lines of the answer as sent, line ends kept.
func intestazioniGrezze(t testing.TB, app *testapp.T, req string) []string {
	t.Helper()
	conn := connetti(t, app, 10*time.Second)
	defer conn.Close()
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	var lines []string
	for {
		l, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the answer: %v (so far %q)", err, lines)
		}
		if l == "\r\n" {
			return lines
		}
		lines = append(lines, l)
	}
}

// connetti opens a connection of its own to the server, for requests a
// client library would not send or would not show as sent.
func connetti(t testing.TB, app *testapp.T, timeout time.Duration) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(app.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	_ = conn.SetDeadline(time.Now().Add(timeout))
	return conn
}
