package security

import (
	"sync"
	"time"
)

// Limitatore throttles failed attempts (of a password or a TOTP code) per
// key — an account, a client address — with growing delays. An attempt is
// reserved before it is checked, so attempts made in parallel cannot slip
// past the limit: beyond the free attempts only one at a time is let
// through, and only once the delay of the last failure has passed.
type Limitatore struct {
	Liberi        int           // failures allowed before delays start
	Base          time.Duration // delay after the first failure beyond the free ones, doubled after each
	Max           time.Duration // longest delay: nobody is locked out for longer by someone else's failures
	MaxFallimenti int           // consecutive failures after which the key is blocked until Sblocca (0: never)
	Now           func() time.Time

	mu      sync.Mutex
	voci    map[string]*voceLimite
	pulizia time.Time
}

type voceLimite struct {
	fallimenti   int
	inCorso      int
	bloccatoFino time.Time
	ultimo       time.Time
}

// NuovoLimitatore returns a limiter with the given free attempts and delays.
func NuovoLimitatore(liberi int, base, max time.Duration, maxFallimenti int) *Limitatore {
	return &Limitatore{Liberi: liberi, Base: base, Max: max, MaxFallimenti: maxFallimenti, Now: time.Now, voci: map[string]*voceLimite{}}
}

// Bloccato is the wait returned for a key blocked until Sblocca.
const Bloccato = time.Duration(-1)

// Prenota reserves an attempt for every key. It returns either a function
// to call with the outcome of the attempt, or how long to wait (Bloccato for
// a key that only Sblocca reopens).
func (l *Limitatore) Prenota(chiavi ...string) (esito func(riuscito bool), attesa time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	l.pulisci(now)
	for _, k := range chiavi {
		v := l.voci[k]
		if v == nil {
			continue
		}
		switch {
		case l.MaxFallimenti > 0 && v.fallimenti >= l.MaxFallimenti:
			return nil, Bloccato
		case now.Before(v.bloccatoFino):
			return nil, v.bloccatoFino.Sub(now)
		case v.inCorso > 0 && v.fallimenti+v.inCorso >= l.Liberi:
			return nil, time.Second
		}
	}
	for _, k := range chiavi {
		v := l.voci[k]
		if v == nil {
			v = &voceLimite{}
			l.voci[k] = v
		}
		v.inCorso++
		v.ultimo = now
	}
	var once sync.Once
	return func(riuscito bool) { once.Do(func() { l.esito(chiavi, riuscito) }) }, 0
}

func (l *Limitatore) esito(chiavi []string, riuscito bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	for _, k := range chiavi {
		v := l.voci[k]
		if v == nil {
			continue
		}
		v.inCorso--
		if riuscito {
			v.fallimenti, v.bloccatoFino = 0, time.Time{}
			continue
		}
		v.fallimenti++
		if oltre := v.fallimenti - l.Liberi; oltre >= 0 {
			d := l.Base << min(oltre, 30)
			if d > l.Max || d <= 0 {
				d = l.Max
			}
			v.bloccatoFino = now.Add(d)
		}
	}
}

// Fallimenti is the number of consecutive failures of a key.
func (l *Limitatore) Fallimenti(chiave string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if v := l.voci[chiave]; v != nil {
		return v.fallimenti
	}
	return 0
}

// Sblocca clears a key (after a password reset, say).
func (l *Limitatore) Sblocca(chiave string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.voci, chiave)
}

// pulisci forgets, once an hour, keys with nothing in progress that have
// been quiet for a day, so the map does not grow without bound.
func (l *Limitatore) pulisci(now time.Time) {
	if now.Sub(l.pulizia) < time.Hour {
		return
	}
	l.pulizia = now
	for k, v := range l.voci {
		if v.inCorso == 0 && now.Sub(v.ultimo) > 24*time.Hour && (l.MaxFallimenti == 0 || v.fallimenti < l.MaxFallimenti) {
			delete(l.voci, k)
		}
	}
}
