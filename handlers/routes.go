package handlers

import (
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"

	"abilita/domain"
	"abilita/forte/cns"
	"abilita/static"
)

// routes registers every route in one table. Who may call each is stated by
// the middleware in front of it: nothing (anyone), h.utente (logged in),
// h.verificato (logged in with a verified e-mail) or h.ruolo(…).
func (h *Handlers) routes(app *fiber.App) {
	app.Get("/healthz", h.healthz)
	app.Get("/readyz", h.readyz)
	app.Get("/static/*", static.Handler())
	app.Get("/metrics", h.metriche.servi())

	// Pages go compressed when the browser accepts it (brotli or gzip at their
	// fastest: pages are small and made per visitor). The static files have
	// theirs made once (static.Handler); documents are sent as they are.
	app.Use(compress.New(compress.Config{Level: compress.LevelBestSpeed, Next: nonComprimere}))
	app.Use(h.registro, h.sicurezza, h.sessione, h.limitaCorpo, h.csrf)

	app.Get("/", h.home)
	app.Get("/guida", h.guida)
	app.Get("/percorsi/sportello", h.percorsoSportello)
	app.Get("/percorsi/inailrisponde", h.percorsoInailRisponde)
	app.Get("/percorsi/online", h.percorsoOnline)
	app.Get("/sedi", h.sedi)
	app.Get("/modulo.pdf", h.moduloVuoto)
	app.Get("/luoghi", h.luoghi)
	app.Get("/privacy", h.privacy)
	app.Get("/regole-riservatezza", h.regoleRiservatezza)

	app.Get("/registrazione", h.registrazioneForm)
	app.Post("/registrazione", h.registrazione)
	app.Get("/verifica-email", h.verificaEmailForm)
	app.Post("/verifica-email", h.verificaEmail)
	app.Post("/verifica-email/invia", h.utente, h.reinviaVerifica)
	app.Get("/accedi", h.accediForm)
	app.Post("/accedi", h.accedi)
	app.Post("/esci", h.esci)
	app.Get("/password-dimenticata", h.passwordDimenticataForm)
	app.Post("/password-dimenticata", h.passwordDimenticata)
	app.Get("/reimposta-password", h.reimpostaPasswordForm)
	app.Post("/reimposta-password", h.reimpostaPassword)
	app.Get("/configurazione", h.configurazioneForm)
	app.Post("/configurazione", h.configurazione)

	app.Get("/area", h.utente, h.area)

	richiedente := h.ruolo(domain.RuoloRichiedente)
	// The request form serves applicants (path C) and operators entering a
	// request at the counter (path A): each may only touch the drafts it created.
	compilatore := h.ruolo(domain.RuoloRichiedente, domain.RuoloOperatore)
	app.Get("/richieste", richiedente, h.mieRichieste)
	app.Get("/assistenza", richiedente, h.assistenza)
	app.Post("/richieste", richiedente, h.verificato, h.nuovaRichiesta)
	app.Get("/richieste/:id", richiedente, h.dettaglioRichiesta)
	app.Get("/richieste/:id/passo/:passo", compilatore, h.verificato, h.passoForm)
	app.Post("/richieste/:id/passo/:passo", compilatore, h.verificato, h.salvaPasso)
	app.Post("/richieste/:id/passo/:passo/verifica", compilatore, h.verificato, h.verificaPasso)
	h.caricamento(app, "/richieste/:id/allegati", compilatore, h.verificato, h.caricaAllegati)
	app.Get("/richieste/:id/allegati/:tipo", richiedente, h.scaricaAllegato)
	app.Get("/richieste/:id/modulo.pdf", compilatore, h.moduloRichiesta)
	app.Post("/richieste/:id/invia", compilatore, h.verificato, h.inviaRichiesta)
	app.Get("/richieste/:id/ricevuta", compilatore, h.ricevuta)
	app.Get("/richieste/:id/ricevuta.pdf", compilatore, h.ricevutaPDF)
	app.Post("/richieste/:id/annulla", richiedente, h.annullaRichiesta)
	h.caricamento(app, "/richieste/:id/risposta", richiedente, h.rispostaIntegrazione)
	// Path B: the conversation of the ticket, each message with a file.
	h.caricamento(app, "/richieste/:id/messaggi", richiedente, h.scriviRichiedente)
	app.Get("/richieste/:id/messaggi/:n/file", richiedente, h.fileComunicazioneRichiedente)

	app.Get("/precompila", h.precompilaForm)
	app.Post("/precompila", h.precompila)
	app.Post("/precompila/verifica", h.verificaPrecompila)
	app.Get("/precompila/modulo.pdf", h.precompilataPDF)

	operatore := h.ruolo(domain.RuoloOperatore)
	sede := h.ruolo(domain.RuoloOperatore, domain.RuoloAmministratore)
	app.Get("/operatore", operatore, h.coda)
	app.Get("/operatore/conteggi", operatore, h.conteggi)
	app.Get("/operatore/posta", sede, h.postaInUscita)
	app.Post("/operatore/posta/:nid/reinvia", sede, h.reinviaMessaggio)
	app.Get("/operatore/richieste/:id", sede, h.revisione)
	app.Get("/operatore/richieste/:id/allegati/:tipo", sede, h.documentoOperatore)
	app.Post("/operatore/richieste/:id/apri", operatore, h.apri)
	app.Post("/operatore/richieste/:id/prendi", operatore, h.prendiInCarico)
	app.Post("/operatore/prossima", operatore, h.prossima)
	app.Post("/operatore/richieste/:id/checklist", operatore, h.salvaChecklist)
	app.Post("/operatore/richieste/:id/approva", operatore, h.approva)
	app.Post("/operatore/richieste/:id/respingi", operatore, h.respingi)
	app.Post("/operatore/richieste/:id/integrazione", operatore, h.chiediIntegrazione)
	h.caricamento(app, "/operatore/richieste/:id/messaggi", operatore, h.scriviOperatore)
	app.Get("/operatore/richieste/:id/messaggi/:n/file", sede, h.fileComunicazioneSede)
	app.Get("/operatore/sportello", operatore, h.sportello)
	app.Post("/operatore/sportello", operatore, h.nuovaRichiestaSportello)
	app.Get("/statistiche", sede, h.statistiche)
	app.Get("/statistiche.csv", sede, h.statisticheCSV)

	admin := h.ruolo(domain.RuoloAmministratore)
	app.Get("/amministrazione", admin, h.amministrazione)
	app.Get("/amministrazione/operatori", admin, h.operatori)
	app.Post("/amministrazione/operatori", admin, h.creaOperatore)
	app.Post("/amministrazione/operatori/:uid/sospensione", admin, h.sospensioneOperatore)
	app.Get("/amministrazione/sedi/:codice", admin, h.sedeForm)
	app.Post("/amministrazione/sedi/:codice", admin, h.salvaSede)
	app.Get("/amministrazione/privacy", admin, h.impostazioniPrivacyForm)
	app.Post("/amministrazione/privacy", admin, h.salvaImpostazioniPrivacy)
	app.Post("/amministrazione/richieste/:id/sede", admin, h.reinstrada)
	app.Get("/amministrazione/audit", admin, h.registroAudit)
	app.Post("/amministrazione/posta/riprova", admin, h.riprovaOra)
	app.Get("/amministrazione/copia.tar", admin, h.copiaDiSicurezza)
	app.Get("/amministrazione/operatori/:uid/lettera.pdf", admin, h.letteraOperatore)
	app.Post("/amministrazione/operatori/:uid/attivazione", admin, h.riemettiAttivazioneStaff)

	// Credentials: activation with the two-part code, the second factor at
	// login, the account pages, and the operators' actions on accounts.
	app.Get("/attivazione", h.attivazioneForm)
	app.Post("/attivazione", h.attivazione)
	app.Get("/attivazione/passo", h.attivazionePassoForm)
	app.Post("/attivazione/passo", h.attivazionePasso)
	// Strong sign-in (path B): SPID and CIE, the CNS card, and the address
	// asked of a person signing in the first time.
	app.Get("/accedi/oidc/:nome", h.accessoOIDC)
	app.Get("/accedi/oidc/:nome/ritorno", h.ritornoOIDC)
	app.Get(cns.Percorso, h.accessoCNS)
	app.Get("/accedi/forte", h.identitaForteForm)
	app.Post("/accedi/forte", h.identitaForte)
	app.Get("/accedi/codice", h.codiceForm)
	app.Post("/accedi/codice", h.codice)
	app.Get("/operatore/richieste/:id/lettera.pdf", operatore, h.letteraAttivazione)
	// A decision refused shows the review page at the address it was
	// posted to: reloading it, or going back to it, opens the review page.
	app.Get("/operatore/richieste/:id/:azione", sede, h.allaRevisione)

	app.Get("/account/sessioni", h.utente, h.sessioniAttive)
	app.Post("/account/sessioni/termina", h.utente, h.terminaSessione)
	app.Get("/account/accessi", h.utente, h.accessiRecenti)
	app.Get("/account/password", h.utente, h.cambioPasswordForm)
	app.Post("/account/password", h.utente, h.cambioPassword)
	app.Get("/account/totp", h.utente, h.cambioTOTPForm)
	app.Post("/account/totp", h.utente, h.cambioTOTP)
	app.Post("/sessione/rinnova", h.utente, h.rinnovaSessione)
	app.Get("/operatore/account", operatore, h.accountOperatore)
	app.Post("/operatore/account/:uid/sospendi", operatore, h.sospendiAccount)
	app.Post("/operatore/account/:uid/revoca", operatore, h.revocaAccount)
	app.Post("/operatore/account/:uid/totp", operatore, h.resetTOTPAccount)
	app.Post("/operatore/account/:uid/attivazione", operatore, h.riemettiAttivazione)

	// Hospital structures: the referente's area with its medici
	// ospedalieri, and the sede's view of a structure.
	app.Get("/struttura", h.referente, h.struttura)
	app.Post("/struttura/medici", h.referente, h.abilitaMedico)
	app.Post("/struttura/medici/:mid/sospendi", h.referente, h.sospendiMedico)
	app.Post("/struttura/medici/:mid/revoca", h.referente, h.revocaMedico)
	app.Post("/struttura/medici/:mid/attivazione", h.referente, h.nuovoCodiceMedico)
	app.Get("/struttura/medici/:mid/lettera.pdf", h.referente, h.letteraMedico)
	app.Get("/operatore/struttura", sede, h.strutturaSede)
	app.Post("/operatore/struttura/medici/:mid/sospendi", operatore, h.sospendiMedicoSede)

	app.Use(h.nonTrovata)
}

// caricamento registers an upload: a POST whose multipart body is streamed
// to its handler, past the form-size cap (limitaCorpo), with the CSRF token
// as its first part (csrf). The middleware runs before any route matches,
// so it asks h.caricamenti, filled here, whether a path is an upload.
func (h *Handlers) caricamento(app *fiber.App, path string, handlers ...fiber.Handler) {
	parametro := regexp.MustCompile(`/:[a-z]+`)
	h.caricamenti = append(h.caricamenti, regexp.MustCompile("^"+parametro.ReplaceAllString(regexp.QuoteMeta(path), "/[^/]+")+"$"))
	app.Post(path, handlers...)
}

// nonComprimere picks the responses that gain nothing from compression:
// the attachments (images and PDFs, compressed already), the PDFs Abilita
// makes, and the backup archive, which is streamed.
func nonComprimere(c *fiber.Ctx) bool {
	p := c.Path()
	return strings.Contains(p, "/allegati/") || strings.Contains(p, "/messaggi/") ||
		strings.HasSuffix(p, ".pdf") || strings.HasSuffix(p, ".tar")
}
