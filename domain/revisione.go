package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MotivoRifiuto is a coded reason for rejecting a request (DESIGN.md §3).
type MotivoRifiuto string

// The rejection reasons.
const (
	MotivoDatiNonCorrispondenti MotivoRifiuto = "dati_non_corrispondenti"
	MotivoDocumento             MotivoRifiuto = "documento"
	MotivoModuloNonFirmato      MotivoRifiuto = "modulo_non_firmato"
	MotivoAllegatiMancanti      MotivoRifiuto = "allegati_mancanti"
	MotivoOrdine                MotivoRifiuto = "ordine"
	MotivoAltro                 MotivoRifiuto = "altro"
)

// MotiviRifiuto lists the reasons in the order the review page shows them.
var MotiviRifiuto = []MotivoRifiuto{MotivoDatiNonCorrispondenti, MotivoDocumento, MotivoModuloNonFirmato,
	MotivoAllegatiMancanti, MotivoOrdine, MotivoAltro}

// Etichetta is the Italian text of the reason, as the applicant reads it.
func (m MotivoRifiuto) Etichetta() string {
	switch m {
	case MotivoDatiNonCorrispondenti:
		return "Dati anagrafici non corrispondenti al documento"
	case MotivoDocumento:
		return "Documento scaduto o illeggibile"
	case MotivoModuloNonFirmato:
		return "Modulo non firmato"
	case MotivoAllegatiMancanti:
		return "Allegati mancanti"
	case MotivoOrdine:
		return "Iscrizione all'Ordine non verificabile"
	case MotivoAltro:
		return "Altro"
	}
	return string(m)
}

// Checklist is what the operator ticks while comparing the request with
// the document.
type Checklist struct {
	DatiCorrispondenti bool `json:"dati_corrispondenti"`
	DocumentoValido    bool `json:"documento_valido"`
	ModuloFirmato      bool `json:"modulo_firmato"`
	OrdinePlausibile   bool `json:"ordine_plausibile"`
}

// Completa reports whether every check that applies to the profile is ticked.
func (c Checklist) Completa(p Profilo) bool {
	return c.DatiCorrispondenti && c.DocumentoValido && c.ModuloFirmato && (c.OrdinePlausibile || !p.Medico())
}

// ChecklistCompleta is every check that applies to the profile, ticked:
// what an operator attests in one go when confirming an approval.
func ChecklistCompleta(p Profilo) Checklist {
	return Checklist{DatiCorrispondenti: true, DocumentoValido: true, ModuloFirmato: true, OrdinePlausibile: p.Medico()}
}

// Spuntate names the ticked checks, in the order of the form, for the audit log.
func (c Checklist) Spuntate() []string {
	var out []string
	for _, v := range []struct {
		nome string
		si   bool
	}{{"dati_corrispondenti", c.DatiCorrispondenti}, {"documento_valido", c.DocumentoValido}, {"modulo_firmato", c.ModuloFirmato}, {"ordine_plausibile", c.OrdinePlausibile}} {
		if v.si {
			out = append(out, v.nome)
		}
	}
	return out
}

// Esito is the decision on a request.
type Esito struct {
	Motivi       []MotivoRifiuto `json:"motivi,omitempty"`
	Nota         string          `json:"nota,omitempty"`
	CodiceMedico string          `json:"codice_medico,omitempty"`
	Chi          uint64          `json:"chi"`
	Quando       time.Time       `json:"quando"`
}

// Integrazione is one request for more information and the applicant's answer.
type Integrazione struct {
	Messaggio  string    `json:"messaggio"`
	Chiesta    time.Time `json:"chiesta"`
	Risposta   string    `json:"risposta,omitempty"`
	Risposto   time.Time `json:"risposto,omitzero"`
	Sostituito string    `json:"sostituito,omitempty"` // attachment replaced with the answer
}

// UltimaIntegrazione is the open or last request for more information.
func (r *Richiesta) UltimaIntegrazione() *Integrazione {
	if len(r.Integrazioni) == 0 {
		return nil
	}
	return &r.Integrazioni[len(r.Integrazioni)-1]
}

// ValidaRifiuto checks a rejection: at least one reason, and a text when the
// reason is "altro".
func ValidaRifiuto(motivi []MotivoRifiuto, nota string) Errori {
	e := Errori{}
	if len(motivi) == 0 {
		e.Add("motivi", "Indica almeno un motivo del rifiuto.")
	}
	for _, m := range motivi {
		if !slices.Contains(MotiviRifiuto, m) {
			e.Add("motivi", "Motivo non valido.")
		}
	}
	if slices.Contains(motivi, MotivoAltro) && strings.TrimSpace(nota) == "" {
		e.Add("nota", "Spiega il motivo «Altro» nel testo.")
	}
	if msg := ControllaTestoLungo(nota); msg != "" {
		e.Add("nota", msg)
	}
	return e
}

// MaxTestoLungo is the longest message an operator or applicant may write.
const MaxTestoLungo = 4000

// ControllaTestoLungo is ControllaTesto for messages: newlines and tabs
// allowed, a longer limit.
func ControllaTestoLungo(v string) string {
	switch {
	case !utf8.ValidString(v):
		return "Il testo contiene caratteri non validi."
	case utf8.RuneCountInString(v) > MaxTestoLungo:
		return fmt.Sprintf("Il testo è troppo lungo: al massimo %d caratteri.", MaxTestoLungo)
	case strings.ContainsAny(v, "<>"):
		return "I caratteri < e > non sono ammessi."
	}
	for _, r := range v {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return "Il testo contiene caratteri di controllo non ammessi."
		}
		if nascosto(r) {
			return msgNascosto
		}
	}
	return ""
}
