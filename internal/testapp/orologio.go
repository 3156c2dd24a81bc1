package testapp

import (
	"sync"
	"time"

	"abilita/security"
)

// Orologio is the clock of a test installation: its pages, its login
// throttles and its mail worker read it instead of the wall clock. It starts
// at the real time and moves only when the test moves it, so timeouts,
// expiries, TOTP steps and retry delays pass when the test says and never
// because the machine was slow. It is safe for concurrent use.
type Orologio struct {
	mu  sync.Mutex
	ora time.Time
}

// nuovoOrologio starts a few seconds into the current TOTP step: a test that
// moves the clock by less than the rest of the step keeps the same codes.
func nuovoOrologio() *Orologio {
	secondi := int64(security.TOTPPeriodo / time.Second)
	inizio := time.Unix(security.PassoTOTP(time.Now())*secondi, 0)
	return &Orologio{ora: inizio.Add(5 * time.Second)}
}

// Now is the time of the installation.
func (o *Orologio) Now() time.Time {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.ora
}

// Avanza moves the clock on by d and returns the new time.
func (o *Orologio) Avanza(d time.Duration) time.Time {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ora = o.ora.Add(d)
	return o.ora
}

// Imposta sets the clock to t.
func (o *Orologio) Imposta(t time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ora = t
}
