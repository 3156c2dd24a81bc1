package handlers_test

import (
	"net/http"
	"testing"

	"abilita/domain"
	"abilita/internal/testapp"
)

// Pages go compressed to a browser that accepts it; documents as they are.
func TestPagineCompresse(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	v := nuovoVisitatore(t, app)
	for _, path := range []string{"/", "/sedi", "/registrazione"} {
		r := v.get(path, "Accept-Encoding", "br, gzip")
		if r.Status != http.StatusOK || r.Header.Get("Content-Encoding") != "br" {
			t.Errorf("%s: %d, Content-Encoding %q, want br", path, r.Status, r.Header.Get("Content-Encoding"))
		}
	}
	if r := v.get("/", "Accept-Encoding", "gzip"); r.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("/ with gzip only: Content-Encoding %q", r.Header.Get("Content-Encoding"))
	}
	if r := v.get("/", "Accept-Encoding", "identity"); r.Header.Get("Content-Encoding") != "" {
		t.Errorf("/ without compression: Content-Encoding %q", r.Header.Get("Content-Encoding"))
	}
	p := mario()
	richiedente := nuovoRichiedente(t, app, p)
	id := richiedente.richiestaInviata(p)
	for _, path := range []string{urlRichiesta(id) + "/allegati/" + string(domain.AllegatoModuloFirmato), urlRichiesta(id) + "/ricevuta.pdf"} {
		r := richiedente.get(path, "Accept-Encoding", "br, gzip")
		if r.Status != http.StatusOK || r.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s: %d, Content-Encoding %q, want none", path, r.Status, r.Header.Get("Content-Encoding"))
		}
	}
}
