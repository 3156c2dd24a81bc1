package handlers

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
)

// FuzzModulo: whatever form body arrives, reading a step (leggiPasso) and
// the one-page Precompila module (leggiModulo), then validating them, never
// panics, and keeps no text a field may not hold. A short run is part of
// ./scripts/test; failing inputs found are kept under testdata/fuzz.
func FuzzModulo(f *testing.F) {
	for _, s := range []string{
		"cognome=Rossi&nome=Mario&codice_fiscale=RSSMRA85T10A562S&sesso=M&data_nascita=1985-12-10&luogo_nascita=San+Giuliano+Terme+%28PI%29",
		"tipo=nuova&profilo=medico_esterno", "doc_scadenza=2031-02-30&doc_rilascio=0000-00-00",
		"res_comune=Roma+%28RM%29&res_cap=00185&email=a%40b.it&pec=%40", "dpr445=si&privacy=si&urgente=si&motivo_urgenza=%E2%80%AE",
		"cognome=%ff%fe&nome=%00", "codice_fiscale=rss%C2%A0mra85t10a562s&pat_cf=12345678901",
	} {
		f.Add(s)
	}
	app := fiber.New()
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	var errore string
	app.Post("/:passo", func(c *fiber.Ctx) error {
		r := &domain.Richiesta{Tipo: domain.TipoNuova}
		passo := domain.Passo(c.Params("passo"))
		if passo == "modulo" {
			leggiModulo(c, r)
			validaModulo(r, now)
		} else {
			leggiPasso(c, r, passo)
			r.Valida(passo, now)
		}
		for _, v := range []string{r.Anagrafica.Cognome, r.Anagrafica.Nome, r.Anagrafica.CodiceFiscale, r.Residenza.Comune, r.MotivoUrgenza, r.Documento.Numero} {
			if msg := domain.ControllaTesto(v); msg != "" {
				errore = "a field kept " + v + ": " + msg
			}
		}
		return c.SendStatus(204)
	})
	passi := append([]domain.Passo{"modulo"}, domain.Passi...)
	f.Fuzz(func(t *testing.T, corpo string) {
		for _, p := range passi {
			errore = ""
			req := httptest.NewRequest("POST", "/"+string(p), strings.NewReader(corpo))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 204 {
				t.Fatalf("step %s answered %d", p, res.StatusCode)
			}
			if errore != "" {
				t.Fatalf("step %s: %s", p, errore)
			}
		}
	})
}
