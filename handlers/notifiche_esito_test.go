package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/internal/testsmtp"
	"abilita/store"
)

// The applicant hears of the decision by e-mail and by PEC, through real
// SMTP relays, and no relay outage loses the message: it waits in the
// outbox, across a restart of Abilita, until the relay is back, and is then
// delivered once. The operator decides through its own pages.

const (
	etichettaDatiNonCorrispondenti = "Dati anagrafici non corrispondenti al documento"
	notaRifiuto                    = "Il cognome sul documento è «Rossi Bianchi», non «Rossi»."
)

// rifiutoInCorso is an installation where Mario (with a PEC address) filed a
// request and an operator of Pisa took it in charge.
type rifiutoInCorso struct {
	app         *testapp.T
	richiedente *visitatore
	operatore   *visitatore
	id          uint64
	protocollo  string
}

func nuovoRifiutoInCorso(t *testing.T) *rifiutoInCorso {
	t.Helper()
	app := testapp.Start(t)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	id := v.richiestaConPEC(p, pecMario)
	// The acknowledgement goes out first, so that only the decision is
	// left for the relays to miss.
	app.SMTP.WaitFor(t, 10*time.Second, func(m testsmtp.Message) bool { return slices.Contains(m.To, p.Email) && len(m.Attachments()) > 0 })
	op, _ := nuovoOperatore(t, app, "Lucia", "Neri", "PI")
	op.prendi(id)
	return &rifiutoInCorso{app: app, richiedente: v, operatore: op, id: id, protocollo: mustRichiesta(t, app, id).Protocollo}
}

// respingi rejects the request as the operator, for data not matching the
// document, and checks that the decision is taken at once.
func (b *rifiutoInCorso) respingi(t *testing.T) {
	t.Helper()
	inizio := time.Now()
	r := b.operatore.post(urlOperatore(b.id, "respingi"), url.Values{"motivi": {"dati_non_corrispondenti"}, "nota": {notaRifiuto}, "conferma": {"si"}})
	vuole(t, r, http.StatusSeeOther)
	if d := time.Since(inizio); d > 3*time.Second {
		t.Errorf("the rejection took %v: it must not wait for the relays", d)
	}
	if st := mustRichiesta(t, b.app, b.id).Stato; st != domain.StatoRespinta {
		t.Fatalf("state %s after the rejection", st)
	}
}

// esitoPer matches the rejection of this request sent to `to`.
func (b *rifiutoInCorso) esitoPer(to string) func(testsmtp.Message) bool {
	return func(m testsmtp.Message) bool {
		return slices.Contains(m.To, to) && strings.Contains(m.Text(), etichettaDatiNonCorrispondenti)
	}
}

// controllaEsito checks that the message states the outcome, the coded
// reason as the applicant reads it and the operator's text.
func (b *rifiutoInCorso) controllaEsito(t *testing.T, m testsmtp.Message) {
	t.Helper()
	testo := m.Subject() + "\n" + m.Text()
	for _, want := range []string{b.protocollo, etichettaDatiNonCorrispondenti, notaRifiuto} {
		if !strings.Contains(testo, want) {
			t.Errorf("message to %v lacks %q:\n%s", m.To, want, testo)
		}
	}
	if l := strings.ToLower(testo); !strings.Contains(l, "non accolt") && !strings.Contains(l, "respint") {
		t.Errorf("message to %v does not state the outcome:\n%s", m.To, testo)
	}
	if strings.Contains(testo, "dati_non_corrispondenti") {
		t.Errorf("message to %v shows the reason's code instead of its label", m.To)
	}
}

// quante counts the messages on srv that match.
func quante(srv *testsmtp.Server, match func(testsmtp.Message) bool) int {
	n := 0
	for _, m := range srv.Messages() {
		if match(m) {
			n++
		}
	}
	return n
}

// notificheEsito are the outbox entries of the rejection, e-mail and PEC.
func (b *rifiutoInCorso) notificheEsito(t *testing.T) []domain.Notifica {
	t.Helper()
	tutte, err := b.app.App.Store.Posta(store.QueryPosta{Sede: "PI", PerPag: 100})
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(tutte.Notifiche, func(n domain.Notifica) bool {
		return n.RichiestaID != b.id || n.Messaggio.Modello != domain.ModelloRespinta
	})
}

// attendiNotifiche polls the outbox until ok holds for the rejection's
// entries, failing with what it saw after timeout.
func (b *rifiutoInCorso) attendiNotifiche(t *testing.T, timeout time.Duration, cosa string, ok func([]domain.Notifica) bool) []domain.Notifica {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ns := b.notificheEsito(t)
		if ok(ns) {
			return ns
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox: %s not reached within %v: %+v", cosa, timeout, ns)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestNotificheRifiutoPerEmailEPEC(t *testing.T) {
	t.Parallel()
	b := nuovoRifiutoInCorso(t)
	b.respingi(t)
	email := b.app.SMTP.WaitFor(t, 10*time.Second, b.esitoPer(mario().Email))
	pec := b.app.PEC.WaitFor(t, 10*time.Second, b.esitoPer(pecMario))
	b.controllaEsito(t, email)
	b.controllaEsito(t, pec)

	// Each message went through its own relay, once.
	b.app.AttendiPostaSpedita(t)
	if n := quante(b.app.PEC, b.esitoPer(mario().Email)); n != 0 {
		t.Errorf("%d e-mails went through the PEC relay", n)
	}
	if n := quante(b.app.SMTP, b.esitoPer(pecMario)); n != 0 {
		t.Errorf("%d PEC messages went through the e-mail relay", n)
	}
	if n, m := quante(b.app.SMTP, b.esitoPer(mario().Email)), quante(b.app.PEC, b.esitoPer(pecMario)); n != 1 || m != 1 {
		t.Errorf("delivered %d e-mails and %d PEC messages, want one each", n, m)
	}

	// The applicant reads the same on its page.
	controlla(t, b.richiedente.get(urlRichiesta(b.id)), http.StatusOK, "",
		[]string{"Richiesta respinta", etichettaDatiNonCorrispondenti, notaRifiuto, "Presenta una nuova richiesta"}, nil)
}

func TestNotificheRifiutoInCodaFinoAlRitornoDeiRelay(t *testing.T) {
	t.Parallel()
	b := nuovoRifiutoInCorso(t)
	b.app.SMTP.Stop()
	b.app.PEC.Stop()
	b.respingi(t)

	inCoda := func(ns []domain.Notifica) bool {
		return len(ns) == 2 && !slices.ContainsFunc(ns, func(n domain.Notifica) bool {
			return n.Stato != domain.NotificaInCoda || n.Tentativi == 0 || n.UltimoErrore == ""
		})
	}
	ns := b.attendiNotifiche(t, 5*time.Second, "two queued messages with a failed attempt", inCoda)
	if kinds := []string{string(ns[0].Messaggio.Kind), string(ns[1].Messaggio.Kind)}; !slices.Contains(kinds, "pec") || !slices.Contains(kinds, "email") {
		t.Errorf("queued kinds %v, want an e-mail and a PEC", kinds)
	}

	// Abilita restarts on the same data while the relays are still down:
	// the queue survives and the worker keeps trying.
	b.app.Restart(t)
	prima := b.notificheEsito(t)
	b.riprova(prima)
	b.attendiNotifiche(t, 5*time.Second, "a new attempt after the restart", func(ns []domain.Notifica) bool {
		return inCoda(ns) && ns[0].Tentativi+ns[1].Tentativi > prima[0].Tentativi+prima[1].Tentativi
	})
	if n := len(b.app.SMTP.Messages()) + len(b.app.PEC.Messages()); n == 0 {
		t.Fatal("the relays received nothing before the outage: the acknowledgement is missing")
	}
	if quante(b.app.SMTP, b.esitoPer(mario().Email))+quante(b.app.PEC, b.esitoPer(pecMario)) != 0 {
		t.Fatal("a message was delivered while the relays were down")
	}

	b.app.SMTP.Restart(t)
	b.app.PEC.Restart(t)
	// An attempt already under way when the relays came back may still fail
	// and reschedule itself past the clock: move the clock on to each new
	// schedule until both messages are out.
	b.attendiNotifiche(t, 10*time.Second, "both messages sent after the relays came back", func(ns []domain.Notifica) bool {
		b.riprova(ns)
		return len(ns) == 2 && ns[0].Stato == domain.NotificaInviata && ns[1].Stato == domain.NotificaInviata
	})
	b.controllaEsito(t, b.app.SMTP.WaitFor(t, 10*time.Second, b.esitoPer(mario().Email)))
	b.controllaEsito(t, b.app.PEC.WaitFor(t, 10*time.Second, b.esitoPer(pecMario)))
	b.attendiNotifiche(t, 5*time.Second, "both messages sent", func(ns []domain.Notifica) bool {
		return len(ns) == 2 && ns[0].Stato == domain.NotificaInviata && ns[1].Stato == domain.NotificaInviata
	})

	// Exactly once: more passes of the worker, however much later, send
	// nothing again.
	b.app.Orologio.Avanza(b.app.App.Worker.MaxDelay + time.Minute)
	for range 3 {
		if sent, retried, failed := b.app.App.Worker.RunOnce(context.Background()); sent+retried+failed != 0 {
			t.Errorf("a later pass sent %d, rescheduled %d and gave up %d messages", sent, retried, failed)
		}
	}
	if n, m := quante(b.app.SMTP, b.esitoPer(mario().Email)), quante(b.app.PEC, b.esitoPer(pecMario)); n != 1 || m != 1 {
		t.Errorf("delivered %d e-mails and %d PEC messages, want one each", n, m)
	}
}

// riprova moves the clock on to when every queued message among ns is due
// for its next attempt, past its delay, and wakes the worker.
func (b *rifiutoInCorso) riprova(ns []domain.Notifica) {
	ora := b.app.Orologio.Now()
	for _, n := range ns {
		if n.Stato == domain.NotificaInCoda && n.Prossimo.After(ora) {
			ora = n.Prossimo
		}
	}
	b.app.Orologio.Imposta(ora)
	b.app.App.Worker.Wake()
}

func TestNotificheIntegrazioneERisposta(t *testing.T) {
	t.Parallel()
	b := nuovoRifiutoInCorso(t)
	const messaggio = "Il documento allegato è illeggibile: carica una scansione più nitida del fronte."
	vuole(t, b.operatore.post(urlOperatore(b.id, "integrazione"), url.Values{"messaggio": {messaggio}}), http.StatusSeeOther)
	prima := mustRichiesta(t, b.app, b.id)
	if prima.Stato != domain.StatoIntegrazioneRichiesta {
		t.Fatalf("state %s after asking for more information", prima.Stato)
	}
	perMario := func(to string) func(testsmtp.Message) bool {
		return func(m testsmtp.Message) bool {
			return slices.Contains(m.To, to) && strings.Contains(m.Text(), messaggio)
		}
	}
	b.app.SMTP.WaitFor(t, 10*time.Second, perMario(mario().Email))
	b.app.PEC.WaitFor(t, 10*time.Second, perMario(pecMario))

	controlla(t, b.richiedente.get(urlRichiesta(b.id)), http.StatusOK, "", []string{"La sede chiede un'integrazione", messaggio, `name="risposta"`}, nil)
	vecchio := prima.Allegati[domain.AllegatoDocumentoFronte]
	dir := filepath.Join(b.app.Dir, "allegati")
	if _, err := os.Stat(filepath.Join(dir, vecchio.ID)); err != nil {
		t.Fatalf("the old front is not in %s: %v", dir, err)
	}

	nuovo := jpegPiccolo(t)
	r := b.richiedente.rispondi(b.id, []string{"risposta", "Ecco una scansione più nitida.", "tipo", "documento_fronte"},
		parte{Campo: "file", File: "fronte nitido.jpg", Tipo: "image/jpeg", Dati: nuovo})
	vuole(t, r, http.StatusSeeOther, urlRichiesta(b.id))

	dopo := mustRichiesta(t, b.app, b.id)
	fronte := dopo.Allegati[domain.AllegatoDocumentoFronte]
	switch {
	case dopo.Stato != domain.StatoInLavorazione:
		t.Errorf("state %s after the answer", dopo.Stato)
	case dopo.Operatore != prima.Operatore:
		t.Errorf("operator %d after the answer, was %d", dopo.Operatore, prima.Operatore)
	case fronte.ID == vecchio.ID || fronte.NomeOriginale != "fronte nitido.jpg":
		t.Errorf("front not replaced: %+v", fronte)
	}
	if _, err := os.Stat(filepath.Join(dir, vecchio.ID)); !os.IsNotExist(err) {
		t.Errorf("the old front's file is still in %s (err %v)", dir, err)
	}
	if _, err := os.Stat(filepath.Join(dir, fronte.ID)); err != nil {
		t.Errorf("the new front's file is missing: %v", err)
	}

	// Back in the operator's queue, and the operator sees the new document.
	coda := b.operatore.get("/operatore?stato=in_lavorazione")
	controlla(t, coda, http.StatusOK, "", []string{b.protocollo}, nil)
	doc := b.operatore.get(urlOperatore(b.id, "allegati/documento_fronte"))
	vuole(t, doc, http.StatusOK)
	comeCaricato(t, "image/jpeg", nuovo, []byte(doc.Body))
}
