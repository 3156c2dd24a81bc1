package handlers_test

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"abilita/attach"
	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/store"
)

// A rejected request filed again loses nothing: the new draft has every
// datum, declaration and file of the rejected one (each file copied and
// sealed for the new request), opens at the first step the reasons point
// to, marks them there, and can be submitted as it is.
func TestRipresentaRichiestaRespinta(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	op := app.CreaUtente(t, domain.Utente{Ruolo: domain.RuoloOperatore, Email: "op.ripresenta@abilita.test", Nome: "Lucia", Cognome: "Neri", Sede: "PI"},
		"castello fiume lanterna bosco")
	respinta := v.richiestaInviata(p)
	prendiInCaricoNelloStore(t, app, respinta, op)
	const nota = "Il cognome sul documento è «Rossi Bianchi»."
	if _, err := app.App.Store.Respingi(store.Atto{Chi: op.ID, Quando: app.Orologio.Now()}, respinta,
		[]domain.MotivoRifiuto{domain.MotivoDatiNonCorrispondenti, domain.MotivoModuloNonFirmato}, nota); err != nil {
		t.Fatal(err)
	}
	prima := mustRichiesta(t, app, respinta)

	r := v.post("/richieste", map[string][]string{"da": {fmt.Sprint(respinta)}})
	m := regexp.MustCompile(`^/richieste/(\d+)/passo/anagrafica$`).FindStringSubmatch(r.Location())
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("refiling: %d to %q, want the step the first reason points to", r.Status, r.Location())
	}
	id, _ := strconv.ParseUint(m[1], 10, 64)
	b := mustRichiesta(t, app, id)
	if b.Stato != domain.StatoBozza || b.Precedente != respinta || b.Anagrafica != prima.Anagrafica || b.Documento != prima.Documento ||
		b.Residenza != prima.Residenza || b.Contatti != prima.Contatti || b.Ordine != prima.Ordine || b.Dichiarazioni != prima.Dichiarazioni {
		t.Fatalf("the new draft does not carry the rejected one's data: %+v", b)
	}
	if len(b.Allegati) != len(domain.TipiAllegato) {
		t.Fatalf("the new draft has %d files, want %d", len(b.Allegati), len(domain.TipiAllegato))
	}
	for tipo, a := range b.Allegati {
		vecchio := prima.Allegati[tipo]
		if a.ID == vecchio.ID || string(a.ChiaveCifrata) == string(vecchio.ChiaveCifrata) || a.SHA256 != vecchio.SHA256 {
			t.Errorf("%s: %s is not a copy sealed for the new request of %s", tipo, a.ID, vecchio.ID)
		}
	}

	controlla(t, v.get(urlPasso(id, "anagrafica")), http.StatusOK, "",
		[]string{"Da correggere", "respinto la richiesta " + prima.Protocollo, "Dati anagrafici non corrispondenti al documento", "«Rossi Bianchi»", p.CF},
		[]string{"Modulo non firmato"})
	controlla(t, v.get(urlPasso(id, "professione")), http.StatusOK, "", nil, []string{"Da correggere"})
	allegati := v.get(urlPasso(id, "allegati"))
	controlla(t, allegati, http.StatusOK, "",
		[]string{"Modulo non firmato", "ripreso dalla richiesta respinta", `id="modulo_firmato-da-sostituire"`,
			`src="/richieste/` + m[1] + `/allegati/documento_fronte?vedi=si"`, `href="/richieste/` + m[1] + `/allegati/modulo_firmato?vedi=si"`},
		[]string{`id="documento_fronte-da-sostituire"`, "Dati anagrafici non corrispondenti al documento"})
	controlla(t, v.get(urlPasso(id, "riepilogo")), http.StatusOK, "",
		[]string{"Prima di inviare", "Dati anagrafici non corrispondenti al documento", "Modulo non firmato",
			"Non hai ancora sostituito: " + domain.AllegatoModuloFirmato.Etichetta()}, nil)

	// The applicant looks at its own file in the browser, under the
	// attachments' policy.
	vista := v.get("/richieste/" + m[1] + "/allegati/documento_fronte?vedi=si")
	if vista.Status != http.StatusOK || !strings.HasPrefix(vista.Header.Get("Content-Disposition"), "inline") ||
		!strings.Contains(vista.Header.Get("Content-Security-Policy"), "sandbox") || vista.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("preview: %d, %q, CSP %q", vista.Status, vista.Header.Get("Content-Disposition"), vista.Header.Get("Content-Security-Policy"))
	}

	// The copies are the new request's own: the rejected one's files may go.
	for _, a := range prima.Allegati {
		if err := app.App.Archivio.Elimina(a.ID); err != nil {
			t.Fatal(err)
		}
	}
	for tipo, a := range b.Allegati {
		rc, err := app.App.Archivio.Apri(attach.Meta{ID: a.ID, ChiaveCifrata: a.ChiaveCifrata})
		if err == nil {
			_, err = io.Copy(io.Discard, rc)
			rc.Close()
		}
		if err != nil {
			t.Errorf("the copy of %s: %v", tipo, err)
		}
	}
	v.invia(id)

	// Only a rejected request of one's own.
	altra := v.richiestaInviata(p)
	vuole(t, v.post("/richieste", map[string][]string{"da": {fmt.Sprint(altra)}}), http.StatusConflict)
	vuole(t, nuovoRichiedente(t, app, anna()).post("/richieste", map[string][]string{"da": {fmt.Sprint(respinta)}}), http.StatusNotFound)
}
