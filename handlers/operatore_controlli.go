package handlers

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"

	"abilita/domain"
)

// The automatic checks of DESIGN.md §3 as the operator sees them. They run
// on a copy of the request: validation normalises fields, and nothing here
// may be saved.

// The results of a check.
const (
	controlloOK         = "ok"
	controlloAttenzione = "attenzione"
	controlloErrore     = "errore"
)

// controlloVM is one automatic check and its result.
type controlloVM struct {
	Titolo    string
	Esito     string // controlloOK, controlloAttenzione or controlloErrore
	Sintesi   string
	Dettagli  []string
	Duplicati []domain.Richiesta
}

// OK, Attenzione and Errore let the template choose the icon and colour.
func (c controlloVM) OK() bool         { return c.Esito == controlloOK }
func (c controlloVM) Attenzione() bool { return c.Esito == controlloAttenzione }
func (c controlloVM) Errore() bool     { return c.Esito == controlloErrore }

func (h *Handlers) controlliAutomatici(r *domain.Richiesta) []controlloVM {
	now := h.Now()
	il := r.Inviata
	if il.IsZero() {
		il = now
	}
	// The account that filed the request, read once for the checks that
	// look at it (nil when there is none, or it cannot be read: the checks
	// then say it is not verified).
	var richiedente *domain.Utente
	if r.Percorso == domain.PercorsoOnline || r.Percorso.InailRisponde() {
		if u, err := h.Store.Utente(r.Richiedente); err == nil {
			richiedente = u
		}
	}
	cs := []controlloVM{
		controlloPasso(r, domain.PassoAnagrafica, il, "Codice fiscale e dati anagrafici",
			"Il codice fiscale è corretto e coerente con cognome, nome, sesso, data e luogo di nascita."),
		controlloDocumento(r, il, now),
		h.controlloDuplicati(r),
		controlloEmail(r, richiedente),
		controlloPasso(r, domain.PassoAllegati, il, "Allegati", "Fronte e retro del documento e modulo firmato sono presenti."),
	}
	if r.Percorso.InailRisponde() {
		cs = append(cs, controlloIdentitaDigitale(r, richiedente))
	}
	if r.Tipo != domain.TipoRevoca && r.Stato.Aperta() {
		cs = append(cs, h.controlloTitolare(r))
	}
	return cs
}

// controlloTitolare says, before the decision, who an approval would give
// the credentials to, or why it could not.
func (h *Handlers) controlloTitolare(r *domain.Richiesta) controlloVM {
	c := controlloVM{Titolo: "Destinatario delle credenziali"}
	t, err := h.Store.TitolareDi(r)
	switch {
	case domain.CodiceDi(err) == domain.ErrConflitto:
		c.Esito, c.Sintesi = controlloErrore, domain.MessaggioDi(err)
	case err != nil:
		h.Log.Error("finding the holder of a request", "id", r.ID, "err", err)
		c.Esito, c.Sintesi = controlloAttenzione, "Non è stato possibile verificare il destinatario: riprova più tardi."
	case t.Utente == nil:
		c.Esito, c.Sintesi = controlloOK, "L'approvazione crea un account per "+t.CodiceFiscale+" con l'indirizzo del modulo, "+t.Email+"."
	case r.Percorso.DaUnAccount():
		c.Esito, c.Sintesi = controlloOK, "Le credenziali vanno all'account che ha presentato la richiesta, con l'indirizzo confermato "+t.Email+"."
	default:
		c.Esito, c.Sintesi = controlloOK, "Le credenziali vanno all'account con l'indirizzo del modulo, "+t.Email+"."
	}
	return c
}

// controlloPasso validates one step of the form on a copy of r.
func controlloPasso(r *domain.Richiesta, p domain.Passo, il time.Time, titolo, ok string) controlloVM {
	copia := *r
	e := copia.Valida(p, il)
	if len(e) == 0 {
		return controlloVM{Titolo: titolo, Esito: controlloOK, Sintesi: ok}
	}
	c := controlloVM{Titolo: titolo, Esito: controlloErrore, Sintesi: "Il controllo segnala problemi:"}
	for _, campo := range ordinaCampi(e) {
		c.Dettagli = append(c.Dettagli, etichettaCampo(campo)+": "+e[campo])
	}
	return c
}

// controlloDocumento checks the document on the request date and warns
// when it has expired since.
func controlloDocumento(r *domain.Richiesta, il, now time.Time) controlloVM {
	c := controlloPasso(r, domain.PassoDocumento, il, "Validità del documento",
		"Il documento era in corso di validità alla data della richiesta ("+il.In(domain.Roma).Format("02/01/2006")+").")
	if scadenza, ok := domain.ParseData(r.Documento.DataScadenza); ok && c.OK() && scadenza.AddDate(0, 0, 1).Before(now) {
		c.Esito = controlloAttenzione
		c.Dettagli = append(c.Dettagli, "Il documento è scaduto dopo l'invio, il "+scadenza.Format("02/01/2006")+".")
	}
	return c
}

// statiDuplicato are the states in which another request of the same person
// is a duplicate: still open, or already approved.
var statiDuplicato = []domain.Stato{domain.StatoInviata, domain.StatoInLavorazione, domain.StatoIntegrazioneRichiesta, domain.StatoApprovata, domain.StatoAttiva}

// controlloDuplicati looks, in every sede, for other requests of the same
// codice fiscale that are still open or were approved for the same profile,
// and for an account already enabled for that profile.
func (h *Handlers) controlloDuplicati(r *domain.Richiesta) controlloVM {
	c := controlloVM{Titolo: "Richieste duplicate"}
	altre, err := h.Store.RichiestePerCF(r.Anagrafica.CodiceFiscale)
	if err != nil {
		h.Log.Error("looking for duplicate requests", "id", r.ID, "err", err)
		c.Esito, c.Sintesi = controlloAttenzione, "Non è stato possibile cercare i duplicati: riprova più tardi."
		return c
	}
	for _, d := range altre {
		aperta := d.Stato == domain.StatoInviata || d.Stato == domain.StatoInLavorazione || d.Stato == domain.StatoIntegrazioneRichiesta
		if d.ID != r.ID && slices.Contains(statiDuplicato, d.Stato) && (aperta || d.Profilo == r.Profilo) {
			c.Duplicati = append(c.Duplicati, d)
		}
	}
	if u, err := h.Store.UtentePerCF(r.Anagrafica.CodiceFiscale); err == nil {
		for _, a := range u.Abilitazioni {
			if a.Profilo == r.Profilo && a.RichiestaID != r.ID {
				c.Dettagli = append(c.Dettagli, "Il codice fiscale è già abilitato come «"+a.Profilo.Etichetta()+"» presso "+h.nomeSede(a.Sede)+".")
			}
		}
	}
	if len(c.Duplicati) == 0 && len(c.Dettagli) == 0 {
		c.Esito, c.Sintesi = controlloOK, "Non ci sono altre richieste aperte né abilitazioni per questo profilo con lo stesso codice fiscale."
		return c
	}
	c.Esito, c.Sintesi = controlloAttenzione, "Con lo stesso codice fiscale ci sono altre richieste o abilitazioni:"
	return c
}

// controlloEmail says whether the applicant's address was verified: by the
// account's link (u, the filing account) for online requests, by the
// operator at the counter.
func controlloEmail(r *domain.Richiesta, u *domain.Utente) controlloVM {
	c := controlloVM{Titolo: "Indirizzo e-mail"}
	switch r.Percorso {
	case domain.PercorsoSportello:
		c.Esito, c.Sintesi = controlloOK, "Verificato allo sportello."
		return c
	case domain.PercorsoOnline, domain.PercorsoInailRisponde:
		switch {
		case u == nil || !u.Verificato():
			c.Esito, c.Sintesi = controlloErrore, "L'account del richiedente non ha confermato l'indirizzo e-mail."
		case !strings.EqualFold(u.Email, r.Contatti.Email):
			c.Esito, c.Sintesi = controlloAttenzione, "L'indirizzo indicato nella richiesta non è quello verificato dell'account."
			c.Dettagli = []string{"Nella richiesta: " + r.Contatti.Email, "Verificato con l'account: " + u.Email}
		default:
			c.Esito, c.Sintesi = controlloOK, "Verificato con il collegamento inviato all'account del richiedente."
		}
		return c
	}
	c.Esito, c.Sintesi = controlloAttenzione, "Richiesta giunta tramite "+r.Percorso.Etichetta()+": l'indirizzo e-mail non è stato verificato da Abilita."
	return c
}

// controlloIdentitaDigitale says, for a request of path B, which strong
// credential verified the applicant's identity, at what level, and that
// its codice fiscale is the one of the request; u is the filing account.
func controlloIdentitaDigitale(r *domain.Richiesta, u *domain.Utente) controlloVM {
	c := controlloVM{Titolo: "Identità digitale"}
	switch {
	case u == nil || u.VerificataCon() == "":
		c.Esito, c.Sintesi = controlloErrore, "L'account del richiedente non risulta verificato con una credenziale forte."
	case u.CodiceFiscale != r.Anagrafica.CodiceFiscale:
		c.Esito, c.Sintesi = controlloErrore, "Il codice fiscale della richiesta non è quello verificato con la credenziale."
		c.Dettagli = []string{"Nella richiesta: " + r.Anagrafica.CodiceFiscale, "Verificato con " + u.VerificataCon() + ": " + u.CodiceFiscale}
	case u.Forte != nil:
		c.Esito, c.Sintesi = controlloOK, "Identità verificata con "+u.Forte.Etichetta()+" il "+u.Forte.Quando.In(domain.Roma).Format("02/01/2006")+": codice fiscale "+u.CodiceFiscale+"."
		if u.Forte.Cognome != "" {
			c.Dettagli = []string{"Dalla credenziale: " + u.Forte.Cognome + " " + u.Forte.Nome}
		}
	default:
		c.Esito, c.Sintesi = controlloOK, "Richiesta presentata con "+u.VerificataCon()+": codice fiscale "+u.CodiceFiscale+"."
	}
	return c
}

// etichettaCampo names a form field in the operator's words.
func etichettaCampo(campo string) string {
	if l, ok := etichetteCampi[campo]; ok {
		return l
	}
	if t := domain.TipoAllegato(campo); slices.Contains(domain.TipiAllegato, t) {
		return t.Etichetta()
	}
	return campo
}

var etichetteCampi = map[string]string{
	"cognome": "Cognome", "nome": "Nome", "codice_fiscale": "Codice fiscale", "sesso": "Sesso",
	"data_nascita": "Data di nascita", "luogo_nascita": "Luogo di nascita", "provincia_nascita": "Provincia di nascita",
	"cittadinanza": "Cittadinanza", "res_indirizzo": "Indirizzo di residenza", "res_cap": "CAP", "res_comune": "Comune di residenza",
	"res_provincia": "Provincia di residenza", "email": "E-mail", "pec": "PEC", "telefono": "Telefono",
	"doc_tipo": "Tipo di documento", "doc_numero": "Numero del documento", "doc_rilasciato_da": "Rilasciato da",
	"doc_rilascio": "Data di rilascio", "doc_scadenza": "Data di scadenza",
}

// ordineCampi is the order of the form's fields.
var ordineCampi = []string{"cognome", "nome", "codice_fiscale", "sesso", "data_nascita", "luogo_nascita", "provincia_nascita",
	"cittadinanza", "res_indirizzo", "res_cap", "res_comune", "res_provincia", "email", "pec", "telefono",
	"doc_tipo", "doc_numero", "doc_rilasciato_da", "doc_rilascio", "doc_scadenza"}

// ordinaCampi lists the fields with errors in the order of the form, any
// other after them by name.
func ordinaCampi(e domain.Errori) []string {
	posizione := func(f string) int {
		if i := slices.Index(ordineCampi, f); i >= 0 {
			return i
		}
		return len(ordineCampi)
	}
	out := slices.Collect(maps.Keys(e))
	slices.SortFunc(out, func(a, b string) int {
		return cmp.Or(cmp.Compare(posizione(a), posizione(b)), strings.Compare(a, b))
	})
	return out
}
