package handlers_test

import (
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
	"abilita/handlers"
	"abilita/internal/testapp"
	"abilita/security"
	"abilita/store"
)

func TestAuditRegistro(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	admin := amministratore(t, app)
	responsabile := utenteAmministratore(t, app)
	vuole(t, admin.post("/amministrazione/operatori", url.Values{"nome": {"Lucia"}, "cognome": {"Neri"}, "email": {"lucia.neri@inail.test"}, "sede": {"PI"}, "ruolo": {"operatore"}}),
		http.StatusSeeOther)
	vuole(t, admin.post("/amministrazione/sedi/PI", moduloSedePisa()), http.StatusSeeOther)
	chi := "/amministrazione/audit?utente=" + strconv.FormatUint(responsabile.ID, 10)

	for _, sc := range []scenario{
		{name: "tutte", url: "/amministrazione/audit", wantStatus: http.StatusOK,
			wantContains: []string{"Catena integra: 5 voci", "Gestione account", "Dati della sede", "Giuseppe Verdi", "responsabile@abilita.test", "127.0.0.1",
				"Creato l'account di operatore di sede Lucia Neri per la Sede di Pisa (utente lucia.neri@inail.test)"}},
		{name: "per utente", url: chi, wantStatus: http.StatusOK, wantContains: []string{"Gestione account", "Dati della sede", "dell'utente n. " + strconv.FormatUint(responsabile.ID, 10)}},
		{name: "utente senza voci", url: "/amministrazione/audit?utente=9999", wantStatus: http.StatusOK, wantContains: []string{"Nessuna voce con questi filtri."},
			wantNotContains: []string{"Gestione account"}},
		{name: "richiesta non numerica", url: "/amministrazione/audit?richiesta=abc", wantStatus: http.StatusUnprocessableEntity,
			wantContains: []string{"Il numero della richiesta è un intero positivo."}},
		{name: "pagina non valida", url: "/amministrazione/audit?prima=-1", wantStatus: http.StatusUnprocessableEntity, wantContains: []string{"Pagina non valida."}},
		{name: "htmx", url: "/amministrazione/audit", headers: []string{"HX-Request", "true"}, wantStatus: http.StatusOK,
			wantContains: []string{"Catena integra"}, wantNotContains: []string{"<html"}},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.esegui(t, admin) })
	}

	// Newest first, fifty to a page.
	for i := range 60 {
		if err := app.App.Store.RegistraEvento(store.Atto{Quando: app.Orologio.Now()}, domain.AuditVisualizzaDocumento, 42, "voce "+strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
	}
	r := admin.get("/amministrazione/audit?richiesta=42")
	controlla(t, r, http.StatusOK, "", []string{"Catena integra: 65 voci", "voce 59", "Voci precedenti"}, nil)
	if n := strings.Count(r.Body, "Visualizzazione di un documento"); n != 50 {
		t.Errorf("first page has %d entries, want 50", n)
	}
	if strings.Index(r.Body, "voce 59") > strings.Index(r.Body, "voce 58") {
		t.Error("entries are not newest first")
	}
	m := regexpPrima.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatal("no link to the older entries")
	}
	r = admin.get(html.UnescapeString(m[1]))
	controlla(t, r, http.StatusOK, "", []string{"voce 9", "voce 0", "Voci più recenti"}, []string{"voce 10<", "Voci precedenti"})
	if n := strings.Count(r.Body, "Visualizzazione di un documento"); n != 10 {
		t.Errorf("second page has %d entries, want 10", n)
	}

	op, _ := collega(t, app, domain.RuoloOperatore, "PI", "Ada", "ada.collega@inail.test")
	vuole(t, op.get("/amministrazione/audit"), http.StatusForbidden)
}

var regexpPrima = regexp.MustCompile(`href="(/amministrazione/audit\?[^"]*prima=[0-9]+)"`)

// TestAuditPaginaCatenaAlterata shows the administrator a log changed behind
// the application's back.
func TestAuditPaginaCatenaAlterata(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "abilita.db")
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	// An activated administrator (its authenticator's secret does not
	// matter here), logged in with the step after the last one used.
	admin := &domain.Utente{Ruolo: domain.RuoloAmministratore, Email: "admin@abilita.test", Nome: "Anna", Cognome: "Rossi", Creato: now, EmailVerificata: now,
		PasswordHash: "x", TOTP: &domain.TOTP{UltimoPasso: 1, Attivato: now}}
	if err := st.CreaUtente(admin); err != nil {
		t.Fatal(err)
	}
	tok := security.NewToken()
	in := store.Ingresso{Sessione: domain.Sessione{Hash: security.HashToken(tok), UtenteID: admin.ID, Creata: now, UltimoUso: now}, Accesso: domain.Accesso{Quando: now}}
	if _, err := st.ApriSessioneConTOTP(in, 2); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"prima", "seconda", "terza"} {
		if err := st.RegistraEvento(store.Atto{Quando: now, Chi: admin.ID}, domain.AuditSede, 0, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	alteraVoce(t, path, 2, "dettaglio", "nulla da vedere")

	st, err = store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	app, err := handlers.New(handlers.Config{PublicURL: "http://abilita.test", FormLimit: 1 << 16, UploadLimit: 1 << 20, SessionIdle: time.Hour, SessionMax: time.Hour},
		handlers.Deps{Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/amministrazione/audit", nil)
	req.AddCookie(&http.Cookie{Name: "abilita_sessione", Value: tok})
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	r := leggi(t, res)
	controlla(t, r, http.StatusOK, "", []string{"Catena non integra", "entry 2", "nulla da vedere"}, []string{"Catena integra"})
}

// alteraVoce rewrites one field of audit entry id with bbolt directly.
func alteraVoce(t testing.TB, path string, id uint64, field string, value any) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("audit"))
		k := make([]byte, 8)
		k[7] = byte(id)
		var e map[string]any
		if err := json.Unmarshal(b.Get(k), &e); err != nil {
			return err
		}
		e[field] = value
		data, err := json.Marshal(e)
		if err != nil {
			return err
		}
		return b.Put(k, data)
	})
	if err != nil {
		t.Fatal(err)
	}
}
