package handlers_test

import (
	"bytes"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/internal/testapp"
	"abilita/static"
	"abilita/store"
)

// The access matrix (DESIGN.md §6): every route the Fiber app registers,
// called by every kind of user. A route added without a line here fails
// the test.

// Who calls.
const (
	anonimo  = "anonimo"
	altro    = "altro richiedente"
	titolare = "titolare"
	admin    = "amministratore"
	opSede   = "operatore della sede" // Pisa, where the owner's requests are
	opAltra  = "operatore di un'altra sede"
)

// ruoli in the order they run: the operator of the sede and the owner
// last, since their calls change the requests.
var ruoli = []string{anonimo, altro, refStruttura, refAltra, opAltra, admin, opSede, titolare}

// Which of the owner's requests a route's :id is.
const (
	inviata     = "inviata"     // submitted, with its attachments
	bozza       = "bozza"       // a draft
	annullabile = "annullabile" // a draft the owner withdraws
	lavorazione = "lavorazione" // submitted and taken in charge by the operator of the sede
	daPrendere  = "da prendere" // submitted, taken in charge during the matrix
	prossima    = "prossima"    // submitted first: the head of the queue, taken by "Prossima richiesta"
)

// esito is what one role gets: a status and, for redirects, where to.
type esito struct {
	status int
	dove   string
}

func bene() esito            { return esito{status: http.StatusOK} }
func vai(dove string) esito  { return esito{http.StatusSeeOther, dove} }
func stato(status int) esito { return esito{status: status} }
func tutti(e esito) map[string]esito {
	return map[string]esito{anonimo: e, altro: e, titolare: e, admin: e, opSede: e, opAltra: e}
}

// Private pages of applicants: the login page for strangers, nothing of the
// owner's for another applicant, forbidden to administrators and operators.
func privataGet() map[string]esito {
	return map[string]esito{anonimo: vai("/accedi?dopo="), altro: stato(http.StatusNotFound), titolare: bene(),
		admin: stato(http.StatusForbidden), opSede: stato(http.StatusForbidden), opAltra: stato(http.StatusForbidden)}
}

func privataPost(titolareOttiene esito) map[string]esito {
	return map[string]esito{anonimo: stato(http.StatusUnauthorized), altro: stato(http.StatusNotFound), titolare: titolareOttiene,
		admin: stato(http.StatusForbidden), opSede: stato(http.StatusForbidden), opAltra: stato(http.StatusForbidden)}
}

// The request form also serves operators at the counter, for their own
// drafts only: the owner's drafts are not found for them.
func modulo(e map[string]esito) map[string]esito {
	e[opSede], e[opAltra] = stato(http.StatusNotFound), stato(http.StatusNotFound)
	return e
}

// Operators' pages: their own sede's requests only.
func daOperatore(get bool, sede, altra, amministratore esito) map[string]esito {
	anon, app := stato(http.StatusUnauthorized), stato(http.StatusForbidden)
	if get {
		anon = vai("/accedi?dopo=")
	}
	return map[string]esito{anonimo: anon, altro: app, titolare: app, admin: amministratore, opSede: sede, opAltra: altra}
}

func conTitolare(e map[string]esito, t esito) map[string]esito {
	e[titolare] = t
	return e
}

// Administrators' pages.
func daAmministratore(get bool, amministratore esito) map[string]esito {
	e := daOperatore(get, stato(http.StatusForbidden), stato(http.StatusForbidden), amministratore)
	return e
}

// rotta is the expectation for one registered route.
type rotta struct {
	richiesta string               // which request :id is; inviata by default
	query     string               // added to the URL
	corpo     func(*matrice) corpo // POST body; an empty form with the CSRF token by default
	esiti     map[string]esito
	ultima    bool // run after every other route (it ends the session)
}

type corpo struct {
	form  url.Values
	parti []parte // an upload instead of a form
}

// attese is the whole table, keyed by method and path as registered.
func attese() map[string]rotta {
	loggato := func(anon, utenti esito) map[string]esito {
		return map[string]esito{anonimo: anon, altro: utenti, titolare: utenti, admin: utenti, opSede: utenti, opAltra: utenti}
	}
	proibito, assente := stato(http.StatusForbidden), stato(http.StatusNotFound)
	return map[string]rotta{
		"GET /healthz":                {esiti: tutti(bene())},
		"GET /readyz":                 {esiti: tutti(bene())},
		"GET /metrics":                {esiti: tutti(assente)}, // off unless configured: metriche_test.go
		"GET /static/*":               {esiti: tutti(bene())},
		"GET /":                       {esiti: tutti(bene())},
		"GET /guida":                  {query: "?forti=si", esiti: tutti(bene())},
		"GET /percorsi/sportello":     {esiti: tutti(bene())},
		"GET /percorsi/inailrisponde": {esiti: tutti(bene())},
		"GET /percorsi/online":        {esiti: tutti(bene())},
		"GET /sedi":                   {query: "?comune=Pisa", esiti: tutti(bene())},
		"GET /modulo.pdf":             {esiti: tutti(bene())},
		"GET /luoghi":                 {query: "?q=Pisa", esiti: tutti(bene())},
		"GET /privacy":                {esiti: tutti(bene())},
		"GET /regole-riservatezza":    {esiti: tutti(bene())},

		"GET /registrazione":         {esiti: loggato(bene(), vai("/area"))},
		"POST /registrazione":        {esiti: tutti(stato(http.StatusUnprocessableEntity))},
		"GET /verifica-email":        {esiti: tutti(bene())},
		"POST /verifica-email":       {esiti: tutti(stato(http.StatusUnprocessableEntity))},
		"POST /verifica-email/invia": {esiti: loggato(stato(http.StatusUnauthorized), vai("/area"))},
		"GET /accedi":                {esiti: loggato(bene(), vai("/area"))},
		// Strong sign-in, not configured here (accesso_forte_test.go): the
		// providers do not exist, the CNS page and the address form say why.
		"GET /accedi/oidc/:nome":         {esiti: tutti(assente)},
		"GET /accedi/oidc/:nome/ritorno": {esiti: tutti(assente)},
		"GET /accedi/cns":                {esiti: tutti(stato(http.StatusUnauthorized))},
		"GET /accedi/forte":              {esiti: tutti(stato(http.StatusUnauthorized))},
		"POST /accedi/forte":             {esiti: tutti(stato(http.StatusUnauthorized))},
		"POST /accedi":                   {esiti: tutti(stato(http.StatusUnprocessableEntity))},
		"POST /esci":                     {esiti: tutti(vai("/")), ultima: true},
		"GET /password-dimenticata":      {esiti: tutti(bene())},
		"POST /password-dimenticata":     {esiti: tutti(stato(http.StatusUnprocessableEntity))},
		"GET /reimposta-password":        {esiti: tutti(bene())},
		"POST /reimposta-password":       {esiti: tutti(stato(http.StatusUnprocessableEntity))},
		"GET /configurazione":            {esiti: tutti(bene())},
		"POST /configurazione":           {esiti: tutti(stato(http.StatusUnprocessableEntity))},

		"GET /area": {esiti: map[string]esito{anonimo: vai("/accedi?dopo="), altro: bene(), titolare: bene(), admin: vai("/amministrazione"),
			opSede: vai("/operatore"), opAltra: vai("/operatore")}},
		"GET /richieste": {esiti: map[string]esito{anonimo: vai("/accedi?dopo="), altro: bene(), titolare: bene(), admin: proibito,
			opSede: proibito, opAltra: proibito}},
		"GET /assistenza": {esiti: map[string]esito{anonimo: vai("/accedi?dopo="), altro: bene(), titolare: bene(), admin: proibito,
			opSede: proibito, opAltra: proibito}},
		"POST /richieste": {esiti: map[string]esito{anonimo: stato(http.StatusUnauthorized), altro: vai("/richieste/"), titolare: vai("/richieste/"),
			admin: proibito, opSede: proibito, opAltra: proibito}},
		"GET /richieste/:id":                        {esiti: privataGet()},
		"GET /richieste/:id/passo/:passo":           {richiesta: bozza, esiti: modulo(privataGet())},
		"POST /richieste/:id/passo/:passo":          {richiesta: bozza, corpo: anagraficaDelTitolare, esiti: modulo(privataPost(vai("/richieste/")))},
		"POST /richieste/:id/passo/:passo/verifica": {richiesta: bozza, corpo: anagraficaDelTitolare, esiti: modulo(privataPost(bene()))},
		"POST /richieste/:id/allegati":              {richiesta: bozza, corpo: unFile, esiti: modulo(privataPost(vai("/richieste/")))},
		"GET /richieste/:id/allegati/:tipo":         {esiti: privataGet()},
		"GET /richieste/:id/modulo.pdf":             {esiti: modulo(privataGet())},
		// An incomplete draft goes back to its first incomplete step.
		"POST /richieste/:id/invia":       {richiesta: bozza, esiti: modulo(privataPost(vai("/richieste/")))},
		"GET /richieste/:id/ricevuta":     {esiti: modulo(privataGet())},
		"GET /richieste/:id/ricevuta.pdf": {esiti: modulo(privataGet())},
		"POST /richieste/:id/annulla":     {richiesta: annullabile, esiti: privataPost(vai("/richieste"))},
		// A request not waiting for an answer refuses one.
		"POST /richieste/:id/risposta": {esiti: privataPost(stato(http.StatusConflict))},
		// The conversation of path B: the owner's request is of path C, so
		// it has none (conversazione_test.go covers path B).
		"POST /richieste/:id/messaggi":                  {esiti: privataPost(stato(http.StatusConflict))},
		"GET /richieste/:id/messaggi/:n/file":           {esiti: conTitolare(privataGet(), assente)},
		"POST /operatore/richieste/:id/messaggi":        {esiti: daOperatore(false, stato(http.StatusConflict), assente, proibito)},
		"GET /operatore/richieste/:id/messaggi/:n/file": {esiti: daOperatore(true, assente, assente, assente)},

		"GET /precompila":  {esiti: tutti(bene())},
		"POST /precompila": {esiti: tutti(stato(http.StatusUnprocessableEntity))},
		// The inline check of the module: the same answer for everyone.
		"POST /precompila/verifica": {esiti: tutti(bene())},
		// Ten downloads per address in ten minutes, and every role calls from
		// the same one: GET and HEAD of the five roles before the owner use them up.
		"GET /precompila/modulo.pdf": {query: "?c=ABCDEFGHJKMNPQRS", esiti: conTitolare(tutti(assente), stato(http.StatusTooManyRequests))},

		"GET /operatore":          {esiti: daOperatore(true, bene(), bene(), proibito)},
		"GET /operatore/conteggi": {esiti: daOperatore(true, bene(), bene(), proibito)},
		"GET /operatore/posta":    {esiti: daOperatore(true, bene(), bene(), bene())},
		// A message of PI that was delivered: "not among those undelivered".
		"POST /operatore/posta/:nid/reinvia": {esiti: daOperatore(false, vai("/operatore/posta"), assente, vai("/operatore/posta"))},
		// Another sede's request is not found, as if it did not exist.
		"GET /operatore/richieste/:id":                {esiti: daOperatore(true, bene(), assente, bene())},
		"GET /operatore/richieste/:id/allegati/:tipo": {esiti: daOperatore(true, bene(), assente, bene())},
		"POST /operatore/richieste/:id/prendi":        {richiesta: daPrendere, esiti: daOperatore(false, vai("/operatore/richieste/"), assente, proibito)},
		"POST /operatore/richieste/:id/apri":          {richiesta: daPrendere, esiti: daOperatore(false, vai("/operatore/richieste/"), assente, proibito)},
		"POST /operatore/prossima":                    {esiti: daOperatore(false, vai("/operatore/richieste/"), vai("/operatore"), proibito)},
		"POST /operatore/richieste/:id/checklist":     {richiesta: lavorazione, esiti: daOperatore(false, vai("/operatore/richieste/"), assente, proibito)},
		// Empty decisions: refused with the errors, nothing decided.
		"POST /operatore/richieste/:id/approva":      {richiesta: lavorazione, esiti: daOperatore(false, stato(http.StatusOK), assente, proibito)},
		"POST /operatore/richieste/:id/respingi":     {richiesta: lavorazione, esiti: daOperatore(false, stato(http.StatusUnprocessableEntity), assente, proibito)},
		"POST /operatore/richieste/:id/integrazione": {richiesta: lavorazione, esiti: daOperatore(false, stato(http.StatusUnprocessableEntity), assente, proibito)},
		"GET /operatore/sportello":                   {esiti: daOperatore(true, bene(), bene(), proibito)},
		"POST /operatore/sportello":                  {esiti: daOperatore(false, vai("/richieste/"), vai("/richieste/"), proibito)},
		"GET /statistiche":                           {esiti: daOperatore(true, bene(), bene(), bene())},
		"GET /statistiche.csv":                       {esiti: daOperatore(true, bene(), bene(), bene())},

		"GET /amministrazione":                             {esiti: daAmministratore(true, bene())},
		"GET /amministrazione/operatori":                   {esiti: daAmministratore(true, bene())},
		"POST /amministrazione/operatori":                  {esiti: daAmministratore(false, stato(http.StatusUnprocessableEntity))},
		"POST /amministrazione/operatori/:uid/sospensione": {esiti: daAmministratore(false, stato(http.StatusUnprocessableEntity))},
		"GET /amministrazione/sedi/:codice":                {esiti: daAmministratore(true, bene())},
		"POST /amministrazione/sedi/:codice":               {esiti: daAmministratore(false, stato(http.StatusUnprocessableEntity))},
		"GET /amministrazione/privacy":                     {esiti: daAmministratore(true, bene())},
		"POST /amministrazione/privacy":                    {esiti: daAmministratore(false, vai("/amministrazione"))},
		"POST /amministrazione/richieste/:id/sede":         {esiti: daAmministratore(false, stato(http.StatusUnprocessableEntity))},
		"GET /amministrazione/audit":                       {esiti: daAmministratore(true, bene())},
		"GET /operatore/richieste/:id/:azione":             {esiti: daOperatore(true, vai("/operatore/richieste/"), vai("/operatore/richieste/"), vai("/operatore/richieste/"))},
		"POST /amministrazione/posta/riprova":              {esiti: daAmministratore(false, vai("/operatore/posta"))},
		"GET /amministrazione/copia.tar":                   {esiti: daAmministratore(true, bene())},
		"GET /amministrazione/operatori/:uid/lettera.pdf":  {esiti: daAmministratore(true, stato(http.StatusConflict))},
		// The operator of the matrix is active: there is nothing to re-issue.
		"POST /amministrazione/operatori/:uid/attivazione": {esiti: daAmministratore(false, stato(http.StatusConflict))},

		"GET /attivazione/passo":  {esiti: tutti(vai("/attivazione"))},
		"POST /attivazione/passo": {esiti: tutti(vai("/attivazione"))},
		"GET /accedi/codice":      {esiti: tutti(vai("/accedi"))},
		"POST /accedi/codice":     {esiti: tutti(vai("/accedi"))},
		// The request is not approved: there is no letter to print.
		"GET /operatore/richieste/:id/lettera.pdf": {esiti: daOperatore(true, assente, assente, proibito)},

		"GET /account/sessioni":          {esiti: loggato(vai("/accedi?dopo="), bene())},
		"GET /account/accessi":           {esiti: loggato(vai("/accedi?dopo="), bene())},
		"GET /account/password":          {esiti: loggato(vai("/accedi?dopo="), bene())},
		"GET /account/totp":              {esiti: loggato(vai("/accedi?dopo="), bene())},
		"POST /account/sessioni/termina": {esiti: loggato(stato(http.StatusUnauthorized), assente)},
		"POST /account/password":         {esiti: loggato(stato(http.StatusUnauthorized), stato(http.StatusUnprocessableEntity))},
		// Accounts without TOTP have none to change.
		"POST /account/totp": {esiti: map[string]esito{anonimo: stato(http.StatusUnauthorized), altro: stato(http.StatusConflict), titolare: stato(http.StatusConflict),
			admin: stato(http.StatusUnprocessableEntity), opSede: stato(http.StatusUnprocessableEntity), opAltra: stato(http.StatusUnprocessableEntity)}},
		"POST /sessione/rinnova":                   {esiti: loggato(stato(http.StatusUnauthorized), stato(http.StatusNoContent))},
		"GET /operatore/account":                   {esiti: daOperatore(true, bene(), bene(), proibito)},
		"POST /operatore/account/:uid/sospendi":    {esiti: daOperatore(false, assente, assente, proibito)},
		"POST /operatore/account/:uid/revoca":      {esiti: daOperatore(false, assente, assente, proibito)},
		"POST /operatore/account/:uid/totp":        {esiti: daOperatore(false, assente, assente, proibito)},
		"POST /operatore/account/:uid/attivazione": {esiti: daOperatore(false, assente, assente, proibito)},

		"GET /attivazione":  {esiti: tutti(bene())},
		"POST /attivazione": {esiti: tutti(stato(http.StatusUnprocessableEntity))},
	}
}

func anagraficaDelTitolare(m *matrice) corpo {
	return corpo{form: datiPassi(m.persona, m.oggi)[domain.PassoAnagrafica]}
}

func unFile(m *matrice) corpo {
	return corpo{parti: []parte{{Campo: "documento_retro", File: "retro.png", Tipo: "image/png", Dati: pngPiccolo(m.t)}}}
}

// matrice is the installation the matrix runs against.
type matrice struct {
	t         *testing.T
	app       *testapp.T
	persona   persona
	oggi      time.Time
	richieste map[string]uint64
	utenti    map[string]*visitatore
	operatore uint64 // the operator of the other sede, whom the administrator may suspend
	notifica  uint64 // a message of sede PI's outbox
	medico    uint64 // a doctor of the referente's structure (accesso_struttura_test.go)
}

func TestAccessoOgniRottaOgniRuolo(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	m := &matrice{t: t, app: app, persona: p, oggi: app.Orologio.Now(), richieste: map[string]uint64{}, utenti: map[string]*visitatore{}}
	proprietario := nuovoRichiedente(t, app, p)
	m.utenti[titolare] = proprietario
	m.richieste[prossima] = proprietario.richiestaInviata(p)
	m.richieste[inviata] = proprietario.richiestaInviata(p)
	m.richieste[bozza] = proprietario.nuovaBozza()
	m.richieste[annullabile] = proprietario.nuovaBozza()
	m.richieste[lavorazione] = proprietario.richiestaInviata(p)
	m.richieste[daPrendere] = proprietario.richiestaInviata(p)
	m.utenti[altro] = nuovoRichiedente(t, app, anna())
	m.utenti[admin] = amministratore(t, app)
	m.utenti[anonimo] = nuovoVisitatore(t, app)
	m.utenti[opSede], _ = nuovoOperatore(t, app, "Paola", "Pisani", "PI")
	var altra *domain.Utente
	m.utenti[opAltra], altra = nuovoOperatore(t, app, "Marco", "Milanesi", "MI")
	m.operatore = altra.ID
	m.conStrutture()
	m.utenti[opSede].prendi(m.richieste[lavorazione])
	prot := mustRichiesta(t, app, m.richieste[inviata]).Protocollo
	if pag, err := app.App.Store.Posta(store.QueryPosta{Sede: "PI", PerPag: 1}); err != nil || len(pag.Notifiche) != 1 {
		t.Fatalf("no message of PI: %v", err)
	} else {
		m.notifica = pag.Notifiche[0].ID
	}

	tabella := attese()
	conStruttureAttese(tabella)
	var chiavi []string
	registrate := map[string]bool{}
	for _, r := range app.App.Fiber.GetRoutes(true) {
		k := r.Method + " " + r.Path
		if registrate[k] {
			continue
		}
		registrate[k] = true
		if r.Method == http.MethodHead {
			if _, ok := tabella["GET "+r.Path]; !ok {
				t.Errorf("route %s has no expectation in the access matrix", k)
			}
			continue
		}
		rt, ok := tabella[k]
		if !ok {
			t.Errorf("route %s has no expectation in the access matrix", k)
			continue
		}
		for _, ruolo := range ruoli {
			if _, ok := rt.esiti[ruolo]; !ok {
				t.Errorf("route %s has no expectation for %s", k, ruolo)
			}
		}
		chiavi = append(chiavi, k)
	}
	for k := range tabella {
		if !registrate[k] {
			t.Errorf("the access matrix expects %s, which is not registered", k)
		}
	}
	sort.SliceStable(chiavi, func(i, j int) bool { return !tabella[chiavi[i]].ultima && tabella[chiavi[j]].ultima })

	// What no one but the owner may see.
	segreti := []string{p.CF, p.Email, prot, "Via Roma 1", "CA12345AB"}
	prima := map[string]string{}
	for k, id := range m.richieste {
		prima[k] = salvata(t, app, id)
	}
	for _, ruolo := range ruoli {
		t.Run(ruolo, func(t *testing.T) {
			for _, k := range chiavi {
				rt := tabella[k]
				metodo, path, _ := strings.Cut(k, " ")
				metodi := []string{metodo}
				if metodo == http.MethodGet {
					metodi = append(metodi, http.MethodHead)
				}
				for _, metodo := range metodi {
					t.Run(metodo+" "+path, func(t *testing.T) {
						r := m.chiama(t, ruolo, metodo, k, rt)
						want := rt.esiti[ruolo]
						if r.Status != want.status {
							t.Errorf("%s %s as %s: status %d, want %d (Location %q)\n%s", metodo, m.url(k, rt), ruolo, r.Status, want.status, r.Location(), estratto(r.Testo))
						}
						if want.dove != "" && !strings.HasPrefix(r.Location(), want.dove) {
							t.Errorf("%s %s as %s: Location %q, want %q…", metodo, m.url(k, rt), ruolo, r.Location(), want.dove)
						}
						if ruolo == altro || ruolo == anonimo || ruolo == opAltra || ruolo == refStruttura || ruolo == refAltra {
							for _, s := range segreti {
								if strings.Contains(r.Body, s) {
									t.Errorf("%s %s as %s: the body shows the owner's %q", metodo, m.url(k, rt), ruolo, s)
								}
							}
						}
					})
				}
			}
		})
		if ruolo != titolare {
			for k, id := range m.richieste {
				if ruolo == opSede && (k == lavorazione || k == daPrendere || k == prossima) {
					continue // the operator of the sede works on these
				}
				if salvata(t, app, id) != prima[k] {
					t.Errorf("%s changed the owner's request %s", ruolo, k)
				}
			}
		}
	}
	if r := mustRichiesta(t, app, m.richieste[annullabile]); r.Stato != domain.StatoAnnullata {
		t.Errorf("the owner's annulla left the draft %s", r.Stato)
	}
}

// url is the route's path with its parameters filled in.
func (m *matrice) url(k string, rt rotta) string {
	_, path, _ := strings.Cut(k, " ")
	quale := rt.richiesta
	if quale == "" {
		quale = inviata
	}
	path = strings.NewReplacer(
		":id", strconv.FormatUint(m.richieste[quale], 10),
		":passo", string(domain.PassoAnagrafica),
		":tipo", string(domain.AllegatoDocumentoFronte),
		":codice", "PI",
		":uid", strconv.FormatUint(m.operatore, 10),
		":nid", strconv.FormatUint(m.notifica, 10),
		":mid", strconv.FormatUint(m.medico, 10),
		":nome", "spid",
		":n", "1",
	).Replace(path)
	if strings.HasSuffix(path, "/*") {
		path = static.URL("css/app.css")
	}
	return path + rt.query
}

func (m *matrice) chiama(t *testing.T, ruolo, metodo, k string, rt rotta) risposta {
	v := m.utenti[ruolo]
	v.t = t
	path := m.url(k, rt)
	if metodo != http.MethodPost {
		return v.do(v.richiesta(metodo, path, nil))
	}
	c := corpo{}
	if rt.corpo != nil {
		c = rt.corpo(m)
	}
	if c.parti != nil {
		body, ct := corpoMultipart(t, v.csrf(), c.parti...)
		req := v.richiesta(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		return v.do(req)
	}
	return v.post(path, c.form)
}

func TestAllegatoScaricatoComeCaricato(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	id := v.nuovaBozza()
	v.compila(id, p)
	files := v.caricaValidi(id)
	v.invia(id)
	for _, f := range files {
		t.Run(f.Campo, func(t *testing.T) {
			r := v.get(urlRichiesta(id) + "/allegati/" + f.Campo)
			vuole(t, r, http.StatusOK)
			comeCaricato(t, f.Tipo, f.Dati, []byte(r.Body))
			if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
				t.Errorf("Content-Disposition %q", cd)
			}
			if ct := r.Header.Get("Content-Type"); ct != f.Tipo {
				t.Errorf("Content-Type %q, want %q", ct, f.Tipo)
			}
			if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
				t.Errorf("Cache-Control %q", cc)
			}
			if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q", got)
			}
		})
	}
	// The files are stored encrypted: no plaintext on disk.
	for _, f := range files {
		if trovaNelDisco(t, app.App.Config.AllegatiDir(), f.Dati) {
			t.Errorf("%s is stored in clear", f.Campo)
		}
	}
	controlla(t, v.get(urlRichiesta(id)+"/allegati/nessuno"), http.StatusNotFound, "", []string{"Allegato non trovato."}, nil)
}
