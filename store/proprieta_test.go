package store_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"abilita/cf"
	"abilita/domain"
	"abilita/sedi"
	"abilita/store"
)

// The property the store's derived data must keep: after any sequence of
// actions, every page of the queue, its totals and counts, the search and
// the statistics equal what a full scan of the requests computes, and
// Controlla finds nothing; and so again after the file is reopened.

// residenze are the comuni the applicants live in, one per sede.
var residenze = []struct{ comune, provincia string }{{"Pisa", "PI"}, {"Roma", "RM"}, {"Milano", "MI"}}

// cognomi and nomi make people whose names share prefixes, so that the
// search has something to tell apart.
var (
	cognomi = []string{"Rossi", "Rossini", "Bianchi", "Verdi", "Ferrari", "Russo", "Bruno", "Gallo"}
	nomi    = []string{"Mario", "Maria", "Marco", "Anna", "Luca", "Giulia", "Paolo", "Elena"}
)

// bozzaCompleta is a draft that passes every check of the form, for a
// person born in Pisa on nascita, living in the comune res.
func bozzaCompleta(cognome, nome string, nascita time.Time, res int, profilo domain.Profilo, quando time.Time) *domain.Richiesta {
	s := fmt.Sprintf("%s%s%02d%c%02d%s", cf.CodiceCognome(cognome), cf.CodiceNome(nome), nascita.Year()%100, "ABCDEHLMPRST"[nascita.Month()-1], nascita.Day(), "G702")
	codice := s + string(cf.CarattereControllo(s))
	r := &domain.Richiesta{
		Tipo: domain.TipoNuova, Profilo: profilo,
		Anagrafica: domain.Anagrafica{Cognome: cognome, Nome: nome, CodiceFiscale: codice, Sesso: "M", DataNascita: nascita.Format(domain.Data),
			LuogoNascita: "Pisa", ProvinciaNascita: "PI", CodiceLuogo: "G702", Cittadinanza: "Italiana"},
		Residenza: domain.Residenza{Indirizzo: "Via Roma 1", CAP: "56100", Comune: residenze[res].comune, Provincia: residenze[res].provincia},
		Contatti:  domain.Contatti{Email: strings.ToLower(nome+"."+cognome) + "@example.it", Telefono: "+39 050 123456"},
		Ordine:    domain.Ordine{Provincia: "PI", Numero: "12345", DataIscrizione: "2012-03-01"},
		Patronato: domain.Patronato{Denominazione: "Patronato di prova", Sede: "Pisa"},
		Struttura: domain.Struttura{Denominazione: "Ospedale di prova", Codice: "OSP-1", Azienda: "ASL Toscana", Indirizzo: "Via Bonanno 1, Pisa",
			PEC: "ospedale@pec.example.it", FirmatarioDesignazione: "Direttore sanitario"},
		Documento: domain.Documento{Tipo: "Carta d'identità", Numero: "CA12345AB", RilasciatoDa: "Comune di Pisa",
			DataRilascio: quando.AddDate(-2, 0, 0).Format(domain.Data), DataScadenza: quando.AddDate(5, 0, 0).Format(domain.Data)},
		Dichiarazioni: domain.Dichiarazioni{DPR445: true, Privacy: true, Riservatezza: true},
		Allegati:      map[domain.TipoAllegato]domain.Allegato{},
	}
	for _, t := range domain.TipiAllegato {
		r.Allegati[t] = domain.Allegato{ID: string(t), Tipo: "application/pdf", NomeOriginale: string(t) + ".pdf", Byte: 100, SHA256: "00", Caricato: quando}
	}
	return r
}

// mondo is the store under test and the people who act on it.
type mondo struct {
	t           *testing.T
	path        string
	s           *store.Store
	rng         *rand.Rand
	ora         time.Time
	richiedenti []uint64
	operatori   map[string]uint64 // sede → operator
	admin       uint64
	ids         []uint64 // every request
}

func nuovoMondo(t *testing.T, seed uint64) *mondo {
	t.Helper()
	path := filepath.Join(t.TempDir(), "abilita.db")
	m := &mondo{t: t, path: path, rng: rand.New(rand.NewPCG(seed, 2026)), ora: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), operatori: map[string]uint64{}}
	m.apri()
	elenco, err := sedi.Default()
	if err != nil {
		t.Fatal(err)
	}
	if err := m.s.SeminaSedi(elenco); err != nil {
		t.Fatal(err)
	}
	nuovo := func(u domain.Utente) uint64 {
		u.PasswordHash, u.Creato, u.EmailVerificata = "x", m.ora, m.ora
		if err := m.s.CreaUtente(&u); err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	for i := range 6 {
		m.richiedenti = append(m.richiedenti, nuovo(domain.Utente{Ruolo: domain.RuoloRichiedente, Email: fmt.Sprintf("r%d@example.it", i), Nome: "R", Cognome: "R"}))
	}
	for _, r := range residenze {
		m.operatori[r.provincia] = nuovo(domain.Utente{Ruolo: domain.RuoloOperatore, Email: "op." + strings.ToLower(r.provincia) + "@inail.test", Sede: r.provincia, Nome: "O", Cognome: "P"})
	}
	m.admin = nuovo(domain.Utente{Ruolo: domain.RuoloAmministratore, Email: "admin@inail.test", Nome: "A", Cognome: "A"})
	return m
}

func (m *mondo) apri() {
	s, err := store.Open(m.path)
	if err != nil {
		m.t.Fatal(err)
	}
	m.s = s
}

func (m *mondo) riapri() {
	if err := m.s.Close(); err != nil {
		m.t.Fatal(err)
	}
	m.apri()
}

func (m *mondo) atto(chi uint64) store.Atto { return store.Atto{Chi: chi, Quando: m.ora} }

func (m *mondo) scegli(n int) int { return m.rng.IntN(n) }

// passo does one random action; refusals (a state that does not allow it)
// are part of the game and must write nothing, which Controlla and the
// comparisons check.
func (m *mondo) passo() {
	m.ora = m.ora.Add(time.Duration(m.rng.IntN(36*60)) * time.Minute)
	var id uint64
	if len(m.ids) > 0 {
		id = m.ids[m.scegli(len(m.ids))]
	}
	r, _ := m.s.Richiesta(id)
	operatore := func() uint64 {
		if r == nil || r.Sede == "" {
			return m.operatori[residenze[m.scegli(3)].provincia]
		}
		return m.operatori[r.Sede]
	}
	var err error
	switch k := m.scegli(20); {
	case k < 5 || r == nil: // a new online request, submitted at once most of the times
		autore := m.richiedenti[m.scegli(len(m.richiedenti))]
		b := bozzaCompleta(cognomi[m.scegli(len(cognomi))], nomi[m.scegli(len(nomi))], time.Date(1960+m.scegli(40), time.Month(1+m.scegli(12)), 1+m.scegli(28), 0, 0, 0, 0, time.UTC),
			m.scegli(3), domain.Profili[m.scegli(3)], m.ora)
		if b.Urgente = m.scegli(5) == 0; b.Urgente {
			b.MotivoUrgenza = "Inizio attività"
		}
		allegati := b.Allegati
		if err = m.s.CreaBozza(m.atto(autore), b); err != nil {
			m.t.Fatal(err)
		}
		if _, err = m.s.AllegaDocumenti(m.atto(autore), b.ID, allegati); err != nil {
			m.t.Fatal(err)
		}
		m.ids = append(m.ids, b.ID)
		if m.scegli(4) > 0 {
			_, err = m.s.Invia(m.atto(autore), b.ID)
		}
	case k < 6: // a counter request, registered by the operator
		op := m.operatori[residenze[m.scegli(3)].provincia]
		var b *domain.Richiesta
		if b, err = m.s.ApriSportello(m.atto(op), ""); err != nil {
			m.t.Fatal(err)
		}
		m.ids = append(m.ids, b.ID)
		dati := bozzaCompleta(cognomi[m.scegli(len(cognomi))], nomi[m.scegli(len(nomi))], time.Date(1970, 3, 3, 0, 0, 0, 0, time.UTC), m.scegli(3), domain.ProfiloMedicoEsterno, m.ora)
		if _, err = m.s.SalvaBozza(m.atto(op), b.ID, dati); err != nil {
			m.t.Fatal(err)
		}
		if _, err = m.s.AllegaDocumenti(m.atto(op), b.ID, dati.Allegati); err != nil {
			m.t.Fatal(err)
		}
		_, err = m.s.Invia(m.atto(op), b.ID)
	case k < 8:
		_, err = m.s.Invia(m.atto(r.Richiedente), id)
	case k < 9:
		_, err = m.s.Annulla(m.atto(r.Richiedente), id)
	case k < 12:
		_, err = m.s.PrendiInCarico(m.atto(operatore()), id)
	case k < 14:
		if _, err = m.s.SalvaChecklist(m.atto(r.Operatore), id, domain.Checklist{DatiCorrispondenti: true, DocumentoValido: true, ModuloFirmato: true, OrdinePlausibile: true}); err == nil {
			_, err = m.s.Approva(m.atto(r.Operatore), id, store.Approvazione{})
		}
	case k < 15:
		_, err = m.s.Respingi(m.atto(r.Operatore), id, []domain.MotivoRifiuto{domain.MotivoDocumento}, "")
	case k < 16:
		_, err = m.s.ChiediIntegrazione(m.atto(r.Operatore), id, "Serve il retro del documento.")
	case k < 17:
		_, err = m.s.Rispondi(m.atto(r.Richiedente), id, store.Risposta{Testo: "Eccolo."})
	case k < 18:
		_, err = m.s.Reinstrada(m.atto(m.admin), id, residenze[m.scegli(3)].provincia, "")
	default: // someone tries what it may not: nothing must change
		_, err = m.s.PrendiInCarico(m.atto(m.richiedenti[0]), id)
		if err == nil {
			m.t.Fatalf("an applicant took request %d in charge", id)
		}
	}
	if err != nil && domain.CodiceDi(err) == domain.ErrInterno {
		m.t.Fatalf("request %d: %v", id, err)
	}
}

// tutte reads every request, the full scan the indexes are compared with.
func (m *mondo) tutte() []domain.Richiesta {
	var out []domain.Richiesta
	for _, id := range m.ids {
		r, err := m.s.Richiesta(id)
		if err != nil {
			m.t.Fatal(err)
		}
		out = append(out, *r)
	}
	return out
}

// ordine compares two requests as the queue shows them: urgent first, then
// the oldest submission (creation, for one never submitted), then by id.
func ordine(a, b domain.Richiesta) int {
	if a.Urgente != b.Urgente {
		if a.Urgente {
			return -1
		}
		return 1
	}
	ta, tb := a.Inviata, b.Inviata
	if ta.IsZero() {
		ta = a.Creata
	}
	if tb.IsZero() {
		tb = b.Creata
	}
	if c := ta.Compare(tb); c != 0 {
		return c
	}
	return int(a.ID) - int(b.ID)
}

// attese are the requests of q by a full scan, in the queue's order.
func (m *mondo) attese(tutte []domain.Richiesta, q store.QueryCoda) []uint64 {
	var sel []domain.Richiesta
	for _, r := range tutte {
		switch {
		case r.Sede != q.Sede || r.Stato == domain.StatoBozza || !slices.Contains(q.Stati, r.Stato),
			q.Percorso != "" && r.Percorso != q.Percorso,
			q.Profilo != "" && r.Profilo != q.Profilo,
			q.Urgenti && !r.Urgente,
			q.Vecchie > 0 && (r.Inviata.IsZero() || q.Ora.Sub(r.Inviata) < q.Vecchie):
			continue
		}
		sel = append(sel, r)
	}
	slices.SortFunc(sel, ordine)
	ids := make([]uint64, len(sel))
	for i, r := range sel {
		ids[i] = r.ID
	}
	return ids
}

var statiCoda = [][]domain.Stato{
	{domain.StatoInviata, domain.StatoInLavorazione, domain.StatoIntegrazioneRichiesta},
	{domain.StatoInviata},
	{domain.StatoApprovata, domain.StatoRespinta, domain.StatoAnnullata, domain.StatoAttiva},
	{domain.StatoInLavorazione, domain.StatoAnnullata},
	{domain.StatoInviata, domain.StatoInLavorazione, domain.StatoIntegrazioneRichiesta},
}

// controllaCoda walks every page of several queries, forward and back, and
// compares them, their totals and the counts with the full scan.
func (m *mondo) controllaCoda(tutte []domain.Richiesta) {
	t := m.t
	for _, sd := range residenze {
		for i, stati := range statiCoda {
			q := store.QueryCoda{Sede: sd.provincia, Stati: stati, Ora: m.ora, PerPag: 1 + i*2}
			switch i {
			case 1:
				q.Urgenti = true
			case 2:
				q.Percorso = domain.PercorsoOnline
			case 3:
				q.Profilo, q.Vecchie = domain.ProfiloMedicoEsterno, 3*24*time.Hour
			case 4:
				q.Profilo, q.Percorso, q.Urgenti = domain.ProfiloMedicoEsterno, domain.PercorsoOnline, true
			}
			want := m.attese(tutte, q)
			var avanti []uint64
			var ultimo store.PaginaCoda
			for pagine := 0; ; pagine++ {
				p, err := m.s.Coda(q)
				if err != nil {
					t.Fatal(err)
				}
				if p.TotaleNoto && p.Totale != len(want) {
					t.Fatalf("%s %v: total %d, the full scan counts %d", sd.provincia, stati, p.Totale, len(want))
				}
				if pagine == 0 && p.Prec != "" {
					t.Fatalf("%s %v: the first page has a previous one", sd.provincia, stati)
				}
				for _, r := range p.Righe {
					avanti = append(avanti, r.ID)
				}
				ultimo = p
				if p.Succ == "" || pagine > len(want) {
					break
				}
				q.Dopo, q.Prima = p.Succ, ""
			}
			if !slices.Equal(avanti, want) {
				t.Fatalf("%s %v (per page %d): pages give %v, the full scan %v", sd.provincia, stati, q.PerPag, avanti, want)
			}
			// Back from the last page to the first.
			indietro := idsDi(ultimo.Righe)
			for p := ultimo; p.Prec != ""; {
				q.Dopo, q.Prima = "", p.Prec
				var err error
				if p, err = m.s.Coda(q); err != nil {
					t.Fatal(err)
				}
				indietro = append(idsDi(p.Righe), indietro...)
			}
			if !slices.Equal(indietro, want) {
				t.Fatalf("%s %v: back from the last page %v, the full scan %v", sd.provincia, stati, indietro, want)
			}
		}
		conteggi, err := m.s.ConteggiCoda(sd.provincia)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range domain.Stati {
			n := 0
			for _, r := range tutte {
				if r.Sede == sd.provincia && r.Stato == st && st != domain.StatoBozza {
					n++
				}
			}
			if conteggi[st] != n {
				t.Fatalf("%s: %d requests %s, the full scan counts %d", sd.provincia, conteggi[st], st, n)
			}
		}
	}
}

func idsDi(righe []domain.RigaCoda) []uint64 {
	out := make([]uint64, len(righe))
	for i, r := range righe {
		out[i] = r.ID
	}
	return out
}

// controllaRicerca searches a few requests by the start of their protocol,
// codice fiscale and name, and compares with the full scan.
func (m *mondo) controllaRicerca(tutte []domain.Richiesta) {
	t := m.t
	tutti := append(append([]domain.Stato{}, statiCoda[0]...), statiCoda[2]...)
	for range 5 {
		r := tutte[m.scegli(len(tutte))]
		if r.Sede == "" || r.Stato == domain.StatoBozza {
			continue
		}
		for _, testo := range []string{r.Protocollo, r.Anagrafica.CodiceFiscale[:8], r.Anagrafica.Cognome[:4], r.Anagrafica.Nome + " " + r.Anagrafica.Cognome} {
			q := store.QueryCoda{Sede: r.Sede, Stati: tutti, Testo: strings.ToLower(testo), Ora: m.ora}
			p, err := m.s.Coda(q)
			if err != nil {
				t.Fatal(err)
			}
			var want []domain.Richiesta
			norm := domain.NormalizzaNome(testo)
			for _, x := range tutte {
				nome := domain.NormalizzaNome(x.Anagrafica.Cognome+" "+x.Anagrafica.Nome) + "|" + domain.NormalizzaNome(x.Anagrafica.Nome+" "+x.Anagrafica.Cognome)
				if x.Sede == r.Sede && x.Stato != domain.StatoBozza && (strings.HasPrefix(x.Protocollo, norm) ||
					strings.HasPrefix(x.Anagrafica.CodiceFiscale, norm) || strings.HasPrefix(nome, norm) || strings.Contains(nome, "|"+norm)) {
					want = append(want, x)
				}
			}
			slices.SortFunc(want, ordine)
			got := idsDi(p.Righe)
			var wantIDs []uint64
			for _, x := range want {
				wantIDs = append(wantIDs, x.ID)
			}
			if len(wantIDs) > store.MaxRicerca {
				wantIDs = wantIDs[:store.MaxRicerca]
			}
			if !slices.Equal(got, wantIDs) {
				t.Fatalf("search %q in %s: %v, the full scan %v", testo, r.Sede, got, wantIDs)
			}
		}
	}
}

// controllaStatistiche compares the aggregates of each sede and of all with
// the full scan.
func (m *mondo) controllaStatistiche(tutte []domain.Richiesta) {
	t := m.t
	soglia := 5 * 24 * time.Hour
	for _, sede := range []string{"", "PI", "RM", "MI"} {
		a, err := m.s.Aggregati(sede, m.ora, soglia, 1000)
		if err != nil {
			t.Fatal(err)
		}
		want := domain.Aggregati{PerStato: map[domain.Stato]int{}, PerPercorso: map[domain.Percorso]int{}, PerProfilo: map[domain.Profilo]int{},
			PerSede: map[string]int{}, Tempi: make([]int, domain.NumeroBucketTempo)}
		mesi := map[string]map[domain.Stato]int{}
		var late []domain.Richiesta
		for _, r := range tutte {
			if r.Stato == domain.StatoBozza || r.Sede == "" || (sede != "" && r.Sede != sede) {
				continue
			}
			want.Totale++
			want.PerStato[r.Stato]++
			want.PerPercorso[r.Percorso]++
			want.PerProfilo[r.Profilo]++
			want.PerSede[r.Sede]++
			if mesi[r.Mese()] == nil {
				mesi[r.Mese()] = map[domain.Stato]int{}
			}
			mesi[r.Mese()][r.Stato]++
			if d, ok := r.TempoDecisione(); ok {
				want.Tempi[domain.BucketTempo(d)]++
			}
			if r.Stato.Aperta() && m.ora.Sub(r.Inviata) > soglia {
				late = append(late, r)
			}
		}
		for k, n := range mesi {
			want.Mesi = append(want.Mesi, domain.AggregatoMese{Mese: k, PerStato: n})
		}
		slices.SortFunc(want.Mesi, func(a, b domain.AggregatoMese) int { return strings.Compare(a.Mese, b.Mese) })
		switch {
		case a.Totale != want.Totale || fmt.Sprint(a.PerStato) != fmt.Sprint(want.PerStato) || fmt.Sprint(a.PerPercorso) != fmt.Sprint(want.PerPercorso) ||
			fmt.Sprint(a.PerProfilo) != fmt.Sprint(want.PerProfilo):
			t.Fatalf("sede %q: totals %d %v %v %v, the full scan %d %v %v %v", sede, a.Totale, a.PerStato, a.PerPercorso, a.PerProfilo,
				want.Totale, want.PerStato, want.PerPercorso, want.PerProfilo)
		case fmt.Sprint(senzaZeri(a.PerSede)) != fmt.Sprint(want.PerSede):
			t.Fatalf("sede %q: by sede %v, the full scan %v", sede, a.PerSede, want.PerSede)
		case fmt.Sprint(a.Mesi) != fmt.Sprint(want.Mesi):
			t.Fatalf("sede %q: by month %v, the full scan %v", sede, a.Mesi, want.Mesi)
		case !slices.Equal(a.Tempi, want.Tempi):
			t.Fatalf("sede %q: decision times differ from the full scan", sede)
		case a.NumeroInAttesa != len(late) || len(a.InAttesa) != len(late):
			t.Fatalf("sede %q: %d late (%d rows), the full scan %d", sede, a.NumeroInAttesa, len(a.InAttesa), len(late))
		}
		slices.SortFunc(late, func(x, y domain.Richiesta) int { return x.Inviata.Compare(y.Inviata) })
		for i, r := range a.InAttesa {
			if !r.Inviata.Equal(late[i].Inviata) {
				t.Fatalf("sede %q: late row %d submitted %v, the full scan %v", sede, i, r.Inviata, late[i].Inviata)
			}
		}
	}
}

func senzaZeri(m map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		if v != 0 {
			out[k] = v
		}
	}
	return out
}

func (m *mondo) controllaTutto() {
	m.t.Helper()
	tutte := m.tutte()
	if len(tutte) == 0 {
		return
	}
	m.controllaCoda(tutte)
	m.controllaRicerca(tutte)
	m.controllaStatistiche(tutte)
	problemi, err := m.s.Controlla()
	if err != nil {
		m.t.Fatal(err)
	}
	if len(problemi) > 0 {
		m.t.Fatalf("Controlla: %s", strings.Join(problemi, "\n"))
	}
}

// TestIndiciEAggregatiCoincidonoConLeRichieste drives random submissions,
// decisions, answers, re-routings and withdrawals, and after each one
// compares the queue, its counts, the search and the statistics with a
// full scan; then reopens the file and compares again.
func TestIndiciEAggregatiCoincidonoConLeRichieste(t *testing.T) {
	semi, passi := 4, 250
	if testing.Short() {
		semi, passi = 1, 80
	}
	for seed := range uint64(semi) {
		t.Run(fmt.Sprint("seme ", seed), func(t *testing.T) {
			m := nuovoMondo(t, seed)
			for i := range passi {
				m.passo()
				if i%5 == 4 {
					m.controllaTutto()
				}
			}
			m.controllaTutto()
			m.riapri()
			m.controllaTutto()
			if err := m.s.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestRicostruisciRifaGliStessiIndici rebuilds every derived bucket from
// the records and finds the same bytes the actions wrote.
func TestRicostruisciRifaGliStessiIndici(t *testing.T) {
	m := nuovoMondo(t, 99)
	for range 120 {
		m.passo()
	}
	prima, err := m.s.Istantanea()
	if err != nil {
		t.Fatal(err)
	}
	if err := m.s.Ricostruisci(); err != nil {
		t.Fatal(err)
	}
	dopo, err := m.s.Istantanea()
	if err != nil {
		t.Fatal(err)
	}
	for bucket, voci := range prima {
		if !strings.HasPrefix(bucket, "idx_") && bucket != "aggregati" {
			continue
		}
		for k, v := range voci {
			if k == "#sequence" {
				continue
			}
			if !bytes.Equal([]byte(dopo[bucket][k]), []byte(v)) {
				t.Errorf("%s[%s] rebuilt as %q, the actions wrote %q", bucket, k, dopo[bucket][k], v)
			}
		}
		for k := range dopo[bucket] {
			if _, ok := voci[k]; !ok && k != "#sequence" {
				t.Errorf("%s[%s] rebuilt, the actions did not write it", bucket, k)
			}
		}
	}
	m.controllaTutto()
}
