package static

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"
)

func newApp() *fiber.App {
	app := fiber.New()
	app.Get("/static/*", Handler())
	return app
}

func get(t *testing.T, app *fiber.App, method, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(method, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, url, err)
	}
	return resp, string(body)
}

func TestEveryAssetIsServedImmutable(t *testing.T) {
	app := newApp()
	for name, a := range assets {
		url := URL(name)
		if !regexp.MustCompile(`^/static/[0-9a-f]{10}/`).MatchString(url) {
			t.Errorf("URL(%q) = %q, want /static/<10 hex>/%s", name, url, name)
		}
		resp, body := get(t, app, http.MethodGet, url)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200", url, resp.StatusCode)
			continue
		}
		if got := resp.Header.Get("Cache-Control"); got != cacheImmutable {
			t.Errorf("GET %s: Cache-Control %q, want %q", url, got, cacheImmutable)
		}
		if body != string(a.body) {
			t.Errorf("GET %s: body differs from the embedded file", url)
		}
	}
}

func TestContentTypes(t *testing.T) {
	app := newApp()
	tests := []struct{ name, want string }{
		{"vendor/bootstrap-italia/css/bootstrap-italia.abilita.min.css", "text/css; charset=utf-8"},
		{"css/app.css", "text/css; charset=utf-8"},
		{"js/app.js", "text/javascript; charset=utf-8"},
		{"vendor/htmx/htmx.min.js", "text/javascript; charset=utf-8"},
		{"vendor/bootstrap-italia/js/bootstrap-italia.abilita.min.js", "text/javascript; charset=utf-8"},
		{"vendor/bootstrap-italia/fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-regular.woff2", "font/woff2"},
		{spriteSheet, "image/svg+xml"},
		{"img/logo.svg", "image/svg+xml"},
		{"vendor/htmx/LICENSE", "text/plain; charset=utf-8"},
	}
	for _, tt := range tests {
		resp, _ := get(t, app, http.MethodGet, URL(tt.name))
		if got := resp.Header.Get("Content-Type"); got != tt.want {
			t.Errorf("%s: Content-Type %q, want %q", tt.name, got, tt.want)
		}
		// Browsers must not guess another type than the one sent.
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q, want nosniff", tt.name, got)
		}
	}
}

func TestWrongHashIsServedButNotImmutable(t *testing.T) {
	app := newApp()
	name := "css/app.css"
	resp, body := get(t, app, http.MethodGet, "/static/0123456789/"+name)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200", resp.StatusCode)
	}
	if got := resp.Header.Get("Cache-Control"); got != cacheRevalidate {
		t.Errorf("Cache-Control %q, want %q", got, cacheRevalidate)
	}
	if body != string(assets[name].body) {
		t.Error("body differs from the embedded file")
	}
}

func TestUnknownIsNotFound(t *testing.T) {
	app := newApp()
	hash := assets["css/app.css"].hash
	for _, url := range []string{
		"/static/" + hash + "/css/nope.css",
		"/static/css/app.css",
		"/static/" + hash + "/css/../js/app.js",
		"/static/" + hash + "/",
		"/static/",
		"/static/" + hash + "/css",
	} {
		resp, _ := get(t, app, http.MethodGet, url)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", url, resp.StatusCode)
		}
	}
}

func TestHeadAndConditionalGet(t *testing.T) {
	app := newApp()
	url := URL("js/app.js")

	resp, body := get(t, app, http.MethodHead, url)
	if resp.StatusCode != http.StatusOK || body != "" {
		t.Errorf("HEAD: status %d, body %d bytes; want 200 and no body", resp.StatusCode, len(body))
	}
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("HEAD: no ETag")
	}

	resp, body = get(t, app, http.MethodGet, url, "If-None-Match", etag)
	if resp.StatusCode != http.StatusNotModified || body != "" {
		t.Errorf("conditional GET: status %d, body %d bytes; want 304 and no body", resp.StatusCode, len(body))
	}
}

func TestURLPanicsOnUnknownName(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("URL of a missing file did not panic")
		}
	}()
	URL("css/missing.css")
}

func TestSprite(t *testing.T) {
	got := Sprite("it-check")
	want := URL(spriteSheet) + "#it-check"
	if got != want {
		t.Errorf("Sprite = %q, want %q", got, want)
	}
	defer func() {
		if recover() == nil {
			t.Error("Sprite of a missing icon did not panic")
		}
	}()
	Sprite("it-no-such-icon")
}

// TestCSSReferencesResolve reads the stylesheets as vendored: every url(...) that
// is not a data: URI must name an embedded file, relative to the stylesheet. A
// font left out of vendor/ fails here.
func TestCSSReferencesResolve(t *testing.T) {
	checked := 0
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(name) != ".css" {
			return err
		}
		body, err := fs.ReadFile(files, name)
		if err != nil {
			return err
		}
		for _, m := range cssURL.FindAllString(string(body), -1) {
			if strings.Contains(m, "data:") {
				continue
			}
			checked++
			target, ok := resolve(name, m)
			if !ok {
				t.Errorf("%s: %s does not point to a file of this package", name, m)
				continue
			}
			file, _, _ := strings.Cut(target, "#")
			if _, err := fs.Stat(files, file); err != nil {
				t.Errorf("%s: %s: %s is not embedded", name, m, file)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Error("no url(...) reference found: the fonts stylesheet is missing")
	}
}

// TestServedCSSPointsToHashedURLs checks the start-up rewriting: what the browser
// receives references each font by its own immutable URL.
func TestServedCSSPointsToHashedURLs(t *testing.T) {
	app := newApp()
	for name, a := range assets {
		if !isCSS(name) {
			continue
		}
		for _, m := range cssURL.FindAllStringSubmatch(string(a.body), -1) {
			ref := m[1] + m[2] + m[3]
			if strings.HasPrefix(ref, "data:") {
				continue
			}
			ref, _, _ = strings.Cut(ref, "#")
			if !strings.HasPrefix(ref, prefix) {
				t.Errorf("%s: served with unrewritten reference %q", name, ref)
				continue
			}
			resp, _ := get(t, app, http.MethodGet, ref)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != cacheImmutable {
				t.Errorf("%s: %s: status %d, Cache-Control %q", name, ref, resp.StatusCode, resp.Header.Get("Cache-Control"))
			}
		}
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		match, want string
		ok          bool
	}{
		{`url("../vendor/a/b.woff2")`, "vendor/a/b.woff2", true},
		{`url('../img/x.svg#frag')`, "img/x.svg#frag", true},
		{`url(x.png?v=1)`, "css/x.png", true},
		{`url(data:image/png;base64,AAAA)`, "", false},
		{`url("https://example.org/x.woff2")`, "", false},
		{`url(/static/x)`, "", false},
		{`url("../../etc/passwd")`, "", false},
	}
	for _, tt := range tests {
		got, ok := resolve("css/fonts.css", tt.match)
		if got != tt.want || ok != tt.ok {
			t.Errorf("resolve(%s) = %q, %v; want %q, %v", tt.match, got, ok, tt.want, tt.ok)
		}
	}
}

// attendiCompressi asks for name once, which starts its compression, and
// waits until its versions are ready.
func attendiCompressi(t *testing.T, app *fiber.App, name string) {
	t.Helper()
	get(t, app, http.MethodGet, URL(name), "Accept-Encoding", "br")
	select {
	case <-assets[name].compressi.pronto:
	case <-time.After(2 * time.Minute):
		t.Fatalf("%s not compressed after 2 minutes", name)
	}
}

// Text assets go out compressed, brotli first, gzip else, as the browser
// says it accepts; each version has its own ETag, and caches are told the
// answer varies with Accept-Encoding.
func TestCompressi(t *testing.T) {
	app := newApp()
	nome := "vendor/bootstrap-italia/css/bootstrap-italia.abilita.min.css"
	attendiCompressi(t, app, nome)
	originale := assets[nome].body
	decodifica := map[string]func([]byte) ([]byte, error){
		"br": func(b []byte) ([]byte, error) { return io.ReadAll(brotli.NewReader(bytes.NewReader(b))) },
		"gzip": func(b []byte) ([]byte, error) {
			r, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				return nil, err
			}
			return io.ReadAll(r)
		},
		"": func(b []byte) ([]byte, error) { return b, nil },
	}
	etag := map[string]string{}
	for _, tc := range []struct{ accetta, want string }{
		{"gzip, deflate, br, zstd", "br"},
		{"gzip, deflate", "gzip"},
		{"br;q=0, gzip", "gzip"},
		{"", ""},
		{"identity", ""},
	} {
		resp, body := get(t, app, http.MethodGet, URL(nome), "Accept-Encoding", tc.accetta)
		if got := resp.Header.Get("Content-Encoding"); got != tc.want {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tc.accetta, got, tc.want)
			continue
		}
		if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("Accept-Encoding %q: Vary %q", tc.accetta, resp.Header.Get("Vary"))
		}
		chiaro, err := decodifica[tc.want]([]byte(body))
		if err != nil || !bytes.Equal(chiaro, originale) {
			t.Errorf("Accept-Encoding %q: the %s body does not decode to the file (%v)", tc.accetta, tc.want, err)
		}
		etag[tc.want] = resp.Header.Get("ETag")
		t.Logf("%s: %d bytes (%s)", nome, len(body), tc.want)
	}
	if etag["br"] == etag["gzip"] || etag["gzip"] == etag[""] {
		t.Errorf("ETags %v: one per version", etag)
	}
	// Fonts are compressed already: sent as they are.
	resp, _ := get(t, app, http.MethodGet, URL("vendor/bootstrap-italia/fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-regular.woff2"), "Accept-Encoding", "br")
	if resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("a font sent with Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
}

// TestPesoPagina logs what a first visit moves: every stylesheet and
// script a page loads, as sent with brotli and as they are.
func TestPesoPagina(t *testing.T) {
	app := newApp()
	var br, chiaro int
	for _, nome := range []string{"vendor/bootstrap-italia/css/bootstrap-italia.abilita.min.css", "css/fonts.css", "css/app.css", "js/app.js",
		"vendor/bootstrap-italia/js/bootstrap-italia.abilita.min.js", "vendor/htmx/htmx.min.js"} {
		attendiCompressi(t, app, nome)
		_, body := get(t, app, http.MethodGet, URL(nome), "Accept-Encoding", "br")
		br += len(body)
		chiaro += len(assets[nome].body)
	}
	t.Logf("stylesheets and scripts of a page: %d KB with brotli, %d KB as they are", br/1024, chiaro/1024)
	if br*3 > chiaro {
		t.Errorf("brotli leaves %d of %d KB", br/1024, chiaro/1024)
	}
}
