package handlers_test

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"abilita/backup"
	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/internal/testsmtp"
	"abilita/store"
)

// A message the relay refuses for good stays in sight until someone sends
// it again, to a corrected address if need be.
func TestPostaRifiutataDaRisolvere(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	p.Email = testsmtp.RejectPrefix + ".mario@example.it" // the relay answers 550
	op, _ := nuovoOperatore(t, app, "Carla", "Sportelli", "PI")
	id := op.richiestaAlloSportello("")
	op.compila(id, p)
	op.caricaValidi(id)
	op.invia(id)
	app.AttendiPostaSpedita(t)

	controlla(t, op.get("/operatore"), http.StatusOK, "", []string{"1 messaggio non è stato consegnato", `href="/operatore/posta?stato=fallita"`}, nil)
	pagina := op.get("/operatore/posta?stato=fallita")
	controlla(t, pagina, http.StatusOK, "", []string{p.Email, "Il server di posta ha rifiutato il destinatario (codice 550)",
		"Reinvia", "Correggi indirizzo e reinvia"}, []string{"127.0.0.1", app.SMTP.Addr})
	pag, err := app.App.Store.Posta(store.QueryPosta{Sede: "PI", Stato: domain.NotificaFallita})
	if err != nil || len(pag.Notifiche) != 1 {
		t.Fatalf("failed messages: %+v, %v", pag.Notifiche, err)
	}
	n := pag.Notifiche[0]
	azione := "/operatore/posta/" + strconv.FormatUint(n.ID, 10) + "/reinvia"

	// Another sede's operator cannot touch it.
	altrove, _ := nuovoOperatore(t, app, "Marco", "Milanesi", "MI")
	vuole(t, altrove.post(azione, url.Values{"indirizzo": {"x@example.it"}}), http.StatusNotFound)

	r := op.post(azione, url.Values{"indirizzo": {"mario.rossi@example.it"}, "ritorno": {"/operatore/posta?stato=fallita"}})
	vuole(t, r, http.StatusSeeOther, "/operatore/posta?stato=fallita")
	m := app.SMTP.WaitFor(t, 10*time.Second, func(m testsmtp.Message) bool { return m.To[0] == "mario.rossi@example.it" })
	if !strings.Contains(m.Subject(), "PI-") {
		t.Errorf("sent again: %q", m.Subject())
	}
	app.AttendiPostaSpedita(t)
	controlla(t, op.get("/operatore"), http.StatusOK, "", nil, []string{"non è stato consegnato"})
	if !auditDettaglio(t, app, "all'indirizzo corretto mario.rossi@example.it (era "+p.Email+")") {
		t.Error("the correction is not audited")
	}
	// Sent again already: a second press says so.
	r = op.post(azione, nil)
	vuole(t, r, http.StatusSeeOther)
	controlla(t, op.get(r.Location()), http.StatusOK, "", []string{"non è tra quelli non consegnati"}, nil)
}

// "Riprova ora": after an outage the administrator sends the waiting
// messages without waiting for their back-off.
func TestRiprovaOra(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	admin := amministratore(t, app)
	app.SMTP.SetFailing(true)
	vuole(t, nuovoVisitatore(t, app).post("/registrazione", moduloRegistrazione(mario())), http.StatusOK)
	attendiTentativo(t, app)
	app.SMTP.SetFailing(false)
	controlla(t, admin.get("/operatore/posta"), http.StatusOK, "", []string{"Riprova ora i messaggi in attesa",
		"Il server di posta ha chiesto di riprovare più tardi (codice 451)"}, nil)
	vuole(t, admin.post("/amministrazione/posta/riprova", nil), http.StatusSeeOther, "/operatore/posta")
	app.SMTP.WaitFor(t, 10*time.Second, func(m testsmtp.Message) bool { return strings.Contains(m.Subject(), "Conferma il tuo indirizzo") })
}

// attendiTentativo waits until a queued message has failed once.
func attendiTentativo(t *testing.T, app *testapp.T) {
	t.Helper()
	app.App.Worker.Wake()
	for deadline := time.Now().Add(10 * time.Second); ; {
		pag, err := app.App.Store.Posta(store.QueryPosta{Stato: domain.NotificaInCoda})
		if err != nil {
			t.Fatal(err)
		}
		if len(pag.Notifiche) > 0 && pag.Notifiche[0].Tentativi > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("no attempt within 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// auditDettaglio reports whether an audit entry's detail contains s.
func auditDettaglio(t *testing.T, app *testapp.T, s string) bool {
	t.Helper()
	ev, err := app.App.Store.EventiAudit(store.FiltroAudit{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ev {
		if strings.Contains(e.Dettaglio, s) {
			return true
		}
	}
	return false
}

// The administrator downloads a copy of everything while the service runs.
func TestCopiaScaricataDallAmministratore(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	admin := amministratore(t, app)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	id := v.nuovaBozza()
	v.compila(id, p)
	v.caricaValidi(id)
	r := admin.get("/amministrazione/copia.tar")
	vuole(t, r, http.StatusOK)
	if ct, cd := r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"); ct != "application/x-tar" || !strings.HasPrefix(cd, `attachment; filename="abilita-copia-`) {
		t.Errorf("served as %q, %q", ct, cd)
	}
	file := filepath.Join(t.TempDir(), "copia.tar")
	if err := os.WriteFile(file, []byte(r.Body), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := backup.Verifica(file)
	if err != nil {
		t.Fatal(err)
	}
	if m.Allegati() != 3 || m.ImprontaChiave != app.App.Keys.Impronta() || m.Conteggi.Richieste != 1 {
		t.Errorf("manifest: %d attachments, key %s, %+v", m.Allegati(), m.ImprontaChiave, m.Conteggi)
	}
	if !auditDettaglio(t, app, "Copia di sicurezza scaricata") {
		t.Error("the download is not audited")
	}
}

// Abilita stopped while the relay holds a message it has read: after the
// restart the message goes again, with the same Message-ID, so the mailbox
// can keep one copy.
func TestRiavvioMentreIlRelayTrattiene(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	app.SMTP.Trattieni()
	vuole(t, nuovoVisitatore(t, app).post("/registrazione", moduloRegistrazione(mario())), http.StatusOK)
	for app.SMTP.Tenuti() == 0 {
		time.Sleep(time.Millisecond) // until the relay holds it
	}
	// The stop cancels the delivery in progress (after the relay client's
	// timeout, 5 s here): nothing is recorded of it.
	app.Restart(t)
	app.SMTP.Rilascia()
	app.AttendiPostaSpedita(t)
	var ids []string
	for _, m := range app.SMTP.Messages() {
		ids = append(ids, m.Header("Message-Id"))
	}
	if len(ids) != 2 || ids[0] != ids[1] || ids[0] == "" {
		t.Errorf("Message-IDs at the relay: %q, want the same twice", ids)
	}
}
