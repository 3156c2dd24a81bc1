package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The output: one Markdown table, one line per measure, with the data sets
// it ran on and, in the -out file, the machine.

// esito says whether a measure met its target.
type esito int

const (
	senzaObiettivo esito = iota
	superato
	mancato
)

func esitoDi(ok bool) esito {
	if ok {
		return superato
	}
	return mancato
}

func (e esito) String() string {
	switch e {
	case superato:
		return "pass"
	case mancato:
		return "**FAIL**"
	}
	return "—"
}

// riga is one line of the table.
type riga struct {
	Numero    string // the row of the issue, with a letter for its parts
	Misura    string // what is measured, and how
	Soggetto  string // the subject's figures: median (min–max over the windows)
	Ancora    string // the anchor's, the same way
	Rapporto  string // subject / anchor
	Obiettivo string
	Esito     esito
}

// tabella is the whole output.
type tabella struct {
	Righe    []riga
	Dati     []string // the data sets
	Ambiente []string // the machine
	Comando  string
}

// markdown renders the table; conAmbiente adds the command and the machine.
func (t tabella) markdown(conAmbiente bool) string {
	var b strings.Builder
	if conAmbiente {
		fmt.Fprintf(&b, "Command: `%s` (%s)\n\n", t.Comando, time.Now().Format("2006-01-02 15:04"))
		for _, a := range t.Ambiente {
			fmt.Fprintf(&b, "- %s\n", a)
		}
		b.WriteString("\n")
	}
	for _, d := range t.Dati {
		fmt.Fprintf(&b, "- %s\n", d)
	}
	b.WriteString("\n| # | measure | subject | anchor | ratio | target | result |\n|---|---|---|---|---|---|---|\n")
	righe := slices.Clone(t.Righe)
	slices.SortStableFunc(righe, func(a, b riga) int { return numeroDi(a.Numero) - numeroDi(b.Numero) })
	for _, r := range righe {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", r.Numero, r.Misura, r.Soggetto, r.Ancora, r.Rapporto, r.Obiettivo, r.Esito)
	}
	return b.String()
}

// numeroDi is the row number at the start of n ("7a" → 7).
func numeroDi(n string) int {
	i := strings.IndexFunc(n, func(r rune) bool { return r < '0' || r > '9' })
	if i < 0 {
		i = len(n)
	}
	x, _ := strconv.Atoi(n[:i])
	return x
}

// caricoMacchina is the load average of the machine (/proc/loadavg): the
// bench shares it with whatever else runs.
func caricoMacchina() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}

// ambiente describes the machine: cores, Go, kernel, CPU, the disk under
// dir, and its load at the start of the run (caricoIniziale) and now.
func ambiente(dir, caricoIniziale string) []string {
	out := []string{fmt.Sprintf("cores: %d (GOMAXPROCS %d)", runtime.NumCPU(), runtime.GOMAXPROCS(0)),
		fmt.Sprintf("load average (1, 5, 15 min) at the start: %s; at the end: %s", caricoIniziale, caricoMacchina())}
	if v, err := exec.Command("go", "version").Output(); err == nil {
		out = append(out, "Go: "+strings.TrimSpace(string(v)))
	}
	if k, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		out = append(out, "kernel: "+strings.TrimSpace(string(k)))
	}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if nome, valore, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(nome) == "model name" {
				out = append(out, "CPU: "+strings.TrimSpace(valore))
				break
			}
		}
		f.Close()
	}
	if d, err := exec.Command("df", "-h", dir).Output(); err == nil {
		righe := strings.Split(strings.TrimSpace(string(d)), "\n")
		out = append(out, "disk of the data folders (`df -h`): "+strings.Join(strings.Fields(righe[len(righe)-1]), " "))
	}
	return out
}

// Cells.

// cellaRitmo is the median rate of the windows with its range.
func cellaRitmo(ff []finestra, unita string) string {
	med, lo, hi := mediana(ritmi(ff))
	return fmt.Sprintf("%s %s (%s–%s)", numero(med), unita, numero(lo), numero(hi))
}

// cellaLatenza is the p50 and p99 of every sample of the windows, and the
// range of the windows' own p99.
func cellaLatenza(ff []finestra) string {
	_, lo, hi := mediana(percentiliFinestre(ff, 99))
	fatte, errori := totali(ff)
	s := fmt.Sprintf("p50 %s ms · p99 %s ms (%s–%s), %s req", decimali(ms(percentile(ff, 50))), decimali(ms(percentile(ff, 99))), decimali(lo), decimali(hi), migliaia(fatte))
	if errori > 0 {
		s += fmt.Sprintf(", %d failed", errori)
	}
	return s
}

// cellaValori is the median of values measured once per window, in unita,
// with their range.
func cellaValori(xs []float64, unita string) string {
	med, lo, hi := mediana(xs)
	return fmt.Sprintf("%s %s (%s–%s)", decimali(med), unita, decimali(lo), decimali(hi))
}

// rapporto writes a ratio; below 1 with three decimals, so that one just
// under a target's bound does not print as the bound.
func rapporto(x float64) string {
	if x < 1 {
		return strconv.FormatFloat(x, 'f', 3, 64) + "×"
	}
	return decimali(x) + "×"
}

// numero writes a rate: whole above 100, with decimals below.
func numero(x float64) string {
	if x >= 100 {
		return migliaia(int(x + 0.5))
	}
	return decimali(x)
}

// decimali writes x with three significant digits.
func decimali(x float64) string {
	switch {
	case x >= 100:
		return strconv.FormatFloat(x, 'f', 0, 64)
	case x >= 10:
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

// migliaia writes n with a space between thousands: 1 000 000.
func migliaia(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + " " + s[i:]
	}
	return s
}

// dimensione writes a size in kB or MB (10^3, 10^6 bytes), as the targets
// are written.
func dimensione(n uint64) string {
	if n < 1e6 {
		return decimali(float64(n)/1e3) + " kB"
	}
	return decimali(float64(n)/1e6) + " MB"
}

// durata writes a duration rounded for people.
func durata(d time.Duration) string {
	switch {
	case d >= time.Minute:
		return d.Round(time.Second).String()
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	}
	return d.Round(100 * time.Microsecond).String()
}
