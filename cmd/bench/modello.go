package main

import (
	"time"

	"abilita/domain"
	"abilita/handlers"
	"abilita/security"
	"abilita/store"
	"abilita/views"
)

// The data of the two personal pages of row 7, read from the data set
// before the server starts. The same-template anchor turns them into the
// pages' view models with the handlers' own functions (VistaMieRichieste,
// VistaCodaIniziale) on every request and renders views.PaginaMieRichieste
// and views.PaginaCoda with them: it costs the view model, the template and
// the data, and nothing else — no store, no session, no middleware.

type datiMieRichieste struct {
	Base  views.Base
	Righe []domain.RigaCoda
}

type datiCoda struct {
	Base views.Base
	Dati handlers.DatiCoda
	Ora  time.Time
}

// modelli are the two pages' data, as the anchor process reads them.
type modelli struct {
	MieRichieste datiMieRichieste
	Coda         datiCoda
}

// righePerPagina is the handler's perPaginaCoda.
const righePerPagina = 20

// costruisciModelli reads from s what the server shows on "Le mie richieste"
// to g.Richiedente and on the first page of the queue to the first operator
// of sedeAperte.
func costruisciModelli(s *store.Store, g *generato, ora time.Time) (modelli, error) {
	base := func(id uint64, titolo, percorso string) (views.Base, error) {
		u, err := s.Utente(id)
		return views.Base{Titolo: titolo, CSRF: security.NewToken(), Utente: u, Personale: true, Percorso: percorso, ScadenzaSessione: 1800}, err
	}
	var m modelli
	var err error
	if m.MieRichieste.Base, err = base(g.Richiedente.ID, "Le mie richieste", "/richieste"); err != nil {
		return m, err
	}
	if m.MieRichieste.Righe, err = s.RichiesteUtente(g.Richiedente.ID); err != nil {
		return m, err
	}
	c := &m.Coda
	c.Ora = ora
	if c.Base, err = base(g.Operatori[0].ID, "Coda della sede", "/operatore"); err != nil {
		return m, err
	}
	if c.Dati.Pagina, err = s.Coda(store.QueryCoda{Sede: sedeAperte, Stati: statiAperti, Ora: ora, PerPag: righePerPagina}); err != nil {
		return m, err
	}
	if c.Dati.Conteggi, err = s.ConteggiCoda(sedeAperte); err != nil {
		return m, err
	}
	if c.Dati.Nomi, err = s.NomiOperatori(sedeAperte); err != nil {
		return m, err
	}
	sd, err := s.Sede(sedeAperte)
	if err != nil {
		return m, err
	}
	c.Dati.SedeNome = sd.Nome
	return m, nil
}
