package handlers

import (
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Precompila has no account to throttle, so its requests are limited per
// client address: each may save limitePrecompila modules, and download as
// many, in finestraPrecompila, earning one back every window/limit.
const (
	limitePrecompila   = 10
	finestraPrecompila = 10 * time.Minute
	// limiteVerifichePrecompila bounds the inline checks, which run as the
	// module is typed: a module has some 30 fields, each checked once or
	// twice, so this is a few modules' worth.
	limiteVerifichePrecompila = 200
	// maxClienti bounds the memory of a limiter (some 10 MB) under a flood
	// from many addresses: past it, new addresses wait for old ones to expire.
	maxClienti = 100_000
)

// limitatore is a token bucket per client address.
type limitatore struct {
	mu       sync.Mutex
	gettoni  float64       // bucket size
	ricarica time.Duration // time to earn one token back
	secchi   map[string]secchio
	pulito   time.Time
}

type secchio struct {
	gettoni float64
	ultimo  time.Time
}

func nuovoLimitatore(n int, finestra time.Duration) *limitatore {
	return &limitatore{gettoni: float64(n), ricarica: finestra / time.Duration(n), secchi: map[string]secchio{}}
}

// consenti takes a token for the client, or tells how long until it has one.
func (l *limitatore) consenti(cliente string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.pulito) > l.ricarica {
		l.pulisci(now)
	}
	s, ok := l.secchi[cliente]
	if !ok {
		if len(l.secchi) >= maxClienti {
			return false, l.ricarica
		}
		s = secchio{gettoni: l.gettoni, ultimo: now}
	}
	s.gettoni = l.riempito(s, now)
	s.ultimo = now
	if s.gettoni < 1 {
		l.secchi[cliente] = s
		return false, time.Duration((1 - s.gettoni) * float64(l.ricarica))
	}
	s.gettoni--
	l.secchi[cliente] = s
	return true, 0
}

func (l *limitatore) riempito(s secchio, now time.Time) float64 {
	return min(l.gettoni, s.gettoni+float64(now.Sub(s.ultimo))/float64(l.ricarica))
}

// pulisci forgets the clients whose bucket is full again: for them a new
// bucket is the same.
func (l *limitatore) pulisci(now time.Time) {
	for k, s := range l.secchi {
		if l.riempito(s, now) >= l.gettoni {
			delete(l.secchi, k)
		}
	}
	l.pulito = now
}

// cliente is the key of a client address: the address itself, or its /64
// network for IPv6, where one client usually holds a whole /64.
func cliente(ip string) string {
	a := net.ParseIP(ip)
	if a == nil || a.To4() != nil {
		return ip
	}
	return a.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// limitiPrecompila are an application's limiters of Precompila.
type limitiPrecompila struct {
	salva, scarica, verifica *limitatore
}

func nuoviLimitiPrecompila() limitiPrecompila {
	return limitiPrecompila{
		salva:    nuovoLimitatore(limitePrecompila, finestraPrecompila),
		scarica:  nuovoLimitatore(limitePrecompila, finestraPrecompila),
		verifica: nuovoLimitatore(limiteVerifichePrecompila, finestraPrecompila),
	}
}

func (h *Handlers) limiti() *limitiPrecompila { return &h.limitiPrecompila }

// limita answers 429, with the time to wait, once the client has used its requests.
func (h *Handlers) limita(c *fiber.Ctx, l *limitatore) error {
	ok, attesa := l.consenti(cliente(ip(c)), h.Now())
	if ok {
		return nil
	}
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(attesa.Seconds())+1))
	return fiber.ErrTooManyRequests
}
