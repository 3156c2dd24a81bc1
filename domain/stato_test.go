package domain_test

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"abilita/domain"
)

// dichiarati returns the values of the constants of the named type declared
// in stato.go, so that a state or action added there is tested without
// anybody remembering to list it here.
func dichiarati(t *testing.T, tipo string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "stato.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != tipo {
				continue
			}
			for _, v := range vs.Values {
				lit, ok := v.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					t.Fatalf("costante %s non letterale: %#v", tipo, v)
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, s)
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("nessuna costante di tipo %s in stato.go", tipo)
	}
	return out
}

// tutteLeAzioni is every action: those declared in stato.go and those the
// table uses.
func tutteLeAzioni(t *testing.T) []domain.Azione {
	var out []domain.Azione
	for _, a := range dichiarati(t, "Azione") {
		out = append(out, domain.Azione(a))
	}
	for _, m := range domain.Transizioni {
		for a := range m {
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	return out
}

func TestStatiElencaOgniStato(t *testing.T) {
	var dich []domain.Stato
	for _, s := range dichiarati(t, "Stato") {
		dich = append(dich, domain.Stato(s))
	}
	if !slices.Equal(dich, domain.Stati) {
		t.Errorf("domain.Stati = %v, le costanti dichiarate sono %v", domain.Stati, dich)
	}
	for da, m := range domain.Transizioni {
		if !slices.Contains(domain.Stati, da) {
			t.Errorf("stato di partenza %q non è in domain.Stati", da)
		}
		for a, verso := range m {
			if !slices.Contains(domain.Stati, verso) {
				t.Errorf("%s --%s--> %q: stato non in domain.Stati", da, a, verso)
			}
		}
	}
	for _, s := range domain.Stati {
		if s.Etichetta() == string(s) {
			t.Errorf("lo stato %q non ha un'etichetta italiana", s)
		}
	}
}

// TestTransizioniConsentite spells out DESIGN.md §3 once more, on purpose: a
// change of the table must be a change of this list too.
func TestTransizioniConsentite(t *testing.T) {
	want := map[domain.Stato]map[domain.Azione]domain.Stato{
		domain.StatoBozza:                 {domain.AzioneInvia: domain.StatoInviata, domain.AzioneAnnulla: domain.StatoAnnullata},
		domain.StatoInviata:               {domain.AzionePrendiInCarico: domain.StatoInLavorazione, domain.AzioneAnnulla: domain.StatoAnnullata},
		domain.StatoInLavorazione:         {domain.AzioneApprova: domain.StatoApprovata, domain.AzioneRespingi: domain.StatoRespinta, domain.AzioneChiediIntegrazione: domain.StatoIntegrazioneRichiesta},
		domain.StatoIntegrazioneRichiesta: {domain.AzioneRisposta: domain.StatoInLavorazione},
		domain.StatoApprovata:             {domain.AzioneAttiva: domain.StatoAttiva},
	}
	if !reflect.DeepEqual(domain.Transizioni, want) {
		t.Fatalf("macchina a stati:\n got %v\nwant %v", domain.Transizioni, want)
	}
	for da, m := range want {
		for a, verso := range m {
			got, err := domain.Prossimo(da, a)
			if err != nil || got != verso {
				t.Errorf("Prossimo(%s, %s) = %q, %v; want %q", da, a, got, err, verso)
			}
		}
	}
}

// richiestaIn is a request in state s with some history and data, so that a
// refused action has something to leave alone.
func richiestaIn(s domain.Stato) *domain.Richiesta {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	return &domain.Richiesta{
		Schema: domain.SchemaRichiesta, ID: 7, Protocollo: "MI-2026-000001", Percorso: domain.PercorsoOnline,
		Stato: s, Richiedente: 3, Sede: "MI", Tipo: domain.TipoNuova, Profilo: domain.ProfiloMedicoEsterno,
		Anagrafica: domain.Anagrafica{Cognome: "Rossi", Nome: "Mario", CodiceFiscale: "RSSMRA85T10A562S"},
		Allegati:   map[domain.TipoAllegato]domain.Allegato{domain.AllegatoModuloFirmato: {ID: "a1", Byte: 10}},
		Storia:     []domain.Evento{{Quando: t0, Da: domain.StatoBozza, A: s, Chi: 3, Nota: "prima"}},
		Creata:     t0, Aggiornata: t0, Inviata: t0,
	}
}

func TestEseguiTransizioniConsentite(t *testing.T) {
	quando := time.Date(2026, 4, 1, 10, 30, 0, 0, time.UTC)
	const chi, nota = 42, "documento verificato"
	n := 0
	for da, m := range domain.Transizioni {
		for a, verso := range m {
			n++
			t.Run(string(da)+"/"+string(a), func(t *testing.T) {
				r := richiestaIn(da)
				prima := *r
				prima.Storia = slices.Clone(r.Storia)
				if err := r.Esegui(a, chi, quando, nota); err != nil {
					t.Fatalf("Esegui: %v", err)
				}
				if r.Stato != verso {
					t.Errorf("Stato = %q, want %q", r.Stato, verso)
				}
				if len(r.Storia) != len(prima.Storia)+1 {
					t.Fatalf("Storia ha %d eventi, want %d", len(r.Storia), len(prima.Storia)+1)
				}
				if !reflect.DeepEqual(r.Storia[:len(prima.Storia)], prima.Storia) {
					t.Errorf("gli eventi precedenti sono cambiati: %v", r.Storia)
				}
				want := domain.Evento{Quando: quando, Da: da, A: verso, Chi: chi, Nota: nota}
				if got := r.Storia[len(r.Storia)-1]; got != want {
					t.Errorf("ultimo evento = %+v, want %+v", got, want)
				}
				if !r.Aggiornata.Equal(quando) {
					t.Errorf("Aggiornata = %v, want %v", r.Aggiornata, quando)
				}
				wantInviata := prima.Inviata
				if a == domain.AzioneInvia {
					wantInviata = quando
				}
				if !r.Inviata.Equal(wantInviata) {
					t.Errorf("Inviata = %v, want %v", r.Inviata, wantInviata)
				}
			})
		}
	}
	if n == 0 {
		t.Fatal("nessuna transizione consentita")
	}
}

func TestEseguiRifiutaLeAltreCoppie(t *testing.T) {
	azioni := tutteLeAzioni(t)
	rifiutate := 0
	for _, da := range domain.Stati {
		for _, a := range azioni {
			if _, ok := domain.Transizioni[da][a]; ok {
				continue
			}
			rifiutate++
			t.Run(string(da)+"/"+string(a), func(t *testing.T) {
				if next, err := domain.Prossimo(da, a); err == nil {
					t.Fatalf("Prossimo(%s, %s) = %q, want errore", da, a, next)
				}
				r := richiestaIn(da)
				prima := richiestaIn(da)
				err := r.Esegui(a, 42, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), "nota")
				var de *domain.Errore
				if !errors.As(err, &de) {
					t.Fatalf("Esegui = %v (%T), want *domain.Errore", err, err)
				}
				if de.Codice != domain.ErrConflitto {
					t.Errorf("Codice = %q, want %q", de.Codice, domain.ErrConflitto)
				}
				if de.Messaggio == "" || domain.MessaggioDi(err) != de.Messaggio {
					t.Errorf("messaggio per l'utente = %q", domain.MessaggioDi(err))
				}
				if !reflect.DeepEqual(r, prima) {
					t.Errorf("la richiesta è cambiata:\n got %+v\nwant %+v", r, prima)
				}
			})
		}
	}
	if rifiutate == 0 {
		t.Fatal("nessuna coppia rifiutata")
	}
}

func TestEseguiAzioneSconosciuta(t *testing.T) {
	for _, s := range domain.Stati {
		r := richiestaIn(s)
		if err := r.Esegui("cancella_tutto", 1, time.Now(), ""); domain.CodiceDi(err) != domain.ErrConflitto {
			t.Errorf("%s: Esegui(azione sconosciuta) = %v, want conflitto", s, err)
		}
	}
	r := richiestaIn("stato_inventato")
	if err := r.Esegui(domain.AzioneInvia, 1, time.Now(), ""); domain.CodiceDi(err) != domain.ErrConflitto {
		t.Errorf("Esegui da stato sconosciuto = %v, want conflitto", err)
	}
}

func TestStatiFinaliSenzaUscite(t *testing.T) {
	for _, s := range []domain.Stato{domain.StatoRespinta, domain.StatoAnnullata, domain.StatoAttiva} {
		if m := domain.Transizioni[s]; len(m) != 0 {
			t.Errorf("lo stato finale %s ha uscite: %v", s, m)
		}
	}
}

func TestOgniStatoRaggiungibileDallaBozza(t *testing.T) {
	visti := map[domain.Stato]bool{domain.StatoBozza: true}
	coda := []domain.Stato{domain.StatoBozza}
	for len(coda) > 0 {
		s := coda[0]
		coda = coda[1:]
		for _, verso := range domain.Transizioni[s] {
			if !visti[verso] {
				visti[verso] = true
				coda = append(coda, verso)
			}
		}
	}
	for _, s := range domain.Stati {
		if !visti[s] {
			t.Errorf("lo stato %s non si raggiunge dalla bozza", s)
		}
	}
}

func TestAnnullabileModificabile(t *testing.T) {
	tests := []struct {
		stato                     domain.Stato
		annullabile, modificabile bool
	}{
		{domain.StatoBozza, true, true},
		{domain.StatoInviata, true, false},
		{domain.StatoInLavorazione, false, false},
		{domain.StatoIntegrazioneRichiesta, false, false},
		{domain.StatoApprovata, false, false},
		{domain.StatoRespinta, false, false},
		{domain.StatoAnnullata, false, false},
		{domain.StatoAttiva, false, false},
	}
	if len(tests) != len(domain.Stati) {
		t.Fatalf("la tabella copre %d stati su %d", len(tests), len(domain.Stati))
	}
	for _, tt := range tests {
		r := richiestaIn(tt.stato)
		if got := r.Annullabile(); got != tt.annullabile {
			t.Errorf("%s: Annullabile = %v, want %v", tt.stato, got, tt.annullabile)
		}
		if got := r.Modificabile(); got != tt.modificabile {
			t.Errorf("%s: Modificabile = %v, want %v", tt.stato, got, tt.modificabile)
		}
		// Annullabile must agree with the state machine, not with a list of its own.
		_, err := domain.Prossimo(tt.stato, domain.AzioneAnnulla)
		if r.Annullabile() != (err == nil) {
			t.Errorf("%s: Annullabile = %v ma Prossimo(annulla) = %v", tt.stato, r.Annullabile(), err)
		}
	}
}
