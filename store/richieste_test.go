package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"abilita/cf"
	"abilita/domain"
	"abilita/store"
)

// persona is an applicant of the tests. Every one was born in San Giuliano
// Terme (PI) on 10 December 1985; where it lives decides its sede.
type persona struct {
	Cognome, Nome          string
	Comune, Provincia, CAP string
}

var (
	rossi   = persona{"Rossi", "Mario", "San Giuliano Terme", "PI", "56017"}
	verdi   = persona{"Verdi", "Giuseppe", "Milano", "MI", "20121"}
	bianchi = persona{"Bianchi", "Luigi", "Roma", "RM", "00185"}
	neri    = persona{"Neri", "Paolo", "San Giuliano Terme", "PI", "56017"}
)

// CF is the persona's codice fiscale.
func (p persona) CF() string {
	base := cf.CodiceCognome(p.Cognome) + cf.CodiceNome(p.Nome) + "85T10A562"
	return base + string(cf.CarattereControllo(base))
}

// Email is the persona's e-mail address.
func (p persona) Email() string {
	return strings.ToLower(p.Nome + "." + p.Cognome + "@example.it")
}

// richiestaCompleta is a request of p for a new enablement as medico
// esterno that passes every step of the form at t0 and after.
func richiestaCompleta(p persona) *domain.Richiesta {
	return &domain.Richiesta{
		Tipo: domain.TipoNuova, Profilo: domain.ProfiloMedicoEsterno,
		Anagrafica: domain.Anagrafica{
			Cognome: p.Cognome, Nome: p.Nome, CodiceFiscale: p.CF(), Sesso: "M", DataNascita: "1985-12-10",
			LuogoNascita: "San Giuliano Terme", ProvinciaNascita: "PI", Cittadinanza: "Italiana",
		},
		Residenza: domain.Residenza{Indirizzo: "Via Roma 1", CAP: p.CAP, Comune: p.Comune, Provincia: p.Provincia},
		Contatti:  domain.Contatti{Email: p.Email(), Telefono: "+39 050 123456"},
		Ordine:    domain.Ordine{Provincia: "PI", Numero: "1234", DataIscrizione: "2012-05-02"},
		Documento: domain.Documento{
			Tipo: "Carta d'identità elettronica", Numero: "CA12345AB", RilasciatoDa: "Comune di San Giuliano Terme",
			DataRilascio: "2020-01-10", DataScadenza: "2030-01-10",
		},
		Dichiarazioni: domain.Dichiarazioni{DPR445: true, Privacy: true, Riservatezza: true},
		Allegati: map[domain.TipoAllegato]domain.Allegato{
			domain.AllegatoDocumentoFronte: {ID: "fronte", Tipo: "image/jpeg"},
			domain.AllegatoDocumentoRetro:  {ID: "retro", Tipo: "image/jpeg"},
			domain.AllegatoModuloFirmato:   {ID: "modulo", Tipo: "application/pdf"},
		},
	}
}

// bozza stores r as a draft of user chi at t0, with its attachments
// uploaded as the form does, after the draft is made.
func bozza(tb testing.TB, s *store.Store, chi uint64, r *domain.Richiesta) *domain.Richiesta {
	tb.Helper()
	allegati := r.Allegati
	if err := s.CreaBozza(atto(chi, t0), r); err != nil {
		tb.Fatal(err)
	}
	if len(allegati) > 0 {
		if _, err := s.AllegaDocumenti(atto(chi, t0), r.ID, allegati); err != nil {
			tb.Fatal(err)
		}
		salvata, err := s.Richiesta(r.ID)
		if err != nil {
			tb.Fatal(err)
		}
		*r = *salvata
	}
	return r
}

// invia stores r as a draft of user chi and submits it at t0.
func invia(tb testing.TB, s *store.Store, chi uint64, r *domain.Richiesta) *domain.Richiesta {
	tb.Helper()
	got, err := s.Invia(atto(chi, t0), bozza(tb, s, chi, r).ID)
	if err != nil {
		tb.Fatal(err)
	}
	return got
}

var checklistCompleta = domain.Checklist{DatiCorrispondenti: true, DocumentoValido: true, ModuloFirmato: true, OrdinePlausibile: true}

// inLavorazione submits r for chi and has operator op take it in charge and
// tick every check, ready for a decision.
func inLavorazione(tb testing.TB, s *store.Store, chi, op uint64, r *domain.Richiesta) *domain.Richiesta {
	tb.Helper()
	id := invia(tb, s, chi, r).ID
	if _, err := s.PrendiInCarico(atto(op, t0), id); err != nil {
		tb.Fatal(err)
	}
	got, err := s.SalvaChecklist(atto(op, t0), id, checklistCompleta)
	if err != nil {
		tb.Fatal(err)
	}
	return got
}

func TestRichiesteUtente(t *testing.T) {
	s := MustOpenConSedi(t)
	// Users 1 and 256 differ in one byte of their big-endian IDs.
	utenti := creaUtenti(t, s, 256)
	u1, u2, u256 := utenti[0].ID, utenti[1].ID, utenti[255].ID
	var mie []uint64
	for i := range 4 {
		mie = append(mie, bozza(t, s, u1, richiestaCompleta(rossi)).ID)
		bozza(t, s, u2, richiestaCompleta(verdi))
		bozza(t, s, u256, richiestaCompleta(bianchi))
		if i == 1 {
			if _, err := s.Invia(atto(u1, t0), mie[1]); err != nil {
				t.Fatal(err)
			}
		}
	}
	got, err := s.RichiesteUtente(u1)
	if err != nil {
		t.Fatal(err)
	}
	var ids []uint64
	for _, r := range got {
		if x, err := s.Richiesta(r.ID); err != nil || x.Richiedente != u1 || x.Stato != r.Stato || !x.Aggiornata.Equal(r.Aggiornata) {
			t.Errorf("riga %+v nell'elenco dell'utente %d: la richiesta è %+v (%v)", r, u1, x, err)
		}
		ids = append(ids, r.ID)
	}
	slices.Reverse(mie)
	if !slices.Equal(ids, mie) {
		t.Errorf("RichiesteUtente = %v, want %v (la più recente per prima)", ids, mie)
	}
	if got[2].Stato != domain.StatoInviata {
		t.Errorf("l'elenco non mostra lo stato salvato: %q", got[2].Stato)
	}
	if got, err := s.RichiesteUtente(utenti[2].ID); err != nil || len(got) != 0 {
		t.Errorf("RichiesteUtente(senza richieste) = %v, %v", got, err)
	}
}

// The index by codice fiscale finds a person's requests in every sede and
// state, oldest first, and follows a code corrected in a draft.
func TestRichiestePerCF(t *testing.T) {
	s := MustOpenConSedi(t)
	u := richiedente(t, s, rossi)
	altro := richiedente(t, s, verdi)
	inPI := invia(t, s, u.ID, richiestaCompleta(rossi))
	trasferito := rossi
	trasferito.Comune, trasferito.Provincia, trasferito.CAP = "Milano", "MI", "20121"
	inMI := invia(t, s, u.ID, richiestaCompleta(trasferito))
	b := bozza(t, s, altro.ID, richiestaCompleta(verdi))

	trova := func(cf string) []uint64 {
		t.Helper()
		rr, err := s.RichiestePerCF(cf)
		if err != nil {
			t.Fatal(err)
		}
		var out []uint64
		for _, r := range rr {
			out = append(out, r.ID)
		}
		return out
	}
	if got, want := trova(strings.ToLower(rossi.CF())), []uint64{inPI.ID, inMI.ID}; !slices.Equal(got, want) {
		t.Fatalf("richieste di %s: %v, want %v (in PI e in MI)", rossi.CF(), got, want)
	}
	if inPI.Sede != "PI" || inMI.Sede != "MI" {
		t.Fatalf("sedi %q e %q, want PI e MI", inPI.Sede, inMI.Sede)
	}
	corretta := richiestaCompleta(verdi)
	corretta.Anagrafica.CodiceFiscale = " " + strings.ToLower(rossi.CF())
	if _, err := s.SalvaBozza(atto(altro.ID, t0), b.ID, corretta); err != nil {
		t.Fatal(err)
	}
	if got := trova(rossi.CF()); !slices.Equal(got, []uint64{inPI.ID, inMI.ID, b.ID}) {
		t.Errorf("dopo la correzione: %v", got)
	}
	if got := trova(verdi.CF()); len(got) != 0 {
		t.Errorf("il codice corretto trova ancora %v", got)
	}
}

func TestRichiestaPerProtocollo(t *testing.T) {
	s := MustOpenConSedi(t)
	u := richiedente(t, s, rossi)
	r := invia(t, s, u.ID, richiestaCompleta(rossi))
	for _, p := range []string{"PI-2026-000001", " pi-2026-000001 "} {
		got, err := s.RichiestaPerProtocollo(p)
		if err != nil || got.ID != r.ID {
			t.Errorf("RichiestaPerProtocollo(%q) = %+v, %v", p, got, err)
		}
	}
	_, err := s.RichiestaPerProtocollo("PI-2026-000002")
	codice(t, err, domain.ErrNonTrovato)
}

// RichiestaPer shows a request to whom domain.Consenti allows, and hides it
// from the others as if it did not exist.
func TestRichiestaPer(t *testing.T) {
	s := MustOpenConSedi(t)
	autore := richiedente(t, s, rossi)
	estraneo := richiedente(t, s, verdi)
	opPI := creaOperatore(t, s, "op.pi@example.it", "PI")
	opMI := creaOperatore(t, s, "op.mi@example.it", "MI")
	admin := creaAmministratore(t, s, "admin@example.it")
	b := bozza(t, s, autore.ID, richiestaCompleta(rossi))
	r := invia(t, s, autore.ID, richiestaCompleta(rossi))
	for _, tc := range []struct {
		chi  *domain.Utente
		id   uint64
		vede bool
	}{
		{autore, b.ID, true}, {autore, r.ID, true},
		{estraneo, b.ID, false}, {estraneo, r.ID, false},
		{opPI, b.ID, false}, {opPI, r.ID, true},
		{opMI, r.ID, false},
		{admin, b.ID, false}, {admin, r.ID, true},
		{autore, 999, false},
	} {
		t.Run(fmt.Sprintf("%s/%d", tc.chi.Email, tc.id), func(t *testing.T) {
			got, err := s.RichiestaPer(tc.chi, tc.id, domain.OpVedi)
			if !tc.vede {
				codice(t, err, domain.ErrNonTrovato)
				return
			}
			if err != nil || got.ID != tc.id {
				t.Errorf("RichiestaPer = %+v, %v", got, err)
			}
		})
	}
}

// sportello records dati at the counter of operator op, submits it and
// takes it in charge with every check ticked.
func sportello(tb testing.TB, s *store.Store, op uint64, dati *domain.Richiesta) *domain.Richiesta {
	tb.Helper()
	a := atto(op, t0)
	r, err := s.ApriSportello(a, "")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := s.SalvaBozza(a, r.ID, dati); err != nil {
		tb.Fatal(err)
	}
	if _, err := s.AllegaDocumenti(a, r.ID, dati.Allegati); err != nil {
		tb.Fatal(err)
	}
	for _, f := range []func() (*domain.Richiesta, error){
		func() (*domain.Richiesta, error) { return s.Invia(a, r.ID) },
		func() (*domain.Richiesta, error) { return s.PrendiInCarico(a, r.ID) },
		func() (*domain.Richiesta, error) { return s.SalvaChecklist(a, r.ID, checklistCompleta) },
	} {
		if r, err = f(); err != nil {
			tb.Fatal(err)
		}
	}
	return r
}
