package handlers

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/template/html/v2"

	"abilita/domain"
	"abilita/sedi"
	"abilita/store"
	"abilita/views"
)

// TestAmministrazioneModuloReinstrada renders the re-routing form the way
// the review page includes it: only for administrators, only for requests
// not yet taken in charge, never offering the current sede.
func TestAmministrazioneModuloReinstrada(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "abilita.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	elenco, err := sedi.Default()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SeminaSedi(elenco); err != nil {
		t.Fatal(err)
	}
	engine := html.NewFileSystem(http.FS(views.FS), ".html")
	engine.AddFuncMap(views.Funcs())
	if err := engine.Load(); err != nil {
		t.Fatal(err)
	}
	h := &Handlers{Deps: Deps{Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: time.Now}}
	app := fiber.New(fiber.Config{Views: engine})
	var (
		chi *domain.Utente
		r   domain.Richiesta
	)
	app.Get("/", func(c *fiber.Ctx) error {
		c.Locals(localUtente, chi)
		c.Locals(localCSRF, "gettone-csrf")
		vm, err := h.moduloReinstrada(c, &r)
		if err != nil {
			return err
		}
		if vm == nil {
			return c.SendString("nessun modulo")
		}
		return h.partial(c, fiber.StatusOK, "admin_reinstrada", vm)
	})
	admin := &domain.Utente{ID: 1, Ruolo: domain.RuoloAmministratore}
	operatore := &domain.Utente{ID: 2, Ruolo: domain.RuoloOperatore, Sede: "PI"}
	tests := []struct {
		name  string
		chi   *domain.Utente
		stato domain.Stato
		want  []string
		not   []string
	}{
		{"amministratore, richiesta inviata", admin, domain.StatoInviata,
			[]string{`action="/amministrazione/richieste/7/sede"`, `name="_csrf" value="gettone-csrf"`, `<option value="LU">Sede di Lucca (LU)</option>`, `name="nota"`},
			[]string{`value="PI"`}},
		{"amministratore, in lavorazione", admin, domain.StatoInLavorazione, []string{"nessun modulo"}, nil},
		{"amministratore, richiesta conclusa", admin, domain.StatoApprovata, []string{"nessun modulo"}, nil},
		{"operatore", operatore, domain.StatoInviata, []string{"nessun modulo"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chi, r = tt.chi, domain.Richiesta{ID: 7, Sede: "PI", Stato: tt.stato}
			res, err := app.Test(httptest.NewRequest(http.MethodGet, "/", nil), -1)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", res.StatusCode, b)
			}
			for _, s := range tt.want {
				if !strings.Contains(string(b), s) {
					t.Errorf("no %q in\n%s", s, b)
				}
			}
			for _, s := range tt.not {
				if strings.Contains(string(b), s) {
					t.Errorf("%q in\n%s", s, b)
				}
			}
		})
	}
}
