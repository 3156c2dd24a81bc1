package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"abilita/domain"
	"abilita/security"
)

// banco is one run: its folder, the binary under test, the data sets, the
// servers running on them, the browsers logged in, and the rows measured.
type banco struct {
	p          profilo
	tmp        string
	bin        string // abilita, built from the repository
	eseguibile string // this program, which serves the anchors
	argon      security.Params
	dati       map[string]*generato
	server     map[string]*processo // running, by data set
	sessioni   map[string]*browser  // logged in, by data set and role
	ancore     int                  // anchors started so far
	rot        *rotazione           // the credential holders' turn (rows 8, 9)
	righe      []riga
}

// genera generates data set ins in the run's folder.
func (b *banco) genera(ins insieme) error {
	avanza("generating %s: %s requests, %s open in sede %s", ins.Nome, migliaia(ins.Totale), migliaia(ins.Aperte), sedeAperte)
	g, err := genera(ins, filepath.Join(b.tmp, ins.Nome), b.argon, time.Now())
	if err != nil {
		return err
	}
	avanza("%s: generated in %s, store.Controlla in %s, %s on disk", ins.Nome, durata(g.Generazione), durata(g.Controllo), dimensione(uint64(g.Byte)))
	b.dati[ins.Nome] = g
	return nil
}

// avviaServer starts abilita serve on data set nome and waits for /readyz.
func (b *banco) avviaServer(nome string) (*processo, time.Duration, error) {
	addr, err := portaLibera()
	if err != nil {
		return nil, 0, err
	}
	g := b.dati[nome]
	args := []string{"serve", "--addr", addr, "--data", g.Dir, "--public-url", "http://" + addr,
		"--argon-memory-kib", strconv.Itoa(int(b.argon.Memory)), "--argon-iterations", strconv.Itoa(int(b.argon.Iterations)),
		"--argon-parallelism", strconv.Itoa(int(b.argon.Parallelism))}
	p, err := avvia("abilita serve ("+nome+")", b.bin, args, addr, filepath.Join(b.tmp, nome+"-server.log"))
	if err != nil {
		return nil, 0, err
	}
	d, err := p.pronto("/readyz", 2*time.Minute)
	if err != nil {
		_ = p.uccidi()
		return nil, 0, err
	}
	b.server[nome] = p
	return p, d, nil
}

// serverDi is the server running on data set nome, started if needed.
func (b *banco) serverDi(nome string) (*processo, error) {
	if p := b.server[nome]; p != nil {
		return p, nil
	}
	p, d, err := b.avviaServer(nome)
	if err == nil {
		avanza("  abilita serve on %s ready in %s at %s", nome, durata(d), p.URL)
	}
	return p, err
}

// riavvia stops the server on data set nome, if running, and starts a new
// one: a fresh process, for the rows that read its peak memory.
func (b *banco) riavvia(nome string) (*processo, error) {
	if err := b.ferma(nome); err != nil {
		return nil, err
	}
	return b.serverDi(nome)
}

// ferma stops the server on data set nome, if running.
func (b *banco) ferma(nome string) error {
	p := b.server[nome]
	if p == nil {
		return nil
	}
	delete(b.server, nome)
	chiudiConnessioni()
	return p.ferma()
}

// sessione is a browser logged in to the server on data set nome as the
// operator of sedeAperte, the administrator or the applicant with its own
// requests. Each logs in once per run: the session is kept in the data set
// and outlives restarts of the server, whose new port shares the cookies.
func (b *banco) sessione(nome string, ruolo domain.Ruolo) (*browser, error) {
	p, err := b.serverDi(nome)
	if err != nil {
		return nil, err
	}
	chiave := nome + "/" + string(ruolo)
	if s := b.sessioni[chiave]; s != nil {
		if s.base != p.URL {
			s = s.conCookie(p.URL)
			b.sessioni[chiave] = s
		}
		return s, nil
	}
	g := b.dati[nome]
	a := map[domain.Ruolo]account{domain.RuoloOperatore: g.Operatori[0], domain.RuoloAmministratore: g.Admin, domain.RuoloRichiedente: g.Richiedente}[ruolo]
	s := nuovoBrowser(p.URL, trasporto(256, nil))
	if err := s.accediUnaVolta(a, g.passi); err != nil {
		return nil, fmt.Errorf("login as %s on %s: %w", ruolo, nome, err)
	}
	b.sessioni[chiave] = s
	return s, nil
}

// ancora starts an anchor process serving a and waits until it answers.
func (b *banco) ancora(a ancora) (*processo, error) {
	addr, err := portaLibera()
	if err != nil {
		return nil, err
	}
	a.Addr = addr
	b.ancore++
	file := filepath.Join(b.tmp, fmt.Sprintf("ancora-%d.json", b.ancore))
	data, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(file, data, 0o600); err != nil {
		return nil, err
	}
	p, err := avvia("anchor", b.eseguibile, []string{"-ancora", file}, addr, filepath.Join(b.tmp, "ancore.log"))
	if err != nil {
		return nil, err
	}
	if _, err := p.pronto("/pronto", 30*time.Second); err != nil {
		_ = p.uccidi()
		return nil, err
	}
	return p, nil
}

// fileModelli writes the view models of data set nome for the
// same-template anchor and returns the file.
func (b *banco) fileModelli(nome string) (string, error) {
	file := filepath.Join(b.tmp, nome+"-modelli.json")
	data, err := json.Marshal(b.dati[nome].Modelli)
	if err != nil {
		return "", err
	}
	return file, os.WriteFile(file, data, 0o600)
}

// chiudi stops every server still running.
func (b *banco) chiudi() {
	for nome := range b.server {
		if err := b.ferma(nome); err != nil {
			avanza("stopping the server on %s: %v", nome, err)
		}
	}
}

// aggiungi records rows of the table.
func (b *banco) aggiungi(r ...riga) { b.righe = append(b.righe, r...) }

// descriviDati says what each data set holds and what it cost to make.
func (b *banco) descriviDati() []string {
	var out []string
	for _, ins := range []insieme{b.p.Piccolo, b.p.Grande} {
		g := b.dati[ins.Nome]
		if g == nil {
			continue
		}
		out = append(out, fmt.Sprintf("%s: %s requests in the archive (%s open in sede %s), %s drafts to submit, %s credential holders; "+
			"generated in %s, store.Controlla %s (no problem), abilita.db %s",
			ins.Nome, migliaia(ins.Totale), migliaia(ins.Aperte), sedeAperte, migliaia(ins.Bozze), migliaia(ins.Titolari),
			durata(g.Generazione), durata(g.Controllo), dimensione(uint64(g.Byte))))
	}
	return out
}
