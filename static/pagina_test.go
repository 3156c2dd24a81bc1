package static_test

import (
	"io"
	"io/fs"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"abilita/static"
	"abilita/views"
)

// What a page may load at most, in bytes as they are: on a phone each byte
// of script is parsed and run after the first paint, each byte of style
// before it. With the whole of Bootstrap Italia the pages loaded 1 058 KB of
// script and 612 KB of style, and Lighthouse's mobile profile scored them
// about 60 (BENCHMARKS.md); with only the components they use, about 125 KB
// and 410 KB; with only the rules whose classes the pages write, 100 KB of
// style.
const (
	budgetScript = 160 << 10
	budgetStile  = 120 << 10
)

var (
	tagScript      = regexp.MustCompile(`<script\b[^>]*>`)
	tagFoglio      = regexp.MustCompile(`<link\b[^>]*\srel="stylesheet"[^>]*>`)
	attributoAsset = regexp.MustCompile(`\s(?:src|href)="\{\{asset "([^"]+)"\}\}"`)
	attributoDefer = regexp.MustCompile(`\sdefer[\s>]`)
)

// modelli calls fn with the name and text of every template.
func modelli(t *testing.T, fn func(nome, testo string)) {
	t.Helper()
	err := fs.WalkDir(views.FS, ".", func(nome string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(nome, ".html") {
			return err
		}
		testo, err := fs.ReadFile(views.FS, nome)
		fn(nome, string(testo))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// pesoDeiFile adds up the size of the embedded files that the tags matching
// tag load in any template, and hands each tag to controlla; a tag that
// loads no embedded file fails the test.
func pesoDeiFile(t *testing.T, tag *regexp.Regexp, controlla func(nome, tag string)) (totale int) {
	t.Helper()
	app := fiber.New()
	app.Get("/static/*", static.Handler())
	visti := map[string]bool{}
	modelli(t, func(nome, testo string) {
		for _, tag := range tag.FindAllString(testo, -1) {
			controlla(nome, tag)
			m := attributoAsset.FindStringSubmatch(tag)
			if m == nil {
				t.Errorf("%s: %s is not an embedded file ({{asset …}})", nome, tag)
				continue
			}
			if visti[m[1]] {
				continue
			}
			visti[m[1]] = true
			resp, err := app.Test(httptest.NewRequest(fiber.MethodGet, static.URL(m[1]), nil), -1)
			if err != nil {
				t.Fatal(err)
			}
			corpo, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			t.Logf("%s: %d bytes", m[1], len(corpo))
			totale += len(corpo)
		}
	})
	if len(visti) == 0 {
		t.Fatalf("no %s in the templates: the layout has changed, change this test too", tag)
	}
	return totale
}

// No template loads a script that holds up the first paint: every <script>
// is an embedded file loaded with defer, and together they stay within the
// budget.
func TestScriptDifferitiEntroIlBudget(t *testing.T) {
	totale := pesoDeiFile(t, tagScript, func(nome, tag string) {
		if !attributoDefer.MatchString(tag) {
			t.Errorf("%s: %s blocks rendering: load it with defer", nome, tag)
		}
	})
	if totale > budgetScript {
		t.Errorf("the templates load %d KB of script, over the budget of %d KB", totale>>10, budgetScript>>10)
	}
}

// The stylesheets hold up the first paint until they are loaded and parsed:
// together they stay within their budget.
func TestFogliEntroIlBudget(t *testing.T) {
	totale := pesoDeiFile(t, tagFoglio, func(string, string) {})
	if totale > budgetStile {
		t.Errorf("the templates load %d KB of stylesheets, over the budget of %d KB", totale>>10, budgetStile>>10)
	}
}

var (
	attributoClass = regexp.MustCompile(`\sclass="([^"]*)"`)
	azione         = regexp.MustCompile(`\{\{.*?\}\}`)
	classiScript   = regexp.MustCompile(`(?:className\s*=\s*|classList\.(?:add|remove|toggle)\()((?:"[^"]*"\s*,?\s*)+)`)
	stringa        = regexp.MustCompile(`"([^"]*)"`)
)

// Our Bootstrap Italia stylesheet leaves out the components no page uses
// (bundle/bootstrap-italia.scss) and the rules of classes no page writes
// (bundle/purga.mjs). A class it lacks would leave its element unstyled,
// silently: no template and no script of ours may use one until the
// stylesheet is built again with it.
func TestClassiDelFoglio(t *testing.T) {
	elenco, err := os.ReadFile("bundle/classi-escluse.txt")
	if err != nil {
		t.Fatal(err)
	}
	escluse := map[string]bool{}
	for _, c := range strings.Fields(string(elenco)) {
		escluse[c] = true
	}
	if len(escluse) == 0 {
		t.Fatal("bundle/classi-escluse.txt is empty: genera.sh did not write it")
	}
	controlla := func(dove, classi string) {
		for _, c := range strings.Fields(classi) {
			if escluse[c] {
				t.Errorf("%s uses the class %q, which our stylesheet lacks: run bundle/genera.sh (it keeps the rules of the classes the templates write), after adding its component to bundle/bootstrap-italia.scss if it is left out there", dove, c)
			}
		}
	}
	modelli(t, func(nome, testo string) {
		for _, m := range attributoClass.FindAllStringSubmatch(testo, -1) {
			controlla(nome, azione.ReplaceAllString(m[1], " "))
		}
	})
	script, err := os.ReadFile("js/app.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range classiScript.FindAllStringSubmatch(string(script), -1) {
		for _, s := range stringa.FindAllStringSubmatch(m[1], -1) {
			controlla("js/app.js", s[1])
		}
	}
}

// composta finds, in a class attribute, a class made of a prefix and a
// template action: "bg-" in class="badge bg-{{.Colore}}" (not "nav-link" in
// class="nav-link{{if .Scelto}} active{{end}}", a whole class).
var composta = regexp.MustCompile(`(?:^|[\s}])([^\s{}]+-)\{\{`)

// The stylesheet's build keeps the rules of the classes it finds whole in our
// files; a class a template composes, like bg-{{.Colore}}, is kept only when
// its prefix is listed with its values in bundle/classi-composte.txt.
// Otherwise the badge would lose its colour, on the page only.
func TestClassiComposte(t *testing.T) {
	elenco, err := os.ReadFile("bundle/classi-composte.txt")
	if err != nil {
		t.Fatal(err)
	}
	prefissi := map[string]bool{}
	for _, riga := range strings.Split(string(elenco), "\n") {
		if campi := strings.Fields(strings.SplitN(riga, "#", 2)[0]); len(campi) > 1 {
			prefissi[campi[0]] = true
		}
	}
	trovate := 0
	modelli(t, func(nome, testo string) {
		for _, m := range attributoClass.FindAllStringSubmatch(testo, -1) {
			for _, c := range composta.FindAllStringSubmatch(m[1], -1) {
				trovate++
				if !prefissi[c[1]] {
					t.Errorf("%s composes a class from %q and a template action: list the prefix and its values in bundle/classi-composte.txt and run bundle/genera.sh", nome, c[1])
				}
			}
		}
	})
	if trovate == 0 {
		t.Error("no template composes a class: the pattern no longer matches the templates")
	}
}

var iconaDisegnata = regexp.MustCompile(`\{\{-?\s*sprite\s+"([^"]+)"`)

// The sprite sheet holds only the icons the templates draw (bundle/icone.mjs):
// every icon a template names is in it, whether or not a test renders that
// page.
func TestIconeDelFoglio(t *testing.T) {
	disegnate := 0
	modelli(t, func(nome, testo string) {
		for _, m := range iconaDisegnata.FindAllStringSubmatch(testo, -1) {
			disegnate++
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("%s: %v", nome, r)
					}
				}()
				static.Sprite(m[1])
			}()
		}
	})
	if disegnate == 0 {
		t.Error("no template draws an icon: the pattern no longer matches the templates")
	}
}

var anelloDiFocus = regexp.MustCompile(`[},]\*?:focus:not\(\[data-focus-mouse=true\]\)[,{]`)

// The keyboard focus ring (WCAG 2.4.7) is a rule whose selector begins with a
// pseudo-class, the kind PurgeCSS drops on its own: the build must keep it
// (bundle/purga.mjs gives it an explicit "*").
func TestAnelloDiFocusNelFoglio(t *testing.T) {
	foglio, err := os.ReadFile("vendor/bootstrap-italia/css/bootstrap-italia.abilita.min.css")
	if err != nil {
		t.Fatal(err)
	}
	if !anelloDiFocus.Match(foglio) {
		t.Error("the stylesheet lost Bootstrap Italia's focus ring, :focus:not([data-focus-mouse=true])")
	}
}

var tagPreload = regexp.MustCompile(`<link\b[^>]*\srel="preload"[^>]*>`)

// Text set in a face that arrives after the first paint is laid out again
// when it swaps in, and the page moves (Lighthouse: 0.25 on the path-B page
// with bold text, 0.17 on /accedi with a help text one line shorter in the
// regular face). The layout preloads the three faces of Titillium Web every
// page sets text in, as fonts, with crossorigin: without it the browser
// fetches the font a second time.
func TestFontPrecaricati(t *testing.T) {
	testa, err := fs.ReadFile(views.FS, "partials/testa.html")
	if err != nil {
		t.Fatal(err)
	}
	precaricati := map[string]bool{}
	for _, tag := range tagPreload.FindAllString(string(testa), -1) {
		m := attributoAsset.FindStringSubmatch(tag)
		if m == nil || !strings.Contains(tag, `as="font"`) || !strings.Contains(tag, " crossorigin") {
			t.Errorf("a preload that is not an embedded font with as=\"font\" and crossorigin: %s", tag)
			continue
		}
		precaricati[m[1]] = true
	}
	for _, peso := range []string{"regular", "600", "700"} {
		f := "vendor/bootstrap-italia/fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-" + peso + ".woff2"
		if !precaricati[f] {
			t.Errorf("the layout does not preload %s", f)
		}
	}
}

var elementoAperto = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9]*)[\s>/]`)

// The stylesheet's build leaves out, with the classes, the rules of the
// elements no file of ours wrote (bundle/elementi-esclusi.txt: pre, kbd, …):
// a template that starts writing one would show it unstyled.
func TestElementiDelFoglio(t *testing.T) {
	elenco, err := os.ReadFile("bundle/elementi-esclusi.txt")
	if err != nil {
		t.Fatal(err)
	}
	esclusi := map[string]bool{}
	for _, e := range strings.Fields(string(elenco)) {
		esclusi[e] = true
	}
	if len(esclusi) == 0 {
		t.Fatal("bundle/elementi-esclusi.txt is empty: genera.sh did not write it")
	}
	modelli(t, func(nome, testo string) {
		for _, m := range elementoAperto.FindAllStringSubmatch(testo, -1) {
			if e := strings.ToLower(m[1]); esclusi[e] {
				t.Errorf("%s writes <%s>, whose rules our stylesheet leaves out: run bundle/genera.sh", nome, e)
			}
		}
	})
}
