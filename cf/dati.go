package cf

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// The files are built by internal/gen from the ANPR release and, for the
// foreign places ANPR lacks, from python-codicefiscale; see data/README.md.
var (
	//go:embed data/comuni.tsv
	comuniTSV string
	//go:embed data/stati.tsv
	statiTSV string
	//go:embed data/altri_esteri.tsv
	altriEsteriTSV string
)

// voce is a Luogo with the forms of its names used for matching.
type voce struct {
	Luogo
	chiave, chiaveAltro     string  // chiave of Nome and AltroNome
	compatta, compattaAltro string  // the same without spaces
	alias                   []forma // common names of a foreign place, from aliasEsteri
}

// forma is a name as lookups compare it: its chiave and its compatta.
type forma struct{ chiave, compatta string }

// archivio holds the embedded data once parsed.
type archivio struct {
	voci      []voce           // comuni, ANPR states, then other foreign places, each sorted by code and date
	perCodice map[string][]int // indices into voci, by Belfiore code
	perNome   map[string][]int // indices into voci, ascending, by any compatta: name, other name, alias
}

var (
	caricaUnaVolta sync.Once
	dati           *archivio
)

// carica parses the embedded data on first use. The data is part of the
// binary, so a parse error is a build defect and panics.
func carica() *archivio {
	caricaUnaVolta.Do(func() {
		a, err := leggiArchivio(comuniTSV, statiTSV, altriEsteriTSV, aliasEsteri)
		if err != nil {
			panic("cf: dati incorporati non validi: " + err.Error())
		}
		dati = a
	})
	return dati
}

func leggiArchivio(comuni, stati, altriEsteri string, alias map[string]string) (*archivio, error) {
	a := &archivio{perCodice: make(map[string][]int, 9000), perNome: make(map[string][]int, 9000)}
	a.voci = make([]voce, 0, strings.Count(comuni, "\n")+strings.Count(stati, "\n")+strings.Count(altriEsteri, "\n"))
	if err := a.leggi(comuni, "codice\tnome\taltro_nome\tprovincia\tdal\tal", false); err != nil {
		return nil, fmt.Errorf("comuni.tsv: %w", err)
	}
	if err := a.leggi(stati, "codice\tnome\tdal\tal", true); err != nil {
		return nil, fmt.Errorf("stati.tsv: %w", err)
	}
	// tipo and fonte are there for the people who review the data.
	if err := a.leggi(altriEsteri, "codice\tnome\tdal\tal\ttipo\tfonte", true); err != nil {
		return nil, fmt.Errorf("altri_esteri.tsv: %w", err)
	}
	if err := a.aggiungiAlias(alias); err != nil {
		return nil, err
	}
	return a, nil
}

// aggiungiAlias indexes the common names of foreign places with every
// record of their code, so that lookups find them as they find the official
// names, on the dates the place is valid.
func (a *archivio) aggiungiAlias(alias map[string]string) error {
	for nome, codice := range alias {
		f := forma{chiave: chiave(nome)}
		f.compatta = compatta(f.chiave)
		ii := a.perCodice[codice]
		if len(ii) == 0 || !a.voci[ii[0]].Estero {
			return fmt.Errorf("alias %q: %s non è un luogo estero", nome, codice)
		}
		for _, i := range ii {
			a.voci[i].alias = append(a.voci[i].alias, f)
		}
		a.perNome[f.compatta] = append(a.perNome[f.compatta], ii...)
		slices.Sort(a.perNome[f.compatta])
	}
	return nil
}

// leggi appends the records of one TSV file, checking its header first so
// that a change of layout in the generator cannot go unnoticed.
func (a *archivio) leggi(tsv, header string, estero bool) error {
	righe := strings.Split(strings.TrimSuffix(tsv, "\n"), "\n")
	if righe[0] != header {
		return fmt.Errorf("intestazione inattesa %q", righe[0])
	}
	campiAttesi := strings.Count(header, "\t") + 1
	var campi [6]string
	for n, riga := range righe[1:] {
		f, ok := dividiCampi(riga, campi[:campiAttesi])
		if !ok {
			return fmt.Errorf("riga %d: servono %d campi", n+2, campiAttesi)
		}
		l := Luogo{Codice: f[0], Nome: f[1], Estero: estero, Provincia: provinciaEstero}
		date := f[2:]
		if !estero {
			l.AltroNome, l.Provincia, date = f[2], f[3], f[4:]
		}
		var err error
		if l.Dal, err = leggiData(date[0]); err != nil {
			return fmt.Errorf("riga %d: %w", n+2, err)
		}
		if date[1] != "" {
			if l.Al, err = leggiData(date[1]); err != nil {
				return fmt.Errorf("riga %d: %w", n+2, err)
			}
		}
		a.perCodice[l.Codice] = append(a.perCodice[l.Codice], len(a.voci))
		v := voce{Luogo: l, chiave: chiave(l.Nome), chiaveAltro: chiave(l.AltroNome)}
		v.compatta, v.compattaAltro = compatta(v.chiave), compatta(v.chiaveAltro)
		a.perNome[v.compatta] = append(a.perNome[v.compatta], len(a.voci))
		if v.compattaAltro != "" && v.compattaAltro != v.compatta {
			a.perNome[v.compattaAltro] = append(a.perNome[v.compattaAltro], len(a.voci))
		}
		a.voci = append(a.voci, v)
	}
	return nil
}

// dividiCampi splits a TSV line into exactly len(f) fields, without the
// allocation of strings.Split.
func dividiCampi(riga string, f []string) ([]string, bool) {
	for i := range f {
		var ok bool
		f[i], riga, ok = strings.Cut(riga, "\t")
		if ok == (i == len(f)-1) {
			return nil, false
		}
	}
	return f, true
}

// leggiData reads yyyy-mm-dd by hand: time.Parse on 40,000 dates is a
// noticeable share of the start-up time.
func leggiData(s string) (time.Time, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, fmt.Errorf("data non valida %q", s)
	}
	n := [3]int{}
	for i, parte := range []string{s[:4], s[5:7], s[8:]} {
		for _, ch := range []byte(parte) {
			if ch < '0' || ch > '9' {
				return time.Time{}, fmt.Errorf("data non valida %q", s)
			}
			n[i] = n[i]*10 + int(ch-'0')
		}
	}
	t := time.Date(n[0], time.Month(n[1]), n[2], 0, 0, 0, 0, time.UTC)
	if t.Day() != n[2] || t.Month() != time.Month(n[1]) {
		return time.Time{}, fmt.Errorf("data non valida %q", s)
	}
	return t, nil
}
