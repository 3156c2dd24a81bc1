package main

import (
	"fmt"
	"math"

	"abilita/domain"
)

// The rows of the table (DESIGN.md §6). Each measures its subject on a real
// `abilita serve` and its anchor in the same run, in alternating windows,
// and adds its lines to the table. This file has the pages and the cold
// start; the logins, submissions and uploads have files of their own.

const (
	piccolo = "piccolo"
	grande  = "grande"
	// lavoratori is the number of clients of the pages' throughput rows.
	lavoratori = 16
	// ritmoCoda is the steady rate of the queue's latency rows (1, 2), requests
	// per second: a busy sede.
	ritmoCoda = 100
	// ritmoPersonali is the fixed rate of row 7's latency, requests per second.
	ritmoPersonali = 1000
)

// righe are the rows by number.
var righe = map[int]func(*banco) error{
	1: rigaCodaPiccola, 2: rigaCodaGrande, 3: rigaStatistiche, 4: rigaInvii, 5: rigaSedi, 6: rigaPagineAnonime,
	7: rigaPaginePersonali, 8: rigaAccessi, 9: rigaAccessiInMassa, 10: rigaCaricamenti, 11: rigaAvvio,
}

// caricoAperto is a window of GET percorso from br at ritmo a second.
func (b *banco) caricoAperto(br *browser, percorso string, ritmo int) misura {
	return func() (finestra, error) {
		return aperto(ritmo, b.p.Durata, func() error { _, err := br.get(percorso); return err }), nil
	}
}

// caricoChiuso is a window of n clients reading percorso again and again,
// client w with the browser br(w).
func (b *banco) caricoChiuso(n int, br func(w int) *browser, percorso string) misura {
	return func() (finestra, error) {
		return chiuso(n, b.p.Durata, func(w int) error { _, err := br(w).get(percorso); return err }), nil
	}
}

func descriviLatenze(f finestra) string {
	return fmt.Sprintf("p50 %.2f ms, p99 %.2f ms, %d requests", ms(percentileDi(f.Latenze, 50)), ms(percentileDi(f.Latenze, 99)), f.Fatte)
}

func descriviRitmo(f finestra) string {
	return fmt.Sprintf("%.0f/s (%d in %s)", f.ritmo(), f.Fatte, durata(f.Durata))
}

// rigaLatenza is a line comparing the latencies of subject and anchor by
// their p99.
func rigaLatenza(numero, misura string, s, a []finestra, ancora, obiettivo string, e esito) riga {
	return riga{Numero: numero, Misura: misura, Soggetto: cellaLatenza(s), Ancora: ancora + ": " + cellaLatenza(a),
		Rapporto: "p99 " + rapporto(ms(percentile(s, 99))/ms(percentile(a, 99))), Obiettivo: obiettivo, Esito: e}
}

// rigaRitmo is a line comparing the throughput of subject and anchor by
// their median window; it meets its target at ratio minimo.
func rigaRitmo(numero, misura string, s, a []finestra, ancora string, minimo float64) riga {
	sog, _, _ := mediana(ritmi(s))
	anc, _, _ := mediana(ritmi(a))
	return riga{Numero: numero, Misura: misura, Soggetto: cellaRitmo(s, "req/s"), Ancora: ancora + ": " + cellaRitmo(a, "req/s"),
		Rapporto: rapporto(sog / anc), Obiettivo: "≥ " + decimali(minimo) + "×", Esito: esitoDi(sog/anc >= minimo)}
}

// rigaCodaPiccola is row 1: the first page of the queue of a sede with its open
// requests, at a steady rate, against a constant page of the same size.
func rigaCodaPiccola(b *banco) error {
	op, err := b.sessione(piccolo, domain.RuoloOperatore)
	if err != nil {
		return err
	}
	n, err := op.get("/operatore")
	if err != nil {
		return err
	}
	anc, err := b.ancora(ancora{Byte: int(n)})
	if err != nil {
		return err
	}
	defer anc.ferma()
	costante := nuovoBrowser(anc.URL, trasporto(256, nil))
	a, s, err := b.alterna("1", b.caricoAperto(costante, "/operatore", ritmoCoda), b.caricoAperto(op, "/operatore", ritmoCoda), descriviLatenze)
	if err != nil {
		return err
	}
	ins := b.p.Piccolo
	p99 := ms(percentile(s, 99))
	b.aggiungi(rigaLatenza("1", fmt.Sprintf("`GET /operatore` (operator), first page; %s open requests in sede %s, %s in the archive; open loop, %d req/s",
		migliaia(ins.Aperte), sedeAperte, migliaia(ins.Totale), ritmoCoda), s, a, fmt.Sprintf("constant page of the same size (%s)", dimensione(uint64(n))),
		"p99 < 10 ms", esitoDi(p99 < 10)))
	return nil
}

// rigaCodaGrande is row 2: the same page with the large archive, against
// the same page with the small one, both servers running.
func rigaCodaGrande(b *banco) error {
	piccola, err := b.sessione(piccolo, domain.RuoloOperatore)
	if err != nil {
		return err
	}
	grossa, err := b.sessione(grande, domain.RuoloOperatore)
	if err != nil {
		return err
	}
	a, s, err := b.alterna("2", b.caricoAperto(piccola, "/operatore", ritmoCoda), b.caricoAperto(grossa, "/operatore", ritmoCoda), descriviLatenze)
	if err != nil {
		return err
	}
	g, p := b.p.Grande, b.p.Piccolo
	p99s, p99a := ms(percentile(s, 99)), ms(percentile(a, 99))
	b.aggiungi(rigaLatenza("2", fmt.Sprintf("`GET /operatore`, first page; %s open requests in sede %s, %s in the archive; open loop, %d req/s",
		migliaia(g.Aperte), sedeAperte, migliaia(g.Totale), ritmoCoda), s, a,
		fmt.Sprintf("the same page at %s in the archive", migliaia(p.Totale)), "p99 < 10 ms and ≤ 2× the anchor", esitoDi(p99s < 10 && p99s <= 2*p99a)))
	return nil
}

// rigaStatistiche is row 3: the statistics of every sede and their CSV as
// the administrator, one request at a time, against the same pages on the
// small archive.
func rigaStatistiche(b *banco) error {
	piccola, err := b.sessione(piccolo, domain.RuoloAmministratore)
	if err != nil {
		return err
	}
	grossa, err := b.sessione(grande, domain.RuoloAmministratore)
	if err != nil {
		return err
	}
	for _, x := range []struct {
		numero, percorso string
		obiettivo        bool
	}{{"3", "/statistiche", true}, {"3b", "/statistiche.csv", false}} {
		n, err := grossa.get(x.percorso)
		if err != nil {
			return err
		}
		a, s, err := b.alterna(x.numero, b.caricoChiuso(1, func(int) *browser { return piccola }, x.percorso),
			b.caricoChiuso(1, func(int) *browser { return grossa }, x.percorso), descriviLatenze)
		if err != nil {
			return err
		}
		r := rigaLatenza(x.numero, fmt.Sprintf("`GET %s` (administrator, every sede, %s) at %s requests; one client, one request at a time",
			x.percorso, dimensione(uint64(n)), migliaia(b.p.Grande.Totale)), s, a, fmt.Sprintf("the same at %s", migliaia(b.p.Piccolo.Totale)), "—", senzaObiettivo)
		if x.obiettivo {
			r.Obiettivo, r.Esito = "p99 < 100 ms", esitoDi(ms(percentile(s, 99)) < 100)
		}
		b.aggiungi(r)
	}
	return nil
}

// rigaSedi is row 5.
func rigaSedi(b *banco) error { return b.paginaAnonima("5", "/sedi") }

// rigaPagineAnonime is row 6.
func rigaPagineAnonime(b *banco) error {
	if err := b.paginaAnonima("6a", "/"); err != nil {
		return err
	}
	return b.paginaAnonima("6b", "/percorsi/online")
}

// paginaAnonima measures the throughput of a page anonymous visitors read,
// each with its own cookies (the CSRF token it got on its first visit),
// against a bare Fiber app serving a constant page of the same size.
func (b *banco) paginaAnonima(numero, percorso string) error {
	srv, err := b.serverDi(piccolo)
	if err != nil {
		return err
	}
	tr := trasporto(2*lavoratori, nil)
	visitatori := make([]*browser, lavoratori)
	var n int64
	for w := range visitatori {
		visitatori[w] = nuovoBrowser(srv.URL, tr)
		if n, err = visitatori[w].get(percorso); err != nil {
			return err
		}
	}
	anc, err := b.ancora(ancora{Byte: int(n)})
	if err != nil {
		return err
	}
	defer anc.ferma()
	costante := nuovoBrowser(anc.URL, trasporto(2*lavoratori, nil))
	a, s, err := b.alterna(numero, b.caricoChiuso(lavoratori, func(int) *browser { return costante }, percorso),
		b.caricoChiuso(lavoratori, func(w int) *browser { return visitatori[w] }, percorso), descriviRitmo)
	if err != nil {
		return err
	}
	b.aggiungi(rigaRitmo(numero, fmt.Sprintf("`GET %s` (anonymous, %s); %d clients, closed loop", percorso, dimensione(uint64(n)), lavoratori),
		s, a, "constant page of the same size, bare Fiber", 0.5))
	return nil
}

// rigaPaginePersonali is row 7: "Le mie richieste" and the queue, logged
// in, against a bare Fiber handler rendering the same template with the
// same data; throughput, then latency at a fixed rate.
func rigaPaginePersonali(b *banco) error {
	file, err := b.fileModelli(piccolo)
	if err != nil {
		return err
	}
	anc, err := b.ancora(ancora{Modelli: file})
	if err != nil {
		return err
	}
	defer anc.ferma()
	for _, x := range []struct {
		numero, percorso string
		ruolo            domain.Ruolo
	}{{"7a", "/richieste", domain.RuoloRichiedente}, {"7b", "/operatore", domain.RuoloOperatore}} {
		sog, err := b.sessione(piccolo, x.ruolo)
		if err != nil {
			return err
		}
		modello := nuovoBrowser(anc.URL, trasporto(256, nil))
		ns, err := sog.get(x.percorso)
		if err != nil {
			return err
		}
		na, err := modello.get(x.percorso)
		if err != nil {
			return err
		}
		pagine := fmt.Sprintf("%s, the anchor's %s", dimensione(uint64(ns)), dimensione(uint64(na)))
		if math.Abs(float64(ns-na)) > 0.1*float64(ns) {
			avanza("  WARNING: %s: the subject's page is %d bytes, the anchor's %d: the anchor no longer renders what the handler renders", x.percorso, ns, na)
		}
		a, s, err := b.alterna(x.numero, b.caricoChiuso(lavoratori, func(int) *browser { return modello }, x.percorso),
			b.caricoChiuso(lavoratori, func(int) *browser { return sog }, x.percorso), descriviRitmo)
		if err != nil {
			return err
		}
		b.aggiungi(rigaRitmo(x.numero, fmt.Sprintf("`GET %s` (%s, %s); %d clients, closed loop", x.percorso, x.ruolo, pagine, lavoratori),
			s, a, "bare Fiber, same template and data", 0.8))
		a, s, err = b.alterna(x.numero+" p99", b.caricoAperto(modello, x.percorso, ritmoPersonali), b.caricoAperto(sog, x.percorso, ritmoPersonali), descriviLatenze)
		if err != nil {
			return err
		}
		b.aggiungi(rigaLatenza(x.numero+" p99", fmt.Sprintf("`GET %s` (%s); open loop, %s req/s", x.percorso, x.ruolo, migliaia(ritmoPersonali)),
			s, a, "bare Fiber, same template and data", "p99 < 10 ms", esitoDi(ms(percentile(s, 99)) < 10)))
	}
	return nil
}

// rigaAvvio is row 11: the time from starting `abilita serve` to the first
// 200 from /readyz on the large data set, against the small one,
// alternating.
func rigaAvvio(b *banco) error {
	for _, nome := range []string{piccolo, grande} {
		if err := b.ferma(nome); err != nil {
			return err
		}
	}
	var a, s []float64
	for i := range b.p.Finestre {
		for _, x := range []struct {
			nome string
			out  *[]float64
		}{{piccolo, &a}, {grande, &s}} {
			_, d, err := b.avviaServer(x.nome)
			if err != nil {
				return err
			}
			if err := b.ferma(x.nome); err != nil {
				return err
			}
			avanza("    11 %-7s %d/%d: ready in %s", x.nome, i+1, b.p.Finestre, durata(d))
			*x.out = append(*x.out, d.Seconds())
		}
	}
	sog, _, peggiore := mediana(s)
	anc, _, _ := mediana(a)
	b.aggiungi(riga{Numero: "11", Misura: fmt.Sprintf("cold start of `abilita serve`: process start to `/readyz` 200, %s requests (file in the page cache)", migliaia(b.p.Grande.Totale)),
		Soggetto: cellaValori(s, "s"), Ancora: fmt.Sprintf("the same at %s: %s", migliaia(b.p.Piccolo.Totale), cellaValori(a, "s")),
		Rapporto: rapporto(sog / anc), Obiettivo: "< 1 s (every start)", Esito: esitoDi(peggiore < 1)})
	return nil
}
