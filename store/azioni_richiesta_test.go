package store_test

import (
	"errors"
	"maps"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"abilita/domain"
	"abilita/store"
)

func TestCreaBozza(t *testing.T) {
	s := MustOpen(t)
	u := richiedente(t, s, rossi)
	quando := t0.Add(time.Hour)
	r := &domain.Richiesta{Richiedente: 99, Stato: domain.StatoApprovata, Schema: 99, Percorso: domain.PercorsoSportello, Sede: "MI",
		Anagrafica: domain.Anagrafica{Cognome: "Rossi", CodiceFiscale: " " + strings.ToLower(rossi.CF())}}
	if err := s.CreaBozza(atto(u.ID, quando), r); err != nil {
		t.Fatal(err)
	}
	if r.ID == 0 || r.Stato != domain.StatoBozza || r.Schema != domain.SchemaRichiesta || r.Richiedente != u.ID || r.Percorso != domain.PercorsoOnline ||
		r.Sede != "" || !r.Creata.Equal(quando) || !r.Aggiornata.Equal(quando) || r.Anagrafica.CodiceFiscale != rossi.CF() {
		t.Fatalf("CreaBozza: %+v", r)
	}
	got, err := s.Richiesta(r.ID)
	if err != nil || !reflect.DeepEqual(got, r) {
		t.Fatalf("Richiesta(%d) = %+v, %v; want %+v", r.ID, got, err, r)
	}
	if r2 := bozza(t, s, u.ID, richiestaCompleta(rossi)); r2.ID <= r.ID {
		t.Errorf("ID non crescenti: %d dopo %d", r2.ID, r.ID)
	}
	_, err = s.Richiesta(999)
	codice(t, err, domain.ErrNonTrovato)

	op := creaOperatore(t, s, "op@example.it", "PI")
	sospeso := titolare(t, s, verdi, "PI")
	if _, err := s.Sospendi(atto(op.ID, t0), sospeso.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	prima := istantanea(t, s)
	codice(t, s.CreaBozza(atto(999, t0), richiestaCompleta(rossi)), domain.ErrNonTrovato)
	codice(t, s.CreaBozza(atto(sospeso.ID, t0), richiestaCompleta(verdi)), domain.ErrNonAmmesso)
	invariato(t, s, prima)
}

// A new draft takes the data of the form and nothing of a request's life:
// no protocol number, operator, decision, history or submission time, even
// if the caller passes them.
func TestCreaBozzaPrendeSoloIDatiDelModulo(t *testing.T) {
	s := MustOpenConSedi(t)
	u := richiedente(t, s, rossi)
	vera := invia(t, s, u.ID, richiestaCompleta(rossi))
	falsa := richiestaCompleta(rossi)
	falsa.Protocollo, falsa.Operatore, falsa.Inviata = vera.Protocollo, 7, t0
	falsa.Esito = &domain.Esito{CodiceMedico: "MED0000001"}
	falsa.Storia = []domain.Evento{{Quando: t0, Da: domain.StatoInLavorazione, A: domain.StatoApprovata}}
	falsa.Integrazioni = []domain.Integrazione{{Messaggio: "?"}}
	falsa.Checklist = checklistCompleta
	b := bozza(t, s, u.ID, falsa)
	if b.Protocollo != "" || b.Operatore != 0 || !b.Inviata.IsZero() || b.Esito != nil || len(b.Storia) != 0 || len(b.Integrazioni) != 0 || b.Checklist != (domain.Checklist{}) {
		t.Errorf("la bozza ha dati che non vengono dal modulo: %+v", b)
	}
	if got, err := s.RichiestaPerProtocollo(vera.Protocollo); err != nil || got.ID != vera.ID {
		t.Errorf("il protocollo %s porta alla richiesta %+v, %v; want %d", vera.Protocollo, got, err, vera.ID)
	}
	if p, err := s.Controlla(); err != nil || len(p) > 0 {
		t.Errorf("Controlla = %q, %v", p, err)
	}
}

func TestSalvaBozza(t *testing.T) {
	s := MustOpenConSedi(t)
	u := richiedente(t, s, rossi)
	estraneo := richiedente(t, s, verdi)
	op := creaOperatore(t, s, "op.pi@example.it", "PI")
	b := bozza(t, s, u.ID, &domain.Richiesta{Tipo: domain.TipoNuova, Profilo: domain.ProfiloMedicoEsterno})
	dati := richiestaCompleta(rossi)
	dati.Anagrafica.CodiceFiscale = strings.ToLower(rossi.CF())
	dati.Stato, dati.Richiedente, dati.Sede, dati.Protocollo, dati.Allegati = domain.StatoApprovata, estraneo.ID, "MI", "MI-2026-000001", nil
	quando := t0.Add(time.Hour)
	got, err := s.SalvaBozza(atto(u.ID, quando), b.ID, dati)
	if err != nil {
		t.Fatal(err)
	}
	if got.Anagrafica.Cognome != "Rossi" || got.Anagrafica.CodiceFiscale != rossi.CF() || got.Documento != dati.Documento || !got.Dichiarazioni.Privacy ||
		got.Stato != domain.StatoBozza || got.Richiedente != u.ID || got.Sede != "" || got.Protocollo != "" || !got.Aggiornata.Equal(quando) {
		t.Errorf("SalvaBozza = %+v", got)
	}
	if stored, _ := s.Richiesta(b.ID); !reflect.DeepEqual(stored, got) {
		t.Errorf("salvata %+v\nrestituita %+v", stored, got)
	}
	if _, err := s.AllegaDocumenti(atto(u.ID, quando), b.ID, richiestaCompleta(rossi).Allegati); err != nil {
		t.Fatal(err)
	}
	inv, err := s.Invia(atto(u.ID, quando), b.ID)
	if err != nil {
		t.Fatal(err)
	}

	altra := bozza(t, s, u.ID, richiestaCompleta(rossi))
	prima := istantanea(t, s)
	for _, tc := range []struct {
		nome    string
		chi, id uint64
		want    domain.Codice
	}{
		{"bozza di un altro", estraneo.ID, altra.ID, domain.ErrNonTrovato},
		{"operatore", op.ID, altra.ID, domain.ErrNonTrovato},
		{"richiesta inviata", u.ID, inv.ID, domain.ErrConflitto},
		{"richiesta inesistente", u.ID, 999, domain.ErrNonTrovato},
	} {
		_, err := s.SalvaBozza(atto(tc.chi, quando), tc.id, dati)
		if domain.CodiceDi(err) != tc.want {
			t.Errorf("%s: %v, want codice %s", tc.nome, err, tc.want)
		}
		_, err = s.AllegaDocumenti(atto(tc.chi, quando), tc.id, dati.Allegati)
		if domain.CodiceDi(err) != tc.want {
			t.Errorf("%s, allegati: %v, want codice %s", tc.nome, err, tc.want)
		}
	}
	invariato(t, s, prima)
}

func TestAllegaDocumenti(t *testing.T) {
	s := MustOpen(t)
	u := richiedente(t, s, rossi)
	b := bozza(t, s, u.ID, &domain.Richiesta{})
	primo := map[domain.TipoAllegato]domain.Allegato{domain.AllegatoDocumentoFronte: {ID: "f1"}, domain.AllegatoModuloFirmato: {ID: "m1"}}
	if sostituiti, err := s.AllegaDocumenti(atto(u.ID, t0), b.ID, primo); err != nil || len(sostituiti) != 0 {
		t.Fatalf("primo caricamento = %v, %v", sostituiti, err)
	}
	sostituiti, err := s.AllegaDocumenti(atto(u.ID, t0), b.ID, map[domain.TipoAllegato]domain.Allegato{domain.AllegatoDocumentoFronte: {ID: "f2"}})
	if err != nil || len(sostituiti) != 1 || sostituiti[0].ID != "f1" {
		t.Fatalf("sostituzione = %v, %v; want il vecchio fronte, da cancellare", sostituiti, err)
	}
	got, _ := s.Richiesta(b.ID)
	if len(got.Allegati) != 2 || got.Allegati[domain.AllegatoDocumentoFronte].ID != "f2" || got.Allegati[domain.AllegatoModuloFirmato].ID != "m1" {
		t.Errorf("allegati salvati: %+v", got.Allegati)
	}
}

func TestInvia(t *testing.T) {
	s := MustOpenConSedi(t)
	u := richiedente(t, s, rossi)
	b := bozza(t, s, u.ID, richiestaCompleta(rossi))
	svegliato := sveglie(s)
	quando := time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)
	got, err := s.Invia(atto(u.ID, quando), b.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := domain.Evento{Quando: quando, Da: domain.StatoBozza, A: domain.StatoInviata, Chi: u.ID, Nota: "Inviata online"}
	if got.Stato != domain.StatoInviata || len(got.Storia) != 1 || got.Storia[0] != want || !got.Inviata.Equal(quando) ||
		got.Sede != "PI" || got.Protocollo != "PI-2026-000001" {
		t.Fatalf("Invia = %+v", got)
	}
	if stored, _ := s.Richiesta(b.ID); !reflect.DeepEqual(stored, got) {
		t.Errorf("salvata %+v\nrestituita %+v", stored, got)
	}
	nn := tutta(t, s)
	if len(nn) != 1 {
		t.Fatalf("%d messaggi, want la ricevuta", len(nn))
	}
	if n := nn[0]; n.RichiestaID != b.ID || n.Sede != "PI" || n.Protocollo != got.Protocollo || n.Messaggio.Modello != domain.ModelloRicevuta ||
		n.Messaggio.To[0] != rossi.Email() || !n.Creata.Equal(quando) || n.Stato != domain.NotificaInCoda {
		t.Errorf("ricevuta: %+v", n)
	}
	ev, _ := s.EventiAudit(store.FiltroAudit{Richiesta: b.ID})
	if len(ev) != 1 || ev[0].Azione != domain.AuditInvio || ev[0].Chi != u.ID || ev[0].Dettaglio != "inviata online: protocollo PI-2026-000001" {
		t.Errorf("audit: %+v", ev)
	}
	if n := svegliato.Load(); n != 1 {
		t.Errorf("worker svegliato %d volte, want 1", n)
	}
	if conti, _ := s.ConteggiCoda("PI"); conti[domain.StatoInviata] != 1 {
		t.Errorf("ConteggiCoda(PI) = %v", conti)
	}
}

// A draft with a step to complete, or whose comune no sede serves, is not
// submitted and takes no number.
func TestInviaBozzaIncompleta(t *testing.T) {
	s := MustOpen(t) // no sedi yet
	u := richiedente(t, s, rossi)
	senzaDocumento := richiestaCompleta(rossi)
	senzaDocumento.Documento.Numero = ""
	incompleta := bozza(t, s, u.ID, senzaDocumento)
	completa := bozza(t, s, u.ID, richiestaCompleta(rossi))
	svegliato := sveglie(s)
	prima := istantanea(t, s)
	_, err := s.Invia(atto(u.ID, t0), incompleta.ID)
	codice(t, err, domain.ErrNonValido)
	if !strings.Contains(domain.MessaggioDi(err), domain.PassoDocumento.Titolo()) {
		t.Errorf("messaggio %q: deve indicare il passo da completare", domain.MessaggioDi(err))
	}
	_, err = s.Invia(atto(u.ID, t0), completa.ID)
	codice(t, err, domain.ErrNonTrovato)
	invariato(t, s, prima)
	if n := svegliato.Load(); n != 0 {
		t.Errorf("worker svegliato %d volte", n)
	}
	seminaSedi(t, s)
	if r, err := s.Invia(atto(u.ID, t0), completa.ID); err != nil || r.Protocollo != "PI-2026-000001" {
		t.Errorf("dopo un invio rifiutato: %+v, %v; want il primo protocollo", r, err)
	}
}

func TestProtocolloPerSedeEAnno(t *testing.T) {
	s := MustOpenConSedi(t)
	u := richiedente(t, s, rossi)
	in2026 := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	in2027 := time.Date(2027, 1, 2, 12, 0, 0, 0, time.UTC)
	// Just after midnight of New Year in Rome, still 31 December in UTC.
	capodanno := time.Date(2027, 12, 31, 23, 30, 0, 0, time.UTC)
	for _, tt := range []struct {
		chi    persona
		quando time.Time
		want   string
	}{
		{verdi, in2026, "MI-2026-000001"},
		{verdi, in2026, "MI-2026-000002"},
		{bianchi, in2026, "RM-2026-000001"},
		{verdi, in2026.Add(time.Hour), "MI-2026-000003"},
		{verdi, in2027, "MI-2027-000001"},
		{bianchi, in2027, "RM-2027-000001"},
		{verdi, in2027, "MI-2027-000002"},
		{verdi, capodanno, "MI-2028-000001"},
	} {
		b := bozza(t, s, u.ID, richiestaCompleta(tt.chi))
		got, err := s.Invia(atto(u.ID, tt.quando), b.ID)
		if err != nil || got.Protocollo != tt.want {
			t.Errorf("%s inviata il %v: protocollo %q, %v; want %q", tt.chi.Provincia, tt.quando, got.Protocollo, err, tt.want)
		}
		if stored, _ := s.Richiesta(b.ID); stored.Protocollo != tt.want {
			t.Errorf("protocollo salvato %q, want %q", stored.Protocollo, tt.want)
		}
	}
	// Later actions keep the number.
	op := creaOperatore(t, s, "op.mi@example.it", "MI")
	b := bozza(t, s, u.ID, richiestaCompleta(verdi))
	if _, err := s.Invia(atto(u.ID, in2026), b.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := s.PrendiInCarico(atto(op.ID, in2027), b.ID); err != nil || got.Protocollo != "MI-2026-000004" {
		t.Errorf("dopo la presa in carico: %+v, %v", got, err)
	}
}

// Every action refused, for its permission, the state of the request or its
// input, writes nothing and wakes nobody.
func TestAzioniRifiutateNonScrivonoNulla(t *testing.T) {
	s := MustOpenConSedi(t)
	autore, estraneo := richiedente(t, s, rossi), richiedente(t, s, verdi)
	op := creaOperatore(t, s, "op.pi@example.it", "PI")
	op2 := creaOperatore(t, s, "op2.pi@example.it", "PI")
	opMI := creaOperatore(t, s, "op.mi@example.it", "MI")
	sospeso := creaOperatore(t, s, "sospeso.pi@example.it", "PI")
	admin := creaAmministratore(t, s, "admin@example.it")
	if _, err := s.Sospendi(atto(admin.ID, t0), sospeso.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	bz := bozza(t, s, autore.ID, richiestaCompleta(rossi)).ID
	inv := invia(t, s, autore.ID, richiestaCompleta(rossi)).ID
	lav := inLavorazione(t, s, autore.ID, op.ID, richiestaCompleta(rossi)).ID
	spt := sportello(t, s, op.ID, richiestaCompleta(neri)).ID
	svegliato := sveglie(s)
	a := func(chi uint64) store.Atto { return atto(chi, t0.Add(time.Hour)) }
	documento := []domain.MotivoRifiuto{domain.MotivoDocumento}
	r := func(_ *domain.Richiesta, err error) error { return err }

	prima := istantanea(t, s)
	for _, tc := range []struct {
		nome string
		err  error
		want domain.Codice
	}{
		{"invia: bozza di un altro", r(s.Invia(a(estraneo.ID), bz)), domain.ErrNonTrovato},
		{"invia: già inviata", r(s.Invia(a(autore.ID), inv)), domain.ErrConflitto},
		{"invia: l'operatore, una bozza online", r(s.Invia(a(op.ID), bz)), domain.ErrNonTrovato},
		{"invia: utente inesistente", r(s.Invia(a(999), bz)), domain.ErrNonTrovato},
		{"prendi in carico: il richiedente", r(s.PrendiInCarico(a(autore.ID), inv)), domain.ErrNonTrovato},
		{"prendi in carico: un'altra sede", r(s.PrendiInCarico(a(opMI.ID), inv)), domain.ErrNonTrovato},
		{"prendi in carico: una bozza", r(s.PrendiInCarico(a(op.ID), bz)), domain.ErrNonTrovato},
		{"prendi in carico: operatore sospeso", r(s.PrendiInCarico(a(sospeso.ID), inv)), domain.ErrNonAmmesso},
		{"prendi in carico: l'amministratore", r(s.PrendiInCarico(a(admin.ID), inv)), domain.ErrNonTrovato},
		{"prendi in carico: richiesta inesistente", r(s.PrendiInCarico(a(op.ID), 999)), domain.ErrNonTrovato},
		{"verifica: non in carico", r(s.SalvaChecklist(a(op.ID), inv, checklistCompleta)), domain.ErrNonAmmesso},
		{"approva: non in carico", func() error { _, err := s.Approva(a(op.ID), inv, store.Approvazione{}); return err }(), domain.ErrNonAmmesso},
		{"approva: di un altro operatore", func() error { _, err := s.Approva(a(op2.ID), lav, store.Approvazione{}); return err }(), domain.ErrNonAmmesso},
		{"respingi: senza motivi", r(s.Respingi(a(op.ID), lav, nil, "")), domain.ErrNonValido},
		{"respingi: «altro» senza testo", r(s.Respingi(a(op.ID), lav, []domain.MotivoRifiuto{domain.MotivoAltro}, " ")), domain.ErrNonValido},
		{"respingi: non in carico", r(s.Respingi(a(op.ID), inv, documento, "")), domain.ErrNonAmmesso},
		{"integrazione: allo sportello", r(s.ChiediIntegrazione(a(op.ID), spt, "Manca il retro.")), domain.ErrConflitto},
		{"integrazione: di un altro operatore", r(s.ChiediIntegrazione(a(op2.ID), lav, "Manca il retro.")), domain.ErrNonAmmesso},
		{"rispondi: nessuna integrazione", func() error { _, err := s.Rispondi(a(autore.ID), lav, store.Risposta{Testo: "x"}); return err }(), domain.ErrConflitto},
		{"rispondi: un estraneo", func() error { _, err := s.Rispondi(a(estraneo.ID), lav, store.Risposta{Testo: "x"}); return err }(), domain.ErrNonTrovato},
		{"annulla: in lavorazione", r(s.Annulla(a(autore.ID), lav)), domain.ErrConflitto},
		{"annulla: un estraneo", r(s.Annulla(a(estraneo.ID), inv)), domain.ErrNonTrovato},
		{"annulla: allo sportello", r(s.Annulla(a(op.ID), spt)), domain.ErrNonTrovato},
		{"reinstrada: un operatore", r(s.Reinstrada(a(op.ID), inv, "MI", "")), domain.ErrNonTrovato},
		{"reinstrada: in lavorazione", r(s.Reinstrada(a(admin.ID), lav, "MI", "")), domain.ErrConflitto},
		{"reinstrada: alla stessa sede", r(s.Reinstrada(a(admin.ID), inv, "PI", "")), domain.ErrConflitto},
		{"reinstrada: sede sconosciuta", r(s.Reinstrada(a(admin.ID), inv, "ZZ", "")), domain.ErrNonValido},
		{"reinstrada: una bozza", r(s.Reinstrada(a(admin.ID), bz, "MI", "")), domain.ErrNonTrovato},
	} {
		if domain.CodiceDi(tc.err) != tc.want {
			t.Errorf("%s: %v, want codice %s", tc.nome, tc.err, tc.want)
		}
	}
	var gia *domain.GiaInCarico
	if _, err := s.PrendiInCarico(a(op2.ID), lav); !errors.As(err, &gia) || gia.Operatore != op.ID {
		t.Errorf("presa in carico di una richiesta già in carico: %v", err)
	}
	invariato(t, s, prima)
	if n := svegliato.Load(); n != 0 {
		t.Errorf("worker svegliato %d volte da azioni rifiutate", n)
	}
}

func TestPrendiInCarico(t *testing.T) {
	s := MustOpenConSedi(t)
	u := richiedente(t, s, rossi)
	op1 := creaOperatore(t, s, "op1.pi@example.it", "PI")
	op2 := creaOperatore(t, s, "op2.pi@example.it", "PI")
	r := invia(t, s, u.ID, richiestaCompleta(rossi))
	quando := t0.Add(time.Hour)
	got, err := s.PrendiInCarico(atto(op1.ID, quando), r.ID)
	want := domain.Evento{Quando: quando, Da: domain.StatoInviata, A: domain.StatoInLavorazione, Chi: op1.ID, Nota: "Presa in carico"}
	if err != nil || got.Operatore != op1.ID || got.Stato != domain.StatoInLavorazione || got.Storia[len(got.Storia)-1] != want {
		t.Fatalf("PrendiInCarico = %+v, %v", got, err)
	}
	if ev, _ := s.EventiAudit(store.FiltroAudit{Richiesta: r.ID, Limite: 1}); len(ev) != 1 || ev[0].Azione != domain.AuditPresaInCarico || ev[0].Chi != op1.ID {
		t.Errorf("audit: %+v", ev)
	}
	if conti, _ := s.ConteggiCoda("PI"); conti[domain.StatoInLavorazione] != 1 || conti[domain.StatoInviata] != 0 {
		t.Errorf("ConteggiCoda(PI) = %v", conti)
	}
	for _, op := range []uint64{op2.ID, op1.ID} {
		var gia *domain.GiaInCarico
		if _, err := s.PrendiInCarico(atto(op, quando), r.ID); !errors.As(err, &gia) || gia.Operatore != op1.ID {
			t.Errorf("seconda presa in carico dell'operatore %d: %v, want già in carico a %d", op, err, op1.ID)
		}
	}
}

// Of many operators pressing the button at once exactly one gets the
// request; the others are told who did.
func TestPrendiInCaricoConcorrente(t *testing.T) {
	s := MustOpenConSedi(t)
	u := richiedente(t, s, rossi)
	r := invia(t, s, u.ID, richiestaCompleta(rossi))
	const n = 8
	ops := make([]uint64, n)
	for i := range ops {
		ops[i] = creaOperatore(t, s, "op"+string(rune('a'+i))+"@example.it", "PI").ID
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { _, errs[i] = s.PrendiInCarico(atto(ops[i], t0), r.ID) })
	}
	wg.Wait()
	got, _ := s.Richiesta(r.ID)
	vinte := 0
	for i, err := range errs {
		var gia *domain.GiaInCarico
		switch {
		case err == nil:
			vinte++
			if got.Operatore != ops[i] {
				t.Errorf("l'operatore %d ha preso la richiesta, che risulta a %d", ops[i], got.Operatore)
			}
		case !errors.As(err, &gia) || gia.Operatore != got.Operatore:
			t.Errorf("operatore %d: %v", ops[i], err)
		}
	}
	if vinte != 1 || len(got.Storia) != 2 {
		t.Errorf("%d prese in carico riuscite, storia %+v; want 1", vinte, got.Storia)
	}
}

func TestRespingi(t *testing.T) {
	s := MustOpenConSedi(t)
	u := richiedente(t, s, rossi)
	op := creaOperatore(t, s, "op.pi@example.it", "PI")
	dati := richiestaCompleta(rossi)
	dati.Contatti.PEC = "mario.rossi@pec.example.it"
	r := inLavorazione(t, s, u.ID, op.ID, dati)
	svegliato := sveglie(s)
	quando := t0.Add(48 * time.Hour)
	motivi := []domain.MotivoRifiuto{domain.MotivoDocumento, domain.MotivoAltro}
	got, err := s.Respingi(atto(op.ID, quando), r.ID, motivi, "Il documento è scaduto il 1° marzo.")
	if err != nil {
		t.Fatal(err)
	}
	want := domain.Esito{Motivi: motivi, Nota: "Il documento è scaduto il 1° marzo.", Chi: op.ID, Quando: quando}
	if got.Stato != domain.StatoRespinta || got.Esito == nil || !reflect.DeepEqual(*got.Esito, want) {
		t.Fatalf("Respingi = %+v, esito %+v", got, got.Esito)
	}
	pag, _ := s.Posta(store.QueryPosta{Sede: "PI", PerPag: 2})
	for i, a := range []string{"mario.rossi@pec.example.it", rossi.Email()} {
		if n := pag.Notifiche[i]; n.Messaggio.Modello != domain.ModelloRespinta || n.Messaggio.To[0] != a || n.RichiestaID != r.ID || n.Messaggio.PEC() != (i == 0) {
			t.Errorf("esito %d: %+v", i, n)
		}
	}
	if ev, _ := s.EventiAudit(store.FiltroAudit{Richiesta: r.ID, Limite: 1}); len(ev) != 1 || ev[0].Azione != domain.AuditDecisione || ev[0].Dettaglio != "respinta: documento, altro" {
		t.Errorf("audit: %+v", ev)
	}
	if n := svegliato.Load(); n != 1 {
		t.Errorf("worker svegliato %d volte, want 1", n)
	}
	_, err = s.Respingi(atto(op.ID, quando), r.ID, motivi, "di nuovo")
	codice(t, err, domain.ErrConflitto)
}

func TestIntegrazioneERisposta(t *testing.T) {
	s := MustOpenConSedi(t)
	u := richiedente(t, s, rossi)
	op := creaOperatore(t, s, "op.pi@example.it", "PI")
	r := inLavorazione(t, s, u.ID, op.ID, richiestaCompleta(rossi))
	chiesta := t0.Add(time.Hour)
	got, err := s.ChiediIntegrazione(atto(op.ID, chiesta), r.ID, "Il retro del documento è illeggibile.")
	if err != nil || got.Stato != domain.StatoIntegrazioneRichiesta || len(got.Integrazioni) != 1 ||
		got.Integrazioni[0] != (domain.Integrazione{Messaggio: "Il retro del documento è illeggibile.", Chiesta: chiesta}) {
		t.Fatalf("ChiediIntegrazione = %+v, %v", got, err)
	}
	if nn := tutta(t, s); nn[0].Messaggio.Modello != domain.ModelloIntegrazione || nn[0].Messaggio.Voce != 1 || nn[0].RichiestaID != r.ID {
		t.Errorf("avviso: %+v", nn[0])
	}

	risposto := chiesta.Add(time.Hour)
	nuovo := &domain.Allegato{ID: "retro-2", Tipo: "image/png"}
	vecchio, err := s.Rispondi(atto(u.ID, risposto), r.ID, store.Risposta{Testo: "Ecco una foto migliore.", Tipo: domain.AllegatoDocumentoRetro, Allegato: nuovo})
	if err != nil || vecchio == nil || vecchio.ID != "retro" {
		t.Fatalf("Rispondi = %+v, %v; want il vecchio retro, da cancellare", vecchio, err)
	}
	got, _ = s.Richiesta(r.ID)
	if i := got.Integrazioni[0]; got.Stato != domain.StatoInLavorazione || got.Allegati[domain.AllegatoDocumentoRetro].ID != nuovo.ID ||
		i.Risposta != "Ecco una foto migliore." || !i.Risposto.Equal(risposto) || i.Sostituito != string(domain.AllegatoDocumentoRetro) {
		t.Errorf("dopo la risposta: %+v", got)
	}
	if ev, _ := s.EventiAudit(store.FiltroAudit{Richiesta: r.ID, Limite: 1}); len(ev) != 1 || ev[0].Chi != u.ID || ev[0].Dettaglio != "risposta all'integrazione, sostituito: documento_retro" {
		t.Errorf("audit: %+v", ev)
	}
	_, err = s.Rispondi(atto(u.ID, risposto), r.ID, store.Risposta{Testo: "di nuovo"})
	codice(t, err, domain.ErrConflitto)

	if _, err := s.ChiediIntegrazione(atto(op.ID, risposto), r.ID, "Serve anche il fronte."); err != nil {
		t.Fatal(err)
	}
	if nn := tutta(t, s); nn[0].Messaggio.Voce != 2 {
		t.Errorf("secondo avviso: voce %d, want 2", nn[0].Messaggio.Voce)
	}
	if vecchio, err := s.Rispondi(atto(u.ID, risposto), r.ID, store.Risposta{Testo: "L'ho già inviato."}); err != nil || vecchio != nil {
		t.Errorf("risposta senza file = %+v, %v", vecchio, err)
	}
}

func TestAnnulla(t *testing.T) {
	s := MustOpenConSedi(t)
	u := richiedente(t, s, rossi)
	b := bozza(t, s, u.ID, richiestaCompleta(rossi))
	r := invia(t, s, u.ID, richiestaCompleta(rossi))
	for _, id := range []uint64{b.ID, r.ID} {
		got, err := s.Annulla(atto(u.ID, t0), id)
		if err != nil || got.Stato != domain.StatoAnnullata || got.Storia[len(got.Storia)-1].Nota != "Annullata dal richiedente" {
			t.Fatalf("Annulla(%d) = %+v, %v", id, got, err)
		}
		if ev, _ := s.EventiAudit(store.FiltroAudit{Richiesta: id, Limite: 1}); len(ev) != 1 || ev[0].Dettaglio != "annullata dal richiedente" {
			t.Errorf("audit: %+v", ev)
		}
	}
	if conti, _ := s.ConteggiCoda("PI"); conti[domain.StatoAnnullata] != 1 || conti[domain.StatoInviata] != 0 {
		t.Errorf("ConteggiCoda(PI) = %v", conti)
	}
	_, err := s.Annulla(atto(u.ID, t0), r.ID)
	codice(t, err, domain.ErrConflitto)
}

func TestReinstrada(t *testing.T) {
	s := MustOpenConSedi(t)
	u := richiedente(t, s, rossi)
	admin := creaAmministratore(t, s, "admin@example.it")
	opPI := creaOperatore(t, s, "op.pi@example.it", "PI")
	opMI := creaOperatore(t, s, "op.mi@example.it", "MI")
	r := invia(t, s, u.ID, richiestaCompleta(rossi))
	got, err := s.Reinstrada(atto(admin.ID, t0), r.ID, "MI", "si è trasferito a Milano")
	if err != nil {
		t.Fatal(err)
	}
	e := got.Storia[len(got.Storia)-1]
	if got.Sede != "MI" || got.Stato != domain.StatoInviata || got.Protocollo != r.Protocollo || e.Da != domain.StatoInviata || e.A != domain.StatoInviata ||
		e.Chi != admin.ID || !strings.Contains(e.Nota, "Pisa") || !strings.Contains(e.Nota, "Milano") || !strings.Contains(e.Nota, "si è trasferito a Milano") {
		t.Fatalf("Reinstrada = %+v, ultimo evento %+v", got, e)
	}
	audit(t, s, admin.ID, domain.AuditReinstradamento, "si è trasferito a Milano")
	conPI, _ := s.ConteggiCoda("PI")
	conMI, _ := s.ConteggiCoda("MI")
	if conPI[domain.StatoInviata] != 0 || conMI[domain.StatoInviata] != 1 {
		t.Errorf("ConteggiCoda: PI %v, MI %v", conPI, conMI)
	}
	_, err = s.PrendiInCarico(atto(opPI.ID, t0), r.ID)
	codice(t, err, domain.ErrNonTrovato)
	if _, err := s.PrendiInCarico(atto(opMI.ID, t0), r.ID); err != nil {
		t.Errorf("la nuova sede non prende in carico la richiesta: %v", err)
	}
}

func TestApriSportello(t *testing.T) {
	s := MustOpenConSedi(t)
	op := creaOperatore(t, s, "op.pi@example.it", "PI")
	op2 := creaOperatore(t, s, "op2.pi@example.it", "PI")
	vuota, err := s.ApriSportello(atto(op.ID, t0), "")
	if err != nil || vuota.Percorso != domain.PercorsoSportello || vuota.Stato != domain.StatoBozza || vuota.Richiedente != op.ID ||
		vuota.Sede != "PI" || vuota.Tipo != domain.TipoNuova {
		t.Fatalf("ApriSportello = %+v, %v", vuota, err)
	}
	audit(t, s, op.ID, domain.AuditRichiestaSportello, "richiesta vuota")

	// A module filled in online by someone living in Milan: the counter
	// that loads it keeps the request.
	modulo := richiestaCompleta(verdi)
	if err := s.SalvaPrecompilata("codice", domain.Precompilata{Richiesta: *modulo, Creata: t0, Scade: t0.Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := s.SalvaPrecompilata("scaduto", domain.Precompilata{Richiesta: *modulo, Creata: t0, Scade: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	quando := t0.Add(time.Hour)
	r, err := s.ApriSportello(atto(op.ID, quando), "codice")
	if err != nil || r.Anagrafica.CodiceFiscale != verdi.CF() || r.Residenza != modulo.Residenza || r.Documento != modulo.Documento ||
		r.Dichiarazioni != (domain.Dichiarazioni{}) || len(r.Allegati) != 0 || r.Sede != "PI" {
		t.Fatalf("ApriSportello con il modulo = %+v, %v", r, err)
	}
	if _, err := s.Precompilata("codice", quando); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("il modulo usato è ancora disponibile: %v", err)
	}
	u := richiedente(t, s, bianchi)
	prima := istantanea(t, s)
	for _, tc := range []struct {
		nome, codice string
		chi          uint64
		want         domain.Codice
	}{
		{"modulo già caricato", "codice", op2.ID, domain.ErrNonTrovato},
		{"modulo scaduto", "scaduto", op2.ID, domain.ErrNonTrovato},
		{"non un operatore", "", u.ID, domain.ErrNonAmmesso},
	} {
		_, err := s.ApriSportello(atto(tc.chi, quando), tc.codice)
		if domain.CodiceDi(err) != tc.want {
			t.Errorf("%s: %v, want codice %s", tc.nome, err, tc.want)
		}
	}
	invariato(t, s, prima)

	// The applicant signs the declarations on the module; the operator
	// ticks them and attaches the documents.
	if _, err := s.SalvaBozza(atto(op.ID, quando), r.ID, modulo); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AllegaDocumenti(atto(op.ID, quando), r.ID, modulo.Allegati); err != nil {
		t.Fatal(err)
	}
	got, err := s.Invia(atto(op.ID, quando), r.ID)
	if err != nil || got.Sede != "PI" || got.Protocollo != "PI-2026-000001" || got.Storia[0].Nota != "Registrata allo sportello" {
		t.Errorf("invio allo sportello = %+v, %v", got, err)
	}
}

// "Prossima richiesta" takes the head of the sede's queue (urgent first,
// then oldest) that nobody has; operators asking at once get different
// requests, and an empty queue says so.
func TestPrendiProssima(t *testing.T) {
	s := MustOpenConSedi(t)
	u := richiedente(t, s, rossi)
	vecchia := invia(t, s, u.ID, richiestaCompleta(rossi))
	urgente := richiestaCompleta(rossi)
	urgente.Urgente, urgente.MotivoUrgenza = true, "Turno in pronto soccorso da lunedì."
	urg := invia(t, s, u.ID, urgente)
	presa := invia(t, s, u.ID, richiestaCompleta(rossi))
	ultima := invia(t, s, u.ID, richiestaCompleta(rossi))
	opMI := creaOperatore(t, s, "op.mi@example.it", "MI")
	op := creaOperatore(t, s, "op.pi@example.it", "PI")
	altro := creaOperatore(t, s, "altro.pi@example.it", "PI")
	if _, err := s.PrendiInCarico(atto(altro.ID, t0), presa.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PrendiProssima(atto(opMI.ID, t0)); !errors.Is(err, store.ErrCodaVuota) {
		t.Errorf("Milan's empty queue: %v", err)
	}
	for _, want := range []uint64{urg.ID, vecchia.ID, ultima.ID} {
		got, err := s.PrendiProssima(atto(op.ID, t0.Add(time.Hour)))
		if err != nil || got.ID != want || got.Operatore != op.ID || got.Stato != domain.StatoInLavorazione {
			t.Fatalf("PrendiProssima = %+v, %v; want request %d", got, err, want)
		}
		if ev, _ := s.EventiAudit(store.FiltroAudit{Richiesta: want, Limite: 1}); len(ev) != 1 || ev[0].Azione != domain.AuditPresaInCarico || ev[0].Chi != op.ID {
			t.Errorf("audit of %d: %+v", want, ev)
		}
	}
	if _, err := s.PrendiProssima(atto(op.ID, t0)); !errors.Is(err, store.ErrCodaVuota) {
		t.Errorf("after the last one: %v", err)
	}
	if _, err := s.PrendiProssima(atto(u.ID, t0)); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("an applicant: %v", err)
	}

	// Eight operators at once, five free requests: five get one each.
	libere := map[uint64]bool{}
	for range 5 {
		libere[invia(t, s, u.ID, richiestaCompleta(rossi)).ID] = true
	}
	const n = 8
	ops := make([]uint64, n)
	for i := range ops {
		ops[i] = creaOperatore(t, s, "op"+string(rune('a'+i))+"@example.it", "PI").ID
	}
	prese := make([]*domain.Richiesta, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { prese[i], errs[i] = s.PrendiProssima(atto(ops[i], t0)) })
	}
	wg.Wait()
	vuote := 0
	for i, err := range errs {
		switch {
		case errors.Is(err, store.ErrCodaVuota):
			vuote++
		case err != nil:
			t.Errorf("operator %d: %v", ops[i], err)
		case !libere[prese[i].ID] || prese[i].Operatore != ops[i]:
			t.Errorf("operator %d got %d (%d), twice or not free", ops[i], prese[i].ID, prese[i].Operatore)
		default:
			delete(libere, prese[i].ID)
		}
	}
	if vuote != n-5 || len(libere) != 0 {
		t.Errorf("%d told the queue is empty, %v left free", vuote, libere)
	}
}

// A rejected request filed again: a draft with all its data and
// declarations, the copies of its files, and a link to it; only the
// applicant, only from a rejected request, only with copies of its files.
func TestRipresenta(t *testing.T) {
	s := MustOpenConSedi(t)
	u := richiedente(t, s, rossi)
	altro := richiedente(t, s, bianchi)
	op := creaOperatore(t, s, "op.pi@example.it", "PI")
	dati := richiestaCompleta(rossi)
	dati.Contatti.PEC = "mario.rossi@pec.example.it"
	r := inLavorazione(t, s, u.ID, op.ID, dati)
	aperta := invia(t, s, u.ID, richiestaCompleta(rossi))
	copie := map[domain.TipoAllegato]domain.Allegato{}
	for tipo, a := range r.Allegati {
		a.ID = "copia-" + a.ID
		copie[tipo] = a
	}
	if _, err := s.Ripresenta(atto(u.ID, t0), r.ID, copie); domain.CodiceDi(err) != domain.ErrConflitto {
		t.Errorf("from a request being reviewed: %v", err)
	}
	if _, err := s.Respingi(atto(op.ID, t0), r.ID, []domain.MotivoRifiuto{domain.MotivoDocumento}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Ripresenta(atto(altro.ID, t0), r.ID, copie); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("by someone else: %v", err)
	}
	if _, err := s.Ripresenta(atto(u.ID, t0), aperta.ID, nil); domain.CodiceDi(err) != domain.ErrConflitto {
		t.Errorf("from a submitted request: %v", err)
	}
	estraneo := maps.Clone(copie)
	estraneo[domain.AllegatoModuloFirmato] = domain.Allegato{ID: "altro", SHA256: "00"}
	if _, err := s.Ripresenta(atto(u.ID, t0), r.ID, estraneo); domain.CodiceDi(err) != domain.ErrConflitto {
		t.Errorf("with a file that is not the rejected request's: %v", err)
	}

	quando := t0.Add(time.Hour)
	b, err := s.Ripresenta(atto(u.ID, quando), r.ID, copie)
	if err != nil {
		t.Fatal(err)
	}
	if b.Stato != domain.StatoBozza || b.Precedente != r.ID || b.Richiedente != u.ID || b.Protocollo != "" || b.Esito != nil || len(b.Storia) != 0 {
		t.Errorf("the new draft: %+v", b)
	}
	if b.Anagrafica != r.Anagrafica || b.Documento != r.Documento || b.Contatti != r.Contatti || b.Ordine != r.Ordine || b.Dichiarazioni != r.Dichiarazioni {
		t.Errorf("data not carried over: %+v", b)
	}
	for tipo, a := range copie {
		if got := b.Allegati[tipo]; got.ID != a.ID || !got.Caricato.Equal(quando) {
			t.Errorf("%s: %+v, want the copy %s", tipo, got, a.ID)
		}
	}
	nominati, err := s.AllegatiNominati([]string{"copia-fronte", "fronte"})
	if err != nil || !nominati["copia-fronte"] || !nominati["fronte"] {
		t.Errorf("files named by requests: %v, %v", nominati, err)
	}
	if _, err := s.Invia(atto(u.ID, quando), b.ID); err != nil {
		t.Errorf("the draft filed again cannot be submitted as it is: %v", err)
	}
}
