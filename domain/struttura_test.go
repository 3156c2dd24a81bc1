package domain_test

import (
	"testing"
	"time"

	"abilita/domain"
)

// TestConsentiStruttura is the table of who may do what to a structure's
// doctors: its referente, a referente of another structure or not yet
// activated, the operators of the sede the doctor was enabled under and of
// another, an administrator, the doctor itself.
func TestConsentiStruttura(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	totp := &domain.TOTP{Attivato: t0}
	ref := func(id uint64, codice string, attivata time.Time) *domain.Utente {
		return &domain.Utente{ID: id, Ruolo: domain.RuoloRichiedente, TOTP: totp,
			Abilitazioni: []domain.Abilitazione{{Profilo: domain.ProfiloReferentePresidio, CodiceStruttura: codice, Sede: "PI", Attivata: attivata}}}
	}
	referente, altro, inattivo := ref(1, "OSP1", t0), ref(2, "OSP2", t0), ref(3, "OSP1", time.Time{})
	sospeso := ref(4, "OSP1", t0)
	sospeso.Sospeso = true
	opPI := &domain.Utente{ID: 5, Ruolo: domain.RuoloOperatore, Sede: "PI"}
	opMI := &domain.Utente{ID: 6, Ruolo: domain.RuoloOperatore, Sede: "MI"}
	admin := &domain.Utente{ID: 7, Ruolo: domain.RuoloAmministratore}
	medico := func(ab domain.Abilitazione) *domain.Utente {
		ab.Profilo, ab.CodiceStruttura, ab.Sede = domain.ProfiloMedicoOspedaliero, "OSP1", "PI"
		return &domain.Utente{ID: 10, Ruolo: domain.RuoloRichiedente, TOTP: totp, Abilitazioni: []domain.Abilitazione{ab}}
	}
	attivo := medico(domain.Abilitazione{Attivata: t0})
	daAttivare := medico(domain.Abilitazione{})
	sospesoDalReferente := medico(domain.Abilitazione{Attivata: t0, Sospesa: &domain.Provvedimento{Chi: 1}})
	sospesoDallaSede := medico(domain.Abilitazione{Attivata: t0, Sospesa: &domain.Provvedimento{Chi: 5, DallaSede: true}})
	revocato := medico(domain.Abilitazione{Attivata: t0, Revocata: &domain.Provvedimento{Chi: 1}})

	const (
		si        = ""
		assente   = domain.ErrNonTrovato
		conflitto = domain.ErrConflitto
	)
	for _, tt := range []struct {
		nome     string
		chi      *domain.Utente
		op       domain.OperazioneStruttura
		medico   *domain.Utente
		sospendi bool
		want     domain.Codice
	}{
		{"il referente vede la struttura", referente, domain.OpVediStruttura, nil, false, si},
		{"e abilita un medico", referente, domain.OpAbilitaMedico, nil, false, si},
		{"un referente di un'altra struttura no", altro, domain.OpAbilitaMedico, nil, false, assente},
		{"un referente non attivato no", inattivo, domain.OpAbilitaMedico, nil, false, assente},
		{"un referente sospeso no", sospeso, domain.OpVediStruttura, nil, false, assente},
		{"l'operatore non abilita", opPI, domain.OpAbilitaMedico, nil, false, assente},
		{"l'operatore vede", opPI, domain.OpVediStruttura, nil, false, si},
		{"l'amministratore vede", admin, domain.OpVediStruttura, nil, false, si},
		{"l'amministratore non sospende", admin, domain.OpSospendiMedico, attivo, true, assente},
		{"il medico non gestisce la struttura", attivo, domain.OpSospendiMedico, attivo, true, assente},
		{"il referente sospende", referente, domain.OpSospendiMedico, attivo, true, si},
		{"il referente di un'altra struttura no", altro, domain.OpSospendiMedico, attivo, true, assente},
		{"l'operatore della sede sospende", opPI, domain.OpSospendiMedico, attivo, true, si},
		{"quello di un'altra sede no", opMI, domain.OpSospendiMedico, attivo, true, assente},
		{"non si sospende due volte", referente, domain.OpSospendiMedico, sospesoDalReferente, true, conflitto},
		{"il referente riattiva la sua sospensione", referente, domain.OpSospendiMedico, sospesoDalReferente, false, si},
		{"ma non quella della sede", referente, domain.OpSospendiMedico, sospesoDallaSede, false, conflitto},
		{"la sede riattiva la sua", opPI, domain.OpSospendiMedico, sospesoDallaSede, false, si},
		{"ma non quella del referente", opPI, domain.OpSospendiMedico, sospesoDalReferente, false, conflitto},
		{"non si riattiva chi non è sospeso", referente, domain.OpSospendiMedico, attivo, false, conflitto},
		{"il referente revoca", referente, domain.OpRevocaMedico, sospesoDallaSede, false, si},
		{"l'operatore non revoca", opPI, domain.OpRevocaMedico, attivo, false, assente},
		{"non si revoca due volte", referente, domain.OpRevocaMedico, revocato, false, conflitto},
		{"né si sospende un revocato", referente, domain.OpSospendiMedico, revocato, true, conflitto},
		{"nuovo codice a chi non ha attivato", referente, domain.OpCodiceMedico, daAttivare, false, si},
		{"non a chi ha attivato", referente, domain.OpCodiceMedico, attivo, false, conflitto},
		{"un account che non è della struttura", referente, domain.OpSospendiMedico, referente, true, assente},
	} {
		t.Run(tt.nome, func(t *testing.T) {
			err := domain.ConsentiStruttura(tt.chi, tt.op, "OSP1", tt.medico, tt.sospendi)
			switch {
			case tt.want == si && err != nil:
				t.Errorf("error %v, want nil", err)
			case tt.want != si && domain.CodiceDi(err) != tt.want:
				t.Errorf("error %v (%s), want %s", err, domain.CodiceDi(err), tt.want)
			}
		})
	}
}
