package security

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type orologio struct {
	mu  sync.Mutex
	now time.Time
}

func (o *orologio) Now() time.Time { o.mu.Lock(); defer o.mu.Unlock(); return o.now }
func (o *orologio) avanza(d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.now = o.now.Add(d)
}

func nuovoLimitatoreDiProva() (*Limitatore, *orologio) {
	o := &orologio{now: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
	l := NuovoLimitatore(3, time.Second, 15*time.Minute, 100)
	l.Now = o.Now
	return l, o
}

func fallisci(t *testing.T, l *Limitatore, k string) {
	t.Helper()
	esito, attesa := l.Prenota(k)
	if esito == nil {
		t.Fatalf("attempt refused, wait %v", attesa)
	}
	esito(false)
}

func TestLimitatoreRitardiCrescenti(t *testing.T) {
	l, o := nuovoLimitatoreDiProva()
	for range 3 {
		fallisci(t, l, "a")
	}
	if _, attesa := l.Prenota("a"); attesa != time.Second {
		t.Fatalf("after the free attempts: wait %v, want 1s", attesa)
	}
	o.avanza(time.Second)
	fallisci(t, l, "a")
	if _, attesa := l.Prenota("a"); attesa != 2*time.Second {
		t.Fatalf("after one more failure: wait %v, want 2s", attesa)
	}
	if esito, _ := l.Prenota("b"); esito == nil {
		t.Fatal("another key must not be throttled")
	}
	o.avanza(2 * time.Second)
	esito, _ := l.Prenota("a")
	esito(true)
	for range 3 {
		fallisci(t, l, "a")
	}
}

func TestLimitatoreRitardoMassimo(t *testing.T) {
	l, o := nuovoLimitatoreDiProva()
	for range 40 {
		esito, attesa := l.Prenota("a")
		if esito == nil {
			if attesa > 15*time.Minute {
				t.Fatalf("wait %v beyond the maximum", attesa)
			}
			o.avanza(attesa)
			esito, _ = l.Prenota("a")
		}
		esito(false)
	}
}

func TestLimitatoreBloccoDopoMaxFallimenti(t *testing.T) {
	l, o := nuovoLimitatoreDiProva()
	for range 100 {
		esito, attesa := l.Prenota("a")
		if esito == nil {
			o.avanza(attesa)
			esito, _ = l.Prenota("a")
		}
		esito(false)
	}
	o.avanza(time.Hour)
	if _, attesa := l.Prenota("a"); attesa != Bloccato {
		t.Fatalf("after 100 failures: wait %v, want blocked", attesa)
	}
	l.Sblocca("a")
	if esito, _ := l.Prenota("a"); esito == nil {
		t.Fatal("Sblocca did not reopen the key")
	}
}

// TestLimitatoreTentativiParalleli: 200 wrong attempts at once are checked
// at most as many times as the free attempts.
func TestLimitatoreTentativiParalleli(t *testing.T) {
	l, _ := nuovoLimitatoreDiProva()
	var controllati atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if esito, _ := l.Prenota("account", "ip"); esito != nil {
				controllati.Add(1)
				time.Sleep(time.Millisecond) // the check takes time
				esito(false)
			}
		}()
	}
	close(start)
	wg.Wait()
	if n := controllati.Load(); n < 1 || n > 3 {
		t.Fatalf("%d attempts checked, want between 1 and 3", n)
	}
}

func TestLimitatoreFallimenti(t *testing.T) {
	l := NuovoLimitatore(5, time.Second, time.Minute, 0)
	for i := 1; i <= 3; i++ {
		esito, _ := l.Prenota("k")
		esito(false)
		if n := l.Fallimenti("k"); n != i {
			t.Fatalf("after %d failures Fallimenti = %d", i, n)
		}
	}
	esito, _ := l.Prenota("k")
	esito(true)
	if n := l.Fallimenti("k"); n != 0 || l.Fallimenti("altra") != 0 {
		t.Errorf("after a success Fallimenti = %d", n)
	}
}
