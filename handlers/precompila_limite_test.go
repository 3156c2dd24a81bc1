package handlers

import (
	"testing"
	"time"
)

func TestPrecompilaLimitatore(t *testing.T) {
	l := nuovoLimitatore(10, 10*time.Minute)
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	for i := range 10 {
		if ok, _ := l.consenti("192.0.2.1", t0); !ok {
			t.Fatalf("request %d refused", i+1)
		}
	}
	ok, attesa := l.consenti("192.0.2.1", t0)
	if ok || attesa != time.Minute {
		t.Fatalf("11th request: allowed %v, wait %v; want refused, 1m", ok, attesa)
	}
	if ok, _ := l.consenti("192.0.2.2", t0); !ok {
		t.Error("another address was refused")
	}
	if ok, _ := l.consenti("192.0.2.1", t0.Add(59*time.Second)); ok {
		t.Error("a token came back before a minute")
	}
	if ok, _ := l.consenti("192.0.2.1", t0.Add(61*time.Second)); !ok {
		t.Error("no token back after a minute")
	}
	// Once full again, a client is forgotten: memory does not grow with the
	// addresses seen.
	l.consenti("192.0.2.3", t0.Add(2*time.Minute))
	if _, ok := l.secchi["192.0.2.2"]; ok {
		t.Error("a client whose bucket is full again is still kept")
	}
	if _, ok := l.secchi["192.0.2.1"]; !ok {
		t.Error("a client still throttled was forgotten")
	}
}

func TestPrecompilaCliente(t *testing.T) {
	for ip, want := range map[string]string{
		"192.0.2.7":            "192.0.2.7",
		"2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1": "2001:db8:1:2::/64",
		"::ffff:192.0.2.7":     "::ffff:192.0.2.7",
		"non un indirizzo":     "non un indirizzo",
		"2001:db8:1:3::1":      "2001:db8:1:3::/64",
	} {
		if got := cliente(ip); got != want {
			t.Errorf("cliente(%q) = %q, want %q", ip, got, want)
		}
	}
}
