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
