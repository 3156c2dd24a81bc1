package app

import (
	"testing"
	"time"
)

func TestConfigCredenziali(t *testing.T) {
	nessuna := func(string) string { return "" }
	c, err := ParseConfig(nil, nessuna)
	if err != nil {
		t.Fatal(err)
	}
	if c.AttivazioneTTL != 72*time.Hour || c.ServizioCertificatiURL != "https://servizionline.inail.it" {
		t.Errorf("defaults: %v, %q", c.AttivazioneTTL, c.ServizioCertificatiURL)
	}
	env := map[string]string{"ABILITA_ATTIVAZIONE_TTL": "48h", "ABILITA_SERVIZIO_CERTIFICATI_URL": "https://certificati.example.it/medici"}
	c, err = ParseConfig(nil, func(k string) string { return env[k] })
	if err != nil || c.AttivazioneTTL != 48*time.Hour || c.ServizioCertificatiURL != "https://certificati.example.it/medici" {
		t.Errorf("from the environment: %v, %q, %v", c.AttivazioneTTL, c.ServizioCertificatiURL, err)
	}
	c, err = ParseConfig([]string{"--attivazione-ttl", "24h"}, func(k string) string { return env[k] })
	if err != nil || c.AttivazioneTTL != 24*time.Hour {
		t.Errorf("the flag wins: %v, %v", c.AttivazioneTTL, err)
	}
	for _, args := range [][]string{
		{"--attivazione-ttl", "10m"}, {"--attivazione-ttl", "2000h"},
		{"--servizio-certificati-url", "javascript:alert(1)"}, {"--servizio-certificati-url", "servizionline.inail.it"},
	} {
		if _, err := ParseConfig(args, nessuna); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

func TestConfigMetriche(t *testing.T) {
	env := map[string]string{"ABILITA_METRICS_TOKEN": "t0k3n", "ABILITA_METRICS_ADDRS": "10.0.0.0/8, 192.0.2.7 ,::1"}
	c, err := ParseConfig(nil, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.0/8", "192.0.2.7/32", "::1/128"}
	if c.MetricheToken != "t0k3n" || len(c.MetricheIndirizzi) != len(want) {
		t.Fatalf("token %q, addresses %v", c.MetricheToken, c.MetricheIndirizzi)
	}
	for i, p := range c.MetricheIndirizzi {
		if p.String() != want[i] {
			t.Errorf("address %d: %s, want %s", i, p, want[i])
		}
	}
	if _, err := ParseConfig([]string{"--metrics-addrs", "10.0.0.0/8,qualcosa"}, func(string) string { return "" }); err == nil {
		t.Error("a list with a non-address was accepted")
	}
	if c, _ := ParseConfig(nil, func(string) string { return "" }); len(c.MetricheIndirizzi) != 0 || c.MetricheToken != "" {
		t.Error("metrics configured by default")
	}
}
