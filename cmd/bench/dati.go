package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"abilita/domain"
	"abilita/security"
	"abilita/sedi"
	"abilita/store"
)

// The data generator writes a data set straight through the store, in large
// transactions (store.Importazione): the accounts the rows log in with, an
// archive of requests moved through the state machine by domain.Esegui,
// and the drafts the submissions and uploads rows work on. The archive is
// written in order of submission, so protocol numbers follow the dates as
// they do in a real office.

// insieme describes a data set to generate.
type insieme struct {
	Nome       string
	Totale     int // requests of the archive (the rows' own drafts excluded)
	Aperte     int // open requests of sedeAperte among them
	Bozze      int // complete drafts for the submissions row, shared among Invianti
	Invianti   int // applicants who submit them, one per client
	Caricatori int // applicants with a draft to upload to, one per client
	Titolari   int // credential holders with an authenticator, for the logins rows
}

// account is a login the bench knows the password of.
type account struct {
	ID             uint64
	Identificativo string
	Segreto        string // TOTP secret; "" for an account without authenticator
}

// inviante is an applicant and its complete drafts.
type inviante struct {
	account
	Bozze []uint64
}

// caricatore is an applicant and the draft it uploads documents to.
type caricatore struct {
	account
	Bozza uint64
}

// generato is a data set on disk and the accounts the rows use.
type generato struct {
	Insieme     insieme
	Dir         string
	Operatori   []account // of sedeAperte, with authenticator
	Admin       account
	Richiedente account // an applicant with a few requests of its own
	Invianti    []inviante
	Caricatori  []caricatore
	Titolari    []account
	Modelli     modelli // the personal pages' data, for the same-template anchor
	Byte        int64   // size of the database file
	Generazione time.Duration
	Controllo   time.Duration
	passi       *passi // the TOTP steps its accounts used
}

const (
	// password is the password of every account the generator makes.
	password = "cavallo batteria graffetta corretta"
	// sedeAperte is the sede whose queue rows 1, 2 and 7 read.
	sedeAperte = "PI"
	// perTransazione is how many records one Importa call writes.
	perTransazione = 5000
	// operatoriSede is how many operators each sede has (sedeAperte too).
	operatoriSede = 12
)

// generatore holds what the generation of one data set shares.
type generatore struct {
	s           *store.Store
	keys        *security.Keyring
	hash        string
	ora         time.Time
	rng         *rand.Rand
	sedi        []sedi.Sede
	operatori   map[string][]uint64 // by sede
	richiedenti []richiedente       // the applicants of the archive
	persone     int                 // the next persona index free for an account
	medici      int                 // codici medico given so far
	g           *generato
}

// richiedente is an applicant of the archive: its account and its person.
type richiedente struct {
	id      uint64
	persona int
}

// genera writes data set ins into dir, whose requests are dated up to ora,
// checks it with store.Controlla and returns what the rows need.
func genera(ins insieme, dir string, argon security.Params, ora time.Time) (*generato, error) {
	inizio := time.Now()
	if err := controllaLuoghi(ora); err != nil {
		return nil, err
	}
	elenco, err := sedi.Default()
	if err != nil {
		return nil, err
	}
	keys, err := security.LoadOrCreateMasterKey(filepath.Join(dir, "chiave-master.key"))
	if err != nil {
		return nil, err
	}
	// One hash for every account: the server's parameters, so a login costs
	// what it costs in production and no rehash happens.
	hash, err := security.NewHasher(argon, security.DefaultCeiling(), 0).Hash(context.Background(), password)
	if err != nil {
		return nil, err
	}
	s, err := store.Open(filepath.Join(dir, "abilita.db"))
	if err != nil {
		return nil, err
	}
	defer s.Close()
	if err := s.SeminaSedi(elenco); err != nil {
		return nil, err
	}
	g := &generatore{s: s, keys: keys, hash: hash, ora: ora, rng: rand.New(rand.NewPCG(uint64(ins.Totale), 2026)),
		sedi: elenco, operatori: map[string][]uint64{}, g: &generato{Insieme: ins, Dir: dir, passi: &passi{ultimo: map[uint64]int64{}}}}
	passi := []struct {
		nome string
		fn   func() error
	}{
		{"accounts", g.staff}, {"applicants", g.richiedentiArchivio}, {"archive", g.archivio},
		{"applicant's own requests", g.richiesteProprie}, {"drafts to submit", g.bozze},
		{"drafts to upload to", g.caricatori}, {"credential holders", g.titolari},
	}
	for _, p := range passi {
		t := time.Now()
		if err := p.fn(); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", ins.Nome, p.nome, err)
		}
		avanza("  %s: %s in %s", ins.Nome, p.nome, durata(time.Since(t)))
	}
	g.g.Generazione = time.Since(inizio)
	if g.g.Modelli, err = costruisciModelli(s, g.g, ora); err != nil {
		return nil, err
	}
	t := time.Now()
	problemi, err := s.Controlla()
	if err != nil {
		return nil, err
	}
	g.g.Controllo = time.Since(t)
	if len(problemi) > 0 {
		return nil, fmt.Errorf("%s: store.Controlla found %d problems, the first: %s", ins.Nome, len(problemi), strings.Join(problemi[:min(5, len(problemi))], "; "))
	}
	if info, err := os.Stat(filepath.Join(dir, "abilita.db")); err == nil {
		g.g.Byte = info.Size()
	}
	return g.g, nil
}

// importa calls fn for i in [0, n) in transactions of perTransazione.
func (g *generatore) importa(n int, fn func(im *store.Importazione, i int) error) error {
	for da := 0; da < n; da += perTransazione {
		err := g.s.Importa(func(im *store.Importazione) error {
			for i := da; i < min(n, da+perTransazione); i++ {
				if err := fn(im, i); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// nuovoAccount stores an account for the next free person, with an
// authenticator enrolled when conTOTP, as activation leaves it.
func (g *generatore) nuovoAccount(im *store.Importazione, ruolo domain.Ruolo, conTOTP bool, modifica func(*domain.Utente)) (account, error) {
	i := g.persone
	g.persone++
	u := nuovaPersona(i).utente(i, ruolo, g.hash, g.ora)
	if modifica != nil {
		modifica(&u)
	}
	if err := im.Utente(&u); err != nil {
		return account{}, err
	}
	a := account{ID: u.ID, Identificativo: u.Email}
	if ruolo == domain.RuoloRichiedente && conTOTP {
		a.Identificativo = u.CodiceFiscale // credential holders log in with it
	}
	if !conTOTP {
		return a, nil
	}
	key, err := security.NuovoTOTP("Abilita", u.Email)
	if err != nil {
		return a, err
	}
	a.Segreto = key.Secret()
	sigillato, err := g.keys.Seal([]byte(a.Segreto), domain.ContestoSegretoTOTP(u.ID))
	if err != nil {
		return a, err
	}
	_, err = im.AggiornaUtente(u.ID, func(x *domain.Utente) error {
		x.TOTP = &domain.TOTP{SegretoCifrato: sigillato, Attivato: g.ora}
		x.Regole = &domain.Accettazione{Versione: domain.VersioneRegole, Quando: g.ora}
		return nil
	})
	return a, err
}

// staff makes the administrator and operatoriSede operators per sede; those
// of sedeAperte have an authenticator and log in.
func (g *generatore) staff() error {
	return g.s.Importa(func(im *store.Importazione) error {
		var err error
		if g.g.Admin, err = g.nuovoAccount(im, domain.RuoloAmministratore, true, nil); err != nil {
			return err
		}
		for _, sd := range g.sedi {
			for range operatoriSede {
				a, err := g.nuovoAccount(im, domain.RuoloOperatore, sd.Codice == sedeAperte, func(u *domain.Utente) { u.Sede = sd.Codice })
				if err != nil {
					return err
				}
				g.operatori[sd.Codice] = append(g.operatori[sd.Codice], a.ID)
				if sd.Codice == sedeAperte {
					g.g.Operatori = append(g.g.Operatori, a)
				}
			}
		}
		return nil
	})
}

// richiedentiArchivio makes the applicants who filed the archive's online
// requests: one for every five requests.
func (g *generatore) richiedentiArchivio() error {
	n := max(100, g.g.Insieme.Totale/5)
	return g.importa(n, func(im *store.Importazione, _ int) error {
		p := g.persone
		a, err := g.nuovoAccount(im, domain.RuoloRichiedente, false, nil)
		g.richiedenti = append(g.richiedenti, richiedente{id: a.ID, persona: p})
		return err
	})
}

// tra is a random duration in [da, a).
func (g *generatore) tra(da, a time.Duration) time.Duration {
	return da + time.Duration(g.rng.Int64N(int64(a-da)))
}

// scegli picks one of xs with the weights pesi (summing to 100).
func scegli[T any](rng *rand.Rand, xs []T, pesi []int) T {
	n := rng.IntN(100)
	for i, p := range pesi {
		if n < p {
			return xs[i]
		}
		n -= p
	}
	return xs[len(xs)-1]
}

// bozza is a draft of person p that passes every check of the form.
func (g *generatore) bozza(p persona, res luogo, percorso domain.Percorso, autore uint64, creata time.Time) *domain.Richiesta {
	profilo := scegli(g.rng, domain.Profili, pesiProfili)
	r := &domain.Richiesta{
		Percorso: percorso, Stato: domain.StatoBozza, Richiedente: autore, Tipo: scegli(g.rng, tipi, pesiTipi), Profilo: profilo,
		Anagrafica: domain.Anagrafica{Cognome: p.Cognome, Nome: p.Nome, CodiceFiscale: p.CodiceFiscale, Sesso: p.Sesso,
			DataNascita: p.Nascita.Format(domain.Data), LuogoNascita: p.Luogo.Comune, ProvinciaNascita: p.Luogo.Provincia,
			CodiceLuogo: p.Luogo.Belfiore, Cittadinanza: "Italiana"},
		Residenza: domain.Residenza{Indirizzo: fmt.Sprintf("Via Roma %d", 1+g.rng.IntN(200)), CAP: res.CAP, Comune: res.Comune, Provincia: res.Provincia},
		Contatti:  domain.Contatti{Email: p.Email(g.rng.IntN(1000)), Telefono: "+39 050 123456"},
		Documento: domain.Documento{Tipo: domain.TipiDocumento[g.rng.IntN(3)], Numero: fmt.Sprintf("CA%05dAB", g.rng.IntN(100000)),
			RilasciatoDa: "Comune di " + p.Luogo.Comune, DataRilascio: creata.AddDate(-2, 0, 0).Format(domain.Data),
			DataScadenza: creata.AddDate(8, 0, 0).Format(domain.Data)},
		Dichiarazioni: domain.Dichiarazioni{DPR445: true, Privacy: true, Riservatezza: true},
		Allegati:      map[domain.TipoAllegato]domain.Allegato{},
		Creata:        creata, Aggiornata: creata,
	}
	switch profilo {
	case domain.ProfiloReferentePresidio:
		r.Struttura = domain.Struttura{Denominazione: "Ospedale " + res.Comune, Codice: fmt.Sprintf("OSP-%03d", g.rng.IntN(1000)),
			Azienda: "Azienda sanitaria di " + res.Comune, Indirizzo: "Via dell'Ospedale 1, " + res.Comune,
			PEC: "ospedale@pec.example.it", FirmatarioDesignazione: "Direttore sanitario"}
	case domain.ProfiloMedicoPatronato:
		r.Patronato = domain.Patronato{Denominazione: "Patronato INCA", Sede: res.Comune}
		fallthrough
	default:
		r.Ordine = domain.Ordine{Provincia: p.Luogo.Provincia, Numero: fmt.Sprintf("%05d", g.rng.IntN(100000)), DataIscrizione: p.Nascita.AddDate(27, 0, 0).Format(domain.Data)}
	}
	for i, t := range domain.TipiAllegato {
		tipo, nome := "image/jpeg", string(t)+".jpg"
		if t == domain.AllegatoModuloFirmato {
			tipo, nome = "application/pdf", string(t)+".pdf"
		}
		r.Allegati[t] = domain.Allegato{ID: fmt.Sprintf("%016x%d", g.rng.Uint64(), i), Tipo: tipo, NomeOriginale: nome,
			Byte: 200_000 + g.rng.Int64N(800_000), SHA256: fmt.Sprintf("%016x%016x%016x%016x", g.rng.Uint64(), g.rng.Uint64(), g.rng.Uint64(), g.rng.Uint64()),
			Caricato: creata}
	}
	return r
}
