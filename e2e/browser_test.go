// Package e2e drives Abilita in Debian's Chromium through chromedp: the
// journeys of real users, with axe-core run on every page they visit and a
// screenshot of each step.
package e2e

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

//go:embed testdata/axe.min.js
var axeSource string

// chromiumPath finds the browser. The suite needs it: in CI the test command
// installs Debian's chromium first, so a missing browser is a failure there.
func chromiumPath(t *testing.T) string {
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	t.Fatal("Chromium not found: install it with `apt-get install -y chromium` (the README's test command does)")
	return ""
}

// browser is one Chromium tab for one test.
type browser struct {
	t        *testing.T
	ctx      context.Context
	shotsDir string
	step     int
	base     string
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	if testing.Short() {
		t.Skip("browser journeys: `go test -short` is the quick loop; ./scripts/test runs them")
	}
	// Not t.TempDir: Chromium may still be writing its profile for a moment
	// after it is told to quit, and t.TempDir fails the test on that.
	profile, err := os.MkdirTemp("", "abilita-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
		for i := 0; i < 20 && os.RemoveAll(profile) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	})
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	dir := os.Getenv("ABILITA_SCREENSHOTS")
	if dir == "" {
		dir = "screenshots"
	}
	dir = filepath.Join(dir, t.Name())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, ctx: ctx, shotsDir: dir, base: base}
}

// run runs chromedp actions and fails the test on error.
func (b *browser) run(what string, actions ...chromedp.Action) {
	b.t.Helper()
	if err := chromedp.Run(b.ctx, actions...); err != nil {
		b.shot("errore-" + strings.ReplaceAll(what, " ", "-"))
		b.t.Fatalf("%s: %v", what, err)
	}
}

// open navigates to a path of the app and checks the page.
func (b *browser) open(path string) {
	b.t.Helper()
	b.run("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitReady("body"))
}

// shot saves a full-page screenshot named after the step.
func (b *browser) shot(name string) {
	b.step++
	var png []byte
	if err := chromedp.Run(b.ctx, chromedp.FullScreenshot(&png, 100)); err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	file := filepath.Join(b.shotsDir, fmt.Sprintf("%02d-%s.png", b.step, name))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
	}
}

// page checks the page like a person would: a screenshot, and axe-core,
// failing on serious or critical WCAG 2.1 A/AA violations.
func (b *browser) page(name string) {
	b.t.Helper()
	b.shot(name)
	var violations []struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  []struct {
			Target []any `json:"target"`
		} `json:"nodes"`
	}
	var loaded bool
	b.run("loading axe", chromedp.Evaluate(`typeof axe !== "undefined"`, &loaded))
	if !loaded {
		b.run("injecting axe", chromedp.Evaluate(axeSource+";true", &loaded))
	}
	script := `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}).then(r => r.violations)`
	b.run("axe on "+name, chromedp.Evaluate(script, &violations, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
		return p.WithAwaitPromise(true)
	}))
	for _, v := range violations {
		targets, _ := json.Marshal(v.Nodes)
		if v.Impact == "serious" || v.Impact == "critical" {
			b.t.Errorf("axe on %s: %s (%s): %s %s", name, v.ID, v.Impact, v.Help, targets)
		} else {
			b.t.Logf("axe on %s (not failing): %s (%s): %s", name, v.ID, v.Impact, v.Help)
		}
	}
	b.telefono(name)
}

// telefono looks at the page at a phone's width, 360 × 800 CSS pixels
// (ABILITA_E2E_LARGHEZZA sets another width, e.g. 320): a
// screenshot, and no horizontal scroll (WCAG 2.1 1.4.10, Reflow). A page
// wider than the screen fails the test, naming the elements that stick out.
// The page is given back its own width afterwards.
func (b *browser) telefono(name string) {
	b.t.Helper()
	var larghezza struct {
		Scroll, Vista int
		Fuori         []string
	}
	dopoUnFrame := `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`
	var ok bool
	attendi := func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }
	w := int64(360)
	if v, err := strconv.Atoi(os.Getenv("ABILITA_E2E_LARGHEZZA")); err == nil && v > 0 {
		w = int64(v) // e.g. 320, the narrowest WCAG 1.4.10 asks for
	}
	b.run("phone width", chromedp.EmulateViewport(w, 800), chromedp.Evaluate(dopoUnFrame, &ok, attendi))
	b.shot(fmt.Sprintf("%s-%d", name, w))
	b.run("width at 360", chromedp.Evaluate(`(() => {
		const vista = window.innerWidth, fuori = [];
		for (const e of document.querySelectorAll("body *")) {
			const r = e.getBoundingClientRect();
			if (r.width > 0 && r.right > vista + 1 && !e.closest(".table-responsive, .overflow-auto, .navbar-collapsable")) {
				fuori.push(e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : "") + " (" + Math.round(r.right) + "px)");
			}
		}
		return {Scroll: document.documentElement.scrollWidth, Vista: vista, Fuori: fuori.slice(0, 6)};
	})()`, &larghezza))
	if larghezza.Scroll > larghezza.Vista {
		b.t.Errorf("%s at %d px: the page is %d px wide, it scrolls sideways; sticking out: %v", name, w, larghezza.Scroll, larghezza.Fuori)
	}
	b.run("desktop width", emulation.ClearDeviceMetricsOverride(), chromedp.Evaluate(dopoUnFrame, &ok, attendi))
}

// waitFor polls a JavaScript condition until it is true.
func (b *browser) waitFor(what, cond string) {
	b.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var ok bool
		err := chromedp.Run(b.ctx, chromedp.Evaluate(`!!(`+cond+`)`, &ok))
		if err == nil && ok {
			return
		}
		if b.ctx.Err() != nil {
			// The browser is gone (crashed, or the test's time is up):
			// polling on would only hide why.
			b.t.Fatalf("waiting for %s: the browser's context ended: %v (last evaluation: %v)", what, context.Cause(b.ctx), err)
		}
		if time.Now().After(deadline) {
			b.shot("timeout")
			b.t.Fatalf("waiting for %s: %s is still false (last evaluation error: %v)", what, cond, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// text returns the text content of the first element matching sel.
func (b *browser) text(sel string) string {
	b.t.Helper()
	var s string
	b.run("reading "+sel, chromedp.Text(sel, &s, chromedp.ByQuery))
	return s
}

// location is the current path and query.
func (b *browser) location() string {
	var loc string
	b.run("location", chromedp.Location(&loc))
	return strings.TrimPrefix(loc, b.base)
}

// submit clicks a button and waits until the browser has loaded the next
// document: the old one is marked first, so its body cannot be mistaken for
// the new page's.
func (b *browser) submit(sel string) {
	b.t.Helper()
	var ok bool
	b.run("marking the page", chromedp.Evaluate(`window.__paginaPrecedente = true`, &ok))
	// element.click() rather than a click at screen coordinates, which web
	// fonts still loading can move under the pointer.
	b.run("click "+sel, chromedp.Evaluate(`(() => { const e = document.querySelector(`+strconv.Quote(sel)+`); if (!e) return false; e.click(); return true })()`, &ok))
	if !ok {
		b.t.Fatalf("no element %s to click", sel)
	}
	b.waitFor("the page after "+sel, `window.__paginaPrecedente === undefined && document.readyState === "complete"`)
}

// fill replaces the value of an input, typing it so that the page's own
// handlers (inline checks) run.
func (b *browser) fill(sel, value string) {
	b.t.Helper()
	b.set(sel, "")
	b.run("fill "+sel, chromedp.SendKeys(sel, value, chromedp.ByQuery))
}

// set sets a value without typing (date inputs, selects) and fires the
// events a user's change would.
func (b *browser) set(sel, value string) {
	b.t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return false; e.value = %q;
		e.dispatchEvent(new Event("input", {bubbles: true})); e.dispatchEvent(new Event("change", {bubbles: true})); return true })()`, sel, value)
	var ok bool
	b.run("set "+sel, chromedp.Evaluate(js, &ok))
	if !ok {
		b.shot("manca-" + sel)
		b.t.Fatalf("no element %s", sel)
	}
}
