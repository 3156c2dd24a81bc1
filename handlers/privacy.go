package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/pdf"
	"abilita/posta"
	"abilita/views"
)

// privacyVM is the privacy notice: the contacts an administrator set and
// the periods for which the service keeps each kind of data.
type privacyVM struct {
	views.Base
	Impostazioni  domain.ImpostazioniPrivacy
	Conservazione conservazione
	ContactCenter string
	// TelContactCenter is ContactCenter as a tel: link dials it.
	TelContactCenter string
}

// conservazione are the limits the code enforces on what it keeps, as the
// notice states them: the page draws them from the same constants and
// settings the code applies, so that it cannot say otherwise.
type conservazione struct {
	NonConfermata        string // domain.DurataNonConfermato
	VerificaEmail        string // Config.TokenTTL
	ReimpostaPassword    string // domain.DurataReset
	CodiceAttivazione    string // Config.AttivazioneTTL
	ProceduraAttivazione string // domain.DurataAttivazione
	Precompila           string // durataPrecompilata
	SessioneInattiva     string // Config.SessionIdle
	SessioneMassima      string // Config.SessionMax
	CookieDispositivo    string // durataDispositivo
	TentativiAccesso     int    // domain.MaxAccessi
}

// Note are the administrator's notes, one paragraph a line.
func (vm privacyVM) Note() []string {
	var out []string
	for riga := range strings.Lines(vm.Impostazioni.Note) {
		if riga = strings.TrimSpace(riga); riga != "" {
			out = append(out, riga)
		}
	}
	return out
}

// privacyAttuale is the privacy notice kept in memory for anonymous
// visitors, with the contacts it was drawn from.
type privacyAttuale struct {
	impostazioni domain.ImpostazioniPrivacy
	pagina       memo[paginaFissa]
}

// privacy shows the privacy notice, drawn again when an administrator
// changes its contacts.
func (h *Handlers) privacy(c *fiber.Ctx) error {
	imp, err := h.Store.ImpostazioniPrivacy()
	if err != nil {
		return err
	}
	attuale, _ := h.pagine.privacy.prendi(
		func(a *privacyAttuale) bool { return a.impostazioni == imp },
		func() (*privacyAttuale, error) { return &privacyAttuale{impostazioni: imp}, nil })
	return h.fissa(c, &attuale.pagina, views.PaginaPrivacy, "Informativa sul trattamento dei dati personali",
		func(b views.Base) any { return h.privacyVM(b, attuale.impostazioni) })
}

func (h *Handlers) privacyVM(b views.Base, imp domain.ImpostazioniPrivacy) privacyVM {
	return privacyVM{Base: b, Impostazioni: imp, ContactCenter: pdf.ContactCenter,
		TelContactCenter: "+39" + strings.ReplaceAll(pdf.ContactCenter, ".", ""),
		Conservazione: conservazione{
			NonConfermata:        posta.Durata(domain.DurataNonConfermato),
			VerificaEmail:        posta.Durata(h.cfg.TokenTTL),
			ReimpostaPassword:    posta.Durata(domain.DurataReset),
			CodiceAttivazione:    posta.Durata(h.cfg.AttivazioneTTL),
			ProceduraAttivazione: posta.Durata(domain.DurataAttivazione),
			Precompila:           posta.Durata(durataPrecompilata),
			SessioneInattiva:     posta.Durata(h.cfg.SessionIdle),
			SessioneMassima:      posta.Durata(h.cfg.SessionMax),
			CookieDispositivo:    posta.Durata(durataDispositivo),
			TentativiAccesso:     domain.MaxAccessi,
		}}
}
