package store_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"abilita/domain"
	"abilita/store"
)

func privacyCompleta() domain.ImpostazioniPrivacy {
	return domain.ImpostazioniPrivacy{
		TitolareNome: "  Istituto di prova  ", TitolareIndirizzo: "Piazzale di Prova 1, 00100 Roma",
		TitolareEmail: "Titolare@Esempio.IT", TitolarePEC: "titolare@pec.esempio.it",
		DPONome: "Ufficio del responsabile", DPOEmail: "dpo@esempio.it", DPOPEC: "dpo@pec.esempio.it",
		Note: "Prima riga.\n\nSeconda riga.",
	}
}

// The contacts of the privacy notice are empty until an administrator sets
// them; saved, they are normalised, audited by field and read again after
// a restart. Saving them unchanged writes nothing.
func TestSalvaImpostazioniPrivacy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "abilita.db")
	s := MustOpenAt(t, path)
	admin := creaAmministratore(t, s, "admin@example.it")
	if p, err := s.ImpostazioniPrivacy(); err != nil || p != (domain.ImpostazioniPrivacy{}) {
		t.Fatalf("ImpostazioniPrivacy() prima = %+v, %v; want vuote", p, err)
	}
	cambiati, err := s.SalvaImpostazioniPrivacy(atto(admin.ID, t0), privacyCompleta())
	if err != nil {
		t.Fatal(err)
	}
	if len(cambiati) != 8 || cambiati[0] != "denominazione del titolare" || cambiati[7] != "note" {
		t.Errorf("campi cambiati: %q", cambiati)
	}
	want := privacyCompleta()
	want.TitolareNome, want.TitolareEmail = "Istituto di prova", "titolare@esempio.it"
	if p, err := s.ImpostazioniPrivacy(); err != nil || p != want {
		t.Errorf("ImpostazioniPrivacy() = %+v, %v; want %+v", p, err, want)
	}
	e := audit(t, s, admin.ID, domain.AuditImpostazioni, "Modificati i contatti dell'informativa privacy: denominazione del titolare,", "PEC del responsabile della protezione dei dati, note")
	if e.IP != "192.0.2.1" || !e.Quando.Equal(t0) {
		t.Errorf("voce di audit %+v", e)
	}

	prima := istantanea(t, s)
	if cambiati, err := s.SalvaImpostazioniPrivacy(atto(admin.ID, t0), want); err != nil || len(cambiati) != 0 {
		t.Errorf("salvate senza modifiche: %q, %v", cambiati, err)
	}
	invariato(t, s, prima)

	solo := want
	solo.DPOEmail = ""
	if cambiati, err := s.SalvaImpostazioniPrivacy(atto(admin.ID, t0), solo); err != nil || !slices.Equal(cambiati, []string{"e-mail del responsabile della protezione dei dati"}) {
		t.Errorf("tolta l'e-mail del DPO: %q, %v", cambiati, err)
	}
	audit(t, s, admin.ID, domain.AuditImpostazioni, "informativa privacy: e-mail del responsabile della protezione dei dati")

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = MustOpenAt(t, path)
	if p, err := s.ImpostazioniPrivacy(); err != nil || p != solo {
		t.Errorf("dopo la riapertura ImpostazioniPrivacy() = %+v, %v", p, err)
	}
}

// What the domain refuses is refused by the store too, and only an
// administrator changes the notice: nothing is written otherwise.
func TestSalvaImpostazioniPrivacyRifiutate(t *testing.T) {
	s := MustOpenConSedi(t)
	admin := creaAmministratore(t, s, "admin@example.it")
	op := creaOperatore(t, s, "op.pi@example.it", "PI")
	prima := istantanea(t, s)
	for _, tt := range []struct {
		name   string
		cambia func(*domain.ImpostazioniPrivacy)
		msg    string
	}{
		{"e-mail non valida", func(p *domain.ImpostazioniPrivacy) { p.DPOEmail = "dpo-esempio.it" }, "L'indirizzo e-mail non è valido"},
		{"PEC senza dominio", func(p *domain.ImpostazioniPrivacy) { p.TitolarePEC = "titolare@pec" }, "L'indirizzo PEC non è valido"},
		{"PEC con il nome", func(p *domain.ImpostazioniPrivacy) { p.DPOPEC = "DPO <dpo@pec.esempio.it>" }, "I caratteri < e > non sono ammessi."},
		{"markup nel nome", func(p *domain.ImpostazioniPrivacy) { p.TitolareNome = "<b>Inail</b>" }, "I caratteri < e > non sono ammessi."},
		{"markup nelle note", func(p *domain.ImpostazioniPrivacy) { p.Note = "vedi <a href=x>qui</a>" }, "I caratteri < e > non sono ammessi."},
		{"indirizzo troppo lungo", func(p *domain.ImpostazioniPrivacy) { p.TitolareIndirizzo = strings.Repeat("a", domain.MaxTesto+1) }, "Il testo è troppo lungo"},
		{"note troppo lunghe", func(p *domain.ImpostazioniPrivacy) { p.Note = strings.Repeat("a", domain.MaxTestoLungo+1) }, "Il testo è troppo lungo"},
		{"carattere di controllo", func(p *domain.ImpostazioniPrivacy) { p.DPONome = "Ufficio\x00" }, "caratteri di controllo"},
		{"testo rovesciato", func(p *domain.ImpostazioniPrivacy) { p.DPONome = "Ufficio\u202Eoiciffu" }, "caratteri invisibili"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := privacyCompleta()
			tt.cambia(&p)
			_, err := s.SalvaImpostazioniPrivacy(atto(admin.ID, t0), p)
			codice(t, err, domain.ErrNonValido)
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("messaggio %q, want %q", err, tt.msg)
			}
		})
	}
	for _, chi := range []uint64{op.ID, 0, 999} {
		if _, err := s.SalvaImpostazioniPrivacy(atto(chi, t0), privacyCompleta()); err == nil {
			t.Errorf("salvate dall'utente %d", chi)
		}
	}
	_, err := s.SalvaImpostazioniPrivacy(atto(op.ID, t0), privacyCompleta())
	codice(t, err, domain.ErrNonAmmesso)
	invariato(t, s, prima)
}

// A database written before the settings existed gets their bucket when
// opened, without a new schema version: the notice is not set yet there.
func TestImpostazioniPrivacySuUnDatabaseEsistente(t *testing.T) {
	s, _, _ := apriFixture(t, "schema2.db")
	if p, err := s.ImpostazioniPrivacy(); err != nil || p != (domain.ImpostazioniPrivacy{}) {
		t.Fatalf("ImpostazioniPrivacy() = %+v, %v", p, err)
	}
	if v, err := s.Versione(); err != nil || v != store.VersioneSchema {
		t.Errorf("versione %d, %v", v, err)
	}
	admin := creaAmministratore(t, s, "nuovo.admin@example.it")
	if _, err := s.SalvaImpostazioniPrivacy(atto(admin.ID, t0), privacyCompleta()); err != nil {
		t.Fatal(err)
	}
}
