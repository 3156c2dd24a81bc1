package cns

import (
	"time"

	"abilita/domain"
	"abilita/forte"
)

// Motivo tells why a certificate is refused.
type Motivo = forte.Motivo

// Reasons of refusal.
const (
	MotivoNessunCertificato Motivo = "nessun_certificato"
	MotivoIntestazione      Motivo = "intestazione"
	MotivoScaduto           Motivo = "scaduto"
	MotivoNonAncoraValido   Motivo = "non_ancora_valido"
	MotivoNonFidato         Motivo = "non_fidato"
	MotivoUsoChiave         Motivo = "uso_chiave"
	MotivoCodiceFiscale     Motivo = "codice_fiscale"
)

// Errore is a refused certificate (forte.Rifiuto): Causa, when there is
// one, is what crypto/x509 or cf said, for the log only.
type Errore = forte.Rifiuto

// The refusals, to compare with errors.Is. Verifica returns copies that
// may say more (the expiry date) and carry the cause.
var (
	ErrNessunCertificato = &Errore{Motivo: MotivoNessunCertificato,
		Messaggio: "Il browser non ha presentato alcun certificato. Inserisci la carta nel lettore, riapri la pagina e scegli il certificato della carta quando il browser lo chiede."}
	ErrIntestazione = &Errore{Motivo: MotivoIntestazione,
		Messaggio: "Non è stato possibile leggere il certificato della carta. Riprova; se il problema continua, rivolgiti all'assistenza."}
	ErrScaduto = &Errore{Motivo: MotivoScaduto,
		Messaggio: "Il certificato della carta è scaduto."}
	ErrNonAncoraValido = &Errore{Motivo: MotivoNonAncoraValido,
		Messaggio: "Il certificato della carta non è ancora valido."}
	ErrNonFidato = &Errore{Motivo: MotivoNonFidato,
		Messaggio: "Il certificato non è stato rilasciato da un'autorità riconosciuta."}
	ErrUsoChiave = &Errore{Motivo: MotivoUsoChiave,
		Messaggio: "Il certificato scelto non serve all'autenticazione. Scegli il certificato di autenticazione della carta."}
	ErrCodiceFiscale = &Errore{Motivo: MotivoCodiceFiscale,
		Messaggio: "Il certificato non contiene un codice fiscale valido."}
)

// scaduto says on which day, in Italy, the certificate expired.
func scaduto(il time.Time) *Errore {
	e := ErrScaduto.Con(nil)
	e.Messaggio = "Il certificato della carta è scaduto il " + il.In(domain.Roma).Format("02/01/2006") + "."
	return e
}

// nonAncoraValido says from which day the certificate is valid.
func nonAncoraValido(dal time.Time) *Errore {
	e := ErrNonAncoraValido.Con(nil)
	e.Messaggio = "Il certificato della carta sarà valido dal " + dal.In(domain.Roma).Format("02/01/2006") + "."
	return e
}
