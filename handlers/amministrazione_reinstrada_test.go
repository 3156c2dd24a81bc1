package handlers_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/store"
)

func TestAmministrazioneReinstrada(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	richiedente := nuovoRichiedente(t, app, p)
	id := richiedente.richiestaInviata(p)
	bozza := richiedente.nuovaBozza()
	admin := amministratore(t, app)
	responsabile := utenteAmministratore(t, app)
	op, _ := collega(t, app, domain.RuoloOperatore, "PI", "Ugo", "ugo.collega@inail.test")
	sedeDi := func(id uint64) string { return "/amministrazione/richieste/" + strconv.FormatUint(id, 10) + "/sede" }
	if r := mustRichiesta(t, app, id); r.Sede != "PI" || r.Stato != domain.StatoInviata {
		t.Fatalf("the request starts at %s in %s", r.Sede, r.Stato)
	}
	prima := salvata(t, app, id)

	for _, sc := range []scenario{
		{name: "sede inesistente", method: http.MethodPost, url: sedeDi(id), form: url.Values{"sede": {"ZZ"}}, wantStatus: http.StatusUnprocessableEntity,
			wantContains: []string{"Scegli una delle sedi dell'elenco."}},
		{name: "stessa sede", method: http.MethodPost, url: sedeDi(id), form: url.Values{"sede": {"PI"}}, wantStatus: http.StatusConflict,
			wantContains: []string{"La richiesta è già assegnata alla Sede di Pisa."}},
		{name: "nota con markup", method: http.MethodPost, url: sedeDi(id), form: url.Values{"sede": {"LU"}, "nota": {"<b>x</b>"}}, wantStatus: http.StatusUnprocessableEntity},
		{name: "bozza", method: http.MethodPost, url: sedeDi(bozza), form: url.Values{"sede": {"LU"}}, wantStatus: http.StatusNotFound},
		{name: "richiesta inesistente", method: http.MethodPost, url: sedeDi(9999), form: url.Values{"sede": {"LU"}}, wantStatus: http.StatusNotFound},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.esegui(t, admin) })
	}
	vuole(t, op.post(sedeDi(id), url.Values{"sede": {"LU"}}), http.StatusForbidden)
	vuole(t, richiedente.post(sedeDi(id), url.Values{"sede": {"LU"}}), http.StatusForbidden)
	if salvata(t, app, id) != prima {
		t.Fatal("a refused re-routing changed the request")
	}

	vuole(t, admin.post(sedeDi(id), url.Values{"sede": {"LU"}, "nota": {"residenza effettiva a Lucca"}}), http.StatusSeeOther, "/operatore/richieste/"+strconv.FormatUint(id, 10))
	r := mustRichiesta(t, app, id)
	if r.Sede != "LU" || r.Stato != domain.StatoInviata {
		t.Errorf("after re-routing: sede %s, state %s", r.Sede, r.Stato)
	}
	const nota = "Reinstradata da Sede di Pisa a Sede di Lucca: residenza effettiva a Lucca"
	ultimo := r.Storia[len(r.Storia)-1]
	if ultimo.Da != domain.StatoInviata || ultimo.A != domain.StatoInviata || ultimo.Chi != responsabile.ID || ultimo.Nota != nota || ultimo.Quando.IsZero() {
		t.Errorf("history entry %+v", ultimo)
	}
	e := vociAudit(t, app, domain.AuditReinstradamento, nota)
	if len(e) != 1 || e[0].Richiesta != id || e[0].Chi != responsabile.ID {
		t.Errorf("audit entries %+v", e)
	}
	in := func(sede string) bool {
		res, err := app.App.Store.Coda(store.QueryCoda{Sede: sede, PerPag: 100})
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(res.Righe, func(x domain.RigaCoda) bool { return x.ID == id })
	}
	if !in("LU") || in("PI") {
		t.Errorf("queue of LU has it: %v; queue of PI has it: %v", in("LU"), in("PI"))
	}
	// Once an operator has it, or once it is decided, it stays.
	for _, tt := range []struct {
		azione domain.Azione
		msg    string
	}{
		{domain.AzionePrendiInCarico, "già in carico a un operatore"},
		{domain.AzioneRespingi, "La richiesta è conclusa (Respinta)"},
	} {
		esegui(t, app, id, tt.azione, responsabile.ID)
		controlla(t, admin.post(sedeDi(id), url.Values{"sede": {"PI"}}), http.StatusConflict, "", []string{tt.msg}, nil)
		if mustRichiesta(t, app, id).Sede != "LU" {
			t.Fatalf("after %s the request was moved", tt.azione)
		}
	}
}
