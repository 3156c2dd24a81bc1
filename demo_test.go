package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"abilita/app"
	"abilita/domain"
	"abilita/security"
	"abilita/store"
)

// TestDemo fills, as `abilita demo` does, a data folder where Abilita was
// only started, then checks what it made with the store's reads, logs in
// with every account printed, looks at the operator's queue and at a
// document, verifies the audit chain and the indexes, and runs the demo
// again on the same folder, which must be refused and left as it is.
func TestDemo(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "abilita.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	// Cheap hashes keep the test fast; a fixed clock keeps it the same on every run.
	args := []string{"--data", dir, "--addr", "127.0.0.1:0", "--argon-memory-kib", "8192", "--argon-iterations", "1", "--argon-parallelism", "1"}
	cfg, err := app.ParseConfig(args, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	ora := time.Date(2026, 3, 18, 11, 0, 0, 0, domain.Roma)
	cfg.Now = func() time.Time { return ora }
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, d, err := app.ApriDemo(cfg, log, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var out bytes.Buffer
	d.Stampa(&out, cfg.PublicURL)

	stati := map[domain.Stato]int{}
	for id := uint64(1); ; id++ {
		r, err := a.Store.Richiesta(id)
		if domain.CodiceDi(err) == domain.ErrNonTrovato {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		stati[r.Stato]++
		if r.Stato != domain.StatoBozza && len(r.Allegati) != len(domain.TipiAllegato) {
			t.Errorf("request %s has %d attachments", r.Protocollo, len(r.Allegati))
		}
		if r.Creata.After(ora) || r.Creata.Before(ora.AddDate(0, 0, -60)) {
			t.Errorf("request %d created %s, not in the last weeks", id, r.Creata)
		}
	}
	for _, s := range domain.Stati {
		if stati[s] == 0 {
			t.Errorf("no request in the state %q", s)
		}
		if !strings.Contains(out.String(), s.Etichetta()) {
			t.Errorf("the console does not list the state %q", s.Etichetta())
		}
	}

	if len(d.Account) != 4 {
		t.Fatalf("%d accounts printed, want the administrator, the operator and two doctors", len(d.Account))
	}
	for _, acc := range d.Account {
		for _, s := range []string{acc.Identificativo, acc.Password, acc.SegretoTOTP} {
			if s == "" || !strings.Contains(out.String(), s) {
				t.Errorf("%s: %q missing from the console", acc.Nome, s)
			}
		}
		u, err := a.Store.UtentePerIdentificativo(acc.Identificativo)
		if err != nil {
			t.Fatalf("%s: %v", acc.Identificativo, err)
		}
		if ok, _, err := a.Hasher.Verify(context.Background(), acc.Password, u.PasswordHash); !ok || err != nil {
			t.Errorf("%s: the printed password does not verify (%v)", acc.Identificativo, err)
		}
		segreto, err := a.Keys.Open(u.TOTP.SegretoCifrato, domain.ContestoSegretoTOTP(u.ID))
		if err != nil || string(segreto) != acc.SegretoTOTP {
			t.Errorf("%s: the printed TOTP secret is not the account's (%v)", acc.Identificativo, err)
		}
		if !u.Attivo() || u.DeveAttivare() {
			t.Errorf("%s: the account cannot log in", acc.Identificativo)
		}
	}

	visitaDemo(t, a, d, ora)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	out.Reset()
	if err := auditVerify([]string{"--data", dir}, &out); err != nil {
		t.Errorf("audit verify: %v", err)
	}
	if err := check([]string{"--data", dir}, &out); err != nil {
		t.Errorf("check: %v\n%s", err, out.String())
	}

	prima := impronta(t, cfg.DBPath())
	for _, demo := range []func() error{
		func() error { _, _, err := app.ApriDemo(cfg, log, nil); return err },
		func() error { return run(append([]string{"demo"}, args...), log) },
	} {
		if err := demo(); err == nil || !strings.Contains(err.Error(), "contiene già dei dati") {
			t.Errorf("a second demo on the same folder: %v", err)
		}
	}
	if impronta(t, cfg.DBPath()) != prima {
		t.Error("the refused demo changed the database")
	}
}

// visitaDemo logs in over HTTP with every account the demo printed, with
// its password and a code of its authenticator, and looks at the operator's
// queue and at a document of a request under review.
func visitaDemo(t *testing.T, a *app.App, d *app.Dimostrazione, ora time.Time) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = a.Fiber.Listener(ln) }()
	defer a.Fiber.Shutdown()
	base := "http://" + ln.Addr().String()

	var protocolli []string
	for _, r := range d.Richieste {
		if r.Stato == domain.StatoInviata {
			protocolli = append(protocolli, r.Protocollo)
		}
	}
	for _, acc := range d.Account {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		get := func(path string) (int, string) {
			res, err := c.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res.StatusCode, string(b)
		}
		post := func(path string, form url.Values) string {
			u, _ := url.Parse(base)
			for _, k := range jar.Cookies(u) {
				if k.Name == "abilita_csrf" {
					form.Set("_csrf", k.Value)
				}
			}
			res, err := c.PostForm(base+path, form)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s: POST %s: %s", acc.Identificativo, path, res.Status)
			}
			return res.Header.Get("Location")
		}
		get("/accedi")
		if dove := post("/accedi", url.Values{"identificativo": {acc.Identificativo}, "password": {acc.Password}}); dove != "/accedi/codice" {
			t.Fatalf("%s: the password leads to %q", acc.Identificativo, dove)
		}
		codice, err := security.CodiceTOTP(acc.SegretoTOTP, ora)
		if err != nil {
			t.Fatal(err)
		}
		post("/accedi/codice", url.Values{"codice": {codice}})
		u, err := a.Store.UtentePerIdentificativo(acc.Identificativo)
		if err != nil {
			t.Fatal(err)
		}
		pagina := map[domain.Ruolo]string{domain.RuoloAmministratore: "/amministrazione", domain.RuoloOperatore: "/operatore"}[u.Ruolo]
		pagina = cmp.Or(pagina, "/area")
		status, corpo := get(pagina)
		if status != http.StatusOK {
			t.Fatalf("%s: %s answers %d after the login", acc.Identificativo, pagina, status)
		}
		if pagina != "/operatore" {
			continue
		}
		for _, p := range protocolli {
			if !strings.Contains(corpo, p) {
				t.Errorf("the operator's queue does not show %s", p)
			}
		}
		i := slices.IndexFunc(d.Richieste, func(r app.RichiestaDemo) bool { return r.Stato == domain.StatoInLavorazione })
		if i < 0 {
			t.Fatal("no request under review")
		}
		_, revisione := get("/operatore/richieste/" + strconv.FormatUint(d.Richieste[i].ID, 10))
		src := regexp.MustCompile(`<img src="([^"]+documento_fronte[^"]*)"`).FindStringSubmatch(revisione)
		if src == nil {
			t.Fatal("the review page shows no image of the document")
		}
		if status, img := get(strings.ReplaceAll(src[1], "&amp;", "&")); status != http.StatusOK || !strings.HasPrefix(img, "\x89PNG") {
			t.Errorf("the document's front: %d, %q", status, img[:min(len(img), 8)])
		}
	}
}

// impronta is the SHA-256 of a file.
func impronta(t *testing.T, path string) [32]byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}
