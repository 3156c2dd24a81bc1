package handlers_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"abilita/domain"
	"abilita/forte/oidc"
	"abilita/internal/testoidc"
	"abilita/store"
)

// scrivi posts a message of the conversation, with a file or without.
func (v *visitatore) scrivi(url, testo string, file *parte) risposta {
	v.t.Helper()
	parti := []parte{{Campo: "testo", Dati: []byte(testo)}}
	if file != nil {
		parti = append(parti, *file)
	}
	body, ct := corpoMultipart(v.t, v.csrf(), parti...)
	req := v.richiesta(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	return v.do(req)
}

// A request of path B is a ticket: the operator asks with a message and a
// file, the applicant answers with another file; each side is told by
// e-mail, each file opens for the other, every message is audited, and
// the conversation closes with the decision.
func TestConversazioneInailRisponde(t *testing.T) {
	t.Parallel()
	ta, accoda := conSPID(t)
	p := mario()
	v := nuovoVisitatore(t, ta)
	accoda(&testoidc.Utente{Sub: "spid-" + p.CF, IDToken: map[string]any{"fiscalNumber": "TINIT-" + p.CF, "given_name": "Mario", "family_name": "Rossi", "acr": oidc.LivelliSPID[1]}})
	r, _ := v.spid(false)
	vuole(t, r, http.StatusSeeOther, "/accedi/forte")
	vuole(t, v.post("/accedi/forte", map[string][]string{"email": {"mario.spid@example.it"}}), http.StatusSeeOther, "/area")
	conferma(t, ta, v, persona{Email: "mario.spid@example.it"})
	nuova := v.post("/richieste", nil)
	id := idDaURL(t, nuova.Location())
	v.compila(id, p)
	v.caricaValidi(id)
	v.invia(id)
	op, opU := nuovoOperatore(t, ta, "Laura", "Pisani", "PI")
	op.prendi(id)

	// The operator writes, with a file.
	controlla(t, op.scrivi(urlOperatore(id, "messaggi"), "", nil), http.StatusUnprocessableEntity, "", []string{"Scrivi il messaggio."}, nil)
	nota := parte{Campo: "file", File: "istruzioni.pdf", Tipo: "application/pdf", Dati: pdfMinimo("")}
	vuole(t, op.scrivi(urlOperatore(id, "messaggi"), "Allega una scansione più leggibile del retro.", &nota), http.StatusSeeOther, urlOperatore(id, ""))
	mail := attendi(t, ta.SMTP, "mario.spid@example.it", "nuovo messaggio della sede")
	if !strings.Contains(mail.Text(), "Allega una scansione più leggibile del retro.") || !strings.Contains(mail.Text(), "/richieste/") {
		t.Errorf("the applicant's e-mail:\n%s", mail.Text())
	}
	pagina := v.get(urlRichiesta(id))
	controlla(t, pagina, http.StatusOK, "", []string{"Conversazione", "La sede (Laura Pisani)", "Allega una scansione più leggibile del retro.", "istruzioni.pdf",
		`href="/richieste/` + itoaTest(id) + `/messaggi/1/file"`, `action="/richieste/` + itoaTest(id) + `/messaggi"`}, nil)
	vuole(t, v.get(urlRichiesta(id)+"/messaggi/1/file"), http.StatusOK)
	vuole(t, nuovoRichiedente(t, ta, anna()).get(urlRichiesta(id)+"/messaggi/1/file"), http.StatusNotFound)

	// The applicant answers with a photo; the operator in charge is told.
	foto := parte{Campo: "file", File: "retro.jpg", Tipo: "image/jpeg", Dati: jpegPiccolo(t)}
	vuole(t, v.scrivi(urlRichiesta(id)+"/messaggi", "Ecco il retro.", &foto), http.StatusSeeOther, urlRichiesta(id))
	attendi(t, ta.SMTP, opU.Email, "nuovo messaggio del richiedente")
	controlla(t, op.get(urlOperatore(id, "")), http.StatusOK, "", []string{"Il richiedente", "Ecco il retro.", "retro.jpg"}, nil)
	file := op.get(urlOperatore(id, "messaggi/2/file"))
	if file.Status != http.StatusOK || !strings.HasPrefix(file.Header.Get("Content-Disposition"), "inline") {
		t.Errorf("the operator opens the applicant's file: %d %q", file.Status, file.Header.Get("Content-Disposition"))
	}
	ev, err := ta.App.Store.EventiAudit(store.FiltroAudit{Richiesta: id})
	if err != nil {
		t.Fatal(err)
	}
	var messaggi, viste int
	for _, e := range ev {
		switch {
		case e.Azione == domain.AuditComunicazione:
			messaggi++
		case e.Azione == domain.AuditVisualizzaDocumento && e.Dettaglio == "file del messaggio 2":
			viste++
		}
	}
	if messaggi != 2 || viste != 1 {
		t.Errorf("audit: %d messages, %d views of the file", messaggi, viste)
	}
	nominati, err := ta.App.Store.AllegatiNominati([]string{mustRichiesta(t, ta, id).Comunicazioni[1].Allegato.ID})
	if err != nil || len(nominati) != 1 {
		t.Errorf("the message's file is not indexed, and would be swept as an orphan: %v, %v", nominati, err)
	}

	// Decided, the conversation closes.
	approvata(t, op, id)
	controlla(t, v.get(urlRichiesta(id)), http.StatusOK, "", []string{"La conversazione è chiusa."}, []string{`action="/richieste/` + itoaTest(id) + `/messaggi"`})
	vuole(t, v.scrivi(urlRichiesta(id)+"/messaggi", "Grazie.", nil), http.StatusConflict)
}
