package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"abilita/internal/testapp"
)

// TestAccessiParalleliLimitati: 200 wrong passwords sent at once against one
// account are checked at most as many times as the free attempts (5); the
// others are refused without checking. An unknown account gets the very same
// treatment, so the answers tell nothing about who is registered.
func TestAccessiParalleliLimitati(t *testing.T) {
	app := testapp.Start(t)
	p := mario()
	nuovoRichiedente(t, app, p)
	for _, email := range []string{p.Email, "nessuno@example.it"} {
		t.Run(email, func(t *testing.T) {
			var mu sync.Mutex
			stati := map[int]int{}
			var wg sync.WaitGroup
			start := make(chan struct{})
			for range 200 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					v := nuovoVisitatore(t, app)
					form := url.Values{"identificativo": {email}, "password": {"password sbagliata di prova"}, "_csrf": {v.csrf()}}
					<-start
					r := v.post("/accedi", form)
					mu.Lock()
					stati[r.Status]++
					mu.Unlock()
				}()
			}
			close(start)
			wg.Wait()
			if stati[401] < 1 || stati[401] > 5 || stati[401]+stati[429] != 200 {
				t.Fatalf("answers %v: want 1 to 5 checked (401) and the rest refused (429)", stati)
			}
		})
	}
	// The owner is not locked out for longer than the policy's delay (1 s
	// after the fifth failure): once it has passed, the right password works.
	giusta := url.Values{"identificativo": {p.Email}, "password": {p.Password}}
	if r := nuovoVisitatore(t, app).post("/accedi", giusta); r.Status != http.StatusSeeOther {
		if r.Status != 429 || !strings.Contains(r.Testo, "Troppi tentativi") {
			t.Fatalf("right password after the storm: %d", r.Status)
		}
		app.Orologio.Avanza(time.Second)
		vuole(t, nuovoVisitatore(t, app).post("/accedi", giusta), http.StatusSeeOther)
	}
}
