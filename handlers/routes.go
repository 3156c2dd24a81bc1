package handlers

import (
	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/static"
)

// routes registers every route in one table. Who may call each is stated by
// the middleware in front of it: nothing (anyone), h.utente (logged in),
// h.verificato (logged in with a verified e-mail) or h.ruolo(…).
func (h *Handlers) routes(app *fiber.App) {
	app.Get("/healthz", h.healthz)
	app.Get("/readyz", h.readyz)
	app.Get("/static/*", static.Handler())

	app.Use(h.sicurezza, h.sessione, h.limitaCorpo, h.csrf)

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
	app.Get("/richieste", richiedente, h.mieRichieste)
	app.Post("/richieste", richiedente, h.verificato, h.nuovaRichiesta)
	app.Get("/richieste/:id", richiedente, h.dettaglioRichiesta)
	app.Get("/richieste/:id/passo/:passo", richiedente, h.verificato, h.passoForm)
	app.Post("/richieste/:id/passo/:passo", richiedente, h.verificato, h.salvaPasso)
	app.Post("/richieste/:id/passo/:passo/verifica", richiedente, h.verificato, h.verificaPasso)
	app.Post("/richieste/:id/allegati", richiedente, h.verificato, h.caricaAllegati)
	app.Get("/richieste/:id/allegati/:tipo", richiedente, h.scaricaAllegato)
	app.Get("/richieste/:id/modulo.pdf", richiedente, h.moduloRichiesta)
	app.Post("/richieste/:id/invia", richiedente, h.verificato, h.inviaRichiesta)
	app.Get("/richieste/:id/ricevuta", richiedente, h.ricevuta)
	app.Get("/richieste/:id/ricevuta.pdf", richiedente, h.ricevutaPDF)
	app.Post("/richieste/:id/annulla", richiedente, h.annullaRichiesta)

	app.Get("/amministrazione", h.ruolo(domain.RuoloAmministratore), h.amministrazione)

	app.Use(h.nonTrovata)
}
