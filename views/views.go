// Package views holds Abilita's templates (embedded) and the functions they use.
// Pages include the header and footer partials; no layout is used (DESIGN.md §5).
// Each page file pages/NAME.html renders the whole document and defines its
// content block "contenuto/NAME", which htmx requests get alone.
package views

import (
	"embed"
	"fmt"
	"html/template"
	"strings"
	"time"

	"abilita/domain"
	"abilita/static"
)

// FS holds every template.
//
//go:embed pages partials mail
var FS embed.FS

// Pagina names a page template.
type Pagina string

// The pages.
const (
	PaginaHome                  Pagina = "home"
	PaginaGuida                 Pagina = "guida"
	PaginaPercorsoSportello     Pagina = "percorso_sportello"
	PaginaPercorsoInailRisponde Pagina = "percorso_inailrisponde"
	PaginaPercorsoOnline        Pagina = "percorso_online"
	PaginaSedi                  Pagina = "sedi"
	PaginaPrivacy               Pagina = "privacy"
	PaginaRegole                Pagina = "regole"
	PaginaRegistrazione         Pagina = "registrazione"
	PaginaRegistrazioneInviata  Pagina = "registrazione_inviata"
	PaginaVerificaEmail         Pagina = "verifica_email"
	PaginaAccedi                Pagina = "accedi"
	PaginaPasswordDimenticata   Pagina = "password_dimenticata"
	PaginaReimpostaPassword     Pagina = "reimposta_password"
	PaginaConfigurazione        Pagina = "configurazione"
	PaginaArea                  Pagina = "area"
	PaginaMieRichieste          Pagina = "mie_richieste"
	PaginaRichiesta             Pagina = "richiesta"
	PaginaPasso                 Pagina = "passo"
	PaginaRicevuta              Pagina = "ricevuta"
	PaginaAmministrazione       Pagina = "amministrazione"
	PaginaErrore                Pagina = "errore"

	PaginaCoda        Pagina = "coda"
	PaginaRevisione   Pagina = "revisione"
	PaginaPostaUscita Pagina = "posta_uscita"

	PaginaOperatori   Pagina = "operatori"
	PaginaAttivazione Pagina = "attivazione"
	PaginaSede        Pagina = "sede"
	PaginaAudit       Pagina = "audit"
	PaginaStatistiche Pagina = "statistiche"

	PaginaImpostazioniPrivacy Pagina = "impostazioni_privacy"

	PaginaAttivazionePasso Pagina = "attivazione_passo"
	PaginaCodice           Pagina = "codice"
	PaginaSessioni         Pagina = "sessioni"
	PaginaAccessi          Pagina = "accessi"
	PaginaCambioPassword   Pagina = "cambio_password"
	PaginaCambioTOTP       Pagina = "cambio_totp"
	PaginaOperatoreAccount Pagina = "operatore_account"
	PaginaIdentitaForte    Pagina = "identita_forte"
	PaginaAssistenza       Pagina = "assistenza"

	PaginaPrecompila   Pagina = "precompila"
	PaginaPrecompilata Pagina = "precompilata"
	PaginaSportello    Pagina = "sportello"
)

// The pages of hospital structures: the referente's, and the sede's view.
const (
	PaginaStruttura          Pagina = "struttura"
	PaginaOperatoreStruttura Pagina = "operatore_struttura"
)

// Pagine lists every page, so that a test can render each one.
var Pagine = []Pagina{PaginaHome, PaginaGuida, PaginaPercorsoSportello, PaginaPercorsoInailRisponde, PaginaPercorsoOnline,
	PaginaSedi, PaginaPrivacy, PaginaRegole, PaginaRegistrazione, PaginaRegistrazioneInviata, PaginaVerificaEmail,
	PaginaAccedi, PaginaPasswordDimenticata, PaginaReimpostaPassword, PaginaConfigurazione, PaginaArea,
	PaginaMieRichieste, PaginaRichiesta, PaginaPasso, PaginaRicevuta, PaginaAmministrazione, PaginaErrore,
	PaginaStruttura, PaginaOperatoreStruttura,
	PaginaCoda, PaginaRevisione, PaginaPostaUscita, PaginaOperatori, PaginaAttivazione, PaginaSede, PaginaAudit,
	PaginaStatistiche, PaginaImpostazioniPrivacy, PaginaPrecompila, PaginaPrecompilata, PaginaSportello,
	PaginaAttivazionePasso, PaginaCodice, PaginaSessioni, PaginaAccessi, PaginaCambioPassword, PaginaCambioTOTP, PaginaOperatoreAccount,
	PaginaIdentitaForte, PaginaAssistenza}

// Documento is the template name of the whole page.
func (p Pagina) Documento() string { return "pages/" + string(p) }

// Blocco is the template name of the page's content block.
func (p Pagina) Blocco() string { return "contenuto/" + string(p) }

// Base is what every page's view model embeds.
type Base struct {
	Titolo    string
	CSRF      string
	Utente    *domain.Utente
	Personale bool   // the page holds personal data: kept out of htmx's history cache
	Avviso    string // one-time message after a redirect
	Percorso  string // path of the page, to mark the active menu entry
	// ScadenzaSessione is how many seconds the session had left when the page
	// was rendered (0 without a session), for the idle warning. Relative, so
	// a client whose clock is wrong still warns in time.
	ScadenzaSessione int64
}

// Campo is one form field as the "campo" partial draws it.
type Campo struct {
	Nome, Etichetta, Valore, Errore string
	Tipo, Autocomplete, Aiuto       string
	Lista, Modo, Max                string
	Richiesto                       bool
	SolaLettura                     bool // shown, not to be changed (path B: what the credential verified)
}

// Con returns the field with options set, each "key=value": tipo, auto,
// aiuto, lista, modo (inputmode), max (maxlength); "richiesto" alone marks it
// required, "sola" read-only.
func (c Campo) Con(opts ...string) Campo {
	for _, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		switch k {
		case "tipo":
			c.Tipo = v
		case "auto":
			c.Autocomplete = v
		case "aiuto":
			c.Aiuto = v
		case "lista":
			c.Lista = v
		case "modo":
			c.Modo = v
		case "max":
			c.Max = v
		case "richiesto":
			c.Richiesto = true
		case "sola":
			c.SolaLettura = true
		default:
			panic(fmt.Sprintf("views: unknown field option %q", o))
		}
	}
	return c
}

// Rome is the time zone of every date shown to users.
var Rome = domain.Roma

// Quando is a moment as the pages write it, in Rome's time: "05/12/2026
// alle 16:37"; nothing for no moment.
func Quando(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Rome).Format("02/01/2006 alle 15:04")
}

// Funcs are the functions templates may call.
func Funcs() template.FuncMap {
	return template.FuncMap{
		"asset":  static.URL,
		"sprite": static.Sprite,
		"campo": func(nome, etichetta, valore string, errori domain.Errori) Campo {
			return Campo{Nome: nome, Etichetta: etichetta, Valore: valore, Errore: errori[nome], Tipo: "text"}
		},
		"data": func(s string) string { // YYYY-MM-DD → dd/mm/yyyy
			if t, ok := domain.ParseData(s); ok {
				return t.Format("02/01/2006")
			}
			return s
		},
		"quando": Quando,
		"sesso":  domain.EtichettaSesso,
		"kb":     func(n int64) string { return fmt.Sprintf("%d KB", (n+1023)/1024) },
		"selezionato": func(a, b string) template.HTMLAttr {
			if a == b {
				return "selected"
			}
			return ""
		},
		"dichiarati": func(r *domain.Richiesta, luogo string, livello int) DatiDichiarati {
			return DatiDichiarati{R: r, Luogo: luogo, Livello: livello}
		},
		"titolo": Titolo,
		"spuntato": func(b bool) template.HTMLAttr {
			if b {
				return "checked"
			}
			return ""
		},
	}
}

// Operatore, Amministratore and Richiedente say who is looking at the
// page, so that templates ask a question rather than compare role names.
func (b Base) Operatore() bool { return b.Utente != nil && b.Utente.Ruolo == domain.RuoloOperatore }

func (b Base) Amministratore() bool {
	return b.Utente != nil && b.Utente.Ruolo == domain.RuoloAmministratore
}

func (b Base) Richiedente() bool { return b.Utente != nil && b.Utente.Ruolo == domain.RuoloRichiedente }

// DatiDichiarati is what the "dati_dichiarati" partial draws: the data a
// request declares, grouped, under headings of level Livello. The applicant's
// summary and the operator's review show them with it, in the same words.
type DatiDichiarati struct {
	R       *domain.Richiesta
	Luogo   string // the birthplace as "Comune (PR)", when known
	Livello int    // 2 to 6
}

// Titolo is a heading of level livello (2 to 6) with the class of a smaller
// one, as the pages size their groups of data.
func Titolo(livello int, testo string) template.HTML {
	livello = min(max(livello, 2), 6)
	// Whole class names, so that the stylesheet's build (static/bundle/purga.mjs)
	// finds them in this file: h5 for a level-2 heading, h6 below.
	classe := "h6 mt-3"
	if livello == 2 {
		classe = "h5 mt-3"
	}
	return template.HTML(fmt.Sprintf(`<h%d class="%s">%s</h%d>`, livello, classe, template.HTMLEscapeString(testo), livello))
}
