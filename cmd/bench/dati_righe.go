package main

import (
	"fmt"
	"time"

	"abilita/domain"
	"abilita/store"
)

// The accounts and drafts particular rows work on, written after the
// archive so they are its newest records.

// lucca is where the applicant of "Le mie richieste" lives: its requests
// go to another sede than sedeAperte, whose open requests stay as planned.
var lucca = luoghi[9]

// richiesteProprie makes the applicant whose "Le mie richieste" row 7
// reads, with ten requests in every state.
func (g *generatore) richiesteProprie() error {
	stati := []domain.Stato{domain.StatoBozza, domain.StatoInviata, domain.StatoInviata, domain.StatoInLavorazione,
		domain.StatoIntegrazioneRichiesta, domain.StatoApprovata, domain.StatoAttiva, domain.StatoRespinta,
		domain.StatoRespinta, domain.StatoAnnullata}
	return g.s.Importa(func(im *store.Importazione) error {
		p := g.persone
		a, err := g.nuovoAccount(im, domain.RuoloRichiedente, false, nil)
		if err != nil {
			return err
		}
		g.g.Richiedente = a
		for i, stato := range stati {
			inviata := g.ora.Add(-time.Duration(len(stati)-i) * 20 * 24 * time.Hour)
			r := g.bozza(nuovaPersona(p), lucca, domain.PercorsoOnline, a.ID, inviata.Add(-time.Hour))
			if stato != domain.StatoBozza {
				r.Sede = lucca.Provincia
				if err := g.evolvi(r, stato, inviata, g.operatori[lucca.Provincia][0]); err != nil {
					return err
				}
			}
			if err := im.Richiesta(r); err != nil {
				return err
			}
		}
		return nil
	})
}

// campioneValidato is how many drafts bozze checks as the server will: the
// checks cost a fraction of a millisecond each (they look comuni up in the
// ANPR data) and the drafts are all made from the same tables.
const campioneValidato = 500

// bozze makes the complete drafts of the submissions row, spread over the
// Invianti applicants, each living in one of luoghi (so the submissions go
// to several sedi). The first campioneValidato are checked as the server
// checks a draft before submitting it (domain.Richiesta.ValidaTutto).
func (g *generatore) bozze() error {
	n := g.g.Insieme.Invianti
	if n == 0 {
		return nil
	}
	err := g.s.Importa(func(im *store.Importazione) error {
		for range n {
			a, err := g.nuovoAccount(im, domain.RuoloRichiedente, false, nil)
			if err != nil {
				return err
			}
			g.g.Invianti = append(g.g.Invianti, inviante{account: a})
		}
		return nil
	})
	if err != nil {
		return err
	}
	return g.importa(g.g.Insieme.Bozze, func(im *store.Importazione, i int) error {
		inv := &g.g.Invianti[i%n]
		r := g.bozza(nuovaPersona(g.rng.IntN(20_000_000)), luoghi[i%len(luoghi)], domain.PercorsoOnline, inv.ID, g.ora.Add(-g.tra(time.Hour, 48*time.Hour)))
		if r.Urgente = g.rng.IntN(100) < 5; r.Urgente {
			r.MotivoUrgenza = "Inizio dell'attività presso la struttura a breve."
		}
		if i < campioneValidato {
			if p, e := r.ValidaTutto(g.ora); p != "" {
				return fmt.Errorf("a generated draft fails the step %s: %v", p, e)
			}
			if _, ok := r.ComuneResidenza(g.ora); !ok {
				return fmt.Errorf("a generated draft has an unknown comune of residence %q", r.Residenza.Comune)
			}
		}
		if err := im.Richiesta(r); err != nil {
			return err
		}
		inv.Bozze = append(inv.Bozze, r.ID)
		return nil
	})
}

// caricatori makes the applicants of the uploads row, each with a draft
// without attachments.
func (g *generatore) caricatori() error {
	return g.s.Importa(func(im *store.Importazione) error {
		for range g.g.Insieme.Caricatori {
			p := g.persone
			a, err := g.nuovoAccount(im, domain.RuoloRichiedente, false, nil)
			if err != nil {
				return err
			}
			r := g.bozza(nuovaPersona(p), luoghi[0], domain.PercorsoOnline, a.ID, g.ora.Add(-time.Hour))
			r.Allegati = map[domain.TipoAllegato]domain.Allegato{}
			if err := im.Richiesta(r); err != nil {
				return err
			}
			g.g.Caricatori = append(g.g.Caricatori, caricatore{account: a, Bozza: r.ID})
		}
		return nil
	})
}

// titolari makes the credential holders of the logins rows: an activated
// enablement, an authenticator, the confidentiality rules accepted. They
// log in with their codice fiscale, password and TOTP code.
func (g *generatore) titolari() error {
	return g.importa(g.g.Insieme.Titolari, func(im *store.Importazione, _ int) error {
		g.medici++
		ab := domain.Abilitazione{Profilo: domain.ProfiloMedicoEsterno, CodiceMedico: fmt.Sprintf("MED%07d", g.medici), Sede: sedeAperte,
			Dal: g.ora.AddDate(0, -1, 0), Attivata: g.ora.AddDate(0, -1, 1)}
		a, err := g.nuovoAccount(im, domain.RuoloRichiedente, true, func(u *domain.Utente) { u.Abilitazioni = []domain.Abilitazione{ab} })
		g.g.Titolari = append(g.g.Titolari, a)
		return err
	})
}
