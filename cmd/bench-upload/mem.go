package main

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// memoria is one reading of the process's memory.
type memoria struct {
	HeapInuse  uint64 // runtime: bytes in in-use heap spans
	Sys        uint64 // runtime: bytes obtained from the OS
	RSS        uint64 // /proc/self/status VmRSS
	TotalAlloc uint64 // runtime: cumulative bytes allocated
}

func leggiMemoria() memoria {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return memoria{HeapInuse: ms.HeapInuse, Sys: ms.Sys, RSS: rss(), TotalAlloc: ms.TotalAlloc}
}

// rss returns VmRSS in bytes, or 0 where /proc is missing.
func rss() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// campionatore reads the memory every interval and keeps the peaks.
type campionatore struct {
	stop chan struct{}
	done sync.WaitGroup
	peak memoria
	n    int
}

func campiona(every time.Duration) *campionatore {
	c := &campionatore{stop: make(chan struct{})}
	c.prendi()
	c.done.Add(1)
	go func() {
		defer c.done.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-c.stop:
				return
			case <-t.C:
				c.prendi()
			}
		}
	}()
	return c
}

func (c *campionatore) prendi() {
	m := leggiMemoria()
	c.peak.HeapInuse = max(c.peak.HeapInuse, m.HeapInuse)
	c.peak.Sys = max(c.peak.Sys, m.Sys)
	c.peak.RSS = max(c.peak.RSS, m.RSS)
	c.n++
}

// ferma stops sampling, takes a last reading and returns the peaks and the
// number of readings.
func (c *campionatore) ferma() (memoria, int) {
	close(c.stop)
	c.done.Wait()
	c.prendi()
	return c.peak, c.n
}
