package main

import (
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"time"
)

// Rows 8 and 9: full logins of credential holders — codice fiscale and
// password, then the TOTP code — each client from its own loopback address,
// since the server throttles logins per client address as well as per
// account.

// clientiAccesso is the number of clients of row 8.
const clientiAccesso = 64

// rotazione hands out the credential holders in turn, each with a TOTP
// code the server will accept: an account whose current and next steps
// were both used is skipped.
type rotazione struct {
	mu    sync.Mutex
	conti []account
	i     int
	passi *passi
}

// prossimo is the next account and its code.
func (r *rotazione) prossimo() (account, string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for range r.conti {
		a := r.conti[r.i]
		r.i = (r.i + 1) % len(r.conti)
		c, ok, err := r.passi.codice(a)
		if err != nil || ok {
			return a, c, err
		}
	}
	return account{}, "", errors.New("every credential holder logged in during this TOTP step and the next")
}

// rotazione is the turn of the small data set's credential holders, one
// for the whole run.
func (b *banco) rotazione() *rotazione {
	if b.rot == nil {
		g := b.dati[piccolo]
		b.rot = &rotazione{conti: g.Titolari, passi: g.passi}
	}
	return b.rot
}

// rigaAccessi is row 8: logins per second with 64 clients, against raw
// argon2id with the server's parameters on every core.
func rigaAccessi(b *banco) error {
	srv, err := b.serverDi(piccolo)
	if err != nil {
		return err
	}
	rot := b.rotazione()
	// Each client has its connections from its address and the CSRF token
	// of the login page it opened once; every login starts without a session.
	tr := make([]*http.Transport, clientiAccesso)
	token := make([]string, clientiAccesso)
	for w := range tr {
		tr[w] = trasporto(2, indirizzo(w))
		br := nuovoBrowser(srv.URL, tr[w])
		if _, err := br.get("/accedi"); err != nil {
			return err
		}
		token[w] = br.cookie("abilita_csrf")
	}
	accedi := func(w int) error {
		a, codice, err := rot.prossimo()
		if err != nil {
			return err
		}
		return conToken(srv.URL, tr[w], token[w]).accedi(a, codice)
	}
	a, s, err := b.alterna("8", func() (finestra, error) { return b.argon2(b.argon, b.p.Durata) },
		func() (finestra, error) { return chiuso(clientiAccesso, b.p.Durata, accedi), nil }, descriviRitmo)
	if err != nil {
		return err
	}
	r := rigaRitmo("8", fmt.Sprintf("full logins, `POST /accedi` + `POST /accedi/codice` (codice fiscale, password, TOTP); %d clients from %d addresses, closed loop",
		clientiAccesso, clientiAccesso), s, a, fmt.Sprintf("raw argon2id (m=%d KiB, t=%d, p=%d), %d goroutines",
		b.argon.Memory, b.argon.Iterations, b.argon.Parallelism, runtime.NumCPU()), 0.9)
	r.Soggetto, r.Ancora = cellaRitmo(s, "logins/s"), "raw argon2id: "+cellaRitmo(a, "hashes/s")
	b.aggiungi(r)
	return nil
}

// rigaAccessiInMassa is row 9: many logins at once (b.p.Folla) on a fresh
// server, its peak memory against its memory idle just before.
func rigaAccessiInMassa(b *banco) error {
	rot := b.rotazione()
	folla := b.p.Folla
	var inattivo, picchi []float64
	var hwm uint64
	fatte, falliti := 0, 0
	var primo error
	var tempi []time.Duration
	for giro := range b.p.Giri {
		srv, err := b.riavvia(piccolo)
		if err != nil {
			return err
		}
		rss, _, err := srv.memoria()
		if err != nil {
			return err
		}
		inattivo = append(inattivo, float64(rss)/1e6)
		// Everyone has the login page open, from its own address.
		persone := make([]*browser, folla)
		conti := make([]account, folla)
		codici := make([]string, folla)
		for i := range persone {
			persone[i] = nuovoBrowser(srv.URL, trasporto(1, indirizzo(clientiAccesso+i)))
			if _, err := persone[i].get("/accedi"); err != nil {
				return err
			}
			if conti[i], codici[i], err = rot.prossimo(); err != nil {
				return err
			}
		}
		s := campionaRSS(srv, 5*time.Millisecond)
		errori := make([]error, folla)
		via := make(chan struct{})
		var wg sync.WaitGroup
		for i := range persone {
			wg.Add(1)
			go func() { defer wg.Done(); <-via; errori[i] = persone[i].accedi(conti[i], codici[i]) }()
		}
		t := time.Now()
		close(via)
		wg.Wait()
		tempi = append(tempi, time.Since(t))
		picchi = append(picchi, float64(s.ferma())/1e6)
		_, h, err := srv.memoria()
		if err != nil {
			return err
		}
		hwm = max(hwm, h)
		ok := 0
		for _, err := range errori {
			if err == nil {
				ok++
			} else if falliti++; primo == nil {
				primo = err
			}
		}
		fatte += ok
		avanza("    9 burst %d/%d: %d/%d logged in in %s; VmRSS idle %.1f MB, peak %.1f MB, VmHWM %s; first failure: %v",
			giro+1, b.p.Giri, ok, folla, durata(tempi[len(tempi)-1]), inattivo[len(inattivo)-1], picchi[len(picchi)-1], dimensione(h), primo)
	}
	sog, _, _ := mediana(picchi)
	anc, _, _ := mediana(inattivo)
	b.aggiungi(riga{Numero: "9", Misura: fmt.Sprintf("%d full logins at once (login page open, each from its own address) on a fresh server: peak RSS (VmRSS every 5 ms; VmHWM)", folla),
		Soggetto: cellaValori(picchi, "MB") + fmt.Sprintf("; VmHWM %s; %d/%d logged in, a burst took %s", dimensione(hwm), fatte, folla*b.p.Giri, durata(slices.Max(tempi))),
		Ancora:   "the same process idle before the burst: " + cellaValori(inattivo, "MB"), Rapporto: rapporto(sog / anc),
		Obiettivo: "< 300 MB", Esito: esitoDi(float64(hwm)/1e6 < 300 && falliti == 0)})
	return nil
}
