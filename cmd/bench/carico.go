package main

import (
	"fmt"
	"slices"
	"sync"
	"time"
)

// Load generation: closed loops of N workers for throughput, an open loop
// at a fixed rate for latency, and the interleaving of anchor and subject
// windows. Percentiles are computed from every sample of every window.

// finestra is what one measurement window saw.
type finestra struct {
	Durata  time.Duration   // wall time, from the first start to the last end
	Fatte   int             // operations that succeeded
	Errori  int             // operations that failed
	Errore  string          // the first failure
	Latenze []time.Duration // of the operations that succeeded
}

// ritmo is the operations that succeeded per second.
func (f finestra) ritmo() float64 { return float64(f.Fatte) / f.Durata.Seconds() }

// raccolta gathers the outcomes of operations running in parallel.
type raccolta struct {
	mu sync.Mutex
	f  finestra
}

func (r *raccolta) aggiungi(lat []time.Duration, errori int, primo string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.f.Latenze = append(r.f.Latenze, lat...)
	r.f.Fatte += len(lat)
	r.f.Errori += errori
	if r.f.Errore == "" {
		r.f.Errore = primo
	}
}

// chiuso runs n workers for d, each calling op again as soon as it
// returns (closed loop); w is the worker's number.
func chiuso(n int, d time.Duration, op func(w int) error) finestra {
	var r raccolta
	var wg sync.WaitGroup
	inizio := time.Now()
	fine := inizio.Add(d)
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			errori, primo := 0, ""
			for time.Now().Before(fine) {
				t := time.Now()
				if err := op(w); err != nil {
					if errori++; primo == "" {
						primo = err.Error()
					}
					continue
				}
				lat = append(lat, time.Since(t))
			}
			r.aggiungi(lat, errori, primo)
		}()
	}
	wg.Wait()
	r.f.Durata = time.Since(inizio)
	return r.f
}

// maxInVolo bounds the operations an open loop keeps running at once.
const maxInVolo = 2000

// aperto starts op ritmo times a second for d, each in its own goroutine,
// whatever the ones before take (open loop). A latency counts from when the
// operation was due, not from when it could start, so a server that falls
// behind pays for the queue it builds. Beyond maxInVolo operations running
// at once a due operation is counted as failed.
func aperto(ritmo int, d time.Duration, op func() error) finestra {
	var r raccolta
	var wg sync.WaitGroup
	intervallo := time.Second / time.Duration(ritmo)
	volo := make(chan struct{}, maxInVolo)
	inizio := time.Now()
	for i := range int(d / intervallo) {
		dovuta := inizio.Add(time.Duration(i) * intervallo)
		time.Sleep(time.Until(dovuta))
		select {
		case volo <- struct{}{}:
		default:
			r.aggiungi(nil, 1, "more than 2000 requests waiting")
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := op()
			lat := time.Since(dovuta)
			<-volo
			if err != nil {
				r.aggiungi(nil, 1, err.Error())
				return
			}
			r.aggiungi([]time.Duration{lat}, 0, "")
		}()
	}
	wg.Wait()
	r.f.Durata = time.Since(inizio)
	return r.f
}

// misura is one measurement window of a subject or an anchor.
type misura func() (finestra, error)

// alterna runs b.p.Finestre windows of the anchor and as many of the
// subject, alternating, the anchor first, and logs each. In a full run one
// window of each comes first, unrecorded, to warm both up (connections,
// caches, the heap).
func (b *banco) alterna(nome string, ancora, soggetto misura, descrivi func(finestra) string) (anc, sog []finestra, err error) {
	for i := -b.riscaldamento(); i < b.p.Finestre; i++ {
		for _, x := range []struct {
			chi string
			m   misura
			out *[]finestra
		}{{"anchor", ancora, &anc}, {"subject", soggetto, &sog}} {
			f, err := x.m()
			if err != nil {
				return nil, nil, fmt.Errorf("%s, %s window %d: %w", nome, x.chi, i+1, err)
			}
			if i < 0 {
				avanza("    %s %-7s warm-up: %s%s", nome, x.chi, descrivi(f), erroriDi(f))
				continue
			}
			avanza("    %s %-7s %d/%d: %s%s", nome, x.chi, i+1, b.p.Finestre, descrivi(f), erroriDi(f))
			*x.out = append(*x.out, f)
		}
	}
	return anc, sog, nil
}

// riscaldamento is the number of unrecorded windows before the measured
// ones: one in a full run, none with -quick.
func (b *banco) riscaldamento() int {
	if b.p.Quick {
		return 0
	}
	return 1
}

// erroriDi is the failures of f, said briefly, or "".
func erroriDi(f finestra) string {
	if f.Errori == 0 {
		return ""
	}
	return fmt.Sprintf(" — %d failed, the first: %s", f.Errori, f.Errore)
}

// Summaries of several windows.

// ritmi is the rate of each window.
func ritmi(ff []finestra) []float64 {
	out := make([]float64, len(ff))
	for i, f := range ff {
		out[i] = f.ritmo()
	}
	return out
}

// mediana is the median of xs, with the smallest and the largest.
func mediana(xs []float64) (med, lo, hi float64) {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return 0, 0, 0
	}
	med = s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return med, s[0], s[n-1]
}

// percentile is the p-th percentile (0–100) of the latencies of every
// window together, by the nearest rank.
func percentile(ff []finestra, p float64) time.Duration {
	var tutte []time.Duration
	for _, f := range ff {
		tutte = append(tutte, f.Latenze...)
	}
	return percentileDi(tutte, p)
}

func percentileDi(lat []time.Duration, p float64) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	k := int(float64(len(s))*p/100+0.999999) - 1
	return s[max(0, min(k, len(s)-1))]
}

// percentiliFinestre is the p-th percentile of each window on its own.
func percentiliFinestre(ff []finestra, p float64) []float64 {
	out := make([]float64, len(ff))
	for i, f := range ff {
		out[i] = ms(percentileDi(f.Latenze, p))
	}
	return out
}

// totali sums the operations and failures of the windows.
func totali(ff []finestra) (fatte, errori int) {
	for _, f := range ff {
		fatte += f.Fatte
		errori += f.Errori
	}
	return fatte, errori
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
