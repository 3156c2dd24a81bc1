package handlers

import (
	"github.com/gofiber/fiber/v2"

	"abilita/views"
)

// The help desk's category tree (path B, DESIGN.md §1): a person signed in
// with a strong credential opens a support request in the category
// "Prestazioni a tutela del Lavoratore – Assistenza ai servizi online –
// Registrazione ed autenticazione", which is the enablement request. The
// other categories are not Abilita's: the page says where they go.

// categoriaAssistenza is one branch of the tree; Abilitazione marks the one
// that opens the enablement request here.
type categoriaAssistenza struct {
	Titolo, Descrizione string
	Abilitazione        bool
	Sotto               []categoriaAssistenza
}

// categorieAssistenza are the top of the help desk's tree.
var categorieAssistenza = []categoriaAssistenza{
	{Titolo: "Prestazioni a tutela del Lavoratore", Sotto: []categoriaAssistenza{
		{Titolo: "Assistenza ai servizi online", Sotto: []categoriaAssistenza{
			{Titolo: "Registrazione ed autenticazione", Abilitazione: true,
				Descrizione: "Abilitazione ai servizi telematici dei certificati medici di infortunio e malattia professionale: medici e referenti di presidio ospedaliero."},
			{Titolo: "Utilizzo dei servizi online", Descrizione: "Difficoltà nell'uso di un servizio già abilitato."},
		}},
		{Titolo: "Infortuni e malattie professionali", Descrizione: "Denunce, certificati, prestazioni economiche e sanitarie."},
	}},
	{Titolo: "Aziende e datori di lavoro", Descrizione: "Assicurazione, premi, autoliquidazione."},
	{Titolo: "Intermediari e professionisti", Descrizione: "Deleghe e servizi per consulenti, associazioni e patronati."},
}

// voceAssistenza is a leaf of the tree with the path that leads to it.
type voceAssistenza struct {
	categoriaAssistenza
	Percorso string // "Prestazioni a tutela del Lavoratore – … – Registrazione ed autenticazione"
}

// foglie flattens the tree into its leaves, each named by its whole path.
func foglie(cs []categoriaAssistenza, sopra string) []voceAssistenza {
	var out []voceAssistenza
	for _, c := range cs {
		percorso := c.Titolo
		if sopra != "" {
			percorso = sopra + " – " + c.Titolo
		}
		if len(c.Sotto) == 0 {
			out = append(out, voceAssistenza{categoriaAssistenza: c, Percorso: percorso})
			continue
		}
		out = append(out, foglie(c.Sotto, percorso)...)
	}
	return out
}

type assistenzaVM struct {
	views.Base
	Voci       []voceAssistenza
	InailURL   string
	Verificata bool // the account's identity was verified by a strong credential
}

// assistenza shows the category tree to a signed-in applicant.
func (h *Handlers) assistenza(c *fiber.Ctx) error {
	u := utenteDi(c)
	return h.render(c, fiber.StatusOK, views.PaginaAssistenza, assistenzaVM{
		Base: h.personale(c, "Nuova richiesta di assistenza"), Voci: foglie(categorieAssistenza, ""),
		InailURL: h.cfg.InailRispondeURL, Verificata: u.VerificataCon() != "",
	})
}
