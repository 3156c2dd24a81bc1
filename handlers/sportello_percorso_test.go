package handlers_test

import (
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/internal/testsmtp"
	"abilita/security"
	"abilita/store"
)

// Path A: the operator records a request at the counter, blank or from a
// Precompila code, in the form of path C, and registers it for its sede.

var reBozzaSportello = regexp.MustCompile(`^/richieste/(\d+)/passo/profilo$`)

// richiestaAlloSportello opens a counter draft, from codice if not empty,
// and returns its ID.
func (v *visitatore) richiestaAlloSportello(codice string) uint64 {
	v.t.Helper()
	form := url.Values{}
	if codice != "" {
		form.Set("codice", codice)
	}
	r := v.post("/operatore/sportello", form)
	vuole(v.t, r, http.StatusSeeOther)
	m := reBozzaSportello.FindStringSubmatch(r.Location())
	if m == nil {
		v.t.Fatalf("counter request redirected to %q", r.Location())
	}
	id, _ := strconv.ParseUint(m[1], 10, 64)
	return id
}

// bozzeDi are the drafts a user owns.
func bozzeDi(t testing.TB, app *testapp.T, utente uint64) []domain.RigaCoda {
	t.Helper()
	richieste, err := app.App.Store.RichiesteUtente(utente)
	if err != nil {
		t.Fatal(err)
	}
	var out []domain.RigaCoda
	for _, r := range richieste {
		if r.Stato == domain.StatoBozza {
			out = append(out, r)
		}
	}
	return out
}

func TestSportelloSoloPerOperatori(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	richiedente := nuovoRichiedente(t, app, mario())
	controlla(t, richiedente.get("/operatore/sportello"), http.StatusForbidden, "", []string{"Accesso non consentito"}, nil)
	controlla(t, richiedente.post("/operatore/sportello", nil), http.StatusForbidden, "", nil, nil)
	controlla(t, nuovoVisitatore(t, app).get("/operatore/sportello"), http.StatusSeeOther, "/accedi", nil, nil)
	controlla(t, amministratore(t, app).post("/operatore/sportello", nil), http.StatusForbidden, "", nil, nil)
}

func TestSportelloRichiestaVuota(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	op, opU := nuovoOperatore(t, app, "Carla", "Sportelli", "PI")
	controlla(t, op.get("/operatore/sportello"), http.StatusOK, "", []string{"Nuova richiesta allo sportello", `name="codice"`,
		"Inizia una richiesta vuota", `hx-history="false"`}, nil)

	id := op.richiestaAlloSportello("")
	r := mustRichiesta(t, app, id)
	if r.Percorso != domain.PercorsoSportello || r.Richiedente != opU.ID || r.Sede != "PI" || r.Stato != domain.StatoBozza {
		t.Errorf("draft: percorso %q, richiedente %d, sede %q, stato %q", r.Percorso, r.Richiedente, r.Sede, r.Stato)
	}
	eventi, err := app.App.Store.EventiAudit(store.FiltroAudit{Richiesta: id})
	if err != nil {
		t.Fatal(err)
	}
	if len(eventi) != 1 || eventi[0].Azione != domain.AuditRichiestaSportello || eventi[0].Chi != opU.ID {
		t.Errorf("audit of the new counter request: %+v", eventi)
	}

	passo := op.get(urlPasso(id, domain.PassoProfilo))
	controlla(t, passo, http.StatusOK, "", []string{"Richiesta allo sportello", `href="/operatore/sportello"`, `href="/operatore"`},
		[]string{`href="/richieste"`, "Le mie richieste"})
	controlla(t, op.get("/operatore/sportello"), http.StatusOK, "", []string{"Richieste allo sportello da completare", "Bozza n. " + strconv.FormatUint(id, 10)}, nil)
}

func TestSportelloDaCodiceERegistrazione(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := anna() // lives in Roma: her sede would be RM
	mostrato := nuovoVisitatore(t, app).precompilaModulo(p)
	op, opU := nuovoOperatore(t, app, "Carla", "Sportelli", "PI")

	// As the barcode scanner or a person types it: case and separators do not count.
	id := op.richiestaAlloSportello(" " + strings.ToLower(strings.ReplaceAll(mostrato, "-", " ")) + " ")
	r := mustRichiesta(t, app, id)
	if r.Anagrafica.CodiceFiscale != p.CF || r.Anagrafica.Cognome != p.Cognome || r.Residenza.Comune != "Roma" || r.Contatti.Email != p.Email ||
		r.Ordine.Numero != "12345" || r.Documento.Numero != "CA12345AB" || r.Profilo != domain.ProfiloMedicoEsterno {
		t.Errorf("the draft did not get the module's data: %+v", r)
	}
	if r.Percorso != domain.PercorsoSportello || r.Richiedente != opU.ID || r.Sede != "PI" || r.Dichiarazioni != (domain.Dichiarazioni{}) {
		t.Errorf("draft: percorso %q, richiedente %d, sede %q, dichiarazioni %+v", r.Percorso, r.Richiedente, r.Sede, r.Dichiarazioni)
	}
	if _, err := app.App.Store.Precompilata(security.HashToken(security.NormalizeCode(mostrato)), app.Orologio.Now()); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("the used module is still stored: %v", err)
	}
	t.Run("secondo uso del codice", func(t *testing.T) {
		r := op.post("/operatore/sportello", url.Values{"codice": {mostrato}})
		controlla(t, r, http.StatusUnprocessableEntity, "", []string{"Codice non trovato o scaduto"}, nil)
		if got := erroreCampo(r.Body, "codice"); !strings.HasPrefix(got, "Codice non trovato o scaduto") {
			t.Errorf("error next to the code: %q", got)
		}
		if n := len(bozzeDi(t, app, opU.ID)); n != 1 {
			t.Errorf("%d drafts, want 1", n)
		}
	})
	t.Run("codice con markup", func(t *testing.T) {
		controlla(t, op.post("/operatore/sportello", url.Values{"codice": {"<script>x</script>"}}), http.StatusUnprocessableEntity, "",
			[]string{"I caratteri < e > non sono ammessi."}, []string{"<script>x"})
	})

	dati := datiPassi(p, app.Orologio.Now())
	t.Run("dichiarazioni firmate sul modulo", func(t *testing.T) {
		controlla(t, op.get(urlPasso(id, domain.PassoDichiarazioni)), http.StatusOK, "", []string{"Il richiedente ha reso e firmato"}, nil)
		r := op.post(urlPasso(id, domain.PassoDichiarazioni), url.Values{"dpr445": {"si"}})
		vuole(t, r, http.StatusUnprocessableEntity)
		if got := erroreCampo(r.Body, "privacy"); !strings.Contains(got, "abbia firmato la presa visione") {
			t.Errorf("error next to privacy: %q", got)
		}
	})
	for _, passo := range passiConCampi {
		form := maps.Clone(dati[passo])
		form.Set("azione", "avanti")
		vuole(t, op.post(urlPasso(id, passo), form), http.StatusSeeOther, "/richieste/")
	}
	controlla(t, op.get(urlPasso(id, domain.PassoAllegati)), http.StatusOK, "", []string{"Scansiona il modulo firmato"}, nil)
	op.caricaValidi(id)
	controlla(t, op.get(urlPasso(id, domain.PassoRiepilogo)), http.StatusOK, "", []string{"Registra la richiesta", p.Email}, nil)
	op.invia(id)

	r = mustRichiesta(t, app, id)
	if r.Stato != domain.StatoInviata || r.Sede != "PI" || !strings.HasPrefix(r.Protocollo, "PI-") || r.Percorso != domain.PercorsoSportello {
		t.Fatalf("registered: stato %q, sede %q, protocollo %q, percorso %q", r.Stato, r.Sede, r.Protocollo, r.Percorso)
	}
	if ultimo := r.Storia[len(r.Storia)-1]; ultimo.Nota != "Registrata allo sportello" || ultimo.Chi != opU.ID {
		t.Errorf("history: %+v", ultimo)
	}
	controlla(t, op.get(urlRichiesta(id)+"/ricevuta"), http.StatusOK, "", []string{"Richiesta registrata", r.Protocollo, "Decidi subito",
		`action="/operatore/richieste/` + strconv.FormatUint(id, 10) + `/prendi"`, `href="/operatore/sportello"`, p.Email}, []string{`href="/richieste"`})
	vuole(t, op.get(urlRichiesta(id)+"/ricevuta.pdf"), http.StatusOK)

	m := app.SMTP.WaitFor(t, 10*time.Second, func(m testsmtp.Message) bool {
		return strings.Join(m.To, ",") == p.Email && strings.Contains(m.Subject(), r.Protocollo)
	})
	if strings.Contains(m.Text(), "/richieste/") {
		t.Errorf("the applicant, who has no account, gets a link to the online requests:\n%s", m.Text())
	}
	if _, _, ok := m.Attachment("ricevuta-" + r.Protocollo + ".pdf"); !ok {
		t.Errorf("no receipt attached: %v", m.Attachments())
	}
	// A registered request is no longer a draft to fill in.
	revisione := "/operatore/richieste/" + strconv.FormatUint(id, 10)
	vuole(t, op.get(urlPasso(id, domain.PassoAnagrafica)), http.StatusSeeOther, revisione)

	t.Run("decidi subito", func(t *testing.T) {
		vuole(t, op.post(revisione+"/prendi", nil), http.StatusSeeOther, revisione)
		if r := mustRichiesta(t, app, id); r.Stato != domain.StatoInLavorazione || r.Operatore != opU.ID {
			t.Errorf("after «Decidi subito»: stato %q, operatore %d", r.Stato, r.Operatore)
		}
		controlla(t, op.get(urlRichiesta(id)+"/ricevuta"), http.StatusOK, "", []string{r.Protocollo}, []string{"Decidi subito"})
	})
}

func TestSportelloBozzaSoloDelSuoOperatore(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	op, opU := nuovoOperatore(t, app, "Carla", "Sportelli", "PI")
	id := op.richiestaAlloSportello("")
	op.compila(id, p)
	op.caricaValidi(id)

	collega, _ := nuovoOperatore(t, app, "Paolo", "Banchi", "PI")
	milano, _ := nuovoOperatore(t, app, "Marta", "Sportelli", "MI")
	richiedente := nuovoRichiedente(t, app, p)
	bozzaOnline := richiedente.nuovaBozza()
	prima := salvata(t, app, id)
	primaOnline := salvata(t, app, bozzaOnline)

	anagrafica := datiPassi(p, app.Orologio.Now())[domain.PassoAnagrafica]
	for nome, v := range map[string]*visitatore{"operatore di un'altra sede": milano, "collega della stessa sede": collega, "richiedente": richiedente} {
		t.Run(nome, func(t *testing.T) {
			for _, sc := range []struct {
				metodo, url string
				form        url.Values
			}{
				{http.MethodGet, urlPasso(id, domain.PassoAnagrafica), nil},
				{http.MethodPost, urlPasso(id, domain.PassoAnagrafica), anagrafica},
				{http.MethodPost, urlPasso(id, domain.PassoAnagrafica) + "/verifica", anagrafica},
				{http.MethodGet, urlRichiesta(id) + "/modulo.pdf", nil},
				{http.MethodPost, urlRichiesta(id) + "/invia", nil},
				{http.MethodGet, urlRichiesta(id) + "/ricevuta", nil},
			} {
				var r risposta
				if sc.metodo == http.MethodPost {
					r = v.post(sc.url, sc.form)
				} else {
					r = v.get(sc.url)
				}
				if r.Status != http.StatusNotFound {
					t.Errorf("%s %s: status %d, want 404", sc.metodo, sc.url, r.Status)
				}
				if strings.Contains(r.Body, p.CF) {
					t.Errorf("%s %s shows the applicant's data", sc.metodo, sc.url)
				}
			}
			vuole(t, v.carica(id, fileValidi(t)[0]), http.StatusNotFound)
		})
	}
	if salvata(t, app, id) != prima {
		t.Error("someone else changed the operator's draft")
	}

	t.Run("bozza online", func(t *testing.T) {
		for _, url := range []string{urlPasso(bozzaOnline, domain.PassoProfilo), urlRichiesta(bozzaOnline) + "/modulo.pdf"} {
			vuole(t, op.get(url), http.StatusNotFound)
		}
		vuole(t, op.post(urlPasso(bozzaOnline, domain.PassoAnagrafica), anagrafica), http.StatusNotFound)
		vuole(t, op.post(urlRichiesta(bozzaOnline)+"/invia", nil), http.StatusNotFound)
		if salvata(t, app, bozzaOnline) != primaOnline {
			t.Error("an operator changed an applicant's draft")
		}
	})
	t.Run("operatore trasferito ad altra sede", func(t *testing.T) {
		app.AggiornaUtente(t, opU.ID, func(u *domain.Utente) error { u.Sede = "MI"; return nil })
		vuole(t, op.get(urlPasso(id, domain.PassoRiepilogo)), http.StatusNotFound)
		vuole(t, op.post(urlRichiesta(id)+"/invia", nil), http.StatusNotFound)
		if salvata(t, app, id) != prima {
			t.Error("the draft of the old sede changed")
		}
	})
}

// TestSportelloSenzaIntegrazione: a counter request cannot be suspended for an
// integration, since its applicant has no area online to answer from.
func TestSportelloSenzaIntegrazione(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	op, _ := nuovoOperatore(t, app, "Lucia", "Neri", "PI")
	id := op.richiestaAlloSportello("")
	op.compila(id, mario())
	op.caricaValidi(id)
	op.invia(id)
	op.prendi(id)
	r := op.post(urlOperatore(id, "integrazione"), url.Values{"messaggio": {"Manca il retro del documento."}})
	controlla(t, r, http.StatusConflict, "", []string{"allo sportello non può essere sospesa"}, nil)
	if got := mustRichiesta(t, app, id); got.Stato != domain.StatoInLavorazione || len(got.Integrazioni) != 0 {
		t.Fatalf("after the refused integration: %s, %d integrations", got.Stato, len(got.Integrazioni))
	}
	controlla(t, op.get(urlOperatore(id, "")), http.StatusOK, "", []string{"non ha un'area online da cui rispondere"}, []string{`action="/operatore/richieste/` + strconv.FormatUint(id, 10) + `/integrazione"`})
}
