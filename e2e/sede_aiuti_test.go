package e2e

import (
	"strconv"
	"strings"

	"github.com/chromedp/chromedp"

	"abilita/internal/testapp"
)

// The steps the sede's tests share in the browser.

// aggiorna clicks sel and waits until htmx has swapped in a new target
// element for which cond holds (see aggiornato).
func (b *browser) aggiorna(sel, target, cond string) {
	b.t.Helper()
	b.segna(target)
	var ok bool
	b.run("click "+sel, chromedp.Evaluate(`(() => { const e = document.querySelector(`+strconv.Quote(sel)+`); if (!e) return false; e.click(); return true })()`, &ok))
	if !ok {
		b.t.Fatalf("no element %s to click", sel)
	}
	b.aggiornato(target, cond)
}

// clicca clicks sel where the click changes the page in place (a
// disclosure, a dialog opened by htmx): nothing is awaited.
func (b *browser) clicca(sel string) {
	b.t.Helper()
	var ok bool
	b.run("click "+sel, chromedp.Evaluate(`(() => { const e = document.querySelector(`+strconv.Quote(sel)+`); if (!e) return false; e.click(); return true })()`, &ok))
	if !ok {
		b.t.Fatalf("no element %s to click", sel)
	}
}

// segna marks the element target, so that aggiornato can tell the element
// htmx swaps in from the old one.
func (b *browser) segna(target string) {
	b.t.Helper()
	var ok bool
	b.run("marking "+target, chromedp.Evaluate(`(() => { const e = document.querySelector(`+strconv.Quote(target)+`); if (!e) return false; e.__vecchio = true; return true })()`, &ok))
	if !ok {
		b.t.Fatalf("no element %s to mark", target)
	}
}

// aggiornato waits until the element target marked by segna has been
// replaced, no htmx request is running, and cond (JavaScript, on `e`, the new
// element) holds.
func (b *browser) aggiornato(target, cond string) {
	b.t.Helper()
	b.waitFor(target+" updated", `(() => { const e = document.querySelector(`+strconv.Quote(target)+`); return e && !e.__vecchio && !document.querySelector(".htmx-request") && (`+cond+`) })()`)
}

// accedi logs in from the login page, with the code of the authenticator
// when the account asks for one, and returns where the browser landed.
func (b *browser) accedi(ta *testapp.T, nome, identificativo, password string) string {
	b.t.Helper()
	b.open("/accedi")
	b.fill("#identificativo", identificativo)
	b.fill("#password", password)
	b.page("accedi-" + nome)
	b.submit("form[action='/accedi'] button[type=submit]")
	if strings.HasPrefix(b.location(), "/accedi/codice") {
		b.fill("#codice", ta.CodiceTOTP(b.t, identificativo))
		b.page("codice-" + nome)
		b.submit("form[action='/accedi/codice'] button[type=submit]")
	}
	return b.location()
}

// esci logs out with the button of the page header.
func (b *browser) esci() {
	b.t.Helper()
	b.submit("form[action='/esci'] button[type=submit]")
	if strings.Contains(b.text("header"), "Esci") {
		b.t.Fatalf("still logged in after Esci, at %s", b.location())
	}
}

// conta counts the elements matching sel.
func (b *browser) conta(sel string) int {
	b.t.Helper()
	var n int
	b.run("counting "+sel, chromedp.Evaluate(`document.querySelectorAll(`+strconv.Quote(sel)+`).length`, &n))
	return n
}

// attributo returns an attribute of the first element matching sel.
func (b *browser) attributo(sel, name string) string {
	b.t.Helper()
	var v string
	var ok bool
	b.run("attribute "+name+" of "+sel, chromedp.AttributeValue(sel, name, &v, &ok, chromedp.ByQuery))
	if !ok {
		b.t.Fatalf("%s has no attribute %s", sel, name)
	}
	return v
}
