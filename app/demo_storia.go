package app

import (
	"abilita/domain"
)

// The story of the demo: six weeks of the Sede di Pisa, told with the steps
// of demo_azioni.go and demo_richieste.go in the order they happened. The
// people are invented; their codici fiscali are computed, their comuni come
// from the ANPR archive, their addresses end in .example, which no mail
// ever reaches.

// sedeDemo is the sede of the story.
const sedeDemo = "PI"

var (
	mariaBianchi = persona{Cognome: "Bianchi", Nome: "Maria", Sesso: "F", Nascita: "1978-04-12", LuogoNascita: "Pisa", ProvinciaNascita: "PI",
		Residenza: domain.Residenza{Indirizzo: "Via San Martino 48", CAP: "56125", Comune: "Pisa"},
		Email:     "maria.bianchi@posta.example", PEC: "maria.bianchi@pec.example", Telefono: "+39 333 1234567",
		Documento: domain.Documento{Tipo: "Carta d'identità elettronica", Numero: "CA48213BF", RilasciatoDa: "Comune di Pisa"},
		Ordine:    domain.Ordine{Provincia: "PI", Numero: "4521", DataIscrizione: "2004-02-16"}}
	lucaMarchetti = persona{Cognome: "Marchetti", Nome: "Luca", Sesso: "M", Nascita: "1983-09-30", LuogoNascita: "Livorno", ProvinciaNascita: "LI",
		Residenza: domain.Residenza{Indirizzo: "Via Tosco Romagnola 112", CAP: "56021", Comune: "Cascina"},
		Email:     "luca.marchetti@posta.example", Telefono: "+39 347 7654321",
		Documento: domain.Documento{Tipo: "Carta d'identità", Numero: "AU7392815", RilasciatoDa: "Comune di Cascina"},
		Ordine:    domain.Ordine{Provincia: "PI", Numero: "5187", DataIscrizione: "2009-11-05"}}
	francescaGallo = persona{Cognome: "Gallo", Nome: "Francesca", Sesso: "F", Nascita: "1990-01-22", LuogoNascita: "Lucca", ProvinciaNascita: "LU",
		Residenza: domain.Residenza{Indirizzo: "Via Roma 15", CAP: "56028", Comune: "San Miniato"},
		Email:     "francesca.gallo@posta.example", Telefono: "0571 401234",
		Documento: domain.Documento{Tipo: "Passaporto", Numero: "YA3456789", RilasciatoDa: "Questura di Pisa"},
		Ordine:    domain.Ordine{Provincia: "PI", Numero: "6034", DataIscrizione: "2016-07-14"}}
	chiaraMoretti = persona{Cognome: "Moretti", Nome: "Chiara", Sesso: "F", Nascita: "1987-11-08", LuogoNascita: "Argentina", ProvinciaNascita: "EE",
		Residenza: domain.Residenza{Indirizzo: "Via Garibaldi 21", CAP: "56124", Comune: "Pisa"},
		Email:     "chiara.moretti@posta.example", PEC: "chiara.moretti@pec.example",
		Documento: domain.Documento{Tipo: "Carta d'identità elettronica", Numero: "CA55120AC", RilasciatoDa: "Comune di Pisa"},
		Ordine:    domain.Ordine{Provincia: "PI", Numero: "5702", DataIscrizione: "2013-01-21"}}
	andreaFontana = persona{Cognome: "Fontana", Nome: "Andrea", Sesso: "M", Nascita: "1975-02-27", LuogoNascita: "Napoli", ProvinciaNascita: "NA",
		Residenza: domain.Residenza{Indirizzo: "Via Aurelia Nord 30", CAP: "56019", Comune: "Vecchiano"},
		Email:     "andrea.fontana@posta.example", Telefono: "+39 320 5558123",
		Documento: domain.Documento{Tipo: "Patente di guida", Numero: "PI5432187K", RilasciatoDa: "MIT-UCO"},
		Ordine:    domain.Ordine{Provincia: "NA", Numero: "28411", DataIscrizione: "2001-10-03"}}
	stefanoLombardi = persona{Cognome: "Lombardi", Nome: "Stefano", Sesso: "M", Nascita: "1969-06-03", LuogoNascita: "Pontedera", ProvinciaNascita: "PI",
		Residenza: domain.Residenza{Indirizzo: "Via Dante 8", CAP: "56025", Comune: "Pontedera"},
		Email:     "stefano.lombardi@posta.example", Telefono: "0587 273111",
		Documento: domain.Documento{Tipo: "Carta d'identità elettronica", Numero: "CA10577DE", RilasciatoDa: "Comune di Pontedera"}}
	marcoSantoro = persona{Cognome: "Santoro", Nome: "Marco", Sesso: "M", Nascita: "1962-12-14", LuogoNascita: "Palermo", ProvinciaNascita: "PA",
		Residenza: domain.Residenza{Indirizzo: "Via Carducci 5", CAP: "56010", Comune: "Vicopisano"},
		Email:     "marco.santoro@posta.example", PEC: "marco.santoro@pec.example",
		Documento: domain.Documento{Tipo: "Carta d'identità", Numero: "AX2218764", RilasciatoDa: "Comune di Vicopisano"},
		Ordine:    domain.Ordine{Provincia: "PI", Numero: "2210", DataIscrizione: "1990-05-28"}}
)

// conPatronato fills in the patronato of a medico di patronato.
func conPatronato(x *domain.Richiesta) {
	x.Patronato = domain.Patronato{Denominazione: "Patronato INCA CGIL", Sede: "Pisa"}
}

// storia tells the six weeks, and lists the requests for the console.
func (r *riempimento) storia() {
	// The service starts: the first administrator completes the data of the
	// sede and creates the account of its operator, who activates it.
	r.alle(42, 9, 0)
	admin := r.primoAmministratore(domain.Utente{Nome: "Paolo", Cognome: "Ferri", Email: "paolo.ferri@inail.example"})
	r.alle(42, 9, 20)
	nomeSede := r.completaSede(admin)
	r.d.Sede = nomeSede
	r.alle(42, 9, 30)
	codice := r.creaOperatore(admin, domain.Utente{Nome: "Giulia", Cognome: "Conti", Email: "giulia.conti@inail.example"}, sedeDemo)
	r.alle(41, 8, 45)
	op := r.attiva(codice, "Operatrice della "+nomeSede)

	// Two doctors register, ask online to be enabled as medici esterni, are
	// approved and activate their credentials.
	r.alle(41, 10, 0)
	bianchi := r.registra(mariaBianchi)
	r.alle(41, 10, 20)
	esternoBianchi := r.online(bianchi, r.richiesta(mariaBianchi, domain.ProfiloMedicoEsterno, nil))
	r.alle(40, 9, 10)
	r.prendi(op, esternoBianchi)
	r.poi(12)
	r.verifica(op, esternoBianchi, tutteLeVerifiche)
	r.poi(3)
	codice = r.approva(op, esternoBianchi)
	r.alle(40, 18, 30)
	r.attiva(codice, "Medico esterno, credenziali attive")

	r.alle(35, 11, 0)
	marchetti := r.registra(lucaMarchetti)
	r.alle(34, 15, 0)
	esternoMarchetti := r.online(marchetti, r.richiesta(lucaMarchetti, domain.ProfiloMedicoEsterno, nil))
	r.alle(33, 9, 0)
	r.prendi(op, esternoMarchetti)
	r.poi(10)
	r.verifica(op, esternoMarchetti, tutteLeVerifiche)
	r.poi(2)
	codice = r.approva(op, esternoMarchetti)
	r.alle(33, 21, 0)
	r.attiva(codice, "Medico esterno, credenziali attive")

	// Maria Bianchi asks for a second profile, then withdraws the request.
	r.alle(20, 17, 0)
	ritirata := r.online(bianchi, r.richiesta(mariaBianchi, domain.ProfiloMedicoPatronato, conPatronato))
	r.alle(19, 8, 30)
	r.annulla(bianchi, ritirata)

	// At the counter: the module Francesca Gallo brought is not signed.
	r.alle(15, 10, 0)
	respinta := r.sportello(op, r.richiesta(francescaGallo, domain.ProfiloMedicoEsterno, nil))
	r.poi(5)
	r.prendi(op, respinta)
	r.poi(6)
	r.verifica(op, respinta, domain.Checklist{DatiCorrispondenti: true, DocumentoValido: true, OrdinePlausibile: true})
	r.poi(2)
	r.respingi(op, respinta, "Il modulo consegnato non è firmato: può presentare una nuova richiesta con il modulo firmato.", domain.MotivoModuloNonFirmato)

	// Luca Marchetti asks to work for a patronato; the back of his document
	// cannot be read.
	r.alle(9, 16, 0)
	integrazione := r.online(marchetti, r.richiesta(lucaMarchetti, domain.ProfiloMedicoPatronato, conPatronato))
	r.alle(8, 10, 0)
	r.prendi(op, integrazione)
	r.poi(15)
	r.chiediIntegrazione(op, integrazione, "Il retro del documento di riconoscimento è illeggibile: carichi di nuovo una scansione nitida del retro.")

	// Chiara Moretti, born in Argentina, files online; the review is half done.
	r.alle(7, 19, 0)
	moretti := r.registra(chiaraMoretti)
	r.alle(6, 9, 30)
	inLavorazione := r.online(moretti, r.richiesta(chiaraMoretti, domain.ProfiloMedicoEsterno, nil))
	r.alle(4, 11, 0)
	r.prendi(op, inLavorazione)
	r.poi(20)
	r.verifica(op, inLavorazione, domain.Checklist{DatiCorrispondenti: true, DocumentoValido: true})

	// Andrea Fontana needs his credentials at once.
	r.alle(3, 18, 0)
	fontana := r.registra(andreaFontana)
	r.alle(2, 8, 30)
	urgente := r.online(fontana, r.richiesta(andreaFontana, domain.ProfiloMedicoEsterno, func(x *domain.Richiesta) {
		x.Urgente, x.MotivoUrgenza = true, "Devo trasmettere entro venerdì i certificati di infortunio di un paziente."
	}))

	// The referente of the hospital of Pontedera at the counter, approved
	// the next morning: his activation letter waits at the sede.
	r.alle(2, 10, 0)
	presidio := r.sportello(op, r.richiesta(stefanoLombardi, domain.ProfiloReferentePresidio, func(x *domain.Richiesta) {
		x.Struttura = domain.Struttura{Denominazione: "Presidio ospedaliero di Pontedera", Codice: "090601", Azienda: "Azienda USL Toscana nord ovest",
			Indirizzo: "Via Roma 151, 56025 Pontedera (PI)", PEC: "presidio.pontedera@pec.example", FirmatarioDesignazione: "Direttore sanitario"}
	}))
	r.poi(8)
	r.prendi(op, presidio)
	r.poi(10)
	r.verifica(op, presidio, tutteLeVerifiche)
	r.alle(1, 9, 0)
	inAttesa := r.approva(op, presidio)
	r.d.InAttesa = &inAttesa

	// Marco Santoro leaves his request at the counter; Maria Bianchi starts
	// a change of address and stops before the document.
	r.alle(1, 11, 0)
	sportello := r.sportello(op, r.richiesta(marcoSantoro, domain.ProfiloMedicoEsterno, nil))
	r.alle(1, 21, 0)
	variazione := r.richiesta(mariaBianchi, domain.ProfiloMedicoEsterno, func(x *domain.Richiesta) {
		x.Tipo, x.Residenza = domain.TipoVariazione, domain.Residenza{Indirizzo: "Lungarno Pacinotti 12", CAP: "56126", Comune: "Pisa"}
	})
	variazione.Documento, variazione.Dichiarazioni = domain.Documento{}, domain.Dichiarazioni{}
	bozza := r.bozza(bianchi, variazione)

	r.annota(bozza, "la sede non vede le bozze")
	r.annota(urgente, "urgente")
	r.annota(sportello, "registrata allo sportello")
	r.annota(inLavorazione, "verifica a metà")
	r.annota(integrazione, "Luca Marchetti può rispondere dalla sua area")
	r.annota(presidio, "la lettera di attivazione si stampa dalla revisione")
	r.annota(respinta, "modulo non firmato")
	r.annota(ritirata, "ritirata dalla richiedente")
	r.annota(esternoBianchi, "")
	r.annota(esternoMarchetti, "")
	r.riepilogo()
}

// completaSede gives the sede of the story the data the public needs, as
// the administrator's page does, and returns its name.
func (r *riempimento) completaSede(admin uint64) string {
	if r.err != nil {
		return ""
	}
	sd, err := r.a.Store.Sede(sedeDemo)
	if r.fallito(err, "sede della dimostrazione") {
		return ""
	}
	sd.Indirizzo, sd.CAP = "Via Cesare Battisti 10", "56125"
	sd.Orari = "Lunedì-venerdì 8:30-12:30; martedì e giovedì anche 14:30-16:00, su appuntamento"
	sd.Telefono, sd.Email, sd.PEC = "050 000000", "pisa@inail.example", "pisa@pec.inail.example"
	r.fallito(r.a.Store.SalvaSede(r.atto(admin), sd, "Modificati i dati della "+sd.Nome+" ("+sd.Codice+"): indirizzo, CAP, orari, telefono, e-mail, PEC"), "sede della dimostrazione")
	return sd.Nome
}
