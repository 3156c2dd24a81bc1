package pdf

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"abilita/domain"
)

// Lettera is what the activation letter prints: whom it is for, what was
// enabled, and part 2 of the two-part activation code with its expiry.
type Lettera struct {
	// Consegna is who hands the letter over: the sede for credential holders,
	// or an empty Sede for operators and administrators, to whom the
	// administrator of the service gives it.
	Consegna        Sede
	Cognome, Nome   string
	Identificativo  string // the login name: codice fiscale, or e-mail address for staff
	Profilo         string // "Medico esterno", "Operatore di sede", …
	CodiceMedico    string
	CodiceStruttura string
	Protocollo      string    // the approved request, when there is one
	Parte2          string    // as people read it, e.g. "ABCD-EFGH-JK"
	Scade           time.Time // the code is refused from this moment
	Indirizzo       string    // the activation page, e.g. https://abilita.inail.it/attivazione
}

const (
	titoloLettera       = "Lettera di attivazione delle credenziali"
	sottotitoloLettera  = "Documento riservato e personale: va consegnato solo al destinatario, dopo averne verificato l'identità con un documento di riconoscimento."
	notaLettera         = "Documento riservato. Non fotografarlo, non inoltrarlo, distruggilo dopo l'attivazione."
	etichettaParte2     = "Codice di attivazione – seconda parte"
	etichettaScadenzaP2 = "Valido fino al"
	riservatezzaLettera = "Le credenziali sono personali. Non comunicare a nessuno questo codice, la password che sceglierai né i codici dell'app di autenticazione: nessun operatore Inail te li chiederà mai. Nessun altro, neppure un collaboratore dello studio o della struttura, può usare le tue credenziali, e non puoi accedere con quelle di un'altra persona. Se pensi che qualcuno abbia visto questo codice prima che tu lo usassi, chiedi alla sede di emetterne uno nuovo: il precedente smetterà di funzionare."
)

// LetteraAttivazione renders the activation letter: the sede (or the
// administration) hands it to the person, who types part 2 together with
// part 1, received by e-mail, on the activation page.
func LetteraAttivazione(l Lettera, generato time.Time) ([]byte, error) {
	if l.Parte2 == "" || l.Identificativo == "" {
		return nil, errors.New("pdf: lettera senza codice o identificativo")
	}
	consegna := "Amministrazione del servizio Abilita"
	if l.Consegna.Nome != "" {
		consegna = l.Consegna.Nome
	}
	riferimenti := []campo{casella("Consegnata da", consegna, 2), casella("Generata il", generato.In(roma).Format("02/01/2006"), 0.8)}
	if l.Protocollo != "" {
		riferimenti = []campo{casella("Consegnata da", consegna, 1.6), casella("Richiesta approvata", l.Protocollo, 1.2),
			casella("Generata il", generato.In(roma).Format("02/01/2006"), 0.8)}
	}
	return genera(impostazioni{
		titolo:      titoloLettera,
		oggetto:     titoloLettera + " – " + strings.TrimSpace(l.Nome+" "+l.Cognome),
		testata:     "Inail – " + titoloLettera,
		riferimento: unisci(strings.TrimSpace(l.Nome+" "+l.Cognome), l.Identificativo),
		nota:        notaLettera,
		generato:    generato,
		disegnaCorpo: func(d *documento) {
			d.intestazione(riferimenti, titoloLettera, sottotitoloLettera)
			letteraDestinatario(d, l)
			d.sezione("Codice di attivazione")
			d.paragrafo("Il codice di attivazione è in due parti. La prima ti è stata inviata per e-mail; la seconda è quella stampata qui sotto. Servono entrambe, una sola volta, entro la scadenza indicata.", "", 10, nero)
			d.codiceAttivazione(l.Parte2, l.Scade.In(roma).Format("02/01/2006 alle 15:04"))
			letteraIstruzioni(d, l)
			d.sezione("Riservatezza")
			d.paragrafo(riservatezzaLettera, "", 10, nero)
		},
	})
}

func letteraDestinatario(d *documento, l Lettera) {
	d.sezione("Destinatario")
	etichetta := "Codice fiscale"
	if strings.Contains(l.Identificativo, "@") {
		etichetta = "Indirizzo e-mail"
	}
	d.riga(casella("Cognome e nome", strings.TrimSpace(l.Cognome+" "+l.Nome), 2), casella(etichetta+" (nome utente)", l.Identificativo, 1.4))
	abilitazione := []campo{casella("Profilo", l.Profilo, 2)}
	if l.CodiceMedico != "" {
		abilitazione = append(abilitazione, casella("Codice medico", l.CodiceMedico, 1.4))
	}
	if l.CodiceStruttura != "" {
		abilitazione = append(abilitazione, casella("Codice struttura", l.CodiceStruttura, 1.4))
	}
	d.riga(abilitazione...)
}

func letteraIstruzioni(d *documento, l Lettera) {
	d.sezione("Come attivare le credenziali")
	nome := "il tuo codice fiscale"
	if strings.Contains(l.Identificativo, "@") {
		nome = "il tuo indirizzo e-mail"
	}
	passi := []string{
		"1. Apri la pagina " + l.Indirizzo + " (oppure vai su Abilita e scegli «Attiva le credenziali»).",
		"2. Indica " + nome + ", la prima parte del codice ricevuta per e-mail e la seconda parte stampata su questa lettera.",
		fmt.Sprintf("3. Scegli la tua password: almeno %d caratteri; una frase facile da ricordare va benissimo.", domain.MinPassword),
		"4. Configura un'app di autenticazione sul telefono (per esempio Google Authenticator, Microsoft Authenticator o FreeOTP) inquadrando il QR code mostrato, e conferma con il codice a 6 cifre che l'app genera.",
		"5. Leggi e accetta le regole di riservatezza delle credenziali.",
		"6. Conserva in un luogo sicuro i dieci codici di recupero: ti servono per accedere se perdi il telefono.",
	}
	for _, p := range passi {
		d.paragrafo(p, "", 10, nero)
	}
}

// codiceAttivazione draws the highlighted band with a code in large
// monospaced letters and, on the right, its expiry.
func (d *documento) codiceAttivazione(codice, scadenza string) {
	d.fascia(24, 0.62, etichettaParte2, func(x, y, w float64) {
		d.f.SetFont("Courier", "B", 26)
		d.f.SetTextColor(blu.r, blu.g, blu.b)
		d.scrivi(x, y+8.5, w, 12, []string{d.tr(codice)}, "L")
	}, etichettaScadenzaP2, scadenza)
}
