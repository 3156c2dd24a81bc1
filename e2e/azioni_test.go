package e2e

import (
	"strconv"

	"github.com/chromedp/chromedp"

	"abilita/internal/testsmtp"
)

type testsmtpMessage = testsmtp.Message

func setUpload(sel, file string) chromedp.Action {
	return chromedp.SetUploadFiles(sel, []string{file}, chromedp.ByQuery)
}

// value returns the value of an input.
func (b *browser) value(sel string) string {
	b.t.Helper()
	var v string
	b.run("value of "+sel, chromedp.Value(sel, &v, chromedp.ByQuery))
	return v
}

// check ticks a checkbox or radio button as a click on it would. A click at
// screen coordinates can land on the label's link while web fonts are still
// moving the layout, so the element's own click() is used.
func (b *browser) check(sel string) {
	b.t.Helper()
	var ok bool
	js := `(() => { const e = document.querySelector(` + strconv.Quote(sel) + `); if (!e) return false; if (!e.checked) e.click(); return e.checked })()`
	b.run("check "+sel, chromedp.Evaluate(js, &ok))
	if !ok {
		b.t.Fatalf("could not tick %s", sel)
	}
}
