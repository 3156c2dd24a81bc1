package store

import (
	"strings"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// The actions on a request (DESIGN.md §3), one method each. Each reads the
// acting user and the request in its transaction, asks domain.Consenti,
// moves the request through the state machine and writes it with its
// indexes, counters, audit entry and messages, or nothing.

// CreaBozza stores r as a new draft of an online request by a.Chi, who
// becomes its applicant; r gets its ID.
func (s *Store) CreaBozza(a Atto, r *domain.Richiesta) error {
	dati := *r
	var out domain.Richiesta
	err := s.aggiorna(func(tx *bolt.Tx) error {
		u, err := leggiAttore(tx, a.Chi)
		if err != nil {
			return err
		}
		// Only the data of the form: the rest belongs to the life of the
		// request, which starts here.
		x := domain.Richiesta{Percorso: domain.PercorsoDi(u), Stato: domain.StatoBozza, Richiedente: u.ID, Creata: a.Quando, Aggiornata: a.Quando}
		x.CopiaDati(&dati)
		x.FissaIdentita(u)
		if err := nuovaRichiesta(tx, &x); err != nil {
			return err
		}
		out = x
		return nil
	})
	if err == nil {
		*r = out
	}
	return err
}

var errNonRespinta = domain.Conflitto("Si può ripresentare solo una richiesta respinta.")

// Ripresenta opens, for the applicant a.Chi, a draft filed again from its
// rejected request da: every datum of the form and the declarations, and
// allegati, the copies of da's files sealed for the new request (see
// attach.Archivio.Copia), made before the transaction. The draft remembers
// da, whose reasons point the applicant to what to correct.
func (s *Store) Ripresenta(a Atto, da uint64, allegati map[domain.TipoAllegato]domain.Allegato) (*domain.Richiesta, error) {
	var out *domain.Richiesta
	err := s.aggiorna(func(tx *bolt.Tx) error {
		u, prec, err := leggiPer(tx, a.Chi, da, domain.OpSegui)
		if err != nil {
			return err
		}
		if prec.Stato != domain.StatoRespinta || prec.Richiedente != u.ID {
			return errNonRespinta
		}
		x := domain.Richiesta{Percorso: domain.PercorsoDi(u), Stato: domain.StatoBozza, Richiedente: u.ID, Creata: a.Quando, Aggiornata: a.Quando, Precedente: prec.ID}
		x.CopiaDati(prec)
		x.FissaIdentita(u)
		for t, al := range allegati {
			if _, ok := prec.Allegati[t]; !ok || al.SHA256 != prec.Allegati[t].SHA256 {
				return domain.Conflitto("Gli allegati non sono quelli della richiesta respinta.")
			}
			if x.Allegati == nil {
				x.Allegati = map[domain.TipoAllegato]domain.Allegato{}
			}
			al.Caricato = a.Quando
			x.Allegati[t] = al
		}
		if err := nuovaRichiesta(tx, &x); err != nil {
			return err
		}
		out = &x
		return nil
	})
	return out, err
}

var errSenzaSede = &domain.Errore{Codice: domain.ErrNonAmmesso, Messaggio: "Il tuo profilo non ha una sede: chiedi all'amministratore di assegnartela."}

// ApriSportello opens a counter draft owned by the operator a.Chi, in its
// sede: blank, or with the data of the Precompila module whose code hashes
// to codiceHash, which is deleted in the same transaction, so that two
// counters cannot load one module.
func (s *Store) ApriSportello(a Atto, codiceHash string) (*domain.Richiesta, error) {
	var out domain.Richiesta
	err := s.aggiorna(func(tx *bolt.Tx) error {
		u, err := leggiAttore(tx, a.Chi)
		if err != nil {
			return err
		}
		if u.Ruolo != domain.RuoloOperatore || u.Sede == "" {
			return errSenzaSede
		}
		r := domain.Richiesta{Percorso: domain.PercorsoSportello, Stato: domain.StatoBozza, Richiedente: u.ID, Sede: u.Sede,
			Tipo: domain.TipoNuova, Creata: a.Quando, Aggiornata: a.Quando}
		dettaglio := "richiesta vuota"
		if codiceHash != "" {
			p, err := usaPrecompilata(tx, codiceHash, a.Quando)
			if err != nil {
				return err
			}
			r.CopiaModulo(&p.Richiesta)
			dettaglio = "dati di un modulo precompilato"
		}
		if err := nuovaRichiesta(tx, &r); err != nil {
			return err
		}
		out = r
		return a.registra(tx, domain.AuditRichiestaSportello, r.ID, dettaglio)
	})
	return &out, err
}

// SalvaBozza saves the data of a step of the form (dati's data fields,
// domain.Richiesta.CopiaDati) into the draft id of a.Chi.
func (s *Store) SalvaBozza(a Atto, id uint64, dati *domain.Richiesta) (*domain.Richiesta, error) {
	return s.modifica(a, id, domain.OpCompila, func(_ *bolt.Tx, u *domain.Utente, r *domain.Richiesta) error {
		r.CopiaDati(dati)
		r.Anagrafica.CodiceFiscale = domain.NormalizzaCodiceFiscale(r.Anagrafica.CodiceFiscale)
		r.FissaIdentita(u)
		return nil
	})
}

// AllegaDocumenti stores the attachments uploaded to the draft id and
// returns those they replace, whose files the caller deletes.
func (s *Store) AllegaDocumenti(a Atto, id uint64, nuovi map[domain.TipoAllegato]domain.Allegato) ([]domain.Allegato, error) {
	var sostituiti []domain.Allegato
	_, err := s.modifica(a, id, domain.OpCompila, func(_ *bolt.Tx, _ *domain.Utente, r *domain.Richiesta) error {
		sostituiti = nil
		if r.Allegati == nil {
			r.Allegati = map[domain.TipoAllegato]domain.Allegato{}
		}
		for tipo, x := range nuovi {
			if old, ok := r.Allegati[tipo]; ok {
				sostituiti = append(sostituiti, old)
			}
			r.Allegati[tipo] = x
		}
		return nil
	})
	return sostituiti, err
}

// Incompleta refuses to submit a draft with a step still to complete.
type Incompleta struct{ Passo domain.Passo }

func (e *Incompleta) Error() string {
	return "Prima di inviare completa i dati del passo «" + e.Passo.Titolo() + "»."
}

// CodiceErrore makes it a refusal of the data.
func (e *Incompleta) CodiceErrore() domain.Codice { return domain.ErrNonValido }

// Invia submits the complete draft id: the sede that will handle it (the
// counter's, or the one serving the comune of residence), its protocol
// number, the acknowledgement to the applicant (composed with the receipt
// when it is delivered) and the audit entry. Concurrent submissions share
// their commits. The draft is checked before the transaction, so that the
// writer does not wait for the checks, and the transaction makes sure it is
// still the version checked.
func (s *Store) Invia(a Atto, id uint64) (*domain.Richiesta, error) {
	bozza, err := s.Richiesta(id)
	if err != nil {
		return nil, err
	}
	if p, _ := bozza.ValidaTutto(a.Quando); p != "" {
		return nil, &Incompleta{Passo: p}
	}
	sd, err := s.sedeCompetente(bozza, a.Quando)
	if err != nil {
		return nil, err
	}
	r, err := s.modifica(a, id, domain.OpCompila, func(tx *bolt.Tx, _ *domain.Utente, r *domain.Richiesta) error {
		if r.Versione != bozza.Versione {
			return errBozzaCambiata
		}
		nota := "Inviata online"
		if r.Percorso == domain.PercorsoSportello {
			nota = "Registrata allo sportello"
		}
		r.Sede = sd.Codice
		if err := r.Esegui(domain.AzioneInvia, a.Chi, a.Quando, nota); err != nil {
			return err
		}
		if err := assegnaProtocollo(tx, r); err != nil {
			return err
		}
		if r.Contatti.Email != "" {
			m := domain.Messaggio{To: []string{r.Contatti.Email}, Subject: "Richiesta " + r.Protocollo + " ricevuta – Abilita",
				Kind: domain.MessaggioEmail, Modello: domain.ModelloRicevuta}
			if err := accoda(tx, m, r, a.Quando); err != nil {
				return err
			}
		}
		return a.registra(tx, domain.AuditInvio, r.ID, strings.ToLower(nota)+": protocollo "+r.Protocollo)
	})
	if err == nil {
		s.sveglia()
	}
	return r, err
}

var errBozzaCambiata = domain.Conflitto("La bozza è stata modificata mentre la inviavi: controlla i dati e inviala di nuovo.")

// Annulla withdraws the request id of its applicant a.Chi.
func (s *Store) Annulla(a Atto, id uint64) (*domain.Richiesta, error) {
	return s.modifica(a, id, domain.OpAnnulla, func(tx *bolt.Tx, _ *domain.Utente, r *domain.Richiesta) error {
		if err := r.Esegui(domain.AzioneAnnulla, a.Chi, a.Quando, "Annullata dal richiedente"); err != nil {
			return err
		}
		return a.registra(tx, domain.AuditDecisione, r.ID, "annullata dal richiedente")
	})
}

// PrendiInCarico assigns request id to the operator a.Chi. Of two operators
// pressing the button at once exactly one gets it; the other is refused
// with a *domain.GiaInCarico naming who did.
func (s *Store) PrendiInCarico(a Atto, id uint64) (*domain.Richiesta, error) {
	return s.modifica(a, id, domain.OpPrendiInCarico, prendi(a))
}

// ErrCodaVuota says that the sede has no request waiting to be taken in charge.
var ErrCodaVuota = &domain.Errore{Codice: domain.ErrNonTrovato, Messaggio: "Non ci sono altre richieste da prendere in carico: la coda della sede è in pari."}

// PrendiProssima takes in charge the first request of the operator's sede
// that nobody has, in the queue's order (urgent first, then oldest): the
// same request the queue shows first. Looking and taking are one
// transaction, so two operators asking at once get two requests.
func (s *Store) PrendiProssima(a Atto) (*domain.Richiesta, error) {
	var out *domain.Richiesta
	err := s.aggiorna(func(tx *bolt.Tx) error {
		u, err := leggiAttore(tx, a.Chi)
		if err != nil {
			return err
		}
		if u.Ruolo != domain.RuoloOperatore {
			return domain.ErrRichiestaNonTrovata
		}
		righe, err := scorri(tx, QueryCoda{Sede: u.Sede, Stati: []domain.Stato{domain.StatoInviata}}, nil, true, 1)
		if err != nil {
			return err
		}
		if len(righe) == 0 {
			return ErrCodaVuota
		}
		out, err = modificaIn(tx, a, righe[0].ID, domain.OpPrendiInCarico, prendi(a))
		return err
	})
	return out, err
}

// prendi assigns the request to the operator who acts.
func prendi(a Atto) func(*bolt.Tx, *domain.Utente, *domain.Richiesta) error {
	return func(tx *bolt.Tx, u *domain.Utente, r *domain.Richiesta) error {
		r.Operatore = u.ID
		if err := r.Esegui(domain.AzionePrendiInCarico, u.ID, a.Quando, "Presa in carico"); err != nil {
			return err
		}
		return a.registra(tx, domain.AuditPresaInCarico, r.ID, "presa in carico")
	}
}

// SalvaChecklist records the checks of the operator who has request id.
func (s *Store) SalvaChecklist(a Atto, id uint64, cl domain.Checklist) (*domain.Richiesta, error) {
	return s.modifica(a, id, domain.OpLavora, func(tx *bolt.Tx, _ *domain.Utente, r *domain.Richiesta) error {
		if r.Stato != domain.StatoInLavorazione {
			return domain.Conflitto("La verifica si compila solo mentre la richiesta è in lavorazione.")
		}
		cl.OrdinePlausibile = cl.OrdinePlausibile && r.Profilo.Medico()
		r.Checklist = cl
		return nil
	})
}

// Respingi rejects request id with coded reasons and a text, and tells the
// applicant by e-mail and PEC.
func (s *Store) Respingi(a Atto, id uint64, motivi []domain.MotivoRifiuto, nota string) (*domain.Richiesta, error) {
	if e := domain.ValidaRifiuto(motivi, nota); len(e) > 0 {
		return nil, &domain.Errore{Codice: domain.ErrNonValido, Messaggio: e.Primo()}
	}
	r, err := s.modifica(a, id, domain.OpLavora, func(tx *bolt.Tx, u *domain.Utente, r *domain.Richiesta) error {
		r.Esito = &domain.Esito{Motivi: motivi, Nota: nota, Chi: u.ID, Quando: a.Quando}
		if err := r.Esegui(domain.AzioneRespingi, u.ID, a.Quando, "Respinta"); err != nil {
			return err
		}
		codici := make([]string, len(motivi))
		for i, m := range motivi {
			codici[i] = string(m)
		}
		if err := accodaEsito(tx, r, domain.ModelloRespinta, "Richiesta "+r.Protocollo+" non accolta – Abilita", a); err != nil {
			return err
		}
		return a.registra(tx, domain.AuditDecisione, r.ID, "respinta: "+strings.Join(codici, ", "))
	})
	if err == nil {
		s.sveglia()
	}
	return r, err
}

var errSportelloIntegrazione = domain.Conflitto("Una richiesta registrata allo sportello non può essere sospesa per un'integrazione: respingila indicando che cosa manca.")

// ChiediIntegrazione asks the applicant of request id for more information.
func (s *Store) ChiediIntegrazione(a Atto, id uint64, testo string) (*domain.Richiesta, error) {
	r, err := s.modifica(a, id, domain.OpLavora, func(tx *bolt.Tx, u *domain.Utente, r *domain.Richiesta) error {
		if r.Percorso == domain.PercorsoSportello {
			// The applicant at the counter has no online area to answer from.
			return errSportelloIntegrazione
		}
		r.Integrazioni = append(r.Integrazioni, domain.Integrazione{Messaggio: testo, Chiesta: a.Quando})
		if err := r.Esegui(domain.AzioneChiediIntegrazione, u.ID, a.Quando, "Richiesta di integrazione"); err != nil {
			return err
		}
		if err := accodaEsito(tx, r, domain.ModelloIntegrazione, "Richiesta "+r.Protocollo+": servono integrazioni – Abilita", a); err != nil {
			return err
		}
		return a.registra(tx, domain.AuditDecisione, r.ID, "integrazione richiesta")
	})
	if err == nil {
		s.sveglia()
	}
	return r, err
}

// Risposta is the applicant's answer to a request for more information: a
// text and, optionally, a file that replaces one of the attachments.
type Risposta struct {
	Testo    string
	Tipo     domain.TipoAllegato
	Allegato *domain.Allegato
}

// Rispondi records the answer of the applicant a.Chi and gives request id
// back to the operator who asked. It returns the attachment replaced, whose
// file the caller deletes.
func (s *Store) Rispondi(a Atto, id uint64, risp Risposta) (*domain.Allegato, error) {
	var sostituito *domain.Allegato
	_, err := s.modifica(a, id, domain.OpRispondi, func(tx *bolt.Tx, _ *domain.Utente, r *domain.Richiesta) error {
		sostituito = nil
		i := r.UltimaIntegrazione()
		i.Risposta, i.Risposto = risp.Testo, a.Quando
		if risp.Allegato != nil {
			i.Sostituito = string(risp.Tipo)
			if r.Allegati == nil {
				r.Allegati = map[domain.TipoAllegato]domain.Allegato{}
			}
			if old, ok := r.Allegati[risp.Tipo]; ok {
				sostituito = &old
			}
			r.Allegati[risp.Tipo] = *risp.Allegato
		}
		if err := r.Esegui(domain.AzioneRisposta, a.Chi, a.Quando, "Risposta del richiedente all'integrazione"); err != nil {
			return err
		}
		dettaglio := "risposta all'integrazione"
		if risp.Allegato != nil {
			dettaglio += ", sostituito: " + string(risp.Tipo)
		}
		return a.registra(tx, domain.AuditDecisione, r.ID, dettaglio)
	})
	return sostituito, err
}

// Reinstrada moves the submitted request id to the sede nuova, with a
// history entry and an audit entry; the queue index follows.
func (s *Store) Reinstrada(a Atto, id uint64, nuova, nota string) (*domain.Richiesta, error) {
	dest, err := s.Sede(nuova)
	if err != nil {
		return nil, &domain.Errore{Codice: domain.ErrNonValido, Messaggio: "Scegli una delle sedi dell'elenco."}
	}
	return s.modifica(a, id, domain.OpReinstrada, func(tx *bolt.Tx, u *domain.Utente, r *domain.Richiesta) error {
		if r.Sede == dest.Codice {
			return domain.Conflitto("La richiesta è già assegnata alla " + dest.Nome + ".")
		}
		da := r.Sede
		if sd, err := s.Sede(r.Sede); err == nil {
			da = sd.Nome
		}
		dettaglio := "Reinstradata da " + da + " a " + dest.Nome
		if nota != "" {
			dettaglio += ": " + nota
		}
		r.Storia = append(r.Storia, domain.Evento{Quando: a.Quando, Da: r.Stato, A: r.Stato, Chi: u.ID, Nota: dettaglio})
		r.Sede = dest.Codice
		return a.registra(tx, domain.AuditReinstradamento, r.ID, dettaglio)
	})
}

// modifica is the shape of every action on an existing request: read the
// user and the request, check op, apply fn, write.
func (s *Store) modifica(a Atto, id uint64, op domain.Operazione, fn func(*bolt.Tx, *domain.Utente, *domain.Richiesta) error) (*domain.Richiesta, error) {
	var out *domain.Richiesta
	err := s.aggiorna(func(tx *bolt.Tx) (err error) {
		out, err = modificaIn(tx, a, id, op, fn)
		return err
	})
	return out, err
}

// modificaIn is modifica inside a transaction that may do more.
func modificaIn(tx *bolt.Tx, a Atto, id uint64, op domain.Operazione, fn func(*bolt.Tx, *domain.Utente, *domain.Richiesta) error) (*domain.Richiesta, error) {
	u, prima, err := leggiPer(tx, a.Chi, id, op)
	if err != nil {
		return nil, err
	}
	r := copia(prima)
	if err := fn(tx, u, r); err != nil {
		return nil, err
	}
	r.Aggiornata = a.Quando
	return r, salvaRichiesta(tx, prima, r)
}

// accodaEsito queues the applicant's messages about an event of r.
func accodaEsito(tx *bolt.Tx, r *domain.Richiesta, modello, oggetto string, a Atto) error {
	for _, m := range domain.MessaggiEsito(r, modello, oggetto) {
		if modello == domain.ModelloIntegrazione {
			m.Voce = len(r.Integrazioni)
		}
		if err := accoda(tx, m, r, a.Quando); err != nil {
			return err
		}
	}
	return nil
}

// Scrivi adds a message to the conversation on request id, a ticket of
// path B, and queues avvisi, the e-mails that tell the other side, in one
// transaction with its audit entry. Its author is the applicant or an
// operator of the sede (domain.OpScrivi).
func (s *Store) Scrivi(a Atto, id uint64, testo string, allegato *domain.Allegato, avvisi []domain.Messaggio) (*domain.Richiesta, error) {
	if e := domain.ValidaComunicazione(testo); len(e) > 0 {
		return nil, &domain.Errore{Codice: domain.ErrNonValido, Messaggio: e.Primo()}
	}
	r, err := s.modifica(a, id, domain.OpScrivi, func(tx *bolt.Tx, u *domain.Utente, r *domain.Richiesta) error {
		c := domain.Comunicazione{Quando: a.Quando, Chi: u.ID, DallaSede: u.Ruolo == domain.RuoloOperatore, Testo: testo, Allegato: allegato}
		r.Comunicazioni = append(r.Comunicazioni, c)
		for _, m := range avvisi {
			if err := accoda(tx, m, r, a.Quando); err != nil {
				return err
			}
		}
		chi := "dal richiedente"
		if c.DallaSede {
			chi = "dalla sede"
		}
		if allegato != nil {
			chi += ", con un file"
		}
		return a.registra(tx, domain.AuditComunicazione, r.ID, "messaggio "+chi)
	})
	if err == nil && len(avvisi) > 0 {
		s.sveglia()
	}
	return r, err
}
