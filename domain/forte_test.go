package domain

import (
	"testing"
	"time"
)

// Who files on path B, and what the operator is told about the identity.
func TestPercorsoEVerificaDellIdentita(t *testing.T) {
	ora := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	generico := &Utente{Ruolo: RuoloRichiedente, CodiceFiscale: "RSSMRA85T10G702W"}
	spid := &Utente{Ruolo: RuoloRichiedente, CodiceFiscale: "RSSMRA85T10G702W", Forte: &IdentitaForte{Metodo: MetodoOIDC, Fornitore: "SPID", Descrizione: "SPID livello 2"}}
	attivato := func(p Profilo) *Utente {
		return &Utente{Ruolo: RuoloRichiedente, CodiceFiscale: "RSSMRA85T10G702W", TOTP: &TOTP{Attivato: ora},
			Abilitazioni: []Abilitazione{{Profilo: p, Attivata: ora}}}
	}
	for _, tc := range []struct {
		nome     string
		u        *Utente
		percorso Percorso
		con      string
	}{
		{"utente generico", generico, PercorsoOnline, ""},
		{"SPID", spid, PercorsoInailRisponde, "SPID livello 2"},
		{"credenziali dispositive dalla sede", attivato(ProfiloMedicoEsterno), PercorsoInailRisponde, "le credenziali dispositive Inail (identità verificata dalla sede)"},
		{"medico ospedaliero", attivato(ProfiloMedicoOspedaliero), PercorsoInailRisponde, "le credenziali dispositive Inail (identità verificata dal referente della struttura)"},
	} {
		if got := PercorsoDi(tc.u); got != tc.percorso {
			t.Errorf("%s: path %s, want %s", tc.nome, got, tc.percorso)
		}
		if got := tc.u.VerificataCon(); got != tc.con {
			t.Errorf("%s: verified with %q, want %q", tc.nome, got, tc.con)
		}
	}
	r := &Richiesta{Percorso: PercorsoInailRisponde, Anagrafica: Anagrafica{CodiceFiscale: "BNCNNA90E55H501X", Cognome: "Bianchi", Nome: "Anna"}}
	spid.Forte.Cognome, spid.Forte.Nome = "Rossi", "Mario"
	r.FissaIdentita(spid)
	if r.Anagrafica.CodiceFiscale != spid.CodiceFiscale || r.Anagrafica.Cognome != "Rossi" || r.Anagrafica.Nome != "Mario" {
		t.Errorf("identity of path B not fixed: %+v", r.Anagrafica)
	}
}
