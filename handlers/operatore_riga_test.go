package handlers

import (
	"testing"
	"time"

	"abilita/domain"
)

// The queue's cells are text prepared by the handler: the age of each
// request in words, the labels, the name of who holds it.
func TestRigaCodaInParole(t *testing.T) {
	ora := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	nomi := map[uint64]string{7: "Laura Pisani"}
	for _, tc := range []struct {
		inviata time.Time
		want    string
	}{
		{ora.Add(-time.Hour), "oggi"},
		{ora.Add(-25 * time.Hour), "1 giorno fa"},
		{ora.Add(-12*24*time.Hour - time.Hour), "12 giorni fa"},
	} {
		r := nuovaRigaCoda(domain.RigaCoda{ID: 3, Protocollo: "PI-2026-000003", Cognome: "Rossi", Nome: "Mario", Stato: domain.StatoInLavorazione,
			Percorso: domain.PercorsoSportello, Profilo: domain.ProfiloMedicoPatronato, Inviata: tc.inviata, Operatore: 7}, nomi, ora)
		if r.Anzianita != tc.want {
			t.Errorf("sent at %v: %q, want %q", tc.inviata, r.Anzianita, tc.want)
		}
		if r.Richiedente != "Rossi Mario" || r.Operatore != "Laura Pisani" || r.Stato.Etichetta != domain.StatoInLavorazione.Etichetta() ||
			r.Profilo != domain.ProfiloMedicoPatronato.Etichetta() || r.Percorso != domain.PercorsoSportello.Etichetta() {
			t.Errorf("row %+v", r)
		}
	}
}
