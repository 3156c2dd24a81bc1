// Command bench measures Abilita against the speed bars of DESIGN.md §6.
// It builds the abilita binary, generates data sets straight through the
// store (up to a million requests), starts real `abilita serve` processes
// on them and measures every row of the table against an anchor measured in
// the same run: anchor and subject run in short alternating windows, and
// the table gives the median and the spread of each, their ratio and the
// target. Progress goes to stderr, the table to stdout. BENCHMARKS.md
// explains each row and holds the last full run.
//
//	go run ./cmd/bench [-quick] [-out FILE] [-keep] [-rows 1,2,…] [-repo DIR]
//
// It exits 1 when a row could not be measured; a row missing its target is
// reported in the table, not as a failure of the program.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"abilita/security"
)

func main() {
	ancoraFile := flag.String("ancora", "", "serve the anchor described in this file (used by the bench itself)")
	quick := flag.Bool("quick", false, "small data sets and short windows: every row in a few minutes")
	out := flag.String("out", "", "also write the table, the machine and the data sets to this Markdown file")
	keep := flag.Bool("keep", false, "keep the temporary folder (data sets, server logs) and print its path")
	rows := flag.String("rows", "", "comma-separated rows to run (default: all), e.g. 1,2,7")
	repo := flag.String("repo", ".", "the repository (or a folder inside it) whose abilita is measured")
	argonFile := flag.String("argon2", "", "run one raw argon2id window described in this file and print it (used by the bench itself)")
	flag.Parse()
	if *argonFile != "" {
		if err := finestraArgon2(*argonFile); err != nil {
			fmt.Fprintln(os.Stderr, "bench -argon2:", err)
			os.Exit(1)
		}
		return
	}
	if *ancoraFile != "" {
		if err := serviAncora(*ancoraFile); err != nil {
			fmt.Fprintln(os.Stderr, "bench -ancora:", err)
			os.Exit(1)
		}
		return
	}
	scelte, err := scegliRighe(*rows)
	if err == nil {
		err = esegui(profiloPer(*quick), scelte, *out, *keep, *repo)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// profilo is how big and how long a run is.
type profilo struct {
	Quick    bool
	Piccolo  insieme       // rows 1 and 4–10, the anchor of rows 2, 3 and 11
	Grande   insieme       // rows 2, 3 and 11
	Finestre int           // windows of each side per row
	Durata   time.Duration // of each window
	MB       int           // size of each uploaded file, MiB (row 10)
	Giri     int           // rounds of the memory rows (9, 10)
	Folla    int           // logins at once (row 9)
}

func profiloPer(quick bool) profilo {
	if quick {
		return profilo{Quick: true,
			Piccolo:  insieme{Nome: piccolo, Totale: 10_000, Aperte: 1_000, Bozze: 12_000, Invianti: 32, Caricatori: 20, Titolari: 1_200},
			Grande:   insieme{Nome: grande, Totale: 100_000, Aperte: 1_000},
			Finestre: 2, Durata: time.Second, MB: 2, Giri: 1, Folla: 200}
	}
	return profilo{
		Piccolo:  insieme{Nome: piccolo, Totale: 20_000, Aperte: 10_000, Bozze: 30_000, Invianti: 32, Caricatori: 20, Titolari: 4_000},
		Grande:   insieme{Nome: grande, Totale: 1_000_000, Aperte: 10_000},
		Finestre: 5, Durata: 3 * time.Second, MB: 8, Giri: 3, Folla: 500}
}

// ordine is the order the rows run in: those on the small data set's
// long-running server first, then the large data set, then the rows that
// restart the server (the memory rows want a fresh process, the
// submissions row kills it).
var ordine = []int{1, 5, 6, 7, 8, 2, 3, 11, 9, 10, 4}

func scegliRighe(s string) ([]int, error) {
	if s == "" {
		return ordine, nil
	}
	var scelte []int
	for _, x := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(x))
		if err != nil || !slices.Contains(ordine, n) {
			return nil, fmt.Errorf("-rows: %q is not a row (1–11)", x)
		}
		scelte = append(scelte, n)
	}
	return slices.DeleteFunc(slices.Clone(ordine), func(n int) bool { return !slices.Contains(scelte, n) }), nil
}

var inizio = time.Now()

// avanza logs progress to stderr with the time since the start.
func avanza(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%6.1fs] %s\n", time.Since(inizio).Seconds(), fmt.Sprintf(format, args...))
}

// esegui runs the rows and prints the table.
func esegui(p profilo, scelte []int, out string, keep bool, repo string) error {
	carico := caricoMacchina()
	radice, err := trovaRadice(repo)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "abilita-bench-")
	if err != nil {
		return err
	}
	if keep {
		avanza("temporary folder (kept): %s", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	eseguibile, err := os.Executable()
	if err != nil {
		return err
	}
	b := &banco{p: p, tmp: tmp, eseguibile: eseguibile, argon: security.DefaultParams(), dati: map[string]*generato{},
		server: map[string]*processo{}, sessioni: map[string]*browser{}}
	defer b.chiudi()
	b.bin = filepath.Join(tmp, "abilita")
	avanza("building abilita from %s", radice)
	if err := compila(radice, b.bin); err != nil {
		return err
	}
	insiemi := []insieme{p.Piccolo}
	if slices.ContainsFunc(scelte, func(n int) bool { return n == 2 || n == 3 || n == 11 }) {
		insiemi = append(insiemi, p.Grande)
	}
	for _, ins := range insiemi {
		if err := b.genera(ins); err != nil {
			return err
		}
	}
	for _, n := range scelte {
		avanza("row %d", n)
		if err := righe[n](b); err != nil {
			return fmt.Errorf("row %d: %w", n, err)
		}
	}
	t := tabella{Righe: b.righe, Dati: b.descriviDati(), Comando: strings.Join(os.Args, " ")}
	t.Ambiente = ambiente(tmp, carico)
	fmt.Print(t.markdown(false))
	if out != "" {
		return os.WriteFile(out, []byte(t.markdown(true)), 0o644)
	}
	return nil
}
