package main

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"sync"
	"time"

	"abilita/domain"
	"abilita/store"
)

// Row 4: submissions of complete drafts by many applicants at once, then
// the proof of durability: the server is killed (SIGKILL) with submissions
// in flight, the store is reopened, and every submission that got its 303
// must be there, submitted, with its protocol number.

var errSenzaBozze = errors.New("no drafts left to submit")

// rigaInvii is row 4.
func rigaInvii(b *banco) error {
	g := b.dati[piccolo]
	srv, err := b.riavvia(piccolo)
	if err != nil {
		return err
	}
	n := len(g.Invianti)
	clienti := make([]*browser, n)
	for w, inv := range g.Invianti {
		clienti[w] = nuovoBrowser(srv.URL, trasporto(2, nil))
		if err := clienti[w].accedi(inv.account, ""); err != nil {
			return err
		}
	}
	prossima := make([]int, n) // client w's next draft; each client has its own
	var mu sync.Mutex
	var confermate []uint64
	invia := func(w int) error {
		bozze := g.Invianti[w].Bozze
		if prossima[w] >= len(bozze) {
			time.Sleep(10 * time.Millisecond)
			return errSenzaBozze
		}
		id := bozze[prossima[w]]
		prossima[w]++
		if _, err := clienti[w].invia(fmt.Sprintf("/richieste/%d/invia", id), url.Values{}, fmt.Sprintf("/richieste/%d/ricevuta", id)); err != nil {
			return err
		}
		mu.Lock()
		confermate = append(confermate, id)
		mu.Unlock()
		return nil
	}
	finestre := 0
	soggetto := func() (finestra, error) {
		// The last window ends with the kill, while submissions are in flight.
		if finestre++; finestre == b.riscaldamento()+b.p.Finestre {
			defer time.AfterFunc(b.p.Durata, func() { _ = srv.uccidi() }).Stop()
		}
		return chiuso(n, b.p.Durata, invia), nil
	}
	a, s, err := b.alterna("4", func() (finestra, error) { return sincronizzazioni(g.Dir, b.p.Durata) }, soggetto, descriviRitmo)
	if err != nil {
		return err
	}
	if err := b.ferma(piccolo); err != nil { // already dead: this forgets it
		return err
	}
	persi, senzaRisposta, problemi, err := verificaInvii(g, confermate, prossima)
	if err != nil {
		return err
	}
	avanza("  4: after kill -9: %d acknowledged, %d of them lost; %d submitted without an answer (in flight at the kill); store.Controlla: %d problems",
		len(confermate), persi, senzaRisposta, len(problemi))
	for _, p := range problemi {
		avanza("  PROBLEM: %s", p)
	}
	sog, _, _ := mediana(ritmi(s))
	anc, _, _ := mediana(ritmi(a))
	b.aggiungi(riga{Numero: "4", Misura: fmt.Sprintf("complete submissions, `POST /richieste/:id/invia`; %d clients (each its own applicant), closed loop; at the end kill -9 with submissions in flight, store reopened", n),
		Soggetto: cellaRitmo(s, "/s") + fmt.Sprintf("; after kill -9: %d acknowledged, %d lost, store.Controlla %d problems", len(confermate), persi, len(problemi)),
		Ancora:   "4 KiB write + fdatasync in the data folder, one thread: " + cellaRitmo(a, "/s"), Rapporto: rapporto(sog / anc),
		Obiettivo: "≥ 500/s; every acknowledged one durable", Esito: esitoDi(sog >= 500 && persi == 0 && len(problemi) == 0)})
	return nil
}

// verificaInvii reopens the store of the killed server and counts the
// acknowledged submissions that are not submitted with a protocol number
// (persi), the drafts tried without an answer that were submitted all the
// same, and what store.Controlla finds.
func verificaInvii(g *generato, confermate []uint64, prossima []int) (persi, senzaRisposta int, problemi []string, err error) {
	s, err := store.Open(filepath.Join(g.Dir, "abilita.db"))
	if err != nil {
		return 0, 0, nil, err
	}
	defer s.Close()
	inviata := func(id uint64) (bool, error) {
		r, err := s.Richiesta(id)
		if err != nil {
			return false, err
		}
		return r.Stato == domain.StatoInviata && r.Protocollo != "", nil
	}
	confermata := map[uint64]bool{}
	for _, id := range confermate {
		confermata[id] = true
		if ok, err := inviata(id); err != nil || !ok {
			persi++
		}
	}
	for w, inv := range g.Invianti {
		for _, id := range inv.Bozze[:prossima[w]] {
			if ok, err := inviata(id); err == nil && ok && !confermata[id] {
				senzaRisposta++
			}
		}
	}
	problemi, err = s.Controlla()
	return persi, senzaRisposta, problemi, err
}
