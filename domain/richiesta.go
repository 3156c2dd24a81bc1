// Package domain holds Abilita's plain types and rules: requests, their states,
// profiles and validation. It knows nothing of HTTP or storage.
package domain

import "time"

// SchemaRichiesta is the version of the stored shape of a Richiesta.
const SchemaRichiesta = 1

// Percorso is the way a request reached the Institute (DESIGN.md §1.1).
type Percorso string

// The three application paths.
const (
	PercorsoSportello     Percorso = "sportello"     // A: at the counter of a sede
	PercorsoInailRisponde Percorso = "inailrisponde" // B: ticket with strong credentials
	PercorsoOnline        Percorso = "online"        // C: online with generic credentials
)

// AlloSportello reports whether the request was registered at a sede's
// counter (path A).
func (p Percorso) AlloSportello() bool { return p == PercorsoSportello }

// EtichettaSesso is how a page writes the sex of a document: "Femminile",
// "Maschile".
func EtichettaSesso(s string) string {
	switch s {
	case "F":
		return "Femminile"
	case "M":
		return "Maschile"
	}
	return s
}

// EtichettaSesso is the sex as a page writes it.
func (a Anagrafica) EtichettaSesso() string { return EtichettaSesso(a.Sesso) }

// DaUnAccount reports whether the request was filed by its applicant from
// an account in Abilita (paths B and C), which then receives the credentials.
func (p Percorso) DaUnAccount() bool { return p == PercorsoOnline || p == PercorsoInailRisponde }

// InailRisponde reports whether the request was filed with a strong
// credential (path B).
func (p Percorso) InailRisponde() bool { return p == PercorsoInailRisponde }

// Etichetta is the Italian label of the path.
func (p Percorso) Etichetta() string {
	switch p {
	case PercorsoSportello:
		return "Sportello"
	case PercorsoInailRisponde:
		return "InailRisponde"
	case PercorsoOnline:
		return "Online"
	}
	return string(p)
}

// Profilo is what the applicant asks to be enabled as.
type Profilo string

// The profiles a request can ask for (DESIGN.md §2).
const (
	ProfiloMedicoEsterno     Profilo = "medico_esterno"
	ProfiloReferentePresidio Profilo = "referente_presidio"
	ProfiloMedicoPatronato   Profilo = "medico_patronato"
)

// Profili lists the profiles in the order the form shows them.
var Profili = []Profilo{ProfiloMedicoEsterno, ProfiloReferentePresidio, ProfiloMedicoPatronato}

// Etichetta is the Italian label of the profile.
func (p Profilo) Etichetta() string {
	switch p {
	case ProfiloMedicoEsterno:
		return "Medico esterno"
	case ProfiloReferentePresidio:
		return "Referente di presidio ospedaliero"
	case ProfiloMedicoPatronato:
		return "Medico di patronato"
	case ProfiloMedicoOspedaliero:
		return "Medico ospedaliero"
	}
	return string(p)
}

// Medico reports whether the profile belongs to a doctor, who must declare
// the registration with the Ordine dei Medici.
func (p Profilo) Medico() bool { return p == ProfiloMedicoEsterno || p == ProfiloMedicoPatronato }

// MedicoEsterno and MedicoPatronato ask which doctor's profile p is.
func (p Profilo) MedicoEsterno() bool   { return p == ProfiloMedicoEsterno }
func (p Profilo) MedicoPatronato() bool { return p == ProfiloMedicoPatronato }

// Referente reports whether the profile is the hospital structure's referente.
func (p Profilo) Referente() bool { return p == ProfiloReferentePresidio }

// TipoRichiesta says whether the request asks for a new enablement, a change or a revocation.
type TipoRichiesta string

// The kinds of request.
const (
	TipoNuova      TipoRichiesta = "nuova"
	TipoVariazione TipoRichiesta = "variazione"
	TipoRevoca     TipoRichiesta = "revoca"
)

// TipiRichiesta lists the kinds in the order the form shows them.
var TipiRichiesta = []TipoRichiesta{TipoNuova, TipoVariazione, TipoRevoca}

// Revoca reports whether the request asks to revoke credentials, which issues none.
func (t TipoRichiesta) Revoca() bool { return t == TipoRevoca }

// Etichetta is the Italian label of the kind.
func (t TipoRichiesta) Etichetta() string {
	switch t {
	case TipoNuova:
		return "Nuova abilitazione"
	case TipoVariazione:
		return "Variazione di un'abilitazione"
	case TipoRevoca:
		return "Revoca di un'abilitazione"
	}
	return string(t)
}

// TipoAllegato names the three attachments every request carries.
type TipoAllegato string

// The attachments of a request.
const (
	AllegatoDocumentoFronte TipoAllegato = "documento_fronte"
	AllegatoDocumentoRetro  TipoAllegato = "documento_retro"
	AllegatoModuloFirmato   TipoAllegato = "modulo_firmato"
)

// TipiAllegato lists the attachments in the order the form asks for them.
var TipiAllegato = []TipoAllegato{AllegatoDocumentoFronte, AllegatoDocumentoRetro, AllegatoModuloFirmato}

// Etichetta is the Italian label of the attachment.
func (t TipoAllegato) Etichetta() string {
	switch t {
	case AllegatoDocumentoFronte:
		return "Documento di riconoscimento (fronte)"
	case AllegatoDocumentoRetro:
		return "Documento di riconoscimento (retro)"
	case AllegatoModuloFirmato:
		return "Modulo di richiesta firmato"
	}
	return string(t)
}

// Allegato describes a stored, encrypted attachment. The file itself lives in
// the attachments folder under ID; ChiaveCifrata is its wrapped data key.
type Allegato struct {
	ID            string    `json:"id"`
	Tipo          string    `json:"tipo"` // MIME type
	NomeOriginale string    `json:"nome_originale"`
	Byte          int64     `json:"byte"`
	SHA256        string    `json:"sha256"`
	ChiaveCifrata []byte    `json:"chiave_cifrata"`
	Caricato      time.Time `json:"caricato"`
}

// Anagrafica is the applicant's personal data.
type Anagrafica struct {
	Cognome          string `json:"cognome"`
	Nome             string `json:"nome"`
	CodiceFiscale    string `json:"codice_fiscale"`
	Sesso            string `json:"sesso"`        // "M" or "F"
	DataNascita      string `json:"data_nascita"` // YYYY-MM-DD
	LuogoNascita     string `json:"luogo_nascita"`
	ProvinciaNascita string `json:"provincia_nascita"` // sigla, "EE" abroad
	CodiceLuogo      string `json:"codice_luogo"`      // Belfiore code resolved from LuogoNascita
	Cittadinanza     string `json:"cittadinanza"`
}

// Residenza is where the applicant lives; its comune decides the sede.
type Residenza struct {
	Indirizzo string `json:"indirizzo"`
	CAP       string `json:"cap"`
	Comune    string `json:"comune"`
	Provincia string `json:"provincia"`
}

// Contatti are the addresses the Institute writes to.
type Contatti struct {
	Email    string `json:"email"`
	PEC      string `json:"pec"`
	Telefono string `json:"telefono"`
}

// Ordine is the registration with the Ordine dei Medici.
type Ordine struct {
	Provincia      string `json:"provincia"`
	Numero         string `json:"numero"`
	DataIscrizione string `json:"data_iscrizione"`
}

// Struttura is the hospital structure a referente di presidio represents.
type Struttura struct {
	Denominazione          string `json:"denominazione"`
	Codice                 string `json:"codice"`
	Azienda                string `json:"azienda"` // ASL / azienda ospedaliera
	Indirizzo              string `json:"indirizzo"`
	PEC                    string `json:"pec"`
	FirmatarioDesignazione string `json:"firmatario_designazione"` // legale rappresentante or direttore sanitario
}

// Patronato is the patronato a medico di patronato works for.
type Patronato struct {
	Denominazione string `json:"denominazione"`
	Sede          string `json:"sede"`
	CodiceFiscale string `json:"codice_fiscale"`
}

// Documento is the identity document the operator checks the data against.
type Documento struct {
	Tipo         string `json:"tipo"`
	Numero       string `json:"numero"`
	RilasciatoDa string `json:"rilasciato_da"`
	DataRilascio string `json:"data_rilascio"`
	DataScadenza string `json:"data_scadenza"`
}

// TipiDocumento lists the accepted identity documents.
var TipiDocumento = []string{"Carta d'identità", "Carta d'identità elettronica", "Passaporto", "Patente di guida", "Tessera dell'Ordine dei Medici"}

// Dichiarazioni are the declarations the applicant must make.
type Dichiarazioni struct {
	DPR445       bool `json:"dpr445"`       // DPR 445/2000 artt. 46-47
	Privacy      bool `json:"privacy"`      // informativa art. 13 GDPR
	Riservatezza bool `json:"riservatezza"` // regole di riservatezza delle credenziali
}

// Evento is one step of a request's history.
type Evento struct {
	Quando time.Time `json:"quando"`
	Da     Stato     `json:"da"`
	A      Stato     `json:"a"`
	Chi    uint64    `json:"chi"`
	Nota   string    `json:"nota,omitempty"`
}

// Richiesta is a domanda di abilitazione.
type Richiesta struct {
	Schema      int           `json:"schema"`
	Versione    uint64        `json:"versione,omitempty"` // incremented by every save: what a check made outside the transaction saw
	ID          uint64        `json:"id"`
	Protocollo  string        `json:"protocollo,omitempty"`
	Percorso    Percorso      `json:"percorso"`
	Stato       Stato         `json:"stato"`
	Richiedente uint64        `json:"richiedente"` // user who filed it
	Sede        string        `json:"sede,omitempty"`
	Tipo        TipoRichiesta `json:"tipo"`
	Profilo     Profilo       `json:"profilo"`

	Anagrafica    Anagrafica    `json:"anagrafica"`
	Residenza     Residenza     `json:"residenza"`
	Contatti      Contatti      `json:"contatti"`
	Ordine        Ordine        `json:"ordine"`
	Struttura     Struttura     `json:"struttura"`
	Patronato     Patronato     `json:"patronato"`
	Documento     Documento     `json:"documento"`
	Dichiarazioni Dichiarazioni `json:"dichiarazioni"`
	Urgente       bool          `json:"urgente"`
	MotivoUrgenza string        `json:"motivo_urgenza,omitempty"`

	Allegati map[TipoAllegato]Allegato `json:"allegati,omitempty"`
	Storia   []Evento                  `json:"storia,omitempty"`

	// Precedente is the rejected request this one was filed again from.
	Precedente uint64 `json:"precedente,omitempty"`

	Operatore    uint64         `json:"operatore,omitempty"` // who took it in charge
	Checklist    Checklist      `json:"checklist"`
	Esito        *Esito         `json:"esito,omitempty"`
	Integrazioni []Integrazione `json:"integrazioni,omitempty"`
	// Comunicazioni is the conversation of a request of path B.
	Comunicazioni []Comunicazione `json:"comunicazioni,omitempty"`

	Creata     time.Time `json:"creata"`
	Aggiornata time.Time `json:"aggiornata"`
	Inviata    time.Time `json:"inviata,omitzero"`
}

// NomeCompleto is "Cognome Nome" as the Institute writes it.
func (r *Richiesta) NomeCompleto() string {
	return r.Anagrafica.Cognome + " " + r.Anagrafica.Nome
}
