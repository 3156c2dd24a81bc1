package main

import (
	"fmt"
	"time"

	"abilita/domain"
)

// The history of a generated request: the transitions the actions would
// make, through domain.Richiesta.Esegui, with the fields each action sets.

const (
	testoIntegrazione = "Il documento allegato non è leggibile: carica una scansione più nitida del fronte."
	testoRisposta     = "Ho caricato una nuova scansione del documento."
	testoRifiuto      = "I dati dichiarati non corrispondono a quelli del documento allegato."
)

// evolvi moves draft r, submitted at inviata, through the state machine up
// to stato: each step some hours or days after the one before, never after
// g.ora. op is the operator of its sede who takes it in charge.
func (g *generatore) evolvi(r *domain.Richiesta, stato domain.Stato, inviata time.Time, op uint64) error {
	t := inviata
	// avanti moves t forward by a random delay, or half-way to g.ora when
	// the delay would pass it, so the history stays in order and in the past.
	avanti := func(da, a time.Duration) {
		if d := g.tra(da, a); t.Add(d).Before(g.ora) {
			t = t.Add(d)
		} else {
			t = t.Add(g.ora.Sub(t) / 2)
		}
	}
	nota := "Inviata online"
	if r.Percorso == domain.PercorsoSportello {
		nota = "Registrata allo sportello"
	}
	if err := r.Esegui(domain.AzioneInvia, r.Richiedente, t, nota); err != nil || stato == domain.StatoInviata {
		return err
	}
	if stato == domain.StatoAnnullata {
		avanti(time.Hour, 10*24*time.Hour)
		return r.Esegui(domain.AzioneAnnulla, r.Richiedente, t, "Annullata dal richiedente")
	}
	avanti(10*time.Minute, 4*24*time.Hour)
	r.Operatore = op
	if err := r.Esegui(domain.AzionePrendiInCarico, op, t, "Presa in carico"); err != nil {
		return err
	}
	integrazione := stato == domain.StatoIntegrazioneRichiesta || g.rng.IntN(100) < 15
	if stato == domain.StatoInLavorazione && !integrazione {
		return nil
	}
	if integrazione {
		avanti(time.Hour, 3*24*time.Hour)
		if err := r.Esegui(domain.AzioneChiediIntegrazione, op, t, testoIntegrazione); err != nil {
			return err
		}
		r.Integrazioni = append(r.Integrazioni, domain.Integrazione{Messaggio: testoIntegrazione, Chiesta: t})
		if stato == domain.StatoIntegrazioneRichiesta {
			return nil
		}
		avanti(time.Hour, 5*24*time.Hour)
		if err := r.Esegui(domain.AzioneRisposta, r.Richiedente, t, "Risposta all'integrazione"); err != nil {
			return err
		}
		r.Integrazioni[0].Risposta, r.Integrazioni[0].Risposto = testoRisposta, t
		if stato == domain.StatoInLavorazione {
			return nil
		}
	}
	avanti(30*time.Minute, 6*24*time.Hour)
	if stato == domain.StatoRespinta {
		r.Checklist = domain.Checklist{DocumentoValido: true, ModuloFirmato: true, OrdinePlausibile: true}
		r.Esito = &domain.Esito{Motivi: []domain.MotivoRifiuto{domain.MotiviRifiuto[g.rng.IntN(len(domain.MotiviRifiuto)-1)]}, Nota: testoRifiuto, Chi: op, Quando: t}
		return r.Esegui(domain.AzioneRespingi, op, t, "Respinta")
	}
	r.Checklist = domain.Checklist{DatiCorrispondenti: true, DocumentoValido: true, ModuloFirmato: true, OrdinePlausibile: true}
	r.Esito = &domain.Esito{Chi: op, Quando: t}
	if r.Profilo.Medico() {
		g.medici++
		r.Esito.CodiceMedico = fmt.Sprintf("MED%07d", g.medici)
	}
	if err := r.Esegui(domain.AzioneApprova, op, t, "Approvata"); err != nil || stato == domain.StatoApprovata {
		return err
	}
	avanti(time.Hour, 5*24*time.Hour)
	return r.Esegui(domain.AzioneAttiva, r.Richiedente, t, "Credenziali attivate")
}
