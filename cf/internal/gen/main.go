// Command gen rebuilds the files of cf/data: comuni.tsv and stati.tsv from
// the ANPR release files, keeping only the columns package cf needs so that
// the embedded data stays small and the diff of a data update stays readable,
// and altri_esteri.tsv with the historical states and the territories ANPR
// has no Z-code for, taken from python-codicefiscale (see esteri.go).
//
// Usage, from the module root:
//
//	go run ./cf/internal/gen -src /path/to/anpr -pcf /path/to/pcf -out cf/data
//
// where -src holds ANPR_archivio_comuni.csv and ANPR_stati_esteri.csv, and
// -pcf the files of python-codicefiscale listed in cf/data/README.md.
package main

import (
	"bufio"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// aperta is how ANPR spells "still valid"; the TSV leaves the field empty instead.
const aperta = "9999-12-31"

var reBelfiore = regexp.MustCompile(`^[A-Z][0-9]{3}$`)

type riga struct {
	codice, nome, altro, provincia, dal, al string
	tipo, fonte                             string // altri_esteri.tsv only
}

func main() {
	src := flag.String("src", "", "folder with ANPR_archivio_comuni.csv and ANPR_stati_esteri.csv")
	pcf := flag.String("pcf", "", "folder with the python-codicefiscale files: "+strings.Join(filePCF, ", "))
	out := flag.String("out", "cf/data", "output folder")
	flag.Parse()
	if *src == "" || *pcf == "" {
		flag.Usage()
		os.Exit(2)
	}
	comuni, err := leggiComuni(filepath.Join(*src, "ANPR_archivio_comuni.csv"))
	if err != nil {
		log.Fatal(err)
	}
	recStati, err := leggi(filepath.Join(*src, "ANPR_stati_esteri.csv"))
	if err != nil {
		log.Fatal(err)
	}
	stati, err := leggiStati(recStati)
	if err != nil {
		log.Fatal(err)
	}
	altri, err := leggiAltriEsteri(recStati, *pcf)
	if err != nil {
		log.Fatal(err)
	}
	file := []struct {
		nome, header string
		righe        []riga
		campi        func(riga) []string
	}{
		{"comuni.tsv", "codice\tnome\taltro_nome\tprovincia\tdal\tal", comuni,
			func(r riga) []string { return []string{r.codice, r.nome, r.altro, r.provincia, r.dal, r.al} }},
		{"stati.tsv", "codice\tnome\tdal\tal", stati,
			func(r riga) []string { return []string{r.codice, r.nome, r.dal, r.al} }},
		{"altri_esteri.tsv", "codice\tnome\tdal\tal\ttipo\tfonte", altri,
			func(r riga) []string { return []string{r.codice, r.nome, r.dal, r.al, r.tipo, r.fonte} }},
	}
	for _, f := range file {
		if err := scrivi(filepath.Join(*out, f.nome), f.header, f.righe, f.campi); err != nil {
			log.Fatal(err)
		}
	}
	log.Printf("%d comuni, %d stati, %d altri luoghi esteri", len(comuni), len(stati), len(altri))
}

// leggi returns the records of an ANPR CSV as maps keyed by column name.
func leggi(path string) ([]map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	// The comuni file starts with a UTF-8 byte-order mark.
	if b, err := br.Peek(3); err == nil && string(b) == "\uFEFF" {
		br.Discard(3)
	}
	r := csv.NewReader(br)
	r.FieldsPerRecord = -1 // the stati file has ragged rows
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var recs []map[string]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		m := make(map[string]string, len(head))
		for i, h := range head {
			if i < len(rec) {
				m[h] = strings.TrimSpace(rec[i])
			}
		}
		recs = append(recs, m)
	}
}

func leggiComuni(path string) ([]riga, error) {
	recs, err := leggi(path)
	if err != nil {
		return nil, err
	}
	var out []riga
	for _, m := range recs {
		// A few ceased comuni have no codice catastale ("ND"): no codice
		// fiscale can refer to them.
		if !reBelfiore.MatchString(m["CODCATASTALE"]) {
			continue
		}
		r := riga{codice: m["CODCATASTALE"], nome: m["DENOMINAZIONE_IT"], altro: m["ALTRADENOMINAZIONE"],
			provincia: m["SIGLAPROVINCIA"], dal: m["DATAISTITUZIONE"], al: m["DATACESSAZIONE"]}
		if err := controllaDate(r.dal, r.al, time.DateOnly); err != nil {
			return nil, fmt.Errorf("comune %s: %w", r.codice, err)
		}
		if r.al == aperta {
			r.al = ""
		}
		out = append(out, r)
	}
	ordina(out)
	segnalaSovrapposizioni(out)
	return out, nil
}

func leggiStati(recs []map[string]string) ([]riga, error) {
	var out []riga
	for _, m := range recs {
		// Entries without a Z-code (Italia, apolide, most territories) are
		// not states a codice fiscale names; the territories come back with
		// their Z-code in altri_esteri.tsv.
		if m["CODAT"] == "" {
			continue
		}
		r := riga{codice: m["CODAT"], nome: m["DENOMINAZIONE"], provincia: "EE"}
		var err error
		if r.dal, err = isoDate(m["DATAINIZIOVALIDITA"]); err != nil {
			return nil, fmt.Errorf("stato %s: %w", r.codice, err)
		}
		if r.al, err = isoDate(m["DATAFINEVALIDITA"]); err != nil {
			return nil, fmt.Errorf("stato %s: %w", r.codice, err)
		}
		if r.al == aperta {
			r.al = ""
		}
		if !strings.HasPrefix(r.codice, "Z") || !reBelfiore.MatchString(r.codice) {
			return nil, fmt.Errorf("stato %s: codice non valido", r.codice)
		}
		out = append(out, r)
	}
	ordina(out)
	segnalaSovrapposizioni(out)
	return out, nil
}

func isoDate(ddmmyyyy string) (string, error) {
	t, err := time.Parse("02/01/2006", ddmmyyyy)
	if err != nil {
		return "", err
	}
	return t.Format(time.DateOnly), nil
}

func controllaDate(dal, al, layout string) error {
	d, err := time.Parse(layout, dal)
	if err != nil {
		return err
	}
	a, err := time.Parse(layout, al)
	if err != nil {
		return err
	}
	if a.Before(d) {
		return fmt.Errorf("cessazione %s prima dell'istituzione %s", al, dal)
	}
	return nil
}

func ordina(rs []riga) {
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].codice != rs[j].codice {
			return rs[i].codice < rs[j].codice
		}
		if rs[i].dal != rs[j].dal {
			return rs[i].dal < rs[j].dal
		}
		return rs[i].nome < rs[j].nome
	})
}

// segnalaSovrapposizioni logs the codes that name two places on the same day.
// Release V9.2.7 has one (D588, FILAGO and MARNE until 1928); package cf then
// returns the first record in file order, so the order must be stable.
func segnalaSovrapposizioni(rs []riga) {
	for i := 1; i < len(rs); i++ {
		a, b := rs[i-1], rs[i]
		if a.codice == b.codice && (a.al == "" || b.dal <= a.al) {
			log.Printf("codice %s: periodi sovrapposti (%s %s–%s, %s %s–%s)", a.codice, a.nome, a.dal, a.al, b.nome, b.dal, b.al)
		}
	}
}

// scrivi writes one TSV file, with the columns campi returns for each row.
func scrivi(path, header string, rs []riga, colonne func(riga) []string) error {
	var b strings.Builder
	b.WriteString(header + "\n")
	for _, r := range rs {
		campi := colonne(r)
		for _, c := range campi {
			if strings.ContainsAny(c, "\t\n") {
				return fmt.Errorf("%s: campo con tabulazione o a capo: %q", r.codice, c)
			}
		}
		b.WriteString(strings.Join(campi, "\t") + "\n")
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
